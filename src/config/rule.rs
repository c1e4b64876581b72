//! Tool rules: `[[rule]]` entries that match a command by its argv prefix (a glob and
//! alternatives per token) or by a regular expression over its arguments.
//!
//! Invariants:
//! - A rule matches an [`Invocation`], never raw text: `sudo git push -f` matches a rule
//!   on `git push` through the invocation the analyzer found inside `sudo`.
//! - An argument whose value is not known statically (`git push $REMOTE`) is assumed
//!   to match a restricting rule (`ask`, `deny`) and never to match an `allow` rule, so
//!   an unknown can only make a decision stricter.

use globset::{GlobBuilder, GlobMatcher};
use regex::Regex;

use crate::analyze::model::{program_name, UNKNOWN_MARK};
use crate::analyze::{Field, Invocation};
use crate::policy::Decision;

use super::{Origin, Who};

/// One token of a command pattern: alternatives, each a glob (`push`, `-f|--force`,
/// `origin*`).
#[derive(Debug, Clone)]
pub struct Token {
    /// The token as written.
    pub text: String,
    alternatives: Vec<Alt>,
}

/// One alternative: literal text (most tokens, compared directly) or a compiled glob.
#[derive(Debug, Clone)]
enum Alt {
    Exact(String),
    Glob(GlobMatcher),
}

impl Token {
    /// Parses `text` (`a|b|c*`).
    ///
    /// # Errors
    /// When an alternative is empty or not a valid glob.
    pub fn new(text: &str) -> Result<Self, String> {
        let mut alternatives = Vec::new();
        for alt in text.split('|') {
            if alt.is_empty() {
                return Err(format!("empty alternative in `{text}`"));
            }
            if !alt.contains(['*', '?', '[', ']', '{', '}', '\\']) {
                alternatives.push(Alt::Exact(alt.to_string()));
                continue;
            }
            let glob = GlobBuilder::new(alt)
                .literal_separator(false)
                .backslash_escape(true)
                .build()
                .map_err(|e| format!("bad glob `{alt}`: {}", e.kind()))?;
            alternatives.push(Alt::Glob(glob.compile_matcher()));
        }
        Ok(Self { text: text.to_string(), alternatives })
    }

    fn matches_text(&self, s: &str) -> bool {
        self.alternatives.iter().any(|a| match a {
            Alt::Exact(e) => e == s,
            Alt::Glob(g) => g.is_match(s),
        })
    }
}

/// How a rule recognises a command.
#[derive(Debug, Clone)]
pub enum Matcher {
    /// The first arguments, token by token (`argv[0]` by program name: `git` matches
    /// `/usr/bin/git`).
    Prefix(Vec<Token>),
    /// A regular expression searched in the arguments joined by single spaces.
    Regex(Regex),
}

/// A validated tool rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Its name (`id = …`, else `rule N` of its file).
    pub id: String,
    /// What it decides.
    pub decision: Decision,
    /// Why, shown to the agent and the operator.
    pub reason: String,
    /// How it matches.
    pub matcher: Matcher,
    /// Who it applies to; empty means everyone.
    pub contexts: Vec<Who>,
    /// Where it was written.
    pub origin: Origin,
}

impl Rule {
    /// Whether the rule applies when `who` is asking.
    #[must_use]
    pub fn applies_to(&self, who: Who) -> bool {
        self.contexts.is_empty() || self.contexts.contains(&who)
    }

    /// Whether the rule matches `inv`. Unknown arguments match when the rule restricts
    /// and do not when it allows (see the module invariants).
    #[must_use]
    pub fn matches(&self, inv: &Invocation) -> bool {
        let assume = self.decision != Decision::Allow;
        match &self.matcher {
            Matcher::Prefix(tokens) => {
                if inv.argv.len() < tokens.len() {
                    return false;
                }
                tokens.iter().zip(&inv.argv).enumerate().all(|(i, (tok, f))| token_matches(tok, f, i == 0, assume))
            }
            Matcher::Regex(re) => {
                let known = inv.argv.iter().all(Field::is_known);
                if !known && assume {
                    // The known text may still rule a match in; unknown parts are shown
                    // as `…` and the rule also matches when they could complete it.
                    return true;
                }
                let text: Vec<String> = inv
                    .argv
                    .iter()
                    .enumerate()
                    .map(|(i, f)| if i == 0 { program_name(&f.text).into_owned() } else { f.text.clone() })
                    .collect();
                known && re.is_match(&text.join(" "))
            }
        }
    }
}

fn token_matches(tok: &Token, f: &Field, program: bool, assume: bool) -> bool {
    if !f.is_known() || f.text.contains(UNKNOWN_MARK) {
        return assume;
    }
    if program {
        tok.matches_text(&program_name(&f.text)) || tok.matches_text(&f.text)
    } else {
        tok.matches_text(&f.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SourceKind;

    fn rule(tokens: &[&str], decision: Decision) -> Rule {
        Rule {
            id: "t".into(),
            decision,
            reason: "r".into(),
            matcher: Matcher::Prefix(tokens.iter().map(|t| Token::new(t).expect("token")).collect()),
            contexts: Vec::new(),
            origin: Origin { kind: SourceKind::Workspace, file: "tako.toml".into(), line: 1, col: 1 },
        }
    }

    fn inv(fields: Vec<Field>) -> Invocation {
        let mut i = crate::analyze::analyze_argv(&["true".to_string()], &test_ctx()).invocations.remove(0);
        i.argv = fields;
        i
    }

    fn test_ctx() -> crate::context::Context {
        crate::context::Context::new("/tmp".into(), std::collections::HashMap::new())
    }

    #[test]
    fn prefix_tokens_globs_and_alternatives() {
        let r = rule(&["git", "push", "-f|--force*"], Decision::Deny);
        assert!(r.matches(&inv(vec![Field::known("/usr/bin/git"), Field::known("push"), Field::known("-f")])));
        assert!(r.matches(&inv(vec![Field::known("git"), Field::known("push"), Field::known("--force-with-lease")])));
        assert!(!r.matches(&inv(vec![Field::known("git"), Field::known("push"), Field::known("origin")])));
        assert!(!r.matches(&inv(vec![Field::known("git"), Field::known("push")])));
    }

    #[test]
    fn unknowns_match_restrictions_only() {
        let args = vec![Field::known("git"), Field::known("push"), Field::unknown(crate::analyze::Unknown::Number)];
        assert!(rule(&["git", "push", "--force"], Decision::Ask).matches(&inv(args.clone())));
        assert!(!rule(&["git", "push", "origin"], Decision::Allow).matches(&inv(args)));
    }

    #[test]
    fn bad_tokens_are_errors() {
        assert!(Token::new("a||b").is_err());
        assert!(Token::new("[").is_err());
    }
}
