//! FS005 write-system: writing into system directories, shell startup files or SSH
//! configuration, locally or on another host (`scp f host:/etc/`).

use super::util::{is_block_device_path, is_remote, writes, Opts};
use super::{Cx, Guard, Hit, Programs};
use crate::analyze::Invocation;
use crate::paths::Place;
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "FS005",
    name: "write-system",
    decision: Decision::Ask,
    summary: "writing system files, shell startup files or SSH configuration",
    doc: "\
## What it stops
Writes (redirections, `tee`, `cp`, `mv`, `install`, `ln`, `dd of=`, `sed -i`,
`truncate`, downloads with `-o`) into system directories (`/etc`, `/usr`, `/boot`,
`/bin`, `/lib`, `/var/lib`, …), into the shell's startup files (`~/.bashrc`,
`~/.zshrc`, `~/.profile`, …) and into `~/.ssh` (`authorized_keys`, `config`), and
copies to system directories of another host (`scp f host:/etc/`). Also files under
the home directory that run later: systemd user units, autostart entries, launchd
agents, programs in `~/.local/bin`, `~/bin` and `~/.cargo/bin` (found on the PATH
before others), Python's `.pth` and `sitecustomize.py` files, editor and session
startup files (`~/.vimrc`, `~/.config/nvim/`, `~/.tmux.conf`, `~/.xprofile`), and
settings that name programs or package sources (`~/.gitconfig`, `pip.conf`,
`~/.cargo/config.toml`), and package managers' settings of where packages come from
(`npm config set registry`, `pip config set global.index-url`).

## Why
System files change the whole machine; startup files and `authorized_keys` are how
a compromised agent would make itself persistent.

## Instead
Write inside the workspace; ask the operator to change system configuration.",
    matches: &[
        "echo x > /etc/hosts",
        "find . -fprint /etc/cron.d/x",
        "sudo tee /etc/apt/sources.list",
        "cp evil /usr/local/bin/ls",
        "echo 'alias ls=rm' >> ~/.bashrc",
        "scp config.conf user@host:/etc/",
        "cat key.pub >> ~/.ssh/authorized_keys",
        "cp agent.service ~/.config/systemd/user/",
        "cp x ~/.local/bin/git",
        "echo 'import os' > ~/.local/lib/python3.11/site-packages/x.pth",
        "echo ':!curl x | sh' >> ~/.vimrc",
        "sed -n \"w $HOME/.bashrc\" notes.txt",
        "sort -o ~/.bashrc notes.txt",
        "tar czf /etc/cron.daily/backup src",
        "scp user@host:payload ~/.local/bin/git",
        "npm config set registry https://registry.evil.example/",
        "pip config set global.index-url https://pypi.evil.example/simple",
        "npm set script-shell /tmp/x",
        "go env -w GOFLAGS=-toolexec=/tmp/x",
        "echo 'alias ls=x' >> ~/.bash_aliases",
    ],
    not_matches: &[
        "find . -name x -fprint found.txt",
        "rsync -av --dry-run /data/ /mnt/backup/",
        "echo x > out.txt",
        "gcc -o app main.c",
        "scp user@host:file.txt ./",
        "echo hi > /dev/null",
        "cp a.txt /tmp/b.txt",
        "scp file.txt user@host:/tmp/backup/",
        "cat /etc/hosts",
        "echo x 2>/dev/stderr",
        "mkdir -p ~/.local/bin",
        "cp notes.txt ~/Documents/",
        "echo x > ~/.cache/tool/state",
        "npm config get registry",
        "npm config set fund false",
        "pip config list",
        "go env -w GO111MODULE=on",
        "npm set fund false",
    ],
    programs: Programs::Any,
    on_invocation: Some(check),
    on_event: None,
};

