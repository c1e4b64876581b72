//! GT002 git-rewrite-remote: pushes that overwrite or delete history on a remote.

use super::util::{git_cmd, protected_branch};
use super::{util, Cx, Guard, Hit, Programs};
use crate::analyze::Invocation;
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "GT002",
    name: "git-rewrite-remote",
    decision: Decision::Deny,
    summary: "git push --force / +ref / --mirror / --delete: rewriting or deleting remote history",
    doc: "\
## What it stops
- `git push --mirror`, and force pushes (`--force`, `-f`, a `+ref` refspec) or
  deletions (`--delete`, `:ref`) of a protected branch (`main`, `master`, `trunk`,
  `develop`, `production`, `release/*`, …), or of the current branch when it is one:
  denied.
- Force pushes and deletions of other branches, `--force-with-lease`, `--prune`, and
  options known only at run time (`git push --$X`, `xargs -I{} git push --{}`, input
  words of `parallel git push`), which could be any of these: asks.

## Why
A force push replaces the remote's history for everyone who shares it; commits that
only existed there are lost for the team. A deleted or mirrored branch takes the same
route. Recovery needs someone's reflog, if anyone still has one.

## Instead
Push to a new branch and open a merge request, or `git push --force-with-lease` on
your own feature branch with the operator's approval.",
    matches: &[
        "git push --force origin main",
        "git push -f",
        "git push origin +main",
        "git push --mirror backup",
        "git push origin --delete main",
        "git push origin :release/1.0",
        "git push --force-with-lease origin feature/x",
        "git push --force origin feature/x",
        "xargs -I{} git push --{} origin main",
        "git push -$FLAGS origin main",
        "parallel git push",
    ],
    not_matches: &[
        "git push",
        "git push origin feature/x",
        "git push -u origin HEAD",
        "git push origin main",
        "git push --tags",
        "echo git push --force",
        "git push origin \"$BRANCH\"",
        "git push --set-upstream-$X origin x",
        "echo feature/x | xargs -I{} git push origin {}",
        "git push origin \"$(git branch --show-current)\"",
    ],
    programs: Programs::Only(&util::GIT),
    on_invocation: Some(check),
    on_event: None,
};

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    let g = git_cmd(inv, cx)?;
    if g.sub.as_deref()? != "push" {
        return None;
    }
    let ops = g.operands();
    // Operands: [remote, refspec…].
    let refspecs: Vec<String> = ops.iter().skip(1).map(|f| f.display()).collect();
    let force_opt = g.has_known("--force", Some('f'));
    let lease = g.has_known("--force-with-lease", None) || g.has_known("--force-if-includes", None);
    let plus = refspecs.iter().any(|r| r.starts_with('+'));
    let delete_opt = g.has_known("--delete", Some('d'));
    let colon_delete = refspecs.iter().any(|r| r.starts_with(':') && r.len() > 1);
    if g.has_known("--mirror", None) {
        return Some(
            Hit::deny("git push --mirror overwrites every branch and tag of the remote")
                .hint("push the branches you mean"),
        );
    }
    // The destination branches: the part after `:`, or the ref itself; none given
    // means the current branch.
    let dests: Vec<String> =
        refspecs.iter().map(|r| r.trim_start_matches('+').rsplit(':').next().unwrap_or("").to_string()).collect();
    let current = || cx.repo().and_then(|r| r.head_branch());
    let protected = if dests.is_empty() {
        current().is_some_and(|b| protected_branch(&b))
    } else {
        dests.iter().any(|d| protected_branch(d) || d == "HEAD" && current().is_some_and(|b| protected_branch(&b)))
    };
    let unknown_target = ops.iter().skip(1).any(|f| !f.is_known());
    let branch =
        if dests.is_empty() { current().unwrap_or_else(|| "the current branch".into()) } else { dests.join(", ") };
    if force_opt || plus || (lease && !force_opt) {
        let what = if lease && !force_opt && !plus { "git push --force-with-lease" } else { "git push --force" };
        if (protected || unknown_target) && !(lease && !force_opt && !plus) {
            return Some(
                Hit::deny(format!("{what} rewrites the history of the protected branch {branch}"))
                    .hint("push to a new branch and open a merge request"),
            );
        }
        return Some(
            Hit::ask(format!("{what} rewrites the remote history of {branch}"))
                .hint("prefer a new branch; the operator can approve a force push of a feature branch"),
        );
    }
    if delete_opt || colon_delete {
        if protected || unknown_target {
            return Some(Hit::deny(format!("git push deletes the protected branch {branch} on the remote")));
        }
        return Some(Hit::ask(format!("git push deletes {branch} on the remote")));
    }
    if g.has_known("--prune", None) {
        return Some(Hit::ask("git push --prune deletes remote branches that have no local counterpart"));
    }
    // An option whose name is only known at run time (`--$X`, `-{}` from xargs).
    if [("--force", Some('f')), ("--delete", Some('d')), ("--mirror", None), ("--prune", None)]
        .into_iter()
        .any(|(long, short)| g.may_have(long, short))
    {
        let opt = g.options().find(|a| !a.is_known()).map(crate::analyze::Field::display).unwrap_or_default();
        return Some(
            Hit::ask(format!("git push {opt}: an option known only at run time could be --force or --delete"))
                .hint("write the options out literally"),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }
}
