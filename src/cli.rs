//! The command line: tako-exec's own subcommands (`check`, `explain`) and the shell
//! front, which accepts every argv shape agents use to launch `bash` or `sh`.
//!
//! The shell front is parsed by hand, the way bash parses its own options, because
//! its grammar is bash's, not a CLI library's: single-letter clusters (`-lc`, `-euo
//! pipefail`), options after `-c` (`-c -l CMD`), `+o`, long options, and the rule that
//! the first non-option word is the command text (with `-c`) or the script. Options
//! tako-exec does not interpret are kept and passed to the real shell unchanged: the
//! shell receives exactly the argv tako-exec received.
//!
//! Under a shell's name (`bash`, `sh`, `zsh`, … through a symlink) tako-exec is only a
//! shell. Under its own name, a first argument `check`, `explain`, `help`, `--help` or
//! `--version` selects a subcommand, `--` selects a direct program run, and anything
//! else is the shell front.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use clap::{Parser, Subcommand};

use crate::error::{Error, Result};

/// File names under which tako-exec behaves as that shell.
pub const SHELL_NAMES: &[&str] = &["bash", "sh", "zsh", "dash", "ksh", "mksh", "ash"];

/// What tako-exec was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cli {
    /// Behave as a shell.
    Shell(ShellArgs),
    /// `tako-exec -- PROG ARGS…`: judge and run a program directly, with no shell.
    Exec(Vec<OsString>),
    /// `tako-exec check …`: decide without running.
    Check(CheckArgs),
    /// `tako-exec explain CODE | --list`.
    Explain(ExplainArgs),
    /// `tako-exec config check | show [--json]`.
    Config(ConfigArgs),
    /// `tako-exec init [--profile NAME] [--yes] [--force]`.
    Init(InitArgs),
    /// The operator's control-plane commands.
    Control(Control),
    /// `tako-exec scan [--json] [FILE…]`: report secrets and injection text.
    Scan(ScanArgs),
    /// `tako-exec hook NAME [ARGS…]`: a git hook's checks (what the shims call).
    Hook(HookArgs),
    /// `tako-exec hooks install | uninstall | status`.
    Hooks(HooksArgs),
    /// Help or version text, already rendered by clap.
    Info(String),
}

/// A shell invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellArgs {
    /// `argv[0]` as received.
    pub argv0: OsString,
    /// The shell name tako-exec was invoked as (`bash` for `-bash`), if a shim.
    pub shim: Option<String>,
    /// Login shell (`-l`, `--login`, or `argv[0]` starting with `-`).
    pub login: bool,
    /// The arguments after `argv[0]`, passed to the real shell unchanged.
    pub args: Vec<OsString>,
    /// What the shell will run.
    pub mode: ShellMode,
}

/// What a shell invocation runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShellMode {
    /// `-c TEXT [NAME ARGS…]`: positional holds `NAME ARGS…` (`$0 $1…`).
    Command {
        /// The command text.
        text: OsString,
        /// `$0 $1 …`, possibly empty.
        positional: Vec<OsString>,
    },
    /// A script read from standard input (`-s`, or no command and no script).
    Stdin {
        /// `$1 …`.
        args: Vec<OsString>,
        /// `-i` was given.
        interactive: bool,
    },
    /// `SCRIPT [ARGS…]`: a script file.
    Script {
        /// The script path as given.
        path: OsString,
        /// `$1 …`.
        args: Vec<OsString>,
    },
    /// Options the real shell answers without running anything (`--version`, `--help`).
    Informational,
}

/// `tako-exec check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckArgs {
    /// Print one JSON object instead of a report.
    pub json: bool,
    /// An extra policy file (`--config FILE`), which may only tighten.
    pub config: Option<std::path::PathBuf>,
    /// What to judge.
    pub target: CheckTarget,
}

/// What `check` judges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckTarget {
    /// `-c TEXT [NAME ARGS…]`.
    Command {
        /// The command text.
        text: OsString,
        /// `$0 $1 …`.
        positional: Vec<OsString>,
    },
    /// `-- PROG ARGS…`.
    Argv(Vec<OsString>),
    /// A script on standard input.
    Stdin,
}

