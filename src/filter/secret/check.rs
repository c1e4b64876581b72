//! Checks on a candidate secret's bytes: masks and placeholders (`xxxx`, `****`,
//! `<your-token>`, `${VAR}`), entropy and character classes, JWT headers.
//!
//! Every function takes the value alone (no context) and is total: any bytes in, a
//! `bool` or a number out.

/// Shannon entropy of `v` in bits per byte.
#[must_use]
pub fn entropy(v: &[u8]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in v {
        counts[usize::from(b)] += 1;
    }
    #[allow(clippy::cast_precision_loss)]
    let n = v.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// The number of distinct bytes in `v`.
#[must_use]
pub fn distinct(v: &[u8]) -> usize {
    let mut seen = [false; 256];
    let mut n = 0;
    for &b in v {
        if !seen[usize::from(b)] {
            seen[usize::from(b)] = true;
            n += 1;
        }
    }
    n
}

/// Has at least one ASCII letter and one ASCII digit.
#[must_use]
pub fn letters_and_digits(v: &[u8]) -> bool {
    v.iter().any(u8::is_ascii_alphabetic) && v.iter().any(u8::is_ascii_digit)
}

/// Has at least `n` uppercase and `n` lowercase ASCII letters.
#[must_use]
pub fn mixed_case(v: &[u8], n: usize) -> bool {
    v.iter().filter(|b| b.is_ascii_uppercase()).count() >= n && v.iter().filter(|b| b.is_ascii_lowercase()).count() >= n
}

/// `v` contains `needle`, ASCII case-insensitively.
#[must_use]
pub fn contains_ci(v: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || v.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
}

/// The longest run of one byte in `v` that is one of `set`.
fn longest_run(v: &[u8], set: &[u8]) -> usize {
    let (mut best, mut run, mut prev) = (0, 0, None);
    for &b in v {
        if set.contains(&b) && prev == Some(b) {
            run += 1;
        } else {
            run = usize::from(set.contains(&b));
        }
        prev = Some(b);
        best = best.max(run);
    }
    best
}

/// A masked or elided value: `xxxx`, `XXXX`, `****`, `####`, `…`, `0000000000`.
#[must_use]
pub fn masked(v: &[u8]) -> bool {
    if longest_run(v, b"xX*#") >= 4 || longest_run(v, b".") >= 3 || longest_run(v, b"0") >= 10 {
        return true;
    }
    let marks = v.iter().filter(|b| matches!(b, b'x' | b'X' | b'*' | b'#')).count();
    marks * 2 >= v.len() || contains_ci(v, "\u{2026}".as_bytes())
}

/// Repeats a unit of at most `max` bytes all along (`abcabcabc`), at least three times.
#[must_use]
pub fn periodic(v: &[u8], max: usize) -> bool {
    (1..=max.min(v.len() / 3)).any(|p| v.iter().enumerate().skip(p).all(|(i, b)| *b == v[i - p]))
}

/// Words that mark a documented placeholder rather than a value.
const PLACEHOLDER_WORDS: &[&[u8]] =
    &[b"your", b"placeholder", b"changeme", b"change_me", b"change-me", b"redacted", b"dummy", b"insert", b"replace"];

/// A token-shaped value that is a mask or an obvious placeholder (`ghp_xxxx…`,
/// `sk-…your-key…`); used by the prefix rules.
#[must_use]
pub fn token(v: &[u8]) -> bool {
    !masked(v) && !PLACEHOLDER_WORDS.iter().any(|w| contains_ci(v, w))
}

/// A token with letters and digits and some spread (≥ 3 bits per byte).
#[must_use]
pub fn random(v: &[u8]) -> bool {
    token(v) && letters_and_digits(v) && entropy(v) >= 3.0
}

/// A token that mixes cases (at least two of each) and is not masked.
#[must_use]
pub fn mixed(v: &[u8]) -> bool {
    token(v) && mixed_case(v, 2)
}

/// A token with uppercase and lowercase letters and digits.
#[must_use]
pub fn mixed_alnum(v: &[u8]) -> bool {
    token(v) && mixed_case(v, 1) && v.iter().any(u8::is_ascii_digit)
}

/// A token with letters and digits.
#[must_use]
pub fn alnum(v: &[u8]) -> bool {
    token(v) && letters_and_digits(v)
}

/// A value that is not a placeholder: no reference, mask or documented stand-in.
#[must_use]
pub fn value(v: &[u8]) -> bool {
    !placeholder(v)
}

/// The value of an `Authorization` header: not a placeholder, not one repeated byte.
#[must_use]
pub fn header(v: &[u8]) -> bool {
    !placeholder(v) && distinct(v) >= 4
}

/// Decodes base64 or base64url (padding and line breaks ignored) into `out`, up to
/// `max` bytes; `false` on a byte outside the alphabets.
pub fn base64_decode(s: &[u8], max: usize, out: &mut Vec<u8>) -> bool {
    crate::base64::decode_into(s, crate::base64::Skip::Padding, max, out)
}

/// A JWT (or JWS/JWE): the header segment decodes to JSON naming an `"alg"`.
#[must_use]
pub fn jwt(v: &[u8]) -> bool {
    let header = v.split(|&b| b == b'.').next().unwrap_or_default();
    let mut json = Vec::with_capacity(header.len());
    base64_decode(header, 1024, &mut json)
        && json.first() == Some(&b'{')
        && contains_ci(&json, b"\"alg\"")
        && !masked(v)
}

/// The AWS documentation's own example values end in `EXAMPLE` / `EXAMPLEKEY`; those
/// are placeholders.
#[must_use]
pub fn aws(v: &[u8]) -> bool {
    token(v) && !v.ends_with(b"EXAMPLE") && !v.ends_with(b"EXAMPLEKEY")
}

/// Hugging Face tokens are letters only; a real one mixes cases throughout.
#[must_use]
pub fn hugging_face(v: &[u8]) -> bool {
    token(v) && mixed_case(v, 4)
}

/// A value from a `NAME = value` or a URL: not a reference (`$VAR`, `${VAR}`,
/// `%VAR%`, `{{ var }}`, `<%= … %>`, `<your-key>`, `os.environ[…]`), not a mask, not a
/// word that stands for a value (`changeme`, `null`, `true`, `string`, …).
#[must_use]
pub fn placeholder(v: &[u8]) -> bool {
    let t = v.trim_ascii();
    if t.is_empty() || masked(t) {
        return true;
    }
    let mut unquoted = t;
    while let [b'"' | b'\'', rest @ ..] = unquoted {
        unquoted = rest;
    }
    while let [rest @ .., b'"' | b'\''] = unquoted {
        unquoted = rest;
    }
    if unquoted.is_empty() {
        return true;
    }
    let starts = |p: &[u8]| unquoted.len() >= p.len() && unquoted[..p.len()].eq_ignore_ascii_case(p);
    if unquoted[0] == b'$'
        || (unquoted[0] == b'%' && unquoted.len() > 2 && unquoted.ends_with(b"%"))
        || (unquoted[0] == b'<' && unquoted.ends_with(b">"))
        || (unquoted[0] == b'[' && unquoted.ends_with(b"]"))
        || (unquoted[0] == b'{' && unquoted.ends_with(b"}"))
        || (unquoted[0] == b'@' && unquoted.ends_with(b"@") && unquoted.len() > 2)
        || starts(b"env(")
        || starts(b"env.")
        || starts(b"env[")
        || starts(b"os.environ")
        || starts(b"os.getenv")
        || starts(b"process.env")
        || starts(b"getenv(")
        || starts(b"secrets.")
        || starts(b"vault:")
    {
        return true;
    }
    for w in [&b"${"[..], b"{{", b"$(", b"#{", b"<%", b"{0}", b"{}"] {
        if contains_ci(t, w) {
            return true;
        }
    }
    // printf-style formats: "%s", "%(name)s"
    if unquoted == b"%s" || unquoted == b"%d" || (contains_ci(t, b"%(") && contains_ci(t, b")s")) {
        return true;
    }
    if PLACEHOLDER_WORDS.iter().any(|w| contains_ci(t, w))
        || contains_ci(t, b"fake")
        || contains_ci(t, b"example")
        || contains_ci(t, b"sample")
    {
        return true;
    }
    const WORDS: &[&str] = &[
        "password",
        "passwd",
        "pass",
        "secret",
        "token",
        "apikey",
        "api_key",
        "key",
        "none",
        "null",
        "nil",
        "undefined",
        "true",
        "false",
        "yes",
        "no",
        "on",
        "off",
        "required",
        "optional",
        "string",
        "str",
        "text",
        "value",
        "hidden",
        "masked",
        "empty",
        "default",
        "todo",
        "tbd",
        "foo",
        "bar",
        "baz",
        "foobar",
        "test",
        "testing",
        "abc",
        "123",
        "1234",
        "12345",
        "123456",
        "xxx",
        "int",
        "bool",
        "boolean",
        "number",
        "object",
        "any",
        "new",
        "this",
        "self",
        "nullptr",
        "secretkey",
        "yourpassword",
        "pwd",
        "username",
        "user",
        "login",
        "unknown",
        "notset",
        "not-set",
        "not_set",
        "unset",
        "na",
        "n/a",
        "blank",
        "auto",
        "generate",
        "generated",
        "random",
        "prompt",
        "ask",
        "stdin",
        "env",
        "file",
        "bearer",
        "basic",
        "token_here",
        "key_here",
        "here",
    ];
    WORDS.iter().any(|w| unquoted.eq_ignore_ascii_case(w.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_and_placeholders() {
        for v in ["xxxxxxxxxxxx", "XXXX-XXXX-XXXX", "****", "sk-...", "0000000000000000", "ab##########"] {
            assert!(masked(v.as_bytes()), "{v}");
        }
        for v in ["${TOKEN}", "$TOKEN", "%TOKEN%", "<your-token>", "{{ vault_pw }}", "changeme", "null", "os.environ"] {
            assert!(placeholder(v.as_bytes()), "{v}");
        }
        for v in ["hunter2hunter2", "Zq8fTr0Lw2", "s3cr3t-Demo-0nly"] {
            assert!(!placeholder(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn shapes() {
        assert!(periodic(b"abcabcabcabc", 4));
        assert!(!periodic(b"abcabcabcabd", 4));
        assert!(entropy(b"aaaaaaaa") < 0.01);
        assert!(entropy(b"0123456789abcdef") > 3.9);
        let mut out = Vec::new();
        assert!(base64_decode(b"eyJhbGciOiJIUzI1NiJ9", 64, &mut out));
        assert_eq!(out, br#"{"alg":"HS256"}"#);
        assert!(jwt(b"eyJhbGciOiJIUzI1NiJ9.e30.c2ln"));
        assert!(!jwt(b"eyJBB.eyJCC.eyJDDDD"));
    }
}
