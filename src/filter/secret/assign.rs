//! The hand parser behind the generic rules: a name that says it holds a secret, an
//! assignment, and a value that looks like one.
//!
//! Called at an anchor (`pass`, `secret`, `token`, `key`, …) found inside a name, it
//! reads the whole name around it, sorts it into a [`Tier`] (or drops it: `*_url`,
//! `*_id`, `password_min_length`, `public_key`, …), then reads an assignment in any of
//! the usual syntaxes: `NAME=value` (env files, shell), `NAME: value` (YAML), `"name":
//! "value"` (JSON), `name = "value"`, `name := "…"`, `name => '…'`, comparisons
//! (`password == "…"`), `--name value` and `-Name value` options, `<name>value</name>`,
//! `<add key="name" value="…"/>`, Groovy's `password "…"`, and the prose "the password
//! is '…'". The value is then checked by tier: references, placeholders and masks are
//! never secrets, and the weaker the name the more random the value must look.
//!
//! Everything is bounded (names of 64 bytes, values of 1 KiB, one line) and total.

use super::check::{contains_ci, entropy, letters_and_digits, mixed_case, periodic, placeholder};

/// How strongly a name says its value is secret; the weaker, the stricter the check of
/// the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    /// `password`, `passwd`, `pwd`, `*_pass`, `passphrase`: any non-placeholder of 3+ bytes.
    Password,
    /// `secret`, `token`, `credentials`, `auth`: 6+ bytes with a digit, a symbol, mixed
    /// case or some length.
    Secret,
    /// `api_key`, `access_key`, `*_key`: 12+ bytes, random-looking.
    Key,
}

const MAX_NAME: usize = 64;
const MAX_VALUE: usize = 1024;

/// A value assigned to a password-like name.
pub fn password(input: &[u8], s: usize, e: usize) -> Option<(usize, usize)> {
    let (tier, v) = parse(input, s, e)?;
    (tier == Tier::Password).then_some(v)
}

/// A value assigned to a secret-, token- or key-like name.
pub fn secret(input: &[u8], s: usize, e: usize) -> Option<(usize, usize)> {
    let (tier, v) = parse(input, s, e)?;
    (tier != Tier::Password).then_some(v)
}

const fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

const fn is_quote(b: u8) -> bool {
    matches!(b, b'"' | b'\'' | b'`')
}

/// Segments never found in the name of a secret value (`password_min_length`,
/// `token_url`, `public_key`, `passwordLabel`, …).
fn excluded_anywhere(s: &[u8]) -> bool {
    matches!(
        s,
        b"label"
            | b"labels"
            | b"placeholder"
            | b"prompt"
            | b"hint"
            | b"description"
            | b"desc"
            | b"message"
            | b"msg"
            | b"title"
            | b"caption"
            | b"tooltip"
            | b"min"
            | b"max"
            | b"minimum"
            | b"maximum"
            | b"length"
            | b"len"
            | b"policy"
            | b"regex"
            | b"regexp"
            | b"pattern"
            | b"validation"
            | b"validator"
            | b"validate"
            | b"reset"
            | b"forgot"
            | b"change"
            | b"changed"
            | b"tokenizer"
            | b"tokenize"
            | b"tokenized"
            | b"tokenization"
            | b"public"
            | b"publishable"
            | b"pub"
            | b"pubkey"
            | b"sitekey"
            | b"path"
            | b"paths"
            | b"file"
            | b"filename"
            | b"dir"
            | b"url"
            | b"uri"
            | b"endpoint"
            | b"strength"
            | b"field"
            | b"column"
            | b"button"
            | b"cursor"
            | b"mode"
            | b"method"
            | b"limit"
            | b"expiry"
            | b"expires"
            | b"expiration"
            | b"expire"
            | b"expired"
            | b"lifetime"
            | b"ttl"
            | b"timeout"
            | b"rotation"
            | b"history"
            | b"hash"
            | b"hashed"
            | b"salt"
            | b"header"
            | b"param"
            | b"params"
            | b"schema"
            | b"version"
            | b"manager"
            | b"helper"
            | b"provider"
            | b"generator"
            | b"generate"
            | b"template"
            | b"algorithm"
            | b"algo"
            | b"format"
            | b"type"
            | b"count"
            | b"enabled"
            | b"disabled"
            | b"required"
            | b"visible"
            | b"show"
            | b"hide"
            | b"toggle"
            | b"stdin"
            | b"prefix"
            | b"suffix"
            | b"location"
            | b"no"
            | b"ask"
            | b"use"
            | b"with"
            | b"without"
            | b"skip"
            | b"allow"
            | b"is"
            | b"has"
            | b"get"
            | b"set"
            | b"new"
            | b"old"
    )
}

