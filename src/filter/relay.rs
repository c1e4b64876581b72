//! The filter applied to one output stream of a command on its way back to the agent:
//! secrets redacted (or annotated), prompt-injection text annotated (or redacted), a
//! stream blocked when policy says so, and an output cap, all in bounded memory.
//!
//! [`Stream::push`] takes bytes as they are read and returns the bytes to write;
//! [`Stream::finish`] flushes the rest at the end. Invariants:
//! - **Bounded memory**: at most the bytes of one read plus a carry-over window of
//!   [`WINDOW`] bytes are held. The window is what lets a secret split across two
//!   reads still be caught: bytes are released only once every match that could
//!   cover them has been seen whole (no rule matches more than [`WINDOW`] bytes).
//! - **Order**: bytes leave in the order they came, only replaced or annotated.
//! - **Binary-safe**: a stream whose first bytes hold a NUL, or any chunk that does,
//!   passes through unmodified (after what was held is released).
//! - **Latency**: [`Stream::idle`] releases held whole lines when the command pauses,
//!   so interactive output is not held back for want of more bytes.

use super::{injection, secret, Finding, Kind};

/// Bytes held back for matches that may continue in the next read.
pub const WINDOW: usize = 4096;

/// What a filter does with what it finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Nothing.
    Off,
    /// Keep the text, add a visible `[tako: …]` line after it.
    Annotate,
    /// Replace the text with `[REDACTED:rule]`.
    Redact,
    /// Stop relaying and end the command.
    Block,
}

impl Mode {
    /// Parses `off`, `annotate`, `redact`, `block`.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "off" => Self::Off,
            "annotate" => Self::Annotate,
            "redact" => Self::Redact,
            "block" => Self::Block,
            _ => return None,
        })
    }

    /// Its name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Annotate => "annotate",
            Self::Redact => "redact",
            Self::Block => "block",
        }
    }
}

/// The modes of one stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Modes {
    /// For secrets.
    pub secrets: Mode,
    /// For prompt-injection text.
    pub injection: Mode,
    /// Per rule family (by [`super::family_slot`]), overriding its kind's mode.
    pub families: [Option<Mode>; super::FAMILY_SLOTS],
}

impl Modes {
    /// These kind modes, no family set apart.
    #[must_use]
    pub const fn new(secrets: Mode, injection: Mode) -> Self {
        Self { secrets, injection, families: [None; super::FAMILY_SLOTS] }
    }

    /// Whether anything is looked for.
    #[must_use]
    pub fn active(self) -> bool {
        self.wants(Kind::Secret) || self.wants(Kind::Injection)
    }

    /// Whether findings of `kind` matter (its mode, or one of its families', is not off).
    #[must_use]
    pub fn wants(self, kind: Kind) -> bool {
        self.kind(kind) != Mode::Off
            || super::families().any(|(i, k, _)| k == kind && self.families[i].is_some_and(|m| m != Mode::Off))
    }

    const fn kind(self, kind: Kind) -> Mode {
        match kind {
            Kind::Secret => self.secrets,
            Kind::Injection => self.injection,
        }
    }

    /// The mode for one finding: its family's, else its kind's.
    fn of(self, f: &Finding) -> Mode {
        super::finding_slot(f).and_then(|i| self.families[i]).unwrap_or(self.kind(f.kind))
    }
}

/// Why a stream was blocked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocked {
    /// What was found.
    pub kind: Kind,
    /// By which rule.
    pub rule: &'static str,
}

/// A detector: the findings in bytes, for the kinds the modes look for.
pub type Detector = fn(&[u8], Modes) -> Vec<Finding>;

/// The secret and injection detectors of [`super`].
#[must_use]
pub fn detect(bytes: &[u8], modes: Modes) -> Vec<Finding> {
    if modes.wants(Kind::Secret) && modes.wants(Kind::Injection) {
        return super::find_both(bytes);
    }
    let mut all = Vec::new();
    if modes.wants(Kind::Secret) {
        all.extend(secret::find(bytes));
    }
    if modes.wants(Kind::Injection) {
        all.extend(injection::find(bytes));
    }
    all
}

/// The filter state of one stream.
#[derive(Debug)]
pub struct Stream {
    detector: Detector,
    modes: Modes,
    cap: Option<u64>,
    held: Vec<u8>,
    /// Annotation lines waiting for the end of the line they follow.
    notes: Vec<String>,
    written: u64,
    dropped: u64,
    binary: bool,
    started: bool,
    blocked: Option<Blocked>,
    /// The last byte written ended a line (or nothing was written).
    line_start: bool,
}

