//! Tool rules: `[[rule]]` entries that match a command by its argv prefix (a glob and
//! alternatives per token) or by a regular expression over its arguments.
//!
//! Invariants:
//! - A rule matches an [`Invocation`], never raw text: `sudo git push -f` matches a rule
//!   on `git push` through the invocation the analyzer found inside `sudo`.
//! - An argument whose value is not known statically (`git push $REMOTE`) is assumed
//!   to match a restricting rule (`ask`, `deny`) and never to match an `allow` rule, so
//!   an unknown can only make a decision stricter.

use std::ops::Range;

use regex::bytes::Regex;

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
    /// The first alternative, then the others (most tokens have one: no list).
    first: Alt,
    rest: Vec<Alt>,
}

/// One alternative: literal text (most tokens, compared directly; a byte range of the
/// token's text, which it always is since a literal has no escape) or a wildcard
/// pattern (`*`, `?`, `[abc]`, `[!a-z]`, `\*`), matched by [`wildcard`]: arguments
/// are not paths, and compiling a regex-backed glob per token cost 50 µs each.
#[derive(Debug, Clone)]
enum Alt {
    Exact(Range<usize>),
    Pattern(Vec<Pat>),
}

/// One element of a wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pat {
    Char(char),
    Any,
    Star,
    /// A class: negated, then ranges (a single character is a range of one).
    Class(bool, Vec<(char, char)>),
}

/// The byte ranges of `a|b|c` split at the `|` that are not escaped (`\\|` is a
/// literal bar; escapes stay in the alternative, for [`compile`]).
fn split_alternatives(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    std::iter::from_fn(move || {
        if start > bytes.len() {
            return None;
        }
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 2,
                b'|' => {
                    let alt = start..i;
                    i += 1;
                    start = i;
                    return Some(alt);
                }
                _ => i += 1,
            }
        }
        let alt = start..bytes.len();
        start = bytes.len() + 1;
        Some(alt)
    })
}

/// Compiles a wildcard pattern.
fn compile(p: &str) -> Result<Vec<Pat>, String> {
    let mut out = Vec::with_capacity(p.len());
    let mut it = p.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '*' => {
                if out.last() != Some(&Pat::Star) {
                    out.push(Pat::Star);
                }
            }
            '?' => out.push(Pat::Any),
            '\\' => out.push(Pat::Char(it.next().ok_or_else(|| format!("`{p}` ends with a lone `\\`"))?)),
            '[' => {
                let negated = matches!(it.peek(), Some('!' | '^'));
                if negated {
                    it.next();
                }
                let mut ranges = Vec::new();
                let mut first = true;
                loop {
                    let Some(c) = it.next() else { return Err(format!("unclosed `[` in `{p}`")) };
                    if c == ']' && !first {
                        break;
                    }
                    first = false;
                    if it.peek() == Some(&'-') {
                        let mut ahead = it.clone();
                        ahead.next();
                        if let Some(&end) = ahead.peek().filter(|e| **e != ']') {
                            it.next();
                            it.next();
                            if end < c {
                                return Err(format!("bad range `{c}-{end}` in `{p}`"));
                            }
                            ranges.push((c, end));
                            continue;
                        }
                    }
                    ranges.push((c, c));
                }
                out.push(Pat::Class(negated, ranges));
            }
            c => out.push(Pat::Char(c)),
        }
    }
    Ok(out)
}

/// Whether `s` matches the compiled pattern (iterative, with one backtrack point per
/// star: linear in practice, quadratic at worst, never exponential).
fn wildcard(p: &[Pat], s: &str) -> bool {
    let s: Vec<char> = s.chars().collect();
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        let ok = match p.get(pi) {
            Some(Pat::Char(c)) => *c == s[si],
            Some(Pat::Any) => true,
            Some(Pat::Class(neg, ranges)) => ranges.iter().any(|(a, b)| (*a..=*b).contains(&s[si])) != *neg,
            Some(Pat::Star) => {
                star = Some((pi, si));
                pi += 1;
                continue;
            }
            None => false,
        };
        if ok {
            pi += 1;
            si += 1;
        } else if let Some((sp, ss)) = star {
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|x| *x == Pat::Star)
}

