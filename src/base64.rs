//! Base64, the standard and URL-safe alphabets alike: one decoder for the analyzer
//! (`base64 -d` fed a known string, `atob(…)` in inline code), the secret detectors
//! (a JWT's header) and the injection detector (encoded payloads), and the encoder
//! `base64` itself is modelled with.

/// What a decoder passes over besides the alphabet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// Nothing: any other byte makes the input invalid.
    Nothing,
    /// `=` padding and line breaks (`\n`, `\r`).
    Padding,
    /// Padding, line breaks, spaces and tabs (what `base64 -d` accepts).
    Whitespace,
}

/// The value of a byte of either alphabet.
const fn value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// Decodes `s` into `out`, stopping once `out` holds `max` bytes; `false` on a byte
/// that is neither of the alphabets nor skipped.
pub fn decode_into(s: &[u8], skip: Skip, max: usize, out: &mut Vec<u8>) -> bool {
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in s {
        let Some(v) = value(c) else {
            let skipped = match skip {
                Skip::Nothing => false,
                Skip::Padding => matches!(c, b'=' | b'\n' | b'\r'),
                Skip::Whitespace => matches!(c, b'=' | b'\n' | b'\r' | b' ' | b'\t'),
            };
            if skipped {
                continue;
            }
            return false;
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).unwrap_or(0));
            acc &= (1 << bits) - 1;
            if out.len() >= max {
                break;
            }
        }
    }
    true
}

/// The bytes `s` decodes to, or `None` when it is not base64.
#[must_use]
pub fn decode(s: &[u8], skip: Skip) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    decode_into(s, skip, usize::MAX, &mut out).then_some(out)
}

/// Standard base64 with padding, as `base64` prints it (with its final newline).
#[must_use]
pub fn encode_line(b: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(b.len().div_ceil(3) * 4 + 1);
    for chunk in b.chunks(3) {
        let n = chunk.iter().fold(0u32, |acc, &x| (acc << 8) | u32::from(x)) << (8 * (3 - chunk.len()));
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_alphabets_and_what_is_skipped() {
        assert_eq!(decode(b"cm0gLXJmIC8=", Skip::Padding).as_deref(), Some(b"rm -rf /".as_slice()));
        assert_eq!(decode(b"cm0gLXJmIC8=", Skip::Nothing), None, "padding is not skipped");
        assert_eq!(decode(b"cm0g LXJm\nIC8=", Skip::Whitespace).as_deref(), Some(b"rm -rf /".as_slice()));
        assert_eq!(decode(b"cm0g LXJm", Skip::Padding), None);
        // `?>` is `Pz4` in the standard alphabet; `-_` stand for `+/` in the URL-safe one.
        assert_eq!(decode(b"Pz4-", Skip::Nothing), decode(b"Pz4+", Skip::Nothing));
        assert_eq!(decode(b"a_8", Skip::Nothing), decode(b"a/8", Skip::Nothing));
        let mut out = Vec::new();
        assert!(decode_into(b"eyJhbGciOiJIUzI1NiJ9", Skip::Padding, 4, &mut out));
        assert_eq!(out, b"{\"al");
    }

    #[test]
    fn encoding_round_trips() {
        for s in [&b""[..], b"a", b"ab", b"abc", b"rm -rf /", &[0, 255, 128, 7]] {
            let line = encode_line(s);
            assert!(line.ends_with('\n'));
            assert_eq!(decode(line.trim_end().as_bytes(), Skip::Padding).as_deref(), Some(s));
        }
        assert_eq!(encode_line(b"rm -rf /"), "cm0gLXJmIC8=\n");
    }
}
