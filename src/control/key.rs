//! The operator key: 32 random bytes in `.tako/keys/operator.key` (mode 0600) that sign
//! what only the operator may produce: approvals, remembered grants, accepted file
//! hashes and audit records.
//!
//! Every signature is an HMAC-SHA-256 over a domain tag, a zero byte and the data, so a
//! signature made for one purpose (an audit record) can never be replayed as another
//! (an approval). Verification compares in constant time.
//!
//! What this protects against, honestly: an agent whose commands go through tako-exec
//! cannot read the key (reads of `.tako/keys/` are refused as secret files), so it
//! cannot forge a signature. A process running as the operator's user outside
//! tako-exec's view can read the file like any other of the operator's files; a
//! different user or a sandbox is the boundary for that.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Key length in bytes.
pub const LEN: usize = 32;

/// What the key file holds before the key. It starts with a NUL byte, so searchers take
/// the file for binary and show no line of it (`grep -r . .`, `rg -uu x` print "binary
/// file matches" at most; printing binary files as text, `grep -ra`, is asked about by
/// SP001). Files of earlier versions hold the bare key and are still read.
const HEADER: &[u8] = b"\0tako-exec operator key\0";

/// What a signature is for; part of every MAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// An audit record.
    Audit,
    /// The audit log's head (latest sequence number and hash).
    AuditHead,
    /// The operator's decision on a queued approval.
    Approval,
    /// A remembered grant in `.tako/policy.toml`.
    Grant,
    /// The record of files the operator accepted (policy, hooks).
    Accepted,
    /// A cached result (the tracked-files check).
    Cache,
}

impl Domain {
    const fn tag(self) -> &'static [u8] {
        match self {
            Self::Audit => b"tako-exec/audit/1",
            Self::AuditHead => b"tako-exec/audit-head/1",
            Self::Approval => b"tako-exec/approval/1",
            Self::Grant => b"tako-exec/grant/1",
            Self::Accepted => b"tako-exec/accepted/1",
            Self::Cache => b"tako-exec/cache/1",
        }
    }
}

/// The operator key.
#[derive(Clone)]
pub struct Key([u8; LEN]);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(…)")
    }
}

impl Key {
    /// A key from the operating system's random source.
    ///
    /// # Errors
    /// When no random bytes can be had.
    pub fn generate() -> std::io::Result<Self> {
        let mut k = [0u8; LEN];
        getrandom::fill(&mut k).map_err(|e| std::io::Error::other(format!("no random source: {e}")))?;
        Ok(Self(k))
    }

    /// A key from known bytes (tests and benchmarks).
    #[must_use]
    pub const fn from_bytes(b: [u8; LEN]) -> Self {
        Self(b)
    }

    /// Reads the key file; refuses one that others can read or that has the wrong size.
    ///
    /// # Errors
    /// When the file cannot be read, is readable by group or others, or is not
    /// [`LEN`] bytes.
    pub fn load(path: &Path) -> std::io::Result<Self> {
        let bytes = std::fs::read(path)?;
        let mode = std::fs::metadata(path)?.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(std::io::Error::other(format!(
                "{} is readable by others (mode {:o}); run `chmod 600 {}`",
                path.display(),
                mode & 0o777,
                path.display()
            )));
        }
        // The current format, or the bare key of earlier versions.
        let raw = bytes.strip_prefix(HEADER).unwrap_or(&bytes);
        let k: [u8; LEN] = raw.try_into().map_err(|_| {
            std::io::Error::other(format!("{} holds {} bytes, not a {LEN}-byte key", path.display(), bytes.len()))
        })?;
        Ok(Self(k))
    }

    /// Writes the key to a new file with mode 0600 (never replaces one).
    ///
    /// # Errors
    /// When the file exists or cannot be written.
    pub fn store(&self, path: &Path) -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
        f.write_all(HEADER)?;
        f.write_all(&self.0)?;
        f.sync_all()
    }

    fn hmac(&self, domain: Domain, data: &[u8]) -> Hmac<Sha256> {
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        m.update(domain.tag());
        m.update(&[0]);
        m.update(data);
        m
    }

    /// The signature of `data` for `domain`, as 64 lowercase hex digits.
    #[must_use]
    pub fn sign(&self, domain: Domain, data: &[u8]) -> String {
        hex(&self.hmac(domain, data).finalize().into_bytes())
    }

    /// Whether `signature` (hex) is this key's signature of `data` for `domain`.
    #[must_use]
    pub fn verify(&self, domain: Domain, data: &[u8], signature: &str) -> bool {
        unhex(signature).is_some_and(|sig| self.hmac(domain, data).verify_slice(&sig).is_ok())
    }
}