/// Segments that, last in a name, make it name something else (`client_id`,
/// `secret_name`, `max_tokens`).
fn excluded_last(s: &[u8]) -> bool {
    matches!(
        s,
        b"id"
            | b"ids"
            | b"name"
            | b"names"
            | b"user"
            | b"username"
            | b"email"
            | b"login"
            | b"host"
            | b"hostname"
            | b"port"
            | b"domain"
            | b"region"
            | b"list"
            | b"map"
            | b"index"
            | b"ref"
            | b"event"
            | b"error"
            | b"errors"
            | b"size"
            | b"bits"
            | b"bytes"
            | b"kind"
            | b"scope"
            | b"scopes"
            | b"audience"
            | b"issuer"
            | b"tenant"
            | b"store"
            | b"service"
            | b"class"
            | b"module"
            | b"option"
            | b"options"
            | b"flag"
            | b"args"
            | b"arg"
            | b"var"
            | b"env"
            | b"tokens"
            | b"keys"
            | b"secrets"
            | b"passwords"
            | b"vault"
            | b"bucket"
            | b"table"
            | b"pair"
            | b"page"
            | b"next"
            | b"style"
            | b"color"
            | b"icon"
            | b"form"
            | b"input"
            | b"text"
            | b"number"
            | b"num"
            | b"status"
            | b"state"
            | b"spec"
            | b"fields"
            | b"level"
            | b"lock"
            | b"stream"
            | b"buffer"
            | b"cache"
            | b"counter"
            | b"mask"
    )
}

/// A name split into lowercase segments at separators and camel-case humps, without
/// allocating: the segments' bytes end to end, and their ranges.
struct Segments {
    flat: [u8; MAX_NAME],
    len: usize,
    ranges: [(usize, usize); 16],
    count: usize,
}

impl Segments {
    fn new(name: &[u8]) -> Option<Self> {
        let mut s = Self { flat: [0; MAX_NAME], len: 0, ranges: [(0, 0); 16], count: 0 };
        let mut seg_start = 0;
        for (i, &b) in name.iter().enumerate() {
            if !b.is_ascii_alphanumeric() {
                s.close(seg_start)?;
                seg_start = s.len;
                continue;
            }
            if b.is_ascii_uppercase() && s.len > seg_start {
                let prev = name[i - 1];
                let next_lower = name.get(i + 1).is_some_and(u8::is_ascii_lowercase);
                if prev.is_ascii_lowercase() || prev.is_ascii_digit() || (prev.is_ascii_uppercase() && next_lower) {
                    s.close(seg_start)?;
                    seg_start = s.len;
                }
            }
            *s.flat.get_mut(s.len)? = b.to_ascii_lowercase();
            s.len += 1;
        }
        s.close(seg_start)?;
        Some(s)
    }

    fn close(&mut self, start: usize) -> Option<()> {
        if self.len > start {
            *self.ranges.get_mut(self.count)? = (start, self.len);
            self.count += 1;
        }
        Some(())
    }

    fn iter(&self) -> impl Iterator<Item = &[u8]> {
        self.ranges[..self.count].iter().map(|&(a, b)| &self.flat[a..b])
    }

    fn flat(&self) -> &[u8] {
        &self.flat[..self.len]
    }
}

/// The tier of a name, or `None` when it does not name a secret value.
#[must_use]
pub fn classify(name: &[u8]) -> Option<Tier> {
    if name.is_empty() || name.len() > MAX_NAME {
        return None;
    }
    let segs = Segments::new(name)?;
    let last = segs.iter().last()?;
    if segs.iter().any(excluded_anywhere) || excluded_last(last) {
        return None;
    }
    let flat = segs.flat();
    let has = |w: &[u8]| memchr::memmem::find(flat, w).is_some();
    let seg = |w: &[u8]| segs.iter().any(|s| s == w);
    if has(b"manager") || has(b"authorization") || (has(b"author") && !has(b"authtoken")) {
        return None;
    }
    if has(b"passw") || has(b"passphrase") || has(b"pwd") || seg(b"pass") || seg(b"pw") || seg(b"passwd") {
        return Some(Tier::Password);
    }
    if has(b"secret") || has(b"token") || has(b"credential") || seg(b"auth") || seg(b"bearer") {
        return Some(Tier::Secret);
    }
    if seg(b"key")
        || [&b"apikey"[..], b"accesskey", b"privatekey", b"appkey", b"authkey", b"masterkey", b"licensekey"]
            .iter()
            .any(|w| has(w))
    {
        return Some(Tier::Key);
    }
    None
}

