//! Redaction of secrets in command text before it is stored (the audit log, the
//! approvals queue): values assigned to variables whose names say they hold secrets,
//! passwords in URLs, `Authorization` headers, the values of password options, and
//! tokens of well-known shapes. Each is replaced with `[REDACTED:rule]`.
//!
//! This is the command-text subset of the secret detectors; output filtering and
//! `tako-exec scan` build on the same rules.

use std::sync::OnceLock;

use regex::Regex;

/// Named rules: (rule id, words of which one must appear in the text, lowercased, for
/// the rule to be tried; pattern whose group `v` is the secret). The words keep the
/// patterns from being compiled or run on the everyday command that holds no secret:
/// compiling them all costs about 2 ms, which every command would pay.
const RULES: &[(&str, &[&str], &str)] = &[
    // NAME=value where NAME looks like it holds a secret (env assignments, export, flags).
    (
        "secret-assignment",
        &["token", "secret", "passw", "passphrase", "key", "credential", "auth"],
        r#"(?i)\b[A-Z0-9_]*(?:TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH)[A-Z0-9_]*=(?P<v>"[^"]*"|'[^']*'|[^\s;&|]+)"#,
    ),
    // scheme://user:password@host
    ("url-password", &["://"], r"(?i)\b[a-z][a-z0-9+.-]*://[^\s:/@]+:(?P<v>[^\s@/]+)@"),
    // Authorization: Bearer xxx / Basic xxx / token xxx
    (
        "authorization",
        &["authorization"],
        r"(?i)\bauthorization:\s*(?:bearer|basic|token)?\s*(?P<v>[A-Za-z0-9._~+/=-]{8,})",
    ),
    // --password VALUE, --password=VALUE, --token VALUE (`-pVALUE` is too ambiguous).
    (
        "password-option",
        &["--pass", "--token", "--api-key", "--secret", "--client-secret"],
        r#"(?i)--(?:password|passwd|token|api-key|secret|client-secret)(?:=|\s+)(?P<v>"[^"]*"|'[^']*'|[^\s;&|]+)"#,
    ),
    ("aws-access-key", &["akia", "asia"], r"\b(?P<v>(?:AKIA|ASIA)[0-9A-Z]{16})\b"),
    (
        "github-token",
        &["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
        r"\b(?P<v>(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}))\b",
    ),
    ("gitlab-token", &["glpat-"], r"\b(?P<v>glpat-[A-Za-z0-9_-]{20,})\b"),
    ("slack-token", &["xox"], r"\b(?P<v>xox[abprs]-[A-Za-z0-9-]{10,})\b"),
    ("openai-key", &["sk-"], r"\b(?P<v>sk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,})\b"),
    (
        "private-key",
        &["-----begin"],
        r"(?s)(?P<v>-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|$))",
    ),
];

/// Rule `i`'s pattern, compiled the first time it is needed.
fn pattern(i: usize) -> &'static Regex {
    static RES: [OnceLock<Regex>; RULES.len()] = [const { OnceLock::new() }; RULES.len()];
    RES[i].get_or_init(|| Regex::new(RULES[i].2).expect("built-in pattern compiles"))
}

/// `text` with every secret replaced by `[REDACTED:rule]`.
#[must_use]
pub fn command(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = text.to_string();
    for (i, (id, words, _)) in RULES.iter().enumerate() {
        if !words.iter().any(|w| lower.contains(w)) {
            continue;
        }
        let re = pattern(i);
        if !re.is_match(&out) {
            continue;
        }
        let mut next = String::with_capacity(out.len());
        let mut last = 0;
        for c in re.captures_iter(&out) {
            let Some(v) = c.name("v") else { continue };
            next.push_str(&out[last..v.start()]);
            next.push_str(&format!("[REDACTED:{id}]"));
            last = v.end();
        }
        next.push_str(&out[last..]);
        out = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{command, RULES};

    #[test]
    fn secrets_are_redacted() {
        let cases = [
            ("GITHUB_TOKEN=abc123 gh pr list", "GITHUB_TOKEN=[REDACTED:secret-assignment] gh pr list"),
            ("export DB_PASSWORD='p w'; run", "export DB_PASSWORD=[REDACTED:secret-assignment]; run"),
            (
                "git clone https://me:hunter2@example.com/r.git",
                "git clone https://me:[REDACTED:url-password]@example.com/r.git",
            ),
            (
                "curl -H 'Authorization: Bearer eyJhbGciOi.x.y' https://api",
                "curl -H 'Authorization: Bearer [REDACTED:authorization]' https://api",
            ),
            ("mysql --password=s3cret -u root", "mysql --password=[REDACTED:password-option] -u root"),
            (
                "aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE",
                "aws configure set aws_access_key_id [REDACTED:aws-access-key]",
            ),
            ("echo ghp_0123456789abcdefghijklmnopqrstuvwxyzAB", "echo [REDACTED:github-token]"),
            ("echo sk-proj-abcdefghijklmnopqrstuv", "echo [REDACTED:openai-key]"),
        ];
        for (input, want) in cases {
            assert_eq!(command(input), want, "{input}");
        }
    }

    #[test]
    fn every_rule_is_reachable_through_its_words() {
        // Each rule's words are lowercase (the text is lowercased before they are looked for).
        for (id, words, _) in RULES {
            assert!(words.iter().all(|w| *w == w.to_ascii_lowercase()), "{id}");
        }
        assert_eq!(command("echo -----BEGIN RSA PRIVATE KEY-----abc"), "echo [REDACTED:private-key]");
        assert_eq!(command("echo xoxb-1234567890-abc"), "echo [REDACTED:slack-token]");
        assert_eq!(command("echo glpat-abcdefghijklmnopqrstu"), "echo [REDACTED:gitlab-token]");
    }

    #[test]
    fn ordinary_commands_are_kept() {
        for c in [
            "git commit -m 'fix token parsing'",
            "git checkout 3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f",
            "ls -la ~/.ssh",
            "cargo test --locked",
            "echo $GITHUB_TOKEN",
            "curl https://example.com/a?b=c",
        ] {
            assert_eq!(command(c), c);
        }
    }
}
