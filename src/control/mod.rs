//! The operator's control plane: the `.tako/` directory at the workspace root.
//!
//! ```text
//! .tako/                  0700, never tracked by git (see `tracked`)
//!   operator.json         who imprinted this workspace (name, uid, host, time, version)
//!   keys/operator.key     0600, the key that signs what only the operator produces
//!   locks/tako.lock       taken by every control-plane mutation
//!   policy.toml           the operator's policy (may loosen); used only while accepted
//!   accepted.json         SHA-256 of each file the operator accepted, signed
//!   audit.jsonl           the audit log: JSON Lines, hash-chained, each record signed (see `audit`)
//!   audit.<seq>.jsonl     rotated audit files, named by their first record's seq (20 digits)
//!   audit.head            the audit log's latest seq and hash, signed: a cut tail shows
//!   locks/audit.lock      serializes appends to the audit log
//!   queue/                approvals waiting for the operator (see `queue`)
//!   pause.json            the operator's pause (see `pause`)
//!   budget.json           the command budget's counters (see `budget`)
//!   archive/<time>/       a replaced key and the audit chain it signed (`init --force`)
//!   cache/tracked         the signed result of the tracked check (see `tracked`)
//! ```
//!
//! Invariants:
//! - A workspace without `.tako/operator.json` has no control plane: nothing is signed,
//!   and operator files that need a signature (`.tako/policy.toml`) are not used.
//! - A workspace with an imprint whose key cannot be read is an error, never a
//!   workspace without a control plane (fail closed).
//! - Mutations hold `locks/tako.lock` ([`Plane::lock`]); files are replaced by writing
//!   a temporary file and renaming it, so readers never see half a file.

pub mod accept;
pub mod audit;
pub mod budget;
pub mod key;
pub mod lock;
pub mod pause;
pub mod queue;
pub mod tracked;

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use key::{Domain, Key};
pub use lock::Lock;

/// The control plane's directory name at the workspace root.
pub const DIR: &str = ".tako";

/// Who imprinted a workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operator {
    /// Login name.
    pub name: String,
    /// Numeric user id.
    pub uid: u32,
    /// Host name.
    pub host: String,
    /// When the imprint was made (UTC).
    pub created: String,
    /// The tako-exec version that made it.
    pub version: String,
}

