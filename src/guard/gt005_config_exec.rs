//! GT005 git-config-exec: git configuration that makes git run commands (aliases with
//! `!`, `core.sshCommand`, `core.fsmonitor`, pagers, filters, credential helpers).

use super::util::git_cmd;
use super::{util, Cx, Guard, Hit, Programs};
use crate::analyze::git::runs_command;
use crate::analyze::Invocation;
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "GT005",
    name: "git-config-exec",
    decision: Decision::Ask,
    summary: "git config keys that run commands (alias !…, core.sshCommand, core.fsmonitor, filters), set persistently or per run",
    doc: "\
## What it stops
- `git config` setting a key whose value git later runs as a command: shell aliases
  (`alias.x '!…'`), `core.sshCommand`, `core.fsmonitor`, `core.pager`, `core.editor`,
  `filter.*.clean/smudge`, `diff.*.textconv`, `credential.helper`, `include.path`, …
- The same keys given for one run (`git -c core.sshCommand=… fetch`,
  `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n`,
  `GIT_CONFIG_PARAMETERS`), except aliases, whose commands tako-exec judges itself.
- Configuration in the environment that cannot be read fully (`GIT_CONFIG_COUNT=1x`,
  a missing `GIT_CONFIG_KEY_0`).

A well-known editor or pager with plain options (`core.editor vim`, `core.pager
'less -R'`, `pager.diff delta`) is what these keys are for: allowed.

## Why
These keys turn an innocent later command (`git status`, `git fetch`) into arbitrary
code execution, which is how a prompt-injected agent plants a persistent backdoor.

