//! OP002 parse-error: text that is not valid shell, at the top level or nested
//! (`bash -c '…'`, `eval '…'`).

use super::{Cx, Guard, Hit, Programs};
use crate::analyze::Event;
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "OP002",
    name: "parse-error",
    decision: Decision::Deny,
    summary: "command text that does not parse as shell (top level or nested in bash -c / eval)",
    doc: "\
## What it stops
Text that the shell grammar rejects: unterminated quotes, unbalanced `$(`, stray
keywords; also inside `bash -c '…'`, `eval '…'` and other nested code.

## Why
tako-exec only runs what it has understood. Input that does not parse is either a
mistake (the shell would fail too) or crafted to make a parser and the shell disagree.

## Instead
Fix the quoting. Use single quotes for literal text, and a here-document for long
scripts.",
    matches: &["echo 'unterminated", "bash -c 'echo \"x'", "eval 'if then'", "ls $(", "git reset --hard 'unterminated"],
    not_matches: &["echo 'ok'", "bash -c 'echo ok'", "eval 'echo ok'", "echo \"it's fine\""],
    programs: Programs::Any,
    on_invocation: None,
    on_event: Some(check),
};

fn check(ev: &Event, _cx: &Cx<'_>) -> Option<Hit> {
    let Event::NestedParseError { runner, message, .. } = ev else { return None };
    Some(
        Hit::deny(format!("the code given to {runner} is not valid shell: {message}"))
            .hint("fix the quoting or syntax; tako-exec only runs what it can parse"),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }
}