/// Skips spaces and tabs from `i` (not past `end`).
fn blanks(input: &[u8], mut i: usize, end: usize) -> usize {
    while i < end && matches!(input[i], b' ' | b'\t') {
        i += 1;
    }
    i
}

/// The length of an assignment or comparison operator at `i`, if there is one.
fn operator(input: &[u8], i: usize, end: usize) -> Option<usize> {
    let rest = &input[i..end];
    for op in [&b":="[..], b"=>", b"===", b"!==", b"==", b"!=", b"?=", b"||="] {
        if rest.starts_with(op) {
            return Some(op.len());
        }
    }
    match rest {
        [b'=', b'~', ..] => None,
        [b'=', ..] => Some(1),
        [b':', b':', ..] | [b':', b'/', b'/', ..] => None,
        [b':', ..] => Some(1),
        _ => None,
    }
}

/// Reads an assignment at the name that holds `input[s..e]`: the name's tier and the
/// value's range.
fn parse(input: &[u8], s: usize, e: usize) -> Option<(Tier, (usize, usize))> {
    let len = input.len();
    let mut start = s;
    while start > 0 && is_name_byte(input[start - 1]) {
        start -= 1;
        if s - start > MAX_NAME {
            return None;
        }
    }
    let mut end = e.min(len);
    while end < len && is_name_byte(input[end]) {
        end += 1;
        if end - e > MAX_NAME {
            return None;
        }
    }
    while end > e && matches!(input[end - 1], b'.' | b'-') {
        end -= 1;
    }
    let mut dashes = 0;
    while start < s && input[start] == b'-' {
        start += 1;
        dashes += 1;
    }
    while start < s && input[start] == b'.' {
        start += 1;
    }
    let name = &input[start..end];
    let outer = start - dashes; // where the name and its dashes begin
    let before = outer.checked_sub(1).map(|i| input[i]);
    let option = dashes > 0 && before.is_none_or(|b| b.is_ascii_whitespace() || is_quote(b));
    // `${NAME}`, `{{ NAME }}`: a reference, not an assignment.
    if before == Some(b'{') && outer >= 2 && matches!(input[outer - 2], b'$' | b'{') {
        return None;
    }
    if dashes == 0 && before == Some(b'{') && input.get(outer.wrapping_sub(2)) == Some(&b'$') {
        return None;
    }
    // The end of the line, looked for only as far as a value can reach; a first look
    // for the operator needs much less.
    let line_end_within = |reach: usize| {
        let reach = len.min(end + reach);
        memchr::memchr(b'\n', &input[end..reach]).map_or(reach, |i| end + i)
    };
    let near = line_end_within(96);
    let tier = if before == Some(b'<') && input.get(end) == Some(&b'>') {
        classify(name)?
    } else {
        // Most anchors are not in an assignment: look at what follows the name before
        // sorting the name out.
        let mut p = end;
        if input.get(p).is_some_and(|b| is_quote(*b)) {
            p += 1;
        }
        if input.get(p) == Some(&b']') {
            p += 1;
        }
        let q = blanks(input, p, near);
        let next = input.get(q).copied();
        let assigned = operator(input, q, near).is_some()
            || (q > p && (dashes > 0 || next.is_some_and(is_quote) || next == Some(b'v') || next == Some(b'V')))
            || memchr::memmem::find(&input[p.min(near)..near.min(p + 64)], b" is ").is_some();
        if !assigned {
            return None;
        }
        classify(name)?
    };
    let line_end = line_end_within(MAX_VALUE + 128);

    // <password>value</password>
    if before == Some(b'<') && input.get(end) == Some(&b'>') {
        let v = end + 1;
        let close = memchr::memchr(b'<', &input[v..line_end]).map(|i| v + i)?;
        return valid(tier, name, input, v, close, true).then_some((tier, (v, close)));
    }

    let mut p = end;
    let quoted_name = dashes == 0 && before.is_some_and(is_quote) && input.get(end) == before.as_ref();
    if quoted_name {
        p += 1;
        if input.get(p) == Some(&b']') {
            p += 1;
        }
        // <add key="DbPassword" value="…"/>
        let q = blanks(input, p, line_end);
        if input.len() >= q + 5 && input[q..q + 5].eq_ignore_ascii_case(b"value") && q > p {
            let r = blanks(input, q + 5, line_end);
            if input.get(r) == Some(&b'=') {
                let r = blanks(input, r + 1, line_end);
                return value(tier, name, input, r, line_end, None).map(|v| (tier, v));
            }
        }
    } else if input.get(end) == Some(&b']') && before == Some(b'[') {
        p += 1;
    }
    let after_name = p;
    p = blanks(input, p, line_end);
    let v = if let Some(n) = operator(input, p, line_end) {
        let mut v = blanks(input, p + n, line_end);
        if input[p] == b':' && n == 1 {
            v = past_type(input, v, line_end);
        }
        v
    } else if p > after_name
        && (option || (tier == Tier::Password && input.get(p).is_some_and(|&b| b == b'"' || b == b'\'')))
    {
        p // an option's value, or Groovy and friends: password "…"
    } else if tier == Tier::Password {
        return prose(input, after_name, line_end)
            .filter(|&(a, b)| b - a >= 4 && valid(tier, name, input, a, b, true))
            .map(|r| (tier, r));
    } else {
        return None;
    };
    // The quote before the name closes on the value's quote: 'password = ' . $x
    let closes = before.filter(|b| is_quote(*b) && !quoted_name && dashes == 0);
    value(tier, name, input, v, line_end, closes).map(|r| (tier, r))
}

