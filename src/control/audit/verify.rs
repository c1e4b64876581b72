//! Verification of the whole audit log: every record's MAC, the seq and hash chain
//! across rotated files, and the head. It stops at the first problem and names it
//! ([`Broken`]); malformed input of any kind is a [`Broken`], never a panic.

use std::fmt;
use std::path::PathBuf;

use super::{check_line, Head, Log, HEAD, LOG, ZERO};

/// What a clean log holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Number of records.
    pub records: u64,
    /// Number of files (rotated files and `audit.jsonl`).
    pub files: usize,
    /// The first record's seq (0 when there are none).
    pub first_seq: u64,
    /// The last record's seq (0 when there are none).
    pub last_seq: u64,
}

/// The first thing wrong with a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// The file at fault (`audit.head` for problems of the head).
    pub file: PathBuf,
    /// The line at fault, from 1; 0 when the problem is not one line's.
    pub line: usize,
    /// The seq of the record at fault, when it could be read.
    pub seq: Option<u64>,
    /// What is wrong.
    pub why: Why,
}

/// What is wrong with a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// A file's last line has no newline: a write cut short, or a file truncated.
    Incomplete,
    /// A line is not a JSON record.
    Json(String),
    /// A record's MAC does not verify.
    Mac(&'static str),
    /// A record has another seq than the chain expects (one missing, duplicated or moved).
    Seq {
        /// The seq the chain expects here.
        expected: u64,
        /// The seq the record has.
        found: u64,
    },
    /// A file starts later than the chain expects: a rotated file, or the end of the
    /// one before it, is missing.
    FileStart {
        /// The seq the chain expects here.
        expected: u64,
        /// The seq the file starts with.
        found: u64,
    },
    /// A record's `prev` is not the hash of the line before it.
    Prev,
    /// A rotated file's name gives another first seq than its first record.
    Name {
        /// The seq in the file's name.
        named: u64,
    },
    /// A rotated file is empty.
    EmptyFile,
    /// The log does not end where the head says.
    HeadMismatch {
        /// The seq the head names.
        head_seq: u64,
        /// The seq the log ends with.
        last_seq: u64,
    },
    /// There is no head (or an empty one) while records exist.
    HeadMissing,
    /// The head is not one tako-exec signed.
    HeadDamaged(String),
    /// There is a head but neither `audit.jsonl` nor a rotated file.
    LogMissing {
        /// The seq the head names.
        head_seq: u64,
    },
    /// A file cannot be read.
    Io(String),
}

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        if let Some(seq) = self.seq {
            write!(f, ": record {seq}")?;
        }
        f.write_str(": ")?;
        match &self.why {
            Why::Incomplete => f.write_str("the last line is incomplete (a write was cut short or the file truncated)"),
            Why::Json(e) => write!(f, "not a record ({e})"),
            Why::Mac(e) => write!(f, "bad mac ({e})"),
            Why::Seq { expected, found } if found > expected => {
                write!(
                    f,
                    "expected record {expected} here: records {expected}..{} are missing or out of order",
                    found - 1
                )
            }
            Why::Seq { expected, .. } => {
                write!(f, "expected record {expected} here: a record duplicated or out of order")
            }
            Why::FileStart { expected, found } => write!(
                f,
                "the file starts at record {found} but the chain continues at {expected}: records \
                 {expected}..{} are missing before it (a rotated file deleted?) or out of order",
                found - 1
            ),
            Why::Prev => f.write_str("does not chain to the record before it (prev hash mismatch)"),
            Why::Name { named } => write!(f, "the file is named for record {named}, which is not its first"),
            Why::EmptyFile => f.write_str("a rotated file is empty"),
            Why::HeadMismatch { head_seq, last_seq } if last_seq < head_seq => write!(
                f,
                "the log ends at record {last_seq} but {HEAD} names record {head_seq}: records {}..={head_seq} \
                 were cut from the end",
                last_seq + 1
            ),
            Why::HeadMismatch { head_seq, last_seq } if last_seq > head_seq => {
                write!(f, "the log runs on to record {last_seq} past {HEAD}, which names record {head_seq}")
            }
            Why::HeadMismatch { head_seq, .. } => {
                write!(f, "the last record is not the record {head_seq} that {HEAD} names (it was replaced)")
            }
            Why::HeadMissing => write!(f, "missing while the log holds records (deleted?)"),
            Why::HeadDamaged(e) => write!(f, "damaged: {e}"),
            Why::LogMissing { head_seq } => {
                write!(f, "{HEAD} names record {head_seq} but the log and its rotated files are gone")
            }
            Why::Io(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for Broken {}

impl Log {
    /// Checks the whole log and its head.
    ///
    /// # Errors
    /// The first problem found, with its file, line and record.
    pub fn verify(&self) -> Result<Summary, Broken> {
        let head_path = self.dir.join(HEAD);
        let log_path = self.dir.join(LOG);
        let io = |file: &PathBuf, e: std::io::Error| Broken {
            file: file.clone(),
            line: 0,
            seq: None,
            why: Why::Io(e.to_string()),
        };
        let snap = self.snapshot().map_err(|e| io(&self.dir, e))?;
        let head = match snap.head.as_deref() {
            None | Some([]) => None,
            Some(bytes) => Some(Head::decode(&self.key, bytes).map_err(|e| Broken {
                file: head_path.clone(),
                line: 0,
                seq: None,
                why: Why::HeadDamaged(e),
            })?),
        };
        let (mut expected, mut hash, mut before) = (1u64, ZERO.to_string(), ZERO.to_string());
        let mut first_seq = 0;
        for part in &snap.parts {
            let bytes = part.bytes().map_err(|e| io(&part.path, e))?;
            let at = |line: usize, seq: Option<u64>, why: Why| Broken { file: part.path.clone(), line, seq, why };
            if bytes.is_empty() && part.named.is_some() {
                return Err(at(0, None, Why::EmptyFile));
            }
            let mut rest = &bytes[..];
            let mut number = 0;
            while !rest.is_empty() {
                number += 1;
                let Some(end) = rest.iter().position(|&b| b == b'\n') else {
                    return Err(at(number, None, Why::Incomplete));
                };
                let (line, tail) = (&rest[..end], &rest[end + 1..]);
                rest = tail;
                let r = check_line(&self.key, line).map_err(|(seq, why)| at(number, seq, why))?;
                if r.seq != expected {
                    // A file that starts late but whose name fits its first record lost
                    // what came before it; anything else is a record missing or moved.
                    let why = if number == 1 && r.seq > expected && part.named.is_none_or(|n| n == r.seq) {
                        Why::FileStart { expected, found: r.seq }
                    } else {
                        Why::Seq { expected, found: r.seq }
                    };
                    return Err(at(number, Some(r.seq), why));
                }
                if r.prev != hash {
                    return Err(at(number, Some(r.seq), Why::Prev));
                }
                if number == 1 {
                    if let Some(named) = part.named.filter(|&n| n != r.seq) {
                        return Err(at(0, Some(r.seq), Why::Name { named }));
                    }
                }
                if first_seq == 0 {
                    first_seq = r.seq;
                }
                before = std::mem::replace(&mut hash, r.hash);
                expected += 1;
            }
        }
        let last_seq = expected - 1;
        let summary = Summary { records: last_seq, files: snap.parts.len(), first_seq, last_seq };
        let Some(head) = head else {
            return if last_seq == 0 {
                Ok(summary)
            } else {
                Err(Broken { file: head_path, line: 0, seq: None, why: Why::HeadMissing })
            };
        };
        // The head names the last record, or the one before it when an append died
        // between writing its record and rewriting the head (the next append rolls on).
        if (head.seq == last_seq && head.hash == hash)
            || (head.seq.checked_add(1) == Some(last_seq) && head.hash == before)
        {
            return Ok(summary);
        }
        if snap.parts.is_empty() {
            return Err(Broken { file: log_path, line: 0, seq: None, why: Why::LogMissing { head_seq: head.seq } });
        }
        let file = snap.parts.last().map_or(log_path, |p| p.path.clone());
        Err(Broken { file, line: 0, seq: None, why: Why::HeadMismatch { head_seq: head.seq, last_seq } })
    }
}
