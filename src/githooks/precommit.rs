//! pre-commit: what is staged (the index git is about to commit, `GIT_INDEX_FILE`
//! included) against `HEAD`.
//!
//! - A staged path with a `.tako` component (a plain or a forced `git add`) refuses;
//!   so does anything under `.tako/` already tracked (checked by the caller).
//! - What every staged file adds is scanned with the secret detectors of `tako-exec
//!   scan`: a new file whole, a changed (or renamed) one for its lines the version in
//!   `HEAD` does not have. Each finding names file:line, the rule and a fingerprint.
//!   Binary files are not scanned (said in the report).
//!
//! One `git diff --cached --raw` lists the changes; the blobs come from one `git
//! cat-file --batch`. Git writing patches is the slow part at scale (a second pass
//! over a 100,000-file index, and ~120 MB/s of patch text), so none is asked for.
//! - A staged change (added, modified, deleted, renamed) to a path matching
//!   `[hooks] protected_files` refuses.

use super::allow::Allowlist;
use super::git::{Git, GitError};
use super::{diff, Problem, Report};
use crate::config::Hooks;

/// Checks the staged changes.
///
/// # Errors
/// When git cannot answer.
pub fn check(g: &Git, hooks: &Hooks, allow: &Allowlist, report: &mut Report) -> Result<(), GitError> {
    // What changed, without content: one pass over the index (against HEAD, or the
    // empty tree before the first commit: git's own default for `--cached`).
    let raw = g.output(&["diff", "--cached", "--raw", "-z", "--no-abbrev", "-M", "--ignore-submodules=none", "--"])?;
    let changes = changes(&raw);
    // The staged blobs (and, for a changed file, the one it replaces) read from the
    // object store in one `cat-file --batch`: several times faster than git writing
    // them out as patches, and no second pass over the index.
    let mut ids: Vec<&str> = Vec::new();
    let mut wanted: Vec<(usize, bool)> = Vec::new(); // (change, is the old side)
    for (i, c) in changes.iter().enumerate() {
        if c.status == b'D' || c.gitlink {
            continue;
        }
        if c.old_blob() {
            ids.push(&c.old_object);
            wanted.push((i, true));
        }
        ids.push(&c.object);
        wanted.push((i, false));
    }
    let mut old: Option<Vec<u8>> = None;
    g.cat_blobs(&ids, MAX_BLOB, |k, blob| {
        let (i, is_old) = wanted[k];
        let c = &changes[i];
        if is_old {
            old = blob.ok().map(<[u8]>::to_vec);
            return;
        }
        let before = if c.old_blob() { old.take() } else { None };
        let mut f = diff::FilePatch { path: c.path.clone(), added: c.status == b'A', ..Default::default() };
        match blob {
            Err(size) => {
                report.notes.push(format!("{}: {size} bytes, larger than {MAX_BLOB}: not scanned for secrets", f.path));
            }
            // Git's own test for binary content.
            Ok(b) if b[..b.len().min(8000)].contains(&0) => f.binary = true,
            Ok([]) => {}
            Ok(b) => match before.as_deref() {
                Some(before) => f.hunks = added_lines(before, b),
                // A new file is added whole.
                None => f.hunks.push(diff::Hunk { first_line: 1, text: b.to_vec() }),
            },
        }
        report.scan_patch(std::slice::from_ref(&f), None, allow);
    })?;
    protected(&changes, hooks, report);
    Ok(())
}

/// The lines of `new` that `old` does not have, grouped in runs of consecutive lines
/// with their line numbers in `new`: what a change adds. (A line moved within the
/// file is not added; a line changed in part is, whole.)
fn added_lines(old: &[u8], new: &[u8]) -> Vec<diff::Hunk> {
    let strip = |l: &[u8]| -> usize { l.len() - usize::from(l.ends_with(b"\n")) };
    let known: foldhash::HashSet<&[u8]> = old.split_inclusive(|b| *b == b'\n').map(|l| &l[..strip(l)]).collect();
    let mut hunks: Vec<diff::Hunk> = Vec::new();
    let mut open = false;
    for (n, line) in new.split_inclusive(|b| *b == b'\n').enumerate() {
        let text = &line[..strip(line)];
        if known.contains(text) {
            open = false;
            continue;
        }
        if !open {
            hunks.push(diff::Hunk { first_line: n as u64 + 1, text: Vec::new() });
            open = true;
        }
        if let Some(h) = hunks.last_mut() {
            h.text.extend_from_slice(text);
            h.text.push(b'\n');
        }
    }
    hunks
}

