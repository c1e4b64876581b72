//! Workspace policy: where it comes from, who may loosen it, and its validation.
//!
//! Sources, in the order they are read:
//! 1. the **profile** (`default`, `strict`, `permissive`, `ci`), built in from
//!    `profiles/*.toml`;
//! 2. the **operator's** files: `$XDG_CONFIG_HOME/tako-exec/config.toml` (else
//!    `~/.config/tako-exec/config.toml`) and `.tako/policy.toml` in the workspace;
//! 3. the **workspace's** `tako.toml`, at the workspace root;
//! 4. an **extra** file named by `TAKO_CONFIG` or `check --config FILE`.
//!
//! Who may do what (the agent can edit `tako.toml` and chooses the environment, so
//! both can only tighten):
//!
//! | source | `ask`/`deny` rules | `allow` rules | profile |
//! |---|---|---|---|
//! | operator | yes | yes: loosen built-in asks, never a deny | any |
//! | workspace, extra | yes | reported and ignored | only a stricter one |
//!
//! Invariants:
//! - Every problem of every file is reported with `file:line:column` and the offending
//!   text; a policy with errors is never used (the caller refuses to run, exit 125).
//! - Nothing here can turn a built-in `deny` into less than `deny`.

pub mod doc;
pub mod grant;
pub mod rule;
mod source;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::context::Context;
use crate::control::Plane;
use crate::policy::Decision;

pub use rule::{Matcher, Rule, Token};
pub use source::parse_file;

/// The profiles built into the binary: (name, TOML text), least strict first.
pub const PROFILES: &[(&str, &str)] = &[
    ("permissive", include_str!("../../profiles/permissive.toml")),
    ("default", include_str!("../../profiles/default.toml")),
    ("strict", include_str!("../../profiles/strict.toml")),
    ("ci", include_str!("../../profiles/ci.toml")),
];

/// The commented starter `tako.toml` of `tako-exec init` (naming `profile` if given).
#[must_use]
pub fn starter(profile: Option<&str>) -> String {
    let profile_line = match profile {
        Some(p) => format!("profile = \"{p}\"\n"),
        None => "# profile = \"strict\"      # default, strict or ci; only the operator may choose permissive\n".into(),
    };
    format!(
        "# tako.toml: this workspace's policy for tako-exec.\n\
         #\n\
         # It is in the repository and an agent can edit it, so it can only TIGHTEN: asks and\n\
         # denies, a stricter profile, protected paths, denied hosts. Anything that would\n\
         # loosen is reported by `tako-exec config check` and ignored. The operator loosens\n\
         # in ~/.config/tako-exec/config.toml or .tako/policy.toml.\n\
         \n\
         {profile_line}\n\
         [permissions]\n\
         # read = \"allow\"         # allow, ask or deny, for every command that ...\n\
         # write = \"allow\"        # ... writes inside the workspace\n\
         # delete = \"allow\"       # ... deletes inside the workspace\n\
         # shell = \"allow\"        # ... runs code given as text (bash -c, python -c)\n\
         # network = \"allow\"      # ... reaches the network\n\
         \n\
         [paths]\n\
         # outside = \"ask\"        # writes and deletes outside the workspace\n\
         # protected = [\"secrets/**\", \"deploy/*.pem\"]   # always at least ask\n\
         \n\
         [egress]\n\
         # deny = [\"*.pastebin.com\"]   # hosts never to reach\n\
         # sends = \"ask\"              # data sent to hosts not on the operator's allow list\n\
         \n\
         # A tool rule: the argv prefix (a glob and alternatives per word) or a regex,\n\
         # with examples that are checked when the file loads.\n\
         #\n\
         # [[rule]]\n\
         # id = \"no-publish\"\n\
         # command = [\"npm|pnpm\", \"publish\"]\n\
         # decision = \"deny\"\n\
         # reason = \"releases go through CI\"\n\
         # context = [\"agent\"]        # optional: interactive, agent, ci\n\
         # match = [\"npm publish\"]\n\
         # not_match = [\"npm pack\"]\n"
    )
}

/// How strict a profile is (its place in [`PROFILES`]); `None` for an unknown name.
#[must_use]
pub fn profile_rank(name: &str) -> Option<usize> {
    PROFILES.iter().position(|(n, _)| *n == name)
}

/// Which kind of file a setting came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// A built-in profile.
    Profile,
    /// The operator's own files.
    Operator,
    /// The workspace's `tako.toml`.
    Workspace,
    /// `TAKO_CONFIG` or `--config`.
    Extra,
}

impl SourceKind {
    /// Whether files of this kind may loosen (allow rules, a laxer profile).
    #[must_use]
    pub const fn may_loosen(self) -> bool {
        matches!(self, Self::Profile | Self::Operator)
    }

    /// The lowercase name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Profile => "profile",
            Self::Operator => "operator",
            Self::Workspace => "workspace",
            Self::Extra => "extra",
        }
    }
}

/// Where a setting was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// The kind of file.
    pub kind: SourceKind,
    /// The file, as shown (`profile:strict` for a built-in profile): shared by every
    /// origin in it, so that a setting's origin costs no allocation.
    pub file: std::sync::Arc<str>,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub col: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// Who is asking for a command to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Who {
    /// A person at a terminal.
    Interactive,
    /// An agent: no terminal, or a known agent's environment.
    Agent,
    /// A CI job (`CI` is set).
    Ci,
}

impl Who {
    /// Every context, in index order.
    pub const ALL: [Self; 3] = [Self::Interactive, Self::Agent, Self::Ci];

    /// Its place in [`Who::ALL`].
    #[must_use]
    pub const fn index(self) -> usize {
        self as usize
    }

