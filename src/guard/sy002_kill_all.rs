//! SY002 kill-everything: signals to every process (`kill -9 -1`), to init, or to all of
//! a user's processes.

use super::util::Opts;
use super::{Cx, Guard, Hit, Programs};
use crate::analyze::model::NameSet;
use crate::analyze::Invocation;
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "SY002",
    name: "kill-everything",
    decision: Decision::Deny,
    summary: "kill -1 / kill -- -1 / kill 1, killall5, pkill -u USER, pkill matching everything",
    doc: "\
## What it stops
`kill` of PID `-1` (every process the user may signal) or `1` (init), `killall5`,
`pkill`/`killall` by user (`-u`) or with a pattern that matches everything (`.`,
`.*`, `''`).

## Why
These end the operator's whole session: editors, the agent itself, unsaved work, and
with root, the machine.

## Instead
Kill the specific process by PID or exact name.",
    matches: &["kill -9 -1", "kill -- -1", "kill -KILL -1", "kill 1", "killall5 -9", "pkill -u root", "pkill -9 -f ."],
    not_matches: &["kill -9 1234", "kill %1", "pkill -f 'node server.js'", "killall node", "kill -l"],
    programs: Programs::Only(&PROGRAMS),
    on_invocation: Some(check),
    on_event: None,
};

/// The programs [`check`] judges: it returns `None` for any other.
static PROGRAMS: NameSet = NameSet::new(&["kill", "killall", "killall5", "pkill"]);

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    let name = cx.name(inv)?;
    let args = inv.args();
    let hint = "kill the specific process by PID or exact name";
    match &*name {
        "kill" => {
            let mut after = false;
            for a in args {
                let Some(t) = a.as_known() else { continue };
                if t == "--" {
                    after = true;
                    continue;
                }
                if (t == "-1"
                    && (after
                        || args.iter().filter(|x| x.as_known().is_some_and(|s| s.starts_with('-'))).count() >= 2
                        || args.len() == 1))
                    || t == "1"
                {
                    return Some(
                        Hit::deny(if t == "1" {
                            "kill signals init (PID 1)"
                        } else {
                            "kill -1 signals every process of the user"
                        })
                        .hint(hint),
                    );
                }
            }
            None
        }
        "killall5" => Some(Hit::deny("killall5 signals every process").hint(hint)),
        "pkill" | "killall" => {
            let o = Opts::parse(args, &['u', 'U', 'g', 'G', 'P', 's', 't', 'n', 'o']);
            let by_user = o.has(Some('u'), "user")
                || o.has(Some('U'), "uid")
                || args.iter().any(|a| a.as_known().is_some_and(|t| t.starts_with("--user")));
            let everything = o
                .operands
                .iter()
                .filter_map(|f| f.as_known())
                .any(|p| matches!(p, "." | ".*" | "" | "^" | ".+" | "'.*'"));
            if everything {
                return Some(Hit::deny(format!("{name} with a pattern that matches every process")).hint(hint));
            }
            if by_user && o.operands.is_empty() {
                return Some(Hit::deny(format!("{name} -u signals every process of a user")).hint(hint));
            }
            None
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }
}