/// One entry of `git diff --raw -z`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Change {
    /// `A`, `M`, `D`, `R`, `C`, `T`, …
    status: u8,
    /// The object it replaces (all zeros for a new file).
    old_object: String,
    /// The new object.
    object: String,
    /// The path (the new one for a rename or copy).
    path: String,
    /// The source of a rename or copy.
    old_path: Option<String>,
    /// A submodule's commit, not an object of this repository.
    gitlink: bool,
    /// The old side is a file's content (not absent, not a submodule's commit).
    old_file: bool,
}

impl Change {
    /// Whether the old side is read to tell what the change adds.
    fn old_blob(&self) -> bool {
        self.status != b'A' && self.old_file
    }
}

/// The largest new file scanned whole (a larger one is reported, not scanned).
const MAX_BLOB: usize = 256 << 20;

/// The entries of `git diff --raw -z` output.
fn changes(raw: &[u8]) -> Vec<Change> {
    let mut out = Vec::new();
    let mut it = raw.split(|b| *b == 0);
    while let Some(meta) = it.next() {
        let Some(meta) = meta.strip_prefix(b":") else { continue };
        let fields: Vec<&[u8]> = meta.split(|b| *b == b' ').collect();
        let Some(first) = it.next() else { break };
        let (Some(&status), true) = (fields.get(4).and_then(|s| s.first()), fields.len() >= 5) else { continue };
        let lossy = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let (path, old_path) = if matches!(status, b'R' | b'C') {
            let Some(second) = it.next() else { break };
            (lossy(second), Some(lossy(first)))
        } else {
            (lossy(first), None)
        };
        out.push(Change {
            status,
            old_object: lossy(fields[2]),
            object: lossy(fields[3]),
            path,
            old_path,
            gitlink: fields[1] == b"160000",
            old_file: !matches!(fields[0], b"000000" | b"160000"),
        });
    }
    out
}

/// Staged changes to protected files.
fn protected(files: &[Change], hooks: &Hooks, report: &mut Report) {
    if hooks.protected_files.is_empty() {
        return;
    }
    let patterns = super::Patterns::new(&hooks.protected_files);
    for f in files {
        for path in std::iter::once(&f.path).chain(f.old_path.as_ref()) {
            if let Some((pattern, origin)) = patterns.first(path) {
                report.problems.push(Problem::ProtectedFile {
                    path: path.clone(),
                    pattern: pattern.clone(),
                    origin: origin.as_ref().map(ToString::to_string),
                });
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_lines_are_the_new_lines_grouped_with_their_numbers() {
        let old = b"a\nb\nc\n";
        let new = b"a\nX\nY\nb\nc\nZ";
        let h = added_lines(old, new);
        let got: Vec<(u64, &[u8])> = h.iter().map(|h| (h.first_line, h.text.as_slice())).collect();
        assert_eq!(got, vec![(2, b"X\nY\n".as_slice()), (6, b"Z\n".as_slice())]);
        assert!(added_lines(new, new).is_empty(), "nothing added");
        assert_eq!(added_lines(b"", b"k\n")[0].first_line, 1);
    }

    #[test]
    fn raw_output_is_read_with_renames_and_gitlinks() {
        let raw = b":000000 100644 0000 aaaa A\0new file.txt\0:100644 100644 bbbb cccc M\0old.txt\0\
:100644 100644 eeee ffff R090\0from.txt\0to.txt\0:000000 160000 0000 dddd A\0sub\0";
        let c = changes(raw);
        assert_eq!(c.len(), 4);
        assert_eq!((c[0].status, c[0].object.as_str(), c[0].path.as_str()), (b'A', "aaaa", "new file.txt"));
        assert_eq!((c[1].status, c[1].path.as_str()), (b'M', "old.txt"));
        assert_eq!((c[2].status, c[2].path.as_str(), c[2].old_path.as_deref()), (b'R', "to.txt", Some("from.txt")));
        assert!(c[3].gitlink && !c[0].gitlink);
    }

    proptest::proptest! {
        #[test]
        fn any_raw_output_reads_without_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048)) {
            let _ = changes(&bytes);
        }
    }
}
