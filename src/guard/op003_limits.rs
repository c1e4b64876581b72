//! OP003 analysis-limits: nesting deeper than the bound, or more work than the budget.

use super::{Cx, Guard, Hit, Programs};
use crate::analyze::Event;
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "OP003",
    name: "analysis-limits",
    decision: Decision::Deny,
    summary: "shells nested deeper than the bound, or scripts that exhaust the analysis budget",
    doc: "\
## What it stops
Commands nested deeper than tako-exec's bound (`bash -c \"bash -c \\\"…\\\"\"` two dozen
levels, `$($($(…)))` thousands deep) and scripts whose analysis exceeds the work
budget (exponential function calls, enormous expansions).

## Why
Analysis is bounded so a decision always comes quickly. What lies beyond the bound is
unseen, and unseen code does not run.

## Instead
Flatten the command: fewer layers of shells, or a script file.",
    matches: &[
        "f0() { echo; }; f1() { f0; f0; f0; f0; f0; f0; f0; f0; f0; f0; }; f2() { f1; f1; f1; f1; f1; f1; f1; f1; f1; f1; }; f3() { f2; f2; f2; f2; f2; f2; f2; f2; f2; f2; }; f4() { f3; f3; f3; f3; f3; f3; f3; f3; f3; f3; }; f5() { f4; f4; f4; f4; f4; f4; f4; f4; f4; f4; }; f5",
        "X='eval \"$X\"'; eval \"$X\"",
        "f0() { :; }; f1() { f0; f0; f0; f0; f0; f0; f0; f0; f0; f0; f0; f0; f0; f0; f0; f0; f0; f0; f0; f0; f0; f0; f0; f0; f0; f0; f0; f0; f0; f0; f0; f0; }; f2() { f1; f1; f1; f1; f1; f1; f1; f1; f1; f1; f1; f1; f1; f1; f1; f1; f1; f1; f1; f1; f1; f1; f1; f1; f1; f1; f1; f1; f1; f1; f1; f1; }; f3() { f2; f2; f2; f2; f2; f2; f2; f2; f2; f2; f2; f2; f2; f2; f2; f2; f2; f2; f2; f2; f2; f2; f2; f2; f2; f2; f2; f2; f2; f2; f2; f2; }; f3",
    ],
    not_matches: &["bash -c 'bash -c \"echo hi\"'", "for i in 1 2 3; do echo $i; done", "f() { echo; }; f; f; f"],
    programs: Programs::Any,
    on_invocation: None,
    on_event: Some(check),
};

fn check(ev: &Event, _cx: &Cx<'_>) -> Option<Hit> {
    match ev {
        Event::TooDeep { .. } => Some(
            Hit::deny(format!("shells are nested deeper than {} levels", crate::analyze::MAX_NESTING))
                .hint("flatten the command"),
        ),
        Event::Budget { .. } => Some(
            Hit::deny(format!("the script needs more than {} analysis steps", crate::analyze::MAX_STEPS))
                .hint("split the work into smaller commands or a script file"),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }

    #[test]
    fn deep_nesting_is_denied() {
        let e = crate::guard::tests::eval("X='eval \"$X\"'; eval \"$X\"");
        assert!(e.reasons.iter().any(|r| r.code == "OP003"), "{e:?}");
        assert_eq!(e.decision, crate::policy::Decision::Deny);
    }
}
