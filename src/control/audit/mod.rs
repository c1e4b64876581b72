//! The audit log: append-only JSON Lines in `.tako/audit.jsonl`, hash-chained and
//! signed with the operator key, so that editing, deleting, reordering or truncating
//! records is found by [`Log::verify`].
//!
//! # Format
//!
//! One record per line, as compact JSON, written by this module alone:
//!
//! ```text
//! {"seq":7,"time":"2025-01-31T12:00:00.123Z","prev":"<64 hex>",<caller fields>,"mac":"<64 hex>"}\n
//! ```
//!
//! - `seq`: 1 for the first record ever, then +1 per record, contiguous across rotated files.
//! - `time`: UTC with milliseconds.
//! - `prev`: SHA-256 (hex) of the previous record's line (its bytes without the
//!   newline), or 64 zeros for the first record.
//! - The caller's fields follow as given (a `serde_json::Map`, so in key order); this
//!   module does not interpret them, and refuses the reserved names `seq`, `time`,
//!   `prev` and `mac`.
//! - `mac`: `key.sign(Domain::Audit, …)` over the line's text up to (not including)
//!   `,"mac":`. The suffix `,"mac":"<64 lowercase hex>"}` has a fixed length, so
//!   verification checks exactly the bytes that were signed, with no re-serialization.
//!
//! Rotation: when a record would make `audit.jsonl` larger than
//! [`Options::max_bytes`], the file is renamed `audit.<first seq, 20 digits>.jsonl`
//! and a new `audit.jsonl` begins; the chain runs on (the new file's first `prev` is
//! the hash of the old file's last line). A single record larger than the limit gets
//! a file of its own.
//!
//! `audit.head` is one fixed-length line (256 bytes, space padded):
//! `{"seq":N,"hash":"<hash of record N's line>","size":<bytes of audit.jsonl>,"mac":"…"}`,
//! signed the same way with [`Domain::AuditHead`]. It is what makes a cut tail visible:
//! without it, deleting the last records leaves a shorter chain that is still valid.
//!
//! # Appending
//!
//! Writers in any number of processes serialize on `locks/audit.lock` (`flock`):
//! lock → read the head → rotate if needed → one `write(2)` of the whole line on an
//! `O_APPEND` descriptor → rewrite the head in place (one `pwrite(2)` of its 256
//! bytes) → unlock. The head is the authority on where the chain continues, so a
//! truncated log is never papered over: the next record follows the head, and the
//! hole stays visible to `verify`. Two exceptions keep a crash from breaking the chain:
//! - a process that died between writing its record and rewriting the head leaves one
//!   valid record just past the head; the next append (and `verify`) accepts it and
//!   rolls forward;
//! - bytes past the head that are not such a record (a cut-short write, or something
//!   not written by tako-exec) are left where they are, and the next record starts on
//!   a new line after them; `verify` reports them.
//!
//! A missing head while records exist, or a head whose MAC fails, makes `append` fail:
//! the caller must refuse to run the command (exit 125) rather than extend a log it
//! cannot vouch for.
//!
//! Readers ([`Log::verify`], [`Log::tail`], [`Log::find`]) open the head and every
//! file under the same lock, then read them after releasing it, so they never see an
//! append or a rotation half done and do not hold writers up while they read.
//!
//! Invariants: a record, once written, is never rewritten, moved within its file or
//! deleted by this module (rotation renames whole files); `seq` never repeats; no
//! input, however malformed, makes this module panic.
//!
//! # Durability (fsync)
//!
//! [`Options::fsync`] is off by default. Without it, a record is in the kernel's page
//! cache once `write(2)` returns, so a crash or kill of *any process* never loses it;
//! a crash of the *operating system* may lose the last records (or write the head
//! before them), which `verify` then reports as a head mismatch. With it, the record
//! and the head are `fdatasync`ed (and the directory `fsync`ed when a file is
//! created or rotated) before `append` returns, at the cost of a disk flush per
//! record: on an ext4 virtual disk one append took about 27 µs without it and
//! 0.5–0.6 ms with it (`cargo bench --bench audit`).
//!
//! The head is rewritten in place rather than with [`super::write_atomic`] (a
//! temporary file, `fsync`, rename): the in-place `pwrite` of 256 bytes measured 0.9 µs,
//! the atomic replacement 2–8 ms, because its `fsync` and rename are paid on every
//! record even with `fsync` off. The in-place write is safe against process crashes
//! (a 256-byte write within one page is not split by a signal, and readers take the
//! lock); after an operating system crash the 256 bytes at offset 0 sit in one disk
//! sector, and should the head still come back damaged, its MAC fails: `verify`
//! reports it and appends stop until the operator repairs it.
//!
//! # What is and is not detected
//!
//! Detected by [`Log::verify`], naming the first bad record: a changed byte anywhere
//! in a record (bad MAC or bad JSON), a record deleted, duplicated or moved (a `seq`
//! or `prev` mismatch), a record made up without the key (bad MAC), records cut from
//! the end (the head disagrees), a deleted head, a deleted log, a deleted or renamed
//! rotated file, and a cut-short last line.
//!
//! Not detected: anything done with the key (whoever can read `.tako/keys/` can
//! rewrite the whole log and head consistently), and a *rollback* of both the log and
//! the head to an older, complete state (only a copy of the head kept elsewhere
//! catches that). Deleting the oldest rotated files is reported like any other
//! deletion: there is no sanctioned way to prune the log yet.
//! `tail` and `find` read the log without verifying it.

