//! Running what was allowed: finding the real shell and replacing tako-exec with it
//! (or with the program of `tako-exec -- PROG`).
//!
//! tako-exec `exec`s rather than spawning and waiting: the process the agent started
//! becomes the real shell, so standard streams, the controlling terminal, the process
//! group, job control, signals and the exit status (including death by a signal) are
//! exactly what they would be without tako-exec. The standard library's `exec` resets
//! the signal disposition Rust changes at start-up (`SIGPIPE`) and the signal mask, so
//! the child starts in the state a shell expects.
//!
//! The real shell is `$TAKO_SHELL` (absolute), else for a shim the shell of that name in
//! `/bin` or `/usr/bin`, else `/bin/bash`, else `/bin/sh`. A candidate that is
//! tako-exec itself (same device and inode, whatever the path or link) is refused with
//! [`Error::Recursion`]: `SHELL=tako-exec` must never loop.

use std::ffi::{OsStr, OsString};
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};

/// The identity of a file: (device, inode).
fn identity(path: &Path) -> Option<(u64, u64)> {
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// The identity of the running executable.
fn self_identity() -> Option<(u64, u64)> {
    identity(Path::new("/proc/self/exe")).or_else(|| std::env::current_exe().ok().and_then(|p| identity(&p)))
}

/// Finds the real shell.
///
/// `tako_shell` is the value of `TAKO_SHELL`; `shim` the shell name tako-exec runs as.
///
/// # Errors
/// `TAKO_SHELL` is not absolute, no candidate exists, or the chosen shell is
/// tako-exec itself.
pub fn resolve_shell(tako_shell: Option<&OsStr>, shim: Option<&str>) -> Result<PathBuf> {
    let me = self_identity();
    let check = |p: PathBuf| -> Result<PathBuf> {
        if me.is_some() && identity(&p) == me {
            return Err(Error::Recursion(p));
        }
        Ok(p)
    };
    if let Some(v) = tako_shell.filter(|v| !v.is_empty()) {
        let p = PathBuf::from(v);
        if !p.is_absolute() {
            return Err(Error::BadShellVar(v.to_string_lossy().into_owned()));
        }
        if !p.is_file() {
            return Err(Error::NoShell(p.display().to_string()));
        }
        return check(p);
    }
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(name) = shim {
        candidates.push(Path::new("/bin").join(name));
        candidates.push(Path::new("/usr/bin").join(name));
    }
    candidates.push(PathBuf::from("/bin/bash"));
    candidates.push(PathBuf::from("/bin/sh"));
    for c in &candidates {
        if c.is_file() {
            return check(c.clone());
        }
    }
    Err(Error::NoShell(candidates.iter().map(|c| c.display().to_string()).collect::<Vec<_>>().join(", ")))
}

/// The `argv[0]` the real shell gets: a shim's own name is kept (so `sh` stays in
/// POSIX mode and `-bash` stays a login shell); under tako-exec's own name the real
/// shell's path, with a leading `-` when tako-exec was started as a login shell.
#[must_use]
pub fn shell_argv0(original: &OsStr, shim: Option<&str>, shell: &Path) -> OsString {
    if shim.is_some() {
        return original.to_os_string();
    }
    if original.as_encoded_bytes().first() == Some(&b'-') {
        let base = shell.file_name().unwrap_or(shell.as_os_str());
        let mut s = OsString::from("-");
        s.push(base);
        return s;
    }
    shell.as_os_str().to_os_string()
}

/// The real shell run as `argv0` with `args` (and `stdin`, when the script was read
/// from tako-exec's own standard input).
#[must_use]
pub fn shell_command(program: &Path, argv0: &OsStr, args: &[OsString], stdin: Option<std::fs::File>) -> Command {
    let mut c = Command::new(program);
    c.arg0(argv0).args(args);
    if let Some(f) = stdin {
        c.stdin(f);
    }
    c
}

/// `argv[0]` looked up in `PATH` (as `execvp` does) with the rest as its arguments.
#[must_use]
pub fn argv_command(argv: &[OsString]) -> Option<Command> {
    let (prog, args) = argv.split_first()?;
    let mut c = Command::new(prog);
    c.args(args);
    Some(c)
}

/// Replaces this process with `cmd`. Returns only on failure.
#[must_use]
pub fn replace(cmd: &mut Command) -> std::io::Error {
    cmd.exec()
}

/// Runs `cmd` as a child and waits for it, for when tako-exec has work left after the
/// command (the audit record of its exit).
///
/// While it waits, tako-exec behaves as `system(3)` does: `SIGINT` and `SIGQUIT`
/// (sent by the terminal to the whole foreground process group, so the child gets
/// them too) do not stop tako-exec, and `SIGTERM` and `SIGHUP` sent to tako-exec are
/// passed on to the child. Those signals are blocked in tako-exec and received with
/// `sigwait`, so no handler (and no `unsafe`) is needed.
///
/// They are blocked just after the child is made, not before: a child inherits the
/// signal mask (the standard library does not reset it), and resetting it in the
/// child would need a `pre_exec` hook, which makes the standard library `fork`
/// instead of `posix_spawn` and costs 0.15–0.3 ms per command. In the microseconds
/// between the two, a `SIGTERM`/`SIGHUP` sent to tako-exec alone ends tako-exec (the
/// child runs on without its exit record); a terminal's `SIGINT` reaches the child as
/// well. A child that exits in that window is still reaped: its `SIGCHLD` may be
/// lost, but the loop asks `try_wait` before every `sigwait`.
///
/// # Errors
/// When the child cannot be started or waited for.
pub fn supervise(cmd: &mut Command) -> std::io::Result<std::process::ExitStatus> {
    use nix::sys::signal::{kill, pthread_sigmask, SigSet, SigmaskHow, Signal};
    let mut set = SigSet::empty();
    for sig in [Signal::SIGTERM, Signal::SIGHUP, Signal::SIGINT, Signal::SIGQUIT, Signal::SIGCHLD] {
        set.add(sig);
    }
    let mut old = SigSet::empty();
    let restore = |old: &SigSet| {
        let _ = pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(old), None);
    };
    let mut child = cmd.spawn()?;
    if pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&set), Some(&mut old)).is_err() {
        // Cannot happen with a valid set; the child runs, so wait for it plainly.
        return child.wait();
    }
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).unwrap_or(i32::MAX));
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break Ok(st),
            Ok(None) => {}
            Err(e) => break Err(e),
        }
        // A SIGCHLD that arrived since `try_wait` is pending (blocked), so this returns.
        match set.wait() {
            Ok(sig @ (Signal::SIGTERM | Signal::SIGHUP)) => {
                let _ = kill(pid, sig);
            }
            Ok(_) => {}
            Err(e) => break Err(std::io::Error::from(e)),
        }
    };
    restore(&old);
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tako_shell_must_be_absolute() {
        assert!(matches!(resolve_shell(Some(OsStr::new("bash")), None), Err(Error::BadShellVar(_))));
        assert!(matches!(resolve_shell(Some(OsStr::new("/nonexistent/sh")), None), Err(Error::NoShell(_))));
    }

    #[test]
    fn default_is_a_real_shell() {
        let sh = resolve_shell(None, None).unwrap();
        assert!(sh == Path::new("/bin/bash") || sh == Path::new("/bin/sh"));
        assert_eq!(resolve_shell(None, Some("sh")).unwrap(), PathBuf::from("/bin/sh"));
    }

    #[test]
    fn refuses_itself() {
        let me = std::env::current_exe().unwrap();
        assert!(matches!(resolve_shell(Some(me.as_os_str()), None), Err(Error::Recursion(_))));
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("bash");
        std::os::unix::fs::symlink(&me, &link).unwrap();
        assert!(matches!(resolve_shell(Some(link.as_os_str()), None), Err(Error::Recursion(_))));
    }

    #[test]
    fn argv0_rules() {
        let bash = Path::new("/bin/bash");
        assert_eq!(shell_argv0(OsStr::new("sh"), Some("sh"), bash), OsString::from("sh"));
        assert_eq!(shell_argv0(OsStr::new("-tako-exec"), None, bash), OsString::from("-bash"));
        assert_eq!(shell_argv0(OsStr::new("/x/tako-exec"), None, bash), OsString::from("/bin/bash"));
    }
}