impl Operator {
    /// The user running this process, now.
    #[must_use]
    pub fn current() -> Self {
        let uid = nix::unistd::getuid();
        let name = crate::users::name_of(uid.as_raw())
            .or_else(|| std::env::var("USER").ok())
            .unwrap_or_else(|| uid.to_string());
        let host = nix::unistd::gethostname().ok().and_then(|h| h.into_string().ok()).unwrap_or_default();
        Self {
            name,
            uid: uid.as_raw(),
            host,
            created: crate::config::grant::utc(std::time::SystemTime::now()),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// An imprinted workspace's control plane.
#[derive(Debug, Clone)]
pub struct Plane {
    /// The `.tako` directory.
    pub dir: PathBuf,
    /// Who imprinted it.
    pub operator: Operator,
    key: Key,
}

/// Why a control plane could not be opened or made.
#[derive(Debug, thiserror::Error)]
pub enum PlaneError {
    /// A file of the control plane cannot be read or written.
    #[error("{what} {}: {source}", path.display())]
    Io {
        /// What was being done.
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// `operator.json` is not what tako-exec writes.
    #[error("{} is damaged ({}); move .tako aside and run `tako-exec init` again", .1.display(), .0)]
    Damaged(String, PathBuf),
}

impl PlaneError {
    fn io<'a>(what: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> Self + 'a {
        move |source| Self::Io { what, path: path.to_path_buf(), source }
    }
}

impl Plane {
    /// The control plane of `workspace`, if it was imprinted.
    ///
    /// # Errors
    /// When the imprint exists but it or the key cannot be read (fail closed).
    pub fn open(workspace: &Path) -> Result<Option<Self>, PlaneError> {
        let dir = workspace.join(DIR);
        let imprint = dir.join("operator.json");
        let text = match std::fs::read(&imprint) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(PlaneError::io("cannot read", &imprint)(e)),
        };
        let operator: Operator =
            serde_json::from_slice(&text).map_err(|e| PlaneError::Damaged(e.to_string(), imprint.clone()))?;
        let key_path = dir.join("keys").join("operator.key");
        let key = Key::load(&key_path).map_err(PlaneError::io("cannot read the operator key", &key_path))?;
        Ok(Some(Self { dir, operator, key }))
    }

    /// Imprints `workspace`: `.tako/` (0700) with `operator.json`, a new key, `locks/`,
    /// and `.tako/` added to the workspace's `.gitignore`. With `force`, an existing
    /// imprint and key are replaced (every signature made with the old key stops
    /// verifying); without it, an existing imprint is returned unchanged.
    ///
    /// # Errors
    /// When a file cannot be written.
    pub fn init(workspace: &Path, force: bool) -> Result<(Self, bool), PlaneError> {
        let dir = workspace.join(DIR);
        mkdir(&dir)?;
        let lock_dir = dir.join("locks");
        mkdir(&lock_dir)?;
        let lock_path = lock_dir.join("tako.lock");
        let _lock = Lock::exclusive(&lock_path).map_err(PlaneError::io("cannot lock", &lock_path))?;
        if !force {
            if let Some(p) = Self::open(workspace)? {
                ignore_in_git(workspace)?;
                return Ok((p, false));
            }
        }
        let keys = dir.join("keys");
        mkdir(&keys)?;
        let key_path = keys.join("operator.key");
        if key_path.exists() {
            archive(&dir)?;
        }
        let key = Key::generate().map_err(PlaneError::io("cannot make a key for", &key_path))?;
        let fresh = keys.join("operator.key.new");
        let _ = std::fs::remove_file(&fresh);
        key.store(&fresh).map_err(PlaneError::io("cannot write", &fresh))?;
        std::fs::rename(&fresh, &key_path).map_err(PlaneError::io("cannot write", &key_path))?;
        let operator = Operator::current();
        let json = serde_json::to_vec_pretty(&operator).expect("an operator serializes");
        let imprint = dir.join("operator.json");
        write_atomic(&imprint, &json).map_err(PlaneError::io("cannot write", &imprint))?;
        ignore_in_git(workspace)?;
        Ok((Self { dir, operator, key }, true))
    }

    /// The key that signs for the operator.
    #[must_use]
    pub const fn key(&self) -> &Key {
        &self.key
    }

    /// A path inside `.tako/`.
    #[must_use]
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    /// Refuses when anything under a `.tako/` directory is tracked by git (or git's
    /// state cannot be read); the result is cached in `.tako/cache/tracked`, signed.
    ///
    /// # Errors
    /// The refusal, with how to fix it.
    pub fn untracked(&self, workspace: &Path) -> Result<(), crate::error::Error> {
        let dir = self.path("cache");
        let _ = mkdir(&dir);
        let file = dir.join("tracked");
        let cache = tracked::Cache { file: &file, key: Some(&self.key) };
        refuse_tracked(tracked::check(workspace, Some(cache))?)
    }

    /// Takes the control plane's lock (`locks/tako.lock`), held until dropped.
    ///
    /// # Errors
    /// When it cannot be taken.
    pub fn lock(&self) -> Result<Lock, PlaneError> {
        let lock_dir = self.path("locks");
        mkdir(&lock_dir)?;
        let p = lock_dir.join("tako.lock");
        Lock::exclusive(&p).map_err(PlaneError::io("cannot lock", &p))
    }
}

/// `Err` when the status says `.tako/` is tracked.
fn refuse_tracked(status: tracked::Status) -> Result<(), crate::error::Error> {
    match status {
        tracked::Status::Tracked(found) => Err(crate::error::Error::Tracked(found.to_string())),
        tracked::Status::NoRepository | tracked::Status::Clean => Ok(()),
    }
}

/// The tracked check for a workspace without an imprint: `.tako/` may still be
/// tracked (committed elsewhere). The result is cached unsigned under `cache_home`
/// (there is no key to sign it with), named by the workspace.
///
/// # Errors
/// The refusal, with how to fix it.
pub fn untracked_without_plane(workspace: &Path, cache_home: &Path) -> Result<(), crate::error::Error> {
    let dir = cache_home.join("tako-exec/tracked");
    let ok = std::fs::create_dir_all(&dir).is_ok();
    let file = dir.join(key::sha256_hex(workspace.as_os_str().as_encoded_bytes()));
    let cache = ok.then(|| tracked::Cache { file: &file, key: None });
    refuse_tracked(tracked::check(workspace, cache)?)
}

/// Moves what the old key signed (the key itself and the audit log, whose chain stays
/// verifiable with it) to `.tako/archive/<time>/` before a forced re-imprint.
fn archive(dir: &Path) -> Result<(), PlaneError> {
    let stamp = crate::config::grant::utc(std::time::SystemTime::now()).replace(':', "");
    let archive_root = dir.join("archive");
    mkdir(&archive_root)?;
    let to = archive_root.join(format!("{stamp}-{}", std::process::id()));
    mkdir(&to)?;
    let mut moving = vec![dir.join("keys").join("operator.key")];
    if let Ok(entries) = std::fs::read_dir(dir) {
        moving.extend(
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("audit."))),
        );
    }
    for from in moving {
        let target = to.join(from.file_name().unwrap_or_default());
        std::fs::rename(&from, &target).map_err(PlaneError::io("cannot archive", &from))?;
    }
    Ok(())
}

/// Creates a directory with mode 0700 if missing.
pub(crate) fn mkdir(dir: &Path) -> Result<(), PlaneError> {
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        Err(e) => Err(PlaneError::io("cannot create", dir)(e)),
    }
}

