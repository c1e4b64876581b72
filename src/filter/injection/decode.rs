//! Decoders for payloads hidden in an encoding: base64 (standard and URL-safe, also
//! wrapped over several lines), base32, hexadecimal (bare runs and `\xHH` escapes) and
//! URL percent-encoding. ROT13 is handled by the caller on normalized text, because it
//! keeps every offset.
//!
//! [`segments`] finds candidate runs in the raw input with a byte-class scan (no
//! allocation unless a run is long enough), decodes them, and keeps only those whose
//! decoding looks like text, so that hashes, keys and binary blobs cost nothing after the
//! scan. Each [`Segment`] records the span of the encoded bytes, which is the span a
//! finding in its decoded text reports.
//!
//! Bounds: a run is decoded from at most [`super::MAX_SPAN`] encoded bytes, so a segment
//! never spans more than that. Nothing here panics: every index is checked.

use super::MAX_SPAN;

/// The shortest encoded run worth decoding (a few words of text).
const MIN_RUN: usize = 20;
/// A wrapped base64 block: lines at least this long may continue on the next line.
const MIN_WRAPPED_LINE: usize = 40;

/// An encoded run and what it decodes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Segment {
    /// Start of the encoded bytes in the input.
    pub start: usize,
    /// End of the encoded bytes in the input.
    pub end: usize,
    /// The decoded bytes (text-like, by construction).
    pub text: Vec<u8>,
}

/// Bit set per byte: member of the base64 alphabet (with URL-safe `-` `_` and `=`).
const fn b64_class() -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=' || b == b'-' || b == b'_';
        i += 1;
    }
    t
}
static B64: [bool; 256] = b64_class();

/// Every encoded segment of `input` whose decoding looks like text.
pub(super) fn segments(input: &[u8]) -> Vec<Segment> {
    let mut out = Vec::new();
    alphabet_runs(input, &mut out);
    escape_runs(input, b'%', &mut out);
    escape_runs(input, b'\\', &mut out);
    out
}

/// Runs of the base64 alphabet (which contains those of hex and base32).
fn alphabet_runs(input: &[u8], out: &mut Vec<Segment>) {
    let n = input.len();
    let in_class = |j: usize| input.get(j).is_some_and(|&b| B64[usize::from(b)]);
    let mut i = 0;
    while i + MIN_RUN <= n {
        // A run of MIN_RUN bytes starting in i..=j contains j: look there first.
        let j = i + MIN_RUN - 1;
        if !in_class(j) {
            i = j + 1;
            continue;
        }
        let mut start = j;
        while start > i && in_class(start - 1) {
            start -= 1;
        }
        if start == i {
            while start > 0 && in_class(start - 1) {
                start -= 1;
            }
        }
        i = j + 1;
        while i < n && in_class(i) {
            i += 1;
        }
        if i - start < MIN_RUN {
            continue;
        }
        // A wrapped block: long lines of the alphabet, each ending in a line break.
        // Every line but the last has the first line's width and no padding.
        let width = i - start;
        let mut pieces = vec![(start, i)];
        let mut line_len = width;
        while line_len == width && width >= MIN_WRAPPED_LINE && input.get(i - 1) != Some(&b'=') {
            let mut j = i;
            if input.get(j) == Some(&b'\r') {
                j += 1;
            }
            if input.get(j) != Some(&b'\n') {
                break;
            }
            j += 1;
            let s = j;
            while j < n && B64[usize::from(input[j])] {
                j += 1;
            }
            let at_eol = j == n || matches!(input.get(j), Some(b'\r' | b'\n'));
            if j - s < 4 || j - s > width || !at_eol {
                break;
            }
            pieces.push((s, j));
            line_len = j - s;
            i = j;
        }
        let end = i;
        let mut run: Vec<u8> = Vec::with_capacity(end - start);
        let mut used_end = start;
        for &(s, e) in &pieces {
            let room = MAX_SPAN.saturating_sub(used_end - start).min(e - s);
            run.extend_from_slice(&input[s..s + room]);
            used_end = s + room;
            if room < e - s {
                break;
            }
        }
        if let Some(text) = decode_run(&run) {
            out.push(Segment { start, end: used_end.max(start + 1).min(end), text });
        }
    }
}

