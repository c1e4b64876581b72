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

/// Replaces this process with `program` run with `argv0` and `args`. Returns only on
/// failure.
#[must_use]
pub fn replace(program: &Path, argv0: &OsStr, args: &[OsString]) -> std::io::Error {
    Command::new(program).arg0(argv0).args(args).exec()
}

/// Like [`replace`], with `stdin` as the program's standard input.
#[must_use]
pub fn replace_with_stdin(program: &Path, argv0: &OsStr, args: &[OsString], stdin: std::fs::File) -> std::io::Error {
    Command::new(program).arg0(argv0).args(args).stdin(stdin).exec()
}

/// Replaces this process with `argv[0]` looked up in `PATH`, as `execvp` does.
/// Returns only on failure.
#[must_use]
pub fn replace_argv(argv: &[OsString]) -> std::io::Error {
    let Some((prog, args)) = argv.split_first() else {
        return std::io::Error::new(std::io::ErrorKind::InvalidInput, "empty command");
    };
    Command::new(prog).args(args).exec()
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
