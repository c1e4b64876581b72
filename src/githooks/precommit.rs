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
    // Against HEAD, or the empty tree before the first commit.
    let base = g.resolve("HEAD")?.unwrap_or_else(|| empty_tree(g));
    let patch = g.output(&[
        "diff",
        "--cached",
        "-U0",
        "-M",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--ignore-submodules=none",
        "--src-prefix=a/",
        "--dst-prefix=b/",
        &base,
        "--",
    ])?;
    let files = diff::parse(&patch);
    report.scan_patch(&files, None, allow);
    protected(&files, hooks, report);
    Ok(())
}

/// The empty tree's name in this repository's object format.
fn empty_tree(g: &Git) -> String {
    match g.line(&["rev-parse", "--show-object-format"]).as_deref() {
        Ok("sha256") => "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321".into(),
        _ => "4b825dc642cb6eb9a060e54bf8d69288fbee4904".into(),
    }
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
