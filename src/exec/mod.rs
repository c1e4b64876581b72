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
use std::time::Duration;

use crate::error::{Error, Result};
use crate::filter::relay::{Blocked, Stream};

/// Whether writes to `fd` are thrown away unread: it is open on `/dev/null` (the
/// character device 1:3 on Linux). Nobody reads such a stream, so it needs no output
/// filter, and a command whose filtered streams all go there can replace tako-exec.
pub fn discards(fd: &impl std::os::fd::AsRawFd) -> bool {
    use nix::sys::stat::{fstat, SFlag};
    fstat(fd.as_raw_fd()).is_ok_and(|st| {
        SFlag::from_bits_truncate(st.st_mode) & SFlag::S_IFMT == SFlag::S_IFCHR
            && nix::sys::stat::major(st.st_rdev) == 1
            && nix::sys::stat::minor(st.st_rdev) == 3
    })
}

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

/// What [`supervise`] does besides waiting: the output streams to filter (`None`:
/// the child writes to tako-exec's own stream directly) and a time limit.
#[derive(Debug, Default)]
pub struct Watch {
    /// The filter of the child's standard output.
    pub stdout: Option<Stream>,
    /// The filter of the child's standard error.
    pub stderr: Option<Stream>,
    /// Ends the command (its whole process group) after this long.
    pub timeout: Option<Duration>,
}

/// How a supervised command ended.
#[derive(Debug)]
pub struct Ended {
    /// Its wait status.
    pub status: std::process::ExitStatus,
    /// It was ended by the time limit.
    pub timed_out: bool,
    /// A filter stopped it.
    pub blocked: Option<Blocked>,
}

/// Seconds between `SIGTERM` and `SIGKILL` when a command is ended.
const GRACE: Duration = Duration::from_secs(2);

