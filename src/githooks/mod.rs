//! The git hook toolkit: what `tako-exec hook NAME` checks when git runs a hook, and
//! `tako-exec hooks install | uninstall | status`.
//!
//! The hook files git runs are small POSIX shims ([`shim`], shipped in `hooks/`) that
//! call `tako-exec hook NAME "$@"` and fail closed when tako-exec is missing. The
//! checks themselves live here, in Rust:
//! - [`precommit`]: nothing under `.tako/` tracked or staged; no secret in the staged
//!   content (the index's blobs, not the working tree); no staged change to files the
//!   policy protects.
//! - [`prepush`]: no deletion or non-fast-forward update of a protected branch; no
//!   secret or `.tako/` path in the commits being pushed.
//! - `commit-msg`: no secret in the commit message.
//!
//! After its checks, `tako-exec hook` runs the hook that was there before
//! `hooks install` (kept beside the shim, see [`install`]), with the same arguments
//! and standard input.
//!
//! Git is asked through its own command line (`git diff --cached`, `git rev-parse`),
//! spawned with the hook's environment: it honours `GIT_INDEX_FILE` (the temporary
//! index of `git commit -a` or `git commit PATH`), `GIT_DIR`, worktrees and
//! `core.hooksPath` exactly as git does.

pub mod allow;
pub mod diff;
pub mod git;
pub mod install;
pub mod precommit;
pub mod prepush;

use serde::Serialize;

/// The hooks tako-exec provides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HookName {
    /// Before a commit is recorded: the staged content.
    PreCommit,
    /// After the message is written: the message.
    CommitMsg,
    /// Before refs are sent to a remote: the refs and commits.
    PrePush,
}

impl HookName {
    /// Every hook, in the order they run.
    pub const ALL: [Self; 3] = [Self::PreCommit, Self::CommitMsg, Self::PrePush];

    /// Git's name for it.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::PreCommit => "pre-commit",
            Self::CommitMsg => "commit-msg",
            Self::PrePush => "pre-push",
        }
    }

    /// The hook called `s`.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|h| h.as_str() == s)
    }
}

impl std::fmt::Display for HookName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The line that marks a file as tako-exec's shim (and its format version).
pub const SHIM_MARK: &str = "# tako-exec-hook-shim: 1";

/// The shim for `name`: a POSIX sh script that runs `tako-exec hook NAME "$@"`, with
/// tako-exec at `program` (an absolute path recorded at install) or, when that is
/// `None` or gone, found on `PATH`. Without tako-exec it refuses (exit 1) and says how
/// the operator can skip the hook deliberately.
#[must_use]
pub fn shim(name: HookName, program: Option<&str>) -> String {
    let recorded = program.map_or_else(String::new, |p| shell_words::quote(p).into_owned());
    let skip = match name {
        HookName::PreCommit | HookName::CommitMsg => "git commit --no-verify",
        HookName::PrePush => "git push --no-verify",
    };
    format!(
        "#!/bin/sh\n\
         # tako-exec {name} hook: refuses what must never be committed or pushed (.tako/,\n\
         # secrets, protected branches), then runs the hook that was here before, if any.\n\
         # Installed by `tako-exec hooks install`; `tako-exec hooks uninstall` restores what\n\
         # was here. Edits to this file are detected (`tako-exec hooks status`).\n\
         {SHIM_MARK}\n\
         tako={recorded}\n\
         if [ -z \"$tako\" ] || [ ! -x \"$tako\" ]; then\n\
         \x20   tako=$(command -v tako-exec 2>/dev/null) || tako=\n\
         fi\n\
         if [ -z \"$tako\" ]; then\n\
         \x20   echo \"tako-exec {name}: tako-exec is not installed or not on PATH, so this hook refuses (fail closed).\" >&2\n\
         \x20   echo \"  Install it (./install.sh in its repository), or, as the operator and on purpose, skip hooks once: {skip}\" >&2\n\
         \x20   exit 1\n\
         fi\n\
         exec \"$tako\" hook {name} \"$@\"\n"
    )
}

/// What a hook refuses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Problem {
    /// Something under a `.tako` directory is tracked, staged or in a pushed commit.
    ControlPlane {
        /// The path (or the tracked check's whole message when `commit` is `None` and
        /// the path is unknown).
        path: String,
        /// The commit that adds it (pre-push).
        commit: Option<String>,
        /// What to do.
        fix: String,
    },
    /// A secret in the added lines.
    Secret {
        /// The file (or `commit message`).
        path: String,
        /// The line in the new file.
        line: u64,
        /// The secret rule.
        rule: &'static str,
        /// Names this finding for `[[hooks.allow]]`.
        fingerprint: String,
        /// The commit that adds it (pre-push).
        commit: Option<String>,
    },
    /// A staged change to a file the policy protects (`[hooks] protected_files`).
    ProtectedFile {
        /// The file.
        path: String,
        /// The pattern it matches.
        pattern: String,
        /// Where the pattern is set (`None`: built in).
        origin: Option<String>,
    },
    /// A deletion or rewrite of a protected branch.
    ProtectedBranch {
        /// The branch (without `refs/heads/`).
        branch: String,
        /// `delete`, `non-fast-forward`, or `unknown-remote-commit`.
        change: &'static str,
        /// The pattern it matches.
        pattern: String,
    },
    /// The hook chained at install was changed since.
    HookChanged {
        /// What changed and what to do.
        message: String,
    },
}

