//! Reading the audit log: the list of its files in chain order, a consistent snapshot
//! of them (taken under the audit lock, read after it is released), and the unverified
//! readers [`Log::tail`] and [`Log::find`].

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{context, Log, HEAD, LOG};

/// The name of a rotated file whose first record is `seq`.
pub(super) fn rotated_name(seq: u64) -> String {
    format!("audit.{seq:020}.jsonl")
}

/// The seq a rotated file's name gives, if it is one.
pub(super) fn rotated_seq(name: &str) -> Option<u64> {
    let digits = name.strip_prefix("audit.")?.strip_suffix(".jsonl")?;
    if digits.len() != 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The rotated files in `dir`, oldest first.
pub(super) fn rotated(dir: &Path) -> io::Result<Vec<(u64, PathBuf)>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if let Some(seq) = entry.file_name().to_str().and_then(rotated_seq) {
            out.push((seq, entry.path()));
        }
    }
    out.sort_unstable();
    Ok(out)
}

/// One file of the log, opened while the lock was held.
pub(super) struct Part {
    /// Its path when opened.
    pub path: PathBuf,
    /// The first seq its name gives (rotated files); `None` for `audit.jsonl`.
    pub named: Option<u64>,
    file: File,
    len: u64,
}

impl Part {
    /// Its bytes as they were when the snapshot was taken.
    pub fn bytes(&self) -> io::Result<Vec<u8>> {
        let mut buf = Vec::with_capacity(usize::try_from(self.len).unwrap_or(0));
        (&self.file).take(self.len).read_to_end(&mut buf).map_err(context("cannot read", &self.path))?;
        Ok(buf)
    }
}

/// The log's files in chain order and its head's bytes (`None` if there is no head
/// file), as of one moment between appends.
pub(super) struct Snapshot {
    pub parts: Vec<Part>,
    pub head: Option<Vec<u8>>,
}

impl Log {
    /// Opens every file of the log under the audit lock, so that no append or rotation
    /// is half done in what is read. A log that cannot be locked (a read-only copy) is
    /// read without it.
    pub(super) fn snapshot(&self) -> io::Result<Snapshot> {
        let _lock = self.lock().ok();
        let mut paths = rotated(&self.dir).map_err(context("cannot list", &self.dir))?;
        paths.push((u64::MAX, self.dir.join(LOG)));
        let mut parts = Vec::with_capacity(paths.len());
        for (seq, path) in paths {
            let file = match std::fs::OpenOptions::new().read(true).custom_flags(libc::O_CLOEXEC).open(&path) {
                Ok(f) => f,
                Err(e) if e.kind() == io::ErrorKind::NotFound && seq == u64::MAX => continue,
                Err(e) => return Err(context("cannot open", &path)(e)),
            };
            let len = file.metadata().map_err(context("cannot read", &path))?.len();
            parts.push(Part { path, named: (seq != u64::MAX).then_some(seq), file, len });
        }
        let head_path = self.dir.join(HEAD);
        let head = match std::fs::read(&head_path) {
            Ok(b) => Some(b),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(context("cannot read", &head_path)(e)),
        };
        Ok(Snapshot { parts, head })
    }

    /// The last `n` records, oldest first, across rotated files if needed. Lines that
    /// are not JSON objects, and a cut-short last line, are skipped: this reads, it
    /// does not verify (see [`Log::verify`]).
    ///
    /// # Errors
    /// When a file of the log cannot be read.
    pub fn tail(&self, n: usize) -> io::Result<Vec<Value>> {
        let mut out: Vec<Value> = Vec::new();
        if n == 0 {
            return Ok(out);
        }
        for part in self.snapshot()?.parts.iter().rev() {
            let bytes = part.bytes()?;
            let mut found: Vec<Value> = Vec::new();
            for line in lines(&bytes).rev() {
                if let Some(v) = parse(line) {
                    found.push(v);
                    if out.len() + found.len() == n {
                        break;
                    }
                }
            }
            found.reverse();
            found.append(&mut out);
            out = found;
            if out.len() == n {
                break;
            }
        }
        Ok(out)
    }

    /// Every record whose `"id"` field is the string `id`, oldest first. Unverified,
    /// like [`Log::tail`].
    ///
    /// # Errors
    /// When a file of the log cannot be read.
    pub fn find(&self, id: &str) -> io::Result<Vec<Value>> {
        // A record with this id holds the id's JSON text; only those lines are parsed.
        let needle = serde_json::to_string(id).map_err(io::Error::other)?;
        let mut out = Vec::new();
        for part in self.snapshot()?.parts {
            let bytes = part.bytes()?;
            for line in lines(&bytes) {
                if !contains(line, needle.as_bytes()) {
                    continue;
                }
                if let Some(v) = parse(line).filter(|v| v.get("id").and_then(Value::as_str) == Some(id)) {
                    out.push(v);
                }
            }
        }
        Ok(out)
    }
}

/// The complete lines of `bytes` (each without its newline); a last line without a
/// newline is a write in progress or cut short, and is left out.
fn lines(bytes: &[u8]) -> impl DoubleEndedIterator<Item = &[u8]> {
    let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(&bytes[..0], |i| &bytes[..i]);
    complete.split(|&b| b == b'\n').filter(|l| !l.is_empty())
}

/// A line as a JSON object.
fn parse(line: &[u8]) -> Option<Value> {
    serde_json::from_slice::<Value>(line).ok().filter(Value::is_object)
}

/// Whether `needle` occurs in `hay`.
fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}
