//! Every occurrence of a set of literal words in a long input, fast: the first pass of
//! both detectors (secret anchors, injection trigger words).
//!
//! An Aho–Corasick automaton (ASCII case-insensitive, every match reported, overlapping
//! ones too) is built here as a dense table and stepped by hand over four slices of the
//! input at once. A step is a load that depends on the previous one, so one walk runs at
//! the latency of that load; four independent walks keep the core busy and make the pass
//! three to four times faster than one walk. Each slice starts `longest word - 1` bytes
//! early and keeps only the words that end inside it, so nothing is missed or reported
//! twice at the seams.
//!
//! The table is laid out for that loop: a state is the index of its row (premultiplied
//! by the row length, one entry per byte class), a match state carries [`MATCH`] in its
//! top bit, so that four steps are checked for matches with one test, and the table's
//! length is a power of two, so that masking an index (which also drops [`MATCH`])
//! proves it in bounds without a branch.
//!
//! Building the table takes a millisecond or so, so callers build it once per process
//! and only for long inputs; short ones are better served by a direct search.

/// One occurrence: (word index, start, end).
pub type Hit = (usize, usize, usize);

/// The bit of a state id that marks a match state.
const MATCH: u32 = 1 << 31;

/// The compiled word set.
#[derive(Debug)]
pub struct Words {
    /// `trans[(state & !MATCH) + class]`: the next state; length a power of two.
    trans: Vec<u32>,
    /// The class of each byte: an ASCII letter shares its class with its other case,
    /// bytes in no word share class 0.
    classes: [u8; 256],
    /// Row length (the number of classes).
    stride: usize,
    /// For the state of row `r`, `out[ends[r]..ends[r + 1]]` are the words that end there.
    ends: Vec<u32>,
    out: Vec<u32>,
    /// Word lengths, by index.
    lens: Vec<usize>,
    /// The longest word's length.
    longest: usize,
}

impl Words {
    /// The automaton of `words` (matched ASCII case-insensitively), or `None` if it
    /// cannot be built (a word is empty, or the table would be too large).
    pub fn new<I, P>(words: I) -> Option<Self>
    where
        I: IntoIterator<Item = P>,
        P: AsRef<[u8]>,
    {
        let words: Vec<Vec<u8>> = words.into_iter().map(|w| w.as_ref().to_vec()).collect();
        if words.iter().any(Vec::is_empty) {
            return None;
        }
        // Byte classes: one per distinct byte of the words (letters folded), 0 for the rest.
        let mut classes = [0u8; 256];
        let mut stride = 1usize;
        for &b in words.iter().flatten() {
            let b = b.to_ascii_lowercase();
            if classes[usize::from(b)] == 0 {
                classes[usize::from(b)] = u8::try_from(stride).ok()?;
                stride += 1;
            }
        }
        for b in b'A'..=b'Z' {
            classes[usize::from(b)] = classes[usize::from(b.to_ascii_lowercase())];
        }
        // The trie: `next[row * stride + class]`, NONE where there is no edge.
        const NONE: u32 = u32::MAX;
        let mut next: Vec<u32> = vec![NONE; stride];
        let mut own: Vec<Vec<u32>> = vec![Vec::new()];
        for (i, w) in words.iter().enumerate() {
            let mut row = 0usize;
            for &b in w {
                let at = row * stride + usize::from(classes[usize::from(b)]);
                if next[at] == NONE {
                    next[at] = u32::try_from(own.len()).ok()?;
                    next.resize(next.len() + stride, NONE);
                    own.push(Vec::new());
                }
                row = next[at] as usize;
            }
            own[row].push(u32::try_from(i).ok()?);
        }
        let rows = own.len();
        // Premultiplied row starts must fit below MATCH.
        let size = rows.checked_mul(stride).filter(|&n| n.next_power_of_two() <= MATCH as usize)?;
        // Breadth first: a row's failure row is shallower, so already complete.
        let mut fail = vec![0usize; rows];
        let mut outs: Vec<Vec<u32>> = vec![Vec::new(); rows];
        let mut queue = std::collections::VecDeque::new();
        for t in &mut next[..stride] {
            match *t {
                NONE => *t = 0,
                child => queue.push_back(child as usize),
            }
        }
        while let Some(row) = queue.pop_front() {
            let mut o = own[row].clone();
            o.extend_from_slice(&outs[fail[row]]);
            outs[row] = o;
            for c in 0..stride {
                let via_fail = next[fail[row] * stride + c];
                match next[row * stride + c] {
                    NONE => next[row * stride + c] = via_fail,
                    child => {
                        fail[child as usize] = via_fail as usize;
                        queue.push_back(child as usize);
                    }
                }
            }
        }
        // State ids: premultiplied rows, MATCH on those where a word ends.
        let id = |row: usize| {
            let flag = if outs[row].is_empty() { 0 } else { MATCH };
            u32::try_from(row * stride).unwrap_or(0) | flag
        };
        let mut trans = vec![0u32; size.next_power_of_two()];
        for (t, &row) in trans.iter_mut().zip(&next) {
            *t = id(row as usize);
        }
        let mut ends = vec![0u32];
        let mut out = Vec::new();
        for o in &outs {
            out.extend_from_slice(o);
            ends.push(u32::try_from(out.len()).ok()?);
        }
        let lens: Vec<usize> = words.iter().map(Vec::len).collect();
        let longest = lens.iter().copied().max().unwrap_or(0);
        Some(Self { trans, classes, stride, ends, out, lens, longest })
    }

