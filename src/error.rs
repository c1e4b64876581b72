//! tako-exec's own failures. Each one means nothing ran and the exit code is
//! [`code::FAILED`](crate::outcome::code::FAILED) (125), except where a variant says
//! otherwise; the message says why and what to do.

use std::path::PathBuf;

/// Why tako-exec could not do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The command line is malformed.
    #[error("{0}")]
    Usage(String),
    /// An I/O operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What tako-exec was doing.
        context: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The real shell resolves to tako-exec itself.
    #[error(
        "the real shell {} is tako-exec itself, which would recurse; set TAKO_SHELL to a real shell such as /bin/bash",
        .0.display()
    )]
    Recursion(PathBuf),
    /// No real shell could be found.
    #[error("no real shell found (tried {0}); set TAKO_SHELL to the absolute path of bash or sh")]
    NoShell(String),
    /// `TAKO_SHELL` is set to something unusable.
    #[error("TAKO_SHELL must be an absolute path to a shell, got {0:?}")]
    BadShellVar(String),
    /// An interactive shell was requested.
    #[error(
        "tako-exec does not guard interactive shells; run commands with `tako-exec -c 'CMD'`, or start your shell directly"
    )]
    Interactive,
    /// An unknown guard code was asked about.
    #[error("no guard named {0:?}; `tako-exec explain --list` lists the catalog")]
    UnknownGuard(String),
    /// The workspace policy has errors: nothing runs until they are fixed. (The
    /// problems themselves are printed one per line before this message.)
    #[error(
        "the policy has {} error{}, so nothing runs until it is fixed; `tako-exec config check` shows every problem",
        .0.iter().filter(|d| d.error).count(),
        if .0.iter().filter(|d| d.error).count() == 1 { "" } else { "s" }
    )]
    Policy(Vec<crate::config::Diagnostic>),
    /// Something under `.tako/` is tracked by git (the message says how to untrack it).
    #[error("{0}")]
    Tracked(String),
    /// git's state cannot be read, so whether `.tako/` is tracked is unknown.
    #[error(transparent)]
    GitState(#[from] crate::control::tracked::TrackedError),
    /// The operator's control plane (`.tako/`) cannot be read or written.
    #[error(transparent)]
    Plane(#[from] crate::control::PlaneError),
}

impl Error {
    /// An I/O error with what was being done.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io { context: context.into(), source }
    }
}

/// Shorthand for results of tako-exec's own operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;