impl Stream {
    /// A stream filtered with `modes` and capped at `cap` bytes written (`None`: no cap).
    #[must_use]
    pub fn new(modes: Modes, cap: Option<u64>) -> Self {
        Self::with_detector(modes, cap, detect)
    }

    /// A stream with another detector (tests).
    #[must_use]
    pub fn with_detector(modes: Modes, cap: Option<u64>, detector: Detector) -> Self {
        Self {
            detector,
            modes,
            cap,
            held: Vec::new(),
            notes: Vec::new(),
            written: 0,
            dropped: 0,
            binary: false,
            started: false,
            blocked: None,
            line_start: true,
        }
    }

    /// Why the stream was blocked, once it was.
    #[must_use]
    pub const fn blocked(&self) -> Option<&Blocked> {
        self.blocked.as_ref()
    }

    /// Takes `chunk`, appends what may be written to `out`.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        if self.blocked.is_some() {
            return;
        }
        // memchr rather than `contains`: this looks at every byte relayed.
        let binary = memchr::memchr(0, chunk).is_some();
        if !self.started {
            self.started = true;
            self.binary = binary;
        }
        if self.binary || binary || !self.modes.active() {
            self.release(self.held.len(), true, out);
            self.emit(chunk, out);
            return;
        }
        self.held.extend_from_slice(chunk);
        if self.held.len() > 2 * WINDOW {
            self.release(self.held.len() - WINDOW, false, out);
        }
    }

    /// The command paused: releases held whole lines (all of it when `all`).
    pub fn idle(&mut self, all: bool, out: &mut Vec<u8>) {
        if self.blocked.is_some() || self.held.is_empty() {
            return;
        }
        let upto = if all { self.held.len() } else { self.held.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1) };
        if upto > 0 {
            self.release(upto, all, out);
        }
    }

    /// The stream ended: releases everything, and the cap's marker.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        if self.blocked.is_none() {
            self.release(self.held.len(), true, out);
            for n in std::mem::take(&mut self.notes) {
                self.note(&n, out);
            }
        }
        if self.dropped > 0 {
            out.extend_from_slice(
                format!(
                    "\n[tako: output truncated at {} bytes; {} more bytes were dropped]\n",
                    self.written, self.dropped
                )
                .as_bytes(),
            );
        }
    }

    /// Findings of the active detectors in the held bytes, without overlaps.
    fn findings(&self) -> Vec<Finding> {
        let mut all = (self.detector)(&self.held, self.modes);
        all.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
        let mut out: Vec<Finding> = Vec::with_capacity(all.len());
        for f in all {
            if out.last().is_none_or(|l| f.start >= l.end) {
                out.push(f);
            }
        }
        out
    }

    /// Releases the held bytes before `upto` (moved back so that no finding is cut;
    /// to the last line end before it unless `exact`).
    fn release(&mut self, upto: usize, exact: bool, out: &mut Vec<u8>) {
        if self.held.is_empty() {
            return;
        }
        let findings = if self.modes.active() && !self.binary { self.findings() } else { Vec::new() };
        let mut cut = upto.min(self.held.len());
        if let Some(f) = findings.iter().find(|f| f.start < cut && f.end > cut) {
            cut = f.start;
        }
        if !exact {
            if let Some(nl) = self.held[..cut].iter().rposition(|b| *b == b'\n') {
                cut = nl + 1;
            }
        }
        let held = std::mem::take(&mut self.held);
        let released: Vec<&Finding> = findings.iter().filter(|f| f.end <= cut).collect();
        let mut at = 0;
        for (i, f) in released.iter().enumerate() {
            match self.modes.of(f) {
                Mode::Off => continue,
                Mode::Block => {
                    self.emit(&held[at..f.start], out);
                    self.blocked = Some(Blocked { kind: f.kind, rule: f.rule });
                    let what = if f.kind == Kind::Secret { "a secret" } else { "possible prompt injection" };
                    out.extend_from_slice(
                        format!("\n[tako: output blocked: {what} ({}); the command was stopped]\n", f.rule).as_bytes(),
                    );
                    return;
                }
                Mode::Redact => {
                    self.emit(&held[at..f.start], out);
                    self.emit(format!("[REDACTED:{}]", f.rule).as_bytes(), out);
                }
                Mode::Annotate => {
                    self.emit(&held[at..f.end], out);
                    self.notes.push(annotation(f, &held));
                }
            }
            at = f.end;
            // Notes go after the line that holds what they mark, if it ends before the
            // next finding.
            let bound = released.get(i + 1).map_or(cut, |n| n.start);
            self.flush_notes(&held, &mut at, bound, out);
        }
        self.flush_notes(&held, &mut at, cut, out);
        self.emit(&held[at..cut], out);
        self.held = held;
        self.held.drain(..cut);
    }

    /// Writes the waiting notes after the next line end in `held[at..bound]`, writing
    /// the bytes up to it and advancing `at`.
    fn flush_notes(&mut self, held: &[u8], at: &mut usize, bound: usize, out: &mut Vec<u8>) {
        if self.notes.is_empty() || *at >= bound {
            return;
        }
        if let Some(nl) = held[*at..bound].iter().position(|b| *b == b'\n') {
            self.emit(&held[*at..=*at + nl], out);
            *at += nl + 1;
            for n in std::mem::take(&mut self.notes) {
                self.note(&n, out);
            }
        }
    }

    fn note(&mut self, line: &str, out: &mut Vec<u8>) {
        if !self.line_start {
            out.push(b'\n');
        }
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
        self.line_start = true;
    }

    /// Writes `bytes` within the cap.
    fn emit(&mut self, bytes: &[u8], out: &mut Vec<u8>) {
        let room =
            self.cap.map_or(usize::MAX, |c| usize::try_from(c.saturating_sub(self.written)).unwrap_or(usize::MAX));
        let n = bytes.len().min(room);
        out.extend_from_slice(&bytes[..n]);
        if let Some(b) = bytes[..n].last() {
            self.line_start = *b == b'\n';
        }
        self.written += n as u64;
        self.dropped += (bytes.len() - n) as u64;
    }
}

