//! Publishing a run's files. Every rename and removal that puts a finished run's files in
//! place is listed in a journal (`DIR/.jixiao-commit`) before the first one is made, and
//! the journal goes once the last is done. A run that finds a journal completes that
//! commit before it reads or writes anything else: a run killed while it moved files in
//! is finished by the next one, as if it had not been interrupted. Without the journal,
//! an incremental run killed after it had taken a changed document out of `documents`,
//! but not yet out of the other tables, left that document's old rows behind for good
//! (the next run finds what to remove through `documents`), and its new rows were then
//! added a second time.
//!
//! Each operation can be repeated without harm, so a commit interrupted while it was being
//! completed is completed again. A journal names the directory it was written in (by
//! device and inode where there are such, so that renaming the directory keeps it): one
//! copied elsewhere with the dataset, say with a shard's output, is refused rather than
//! replayed on files it was not written for.

use super::{io_error, WriteError};
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// The journal's file name in the output directory.
const JOURNAL: &str = ".jixiao-commit";

/// Environment variable read by the crash tests: once this many operations of a commit
/// are made, the process exits on the spot, as if killed (one more: once the journal is
/// removed as well).
const EXIT_AFTER_OPERATIONS: &str = "JIXIAO_TEST_EXIT_AFTER_COMMIT_OPERATIONS";

/// One file system operation of a commit. Paths are relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Operation {
    /// Renames `from` to `to` when `to` is not there (a new file or table moving in, an
    /// old table moving aside). Done when `from` is gone, or `to` is already there (on
    /// the first pass, a `to` already there is an error: nothing is overwritten).
    Move { from: PathBuf, to: PathBuf },
    /// Renames `from` over `to` (a file rewritten without some documents' rows replacing
    /// its original). Done when `from` is gone.
    Replace { from: PathBuf, to: PathBuf },
    /// Removes the file `path` (all its rows were removed). Done when it is gone.
    Remove { path: PathBuf },
}

/// The operations of one commit, and the staging directory they take files from (removed
/// once they are done).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Journal {
    /// The output directory it was written in (see [`directory_identity`]).
    directory: String,
    staging: PathBuf,
    operations: Vec<Operation>,
}

/// Whether operations are made for the first time, or again after an interruption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pass {
    First,
    Replay,
}

impl Journal {
    /// A commit taking its files from `staging`, a directory in `out_dir`.
    pub(super) fn new(out_dir: &Path, staging: &Path) -> Result<Journal, WriteError> {
        Ok(Journal {
            directory: directory_identity(out_dir)?,
            staging: relative(out_dir, staging),
            operations: Vec::new(),
        })
    }

    /// Adds an operation on absolute paths within `out_dir`.
    pub(super) fn push(&mut self, out_dir: &Path, operation: Operation) {
        let operation = match operation {
            Operation::Move { from, to } => Operation::Move {
                from: relative(out_dir, &from),
                to: relative(out_dir, &to),
            },
            Operation::Replace { from, to } => Operation::Replace {
                from: relative(out_dir, &from),
                to: relative(out_dir, &to),
            },
            Operation::Remove { path } => Operation::Remove {
                path: relative(out_dir, &path),
            },
        };
        self.operations.push(operation);
    }

    /// Writes the journal into `out_dir`, in one rename: once it is there, the commit
    /// will be completed whatever happens to this process.
    pub(super) fn write(&self, out_dir: &Path) -> Result<(), WriteError> {
        let path = out_dir.join(JOURNAL);
        let partial = partial_journal(out_dir);
        // Fails only on a path that is not UTF-8: a file someone else put into a table.
        let text = serde_json::to_vec(self).map_err(|e| {
            io_error("cannot list the files to publish in", &path)(std::io::Error::new(
                ErrorKind::InvalidData,
                e,
            ))
        })?;
        fs::write(&partial, text).map_err(io_error("cannot write", &partial))?;
        fs::rename(&partial, &path).map_err(io_error("cannot write", &path))
    }

    /// Makes the operations, removes the journal, then the staging directory (in that
    /// order: a journal must never outlive the files it moves).
    pub(super) fn complete(&self, out_dir: &Path) -> Result<(), WriteError> {
        self.make(out_dir, Pass::First)
    }

