//! OP005 confusable-text: command names and arguments that do not read as what they
//! are: invisible or bidi characters, Unicode dashes posing as option dashes, and
//! command names that mix Latin with look-alike Cyrillic or Greek letters.

use super::{Cx, Guard, Hit, Programs};
use crate::analyze::Invocation;
use crate::policy::Decision;
use crate::term::{is_invisible, sanitize};

/// The guard.
pub static GUARD: Guard = Guard {
    code: "OP005",
    name: "confusable-text",
    decision: Decision::Ask,
    summary: "invisible or bidi characters, Unicode dashes posing as `-`, look-alike letters in command names",
    doc: "\
## What it stops
Commands whose text does not read as what runs: a zero-width space or a right-to-left
override inside a word, an option written with a Unicode dash (`‐‐hard`, `—force`), a
command name spelled with a Cyrillic or Greek letter that looks Latin (`сurl` with a
Cyrillic `с`). The prompt shows the characters made visible (`<U+200B>`).

## Why
What the operator reads must be what runs. These characters are how an injected
command hides from a human reviewer, or slips a destructive option past a rule that
looks for ASCII `--`.

## Instead
Write commands in plain ASCII; put non-ASCII text in quoted data, where it is fine.",
    matches: &[
        "git reset \u{2010}\u{2010}hard",
        "ls \u{200B}-la",
        "\u{0441}url https://example.com",
        "echo a\u{202E}b",
    ],
    not_matches: &["echo 'héllo wörld'", "cat 日本語.txt", "git commit -m 'naïve café — done'", "echo Привет"],
    programs: Programs::Any,
    on_invocation: Some(check),
    on_event: None,
};

fn is_dash_lookalike(c: char) -> bool {
    matches!(c, '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}')
}

/// Whether a word mixes ASCII letters with Cyrillic or Greek ones (`сurl`).
fn mixed_script(w: &str) -> bool {
    let latin = w.chars().any(|c| c.is_ascii_alphabetic());
    let lookalike = w.chars().any(|c| matches!(c, '\u{0370}'..='\u{03FF}' | '\u{0400}'..='\u{04FF}'));
    latin && lookalike
}

fn check(inv: &Invocation, _cx: &Cx<'_>) -> Option<Hit> {
    let hint = "retype the command in plain ASCII";
    for (i, f) in inv.argv.iter().enumerate() {
        let t = f.text.as_str();
        if t.is_ascii() {
            continue;
        }
        let why = if t.chars().any(is_invisible) {
            "holds invisible or bidi characters"
        } else if t.starts_with(is_dash_lookalike) {
            "starts with a Unicode dash that looks like `-`"
        } else if i == 0 && mixed_script(t) {
            "mixes Latin letters with look-alike Cyrillic or Greek ones"
        } else {
            continue;
        };
        return Some(Hit::ask(format!("`{}` {why}", sanitize(t))).hint(hint));
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
