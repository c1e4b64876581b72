//! GT004 git-bypass-hooks: skipping or redirecting git hooks (`--no-verify`,
//! `core.hooksPath`, `HUSKY=0`).

use super::util::git_cmd;
use super::{util, Cx, Guard, Hit, Programs};
use crate::analyze::Invocation;
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "GT004",
    name: "git-bypass-hooks",
    decision: Decision::Deny,
    summary: "git --no-verify, changing core.hooksPath, HUSKY=0/SKIP=: skipping the repository's hooks",
    doc: "\
## What it stops
- `--no-verify` (and `commit -n`) on commit, push, merge, am, rebase, cherry-pick and
  revert: denied; a word read at run time there (`xargs -I{} git merge {}`), which
  could be `--no-verify`: asks.
- Setting or unsetting `core.hooksPath` (`git config core.hooksPath …`,
  `git -c core.hooksPath=… commit`, the `GIT_CONFIG_*` variables): denied.
- Hook managers' switches in the environment (`HUSKY=0`, `SKIP=…` of pre-commit):
  asks.

## Why
Hooks are where the team (and tako-exec's own git hooks) refuse secrets, tracked
control-plane files and broken code. An agent that skips them removes the check
meant to catch it.

## Instead
Fix what the hook reports. The operator runs the commit themselves when a hook must be
skipped.",
    matches: &[
        "git commit --no-verify -m x",
        "git commit -n -m x",
        "git push --no-verify",
        "git config core.hooksPath /dev/null",
        "git -c core.hooksPath=/tmp/h commit -m x",
        "HUSKY=0 git commit -m x",
        "xargs -I{} git merge {}",
        "xargs git commit -m x",
    ],
    not_matches: &[
        "git commit -m 'skip --no-verify'",
        "git config core.hooksPath",
        "git config --get core.hooksPath",
        "git commit -m x",
        "git log -n 3",
        "xargs -I{} git add {}",
        "git merge \"$BRANCH\"",
    ],
    programs: Programs::Only(&util::GIT),
    on_invocation: Some(check),
    on_event: None,
};

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    let g = git_cmd(inv, cx)?;
    let sub = g.sub.as_deref().unwrap_or("");
    let hint = "fix what the hook reports; only the operator may skip hooks";
    let verifying = matches!(sub, "commit" | "push" | "merge" | "am" | "rebase" | "cherry-pick" | "revert" | "pull");
    if verifying && (g.has_known("--no-verify", None) || (sub == "commit" && g.has_known("", Some('n')))) {
        return Some(Hit::deny(format!("git {sub} --no-verify skips the repository's hooks")).hint(hint));
    }
    // A word of input read at run time (`xargs -I{} git merge {}`) could be `--no-verify`.
    let short = if sub == "commit" { Some('n') } else { None };
    if verifying && g.may_have("--no-verify", short) {
        return Some(
            Hit::ask(format!(
                "git {sub} with arguments read at run time could skip the repository's hooks (--no-verify)"
            ))
            .hint(hint),
        );
    }
    if g.config.iter().any(|(k, _)| k == "core.hookspath") {
        return Some(Hit::deny("git runs with core.hooksPath redirected, skipping the repository's hooks").hint(hint));
    }
    if sub == "config" {
        let ops = g.operands();
        let key = ops.first().and_then(|f| f.as_known()).map(str::to_ascii_lowercase);
        let reading = g.has_known("--get", None)
            || g.has_known("--get-all", None)
            || g.has_known("--list", Some('l'))
            || g.args.first().and_then(|a| a.as_known()) == Some("get");
        let setting = !reading
            && (ops.len() >= 2
                || g.has_known("--unset", None)
                || g.has_known("--unset-all", None)
                || matches!(g.args.first().and_then(|a| a.as_known()), Some("set" | "unset")));
        let names_key = key.as_deref() == Some("core.hookspath")
            || ops.iter().any(|f| f.as_known().is_some_and(|t| t.eq_ignore_ascii_case("core.hookspath")));
        if setting && names_key {
            return Some(Hit::deny("git config changes core.hooksPath, redirecting the repository's hooks").hint(hint));
        }
    }
    if verifying {
        if inv.env_var("HUSKY").and_then(|v| v.as_known()).is_some_and(|v| v == "0" || v.eq_ignore_ascii_case("false"))
        {
            return Some(Hit::ask(format!("HUSKY=0 git {sub} skips husky hooks")).hint(hint));
        }
        if inv.env_var("SKIP").is_some() || inv.env_var("PRE_COMMIT_ALLOW_NO_CONFIG").is_some() {
            return Some(Hit::ask(format!("git {sub} with SKIP= skips pre-commit hooks")).hint(hint));
        }
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
