//! Finding the input files: named files are always taken; directories are searched
//! recursively for files with a document extension, in a stable (sorted) order. Symbolic
//! links are followed (a corpus is often a tree of links into archives); a link that points
//! nowhere is still listed when its name is a document's, so that it shows up as a failed
//! document rather than vanishing from the batch.

use super::file_list::FileList;
use std::path::{Path, PathBuf};

/// File extensions taken when walking a directory (compared case-insensitively).
pub const DOCUMENT_EXTENSIONS: &[&str] = &[
    "txt", "text", "docx", "docm", "doc", "wps", "wpt", "dot", "dotx",
];

/// The files of a batch.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Files to process, in order.
    pub files: FileList,
    /// Files found while walking directories that are not documents.
    pub skipped: usize,
}

/// Expands files and directories into the list of files to process.
pub fn collect_inputs(inputs: &[PathBuf]) -> Result<Inputs, String> {
    let mut found = Inputs::default();
    for input in inputs {
        let meta = std::fs::metadata(input).map_err(|e| format!("{}: {e}", input.display()))?;
        if meta.is_file() {
            found.files.push(input).map_err(|e| e.to_string())?;
            continue;
        }
        let walker = walkdir::WalkDir::new(input)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.path()));
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e)
                    if e.io_error()
                        .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound) =>
                {
                    match e.path() {
                        Some(dangling) if has_document_extension(dangling) => {
                            found.files.push(dangling).map_err(|e| e.to_string())?
                        }
                        _ => found.skipped += 1,
                    }
                    continue;
                }
                Err(e) => return Err(format!("{}: {e}", input.display())),
            };
            if !entry.file_type().is_file() {
                continue;
            }
            if has_document_extension(entry.path()) {
                found.files.push(entry.path()).map_err(|e| e.to_string())?;
            } else {
                found.skipped += 1;
            }
        }
    }
    found.files.shrink_to_fit();
    Ok(found)
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

fn has_document_extension(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        DOCUMENT_EXTENSIONS
            .iter()
            .any(|d| d.eq_ignore_ascii_case(e))
    })
}

/// One of N deterministic slices of the inputs (`--shard K/N`, K from 1): a file belongs
/// to the shard its path hashes to, so a slice does not change when other files are
/// added or removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which shard, from 1.
    pub index: u64,
    /// How many shards.
    pub count: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let bad = || format!("`{text}` is not a shard: write K/N with 1 <= K <= N, e.g. 3/8");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let index: u64 = k.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// True when `path` belongs to this shard.
    pub fn contains(&self, path: &Path) -> bool {
        let hash = blake3::hash(path.to_string_lossy().as_bytes());
        let bytes: [u8; 8] = hash.as_bytes()[..8].try_into().expect("8 bytes");
        u64::from_le_bytes(bytes) % self.count == self.index - 1
    }

    /// Prefix of this shard's part files, so that shard outputs can be copied together.
    pub fn file_prefix(&self) -> String {
        format!("s{}of{}-", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn links_are_followed_and_dangling_document_links_listed() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        std::fs::create_dir(&real).unwrap();
        std::fs::write(real.join("a.txt"), "text").unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir(&corpus).unwrap();
        std::os::unix::fs::symlink(real.join("a.txt"), corpus.join("linked.txt")).unwrap();
        std::os::unix::fs::symlink(&real, corpus.join("linked_dir")).unwrap();
        std::os::unix::fs::symlink(real.join("gone.docx"), corpus.join("dangling.docx")).unwrap();
        std::os::unix::fs::symlink(real.join("gone.png"), corpus.join("dangling.png")).unwrap();

        let found = collect_inputs(std::slice::from_ref(&corpus)).unwrap();

        let names: Vec<_> = found
            .files
            .iter()
            .map(|f| {
                f.strip_prefix(&corpus)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(names, ["dangling.docx", "linked.txt", "linked_dir/a.txt"]);
        assert_eq!(found.skipped, 1, "the dangling link that is no document");
    }
}
