//! Approvals without a terminal: an `ask` that cannot be put to the operator on a
//! terminal becomes a request in `.tako/queue/`, and the asking process waits (up to
//! `[control] approval_wait` seconds) for the operator to decide with `tako-exec approve
//! ID` or `tako-exec deny ID` at a terminal.
//!
//! ```text
//! .tako/queue/<id>.json       the request (written by the asking process)
//! .tako/queue/<id>.decision   the operator's decision, signed with the operator key
//! ```
//!
//! Invariants:
//! - A decision counts only with the operator key's signature over the request's id,
//!   the SHA-256 of the request file and the decision: it cannot be forged without the
//!   key, nor moved to another request. A decision that does not verify denies.
//! - The queue is bounded ([`submit`] refuses past `max_pending` live requests: the
//!   command is denied at once) and every request expires; an expired request is a deny.
//! - Requests of processes that died, or past their expiry, are removed when the queue
//!   is listed or a request is added.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::key::{hex, sha256_hex, Domain};
use super::{write_atomic, Plane, PlaneError};

/// One reason a command needs approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asked {
    /// Guard code or rule id.
    pub code: String,
    /// The policy layer.
    pub layer: String,
    /// Why.
    pub message: String,
}

/// A queued request for approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// Its id (8 hex digits).
    pub id: String,
    /// When it was made (UTC).
    pub created: String,
    /// When it expires (seconds since the epoch).
    pub expires: u64,
    /// The waiting process.
    pub pid: u32,
    /// Where the command would run.
    pub cwd: String,
    /// The command, as the agent sent it (sanitize before showing).
    pub command: String,
    /// Why it needs approval.
    pub reasons: Vec<Asked>,
}

/// What became of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The operator approved it.
    Approved {
        /// Who (the operator's login name).
        by: String,
    },
    /// The operator denied it.
    Denied {
        /// Who.
        by: String,
    },
    /// Nobody decided before it expired.
    TimedOut,
    /// A decision file was there but not signed by the operator key.
    Forged,
}

/// Why a decision could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    /// No live request has that id.
    #[error("no pending request {0:?}; `tako-exec approvals` lists them")]
    NoSuch(String),
    /// The control plane failed.
    #[error(transparent)]
    Plane(#[from] PlaneError),
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn dir(plane: &Plane) -> PathBuf {
    plane.path("queue")
}

fn io(path: PathBuf) -> impl FnOnce(std::io::Error) -> PlaneError {
    move |source| PlaneError::Io { what: "cannot write", path, source }
}

fn alive(pid: u32) -> bool {
    let Ok(pid) = i32::try_from(pid) else { return false };
    match nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None) {
        Ok(()) => true,
        Err(e) => e == nix::errno::Errno::EPERM,
    }
}

/// The live requests, oldest first; removes dead and expired ones.
#[must_use]
pub fn pending(plane: &Plane) -> Vec<Request> {
    let now = now_secs();
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir(plane)) else { return out };
    for e in entries.flatten() {
        let path = e.path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let req = std::fs::read(&path).ok().and_then(|b| serde_json::from_slice::<Request>(&b).ok());
        match req {
            Some(r) if r.expires > now && alive(r.pid) && path.file_stem().is_some_and(|s| *s == *r.id) => out.push(r),
            _ => {
                let _ = std::fs::remove_file(&path);
                let _ = std::fs::remove_file(path.with_extension("decision"));
            }
        }
    }
    out.sort_by(|a, b| (&a.created, &a.id).cmp(&(&b.created, &b.id)));
    out
}

