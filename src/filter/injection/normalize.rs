//! Normalization of a region of raw bytes into the text the families read, with a map
//! from every byte of that text back to the bytes of the input it came from.
//!
//! The normal form is: lowercase; Latin look-alikes folded to ASCII (Cyrillic and Greek
//! homoglyphs, fullwidth forms, mathematical and enclosed alphanumerics, accented Latin
//! letters, typographic quotes and dashes); invisible characters (zero-width, bidi
//! controls, soft hyphen, variation selectors, the byte-order mark) removed; Unicode
//! tag characters (U+E0020–U+E007E) replaced by the ASCII they encode; every run of
//! whitespace collapsed to one `'\n'` when it holds a line break, else to one `' '`.
//! Bytes that are not UTF-8 become a space.
//!
//! Invariants: `starts` has one entry per byte of `text`, the offset in the original
//! input of the character it came from, non-decreasing along `text`; so any span of
//! `text` maps back to a span of the input that covers the bytes it came from.
//! This module never fails and never panics, whatever the bytes.

/// A region of the input in normal form.
pub(super) struct Normalized {
    /// The normal form (valid UTF-8; ASCII except for letters with no ASCII look-alike).
    pub text: Vec<u8>,
    /// Per byte of `text`: where its source character starts in the input.
    starts: Vec<usize>,
}

impl Normalized {
    /// The span of `input` (the whole input the offsets refer to) that `text[a..b]` came
    /// from (`a < b <= text.len()`).
    pub fn span(&self, input: &[u8], a: usize, b: usize) -> (usize, usize) {
        let last = b.saturating_sub(1).max(a);
        match (self.starts.get(a), self.starts.get(last)) {
            (Some(&s), Some(&l)) => {
                let len = char_len(input, l);
                (s, (l + len).max(s).min(input.len()))
            }
            _ => (0, 0),
        }
    }
}

/// The length of the UTF-8 character starting at `i` (1 for ASCII or an invalid byte).
pub(super) fn char_len(input: &[u8], i: usize) -> usize {
    let want = match input.get(i) {
        Some(0xC2..=0xDF) => 2,
        Some(0xE0..=0xEF) => 3,
        Some(0xF0..=0xF4) => 4,
        _ => return 1,
    };
    match input.get(i..i + want).map(std::str::from_utf8) {
        Some(Ok(_)) => want,
        _ => 1,
    }
}

/// The character at `i` (None for an invalid sequence) and its length in bytes (>= 1).
pub(super) fn char_at(input: &[u8], i: usize) -> (Option<char>, usize) {
    let len = char_len(input, i);
    match input.get(i..i + len) {
        Some(s) if len > 1 => (std::str::from_utf8(s).ok().and_then(|s| s.chars().next()), len),
        Some(s) => (s.first().filter(|b| b.is_ascii()).map(|&b| char::from(b)), 1),
        None => (None, 1),
    }
}

/// What one input character becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    /// Shown as this (already folded and lowercased) character.
    Char(char),
    /// Whitespace; `true` for a line break.
    Space(bool),
    /// Invisible; dropped.
    Invisible,
}

/// Tag characters U+E0020–U+E007E spell ASCII invisibly.
pub(super) fn tag_ascii(c: char) -> Option<char> {
    let v = u32::from(c);
    if (0xE0020..=0xE007E).contains(&v) {
        char::from_u32(v - 0xE0000)
    } else {
        None
    }
}

/// Characters that render as nothing (or only steer layout) and can hide or split text.
pub(super) fn is_invisible(c: char) -> bool {
    matches!(u32::from(c),
        0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
        | 0xFEFF | 0xFFA0 | 0xFFF9..=0xFFFB | 0x1D173..=0x1D17A | 0xE0000..=0xE001F
        | 0xE007F..=0xE0FFF)
}

/// Bidi override controls (LRO, RLO), which reorder what a reader sees.
pub(super) fn is_bidi_override(c: char) -> bool {
    matches!(c, '\u{202D}' | '\u{202E}')
}

