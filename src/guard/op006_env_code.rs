//! OP006 env-code-injection: environment variables that make a program load or run code
//! it was not asked to (`LD_PRELOAD`, `NODE_OPTIONS=--require`, `PERL5OPT`, …).

use super::{Cx, Guard, Hit, Programs};
use crate::analyze::{Field, Invocation, CODE_LOADING_VARS};
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "OP006",
    name: "env-code-injection",
    decision: Decision::Ask,
    summary: "LD_PRELOAD, LD_AUDIT, DYLD_INSERT_LIBRARIES, NODE_OPTIONS/PERL5OPT/RUBYOPT loading code",
    doc: "\
## What it stops
Running a program with an environment that injects code into it: `LD_PRELOAD` /
`LD_AUDIT` / `DYLD_INSERT_LIBRARIES` (a shared library loaded into every process),
`NODE_OPTIONS` with `--require`/`--import`/`--loader`, `PERL5OPT` (`-M` modules),
`RUBYOPT` (`-r` libraries), `PYTHONSTARTUP`. Set as a prefix (`VAR=… cmd`) or exported
earlier in the script.

## Why
The command line shows `ls`; what runs is whatever the library or module does. It is
the classic way to hide code from a reviewer, and nothing in everyday development
needs it from an agent.

## Instead
Run the code directly (`node -r ./x.js app.js` is judged on its own), or let the
operator set the environment.",
    matches: &[
        "LD_PRELOAD=./evil.so ls",
        "export LD_PRELOAD=/tmp/x.so; git status",
        "NODE_OPTIONS='--require ./hook.js' npm test",
        "PERL5OPT=-Mevil perl script.pl",
        "env LD_AUDIT=./a.so true",
    ],
    not_matches: &[
        "LD_LIBRARY_PATH=target/release ./app",
        "NODE_OPTIONS=--max-old-space-size=4096 npm run build",
        "PYTHONPATH=src pytest",
        "RUBYOPT=-W0 ruby app.rb",
    ],
    programs: Programs::Any,
    on_invocation: Some(check),
    on_event: None,
};

/// Whether `NODE_OPTIONS`/`PERL5OPT`/`RUBYOPT` text loads code.
fn loads_code(var: &str, value: &Field) -> bool {
    let Some(v) = value.as_known() else { return true };
    let words: Vec<&str> = v.split_whitespace().collect();
    match var {
        "NODE_OPTIONS" => words.iter().any(|w| {
            ["--require", "-r", "--import", "--loader", "--experimental-loader"]
                .iter()
                .any(|o| w == o || w.starts_with(&format!("{o}=")))
        }),
        "PERL5OPT" => words.iter().any(|w| w.starts_with("-M") || w.starts_with("-m") || w.starts_with("-e")),
        "RUBYOPT" => words.iter().any(|w| w.starts_with("-r")),
        _ => !v.is_empty(),
    }
}

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    inv.argv.first()?;
    let (var, value) = inv.env.iter().find(|(k, v)| CODE_LOADING_VARS.contains(&k.as_str()) && loads_code(k, v))?;
    let prog = cx.name(inv).unwrap_or_default();
    Some(
        Hit::ask(format!("{prog} runs with {var}={}, which loads code into it", value.display()))
            .hint("run that code directly so it can be judged, or let the operator set the environment"),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }
}
