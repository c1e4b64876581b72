//! Text filters: detectors of secrets and of prompt-injection text, shared by the
//! output relay (what goes back to the agent), `tako-exec scan`, the audit log's
//! redaction and the git hooks.
//!
//! Every detector works on bytes (output may be any encoding, or binary) and reports
//! byte offsets into its input. Each rule has an id, a family, and examples that must
//! and must not match, which the tests run.

mod anchors;
pub mod injection;
pub mod relay;
pub mod secret;

use serde::Serialize;

/// What a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A credential or other secret value.
    Secret,
    /// Text that tries to instruct the agent.
    Injection,
}

impl Kind {
    /// `secret` or `injection`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Secret => "secret",
            Self::Injection => "injection",
        }
    }
}

/// One finding: `input[start..end]` matched rule `rule`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Secret or injection.
    pub kind: Kind,
    /// The rule's id (e.g. `aws-access-key`, `override-instructions`).
    pub rule: &'static str,
    /// Byte offset of the start.
    pub start: usize,
    /// Byte offset just past the end.
    pub end: usize,
}

/// How many family slots there are (see [`family_slot`]): the secret families, then
/// the injection families.
pub const FAMILY_SLOTS: usize = 32;

/// Every rule family by name, with its kind and slot: secret families (`cloud`,
/// `private-key`, `jwt`, …) then injection families (`override-instructions`,
/// `fake-turn`, …). A family's mode in `[filters.families]` overrides its kind's.
pub fn families() -> impl Iterator<Item = (usize, Kind, &'static str)> {
    let secrets = secret::Family::ALL.into_iter().map(|f| (Kind::Secret, f.name()));
    let injections = injection::family_ids().map(|id| (Kind::Injection, id));
    secrets.chain(injections).enumerate().take(FAMILY_SLOTS).map(|(i, (k, n))| (i, k, n))
}

/// The slot of the family named `name`.
#[must_use]
pub fn family_slot(name: &str) -> Option<(usize, Kind)> {
    families().find(|(_, _, n)| *n == name).map(|(i, k, _)| (i, k))
}

/// The slot of the family a finding belongs to.
#[must_use]
pub fn finding_slot(f: &Finding) -> Option<usize> {
    static SECRET_RULES: std::sync::LazyLock<std::collections::HashMap<&'static str, usize>> =
        std::sync::LazyLock::new(|| {
            secret::rules().filter_map(|r| family_slot(r.family.name()).map(|(i, _)| (r.id, i))).collect()
        });
    match f.kind {
        Kind::Secret => SECRET_RULES.get(f.rule).copied(),
        Kind::Injection => family_slot(f.rule).map(|(i, _)| i),
    }
}

/// Every finding of both detectors in `input`, ordered by start (then end).
#[must_use]
pub fn scan(input: &[u8]) -> Vec<Finding> {
    let mut all = find_both(input);
    all.sort_by_key(|f| (f.start, f.end, f.kind));
    all
}

/// Bytes scanned by this process: past [`BULK`], it is relaying or scanning bulk
/// output, and automata that take milliseconds to build pay for themselves.
static SCANNED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// See [`SCANNED`].
const BULK: usize = 1 << 20;

/// Counts `len` bytes as scanned; whether this process is (now) scanning bulk output.
fn bulk(len: usize) -> bool {
    SCANNED.fetch_add(len, std::sync::atomic::Ordering::Relaxed) >= BULK || len >= BULK
}

/// Inputs at least this long (in bulk) are searched for both detectors' words at once.
const BOTH_FROM: usize = 16 * 1024;

/// The words of both detectors in one automaton: secret anchors first, then injection
/// trigger words (numbered from the second number).
static BOTH: std::sync::LazyLock<Option<(anchors::Words, usize)>> = std::sync::LazyLock::new(|| {
    let secrets = secret::anchor_words();
    let words = anchors::Words::new(secrets.iter().chain(injection::trigger_words()))?;
    Some((words, secrets.len()))
});

/// The findings of both detectors in `input`, in no particular order. A long input in
/// bulk is walked once for the words of both (see [`anchors`]) rather than once each.
#[must_use]
pub fn find_both(input: &[u8]) -> Vec<Finding> {
    // Counted once here, whichever search runs.
    let bulk = bulk(input.len());
    if bulk && input.len() >= BOTH_FROM {
        if let Some((words, split)) = BOTH.as_ref() {
            let mut hits = Vec::new();
            words.hits(input, &mut hits);
            let (secret_hits, trigger_hits): (Vec<_>, Vec<_>) = hits.into_iter().partition(|h| h.0 < *split);
            let trigger_hits = trigger_hits.into_iter().map(|(p, s, e)| (p - split, s, e)).collect();
            let mut all = secret::find_with(input, secret_hits);
            all.extend(injection::find_with(input, trigger_hits));
            return all;
        }
    }
    let mut all = secret::find(input);
    all.extend(injection::find_in(input, bulk));
    all
}

#[cfg(test)]
mod family_tests {
    use super::*;

    #[test]
    fn every_family_has_a_slot_and_a_unique_name() {
        let all: Vec<_> = families().collect();
        assert!(all.len() < FAMILY_SLOTS, "raise FAMILY_SLOTS");
        let mut names: Vec<&str> = all.iter().map(|(_, _, n)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all.len(), "family names are unique across kinds");
        assert_eq!(family_slot("private-key").map(|(_, k)| k), Some(Kind::Secret));
        assert_eq!(family_slot("fake-turn").map(|(_, k)| k), Some(Kind::Injection));
        for r in secret::rules() {
            let f = Finding { kind: Kind::Secret, rule: r.id, start: 0, end: 1 };
            assert!(finding_slot(&f).is_some(), "{}", r.id);
        }
    }
}
