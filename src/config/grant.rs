//! Remembered approvals: when the operator answers "always" at a prompt, an `allow`
//! rule for the exact argv of each command that asked is appended to the operator's
//! `.tako/policy.toml` (never `tako.toml`), with the time it was granted and an expiry.
//!
//! Invariants:
//! - A grant is an ordinary operator rule: it turns guard asks on exactly that argv into
//!   allows and never lifts a deny (see [`crate::policy::evaluate_analysis`]).
//! - Every word is matched literally (wildcards escaped), so a grant for `git push
//!   --force-with-lease origin topic` does not cover `origin main`.
//! - Expired grants are skipped when the policy loads.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::analyze::Analysis;
use crate::control::{accept, Domain, Plane, PlaneError};
use crate::policy::{Decision, Evaluation, Layer};

/// How long a remembered approval lasts.
pub const DAYS: u64 = 7;

/// The argvs of the programs in `analysis` that a guard asked about in `eval`, when
/// every word is known (a command with unknown words cannot be remembered exactly).
#[must_use]
pub fn asked(analysis: &Analysis, eval: &Evaluation) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    for inv in &analysis.invocations {
        let asked = eval
            .reasons
            .iter()
            .any(|r| r.decision == Decision::Ask && r.layer == Layer::Guard && *r.command == *inv.text);
        if !asked || !inv.argv.iter().all(crate::analyze::Field::is_known) {
            continue;
        }
        let argv: Vec<String> = inv.argv.iter().map(|f| f.text.to_string()).collect();
        if !out.contains(&argv) {
            out.push(argv);
        }
    }
    out
}

/// What the operator key signs for a grant: its command tokens (as written in the
/// file), the time granted and the expiry, each followed by a zero byte. The decision
/// is not in it: a grant is always `allow`, and a signed grant edited to another
/// decision only tightens.
#[must_use]
pub fn payload(words: &[impl AsRef<str>], granted: &str, expires: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for part in words.iter().map(AsRef::as_ref).chain([granted, expires]) {
        out.extend_from_slice(part.as_bytes());
        out.push(0);
    }
    out
}

/// Appends a signed grant for each argv to the workspace's `.tako/policy.toml` and
/// accepts the file's new content (the operator just approved at the terminal);
/// returns the file written.
///
/// # Errors
/// When the file cannot be written.
pub fn remember(plane: &Plane, argvs: &[Vec<String>], now: SystemTime) -> Result<PathBuf, PlaneError> {
    let path = plane.path("policy.toml");
    let io = |source| PlaneError::Io { what: "cannot write", path: path.clone(), source };
    let granted = utc(now);
    let expires = utc(now + std::time::Duration::from_secs(DAYS * 24 * 3600));
    let secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let mut text = String::new();
    for (i, argv) in argvs.iter().enumerate() {
        let tokens: Vec<String> = argv.iter().map(|w| escape_token(w)).collect();
        let signature = plane.key().sign(Domain::Grant, &payload(&tokens, &granted, &expires));
        let words: Vec<String> = tokens.iter().map(|t| toml_string(t)).collect();
        text.push_str(&format!(
            "\n# Approved at the terminal (\"always\").\n[[rule]]\nid = \"grant-{secs}-{i}\"\ncommand = [{}]\nexact = true\n\
             decision = \"allow\"\nreason = \"approved by the operator at the terminal\"\n\
             granted = \"{granted}\"\nexpires = \"{expires}\"\nsignature = \"{signature}\"\nmatch = [{}]\n",
            words.join(", "),
            toml_string(&shell_words::join(argv)),
        ));
    }
    // Under the lock, so the content accepted is the content written.
    let lock = plane.lock()?;
    let mut current = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(io(e)),
    };
    // Only a file the operator accepted (or none) is extended: appending to a file
    // someone else changed would launder their change into the acceptance.
    let verdict = accept::verdict(plane, crate::config::OPERATOR_POLICY, &current);
    if !current.is_empty() && verdict != accept::Verdict::Accepted {
        return Err(io(std::io::Error::other(verdict.explain(".tako/policy.toml", "tako-exec policy accept"))));
    }
    current.extend_from_slice(text.as_bytes());
    crate::control::write_atomic(&path, &current).map_err(io)?;
    drop(lock);
    accept::accept(plane, crate::config::OPERATOR_POLICY, Some(&current))?;
    Ok(path)
}

/// A word as a literal rule token: wildcard characters and `|` escaped.
#[must_use]
pub fn escape_token(w: &str) -> String {
    let mut out = String::with_capacity(w.len());
    for c in w.chars() {
        if matches!(c, '*' | '?' | '[' | '\\' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `YYYY-MM-DDTHH:MM:SSZ` for a time (UTC); these sort as the times do.
#[must_use]
pub fn utc(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = i64::try_from(days).unwrap_or(0) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Whether `s` is a time as [`utc`] writes it.
#[must_use]
pub fn is_utc(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(utc(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(utc(UNIX_EPOCH + std::time::Duration::from_secs(951_782_400)), "2000-02-29T00:00:00Z");
        assert_eq!(utc(UNIX_EPOCH + std::time::Duration::from_secs(1_796_000_000)), "2026-11-30T00:53:20Z");
        assert!(is_utc("2026-11-30T03:33:20Z") && !is_utc("2026-11-30 03:33:20") && !is_utc("tomorrow"));
    }

    #[test]
    fn tokens_are_literal() {
        assert_eq!(escape_token("a*b|c?[d]\\"), "a\\*b\\|c\\?\\[d]\\\\");
        let t = crate::config::Token::new(&escape_token("--x=a|b*")).expect("token");
        assert_eq!(t.text, "--x=a\\|b\\*");
    }
}