/// Queues a request for `command`, waiting at most `wait`; `Ok(None)` when the queue
/// already holds `max_pending` live requests (deny at once).
///
/// # Errors
/// When the request cannot be written (the caller denies: fail closed).
pub fn submit(
    plane: &Plane,
    cwd: &str,
    command: &str,
    reasons: Vec<Asked>,
    wait: Duration,
    max_pending: u64,
) -> Result<Option<Request>, PlaneError> {
    let _lock = plane.lock()?;
    let d = dir(plane);
    super::mkdir(&d)?;
    if pending(plane).len() as u64 >= max_pending {
        return Ok(None);
    }
    let mut id = [0u8; 4];
    getrandom::fill(&mut id).map_err(|e| io(d.clone())(std::io::Error::other(e.to_string())))?;
    let req = Request {
        id: hex(&id),
        created: crate::config::grant::utc(SystemTime::now()),
        expires: now_secs() + wait.as_secs().max(1),
        pid: std::process::id(),
        cwd: cwd.to_string(),
        command: command.to_string(),
        reasons,
    };
    let path = d.join(format!("{}.json", req.id));
    let bytes = serde_json::to_vec(&req).expect("a request serializes");
    write_atomic(&path, &bytes).map_err(io(path))?;
    Ok(Some(req))
}

#[derive(Serialize, Deserialize)]
struct Decision {
    id: String,
    approve: bool,
    by: String,
    time: String,
    mac: String,
}

fn payload(id: &str, request: &[u8], approve: bool, by: &str) -> Vec<u8> {
    format!("{id}\0{}\0{approve}\0{by}", sha256_hex(request)).into_bytes()
}

/// Records the operator's decision on request `id`, signed.
///
/// # Errors
/// No live request has that id, or the decision cannot be written.
pub fn decide(plane: &Plane, id: &str, approve: bool) -> Result<Request, DecideError> {
    let _lock = plane.lock()?;
    let live = pending(plane);
    let req = live.into_iter().find(|r| r.id == id).ok_or_else(|| DecideError::NoSuch(id.to_string()))?;
    let path = dir(plane).join(format!("{id}.json"));
    let bytes = std::fs::read(&path).map_err(|_| DecideError::NoSuch(id.to_string()))?;
    let by = plane.operator.name.clone();
    let mac = plane.key().sign(Domain::Approval, &payload(id, &bytes, approve, &by));
    let d = Decision { id: id.to_string(), approve, by, time: crate::config::grant::utc(SystemTime::now()), mac };
    let out = path.with_extension("decision");
    write_atomic(&out, &serde_json::to_vec(&d).expect("a decision serializes")).map_err(io(out))?;
    Ok(req)
}

