//! pre-commit: what is staged (the index git is about to commit, `GIT_INDEX_FILE`
//! included) against `HEAD`.
//!
//! - A staged path with a `.tako` component (a plain or a forced `git add`) refuses;
//!   so does anything under `.tako/` already tracked (checked by the caller).
//! - The added lines of every staged file are scanned with the secret detectors of
//!   `tako-exec scan`; each finding names file:line, the rule and a fingerprint.
//!   Binary files are not scanned (said in the report).
//! - A staged change (added, modified, deleted, renamed) to a path matching
//!   `[hooks] protected_files` refuses.

use globset::{GlobBuilder, GlobSetBuilder};

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
    let mut touched = Vec::new();
    // New files are read whole from the object store (`cat-file --batch`), several
    // times faster than git producing them as a patch of added lines.
    let added: Vec<&Change> = changes.iter().filter(|c| c.status == b'A' && !c.gitlink).collect();
    let ids: Vec<&str> = added.iter().map(|c| c.object.as_str()).collect();
    g.cat_blobs(&ids, MAX_BLOB, |i, blob| {
        let path = added[i].path.clone();
        let mut f = diff::FilePatch { path, added: true, ..Default::default() };
        let blob = match blob {
            Ok(b) => b,
            Err(size) => {
                report.notes.push(format!("{}: {size} bytes, larger than {MAX_BLOB}: not scanned for secrets", f.path));
                &[]
            }
        };
        if blob[..blob.len().min(8000)].contains(&0) {
            // Git's own test for binary content.
            f.binary = true;
        } else if !blob.is_empty() {
            f.hunks.push(diff::Hunk { first_line: 1, text: blob.to_vec() });
        }
        report.scan_patch(std::slice::from_ref(&f), None, allow);
        touched.push(diff::FilePatch { hunks: Vec::new(), ..f });
    })?;
    for c in changes.iter().filter(|c| c.status == b'A' && c.gitlink) {
        touched.push(diff::FilePatch { path: c.path.clone(), added: true, ..Default::default() });
    }
    // Everything else (modified, renamed, copied, deleted): the lines the change adds,
    // limited to those paths (literally) when they are few enough for a command line.
    let others: Vec<&Change> = changes.iter().filter(|c| c.status != b'A').collect();
    if others.is_empty() {
        protected(&touched, hooks, report);
        return Ok(());
    }
    let mut args: Vec<String> = [
        "--literal-pathspecs",
        "diff",
        "--cached",
        "-U0",
        "-M",
        "--diff-filter=a",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--ignore-submodules=none",
        "--src-prefix=a/",
        "--dst-prefix=b/",
        "--",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    let paths: Vec<&String> = others.iter().flat_map(|c| std::iter::once(&c.path).chain(c.old_path.as_ref())).collect();
    if paths.len() <= MAX_PATHSPECS && paths.iter().map(|p| p.len() + 1).sum::<usize>() <= MAX_PATHSPEC_BYTES {
        args.extend(paths.into_iter().cloned());
    }
    let mut stream = diff::Stream::patch();
    let mut each = |_: Option<&str>, f: diff::FilePatch| {
        report.scan_patch(std::slice::from_ref(&f), None, allow);
        touched.push(diff::FilePatch { hunks: Vec::new(), ..f });
    };
    g.stream(&args, |line| stream.line(line, &mut each))?;
    stream.finish(&mut each);
    protected(&touched, hooks, report);
    Ok(())
}

/// At most this many paths are passed to git on its command line (more: the whole
/// index is diffed).
const MAX_PATHSPECS: usize = 4096;
/// At most this many bytes of paths on the command line.
const MAX_PATHSPEC_BYTES: usize = 64 << 10;

/// One entry of `git diff --raw -z`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Change {
    /// `A`, `M`, `D`, `R`, `C`, `T`, …
    status: u8,
    /// The new object.
    object: String,
    /// The path (the new one for a rename or copy).
    path: String,
    /// The source of a rename or copy.
    old_path: Option<String>,
    /// A submodule's commit, not an object of this repository.
    gitlink: bool,
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
        out.push(Change { status, object: lossy(fields[3]), path, old_path, gitlink: fields[1] == b"160000" });
    }
    out
}

/// Staged changes to protected files.
fn protected(files: &[diff::FilePatch], hooks: &Hooks, report: &mut Report) {
    if hooks.protected_files.is_empty() {
        return;
    }
    let mut b = GlobSetBuilder::new();
    for (p, _) in &hooks.protected_files {
        if let Ok(g) = GlobBuilder::new(p).literal_separator(true).build() {
            b.add(g);
        }
    }
    let Ok(set) = b.build() else { return };
    for f in files {
        for path in std::iter::once(&f.path).chain(f.old_path.as_ref()) {
            if let Some(&i) = set.matches(path).first() {
                let (pattern, origin) = &hooks.protected_files[i];
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
