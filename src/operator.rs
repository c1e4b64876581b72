//! The operator's commands: `init`, `policy accept`, `approvals`, `approve`/`deny`,
//! `pause`/`resume` and `audit verify|tail|show`.
//!
//! Commands that decide for the operator (`approve`, `deny`, `resume`, `policy
//! accept`, `init --force`, `pause`) run only at a terminal (standard input and
//! output both terminals) and never under tako-exec (`TAKO_EXEC_RUN` is set in every
//! command tako-exec runs). An agent that drives a terminal could still type them, so
//! the guard SP003 refuses them in the commands tako-exec judges as well. Each
//! decision is written to the audit log as a `control` record.

use std::io::IsTerminal;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::approve::{self, Answer};
use crate::cli::{Control, InitArgs};
use crate::config::{self, File, SourceKind};
use crate::context::Context;
use crate::control::{accept, audit, pause, queue, Plane};
use crate::error::Error;
use crate::outcome::code;
use crate::term;

/// Set in the environment of every command tako-exec runs (to the command's audit id).
pub const UNDER_TAKO: &str = "TAKO_EXEC_RUN";

/// Runs an operator command; returns the exit code.
#[must_use]
pub fn run(c: &Control) -> i32 {
    match operate(c) {
        Ok(code) => code,
        Err(e) => {
            term::error(&e);
            code::FAILED
        }
    }
}

fn context() -> Result<Context, Error> {
    Context::from_process().map_err(|e| Error::io("cannot read the working directory", e))
}

fn plane_of(ctx: &Context) -> Result<Plane, Error> {
    Plane::open(&ctx.workspace)?.ok_or_else(|| {
        Error::Usage(format!(
            "{} has no control plane; the operator creates it with `tako-exec init`",
            ctx.workspace.display()
        ))
    })
}

/// Refuses unless the operator runs this at a terminal (standard input and output),
/// outside tako-exec (`TAKO_EXEC_RUN` unset). `what` is the command, as `hooks install`.
///
/// # Errors
/// The refusal, saying why.
pub fn at_terminal(what: &str) -> Result<(), Error> {
    if std::env::var_os(UNDER_TAKO).is_some() {
        return Err(Error::Usage(format!(
            "`tako-exec {what}` is the operator's and does not run inside a command tako-exec runs; run it at your own terminal"
        )));
    }
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(Error::Usage(format!(
            "`tako-exec {what}` is the operator's: run it at a terminal (standard input and output are not a terminal here)"
        )));
    }
    Ok(())
}

/// Asks the operator to confirm on the terminal; `Ok(false)` when they do not.
fn confirm(question: &str) -> Result<bool, Error> {
    match approve::ask(&format!("{}\r\n[y/N] ", term::sanitize(question)), approve::DEFAULT_TIMEOUT) {
        Answer::Yes | Answer::Always => Ok(true),
        Answer::No | Answer::Timeout => Ok(false),
        Answer::NoTerminal(why) => Err(Error::Usage(format!("cannot ask for confirmation: {why}"))),
    }
}

/// A `control` record in the audit log (the operator's action is refused when it
/// cannot be recorded).
///
/// # Errors
/// When the audit log cannot be written.
pub fn record(plane: &Plane, fields: serde_json::Value) -> Result<(), Error> {
    let serde_json::Value::Object(mut map) = fields else { unreachable!("json! of an object") };
    map.insert("kind".into(), "control".into());
    map.insert("by".into(), plane.operator.name.clone().into());
    audit::Log::new(plane, audit::Options::default())
        .append(map)
        .map(|_| ())
        .map_err(|e| Error::io("cannot write the audit log", e))
}

fn operate(c: &Control) -> Result<i32, Error> {
    let ctx = context()?;
    let plane = plane_of(&ctx)?;
    if matches!(c, Control::PolicyAccept | Control::Decide { .. } | Control::Resume) {
        plane.untracked(&ctx.workspace)?;
    }
    match c {
        Control::PolicyAccept => policy_accept(&ctx, &plane),
        Control::Approvals { json } => {
            let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
            let pending = queue::pending(&plane);
            if *json {
                term::out_line(&term::approvals_json(&pending, now));
            } else {
                term::out(&term::approvals_text(&pending, now));
            }
            Ok(0)
        }
        Control::Decide { id, approve } => {
            let what = if *approve { "approve" } else { "deny" };
            at_terminal(what)?;
            let requester = queue::pending(&plane).into_iter().find(|r| r.id == *id).map(|r| r.pid);
            if requester.is_some_and(is_ancestor) {
                return Err(Error::Usage(format!("request {id} was made by a process this command runs under")));
            }
            let req = queue::decide(&plane, id, *approve).map_err(|e| Error::Usage(e.to_string()))?;
            record(&plane, serde_json::json!({"action": what, "request": id, "command": req.command}))?;
            term::diagnostic(&format!("{}d request {id}: {}", what.trim_end_matches('e'), req.command));
            Ok(0)
        }
        Control::Pause { reason } => {
            at_terminal("pause")?;
            let p = pause::pause(&plane, reason)?;
            record(&plane, serde_json::json!({"action": "pause", "reason": p.reason}))?;
            term::diagnostic("paused: every command in this workspace is denied until `tako-exec resume`");
            Ok(0)
        }
        Control::Resume => {
            at_terminal("resume")?;
            match pause::resume(&plane)? {
                Some(_) => {
                    record(&plane, serde_json::json!({"action": "resume"}))?;
                    term::diagnostic("resumed");
                }
                None => term::diagnostic("this workspace was not paused"),
            }
            Ok(0)
        }
        Control::AuditVerify => match audit::Log::new(&plane, audit::Options::default()).verify() {
            Ok(s) => {
                term::out_line(&format!(
                    "audit log intact: {} records in {} file(s), seq {}..{}",
                    s.records, s.files, s.first_seq, s.last_seq
                ));
                Ok(0)
            }
            Err(b) => {
                term::out_line(&term::sanitize(&format!("audit log BROKEN: {b}")));
                Ok(1)
            }
        },
        Control::AuditTail { n, json } => {
            let log = audit::Log::new(&plane, audit::Options::default());
            let records = log.tail(*n).map_err(|e| Error::io("cannot read the audit log", e))?;
            term::out(&term::audit_records(&records, *json));
            Ok(0)
        }
        Control::AuditShow { id, json } => {
            let log = audit::Log::new(&plane, audit::Options::default());
            let records = log.find(id).map_err(|e| Error::io("cannot read the audit log", e))?;
            if records.is_empty() {
                return Err(Error::Usage(format!("no audit record has the id {id:?}")));
            }
            term::out(&term::audit_records(&records, *json));
            Ok(0)
        }
    }
}

