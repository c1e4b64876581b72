//! A git command line: global options, configuration injected for this run, the
//! subcommand (after alias resolution) and its arguments.
//!
//! Configuration can make git run arbitrary commands (`alias.x=!cmd`,
//! `core.sshCommand`, `core.fsmonitor`, …). It reaches git from `-c`, `--config-env`,
//! the `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n` and
//! `GIT_CONFIG_PARAMETERS` environment variables, and the repository's own config
//! files. All of them are read here; what cannot be read fully is reported.

use std::path::Path;

use super::model::{Field, Invocation, Unknown};
use crate::parse::Text;

/// Git subcommands built into git: an alias can never shadow them.
pub const BUILTINS: &[&str] = &[
    "add",
    "am",
    "annotate",
    "apply",
    "archive",
    "bisect",
    "blame",
    "branch",
    "bundle",
    "cat-file",
    "check-attr",
    "check-ignore",
    "check-mailmap",
    "check-ref-format",
    "checkout",
    "checkout-index",
    "cherry",
    "cherry-pick",
    "citool",
    "clean",
    "clone",
    "column",
    "commit",
    "commit-graph",
    "commit-tree",
    "config",
    "count-objects",
    "credential",
    "describe",
    "diff",
    "diff-files",
    "diff-index",
    "diff-tree",
    "difftool",
    "fast-export",
    "fast-import",
    "fetch",
    "fetch-pack",
    "filter-branch",
    "for-each-ref",
    "for-each-repo",
    "format-patch",
    "fsck",
    "gc",
    "grep",
    "gui",
    "hash-object",
    "help",
    "index-pack",
    "init",
    "instaweb",
    "interpret-trailers",
    "log",
    "ls-files",
    "ls-remote",
    "ls-tree",
    "maintenance",
    "merge",
    "merge-base",
    "merge-file",
    "merge-tree",
    "mergetool",
    "mktag",
    "mktree",
    "mv",
    "name-rev",
    "notes",
    "pack-objects",
    "pack-refs",
    "prune",
    "prune-packed",
    "pull",
    "push",
    "range-diff",
    "read-tree",
    "rebase",
    "reflog",
    "remote",
    "repack",
    "replace",
    "request-pull",
    "rerere",
    "reset",
    "restore",
    "rev-list",
    "rev-parse",
    "revert",
    "rm",
    "send-email",
    "shortlog",
    "show",
    "show-branch",
    "show-ref",
    "sparse-checkout",
    "stash",
    "status",
    "stripspace",
    "submodule",
    "switch",
    "symbolic-ref",
    "tag",
    "update-index",
    "update-ref",
    "var",
    "verify-commit",
    "verify-pack",
    "verify-tag",
    "version",
    "whatchanged",
    "worktree",
    "write-tree",
    "lfs",
];

/// Configuration keys whose value git runs as a command (or that change which
/// commands or hooks run).
pub fn runs_command(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.starts_with("alias.")
        || matches!(
            k.as_str(),
            "core.sshcommand"
                | "core.pager"
                | "core.editor"
                | "core.fsmonitor"
                | "core.hookspath"
                | "core.askpass"
                | "sequence.editor"
                | "gpg.program"
                | "gpg.ssh.program"
                | "gpg.x509.program"
                | "credential.helper"
                | "diff.external"
                | "pager.log"
                | "pager.diff"
                | "pager.show"
                | "interactive.difffilter"
                | "uploadpack.packobjectshook"
                | "core.gitproxy"
                | "protocol.ext.allow"
                | "submodule.recurse"
                | "include.path"
                | "includeif.path"
                | "init.templatedir"
                | "core.worktree"
                | "gpg.ssh.defaultkeycommand"
                | "core.alternaterefscommand"
                | "sendemail.sendmailcmd"
                | "sendemail.smtpserver"
                | "sendemail.tocmd"
                | "sendemail.cccmd"
                | "web.browser"
        )
        || (k.starts_with("browser.") && (k.ends_with(".cmd") || k.ends_with(".path")))
        || (k.starts_with("filter.") && (k.ends_with(".clean") || k.ends_with(".smudge") || k.ends_with(".process")))
        || (k.starts_with("diff.") && (k.ends_with(".textconv") || k.ends_with(".command")))
        || (k.starts_with("merge.") && k.ends_with(".driver"))
        // (`merge.tool` and `diff.tool` name one of git's tools; a tool's command is
        // `…tool.NAME.cmd`, its program `…tool.NAME.path`.)
        || (k.starts_with("mergetool.") || k.starts_with("difftool.")) && (k.ends_with(".cmd") || k.ends_with(".path"))
        || (k.starts_with("credential.") && k.ends_with(".helper"))
        || (k.starts_with("pager."))
        || (k.starts_with("remote.")
            && (k.ends_with(".receivepack") || k.ends_with(".uploadpack") || k.ends_with(".proxy")))
        || (k.starts_with("includeif.") && k.ends_with(".path"))
}

