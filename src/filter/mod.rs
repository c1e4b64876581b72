//! Text filters: detectors of secrets and of prompt-injection text, shared by the
//! output relay (what goes back to the agent), `tako-exec scan`, the audit log's
//! redaction and the git hooks.
//!
//! Every detector works on bytes (output may be any encoding, or binary) and reports
//! byte offsets into its input. Each rule has an id, a family, and examples that must
//! and must not match, which the tests run.

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

/// Every finding of both detectors in `input`, ordered by start (then end).
#[must_use]
pub fn scan(input: &[u8]) -> Vec<Finding> {
    let mut all = secret::find(input);
    all.extend(injection::find(input));
    all.sort_by_key(|f| (f.start, f.end, f.kind));
    all
}