    fn make(&self, out_dir: &Path, pass: Pass) -> Result<(), WriteError> {
        let exit_after = exit_after_operations();
        for (done, operation) in self.operations.iter().enumerate() {
            if exit_after == Some(done) {
                std::process::exit(137);
            }
            apply(out_dir, operation, pass)?;
        }
        if exit_after == Some(self.operations.len()) {
            std::process::exit(137);
        }
        let journal = out_dir.join(JOURNAL);
        fs::remove_file(&journal).map_err(io_error("cannot remove", &journal))?;
        if exit_after == Some(self.operations.len() + 1) {
            std::process::exit(137);
        }
        remove_if_there(&out_dir.join(&self.staging), fs::remove_dir_all)
    }
}

/// Completes the commit of a run that was interrupted while it published its files, if
/// `out_dir` holds its journal. Returns whether there was one.
pub fn complete_interrupted_commit(out_dir: &Path) -> Result<bool, WriteError> {
    if !out_dir.is_dir() {
        // No dataset yet (or no directory at all, which creating it will report).
        return Ok(false);
    }
    // A journal cut off while it was written: its run had published nothing.
    remove_if_there(&partial_journal(out_dir), fs::remove_file)?;
    let path = out_dir.join(JOURNAL);
    let text = match fs::read(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(io_error("cannot read", &path)(e)),
    };
    // Read as "will not replay PATH: REASON".
    let refuse = |reason: String| WriteError::Io {
        action: "will not replay the journal of an interrupted run,",
        path: path.clone(),
        source: std::io::Error::new(ErrorKind::InvalidData, reason),
    };
    let start_over = "delete it and run again with --force";
    let journal: Journal = serde_json::from_slice(&text)
        .map_err(|e| refuse(format!("it cannot be read ({e}); {start_over}")))?;
    if let Some(path) = journal.paths().find(|p| !stays_inside(p)) {
        return Err(refuse(format!(
            "it names {}, outside the dataset; {start_over}",
            path.display()
        )));
    }
    if journal.directory != directory_identity(out_dir)? {
        return Err(refuse(
            "it was written in another directory and copied here; finish that run where it \
             ran (run it again there), or delete this journal and the .jixiao-staging-* \
             directories here and run again with --force"
                .to_string(),
        ));
    }
    journal.make(out_dir, Pass::Replay)?;
    Ok(true)
}

impl Journal {
    fn paths(&self) -> impl Iterator<Item = &Path> {
        std::iter::once(self.staging.as_path()).chain(self.operations.iter().flat_map(
            |operation| match operation {
                Operation::Move { from, to } | Operation::Replace { from, to } => {
                    vec![from.as_path(), to.as_path()]
                }
                Operation::Remove { path } => vec![path.as_path()],
            },
        ))
    }
}