/// A parsed git command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GitCmd {
    /// The subcommand as git will run it (lowercase); `None` when there is none.
    pub sub: Option<String>,
    /// The subcommand word is not known statically.
    pub sub_unknown: bool,
    /// Arguments after the subcommand (alias expansion included).
    pub args: Vec<Field>,
    /// Configuration given for this run: key (lowercase) and value.
    pub config: Vec<(String, Field)>,
    /// Configuration for this run that could not be read (malformed environment).
    pub config_problem: Option<String>,
    /// `-C DIR`, `--git-dir`, `--work-tree`: git runs somewhere else.
    pub elsewhere: Option<Field>,
    /// The subcommand came from an alias: its name and value.
    pub alias: Option<(String, Field)>,
}

impl GitCmd {
    /// Parses `git …`; reads aliases from the repository config when the subcommand
    /// is not a builtin and `repo_config` is given.
    #[must_use]
    pub fn parse(inv: &Invocation, repo_config: Option<&Path>) -> Self {
        let mut g = Self::default();
        env_config(inv, &mut g);
        let args = inv.args();
        let mut i = 0;
        while let Some(a) = args.get(i) {
            let Some(t) = a.as_known() else { break };
            let value_opt = |name: &str| -> Option<Option<String>> {
                if t == name {
                    Some(None)
                } else {
                    t.strip_prefix(name).and_then(|r| r.strip_prefix('=')).map(|v| Some(v.to_string()))
                }
            };
            if t == "--" {
                i += 1;
                break;
            }
            if t == "-c" || (t.starts_with("-c") && t.len() > 2 && !t.starts_with("--")) {
                let kv = if t == "-c" {
                    i += 1;
                    args.get(i).cloned()
                } else {
                    Some(Field { text: Text::from(&t[2..]), ..a.clone() })
                };
                if let Some(kv) = kv {
                    push_kv(&mut g, &kv);
                }
                i += 1;
                continue;
            }
            if let Some(v) = value_opt("--config-env") {
                let kv = match v {
                    Some(v) => Some(Field::known(v)),
                    None => {
                        i += 1;
                        args.get(i).cloned()
                    }
                };
                if let Some(kv) = kv {
                    match kv.as_known().and_then(|s| s.split_once('=')) {
                        Some((k, envname)) => {
                            let val = inv
                                .env_var(envname)
                                .cloned()
                                .unwrap_or_else(|| Field::unknown(Unknown::Var(envname.to_string())));
                            g.config.push((k.to_ascii_lowercase(), val));
                        }
                        None => g.config_problem = Some(format!("--config-env {}", kv.display())),
                    }
                }
                i += 1;
                continue;
            }
            if t == "-C" || t.starts_with("-C") && !t.starts_with("--") {
                let v = if t == "-C" {
                    i += 1;
                    args.get(i).cloned()
                } else {
                    Some(Field { text: Text::from(&t[2..]), ..a.clone() })
                };
                g.elsewhere = v;
                i += 1;
                continue;
            }
            let mut matched = false;
            for name in [
                "--git-dir",
                "--work-tree",
                "--namespace",
                "--exec-path",
                "--super-prefix",
                "--attr-source",
                "--list-cmds",
            ] {
                if let Some(v) = value_opt(name) {
                    if v.is_none() && !matches!(name, "--exec-path") {
                        i += 1;
                    }
                    if name == "--git-dir" || name == "--work-tree" {
                        g.elsewhere = Some(v.map_or_else(|| args.get(i).cloned().unwrap_or_default(), Field::known));
                    }
                    matched = true;
                    break;
                }
            }
            if matched {
                i += 1;
                continue;
            }
            if t.starts_with('-') {
                i += 1;
                continue;
            }
            break;
        }
        let Some(sub) = args.get(i) else { return g };
        let Some(name) = sub.as_known() else {
            g.sub_unknown = true;
            g.args = args[i + 1..].to_vec();
            return g;
        };
        // (The lowercase copy is the name unless it has dashes to fold.)
        let lower = name.to_ascii_lowercase();
        let name = match crate::analyze::model::fold_dashes(&lower) {
            std::borrow::Cow::Borrowed(_) => lower,
            std::borrow::Cow::Owned(folded) => folded,
        };
        let rest = args[i + 1..].to_vec();
        if BUILTINS.contains(&&*name) {
            g.sub = Some(name);
            g.args = rest;
            return g;
        }
        // An alias: from this run's config first, then the repository's.
        let key = format!("alias.{name}");
        let value = g
            .config
            .iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
            .or_else(|| repo_config.and_then(|p| read_alias(p, &name)).map(Field::known));
        match value {
            Some(v) => {
                g.alias = Some((name.clone(), v.clone()));
                if let Some(text) = v.as_known() {
                    if !text.starts_with('!') {
                        let mut words: Vec<Field> = shell_words::split(text)
                            .unwrap_or_else(|_| text.split_whitespace().map(String::from).collect())
                            .into_iter()
                            .map(Field::known)
                            .collect();
                        if !words.is_empty() {
                            let first = words.remove(0);
                            g.sub = first.as_known().map(str::to_ascii_lowercase);
                            words.extend(rest);
                            g.args = words;
                            return g;
                        }
                    }
                } else {
                    g.sub_unknown = true;
                }
                g.sub = Some(name);
                g.args = rest;
            }
            None => {
                g.sub = Some(name);
                g.args = rest;
            }
        }
        g
    }

