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
use crate::config::{self, Who};
use crate::context::Context;
use crate::control::Plane;
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
        let policy = config::load(&ctx, &extra_files(extra), plane.as_ref()).map_err(Error::Policy)?;
        for w in &policy.warnings {
            term::diagnostic(&w.to_string());
        }
        if policy.rules.iter().any(|r| !r.contexts.is_empty()) || policy.permissions.scoped() {
            ctx.who = Who::detect(|k| std::env::var(k).ok(), terminal_present());
        }
        ctx.policy = std::sync::Arc::new(policy);
        Ok(Self { ctx, tako_shell: std::env::var_os("TAKO_SHELL"), approval_timeout: approve::DEFAULT_TIMEOUT, plane })
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
        return init(a);
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
        Cli::Info(_) | Cli::Explain(_) | Cli::Config(_) | Cli::Init(_) => unreachable!("handled above"),
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

/// `init`: a commented starter `tako.toml` at the workspace root, only if none exists.
fn init(a: &cli::InitArgs) -> i32 {
    let _ = a.yes;
    let Some(ctx) = process_context() else { return code::FAILED };
    let profile = a.profile.as_deref().unwrap_or("default");
    if config::profile_rank(profile).is_none() {
        term::error(&Error::Usage(format!(
            "init: unknown profile {profile:?} (default, strict, ci; permissive is chosen in the operator's files)"
        )));
        return code::FAILED;
    }
    if profile == "permissive" {
        term::error(&Error::Usage(
            "init: tako.toml may only tighten; choose the permissive profile in ~/.config/tako-exec/config.toml or .tako/policy.toml".into(),
        ));
        return code::FAILED;
    }
    let path = ctx.workspace.join("tako.toml");
    if path.exists() {
        term::diagnostic(&format!("{} already exists; nothing written", path.display()));
        return 0;
    }
    let text = config::starter(a.profile.as_deref());
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()));
    match written {
        Ok(()) => {
            term::diagnostic(&format!("wrote {}; `tako-exec config check` validates it", path.display()));
            0
        }
        Err(e) => {
            term::error(&Error::io(format!("cannot write {}", path.display()), e));
            code::FAILED
        }
    }
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

/// Applies a decision: `Ok` to run, `Err(code)` when refused (already reported).
/// `shown` is the shell text judged (with `positional`), re-analyzed when the operator
/// answers "always" to find the exact commands to remember.
fn enforce(eval: &Evaluation, shown: &str, positional: &[String], s: &Settings) -> Result<(), i32> {
    match eval.decision {
        Decision::Allow => Ok(()),
        Decision::Deny => {
            term::denied(eval);
            Err(code::DENIED)
        }
        Decision::Ask => {
            let secs = s.approval_timeout.as_secs();
            match approve::ask(&term::approval_prompt(shown, eval, secs), s.approval_timeout) {
                Answer::Yes => Ok(()),
                Answer::Always => {
                    remember(eval, shown, positional, s);
                    Ok(())
                }
                Answer::No => {
                    term::not_approved(eval, "the operator declined");
                    Err(code::DENIED)
                }
                Answer::Timeout => {
                    term::not_approved(eval, &format!("no answer within {secs}s"));
                    Err(code::DENIED)
                }
                Answer::NoTerminal(why) => {
                    term::not_approved(eval, &format!("needs the operator's approval; {why} to ask on"));
                    Err(code::DENIED)
                }
            }
        }
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
    if let Err(c) = enforce(&eval, &shown, &[], s) {
        return c;
    }
    let err = exec::replace_argv(argv);
    let prog = argv[0].to_string_lossy();
    match err.kind() {
        std::io::ErrorKind::NotFound => {
            term::diagnostic(&format!("{prog}: command not found"));
            code::NOT_FOUND
        }
        _ => {
            term::diagnostic(&format!("{prog}: cannot run: {err}"));
            code::DENIED
        }
    }
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
    match &a.mode {
        ShellMode::Informational => {}
        ShellMode::Command { text, positional } => {
            let positional = lossy(positional);
            let eval = judged(judge_text(text, &positional, &s.ctx));
            if let Err(c) = enforce(&eval, &text.to_string_lossy(), &positional, s) {
                return c;
            }
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
            if let Err(c) = enforce(&eval, &String::from_utf8_lossy(&bytes), &positional, s) {
                return c;
            }
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
            if let Err(c) = enforce(&eval, &String::from_utf8_lossy(&bytes), &positional, s) {
                return c;
            }
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
    let err = match stdin_script {
        Some(f) => exec::replace_with_stdin(&shell, &argv0, &a.args, f),
        None => exec::replace(&shell, &argv0, &a.args),
    };
    term::error(&Error::io(format!("cannot run the real shell {}", shell.display()), err));
    code::FAILED
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
