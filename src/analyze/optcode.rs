//! Shell commands given to a program in its options, which it runs itself:
//! `tar --checkpoint-action=exec=CMD` (and `--to-command`, `-I`, `--rsh-command`,
//! `--info-script`), `zip -TT CMD`, `rsync -e CMD`, `ssh -o ProxyCommand=CMD` (and
//! `LocalCommand`, `KnownHostsCommand`), `scp -S PROG`, `vim -c '!CMD'` and GNU sed's
//! `e` command and `s///e` flag.
//!
//! Each is the well-known way to run a command through a program that looks like data
//! handling (GTFOBins lists them all). The command is judged like `sh -c CMD`; one that
//! cannot be known (`--to-command="$X"`, sed's `s///e`, which runs the pattern space,
//! vim's `:call system(…)`) is opaque code, which asks.

use super::model::{Field, Unknown};

/// The shell commands the options of `name` (a normalised program name) run.
pub(crate) fn option_commands(name: &str, args: &[Field]) -> Vec<Field> {
    let mut out = Vec::new();
    match name {
        "tar" | "gtar" | "bsdtar" => {
            out = values(
                args,
                &["-I", "-F"],
                &["--to-command", "--use-compress-program", "--rsh-command", "--info-script", "--new-volume-script"],
            );
            for v in values(args, &[], &["--checkpoint-action"]) {
                if v.text.starts_with("exec=") {
                    out.push(tail(&v, "exec=".len()));
                }
            }
        }
        "zip" => out = values(args, &["-TT"], &["--unzip-command"]),
        "rsync" => {
            out = values(args, &["-e"], &["--rsh"]);
            out.extend(after_cluster(args, 'e'));
        }
        "ssh" | "scp" | "sftp" | "autossh" => {
            for o in values(args, &["-o"], &[]) {
                if let Some(code) = ssh_option_command(&o) {
                    out.push(code);
                }
            }
            if name == "scp" {
                out.extend(values(args, &["-S"], &[]));
            }
        }
        "vim" | "vi" | "nvim" | "view" | "vimdiff" | "ex" | "gvim" | "rvim" | "evim" => {
            let mut cmds = values(args, &["-c"], &["--cmd"]);
            cmds.extend(args.iter().filter(|a| a.text.starts_with('+') && a.text.len() > 1).map(|a| tail(a, 1)));
            out.extend(cmds.iter().filter_map(vim_command));
        }
        "sed" | "gsed" => {
            for script in sed_scripts(args) {
                if let Some(text) = script.as_known() {
                    let (runs, files) = sed_commands(text);
                    out.extend(runs);
                    out.extend(files);
                    continue;
                }
                // Unknown values (`sed "s/$A/$B/"`) are read as plain text; a command
                // found around them is not known.
                let text = script.with_unknowns_as('x');
                let what = format!("a command run by sed's `e`, in {}", script.display());
                out.extend(sed_commands(&text).0.into_iter().map(|_| Field::unknown(Unknown::Computed(what.clone()))));
            }
        }
        _ => {}
    }
    out
}

/// The values of the options `shorts` (`-I CMD`, `-ICMD`) and `longs` (`--opt CMD`,
/// `--opt=CMD`), up to `--`: egress's plain option scan.
fn values(args: &[Field], shorts: &[&str], longs: &[&str]) -> Vec<Field> {
    crate::egress::scan(args, &[shorts, longs].concat())
}

/// The words after clusters of one-letter flags ending in `letter`, which takes the
/// next word as its value (`rsync -avze ssh`, `sed -ne SCRIPT`).
fn after_cluster(args: &[Field], letter: char) -> Vec<Field> {
    let cluster = |t: &str| {
        t.len() > 2
            && t.starts_with('-')
            && !t.starts_with("--")
            && t.ends_with(letter)
            && t[1..].bytes().all(|b| b.is_ascii_alphabetic())
    };
    args.windows(2).filter(|w| w[0].as_known().is_some_and(cluster)).map(|w| w[1].clone()).collect()
}

/// `f`'s text from byte `at` on. What is cut holds no unknown marks (an option's name),
/// so the unknowns stay in order.
fn tail(f: &Field, at: usize) -> Field {
    Field { text: f.text.get(at..).unwrap_or("").into(), ..f.clone() }
}