mod read;
mod verify;

#[cfg(test)]
mod tests;

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

use super::key::sha256_hex;
use super::{Domain, Key, Lock, Plane};

pub use verify::{Broken, Summary, Why};

/// The current log file, in the control plane's directory.
pub const LOG: &str = "audit.jsonl";
/// The signed head: the latest seq, its hash, and the size of [`LOG`].
pub const HEAD: &str = "audit.head";
/// The lock that serializes appends (relative to the control plane's directory).
pub const LOCK: &str = "locks/audit.lock";
/// Field names the log sets itself; a caller may not supply them.
pub const RESERVED: [&str; 4] = ["seq", "time", "prev", "mac"];

/// `prev` of the first record.
const ZERO: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// Length of `,"mac":"<64 hex>"}`.
const MAC_SUFFIX: usize = 8 + 64 + 2;
/// Length of `audit.head`, newline included.
const HEAD_LEN: usize = 256;
/// Bytes past the head larger than this are not taken for an interrupted record.
const MAX_PENDING: u64 = 64 << 20;

/// How the log is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// `audit.jsonl` is rotated before a record would make it larger than this.
    pub max_bytes: u64,
    /// Flush each record and the head to disk before `append` returns.
    pub fsync: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self { max_bytes: 16 << 20, fsync: false }
    }
}

/// The audit log of one control plane.
#[derive(Debug, Clone)]
pub struct Log {
    dir: PathBuf,
    key: Key,
    opts: Options,
}

/// Where the chain stands: the last record's seq and line hash, and the size of
/// `audit.jsonl` just after it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Head {
    seq: u64,
    hash: String,
    size: u64,
}

impl Head {
    fn empty() -> Self {
        Self { seq: 0, hash: ZERO.to_string(), size: 0 }
    }