    /// Parses `interactive`, `agent`, `ci`.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "interactive" => Some(Self::Interactive),
            "agent" => Some(Self::Agent),
            "ci" => Some(Self::Ci),
            _ => None,
        }
    }

    /// The lowercase name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Interactive => "interactive",
            Self::Agent => "agent",
            Self::Ci => "ci",
        }
    }

    /// Who is asking, from the environment and whether a terminal is present.
    #[must_use]
    pub fn detect(env: impl Fn(&str) -> Option<String>, terminal: bool) -> Self {
        let set = |k: &str| env(k).is_some_and(|v| !v.is_empty() && v != "0" && v != "false");
        if set("CI") {
            return Self::Ci;
        }
        // Variables coding agents set in the environment of the commands they run.
        const AGENT_VARS: &[&str] = &["CLAUDECODE", "CODEX_SANDBOX", "GEMINI_CLI", "AIDER_MODEL", "CURSOR_AGENT"];
        if !terminal || AGENT_VARS.iter().any(|k| set(k)) {
            return Self::Agent;
        }
        Self::Interactive
    }
}

/// One problem in a policy file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Where.
    pub origin: Origin,
    /// The offending text.
    pub text: String,
    /// What is wrong, in one lowercase sentence.
    pub message: String,
    /// An error makes the policy unusable; a warning is a setting ignored on purpose
    /// (a loosening from a file that may only tighten).
    pub error: bool,
}

impl Diagnostic {
    /// A setting ignored on purpose (a loosening from a file that may only tighten).
    #[must_use]
    pub fn ignored(origin: Origin, text: impl Into<String>, message: impl Into<String>) -> Self {
        Self { origin, text: text.into(), message: message.into(), error: false }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.error { "error" } else { "ignored" };
        write!(f, "{}: {kind}: {}", self.origin, self.message)?;
        if !self.text.is_empty() {
            write!(f, " (`{}`)", self.text)?;
        }
        Ok(())
    }
}

/// A policy file read from disk or built in.
#[derive(Debug, Clone)]
pub struct File {
    /// Its kind.
    pub kind: SourceKind,
    /// Its name as shown.
    pub name: String,
    /// Its text.
    pub text: String,
    /// Whether its rules' examples are run through the analyzer (see [`load`]: skipped
    /// for text already validated).
    pub check_examples: bool,
    /// The operator key that signed its remembered grants (operator files in an
    /// imprinted workspace); a grant that does not verify with it is ignored.
    pub signer: Option<crate::control::Key>,
}

impl File {
    /// A file whose examples are checked.
    #[must_use]
    pub fn new(kind: SourceKind, name: impl Into<String>, text: impl Into<String>) -> Self {
        Self { kind, name: name.into(), text: text.into(), check_examples: true, signer: None }
    }
}

/// The settings one file makes, validated.
#[derive(Debug, Clone, Default)]
pub struct Layer {
    /// `profile = …`, with where it was set.
    pub profile: Option<(String, Origin)>,
    /// `asks_are_denied = true` (the `ci` profile).
    pub asks_are_denied: Option<(bool, Origin)>,
    /// Its rules, in file order.
    pub rules: Vec<Rule>,
    /// `[permissions]` entries.
    pub permissions: Vec<(Perm, Option<Who>, Decision, Origin)>,
    /// `[paths] outside = …`.
    pub outside: Option<(Decision, Origin)>,
    /// `[paths] allowed_roots`, as written.
    pub allowed_roots: Vec<(String, Origin)>,
    /// `[paths] protected`, as written.
    pub protected: Vec<(String, Origin)>,
    /// `[egress] allow`.
    pub egress_allow: Vec<(String, Origin)>,
    /// `[egress] deny`.
    pub egress_deny: Vec<(String, Origin)>,
    /// `[egress] sends = …`: data sent to a host not on the allow list.
    pub egress_sends: Option<(Decision, Origin)>,
    /// `[control]` numbers.
    pub limits: Vec<(Limit, u64, Origin)>,
    /// `[control] audit_fsync = true`.
    pub audit_fsync: Option<(bool, Origin)>,
    /// `[filters] secrets` / `injection`, per stream.
    pub filter_modes: Vec<(OutStream, crate::filter::Kind, crate::filter::relay::Mode, Origin)>,
    /// `[filters.families]`: stream, family slot, mode.
    pub family_modes: Vec<(OutStream, usize, crate::filter::relay::Mode, Origin)>,
    /// `[filters] timeout`.
    pub timeout: Option<(u64, Origin)>,
    /// `[filters] output_cap`.
    pub output_cap: Option<(u64, Origin)>,
    /// `[env] scrub`.
    pub env_scrub: Vec<(String, Origin)>,
    /// `[env] allow`: program, variable patterns.
    pub env_allow: Vec<(String, Vec<String>, Origin)>,
    /// `[hooks] protected_branches`.
    pub protected_branches: Option<Vec<(String, Origin)>>,
    /// `[hooks] protected_files`.
    pub protected_files: Option<Vec<(String, Origin)>>,
    /// `[[hooks.allow]]` entries.
    pub hook_allow: Vec<HookAllow>,
}

/// What the git hooks check (`[hooks]`), merged.
#[derive(Debug, Clone)]
pub struct Hooks {
    /// Branch name patterns (`*` within a component, `**` across) that pre-push keeps
    /// from deletion and non-fast-forward updates.
    pub protected_branches: Vec<(String, Option<Origin>)>,
    /// Path globs (from the top of the working tree) whose staged changes pre-commit
    /// refuses.
    pub protected_files: Vec<(String, Option<Origin>)>,
    /// Accepted findings.
    pub allow: Vec<HookAllow>,
}

impl Default for Hooks {
    fn default() -> Self {
        Self {
            protected_branches: ["main", "master", "release/*"].iter().map(|b| ((*b).to_string(), None)).collect(),
            protected_files: Vec::new(),
            allow: Vec::new(),
        }
    }
}

/// One `[[hooks.allow]]` entry: findings it accepts (every field given must match).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookAllow {
    /// A path glob.
    pub path: Option<String>,
    /// A rule id.
    pub rule: Option<String>,
    /// A finding's fingerprint (as the hook prints it).
    pub fingerprint: Option<String>,
    /// Why it is accepted.
    pub reason: String,
    /// Where it is written.
    pub origin: Origin,
    /// Whether it comes from a file that may loosen (the operator's): entries of files
    /// that may only tighten count only where no operator imprinted the workspace.
    pub operator: bool,
}