/// The command of an ssh `-o` option that runs one (`ProxyCommand=CMD`,
/// `LocalCommand CMD`, `KnownHostsCommand=CMD`); keywords are case-insensitive.
fn ssh_option_command(o: &Field) -> Option<Field> {
    let t = o.text.as_str();
    let key_end = t.find(['=', ' ', '\t'])?;
    let key = &t[..key_end];
    if !["proxycommand", "localcommand", "knownhostscommand"].iter().any(|k| key.eq_ignore_ascii_case(k)) {
        return None;
    }
    let value = tail(o, key_end + 1);
    let trimmed = value.text.trim_start_matches(['=', ' ', '\t']).len();
    let value = tail(&value, value.text.len() - trimmed);
    (value.as_known() != Some("none")).then_some(value)
}

/// The shell command of a vim command given with `-c`, `--cmd` or `+`: `!CMD`,
/// `r !CMD`, `w !CMD`, `silent !CMD`; code that reaches the shell another way
/// (`system(…)`, `:terminal`, a scripting language) is opaque.
fn vim_command(c: &Field) -> Option<Field> {
    let Some(text) = c.as_known() else {
        return Some(Field::unknown(Unknown::Computed(format!("a vim command `{}`", c.display()))));
    };
    let cmd = text.trim_start_matches([':', ' ', '\t']);
    let cmd = cmd.strip_prefix("silent").map_or(cmd, |r| r.trim_start_matches(['!', ' ']));
    if let Some(i) = cmd.find('!') {
        let head = cmd[..i].trim();
        if matches!(head, "" | "r" | "read" | "w" | "write" | ".")
            || head.chars().all(|c| c.is_ascii_digit() || c == ',')
        {
            return Some(Field { text: cmd[i + 1..].into(), ..c.clone() });
        }
    }
    let word: String = cmd.chars().take_while(char::is_ascii_alphanumeric).collect();
    let runs_code = cmd.contains("system(")
        || cmd.contains("systemlist(")
        || cmd.contains("jobstart(")
        || matches!(
            word.as_str(),
            "term"
                | "terminal"
                | "py"
                | "python"
                | "py3"
                | "python3"
                | "pyx"
                | "lua"
                | "perl"
                | "ruby"
                | "rubydo"
                | "luado"
                | "perldo"
                | "pydo"
                | "py3do"
                | "so"
                | "source"
                | "call"
                | "exe"
                | "execute"
        );
    runs_code.then(|| Field::unknown(Unknown::Computed(format!("a vim command that runs code (`{text}`)"))))
}

/// sed's scripts: every `-e`/`--expression` value, else the first operand (`-f FILE`
/// scripts are files, not read here).
fn sed_scripts(args: &[Field]) -> Vec<Field> {
    let mut given = values(args, &["-e"], &["--expression"]);
    given.extend(after_cluster(args, 'e'));
    if !given.is_empty() || args.iter().any(|a| matches!(a.as_known(), Some("-f" | "--file"))) {
        return given;
    }
    let mut i = 0;
    while let Some(a) = args.get(i) {
        let t = a.text.as_str();
        if t == "--" {
            return args.get(i + 1).cloned().into_iter().collect();
        }
        if t.starts_with('-') && t.len() > 1 {
            // `-l N` and `--line-length N` take a value.
            i += if matches!(t, "-l" | "--line-length") { 2 } else { 1 };
            continue;
        }
        return vec![a.clone()];
    }
    Vec::new()
}

