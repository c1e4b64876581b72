//! The search behind [`super::find`]: find every anchor of every rule (ASCII
//! case-insensitively, overlapping ones too), then run each rule's matcher only where
//! its anchors are.
//!
//! Anchors are found in one of two ways:
//!
//! * Long inputs (the output relay, `scan` of a file) go through the interleaved DFA of
//!   [`crate::filter::anchors`]. It takes a millisecond or so to build, once per process,
//!   the first time a long input is seen.
//! * Short inputs (a command line to redact) are checked position by position against
//!   the anchors that start with the same two bytes: no automaton to build, so a command
//!   costs microseconds.
//!
//! Regex rules run in windows (`back` bytes before an anchor to `ahead` bytes after it,
//! followed to the end of the token there); the windows of one rule are merged before
//! the regex runs, so a burst of anchors costs one search. The regexes are built the
//! first time an anchor of theirs appears.
//!
//! Nothing here panics on input: every range is clamped to the input and checked before
//! it is reported.

use std::sync::OnceLock;

use regex::bytes::{Regex, RegexBuilder};

use crate::filter::anchors::{Hit, Words};

use super::{rules, Matcher, Raw, Rule, MAX_SECRET_LEN};

/// Inputs at least this long are searched with the DFA.
const DFA_FROM: usize = 16 * 1024;

/// How far past a window's end a run of token bytes is followed.
const TOKEN_RUN: usize = 512;

struct Engine {
    rules: Vec<&'static Rule>,
    /// The distinct anchors, lowercase.
    anchors: Vec<&'static str>,
    /// For each anchor, the rules that use it.
    by_anchor: Vec<Vec<usize>>,
    /// The rules without anchors.
    scans: Vec<usize>,
    /// For each pair of (lowercase) first bytes, the anchors that start with it.
    by_pair: Vec<(u16, Vec<usize>)>,
    /// Bit `a * 256 + b` is set when some anchor starts with the bytes `a`, `b`.
    pairs: Vec<u64>,
    dfa: OnceLock<Option<Words>>,
    regexes: Vec<OnceLock<Option<Regex>>>,
}

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let rules: Vec<&'static Rule> = rules().collect();
        let mut anchors: Vec<&'static str> = Vec::new();
        let mut by_anchor: Vec<Vec<usize>> = Vec::new();
        let mut scans = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            if matches!(r.matcher, Matcher::Scan(_)) {
                scans.push(i);
            }
            for a in r.anchors {
                if let Some(k) = anchors.iter().position(|x| x == a) {
                    if !by_anchor[k].contains(&i) {
                        by_anchor[k].push(i);
                    }
                } else {
                    anchors.push(a);
                    by_anchor.push(vec![i]);
                }
            }
        }
        let mut pairs = vec![0u64; 1024];
        let mut by_pair: Vec<(u16, Vec<usize>)> = Vec::new();
        for (k, a) in anchors.iter().enumerate() {
            let b = a.as_bytes();
            let key = pair(b.first().copied().unwrap_or(0), b.get(1).copied().unwrap_or(0));
            pairs[usize::from(key) / 64] |= 1 << (key % 64);
            match by_pair.binary_search_by_key(&key, |e| e.0) {
                Ok(j) => by_pair[j].1.push(k),
                Err(j) => by_pair.insert(j, (key, vec![k])),
            }
        }
        let regexes = rules.iter().map(|_| OnceLock::new()).collect();
        Engine { rules, anchors, by_anchor, scans, by_pair, pairs, dfa: OnceLock::new(), regexes }
    })
}

/// The bucket of two lowercase bytes.
fn pair(a: u8, b: u8) -> u16 {
    u16::from(a.to_ascii_lowercase()) << 8 | u16::from(b.to_ascii_lowercase())
}

/// Every rule, indexed as in [`Raw::rule`].
pub(super) fn catalog() -> &'static [&'static Rule] {
    &engine().rules
}

impl Engine {
    fn dfa(&self) -> Option<&Words> {
        self.dfa.get_or_init(|| Words::new(&self.anchors)).as_ref()
    }

    fn regex(&self, i: usize) -> Option<&Regex> {
        let Matcher::Regex { re, .. } = self.rules[i].matcher else { return None };
        self.regexes[i].get_or_init(|| compile(re)).as_ref()
    }

    /// Every occurrence of every anchor: (anchor, start, end).
    fn anchor_hits(&self, input: &[u8]) -> Vec<(usize, usize, usize)> {
        let mut hits = Vec::new();
        if input.len() >= DFA_FROM {
            if let Some(dfa) = self.dfa() {
                dfa.hits(input, &mut hits);
                return hits;
            }
        }
        for i in 0..input.len() {
            let key = pair(input[i], input.get(i + 1).copied().unwrap_or(0));
            if self.pairs[usize::from(key) / 64] >> (key % 64) & 1 == 0 {
                continue;
            }
            let Ok(j) = self.by_pair.binary_search_by_key(&key, |e| e.0) else { continue };
            for &k in &self.by_pair[j].1 {
                let a = self.anchors[k].as_bytes();
                if input.get(i..i + a.len()).is_some_and(|w| w.eq_ignore_ascii_case(a)) {
                    hits.push((k, i, i + a.len()));
                }
            }
        }
        hits
    }
}