/// Zero-width characters that can split a word without showing.
pub(super) fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}')
}

/// Classifies one character.
pub(super) fn classify(c: char) -> Class {
    if c.is_ascii() {
        return match c {
            '\n' | '\r' | '\x0B' | '\x0C' => Class::Space(true),
            ' ' | '\t' => Class::Space(false),
            _ if c.is_ascii_control() => Class::Space(false),
            _ => Class::Char(c.to_ascii_lowercase()),
        };
    }
    if let Some(a) = tag_ascii(c) {
        return classify(a);
    }
    if is_invisible(c) {
        return Class::Invisible;
    }
    if matches!(c, '\u{2028}' | '\u{2029}' | '\u{0085}') {
        return Class::Space(true);
    }
    if c.is_whitespace() {
        return Class::Space(false);
    }
    if let Some(a) = fold(c) {
        return Class::Char(a);
    }
    Class::Char(c.to_lowercase().next().unwrap_or(c))
}

/// The ASCII character `c` looks like, if it is a common look-alike of one.
pub(super) fn fold(c: char) -> Option<char> {
    let v = u32::from(c);
    let ascii = |n: u32| char::from_u32(n).map(|a| a.to_ascii_lowercase());
    match v {
        // Fullwidth ASCII.
        0xFF01..=0xFF5E => ascii(v - 0xFEE0),
        // Mathematical alphanumeric letters: 13 alphabets of A–Z a–z.
        0x1D400..=0x1D6A3 => ascii(u32::from(b'a') + (v - 0x1D400) % 52 % 26),
        // Mathematical digits: 5 sets of 0–9.
        0x1D7CE..=0x1D7FF => ascii(u32::from(b'0') + (v - 0x1D7CE) % 10),
        // Circled, parenthesized, squared and regional-indicator letters.
        0x24B6..=0x24CF => ascii(u32::from(b'a') + v - 0x24B6),
        0x24D0..=0x24E9 => ascii(u32::from(b'a') + v - 0x24D0),
        0x249C..=0x24B5 => ascii(u32::from(b'a') + v - 0x249C),
        0x1F130..=0x1F149 => ascii(u32::from(b'a') + v - 0x1F130),
        0x1F150..=0x1F169 => ascii(u32::from(b'a') + v - 0x1F150),
        0x1F170..=0x1F189 => ascii(u32::from(b'a') + v - 0x1F170),
        0x1F1E6..=0x1F1FF => ascii(u32::from(b'a') + v - 0x1F1E6),
        _ => fold_table(c),
    }
}