    /// Appends every occurrence of every word in `input` to `hits`, overlapping ones
    /// too, in no particular order.
    pub fn hits(&self, input: &[u8], hits: &mut Vec<Hit>) {
        const K: usize = 4;
        let n = input.len();
        let overlap = self.longest.saturating_sub(1);
        // Walk k reports the words that end in (bound[k], bound[k + 1]].
        let bound: [usize; K + 1] = std::array::from_fn(|k| n * k / K);
        let lo: [usize; K] = std::array::from_fn(|k| bound[k].saturating_sub(overlap));
        let hi: [usize; K] = std::array::from_fn(|k| bound[k + 1]);
        let m = (0..K).map(|k| hi[k] - lo[k]).min().unwrap_or(0);
        let record = |hits: &mut Vec<Hit>, sid: u32, end: usize, k: usize| {
            if sid & MATCH != 0 && (k == 0 || end > bound[k]) {
                let row = (sid & !MATCH) as usize / self.stride;
                let words = &self.out[self.ends[row] as usize..self.ends[row + 1] as usize];
                for &w in words {
                    let len = self.lens[w as usize];
                    hits.push((w as usize, end - len, end));
                }
            }
        };
        let slices =
            [&input[lo[0]..lo[0] + m], &input[lo[1]..lo[1] + m], &input[lo[2]..lo[2] + m], &input[lo[3]..lo[3] + m]];
        let mut s = [0u32; K];
        let mut j = 0;
        while j < m {
            j = self.walk(slices, &mut s, j);
            for k in 0..K {
                record(hits, s[k], lo[k] + j, k);
            }
        }
        let t = &self.trans[..];
        let mask = t.len() - 1;
        for k in 0..K {
            let mut sid = s[k];
            for (p, &b) in input.iter().enumerate().take(hi[k]).skip(lo[k] + m) {
                sid = t[(sid as usize + usize::from(self.classes[usize::from(b)])) & mask];
                record(hits, sid, p + 1, k);
            }
        }
    }

    /// Steps the four walks in states `s` over `slices[k][from..]` (all of one length)
    /// until one of them reaches a match state, or to the end; returns the offset past
    /// the byte that got there. Kept apart so that nothing but the walks competes for
    /// registers in the loop.
    #[inline(never)]
    fn walk(&self, slices: [&[u8]; 4], s: &mut [u32; 4], from: usize) -> usize {
        let t = &self.trans[..];
        // `& mask` keeps an index in bounds (the length is a power of two) and drops MATCH.
        let mask = t.len() - 1;
        let classes = &self.classes;
        // States as usize: the load widens them, no extension per step.
        let step = |s: usize, b: u8| t[(s + usize::from(classes[usize::from(b)])) & mask] as usize;
        let [a, b, c, d] = slices;
        let m = a.len();
        let (b, c, d) = (&b[..m], &c[..m], &d[..m]);
        // Four locals rather than an array, so the states stay in registers.
        let [mut s0, mut s1, mut s2, mut s3] = s.map(|s| s as usize);
        let mut j = from;
        while j < m {
            s0 = step(s0, a[j]);
            s1 = step(s1, b[j]);
            s2 = step(s2, c[j]);
            s3 = step(s3, d[j]);
            j += 1;
            if (s0 | s1 | s2 | s3) & MATCH as usize != 0 {
                break;
            }
        }
        // Every state id came from `trans`, so fits in a u32.
        *s = [s0, s1, s2, s3].map(|s| u32::try_from(s).unwrap_or(0));
        j
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every occurrence, by brute force.
    fn direct<W: AsRef<[u8]>>(words: &[W], input: &[u8]) -> Vec<Hit> {
        let mut out = Vec::new();
        for i in 0..input.len() {
            for (k, w) in words.iter().enumerate() {
                let w = w.as_ref();
                if input.get(i..i + w.len()).is_some_and(|s| s.eq_ignore_ascii_case(w)) {
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

        /// Any word set (duplicates, words inside others, either case, any bytes) over
        /// any input: the table's walk finds what a direct search finds.
        #[test]
        fn any_words_agree_with_a_direct_search(
            words in proptest::collection::vec(
                proptest::collection::vec(proptest::sample::select(b"aAbB\xc3\x00-".to_vec()), 1..6), 1..12),
            input in proptest::collection::vec(proptest::sample::select(b"aAbBc\xc3\x00-".to_vec()), 0..300),
        ) {
            let w = Words::new(&words).expect("builds");
            let mut hits = Vec::new();
            w.hits(&input, &mut hits);
            hits.sort_unstable();
            proptest::prop_assert_eq!(hits, direct(&words, &input));
        }
    }

    #[test]
    fn an_empty_word_is_refused() {
        assert!(Words::new(["a", ""]).is_none());
    }
}