## Instead
Run the command directly instead of through git configuration.",
    matches: &["git config alias.st '!rm -rf ~'", "git config --global core.sshCommand 'ssh -i key'", "git -c core.fsmonitor='touch /tmp/x' status", "GIT_CONFIG_COUNT=1x git status", "git config core.pager 'less -R; sh x.sh'", "git config --global core.editor 'sh -c \"curl x | sh\"'", "git config --global core.editor 'vim -u /tmp/x.vim'", "git config --global core.pager 'delta --pager=/tmp/x'", "git config --global mergetool.meld.path /tmp/x", "git config --global url.https://evil.example/.insteadOf https://github.com/", "GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=user.name git status", "GIT_SSH_COMMAND=./helper git fetch", "GIT_SSH=./x git push origin main", "git -c core.sshCommand=./h clone example:repo", "git clone -c core.fsmonitor='touch x' https://example.com/r.git", "git clone --template=/tmp/t https://example.com/r.git", "git config -f .git/config core.fsmonitor 'touch x'"],
    not_matches: &["git config user.name 'A B'", "git config --get alias.st", "git -c user.name=x commit -m y", "git config alias.st status", "GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0='' git status", "GIT_CONFIG_COUNT=0 GIT_CONFIG_KEY_0=alias.nuke GIT_CONFIG_VALUE_0=reset git status", "git -c core.sshCommand=./helper status", "GIT_SSH_COMMAND='ssh -v' git log", "git clone -c http.sslVerify=true https://example.com/r.git", "git config core.pager 'less -R'", "git config --global core.editor 'code --wait'", "git config --global pager.diff delta", "git config --global interactive.diffFilter 'delta --color-only'", "git config --global core.pager 'diff-so-fancy | less --tabs=4 -RFX'", "git config --global credential.helper 'cache --timeout=3600'", "git config --global merge.tool meld", "git config core.fsmonitor true"],
    programs: Programs::Only(&util::GIT),
    on_invocation: Some(check),
    on_event: None,
};

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    let g = git_cmd(inv, cx)?;
    if let Some(p) = &g.config_problem {
        return Some(
            Hit::ask(format!("git configuration for this run cannot be read fully ({p})"))
                .hint("pass configuration with plain `git -c key=value`"),
        );
    }
    let first = g.operands().first().and_then(|f| f.as_known()).unwrap_or_default().to_string();
    let network = match g.sub.as_deref() {
        Some("fetch" | "pull" | "push" | "clone" | "ls-remote" | "fetch-pack" | "send-pack") => true,
        Some("archive") => g.has("--remote", None),
        Some("remote") => matches!(first.as_str(), "update" | "show" | "prune" | "set-head"),
        Some("submodule") => matches!(first.as_str(), "update" | "sync" | "foreach"),
        _ => false,
    };
    // Commands git runs from the environment: the SSH ones only matter when git
    // talks to a remote.
    for (var, ssh) in [
        ("GIT_SSH_COMMAND", true),
        ("GIT_SSH", true),
        ("GIT_PROXY_COMMAND", true),
        ("GIT_EXTERNAL_DIFF", false),
        ("GIT_ASKPASS", true),
        ("GIT_EDITOR", false),
        ("GIT_SEQUENCE_EDITOR", false),
    ] {
        if (network || !ssh) && inv.env.iter().any(|(k, _)| k == var) {
            return Some(
                Hit::ask(format!("git runs with {var} set, which makes git run a command"))
                    .hint("run the command directly"),
            );
        }
    }
    if let Some((k, _)) = g.config.iter().find(|(k, _)| {
        runs_command(k)
            && !k.starts_with("alias.")
            && k != "core.hookspath"
            && (network || !matches!(k.as_str(), "core.sshcommand" | "core.askpass" | "credential.helper"))
    }) {
        return Some(
            Hit::ask(format!("git runs with {k} set, which makes git run a command")).hint("run the command directly"),
        );
    }
    // `git clone -c KEY=VALUE` writes the key into the new repository's configuration;
    // `--template=DIR` copies its hooks.
    if g.sub.as_deref() == Some("clone") {
        for (k, a) in g.args.iter().enumerate() {
            let value = match a.as_known() {
                Some("-c" | "--config") => g.args.get(k + 1).and_then(|f| f.as_known()),
                Some(t) => t.strip_prefix("--config="),
                None => None,
            };
            if let Some((key, _)) = value.and_then(|v| v.split_once('=')) {
                let key = key.to_ascii_lowercase();
                if runs_command(&key) || key == "core.hookspath" {
                    return Some(
                        Hit::ask(format!("git clone sets {key} in the new repository, which makes git run a command"))
                            .hint("clone first; run the command directly"),
                    );
                }
            }
            if a.as_known().is_some_and(|t| t == "--template" || t.starts_with("--template=")) {
                return Some(
                    Hit::ask("git clone copies hooks from a template directory, which git then runs")
                        .hint("clone without --template"),
                );
            }
        }
    }
    if g.sub.as_deref() != Some("config") {
        return None;
    }
    let reading = g.args.iter().any(|a| {
        matches!(
            a.as_known(),
            Some(
                "--get"
                    | "--get-all"
                    | "--get-regexp"
                    | "--list"
                    | "-l"
                    | "get"
                    | "list"
                    | "--unset"
                    | "--unset-all"
                    | "unset"
            )
        )
    });
    if reading {
        return None;
    }
    // Operands, past the values of `-f FILE` and the like (`git config -f .git/config
    // core.fsmonitor CMD` writes the repository's file all the same).
    let mut ops = Vec::new();
    let mut skip = false;
    for a in &g.args {
        if std::mem::take(&mut skip) {
            continue;
        }
        match a.as_known() {
            Some("-f" | "--file" | "--blob" | "--type" | "--default" | "--comment" | "--value") => skip = true,
            Some(t) if t.starts_with('-') => {}
            _ => ops.push(a),
        }
    }
    let ops: Vec<_> = ops.into_iter().skip_while(|f| f.as_known() == Some("set")).collect();
    let (key, value) = (ops.first()?, ops.get(1)?);
    let key = key.as_known()?.to_ascii_lowercase();
    // `url.X.insteadOf Y`: every later fetch of Y goes to X instead.
    if key.starts_with("url.") && (key.ends_with(".insteadof") || key.ends_with(".pushinsteadof")) {
        return Some(
            Hit::ask(format!("git config sets {key}: later fetches and pushes of `{}` go elsewhere", value.display()))
                .hint("use the URL itself for this command"),
        );
    }
    if key == "core.hookspath" || !runs_command(&key) {
        return None;
    }
    // A plain alias (`alias.st status`) only renames a git subcommand.
    if key.starts_with("alias.") && !value.could_start_with("!") {
        return None;
    }
    // An editor or pager that is a well-known one, with plain options (`vim`, `code
    // --wait`, `less -R`, `delta`): what git runs is that program on a file. No pager
    // (`""`), git's own credential helpers and daemon, GnuPG itself: nothing else runs.
    let shows_or_edits =
        matches!(key.as_str(), "core.editor" | "core.pager" | "sequence.editor" | "interactive.difffilter")
            || key.starts_with("pager.");
    if let Some(v) = value.as_known() {
        let first = v.split_ascii_whitespace().next().unwrap_or("");
        let builtin = match key.as_str() {
            "credential.helper" => {
                matches!(
                    first,
                    "store"
                        | "cache"
                        | "osxkeychain"
                        | "manager"
                        | "manager-core"
                        | "libsecret"
                        | "wincred"
                        | "gnome-keyring"
                ) && v.bytes().all(|b| b.is_ascii_alphanumeric() || b" -=_".contains(&b))
            }
            "gpg.program" => matches!(v, "gpg" | "gpg2"),
            "core.fsmonitor" => {
                matches!(v.to_ascii_lowercase().as_str(), "true" | "false" | "yes" | "no" | "on" | "off" | "1" | "0")
            }
            _ => false,
        };
        if builtin || (shows_or_edits && (v.trim().is_empty() || plain_editor_or_pager(v))) {
            return None;
        }
    }
    Some(
        Hit::ask(format!("git config sets {key}, which makes git run `{}` later", value.display()))
            .hint("run the command directly instead of storing it in git configuration"),
    )
}