    /// Arguments before `--` that are options.
    pub fn options(&self) -> impl Iterator<Item = &Field> {
        self.args.iter().take_while(|a| a.as_known() != Some("--")).filter(|a| a.could_start_with("-"))
    }

    /// Arguments that are not options (paths and refs), including those after `--`.
    pub fn operands(&self) -> Vec<&Field> {
        let mut out = Vec::new();
        let mut after = false;
        for a in &self.args {
            if after {
                out.push(a);
            } else if a.as_known() == Some("--") {
                after = true;
            } else if !a.could_start_with("-") || a.as_known() == Some("-") {
                out.push(a);
            }
        }
        out
    }

    /// Whether a long option (case-insensitive, unambiguous prefix of at least `min`
    /// characters accepted, as git does) or a short flag is present before `--`.
    #[must_use]
    pub fn has(&self, long: &str, short: Option<char>) -> bool {
        self.options().any(|a| opt_matches(a, long, short))
    }

    /// Like [`Self::has`] but only a known match counts (no unknown arguments).
    #[must_use]
    pub fn has_known(&self, long: &str, short: Option<char>) -> bool {
        self.options().any(|a| a.is_known() && opt_matches(a, long, short))
    }

    /// Whether an argument known only at run time could be this option: one that is
    /// surely an option (`--$X`, `-{}`), or a whole word of input read at run time
    /// (`parallel git push`, `xargs git push`: data, which could hold `--force`). A
    /// wholly unknown variable or command output is taken for the operand the command
    /// was written with (`git push origin "$(git branch --show-current)"`).
    #[must_use]
    pub fn may_have(&self, long: &str, short: Option<char>) -> bool {
        self.options().any(|a| {
            let input = a.known_prefix().is_empty() && a.unknowns.first().is_some_and(|u| u.input().is_some());
            !a.is_known() && (a.known_prefix().starts_with('-') || input) && opt_matches(a, long, short)
        })
    }
}

