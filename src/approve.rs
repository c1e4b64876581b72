//! Asking the operator: an `ask` decision becomes a question on the controlling
//! terminal, answered `y` to run, `a` to run and remember the approval (a grant that
//! expires), anything else (or nothing, within the timeout) not to.
//!
//! The question goes to `/dev/tty`, never to the command's standard streams: the
//! agent writes the child's stdin and reads its stdout, so an answer read there could
//! come from the agent. Approval never comes from arguments or environment variables
//! either. Pending type-ahead is discarded before the question is shown, so keys
//! pressed earlier (or injected into the terminal's input queue before the prompt)
//! cannot answer it. No terminal means no approval: the caller turns that into a deny.

use std::io::{Read, Write};
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};

/// How long the operator has to answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The longest answer line read.
const MAX_ANSWER: usize = 64;

/// The operator's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Run it.
    Yes,
    /// Run it, and remember the approval for this exact command (a grant with an
    /// expiry, in the operator's policy file).
    Always,
    /// Do not run it (an explicit no, an empty line, end of input, Ctrl-C).
    No,
    /// Nobody answered in time.
    Timeout,
    /// There is no terminal to ask on.
    NoTerminal(String),
}

/// Asks on the controlling terminal.
#[must_use]
pub fn ask(prompt: &str, timeout: Duration) -> Answer {
    let tty = match std::fs::OpenOptions::new().read(true).write(true).open("/dev/tty") {
        Ok(t) => t,
        Err(_) => return Answer::NoTerminal("no controlling terminal".into()),
    };
    // Discard type-ahead: only keys pressed after the question is shown count.
    let _ = nix::sys::termios::tcflush(tty.as_fd(), nix::sys::termios::FlushArg::TCIFLUSH);
    let mut tty = tty;
    converse(&mut tty, prompt, timeout)
}

/// Shows `prompt` on `tty` and reads one answer line within `timeout`.
pub fn converse<T: Read + Write + AsFd>(tty: &mut T, prompt: &str, timeout: Duration) -> Answer {
    if tty.write_all(prompt.as_bytes()).and_then(|()| tty.flush()).is_err() {
        return Answer::NoTerminal("the terminal cannot be written".into());
    }
    let deadline = Instant::now() + timeout;
    let mut line = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            let _ = tty.write_all(b"\r\ntako-exec: no answer, not running it\r\n");
            return Answer::Timeout;
        }
        let ms = u16::try_from(left.as_millis().min(u128::from(u16::MAX))).unwrap_or(u16::MAX);
        let mut fds = [PollFd::new(tty.as_fd(), PollFlags::POLLIN)];
        match poll(&mut fds, PollTimeout::from(ms)) {
            Ok(0) => continue,
            Ok(_) => {}
            Err(nix::errno::Errno::EINTR) => continue,
            Err(_) => return Answer::No,
        }
        let mut buf = [0u8; 64];
        let n = match tty.read(&mut buf) {
            Ok(0) | Err(_) => return Answer::No,
            Ok(n) => n,
        };
        for &b in &buf[..n] {
            match b {
                b'\n' | b'\r' => return interpret(&line),
                // Ctrl-C, Ctrl-D, Escape in raw mode.
                0x03 | 0x04 | 0x1b => return Answer::No,
                _ if line.len() < MAX_ANSWER => line.push(b),
                _ => return Answer::No,
            }
        }
    }
}

fn interpret(line: &[u8]) -> Answer {
    let s = String::from_utf8_lossy(line);
    match s.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Answer::Yes,
        "a" | "always" => Answer::Always,
        _ => Answer::No,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::net::UnixStream;

    fn answer(input: &[u8], timeout: Duration) -> (Answer, String) {
        let (mut ours, mut theirs) = UnixStream::pair().unwrap();
        theirs.write_all(input).unwrap();
        let a = converse(&mut ours, "Run it? ", timeout);
        drop(ours);
        let mut shown = String::new();
        // Unread input left in our end resets the connection; what was shown is read.
        let _ = theirs.read_to_string(&mut shown);
        (a, shown)
    }

    #[test]
    fn yes_only_on_y() {
        assert_eq!(answer(b"y\n", DEFAULT_TIMEOUT).0, Answer::Yes);
        assert_eq!(answer(b"YES\r", DEFAULT_TIMEOUT).0, Answer::Yes);
        assert_eq!(answer(b"\n", DEFAULT_TIMEOUT).0, Answer::No);
        assert_eq!(answer(b"n\n", DEFAULT_TIMEOUT).0, Answer::No);
        assert_eq!(answer(b"yeah sure\n", DEFAULT_TIMEOUT).0, Answer::No);
        assert_eq!(answer(b"\x03", DEFAULT_TIMEOUT).0, Answer::No);
        assert_eq!(answer(&[b'y'; 200], DEFAULT_TIMEOUT).0, Answer::No);
        assert_eq!(answer(b"a\n", DEFAULT_TIMEOUT).0, Answer::Always);
        assert_eq!(answer(b"Always\r", DEFAULT_TIMEOUT).0, Answer::Always);
        assert_eq!(answer(b"all\n", DEFAULT_TIMEOUT).0, Answer::No);
    }

    #[test]
    fn prompt_is_shown() {
        assert!(answer(b"n\n", DEFAULT_TIMEOUT).1.starts_with("Run it? "));
    }

    #[test]
    fn silence_times_out() {
        let (a, shown) = answer(b"", Duration::from_millis(50));
        assert_eq!(a, Answer::Timeout);
        assert!(shown.contains("no answer"));
        // A partial line without Enter is not an answer either.
        assert_eq!(answer(b"y", Duration::from_millis(50)).0, Answer::Timeout);
    }
}