    /// The head's fixed-length line.
    fn encode(&self, key: &Key) -> Vec<u8> {
        let body = format!(r#"{{"seq":{},"hash":"{}","size":{}"#, self.seq, self.hash, self.size);
        let mac = key.sign(Domain::AuditHead, body.as_bytes());
        let mut line = format!(r#"{body},"mac":"{mac}"}}"#).into_bytes();
        line.resize(HEAD_LEN - 1, b' ');
        line.push(b'\n');
        line
    }

    /// Parses and checks a head line; the error says what is wrong with it.
    fn decode(key: &Key, bytes: &[u8]) -> Result<Self, String> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            seq: u64,
            hash: String,
            size: u64,
            #[allow(dead_code)]
            mac: String,
        }
        let text = std::str::from_utf8(bytes).map_err(|_| "not UTF-8".to_string())?.trim_end();
        let (body, mac) = split_mac(text).ok_or("no mac at the end")?;
        if !key.verify(Domain::AuditHead, body.as_bytes(), mac) {
            return Err("bad mac (altered, or not written with this workspace's key)".to_string());
        }
        let raw: Raw = serde_json::from_str(text).map_err(|e| format!("not a head ({e})"))?;
        if !is_hash(&raw.hash) {
            return Err("its hash is not 64 hex digits".to_string());
        }
        Ok(Self { seq: raw.seq, hash: raw.hash, size: raw.size })
    }
}

/// A record line that passed its own checks (JSON, MAC, header fields).
#[derive(Debug)]
struct Record {
    seq: u64,
    prev: String,
    /// SHA-256 of the line.
    hash: String,
}

impl Log {
    /// The audit log of an imprinted workspace.
    #[must_use]
    pub fn new(plane: &Plane, opts: Options) -> Self {
        Self::at(plane.dir.clone(), plane.key().clone(), opts)
    }

    /// The audit log in `dir` signed with `key` (tests, benchmarks, tools).
    #[must_use]
    pub fn at(dir: impl Into<PathBuf>, key: Key, opts: Options) -> Self {
        Self { dir: dir.into(), key, opts }
    }