/// Whether `pid` is this process or one of its ancestors.
fn is_ancestor(pid: u32) -> bool {
    let mut cur = std::process::id();
    for _ in 0..64 {
        if cur == pid {
            return true;
        }
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{cur}/stat")) else { return false };
        // The fields after the command name (which may hold spaces) in parentheses.
        let Some(after) = stat.rsplit_once(')').map(|(_, a)| a) else { return false };
        match after.split_whitespace().nth(1).and_then(|p| p.parse::<u32>().ok()) {
            Some(parent) if parent > 1 => cur = parent,
            _ => return false,
        }
    }
    false
}

fn policy_accept(ctx: &Context, plane: &Plane) -> Result<i32, Error> {
    at_terminal("policy accept")?;
    let path = plane.path("policy.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?;
    let mut file = File::new(SourceKind::Operator, path.display().to_string(), text.clone());
    file.signer = Some(plane.key().clone());
    let policy = config::build(&[file], ctx).map_err(Error::Policy)?;
    let question = format!(
        "Accept {} ({} rule(s), SHA-256 {}…) as the operator's policy?",
        path.display(),
        policy.rules.len(),
        &crate::control::key::sha256_hex(text.as_bytes())[..12]
    );
    if !confirm(&question)? {
        term::diagnostic("not accepted");
        return Ok(code::DENIED);
    }
    accept::accept(plane, config::OPERATOR_POLICY, Some(text.as_bytes()))?;
    record(
        plane,
        serde_json::json!({"action": "policy-accept", "sha256": crate::control::key::sha256_hex(text.as_bytes())}),
    )?;
    term::diagnostic(&format!("accepted {}", path.display()));
    Ok(0)
}

/// `init`: imprints the workspace (`.tako/`, the operator key, `.gitignore`) and
/// writes a commented starter `tako.toml` if none exists.
#[must_use]
pub fn init(a: &InitArgs) -> i32 {
    match init_inner(a) {
        Ok(c) => c,
        Err(e) => {
            term::error(&e);
            code::FAILED
        }
    }
}

fn init_inner(a: &InitArgs) -> Result<i32, Error> {
    let ctx = context()?;
    let profile = a.profile.as_deref().unwrap_or("default");
    if config::profile_rank(profile).is_none() {
        return Err(Error::Usage(format!(
            "init: unknown profile {profile:?} (default, strict, ci; permissive is chosen in the operator's files)"
        )));
    }
    if profile == "permissive" {
        return Err(Error::Usage(
            "init: tako.toml may only tighten; choose the permissive profile in ~/.config/tako-exec/config.toml or .tako/policy.toml".into(),
        ));
    }
    let existing = Plane::open(&ctx.workspace)?;
    if a.force && existing.is_some() {
        at_terminal("init --force")?;
        let q = format!(
            "Replace the operator imprint and key of {}? Approvals, grants, accepted files and the audit chain signed with the old key stop verifying.",
            ctx.workspace.display()
        );
        if !confirm(&q)? {
            term::diagnostic("nothing changed");
            return Ok(code::DENIED);
        }
    } else if existing.is_none() && !a.yes {
        if std::env::var_os(UNDER_TAKO).is_some() || !std::io::stdin().is_terminal() {
            return Err(Error::Usage("init: confirm at a terminal, or pass --yes".into()));
        }
        let q = format!(
            "Create the operator's control plane in {}/.tako for {}?",
            ctx.workspace.display(),
            crate::control::Operator::current().name
        );
        if !confirm(&q)? {
            term::diagnostic("nothing changed");
            return Ok(code::DENIED);
        }
    }
    let (plane, made) = Plane::init(&ctx.workspace, a.force)?;
    if made {
        record(&plane, serde_json::json!({"action": if a.force { "init-force" } else { "init" }}))?;
        term::diagnostic(&format!(
            "imprinted {} for {} (key in .tako/keys/, .tako/ ignored by git)",
            plane.dir.display(),
            plane.operator.name
        ));
    } else {
        term::diagnostic(&format!("{} is already imprinted for {}", plane.dir.display(), plane.operator.name));
    }
    let path = ctx.workspace.join("tako.toml");
    if path.exists() {
        term::diagnostic(&format!("{} already exists; not written", path.display()));
        return Ok(0);
    }
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, config::starter(a.profile.as_deref()).as_bytes()));
    written.map_err(|e| Error::io(format!("cannot write {}", path.display()), e))?;
    term::diagnostic(&format!("wrote {}; `tako-exec config check` validates it", path.display()));
    Ok(0)
}
