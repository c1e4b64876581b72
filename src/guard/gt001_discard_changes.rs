//! GT001 git-discard-changes: git commands that throw away uncommitted work in the
//! working tree or the stash.

use super::util::git_cmd;
use super::{util, Cx, Guard, Hit, Programs};
use crate::analyze::git::opt_matches;
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
`git checkout TREE-ISH PATH…`, `git restore -p`, `git rm -f`, `git merge|rebase|cherry-pick
--abort`, `git switch --discard-changes` / `-f`, `git clean -f` (untracked files, `-x` ignored
ones too), `git stash drop` / `git stash clear`. Seen through wrappers, aliases
(`git -c alias.x=reset x --hard`), abbreviations (`--har`) and `sh -c`; an option known
only at run time (`xargs -I{} git rm -{} …`) counts as each option it could be.

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
        "git submodule deinit -f --all",
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
        "git reset --ha HEAD~1",
        "git reset --hard HEAD~1 --",
        "git restore --no-patch -p",
        "git checkout main file.txt",
        "git checkout HEAD --pathspec-from-file=paths.txt",
        "git restore -p",
        "git restore -s --staged file.txt",
        "git restore -S --no-staged -W file.txt",
        "git restore --no-staged --worktree file.txt",
        "xargs -I{} git stash {}",
        "git rm -f file.txt",
        "git rm -rf .",
        "git merge --abort",
        "xargs -I{} git rm -{} /",
        "git checkout -$X main",
        "custom-tool <<'EOF'\ngit reset --hard\nEOF",
        "printf -- '-n\\n' | grep -v \"$X\" | xargs git clean -fdx",
    ],
    not_matches: &[
        "git submodule update --init --recursive",
        "git submodule deinit libs/x",
        "git reset --soft HEAD~1",
        "git reset HEAD file",
        "git reset --hard -- src/main.rs",
        "git reset --hard HEAD src/main.rs",
        "git restore -p --no-patch",
        "git checkout -b feature/x",
        "git checkout main",
        "git restore --staged src/main.rs",
        "git clean -n",
        "git stash",
        "git stash list",
        "git stash pop",
        "echo git reset --hard",
        "git commit -m 'git reset --hard'",
        "git checkout -bfeature",
        "git switch -cfeature",
        "git restore file.txt --help",
        "git rm --cached -r .env",
        "git rm -n -f x",
        "git restore --staged --no-worktree file.txt",
        "git restore --no-staged file.txt",
        "git restore -W --no-worktree file.txt",
        "git restore --staged --pathspec-from-file --worktree",
        "git stash \"$X\" --help",
        "xargs -I{} git stash show -p {}",
        "xargs -I{} git rm --cached -- {}",
        "git switch --create-$X x",
    ],
    programs: Programs::Only(&util::GIT),
    on_invocation: Some(check),
    on_event: None,
};

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    let g = git_cmd(inv, cx)?;
    let sub = g.sub.as_deref()?;
    // Other subcommands discard nothing (`git describe`, `git log`): no option asked about.
    if !matches!(
        sub,
        "reset"
            | "checkout"
            | "restore"
            | "rm"
            | "merge"
            | "rebase"
            | "cherry-pick"
            | "revert"
            | "am"
            | "switch"
            | "clean"
            | "stash"
            | "submodule"
    ) {
        return None;
    }
    let hint = "commit or `git stash` first; the operator can approve when the loss is intended";
    let hit = |what: &str| Some(Hit::ask(format!("{what} discards uncommitted changes")).hint(hint));
    match sub {
        "reset" if (g.has("--hard", None) || g.has_known("--merge", None)) && !reset_names_paths(&g.args) => {
            hit("git reset --hard")
        }
        _ if g.has_known("--help", Some('h')) || g.has_known("--version", None) => None,
        "checkout" => {
            if g.has_known("--force", Some('f')) || g.may_have("--force", Some('f')) {
                return hit("git checkout --force");
            }
            let ops = g.operands();
            if g.args.iter().skip_while(|a| a.as_known() != Some("--")).nth(1).is_some() {
                return hit("git checkout -- PATH");
            }
            if g.has_known("--pathspec-from-file", None) {
                return hit("git checkout --pathspec-from-file");
            }
            if g.has_known("--orphan", None) || g.has_known("-b", Some('b')) || g.has_known("-B", Some('B')) {
                return None;
            }
            // `git checkout TREE-ISH PATH…` overwrites the paths from TREE-ISH.
            if checkout_operands(&g.args) >= 2 {
                return hit("git checkout TREE-ISH PATH");
            }
            if ops.iter().any(|o| matches!(o.as_known(), Some("." | "*" | ":/")) || existing_path(inv, o, cx)) {
                return hit("git checkout PATH");
            }
            None
        }
        "restore" => {
            let worktree = restores_worktree(&g.args);
            // The last of `--patch` / `-p` and `--no-patch` counts.
            let interactive = g.options().filter(|a| a.is_known()).fold(false, |on, a| {
                if opt_matches(a, "--no-patch", None) {
                    false
                } else {
                    on || opt_matches(a, "--patch", Some('p'))
                }
            });
            let paths = !g.operands().is_empty() || g.has_known("--pathspec-from-file", None);
            if worktree && (paths || interactive) {
                hit("git restore")
            } else {
                None
            }
        }
        "rm" => {
            let (force, cached) = rm_flags(&g.args);
            (force && !cached).then(|| {
                Hit::ask("git rm --force deletes files even when they have uncommitted changes")
                    .hint("commit or stash the changes first, or `git rm --cached` to only untrack")
            })
        }
        "merge" | "rebase" | "cherry-pick" | "revert" | "am" if g.has_known("--abort", None) => Some(
            Hit::ask(format!("git {sub} --abort resets the working tree and can discard uncommitted changes"))
                .hint("`git status` first; commit or stash what you want to keep"),
        ),
        "switch"
            if g.has_known("--discard-changes", None)
                || g.has_known("--force", Some('f'))
                || g.may_have("--discard-changes", None)
                || g.may_have("--force", Some('f')) =>
        {
            hit("git switch --discard-changes")
        }
        "clean" => {
            let dry = g.has_known("--dry-run", Some('n')) || g.has_known("--interactive", Some('i'));
            (!dry && g.has("--force", Some('f'))).then(|| {
                Hit::ask("git clean -f deletes untracked files").hint("`git clean -n` shows what would be deleted")
            })
        }
        "stash" => match g.args.first().map(|a| (a.as_known(), a)) {
            Some((Some("drop"), _)) => {
                Some(Hit::ask("git stash drop deletes a stash").hint("keep the stash, or `git stash show -p` it first"))
            }
            Some((Some("clear"), _)) => {
                Some(Hit::ask("git stash clear deletes every stash").hint("drop the stashes you mean one by one"))
            }
            // A subcommand known only at run time (`xargs -I{} git stash {}`).
            Some((None, a)) if a.could_be("drop") || a.could_be("clear") => Some(
                Hit::ask(format!("git stash {} could drop or clear stashes", a.display()))
                    .hint("name the stash subcommand literally"),
            ),
            _ => None,
        },
        // `git submodule deinit -f` removes the submodules' working trees, changes
        // included; `update -f` checks them out over local changes.
        "submodule" => {
            let action = g.args.iter().filter_map(Field::as_known).find(|t| !t.starts_with('-'));
            (matches!(action, Some("deinit" | "update")) && g.has("--force", Some('f'))).then(|| {
                let action = action.unwrap_or_default();
                Hit::ask(format!("git submodule {action} --force discards the submodules' uncommitted changes"))
                    .hint(hint)
            })
        }
        _ => None,
    }
}

