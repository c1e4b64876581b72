//! Redaction of secrets in command text before it is stored (the audit log, the
//! approvals queue): every finding of [`crate::filter::secret::find`] is replaced with
//! `[REDACTED:rule]`.
//!
//! The detectors' anchor prefilter keeps this cheap for the everyday command that holds
//! no secret: one pass of a small automaton, and no pattern is compiled or run. When a
//! quoted value is redacted, its quotes go with it (`PW='p w'` is stored as
//! `PW=[REDACTED:…]`), so nothing of the value's shape is kept.

use crate::filter::secret;

/// `text` with every secret replaced by `[REDACTED:rule]`.
#[must_use]
pub fn command(text: &str) -> String {
    let found = secret::find(text.as_bytes());
    if found.is_empty() {
        return text.to_string();
    }
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for f in &found {
        let (mut s, mut e) = (f.start.max(last), f.end.min(b.len()));
        if s > last && e < b.len() && matches!(b[s - 1], b'"' | b'\'') && b[e] == b[s - 1] {
            s -= 1;
            e += 1;
        }
        while s > last && !text.is_char_boundary(s) {
            s -= 1;
        }
        while e < b.len() && !text.is_char_boundary(e) {
            e += 1;
        }
        if s >= e {
            continue;
        }
        out.push_str(&text[last..s]);
        out.push_str("[REDACTED:");
        out.push_str(f.rule);
        out.push(']');
        last = e;
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::command;

    #[test]
    fn secrets_are_redacted() {
        let cases = [
            ("GITHUB_TOKEN=abc123 gh pr list", "GITHUB_TOKEN=[REDACTED:secret-assignment] gh pr list"),
            ("export DB_PASSWORD='p w'; run", "export DB_PASSWORD=[REDACTED:password-assignment]; run"),
            (
                "git clone https://me:hunter2@example.com/r.git",
                "git clone https://me:[REDACTED:url-password]@example.com/r.git",
            ),
            (
                "curl -H 'Authorization: Bearer eyJhbGciOi.x.y' https://api",
                "curl -H 'Authorization: Bearer [REDACTED:authorization-header]' https://api",
            ),
            ("mysql --password=s3cret -u root", "mysql --password=[REDACTED:password-assignment] -u root"),
            // (AWS's documented AKIAIOSFODNN7EXAMPLE is a placeholder and is kept.)
            (
                "aws configure set aws_access_key_id AKIAI0FAKE0EXAMPLE00",
                "aws configure set aws_access_key_id [REDACTED:aws-access-key-id]",
            ),
            ("echo ghp_0123456789abcdefghijklmnopqrstuvwxyzAB", "echo [REDACTED:github-pat]"),
            ("echo sk-proj-abcdefghijklmnopqrstuv", "echo [REDACTED:openai-api-key]"),
        ];
        for (input, want) in cases {
            assert_eq!(command(input), want, "{input}");
        }
    }

    #[test]
    fn key_blocks_and_tokens_are_redacted() {
        let key = "-----BEGIN RSA PRIVATE KEY-----\\nFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE\\n-----END RSA PRIVATE KEY-----";
        assert_eq!(command(&format!("echo \"{key}\" > id_rsa")), "echo [REDACTED:private-key] > id_rsa");
        assert_eq!(
            command("echo xoxb-123456789012-123456789012-FAKEfakeFAKEfakeFAKEfake"),
            "echo [REDACTED:slack-token]"
        );
        assert_eq!(command("echo glpat-abcdefghijklmnopqrstu"), "echo [REDACTED:gitlab-pat]");
        // Multi-byte text around a secret stays whole.
        assert_eq!(command("echo «glpat-abcdefghijklmnopqrstu»"), "echo «[REDACTED:gitlab-pat]»");
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