impl Token {
    /// Parses `text` (`a|b|c*`).
    ///
    /// # Errors
    /// When an alternative is empty or not a valid glob.
    pub fn new(text: &str) -> Result<Self, String> {
        let mut alternatives = split_alternatives(text).map(|range| {
            let alt = &text[range.clone()];
            if alt.is_empty() {
                Err(format!("empty alternative in `{text}`"))
            } else if !alt.bytes().any(|b| matches!(b, b'*' | b'?' | b'[' | b'\\')) {
                Ok(Alt::Exact(range))
            } else {
                compile(alt).map(Alt::Pattern).map_err(|e| format!("bad pattern: {e}"))
            }
        });
        let first = alternatives.next().expect("one alternative at least")?;
        let rest = alternatives.collect::<Result<_, _>>()?;
        Ok(Self { text: text.to_string(), first, rest })
    }

    fn matches_text(&self, s: &str) -> bool {
        std::iter::once(&self.first).chain(&self.rest).any(|a| match a {
            Alt::Exact(e) => self.text[e.clone()] == *s,
            Alt::Pattern(p) => wildcard(p, s),
        })
    }
}

/// How a rule recognises a command.
#[derive(Debug, Clone)]
pub enum Matcher {
    /// The first arguments, token by token (`argv[0]` by program name: `git` matches
    /// `/usr/bin/git`).
    Prefix(Vec<Token>),
    /// A regular expression searched in the arguments joined by single spaces, on
    /// bytes with Unicode off: `.` is any byte, `\w` and `(?i)` are ASCII.
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
    /// The command must have exactly the pattern's words, no more (`exact = true`;
    /// remembered approvals use it).
    pub exact: bool,
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
                if inv.argv.len() < tokens.len() || (self.exact && inv.argv.len() != tokens.len()) {
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
                    .map(|(i, f)| if i == 0 { program_name(&f.text).into_owned() } else { f.text.to_string() })
                    .collect();
                known && re.is_match(text.join(" ").as_bytes())
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
            exact: false,
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
    fn wildcards() {
        let m = |p: &str, s: &str| wildcard(&compile(p).expect("pattern"), s);
        assert!(m("--force*", "--force-with-lease") && m("--force*", "--force") && !m("--force*", "-f"));
        assert!(m("v?.*", "v1.2") && !m("v?.*", "v12"));
        assert!(m("[a-c]x", "bx") && !m("[a-c]x", "dx") && m("[!a-c]x", "dx"));
        assert!(m("a*b*c", "a-b-b-c") && !m("a*b*c", "a-c-b"));
        assert!(m("\\*", "*") && !m("\\*", "x"));
        assert!(m("*", "") && m("**", "anything/with/slashes"));
        assert!(m("[]]", "]") && m("[a-]", "-"));
        assert!(compile("[a").is_err() && compile("x\\").is_err() && compile("[z-a]").is_err());
        // No exponential blow-up on many stars.
        let p = compile(&"a*".repeat(30)).expect("p");
        assert!(!wildcard(&p, &"a".repeat(29)));
    }

    #[test]
    fn escaped_tokens_match_literally() {
        let t = Token::new(&crate::config::grant::escape_token("--x=a|b*")).expect("token");
        assert!(t.matches_text("--x=a|b*"));
        assert!(!t.matches_text("--x=a") && !t.matches_text("b*") && !t.matches_text("--x=a|bc"));
    }

    #[test]
    fn alternatives_split_at_unescaped_bars() {
        let t = Token::new("a|b\\|c|d*").expect("token");
        assert!(t.matches_text("a") && t.matches_text("b|c") && t.matches_text("dx") && t.matches_text("d"));
        assert!(!t.matches_text("b") && !t.matches_text("c") && !t.matches_text("a|b"));
        let one = Token::new("push").expect("token");
        assert!(one.matches_text("push") && !one.matches_text("pus") && !one.matches_text("pushx"));
        assert!(Token::new("a|").is_err() && Token::new("|a").is_err() && Token::new("").is_err());
    }

    #[test]
    fn bad_tokens_are_errors() {
        assert!(Token::new("a||b").is_err());
        assert!(Token::new("[").is_err());
    }
}
