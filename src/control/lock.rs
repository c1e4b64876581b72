//! Advisory locks (`flock`) that serialize writers of the control plane across
//! processes. A lock is held until the [`Lock`] is dropped (or the process dies: the
//! kernel releases it, so a crashed run never leaves `.tako/` locked).

use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use nix::fcntl::{Flock, FlockArg};

/// An exclusive lock on a file, released on drop.
#[derive(Debug)]
pub struct Lock {
    _held: Flock<std::fs::File>,
}

impl Lock {
    /// Waits for an exclusive lock on `path` (created with mode 0600 if missing).
    ///
    /// # Errors
    /// When the file cannot be opened or locked.
    pub fn exclusive(path: &Path) -> std::io::Result<Self> {
        let f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .custom_flags(nix::libc::O_CLOEXEC)
            .open(path)?;
        let held = Flock::lock(f, FlockArg::LockExclusive).map_err(|(_, e)| std::io::Error::from(e))?;
        Ok(Self { _held: held })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_waits_for_the_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("l");
        let first = Lock::exclusive(&p).expect("lock");
        let (tx, rx) = std::sync::mpsc::channel();
        let p2 = p.clone();
        let t = std::thread::spawn(move || {
            let _second = Lock::exclusive(&p2).expect("lock");
            tx.send(()).expect("send");
        });
        // While the first is held the second cannot be taken…
        assert!(rx.recv_timeout(std::time::Duration::from_millis(200)).is_err());
        drop(first);
        // …and once it is released, it is.
        rx.recv_timeout(std::time::Duration::from_secs(10)).expect("second lock after release");
        t.join().expect("join");
    }
}
