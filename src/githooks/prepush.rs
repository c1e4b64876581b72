//! pre-push: the ref updates git is about to send (one line each on standard input:
//! `<local ref> <local object> <remote ref> <remote object>`).
//!
//! - Deleting a protected branch (`[hooks] protected_branches`, default `main`,
//!   `master`, `release/*`) refuses; so does a non-fast-forward update of one (the
//!   remote's commit is not an ancestor of what is pushed), and an update whose
//!   remote commit is not known here (it cannot be shown to be a fast-forward:
//!   fetch first). Other branches may be rewritten (feature branches are).
//! - The commits being pushed (those not on the remote already) are scanned: a path
//!   with a `.tako` component, or a secret in the lines they add, refuses. Merge
//!   commits are read against their first parent.
//!
//! The pre-commit framework does not give hooks git's lines; it sets
//! `PRE_COMMIT_FROM_REF`, `PRE_COMMIT_TO_REF`, `PRE_COMMIT_REMOTE_BRANCH` and
//! `PRE_COMMIT_LOCAL_BRANCH` for the first ref pushed (and none for deletions). Those
//! are used only when standard input holds no line, so they cannot hide what git
//! says.

use std::io::{IsTerminal, Read};

use super::allow::Allowlist;
use super::git::{Git, GitError};
use super::{diff, Problem, Report};
use crate::config::Hooks;

/// The most pushed input read (git writes one short line per ref).
const MAX_INPUT: u64 = 16 << 20;

/// One ref update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    /// The local ref (`(delete)` for a deletion).
    pub local_ref: String,
    /// The local object (all zeros for a deletion).
    pub local: String,
    /// The remote ref.
    pub remote_ref: String,
    /// The remote's object (all zeros for a new ref).
    pub remote: String,
}

/// Whether an object name is git's "none".
fn is_zero(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b == b'0')
}

/// Standard input; `None` when it is a terminal (git never gives a hook one: a hook
/// manager that runs hooks on a pseudo-terminal, like lefthook without
/// `use_stdin: true`, hides the refs being pushed).
#[must_use]
pub fn read_stdin() -> Option<Vec<u8>> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return None;
    }
    let mut buf = Vec::new();
    let _ = stdin.lock().take(MAX_INPUT).read_to_end(&mut buf);
    Some(buf)
}

/// The updates in git's lines, or from the pre-commit framework's variables when
/// there are none.
#[must_use]
pub fn updates(input: &[u8], env: impl Fn(&str) -> Option<String>) -> Vec<Update> {
    let text = String::from_utf8_lossy(input);
    let mut out: Vec<Update> = text
        .lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            let (a, b, c, d) = (w.next()?, w.next()?, w.next()?, w.next()?);
            Some(Update { local_ref: a.into(), local: b.into(), remote_ref: c.into(), remote: d.into() })
        })
        .collect();
    if out.is_empty() {
        if let (Some(to), Some(remote_ref)) = (env("PRE_COMMIT_TO_REF"), env("PRE_COMMIT_REMOTE_BRANCH")) {
            out.push(Update {
                local_ref: env("PRE_COMMIT_LOCAL_BRANCH").unwrap_or_default(),
                local: to,
                remote_ref,
                remote: env("PRE_COMMIT_FROM_REF").unwrap_or_default(),
            });
        }
    }
    out
}

/// Checks the updates in `input` for a push to `remote` (a remote's name or a URL).
///
/// # Errors
/// When git cannot answer.
pub fn check(
    g: &Git,
    remote: Option<&str>,
    input: &[u8],
    hooks: &Hooks,
    allow: &Allowlist,
    report: &mut Report,
) -> Result<(), GitError> {
    let updates = updates(input, |k| std::env::var(k).ok().filter(|v| !v.is_empty()));
    let patterns = super::Patterns::new(&hooks.protected_branches);
    let protected = |remote_ref: &str| -> Option<(String, String)> {
        let branch = remote_ref.strip_prefix("refs/heads/")?;
        let (pattern, _) = patterns.first(branch)?;
        Some((branch.to_string(), pattern.clone()))
    };
    let mut include = Vec::new();
    let mut exclude = Vec::new();
    for u in &updates {
        if is_zero(&u.local) {
            if let Some((branch, pattern)) = protected(&u.remote_ref) {
                report.problems.push(Problem::ProtectedBranch { branch, change: "delete", pattern });
            }
            continue;
        }
        include.push(u.local.clone());
        if u.remote.is_empty() || is_zero(&u.remote) {
            continue;
        }
        let known = g.yes_no(&["cat-file", "-e", &format!("{}^{{commit}}", u.remote)])?;
        if known {
            exclude.push(format!("^{}", u.remote));
            if !g.yes_no(&["merge-base", "--is-ancestor", &u.remote, &u.local])? {
                if let Some((branch, pattern)) = protected(&u.remote_ref) {
                    report.problems.push(Problem::ProtectedBranch { branch, change: "non-fast-forward", pattern });
                }
            }
        } else if let Some((branch, pattern)) = protected(&u.remote_ref) {
            report.problems.push(Problem::ProtectedBranch { branch, change: "unknown-remote-commit", pattern });
        }
    }
    if include.is_empty() {
        return Ok(());
    }
    // What the remote already has is not scanned again: the remote's old commits and
    // every remote-tracking branch of a named remote.
    let mut args: Vec<String> = [
        "log",
        "-p",
        "-U0",
        "-M",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--diff-merges=first-parent",
        "--src-prefix=a/",
        "--dst-prefix=b/",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    args.push(format!("--format={}%H", diff::COMMIT_MARK));
    args.extend(include);
    args.extend(exclude);
    if let Some(r) = remote.filter(|r| is_remote_name(g, r)) {
        args.push("--not".into());
        args.push(format!("--remotes={r}"));
    }
    args.push("--".into());
    let mut stream = diff::Stream::log();
    let mut each = |commit: Option<&str>, f: diff::FilePatch| {
        report.scan_patch(std::slice::from_ref(&f), commit, allow);
    };
    g.stream(&args, |line| stream.line(line, &mut each))?;
    stream.finish(&mut each);
    Ok(())
}

/// Whether `r` names a configured remote (not a URL).
fn is_remote_name(g: &Git, r: &str) -> bool {
    !r.contains(['/', ':']) && g.yes_no(&["config", "--get", &format!("remote.{r}.url")]).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_lines_win_over_the_framework_variables() {
        let z = "0".repeat(40);
        let line = format!("refs/heads/main {} refs/heads/main {z}\n", "a".repeat(40));
        let env = |k: &str| (k == "PRE_COMMIT_TO_REF" || k == "PRE_COMMIT_REMOTE_BRANCH").then(|| "x".to_string());
        let u = updates(line.as_bytes(), env);
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].local, "a".repeat(40));
        assert!(is_zero(&u[0].remote));
        let u = updates(b"", env);
        assert_eq!(u.len(), 1, "no line: the framework's variables");
        assert_eq!(u[0].local, "x");
        assert!(updates(b"", |_| None).is_empty());
    }
}
