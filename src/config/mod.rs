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

pub mod rule;
mod source;

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::context::Context;
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
    /// The file, as shown (`profile:strict` for a built-in profile).
    pub file: String,
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
    /// The `default` profile alone: the guard catalog, no rules (a test checks that the
    /// `default` profile file adds none).
    #[must_use]
    pub fn empty() -> Self {
        Self {
            profile: "default".into(),
            profile_origin: None,
            asks_are_denied: false,
            rules: Vec::new(),
            warnings: Vec::new(),
            files: Vec::new(),
        }
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
            Ok(text) => files.push(File { kind: *kind, name, text }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && *kind != SourceKind::Extra => {}
            Err(e) => errors.push(Diagnostic {
                origin: Origin { kind: *kind, file: name, line: 1, col: 1 },
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
/// # Errors
/// Every error found (a policy with errors is never used).
pub fn load(ctx: &Context, extra: &[PathBuf]) -> Result<Policy, Vec<Diagnostic>> {
    let files = read_files(&discover(ctx, extra))?;
    build(&files, ctx)
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
    // The profile: the operator's choice (else `default`), made stricter by the other
    // files, never laxer.
    let mut profile = ("default".to_string(), None::<Origin>);
    for (kind, layer) in &layers {
        let Some((name, origin)) = &layer.profile else { continue };
        let (Some(new), Some(cur)) = (profile_rank(name), profile_rank(&profile.0)) else { continue };
        if kind.may_loosen() || new >= cur {
            profile = (name.clone(), Some(origin.clone()));
        } else {
            diags.push(Diagnostic {
                origin: origin.clone(),
                text: format!("profile = \"{name}\""),
                message: format!(
                    "a {} file may only choose a stricter profile than `{}`; only the operator's files loosen",
                    kind.as_str(),
                    profile.0
                ),
                error: false,
            });
        }
    }
    let mut policy = merge(&profile.0, layers, diags)?;
    policy.profile_origin = profile.1;
    policy.files = files.iter().map(|f| f.name.clone()).collect();
    Ok(policy)
}

/// Merges the profile `name` and the file layers; loosening from files that may only
/// tighten becomes a warning and is dropped.
fn merge(name: &str, layers: Vec<(SourceKind, Layer)>, mut diags: Vec<Diagnostic>) -> Result<Policy, Vec<Diagnostic>> {
    let text = PROFILES.iter().find(|(n, _)| *n == name).map_or("", |(_, t)| t);
    let profile_file = File { kind: SourceKind::Profile, name: format!("profile:{name}"), text: text.to_string() };
    let ctx = Context::new(PathBuf::from("/"), std::collections::HashMap::new());
    let (base, d) = parse_file(&profile_file, &ctx);
    diags.extend(d);
    let mut policy = Policy {
        profile: name.to_string(),
        profile_origin: None,
        asks_are_denied: base.asks_are_denied.as_ref().is_some_and(|(b, _)| *b),
        rules: base.rules,
        warnings: Vec::new(),
        files: Vec::new(),
    };
    for (kind, layer) in layers {
        if let Some((b, origin)) = layer.asks_are_denied {
            if b || kind.may_loosen() {
                policy.asks_are_denied = b;
            } else {
                diags.push(Diagnostic {
                    origin,
                    text: "asks_are_denied = false".into(),
                    message: format!("a {} file may only tighten; only the operator's files loosen", kind.as_str()),
                    error: false,
                });
            }
        }
        for r in layer.rules {
            if r.decision == Decision::Allow && !kind.may_loosen() {
                diags.push(Diagnostic {
                    origin: r.origin.clone(),
                    text: format!("decision = \"allow\" ({})", r.id),
                    message: format!(
                        "a {} file may only add asks and denies; allow rules belong in the operator's config.toml or .tako/policy.toml",
                        kind.as_str()
                    ),
                    error: false,
                });
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
