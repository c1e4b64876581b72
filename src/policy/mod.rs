//! Decisions and their provenance.
//!
//! A [`Decision`] is ordered `Allow < Ask < Deny`; combining decisions takes the maximum,
//! so the strictest matching rule always wins and no later layer can weaken it. An
//! [`Evaluation`] is the decision plus every [`Reason`] that contributed, each naming
//! the rule (guard code), the layer it belongs to, what it stopped and how to do it
//! safely. A denial is data: it is rendered, serialized and audited, never an error.

use serde::Serialize;

use crate::analyze::{self, Analysis};
use crate::config::Rule;
use crate::context::Context;
use crate::guard;
use crate::parse::ParseError;

/// What happens to a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// Runs without a prompt.
    Allow,
    /// Runs only if the operator approves it.
    Ask,
    /// Never runs.
    Deny,
}

impl Decision {
    /// The lowercase name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "allow",
            Self::Ask => "ask",
            Self::Deny => "deny",
        }
    }
}

impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The layer a rule belongs to, in the order layers are applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layer {
    /// The parser and analyzer themselves (unparseable or opaque input).
    Parse,
    /// The built-in guardrails.
    Guard,
    /// The workspace's permissions and path boundaries.
    Permission,
    /// Tool rules of the profile and the policy files.
    Rule,
}

impl Layer {
    /// The lowercase name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Parse => "parse",
            Self::Guard => "guard",
            Self::Permission => "permission",
            Self::Rule => "rule",
        }
    }
}

/// One rule that matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// The rule's stable code (`FS001`).
    pub code: String,
    /// The rule's name (`delete-critical`).
    pub name: String,
    /// The layer the rule belongs to.
    pub layer: Layer,
    /// What this rule decided.
    pub decision: Decision,
    /// Why, in one lowercase sentence.
    pub message: String,
    /// The (sub-)command that triggered it, as the analyzer saw it.
    pub command: String,
    /// A safer way to do the same, when there is one.
    pub hint: Option<String>,
    /// Where the rule that decided is written (`tako.toml:12:1`), for rules of policy
    /// files and profiles.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The result of judging a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    /// The strictest decision of all reasons (allow when there are none).
    pub decision: Decision,
    /// Every rule that matched, strictest first.
    pub reasons: Vec<Reason>,
}

impl Evaluation {
    /// An evaluation with no reasons: allowed.
    #[must_use]
    pub const fn allow() -> Self {
        Self { decision: Decision::Allow, reasons: Vec::new() }
    }

    /// Builds an evaluation from reasons: the decision is their maximum.
    #[must_use]
    pub fn from_reasons(mut reasons: Vec<Reason>) -> Self {
        reasons.sort_by(|a, b| b.decision.cmp(&a.decision).then_with(|| a.code.cmp(&b.code)));
        reasons.dedup_by(|a, b| a.code == b.code && a.command == b.command && a.message == b.message);
        let decision = reasons.iter().map(|r| r.decision).max().unwrap_or(Decision::Allow);
        Self { decision, reasons }
    }

    /// The reason that decided, if any.
    #[must_use]
    pub fn primary(&self) -> Option<&Reason> {
        self.reasons.first()
    }
}

/// Judges shell text (`-c TEXT`), with positional parameters (`NAME ARGS…`).
#[must_use]
pub fn evaluate_shell(text: &str, positional: &[String], ctx: &Context) -> Evaluation {
    match analyze::analyze(text, positional, ctx) {
        Ok(analysis) => evaluate_analysis(&analysis, ctx),
        Err(e) => parse_failure(text, &e),
    }
}

/// Judges a program run with arguments, without a shell (`-- PROG ARGS…`).
#[must_use]
pub fn evaluate_argv(argv: &[String], ctx: &Context) -> Evaluation {
    let analysis = analyze::analyze_argv(argv, ctx);
    evaluate_analysis(&analysis, ctx)
}

