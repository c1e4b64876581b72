//! The command budget: at most `[control] commands_per_minute` and
//! `commands_per_hour` commands in a workspace, counted in fixed windows (the current
//! minute and hour of the clock). At 85% of either a warning goes to stderr; at 100%
//! commands are denied until the window ends. This stops runaway agent loops.
//!
//! Every command judged counts, denied ones too: a loop that keeps retrying stays
//! stopped until its window ends. The counters live in `.tako/budget.json`, rewritten
//! in place (one fixed-length `pwrite`, no `fsync`: counters lost in an OS crash only
//! restart a window) under `.tako/locks/budget.lock`, so concurrent runs count exactly.
//! A counter file that cannot be parsed restarts the count (the audit log still holds
//! every command); one that cannot be written is an error (fail closed).

use serde::{Deserialize, Serialize};

use std::os::unix::fs::{FileExt, OpenOptionsExt};

use super::{Lock, Plane, PlaneError};

/// The counters' line is padded to this length, so a rewrite in place never leaves
/// the tail of a longer one behind.
const LEN: usize = 128;

/// The fraction of a limit at which a warning is given, in percent.
pub const WARN_PERCENT: u64 = 85;

#[derive(Debug, Default, Serialize, Deserialize)]
struct Counters {
    minute: u64,
    in_minute: u64,
    hour: u64,
    in_hour: u64,
}

/// Which window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// The current minute.
    Minute,
    /// The current hour.
    Hour,
}

impl Window {
    /// `minute` or `hour`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Minute => "minute",
            Self::Hour => "hour",
        }
    }
}

/// The state of the budget after counting a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charge {
    /// Well within.
    Fine,
    /// Past [`WARN_PERCENT`] of a window's limit.
    Warn {
        /// Which window.
        window: Window,
        /// Commands counted in it, this one included.
        used: u64,
        /// Its limit.
        limit: u64,
    },
    /// Over a window's limit: deny.
    Exhausted {
        /// Which window.
        window: Window,
        /// Its limit.
        limit: u64,
        /// Seconds until the window ends.
        resets_in: u64,
    },
}

/// Counts one command at `now` (seconds since the epoch) against the limits.
///
/// # Errors
/// When the counters cannot be locked or written.
pub fn charge(plane: &Plane, per_minute: u64, per_hour: u64, now: u64) -> Result<Charge, PlaneError> {
    let lock_path = plane.path("locks/budget.lock");
    let _lock = Lock::exclusive(&lock_path).map_err(|source| PlaneError::Io {
        what: "cannot lock",
        path: lock_path.clone(),
        source,
    })?;
    let path = plane.path("budget.json");
    let io = |source| PlaneError::Io { what: "cannot write", path: path.clone(), source };
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(&path)
        .map_err(io)?;
    let mut buf = [0u8; LEN];
    let n = file.read_at(&mut buf, 0).map_err(io)?;
    let text = std::str::from_utf8(&buf[..n]).unwrap_or("").trim_end();
    let mut c: Counters = serde_json::from_str(text).unwrap_or_default();
    let (minute, hour) = (now / 60, now / 3600);
    if c.minute != minute {
        (c.minute, c.in_minute) = (minute, 0);
    }
    if c.hour != hour {
        (c.hour, c.in_hour) = (hour, 0);
    }
    c.in_minute = c.in_minute.saturating_add(1);
    c.in_hour = c.in_hour.saturating_add(1);
    let mut line = serde_json::to_vec(&c).expect("counters serialize");
    line.resize(LEN - 1, b' ');
    line.push(b'\n');
    file.write_all_at(&line, 0).map_err(io)?;
    let windows = [
        (Window::Minute, c.in_minute, per_minute, 60 - now % 60),
        (Window::Hour, c.in_hour, per_hour, 3600 - now % 3600),
    ];
    for (window, used, limit, resets_in) in windows {
        if used > limit {
            return Ok(Charge::Exhausted { window, limit, resets_in });
        }
    }
    for (window, used, limit, _) in windows {
        if used.saturating_mul(100) >= limit.saturating_mul(WARN_PERCENT) {
            return Ok(Charge::Warn { window, used, limit });
        }
    }
    Ok(Charge::Fine)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warns_at_85_percent_denies_past_the_limit_and_resets() {
        let ws = tempfile::tempdir().expect("tempdir");
        let (p, _) = Plane::init(ws.path(), false).expect("init");
        let t = 1_800_000_005; // 5 s into an hour (1_800_000_000 is a multiple of 3600)
        let got: Vec<Charge> = (0..21).map(|_| charge(&p, 20, 1000, t).expect("charge")).collect();
        assert!(got[..16].iter().all(|c| *c == Charge::Fine), "{got:?}");
        assert_eq!(got[16], Charge::Warn { window: Window::Minute, used: 17, limit: 20 });
        assert_eq!(got[19], Charge::Warn { window: Window::Minute, used: 20, limit: 20 });
        assert_eq!(got[20], Charge::Exhausted { window: Window::Minute, limit: 20, resets_in: 55 });
        // Still exhausted within the minute; a new minute starts a new count.
        assert!(matches!(charge(&p, 20, 1000, t + 54).expect("charge"), Charge::Exhausted { .. }));
        assert_eq!(charge(&p, 20, 1000, t + 60).expect("charge"), Charge::Fine);
        // The hour keeps counting across minutes: this is its 24th command.
        assert_eq!(
            charge(&p, 20, 23, t + 120).expect("charge"),
            Charge::Exhausted { window: Window::Hour, limit: 23, resets_in: 3600 - 125 }
        );
    }

    #[test]
    fn concurrent_charges_are_counted_exactly() {
        let ws = tempfile::tempdir().expect("tempdir");
        let (p, _) = Plane::init(ws.path(), false).expect("init");
        let t = 1_800_000_000; // the start of an hour
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let p = p.clone();
                std::thread::spawn(move || {
                    for _ in 0..25 {
                        charge(&p, 1000, 1000, t).expect("charge");
                    }
                })
            })
            .collect();
        for th in threads {
            th.join().expect("join");
        }
        // 100 counted: the 101st is the first over a limit of 100.
        assert_eq!(
            charge(&p, 100, 1000, t).expect("charge"),
            Charge::Exhausted { window: Window::Minute, limit: 100, resets_in: 60 }
        );
    }
}