/// `tako-exec config …`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigArgs {
    /// What to do.
    pub action: ConfigAction,
    /// An extra policy file (`--config FILE`), which may only tighten.
    pub config: Option<std::path::PathBuf>,
    /// JSON instead of text (`show`).
    pub json: bool,
}

/// `config` subcommands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigAction {
    /// Validate every layer and report every problem.
    Check,
    /// Print the effective policy with where each entry comes from.
    Show,
}

/// `tako-exec init`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitArgs {
    /// The profile the starter file names.
    pub profile: Option<String>,
    /// Do not ask for confirmation (scripts).
    pub yes: bool,
    /// Replace an existing imprint and key (confirmed at the terminal).
    pub force: bool,
}

/// `tako-exec scan`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanArgs {
    /// One JSON object instead of lines.
    pub json: bool,
    /// Files to scan; none: standard input.
    pub files: Vec<std::path::PathBuf>,
}

/// `tako-exec hook NAME [ARGS…]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookArgs {
    /// Which hook git is running.
    pub name: crate::githooks::HookName,
    /// The arguments git passed to the hook.
    pub args: Vec<OsString>,
}

/// `tako-exec hooks …`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HooksArgs {
    /// What to do.
    pub action: HooksAction,
    /// The hooks to act on (none: all of tako-exec's).
    pub names: Vec<crate::githooks::HookName>,
    /// `install`: replace a hook that cannot be chained; `uninstall`: remove a shim
    /// changed since it was installed.
    pub force: bool,
    /// `status`: one JSON object.
    pub json: bool,
}

/// `hooks` subcommands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HooksAction {
    /// Install the shims (chaining what is there).
    Install,
    /// Restore what was there before.
    Uninstall,
    /// What is installed, intact, and whether anything bypasses it.
    Status,
}

/// The control-plane commands (see [`crate::control`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Control {
    /// `policy accept`: vouch for `.tako/policy.toml` as it is now.
    PolicyAccept,
    /// `approvals [--json]`: the queued requests.
    Approvals {
        /// One JSON object.
        json: bool,
    },
    /// `approve ID` / `deny ID`.
    Decide {
        /// The request.
        id: String,
        /// Approve (else deny).
        approve: bool,
    },
    /// `pause [--reason TEXT]`.
    Pause {
        /// Why.
        reason: String,
    },
    /// `resume`.
    Resume,
    /// `audit verify`.
    AuditVerify,
    /// `audit tail [-n N] [--json]`.
    AuditTail {
        /// How many records.
        n: usize,
        /// JSON lines instead of text.
        json: bool,
    },
    /// `audit show ID [--json]`.
    AuditShow {
        /// The command's id.
        id: String,
        /// JSON lines instead of text.
        json: bool,
    },
}

/// `tako-exec explain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExplainArgs {
    /// A guard code or name.
    pub code: Option<String>,
    /// List the catalog.
    pub list: bool,
}