/// Lowercase hex of bytes.
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// Bytes of an even-length hex string (either case); `None` for anything else.
#[must_use]
pub fn unhex(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    if b.len() % 2 != 0 {
        return None;
    }
    let digit = |c: u8| char::from(c).to_digit(16).and_then(|d| u8::try_from(d).ok());
    b.chunks(2).map(|p| Some(digit(p[0])? << 4 | digit(p[1])?)).collect()
}

/// SHA-256 of bytes, as hex.
#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex(&Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        // RFC 4231 test case 2, computed through the same HMAC without the domain tag.
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(b"Jefe").expect("key");
        m.update(b"what do ya want for nothing?");
        assert_eq!(hex(&m.finalize().into_bytes()), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    #[test]
    fn signatures_are_bound_to_key_domain_and_data() {
        let k = Key::from_bytes([7; LEN]);
        let s = k.sign(Domain::Grant, b"git push");
        assert_eq!(s.len(), 64);
        assert!(k.verify(Domain::Grant, b"git push", &s));
        assert!(k.verify(Domain::Grant, b"git push", &s.to_uppercase()));
        assert!(!k.verify(Domain::Approval, b"git push", &s), "another domain");
        assert!(!k.verify(Domain::Grant, b"git push --force", &s), "other data");
        assert!(!Key::from_bytes([8; LEN]).verify(Domain::Grant, b"git push", &s), "another key");
        assert!(!k.verify(Domain::Grant, b"git push", &s[..62]), "truncated");
        assert!(!k.verify(Domain::Grant, b"git push", "zz"), "not hex");
        assert!(!k.verify(Domain::Grant, b"git push", ""), "empty");
    }

    #[test]
    fn key_files_are_private_and_exact() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("k");
        let k = Key::generate().expect("random");
        k.store(&p).expect("store");
        assert_eq!(std::fs::metadata(&p).expect("meta").permissions().mode() & 0o777, 0o600);
        assert!(k.store(&p).is_err(), "never replaces a key");
        let back = Key::load(&p).expect("load");
        assert_eq!(back.sign(Domain::Audit, b"x"), k.sign(Domain::Audit, b"x"));
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        assert!(Key::load(&p).unwrap_err().to_string().contains("chmod 600"));
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        std::fs::write(&p, b"short").expect("write");
        assert!(Key::load(&p).unwrap_err().to_string().contains("5 bytes"));
    }

    #[test]
    fn key_files_read_as_binary_and_earlier_ones_still_load() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("k");
        let k = Key::from_bytes([b'a'; LEN]);
        k.store(&p).expect("store");
        let bytes = std::fs::read(&p).expect("read");
        // A NUL byte first: grep and rg skip the file as binary.
        assert_eq!(bytes.first(), Some(&0));
        assert_eq!(bytes.len(), HEADER.len() + LEN);
        // A file of an earlier version: the bare key.
        let old = dir.path().join("old");
        std::fs::write(&old, [b'a'; LEN]).expect("write");
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        let back = Key::load(&old).expect("load");
        assert_eq!(back.sign(Domain::Audit, b"x"), k.sign(Domain::Audit, b"x"));
    }

    #[test]
    fn hex_round_trips() {
        assert_eq!(hex(&[0, 255, 16]), "00ff10");
        assert_eq!(unhex("00ff10"), Some(vec![0, 255, 16]));
        assert_eq!(unhex("0"), None);
        assert_eq!(unhex("0g"), None);
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