    /// The directory that holds the log.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Appends one record made of `fields` and returns its seq.
    ///
    /// # Errors
    /// When `fields` uses a [`RESERVED`] name, when the head is damaged or missing
    /// while records exist, or when the log, the head or the lock cannot be written.
    /// The caller must not run the command then.
    pub fn append(&self, fields: Map<String, Value>) -> io::Result<u64> {
        if let Some(k) = RESERVED.iter().find(|k| fields.contains_key(**k)) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("audit field `{k}` is set by the log, not by its caller"),
            ));
        }
        let body = serde_json::to_string(&fields).map_err(io::Error::other)?;
        let _lock = self.lock()?;
        let head_path = self.dir.join(HEAD);
        let log_path = self.dir.join(LOG);
        let head_file = open_rw(&head_path).map_err(context("cannot open", &head_path))?;
        let mut log = open_append(&log_path)?;
        let mut size = log.metadata().map_err(context("cannot read", &log_path))?.len();
        let head = match read_head(&self.key, &head_file, &head_path)? {
            Some(h) => h,
            None if size > 0 || !read::rotated(&self.dir).map_err(context("cannot list", &self.dir))?.is_empty() => {
                return Err(io::Error::other(format!(
                    "{} is missing while the audit log holds records; run `tako-exec audit verify`",
                    head_path.display()
                )));
            }
            None => {
                // The first record: sign an empty head first, so that a crash right after
                // the record's write leaves a head it can be rolled forward from.
                let h = Head::empty();
                self.write_head(&head_file, &head_path, &h)?;
                h
            }
        };
        let (mut tail, mut newline) = (head.clone(), false);
        if size != head.size && size > 0 {
            // Bytes past the head are read only if they could be one record.
            let extra = size.saturating_sub(head.size);
            let bytes = if extra <= MAX_PENDING {
                read_at(&log, head.size, extra).map_err(context("cannot read", &log_path))?
            } else {
                Vec::new()
            };
            match self.pending(&bytes, &head) {
                Some(t) => tail = Head { size, ..t },
                None => newline = read_at(&log, size - 1, 1).map_err(context("cannot read", &log_path))? != b"\n",
            }
        }
        let seq = tail.seq.checked_add(1).ok_or_else(|| io::Error::other("the audit log's seq overflowed"))?;
        let line = self.compose(seq, &tail.hash, &body);
        let len = u64::try_from(line.len()).unwrap_or(u64::MAX);
        if size > 0 && size.saturating_add(len) > self.opts.max_bytes {
            self.rotate(&log, &log_path)?;
            tail.size = 0;
            self.write_head(&head_file, &head_path, &tail)?;
            log = open_append(&log_path)?;
            (size, newline) = (0, false);
        }
        let mut out = Vec::with_capacity(line.len() + 1);
        if newline {
            out.push(b'\n');
        }
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
        log.write_all(&out).map_err(context("cannot write", &log_path))?;
        if self.opts.fsync {
            log.sync_data().map_err(context("cannot flush", &log_path))?;
            if size == 0 {
                sync_dir(&self.dir)?;
            }
        }
        let new_size = size + u64::try_from(out.len()).unwrap_or(u64::MAX);
        self.write_head(&head_file, &head_path, &Head { seq, hash: sha256_hex(line.as_bytes()), size: new_size })?;
        Ok(seq)
    }

    /// Takes the audit lock, creating `locks/` if needed.
    fn lock(&self) -> io::Result<Lock> {
        let path = self.dir.join(LOCK);
        match Lock::exclusive(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let locks = self.dir.join("locks");
                match std::fs::DirBuilder::new().mode(0o700).create(&locks) {
                    Err(e) if e.kind() != io::ErrorKind::AlreadyExists => {
                        return Err(context("cannot create", &locks)(e));
                    }
                    _ => {}
                }
                Lock::exclusive(&path).map_err(context("cannot lock", &path))
            }
            r => r.map_err(context("cannot lock", &path)),
        }
    }

    /// The line of record `seq` (without its newline).
    fn compose(&self, seq: u64, prev: &str, fields: &str) -> String {
        let now = SystemTime::now();
        let millis = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_millis());
        let secs = crate::config::grant::utc(now);
        let time = format!("{}.{millis:03}Z", secs.trim_end_matches('Z'));
        let mut line = format!(r#"{{"seq":{seq},"time":"{time}","prev":"{prev}""#);
        // `fields` is a JSON object: `{}` or `{"k":v,…}`.
        let inner = fields.strip_prefix('{').and_then(|f| f.strip_suffix('}')).unwrap_or("");
        if !inner.is_empty() {
            line.push(',');
            line.push_str(inner);
        }
        let mac = self.key.sign(Domain::Audit, line.as_bytes());
        line.push_str(r#","mac":""#);
        line.push_str(&mac);
        line.push_str("\"}");
        line
    }

    /// The chain position after `bytes` (what follows the head in `audit.jsonl`) when
    /// they are exactly one valid record that continues the head: an append that died
    /// before rewriting the head.
    fn pending(&self, bytes: &[u8], head: &Head) -> Option<Head> {
        let line = bytes.strip_suffix(b"\n")?;
        if line.contains(&b'\n') {
            return None;
        }
        let r = check_line(&self.key, line).ok()?;
        (head.seq.checked_add(1) == Some(r.seq) && r.prev == head.hash).then_some(Head {
            seq: r.seq,
            hash: r.hash,
            size: 0,
        })
    }

    /// Renames `audit.jsonl` after its first record's seq.
    fn rotate(&self, log: &File, log_path: &Path) -> io::Result<()> {
        let start = read_at(log, 0, 64).map_err(context("cannot read", log_path))?;
        let first = first_seq(&start).ok_or_else(|| {
            io::Error::other(format!(
                "cannot rotate {}: its first line is not a record; run `tako-exec audit verify`",
                log_path.display()
            ))
        })?;
        let to = self.dir.join(read::rotated_name(first));
        if to.symlink_metadata().is_ok() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("cannot rotate {}: {} exists", log_path.display(), to.display()),
            ));
        }
        std::fs::rename(log_path, &to).map_err(context("cannot rotate", log_path))?;
        if self.opts.fsync {
            sync_dir(&self.dir)?;
        }
        Ok(())
    }

    /// Rewrites the head in place.
    fn write_head(&self, file: &File, path: &Path, head: &Head) -> io::Result<()> {
        file.write_all_at(&head.encode(&self.key), 0).map_err(context("cannot write", path))?;
        if self.opts.fsync {
            file.sync_data().map_err(context("cannot flush", path))?;
        }
        Ok(())
    }
}