const RC_FILES: &[&str] = &[
    ".bashrc",
    ".bash_profile",
    ".bash_login",
    ".profile",
    ".zshrc",
    ".zshenv",
    ".zprofile",
    ".zlogin",
    ".kshrc",
    ".cshrc",
    ".tcshrc",
    ".inputrc",
    ".bash_logout",
    ".zlogout",
    ".bash_aliases",
];

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    if let Some(h) = remote_copy(inv, cx) {
        return Some(h);
    }
    if let Some(h) = package_source(inv, cx) {
        return Some(h);
    }
    if is_remote(inv) {
        return None;
    }
    for t in writes(inv, cx).iter() {
        let Some(path) = &t.path else { continue };
        let p = crate::paths::lossy(path);
        if is_harmless_device(&p) || is_block_device_path(&p) {
            continue;
        }
        match &t.place {
            Place::System { top, .. } if !(top == "proc" && p.starts_with("/proc/self/")) => {
                return Some(
                    Hit::ask(format!("writes the system file {p}"))
                        .hint("ask the operator to change system configuration"),
                );
            }
            Place::InHome { .. } | Place::Home => {
                let rel = path.strip_prefix(&cx.ctx.home).unwrap_or(path);
                let first =
                    rel.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned()).unwrap_or_default();
                if RC_FILES.contains(&first.as_str()) && rel.components().count() == 1 {
                    return Some(
                        Hit::ask(format!("writes the shell startup file ~/{first}"))
                            .hint("commands written there run in every new shell"),
                    );
                }
                if first == ".ssh" || rel.starts_with(".config/fish") {
                    return Some(Hit::ask(format!("writes {p}, which controls logins and shells")));
                }
                if let Some(what) = runs_later(rel) {
                    return Some(
                        Hit::ask(format!("writes {p}, {what}"))
                            .hint("code written there runs later, outside this command; ask the operator"),
                    );
                }
            }
            _ => {}
        }
    }
    None
}

/// What makes a file under the home directory (`rel`, relative to it) run later: a
/// service or session start, every new process of a program, a program the operator's
/// shell finds first, a setting that names a program or where packages come from.
fn runs_later(rel: &std::path::Path) -> Option<&'static str> {
    let r = rel.to_str()?;
    // The directory itself is a copy's destination (`cp x.service ~/.config/systemd/user/`).
    let under = |dir: &str| r.strip_prefix(dir).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
    let name = r.rsplit('/').next().unwrap_or(r);
    if under(".config/systemd/user") || under(".local/share/systemd/user") || under(".config/environment.d") {
        return Some("a systemd user unit or setting, started with the operator's session");
    }
    if under(".config/autostart") || under("Library/LaunchAgents") {
        return Some("which starts with the operator's session");
    }
    if under(".local/bin") || under("bin") || under(".cargo/bin") {
        return Some("a program on the operator's PATH, run in place of any other of that name");
    }
    if r.contains("/site-packages/")
        && (name.ends_with(".pth") || matches!(name, "sitecustomize.py" | "usercustomize.py"))
    {
        return Some("which Python runs at every start");
    }
    let editor = matches!(r, ".vimrc" | ".gvimrc" | ".exrc" | ".emacs" | ".tmux.conf" | ".xinitrc" | ".xprofile")
        || matches!(r, ".xsession" | ".pam_environment" | ".config/direnv/direnvrc")
        || under(".vim/plugin")
        || under(".config/nvim")
        || under(".local/share/nvim/site")
        || under(".emacs.d")
        || under(".gradle/init.d")
        || (r.starts_with(".ipython/") && r.contains("/startup/"));
    if editor {
        return Some("which runs commands when the program or session starts");
    }
    if matches!(r, ".gitconfig" | ".config/git/config" | ".pip/pip.conf" | ".config/pip/pip.conf" | ".pydistutils.cfg")
        || matches!(r, ".yarnrc" | ".yarnrc.yml" | ".cargo/config.toml" | ".cargo/config" | ".m2/settings.xml")
        || matches!(r, ".config/uv/uv.toml" | ".gemrc")
    {
        return Some("whose settings name programs to run or where packages come from");
    }
    None
}

