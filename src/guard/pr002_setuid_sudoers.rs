//! PR002 setuid-sudoers: granting privileges: setuid/setgid bits, sudoers, admin groups,
//! capabilities, password and user databases.

use super::util::{joined_lower, writes, Opts};
use super::{Cx, Guard, Hit, Programs};
use crate::analyze::Invocation;
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "PR002",
    name: "grant-privilege",
    decision: Decision::Deny,
    summary: "setuid bits, writing sudoers or passwd, adding users to admin groups, setcap",
    doc: "\
## What it stops
- Setting setuid or setgid bits (`chmod u+s`, `chmod 4755`, `chmod +s`,
  `install -m 4755`): denied.
- Writing `/etc/sudoers`, `/etc/sudoers.d/*`, `/etc/passwd`, `/etc/shadow`,
  `/etc/group` (directly or with `visudo`, `vipw`): denied.
- Adding a user to an admin group (`usermod -aG sudo|wheel|admin|root|docker`),
  creating a uid-0 user, granting file capabilities (`setcap`), changing passwords
  (`passwd`, `chpasswd`): asks.

## Why
These create a path to root that outlives the session.

## Instead
Ask the operator.",
    matches: &[
        "chmod u+s /usr/bin/find",
        "chmod 4755 ./tool",
        "install -m 4755 /bin/sh /tmp/sh",
        "echo 'me ALL=(ALL) NOPASSWD:ALL' >> /etc/sudoers",
        "usermod -aG sudo me",
        "setcap cap_net_raw+ep ./bin",
        "visudo",
    ],
    not_matches: &[
        "chmod 755 ./tool",
        "chmod u+x run.sh",
        "install -m 0755 target/release/app ~/.local/bin/",
        "install -d -m 2775 /srv/shared",
        "cat /etc/passwd",
        "groups",
        "id -u",
    ],
    programs: Programs::Any,
    on_invocation: Some(check),
    on_event: None,
};

/// Whether a `chmod`-style mode sets the setuid or setgid bit (`4755`, `u+s`, `g=s`).
fn sets_id(mode: &str) -> bool {
    if mode.bytes().all(|b| b.is_ascii_digit()) {
        mode.len() == 4 && matches!(mode.as_bytes()[0], b'2'..=b'7' if (mode.as_bytes()[0] - b'0') & 6 != 0)
    } else {
        mode.split(',').any(|c| {
            c.split_once('+').is_some_and(|(_, p)| p.contains('s'))
                || c.split_once('=').is_some_and(|(_, p)| p.contains('s'))
        })
    }
}

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    for t in writes(inv, cx).iter() {
        if let Some(p) = &t.path {
            let p = crate::paths::lossy(p);
            if p.starts_with("/etc/sudoers")
                || matches!(
                    p.as_ref(),
                    "/etc/passwd" | "/etc/shadow" | "/etc/group" | "/etc/gshadow" | "/etc/doas.conf" | "/etc/pam.d"
                )
                || p.starts_with("/etc/pam.d/")
            {
                return Some(Hit::deny(format!("writes {p}, which controls who is root")));
            }
        }
    }
    let name = cx.name(inv)?;
    let args = inv.args();
    match &*name {
        "chmod" => {
            let o = Opts::parse(args, &[]);
            let mode = o.operands.first()?.as_known()?;
            sets_id(mode).then(|| Hit::deny(format!("chmod {mode} sets a setuid/setgid bit")))
        }
        // `install -m 4755 /bin/sh ./sh`: a copy with the bit set. (`install -d -m 2775`
        // makes directories, where setgid only passes the group on to new files.)
        "install" if !args.iter().any(|a| matches!(a.as_known(), Some("-d" | "--directory"))) => {
            let mode = args.iter().enumerate().find_map(|(k, a)| {
                let t = a.as_known()?;
                match t {
                    "-m" | "--mode" => args.get(k + 1)?.as_known(),
                    _ => t.strip_prefix("--mode=").or_else(|| t.strip_prefix("-m").filter(|m| !m.is_empty())),
                }
            })?;
            sets_id(mode).then(|| Hit::deny(format!("install -m {mode} sets a setuid/setgid bit")))
        }
        "visudo" | "vipw" | "vigr" => Some(Hit::deny(format!("{name} edits the system's privilege database"))),
        "usermod" | "gpasswd" | "adduser" | "useradd" => {
            let line = joined_lower(args);
            let admin = ["sudo", "wheel", "admin", "root", "docker", "lxd", "disk", "adm"]
                .iter()
                .any(|g| line.split([' ', ',']).any(|w| w == *g));
            let uid0 = line.contains("-u 0") || line.contains("--uid 0") || line.contains("-o");
            (admin && (line.contains("-g") || line.contains("-a") || name == "adduser" || name == "gpasswd")
                || uid0 && name != "gpasswd")
                .then(|| Hit::ask(format!("{name} grants a user administrator rights")))
        }
        "setcap" => Some(Hit::ask("setcap grants a program capabilities of root")),
        "passwd" | "chpasswd" | "chage" => Some(Hit::ask(format!("{name} changes account passwords"))),
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