/// Waits for the operator's decision on `req` (polling every `poll`) until it
/// expires, then removes it from the queue.
#[must_use]
pub fn wait(plane: &Plane, req: &Request, poll: Duration) -> Verdict {
    let path = dir(plane).join(format!("{}.json", req.id));
    let decision = path.with_extension("decision");
    let verdict = loop {
        if let Ok(b) = std::fs::read(&decision) {
            let request = std::fs::read(&path).unwrap_or_default();
            break match serde_json::from_slice::<Decision>(&b) {
                Ok(d)
                    if d.id == req.id
                        && plane.key().verify(
                            Domain::Approval,
                            &payload(&d.id, &request, d.approve, &d.by),
                            &d.mac,
                        ) =>
                {
                    if d.approve {
                        Verdict::Approved { by: d.by }
                    } else {
                        Verdict::Denied { by: d.by }
                    }
                }
                _ => Verdict::Forged,
            };
        }
        if now_secs() >= req.expires {
            break Verdict::TimedOut;
        }
        std::thread::sleep(poll);
    };
    let _ = std::fs::remove_file(&decision);
    let _ = std::fs::remove_file(&path);
    verdict
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked() -> Vec<Asked> {
        vec![Asked { code: "GT001".into(), layer: "guard".into(), message: "discards changes".into() }]
    }

    #[test]
    fn approve_deny_and_forgery() {
        let ws = tempfile::tempdir().expect("tempdir");
        let (p, _) = Plane::init(ws.path(), false).expect("init");
        let wait_for = Duration::from_secs(30);
        let r = submit(&p, "/w", "git reset --hard", asked(), wait_for, 8).expect("submit").expect("room");
        assert_eq!(pending(&p), vec![r.clone()]);
        decide(&p, &r.id, true).expect("approve");
        assert_eq!(wait(&p, &r, Duration::from_millis(10)), Verdict::Approved { by: p.operator.name.clone() });
        assert!(pending(&p).is_empty(), "removed once decided");

        let r = submit(&p, "/w", "git reset --hard", asked(), wait_for, 8).expect("submit").expect("room");
        decide(&p, &r.id, false).expect("deny");
        assert!(matches!(wait(&p, &r, Duration::from_millis(10)), Verdict::Denied { .. }));

        // A decision written by someone without the key denies.
        let r = submit(&p, "/w", "git reset --hard", asked(), wait_for, 8).expect("submit").expect("room");
        let forged = format!(
            "{{\"id\":\"{}\",\"approve\":true,\"by\":\"{}\",\"time\":\"x\",\"mac\":\"{}\"}}",
            r.id,
            p.operator.name,
            "0".repeat(64)
        );
        std::fs::write(dir(&p).join(format!("{}.decision", r.id)), forged).expect("write");
        assert_eq!(wait(&p, &r, Duration::from_millis(10)), Verdict::Forged);

        // A genuine decision moved onto another request does not verify.
        let a = submit(&p, "/w", "echo a", asked(), wait_for, 8).expect("submit").expect("room");
        let b = submit(&p, "/w", "git reset --hard", asked(), wait_for, 8).expect("submit").expect("room");
        decide(&p, &a.id, true).expect("approve a");
        let moved =
            std::fs::read_to_string(dir(&p).join(format!("{}.decision", a.id))).expect("read").replace(&a.id, &b.id);
        std::fs::write(dir(&p).join(format!("{}.decision", b.id)), moved).expect("write");
        assert_eq!(wait(&p, &b, Duration::from_millis(10)), Verdict::Forged);
        assert!(matches!(decide(&p, "nope", true), Err(DecideError::NoSuch(_))));
    }

    #[test]
    fn timeout_and_backpressure() {
        let ws = tempfile::tempdir().expect("tempdir");
        let (p, _) = Plane::init(ws.path(), false).expect("init");
        let mut r = submit(&p, "/w", "x", asked(), Duration::from_secs(60), 2).expect("submit").expect("room");
        let _second = submit(&p, "/w", "y", asked(), Duration::from_secs(60), 2).expect("submit").expect("room");
        assert!(submit(&p, "/w", "z", asked(), Duration::from_secs(60), 2).expect("submit").is_none(), "full");
        // Expiry: the request is past its time, so waiting ends in a deny at once.
        r.expires = now_secs() - 1;
        assert_eq!(wait(&p, &r, Duration::from_millis(10)), Verdict::TimedOut);
        assert_eq!(pending(&p).len(), 1, "the expired request left the queue");
        assert!(submit(&p, "/w", "z", asked(), Duration::from_secs(60), 2).expect("submit").is_some());
    }

    #[test]
    fn stale_requests_are_pruned() {
        let ws = tempfile::tempdir().expect("tempdir");
        let (p, _) = Plane::init(ws.path(), false).expect("init");
        let r = submit(&p, "/w", "x", asked(), Duration::from_secs(60), 8).expect("submit").expect("room");
        let path = dir(&p).join(format!("{}.json", r.id));
        let mut dead = r.clone();
        dead.pid = u32::try_from(i32::MAX).expect("fits");
        std::fs::write(&path, serde_json::to_vec(&dead).expect("json")).expect("write");
        std::fs::write(dir(&p).join("garbage.json"), "{").expect("write");
        assert!(pending(&p).is_empty());
        assert!(!path.exists() && !dir(&p).join("garbage.json").exists());
    }
}
