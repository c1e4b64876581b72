//! FS001 delete-critical: deleting `/`, a system directory, the home directory or one of
//! its top-level directories.

use super::util::{deletions, is_remote, DELETERS};
use super::{Cx, Guard, Hit, Programs};
use crate::analyze::Invocation;
use crate::paths::Place;
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "FS001",
    name: "delete-critical",
    decision: Decision::Deny,
    summary: "deleting /, a system directory, the home directory or a top-level folder of it",
    doc: "\
## What it stops
Deleting the filesystem root, a system directory (`/etc`, `/usr`, `/var/log`, `/home`, …)
or one of its direct children, the operator's home directory, or a top-level folder in
it (`~/Documents`, `~/.ssh`, `~/projects`), in every spelling: `rm -rf` with any flag
order, paths through `..` (`/tmp/../etc`), globs (`/*`, `~/*`), `find … -delete`,
`mv … /dev/null`, deletions inside interpreter code (`shutil.rmtree('/')`).

## Why
These deletions destroy the operating system or the operator's data and cannot be
undone. No agent task needs them.

## Instead
Delete the specific files you mean, inside the workspace or a temporary directory.",
    matches: &[
        "rm -rf /",
        "rm -rf ~",
        "sudo rm -rf /etc",
        "rm -rf /tmp/../etc",
        "python3 -c \"import os, shutil; shutil.rmtree(os.path.expanduser('~'))\"",
        "rm -rf /*",
        "find / -delete",
        "python3 -c \"import shutil; shutil.rmtree('/')\"",
        "rm -rf $HOME/Documents",
    ],
    not_matches: &[
        "rm -rf build",
        "rm -rf /tmp/build",
        "rm file.txt",
        "echo rm -rf /",
        "rm -rf /etc/nginx/sites-enabled/old",
        "ls /",
    ],
    programs: Programs::Only(&DELETERS),
    on_invocation: Some(check),
    on_event: None,
};

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    if is_remote(inv) {
        return None;
    }
    for d in deletions(inv, cx).iter() {
        let t = &d.target;
        let what = match &t.place {
            Place::Root => "the filesystem root".to_string(),
            Place::System { top, depth } if *depth <= 2 => format!("the system directory {}", shown(t, top)),
            Place::Home => "the home directory".to_string(),
            Place::InHome { depth: 1 } if d.recursive || t.all_children => format!("{} in the home directory", t.raw),
            _ => continue,
        };
        let all = if t.all_children { "everything in " } else { "" };
        return Some(
            Hit::deny(format!("{} deletes {all}{what}", d.tool))
                .hint("delete only the files you mean, inside the workspace or /tmp"),
        );
    }
    None
}

fn shown(t: &crate::paths::Target, top: &str) -> String {
    t.path.as_ref().map_or_else(|| format!("/{top}"), |p| p.display().to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }

    #[test]
    fn a_pattern_as_the_command_name_is_expanded() {
        use crate::guard::tests::eval;
        use crate::policy::Decision;
        // The shell expands it before it runs: `/bin/r?` is `/bin/rm` (every Linux has one).
        assert_eq!(eval("/bin/r? -rf ~").decision, Decision::Deny);
        assert_eq!(eval("/bin/r[m] -rf /").decision, Decision::Deny);
        // Interpreter code that deletes the home directory it looks up (not the module
        // named `os`) is denied; a path it computes otherwise asks.
        let e = eval("node -e \"require('fs').rmSync(require('os').homedir(), {recursive:true})\"");
        assert_eq!(e.decision, Decision::Deny, "{:?}", e.reasons);
        let e = eval("node -e \"require('fs').rmSync(require('os').tmpdir(), {recursive:true})\"");
        assert_eq!(e.decision, Decision::Ask, "{:?}", e.reasons);
    }
}
