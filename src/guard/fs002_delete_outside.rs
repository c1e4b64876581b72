//! FS002 delete-outside-workspace: deleting anything outside the workspace and the
//! temporary directories, or a path that cannot be known.

use super::util::{deletions, is_remote, remote_name, DELETERS};
use super::{Cx, Guard, Hit, Programs};
use crate::analyze::{Invocation, Via};
use crate::paths::Place;
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "FS002",
    name: "delete-outside-workspace",
    decision: Decision::Ask,
    summary: "deleting files outside the workspace, on another host, or at a path that cannot be known",
    doc: "\
## What it stops
Deletions whose target is outside the workspace and outside the temporary directories
(`/tmp`, `/var/tmp`, `$TMPDIR`): other projects (`../other`, `~/src/x`), deeper system
paths (`/etc/nginx/conf.d/x`), paths that climb out of the workspace with `..` even
into `/tmp`, paths built at run time (`rm -rf \"$DIR\"` with `DIR` unknown,
`rm $(cat list)`), a literal `~` directory, and deletions run on another host
(`ssh host 'rm -rf /data'`), and the shared temporary directory itself or all of it
(`rm -rf /tmp/*`, `find /tmp -delete`). A number inside a name (`/tmp/x.$$`,
`/tmp/build-$RANDOM`) names one entry: a number holds no `/` and is never `..`. A
number alone may be empty (`/tmp/$!` before any background job is `/tmp/`) and asks.

## Why
The workspace is what the agent was asked to work on. Anything else belongs to the
operator or the system, and a wrong path there is not recoverable from git.

## Instead
Work inside the workspace, or use a path under `/tmp` written out in full.",
    matches: &[
        "rm -rf ../other",
        "rm -rf /srv/data",
        "rm -rf \"$UNKNOWN_DIR\"",
        "rm -r /etc/nginx/conf.d/old",
        "ssh host 'rm -rf /tmp/data'",
        "rm $(cat list)",
        "rm -rf /tmp",
        "rm -rf /tmp/*",
        "find /tmp -delete",
        "python3 -c \"import shutil; shutil.rmtree('/tmp/demo')\"",
        "ruby -e \"require 'fileutils'; FileUtils.rm_rf('/tmp/x')\"",
        "parallel rm -rf {}",
        "parallel rm -- {}",
        "rm -rf /tmp/$!",
    ],
    not_matches: &[
        "rm -rf build",
        "rm -rf /tmp/build",
        "python3 -c \"import shutil; shutil.rmtree('build')\"",
        "python3 -c \"import os; os.remove('/tmp/x.txt')\"",
        "rm -rf ${TMPDIR:-/tmp}/x",
        "rm -rf ./dist",
        "rm notes.txt",
        "find . -name '*.pyc' -delete",
        "parallel rm -- {} ::: build/a.o",
        "rm -f /tmp/x.$$",
        "rm -rf /tmp/build-$RANDOM/cache",
    ],
    programs: Programs::Only(&DELETERS),
    on_invocation: Some(check),
    on_event: None,
};

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    for d in deletions(inv, cx).iter() {
        let t = &d.target;
        if is_remote(inv) {
            return Some(
                Hit::ask(format!("{} deletes {} on {}", d.tool, t.raw, remote_name(inv)))
                    .hint("run destructive commands on other hosts yourself"),
            );
        }
        if t.literal_tilde {
            return Some(
                Hit::ask(format!(
                    "{} deletes a path named `~` ({}), which is easily mistaken for the home directory",
                    d.tool, t.raw
                ))
                .hint("write the path as ./~ if you really mean a directory named ~"),
            );
        }
        let msg = match &t.place {
            Place::Unknown => format!("{} deletes {}, a path that cannot be known before it runs", d.tool, t.raw),
            Place::Outside | Place::InHome { .. } | Place::System { .. } => {
                format!("{} deletes {}, outside the workspace", d.tool, t.raw)
            }
            Place::TempRoot => {
                format!("{} deletes {}, the temporary directory other programs share", d.tool, t.raw)
            }
            // Tree deletions written in another language are read heuristically: outside
            // the workspace they are reviewed, even under /tmp.
            Place::Temp if d.recursive && interpreter(inv).is_some() => {
                format!("{} code deletes the tree {}", interpreter(inv).unwrap_or_default(), t.raw)
            }
            Place::Temp if t.climbed => {
                format!("{} deletes {}, reached by climbing out of the workspace", d.tool, t.raw)
            }
            _ => continue,
        };
        return Some(Hit::ask(msg).hint("limit deletions to the workspace or a temporary directory"));
    }
    None
}

/// The interpreter whose code this invocation came from, if any.
fn interpreter(inv: &Invocation) -> Option<&str> {
    inv.via.iter().find_map(|v| if let Via::Interpreter(n) = v { Some(n.as_str()) } else { None })
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }

    #[test]
    fn a_number_in_a_name_names_one_entry() {
        use crate::guard::tests::eval;
        use crate::policy::Decision;
        assert_eq!(eval("rm -f \"/tmp/tmp.$$.txt\"").decision, Decision::Allow);
        // One entry of `/`, outside the workspace: not everything in the root.
        let e = eval("rm -rf /x.$((1+1))");
        assert_eq!(e.decision, Decision::Ask, "{:?}", e.reasons);
        assert!(e.reasons.iter().all(|r| r.code == "FS002"), "{:?}", e.reasons);
        // A `..` after it still climbs: `/tmp/a$$/../..` is the root.
        assert_eq!(eval("rm -rf /tmp/a$$/../..").decision, Decision::Deny);
        // A variable could hold `/` or `..`.
        assert_eq!(eval("rm -rf /tmp/x.$NAME").decision, Decision::Ask);
    }
}
