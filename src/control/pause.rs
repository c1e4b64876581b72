//! Pause: `tako-exec pause [--reason TEXT]` stops every command in the workspace
//! (denied, exit 126, with the reason and how to resume) until `tako-exec resume`.
//! Both are operator commands run at a terminal.
//!
//! The state is `.tako/pause.json`. Pausing only ever tightens, so the file is not
//! signed; removing it is resuming, which the guards refuse to agents (`.tako/` is a
//! protected path, and `tako-exec resume` is an operator command, see guard TK001).

use serde::{Deserialize, Serialize};

use super::{write_atomic, Plane, PlaneError};

const FILE: &str = "pause.json";

/// A pause in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    /// Why (may be empty).
    pub reason: String,
    /// Who paused (login name).
    pub by: String,
    /// Since when (UTC).
    pub since: String,
}

/// The pause in force, if any. A pause file that cannot be parsed still pauses (fail
/// closed), with its reason unknown.
#[must_use]
pub fn current(plane: &Plane) -> Option<Pause> {
    let bytes = std::fs::read(plane.path(FILE)).ok()?;
    Some(serde_json::from_slice(&bytes).unwrap_or_else(|_| Pause {
        reason: "(the pause file is damaged)".into(),
        by: "?".into(),
        since: "?".into(),
    }))
}

/// Pauses the workspace.
///
/// # Errors
/// When the state cannot be written.
pub fn pause(plane: &Plane, reason: &str) -> Result<Pause, PlaneError> {
    let _lock = plane.lock()?;
    let p = Pause {
        reason: reason.to_string(),
        by: plane.operator.name.clone(),
        since: crate::config::grant::utc(std::time::SystemTime::now()),
    };
    let path = plane.path(FILE);
    write_atomic(&path, &serde_json::to_vec(&p).expect("a pause serializes")).map_err(|source| PlaneError::Io {
        what: "cannot write",
        path,
        source,
    })?;
    Ok(p)
}

/// Resumes; returns the pause lifted, if there was one.
///
/// # Errors
/// When the state cannot be removed.
pub fn resume(plane: &Plane) -> Result<Option<Pause>, PlaneError> {
    let _lock = plane.lock()?;
    let was = current(plane);
    let path = plane.path(FILE);
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(was),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(PlaneError::Io { what: "cannot remove", path, source }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pause_and_resume() {
        let ws = tempfile::tempdir().expect("tempdir");
        let (p, _) = Plane::init(ws.path(), false).expect("init");
        assert_eq!(current(&p), None);
        let made = pause(&p, "lunch").expect("pause");
        assert_eq!(current(&p), Some(made.clone()));
        assert_eq!(made.by, p.operator.name);
        assert_eq!(resume(&p).expect("resume"), Some(made));
        assert_eq!(current(&p), None);
        assert_eq!(resume(&p).expect("resume again"), None);
        std::fs::write(p.path(FILE), "garbage").expect("write");
        assert!(current(&p).is_some_and(|x| x.reason.contains("damaged")), "a damaged pause still pauses");
    }
}
