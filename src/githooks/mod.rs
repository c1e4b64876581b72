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

pub mod git;
pub mod install;

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

/// Runs `tako-exec hook NAME ARGS…`; the exit code (0: the commit or push may go on).
#[must_use]
pub fn run(a: &crate::cli::HookArgs) -> i32 {
    let _ = a;
    crate::term::error(&"`tako-exec hook` is not built yet");
    crate::outcome::code::FAILED
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