/// After `name: Type =`, the position past the `=` (type annotations in TypeScript,
/// Rust, Kotlin); `v` itself otherwise.
fn past_type(input: &[u8], v: usize, line_end: usize) -> usize {
    let limit = line_end.min(v + 48);
    let seg = &input[v..limit];
    let Some(k) = memchr::memchr(b'=', seg) else { return v };
    let ty = &seg[..k];
    let next = seg.get(k + 1).copied();
    let is_type = !ty.trim_ascii().is_empty()
        && ty.iter().all(|&b| b.is_ascii_alphanumeric() || b" _&<>[]:.*?|'".contains(&b))
        && !ty.contains(&b'\'')
        && ty.first().is_some_and(|b| b.is_ascii_alphabetic() || *b == b'&');
    if is_type && next != Some(b'=') && next != Some(b'>') {
        blanks(input, v + k + 1, line_end)
    } else {
        v
    }
}

/// "the password is 'x'", "the password for user 'u' is 'x'": the quoted value.
fn prose(input: &[u8], from: usize, line_end: usize) -> Option<(usize, usize)> {
    let limit = line_end.min(from + 64);
    let seg = &input[from..limit];
    let at = seg.windows(4).position(|w| w[0] == b' ' && w[1..3].eq_ignore_ascii_case(b"is") && w[3] == b' ')?;
    if seg[..at].iter().filter(|b| is_quote(**b)).count() > 2 {
        return None;
    }
    let q = blanks(input, from + at + 4, line_end);
    let quote = *input.get(q)?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let close = memchr::memchr(quote, &input[q + 1..line_end])? + q + 1;
    Some((q + 1, close))
}