/// Runs `cmd` as a child and waits for it, for when tako-exec has work left after the
/// command (the audit record of its exit), filters its output, or limits its time.
///
/// While it waits, tako-exec behaves as `system(3)` does: `SIGINT` and `SIGQUIT`
/// (sent by the terminal to the whole foreground process group, so the child gets
/// them too) do not stop tako-exec, and `SIGTERM` and `SIGHUP` sent to tako-exec are
/// passed on to the child. Those signals are blocked in tako-exec and received with
/// `sigwait`, so no handler (and no `unsafe`) is needed. With a time limit the child
/// gets a process group of its own (so the whole tree can be ended), and then every
/// one of those signals is passed on to that group.
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
/// Filtered streams are read by one thread that polls them both (so a child filling
/// both never deadlocks), filtered with bounded memory and written to tako-exec's own
/// stream; a stream that comes in bulk gets threads of its own ([`pump`]).
///
/// # Errors
/// When the child cannot be started or waited for.
pub fn supervise(cmd: &mut Command, watch: Watch) -> std::io::Result<Ended> {
    use nix::sys::signal::{kill, pthread_sigmask, SigSet, SigmaskHow, Signal};
    let mut set = SigSet::empty();
    for sig in [Signal::SIGTERM, Signal::SIGHUP, Signal::SIGINT, Signal::SIGQUIT, Signal::SIGCHLD] {
        set.add(sig);
    }
    let own_group = watch.timeout.is_some();
    if own_group {
        cmd.process_group(0);
    }
    if watch.stdout.is_some() {
        cmd.stdout(std::process::Stdio::piped());
    }
    if watch.stderr.is_some() {
        cmd.stderr(std::process::Stdio::piped());
    }
    let mut old = SigSet::empty();
    let mut child = cmd.spawn()?;
    // Blocked before any thread is made: threads inherit the mask, so every one of
    // these signals stays pending for `sigwait` instead of reaching a thread that
    // would take its default action (a SIGCHLD ignored there would never wake us).
    let blocked_ok = pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&set), Some(&mut old)).is_ok();
    let pid = i32::try_from(child.id()).unwrap_or(i32::MAX);
    // The target of signals tako-exec passes on: the child, or its whole group.
    let target = nix::unistd::Pid::from_raw(if own_group { -pid } else { pid });
    let stopped = std::sync::Arc::new(std::sync::Mutex::new(None::<Blocked>));
    let mut streams = Vec::new();
    if let (Some(filter), Some(from)) = (watch.stdout, child.stdout.take()) {
        streams.push(Relayed::new(std::os::fd::OwnedFd::from(from).into(), filter, Box::new(std::io::stdout())));
    }
    if let (Some(filter), Some(from)) = (watch.stderr, child.stderr.take()) {
        streams.push(Relayed::new(std::os::fd::OwnedFd::from(from).into(), filter, Box::new(std::io::stderr())));
    }
    let relayer = (!streams.is_empty()).then(|| relay(streams, target, stopped.clone()));
    let (cancel, timer) = match watch.timeout {
        Some(limit) => {
            let (tx, rx) = std::sync::mpsc::channel::<()>();
            let t = std::thread::spawn(move || {
                if rx.recv_timeout(limit) != Err(std::sync::mpsc::RecvTimeoutError::Timeout) {
                    return false;
                }
                let _ = kill(target, Signal::SIGTERM);
                if rx.recv_timeout(GRACE) == Err(std::sync::mpsc::RecvTimeoutError::Timeout) {
                    let _ = kill(target, Signal::SIGKILL);
                }
                true
            });
            (Some(tx), Some(t))
        }
        None => (None, None),
    };
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break Ok(st),
            Ok(None) => {}
            Err(e) => break Err(e),
        }
        if !blocked_ok {
            // Cannot happen with a valid set; wait plainly.
            break child.wait();
        }
        // A SIGCHLD that arrived since `try_wait` is pending (blocked), so this returns.
        match set.wait() {
            Ok(sig @ (Signal::SIGTERM | Signal::SIGHUP)) => {
                let _ = kill(target, sig);
            }
            Ok(sig @ (Signal::SIGINT | Signal::SIGQUIT)) if own_group => {
                let _ = kill(target, sig);
            }
            Ok(_) => {}
            Err(e) => break Err(std::io::Error::from(e)),
        }
    };
    if blocked_ok {
        let _ = pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&old), None);
    }
    // The command ended: stop the timer, then let the filters drain what is left.
    drop(cancel);
    let timed_out = timer.is_some_and(|t| t.join().unwrap_or(false));
    if let Some(r) = relayer {
        let _ = r.join();
    }
    let blocked = stopped.lock().map(|b| b.clone()).unwrap_or(None);
    status.map(|status| Ended { status, timed_out, blocked })
}

/// Bytes read at a time from a filtered stream.
const CHUNK: usize = 64 * 1024;
/// Bytes read at a time until a read fills them (then [`CHUNK`]).
const FIRST: usize = 4 * 1024;
/// A pause after which held whole lines are released.
const IDLE: Duration = Duration::from_millis(100);
/// Pauses after which everything held is released.
const IDLE_ALL: u32 = 10;

/// Chunks read ahead of the filter, at most.
const AHEAD: usize = 4;

/// Where a filtered stream's output goes.
type Sink = Box<dyn std::io::Write + Send>;

/// A filtered stream that [`relay`] reads itself.
struct Relayed {
    from: std::fs::File,
    filter: Stream,
    to: Sink,
    /// Idle periods in a row (no data).
    quiet: u32,
    /// When the next idle period ends.
    next_idle: std::time::Instant,
}

/// What became of a stream after a step of [`relay`].
enum Step {
    /// Still relayed here.
    Open,
    /// Ended (end of input, a write that failed, a filter that blocked).
    Done,
    /// A read filled the buffer. After a small buffer, the next reads take whole
    /// chunks; after a chunk, output comes in bulk: the stream is handed to [`pump`],
    /// which overlaps reading and filtering.
    Bulk,
}

impl Relayed {
    fn new(from: std::fs::File, filter: Stream, to: Sink) -> Self {
        Self { from, filter, to, quiet: 0, next_idle: std::time::Instant::now() + IDLE }
    }