/// Look-alikes that follow no arithmetic rule.
fn fold_table(c: char) -> Option<char> {
    let a = match c {
        // Latin-1 and Latin Extended-A letters with diacritics.
        'À'..='Å' | 'à'..='å' | 'Ā'..='ą' => 'a',
        'Ç' | 'ç' | 'Ć'..='č' => 'c',
        'È'..='Ë' | 'è'..='ë' | 'Ē'..='ě' => 'e',
        'Ì'..='Ï' | 'ì'..='ï' | 'Ĩ'..='ı' => 'i',
        'Ñ' | 'ñ' | 'Ń'..='ň' => 'n',
        'Ò'..='Ö' | 'Ø' | 'ò'..='ö' | 'ø' | 'Ō'..='ő' => 'o',
        'Ù'..='Ü' | 'ù'..='ü' | 'Ũ'..='ų' => 'u',
        'Ý' | 'ý' | 'ÿ' | 'Ŷ' | 'ŷ' | 'Ÿ' => 'y',
        'Ď'..='đ' => 'd',
        'Ĝ'..='ģ' => 'g',
        'Ĥ'..='ħ' => 'h',
        'Ĵ' | 'ĵ' => 'j',
        'Ķ' | 'ķ' => 'k',
        'Ĺ'..='ł' => 'l',
        'Ŕ'..='ř' => 'r',
        'Ś'..='š' => 's',
        'Ţ'..='ŧ' => 't',
        'Ŵ' | 'ŵ' => 'w',
        'Ź'..='ž' => 'z',
        // Cyrillic homoglyphs.
        'а' | 'А' | 'ӓ' => 'a',
        'В' | 'ь' | 'Ь' => 'b',
        'с' | 'С' | 'ҫ' => 'c',
        'ԁ' => 'd',
        'е' | 'Е' | 'ё' | 'Ё' | 'є' => 'e',
        'һ' | 'Һ' | 'Н' => 'h',
        'і' | 'І' | 'ї' | 'Ї' | 'ӏ' | 'Ӏ' => 'i',
        'ј' | 'Ј' => 'j',
        'к' | 'К' => 'k',
        'М' | 'м' => 'm',
        'п' => 'n',
        'о' | 'О' | 'ӧ' => 'o',
        'р' | 'Р' => 'p',
        'ԛ' | 'Ԛ' => 'q',
        'г' => 'r',
        'ѕ' | 'Ѕ' => 's',
        'Т' | 'т' => 't',
        'ц' => 'u',
        'ѵ' | 'Ѵ' => 'v',
        'ԝ' | 'Ԝ' | 'ш' => 'w',
        'х' | 'Х' => 'x',
        'у' | 'У' | 'Ү' | 'ү' => 'y',
        // Greek homoglyphs.
        'α' | 'Α' | 'ά' => 'a',
        'Β' | 'β' => 'b',
        'ϲ' | 'Ϲ' => 'c',
        'ε' | 'Ε' | 'έ' => 'e',
        'Η' => 'h',
        'ι' | 'Ι' | 'ί' | 'ϊ' => 'i',
        'ϳ' => 'j',
        'κ' | 'Κ' => 'k',
        'Μ' => 'm',
        'Ν' | 'η' => 'n',
        'ο' | 'Ο' | 'ό' | 'σ' => 'o',
        'ρ' | 'Ρ' => 'p',
        'τ' | 'Τ' => 't',
        'υ' | 'ύ' | 'μ' => 'u',
        'ν' => 'v',
        'ω' => 'w',
        'χ' | 'Χ' => 'x',
        'γ' | 'Υ' => 'y',
        'Ζ' => 'z',
        // Armenian and other Latin look-alikes.
        'օ' | 'ℴ' => 'o',
        'ս' => 'u',
        'հ' | 'ℎ' => 'h',
        'ո' => 'n',
        'ɡ' | 'ℊ' => 'g',
        'ɑ' => 'a',
        'ℓ' | 'ǀ' | 'ⅼ' => 'l',
        'ⅰ' => 'i',
        'ⅴ' => 'v',
        'ⅹ' => 'x',
        'ⅽ' => 'c',
        'ⅾ' => 'd',
        'ⅿ' => 'm',
        'ℯ' | 'ℰ' => 'e',
        'ℂ' => 'c',
        'ℍ' => 'h',
        'ℕ' => 'n',
        'ℙ' => 'p',
        'ℚ' => 'q',
        'ℝ' => 'r',
        'ℤ' => 'z',
        'ß' => 's',
        'ᴀ' => 'a',
        'ʙ' => 'b',
        'ᴄ' => 'c',
        'ᴅ' => 'd',
        'ᴇ' => 'e',
        'ɢ' => 'g',
        'ʜ' => 'h',
        'ɪ' => 'i',
        'ᴊ' => 'j',
        'ᴋ' => 'k',
        'ʟ' => 'l',
        'ᴍ' => 'm',
        'ɴ' => 'n',
        'ᴏ' => 'o',
        'ᴘ' => 'p',
        'ʀ' => 'r',
        'ꜱ' => 's',
        'ᴛ' => 't',
        'ᴜ' => 'u',
        'ᴠ' => 'v',
        'ᴡ' => 'w',
        'ʏ' => 'y',
        'ᴢ' => 'z',
        // Punctuation.
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{00B4}' | '\u{02BC}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}' | '\u{00BB}' => '"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' => '-',
        '\u{2024}' | '\u{FE52}' => '.',
        '\u{2039}' | '\u{FE64}' => '<',
        '\u{203A}' | '\u{FE65}' => '>',
        '\u{FF5C}' | '\u{2223}' => '|',
        _ => return None,
    };
    Some(a)
}

