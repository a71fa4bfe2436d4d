//! The allocator the `jixiao` binary and the benchmarks run on, and its options.
//!
//! jemalloc, with one arena per core, and freed pages handed back to the system 100 ms
//! after their last use. A batch frees and refills its row-group buffers several times a
//! second, on whichever worker appends, and frees them again on an encoder thread; what
//! decides peak memory is whether what one thread frees is soon reused or returned.
//! With mimalloc (its purge delay at 10 ms), resident memory drifted up over a run
//! while the live heap did not (counted at one job: a peak of 17.2 MB over 2,000 text
//! exports, 17.3 MB over 17,939), and in the throughput benchmark peak RSS grew by 7–13%
//! from 2,000 to 20,000 generated documents (text at one thread 34 → 38 MB, at two
//! 45 → 51 MB). With jemalloc and these options it grew by 4–8% over five runs, from a
//! lower start (text at one thread 30–32 → 32–34 MB, at two 37–38 → 39–41 MB);
//! thirteen later runs (J–V in the README), printing tenths of a MB, found −0.6% to
//! +11.4%. jemalloc takes more instructions (callgrind, one thread, before the
//! thread-cache options below: +7.9% over 500 text exports, +2.6% over 500 DOCX) and more
//! system calls to return memory (see the README's benchmark section).

use std::os::raw::c_char;

/// The global allocator's type. The binary and each benchmark declare it, and export
/// [`OPTIONS`] as `_rjem_malloc_conf`: the name jemalloc, as the `tikv-jemallocator`
/// crate builds it, reads its options from before `main` (the attribute needs the name
/// spelt out; a CLI test checks that the binary runs with these options).
pub type Allocator = tikv_jemallocator::Jemalloc;

/// jemalloc's options:
/// - `percpu_arena:percpu`: one arena per core, shared by the threads running on it (by
///   default there are four per core, so each of a run's threads had one of its own:
///   peak RSS at two jobs over 17,939 text exports 41.5 MB against 38);
/// - `dirty_decay_ms:100`: freed pages go back to the system 100 ms after their last
///   use, not 10 s (and for good: jemalloc's default skips the stage where they would
///   first be lent back, counted as resident until the kernel needs them). Each return
///   is a system call that, in a process with threads on two cores, interrupts the other
///   core to flush its TLB. Per two-job run over 2,000 generated text exports there were
///   2,770 calls at 10 ms, 2,034 at 30 and 1,213 at 100. Taking turns, 10 ms against
///   30 (fastest of eight runs at 2,000 documents, of three at 20,000): text at two jobs
///   1.72× and 1.75× faster than at one against 1.86× and 1.82×, DOCX 1.94× and 1.90×
///   against 1.88× and 1.93×, peaks 0.1–0.9 MB higher at 30. 100 ms against 30, one
///   such comparison: text 1.78× and 1.87× against 1.78× and 1.80×, peaks 0.9–1.9 MB
///   higher. Three later ones over the text exports of `jixiao synth` (taking turns)
///   all found two jobs faster at 100 ms and one job unchanged: fastest of ten runs
///   0.217 s against 0.245 s over 2,000 exports and 1.340 s against 1.573 s over 12,070
///   (of five: 0.210 against 0.231, 1.355 against 1.476; of fifteen over 1,207 exports
///   ten times over: 1.624 against 1.747), peaks at two jobs 0.5–1.3 MB higher, DOCX
///   no different beyond noise;
/// - `lg_tcache_nslots_mul:2,tcache_nslots_small_max:800`: each thread caches more small
///   blocks per size (twice jemalloc's count, up to 800 instead of 200) before handing
///   them back to the arena: 2.0% fewer instructions over 500 text exports, the same
///   peak RSS.
///
/// `_RJEM_MALLOC_CONF` in the environment is read after these and wins, so other
/// settings can be measured without a rebuild.
pub const OPTIONS: Options = Options(OPTIONS_TEXT.as_ptr().cast());

const OPTIONS_TEXT: &str = concat!(
    "percpu_arena:percpu,",
    "dirty_decay_ms:100,",
    "lg_tcache_nslots_mul:2,",
    "tcache_nslots_small_max:800",
    "\0",
);

/// A C string jemalloc reads as its options (a `const char *`).
#[repr(transparent)]
pub struct Options(pub *const c_char);

// SAFETY: the pointer is to a string literal, never written.
unsafe impl Sync for Options {}