/// Whether `git restore` targets the working tree, honouring `--no-*` and the values of
/// `-s`/`--source` and `--pathspec-from-file`. Without `--staged`/`--worktree` (or their
/// `--no-` forms) git restores the working tree; with them and neither target left, git
/// refuses (`git restore --no-staged f`: "neither '--staged' or '--worktree' is
/// specified") and nothing is restored.
fn restores_worktree(args: &[Field]) -> bool {
    let mut worktree = false;
    let mut named = false;
    let mut skip = false;
    for a in args {
        if skip {
            skip = false;
            continue;
        }
        let Some(t) = a.as_known() else { continue };
        if t == "--" {
            break;
        }
        match t {
            "-s" | "--source" | "--pathspec-from-file" => skip = true,
            "--worktree" | "-W" => worktree = true,
            "--no-worktree" => worktree = false,
            _ if t.starts_with('-') && !t.starts_with("--") => {
                let flags: String = t[1..].chars().take_while(|c| *c != 's').collect();
                worktree |= flags.contains('W');
                named |= flags.contains(['S', 'W']);
                skip = t[1..].ends_with('s');
            }
            _ => {}
        }
        named |= matches!(t, "--staged" | "-S" | "--no-staged" | "--worktree" | "-W" | "--no-worktree");
    }
    worktree || !named
}

