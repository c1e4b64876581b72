//! PR001 privilege-escalation: running commands as root or another user.

use super::util::Opts;
use super::{Cx, Guard, Hit, Programs};
use crate::analyze::model::NameSet;
use crate::analyze::Invocation;
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "PR001",
    name: "privilege-escalation",
    decision: Decision::Ask,
    summary: "sudo, doas, su, pkexec, run0, runuser",
    doc: "\
## What it stops
Any command run through `sudo`, `doas`, `su`, `pkexec`, `run0`, `runuser` or
`sudoedit`. Querying sudo itself (`sudo -l`, `sudo -v`, `sudo -k`, `sudo --version`)
is allowed.

## Why
Root escapes every boundary the workspace gives: paths, other users' files, the
system. Even a harmless-looking command can be steered through configuration the
agent wrote (`sudo git status` runs the repository's `core.fsmonitor` as root), and
sudo's cached credentials let the next command escalate without a password.

## Instead
Run the command without privileges, or ask the operator to run it.",
    matches: &["sudo ls -la", "sudo git status", "doas reboot", "su -c 'id'", "pkexec bash", "sudo -u postgres psql"],
    not_matches: &["sudo -l", "sudo -k", "sudo --version", "echo sudo", "ls /etc/sudoers.d"],
    programs: Programs::Only(&PROGRAMS),
    on_invocation: Some(check),
    on_event: None,
};

/// The programs [`check`] judges: it returns `None` for any other.
static PROGRAMS: NameSet =
    NameSet::new(&["doas", "gosu", "pkexec", "run0", "runuser", "su", "su-exec", "sudo", "sudo-rs", "sudoedit"]);

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    let name = cx.name(inv)?;
    if !matches!(
        &*name,
        "sudo" | "doas" | "su" | "pkexec" | "run0" | "runuser" | "sudoedit" | "sudo-rs" | "gosu" | "su-exec"
    ) {
        return None;
    }
    let o = Opts::parse(inv.args(), &['u', 'g', 'h', 'p', 'C', 'D', 'r', 't', 'U', 'T', 'R']);
    if name == "sudo"
        && o.operands.is_empty()
        && (o.has(Some('l'), "list")
            || o.has(Some('v'), "validate")
            || o.has(Some('k'), "reset-timestamp")
            || o.has(Some('K'), "remove-timestamp")
            || o.has(Some('V'), "version")
            || o.has(None, "help"))
    {
        return None;
    }
    Some(
        Hit::ask(format!("`{name}` runs `{}` with raised privileges", inv.text))
            .hint("run it without privileges, or let the operator run it"),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }
}