impl Problem {
    /// The rule that refuses: a stable id for the audit log and JSON.
    #[must_use]
    pub fn rule(&self) -> String {
        match self {
            Self::ControlPlane { .. } => "tako-tracked".into(),
            Self::Secret { rule, .. } => format!("secret:{rule}"),
            Self::ProtectedFile { .. } => "protected-file".into(),
            Self::ProtectedBranch { .. } => "protected-branch".into(),
            Self::HookChanged { .. } => "hook-changed".into(),
        }
    }
}

/// What a hook found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Refusals.
    pub problems: Vec<Problem>,
    /// Findings accepted by `[[hooks.allow]]`, with the entry's reason and origin.
    pub accepted: Vec<(Problem, String, String)>,
    /// Things worth saying that do not refuse (binary files not scanned, ignored
    /// allow entries).
    pub notes: Vec<String>,
    /// Bytes of added text scanned.
    pub scanned: u64,
}

impl Report {
    /// Adds a secret finding, accepted or not.
    fn secret(&mut self, allow: &allow::Allowlist, p: Problem) {
        if let Problem::Secret { path, rule, fingerprint, .. } = &p {
            if let Some(a) = allow.accepts(path, rule, fingerprint) {
                let (reason, origin) = (a.reason.clone(), a.origin.to_string());
                self.accepted.push((p, reason, origin));
                return;
            }
        }
        self.problems.push(p);
    }

    /// Scans the added lines of `files` for secrets (and `.tako` paths), as added by
    /// `commit` (pre-push) or staged (pre-commit).
    fn scan_patch(&mut self, files: &[diff::FilePatch], commit: Option<&str>, allow: &allow::Allowlist) {
        for f in files {
            if f.deleted {
                continue;
            }
            let known = self.problems.iter().any(|p| matches!(p, Problem::ControlPlane { commit: None, .. }));
            if is_control_plane(&f.path) && !(commit.is_none() && known) {
                self.problems.push(Problem::ControlPlane {
                    path: f.path.clone(),
                    commit: commit.map(Into::into),
                    fix: control_plane_fix(commit),
                });
            }
            if f.binary {
                self.notes.push(format!("{}: binary, not scanned for secrets", f.path));
                continue;
            }
            for h in &f.hunks {
                self.scanned += h.text.len() as u64;
                for found in crate::filter::secret::find(&h.text) {
                    let fp = allow::fingerprint(found.rule, &f.path, &h.text[found.start..found.end]);
                    let p = Problem::Secret {
                        path: f.path.clone(),
                        line: h.line_of(found.start),
                        rule: found.rule,
                        fingerprint: fp,
                        commit: commit.map(Into::into),
                    };
                    self.secret(allow, p);
                }
            }
        }
    }
}

/// `[hooks]` patterns (protected branches or files) compiled once: which one, if
/// any, a name matches first, with where it is set.
struct Patterns<'a> {
    set: globset::GlobSet,
    /// For each glob in the set, its entry in `list` (a pattern that does not compile,
    /// which validation already refused, is left out without shifting the others).
    index: Vec<usize>,
    list: &'a [(String, Option<crate::config::Origin>)],
}

impl<'a> Patterns<'a> {
    fn new(list: &'a [(String, Option<crate::config::Origin>)]) -> Self {
        let mut b = globset::GlobSetBuilder::new();
        let mut index = Vec::new();
        for (i, (p, _)) in list.iter().enumerate() {
            if let Ok(g) = globset::GlobBuilder::new(p).literal_separator(true).build() {
                b.add(g);
                index.push(i);
            }
        }
        Self { set: b.build().unwrap_or_else(|_| globset::GlobSet::empty()), index, list }
    }

    /// The first pattern `name` matches.
    fn first(&self, name: &str) -> Option<&'a (String, Option<crate::config::Origin>)> {
        let &g = self.set.matches(name).first()?;
        self.list.get(*self.index.get(g)?)
    }
}

/// Whether a path has a `.tako` component.
#[must_use]
pub fn is_control_plane(path: &str) -> bool {
    path.split('/').any(|c| c == ".tako")
}