/// Whether an option argument is `long` (or an abbreviation of it, as git's parser
/// accepts), or a short cluster containing `short`.
#[must_use]
pub fn opt_matches(a: &Field, long: &str, short: Option<char>) -> bool {
    let Some(t) = a.as_known() else {
        // Unknown: it could be anything its known start allows (`--ha…` could be
        // `--hard`, `-x…` a cluster holding any flag).
        let prefix = crate::analyze::model::fold_dashes(a.known_prefix());
        if let Some(name) = prefix.strip_prefix("--") {
            let want = without_dashes(long);
            return starts_with_lowered(want, name)
                || (lowered_starts_with(name, want) && name.as_bytes().get(want.len()) == Some(&b'='));
        }
        if let Some(cluster) = prefix.strip_prefix('-').filter(|c| !c.is_empty()) {
            let Some(s) = short else { return false };
            for c in cluster.chars() {
                if c == s {
                    return true;
                }
                if !c.is_ascii_alphabetic() || "bBcCmF".contains(c) {
                    return false;
                }
            }
            return true;
        }
        return a.could_start_with("-");
    };
    let t = crate::analyze::model::fold_dashes(t);
    if let Some(name) = t.strip_prefix("--") {
        let name = name.split('=').next().unwrap_or("");
        let want = without_dashes(long);
        if name.is_empty() {
            return false;
        }
        return (name.len() == want.len() && lowered_starts_with(name, want))
            || (name.len() >= 2 && starts_with_lowered(want, name));
    }
    if let (Some(s), Some(cluster)) = (short, t.strip_prefix('-')) {
        // Flags up to the first one that takes a value: in `-bfeature` the `f` belongs
        // to the branch name.
        let mut seen = false;
        for c in cluster.chars() {
            if !c.is_ascii_alphabetic() {
                break;
            }
            if c == s {
                seen = true;
                break;
            }
            if "bBcCmF".contains(c) {
                break;
            }
        }
        return !cluster.is_empty() && seen;
    }
    false
}

/// `long.trim_start_matches("--")`, without the searcher a string pattern sets up.
fn without_dashes(long: &str) -> &str {
    let mut s = long;
    while let Some(rest) = s.strip_prefix("--") {
        s = rest;
    }
    s
}

/// Whether `text`, lowercased (ASCII), starts with `prefix`, without lowercasing a copy:
/// options are matched for every git command a guard looks at.
fn lowered_starts_with(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len() && text.bytes().zip(prefix.bytes()).all(|(t, p)| t.to_ascii_lowercase() == p)
}

/// Whether `text` starts with `prefix` lowercased (ASCII).
fn starts_with_lowered(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len() && text.bytes().zip(prefix.bytes()).all(|(t, p)| t == p.to_ascii_lowercase())
}

fn push_kv(g: &mut GitCmd, kv: &Field) {
    match kv.text.split_once('=') {
        Some((k, v)) if !k.contains(super::model::UNKNOWN_MARK) => {
            let mut val = kv.clone();
            val.text = Text::from(v);
            // Keep only the unknowns that fall in the value.
            let in_key = k.matches(super::model::UNKNOWN_MARK).count();
            val.unknowns = kv.unknowns.iter().skip(in_key).cloned().collect();
            g.config.push((k.to_ascii_lowercase(), val));
        }
        Some(_) => g.config_problem = Some(format!("-c {}", kv.display())),
        None if kv.is_known() => g.config.push((kv.text.to_ascii_lowercase().into_string(), Field::known("true"))),
        None => g.config_problem = Some(format!("-c {}", kv.display())),
    }
}

/// Configuration from `GIT_CONFIG_COUNT`/`KEY_n`/`VALUE_n` and `GIT_CONFIG_PARAMETERS`.
fn env_config(inv: &Invocation, g: &mut GitCmd) {
    if let Some(count) = inv.env_var("GIT_CONFIG_COUNT") {
        let n = count
            .as_known()
            .filter(|c| !c.is_empty() && c.len() <= 4 && c.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|c| c.parse::<usize>().ok());
        match n {
            Some(n) if n <= 1024 => {
                for k in 0..n {
                    let key = inv.env_var(&format!("GIT_CONFIG_KEY_{k}"));
                    let val = inv.env_var(&format!("GIT_CONFIG_VALUE_{k}"));
                    match (key.and_then(Field::as_known).filter(|k| !k.is_empty()), val) {
                        (Some(key), Some(val)) => g.config.push((key.to_ascii_lowercase(), val.clone())),
                        _ => {
                            g.config_problem =
                                Some(format!("GIT_CONFIG_KEY_{k} or GIT_CONFIG_VALUE_{k} is missing or unknown"));
                        }
                    }
                }
            }
            _ => g.config_problem = Some(format!("GIT_CONFIG_COUNT={} is not a count git accepts", count.display())),
        }
    }
    if let Some(p) = inv.env_var("GIT_CONFIG_PARAMETERS") {
        match p.as_known() {
            Some(text) => {
                for item in shell_words::split(text).unwrap_or_default() {
                    if let Some((k, v)) = item.split_once('=') {
                        g.config.push((k.to_ascii_lowercase(), Field::known(v)));
                    } else {
                        g.config.push((item.to_ascii_lowercase(), Field::known("true")));
                    }
                }
            }
            None => g.config_problem = Some("GIT_CONFIG_PARAMETERS is not known".into()),
        }
    }
}

