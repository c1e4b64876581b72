//! SY001 power-state: shutting down, rebooting, halting or suspending the machine.

use super::util::{is_remote, remote_name};
use super::{Cx, Guard, Hit, Programs};
use crate::analyze::model::NameSet;
use crate::analyze::{Field, Invocation};
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "SY001",
    name: "power-state",
    decision: Decision::Deny,
    summary: "shutdown, reboot, halt, poweroff, systemctl reboot/suspend, init 0/6",
    doc: "\
## What it stops
`shutdown`, `reboot`, `halt`, `poweroff`, `systemctl poweroff|reboot|halt|suspend|
hibernate|kexec|rescue|emergency`, `init 0|1|6`, `telinit …`, `loginctl terminate-*`:
denied on this machine, asked when run on a remote host (`ssh host reboot`).
`shutdown -c` (cancel) is allowed.

## Why
Turning the machine off ends the operator's session and every process on it, with
unsaved work lost. No coding task needs it.

## Instead
Ask the operator to restart the machine.",
    matches: &["shutdown -h now", "sudo reboot", "systemctl poweroff", "init 0", "halt -f", "ssh prod reboot"],
    not_matches: &["shutdown -c", "systemctl status nginx", "echo reboot", "init --help", "git init"],
    programs: Programs::Only(&PROGRAMS),
    on_invocation: Some(check),
    on_event: None,
};

/// The programs [`check`] judges: it returns `None` for any other.
static PROGRAMS: NameSet = NameSet::new(&[
    "halt",
    "init",
    "kexec",
    "loginctl",
    "pm-hibernate",
    "pm-suspend",
    "poweroff",
    "reboot",
    "shutdown",
    "systemctl",
    "systemd-halt",
    "telinit",
]);

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    let name = cx.name(inv)?;
    let args = inv.args();
    let first = args.first().and_then(Field::as_known);
    let what = match &*name {
        "shutdown" if !args.iter().any(|a| a.as_known() == Some("-c")) && !matches!(first, Some("--help")) => {
            "shutdown"
        }
        "reboot" | "halt" | "poweroff" | "kexec" | "pm-suspend" | "pm-hibernate" | "systemd-halt"
            if !matches!(first, Some("--help")) =>
        {
            &*name
        }
        "systemctl"
            if args.iter().any(|a| {
                matches!(
                    a.as_known(),
                    Some(
                        "poweroff"
                            | "reboot"
                            | "halt"
                            | "suspend"
                            | "hibernate"
                            | "hybrid-sleep"
                            | "kexec"
                            | "rescue"
                            | "emergency"
                            | "soft-reboot"
                    )
                )
            }) =>
        {
            "systemctl power action"
        }
        "init" | "telinit" if matches!(first, Some("0" | "1" | "6" | "s" | "S")) => "init runlevel change",
        "loginctl"
            if first.is_some_and(|f| {
                f.starts_with("terminate") || f.starts_with("kill") || f == "poweroff" || f == "reboot"
            }) =>
        {
            "loginctl session termination"
        }
        _ => return None,
    };
    if is_remote(inv) {
        return Some(Hit::ask(format!("{what} on the remote host {}", remote_name(inv))));
    }
    Some(
        Hit::deny(format!("{what} turns the machine off or restarts it"))
            .hint("ask the operator to restart the machine"),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }
}
