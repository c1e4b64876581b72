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
copies to system directories of another host (`scp f host:/etc/`).

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
    ],
    not_matches: &[
        "find . -name x -fprint found.txt",
        "rsync -av --dry-run /data/ /mnt/backup/",
        "echo x > out.txt",
        "echo hi > /dev/null",
        "cp a.txt /tmp/b.txt",
        "scp file.txt user@host:/tmp/backup/",
        "cat /etc/hosts",
        "echo x 2>/dev/stderr",
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
];

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    if let Some(h) = remote_copy(inv, cx) {
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
            }
            _ => {}
        }
    }
    None
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