/// Replaces `path` with `bytes` (mode 0600) through a temporary file and a rename, so
/// a reader sees the old file or the new one, never a mix.
///
/// # Errors
/// When the file cannot be written.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_mode(path, bytes, 0o600)
}

/// [`write_atomic`] with the file created with `mode` (before the umask): an executable
/// (a git hook) is never seen without its execute bits.
///
/// # Errors
/// When the file cannot be written.
pub fn write_atomic_mode(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".{}.tmp", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let _ = std::fs::remove_file(&tmp);
    let mut f = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(mode).open(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

/// Adds `.tako/` to the workspace's `.gitignore` unless a line already ignores it.
fn ignore_in_git(workspace: &Path) -> Result<(), PlaneError> {
    let path = workspace.join(".gitignore");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(PlaneError::io("cannot read", &path)(e)),
    };
    if text.lines().map(str::trim).any(|l| matches!(l, ".tako" | ".tako/" | "/.tako" | "/.tako/" | ".tako/**")) {
        return Ok(());
    }
    let sep = if text.is_empty() || text.ends_with('\n') { "" } else { "\n" };
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(PlaneError::io("cannot write", &path))?;
    f.write_all(format!("{sep}# tako-exec's operator control plane: never commit it.\n/.tako/\n").as_bytes())
        .map_err(PlaneError::io("cannot write", &path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).expect("meta").permissions().mode() & 0o777
    }

    #[test]
    fn init_imprints_once_and_force_replaces_the_key() {
        let ws = tempfile::tempdir().expect("tempdir");
        assert!(Plane::open(ws.path()).expect("open").is_none(), "no imprint yet");
        let (p, made) = Plane::init(ws.path(), false).expect("init");
        assert!(made);
        assert_eq!(mode(&p.dir), 0o700);
        assert_eq!(mode(&p.path("keys")), 0o700);
        assert_eq!(mode(&p.path("keys/operator.key")), 0o600);
        assert!(p.path("locks").is_dir());
        assert_eq!(p.operator.uid, nix::unistd::getuid().as_raw());
        assert_eq!(p.operator.version, env!("CARGO_PKG_VERSION"));
        let sig = p.key().sign(Domain::Audit, b"x");

        let (again, made) = Plane::init(ws.path(), false).expect("init again");
        assert!(!made, "idempotent");
        assert!(again.key().verify(Domain::Audit, b"x", &sig), "same key");
        let gitignore = std::fs::read_to_string(ws.path().join(".gitignore")).expect("gitignore");
        assert_eq!(gitignore.matches("/.tako/").count(), 1, "{gitignore}");

        std::fs::write(p.path("audit.jsonl"), "old chain\n").expect("write");
        let (forced, made) = Plane::init(ws.path(), true).expect("force");
        assert!(made);
        let archived: Vec<_> = std::fs::read_dir(p.path("archive")).expect("archive").flatten().collect();
        assert_eq!(archived.len(), 1);
        let old = archived[0].path();
        assert!(old.join("operator.key").exists() && old.join("audit.jsonl").exists(), "{}", old.display());
        assert!(!p.path("audit.jsonl").exists(), "a new chain starts");
        assert!(!forced.key().verify(Domain::Audit, b"x", &sig), "a new key");
        let opened = Plane::open(ws.path()).expect("open").expect("imprinted");
        assert!(opened.key().verify(Domain::Audit, b"x", &forced.key().sign(Domain::Audit, b"x")));
    }

    #[test]
    fn gitignore_lines_are_kept() {
        let ws = tempfile::tempdir().expect("tempdir");
        std::fs::write(ws.path().join(".gitignore"), "target").expect("write");
        Plane::init(ws.path(), false).expect("init");
        let text = std::fs::read_to_string(ws.path().join(".gitignore")).expect("read");
        assert!(text.starts_with("target\n# tako-exec"), "{text}");
        let ws2 = tempfile::tempdir().expect("tempdir");
        std::fs::write(ws2.path().join(".gitignore"), ".tako/\n").expect("write");
        Plane::init(ws2.path(), false).expect("init");
        assert_eq!(std::fs::read_to_string(ws2.path().join(".gitignore")).expect("read"), ".tako/\n");
    }

    #[test]
    fn a_damaged_imprint_is_an_error_not_an_absence() {
        let ws = tempfile::tempdir().expect("tempdir");
        let (p, _) = Plane::init(ws.path(), false).expect("init");
        std::fs::remove_file(p.path("keys/operator.key")).expect("rm key");
        assert!(matches!(Plane::open(ws.path()), Err(PlaneError::Io { .. })));
        std::fs::write(p.path("operator.json"), "{").expect("write");
        assert!(matches!(Plane::open(ws.path()), Err(PlaneError::Damaged(..))));
    }
}
