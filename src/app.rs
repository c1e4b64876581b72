//! The pipeline of one run: parse the command line, read what is to be judged, judge
//! it, enforce the decision (asking the operator when needed), then replace tako-exec
//! with the real shell or program, or report.
//!
//! This module decides what happens; [`crate::term`] says it and [`crate::exec`] does
//! it. Every path out of here is an exit code from [`crate::outcome::code`] unless the
//! process was replaced, in which case the child's own status is what the caller sees.

use std::ffi::{OsStr, OsString};
use std::io::{IsTerminal, Read, Seek, Write};
use std::path::Path;
use std::time::Duration;

use crate::approve::{self, Answer};
use crate::cli::{self, CheckArgs, CheckTarget, Cli, ConfigAction, ConfigArgs, ExplainArgs, ShellArgs, ShellMode};
use crate::config::{self, Limit, Who};
use crate::context::Context;
use crate::control::{audit, budget, pause, queue, Plane};
use crate::error::Error;
use crate::exec;
use crate::guard;
use crate::outcome::code;
use crate::policy::{self, Decision, Evaluation};
use crate::term;

/// The largest script tako-exec reads and judges (from a file or standard input).
pub const MAX_SCRIPT_BYTES: u64 = 4 * 1024 * 1024;

/// Everything a run needs from its environment, read once.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where and for whom the command runs.
    pub ctx: Context,
    /// `TAKO_SHELL`, if set.
    pub tako_shell: Option<OsString>,
    /// How long the operator has to answer an approval prompt.
    pub approval_timeout: Duration,
    /// The workspace's control plane, when the operator imprinted it.
    pub plane: Option<Plane>,
}

impl Settings {
    /// Settings from this process's environment, with the workspace policy loaded
    /// (`extra`: `--config FILE`; `TAKO_CONFIG` is read too).
    ///
    /// # Errors
    /// When the working directory cannot be read, or the policy has errors (fail
    /// closed: nothing runs on a policy tako-exec cannot read).
    pub fn from_process(extra: Option<&Path>) -> Result<Self, Error> {
        let mut ctx = Context::from_process().map_err(|e| Error::io("cannot read the working directory", e))?;
        let plane = Plane::open(&ctx.workspace)?;
        match &plane {
            Some(p) => p.untracked(&ctx.workspace)?,
            None => crate::control::untracked_without_plane(&ctx.workspace, &config::cache_home(&ctx))?,
        }
        if let Some(p) = &plane {
            // Hooks changed since the operator installed them: said on every run.
            for w in crate::githooks::install::integrity_warnings(&ctx.workspace, p) {
                term::diagnostic(&w);
            }
        }
        let policy = config::load(&ctx, &extra_files(extra), plane.as_ref()).map_err(Error::Policy)?;
        for w in &policy.warnings {
            term::diagnostic(&w.to_string());
        }
        if policy.rules.iter().any(|r| !r.contexts.is_empty()) || policy.permissions.scoped() {
            ctx.who = Who::detect(|k| std::env::var(k).ok(), terminal_present());
        }
        let approval_timeout = Duration::from_secs(policy.limit(Limit::PromptTimeout));
        ctx.policy = std::sync::Arc::new(policy);
        Ok(Self { ctx, tako_shell: std::env::var_os("TAKO_SHELL"), approval_timeout, plane })
    }
}

/// The extra policy files: `--config FILE`, then `TAKO_CONFIG`.
fn extra_files(extra: Option<&Path>) -> Vec<std::path::PathBuf> {
    let env = std::env::var_os("TAKO_CONFIG").filter(|v| !v.is_empty()).map(std::path::PathBuf::from);
    extra.map(Path::to_path_buf).into_iter().chain(env).collect()
}

/// Whether a controlling terminal can be opened (someone could answer a prompt).
fn terminal_present() -> bool {
    std::fs::OpenOptions::new().read(true).write(true).open("/dev/tty").is_ok()
}

