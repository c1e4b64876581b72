//! Every occurrence of a set of literal words in a long input, fast: the first pass of
//! both detectors (secret anchors, injection trigger words).
//!
//! An Aho–Corasick DFA (the `aho-corasick` crate's, ASCII case-insensitive, overlapping
//! matches) is stepped by hand over four slices of the input at once. A DFA step is a
//! load that depends on the previous one, so one walk runs at the latency of that load;
//! four independent walks keep the core busy and make the pass three to four times
//! faster than the crate's own search loop. Each slice starts `longest word - 1` bytes
//! early and keeps only the words that end inside it, so nothing is missed or reported
//! twice at the seams.
//!
//! Building the DFA takes milliseconds, so callers build it once per process and only
//! for long inputs; short ones are better served by a direct search.

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind, StartKind};

/// One occurrence: (word index, start, end).
pub type Hit = (usize, usize, usize);

/// The compiled word set.
#[derive(Debug)]
pub struct Words {
    dfa: DFA,
}

impl Words {
    /// The automaton of `words` (matched ASCII case-insensitively), or `None` if it
    /// cannot be built (too large).
    pub fn new<I, P>(words: I) -> Option<Self>
    where
        I: IntoIterator<Item = P>,
        P: AsRef<[u8]>,
    {
        let dfa = DFA::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .start_kind(StartKind::Unanchored)
            .prefilter(false)
            .build(words)
            .ok()?;
        Some(Self { dfa })
    }

    /// Appends every occurrence of every word in `input` to `hits`, overlapping ones
    /// too, in no particular order.
    pub fn hits(&self, input: &[u8], hits: &mut Vec<Hit>) {
        const K: usize = 4;
        let dfa = &self.dfa;
        let Ok(start) = dfa.start_state(Anchored::No) else { return };
        let n = input.len();
        let overlap = dfa.max_pattern_len().saturating_sub(1);
        // Walk k reports the words that end in (bound[k], bound[k + 1]].
        let bound: [usize; K + 1] = std::array::from_fn(|k| n * k / K);
        let lo: [usize; K] = std::array::from_fn(|k| bound[k].saturating_sub(overlap));
        let hi: [usize; K] = std::array::from_fn(|k| bound[k + 1]);
        let m = (0..K).map(|k| hi[k] - lo[k]).min().unwrap_or(0);
        let record = |hits: &mut Vec<Hit>, sid, end: usize, k: usize| {
            if dfa.is_match(sid) && (k == 0 || end > bound[k]) {
                for i in 0..dfa.match_len(sid) {
                    let pid = dfa.match_pattern(sid, i);
                    let len = dfa.pattern_len(pid);
                    hits.push((pid.as_usize(), end - len, end));
                }
            }
        };
        let (a, b, c, d) =
            (&input[lo[0]..lo[0] + m], &input[lo[1]..lo[1] + m], &input[lo[2]..lo[2] + m], &input[lo[3]..lo[3] + m]);
        // Four locals rather than an array, so the states stay in registers.
        let (mut s0, mut s1, mut s2, mut s3) = (start, start, start, start);
        for j in 0..m {
            s0 = dfa.next_state(Anchored::No, s0, a[j]);
            s1 = dfa.next_state(Anchored::No, s1, b[j]);
            s2 = dfa.next_state(Anchored::No, s2, c[j]);
            s3 = dfa.next_state(Anchored::No, s3, d[j]);
            if dfa.is_special(s0) | dfa.is_special(s1) | dfa.is_special(s2) | dfa.is_special(s3) {
                record(hits, s0, lo[0] + j + 1, 0);
                record(hits, s1, lo[1] + j + 1, 1);
                record(hits, s2, lo[2] + j + 1, 2);
                record(hits, s3, lo[3] + j + 1, 3);
            }
        }
        let s = [s0, s1, s2, s3];
        for k in 0..K {
            let mut sid = s[k];
            for (p, &b) in input.iter().enumerate().take(hi[k]).skip(lo[k] + m) {
                sid = dfa.next_state(Anchored::No, sid, b);
                if dfa.is_special(sid) {
                    record(hits, sid, p + 1, k);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every occurrence, by brute force.
    fn direct(words: &[&str], input: &[u8]) -> Vec<Hit> {
        let mut out = Vec::new();
        for i in 0..input.len() {
            for (k, w) in words.iter().enumerate() {
                if input.get(i..i + w.len()).is_some_and(|s| s.eq_ignore_ascii_case(w.as_bytes())) {
                    out.push((k, i, i + w.len()));
                }
            }
        }
        out.sort_unstable();
        out
    }

    const WORDS: &[&str] = &["ab", "abc", "bca", "c", "xyzzy", "Zz"];

    #[test]
    fn finds_overlapping_words_in_any_case_across_the_seams() {
        let w = Words::new(WORDS).expect("builds");
        for input in [&b""[..], b"a", b"abc", b"ABCA xyzzy zzz", b"cabcabcabcabcabcabcab", b"xyzzyxyzzyxyzzyxyzz"] {
            let mut hits = Vec::new();
            w.hits(input, &mut hits);
            hits.sort_unstable();
            assert_eq!(hits, direct(WORDS, input), "{:?}", String::from_utf8_lossy(input));
        }
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_a_direct_search(parts in proptest::collection::vec(
            proptest::sample::select(vec!["ab", "C", "x", "yzzy", " ", "zZ", "q"]), 0..200)) {
            let input = parts.concat();
            let w = Words::new(WORDS).expect("builds");
            let mut hits = Vec::new();
            w.hits(input.as_bytes(), &mut hits);
            hits.sort_unstable();
            proptest::prop_assert_eq!(hits, direct(WORDS, input.as_bytes()));
        }
    }
}