/// An output stream of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutStream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

impl OutStream {
    /// Both.
    pub const ALL: [Self; 2] = [Self::Stdout, Self::Stderr];

    /// Its name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Stdout => "stdout",
            Self::Stderr => "stderr",
        }
    }

    const fn index(self) -> usize {
        self as usize
    }
}

/// Output filters, limits and the environment's scrubbing, merged.
#[derive(Debug, Clone)]
pub struct Filters {
    /// Mode by stream, then kind (secret, injection), with where it was set.
    pub modes: [[(crate::filter::relay::Mode, Option<Origin>); 2]; 2],
    /// Mode by stream, then rule family (by [`crate::filter::family_slot`]), where one
    /// is set apart from its kind (`[filters.families]`).
    pub families: [Vec<Option<(crate::filter::relay::Mode, Origin)>>; 2],
    /// Seconds a command may run (0: no limit).
    pub timeout: (u64, Option<Origin>),
    /// Bytes of output per stream (0: no cap).
    pub output_cap: (u64, Option<Origin>),
    /// Variable name patterns removed from commands' environments.
    pub scrub: Vec<(String, Option<Origin>)>,
    /// Programs allowed variables matching patterns, from the operator's files.
    pub allow: Vec<(String, Vec<String>, Option<Origin>)>,
}

impl Default for Filters {
    fn default() -> Self {
        let off = (crate::filter::relay::Mode::Off, None);
        Self {
            modes: [[off.clone(), off.clone()], [off.clone(), off]],
            families: [vec![None; crate::filter::FAMILY_SLOTS], vec![None; crate::filter::FAMILY_SLOTS]],
            timeout: (0, None),
            output_cap: (0, None),
            scrub: Vec::new(),
            allow: Vec::new(),
        }
    }
}

impl Filters {
    /// The modes of a stream.
    #[must_use]
    pub fn modes(&self, s: OutStream) -> crate::filter::relay::Modes {
        let m = &self.modes[s.index()];
        let mut modes = crate::filter::relay::Modes::new(m[0].0, m[1].0);
        for (slot, set) in modes.families.iter_mut().zip(&self.families[s.index()]) {
            *slot = set.as_ref().map(|(m, _)| *m);
        }
        modes
    }

    /// Whether the variable `name` is scrubbed from a command that runs `programs`.
    #[must_use]
    pub fn scrubs<'a>(&self, name: &str, mut programs: impl Iterator<Item = &'a str>) -> bool {
        self.scrub.iter().any(|(p, _)| wildcard(p, name))
            && !programs.any(|prog| {
                self.allow.iter().any(|(ap, vars, _)| wildcard(ap, prog) && vars.iter().any(|v| wildcard(v, name)))
            })
    }

    /// The names among `names` that some `scrub` pattern matches (before the programs
    /// allowed them are considered: see [`Filters::scrubs`]). The patterns are taken
    /// apart once for the whole environment.
    pub fn scrubbed<'n>(&self, names: impl Iterator<Item = &'n str>) -> Vec<&'n str> {
        let patterns: Vec<Wildcard<'_>> = self.scrub.iter().map(|(p, _)| Wildcard::new(p)).collect();
        names.filter(|n| patterns.iter().any(|p| p.matches(n))).collect()
    }
}

/// A pattern where `*` matches any run of characters, taken apart for matching.
#[derive(Debug, Clone, Copy)]
struct Wildcard<'p> {
    pattern: &'p str,
    /// The text before the first `*`, and after it when it is the only one; `None`
    /// without a `*`.
    affixes: Option<(&'p str, Option<&'p str>)>,
}

impl<'p> Wildcard<'p> {
    fn new(pattern: &'p str) -> Self {
        let affixes = pattern.split_once('*').map(|(head, tail)| (head, (!tail.contains('*')).then_some(tail)));
        Self { pattern, affixes }
    }

    /// The usual shapes (`NAME`, `*_TOKEN`, `AWS_*`) are a comparison; others a scan.
    fn matches(&self, text: &str) -> bool {
        match self.affixes {
            None => self.pattern == text,
            Some((head, Some(tail))) => {
                text.len() >= head.len() + tail.len() && text.starts_with(head) && text.ends_with(tail)
            }
            Some((head, None)) => text.starts_with(head) && wildcard_scan(self.pattern, text),
        }
    }
}

/// Whether `text` matches `pattern`, where `*` matches any run of characters.
#[must_use]
pub fn wildcard(pattern: &str, text: &str) -> bool {
    Wildcard::new(pattern).matches(text)
}

/// [`wildcard`] by a scan that backtracks to the last `*`, for any pattern.
fn wildcard_scan(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|b| *b == b'*')
}

/// A number in `[control]`: smaller is stricter, so a file that may only tighten may
/// lower it and never raise it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    /// Seconds a queued approval (no terminal) waits for the operator; 0 denies at once.
    ApprovalWait,
    /// Queued approvals a workspace may hold; more are denied at once.
    MaxPending,
    /// Seconds the operator has to answer a prompt on the terminal.
    PromptTimeout,
    /// Commands per minute before the budget denies.
    PerMinute,
    /// Commands per hour before the budget denies.
    PerHour,
}

impl Limit {
    /// Every limit.
    pub const ALL: [Self; 5] =
        [Self::ApprovalWait, Self::MaxPending, Self::PromptTimeout, Self::PerMinute, Self::PerHour];