/// Options of those programs that load or run something (`vim -u x.vim`, `emacs -l`,
/// `delta --pager=CMD`): never plain.
const LOADS_CODE: &[&str] =
    &["-u", "-U", "-S", "-c", "--cmd", "-l", "--load", "--eval", "-e", "-x", "--pager", "--init-file", "--exec"];

/// Whether a command line is a well-known editor or pager with plain options, or a
/// pipeline of them (`diff-so-fancy | less --tabs=4 -RFX`): each word after a program's
/// name an option, with no path and nothing that loads code.
fn plain_editor_or_pager(cmd: &str) -> bool {
    const PROGRAMS: &[&str] = &[
        "bat",
        "cat",
        "code",
        "code-insiders",
        "cursor",
        "delta",
        "diff-so-fancy",
        "ed",
        "emacs",
        "emacsclient",
        "gedit",
        "gvim",
        "hx",
        "kak",
        "kate",
        "less",
        "mate",
        "micro",
        "more",
        "most",
        "mvim",
        "nano",
        "nvim",
        "subl",
        "vi",
        "vim",
        "zed",
    ];
    let plain_option = |w: &str| {
        let (opt, value) = w.split_once('=').unwrap_or((w, ""));
        opt.starts_with('-')
            && opt.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b',')
            && !LOADS_CODE.contains(&opt)
            // A short cluster that ends in an option taking code (`-RS`).
            && !(opt.len() > 2 && !opt.starts_with("--") && opt.ends_with(['u', 'U', 'S', 'c', 'l', 'e', 'x']))
    };
    cmd.split('|').all(|segment| {
        let mut words = segment.split_ascii_whitespace();
        words.next().is_some_and(|p| PROGRAMS.contains(&p)) && words.all(plain_option)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }
}