/// Runs the guards and the policy's rules over an analysis.
///
/// Per invocation: restricting rules add their asks and denies; an `allow` rule from a
/// file that may loosen (a profile, the operator's files) turns that invocation's
/// asks from the guards and from loosenable rules into allows, naming itself. No rule
/// touches a deny, an analyzer event or a rule of a file that may only tighten. Under
/// `asks_are_denied` (the `ci` profile) every remaining ask becomes a deny.
#[must_use]
pub fn evaluate_analysis(analysis: &Analysis, ctx: &Context) -> Evaluation {
    let policy = &ctx.policy;
    let hits = guard::run(analysis, ctx);
    let rules: Vec<&Rule> = policy.rules.iter().filter(|r| r.applies_to(ctx.who)).collect();
    let mut reasons = Vec::with_capacity(hits.len());
    // The first loosening allow rule matching each invocation.
    let mut allowed: Vec<Option<&Rule>> = vec![None; analysis.invocations.len()];
    if !rules.is_empty() {
        for (i, inv) in analysis.invocations.iter().enumerate() {
            let allow =
                rules.iter().find(|r| r.decision == Decision::Allow && r.origin.kind.may_loosen() && r.matches(inv));
            allowed[i] = allow.copied();
            for r in rules.iter().filter(|r| r.decision != Decision::Allow && r.matches(inv)) {
                if r.decision == Decision::Ask && r.origin.kind.may_loosen() && allow.is_some() {
                    continue;
                }
                reasons.push((Some(i), rule_reason(r, r.decision, r.reason.clone(), inv.text.to_string())));
            }
        }
    }
    for (i, reason) in hits {
        let loosen = i.and_then(|i| allowed.get(i).copied().flatten());
        match loosen {
            Some(r) if reason.decision == Decision::Ask && reason.layer == Layer::Guard => {
                let message =
                    format!("{} [{}: {}]; allowed by the rule: {}", reason.message, reason.code, reason.name, r.reason);
                reasons.push((i, rule_reason(r, Decision::Allow, message, reason.command)));
            }
            _ => reasons.push((i, reason)),
        }
    }
    let mut reasons: Vec<Reason> = reasons.into_iter().map(|(_, r)| r).collect();
    if policy.asks_are_denied {
        for r in reasons.iter_mut().filter(|r| r.decision == Decision::Ask) {
            r.decision = Decision::Deny;
            r.message =
                format!("{} (the `{}` profile denies what would ask: no one can answer)", r.message, policy.profile);
        }
    }
    Evaluation::from_reasons(reasons)
}

/// A reason given by a tool rule.
fn rule_reason(r: &Rule, decision: Decision, message: String, command: String) -> Reason {
    Reason {
        code: r.id.clone(),
        name: format!("{} rule", r.origin.kind.as_str()),
        layer: Layer::Rule,
        decision,
        message,
        command,
        hint: None,
        source: Some(r.origin.to_string()),
    }
}

/// A deny from the parse layer under the catalog guard `code`.
fn parse_layer_deny(code: &str, message: String, command: &str, hint: &str) -> Evaluation {
    let name = guard::by_code(code).map_or("", |g| g.name);
    Evaluation::from_reasons(vec![Reason {
        code: code.to_string(),
        name: name.to_string(),
        layer: Layer::Parse,
        decision: Decision::Deny,
        message,
        command: command.to_string(),
        hint: Some(hint.into()),
        source: None,
    }])
}

/// The evaluation of text that does not parse: a deny that says where and why.
#[must_use]
pub fn parse_failure(text: &str, e: &ParseError) -> Evaluation {
    parse_layer_deny(
        "OP002",
        format!("the command is not valid shell: {e}"),
        text,
        "fix the quoting or syntax; tako-exec only runs what it can parse",
    )
}

/// The evaluation of input that is not UTF-8 text.
#[must_use]
pub fn not_text(shown: &str) -> Evaluation {
    parse_layer_deny(
        "OP002",
        "the command is not valid UTF-8 text".into(),
        shown,
        "pass binary data through files or encodings the command decodes itself",
    )
}

/// The evaluation of a script larger than tako-exec reads.
#[must_use]
pub fn too_large(shown: &str, size: u64, limit: u64) -> Evaluation {
    parse_layer_deny(
        "OP003",
        format!("the script is larger than tako-exec judges ({size} bytes, limit {limit})"),
        shown,
        "split the script, or run a smaller one that calls reviewed programs",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_and_max() {
        assert!(Decision::Allow < Decision::Ask && Decision::Ask < Decision::Deny);
        let r = |d| Reason {
            code: "X".into(),
            name: "x".into(),
            layer: Layer::Guard,
            decision: d,
            message: String::new(),
            command: format!("{d:?}"),
            hint: None,
            source: None,
        };
        let e = Evaluation::from_reasons(vec![r(Decision::Ask), r(Decision::Deny), r(Decision::Allow)]);
        assert_eq!(e.decision, Decision::Deny);
        assert_eq!(e.reasons[0].decision, Decision::Deny);
        assert_eq!(Evaluation::from_reasons(vec![]).decision, Decision::Allow);
    }
}