/// A relative path that names something below the directory it is joined to.
fn stays_inside(path: &Path) -> bool {
    path.components().next().is_some()
        && path
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// What tells the output directory apart from a copy of it: its device and inode on Unix
/// (unchanged when the directory is renamed or moved), its full path elsewhere.
fn directory_identity(out_dir: &Path) -> Result<String, WriteError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = fs::metadata(out_dir).map_err(io_error("cannot read", out_dir))?;
        Ok(format!("{}:{}", meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let path = fs::canonicalize(out_dir).map_err(io_error("cannot read", out_dir))?;
        Ok(path.display().to_string())
    }
}

fn apply(out_dir: &Path, operation: &Operation, pass: Pass) -> Result<(), WriteError> {
    match operation {
        Operation::Move { from, to } => {
            let (from, to) = (out_dir.join(from), out_dir.join(to));
            if pass == Pass::First && exists(&to)? {
                // Names of new files are the run's own; one already there is not to be
                // overwritten, nor silently dropped.
                return Err(io_error("will not overwrite", &to)(
                    ErrorKind::AlreadyExists.into(),
                ));
            }
            if exists(&from)? && !exists(&to)? {
                if let Some(parent) = to.parent() {
                    fs::create_dir_all(parent).map_err(io_error("cannot create", parent))?;
                }
                fs::rename(&from, &to).map_err(io_error("cannot move into place", &to))?;
            }
        }
        Operation::Replace { from, to } => {
            let (from, to) = (out_dir.join(from), out_dir.join(to));
            if exists(&from)? {
                fs::rename(&from, &to).map_err(io_error("cannot replace", &to))?;
            }
        }
        Operation::Remove { path } => remove_if_there(&out_dir.join(path), fs::remove_file)?,
    }
    Ok(())
}

fn partial_journal(out_dir: &Path) -> PathBuf {
    out_dir.join(format!("{JOURNAL}.partial"))
}

/// Removes `path` with `remove` (a file's or a directory's), unless it is gone already.
fn remove_if_there<'a>(
    path: &'a Path,
    remove: impl FnOnce(&'a Path) -> std::io::Result<()>,
) -> Result<(), WriteError> {
    match remove(path) {
        Err(e) if e.kind() != ErrorKind::NotFound => Err(io_error("cannot remove", path)(e)),
        _ => Ok(()),
    }
}

fn exists(path: &Path) -> Result<bool, WriteError> {
    path.try_exists().map_err(io_error("cannot look for", path))
}

fn relative(out_dir: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(out_dir)
        .expect("a commit only touches the output directory")
        .to_path_buf()
}

fn exit_after_operations() -> Option<usize> {
    std::env::var(EXIT_AFTER_OPERATIONS).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn read(path: &Path) -> Option<String> {
        fs::read_to_string(path).ok()
    }

    /// A dataset with a table `t` (files `a` and `b`), staged to become: `a` rewritten,
    /// `b` removed, `c` new, and a table `u` replaced whole.
    fn stage(out: &Path) {
        let staging = out.join(".staging");
        write(&out.join("t/a"), "old a");
        write(&out.join("t/b"), "old b");
        write(&out.join("u/x"), "old u");
        write(&staging.join("t.pruned/a"), "new a");
        write(&staging.join("t/c"), "new c");
        write(&staging.join("u/x"), "new u");
    }

    /// The commit of what [`stage`] staged.
    fn plan(out: &Path) -> Journal {
        let staging = out.join(".staging");
        let mut journal = Journal::new(out, &staging).unwrap();
        for operation in [
            Operation::Replace {
                from: staging.join("t.pruned/a"),
                to: out.join("t/a"),
            },
            Operation::Remove {
                path: out.join("t/b"),
            },
            Operation::Move {
                from: staging.join("t/c"),
                to: out.join("t/c"),
            },
            Operation::Move {
                from: out.join("u"),
                to: staging.join("u.old"),
            },
            Operation::Move {
                from: staging.join("u"),
                to: out.join("u"),
            },
        ] {
            journal.push(out, operation);
        }
        journal
    }

    fn assert_committed(out: &Path) {
        assert_eq!(read(&out.join("t/a")).as_deref(), Some("new a"));
        assert_eq!(read(&out.join("t/b")), None);
        assert_eq!(read(&out.join("t/c")).as_deref(), Some("new c"));
        assert_eq!(read(&out.join("u/x")).as_deref(), Some("new u"));
        assert!(!out.join(JOURNAL).exists());
        assert!(!out.join(".staging").exists());
    }

    #[test]
    fn a_commit_stopped_after_any_operation_is_completed_from_its_journal() {
        let count = plan(tempfile::tempdir().unwrap().path()).operations.len();
        for made in 0..=count {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path();
            stage(out);
            let journal = plan(out);
            journal.write(out).unwrap();
            for operation in &journal.operations[..made] {
                apply(out, operation, Pass::First).unwrap();
            }
            // Done twice over: completing a completion changes nothing.
            for operation in &journal.operations[..made / 2] {
                apply(out, operation, Pass::Replay).unwrap();
            }
            assert!(complete_interrupted_commit(out).unwrap(), "after {made}");
            assert_committed(out);
            assert!(!complete_interrupted_commit(out).unwrap());
        }
    }

    #[test]
    fn a_journal_cut_off_while_written_is_dropped_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        stage(out);
        write(&partial_journal(out), r#"{"staging":".stag"#);
        assert!(!complete_interrupted_commit(out).unwrap());
        assert!(!partial_journal(out).exists());
        assert_eq!(read(&out.join("t/a")).as_deref(), Some("old a"));
        assert_eq!(read(&out.join("t/b")).as_deref(), Some("old b"));
    }

    #[test]
    fn paths_are_kept_relative_to_the_output_directory() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        fs::create_dir(&out).unwrap();
        let journal = plan(&out);
        let text = String::from_utf8(serde_json::to_vec(&journal).unwrap()).unwrap();
        assert!(!text.contains(out.to_str().unwrap()), "{text}");
        assert!(text.contains(r#""staging":".staging""#), "{text}");
    }
}
