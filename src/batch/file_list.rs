//! The paths of a batch, kept compactly.
//!
//! A batch holds its list of inputs from start to finish, so the list is the one part of
//! a full run's memory that grows with the corpus. As `Vec<PathBuf>` it cost a heap block
//! per path besides the vector's 24 bytes, and the standard library builds a walked path
//! with up to twice its length reserved (the parent's length again, then the name). Here
//! each directory is stored once per run of files in it, and the names end to end: a
//! file costs its name's bytes and eight more. Peak RSS of `jixiao extract` (two runs
//! each):
//! - 100,000 text exports (links to 17,939, in 70 directories, paths of 91 bytes):
//!   42.9–43.3 → 37.9–38.4 MB at one job, 49.3–50.0 → 44.3–44.4 MB at two;
//! - 17,939 exports in a directory of a 210-byte name, one job: 34.1–34.9 → 31.0–31.2
//!   MB, as under a 6-byte name (30.7–31.3 MB).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// Files in order, each a directory prefix shared with its neighbours and a name.
#[derive(Debug, Default, Clone)]
pub struct FileList {
    /// Directory prefixes, each up to and including its last separator (empty for a bare
    /// file name), as [`OsStr::as_encoded_bytes`] gives them.
    dirs: Vec<Box<[u8]>>,
    /// Each file's directory, an index into `dirs`.
    dir_of: Vec<u32>,
    /// The files' names end to end, encoded as the prefixes are.
    names: Vec<u8>,
    /// Where each file's name ends in `names` (it starts where the previous one ends).
    name_ends: Vec<u32>,
}

/// The list outgrew its 32-bit offsets (4 GiB of file names, or as many directories).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("more input files than jixiao can list: over 4 GiB of file names")]
pub struct TooManyFiles;

impl FileList {
    /// An empty list.
    pub fn new() -> FileList {
        FileList::default()
    }

    /// The paths in order, listed.
    pub fn from_paths<P: AsRef<Path>>(
        paths: impl IntoIterator<Item = P>,
    ) -> Result<FileList, TooManyFiles> {
        let mut list = FileList::new();
        for path in paths {
            list.push(path.as_ref())?;
        }
        list.shrink_to_fit();
        Ok(list)
    }

    /// Adds a path at the end.
    pub fn push(&mut self, path: &Path) -> Result<(), TooManyFiles> {
        let bytes = path.as_os_str().as_encoded_bytes();
        let split = bytes
            .iter()
            .rposition(|&b| b.is_ascii() && std::path::is_separator(char::from(b)))
            .map_or(0, |i| i + 1);
        let (dir, name) = bytes.split_at(split);
        if self.dirs.last().map(|d| &**d) != Some(dir) {
            self.dirs.push(dir.into());
        }
        let dir_index = u32::try_from(self.dirs.len() - 1).map_err(|_| TooManyFiles)?;
        let end = u32::try_from(self.names.len() + name.len()).map_err(|_| TooManyFiles)?;
        self.names.extend_from_slice(name);
        self.dir_of.push(dir_index);
        self.name_ends.push(end);
        Ok(())
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.name_ends.len()
    }

    /// True when there are no files.
    pub fn is_empty(&self) -> bool {
        self.name_ends.is_empty()
    }

    /// The `index`-th path, as it was pushed.
    pub fn get(&self, index: usize) -> Option<PathBuf> {
        let end = *self.name_ends.get(index)? as usize;
        let start = match index {
            0 => 0,
            i => self.name_ends[i - 1] as usize,
        };
        let dir = &self.dirs[self.dir_of[index] as usize];
        let mut bytes = Vec::with_capacity(dir.len() + end - start);
        bytes.extend_from_slice(dir);
        bytes.extend_from_slice(&self.names[start..end]);
        // SAFETY: `bytes` are those `OsStr::as_encoded_bytes` gave for one path in this
        // process, split at an ASCII separator (a valid UTF-8 substring, where splitting is
        // allowed) and joined back unchanged.
        let path = unsafe { OsStr::from_encoded_bytes_unchecked(&bytes) };
        Some(PathBuf::from(path))
    }

    /// The paths in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = PathBuf> + '_ {
        (0..self.len()).map(|i| self.get(i).expect("index in range"))
    }

    /// Keeps only the paths `keep` accepts, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&Path) -> bool) {
        let mut kept = FileList::new();
        for path in self.iter() {
            if keep(&path) {
                kept.push(&path)
                    .expect("a part of a list fits where the list did");
            }
        }
        kept.shrink_to_fit();
        *self = kept;
    }

    /// Gives back the room grown for paths that never came.
    pub fn shrink_to_fit(&mut self) {
        self.dirs.shrink_to_fit();
        self.dir_of.shrink_to_fit();
        self.names.shrink_to_fit();
        self.name_ends.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_come_back_as_they_went_in_and_directories_are_stored_once_per_run() {
        let paths = [
            "/corpus/2021/a.docx",
            "/corpus/2021/b.txt",
            "/corpus/2021/sub/c.txt",
            "/corpus/2021/d.txt",
            "relative.txt",
            "./dot/e.txt",
            "double//slash.txt",
            "/corpus/2021/区纪委监委/部门预算绩效文本.docx",
            "/",
        ];
        let list = FileList::from_paths(paths).unwrap();
        assert_eq!(list.len(), paths.len());
        let back: Vec<PathBuf> = list.iter().collect();
        let strings: Vec<&str> = back.iter().map(|p| p.to_str().unwrap()).collect();
        assert_eq!(strings, paths, "byte for byte, not just equal as paths");
        // `/corpus/2021/` twice (around `sub/`), then `sub/`, ``, `./dot/`, `double//`,
        // the Chinese directory and `/`.
        assert_eq!(list.dirs.len(), 8);
        assert_eq!(list.get(paths.len()), None);
    }

    #[test]
    fn a_file_costs_its_name_and_eight_bytes() {
        let dir = "/data/预算绩效/2021/北戴河区/";
        let paths: Vec<String> = (0..10_000)
            .map(|i| format!("{dir}{i:06}_市场监督管理局.txt"))
            .collect();
        let list = FileList::from_paths(&paths).unwrap();
        let names: usize = paths.iter().map(|p| p.len() - dir.len()).sum();
        let heap = list.dirs.capacity() * std::mem::size_of::<Box<[u8]>>()
            + list.dirs.iter().map(|d| d.len()).sum::<usize>()
            + list.dir_of.capacity() * 4
            + list.names.capacity()
            + list.name_ends.capacity() * 4;
        assert_eq!(list.dirs.len(), 1, "one directory, stored once");
        assert!(
            heap <= names + 8 * paths.len() + 64,
            "{heap} bytes for {} paths whose names take {names}",
            paths.len()
        );
    }

    #[test]
    fn retain_keeps_order_and_paths() {
        let mut list = FileList::from_paths(["a/1.txt", "a/2.txt", "b/3.txt", "b/4.txt"]).unwrap();
        list.retain(|p| !p.ends_with("2.txt") && !p.ends_with("3.txt"));
        let back: Vec<PathBuf> = list.iter().collect();
        assert_eq!(back, [PathBuf::from("a/1.txt"), PathBuf::from("b/4.txt")]);
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_survive() {
        use std::os::unix::ffi::OsStrExt;
        let odd = Path::new(OsStr::from_bytes(b"/corpus/\xb2\xbf\xc3\xc5.txt"));
        let list = FileList::from_paths([odd]).unwrap();
        assert_eq!(list.get(0).unwrap(), odd);
    }
}
