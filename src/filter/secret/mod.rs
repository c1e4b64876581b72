//! Secret detectors: credentials, keys and tokens in any text (command output, command
//! lines, staged files), reported as byte ranges of the secret value.
//!
//! Every detector is a [`Rule`]: a stable kebab-case id, a [`Family`], a one-line
//! description, the literal anchors that must appear for it to run, a matcher, and
//! examples that must and must not match (the tests run them all). The families live
//! one per file (`cloud.rs`, `vcs.rs`, `chat.rs`, …); `generic.rs` holds the
//! `NAME = value` assignments, which are parsed by hand in `assign.rs`.
//!
//! How a search runs (`engine.rs`): one Aho–Corasick automaton over every rule's anchors
//! (ASCII case-insensitive) finds the places worth a look; each rule's regex is then run
//! only in a window around its anchors, and hand-written matchers are called at theirs.
//! Patterns are compiled once, the first time one of their anchors appears, so text
//! without anchors costs one pass of the automaton. Overlapping findings are merged into
//! one, named after the most specific rule among them ([`Rank`]).
//!
//! Invariants: no `unsafe`, no panic on any input (the proptest at the bottom checks
//! it), offsets are byte offsets into the input, findings are sorted and never overlap,
//! and no single rule reports a range longer than [`MAX_SECRET_LEN`]. This module never
//! prints and never keeps what it finds.

mod ai;
mod assign;

pub(crate) use assign::classify as secret_name;
mod chat;
mod check;
mod cloud;
mod engine;
mod generic;
mod keys;
mod payment;
mod saas;
mod vcs;
mod web;

use super::{Finding, Kind};

/// The longest range one rule reports, in bytes. The output relay keeps this much of
/// the previous chunk so that a secret split between chunks is still seen whole.
///
/// 8 KiB holds a PEM or OpenSSH private key of up to 8192 bits and an armored PGP
/// secret key block of 4096 bits; tokens are at most a few hundred bytes. A private key
/// block longer than this is reported from its `BEGIN` line over its first
/// `MAX_SECRET_LEN` bytes, so the tail of such a block is not covered.
pub const MAX_SECRET_LEN: usize = 8192;

/// What kind of issuer or shape a rule covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// Cloud providers and infrastructure (AWS, GCP, Azure, DigitalOcean, Vault, …).
    Cloud,
    /// Source hosting and package registries (GitHub, GitLab, npm, PyPI, Docker Hub, …).
    Vcs,
    /// Chat, mail and messaging (Slack, Discord, Telegram, Twilio, SendGrid, …).
    Chat,
    /// Payments and commerce (Stripe, Square, PayPal/Braintree, Shopify, …).
    Payment,
    /// AI model providers (OpenAI, Anthropic, Hugging Face, …).
    Ai,
    /// Other software-as-a-service (Atlassian, Okta, Datadog, Sentry, Notion, …).
    Saas,
    /// Credentials inside URLs and connection strings.
    DbUrl,
    /// Private key blocks and key files.
    PrivateKey,
    /// JSON Web Tokens.
    Jwt,
    /// HTTP authorization headers and command-line credentials.
    Http,
    /// Password hashes (crackable offline).
    PasswordHash,
    /// `NAME = value` where the name says the value is secret.
    GenericAssignment,
}

impl Family {
    /// Every family.
    pub const ALL: [Self; 12] = [
        Self::Cloud,
        Self::Vcs,
        Self::Chat,
        Self::Payment,
        Self::Ai,
        Self::Saas,
        Self::DbUrl,
        Self::PrivateKey,
        Self::Jwt,
        Self::Http,
        Self::PasswordHash,
        Self::GenericAssignment,
    ];

    /// The family's kebab-case name.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Cloud => "cloud",
            Self::Vcs => "vcs",
            Self::Chat => "chat",
            Self::Payment => "payment",
            Self::Ai => "ai",
            Self::Saas => "saas",
            Self::DbUrl => "db-url",
            Self::PrivateKey => "private-key",
            Self::Jwt => "jwt",
            Self::Http => "http",
            Self::PasswordHash => "password-hash",
            Self::GenericAssignment => "generic-assignment",
        }
    }
}

/// How specific a rule is. When findings overlap, the merged finding takes the id of
/// the highest rank (then the longest range).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rank {
    /// A secret-looking name with a value (`PASSWORD=…`).
    Generic,
    /// A container that holds a secret: a URL with a password, an `Authorization`
    /// header, a command-line option.
    Container,
    /// A shape without an issuer: JWT, private key block, password hash.
    Shape,
    /// An issuer's keyword next to a value of its shape (`okta … 00…`).
    Context,
    /// A token whose own prefix names its issuer (`ghp_…`, `xoxb-…`).
    Prefix,
}

/// A hand-written matcher: (input, anchor start, anchor end) → the secret's range.
pub type CustomMatcher = fn(&[u8], usize, usize) -> Option<(usize, usize)>;

