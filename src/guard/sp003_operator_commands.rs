//! SP003 operator-commands: the agent running tako-exec's operator commands (`approve`,
//! `deny`, `resume`, `policy accept`, `init --force`, `hooks install|uninstall`).

use super::{Cx, Guard, Hit, Programs};
use crate::analyze::model::NameSet;
use crate::analyze::Invocation;
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "SP003",
    name: "operator-commands",
    decision: Decision::Deny,
    summary: "tako-exec approve/deny/resume, policy accept, init --force, hooks install/uninstall run by the agent",
    doc: "\
## What it stops
- `tako-exec approve ID` / `deny ID`: deciding a queued approval.
- `tako-exec resume`: lifting the operator's pause.
- `tako-exec policy accept`: vouching for `.tako/policy.toml`.
- `tako-exec init --force`: replacing the operator's imprint and key.
- `tako-exec hooks install`: accepting git hooks (in an imprinted workspace the
  operator's signature vouches for the hook files, including a chained hook).
- `tako-exec hooks uninstall`: removing the git hooks.
- The same through a name tako-exec cannot read (`tako-exec \"$cmd\" 1`).

Reading commands stay allowed: `check`, `explain`, `config check|show`, `approvals`,
`audit verify|tail|show`, `hooks status`, `pause` (it only stops things).

## Why
These are the operator's decisions. Each already refuses to run without a terminal
and under tako-exec, and this guard stops an agent from even trying: the approver is
never the process being approved.

## Instead
Ask the operator; they run the command at their own terminal.",
    matches: &[
        "tako-exec approve 1a2b3c4d",
        "tako-exec deny 1a2b3c4d",
        "/usr/local/bin/tako-exec resume",
        "tako-exec policy accept",
        "tako-exec init --force --yes",
        "tako-exec hooks uninstall",
        "tako-exec hooks install",
        "tako-exec hooks install --force pre-commit",
        "tako-exec hooks \"$action\"",
        "tako-exec \"$what\" 1a2b3c4d",
        "sudo tako-exec approve 1a2b3c4d",
    ],
    not_matches: &[
        "tako-exec check -- ls",
        "tako-exec approvals",
        "tako-exec hooks status",
        "tako-exec hooks status --json",
        "tako-exec audit verify",
        "tako-exec pause --reason lunch",
        "tako-exec init --yes",
        "tako-exec -c 'echo approve'",
        "echo tako-exec approve",
    ],
    programs: Programs::Only(&PROGRAMS),
    on_invocation: Some(check),
    on_event: None,
};

/// The programs [`check`] judges: it returns `None` for any other.
static PROGRAMS: NameSet = NameSet::new(&["tako-exec"]);

/// The operator commands, with the words that make a command one (`None`: always;
/// `Some(words)`: when any later argument is one of them, or cannot be known).
const OPERATOR: &[(&str, Option<&[&str]>)] = &[
    ("approve", None),
    ("deny", None),
    ("resume", None),
    ("policy", None),
    ("init", Some(&["--force"])),
    ("hooks", Some(&["install", "uninstall"])),
];

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    if &*cx.name(inv)? != "tako-exec" {
        return None;
    }
    let args = inv.args();
    let first = args.first()?;
    let hint = "ask the operator to run it at their terminal";
    let Some(word) = first.as_known() else {
        return Some(
            Hit::deny(
                "runs tako-exec with a subcommand that cannot be known before it runs, possibly an operator command",
            )
            .hint(hint),
        );
    };
    let (_, marker) = OPERATOR.iter().find(|(w, _)| *w == word)?;
    let operator = match marker {
        None => true,
        Some(words) => args.iter().skip(1).any(|a| a.as_known().is_none_or(|t| words.contains(&t))),
    };
    operator.then(|| Hit::deny(format!("`tako-exec {word}` is the operator's decision, not the agent's")).hint(hint))
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }

    #[test]
    fn unknown_words_count_as_operator_commands() {
        let e = crate::guard::tests::eval("tako-exec init $FLAG");
        assert_eq!(e.decision, crate::policy::Decision::Deny, "{e:?}");
        assert!(e.reasons.iter().any(|r| r.code == "SP003"), "{e:?}");
    }
}
