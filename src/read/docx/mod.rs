//! DOCX reader: `word/document.xml` inflated out of the zip archive into a buffer each
//! thread reuses and scanned in place with quick-xml (events borrow from the buffer: no
//! copy per event, never a DOM), with `word/numbering.xml` for list numbers.
//! Decompression is bounded, so a zip bomb is refused instead of followed.

mod body;
mod numbering;
mod salvage;
mod xml;

use super::{ReadDocument, ReadError};
use crate::diag::{Diagnostic, Severity};
use numbering::LazyNumbering;
use std::cell::RefCell;
use std::io::{Cursor, Read};

/// Most bytes `word/document.xml` may decompress to.
pub const MAX_DOCUMENT_XML: u64 = 512 * 1024 * 1024;
/// Most bytes `word/numbering.xml` may decompress to.
const MAX_NUMBERING_XML: u64 = 16 * 1024 * 1024;
/// A thread keeps its inflate buffer for the next document unless it grew past this
/// (one outsized document should not pin its memory for the rest of the run).
const KEEP_BUFFER: usize = 16 * 1024 * 1024;
/// Highest compression ratio accepted for a part larger than [`RATIO_FLOOR`].
const MAX_RATIO: u64 = 200;
const RATIO_FLOOR: u64 = 16 * 1024 * 1024;

/// Reads a DOCX document from its bytes. An archive whose central directory is missing
/// or wrong (a file cut off, bytes inserted or lost) is read from its parts' local
/// headers instead, with a `damaged_archive` warning.
pub fn read(bytes: &[u8]) -> Result<ReadDocument, ReadError> {
    let Damaged { why, error } = match ::zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => match read_archive(archive, bytes) {
            Ok(read) => return read,
            Err(damaged) => damaged,
        },
        Err(e) => {
            let why = format!("not a readable zip archive: {e}");
            Damaged {
                error: ReadError::Unsupported(why.clone()),
                why,
            }
        }
    };
    salvage(bytes, &why).unwrap_or(Err(error))
}

/// The archive's directory could not lead to `word/document.xml`: why, and the error
/// to give if no local header leads to it either.
struct Damaged {
    why: String,
    error: ReadError,
}

/// Reads the document through the archive's central directory.
fn read_archive(
    mut archive: ::zip::ZipArchive<Cursor<&[u8]>>,
    bytes: &[u8],
) -> Result<Result<ReadDocument, ReadError>, Damaged> {
    let mut numbering_archive = archive.clone();
    let numbering = LazyNumbering::new(Box::new(move || {
        read_small_part(
            &mut numbering_archive,
            "word/numbering.xml",
            MAX_NUMBERING_XML,
        )
        .map_err(|e| e.to_string())
    }));
    let part = match archive.by_name("word/document.xml") {
        Ok(part) => part,
        // Not a Word document, unless a damaged directory lost the part's name.
        Err(::zip::result::ZipError::FileNotFound) => return Err(Damaged {
            why: "the archive's directory does not list word/document.xml".into(),
            error: ReadError::Unsupported(
                "a zip archive without word/document.xml: not a Word document (an .xlsx, .pptx or other zip?)".into(),
            ),
        }),
        Err(e) => match part_error("word/document.xml", e) {
            ReadError::Unsupported(why) => {
                return Err(Damaged {
                    error: ReadError::Unsupported(why.clone()),
                    why,
                })
            }
            other => return Ok(Err(other)),
        },
    };
    let data = part
        .data_start()
        .and_then(|start| {
            let start = usize::try_from(start).ok()?;
            let end = start.checked_add(usize::try_from(part.compressed_size()).ok()?)?;
            bytes.get(start..end.min(bytes.len()))
        })
        .unwrap_or_default();
    Ok(read_document_xml(part, data, &numbering, MAX_DOCUMENT_XML))
}

/// Reads the document from the local headers of a damaged archive; `None` when no local
/// header names `word/document.xml`.
fn salvage(bytes: &[u8], damage: &str) -> Option<Result<ReadDocument, ReadError>> {
    let numbering = LazyNumbering::new(Box::new(move || {
        salvage::read_small_part(bytes, "word/numbering.xml", MAX_NUMBERING_XML).map(Some)
    }));
    // A part whose sizes follow its data declares none, so the ratio to the compressed
    // bytes (at most the whole file) bounds it instead.
    let limit = (bytes.len() as u64 * MAX_RATIO).clamp(RATIO_FLOOR, MAX_DOCUMENT_XML);
    let read = salvage::read_part(bytes, "word/document.xml", |part, data| {
        read_document_xml(part, data, &numbering, limit)
    })?;
    let mut document = match read {
        Ok(Ok(document)) => document,
        Ok(Err(e)) => return Some(Err(e)),
        Err(e) => return Some(Err(part_error("word/document.xml", e))),
    };
    document.diagnostics.insert(
        0,
        Diagnostic::new(
            Severity::Warning,
            "damaged_archive",
            format!("{damage}; word/document.xml was read from its local header"),
            Default::default(),
        ),
    );
    Some(Ok(document))
}