    /// Writes what the filter let out; `false` when the output is gone.
    fn flush(&mut self, out: &mut Vec<u8>) -> bool {
        if out.is_empty() {
            return true;
        }
        let ok = self.to.write_all(out).and_then(|()| self.to.flush()).is_ok();
        out.clear();
        ok
    }

    /// Ends the command when the filter blocked the stream.
    fn blocked(&self, target: nix::unistd::Pid, stopped: &std::sync::Mutex<Option<Blocked>>) -> bool {
        let Some(b) = self.filter.blocked() else { return false };
        if let Ok(mut s) = stopped.lock() {
            *s = Some(b.clone());
        }
        let _ = nix::sys::signal::kill(target, nix::sys::signal::Signal::SIGTERM);
        true
    }

    /// Reads what is there and relays it.
    fn read(
        &mut self,
        buf: &mut [u8],
        out: &mut Vec<u8>,
        target: nix::unistd::Pid,
        stopped: &std::sync::Mutex<Option<Blocked>>,
    ) -> Step {
        use std::io::Read;
        let n = match self.from.read(buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => return Step::Open,
            // Like the end: what the filter holds is released.
            Err(_) => 0,
        };
        if n == 0 {
            self.filter.finish(out);
            let _ = self.flush(out);
            return Step::Done;
        }
        self.quiet = 0;
        self.next_idle = std::time::Instant::now() + IDLE;
        self.filter.push(&buf[..n], out);
        if !self.flush(out) || self.blocked(target, stopped) {
            return Step::Done;
        }
        if n == buf.len() {
            Step::Bulk
        } else {
            Step::Open
        }
    }

    /// Releases what the filter holds once the stream has been quiet for a while.
    fn idle(
        &mut self,
        now: std::time::Instant,
        out: &mut Vec<u8>,
        target: nix::unistd::Pid,
        stopped: &std::sync::Mutex<Option<Blocked>>,
    ) -> Step {
        if now < self.next_idle {
            return Step::Open;
        }
        self.quiet += 1;
        self.next_idle = now + IDLE;
        self.filter.idle(self.quiet >= IDLE_ALL, out);
        if !self.flush(out) || self.blocked(target, stopped) {
            return Step::Done;
        }
        Step::Open
    }
}

/// Relays filtered streams on one thread of its own: it waits for any of them with
/// `poll`, filters what arrives and writes it out, and releases held text after
/// [`IDLE`] of quiet. Most commands print little, and a thread costs tens of
/// microseconds to start, so two streams cost one thread instead of four. A stream
/// whose reads come back full (output in bulk) is handed to [`pump`], whose reader
/// thread overlaps reading with filtering.
fn relay(
    mut streams: Vec<Relayed>,
    target: nix::unistd::Pid,
    stopped: std::sync::Arc<std::sync::Mutex<Option<Blocked>>>,
) -> std::thread::JoinHandle<()> {
    use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
    use std::os::fd::AsFd;
    std::thread::spawn(move || {
        // Most commands print a few lines: they are read into a small buffer on the
        // stack, and a full chunk's buffer is made only when a read fills it. (A fresh
        // 64 KiB buffer costs sixteen page faults to zero, at every command.)
        let mut small = [0; FIRST];
        let mut big = Vec::new();
        let mut out = Vec::with_capacity(CHUNK + 256);
        let mut bulk = Vec::new();
        while !streams.is_empty() {
            let now = std::time::Instant::now();
            let wait = streams.iter().map(|s| s.next_idle.saturating_duration_since(now)).min().unwrap_or(IDLE);
            // Rounded up: poll counts milliseconds.
            let ms = u16::try_from(wait.as_micros().div_ceil(1000)).unwrap_or(u16::MAX);
            let ready: Vec<bool> = {
                let mut fds: Vec<PollFd<'_>> =
                    streams.iter().map(|s| PollFd::new(s.from.as_fd(), PollFlags::POLLIN)).collect();
                match poll(&mut fds, PollTimeout::from(ms)) {
                    Ok(_) => fds.iter().map(|f| f.revents().is_some_and(|r| !r.is_empty())).collect(),
                    Err(nix::errno::Errno::EINTR) => vec![false; fds.len()],
                    // Cannot happen with valid descriptors: reading tells what is wrong.
                    Err(_) => vec![true; fds.len()],
                }
            };
            let now = std::time::Instant::now();
            let mut kept = Vec::with_capacity(streams.len());
            for (mut s, ready) in streams.drain(..).zip(ready) {
                let step = if !ready {
                    s.idle(now, &mut out, target, &stopped)
                } else if big.is_empty() {
                    s.read(&mut small, &mut out, target, &stopped)
                } else {
                    s.read(&mut big, &mut out, target, &stopped)
                };
                match step {
                    Step::Open => kept.push(s),
                    Step::Bulk if big.is_empty() => {
                        big = vec![0; CHUNK];
                        kept.push(s);
                    }
                    Step::Done => {}
                    Step::Bulk => bulk.push(pump(s.from, s.filter, s.to, target, stopped.clone())),
                }
            }
            streams = kept;
        }
        for b in bulk {
            let _ = b.join();
        }
    })
}