/// Runs tako-exec with this argv and returns the exit code (when the process was not
/// replaced by the command).
#[must_use]
pub fn main(argv: Vec<OsString>) -> i32 {
    let cli = match cli::parse(argv) {
        Ok(c) => c,
        Err(e) => {
            term::error(&e);
            return code::FAILED;
        }
    };
    if let Cli::Info(text) = &cli {
        term::out(text);
        return 0;
    }
    if let Cli::Explain(a) = &cli {
        return explain(a);
    }
    if let Cli::Config(a) = &cli {
        return config_command(a);
    }
    if let Cli::Init(a) = &cli {
        return crate::operator::init(a);
    }
    if let Cli::Control(c) = &cli {
        return crate::operator::run(c);
    }
    if let Cli::Scan(a) = &cli {
        return scan(a);
    }
    if let Cli::Hook(a) = &cli {
        return crate::githooks::run(a);
    }
    if let Cli::Hooks(a) = &cli {
        return crate::githooks::install::run(a);
    }
    let extra = if let Cli::Check(a) = &cli { a.config.clone() } else { None };
    let settings = match Settings::from_process(extra.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            term::failure(&e);
            return code::FAILED;
        }
    };
    match cli {
        Cli::Check(a) => check(&a, &settings),
        Cli::Exec(argv) => run_argv(&argv, &settings),
        Cli::Shell(s) => run_shell(s, &settings),
        Cli::Info(_)
        | Cli::Explain(_)
        | Cli::Config(_)
        | Cli::Init(_)
        | Cli::Control(_)
        | Cli::Scan(_)
        | Cli::Hook(_)
        | Cli::Hooks(_) => {
            unreachable!("handled above")
        }
    }
}

/// `config check`: every problem of every layer; exit 0 clean, 1 when settings are
/// ignored (loosening from a file that may only tighten), 125 on errors.
/// `config show`: the effective policy with where each entry comes from.
fn config_command(a: &ConfigArgs) -> i32 {
    let Some(ctx) = process_context() else { return code::FAILED };
    let plane = match Plane::open(&ctx.workspace) {
        Ok(p) => p,
        Err(e) => {
            term::error(&Error::from(e));
            return code::FAILED;
        }
    };
    let paths = config::discover(&ctx, &extra_files(a.config.as_deref()));
    let result = config::read_files(&paths).and_then(|files| {
        let (files, refused) = config::vouched(files, &ctx, plane.as_ref());
        let mut p = config::build(&files, &ctx).map_err(|mut d| {
            d.splice(0..0, refused.clone());
            d
        })?;
        p.warnings.splice(0..0, refused);
        config::remember_validated(&ctx, &files);
        Ok(p)
    });
    match (a.action, result) {
        (ConfigAction::Check, Ok(p)) => {
            term::out(&term::config_report(&paths, &p.warnings));
            i32::from(!p.warnings.is_empty())
        }
        (ConfigAction::Check, Err(diags)) => {
            term::out(&term::config_report(&paths, &diags));
            code::FAILED
        }
        (ConfigAction::Show, Ok(p)) => {
            if a.json {
                term::out_line(&term::policy_json(&p));
            } else {
                term::out(&term::policy_text(&p));
            }
            0
        }
        (ConfigAction::Show, Err(diags)) => {
            term::failure(&Error::Policy(diags));
            code::FAILED
        }
    }
}

/// This process's context without a policy (for the commands that read or write the
/// policy itself); `None` once the failure is reported.
fn process_context() -> Option<Context> {
    Context::from_process().map_err(|e| term::error(&Error::io("cannot read the working directory", e))).ok()
}