fn control_plane_fix(commit: Option<&str>) -> String {
    match commit {
        None => "git rm -r --cached .tako (the files stay on disk), and add `.tako/` to .gitignore".into(),
        Some(c) => format!(
            "rewrite the unpushed history without it (e.g. `git rebase -i {}^` and `git rm -r --cached .tako` in that commit), \
             and add `.tako/` to .gitignore",
            &c[..c.len().min(12)]
        ),
    }
}

/// Runs `tako-exec hook NAME ARGS…`; the exit code (0: the commit or push may go on;
/// 1: refused; 125: tako-exec could not check, so refused too).
#[must_use]
pub fn run(a: &crate::cli::HookArgs) -> i32 {
    match run_inner(a) {
        Ok(code) => code,
        Err(e) => {
            crate::term::hook_failure(a.name, &e);
            crate::outcome::code::FAILED
        }
    }
}

/// Why a hook could not check (it refuses).
#[derive(Debug, thiserror::Error)]
pub enum HookError {
    /// Git could not answer.
    #[error(transparent)]
    Git(#[from] git::GitError),
    /// tako-exec's own state or policy.
    #[error("{0}")]
    Tako(String),
}

fn run_inner(a: &crate::cli::HookArgs) -> Result<i32, HookError> {
    use crate::control::Plane;
    let cwd =
        std::env::current_dir().map_err(|e| HookError::Tako(format!("cannot read the working directory: {e}")))?;
    let g = git::Git::new(&cwd);
    let (top, hooks_dir) = g.top_and_hooks()?;
    let ctx = crate::context::Context::from_process()
        .map_err(|e| HookError::Tako(format!("cannot read the working directory: {e}")))?;
    let plane = Plane::open(&top).map_err(|e| HookError::Tako(e.to_string()))?;
    let mut report = Report::default();
    // `.tako/` tracked in the repository's own index (what the proxy refuses on).
    let tracked = match &plane {
        Some(p) => p.untracked(&top),
        None => crate::control::untracked_without_plane(&top, &crate::config::cache_home(&ctx)),
    };
    if let Err(e) = tracked {
        match e {
            // The message names the paths and the exact pathspec to untrack.
            crate::error::Error::Tracked(message) => {
                report.problems.push(Problem::ControlPlane { path: ".tako/".into(), commit: None, fix: message });
            }
            other => return Err(HookError::Tako(other.to_string())),
        }
    }
    let policy = crate::config::load(&ctx, &[], plane.as_ref()).map_err(|diags| {
        let text: Vec<String> = diags.iter().map(ToString::to_string).collect();
        HookError::Tako(format!("the policy has errors, so nothing is checked:\n{}", text.join("\n")))
    })?;
    for w in &policy.warnings {
        report.notes.push(w.to_string());
    }
    let (allow, notes) = allow::Allowlist::new(&policy.hooks.allow, plane.is_some());
    report.notes.extend(notes);
    let mut stdin = Vec::new();
    match a.name {
        HookName::PreCommit => precommit::check(&g, &policy.hooks, &allow, &mut report)?,
        HookName::CommitMsg => {
            let file = a.args.first().ok_or_else(|| HookError::Tako("commit-msg needs the message file".into()))?;
            let text = std::fs::read(cwd.join(file)).map_err(|e| {
                HookError::Tako(format!("cannot read the commit message {}: {e}", file.to_string_lossy()))
            })?;
            let hunk = diff::Hunk { first_line: 1, text };
            let f = diff::FilePatch { path: "commit message".into(), hunks: vec![hunk], ..Default::default() };
            report.scan_patch(&[f], None, &allow);
        }
        HookName::PrePush => {
            stdin =
                match prepush::read_stdin() {
                    Some(bytes) => bytes,
                    // The pre-commit framework gives its variables instead of git's lines.
                    None if std::env::var_os("PRE_COMMIT_TO_REF").is_some() => Vec::new(),
                    None => return Err(HookError::Tako(
                        "standard input is a terminal, so the refs being pushed are unknown; a hook manager must pass \
                         git's input through (lefthook: `use_stdin: true`)"
                            .into(),
                    )),
                };
            // git passes the remote's name; the pre-commit framework sets a variable.
            let remote = a
                .args
                .first()
                .map(|r| r.to_string_lossy().into_owned())
                .or_else(|| std::env::var("PRE_COMMIT_REMOTE_NAME").ok());
            prepush::check(&g, remote.as_deref(), &stdin, &policy.hooks, &allow, &mut report)?;
        }
    }
    let chained = match install::verify_chained(&top, &hooks_dir, a.name) {
        Ok(c) => c,
        Err(message) => {
            report.problems.push(Problem::HookChanged { message });
            None
        }
    };
    let decision = decide(a.name, &report);
    crate::term::hook_report(a.name, &report, decision);
    if let Some(p) = &plane {
        audit(p, a.name, &report, decision)?;
    }
    if decision == Decision::Refused {
        return Ok(1);
    }
    match chained {
        Some(path) => run_chained(&path, &a.args, &stdin, a.name),
        None => Ok(0),
    }
}

/// The hook's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Nothing to refuse.
    Passed,
    /// Refused.
    Refused,
    /// Refused, then let through by the operator at the terminal.
    Overridden,
}