/// Builds a rule's pattern in ASCII mode (`\w`, `\b`, `\s`, `\d` are ASCII, and `.`
/// matches any byte but `\n`).
pub(super) fn compile(re: &str) -> Option<Regex> {
    RegexBuilder::new(re).unicode(false).build().ok()
}

/// The raw matches of every rule (or only of rule `only`) in `input`.
pub(super) fn run(input: &[u8], only: Option<usize>) -> Vec<Raw> {
    run_with(input, engine().anchor_hits(input), only)
}

/// The anchors, lowercase, in the order [`run_with`]'s hits number them.
pub(super) fn anchors() -> &'static [&'static str] {
    &engine().anchors
}

/// [`run`], given every occurrence of every anchor in `input` (in any order).
pub(super) fn run_with(input: &[u8], hits: Vec<Hit>, only: Option<usize>) -> Vec<Raw> {
    let e = engine();
    let mut raw = Vec::new();
    let mut windows: Vec<(usize, usize, usize)> = Vec::new();
    for (k, s, t) in hits {
        for &r in &e.by_anchor[k] {
            if only.is_some_and(|o| o != r) {
                continue;
            }
            match e.rules[r].matcher {
                Matcher::Regex { back, ahead, .. } => {
                    let start = s.saturating_sub(back.saturating_add(1));
                    let end = t.saturating_add(ahead).min(input.len());
                    windows.push((r, start, end));
                }
                Matcher::Custom(f) => {
                    if let Some((a, b)) = f(input, s, t) {
                        push(&mut raw, input, r, a, b);
                    }
                }
                Matcher::Scan(_) => {}
            }
        }
    }
    for &r in &e.scans {
        if only.is_some_and(|o| o != r) {
            continue;
        }
        if let Matcher::Scan(f) = e.rules[r].matcher {
            let mut found = Vec::new();
            f(input, &mut found);
            for (s, t) in found {
                push(&mut raw, input, r, s, t);
            }
        }
    }
    windows.sort_unstable();
    let mut i = 0;
    while i < windows.len() {
        let (r, start, mut end) = windows[i];
        let mut j = i + 1;
        while j < windows.len() && windows[j].0 == r && windows[j].1 <= end {
            end = end.max(windows[j].2);
            j += 1;
        }
        search(e, input, r, start, end, &mut raw);
        i = j;
    }
    raw
}

/// Runs rule `r`'s regex over matches that start in `input[start..end]`.
fn search(e: &Engine, input: &[u8], r: usize, start: usize, end: usize, raw: &mut Vec<Raw>) {
    let Matcher::Regex { check, .. } = e.rules[r].matcher else { return };
    let Some(re) = e.regex(r) else { return };
    let hay = &input[..token_end(input, end)];
    let mut locs = re.capture_locations();
    let mut at = start;
    while at < hay.len() {
        let Some(m) = re.captures_read_at(&mut locs, hay, at) else { break };
        if m.start() > end {
            break;
        }
        let (s, t) = (1..locs.len()).find_map(|g| locs.get(g)).unwrap_or((m.start(), m.end()));
        if t > s && check(&input[s..t]) {
            push(raw, input, r, s, t);
        }
        // Resume just past the secret: the guard byte a match consumed after it may be
        // the guard byte before the next one.
        at = if t > at { t } else { m.end().max(at + 1) };
    }
}

/// `end`, moved past the run of token bytes it falls in (bounded), so that a token
/// crossing a window's end is seen whole.
fn token_end(input: &[u8], end: usize) -> usize {
    let end = end.min(input.len());
    let limit = input.len().min(end.saturating_add(TOKEN_RUN));
    let mut i = end;
    while i < limit && is_token_byte(input[i]) {
        i += 1;
    }
    i
}

/// A byte that may be part of a token (anything but blanks, quotes and brackets).
const fn is_token_byte(b: u8) -> bool {
    !(b.is_ascii_whitespace()
        || matches!(
            b,
            b'"' | b'\'' | b'`' | b'<' | b'>' | b'(' | b')' | b'[' | b']' | b'{' | b'}' | b',' | b';' | b'|'
        ))
}

fn push(raw: &mut Vec<Raw>, input: &[u8], rule: usize, start: usize, end: usize) {
    if start < end && end <= input.len() && end - start <= MAX_SECRET_LEN {
        raw.push(Raw { start, end, rule });
    }
}

/// Both anchor searches must agree, on any input.
#[cfg(test)]
pub(super) fn both_searches(input: &[u8]) -> (Vec<Hit>, Vec<Hit>) {
    let e = engine();
    let mut by_dfa = Vec::new();
    if let Some(dfa) = e.dfa() {
        dfa.hits(input, &mut by_dfa);
    }
    let mut direct = Vec::new();
    for i in 0..input.len() {
        for (k, a) in e.anchors.iter().enumerate() {
            if input.get(i..i + a.len()).is_some_and(|w| w.eq_ignore_ascii_case(a.as_bytes())) {
                direct.push((k, i, i + a.len()));
            }
        }
    }
    by_dfa.sort_unstable();
    direct.sort_unstable();
    (by_dfa, direct)
}