/// `scan`: the findings of the text filters in each file (or standard input); exit 0
/// when there are none, 1 when there are, 125 when an input cannot be read.
fn scan(a: &cli::ScanArgs) -> i32 {
    let mut inputs: Vec<(Option<String>, Vec<u8>)> = Vec::new();
    if a.files.is_empty() {
        let mut buf = Vec::new();
        if let Err(e) = std::io::stdin().lock().read_to_end(&mut buf) {
            term::error(&Error::io("cannot read standard input", e));
            return code::FAILED;
        }
        inputs.push((None, buf));
    }
    for f in &a.files {
        match std::fs::read(f) {
            Ok(b) => inputs.push((Some(f.display().to_string()), b)),
            Err(e) => {
                term::error(&Error::io(format!("cannot read {}", f.display()), e));
                return code::FAILED;
            }
        }
    }
    let found: Vec<(Option<String>, &[u8], Vec<crate::filter::Finding>)> =
        inputs.iter().map(|(name, bytes)| (name.clone(), bytes.as_slice(), crate::filter::scan(bytes))).collect();
    if a.json {
        term::out_line(&term::findings_json(&found));
    } else {
        term::out(&term::findings_text(&found));
    }
    i32::from(found.iter().any(|(_, _, f)| !f.is_empty()))
}

fn explain(a: &ExplainArgs) -> i32 {
    if a.list {
        term::out(&term::catalog());
        return 0;
    }
    let code_arg = a.code.as_deref().unwrap_or_default();
    match guard::by_code(code_arg) {
        Some(g) => {
            term::out(&term::explain(g));
            0
        }
        None => {
            term::error(&Error::UnknownGuard(code_arg.to_string()));
            code::FAILED
        }
    }
}

fn lossy(v: &[OsString]) -> Vec<String> {
    v.iter().map(|s| s.to_string_lossy().into_owned()).collect()
}

/// Judges shell text given as bytes: not UTF-8 is a deny.
fn judge_text(text: &OsStr, positional: &[String], ctx: &Context) -> Evaluation {
    match text.to_str() {
        Some(t) => policy::evaluate_shell(t, positional, ctx),
        None => policy::not_text(&text.to_string_lossy()),
    }
}

/// Reads at most [`MAX_SCRIPT_BYTES`] (plus one to detect more).
fn read_bounded(r: impl Read) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    r.take(MAX_SCRIPT_BYTES + 1).read_to_end(&mut buf)?;
    Ok(buf)
}

/// Judges script bytes, refusing oversize input.
fn judge_script(bytes: &[u8], shown: &str, positional: &[String], ctx: &Context) -> Evaluation {
    if bytes.len() as u64 > MAX_SCRIPT_BYTES {
        return policy::too_large(shown, bytes.len() as u64, MAX_SCRIPT_BYTES);
    }
    judge_text(std::os::unix::ffi::OsStrExt::from_bytes(bytes), positional, ctx)
}

fn check(a: &CheckArgs, s: &Settings) -> i32 {
    let (shown, eval) = match &a.target {
        CheckTarget::Command { text, positional } => {
            (text.to_string_lossy().into_owned(), judge_text(text, &lossy(positional), &s.ctx))
        }
        CheckTarget::Argv(argv) => {
            let argv = lossy(argv);
            (shell_words::join(&argv), policy::evaluate_argv(&argv, &s.ctx))
        }
        CheckTarget::Stdin => match read_bounded(std::io::stdin().lock()) {
            Ok(bytes) => {
                let shown = String::from_utf8_lossy(&bytes).into_owned();
                let eval = judge_script(&bytes, "<stdin>", &["tako-exec".into()], &s.ctx);
                (shown, eval)
            }
            Err(e) => {
                term::error(&Error::io("cannot read the script on standard input", e));
                return code::FAILED;
            }
        },
    };
    if a.json {
        term::out_line(&term::check_json(&eval));
    } else {
        term::out(&term::check_human(&shown, &eval));
    }
    match eval.decision {
        Decision::Allow => code::CHECK_ALLOW,
        Decision::Ask => code::CHECK_ASK,
        Decision::Deny => code::DENIED,
    }
}

/// How a decision was reached, for the audit log: `how` is one of `policy`,
/// `prompt`, `timeout`, `no-terminal`, `queue`, `queue-full`, `forged`, `pause`,
/// `budget`; `by` is `tako-exec` or the operator who answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    /// The way the decision was made.
    pub how: &'static str,
    /// Who made it.
    pub by: String,
}