/// Is `c` a non-ASCII character that can hide or disguise text (invisible, a tag
/// character, or a look-alike of an ASCII letter)? The prefilter opens a region around
/// such characters.
///
/// Accented Latin letters and typographic punctuation fold too, but are ordinary in
/// prose, so they do not count; `Strong` means the character is suspicious on its own,
/// `Mixed` that it is only when it touches an ASCII letter (a homoglyph inside a word).
pub(super) fn disguise(c: char) -> Option<Disguise> {
    let v = u32::from(c);
    if c.is_ascii() || (0x00C0..=0x017F).contains(&v) || (0x2010..=0x206F).contains(&v) {
        return if is_invisible(c) { Some(Disguise::Strong) } else { None };
    }
    if is_invisible(c) || tag_ascii(c).is_some() {
        return Some(Disguise::Strong);
    }
    match v {
        0xFF01..=0xFF5E | 0x1D400..=0x1D7FF | 0x2460..=0x24FF | 0x1F130..=0x1F189 => Some(Disguise::Strong),
        _ if fold(c).is_some() => Some(Disguise::Mixed),
        _ => None,
    }
}

/// How suspicious a disguising character is (see [`disguise`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Disguise {
    /// Suspicious wherever it appears.
    Strong,
    /// Suspicious next to an ASCII letter.
    Mixed,
}

/// Normalizes `input`; the offsets in the map are those of `input` plus `base`.
pub(super) fn normalize(input: &[u8], base: usize) -> Normalized {
    let mut n = Normalized { text: Vec::with_capacity(input.len()), starts: Vec::with_capacity(input.len()) };
    // Whether the last byte pushed is a collapsed whitespace run, and its index.
    let mut space_at: Option<usize> = None;
    let mut i = 0;
    while i < input.len() {
        let b = input[i];
        if b.is_ascii() {
            match b {
                b'\n' | b'\r' | 0x0B | 0x0C => push_space(&mut n, &mut space_at, true, base + i),
                b' ' | b'\t' | 0..=0x1F | 0x7F => push_space(&mut n, &mut space_at, false, base + i),
                _ => {
                    space_at = None;
                    n.text.push(b.to_ascii_lowercase());
                    n.starts.push(base + i);
                }
            }
            i += 1;
            continue;
        }
        let (c, len) = char_at(input, i);
        match c.map_or(Class::Space(false), classify) {
            Class::Invisible => {}
            Class::Space(nl) => push_space(&mut n, &mut space_at, nl, base + i),
            Class::Char(c) => {
                space_at = None;
                let mut buf = [0u8; 4];
                let enc = c.encode_utf8(&mut buf);
                n.text.extend_from_slice(enc.as_bytes());
                n.starts.extend(std::iter::repeat_n(base + i, enc.len()));
            }
        }
        i += len;
    }
    n
}

/// Appends whitespace, merging it into the run just before (a line break wins).
fn push_space(n: &mut Normalized, space_at: &mut Option<usize>, newline: bool, at: usize) {
    match *space_at {
        Some(k) => {
            if newline {
                if let Some(last) = n.text.get_mut(k) {
                    *last = b'\n';
                }
            }
        }
        None => {
            *space_at = Some(n.text.len());
            n.text.push(if newline { b'\n' } else { b' ' });
            n.starts.push(at);
        }
    }
}

/// ROT13 of ASCII letters (length- and offset-preserving).
pub(super) fn rot13(text: &[u8]) -> Vec<u8> {
    text.iter()
        .map(|&c| match c {
            b'a'..=b'm' | b'A'..=b'M' => c + 13,
            b'n'..=b'z' | b'N'..=b'Z' => c - 13,
            _ => c,
        })
        .collect()
}