#[derive(Parser, Debug)]
#[command(
    name = "tako-exec",
    version,
    about = "A drop-in shell for coding agents: parses every command and decides allow / ask / deny.",
    override_usage = "tako-exec [SHELL OPTIONS] -c CMD [NAME [ARGS]...]\n       tako-exec [SHELL OPTIONS] SCRIPT [ARGS]...\n       tako-exec -- PROG [ARGS]...\n       tako-exec <COMMAND>",
    after_help = "As a shell, tako-exec accepts bash's options (-c, -l, -e, -o OPT, --login, …) and passes \
                  them to the real shell ($TAKO_SHELL, else /bin/bash, else /bin/sh).\n\
                  Exit codes: the command's own status when it ran; 125 tako-exec failed; 126 denied; \
                  127 not found; 128+N killed by signal N.\n\
                  `check` exits 0 allow, 1 ask, 126 deny, 125 error."
)]
struct Own {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Subcommand, Debug)]
enum Sub {
    /// Decide on a command without running it.
    Check {
        /// Print one JSON object: {"version":1,"decision":…,"reasons":[…]}.
        #[arg(long)]
        json: bool,
        /// An extra policy file; it may only add asks and denies.
        #[arg(long, value_name = "FILE")]
        config: Option<std::path::PathBuf>,
        /// Shell command text to judge.
        #[arg(short = 'c', value_name = "CMD", allow_hyphen_values = true)]
        command: Option<OsString>,
        /// With -c: NAME and ARGS ($0 $1 …). Without: PROG ARGS, judged as a direct run.
        /// With neither, a script is read from standard input.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, value_name = "ARGS")]
        rest: Vec<OsString>,
    },
    /// Imprint the workspace (.tako/ with the operator key) and write a starter tako.toml.
    Init {
        /// Name a profile in tako.toml: default, strict or ci (permissive is the operator's).
        #[arg(long, value_name = "NAME")]
        profile: Option<String>,
        /// Do not ask for confirmation (for scripts).
        #[arg(long)]
        yes: bool,
        /// Replace an existing imprint and key (asks at the terminal).
        #[arg(long)]
        force: bool,
    },
    /// Operator policy: `accept` vouches for .tako/policy.toml as it is now (at a terminal).
    Policy {
        #[command(subcommand)]
        action: PolicySub,
    },
    /// Report secrets and prompt-injection text in files or standard input.
    Scan {
        /// One JSON object: {"findings":[{"kind","rule","start","end"}]} (byte offsets).
        #[arg(long)]
        json: bool,
        /// Files to scan (none: standard input).
        files: Vec<std::path::PathBuf>,
    },
    /// List the approvals waiting for the operator.
    Approvals {
        /// One JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Approve a waiting request (at a terminal).
    Approve {
        /// The request id (from `tako-exec approvals`).
        id: String,
    },
    /// Deny a waiting request (at a terminal).
    Deny {
        /// The request id.
        id: String,
    },
    /// Stop every command in this workspace until `resume` (at a terminal).
    Pause {
        /// Shown to whoever is stopped.
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Lift a pause (at a terminal).
    Resume,
    /// The audit log: verify the chain, show the latest records or one command's.
    Audit {
        #[command(subcommand)]
        action: AuditSub,
    },
    /// Validate the workspace policy (`check`) or print it with its sources (`show`).
    Config {
        #[command(subcommand)]
        action: ConfigSub,
    },
    /// Run a git hook's checks (the installed hook shims call this).
    Hook {
        /// pre-commit, pre-push or commit-msg.
        #[arg(value_parser = parse_hook_name)]
        name: crate::githooks::HookName,
        /// The hook's arguments, as git passed them.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<OsString>,
    },
    /// Install, uninstall or inspect tako-exec's git hooks.
    Hooks {
        #[command(subcommand)]
        action: HooksSub,
    },
    /// Show a guard's documentation, or the catalog.
    Explain {
        /// Guard code (FS001) or name (delete-critical).
        #[arg(required_unless_present = "list")]
        code: Option<String>,
        /// List every guard.
        #[arg(long, conflicts_with = "code")]
        list: bool,
    },
}

/// `hooks` subcommands.
#[derive(Subcommand, Debug)]
enum HooksSub {
    /// Install the hook shims where git runs hooks (core.hooksPath honoured); an
    /// existing hook is kept and run after tako-exec's checks.
    ///
    /// In an imprinted workspace this accepts the hook files for the operator, so it
    /// runs only at the operator's terminal. Exit status: 0 done, 1 a hook was refused
    /// (the message says why), 125 tako-exec could not work.
    Install {
        /// Replace (and keep aside) a hook that cannot be chained, or a shim edited since
        /// it was installed.
        #[arg(long)]
        force: bool,
        /// Which hooks (default: pre-commit, pre-push, commit-msg).
        #[arg(value_parser = parse_hook_name)]
        names: Vec<crate::githooks::HookName>,
    },
    /// Remove tako-exec's hooks and restore exactly what was there.
    ///
    /// In an imprinted workspace, only at the operator's terminal. Exit status: 0 done
    /// (or nothing was installed), 1 a hook was refused, 125 tako-exec could not work.
    Uninstall {
        /// Also remove a shim changed since it was installed.
        #[arg(long)]
        force: bool,
        /// Which hooks (default: all installed).
        #[arg(value_parser = parse_hook_name)]
        names: Vec<crate::githooks::HookName>,
    },
    /// What is installed, whether it is intact, and whether anything bypasses it.
    ///
    /// Exit status: 0 when every installed hook is intact and nothing bypasses them
    /// (core.hooksPath moved elsewhere or set to /dev/null, a shim not executable), 1
    /// otherwise, 125 when tako-exec could not work.
    Status {
        /// One JSON object.
        #[arg(long)]
        json: bool,
    },
}

fn parse_hook_name(s: &str) -> std::result::Result<crate::githooks::HookName, String> {
    crate::githooks::HookName::parse(s).ok_or_else(|| {
        let names: Vec<&str> = crate::githooks::HookName::ALL.iter().map(|h| h.as_str()).collect();
        format!("unknown hook `{s}` (one of: {})", names.join(", "))
    })
}

/// `policy` subcommands.
#[derive(Subcommand, Debug)]
enum PolicySub {
    /// Vouch for .tako/policy.toml as it is now; until then it is not used.
    Accept,
}

/// `audit` subcommands.
#[derive(Subcommand, Debug)]
enum AuditSub {
    /// Check the whole chain; name the first bad record.
    Verify,
    /// The latest records.
    Tail {
        /// How many.
        #[arg(short = 'n', default_value_t = 10)]
        n: usize,
        /// JSON lines as stored.
        #[arg(long)]
        json: bool,
    },
    /// The records of one command.
    Show {
        /// The command's id.
        id: String,
        /// JSON lines as stored.
        #[arg(long)]
        json: bool,
    },
}

/// `config` subcommands.
#[derive(Subcommand, Debug)]
enum ConfigSub {
    /// Validate every policy layer; report every problem with file:line:column.
    Check {
        /// An extra policy file to validate with the others.
        #[arg(long, value_name = "FILE")]
        config: Option<std::path::PathBuf>,
    },
    /// Print the effective policy, each entry with the file and line it comes from.
    Show {
        /// One JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// An extra policy file to include.
        #[arg(long, value_name = "FILE")]
        config: Option<std::path::PathBuf>,
    },
}

const OWN_WORDS: &[&str] = &[
    "check",
    "config",
    "explain",
    "init",
    "policy",
    "scan",
    "hook",
    "hooks",
    "approvals",
    "approve",
    "deny",
    "pause",
    "resume",
    "audit",
    "help",
    "--help",
    "-h",
    "--version",
    "-V",
];

/// The shell name in `argv[0]`, if tako-exec runs as a shim.
#[must_use]
pub fn shim_name(argv0: &OsStr) -> Option<String> {
    let bytes = argv0.as_bytes();
    let base = bytes.rsplit(|b| *b == b'/').next().unwrap_or(bytes);
    let base = base.strip_prefix(b"-").unwrap_or(base);
    let base = std::str::from_utf8(base).ok()?;
    SHELL_NAMES.contains(&base).then(|| base.to_string())
}

/// Parses the full argv (including `argv[0]`).
///
/// # Errors
/// A usage error, with a message for the operator.
pub fn parse(argv: Vec<OsString>) -> Result<Cli> {
    let mut it = argv.into_iter();
    let argv0 = it.next().unwrap_or_else(|| OsString::from("tako-exec"));
    let args: Vec<OsString> = it.collect();
    let shim = shim_name(&argv0);
    if shim.is_none() {
        if let Some(first) = args.first().and_then(|a| a.to_str()) {
            if first == "--" {
                if args.len() < 2 {
                    return Err(Error::Usage("`tako-exec --` needs a program to run".into()));
                }
                return Ok(Cli::Exec(args[1..].to_vec()));
            }
            if OWN_WORDS.contains(&first) {
                return parse_own(&argv0, args);
            }
        }
    }
    parse_shell(argv0, shim, args).map(Cli::Shell)
}

fn parse_own(argv0: &OsStr, args: Vec<OsString>) -> Result<Cli> {
    let dashdash = args.iter().any(|a| a == "--");
    let full = std::iter::once(argv0.to_os_string()).chain(args);
    let own = match Own::try_parse_from(full) {
        Ok(o) => o,
        Err(e) => {
            use clap::error::ErrorKind;
            return match e.kind() {
                ErrorKind::DisplayHelp
                | ErrorKind::DisplayVersion
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => Ok(Cli::Info(e.render().to_string())),
                _ => Err(Error::Usage(e.render().to_string().trim_end().trim_start_matches("error: ").to_string())),
            };
        }
    };
    Ok(match own.command {
        Sub::Check { json, config, command, rest } => {
            let target = match command {
                Some(text) => CheckTarget::Command { text, positional: rest },
                // `check --jsn -c …` is a typo, not a program named `--jsn`: a program
                // that starts with `-` must come after `--`.
                None if rest.first().is_some_and(|r| r.as_bytes().starts_with(b"-")) && !dashdash => {
                    return Err(Error::Usage(format!(
                        "check: unknown option {:?}; `tako-exec check --help` lists the options",
                        rest[0].to_string_lossy()
                    )));
                }
                None if !rest.is_empty() => CheckTarget::Argv(rest),
                None => CheckTarget::Stdin,
            };
            Cli::Check(CheckArgs { json, config, target })
        }
        Sub::Explain { code, list } => Cli::Explain(ExplainArgs { code, list }),
        Sub::Init { profile, yes, force } => Cli::Init(InitArgs { profile, yes, force }),
        Sub::Policy { action: PolicySub::Accept } => Cli::Control(Control::PolicyAccept),
        Sub::Approvals { json } => Cli::Control(Control::Approvals { json }),
        Sub::Scan { json, files } => Cli::Scan(ScanArgs { json, files }),
        Sub::Hook { name, args } => Cli::Hook(HookArgs { name, args }),
        Sub::Hooks { action } => Cli::Hooks(match action {
            HooksSub::Install { force, names } => HooksArgs { action: HooksAction::Install, names, force, json: false },
            HooksSub::Uninstall { force, names } => {
                HooksArgs { action: HooksAction::Uninstall, names, force, json: false }
            }
            HooksSub::Status { json } => {
                HooksArgs { action: HooksAction::Status, names: Vec::new(), force: false, json }
            }
        }),
        Sub::Approve { id } => Cli::Control(Control::Decide { id, approve: true }),
        Sub::Deny { id } => Cli::Control(Control::Decide { id, approve: false }),
        Sub::Pause { reason } => Cli::Control(Control::Pause { reason }),
        Sub::Resume => Cli::Control(Control::Resume),
        Sub::Audit { action: AuditSub::Verify } => Cli::Control(Control::AuditVerify),
        Sub::Audit { action: AuditSub::Tail { n, json } } => Cli::Control(Control::AuditTail { n, json }),
        Sub::Audit { action: AuditSub::Show { id, json } } => Cli::Control(Control::AuditShow { id, json }),
        Sub::Config { action: ConfigSub::Check { config } } => {
            Cli::Config(ConfigArgs { action: ConfigAction::Check, config, json: false })
        }
        Sub::Config { action: ConfigSub::Show { json, config } } => {
            Cli::Config(ConfigArgs { action: ConfigAction::Show, config, json })
        }
    })
}

/// Options of bash that take the next word as their argument.
fn takes_word(long: &str) -> bool {
    matches!(long, "--rcfile" | "--init-file")
}

/// Parses a shell's argv the way bash does.
///
/// # Errors
/// `-c` without a command text.
pub fn parse_shell(argv0: OsString, shim: Option<String>, args: Vec<OsString>) -> Result<ShellArgs> {
    let mut login = argv0.as_bytes().first() == Some(&b'-');
    let (mut cmd, mut stdin, mut interactive, mut info) = (false, false, false, false);
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_bytes();
        if a == b"--" || a == b"-" {
            i += 1;
            break;
        }
        if a.starts_with(b"--") {
            let long = String::from_utf8_lossy(a);
            match long.as_ref() {
                "--login" => login = true,
                "--version" | "--help" => info = true,
                l if takes_word(l) => i += 1,
                _ => {}
            }
            i += 1;
            continue;
        }
        let (sign, rest) = match a.split_first() {
            Some((b'-', rest)) | Some((b'+', rest)) if !rest.is_empty() => (a[0], rest),
            _ => break,
        };
        for &c in rest {
            match (sign, c) {
                (b'-', b'c') => cmd = true,
                (b'-', b's') => stdin = true,
                (b'-', b'i') => interactive = true,
                (b'-', b'l') => login = true,
                // `-o OPT`, `-O OPT`, `+o OPT`, `+O OPT` consume the next word.
                (_, b'o' | b'O') => i += 1,
                _ => {}
            }
        }
        i += 1;
    }
    let rest: Vec<OsString> = args.get(i..).map(<[OsString]>::to_vec).unwrap_or_default();
    let mode = if cmd {
        let Some((text, positional)) = rest.split_first() else {
            return Err(Error::Usage("-c: option requires an argument".into()));
        };
        ShellMode::Command { text: text.clone(), positional: positional.to_vec() }
    } else if info && rest.is_empty() {
        ShellMode::Informational
    } else if stdin || rest.is_empty() {
        ShellMode::Stdin { args: rest, interactive }
    } else {
        ShellMode::Script { path: rest[0].clone(), args: rest[1..].to_vec() }
    };
    Ok(ShellArgs { argv0, shim, login, args, mode })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    fn shell(v: &[&str]) -> ShellArgs {
        match parse(os(v)).unwrap() {
            Cli::Shell(s) => s,
            other => panic!("not a shell invocation: {other:?}"),
        }
    }

    fn command(v: &[&str]) -> (String, Vec<String>) {
        match shell(v).mode {
            ShellMode::Command { text, positional } => (
                text.to_string_lossy().into_owned(),
                positional.iter().map(|p| p.to_string_lossy().into_owned()).collect(),
            ),
            other => panic!("{v:?}: not -c: {other:?}"),
        }
    }

    #[test]
    fn argv_shapes_agents_use() {
        let table: &[(&[&str], &str, &[&str])] = &[
            (&["tako-exec", "-c", "ls"], "ls", &[]),
            (&["tako-exec", "-lc", "ls"], "ls", &[]),
            (&["tako-exec", "-c", "-l", "ls"], "ls", &[]),
            (&["tako-exec", "-ec", "ls"], "ls", &[]),
            (&["tako-exec", "-eu", "-o", "pipefail", "-c", "ls"], "ls", &[]),
            (&["tako-exec", "-euo", "pipefail", "-c", "ls"], "ls", &[]),
            (&["tako-exec", "--login", "-c", "ls"], "ls", &[]),
            (&["tako-exec", "--norc", "--noprofile", "-c", "ls"], "ls", &[]),
            (&["tako-exec", "--rcfile", "/x", "-c", "ls"], "ls", &[]),
            (&["tako-exec", "+o", "histexpand", "-O", "extglob", "-c", "ls"], "ls", &[]),
            (&["tako-exec", "-c", "echo $1", "name", "a", "b"], "echo $1", &["name", "a", "b"]),
            (&["tako-exec", "-c", "-x", "ls"], "ls", &[]),
            (&["/bin/sh", "-c", "ls"], "ls", &[]),
            (&["bash", "-c", "--", "ls"], "ls", &[]),
            (&["-bash", "-c", "ls"], "ls", &[]),
        ];
        for (argv, text, pos) in table {
            let (t, p) = command(argv);
            assert_eq!(&t, text, "{argv:?}");
            assert_eq!(p, pos.iter().map(|s| (*s).to_string()).collect::<Vec<_>>(), "{argv:?}");
            assert_eq!(shell(argv).args, os(&argv[1..]), "args pass unchanged: {argv:?}");
        }
    }

    #[test]
    fn login_detection() {
        assert!(shell(&["tako-exec", "-lc", "ls"]).login);
        assert!(shell(&["-bash", "-c", "ls"]).login);
        assert!(shell(&["tako-exec", "--login", "-c", "ls"]).login);
        assert!(!shell(&["tako-exec", "-c", "ls"]).login);
    }

    #[test]
    fn stdin_and_scripts() {
        assert_eq!(shell(&["tako-exec"]).mode, ShellMode::Stdin { args: vec![], interactive: false });
        assert_eq!(
            shell(&["tako-exec", "-s", "a", "b"]).mode,
            ShellMode::Stdin { args: os(&["a", "b"]), interactive: false }
        );
        assert_eq!(shell(&["bash", "-i"]).mode, ShellMode::Stdin { args: vec![], interactive: true });
        assert_eq!(
            shell(&["tako-exec", "x.sh", "-c", "y"]).mode,
            ShellMode::Script { path: "x.sh".into(), args: os(&["-c", "y"]) }
        );
        assert_eq!(shell(&["bash", "-e", "--", "x.sh"]).mode, ShellMode::Script { path: "x.sh".into(), args: vec![] });
        assert_eq!(shell(&["bash", "--version"]).mode, ShellMode::Informational);
    }

    #[test]
    fn shims_and_own_name() {
        assert_eq!(shim_name(OsStr::new("/usr/local/bin/bash")).as_deref(), Some("bash"));
        assert_eq!(shim_name(OsStr::new("-zsh")).as_deref(), Some("zsh"));
        assert_eq!(shim_name(OsStr::new("sh")).as_deref(), Some("sh"));
        assert_eq!(shim_name(OsStr::new("/x/tako-exec")), None);
        assert_eq!(shim_name(OsStr::new("bashful")), None);
        // Under a shell's name, `check` is a script name, not a subcommand.
        assert!(matches!(shell(&["bash", "check"]).mode, ShellMode::Script { .. }));
        assert!(matches!(parse(os(&["tako-exec", "check", "-c", "ls"])).unwrap(), Cli::Check(_)));
        assert_eq!(parse(os(&["tako-exec", "--", "rm", "-rf", "x"])).unwrap(), Cli::Exec(os(&["rm", "-rf", "x"])));
        assert!(matches!(parse(os(&["bash", "--", "x.sh"])).unwrap(), Cli::Shell(_)));
    }

    #[test]
    fn check_targets() {
        let check = |v: &[&str]| match parse(os(v)).unwrap() {
            Cli::Check(c) => c,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            check(&["t", "check", "--json", "-c", "ls -la", "n", "a"]).target,
            CheckTarget::Command { text: "ls -la".into(), positional: os(&["n", "a"]) }
        );
        assert!(check(&["t", "check", "--json", "-c", "x"]).json);
        assert_eq!(check(&["t", "check", "--", "rm", "-rf", "/"]).target, CheckTarget::Argv(os(&["rm", "-rf", "/"])));
        assert_eq!(check(&["t", "check"]).target, CheckTarget::Stdin);
        assert_eq!(
            check(&["t", "check", "-c", "-x"]).target,
            CheckTarget::Command { text: "-x".into(), positional: vec![] }
        );
    }

    #[test]
    fn usage_errors() {
        assert!(matches!(parse(os(&["t", "-c"])), Err(Error::Usage(_))));
        assert!(matches!(parse(os(&["t", "--"])), Err(Error::Usage(_))));
        assert!(matches!(parse(os(&["t", "explain", "--bogus"])), Err(Error::Usage(_))));
        assert!(matches!(parse(os(&["t", "check", "--jsn", "-c", "x"])), Err(Error::Usage(_))));
        assert!(matches!(parse(os(&["t", "check", "--", "-x"])), Ok(Cli::Check(_))));
        assert!(matches!(parse(os(&["t", "--help"])), Ok(Cli::Info(_))));
        assert!(matches!(parse(os(&["t", "explain"])), Err(Error::Usage(_))));
    }
}