impl Decided {
    fn tako(how: &'static str) -> Self {
        Self { how, by: "tako-exec".into() }
    }
}

/// The operator's name as recorded (the imprint's, else the login name).
fn operator_name(s: &Settings) -> String {
    s.plane.as_ref().map_or_else(|| crate::control::Operator::current().name, |p| p.operator.name.clone())
}

/// Applies a decision: `Ok` to run, `Err(code)` when refused (already reported),
/// with how it was reached. `shown` is the shell text judged (with `positional`),
/// re-analyzed when the operator answers "always" to find the exact commands to
/// remember.
fn enforce(eval: &Evaluation, shown: &str, positional: &[String], s: &Settings) -> (Result<(), i32>, Decided) {
    match eval.decision {
        Decision::Allow => (Ok(()), Decided::tako("policy")),
        Decision::Deny => {
            term::denied(eval);
            (Err(code::DENIED), Decided::tako("policy"))
        }
        Decision::Ask => {
            let secs = s.approval_timeout.as_secs();
            let operator = || Decided { how: "prompt", by: operator_name(s) };
            match approve::ask(&term::approval_prompt(shown, eval, secs), s.approval_timeout) {
                Answer::Yes => (Ok(()), operator()),
                Answer::Always => {
                    remember(eval, shown, positional, s);
                    (Ok(()), operator())
                }
                Answer::No => {
                    term::not_approved(eval, "the operator declined");
                    (Err(code::DENIED), operator())
                }
                Answer::Timeout => {
                    term::not_approved(eval, &format!("no answer within {secs}s"));
                    (Err(code::DENIED), Decided::tako("timeout"))
                }
                Answer::NoTerminal(why) => match &s.plane {
                    Some(plane) if s.ctx.policy.limit(Limit::ApprovalWait) > 0 => queue(eval, shown, s, plane),
                    _ => {
                        term::not_approved(eval, &format!("needs the operator's approval; {why} to ask on"));
                        (Err(code::DENIED), Decided::tako("no-terminal"))
                    }
                },
            }
        }
    }
}

/// An `ask` with no terminal: queued for the operator, waiting up to
/// `[control] approval_wait` seconds.
fn queue(eval: &Evaluation, shown: &str, s: &Settings, plane: &Plane) -> (Result<(), i32>, Decided) {
    let wait = Duration::from_secs(s.ctx.policy.limit(Limit::ApprovalWait));
    let max = s.ctx.policy.limit(Limit::MaxPending);
    let asked = eval
        .reasons
        .iter()
        .filter(|r| r.decision == Decision::Ask)
        .map(|r| queue::Asked { code: r.code.clone(), layer: r.layer.as_str().into(), message: r.message.clone() })
        .collect();
    let cwd = s.ctx.cwd.display().to_string();
    let denied = |why: String, how: &'static str, by: String| {
        term::not_approved(eval, &why);
        (Err(code::DENIED), Decided { how, by })
    };
    let req = match queue::submit(plane, &cwd, &crate::redact::command(shown), asked, wait, max) {
        Ok(Some(r)) => r,
        Ok(None) => {
            return denied(
                format!("{max} approvals are already waiting for the operator"),
                "queue-full",
                "tako-exec".into(),
            )
        }
        Err(e) => return denied(format!("the approval cannot be queued: {e}"), "no-terminal", "tako-exec".into()),
    };
    term::queued(&req.id, wait.as_secs());
    match queue::wait(plane, &req, Duration::from_millis(100)) {
        queue::Verdict::Approved { by } => (Ok(()), Decided { how: "queue", by }),
        queue::Verdict::Denied { by } => denied(format!("the operator denied request {}", req.id), "queue", by),
        queue::Verdict::TimedOut => denied(
            format!("no decision on request {} within {}s", req.id, wait.as_secs()),
            "timeout",
            "tako-exec".into(),
        ),
        queue::Verdict::Forged => denied(
            format!("a decision on request {} was not signed by the operator", req.id),
            "forged",
            "tako-exec".into(),
        ),
    }
}

