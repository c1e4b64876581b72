//! RS001 fork-bomb: functions that call themselves (unbounded recursion), and fork bombs.

use super::{Cx, Guard, Hit, Programs};
use crate::analyze::Event;
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "RS001",
    name: "fork-bomb",
    decision: Decision::Deny,
    summary: "fork bombs and functions that call themselves without end",
    doc: "\
## What it stops
A shell function that calls itself in a pipeline or in the background
(`:(){ :|:& };:`, `bomb() { bomb | bomb & }; bomb`) is a fork bomb: denied. A function
that calls itself otherwise recurses without bound: asks.

## Why
A fork bomb fills the process table and freezes the machine until a reboot.

## Instead
Write loops with an explicit bound.",
    matches: &[":(){ :|:& };:", "bomb() { bomb | bomb & }; bomb", "loop() { loop; }; loop"],
    not_matches: &["f() { echo hi; }; f", "f() { g; }; g() { echo; }; f", ":"],
    programs: Programs::Any,
    on_invocation: None,
    on_event: Some(check),
};

fn check(ev: &Event, _cx: &Cx<'_>) -> Option<Hit> {
    let Event::Recursion { name, forks, .. } = ev else { return None };
    Some(if *forks {
        Hit::deny(format!("the function `{name}` spawns copies of itself: a fork bomb"))
    } else {
        Hit::ask(format!("the function `{name}` calls itself without a bound"))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }
}