/// Relays `from` through `filter` to `to`, on two threads of its own: one reads the
/// pipe, the other filters and writes, so that reading (a system call that copies and
/// wakes the command) overlaps filtering. Memory stays bounded: at most [`AHEAD`]
/// chunks wait between them, and their buffers are reused. When the filter blocks,
/// the command is ended (`SIGTERM` to `target`) and the pipe closed (at the reader's
/// next chunk); when `to` cannot be written (the reader went away), the same, so the
/// command sees the broken pipe it would have seen.
fn pump<R, W>(
    from: R,
    mut filter: Stream,
    to: W,
    target: nix::unistd::Pid,
    stopped: std::sync::Arc<std::sync::Mutex<Option<Blocked>>>,
) -> std::thread::JoinHandle<()>
where
    R: std::io::Read + Send + 'static,
    W: std::io::Write + Send + 'static,
{
    use std::sync::mpsc::{channel, sync_channel, RecvTimeoutError};
    // A chunk is a whole buffer and the length read into it: buffers keep their
    // length, so reusing one writes nothing before the next read.
    let (full, filled) = sync_channel::<(Vec<u8>, usize)>(AHEAD);
    let (spare, spares) = channel::<Vec<u8>>();
    let reader = std::thread::spawn(move || {
        let mut from = from;
        loop {
            let mut buf = spares.try_recv().unwrap_or_else(|_| vec![0; CHUNK]);
            match from.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    // The filter is gone (blocked, or its output closed): close the pipe.
                    if full.send((buf, n)).is_err() {
                        break;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
    });
    std::thread::spawn(move || {
        let mut to = to;
        let mut out = Vec::with_capacity(CHUNK + 256);
        let mut quiet = 0u32;
        loop {
            match filled.recv_timeout(IDLE) {
                Ok((chunk, n)) => {
                    quiet = 0;
                    filter.push(&chunk[..n], &mut out);
                    let _ = spare.send(chunk);
                }
                Err(RecvTimeoutError::Timeout) => {
                    quiet += 1;
                    filter.idle(quiet >= IDLE_ALL, &mut out);
                }
                Err(RecvTimeoutError::Disconnected) => break,
            }
            if !out.is_empty() {
                if to.write_all(&out).and_then(|()| to.flush()).is_err() {
                    return;
                }
                out.clear();
            }
            if let Some(b) = filter.blocked() {
                if let Ok(mut s) = stopped.lock() {
                    *s = Some(b.clone());
                }
                let _ = nix::sys::signal::kill(target, nix::sys::signal::Signal::SIGTERM);
                return;
            }
        }
        let _ = reader.join();
        filter.finish(&mut out);
        let _ = to.write_all(&out).and_then(|()| to.flush());
    })
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