/// Everything between a judgement and the launch: in an imprinted workspace, the
/// pause, the budget, the decision and its audit record; elsewhere the decision
/// alone. `Ok(Some(trail))`: run and record the exit; `Ok(None)`: run (no control
/// plane); `Err(code)`: refused, already reported.
fn gate(eval: Evaluation, shown: &str, positional: &[String], s: &Settings) -> Result<Option<Trail>, i32> {
    let Some(plane) = &s.plane else {
        return enforce(&eval, shown, positional, s).0.map(|()| None);
    };
    let policy = &s.ctx.policy;
    let (result, decided) = if let Some(p) = pause::current(plane) {
        term::paused(&p);
        (Err(code::DENIED), Decided { how: "pause", by: p.by })
    } else {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        match budget::charge(plane, policy.limit(Limit::PerMinute), policy.limit(Limit::PerHour), now) {
            Err(e) => {
                term::error(&Error::from(e));
                return Err(code::FAILED);
            }
            Ok(budget::Charge::Exhausted { window, limit, resets_in }) => {
                term::budget_exhausted(window.as_str(), limit, resets_in);
                (Err(code::DENIED), Decided::tako("budget"))
            }
            Ok(charge) => {
                if let budget::Charge::Warn { window, used, limit } = charge {
                    term::budget_warning(window.as_str(), used, limit);
                }
                enforce(&eval, shown, positional, s)
            }
        }
    };
    let trail = Trail::new(plane, policy.audit_fsync.0);
    if let Err(e) = trail.decision(&eval, shown, &s.ctx, &decided, result.is_ok()) {
        term::error(&Error::io("cannot write the audit log, so nothing runs; `tako-exec audit verify` checks it", e));
        return Err(code::FAILED);
    }
    result.map(|()| Some(trail))
}

/// The audit records of one command: its decision, then its exit.
struct Trail {
    log: audit::Log,
    id: String,
    started: std::time::Instant,
}

impl Trail {
    fn new(plane: &Plane, fsync: bool) -> Self {
        let mut id = [0u8; 8];
        // Unique enough without randomness: the time and the pid.
        if getrandom::fill(&mut id).is_err() {
            let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
            id = (u64::try_from(t % u128::from(u64::MAX)).unwrap_or(0) ^ u64::from(std::process::id())).to_be_bytes();
        }
        let opts = audit::Options { fsync, ..audit::Options::default() };
        Self {
            log: audit::Log::new(plane, opts),
            id: crate::control::key::hex(&id),
            started: std::time::Instant::now(),
        }
    }

    fn decision(
        &self,
        eval: &Evaluation,
        shown: &str,
        ctx: &Context,
        decided: &Decided,
        runs: bool,
    ) -> std::io::Result<()> {
        let reasons: Vec<serde_json::Value> = eval
            .reasons
            .iter()
            .map(|r| {
                serde_json::json!({
                    "code": r.code, "layer": r.layer, "decision": r.decision,
                    "message": r.message, "command": crate::redact::command(&r.command),
                })
            })
            .collect();
        let v = serde_json::json!({
            "id": self.id,
            "kind": "decision",
            "pid": std::process::id(),
            "cwd": ctx.cwd.display().to_string(),
            "command": crate::redact::command(shown),
            "policy": eval.decision,
            "decision": if runs { "allow" } else { "deny" },
            "decided_by": {"how": decided.how, "by": decided.by},
            "reasons": reasons,
        });
        self.append(v)
    }