/// Inflates `word/document.xml` (as far as it goes, and refused past `limit` bytes
/// whatever its header declared) and reads its body. `data` is the part's compressed
/// data, inflated again when the zip reader stops at a corrupt deflate stream.
fn read_document_xml(
    part: ::zip::read::ZipFile<'_, impl Read>,
    data: &[u8],
    numbering: &LazyNumbering<'_>,
    limit: u64,
) -> Result<ReadDocument, ReadError> {
    let (size, compressed) = (part.size(), part.compressed_size());
    check_size("word/document.xml", size, compressed, limit)?;
    let deflated = part.compression() == ::zip::CompressionMethod::Deflated;
    let output = with_buffer(|buffer| {
        let (mut len, broken) = inflate(part.take(limit), buffer, size as usize);
        // Short of its declared size (a salvaged part whose size follows it declares 0): a
        // wrong checksum after the whole part loses nothing.
        if broken.is_some() && deflated && (size == 0 || (len as u64) < size) {
            len = len.max(inflate_before_damage(data, buffer, limit as usize));
        }
        ((len as u64) < limit).then(|| body::read_body(&buffer[..len], numbering, broken))
    })
    .ok_or_else(|| {
        ReadError::TooLarge(format!(
            "word/document.xml decompresses to {limit} bytes or more although its header declared {size}; refused as a possible zip bomb"
        ))
    })?;
    Ok(ReadDocument {
        blocks: output.blocks,
        encoding: None,
        diagnostics: output.diagnostics,
        incomplete: output.incomplete,
        end_seen: !output.incomplete,
    })
}

thread_local! {
    static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Runs `read` with this thread's inflate buffer; reusing it spares the kernel mapping
/// and zeroing fresh pages for every document.
fn with_buffer<T>(read: impl FnOnce(&mut Vec<u8>) -> T) -> T {
    BUFFER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buffer) => {
            let result = read(&mut buffer);
            if buffer.capacity() > KEEP_BUFFER {
                *buffer = Vec::new();
            }
            result
        }
        // Only reachable if `read` itself read a DOCX on this thread.
        Err(_) => read(&mut Vec::new()),
    })
}

/// Inflates `part` into the start of `buffer`: returns how many bytes it read, and the
/// error that stopped it early, if one did. The buffer keeps its length from document to
/// document, so its bytes are initialised and `read` writes straight into them, where
/// `read_to_end` zeroes its spare capacity before every read (1.7% of the instructions
/// on generated DOCX). The declared size is a hint only: a lying header cannot make
/// this zero more than [`KEEP_BUFFER`] up front, and a short part is read as far as it goes.
fn inflate(
    mut part: impl Read,
    buffer: &mut Vec<u8>,
    declared: usize,
) -> (usize, Option<std::io::Error>) {
    // One byte over the declared size, so that the read which finds the end fits.
    let expected = declared.min(KEEP_BUFFER) + 1;
    if buffer.len() < expected {
        buffer.resize(expected, 0);
    }
    let mut filled = 0;
    loop {
        if filled == buffer.len() {
            buffer.resize(buffer.len() * 2, 0);
        }
        match part.read(&mut buffer[filled..]) {
            Ok(0) => return (filled, None),
            Ok(read) => filled += read,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return (filled, Some(e)),
        }
    }
}

/// Inflates a damaged deflate stream into `buffer` as far as it goes before the inflater
/// detects the damage (at most `limit` bytes), and returns how far that is. The zip
/// reader fails the read that meets a corrupt stream, dropping what that read had
/// inflated (all of a small part); the inflater itself counts what it wrote before it
/// failed. What lies between the damage and its detection comes out garbled.
fn inflate_before_damage(data: &[u8], buffer: &mut Vec<u8>, limit: usize) -> usize {
    let mut inflater = flate2::Decompress::new(false);
    loop {
        let (read, written) = (inflater.total_in() as usize, inflater.total_out() as usize);
        let room = buffer.len().min(limit);
        let status = inflater.decompress(
            data.get(read..).unwrap_or_default(),
            &mut buffer[written.min(room)..room],
            flate2::FlushDecompress::Finish,
        );
        let now_written = inflater.total_out() as usize;
        match status {
            Ok(flate2::Status::Ok | flate2::Status::BufError)
                if now_written == room && room < limit =>
            {
                buffer.resize((room * 2).clamp(1, limit), 0);
            }
            _ => return now_written,
        }
    }
}

fn read_small_part(
    archive: &mut ::zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    limit: u64,
) -> Result<Option<String>, ReadError> {
    let part = match archive.by_name(name) {
        Ok(part) => part,
        Err(::zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(part_error(name, e)),
    };
    check_size(name, part.size(), part.compressed_size(), limit)?;
    let mut text = String::with_capacity(part.size().min(limit) as usize);
    part.take(limit)
        .read_to_string(&mut text)
        .map_err(|e| ReadError::Unsupported(format!("{name} cannot be decompressed: {e}")))?;
    Ok(Some(text))
}

fn part_error(name: &str, error: ::zip::result::ZipError) -> ReadError {
    let text = error.to_string();
    if text.to_lowercase().contains("password") || text.to_lowercase().contains("encrypt") {
        ReadError::Encrypted
    } else {
        ReadError::Unsupported(format!("{name} cannot be read from the archive: {text}"))
    }
}

fn check_size(name: &str, size: u64, compressed: u64, limit: u64) -> Result<(), ReadError> {
    let ratio = size / compressed.max(1);
    if size > limit || (size > RATIO_FLOOR && ratio > MAX_RATIO) {
        return Err(ReadError::TooLarge(format!(
            "{name} would decompress to {size} bytes from {compressed} (ratio {ratio}); refused as a possible zip bomb"
        )));
    }
    Ok(())
}