    /// Its key in `[control]`.
    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            Self::ApprovalWait => "approval_wait",
            Self::MaxPending => "max_pending",
            Self::PromptTimeout => "prompt_timeout",
            Self::PerMinute => "commands_per_minute",
            Self::PerHour => "commands_per_hour",
        }
    }

    /// The built-in value (before any profile).
    #[must_use]
    pub const fn default_value(self) -> u64 {
        match self {
            Self::ApprovalWait => 120,
            Self::MaxPending => 8,
            Self::PromptTimeout => 60,
            Self::PerMinute => 600,
            Self::PerHour => 12_000,
        }
    }

    /// The largest value accepted (a day for times, a bound that keeps arithmetic safe).
    #[must_use]
    pub const fn max(self) -> u64 {
        match self {
            Self::ApprovalWait | Self::PromptTimeout => 86_400,
            Self::MaxPending => 1_000,
            Self::PerMinute | Self::PerHour => 1_000_000_000,
        }
    }

    /// Its index in [`Policy::limits`].
    #[must_use]
    pub const fn index(self) -> usize {
        self as usize
    }
}

/// A kind of effect a command has, each with a decision in `[permissions]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Perm {
    /// Reading files.
    Read,
    /// Writing files inside the workspace and the allowed roots.
    Write,
    /// Deleting inside the workspace and the allowed roots.
    Delete,
    /// Running code given as text to a shell or an interpreter (`bash -c`, `python -c`).
    Shell,
    /// Reaching the network.
    Network,
}

impl Perm {
    /// Every permission, in table order.
    pub const ALL: [Self; 5] = [Self::Read, Self::Write, Self::Delete, Self::Shell, Self::Network];

    /// Its place in [`Perm::ALL`].
    #[must_use]
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The key in `[permissions]`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
            Self::Delete => "delete",
            Self::Shell => "shell",
            Self::Network => "network",
        }
    }
}

/// A decision with where it was set (`None`: built in).
pub type Setting = (Decision, Option<Origin>);

/// The permissions in force.
#[derive(Debug, Clone)]
pub struct Permissions {
    /// One setting per [`Perm`], in [`Perm::ALL`] order.
    pub by_kind: [Setting; 5],
    /// Settings for one context (`shell = { agent = "ask" }`), by [`Who::ALL`] then
    /// [`Perm::ALL`] order; `None` falls back to `by_kind`.
    pub scoped: [[Option<Setting>; 5]; 3],
    /// Writes and deletes outside the workspace and the allowed roots.
    pub outside: Setting,
}

impl Default for Permissions {
    fn default() -> Self {
        Self {
            by_kind: std::array::from_fn(|_| (Decision::Allow, None)),
            scoped: Default::default(),
            outside: (Decision::Allow, None),
        }
    }
}

impl Permissions {
    /// The setting for `p` when `who` is asking.
    #[must_use]
    pub fn get(&self, p: Perm, who: Who) -> &Setting {
        let k = p.index();
        self.scoped[who.index()][k].as_ref().unwrap_or(&self.by_kind[k])
    }

    /// Whether any setting depends on who is asking.
    #[must_use]
    pub fn scoped(&self) -> bool {
        self.scoped.iter().flatten().any(Option::is_some)
    }
}

/// Paths whose writes and deletes are always at least asked, whatever the files say:
/// tako-exec's own state and configuration, the repository's machinery, credentials,
/// shell start-up files and the system. Patterns: `~/` is the home, a relative
/// pattern is relative to the workspace root.
pub const BUILTIN_PROTECTED: &[&str] = &[
    ".git/**",
    ".tako/**",
    "tako.toml",
    "~/.config/tako-exec/**",
    "~/.ssh/**",
    "~/.aws/**",
    "~/.gnupg/**",
    "~/.kube/**",
    "~/.docker/config.json",
    "~/.netrc",
    "~/.bashrc",
    "~/.bash_profile",
    "~/.bash_login",
    "~/.profile",
    "~/.zshrc",
    "~/.zshenv",
    "~/.zprofile",
    "~/.config/fish/**",
    "/etc/**",
    "/usr/**",
    "/boot/**",
    "/dev/**",
    "/proc/**",
    "/sys/**",
];

/// A protected path pattern, made absolute for a workspace and home.
#[derive(Debug, Clone)]
pub struct Protected {
    /// As written.
    pub pattern: String,
    /// Where it was set (`None`: built in).
    pub origin: Option<Origin>,
    how: PathMatch,
}

/// How a protected pattern matches. Plain paths and `dir/**` (every built-in pattern)
/// compare components directly; only patterns with other glob syntax compile a glob,
/// which costs more than a whole decision.
#[derive(Debug, Clone)]
enum PathMatch {
    /// This path.
    Exact(PathBuf),
    /// This directory and everything in it.
    Under(PathBuf),
    /// A glob (`*` does not cross `/`, `**` does).
    Glob(globset::GlobMatcher),
}

impl Protected {
    /// Makes `pattern` absolute for `ctx`'s workspace and home, and compiles it.
    ///
    /// # Errors
    /// When it is not a valid glob.
    pub fn new(pattern: &str, origin: Option<Origin>, ctx: &Context) -> Result<Self, String> {
        let abs = absolute_pattern(pattern, ctx);
        let is_glob = |s: &str| s.contains(['*', '?', '[', ']', '{', '}', '\\']);
        // Most patterns are already normal (every built-in one): skip the work then.
        let norm = |p: &str| {
            let dots = p.split('/').any(|c| c == "." || c == "..");
            if dots || p.contains("//") || (p.len() > 1 && p.ends_with('/')) {
                crate::context::normalize(Path::new(p))
            } else {
                PathBuf::from(p)
            }
        };
        let how = match abs.strip_suffix("/**") {
            Some(dir) if !is_glob(dir) => PathMatch::Under(norm(dir)),
            _ if !is_glob(&abs) => PathMatch::Exact(norm(&abs)),
            _ => PathMatch::Glob(
                globset::GlobBuilder::new(&abs)
                    .literal_separator(true)
                    .build()
                    .map_err(|e| format!("bad path pattern `{pattern}`: {}", e.kind()))?
                    .compile_matcher(),
            ),
        };
        Ok(Self { pattern: pattern.to_string(), origin, how })
    }