/// The visible line marking a finding.
fn annotation(f: &Finding, held: &[u8]) -> String {
    match f.kind {
        Kind::Secret => format!("[tako: secret in the output above ({})]", f.rule),
        Kind::Injection => {
            let text = String::from_utf8_lossy(&held[f.start..f.end]);
            format!("[tako: possible prompt injection ({}): {}]", f.rule, crate::term::sanitize_short(&text, 80))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Finds `KEY-` followed by 8 or more letters (a secret) and `OBEY ME` (an injection).
    fn fake(bytes: &[u8], _: Modes) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut i = 0;
        while i + 4 <= bytes.len() {
            if bytes[i..].starts_with(b"KEY-") {
                let n = bytes[i + 4..].iter().take_while(|b| b.is_ascii_alphabetic()).count();
                if n >= 8 {
                    out.push(Finding { kind: Kind::Secret, rule: "fake-key", start: i, end: i + 4 + n });
                    i += 4 + n;
                    continue;
                }
            }
            if bytes[i..].starts_with(b"OBEY ME") {
                out.push(Finding { kind: Kind::Injection, rule: "fake-obey", start: i, end: i + 7 });
            }
            i += 1;
        }
        out
    }

    const DEFAULT: Modes = Modes::new(Mode::Redact, Mode::Annotate);

    /// Relays `chunks` one push each, then finishes.
    fn relay(modes: Modes, cap: Option<u64>, chunks: &[&[u8]]) -> (String, Option<Blocked>) {
        let mut s = Stream::with_detector(modes, cap, fake);
        let mut out = Vec::new();
        for c in chunks {
            s.push(c, &mut out);
        }
        s.finish(&mut out);
        (String::from_utf8_lossy(&out).into_owned(), s.blocked().cloned())
    }

    #[test]
    fn secrets_are_redacted_even_split_across_reads() {
        let (out, _) = relay(DEFAULT, None, &[b"token: KEY-abcd", b"efghij done\n"]);
        assert_eq!(out, "token: [REDACTED:fake-key] done\n");
        // Split at every position of a long stream, with the secret far from the start.
        let text = format!("{}KEY-abcdefghij\n{}", "x\n".repeat(3000), "y\n".repeat(3000));
        let want = text.replace("KEY-abcdefghij", "[REDACTED:fake-key]");
        for cut in (5990..6020).chain([1, 4095, 4096, 8191, 8192, 9000]) {
            let (a, b) = text.as_bytes().split_at(cut.min(text.len()));
            assert_eq!(relay(DEFAULT, None, &[a, b]).0, want, "cut at {cut}");
        }
        // Byte by byte.
        let bytes = text.as_bytes();
        let chunks: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(relay(DEFAULT, None, &chunks).0, want);
    }

    #[test]
    fn injections_are_annotated_after_their_line() {
        let (out, _) = relay(DEFAULT, None, &[b"readme says OBEY ME now\nnext line\n"]);
        assert_eq!(out, "readme says OBEY ME now\n[tako: possible prompt injection (fake-obey): OBEY ME]\nnext line\n");
        let (out, _) = relay(DEFAULT, None, &[b"no newline OBEY ME"]);
        assert_eq!(out, "no newline OBEY ME\n[tako: possible prompt injection (fake-obey): OBEY ME]\n");
        let both = Modes::new(Mode::Annotate, Mode::Redact);
        let (out, _) = relay(both, None, &[b"KEY-abcdefghij OBEY ME\n"]);
        assert_eq!(out, "KEY-abcdefghij [REDACTED:fake-obey]\n[tako: secret in the output above (fake-key)]\n");
    }

    #[test]
    fn block_stops_the_stream() {
        let modes = Modes::new(Mode::Block, Mode::Annotate);
        let (out, blocked) = relay(modes, None, &[b"line one\nthen KEY-abcdefghij and more\n", b"never shown\n"]);
        assert_eq!(out, "line one\nthen \n[tako: output blocked: a secret (fake-key); the command was stopped]\n");
        assert_eq!(blocked, Some(Blocked { kind: Kind::Secret, rule: "fake-key" }));
    }

    #[test]
    fn binary_and_unfiltered_streams_pass_through() {
        let bin: &[u8] = b"\x00\x01KEY-abcdefghij\xff";
        assert_eq!(relay(DEFAULT, None, &[bin]).0.as_bytes(), String::from_utf8_lossy(bin).as_bytes());
        let mut s = Stream::with_detector(DEFAULT, None, fake);
        let mut out = Vec::new();
        s.push(b"\x00KEY-abcdefghij", &mut out);
        s.push(b"KEY-abcdefghij", &mut out);
        assert_eq!(out, b"\x00KEY-abcdefghijKEY-abcdefghij", "a stream that starts binary stays binary");
        let off = Modes::new(Mode::Off, Mode::Off);
        assert_eq!(relay(off, None, &[b"KEY-abcdefghij OBEY ME\n"]).0, "KEY-abcdefghij OBEY ME\n");
    }

    #[test]
    fn the_cap_truncates_with_a_marker() {
        let (out, _) = relay(DEFAULT, Some(10), &[b"0123456789abcdef", b"ghij"]);
        assert_eq!(out, "0123456789\n[tako: output truncated at 10 bytes; 10 more bytes were dropped]\n");
        let (out, _) = relay(DEFAULT, Some(100), &[b"short\n"]);
        assert_eq!(out, "short\n");
    }

    #[test]
    fn idle_releases_whole_lines_and_keeps_memory_bounded() {
        let mut s = Stream::with_detector(DEFAULT, None, fake);
        let mut out = Vec::new();
        s.push(b"prompt> partial KEY-abc", &mut out);
        s.push(b"\nwaiting", &mut out);
        assert!(out.is_empty(), "held for the window");
        s.idle(false, &mut out);
        assert_eq!(out, b"prompt> partial KEY-abc\n");
        s.idle(true, &mut out);
        assert_eq!(out, b"prompt> partial KEY-abc\nwaiting");
        for _ in 0..1000 {
            s.push(&[b'z'; 1000], &mut out);
            assert!(s.held.len() <= 2 * WINDOW + 1000, "held {}", s.held.len());
        }
    }

    #[test]
    fn a_family_mode_overrides_its_kind() {
        use crate::filter::family_slot;
        let text = "key AKIAIOSFODNN7EXAMPLQ and jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U\n";
        let mut modes = Modes::new(Mode::Redact, Mode::Off);
        modes.families[family_slot("jwt").unwrap().0] = Some(Mode::Off);
        let mut s = Stream::new(modes, None);
        let mut out = Vec::new();
        s.push(text.as_bytes(), &mut out);
        s.finish(&mut out);
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("[REDACTED:aws-access-key-id]"), "{out}");
        assert!(out.contains("eyJhbGciOiJIUzI1NiJ9."), "the jwt family is off: {out}");

        // Kinds off, one family on: the detectors still run for it.
        let mut modes = Modes::new(Mode::Off, Mode::Off);
        modes.families[family_slot("cloud").unwrap().0] = Some(Mode::Block);
        assert!(modes.active());
        let mut s = Stream::new(modes, None);
        let mut out = Vec::new();
        s.push(text.as_bytes(), &mut out);
        s.finish(&mut out);
        assert!(s.blocked().is_some_and(|b| b.rule == "aws-access-key-id"), "{}", String::from_utf8_lossy(&out));
    }
}