/// Decodes a run of the base64 alphabet as hex, base32 or base64, whichever gives text.
fn decode_run(run: &[u8]) -> Option<Vec<u8>> {
    let body: &[u8] = {
        let mut e = run.len();
        while e > 0 && run[e - 1] == b'=' {
            e -= 1;
        }
        &run[..e]
    };
    if body.len() < MIN_RUN || body.contains(&b'=') {
        return None;
    }
    if body.iter().all(u8::is_ascii_hexdigit) {
        if let Some(t) = hex(body).filter(|t| looks_like_text(t)) {
            return Some(t);
        }
    }
    let b32 = |b: &u8| b.is_ascii_uppercase() || (b'2'..=b'7').contains(b);
    if body.iter().all(b32) {
        if let Some(t) = base32(body).filter(|t| looks_like_text(t)) {
            return Some(t);
        }
    }
    base64(body).filter(|t| looks_like_text(t))
}

/// Bare hex pairs.
fn hex(s: &[u8]) -> Option<Vec<u8>> {
    let s = &s[..s.len() & !1];
    s.chunks_exact(2).map(|p| Some(nibble(p[0])? << 4 | nibble(p[1])?)).collect()
}

fn nibble(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Base32 (RFC 4648 alphabet), without padding.
fn base32(s: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 5 / 8);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in s {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'2'..=b'7' => b - b'2' + 26,
            _ => return None,
        };
        acc = (acc << 5 | u32::from(v)) & 0xFFFF;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

/// Base64, standard or URL-safe alphabet, without padding.
fn base64(s: &[u8]) -> Option<Vec<u8>> {
    crate::base64::decode(s, crate::base64::Skip::Nothing)
}

/// Runs of `%HH` (URL encoding, with `+` as space) or `\xHH` escapes.
fn escape_runs(input: &[u8], lead: u8, out: &mut Vec<Segment>) {
    let mut from = 0;
    while let Some(off) = memchr::memchr(lead, &input[from..]) {
        let start = from + off;
        let mut i = start;
        let mut text = Vec::new();
        let mut escapes = 0usize;
        while i < input.len() && i - start < MAX_SPAN {
            match escape_at(input, i, lead) {
                Some((b, len)) => {
                    text.push(b);
                    escapes += 1;
                    i += len;
                }
                None => {
                    let b = input[i];
                    let plain = if lead == b'%' {
                        b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'~' | b'-' | b'+')
                    } else {
                        false
                    };
                    if !plain {
                        break;
                    }
                    text.push(if b == b'+' { b' ' } else { b });
                    i += 1;
                }
            }
        }
        if escapes >= 6 && text.len() >= MIN_RUN / 2 && looks_like_text(&text) {
            out.push(Segment { start, end: i, text });
        }
        from = i.max(start + 1);
        if from >= input.len() {
            break;
        }
    }
}

/// The escape (`%HH` or `\xHH`) at `i`: the byte and the escape's length.
fn escape_at(input: &[u8], i: usize, lead: u8) -> Option<(u8, usize)> {
    if input.get(i) != Some(&lead) {
        return None;
    }
    let (h, len) = if lead == b'%' { (i + 1, 3) } else { (i + 2, 4) };
    if lead == b'\\' && !matches!(input.get(i + 1), Some(b'x' | b'X')) {
        return None;
    }
    let hi = nibble(*input.get(h)?)?;
    let lo = nibble(*input.get(h + 1)?)?;
    Some((hi << 4 | lo, len))
}

/// Does `t` read as text: valid UTF-8, almost no control characters, some spaces?
pub(super) fn looks_like_text(t: &[u8]) -> bool {
    if t.len() < 8 {
        return false;
    }
    let Ok(s) = std::str::from_utf8(t) else {
        return false;
    };
    let (mut total, mut bad, mut spaces) = (0usize, 0usize, 0usize);
    for c in s.chars() {
        total += 1;
        if c == ' ' || c == '\n' {
            spaces += 1;
        } else if c.is_control() && c != '\t' && c != '\r' {
            bad += 1;
        }
    }
    spaces > 0 && bad * 20 <= total
}
