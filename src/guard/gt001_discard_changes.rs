//! GT001 git-discard-changes: git commands that throw away uncommitted work in the
//! working tree or the stash.

use super::util::git_cmd;
use super::{Cx, Guard, Hit};
use crate::analyze::{Cwd, Field, Invocation};
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "GT001",
    name: "git-discard-changes",
    decision: Decision::Ask,
    summary: "git reset --hard, checkout/restore of paths, clean -f, stash drop/clear: uncommitted work is lost",
    doc: "\
## What it stops
Git commands that overwrite or delete work that is not committed anywhere:
`git reset --hard` / `--merge`, `git checkout -- PATH`, `git checkout .`,
`git checkout -f`, `git restore PATH` (the working tree, not only `--staged`),
`git switch --discard-changes` / `-f`, `git clean -f` (untracked files, `-x` ignored
ones too), `git stash drop` / `git stash clear`. Seen through wrappers, aliases
(`git -c alias.x=reset x --hard`), abbreviations (`--har`) and `sh -c`.

## Why
Uncommitted changes are not in git's history: once overwritten, they are gone. Agents
reach for these commands to \"get back to a clean state\" and erase the operator's
work in progress.

## Instead
`git stash` (recoverable), `git reset --soft` or `--keep`, `git restore --staged` to
unstage, `git clean -n` to see what would go. The operator can approve the command
when the loss is intended.",
    matches: &[
        "git reset --hard",
        "git reset --hard HEAD~1",
        "git checkout -- src/main.rs",
        "git checkout .",
        "git restore src/main.rs",
        "git clean -fdx",
        "git stash drop",
        "git stash clear",
        "sh -c 'git reset --hard'",
        "git -c alias.nuke=reset nuke --hard",
        "git reset --har",
    ],
    not_matches: &[
        "git reset --soft HEAD~1",
        "git reset HEAD file",
        "git checkout -b feature/x",
        "git checkout main",
        "git restore --staged src/main.rs",
        "git clean -n",
        "git stash",
        "git stash list",
        "git stash pop",
        "echo git reset --hard",
        "git commit -m 'git reset --hard'",
    ],
    on_invocation: Some(check),
    on_event: None,
};

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    let g = git_cmd(inv, cx)?;
    let sub = g.sub.as_deref()?;
    let hint = "commit or `git stash` first; the operator can approve when the loss is intended";
    let hit = |what: &str| Some(Hit::ask(format!("{what} discards uncommitted changes")).hint(hint));
    match sub {
        "reset" if g.has("--hard", None) || g.has_known("--merge", None) => hit("git reset --hard"),
        "checkout" => {
            if g.has_known("--force", Some('f')) {
                return hit("git checkout --force");
            }
            let ops = g.operands();
            if g.args.iter().skip_while(|a| a.as_known() != Some("--")).nth(1).is_some() {
                return hit("git checkout -- PATH");
            }
            if g.has_known("--orphan", None) || g.has_known("-b", Some('b')) || g.has_known("-B", Some('B')) {
                return None;
            }
            if ops.iter().any(|o| matches!(o.as_known(), Some("." | "*" | ":/")) || existing_path(inv, o, cx)) {
                return hit("git checkout PATH");
            }
            None
        }
        "restore" => {
            let staged = g.has_known("--staged", Some('S'));
            let worktree = g.has_known("--worktree", Some('W'));
            if (!staged || worktree) && !g.operands().is_empty() {
                hit("git restore")
            } else {
                None
            }
        }
        "switch" if g.has_known("--discard-changes", None) || g.has_known("--force", Some('f')) => {
            hit("git switch --discard-changes")
        }
        "clean" => {
            let dry = g.has_known("--dry-run", Some('n')) || g.has_known("--interactive", Some('i'));
            (!dry && g.has("--force", Some('f'))).then(|| {
                Hit::ask("git clean -f deletes untracked files").hint("`git clean -n` shows what would be deleted")
            })
        }
        "stash" => match g.args.first().and_then(Field::as_known) {
            Some("drop") => {
                Some(Hit::ask("git stash drop deletes a stash").hint("keep the stash, or `git stash show -p` it first"))
            }
            Some("clear") => {
                Some(Hit::ask("git stash clear deletes every stash").hint("drop the stashes you mean one by one"))
            }
            _ => None,
        },
        _ => None,
    }
}

/// Whether an operand names an existing path (so `git checkout NAME` restores a file).
fn existing_path(inv: &Invocation, f: &Field, cx: &Cx<'_>) -> bool {
    let (Some(t), Cwd::Known { path, .. }) = (f.as_known(), &inv.cwd) else { return false };
    cx.ctx.read_files
        && !t.is_empty()
        && path.join(t).exists()
        && cx.repo().and_then(|r| r.head_branch()).as_deref() != Some(t)
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }
}
