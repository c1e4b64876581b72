//! OP001 opaque-code: code that runs but cannot be known before it runs (`eval "$X"`,
//! `bash -c "$CMD"`, a command name computed at run time, an unreadable script).

use super::{Cx, Guard, Hit, Programs};
use crate::analyze::Event;
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "OP001",
    name: "opaque-code",
    decision: Decision::Ask,
    summary: "code whose text is only known at run time: eval \"$X\", bash -c \"$CMD\", $(…) as a command",
    doc: "\
## What it stops
Commands whose code tako-exec cannot see before it runs: `eval` or `bash -c` of a
variable that is not assigned in the script, a command name that is the output of
another command (`$(cat cmd.txt) args`), text piped into a shell from a command whose
output is unknown, interpreters given code built at run time, scripts that cannot be
read, an interpreter whose program, module or preloaded code (`-m`, `-r`, `-M`,
`--require`, `--import`) is a value known only at run time (`xargs python`), a word of
input read at run time where an interpreter still reads options (`xargs perl -e CODE`,
`xargs awk -f prog.awk`: it could be `-eCODE` or `--require=MOD`), a `find`
expression word known only at run time (`xargs find . -name '*.ts'`: it could be
`-exec …`), a script that an earlier part of the same command cloned or copied from
an unknown place (`cp -r \"$SRC\" lib && sh lib/setup.sh`; a copy of a known file is
judged by that file, a file written with known text by that text). (Code downloaded
from the network is RC001's, and is denied.)

## Why
tako-exec decides on what a command will do; when that is only known at run time,
the decision belongs to the operator, not to a guess.

## Instead
Write the command out literally, or assign the variable in the same command so its
value can be seen.",
    matches: &[
        "eval \"$CMD\"",
        "bash -c \"$X\"",
        "$(cat cmd.txt) --flag",
        "python3 -c \"$CODE\"",
        "cat script.txt | sh",
        "xargs python",
        "xargs -I{} python3 -m {}",
        "xargs -I{} node --require {} -e \"console.log(1)\"",
        "xargs -I{} ruby -r{} -e 'puts 1'",
        "xargs -I{} perl -M{} -e 'print 1'",
        "xargs perl -e 'print 1'",
        "xargs awk -f safe.awk",
        "parallel",
        "xargs find . -name '*.ts'",
        "xargs sh -c 'eval \"${10}\"' _",
        "cp -r \"$SRC\" lib && sh lib/setup.sh",
        "git clone https://x/tool && ./tool/install.sh",
    ],
    not_matches: &[
        "eval 'echo hi'",
        "X='ls -la'; eval \"$X\"",
        "bash -c 'echo hi'",
        "echo \"$X\"",
        "eval \"$(ssh-agent -s)\"",
        "eval \"$(direnv hook bash)\"",
        "eval \"$(zoxide init bash)\"",
        "eval \"$(starship init zsh)\"",
        "python3 script.py",
        "find . -name '*.log' | xargs awk -f safe.awk",
        "xargs python3 -c 'import sys; print(sys.argv)'",
        "node -e \"console.log(\\`v${Date.now()}\\`)\"",
        "parallel git status -- {}",
        "parallel node app.js {}",
        "parallel awk '{ print }' {}",
        "echo ok | xargs find . -name foo",
        "cat t.sh && sh t.sh",
        "echo \"echo hi\" > t.sh && sh t.sh",
    ],
    programs: Programs::Any,
    on_invocation: None,
    on_event: Some(check),
};

fn check(ev: &Event, _cx: &Cx<'_>) -> Option<Hit> {
    let Event::OpaqueCode { runner, what, taint, .. } = ev else { return None };
    if taint.network.is_some() {
        return None;
    }
    Some(
        Hit::ask(format!("{runner} runs {what}, which cannot be known before it runs"))
            .hint("write the command out literally so it can be judged"),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }
}
