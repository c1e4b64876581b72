//! SP002 disable-tako: killing tako-exec, or replacing or unsetting the shell it guards
//! (`SHELL`, `TAKO_*` variables).

use super::util::Opts;
use super::{Cx, Guard, Hit, Programs};
use crate::analyze::{Field, Invocation, Unknown};
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "SP002",
    name: "disable-tako",
    decision: Decision::Deny,
    summary: "killing tako-exec, setting TAKO_* variables, replacing or unsetting SHELL, chsh",
    doc: "\
## What it stops
- `kill`/`pkill`/`killall` aimed at tako-exec: denied. That covers process ids
  found by name (`kill $(pgrep tako-exec)`), a `pkill` pattern (or `killall -r`)
  that matches the name `tako-exec` (`pkill -f 'tak.-e'`), and `kill $PPID`: the
  process that started the command is tako-exec, when it relays the output, or
  the agent itself. The parent's id looked up (`kill $(ps -o ppid= -p $$)`), read
  from the shell's `stat` file (`kill $(cut -d' ' -f4 /proc/$$/stat)`, `awk '{print
  $4}' /proc/$$/stat`, `read -r a b c p rest < /proc/self/stat`) or
  signalled from interpreter code (`os.kill(os.getppid(), 9)`, `p = os.getppid();
  os.kill(p, 9)`, `psutil.Process().parent().kill()`) is the same.
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
        "kill $(pgrep tako-exec)",
        "kill -9 $PPID",
        "kill $(ps -o ppid= -p $$)",
        "kill -9 $(ps -o ppid= $$)",
        "ps -o ppid= -p $$ | xargs kill",
        "kill $(cut -d' ' -f4 /proc/$$/stat)",
        "kill -9 $(cut -f 4 -d ' ' < /proc/$$/stat)",
        "awk '{ print $4 }' /proc/$$/stat | xargs kill",
        "kill $(awk '{print $4}' /proc/$$/stat)",
        "read -r a b c pp rest < /proc/self/stat; kill \"$pp\"",
        "python3 -c 'import os; p=os.getppid(); os.kill(p, 9)'",
        "python3 -c 'import os,signal; os.kill(os.getppid(), signal.SIGKILL)'",
        "python3 -c 'import psutil; psutil.Process().parent().kill()'",
        "pkill -f 'tak.-exec'",
        "killall -r '^tako'",
        "pkill -i TAKO-EXEC",
        "pkill -if 'EXE.$'",
        "killall -I -r '^TAK'",
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
        "kill $(pgrep -f 'node server.js')",
        "kill -9 $!",
        "kill -0 $PPID",
        "ps -o ppid= -p $$",
        "kill $(ps -o pid= -p $$)",
        "kill $(ps -o ppid= -p 4242)",
        "kill $(cut -d' ' -f5 /proc/$$/stat)",
        "kill $(awk '{print $1}' /proc/$$/stat)",
        "kill $(cut -d' ' -f4 /proc/self/stat)",
        "kill $(cut -d' ' -f4 /proc/4242/stat)",
        "cut -d' ' -f4 /proc/$$/stat",
        "read -r a b c pp rest < /proc/self/stat; echo \"$pp\"",
        "read -r a b c pp rest < stat.txt; kill \"$pp\"",
        "python3 -c 'import os; p=os.getpid(); os.kill(child, 9)'",
        "python3 -c 'import psutil; [c.kill() for c in psutil.Process().children()]'",
        "python3 -c 'import psutil; psutil.Process().parent().send_signal(0)'",
        "pkill -f 'npm run dev'",
        "killall takeout",
        "pkill TAKO-EXEC",
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

/// Why `kill`, `pkill` or `killall` (`name`) with `args` signals tako-exec, if it does.
fn kills_tako(name: &str, args: &[Field]) -> Option<String> {
    // `pkill -i` and `killall -I` match names in any case.
    let any_case = crate::analyze::has_flag(args, &[if name == "killall" { 'I' } else { 'i' }], &["--ignore-case"]);
    let names_tako = |t: &str| if any_case { t.to_ascii_lowercase().contains("tako") } else { t.contains("tako") };
    for a in args {
        if a.as_known().is_some_and(names_tako) {
            return Some(format!("{name} targets tako-exec"));
        }
        for u in &a.unknowns {
            match u {
                Unknown::Output(c) if c.contains("tako") => {
                    return Some(format!("{name} signals the processes `{c}` finds, which names tako-exec"));
                }
                Unknown::ParentPid if name == "kill" && !probes(args) => {
                    return Some(
                        "kill $PPID signals the process that started this command: tako-exec, or the agent".into(),
                    );
                }
                _ => {}
            }
        }
    }
    // pkill's pattern, and killall's with `-r`, is a regular expression over process
    // names (with `-f`, over command lines, which start with the name).
    let regex = name == "pkill" || args.iter().any(|a| matches!(a.as_known(), Some("-r" | "--regexp")));
    if !regex {
        return None;
    }
    let o = Opts::parse(args, &['u', 'U', 'g', 'G', 'P', 's', 't', 'n', 'o', 'F']);
    o.operands.iter().filter_map(|f| f.as_known()).find_map(|p| {
        // A pattern without special characters matches where it is a substring (and
        // compiling a regular expression costs far more than the whole judgement).
        let matches = if p.contains(['.', '[', ']', '(', ')', '*', '+', '?', '{', '}', '|', '^', '$', '\\']) {
            regex::bytes::RegexBuilder::new(p)
                .unicode(false)
                .case_insensitive(any_case)
                .size_limit(1 << 16)
                .build()
                .ok()?
                .is_match(b"tako-exec")
        } else {
            if any_case {
                "tako-exec".contains(&p.to_ascii_lowercase())
            } else {
                "tako-exec".contains(p)
            }
        };
        matches.then(|| format!("{name}'s pattern `{p}` matches tako-exec"))
    })
}

/// `kill -0 PID` (or `-s 0`): only asks whether the process exists.
fn probes(args: &[Field]) -> bool {
    let known: Vec<&str> = args.iter().map(|a| a.as_known().unwrap_or("")).collect();
    known.iter().any(|t| matches!(*t, "-0" | "-s0" | "-n0" | "--signal=0"))
        || known.windows(2).any(|w| matches!(w[0], "-s" | "-n" | "--signal") && w[1] == "0")
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
        "kill" | "pkill" | "killall" => {
            if let Some(why) = kills_tako(&name, args) {
                return Some(Hit::deny(why).hint("ask the operator to stop tako-exec"));
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
