//! Parts of a damaged archive, read from their local headers. A zip names each part twice:
//! in the central directory at its end, which `ZipArchive` reads, and in a local header
//! just before the part's data. A file cut off loses the directory; bytes inserted or lost
//! make the directory point to the wrong places. The local header still stands before its
//! data, and the zip crate's stream reader reads a part from there.

use memchr::memmem;
use std::io::Read;
use zip::read::{read_zipfile_from_stream_with_options, ZipFile, ZipReadOptions};
use zip::result::ZipError;

const LOCAL_HEADER: &[u8] = b"PK\x03\x04";
/// Bytes of a local header before the part's name; its flags are at byte 6, its
/// compressed size at byte 18, its name's length at byte 26 and its extra field's at 28.
const FIXED_HEADER: usize = 30;
/// The flag of a part whose checksum and sizes follow its data instead of standing in its
/// local header.
const DATA_DESCRIPTOR: u16 = 1 << 3;
/// The compression method of data stored as it is (its method is at byte 8).
const STORED: u16 = 0;

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    bytes
        .get(at..at + 2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    bytes
        .get(at..at + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Offset of the first local header naming `name`.
fn local_header(bytes: &[u8], name: &str) -> Option<usize> {
    memmem::find_iter(bytes, LOCAL_HEADER).find(|&at| {
        u16_at(bytes, at + 26).is_some_and(|len| {
            let name_at = at + FIXED_HEADER;
            bytes.get(name_at..name_at + usize::from(len)) == Some(name.as_bytes())
        })
    })
}

/// Runs `read` on the part `name`, read from its local header, and on its compressed
/// data (to the end of the file when its size follows it); `None` when no local header
/// names it. The part reads as far as its data goes: a part cut off ends in an error, as
/// does one whose checksum (when its local header has it) does not match.
pub fn read_part<T>(
    bytes: &[u8],
    name: &str,
    read: impl FnOnce(ZipFile<'_, &[u8]>, &[u8]) -> T,
) -> Option<Result<T, ZipError>> {
    let at = local_header(bytes, name)?;
    let data_at = match (u16_at(bytes, at + 26), u16_at(bytes, at + 28)) {
        (Some(name_len), Some(extra_len)) => {
            at + FIXED_HEADER + usize::from(name_len) + usize::from(extra_len)
        }
        _ => bytes.len(),
    };
    let mut stream = &bytes[at..];
    // A part whose sizes follow its data may run to the end of the file (a deflate
    // stream ends itself); its checksum follows it too, so it cannot be checked here.
    let descriptor = u16_at(bytes, at + 6).is_some_and(|flags| flags & DATA_DESCRIPTOR != 0);
    let data = bytes.get(data_at..).unwrap_or_default();
    let data = match u32_at(bytes, at + 18) {
        Some(size) if !descriptor => &data[..data.len().min(size as usize)],
        _ => data,
    };
    if descriptor && u16_at(bytes, at + 8) == Some(STORED) {
        // Stored data has no end of its own: nothing tells it from what follows.
        return Some(Err(ZipError::UnsupportedArchive(
            "a stored part whose size follows its data",
        )));
    }
    let options = ZipReadOptions::new()
        .override_compressed_size(stream.len() as u64)
        .ignore_crc32(descriptor);
    let read = match read_zipfile_from_stream_with_options(&mut stream, options) {
        Ok(Some(part)) => Ok(read(part, data)),
        Ok(None) => Err(ZipError::InvalidArchive("no local header".into())),
        Err(e) => Err(e),
    };
    Some(read)
}

/// Reads a small part whole. Only a part the document needs is asked for (a numbered
/// paragraph needs `word/numbering.xml`), so a part not found is an error: it was in
/// the part of the archive that is lost.
pub fn read_small_part(bytes: &[u8], name: &str, limit: u64) -> Result<String, String> {
    let read = read_part(bytes, name, |part, _| {
        let mut text = String::new();
        part.take(limit).read_to_string(&mut text).and_then(|_| {
            ((text.len() as u64) < limit)
                .then_some(text)
                .ok_or_else(|| {
                    std::io::Error::other(format!("it decompresses to {limit} bytes or more"))
                })
        })
    });
    match read {
        None => Err(format!(
            "{name} is not in what is left of the damaged archive"
        )),
        Some(Err(e)) => Err(format!(
            "{name} cannot be read from the damaged archive: {e}"
        )),
        Some(Ok(Err(e))) => Err(format!("{name} cannot be decompressed: {e}")),
        Some(Ok(Ok(text))) => Ok(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    fn archive(parts: &[(&str, &str)]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, text) in parts {
            zip.start_file(*name, SimpleFileOptions::default()).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn a_part_is_found_by_its_local_header_without_the_central_directory() {
        let body = "<w:document>正文</w:document>".repeat(50);
        let bytes = archive(&[
            ("[Content_Types].xml", "<Types/>"),
            ("word/document.xml", &body),
        ]);
        // Cut the central directory off, and put junk before everything.
        let cut = memmem::rfind(&bytes, b"PK\x01\x02").unwrap();
        let damaged = [b"junk".as_slice(), &bytes[..cut]].concat();
        assert!(zip::ZipArchive::new(std::io::Cursor::new(&damaged)).is_err());
        assert_eq!(
            read_small_part(&damaged, "word/document.xml", 1 << 20),
            Ok(body)
        );
        assert!(read_small_part(&damaged, "word/numbering.xml", 1 << 20).is_err());
    }

    #[test]
    fn a_part_whose_sizes_follow_its_data_is_read_whole() {
        // Written to a stream, a zip cannot go back to fill in the local headers: the
        // checksum and sizes follow each part's data instead.
        let body: String = (0..500).map(|i| format!("<w:p>{i}</w:p>")).collect();
        let mut zip = zip::ZipWriter::new_stream(Vec::new());
        zip.start_file("word/document.xml", SimpleFileOptions::default())
            .unwrap();
        zip.write_all(body.as_bytes()).unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        let at = local_header(&bytes, "word/document.xml").unwrap();
        assert_ne!(u16_at(&bytes, at + 6).unwrap() & DATA_DESCRIPTOR, 0);
        let cut = memmem::rfind(&bytes, b"PK\x01\x02").unwrap();
        assert_eq!(
            read_small_part(&bytes[..cut], "word/document.xml", 1 << 20),
            Ok(body)
        );
    }

    #[test]
    fn stored_data_whose_size_follows_it_is_refused() {
        // Nothing marks where stored data ends: reading on would take in what follows.
        let mut zip = zip::ZipWriter::new_stream(Vec::new());
        let stored =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        zip.start_file("word/document.xml", stored).unwrap();
        zip.write_all(b"<w:document/>").unwrap();
        zip.start_file("word/styles.xml", stored).unwrap();
        zip.write_all(b"<w:styles/>").unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        let at = local_header(&bytes, "word/document.xml").unwrap();
        assert_ne!(u16_at(&bytes, at + 6).unwrap() & DATA_DESCRIPTOR, 0);
        let error = read_small_part(&bytes, "word/document.xml", 1 << 20).unwrap_err();
        assert!(error.contains("stored part"), "{error}");
    }

    #[test]
    fn a_part_cut_off_reads_as_far_as_it_goes_then_fails() {
        // Varied text, so that its compressed data is most of the archive.
        let body: String = (0..3000)
            .map(|i| format!("<w:p>{}</w:p>", i * 7919))
            .collect();
        let bytes = archive(&[("word/document.xml", &body)]);
        let cut = &bytes[..bytes.len() / 2];
        let (text, error) = read_part(cut, "word/document.xml", |mut part, _| {
            let mut text = Vec::new();
            let error = part.read_to_end(&mut text).err();
            (text, error)
        })
        .unwrap()
        .unwrap();
        assert!(error.is_some());
        assert!(!text.is_empty() && body.as_bytes().starts_with(&text));
    }
}