    fn exit(&self, ended: Result<&exec::Ended, &std::io::Error>) -> std::io::Result<()> {
        use std::os::unix::process::ExitStatusExt;
        let exit = match ended {
            Ok(e) => {
                let mut v = match (e.status.code(), e.status.signal()) {
                    (Some(c), _) => serde_json::json!({"code": c}),
                    (None, Some(sig)) => serde_json::json!({"signal": sig}),
                    (None, None) => serde_json::json!({"unknown": true}),
                };
                if e.timed_out {
                    v["timed_out"] = true.into();
                }
                if let Some(b) = &e.blocked {
                    v["blocked"] = serde_json::json!({"kind": b.kind, "rule": b.rule});
                }
                v
            }
            Err(e) => serde_json::json!({"error": e.to_string()}),
        };
        let ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.append(serde_json::json!({"id": self.id, "kind": "exit", "exit": exit, "duration_ms": ms}))
    }

    fn append(&self, v: serde_json::Value) -> std::io::Result<()> {
        let serde_json::Value::Object(map) = v else { unreachable!("json! of an object") };
        self.log.append(map).map(|_| ())
    }
}

/// What a launch needs besides the command: the judged text (to find the programs it
/// runs when the environment must be scrubbed), the settings, and the audit trail.
struct Launch<'a> {
    s: &'a Settings,
    /// The judged shell text and its positional parameters, or an argv.
    judged: Judged<'a>,
    trail: Option<Trail>,
}

/// What was judged.
enum Judged<'a> {
    Shell(&'a str, &'a [String]),
    Argv(&'a [String]),
}