    /// Whether `path` (absolute, normalised) is protected by this pattern.
    #[must_use]
    pub fn matches(&self, path: &Path) -> bool {
        // Paths here are absolute and normalised: compare bytes, not components.
        match &self.how {
            PathMatch::Exact(p) => path.as_os_str() == p.as_os_str(),
            PathMatch::Under(d) => within(path, d),
            PathMatch::Glob(g) => g.is_match(path),
        }
    }
}

/// Whether the normalised absolute path `p` is `dir` or inside it (byte-wise: `/a/bc`
/// is not inside `/a/b`).
fn within(p: &Path, dir: &Path) -> bool {
    let (p, d) = (p.as_os_str().as_encoded_bytes(), dir.as_os_str().as_encoded_bytes());
    p.starts_with(d) && (p.len() == d.len() || p[d.len()] == b'/' || d.ends_with(b"/"))
}

/// A path pattern made absolute: `~/x` under the home, `x` under the workspace.
fn absolute_pattern(pattern: &str, ctx: &Context) -> String {
    if let Some(rest) = pattern.strip_prefix("~/") {
        format!("{}/{rest}", ctx.home.display())
    } else if pattern.starts_with('/') {
        pattern.to_string()
    } else {
        format!("{}/{}", ctx.workspace.display(), pattern.trim_start_matches("./"))
    }
}

/// The effective policy: every layer merged.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The profile in force, and where it was chosen (`None`: the default).
    pub profile: String,
    /// Where the profile was chosen.
    pub profile_origin: Option<Origin>,
    /// Every `ask` becomes a `deny` (no one will answer: the `ci` profile).
    pub asks_are_denied: bool,
    /// Rules of every layer: profile, operator, workspace, extra.
    pub rules: Vec<Rule>,
    /// `[permissions]` and `[paths] outside`, merged.
    pub permissions: Permissions,
    /// Directories counted as inside the boundary besides the workspace (the
    /// operator's `[paths] allowed_roots`), absolute.
    pub allowed_roots: Vec<(PathBuf, Origin)>,
    /// Protected paths: the built-in ones, then those of the files.
    pub protected: Vec<Protected>,
    /// Hosts data may be sent to without asking (`[egress] allow`, operator only).
    pub egress_allow: Vec<(String, Origin)>,
    /// Hosts never to reach (`[egress] deny`, any file).
    pub egress_deny: Vec<(String, Origin)>,
    /// Data sent to a host not on the allow list (`[egress] sends`).
    pub egress_sends: Setting,
    /// `[control]` numbers with where each was set (`None`: built in), by [`Limit::index`].
    pub limits: [(u64, Option<Origin>); 5],
    /// Sync the audit log to disk after every record (`[control] audit_fsync`).
    pub audit_fsync: (bool, Option<Origin>),
    /// `[filters]` and `[env]`.
    pub filters: Filters,
    /// `[hooks]`: what the git hooks check.
    pub hooks: Hooks,
    /// The workspace and the allowed roots with their symbolic links resolved,
    /// computed when first needed.
    real_bounds: std::sync::OnceLock<Vec<PathBuf>>,
    /// Settings ignored on purpose (loosening from a file that may only tighten).
    pub warnings: Vec<Diagnostic>,
    /// The files read.
    pub files: Vec<String>,
}

impl Default for Policy {
    fn default() -> Self {
        Self::empty()
    }
}

impl Policy {
    /// The value of a `[control]` number.
    #[must_use]
    pub const fn limit(&self, l: Limit) -> u64 {
        self.limits[l.index()].0
    }

    /// No profile at all: the guard catalog alone. The library's default (tests,
    /// benchmarks); the binary always loads a profile ([`load`]).
    #[must_use]
    pub fn empty() -> Self {
        Self {
            profile: "default".into(),
            profile_origin: None,
            asks_are_denied: false,
            rules: Vec::new(),
            permissions: Permissions::default(),
            allowed_roots: Vec::new(),
            protected: Vec::new(),
            egress_allow: Vec::new(),
            egress_deny: Vec::new(),
            egress_sends: (Decision::Allow, None),
            limits: Limit::ALL.map(|l| (l.default_value(), None)),
            audit_fsync: (false, None),
            filters: Filters::default(),
            hooks: Hooks::default(),
            real_bounds: std::sync::OnceLock::new(),
            warnings: Vec::new(),
            files: Vec::new(),
        }
    }

    /// Whether `path` is inside the workspace or an allowed root, as written or with
    /// their symbolic links resolved (a workspace under `/tmp -> /private/tmp`).
    #[must_use]
    pub fn in_bounds(&self, path: &Path, ctx: &Context) -> bool {
        if within(path, &ctx.workspace) || self.allowed_roots.iter().any(|(r, _)| within(path, r)) {
            return true;
        }
        let real = self.real_bounds.get_or_init(|| {
            let roots =
                std::iter::once(ctx.workspace.as_path()).chain(self.allowed_roots.iter().map(|(r, _)| r.as_path()));
            roots.map(crate::paths::canonical_prefix).collect()
        });
        real.iter().any(|r| within(path, r))
    }

    /// The first protected pattern `path` falls under.
    #[must_use]
    pub fn protected(&self, path: &Path) -> Option<&Protected> {
        self.protected.iter().find(|p| p.matches(path))
    }
}

/// The policy files that apply in `ctx`: operator files, `tako.toml`, and the `extra`
/// files (`--config`, `TAKO_CONFIG`).
#[must_use]
pub fn discover(ctx: &Context, extra: &[PathBuf]) -> Vec<(SourceKind, PathBuf)> {
    let config_home = ctx
        .var("XDG_CONFIG_HOME")
        .filter(|p| p.starts_with('/'))
        .map_or_else(|| ctx.home.join(".config"), PathBuf::from);
    let mut out = vec![
        (SourceKind::Operator, config_home.join("tako-exec/config.toml")),
        (SourceKind::Operator, ctx.workspace.join(".tako/policy.toml")),
        (SourceKind::Workspace, ctx.workspace.join("tako.toml")),
    ];
    out.extend(extra.iter().map(|e| (SourceKind::Extra, ctx.cwd.join(e))));
    out
}

