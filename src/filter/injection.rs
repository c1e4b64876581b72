//! Prompt-injection detectors (placeholder until the detector set lands).

use super::Finding;

/// The injection attempts in `input`.
#[must_use]
pub fn find(input: &[u8]) -> Vec<Finding> {
    let _ = input;
    Vec::new()
}