impl Judged<'_> {
    /// The names of the programs the command runs (as the guards name them).
    fn programs(&self, ctx: &Context) -> Vec<String> {
        let base = |p: &str| p.rsplit('/').next().unwrap_or(p).to_string();
        match self {
            Self::Argv(argv) => argv.first().map(|p| base(p)).into_iter().collect(),
            Self::Shell(text, positional) => crate::analyze::analyze(text, positional, ctx)
                .map(|a| {
                    a.invocations.iter().filter_map(|i| i.argv.first().and_then(|f| f.as_known()).map(base)).collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// Runs what was allowed: replaces tako-exec with it, or (with an audit trail, output
/// filters or a time limit) runs it as a child, relays its output through the filters
/// and records its exit. Credentials the policy scrubs are removed from its
/// environment first. `failed` maps a launch error to the exit code after reporting it.
fn launch(mut cmd: std::process::Command, l: Launch<'_>, failed: impl Fn(std::io::Error) -> i32) -> i32 {
    let filters = &l.s.ctx.policy.filters;
    // Marks the command's processes as running under tako-exec (operator commands
    // refuse to run there).
    cmd.env(crate::operator::UNDER_TAKO, l.trail.as_ref().map_or("1", |t| t.id.as_str()));
    let names: Vec<String> = std::env::vars_os().filter_map(|(k, _)| k.into_string().ok()).collect();
    let secret_vars = filters.scrubbed(names.iter().map(String::as_str));
    if !secret_vars.is_empty() {
        let programs = l.judged.programs(&l.s.ctx);
        for k in secret_vars.iter().filter(|k| filters.scrubs(k, programs.iter().map(String::as_str))) {
            cmd.env_remove(k);
        }
    }
    // Streams a person reads on a terminal are left alone, and so are streams thrown
    // away (`/dev/null`); pipes and files (what an agent reads) are filtered.
    let cap = Some(filters.output_cap.0).filter(|c| *c > 0);
    let watched = |stream: config::OutStream, unread: bool| {
        let modes = filters.modes(stream);
        ((modes.active() || cap.is_some()) && !unread).then(|| crate::filter::relay::Stream::new(modes, cap))
    };
    let (stdout, stderr) = (std::io::stdout(), std::io::stderr());
    let watch = exec::Watch {
        stdout: watched(config::OutStream::Stdout, stdout.is_terminal() || exec::discards(&stdout)),
        stderr: watched(config::OutStream::Stderr, stderr.is_terminal() || exec::discards(&stderr)),
        timeout: Some(filters.timeout.0).filter(|t| *t > 0).map(Duration::from_secs),
    };
    let supervised = l.trail.is_some() || watch.stdout.is_some() || watch.stderr.is_some() || watch.timeout.is_some();
    if !supervised {
        return failed(exec::replace(&mut cmd));
    }
    let limit = watch.timeout;
    let ended = exec::supervise(&mut cmd, watch);
    if let Some(trail) = &l.trail {
        if let Err(e) = trail.exit(ended.as_ref()) {
            term::error(&Error::io("the command ran, but its exit cannot be written to the audit log", e));
        }
    }
    match ended {
        Ok(e) => {
            if e.timed_out {
                term::diagnostic(&format!(
                    "the command was stopped after {}s (`[filters] timeout`), with its whole process group",
                    limit.map_or(0, |d| d.as_secs())
                ));
            }
            if let Some(b) = &e.blocked {
                term::diagnostic(&format!(
                    "the command was stopped: its output held a {} ({})",
                    b.kind.as_str(),
                    b.rule
                ));
            }
            crate::outcome::mirror(e.status)
        }
        Err(e) => failed(e),
    }
}

/// Writes grants for the commands a guard asked about (the run goes ahead either way:
/// the operator said yes).
fn remember(eval: &Evaluation, shown: &str, positional: &[String], s: &Settings) {
    let argvs = match crate::analyze::analyze(shown, positional, &s.ctx) {
        Ok(a) => config::grant::asked(&a, eval),
        Err(_) => Vec::new(),
    };
    if argvs.is_empty() {
        term::diagnostic("approved once: what asked cannot be remembered as an exact command");
        return;
    }
    let Some(plane) = &s.plane else {
        term::diagnostic("approved once: remembering approvals needs the operator's imprint (`tako-exec init`)");
        return;
    };
    match config::grant::remember(plane, &argvs, std::time::SystemTime::now()) {
        Ok(path) => term::diagnostic(&format!(
            "approved; remembered for {} days in {} ({} command(s))",
            config::grant::DAYS,
            path.display(),
            argvs.len()
        )),
        Err(e) => term::diagnostic(&format!("approved once, but the approval cannot be remembered: {e}")),
    }
}

fn run_argv(argv: &[OsString], s: &Settings) -> i32 {
    let strings = lossy(argv);
    let shown = shell_words::join(&strings);
    let eval = if argv.iter().all(|a| a.to_str().is_some()) {
        policy::evaluate_argv(&strings, &s.ctx)
    } else {
        policy::not_text(&shown)
    };
    let trail = match gate(eval, &shown, &[], s) {
        Ok(t) => t,
        Err(c) => return c,
    };
    let Some(cmd) = exec::argv_command(argv) else { return code::FAILED };
    let prog = argv[0].to_string_lossy().into_owned();
    launch(cmd, Launch { s, judged: Judged::Argv(&strings), trail }, |err| match err.kind() {
        std::io::ErrorKind::NotFound => {
            term::diagnostic(&format!("{prog}: command not found"));
            code::NOT_FOUND
        }
        _ => {
            term::diagnostic(&format!("{prog}: cannot run: {err}"));
            code::DENIED
        }
    })
}

fn run_shell(a: ShellArgs, s: &Settings) -> i32 {
    let shell = match exec::resolve_shell(s.tako_shell.as_deref(), a.shim.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            term::error(&e);
            return code::FAILED;
        }
    };
    let argv0 = exec::shell_argv0(&a.argv0, a.shim.as_deref(), &shell);
    let startup = startup_file(&shell, &argv0);
    // The startup file the real shell sources before the command is judged with it.
    let judged = |eval: Evaluation| match &startup {
        Some(path) => {
            // bash expands the value (parameters, `$(…)`, arithmetic) without splitting it,
            // as inside double quotes.
            let quoted = path.replace('\\', "\\\\").replace('"', "\\\"");
            let sourced = policy::evaluate_shell(&format!(". \"{quoted}\""), &[], &s.ctx);
            Evaluation::from_reasons(sourced.reasons.into_iter().chain(eval.reasons).collect())
        }
        None => eval,
    };
    let mut stdin_script: Option<std::fs::File> = None;
    let mut trail = None;
    let mut ran: (String, Vec<String>) = (String::new(), Vec::new());
    match &a.mode {
        ShellMode::Informational => {}
        ShellMode::Command { text, positional } => {
            let positional = lossy(positional);
            let eval = judged(judge_text(text, &positional, &s.ctx));
            let shown = text.to_string_lossy().into_owned();
            trail = match gate(eval, &shown, &positional, s) {
                Ok(t) => t,
                Err(c) => return c,
            };
            ran = (shown, positional);
        }
        ShellMode::Script { path, args } => {
            let shown = path.to_string_lossy().into_owned();
            let bytes = match std::fs::File::open(Path::new(path)).and_then(read_bounded) {
                Ok(b) => b,
                Err(e) => {
                    // The shell could not read it either; say so the way it would.
                    term::diagnostic(&format!("{shown}: {}", io_reason(&e)));
                    return if e.kind() == std::io::ErrorKind::NotFound { code::NOT_FOUND } else { code::DENIED };
                }
            };
            let mut positional = vec![shown.clone()];
            positional.extend(lossy(args));
            let eval = judged(judge_script(&bytes, &shown, &positional, &s.ctx));
            let text = String::from_utf8_lossy(&bytes).into_owned();
            trail = match gate(eval, &text, &positional, s) {
                Ok(t) => t,
                Err(c) => return c,
            };
            ran = (text, positional);
        }
        ShellMode::Stdin { args, interactive } => {
            if *interactive || std::io::stdin().is_terminal() {
                term::error(&Error::Interactive);
                return code::FAILED;
            }
            let bytes = match read_bounded(std::io::stdin().lock()) {
                Ok(b) => b,
                Err(e) => {
                    term::error(&Error::io("cannot read the script on standard input", e));
                    return code::FAILED;
                }
            };
            let mut positional = vec![a.argv0.to_string_lossy().into_owned()];
            positional.extend(lossy(args));
            let eval = judged(judge_script(&bytes, "<stdin>", &positional, &s.ctx));
            let text = String::from_utf8_lossy(&bytes).into_owned();
            trail = match gate(eval, &text, &positional, s) {
                Ok(t) => t,
                Err(c) => return c,
            };
            ran = (text, positional);
            // The script was consumed from stdin: hand the shell the exact bytes judged.
            match script_file(&bytes) {
                Ok(f) => stdin_script = Some(f),
                Err(e) => {
                    term::error(&Error::io("cannot hand the script to the shell", e));
                    return code::FAILED;
                }
            }
        }
    }
    let cmd = exec::shell_command(&shell, &argv0, &a.args, stdin_script);
    launch(cmd, Launch { s, judged: Judged::Shell(&ran.0, &ran.1), trail }, |err| {
        term::error(&Error::io(format!("cannot run the real shell {}", shell.display()), err));
        code::FAILED
    })
}

/// The file a non-interactive bash sources before anything else: `$BASH_ENV`, when the
/// real shell is bash and is not started as `sh`. It runs with the command, so it is
/// judged with it.
fn startup_file(shell: &Path, argv0: &OsStr) -> Option<String> {
    let is_bash = shell.file_name().is_some_and(|n| n == "bash");
    let as_sh = Path::new(argv0).file_name().is_some_and(|n| n == "sh" || n == "-sh");
    let value = std::env::var("BASH_ENV").ok().filter(|v| !v.is_empty())?;
    (is_bash && !as_sh).then_some(value)
}

/// An anonymous in-memory file holding `bytes`, positioned at the start.
fn script_file(bytes: &[u8]) -> std::io::Result<std::fs::File> {
    let fd = nix::sys::memfd::memfd_create(c"tako-exec-script", nix::sys::memfd::MemFdCreateFlag::MFD_CLOEXEC)
        .map_err(std::io::Error::from)?;
    let mut f = std::fs::File::from(fd);
    f.write_all(bytes)?;
    f.rewind()?;
    Ok(f)
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "Permission denied".into(),
        _ if e.raw_os_error() == Some(nix::libc::EISDIR) => "is a directory".into(),
        _ => e.to_string(),
    }
}