/// Reads the files that exist. A file that exists but cannot be read is an error (fail
/// closed); a missing optional file is skipped, a missing extra file is an error.
///
/// # Errors
/// The diagnostics of the files that could not be read.
pub fn read_files(paths: &[(SourceKind, PathBuf)]) -> Result<Vec<File>, Vec<Diagnostic>> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for (kind, p) in paths {
        let name = p.display().to_string();
        match std::fs::read_to_string(p) {
            Ok(text) => files.push(File::new(*kind, name, text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && *kind != SourceKind::Extra => {}
            Err(e) => errors.push(Diagnostic {
                origin: Origin { kind: *kind, file: name.into(), line: 1, col: 1 },
                text: String::new(),
                message: format!("cannot read the file: {e}"),
                error: true,
            }),
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}

/// Loads the policy for `ctx`: discovers, reads, validates and merges.
///
/// Running every rule's examples through the analyzer costs about 50 µs per example,
/// too much for every command of an agent; so a file's examples are checked the first
/// time its exact text loads, and a marker named by the SHA-256 of the text (and of
/// tako-exec's version) in `~/.cache/tako-exec/validated/` skips them afterwards.
/// Everything else is validated on every load. The marker only skips examples, which
/// document a rule and never change what it matches, so a forged one cannot loosen
/// anything; `config check` always runs them.
///
/// # Errors
/// Every error found (a policy with errors is never used).
pub fn load(ctx: &Context, extra: &[PathBuf], plane: Option<&Plane>) -> Result<Policy, Vec<Diagnostic>> {
    let (mut files, refused) = vouched(read_files(&discover(ctx, extra))?, ctx, plane);
    let cache = validated_dir(ctx);
    for f in &mut files {
        f.check_examples = !cache.join(validated_name(f)).exists();
    }
    let mut policy = build(&files, ctx)?;
    policy.warnings.splice(0..0, refused);
    remember_validated(ctx, &files);
    Ok(policy)
}

/// The name under which the operator accepts the workspace's `.tako/policy.toml`.
pub const OPERATOR_POLICY: &str = ".tako/policy.toml";

/// Keeps the files that may be used: `.tako/policy.toml` only while the operator
/// accepted its exact content (see [`crate::control::accept`]); the others as they
/// are. Operator files get the key their grants are verified with. The refusals are
/// returned as warnings, shown on every run.
pub fn vouched(files: Vec<File>, ctx: &Context, plane: Option<&Plane>) -> (Vec<File>, Vec<Diagnostic>) {
    let own = ctx.workspace.join(OPERATOR_POLICY).display().to_string();
    let mut kept = Vec::with_capacity(files.len());
    let mut refused = Vec::new();
    for mut f in files {
        if f.kind == SourceKind::Operator {
            f.signer = plane.map(|p| p.key().clone());
        }
        if f.kind == SourceKind::Operator && f.name == own {
            let verdict = plane.map(|p| crate::control::accept::verdict(p, OPERATOR_POLICY, f.text.as_bytes()));
            if verdict != Some(crate::control::accept::Verdict::Accepted) {
                let message = match verdict {
                    Some(v) => v.explain("this file", "tako-exec policy accept"),
                    None => "this file is used only in a workspace the operator imprinted and once accepted: run `tako-exec init`, then `tako-exec policy accept`, at a terminal".into(),
                };
                let origin = Origin { kind: f.kind, file: f.name.as_str().into(), line: 1, col: 1 };
                refused.push(Diagnostic::ignored(origin, String::new(), message));
                continue;
            }
        }
        kept.push(f);
    }
    (kept, refused)
}

/// Records that `files` validated (best effort: a cache that cannot be written only
/// means the examples run again next time).
pub fn remember_validated(ctx: &Context, files: &[File]) {
    let dir = validated_dir(ctx);
    for f in files.iter().filter(|f| f.check_examples) {
        if std::fs::create_dir_all(&dir).is_ok() {
            let _ = std::fs::write(dir.join(validated_name(f)), b"");
        }
    }
}

fn validated_dir(ctx: &Context) -> PathBuf {
    cache_home(ctx).join("tako-exec/validated")
}

/// `$XDG_CACHE_HOME`, else `~/.cache`.
#[must_use]
pub fn cache_home(ctx: &Context) -> PathBuf {
    ctx.var("XDG_CACHE_HOME").filter(|p| p.starts_with('/')).map_or_else(|| ctx.home.join(".cache"), PathBuf::from)
}

fn validated_name(f: &File) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [env!("CARGO_PKG_VERSION"), f.kind.as_str(), &f.name, &f.text] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Validates `files` (in layer order) and merges them over their profile.
///
/// # Errors
/// Every error of every file.
pub fn build(files: &[File], ctx: &Context) -> Result<Policy, Vec<Diagnostic>> {
    let mut layers = Vec::new();
    let mut diags = Vec::new();
    for f in files {
        let (layer, d) = parse_file(f, ctx);
        diags.extend(d);
        layers.push((f.kind, layer));
    }
    // The profile: the operator's choice (else `default`). A profile named by a file
    // that may only tighten is laid over it like that file (its rules add asks and
    // denies, its settings only tighten), since no profile is a superset of another
    // (`ci` has none of `strict`'s rules); one laxer than the operator's is ignored.
    let mut profile = ("default".to_string(), None::<Origin>);
    for (kind, layer) in &layers {
        let Some((name, origin)) = &layer.profile else { continue };
        if kind.may_loosen() {
            profile = (name.clone(), Some(origin.clone()));
        }
    }
    let mut overlays = Vec::new();
    for (kind, layer) in &layers {
        let Some((name, origin)) = &layer.profile else { continue };
        if kind.may_loosen() || *name == profile.0 {
            continue;
        }
        let (Some(new), Some(cur)) = (profile_rank(name), profile_rank(&profile.0)) else { continue };
        if new > cur {
            overlays.push((*kind, name.clone(), origin.clone()));
        } else {
            diags.push(Diagnostic::ignored(
                origin.clone(),
                format!("profile = \"{name}\""),
                format!(
                    "a {} file may only choose a stricter profile than `{}`; only the operator's files loosen",
                    kind.as_str(),
                    profile.0
                ),
            ));
        }
    }
    for (kind, name, origin) in overlays.iter().rev() {
        let text = PROFILES.iter().find(|(n, _)| n == name).map_or("", |(_, t)| t);
        let mut f = File::new(SourceKind::Profile, format!("profile:{name}"), text);
        f.check_examples = false;
        let (mut overlay, d) = parse_file(&f, ctx);
        diags.extend(d);
        // Laid over as the naming file: what would loosen is left out, not reported
        // (the file did not write it).
        overlay.rules.retain(|r| r.decision != Decision::Allow);
        overlay.egress_allow.clear();
        overlay.allowed_roots.clear();
        overlay.permissions.retain(|(_, _, d, _)| *d != Decision::Allow);
        overlay.egress_sends = overlay.egress_sends.filter(|(d, _)| *d != Decision::Allow);
        overlay.outside = overlay.outside.filter(|(d, _)| *d != Decision::Allow);
        overlay.asks_are_denied = overlay.asks_are_denied.filter(|(b, _)| *b);
        overlay.profile = None;
        let at = layers.iter().position(|(k, l)| k == kind && l.profile.as_ref().is_some_and(|(n, _)| n == name));
        layers.insert(at.unwrap_or(layers.len()), (*kind, overlay));
        profile.0 = format!("{} + {name}", profile.0);
        if profile.1.is_none() {
            profile.1 = Some(origin.clone());
        }
    }
    let base = profile.0.split(" + ").next().unwrap_or("default").to_string();
    let mut policy = merge(&base, layers, diags, ctx)?;
    policy.profile.clone_from(&profile.0);
    policy.profile_origin = profile.1;
    policy.files = files.iter().map(|f| f.name.clone()).collect();
    Ok(policy)
}

/// Sets `slot` to `d` when the source may loosen or `d` is at least as strict;
/// otherwise reports the setting as ignored.
fn set_tighter(
    slot: &mut Setting,
    d: Decision,
    origin: Origin,
    kind: SourceKind,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) {
    if kind.may_loosen() || d >= slot.0 {
        *slot = (d, Some(origin));
    } else {
        diags.push(Diagnostic::ignored(
            origin,
            text.to_string(),
            format!(
                "a {} file may only tighten (it is `{}` already); only the operator's files loosen",
                kind.as_str(),
                slot.0
            ),
        ));
    }
}

/// Merges the profile `name` and the file layers; loosening from files that may only
/// tighten becomes a warning and is dropped.
fn merge(
    name: &str,
    layers: Vec<(SourceKind, Layer)>,
    mut diags: Vec<Diagnostic>,
    ctx: &Context,
) -> Result<Policy, Vec<Diagnostic>> {
    let text = PROFILES.iter().find(|(n, _)| *n == name).map_or("", |(_, t)| t);
    // Built-in profiles' examples are checked by the test suite, not on every load.
    let mut profile_file = File::new(SourceKind::Profile, format!("profile:{name}"), text);
    profile_file.check_examples = false;
    let (base, d) = parse_file(&profile_file, ctx);
    diags.extend(d);
    let mut policy = Policy::empty();
    policy.profile = name.to_string();
    for p in BUILTIN_PROTECTED {
        if let Ok(p) = Protected::new(p, None, ctx) {
            policy.protected.push(p);
        }
    }
    for (kind, layer) in std::iter::once((SourceKind::Profile, base)).chain(layers) {
        for (perm, who, d, origin) in layer.permissions {
            let k = perm.index();
            let perms = &mut policy.permissions;
            match who {
                None => {
                    let text = format!("{} = \"{d}\"", perm.as_str());
                    set_tighter(&mut perms.by_kind[k], d, origin.clone(), kind, &text, &mut diags);
                    // A tightening also raises what a context was given below it (a
                    // context's own setting stays more specific when the operator sets
                    // the general one).
                    if !kind.may_loosen() {
                        for slot in perms.scoped.iter_mut().filter_map(|w| w[k].as_mut()) {
                            if slot.0 < d {
                                *slot = (d, Some(origin.clone()));
                            }
                        }
                    }
                }
                Some(w) => {
                    let mut slot = perms.get(perm, w).clone();
                    let text = format!("{} = {{ {} = \"{d}\" }}", perm.as_str(), w.as_str());
                    set_tighter(&mut slot, d, origin, kind, &text, &mut diags);
                    perms.scoped[w.index()][k] = Some(slot);
                }
            }
        }
        if let Some((d, origin)) = layer.outside {
            set_tighter(&mut policy.permissions.outside, d, origin, kind, &format!("outside = \"{d}\""), &mut diags);
        }
        for (root, origin) in layer.allowed_roots {
            if kind.may_loosen() {
                policy.allowed_roots.push((PathBuf::from(absolute_pattern(&root, ctx)), origin));
            } else {
                diags.push(Diagnostic::ignored(
                    origin,
                    root,
                    format!(
                        "a {} file may not widen the boundary; allowed roots belong in the operator's files",
                        kind.as_str()
                    ),
                ));
            }
        }
        if let Some((d, origin)) = layer.egress_sends {
            set_tighter(&mut policy.egress_sends, d, origin, kind, &format!("sends = \"{d}\""), &mut diags);
        }
        policy.egress_deny.extend(layer.egress_deny);
        for (host, origin) in layer.egress_allow {
            if kind.may_loosen() {
                policy.egress_allow.push((host, origin));
            } else {
                diags.push(Diagnostic::ignored(origin, host, format!(
                        "a {} file may not allow sending to more hosts; the egress allow list belongs in the operator's files",
                        kind.as_str()
                    )));
            }
        }
        for (pattern, origin) in layer.protected {
            match Protected::new(&pattern, Some(origin.clone()), ctx) {
                Ok(p) => policy.protected.push(p),
                Err(e) => diags.push(Diagnostic { origin, text: pattern, message: e, error: true }),
            }
        }
        for (limit, value, origin) in layer.limits {
            let current = &mut policy.limits[limit.index()];
            if value <= current.0 || kind.may_loosen() {
                *current = (value, Some(origin));
            } else {
                diags.push(Diagnostic::ignored(
                    origin,
                    format!("{} = {value}", limit.key()),
                    format!(
                        "a {} file may only lower `{}` (now {}); only the operator's files raise it",
                        kind.as_str(),
                        limit.key(),
                        current.0
                    ),
                ));
            }
        }
        for (stream, fk, mode, origin) in layer.filter_modes {
            let slot = &mut policy.filters.modes[stream.index()][usize::from(fk == crate::filter::Kind::Injection)];
            if mode >= slot.0 || kind.may_loosen() {
                *slot = (mode, Some(origin.clone()));
                if !kind.may_loosen() {
                    // Tightening a kind tightens its families set apart below it.
                    for (i, k, _) in crate::filter::families() {
                        let fam = &mut policy.filters.families[stream.index()][i];
                        if k == fk && fam.as_ref().is_some_and(|(m, _)| *m < mode) {
                            *fam = Some((mode, origin.clone()));
                        }
                    }
                }
            } else {
                diags.push(Diagnostic::ignored(
                    origin,
                    format!(
                        "{} = \"{}\"",
                        if fk == crate::filter::Kind::Secret { "secrets" } else { "injection" },
                        mode.as_str()
                    ),
                    format!("a {} file may only make a filter stricter (now `{}`)", kind.as_str(), slot.0.as_str()),
                ));
            }
        }
        // A family's own mode: the operator's files set it; files that may only tighten
        // may make it stricter than what applies to it now (its own, else its kind's).
        for (stream, slot, mode, origin) in layer.family_modes {
            let name = crate::filter::families().find(|(i, _, _)| *i == slot).map_or("?", |(_, _, n)| n);
            let kind_index =
                crate::filter::family_slot(name).map_or(0, |(_, k)| usize::from(k == crate::filter::Kind::Injection));
            let now = policy.filters.families[stream.index()][slot]
                .as_ref()
                .map_or(policy.filters.modes[stream.index()][kind_index].0, |(m, _)| *m);
            if mode >= now || kind.may_loosen() {
                policy.filters.families[stream.index()][slot] = Some((mode, origin));
            } else {
                diags.push(Diagnostic::ignored(
                    origin,
                    format!("{name} = \"{}\"", mode.as_str()),
                    format!("a {} file may only make a filter stricter (now `{}`)", kind.as_str(), now.as_str()),
                ));
            }
        }
        for (which, value) in [("timeout", layer.timeout), ("output_cap", layer.output_cap)] {
            let Some((n, origin)) = value else { continue };
            let slot = if which == "timeout" { &mut policy.filters.timeout } else { &mut policy.filters.output_cap };
            // 0 is no limit, the loosest; any other value is stricter the smaller it is.
            let tighter = n == slot.0 || (n != 0 && (slot.0 == 0 || n <= slot.0));
            if tighter || kind.may_loosen() {
                *slot = (n, Some(origin));
            } else {
                diags.push(Diagnostic::ignored(
                    origin,
                    format!("{which} = {n}"),
                    format!("a {} file may only lower `{which}` (now {})", kind.as_str(), slot.0),
                ));
            }
        }
        for (p, origin) in layer.env_scrub {
            policy.filters.scrub.push((p, Some(origin)));
        }
        for (prog, vars, origin) in layer.env_allow {
            if kind.may_loosen() {
                policy.filters.allow.push((prog, vars, Some(origin)));
            } else {
                diags.push(Diagnostic::ignored(
                    origin,
                    format!("allow {prog}"),
                    format!(
                        "a {} file may not keep secrets in commands' environments; that is the operator's",
                        kind.as_str()
                    ),
                ));
            }
        }
        for (list, slot) in [
            (layer.protected_branches, &mut policy.hooks.protected_branches),
            (layer.protected_files, &mut policy.hooks.protected_files),
        ] {
            let Some(list) = list else { continue };
            if kind.may_loosen() {
                // The operator's list replaces the one before it.
                *slot = list.into_iter().map(|(p, o)| (p, Some(o))).collect();
                continue;
            }
            for (p, o) in list {
                if !slot.iter().any(|(q, _)| *q == p) {
                    slot.push((p, Some(o)));
                }
            }
        }
        for mut a in layer.hook_allow {
            a.operator = kind.may_loosen();
            policy.hooks.allow.push(a);
        }
        if let Some((b, origin)) = layer.audit_fsync {
            if b || kind.may_loosen() {
                policy.audit_fsync = (b, Some(origin));
            } else {
                diags.push(Diagnostic::ignored(
                    origin,
                    "audit_fsync = false",
                    format!("a {} file may only turn `audit_fsync` on", kind.as_str()),
                ));
            }
        }
        if let Some((b, origin)) = layer.asks_are_denied {
            if b || kind.may_loosen() {
                policy.asks_are_denied = b;
            } else {
                diags.push(Diagnostic::ignored(
                    origin,
                    "asks_are_denied = false",
                    format!("a {} file may only tighten; only the operator's files loosen", kind.as_str()),
                ));
            }
        }
        for r in layer.rules {
            if r.decision == Decision::Allow && !kind.may_loosen() {
                diags.push(Diagnostic::ignored(r.origin.clone(), format!("decision = \"allow\" ({})", r.id), format!(
                        "a {} file may only add asks and denies; allow rules belong in the operator's config.toml or .tako/policy.toml",
                        kind.as_str()
                    )));
                continue;
            }
            policy.rules.push(r);
        }
    }
    if diags.iter().any(|d| d.error) {
        return Err(diags);
    }
    policy.warnings = diags;
    Ok(policy)
}

#[cfg(test)]
mod tests;