/// The shell commands a sed script runs: GNU sed's `e CMD` runs CMD, `e` alone and
/// the `e` flag of `s` run the pattern space (not known: opaque). Second, its file
/// operations as the commands that do the same (judged like them): `r FILE` and `R
/// FILE` read FILE (`cat -- FILE`), `w FILE`, `W FILE` and the `w FILE` flag of `s`
/// write it (`tee -- FILE`); `/dev/stdin`, `/dev/stdout` and `/dev/stderr` are sed's
/// own streams. A script sed would reject stops the scan: it runs nothing.
fn sed_commands(script: &str) -> (Vec<Field>, Vec<Field>) {
    let b = script.as_bytes();
    let mut out = Vec::new();
    let mut files = Vec::new();
    let mut file_op = |program: &str, name: &str| {
        let name = name.trim();
        if !name.is_empty() && !matches!(name, "/dev/stdin" | "/dev/stdout" | "/dev/stderr") {
            files.push(Field::known(format!("{program} -- {}", shell_words::quote(name))));
        }
    };
    let mut i = 0;
    let rest_of_line = |i: usize| b[i..].iter().position(|&c| c == b'\n').map_or(b.len(), |n| i + n);
    let skip_regex = |mut i: usize, delim: u8| -> Option<usize> {
        while i < b.len() {
            match b[i] {
                b'\\' => i += 2,
                c if c == delim => return Some(i + 1),
                _ => i += 1,
            }
        }
        None
    };
    while i < b.len() {
        // Separators, then an address (`1`, `$`, `/re/`, `\%re%`, ranges, steps, `!`).
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b';' | b'{' | b'}') {
            i += 1;
        }
        loop {
            match b.get(i) {
                Some(c) if c.is_ascii_digit() || matches!(c, b'$' | b',' | b'~' | b'!' | b'+' | b' ') => i += 1,
                Some(b'/') => match skip_regex(i + 1, b'/') {
                    Some(n) => i = n,
                    None => return (out, files),
                },
                Some(b'\\') => match b.get(i + 1).and_then(|&d| skip_regex(i + 2, d)) {
                    Some(n) => i = n,
                    None => return (out, files),
                },
                Some(b'I' | b'M') if i > 0 && b[i - 1] == b'/' => i += 1,
                _ => break,
            }
        }
        let Some(&cmd) = b.get(i) else { break };
        i += 1;
        match cmd {
            b'e' => {
                let end = rest_of_line(i);
                let text = script[i..end].trim();
                out.push(if text.is_empty() {
                    Field::unknown(Unknown::Computed("the pattern space, run by sed's `e`".into()))
                } else {
                    Field::known(text)
                });
                i = end;
            }
            b's' | b'y' => {
                let Some(&delim) = b.get(i) else { return (out, files) };
                if delim == b'\n' || delim == b'\\' {
                    return (out, files);
                }
                let Some(n) = skip_regex(i + 1, delim).and_then(|n| skip_regex(n, delim)) else { return (out, files) };
                i = n;
                if cmd == b's' {
                    // Flags up to the end of the command; `w FILE` takes the rest of the line.
                    while let Some(&f) = b.get(i) {
                        match f {
                            b'e' => {
                                out.push(Field::unknown(Unknown::Computed(
                                    "the pattern space, run by the `e` flag of sed's `s`".into(),
                                )));
                                i += 1;
                            }
                            b'w' => {
                                let end = rest_of_line(i + 1);
                                file_op("tee", &script[i + 1..end]);
                                i = end;
                                break;
                            }
                            b'g' | b'p' | b'i' | b'I' | b'm' | b'M' | b'0'..=b'9' => i += 1,
                            _ => break,
                        }
                    }
                }
            }
            // Text, file names and labels run to the end of the line (`b`, `t`, `T` and
            // `:` labels may also end at `;` in GNU sed, which changes nothing here).
            b'r' | b'R' | b'w' | b'W' => {
                let end = rest_of_line(i);
                file_op(if matches!(cmd, b'r' | b'R') { "cat" } else { "tee" }, &script[i..end]);
                i = end;
            }
            b'a' | b'i' | b'c' | b':' | b'b' | b't' | b'T' | b'#' => i = rest_of_line(i),
            b'q' | b'Q' | b'l' | b'L' => {
                while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b' ') {
                    i += 1;
                }
            }
            b'p' | b'P' | b'd' | b'D' | b'n' | b'N' | b'g' | b'G' | b'h' | b'H' | b'x' | b'=' | b'z' | b'F' | b'{'
            | b'}' => {}
            _ => return (out, files),
        }
    }
    (out, files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commands(argv: &str) -> Vec<String> {
        let words = shell_words::split(argv).expect("split");
        let args: Vec<Field> = words[1..].iter().map(|w| Field::known(w.as_str())).collect();
        option_commands(&words[0], &args).iter().map(Field::display).collect()
    }

    #[test]
    fn finds_the_commands_options_run() {
        assert_eq!(commands("tar -cf a.tar x --checkpoint=1 --checkpoint-action=exec='sh x.sh'"), ["sh x.sh"]);
        assert_eq!(commands("tar --to-command 'cat >&2' -xf a.tar"), ["cat >&2"]);
        assert_eq!(commands("tar -I 'zstd -19' -cf a.tar.zst x"), ["zstd -19"]);
        assert_eq!(commands("tar -Izstd -cf a x"), ["zstd"]);
        assert_eq!(commands("zip -T a.zip -TT 'unzip -t'"), ["unzip -t"]);
        assert_eq!(commands("rsync -avze 'ssh -p 2222' a host:b"), ["ssh -p 2222"]);
        assert_eq!(commands("rsync --rsh=ssh a host:b"), ["ssh"]);
        assert_eq!(commands("ssh -o ProxyCommand='nc %h %p' host"), ["nc %h %p"]);
        assert_eq!(commands("ssh -oproxycommand=none host"), Vec::<String>::new());
        assert_eq!(commands("ssh -o 'LocalCommand touch x' host"), ["touch x"]);
        assert_eq!(commands("vim -c ':!make' -c q"), ["make"]);
        assert_eq!(commands("vim '+r !date' notes.md"), ["date"]);
        assert_eq!(commands("sed -n '1e date' x"), ["date"]);
        assert_eq!(commands("sed -e '/x/{e uname' -e '}' f"), ["uname"]);
        assert_eq!(commands("sed 's/a/b/e' f").len(), 1);
        assert_eq!(commands("sed -ne '2e id' -e p f"), ["id"]);
        // File operations, as the commands that do the same.
        assert_eq!(commands("sed '1r /etc/shadow' f"), ["cat -- /etc/shadow"]);
        assert_eq!(commands("sed -n '/x/R a b.txt' f"), ["cat -- 'a b.txt'"]);
        assert_eq!(commands("sed -n 'w ~/.bashrc' f"), ["tee -- '~/.bashrc'"]);
        assert_eq!(commands("sed 's/a/b/gw out.txt' f"), ["tee -- out.txt"]);
        assert_eq!(commands("sed -n 'p;W log' f"), ["tee -- log"]);
        assert!(commands("sed 's/a/b/w /dev/stdout' f").is_empty());
        assert!(commands("sed -n '$=' f").is_empty());
    }

    #[test]
    fn ordinary_options_run_nothing() {
        for c in [
            "tar -czf a.tgz src",
            "tar --exclude=.git -cf a.tar .",
            "tar --checkpoint=100 --checkpoint-action=dot -cf a x",
            "zip -r a.zip src",
            "rsync -avz --delete a/ b/",
            "rsync -av --exclude='*.o' a b",
            "ssh -o StrictHostKeyChecking=no host uptime",
            "scp -P 22 a host:",
            "vim -c 'set ft=rust' +10 main.rs",
            "sed -i 's/foo/bar/g' main.rs",
            "sed -n '/^#/!p' f",
            "sed -E 's|/usr/(lib)|/opt/\\1|; s/e/E/2' f",
            "sed '/start/,/end/d; $a\\done' f",
            "sed 'y/abc/xyz/' f",
            "sed -e 's/x/y/w /dev/stdout' f",
            "sed 's/[e]/E/' f",
            "sed ':a;N;$!ba;s/\\n/ /g' f",
        ] {
            assert_eq!(commands(c), Vec::<String>::new(), "{c}");
        }
    }

    #[test]
    fn commands_in_options_are_judged() {
        use crate::guard::tests::expect_decisions;
        use crate::policy::Decision;
        expect_decisions(&[
            ("tar -cf /dev/null x --checkpoint=1 --checkpoint-action=exec='rm -rf ~'", Decision::Deny),
            ("zip -T x.zip -TT 'rm -rf ~'", Decision::Deny),
            ("rsync -e 'sh -c \"rm -rf ~\"' x:/a b", Decision::Deny),
            ("ssh -o ProxyCommand='rm -rf ~' host", Decision::Deny),
            ("vim -c ':!rm -rf /' -c q", Decision::Deny),
            ("sed -n '1e rm -rf /' notes.txt", Decision::Deny),
            ("sed 's/x/y/e' notes.txt", Decision::Ask),
            ("tar -xf a.tar --to-command=\"$CMD\"", Decision::Ask),
            ("vim -c 'call system(\"id\")' notes.txt", Decision::Ask),
            ("tar -czf a.tgz src", Decision::Allow),
            ("ssh -o ProxyCommand='ssh -W %h:%p bastion' host uptime", Decision::Allow),
            ("sed -i \"s/$OLD/$NEW/g\" notes.txt", Decision::Allow),
            ("vim -c 'set ft=rust' +10 main.rs", Decision::Allow),
        ]);
    }

    proptest::proptest! {
        /// Any words, for any of the programs: no panic, and every command found is
        /// either known text or an unknown.
        #[test]
        fn never_panics(
            name in proptest::sample::select(vec!["tar", "zip", "rsync", "ssh", "scp", "vim", "sed"]),
            words in proptest::collection::vec("[-a-zA-Z=:!+/ {};$\\\\eé\n]{0,12}", 0..6),
        ) {
            let args: Vec<Field> = words.iter().map(|w| Field::known(w.as_str())).collect();
            for f in option_commands(name, &args) {
                proptest::prop_assert!(f.is_known() || !f.unknowns.is_empty());
            }
        }
    }
}