impl Decision {
    /// As recorded.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Passed => "allow",
            Self::Refused => "deny",
            Self::Overridden => "override",
        }
    }
}

/// The environment variable with which the operator asks to override a refusal
/// (confirmed at the terminal, recorded in the audit log).
pub const OVERRIDE_VAR: &str = "TAKO_HOOK_OVERRIDE";

/// Refused when there are problems, unless the operator overrides at the terminal:
/// `TAKO_HOOK_OVERRIDE=1`, not inside a command tako-exec runs, and a `y` typed on
/// the controlling terminal (the variable alone is not enough: an agent can set it,
/// but cannot answer the terminal).
fn decide(name: HookName, report: &Report) -> Decision {
    if report.problems.is_empty() {
        return Decision::Passed;
    }
    if std::env::var_os(OVERRIDE_VAR).is_none_or(|v| v != "1")
        || std::env::var_os(crate::operator::UNDER_TAKO).is_some()
    {
        return Decision::Refused;
    }
    let prompt = crate::term::hook_override_prompt(name, report);
    match crate::approve::ask(&prompt, crate::approve::DEFAULT_TIMEOUT) {
        crate::approve::Answer::Yes | crate::approve::Answer::Always => Decision::Overridden,
        _ => Decision::Refused,
    }
}

/// A `hook` record in the audit log; the hook refuses when it cannot be written.
fn audit(plane: &crate::control::Plane, name: HookName, report: &Report, d: Decision) -> Result<(), HookError> {
    let mut map = serde_json::Map::new();
    map.insert("kind".into(), "hook".into());
    map.insert("hook".into(), name.as_str().into());
    map.insert("decision".into(), d.as_str().into());
    if d == Decision::Overridden {
        map.insert("by".into(), plane.operator.name.clone().into());
    }
    let problems: Vec<serde_json::Value> = report
        .problems
        .iter()
        .map(|p| {
            let mut v = serde_json::to_value(p).unwrap_or_default();
            if let Some(o) = v.as_object_mut() {
                o.insert("refusal".into(), p.rule().into());
            }
            v
        })
        .collect();
    map.insert("problems".into(), problems.into());
    let accepted: Vec<serde_json::Value> = report
        .accepted
        .iter()
        .map(|(p, reason, origin)| serde_json::json!({"finding": p, "reason": reason, "allowed_by": origin}))
        .collect();
    map.insert("accepted".into(), accepted.into());
    crate::control::audit::Log::new(plane, crate::control::audit::Options::default())
        .append(map)
        .map(|_| ())
        .map_err(|e| HookError::Tako(format!("cannot write the audit log, so the hook refuses: {e}")))
}

/// Runs the hook that was there before `hooks install`, with the same arguments and
/// standard input; its status is the hook's.
fn run_chained(
    path: &std::path::Path,
    args: &[std::ffi::OsString],
    stdin: &[u8],
    name: HookName,
) -> Result<i32, HookError> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut cmd = Command::new(path);
    cmd.args(args);
    if name == HookName::PrePush {
        cmd.stdin(Stdio::piped());
    }
    let mut child =
        cmd.spawn().map_err(|e| HookError::Tako(format!("cannot run the chained hook {}: {e}", path.display())))?;
    if let Some(mut w) = child.stdin.take() {
        // A hook that does not read its input closes the pipe: that is not an error.
        let _ = w.write_all(stdin);
    }
    let status = child
        .wait()
        .map_err(|e| HookError::Tako(format!("cannot wait for the chained hook {}: {e}", path.display())))?;
    Ok(crate::outcome::from_status(status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for h in HookName::ALL {
            assert_eq!(HookName::parse(h.as_str()), Some(h));
        }
        assert_eq!(HookName::parse("post-commit"), None);
    }

    #[test]
    fn shipped_shims_are_the_generated_ones() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("hooks");
        for h in HookName::ALL {
            let shipped = std::fs::read_to_string(dir.join(h.as_str())).expect("hooks/NAME is shipped");
            assert_eq!(shipped, shim(h, None), "hooks/{h} differs from githooks::shim; regenerate it");
        }
    }

    #[test]
    fn shim_quotes_the_recorded_path() {
        let s = shim(HookName::PrePush, Some("/opt/my tools/tako-exec"));
        assert!(s.contains("tako='/opt/my tools/tako-exec'\n"), "{s}");
        assert!(s.contains("exec \"$tako\" hook pre-push \"$@\""));
        assert!(s.contains(SHIM_MARK));
    }
}