/// Whether `git reset` names paths: a word after `--`, or a second operand before it (it
/// takes one commit). git refuses a hard or merge reset with paths ("Cannot do hard reset
/// with paths") and changes nothing. Only known words prove it: an unknown one may expand
/// to nothing, or to `--`.
fn reset_names_paths(args: &[Field]) -> bool {
    if !args.iter().all(Field::is_known) {
        return false;
    }
    let mut operands = 0;
    let mut i = 0;
    while let Some(t) = args.get(i).and_then(Field::as_known) {
        i += 1;
        match t {
            "--" => return i < args.len(),
            "--end-of-options" => return operands + args.len() - i >= 2,
            "--pathspec-from-file" => i += 1,
            _ if t.starts_with('-') && t != "-" => {}
            _ => operands += 1,
        }
        if operands >= 2 {
            return true;
        }
    }
    false
}

/// The operands of `git checkout` before `--`, the values of options skipped.
fn checkout_operands(args: &[Field]) -> usize {
    const VALUED: &[&str] = &["--conflict", "--unified", "-U", "--inter-hunk-context", "-b", "-B", "--orphan"];
    const OPTIONAL: &[&str] = &["--track", "-t", "--recurse-submodules"];
    const OPTIONAL_VALUES: &[&str] = &["direct", "inherit", "checkout", "on-demand", "yes", "no"];
    let mut n = 0;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        i += 1;
        let Some(t) = a.as_known() else {
            n += usize::from(!a.could_start_with("-"));
            continue;
        };
        if t == "--" {
            break;
        }
        if VALUED.contains(&t) {
            i += 1;
        } else if OPTIONAL.contains(&t) {
            if args.get(i).and_then(Field::as_known).is_some_and(|v| OPTIONAL_VALUES.contains(&v)) {
                i += 1;
            }
        } else if !t.starts_with('-') || t == "-" {
            n += 1;
        }
    }
    n
}

/// `git rm`: (force, cached), the last of `--x` / `--no-x` winning.
fn rm_flags(args: &[Field]) -> (bool, bool) {
    let (mut force, mut cached, mut dry) = (false, false, false);
    for a in args {
        let Some(t) = a.as_known() else {
            // An option known only at run time (`-{}` from xargs) could be `-f`.
            force |= a.known_prefix().starts_with('-') && opt_matches(a, "--force", Some('f'));
            continue;
        };
        if t == "--" {
            break;
        }
        match t {
            "--force" => force = true,
            "--no-force" => force = false,
            "--cached" => cached = true,
            "--no-cached" => cached = false,
            "--dry-run" => dry = true,
            "--no-dry-run" => dry = false,
            _ if t.starts_with('-') && !t.starts_with("--") => {
                force |= t.contains('f');
                dry |= t.contains('n');
            }
            _ => {}
        }
    }
    (force && !dry, cached)
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