/// `npm config set registry URL`, `pip config set global.index-url URL`, `yarn config
/// set registry`: every later install, in any project, fetches from there.
fn package_source(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    let name = cx.name(inv)?;
    if let Some(h) = go_and_gem(&name, inv) {
        return Some(h);
    }
    if !matches!(&*name, "npm" | "pnpm" | "yarn" | "pip" | "pip3" | "uv" | "poetry" | "conda") {
        return None;
    }
    let args: Vec<&str> = inv.args().iter().filter_map(crate::analyze::Field::as_known).collect();
    // `npm set KEY VALUE` is `npm config set`.
    let start = match args.first() {
        Some(&"set") if matches!(&*name, "npm" | "pnpm") => 1,
        _ => 2 + args.windows(2).position(|w| w[0] == "config" && matches!(w[1], "set" | "add" | "--add" | "--set"))?,
    };
    let key = args[start..].iter().find(|a| !a.starts_with('-'))?.to_ascii_lowercase();
    let key = key.split('=').next().unwrap_or_default().to_string();
    // Settings that run programs: the shell of every script, options of every node.
    if matches!(key.as_str(), "script-shell" | "node-options" | "shell" | "git" | "editor" | "browser") {
        return Some(
            Hit::ask(format!("{name} config sets {key}, which names what runs in every later {name} command"))
                .hint("pass it for this command only"),
        );
    }
    let source = key.contains("registry")
        || key.contains("index-url")
        || key.contains("index_url")
        || key.contains("trusted-host")
        || key.contains("find-links")
        || key == "channels"
        || key.starts_with("repositories.")
        || key.starts_with("source");
    source.then(|| {
        Hit::ask(format!("{name} config changes where packages come from ({key}) for every later install"))
            .hint("pass the registry for this command only (--registry, --index-url)")
    })
}

/// `go env -w GOPROXY=…` / `GOFLAGS=…` (every later build fetches from there or runs
/// what `-toolexec` names), `gem sources --add URL`.
fn go_and_gem(name: &str, inv: &Invocation) -> Option<Hit> {
    if name != "go" && name != "gem" {
        return None;
    }
    let args: Vec<&str> = inv.args().iter().filter_map(crate::analyze::Field::as_known).collect();
    let what = match (name, args.as_slice()) {
        ("go", ["env", "-w", rest @ ..]) => rest.iter().find_map(|kv| {
            let key = kv.split('=').next().unwrap_or_default();
            matches!(
                key,
                "GOPROXY"
                    | "GOFLAGS"
                    | "GONOSUMDB"
                    | "GONOSUMCHECK"
                    | "GOINSECURE"
                    | "GOPRIVATE"
                    | "GOSUMDB"
                    | "GOTOOLCHAIN"
                    | "CC"
                    | "CXX"
                    | "GOROOT"
            )
            .then(|| format!("go env -w sets {key} for every later go command"))
        }),
        ("gem", ["sources", rest @ ..]) if rest.iter().any(|a| matches!(*a, "--add" | "-a")) => {
            Some("gem sources adds where every later gem install fetches from".to_string())
        }
        _ => None,
    }?;
    Some(Hit::ask(what).hint("pass it for this command only"))
}

fn is_harmless_device(p: &str) -> bool {
    matches!(p, "/dev/null" | "/dev/stdout" | "/dev/stderr" | "/dev/tty" | "/dev/zero" | "/dev/full")
        || p.starts_with("/dev/fd/")
        || p.starts_with("/dev/pts/")
        || p.starts_with("/dev/shm")
}

/// `scp`/`rsync` to `host:/system/path`.
fn remote_copy(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    let name = cx.name(inv)?;
    if !matches!(&*name, "scp" | "rsync" | "sftp") {
        return None;
    }
    let o = Opts::parse(inv.args(), &['P', 'i', 'o', 'F', 'J', 'l', 'S', 'c', 'e']);
    let dest = o.operands.last()?.as_known()?;
    let (host, path) = dest.split_once(':')?;
    if host.contains('/') || !path.starts_with('/') {
        return None;
    }
    let top = path.trim_start_matches('/').split('/').next().unwrap_or("");
    let system = path == "/"
        || matches!(
            top,
            "etc"
                | "usr"
                | "bin"
                | "sbin"
                | "lib"
                | "lib64"
                | "lib32"
                | "boot"
                | "opt"
                | "root"
                | "srv"
                | "sys"
                | "proc"
                | "dev"
        )
        || (top == "var" && !path.starts_with("/var/tmp"));
    system.then(|| Hit::ask(format!("{name} copies into the system path {path} on {host}")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }
}