/// Reads the value at `v` and checks it for `tier`.
fn value(
    tier: Tier,
    name: &[u8],
    input: &[u8],
    mut v: usize,
    line_end: usize,
    closes: Option<u8>,
) -> Option<(usize, usize)> {
    if v >= line_end {
        return None;
    }
    let mut escaped = false;
    if input[v] == b'\\' && input.get(v + 1).is_some_and(|b| is_quote(*b)) {
        escaped = true;
        v += 1;
    } else if matches!(input[v], b'b' | b'r' | b'f' | b'u' | b'@') && input.get(v + 1).is_some_and(|b| is_quote(*b)) {
        v += 1; // b"…", r'…', f"…", @"…"
    }
    let c = input[v];
    if is_quote(c) {
        if closes == Some(c) {
            return None;
        }
        let s = v + 1;
        let mut i = s;
        loop {
            if i >= line_end || i - s > MAX_VALUE {
                return None;
            }
            let b = input[i];
            if escaped && b == b'\\' && input.get(i + 1) == Some(&c) {
                break;
            }
            if !escaped && b == c {
                break;
            }
            i += if b == b'\\' { 2 } else { 1 };
        }
        let i = i.min(line_end);
        // "abc" + x, 'abc' . $x: a piece of a value built in code
        let after = blanks(input, i + if escaped { 2 } else { 1 }, line_end);
        if input.get(after).is_some_and(|&b| b == b'+' || (b == b'.' && c == b'\'')) && after < line_end {
            return None;
        }
        return valid(tier, name, input, s, i, true).then_some((s, i));
    }
    let s = v;
    let mut i = v;
    while i < line_end && !stops(input[i]) {
        i += 1;
        if i - s > MAX_VALUE {
            return None;
        }
    }
    if i < line_end && matches!(input[i], b'(' | b'[' | b'{') {
        return None; // a call, an index, an object
    }
    let mut t = i;
    while t > s && matches!(input[t - 1], b'.' | b',' | b':') {
        t -= 1;
    }
    valid(tier, name, input, s, t, false).then_some((s, t))
}

/// Bytes that end an unquoted value.
const fn stops(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(
            b,
            b';' | b',' | b'"' | b'\'' | b'`' | b')' | b'}' | b']' | b'<' | b'>' | b'&' | b'|' | b'(' | b'[' | b'{'
        )
}

/// Does `input[s..t]` look like a secret value for a name of `tier`?
fn valid(tier: Tier, name: &[u8], input: &[u8], s: usize, t: usize, quoted: bool) -> bool {
    if t <= s || t - s > MAX_VALUE {
        return false;
    }
    let v = &input[s..t];
    if placeholder(v) || v.eq_ignore_ascii_case(name) || path_or_url(v) || email(v) {
        return false;
    }
    if matches!(v[0], b'#' | b'+' | b'.' | b',' | b'-' | b'=') || v.ends_with(b"(") || v.ends_with(b"+") {
        return false;
    }
    if constant(v) || (!quoted && (dotted(v) || expands(v))) {
        return false;
    }
    let digits_only = v.iter().all(u8::is_ascii_digit);
    let spaces = v.iter().filter(|b| **b == b' ').count();
    let has_digit = v.iter().any(u8::is_ascii_digit);
    let symbol = v.iter().any(|b| b.is_ascii_punctuation() && !matches!(b, b'_' | b'-' | b'.'));
    let letters_only = v.iter().all(u8::is_ascii_alphabetic);
    match tier {
        Tier::Password => {
            v.len() >= 3
                && !(digits_only && v.len() < 6)
                && spaces <= 4
                && !sentence(v)
                && !(!quoted && pascal(v))
                && !v.iter().any(|b| b.is_ascii_control())
        }
        Tier::Secret => {
            v.len() >= 6
                && spaces == 0
                && !digits_only
                && (has_digit || symbol || mixed_case(v, 1) || v.len() >= 10)
                && !(!quoted && letters_only && !(v.len() >= 16 && entropy(v) >= 3.5))
                && !(!quoted && identifier(v) && !(v.len() >= 20 && entropy(v) >= 4.0))
                && !periodic(v, 4)
                && !v.iter().any(|b| b.is_ascii_control())
        }
        Tier::Key => {
            v.len() >= 12
                && spaces == 0
                && !digits_only
                && (letters_and_digits(v) || (v.len() >= 20 && entropy(v) >= 3.5))
                && entropy(v) >= 3.0
                && !periodic(v, 4)
                && !v.iter().any(|b| b.is_ascii_control())
        }
    }
}

/// Lowercase words joined by `-` or `_` (`my-tls-secret`, `aws_access_key_id`): the
/// name of a secret (a Kubernetes `secretName`, a rule id), not its value.
fn identifier(v: &[u8]) -> bool {
    let words: Vec<&[u8]> = v.split(|b| matches!(b, b'-' | b'_')).collect();
    words.len() >= 2 && words.iter().all(|w| w.len() >= 2 && w.iter().all(u8::is_ascii_lowercase))
}

