//! FS003 delete-workspace: deleting the whole workspace, its `.git`, or source that git
//! tracks or cannot restore.

use super::util::{deletions, is_build_output, is_remote, DELETERS};
use super::{Cx, Guard, Hit, Programs};
use crate::analyze::model::UNKNOWN_MARK;
use crate::analyze::Invocation;
use crate::paths::Place;
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "FS003",
    name: "delete-workspace",
    decision: Decision::Deny,
    summary: "deleting the workspace itself, its .git directory, or a tree of source files",
    doc: "\
## What it stops
- Deleting the repository's history (`.git`): denied.
- Deleting the whole workspace or everything in it (`rm -rf .`, `rm -rf *`,
  `rm -rf .*`, `find . -delete`, `find . -exec rm -rf {} +`): asks.
- Deleting a directory tree inside the workspace that holds files git tracks, or
  files git neither tracks nor ignores (work that git cannot restore): asks. A glob is
  judged by the paths it matches when the command is checked (`rm -rf s*` deletes
  `src`, `rm -rf .g*` deletes `.git`); one whose matches cannot be told asks.
- Destroying files beyond recovery, wherever they are: `shred` and `wipe` of any file
  (`shred -u secret.txt`), `srm` of a file that exists or cannot be known: asks.
  Shredding a block device is DK002's.

Build output is not source: a tree that git ignores, that does not exist, or that is
named like build output (`target`, `node_modules`, `dist`, `build`, `.venv`,
`__pycache__`, …) and holds no tracked file is deleted without a prompt.

## Why
An agent that wipes the source tree loses uncommitted work in one command; an agent
that deletes `.git` loses all history.

## Instead
Delete the specific files, or the build output directory, or use `git clean -n` to see
what is untracked first.",
    matches: &[
        "rm -rf .",
        "rm -rf *",
        "rm -rf .git",
        "find . -delete",
        "rm -rf src",
        "cd .. && rm -rf project",
        "find . -exec rm -rf {} +",
        "find . -name src -type d -exec rm -rf {} +",
        "shred -u secret.txt",
        "eval \"shred secret\"",
        "shred -n 3 src/main.rs",
        "srm src/main.rs",
        "wipe -rf /tmp/x",
        "rm -rf s*",
        "rm -rf .g?t",
        "rm -rf ./[s]rc/",
    ],
    not_matches: &[
        "rm -rf target node_modules dist build",
        "find . -name __pycache__ -type d -exec rm -rf {} +",
        "find . -name node_modules -prune | xargs rm -rf",
        "rm -rf ./build-*",
        "rm src/main.rs",
        "rm -rf /tmp/x",
        "find . -name '*.o' -delete",
        "find . -exec rm -rf {} ;",
        "find . -delete -exec echo {}",
        "rm -rf missing-dir",
        "shred",
        "shred --help",
        "srm -z file.txt",
        "rm -rf ./*/nested",
        "rm -rf t*",
        "rm -rf */debug",
    ],
    programs: Programs::Only(&DELETERS),
    on_invocation: Some(check),
    on_event: None,
};

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    if is_remote(inv) {
        return None;
    }
    if let Some(hit) = destroy(inv, cx) {
        return Some(hit);
    }
    for d in deletions(inv, cx).iter() {
        let t = &d.target;
        // (A path reached through a directory out of the workspace, `cd .. && rm -rf
        // proj`, is judged like any other: it is still the workspace.)
        let Place::Workspace { rel } = &t.place else { continue };
        if rel.starts_with(".git") && (d.recursive || rel.as_os_str() == ".git")
            || (rel.as_os_str().is_empty() && t.all_children && t.raw.contains(".*"))
        {
            return Some(
                Hit::deny(format!("{} deletes the repository's history ({})", d.tool, t.raw))
                    .hint("leave .git alone; use git commands to change history"),
            );
        }
        // Paths found by name (`find . -name __pycache__ -exec rm -rf {} +`): a build
        // output's name, wherever it is, is what `rm -rf build` deletes.
        let found_build_output = t.raw.contains('/')
            && t.raw.rsplit('/').next().is_some_and(|n| {
                !n.contains(['…', UNKNOWN_MARK, '*', '?', '['])
                    && !n.is_empty()
                    && is_build_output(std::path::Path::new(n))
            });
        if found_build_output {
            continue;
        }
        if rel.as_os_str().is_empty() && (t.all_children || !t.glob) {
            return Some(
                Hit::ask(format!("{} deletes everything in the workspace ({})", d.tool, t.raw))
                    .hint("name the files or build directories to delete"),
            );
        }
        // A glob's matches follow it as deletions of their own; one whose matches cannot
        // be told could match source trees.
        if d.unresolved && d.recursive && !t.all_children {
            return Some(
                Hit::ask(format!("{} deletes what {} matches, which cannot be told before it runs", d.tool, t.raw))
                    .hint("name the directories to delete"),
            );
        }
        // A tree inside the workspace: source or build output?
        let whole_tree = d.recursive && (!t.glob || t.all_children);
        if !whole_tree || is_build_output(rel) {
            continue;
        }
        let Some(path) = &t.path else { continue };
        if !path.exists() {
            continue;
        }
        let tracked = cx.repo().map_or(0, |r| r.tracked_under(path));
        let ignored = cx.repo().is_some_and(|r| r.ignored(path));
        if tracked > 0 {
            return Some(
                Hit::ask(format!("{} deletes {}, which holds {tracked} file(s) tracked by git", d.tool, t.raw))
                    .hint("commit first, or delete only generated files"),
            );
        }
        if !ignored {
            return Some(
                Hit::ask(format!(
                    "{} deletes {}, files git neither tracks nor ignores (they cannot be restored)",
                    d.tool, t.raw
                ))
                .hint("add build output to .gitignore, or delete specific files"),
            );
        }
    }
    None
}

/// `shred`, `wipe`, `srm`: overwriting a file so that nothing can bring it back. Block
/// devices are DK002's. `shred` and `wipe` exist for nothing else, so any file asks
/// (one missing now may be written earlier in the same command); `srm` asks when the
/// file exists or cannot be known.
fn destroy(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    let name = cx.name(inv)?;
    if !matches!(&*name, "shred" | "wipe" | "srm") {
        return None;
    }
    deletions(inv, cx).iter().find_map(|d| {
        let t = &d.target;
        let device = t.path.as_deref().is_some_and(|p| p.starts_with("/dev")) || t.raw.starts_with("/dev/");
        let dir = name == "shred" && t.path.as_deref().is_some_and(std::path::Path::is_dir) && !t.glob;
        let known_missing = t.path.is_some() && !t.glob && !t.exists();
        if device || dir || (name == "srm" && known_missing) {
            return None;
        }
        Some(
            Hit::ask(format!("{name} destroys {} beyond recovery", t.raw))
                .hint("delete with rm (git or a backup can still restore it); shredding is the operator's call"),
        )
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }
}
