//! What the operator accepted: `.tako/accepted.json` holds the SHA-256 of each file the
//! operator vouched for (`.tako/policy.toml` through `tako-exec policy accept`, git
//! hooks through `hooks install`), signed with the operator key.
//!
//! On use, a file whose hash is not the accepted one was changed by someone else (or
//! never accepted): the caller does not use it, falls back to the stricter built-in
//! layer, and says so on every run until the operator accepts it again. A record whose
//! signature does not verify is treated as empty (nothing is accepted), never trusted.
//!
//! ```json
//! {"files":{".tako/policy.toml":"<sha-256 hex>"},"mac":"<hmac hex>"}
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::key::{sha256_hex, Domain};
use super::{write_atomic, Plane, PlaneError};

/// The file name inside `.tako/`.
pub const FILE: &str = "accepted.json";

/// Whether a file is the one the operator accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Its content is what the operator accepted.
    Accepted,
    /// The operator accepted another content: it was changed since.
    Changed,
    /// The operator never accepted it.
    Never,
    /// The record of accepted files is not signed by the operator key (it was edited,
    /// or the key was replaced): nothing in it can be trusted.
    Forged,
}

impl Verdict {
    /// What to tell the operator when a file is not used, for a file shown as `shown`.
    #[must_use]
    pub fn explain(self, shown: &str, accept: &str) -> String {
        match self {
            Self::Accepted => format!("{shown} is accepted"),
            Self::Changed => format!(
                "{shown} changed since the operator accepted it, so it is not used; if you made the change, run `{accept}` at a terminal"
            ),
            Self::Never => format!("{shown} is not used until the operator accepts it: run `{accept}` at a terminal"),
            Self::Forged => format!(
                ".tako/{FILE} is not signed by this workspace's operator key, so {shown} is not used; run `{accept}` at a terminal"
            ),
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Record {
    files: BTreeMap<String, String>,
    #[serde(default)]
    mac: String,
}

fn payload(files: &BTreeMap<String, String>) -> Vec<u8> {
    serde_json::to_vec(files).expect("a map of strings serializes")
}

/// The signed record, or `None` when it exists but does not verify.
fn read(plane: &Plane) -> Option<BTreeMap<String, String>> {
    let Ok(bytes) = std::fs::read(plane.path(FILE)) else { return Some(BTreeMap::new()) };
    let rec: Record = serde_json::from_slice(&bytes).ok()?;
    plane.key().verify(Domain::Accepted, &payload(&rec.files), &rec.mac).then_some(rec.files)
}

/// Whether `content` is what the operator accepted under `name`.
#[must_use]
pub fn verdict(plane: &Plane, name: &str, content: &[u8]) -> Verdict {
    match read(plane) {
        None => Verdict::Forged,
        Some(files) => match files.get(name) {
            None => Verdict::Never,
            Some(h) if *h == sha256_hex(content) => Verdict::Accepted,
            Some(_) => Verdict::Changed,
        },
    }
}

/// The names recorded under `prefix` (`hook:`), with their SHA-256; `None` when the
/// record exists but does not verify (nothing in it can be trusted). Cheap when nothing
/// is recorded under `prefix`: a record whose text does not hold `"PREFIX` is neither
/// parsed nor verified, so a caller on every command pays one small read.
#[must_use]
pub fn recorded(plane: &Plane, prefix: &str) -> Option<Vec<(String, String)>> {
    let Ok(bytes) = std::fs::read(plane.path(FILE)) else { return Some(Vec::new()) };
    let needle = format!("\"{prefix}");
    if !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
        return Some(Vec::new());
    }
    let rec: Record = serde_json::from_slice(&bytes).ok()?;
    if !plane.key().verify(Domain::Accepted, &payload(&rec.files), &rec.mac) {
        return None;
    }
    Some(rec.files.into_iter().filter(|(name, _)| name.starts_with(prefix)).collect())
}

/// Records `content` as accepted under `name` (`None` forgets it), under the control
/// plane's lock. A forged record is replaced by one holding only this entry.
///
/// # Errors
/// When the lock cannot be taken or the record cannot be written.
pub fn accept(plane: &Plane, name: &str, content: Option<&[u8]>) -> Result<(), PlaneError> {
    let _lock = plane.lock()?;
    let mut files = read(plane).unwrap_or_default();
    match content {
        Some(c) => files.insert(name.to_string(), sha256_hex(c)),
        None => files.remove(name),
    };
    let mac = plane.key().sign(Domain::Accepted, &payload(&files));
    let bytes = serde_json::to_vec_pretty(&Record { files, mac }).expect("a record serializes");
    let path = plane.path(FILE);
    write_atomic(&path, &bytes).map_err(|source| PlaneError::Io { what: "cannot write", path, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_changed_never_forged() {
        let ws = tempfile::tempdir().expect("tempdir");
        let (p, _) = Plane::init(ws.path(), false).expect("init");
        assert_eq!(verdict(&p, "a", b"one"), Verdict::Never);
        accept(&p, "a", Some(b"one")).expect("accept");
        assert_eq!(verdict(&p, "a", b"one"), Verdict::Accepted);
        assert_eq!(verdict(&p, "a", b"two"), Verdict::Changed);
        assert_eq!(verdict(&p, "b", b"one"), Verdict::Never);
        accept(&p, "b", Some(b"x")).expect("accept b");
        assert_eq!(verdict(&p, "a", b"one"), Verdict::Accepted, "other entries kept");

        // Someone edits the record to vouch for their own content.
        let text = std::fs::read_to_string(p.path(FILE)).expect("read");
        let forged = text.replace(&sha256_hex(b"one"), &sha256_hex(b"evil"));
        std::fs::write(p.path(FILE), forged).expect("write");
        assert_eq!(verdict(&p, "a", b"evil"), Verdict::Forged);
        assert_eq!(verdict(&p, "a", b"one"), Verdict::Forged);
        std::fs::write(p.path(FILE), "not json").expect("write");
        assert_eq!(verdict(&p, "a", b"one"), Verdict::Forged);

        // Accepting again starts a fresh, signed record.
        accept(&p, "a", Some(b"one")).expect("accept");
        assert_eq!(verdict(&p, "a", b"one"), Verdict::Accepted);
        assert_eq!(verdict(&p, "b", b"x"), Verdict::Never);
        accept(&p, "a", None).expect("forget");
        assert_eq!(verdict(&p, "a", b"one"), Verdict::Never);
    }

    #[test]
    fn recorded_lists_one_prefix_and_refuses_forgeries() {
        let ws = tempfile::tempdir().expect("tempdir");
        let (p, _) = Plane::init(ws.path(), false).expect("init");
        assert_eq!(recorded(&p, "hook:"), Some(Vec::new()), "no record yet");
        accept(&p, ".tako/policy.toml", Some(b"x")).expect("accept");
        assert_eq!(recorded(&p, "hook:"), Some(Vec::new()));
        accept(&p, "hook:/r/.git/hooks/pre-push", Some(b"shim")).expect("accept");
        assert_eq!(recorded(&p, "hook:"), Some(vec![("hook:/r/.git/hooks/pre-push".to_string(), sha256_hex(b"shim"))]));
        let text = std::fs::read_to_string(p.path(FILE)).expect("read");
        std::fs::write(p.path(FILE), text.replace(&sha256_hex(b"shim"), &sha256_hex(b"evil"))).expect("write");
        assert_eq!(recorded(&p, "hook:"), None);
    }

    #[test]
    fn a_new_key_invalidates_every_acceptance() {
        let ws = tempfile::tempdir().expect("tempdir");
        let (p, _) = Plane::init(ws.path(), false).expect("init");
        accept(&p, "a", Some(b"one")).expect("accept");
        let (p2, _) = Plane::init(ws.path(), true).expect("re-imprint");
        assert_eq!(verdict(&p2, "a", b"one"), Verdict::Forged);
    }
}
