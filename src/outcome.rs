//! Exit codes: the contract between tako-exec and whatever launched it.
//!
//! When a command runs, tako-exec replaces itself with the real shell (or the program),
//! so the child's status, including death by a signal, reaches the caller unchanged.
//! The codes below are the ones tako-exec itself returns; they follow the shell's
//! conventions so callers that already understand `bash` understand tako-exec.

/// Exit codes tako-exec returns on its own behalf.
pub mod code {
    /// `check`: the command would run without a prompt.
    pub const CHECK_ALLOW: i32 = 0;
    /// `check`: the command would need the operator's approval.
    pub const CHECK_ASK: i32 = 1;
    /// tako-exec itself failed (bad usage, unreadable input, no real shell, recursion):
    /// nothing ran.
    pub const FAILED: i32 = 125;
    /// The command was denied (or needed approval that was not given): nothing ran.
    /// `check` uses it too for a deny.
    pub const DENIED: i32 = 126;
    /// The program of `tako-exec -- PROG` was not found.
    pub const NOT_FOUND: i32 = 127;
    /// A child killed by signal `n` is reported as `SIGNAL_BASE + n` when tako-exec
    /// waits for it instead of replacing itself.
    pub const SIGNAL_BASE: i32 = 128;
}

/// The exit code that reports a child's wait status the way a shell does.
#[must_use]
pub fn from_status(status: std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(c), _) => c,
        (None, Some(sig)) => code::SIGNAL_BASE + sig,
        (None, None) => code::FAILED,
    }
}

/// Ends tako-exec the way the child ended when it died by a signal (the caller then
/// sees what it would have seen of the command run without tako-exec); otherwise, and
/// for a signal tako-exec cannot die by (`SIGPIPE`, which Rust ignores), the exit
/// code of [`from_status`].
#[must_use]
pub fn mirror(status: std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    if let Some(sig) = status.signal().and_then(|n| nix::sys::signal::Signal::try_from(n).ok()) {
        // The signal mask was restored after the wait and the disposition is the
        // default one (tako-exec installs no handler), so this ends the process.
        let _ = nix::sys::signal::raise(sig);
    }
    from_status(status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;

    #[test]
    fn statuses_map_like_a_shell() {
        assert_eq!(from_status(std::process::ExitStatus::from_raw(42 << 8)), 42);
        assert_eq!(from_status(std::process::ExitStatus::from_raw(15)), 143);
        assert_eq!(from_status(std::process::ExitStatus::from_raw(9)), 137);
    }
}