/// Looks up `alias.NAME` in a git config file (a small reader of the INI format).
#[must_use]
pub fn read_alias(path: &Path, name: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    if text.len() > 1 << 20 {
        return None;
    }
    let mut in_alias = false;
    let mut found = None;
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with('[') {
            in_alias = l.trim_start_matches('[').trim_end_matches(']').trim().eq_ignore_ascii_case("alias");
            continue;
        }
        if in_alias {
            if let Some((k, v)) = l.split_once('=') {
                if k.trim().eq_ignore_ascii_case(name) {
                    let v = v.trim();
                    let v = v.strip_prefix('"').and_then(|x| x.strip_suffix('"')).unwrap_or(v);
                    found = Some(v.to_string());
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::model::{Cwd, Input};

    /// [`opt_matches`] as it was before it compared options without lowercasing copies.
    fn reference(a: &Field, long: &str, short: Option<char>) -> bool {
        let Some(t) = a.as_known() else {
            // Unknown: it could be anything its known start allows (`--ha…` could be
            // `--hard`, `-x…` a cluster holding any flag).
            let prefix = crate::analyze::model::fold_dashes(a.known_prefix());
            if let Some(name) = prefix.strip_prefix("--") {
                let name = name.to_ascii_lowercase();
                let want = long.trim_start_matches("--");
                return want.starts_with(&name) || name.starts_with(&format!("{want}="));
            }
            if let Some(cluster) = prefix.strip_prefix('-').filter(|c| !c.is_empty()) {
                let Some(s) = short else { return false };
                for c in cluster.chars() {
                    if c == s {
                        return true;
                    }
                    if !c.is_ascii_alphabetic() || "bBcCmF".contains(c) {
                        return false;
                    }
                }
                return true;
            }
            return a.could_start_with("-");
        };
        let t = crate::analyze::model::fold_dashes(t);
        if let Some(name) = t.strip_prefix("--") {
            let name = name.split('=').next().unwrap_or("").to_ascii_lowercase();
            let want = long.trim_start_matches("--");
            if name.is_empty() {
                return false;
            }
            return name == want || (name.len() >= 2 && want.starts_with(&name));
        }
        if let (Some(s), Some(cluster)) = (short, t.strip_prefix('-')) {
            // Flags up to the first one that takes a value: in `-bfeature` the `f` belongs
            // to the branch name.
            let mut seen = false;
            for c in cluster.chars() {
                if !c.is_ascii_alphabetic() {
                    break;
                }
                if c == s {
                    seen = true;
                    break;
                }
                if "bBcCmF".contains(c) {
                    break;
                }
            }
            return !cluster.is_empty() && seen;
        }
        false
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]
        #[test]
        fn opt_matches_agrees_with_its_reference(
            word in "(-|--|\u{2010}\u{2010})?[a-zA-Z=]{0,6}(\u{E000}[a-z]{0,2})?",
            long in proptest::sample::select(&["--hard", "--force", "--no-patch", "--patch", "--help", "--HELP", "--f", "----f", "-f", ""][..]),
            short in proptest::option::of(proptest::sample::select(&['f', 'p', 'h', 'b'][..])),
        ) {
            let mut a = Field::known(word.clone());
            if word.contains(crate::analyze::model::UNKNOWN_MARK) {
                a.unknowns = vec![Unknown::Var("X".into())];
            }
            proptest::prop_assert_eq!(opt_matches(&a, long, short), reference(&a, long, short), "{:?} {} {:?}", word, long, short);
        }
    }

    fn inv(args: &[&str], env: &[(&str, &str)]) -> Invocation {
        Invocation {
            argv: std::iter::once("git").chain(args.iter().copied()).map(Field::known).collect(),
            env: env.iter().map(|(k, v)| ((*k).to_string(), Field::known(*v))).collect(),
            redirects: vec![],
            cwd: Cwd::Unknown(String::new()),
            stdin: Input::Inherited,
            via: vec![],
            privileged: false,
            background: false,
            depth: 0,
            text: "".into(),
        }
    }

    #[test]
    fn globals_and_aliases() {
        let g = GitCmd::parse(&inv(&["-C", "repo", "--no-pager", "reset", "--hard"], &[]), None);
        assert_eq!(g.sub.as_deref(), Some("reset"));
        assert!(g.has("--hard", None));
        let g = GitCmd::parse(&inv(&["-c", "alias.nuke=reset", "nuke", "--hard"], &[]), None);
        assert_eq!(g.sub.as_deref(), Some("reset"));
        assert!(g.has("--hard", None));
        let g = GitCmd::parse(&inv(&["-c", "alias.x=!echo hi", "x"], &[]), None);
        assert_eq!(g.alias.as_ref().map(|(_, v)| v.text.clone()), Some("!echo hi".into()));
        let g = GitCmd::parse(
            &inv(
                &["nuke", "--hard"],
                &[("GIT_CONFIG_COUNT", "1"), ("GIT_CONFIG_KEY_0", "alias.nuke"), ("GIT_CONFIG_VALUE_0", "reset")],
            ),
            None,
        );
        assert_eq!(g.sub.as_deref(), Some("reset"));
        let g = GitCmd::parse(&inv(&["status"], &[("GIT_CONFIG_COUNT", "1x")]), None);
        assert!(g.config_problem.is_some());
        let g = GitCmd::parse(&inv(&["RESET", "--HARD"], &[]), None);
        assert_eq!(g.sub.as_deref(), Some("reset"));
        assert!(g.has("--hard", None));
        let g = GitCmd::parse(&inv(&["reset", "--har"], &[]), None);
        assert!(g.has("--hard", None));
        let g = GitCmd::parse(&inv(&["reset", "--", "--hard"], &[]), None);
        assert!(!g.has("--hard", None));
        let g = GitCmd::parse(&inv(&["push", "-fq"], &[]), None);
        assert!(g.has("--force", Some('f')));
    }

    #[test]
    fn partly_known_options() {
        use crate::analyze::model::{Unknown, UNKNOWN_MARK};
        let part = |s: &str| Field {
            text: s.replace('?', &UNKNOWN_MARK.to_string()).into(),
            unknowns: vec![Unknown::Input("x".into())],
            ..Field::default()
        };
        assert!(opt_matches(&part("--?"), "--force", Some('f')));
        assert!(opt_matches(&part("--fo?"), "--force", Some('f')));
        assert!(!opt_matches(&part("--soft?"), "--hard", None));
        assert!(opt_matches(&part("-?"), "--force", Some('f')));
        assert!(opt_matches(&part("-q?"), "--force", Some('f')));
        assert!(!opt_matches(&part("-q?"), "--hard", None));
        assert!(!opt_matches(&part("-m?"), "--force", Some('f')));
        assert!(opt_matches(&part("?"), "--hard", None));
        let mut i = inv(&["push"], &[]);
        i.argv.extend([part("--?"), Field::known("origin"), Field::known("main")]);
        let g = GitCmd::parse(&i, None);
        assert!(g.may_have("--force", Some('f')) && !g.has_known("--force", Some('f')));
        let mut i = inv(&["push", "origin"], &[]);
        i.argv.push(Field::unknown(Unknown::Var("BRANCH".into())));
        assert!(!GitCmd::parse(&i, None).may_have("--force", Some('f')));
        let mut i = inv(&["push"], &[]);
        i.argv.push(part("?"));
        assert!(GitCmd::parse(&i, None).may_have("--force", Some('f')));
    }
}
