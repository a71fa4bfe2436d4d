//! What a batch did: documents by status, rows per table, time and throughput.

use crate::extract::records::Extraction;
use std::time::{Duration, Instant};

/// Counts of a finished (or running) batch.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Documents seen.
    pub documents: u64,
    /// Documents with status ok.
    pub ok: u64,
    /// Documents with status partial.
    pub partial: u64,
    /// Documents with status failed.
    pub failed: u64,
    /// Input bytes.
    pub bytes: u64,
    /// Files skipped because they were extracted before and have not changed, as indices
    /// into the batch's file list.
    pub unchanged: Vec<usize>,
    started: Instant,
    /// Wall time of the batch.
    pub elapsed: Duration,
}

impl Summary {
    pub(super) fn start() -> Summary {
        Summary {
            documents: 0,
            ok: 0,
            partial: 0,
            failed: 0,
            bytes: 0,
            unchanged: Vec::new(),
            started: Instant::now(),
            elapsed: Duration::ZERO,
        }
    }

    pub(super) fn add(&mut self, extraction: &Extraction) {
        for doc in &extraction.documents {
            self.documents += 1;
            self.bytes += doc.size_bytes.max(0) as u64;
            match doc.status.as_str() {
                "ok" => self.ok += 1,
                "partial" => self.partial += 1,
                _ => self.failed += 1,
            }
        }
    }

    pub(super) fn finish(&mut self) {
        self.elapsed = self.started.elapsed();
    }

    /// Documents per second.
    pub fn docs_per_sec(&self) -> f64 {
        self.documents as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Input megabytes per second.
    pub fn mb_per_sec(&self) -> f64 {
        self.bytes as f64 / 1e6 / self.elapsed.as_secs_f64().max(1e-9)
    }
}
