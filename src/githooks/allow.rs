//! Accepted findings (`[[hooks.allow]]`) and the fingerprint that names one finding.
//!
//! An entry accepts a secret finding when every field it gives matches: `path` (a
//! glob over the path from the top of the working tree), `rule` (a secret rule id),
//! `fingerprint` (printed by the hook for each finding). Each entry has a `reason`,
//! shown when it is used.
//!
//! Who may accept: the operator's files (`~/.config/tako-exec/config.toml`, an
//! accepted `.tako/policy.toml`) always. Entries in `tako.toml` (or `--config` /
//! `TAKO_CONFIG`), which the agent can edit, count only in a workspace no operator
//! imprinted (a team's repository checked by the pre-commit framework or CI, where
//! review of `tako.toml` is the control); in an imprinted workspace they are
//! reported and ignored, like every loosening from those files.

use globset::{GlobBuilder, GlobMatcher};

use crate::config::HookAllow;
use crate::control::key::sha256_hex;

/// The fingerprint of a finding: 16 hex digits of SHA-256 over the rule, the path
/// and the matched text. It names this secret in this file, not a line number, so
/// it survives edits around it; the secret itself is never printed.
#[must_use]
pub fn fingerprint(rule: &str, path: &str, matched: &[u8]) -> String {
    let mut data = Vec::with_capacity(rule.len() + path.len() + matched.len() + 2);
    data.extend_from_slice(rule.as_bytes());
    data.push(0);
    data.extend_from_slice(path.as_bytes());
    data.push(0);
    data.extend_from_slice(matched);
    sha256_hex(&data)[..16].to_string()
}

/// The entries in force.
#[derive(Debug, Default)]
pub struct Allowlist {
    entries: Vec<(HookAllow, Option<GlobMatcher>)>,
}

impl Allowlist {
    /// The entries of `all` that count (`imprinted`: an operator imprinted the
    /// workspace, so only the operator's entries count), and notes on those ignored.
    #[must_use]
    pub fn new(all: &[HookAllow], imprinted: bool) -> (Self, Vec<String>) {
        let mut notes = Vec::new();
        let mut entries = Vec::new();
        for a in all {
            if imprinted && !a.operator {
                notes.push(format!(
                    "{}: this [[hooks.allow]] entry is ignored: an operator imprinted this workspace, so only the \
                     operator's files (~/.config/tako-exec/config.toml, an accepted .tako/policy.toml) accept findings",
                    a.origin
                ));
                continue;
            }
            let glob = a
                .path
                .as_deref()
                .and_then(|p| GlobBuilder::new(p).literal_separator(true).build().ok().map(|g| g.compile_matcher()));
            entries.push((a.clone(), glob));
        }
        (Self { entries }, notes)
    }

    /// The entry that accepts a finding of `rule` in `path` with `fingerprint`.
    #[must_use]
    pub fn accepts(&self, path: &str, rule: &str, fingerprint: &str) -> Option<&HookAllow> {
        self.entries.iter().find_map(|(a, glob)| {
            let path_ok = a.path.is_none() || glob.as_ref().is_some_and(|g| g.is_match(path));
            let rule_ok = a.rule.as_deref().is_none_or(|r| r == rule);
            let fp_ok = a.fingerprint.as_deref().is_none_or(|f| f.eq_ignore_ascii_case(fingerprint));
            (path_ok && rule_ok && fp_ok).then_some(a)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Origin, SourceKind};

    fn entry(path: Option<&str>, rule: Option<&str>, fp: Option<&str>, operator: bool) -> HookAllow {
        HookAllow {
            path: path.map(Into::into),
            rule: rule.map(Into::into),
            fingerprint: fp.map(Into::into),
            reason: "test fixture".into(),
            origin: Origin { kind: SourceKind::Workspace, file: "tako.toml".into(), line: 3, col: 1 },
            operator,
        }
    }

    #[test]
    fn every_given_field_must_match() {
        let (list, notes) = Allowlist::new(
            &[
                entry(Some("tests/fixtures/**"), Some("aws-access-key"), None, false),
                entry(None, None, Some("ABCDEF0123456789"), false),
            ],
            false,
        );
        assert!(notes.is_empty());
        assert!(list.accepts("tests/fixtures/a/keys.txt", "aws-access-key", "0").is_some());
        assert!(list.accepts("tests/fixtures/keys.txt", "github-token", "0").is_none(), "other rule");
        assert!(list.accepts("src/keys.txt", "aws-access-key", "0").is_none(), "other path");
        assert!(list.accepts("src/x", "any", "abcdef0123456789").is_some(), "fingerprint, any case");
        assert!(list.accepts("src/x", "any", "abcdef0123456788").is_none());
    }

    #[test]
    fn workspace_entries_do_not_count_where_an_operator_imprinted() {
        let all = [entry(Some("**"), None, None, false), entry(Some("fixtures/*"), None, None, true)];
        let (list, notes) = Allowlist::new(&all, true);
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("tako.toml:3"), "{notes:?}");
        assert!(list.accepts("src/main.rs", "aws-access-key", "x").is_none());
        assert!(list.accepts("fixtures/k", "aws-access-key", "x").is_some());
        let (list, _) = Allowlist::new(&all, false);
        assert!(list.accepts("src/main.rs", "aws-access-key", "x").is_some());
    }

    #[test]
    fn fingerprints_name_rule_path_and_value() {
        let a = fingerprint("aws-access-key", "a.txt", b"AKIAXXXXXXXXXXXXXXXX");
        assert_eq!(a.len(), 16);
        assert_ne!(a, fingerprint("aws-access-key", "b.txt", b"AKIAXXXXXXXXXXXXXXXX"));
        assert_ne!(a, fingerprint("other", "a.txt", b"AKIAXXXXXXXXXXXXXXXX"));
        assert_eq!(a, fingerprint("aws-access-key", "a.txt", b"AKIAXXXXXXXXXXXXXXXX"));
    }
}