/// The head in `file`: `None` when the file is empty (never written).
fn read_head(key: &Key, file: &File, path: &Path) -> io::Result<Option<Head>> {
    let bytes = read_at(file, 0, HEAD_LEN as u64 + 1).map_err(context("cannot read", path))?;
    if bytes.is_empty() {
        return Ok(None);
    }
    Head::decode(key, &bytes)
        .map(Some)
        .map_err(|why| io::Error::other(format!("{} is damaged: {why}; run `tako-exec audit verify`", path.display())))
}

/// Checks one line (without its newline) on its own: JSON, MAC, header fields.
/// The error carries the seq when it could be read.
fn check_line(key: &Key, line: &[u8]) -> Result<Record, (Option<u64>, Why)> {
    let text = std::str::from_utf8(line).map_err(|_| (None, Why::Json("not UTF-8".to_string())))?;
    let map: Map<String, Value> = serde_json::from_str(text).map_err(|e| (None, Why::Json(e.to_string())))?;
    let seq = map.get("seq").and_then(Value::as_u64);
    let Some((body, mac)) = split_mac(text) else {
        return Err((seq, Why::Mac("no mac at the end of the line")));
    };
    if !key.verify(Domain::Audit, body.as_bytes(), mac) {
        return Err((seq, Why::Mac("altered, or not written with this workspace's key")));
    }
    let Some(seq) = seq else {
        return Err((None, Why::Json("no seq".to_string())));
    };
    let prev = match map.get("prev").and_then(Value::as_str) {
        Some(p) if is_hash(p) => p.to_string(),
        _ => return Err((Some(seq), Why::Json("no prev hash".to_string()))),
    };
    Ok(Record { seq, prev, hash: sha256_hex(line) })
}

/// Splits `{…,"mac":"<64 hex>"}` into the signed text before `,"mac":` and the mac.
fn split_mac(text: &str) -> Option<(&str, &str)> {
    let (body, suffix) = text.split_at_checked(text.len().checked_sub(MAC_SUFFIX)?)?;
    let mac = suffix.strip_prefix(r#","mac":""#)?.strip_suffix("\"}")?;
    is_hash(mac).then_some((body, mac))
}

/// Whether `s` is 64 lowercase hex digits.
fn is_hash(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The seq at the start of a record line (`{"seq":N,`).
fn first_seq(start: &[u8]) -> Option<u64> {
    let rest = start.strip_prefix(br#"{"seq":"#)?;
    let end = rest.iter().position(|b| !b.is_ascii_digit())?;
    if end == 0 || rest[end] != b',' {
        return None;
    }
    std::str::from_utf8(&rest[..end]).ok()?.parse().ok()
}

/// Up to `len` bytes of `file` from `offset`.
fn read_at(file: &File, offset: u64, len: u64) -> io::Result<Vec<u8>> {
    let mut buf = vec![0; usize::try_from(len).map_err(io::Error::other)?];
    let mut got = 0;
    while got < buf.len() {
        match file.read_at(&mut buf[got..], offset + got as u64) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf.truncate(got);
    Ok(buf)
}

/// Opens `audit.jsonl` for appending and reading (created 0600 if missing).
fn open_append(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .mode(0o600)
        .custom_flags(libc::O_CLOEXEC)
        .open(path)
        .map_err(context("cannot open", path))
}

/// Opens a file for reading and writing (created 0600 if missing).
fn open_rw(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(libc::O_CLOEXEC)
        .open(path)
}

/// Flushes a directory's entries (a created or renamed file).
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(context("cannot flush", dir))
}

/// Adds what was being done and to which file to an I/O error, keeping its kind.
fn context<'a>(what: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> io::Error + 'a {
    move |e| io::Error::new(e.kind(), format!("{what} {}: {e}", path.display()))
}
