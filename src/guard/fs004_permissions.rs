//! FS004 permissions-system: changing permissions or ownership of system paths, the home
//! directory, or making files outside the workspace world-writable.

use super::util::{is_remote, target, Opts};
use super::{Cx, Guard, Hit, Programs};
use crate::analyze::model::NameSet;
use crate::analyze::Invocation;
use crate::paths::Place;
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "FS004",
    name: "permissions-system",
    decision: Decision::Deny,
    summary: "recursive chmod/chown on system paths or home, world-writable modes outside the workspace",
    doc: "\
## What it stops
- `chmod -R`, `chown -R`, `chgrp -R` on `/`, a system directory, the home directory or
  a top-level folder in it: denied.
- Making a system path world-writable (`chmod 777 /etc`): denied.
- Changing ownership of system paths, or making any path outside the workspace
  world-writable (`777`, `o+w`, `a+w`): asks.

## Why
Wrong permissions on system files break the machine or open it to other users; a
recursive ownership change on `/usr` cannot be undone by hand.

## Instead
Change permissions of the specific files in the workspace that need it.",
    matches: &[
        "chmod -R 777 /",
        "chmod 0777 /etc",
        "chown -R nobody /usr",
        "chmod --recursive 755 /etc",
        "chmod o+w /srv/shared/file",
    ],
    not_matches: &[
        "chmod +x script.sh",
        "chmod -R 755 /home/user/project",
        "chmod 644 file_777",
        "chmod -R 644 file_777",
        "chown me:me build/out",
    ],
    programs: Programs::Only(&PROGRAMS),
    on_invocation: Some(check),
    on_event: None,
};

/// The programs [`check`] judges: it returns `None` for any other.
static PROGRAMS: NameSet = NameSet::new(&["chgrp", "chmod", "chown"]);

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    let name = cx.name(inv)?;
    if !matches!(&*name, "chmod" | "chown" | "chgrp") || is_remote(inv) {
        return None;
    }
    let o = Opts::parse(inv.args(), &[]);
    let recursive = o.has(Some('R'), "recursive");
    let mut operands = o.operands.iter();
    let mode = if o.long.iter().any(|l| l == "reference") { None } else { operands.next() };
    let world = name == "chmod" && mode.and_then(|m| m.as_known()).is_some_and(world_writable);
    for f in operands {
        let t = target(inv, f, cx);
        let critical = match &t.place {
            Place::Root | Place::Home => true,
            Place::System { depth, .. } => *depth <= 2,
            Place::InHome { depth } => *depth <= 1,
            _ => false,
        };
        let system = matches!(t.place, Place::Root | Place::System { .. });
        if critical && (recursive || t.all_children) {
            return Some(
                Hit::deny(format!("{name} -R changes {} recursively", t.raw))
                    .hint("change only the files in the workspace that need it"),
            );
        }
        if world && system {
            return Some(Hit::deny(format!("{name} makes the system path {} world-writable", t.raw)));
        }
        if (name != "chmod" && system)
            || (world && !matches!(t.place, Place::Workspace { .. } | Place::Temp | Place::TempRoot))
        {
            return Some(Hit::ask(format!("{name} changes {} outside the workspace", t.raw)));
        }
    }
    None
}

/// Whether a chmod mode grants write to others (`777`, `o+w`, `a+w`, `+w` alone is user).
fn world_writable(m: &str) -> bool {
    if m.bytes().all(|b| b.is_ascii_digit()) {
        return m.as_bytes().last().is_some_and(|d| (d - b'0') & 2 != 0);
    }
    m.split(',').any(|c| {
        (c.starts_with('o') || c.starts_with('a'))
            && c.contains('+')
            && c.split('+').nth(1).is_some_and(|p| p.contains('w'))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }

    #[test]
    fn modes() {
        assert!(super::world_writable("777"));
        assert!(super::world_writable("0666"));
        assert!(!super::world_writable("755"));
        assert!(super::world_writable("o+w"));
        assert!(!super::world_writable("u+w"));
    }
}