/// How a rule finds its secrets once one of its anchors is seen.
#[derive(Clone, Copy)]
pub enum Matcher {
    /// A regex run from `back` bytes before an anchor to `ahead` bytes after it. The
    /// secret is the first capture group that took part in the match (the whole match
    /// when there is none), and `check` must accept it.
    Regex {
        /// The pattern (ASCII mode: `\w`, `\b` and `\d` are ASCII).
        re: &'static str,
        /// How far before the anchor's start a match may begin.
        back: usize,
        /// How far past the anchor's end a match may end (a run of token bytes is
        /// followed to its end beyond that).
        ahead: usize,
        /// Accepts or rejects the secret's bytes (placeholders, entropy, shape).
        check: fn(&[u8]) -> bool,
    },
    /// A hand-written matcher called with the input and an anchor's range; returns the
    /// secret's range.
    Custom(CustomMatcher),
    /// A hand-written matcher for a shape without a literal, called once on the whole
    /// input; pushes the secrets' ranges.
    Scan(fn(&[u8], &mut Vec<(usize, usize)>)),
}

/// One named detector.
pub struct Rule {
    /// Stable kebab-case id, reported in findings and redactions.
    pub id: &'static str,
    /// The issuer or shape family.
    pub family: Family,
    /// One line: what the rule finds.
    pub description: &'static str,
    /// How specific the rule is.
    pub rank: Rank,
    /// Lowercase literals of which one must appear for the rule to run (matched ASCII
    /// case-insensitively). Empty only for [`Matcher::Scan`] rules.
    pub anchors: &'static [&'static str],
    /// The matcher.
    pub matcher: Matcher,
    /// Fake inputs in which the rule must find a secret.
    pub must_match: &'static [&'static str],
    /// Inputs in which the rule must find nothing.
    pub must_not_match: &'static [&'static str],
}

/// Every rule, by family.
pub const FAMILIES: &[&[Rule]] = &[
    cloud::RULES,
    vcs::RULES,
    chat::RULES,
    payment::RULES,
    ai::RULES,
    saas::RULES,
    keys::RULES,
    web::RULES,
    generic::RULES,
];

/// Every rule, in catalog order.
pub fn rules() -> impl Iterator<Item = &'static Rule> {
    FAMILIES.iter().flat_map(|f| f.iter())
}

/// The secrets in `input`: sorted by start, never overlapping, byte offsets of the
/// secret value (the quotes around a quoted value are not part of it).
#[must_use]
pub fn find(input: &[u8]) -> Vec<Finding> {
    let raw = engine::run(input, None);
    merge(raw)
}

/// The anchors of the rules, lowercase: the words [`find_with`] takes the hits of.
pub(crate) fn anchor_words() -> &'static [&'static str] {
    engine::anchors()
}

/// [`find`], given every occurrence of every word of [`anchor_words`] in `input`.
pub(crate) fn find_with(input: &[u8], hits: Vec<crate::filter::anchors::Hit>) -> Vec<Finding> {
    merge(engine::run_with(input, hits, None))
}

/// `input` with every secret replaced by `[REDACTED:rule]`.
#[must_use]
pub fn redact(input: &[u8]) -> Vec<u8> {
    let found = find(input);
    if found.is_empty() {
        return input.to_vec();
    }
    let mut out = Vec::with_capacity(input.len());
    let mut last = 0;
    for f in &found {
        out.extend_from_slice(&input[last..f.start]);
        out.extend_from_slice(b"[REDACTED:");
        out.extend_from_slice(f.rule.as_bytes());
        out.push(b']');
        last = f.end;
    }
    out.extend_from_slice(&input[last..]);
    out
}

/// One rule's match before merging: the range and the rule's index in [`rules`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Raw {
    start: usize,
    end: usize,
    rule: usize,
}

/// Sorts raw matches and merges overlapping ones: the union of their ranges, named
/// after the most specific rule among them.
fn merge(mut raw: Vec<Raw>) -> Vec<Finding> {
    if raw.is_empty() {
        return Vec::new();
    }
    let all = engine::catalog();
    raw.sort_unstable_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)).then(a.rule.cmp(&b.rule)));
    let better = |a: &Raw, b: &Raw| {
        let (ra, rb) = (all[a.rule].rank, all[b.rule].rank);
        ra > rb || (ra == rb && a.end - a.start > b.end - b.start)
    };
    let mut out = Vec::with_capacity(raw.len());
    let mut cur = raw[0];
    let mut best = raw[0];
    for r in &raw[1..] {
        if r.start < cur.end {
            cur.end = cur.end.max(r.end);
            if better(r, &best) {
                best = *r;
            }
        } else {
            out.push(Finding { kind: Kind::Secret, rule: all[best.rule].id, start: cur.start, end: cur.end });
            cur = *r;
            best = *r;
        }
    }
    out.push(Finding { kind: Kind::Secret, rule: all[best.rule].id, start: cur.start, end: cur.end });
    out
}

#[cfg(test)]
mod tests;
