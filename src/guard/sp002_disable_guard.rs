//! SP002 disable-tako: killing tako-exec, or replacing or unsetting the shell it guards
//! (`SHELL`, `TAKO_*` variables).

use super::{Cx, Guard, Hit, Programs};
use crate::analyze::{Field, Invocation};
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "SP002",
    name: "disable-tako",
    decision: Decision::Deny,
    summary: "killing tako-exec, setting TAKO_* variables, replacing or unsetting SHELL, chsh",
    doc: "\
## What it stops
- `kill`/`pkill`/`killall` aimed at tako-exec: denied.
- Setting or unsetting `TAKO_*` variables (`TAKO_SHELL=/tmp/sh make`,
  `export TAKO_SHELL=…`, `env -u TAKO_CONFIG`): denied. They configure the guard, and
  only the operator does that.
- Replacing or unsetting `SHELL` (`SHELL=/bin/bash make`, `export SHELL=…`,
  `unset SHELL`, `env -u SHELL`) with something that is not tako-exec, and `chsh`:
  asks.

## Why
Programs started by the agent (make, git, editors, build tools) run their own shell
commands through `$SHELL`. Pointing it elsewhere, or pointing tako-exec's real shell at
another program, runs everything after that unguarded.

## Instead
Leave the shell configuration to the operator.",
    matches: &[
        "pkill tako-exec",
        "killall tako-exec",
        "TAKO_SHELL=/tmp/sh make",
        "export TAKO_SHELL=/bin/sh",
        "SHELL=/bin/bash make",
        "unset SHELL",
        "env -u SHELL make",
        "SHELL=/bin/sh",
    ],
    not_matches: &[
        "echo $SHELL",
        "pkill node",
        "export PATH=$PATH:/opt/bin",
        "SHELL=/usr/local/bin/tako-exec make",
        "env FOO=1 make",
        "printenv TAKO_SHELL",
    ],
    programs: Programs::Any,
    on_invocation: Some(check),
    on_event: None,
};

fn is_tako(v: &Field) -> bool {
    v.as_known().is_some_and(|t| t.rsplit('/').next() == Some("tako-exec"))
}

fn judge_var(name: &str, value: Option<&Field>) -> Option<Hit> {
    let hint = "leave the shell configuration to the operator";
    if name.starts_with("TAKO_") {
        return Some(Hit::deny(format!("sets or unsets {name}, which configures tako-exec")).hint(hint));
    }
    if name == "SHELL" && !value.is_some_and(is_tako) {
        let what = value.map_or_else(|| "unsets SHELL".to_string(), |v| format!("sets SHELL to {}", v.display()));
        return Some(Hit::ask(format!("{what}: programs would run their commands without tako-exec")).hint(hint));
    }
    None
}

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    for (n, v) in &inv.env {
        if let Some(h) = judge_var(n, Some(v)) {
            return Some(h);
        }
    }
    let name = cx.name(inv)?;
    let args = inv.args();
    match &*name {
        "kill" | "pkill" | "killall" | "pgrep" if name != "pgrep" => {
            if args.iter().any(|a| a.as_known().is_some_and(|t| t.contains("tako"))) {
                return Some(Hit::deny(format!("{name} targets tako-exec")).hint("ask the operator to stop tako-exec"));
            }
        }
        "export" | "declare" | "typeset" | "readonly" | "local" => {
            for a in args {
                if let Some((n, v)) = a.text.split_once('=') {
                    let value = Field { text: crate::parse::Text::from(v), ..a.clone() };
                    if let Some(h) = judge_var(n, Some(&value)) {
                        return Some(h);
                    }
                }
            }
        }
        "unset" => {
            for a in args.iter().filter_map(Field::as_known) {
                if let Some(h) = judge_var(a, None) {
                    return Some(h);
                }
            }
        }
        "env" => {
            for w in args.windows(2) {
                if matches!(w[0].as_known(), Some("-u" | "--unset")) {
                    if let Some(h) = w[1].as_known().and_then(|n| judge_var(n, None)) {
                        return Some(h);
                    }
                }
            }
            for a in args.iter().filter_map(Field::as_known) {
                if let Some(n) = a.strip_prefix("--unset=").or_else(|| a.strip_prefix("-u").filter(|r| !r.is_empty())) {
                    if let Some(h) = judge_var(n, None) {
                        return Some(h);
                    }
                }
            }
        }
        "chsh" => {
            return Some(Hit::ask("chsh changes the login shell").hint("leave the shell configuration to the operator"))
        }
        _ => {}
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