/// A path, a URL or an ARN rather than a secret.
fn path_or_url(v: &[u8]) -> bool {
    let starts = |p: &[u8]| v.len() >= p.len() && v[..p.len()].eq_ignore_ascii_case(p);
    contains_ci(v, b"://")
        || starts(b"/")
        || starts(b"./")
        || starts(b"../")
        || starts(b"~/")
        || starts(b"arn:")
        || starts(b"file:")
        || (v.len() > 2 && v[1] == b':' && v[2] == b'\\')
        || (v.contains(&b'/')
            && v.iter().any(u8::is_ascii_alphabetic)
            && v.iter().all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_./#:-".contains(&b)))
}

/// `someone@example.org`.
fn email(v: &[u8]) -> bool {
    let Some(at) = memchr::memchr(b'@', v) else { return false };
    let (user, host) = (&v[..at], &v[at + 1..]);
    !user.is_empty()
        && user.iter().all(|&b| b.is_ascii_alphanumeric() || b"._+-".contains(&b))
        && host.contains(&b'.')
        && host.iter().all(|&b| b.is_ascii_alphanumeric() || b".-".contains(&b))
}

/// `DB_PASSWORD_FILE`, `SECRET_KEY_BASE`: the name of another variable.
fn constant(v: &[u8]) -> bool {
    v.contains(&b'_')
        && v.iter().all(|&b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && ["PASS", "PWD", "TOKEN", "SECRET", "KEY", "AUTH", "CRED"].iter().any(|w| contains_ci(v, w.as_bytes()))
}

/// `self.password`, `settings.SECRET_KEY`: a dotted path of identifiers without digits.
fn dotted(v: &[u8]) -> bool {
    v.contains(&b'.')
        && !v.iter().any(u8::is_ascii_digit)
        && v.split(|&b| b == b'.').all(|p| {
            p.first().is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_' || *b == b'$')
                && p.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
        })
}

/// `pa$word` unquoted: the shell expands `$word`, so the text is not the value.
fn expands(v: &[u8]) -> bool {
    v.windows(2).any(|w| w[0] == b'$' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'_' | b'{' | b'(')))
}

/// `PasswordField`: a type name, not a value.
fn pascal(v: &[u8]) -> bool {
    v.first().is_some_and(u8::is_ascii_uppercase)
        && v.iter().all(u8::is_ascii_alphabetic)
        && v.iter().skip(1).filter(|b| b.is_ascii_uppercase()).count() >= 1
        && v.iter().any(u8::is_ascii_lowercase)
}

/// A message about passwords rather than one.
fn sentence(v: &[u8]) -> bool {
    const MARKS: &[&[u8]] = &[
        b" must ",
        b" should ",
        b"please",
        b"enter ",
        b"invalid",
        b"incorrect",
        b"required",
        b"characters",
        b" is ",
        b" the ",
        b" your ",
        b" not ",
        b"wrong",
        b"failed",
        b"error",
        b"least",
        b" for ",
    ];
    v.iter().filter(|b| **b == b' ').count() >= 1 && MARKS.iter().any(|m| contains_ci(v, m))
}

#[cfg(test)]
mod tests {
    use super::{classify, Segments, Tier};

    #[test]
    fn names() {
        let seg = |s: &str| {
            let segs = Segments::new(s.as_bytes()).unwrap();
            segs.iter().map(|v| String::from_utf8(v.to_vec()).unwrap()).collect::<Vec<_>>()
        };
        assert_eq!(seg("clientSecretKey"), ["client", "secret", "key"]);
        assert_eq!(seg("IAMUserChangePassword"), ["iam", "user", "change", "password"]);
        assert_eq!(seg("AUTH0_CLIENT_SECRET"), ["auth0", "client", "secret"]);
        for (n, t) in [
            ("DB_PASSWORD", Some(Tier::Password)),
            ("REACT_APP_AUTH_PASS", Some(Tier::Password)),
            ("cloudant_pw", Some(Tier::Password)),
            ("GITHUB_TOKEN", Some(Tier::Secret)),
            ("jwtsecret", Some(Tier::Secret)),
            ("fbApiKey", Some(Tier::Key)),
            ("APP_KEY", Some(Tier::Key)),
            ("password_min_length", None),
            ("passwordLabel", None),
            ("ACCESS_TOKEN_URL", None),
            ("private_key_path", None),
            ("SharedAccessKeyName", None),
            ("max_tokens", None),
            ("keyboard_layout", None),
            ("public_key", None),
            ("author", None),
        ] {
            assert_eq!(classify(n.as_bytes()), t, "{n}");
        }
    }
}
