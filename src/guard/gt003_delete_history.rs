//! GT003 git-delete-history: deleting branches, tags, reflogs and unreachable objects, or
//! rewriting the whole history.

use super::util::git_cmd;
use super::{util, Cx, Guard, Hit, Programs};
use crate::analyze::{Field, Invocation};
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "GT003",
    name: "git-delete-history",
    decision: Decision::Ask,
    summary: "git branch -D, tag -d, reflog expire/delete, gc --prune=now, prune, filter-branch, update-ref -d",
    doc: "\
## What it stops
Commands that delete commits from the local repository or make them unrecoverable:
`git branch -D` (unmerged branches), `git tag -d`, `git reflog expire` / `delete`,
`git gc --prune=now|all`, `git prune`, `git filter-branch`, `git filter-repo`,
`git update-ref -d`, `git replace`, `git worktree remove --force`.

## Why
The reflog and unreachable objects are git's undo history; branches hold work not
merged anywhere. Deleting them turns a mistake into a loss.

## Instead
`git branch -d` deletes only merged branches; leave garbage collection to git. The
operator can approve a rewrite that is intended.",
    matches: &[
        "git branch -D feature/x",
        "git branch --delete --force old",
        "git branch -f feature HEAD~3",
        "git tag -d v1.0",
        "git reflog expire --expire=now --all",
        "git gc --prune=now",
        "git filter-branch --tree-filter true HEAD",
        "git update-ref -d refs/heads/x",
    ],
    not_matches: &[
        "git branch -d merged",
        "git branch --list -f",
        "git branch -a",
        "git tag v1.0",
        "git reflog",
        "git gc",
        "git log --oneline",
    ],
    programs: Programs::Only(&util::GIT),
    on_invocation: Some(check),
    on_event: None,
};

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    let g = git_cmd(inv, cx)?;
    let first = g.args.first().and_then(Field::as_known);
    let msg = match g.sub.as_deref()? {
        "branch"
            if g.has_known("-D", Some('D'))
                || (g.has_known("--delete", Some('d')) && g.has_known("--force", Some('f'))) =>
        {
            "git branch -D deletes a branch that may not be merged"
        }
        "branch"
            if g.has_known("--force", Some('f')) && !g.operands().is_empty() && !g.has_known("--list", Some('l')) =>
        {
            "git branch --force moves an existing branch, dropping the commits only it held"
        }
        "tag" if g.has_known("--delete", Some('d')) => "git tag -d deletes a tag",
        "reflog" if matches!(first, Some("expire" | "delete")) => {
            "git reflog expire/delete removes git's record of where branches were"
        }
        "gc" if g.args.iter().any(|a| {
            a.as_known().is_some_and(|t| {
                t.starts_with("--prune=")
                    && !t.ends_with("=never")
                    && !t.contains("weeks")
                    && !t.contains("days")
                    && !t.contains("month")
            })
        }) =>
        {
            "git gc --prune=now deletes unreachable commits at once"
        }
        "prune" => "git prune deletes unreachable commits",
        "filter-branch" | "filter-repo" => "rewrites the whole history of the repository",
        "update-ref" if g.has_known("-d", Some('d')) => "git update-ref -d deletes a ref",
        "replace" if !g.has_known("--list", Some('l')) && !g.args.is_empty() => {
            "git replace substitutes objects in history"
        }
        "worktree" if first == Some("remove") && g.has_known("--force", Some('f')) => {
            "git worktree remove --force deletes a worktree with changes"
        }
        "symbolic-ref" if g.has_known("--delete", Some('d')) => "git symbolic-ref --delete deletes a ref",
        _ => return None,
    };
    Some(Hit::ask(msg).hint("keep history; the operator can approve when the deletion is intended"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }
}
