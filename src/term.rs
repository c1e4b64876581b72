//! Everything tako-exec prints goes through this module: decisions, errors, `check`
//! reports, `explain`, and the approval prompt's text.
//!
//! Untrusted text (commands, file names, messages quoting them) is passed through
//! [`sanitize`] before it reaches a terminal, so an agent cannot hide a command behind
//! terminal escapes, bidi overrides or zero-width characters, or forge a tako-exec
//! line with an embedded newline.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fmt::Write as _;
use std::io::Write as _;

use serde::Serialize;

use crate::guard::{Guard, GUARDS};
use crate::policy::{Decision, Evaluation, Reason};

/// The longest command shown on a one-line message, in characters.
const SHOWN_COMMAND_CHARS: usize = 160;

/// Whether a character is invisible or reorders text: bidi controls, zero-width
/// characters and other format characters that render as nothing.
#[must_use]
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF9}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}' | '\u{E0100}'..='\u{E01EF}')
}

/// Makes untrusted text safe to show on one terminal line: control characters become
/// `\n`, `\t`, `\xNN`; C1 controls, invisible and bidi characters become `<U+XXXX>`.
#[must_use]
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{1b}' => out.push_str("\\e"),
            c if c.is_ascii_control() => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if ('\u{80}'..='\u{9f}').contains(&c) || is_invisible(c) => {
                let _ = write!(out, "<U+{:04X}>", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// [`sanitize`], then cut to `max` characters with an ellipsis.
#[must_use]
pub fn sanitize_short(text: &str, max: usize) -> String {
    let s = sanitize(text.trim());
    if s.chars().count() <= max {
        return s;
    }
    let mut cut: String = s.chars().take(max).collect();
    cut.push('…');
    cut
}

fn rule_tag(r: &Reason) -> String {
    format!("{} {}", r.code, r.name)
}

/// The one line explaining a refusal: rule, reason, the sub-command, the hint, and how
/// many other rules matched.
#[must_use]
pub fn refusal_line(prefix: &str, eval: &Evaluation) -> String {
    let Some(r) = eval.primary() else {
        return format!("tako-exec: {prefix}");
    };
    let mut line = format!(
        "tako-exec: {prefix} [{}]: {} (in `{}`)",
        rule_tag(r),
        sanitize(&r.message),
        sanitize_short(&r.command, SHOWN_COMMAND_CHARS)
    );
    if let Some(h) = &r.hint {
        let _ = write!(line, "; instead: {}", sanitize(h));
    }
    let others: Vec<&str> = eval.reasons[1..].iter().map(|r| r.code.as_str()).collect();
    if !others.is_empty() {
        let mut uniq = others.clone();
        uniq.dedup();
        let _ = write!(line, " (+{} more: {})", others.len(), uniq.join(", "));
    }
    line
}

/// Reports a denied command on stderr.
pub fn denied(eval: &Evaluation) {
    eprintln!("{}", refusal_line("denied", eval));
}

/// Reports a command that needed approval and did not get it.
pub fn not_approved(eval: &Evaluation, why: &str) {
    eprintln!("{}", refusal_line(&format!("denied ({why})"), eval));
}

/// Tells the agent (and whoever reads its output) that a command waits for the
/// operator, and how the operator decides.
pub fn queued(id: &str, wait_secs: u64) {
    eprintln!(
        "tako-exec: approval needed and no terminal to ask on: request {id} waits up to {wait_secs}s for the operator, \
         who decides at a terminal with `tako-exec approve {id}` or `tako-exec deny {id}` (`tako-exec approvals` lists them)"
    );
}

/// Reports a command refused because the workspace is paused.
pub fn paused(p: &crate::control::pause::Pause) {
    let why = if p.reason.is_empty() { String::new() } else { format!(": {}", sanitize(&p.reason)) };
    eprintln!(
        "tako-exec: denied: the operator {} paused this workspace at {}{why}; nothing runs until they run `tako-exec resume` at a terminal",
        sanitize(&p.by),
        sanitize(&p.since)
    );
}

/// Reports a command refused by the budget.
pub fn budget_exhausted(window: &str, limit: u64, resets_in: u64) {
    eprintln!(
        "tako-exec: denied: the command budget of {limit} per {window} is spent (a runaway loop?); commands run again in {resets_in}s, \
         or the operator raises `[control] commands_per_{window}`"
    );
}

/// Warns that the budget is nearly spent.
pub fn budget_warning(window: &str, used: u64, limit: u64) {
    eprintln!("tako-exec: warning: {used} of {limit} commands this {window}; past {limit} they are denied");
}

/// The approvals waiting for the operator, as text (every field sanitized).
#[must_use]
pub fn approvals_text(pending: &[crate::control::queue::Request], now: u64) -> String {
    if pending.is_empty() {
        return "no approvals waiting\n".into();
    }
    let mut s = String::new();
    for r in pending {
        let _ = writeln!(
            s,
            "{}  made {}  {}s left  pid {}  in {}",
            sanitize(&r.id),
            sanitize(&r.created),
            r.expires.saturating_sub(now),
            r.pid,
            sanitize(&r.cwd)
        );
        let _ = writeln!(s, "    command: {}", sanitize_short(&r.command, 400));
        for a in &r.reasons {
            let _ = writeln!(s, "    ask [{} {}]: {}", sanitize(&a.layer), sanitize(&a.code), sanitize(&a.message));
        }
        let _ = writeln!(s, "    decide: tako-exec approve {0}   |   tako-exec deny {0}", sanitize(&r.id));
    }
    s
}

/// The approvals waiting for the operator, as one JSON object.
#[must_use]
pub fn approvals_json(pending: &[crate::control::queue::Request], now: u64) -> String {
    let list: Vec<serde_json::Value> = pending
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.id, "created": r.created, "expires_in": r.expires.saturating_sub(now),
                "pid": r.pid, "cwd": r.cwd, "command": r.command, "reasons": r.reasons,
            })
        })
        .collect();
    serde_json::json!({ "pending": list }).to_string()
}

/// Audit records: as stored (JSON lines), or one line each for people.
#[must_use]
pub fn audit_records(records: &[serde_json::Value], json: bool) -> String {
    let mut s = String::new();
    for r in records {
        if json {
            let _ = writeln!(s, "{r}");
            continue;
        }
        let f =
            |k: &str| r.get(k).map_or_else(String::new, |v| v.as_str().map_or_else(|| v.to_string(), str::to_string));
        let what = match f("kind").as_str() {
            "decision" => format!(
                "{} ({} by {}): {}",
                f("decision"),
                r.pointer("/decided_by/how").and_then(|v| v.as_str()).unwrap_or("?"),
                r.pointer("/decided_by/by").and_then(|v| v.as_str()).unwrap_or("?"),
                sanitize_short(&f("command"), 200)
            ),
            "exit" => format!("exit {} after {} ms", f("exit"), f("duration_ms")),
            "control" => format!("{} by {}", f("action"), f("by")),
            "hook" => {
                let problems: Vec<String> = r
                    .get("problems")
                    .and_then(|p| p.as_array())
                    .map(|ps| {
                        ps.iter()
                            .map(|p| {
                                let g = |k: &str| p.get(k).and_then(|v| v.as_str()).unwrap_or("");
                                let line = p.get("line").and_then(serde_json::Value::as_u64);
                                let at = match line {
                                    Some(l) => format!("{}:{l}", g("path")),
                                    None if g("path").is_empty() => g("branch").to_string(),
                                    None => g("path").to_string(),
                                };
                                format!("{} {at}", g("refusal")).trim_end().to_string()
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let by = if f("by").is_empty() { String::new() } else { format!(" by {}", f("by")) };
                format!(
                    "hook {} {}{by}{}{}",
                    f("hook"),
                    f("decision"),
                    if problems.is_empty() { "" } else { ": " },
                    problems.join(", ")
                )
            }
            other => other.to_string(),
        };
        let _ = writeln!(s, "#{} {} {} {}", f("seq"), f("time"), f("id"), sanitize(&what));
    }
    s
}

/// `scan --json`: `{"findings":[{"kind","rule","start","end"(,"file")}]}`, byte offsets.
#[must_use]
pub fn findings_json(found: &[(Option<String>, &[u8], Vec<crate::filter::Finding>)]) -> String {
    let list: Vec<serde_json::Value> = found
        .iter()
        .flat_map(|(name, _, fs)| {
            fs.iter().map(move |f| {
                let mut v = serde_json::json!({"kind": f.kind, "rule": f.rule, "start": f.start, "end": f.end});
                if let Some(n) = name {
                    v["file"] = n.clone().into();
                }
                v
            })
        })
        .collect();
    serde_json::json!({ "findings": list }).to_string()
}

/// `scan` for people: `NAME:LINE:COL: kind rule`, and for injection text an excerpt
/// (never the secret itself).
#[must_use]
pub fn findings_text(found: &[(Option<String>, &[u8], Vec<crate::filter::Finding>)]) -> String {
    let mut s = String::new();
    for (name, bytes, fs) in found {
        let name = name.as_deref().unwrap_or("<stdin>");
        // Findings come in order: lines are counted once, from one finding to the next.
        let (mut at, mut line, mut line_start) = (0usize, 1usize, 0usize);
        for f in fs {
            let to = f.start.min(bytes.len()).max(at);
            for i in memchr::memchr_iter(b'\n', &bytes[at..to]) {
                line += 1;
                line_start = at + i + 1;
            }
            at = to;
            let col = to - line_start + 1;
            let kind = f.kind.as_str();
            let _ = write!(s, "{}:{line}:{col}: {kind} {}", sanitize(name), f.rule);
            if f.kind == crate::filter::Kind::Injection {
                let text = String::from_utf8_lossy(&bytes[f.start.min(bytes.len())..f.end.min(bytes.len())]);
                let _ = write!(s, ": {}", sanitize_short(&text, 80));
            }
            s.push('\n');
        }
    }
    s
}

/// Reports tako-exec's own failure.
pub fn error(err: &dyn std::fmt::Display) {
    eprintln!("tako-exec: error: {}", sanitize(&err.to_string()));
}

/// Prints a plain message on stderr (a shell-style diagnostic).
pub fn diagnostic(msg: &str) {
    eprintln!("tako-exec: {}", sanitize(msg));
}

/// tako-exec's own failure, with the problems behind it listed first (one per line).
pub fn failure(err: &crate::error::Error) {
    if let crate::error::Error::Policy(diags) = err {
        let (errors, ignored): (Vec<_>, Vec<_>) = diags.iter().partition(|d| d.error);
        for d in errors.into_iter().chain(ignored) {
            diagnostic(&d.to_string());
        }
    }
    error(err);
}

/// The text of the approval prompt, shown on the terminal.
#[must_use]
pub fn approval_prompt(command: &str, eval: &Evaluation, timeout_secs: u64) -> String {
    let mut s = String::from("\r\ntako-exec: approval needed\r\n");
    let _ = write!(s, "  command: {}\r\n", sanitize_short(command, 400));
    for r in &eval.reasons {
        let _ = write!(s, "  {} [{}]: {}\r\n", r.decision, rule_tag(r), sanitize(&r.message));
        if r.command.trim() != command.trim() {
            let _ = write!(s, "      in: {}\r\n", sanitize_short(&r.command, SHOWN_COMMAND_CHARS));
        }
    }
    let _ = write!(
        s,
        "Run it? [y/N/a] (a = yes, and for {} days; no answer in {timeout_secs}s = no) ",
        crate::config::grant::DAYS
    );
    s
}

#[derive(Serialize)]
struct CheckJson<'a> {
    version: u32,
    decision: Decision,
    reasons: &'a [Reason],
}

/// The `check --json` object.
#[must_use]
pub fn check_json(eval: &Evaluation) -> String {
    serde_json::to_string(&CheckJson { version: 1, decision: eval.decision, reasons: &eval.reasons })
        .unwrap_or_else(|e| format!("{{\"version\":1,\"error\":{:?}}}", e.to_string()))
}

/// The `config check` report: the files read, then every problem.
#[must_use]
pub fn config_report(
    paths: &[(crate::config::SourceKind, std::path::PathBuf)],
    diags: &[crate::config::Diagnostic],
) -> String {
    let mut s = String::new();
    for (kind, p) in paths {
        let state = if p.is_file() { "read" } else { "absent" };
        s.push_str(&format!("{:<9} {} ({state})\n", kind.as_str(), sanitize(&p.display().to_string())));
    }
    let errors = diags.iter().filter(|d| d.error).count();
    let ignored = diags.len() - errors;
    for d in diags {
        s.push_str(&sanitize(&d.to_string()));
        s.push('\n');
    }
    s.push_str(&match (errors, ignored) {
        (0, 0) => "ok: the policy is valid\n".to_string(),
        (0, n) => format!("{n} setting(s) ignored: a workspace or extra file may only tighten\n"),
        (e, _) => format!("{e} error(s): every command is refused (exit 125) until they are fixed\n"),
    });
    s
}

/// The effective policy as text, each entry with where it comes from.
#[must_use]
pub fn policy_text(p: &crate::config::Policy) -> String {
    let mut s = format!(
        "profile: {} ({})\n",
        p.profile,
        p.profile_origin.as_ref().map_or_else(|| "built-in default".to_string(), ToString::to_string)
    );
    if p.asks_are_denied {
        s.push_str("asks are denied: no one can answer\n");
    }
    for f in &p.files {
        s.push_str(&format!("file: {}\n", sanitize(f)));
    }
    let from =
        |o: &Option<crate::config::Origin>| o.as_ref().map_or_else(|| "built-in".to_string(), ToString::to_string);
    for perm in crate::config::Perm::ALL {
        let (d, o) = &p.permissions.by_kind[perm.index()];
        s.push_str(&format!("permission {}: {d} ({})\n", perm.as_str(), from(o)));
        for who in crate::config::Who::ALL {
            if let Some((d, o)) = &p.permissions.scoped[who.index()][perm.index()] {
                s.push_str(&format!("permission {} for {}: {d} ({})\n", perm.as_str(), who.as_str(), from(o)));
            }
        }
    }
    let (d, o) = &p.permissions.outside;
    s.push_str(&format!("paths outside the workspace: {d} ({})\n", from(o)));
    for (r, o) in &p.allowed_roots {
        s.push_str(&sanitize(&format!("allowed root: {} ({o})", r.display())));
        s.push('\n');
    }
    let builtin = p.protected.iter().filter(|x| x.origin.is_none()).count();
    s.push_str(&format!("protected: {builtin} built-in paths (.git, .tako, tako.toml, ~/.ssh, /etc, …)\n"));
    for x in p.protected.iter().filter(|x| x.origin.is_some()) {
        s.push_str(&sanitize(&format!("protected: {} ({})", x.pattern, from(&x.origin))));
        s.push('\n');
    }
    let (d, o) = &p.egress_sends;
    s.push_str(&format!("egress sends to other hosts: {d} ({})\n", from(o)));
    for (h, o) in &p.egress_allow {
        s.push_str(&sanitize(&format!("egress allow: {h} ({o})")));
        s.push('\n');
    }
    for (h, o) in &p.egress_deny {
        s.push_str(&sanitize(&format!("egress deny: {h} ({o})")));
        s.push('\n');
    }
    for l in crate::config::Limit::ALL {
        let (v, o) = &p.limits[l.index()];
        s.push_str(&format!("control {}: {v} ({})\n", l.key(), from(o)));
    }
    s.push_str(&format!("control audit_fsync: {} ({})\n", p.audit_fsync.0, from(&p.audit_fsync.1)));
    let f = &p.filters;
    for stream in crate::config::OutStream::ALL {
        for (i, kind) in ["secrets", "injection"].iter().enumerate() {
            let (m, o) = &f.modes[stream as usize][i];
            s.push_str(&format!("filter {kind} on {}: {} ({})\n", stream.as_str(), m.as_str(), from(o)));
        }
    }
    for stream in crate::config::OutStream::ALL {
        for (i, _, name) in crate::filter::families() {
            if let Some((m, o)) = &f.families[stream as usize][i] {
                s.push_str(&format!(
                    "filter family {name} on {}: {} ({})\n",
                    stream.as_str(),
                    m.as_str(),
                    from(&Some(o.clone()))
                ));
            }
        }
    }
    for (b, o) in &p.hooks.protected_branches {
        s.push_str(&sanitize(&format!("hooks protected branch: {b} ({})", from(o))));
        s.push('\n');
    }
    for (f, o) in &p.hooks.protected_files {
        s.push_str(&sanitize(&format!("hooks protected file: {f} ({})", from(o))));
        s.push('\n');
    }
    for a in &p.hooks.allow {
        let what: Vec<String> = [("path", &a.path), ("rule", &a.rule), ("fingerprint", &a.fingerprint)]
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={v}")))
            .collect();
        s.push_str(&sanitize(&format!("hooks allow {}: {} ({})", what.join(" "), a.reason, a.origin)));
        s.push('\n');
    }
    s.push_str(&format!("filter timeout: {}s ({})\n", f.timeout.0, from(&f.timeout.1)));
    s.push_str(&format!("filter output_cap: {} bytes ({})\n", f.output_cap.0, from(&f.output_cap.1)));
    for (pat, o) in &f.scrub {
        s.push_str(&sanitize(&format!("env scrub: {pat} ({})", from(o))));
        s.push('\n');
    }
    for (prog, vars, o) in &f.allow {
        s.push_str(&sanitize(&format!("env allow {prog}: {} ({})", vars.join(", "), from(o))));
        s.push('\n');
    }
    for r in &p.rules {
        let how = match &r.matcher {
            crate::config::Matcher::Prefix(t) => t.iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" "),
            crate::config::Matcher::Regex(re) => format!("/{}/", re.as_str()),
        };
        let who = if r.contexts.is_empty() {
            String::new()
        } else {
            format!(" [{}]", r.contexts.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", "))
        };
        s.push_str(&sanitize(&format!("{} {}: {how}{who}: {} ({})", r.origin, r.decision, r.reason, r.id)));
        s.push('\n');
    }
    for w in &p.warnings {
        s.push_str(&sanitize(&w.to_string()));
        s.push('\n');
    }
    s
}

/// The effective policy as one JSON object.
#[must_use]
pub fn policy_json(p: &crate::config::Policy) -> String {
    let rules: Vec<serde_json::Value> = p
        .rules
        .iter()
        .map(|r| {
            let (command, regex) = match &r.matcher {
                crate::config::Matcher::Prefix(t) => (Some(t.iter().map(|t| t.text.clone()).collect::<Vec<_>>()), None),
                crate::config::Matcher::Regex(re) => (None, Some(re.as_str().to_string())),
            };
            serde_json::json!({
                "id": r.id,
                "decision": r.decision,
                "reason": r.reason,
                "command": command,
                "regex": regex,
                "context": r.contexts,
                "source": r.origin.to_string(),
                "kind": r.origin.kind,
            })
        })
        .collect();
    serde_json::json!({
        "version": 1,
        "profile": p.profile,
        "profile_source": p.profile_origin.as_ref().map(ToString::to_string),
        "asks_are_denied": p.asks_are_denied,
        "files": p.files,
        "permissions": crate::config::Perm::ALL.iter().map(|perm| {
            let (d, o) = &p.permissions.by_kind[perm.index()];
            let by_who: serde_json::Map<String, serde_json::Value> = crate::config::Who::ALL
                .iter()
                .filter_map(|w| p.permissions.scoped[w.index()][perm.index()].as_ref().map(|(d, o)| {
                    (w.as_str().to_string(), serde_json::json!({"decision": d, "source": o.as_ref().map(ToString::to_string)}))
                }))
                .collect();
            (perm.as_str().to_string(), serde_json::json!({"decision": d, "source": o.as_ref().map(ToString::to_string), "contexts": by_who}))
        }).collect::<serde_json::Map<String, serde_json::Value>>(),
        "paths": {
            "outside": {"decision": p.permissions.outside.0, "source": p.permissions.outside.1.as_ref().map(ToString::to_string)},
            "allowed_roots": p.allowed_roots.iter().map(|(r, o)| serde_json::json!({"path": r, "source": o.to_string()})).collect::<Vec<_>>(),
            "protected": p.protected.iter().map(|x| serde_json::json!({"pattern": x.pattern, "source": x.origin.as_ref().map_or_else(|| "built-in".to_string(), ToString::to_string)})).collect::<Vec<_>>(),
        },
        "egress": {
            "sends": {"decision": p.egress_sends.0, "source": p.egress_sends.1.as_ref().map(ToString::to_string)},
            "allow": p.egress_allow.iter().map(|(h, o)| serde_json::json!({"host": h, "source": o.to_string()})).collect::<Vec<_>>(),
            "deny": p.egress_deny.iter().map(|(h, o)| serde_json::json!({"host": h, "source": o.to_string()})).collect::<Vec<_>>(),
        },
        "control": crate::config::Limit::ALL.iter().map(|l| {
            let (v, o) = &p.limits[l.index()];
            (l.key().to_string(), serde_json::json!({"value": v, "source": o.as_ref().map(ToString::to_string)}))
        }).chain(std::iter::once(("audit_fsync".to_string(), serde_json::json!({"value": p.audit_fsync.0, "source": p.audit_fsync.1.as_ref().map(ToString::to_string)})))).collect::<serde_json::Map<String, serde_json::Value>>(),
        "filters": {
            "modes": crate::config::OutStream::ALL.iter().map(|st| {
                let m = &p.filters.modes[*st as usize];
                (st.as_str().to_string(), serde_json::json!({
                    "secrets": {"mode": m[0].0, "source": m[0].1.as_ref().map(ToString::to_string)},
                    "injection": {"mode": m[1].0, "source": m[1].1.as_ref().map(ToString::to_string)},
                }))
            }).collect::<serde_json::Map<String, serde_json::Value>>(),
            "families": crate::config::OutStream::ALL.iter().map(|st| {
                let fams = crate::filter::families().filter_map(|(i, _, name)| {
                    p.filters.families[*st as usize][i].as_ref().map(|(m, o)| {
                        (name.to_string(), serde_json::json!({"mode": m, "source": o.to_string()}))
                    })
                }).collect::<serde_json::Map<String, serde_json::Value>>();
                (st.as_str().to_string(), serde_json::Value::Object(fams))
            }).collect::<serde_json::Map<String, serde_json::Value>>(),
            "timeout": p.filters.timeout.0,
            "output_cap": p.filters.output_cap.0,
        },
        "hooks": {
            "protected_branches": p.hooks.protected_branches.iter().map(|(b, o)| serde_json::json!({"pattern": b, "source": o.as_ref().map(ToString::to_string)})).collect::<Vec<_>>(),
            "protected_files": p.hooks.protected_files.iter().map(|(f, o)| serde_json::json!({"pattern": f, "source": o.as_ref().map(ToString::to_string)})).collect::<Vec<_>>(),
            "allow": p.hooks.allow.iter().map(|a| serde_json::json!({"path": a.path, "rule": a.rule, "fingerprint": a.fingerprint, "reason": a.reason, "source": a.origin.to_string(), "operator": a.operator})).collect::<Vec<_>>(),
        },
        "env": {
            "scrub": p.filters.scrub.iter().map(|(pat, o)| serde_json::json!({"pattern": pat, "source": o.as_ref().map(ToString::to_string)})).collect::<Vec<_>>(),
            "allow": p.filters.allow.iter().map(|(prog, vars, o)| serde_json::json!({"program": prog, "vars": vars, "source": o.as_ref().map(ToString::to_string)})).collect::<Vec<_>>(),
        },
        "rules": rules,
        "ignored": p.warnings.iter().map(|w| serde_json::json!({"source": w.origin.to_string(), "message": w.message, "text": w.text})).collect::<Vec<_>>(),
    })
    .to_string()
}

/// The human `check` report.
#[must_use]
pub fn check_human(command: &str, eval: &Evaluation) -> String {
    let mut s = format!("{}: {}\n", eval.decision, sanitize_short(command, 400));
    for r in &eval.reasons {
        let _ =
            writeln!(s, "  {} [{}] ({} layer): {}", r.decision, rule_tag(r), r.layer.as_str(), sanitize(&r.message));
        let _ = writeln!(s, "    in: {}", sanitize_short(&r.command, SHOWN_COMMAND_CHARS));
        if let Some(h) = &r.hint {
            let _ = writeln!(s, "    instead: {}", sanitize(h));
        }
    }
    s
}

/// The `explain CODE` text.
#[must_use]
pub fn explain(g: &Guard) -> String {
    let mut s = format!("{} {} ({})\n\n{}\n\n{}\n", g.code, g.name, g.decision, g.summary, g.doc.trim_end());
    s.push_str("\n## Examples it matches\n");
    for m in g.matches {
        let _ = writeln!(s, "    {m}");
    }
    s.push_str("\n## Examples it does not match\n");
    for m in g.not_matches {
        let _ = writeln!(s, "    {m}");
    }
    s
}

/// The `explain --list` table.
#[must_use]
pub fn catalog() -> String {
    let width = GUARDS.iter().map(|g| g.name.len()).max().unwrap_or(0);
    let mut s = String::new();
    for g in GUARDS {
        let _ = writeln!(s, "{}  {:width$}  {:5}  {}", g.code, g.name, g.decision.as_str(), g.summary);
    }
    s
}

/// A git hook could not check (so it refuses).
pub fn hook_failure(name: crate::githooks::HookName, err: &dyn std::fmt::Display) {
    eprintln!("tako-exec {name}: refused: cannot check: {}", sanitize(&err.to_string()));
}

/// One problem of a hook, on one or two lines.
fn hook_problem(s: &mut String, p: &crate::githooks::Problem) {
    use crate::githooks::Problem;
    let at = |commit: &Option<String>| {
        commit.as_ref().map_or_else(String::new, |c| format!(" (commit {})", &c[..c.len().min(12)]))
    };
    match p {
        Problem::ControlPlane { path, commit: None, fix } if path == ".tako/" => {
            let _ = writeln!(s, "  [tako-tracked] {}", sanitize(fix));
        }
        Problem::ControlPlane { path, commit, fix } => {
            let _ = writeln!(
                s,
                "  [tako-tracked] {}{}: the operator's control plane must never be committed",
                sanitize(path),
                at(commit)
            );
            let _ = writeln!(s, "      fix: {}", sanitize(fix));
        }
        Problem::Secret { path, line, rule, fingerprint, commit } => {
            let _ = writeln!(s, "  [secret:{rule}] {}:{line}{}: fingerprint {fingerprint}", sanitize(path), at(commit));
        }
        Problem::ProtectedFile { path, pattern, origin } => {
            let from = origin.as_ref().map_or_else(|| "built in".to_string(), |o| sanitize(o));
            let _ = writeln!(
                s,
                "  [protected-file] {}: a change to a protected file (`{}`, {from})",
                sanitize(path),
                sanitize(pattern)
            );
            let _ = writeln!(
                s,
                "      fix: unstage it (`git restore --staged -- {}`); a change to it is the operator's to commit",
                shell_words::quote(path)
            );
        }
        Problem::ProtectedBranch { branch, change, pattern } => {
            let what = match *change {
                "delete" => "deleting it",
                "non-fast-forward" => "rewriting its history (a force push)",
                _ => "a push whose remote commit is not known here, so it cannot be shown to be a fast-forward (git fetch first)",
            };
            let _ = writeln!(
                s,
                "  [protected-branch] {}: {what}; it is protected (`{}`)",
                sanitize(branch),
                sanitize(pattern)
            );
            let fix = match *change {
                "delete" => "keep the branch; delete it from the hosting service if it must go",
                "non-fast-forward" => {
                    "`git pull --rebase` then push without --force, or push to a new branch for review"
                }
                _ => "`git fetch`, then push again",
            };
            let _ = writeln!(s, "      fix: {fix}");
        }
        Problem::HookChanged { message } => {
            let _ = writeln!(s, "  [hook-changed] {}", sanitize(message));
        }
    }
}

/// What a hook found and decided, on stderr (nothing when all is well).
pub fn hook_report(name: crate::githooks::HookName, r: &crate::githooks::Report, d: crate::githooks::Decision) {
    let text = hook_report_text(name, r, d);
    if !text.is_empty() {
        eprint!("{text}");
    }
}

/// [`hook_report`]'s text.
#[must_use]
pub fn hook_report_text(
    name: crate::githooks::HookName,
    r: &crate::githooks::Report,
    d: crate::githooks::Decision,
) -> String {
    use crate::githooks::{Decision, HookName, Problem};
    let mut s = String::new();
    for (p, reason, origin) in &r.accepted {
        if let Problem::Secret { path, line, rule, .. } = p {
            let _ = writeln!(
                s,
                "tako-exec {name}: accepted [secret:{rule}] {}:{line}: {} ({})",
                sanitize(path),
                sanitize(reason),
                sanitize(origin)
            );
        }
    }
    if r.problems.is_empty() {
        return s;
    }
    let what = if name == HookName::PrePush { "push" } else { "commit" };
    let n = r.problems.len();
    let verdict = if d == Decision::Overridden { "overridden by the operator" } else { "refused" };
    let _ = writeln!(s, "tako-exec {name}: {what} {verdict} ({n} problem{})", if n == 1 { "" } else { "s" });
    for p in &r.problems {
        hook_problem(&mut s, p);
    }
    for note in &r.notes {
        let _ = writeln!(s, "  note: {}", sanitize(note));
    }
    if let Some(Problem::Secret { fingerprint, .. }) = r.problems.iter().find(|p| matches!(p, Problem::Secret { .. })) {
        let _ = writeln!(
            s,
            "Secrets: remove them from what is committed (edit, then `git add`; for pushed commits, rewrite the \
             unpushed history), and rotate any that were real. A false positive is accepted in policy:\n  \
             [[hooks.allow]]\n  fingerprint = \"{fingerprint}\"\n  reason = \"why this is not a secret\""
        );
    }
    if d == Decision::Refused {
        let again = if name == HookName::PrePush { "git push" } else { "git commit" };
        let _ = writeln!(
            s,
            "To let this through once, the operator runs `{}=1 {again} …` at a terminal and confirms; it is recorded in the audit log.",
            crate::githooks::OVERRIDE_VAR
        );
    }
    s
}

/// `hooks status`: the hooks directory, each hook, and the problems, for people.
#[must_use]
pub fn hooks_status_text(st: &crate::githooks::install::Status) -> String {
    let shown = |p: &std::path::Path| sanitize(&p.display().to_string());
    let mut s = String::new();
    let _ = write!(s, "hooks directory: {}", shown(&st.hooks_dir));
    match &st.hooks_path_config {
        Some(c) => {
            let _ = writeln!(s, " (core.hooksPath = {})", sanitize(c));
        }
        None => s.push('\n'),
    }
    let _ = writeln!(
        s,
        "control plane: {}",
        if st.imprinted {
            "imprinted (hooks must be accepted by the operator)"
        } else {
            "none (hooks are checked against what install recorded)"
        }
    );
    for h in &st.hooks {
        let state = match (h.installed, h.intact) {
            (false, _) => "not installed",
            (true, true) => "installed, intact",
            (true, false) => "installed, NOT INTACT",
        };
        let _ = writeln!(s, "{:<11} {state}: {}", h.name.as_str(), shown(&h.shim));
        if let Some(c) = &h.chained {
            let _ = writeln!(
                s,
                "{:<11} then runs {} ({})",
                "",
                shown(&c.path),
                if c.intact { "intact" } else { "NOT INTACT, not run" }
            );
        }
        if let Some(b) = &h.backup {
            let _ = writeln!(s, "{:<11} moved aside (not run): {}", "", shown(b));
        }
    }
    if st.problems.is_empty() {
        s.push_str("no problems\n");
    } else {
        s.push_str("problems:\n");
        for p in &st.problems {
            let _ = writeln!(s, "  - {}", sanitize(p));
        }
    }
    s
}

/// The terminal question of an operator's override.
#[must_use]
pub fn hook_override_prompt(name: crate::githooks::HookName, r: &crate::githooks::Report) -> String {
    let mut s = format!("\r\ntako-exec {name}: the operator asked to override a refusal:\r\n");
    for p in &r.problems {
        let mut one = String::new();
        hook_problem(&mut one, p);
        s.push_str(&one.replace('\n', "\r\n"));
    }
    s.push_str("Let it through anyway (recorded in the audit log)? [y/N] ");
    s
}

/// `hooks status --json`: one object.
#[must_use]
pub fn hooks_status_json(st: &crate::githooks::install::Status) -> String {
    serde_json::to_string(st).unwrap_or_else(|e| format!("{{\"error\":{:?}}}", e.to_string()))
}

/// Writes to stdout; a closed stdout (`| head`) is not an error worth a panic.
pub fn out(text: &str) {
    let mut o = std::io::stdout().lock();
    let _ = o.write_all(text.as_bytes());
    let _ = o.flush();
}

/// Writes to stdout with a trailing newline.
pub fn out_line(text: &str) {
    out(&format!("{text}\n"));
}

/// Writes clap's rendered help, version or error.
pub fn clap(e: &clap::Error) {
    let _ = e.print();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_views_are_sanitized() {
        let req = crate::control::queue::Request {
            id: "0a1b2c3d".into(),
            created: "2026-11-30T05:00:00Z".into(),
            expires: 1_000_120,
            pid: 4242,
            cwd: "/home/dev/project".into(),
            command: "git reset --hard\u{1b}[2K && echo \u{202E}done".into(),
            reasons: vec![crate::control::queue::Asked {
                code: "GT001".into(),
                layer: "guard".into(),
                message: "git reset --hard discards uncommitted changes".into(),
            }],
        };
        insta::assert_snapshot!("approvals_text", approvals_text(std::slice::from_ref(&req), 1_000_000));
        insta::assert_snapshot!("approvals_json", approvals_json(&[req], 1_000_000));
        let records = [
            serde_json::json!({"seq": 7, "time": "2026-11-30T05:00:01.000Z", "id": "00ff", "kind": "decision",
                "decision": "allow", "decided_by": {"how": "queue", "by": "dev"}, "command": "git reset --hard"}),
            serde_json::json!({"seq": 8, "time": "2026-11-30T05:00:02.000Z", "id": "00ff", "kind": "exit",
                "exit": {"code": 0}, "duration_ms": 31}),
            serde_json::json!({"seq": 9, "time": "2026-11-30T05:00:03.000Z", "kind": "control", "action": "pause", "by": "dev"}),
        ];
        insta::assert_snapshot!("audit_tail_text", audit_records(&records, false));
    }

    #[test]
    fn sanitize_makes_tricks_visible() {
        assert_eq!(sanitize("ls\u{1b}[2K\rrm"), "ls\\e[2K\\rrm");
        assert_eq!(sanitize("a\u{202E}b\u{200B}c"), "a<U+202E>b<U+200B>c");
        assert_eq!(sanitize("x\ny\u{7f}"), "x\\ny\\x7f");
        assert_eq!(sanitize("\u{9b}31m"), "<U+009B>31m");
        assert_eq!(sanitize("héllo wörld 日本"), "héllo wörld 日本");
    }

    #[test]
    fn short_cuts_long_text() {
        let s = sanitize_short(&"a".repeat(500), 10);
        assert_eq!(s, format!("{}…", "a".repeat(10)));
    }

    #[test]
    fn hook_records_read_as_one_line() {
        let r = serde_json::json!({"seq": 6, "time": "t", "kind": "hook", "hook": "pre-push", "decision": "override",
            "by": "ada", "problems": [{"refusal": "protected-branch", "branch": "main", "kind": "protected-branch"},
            {"refusal": "secret:github-pat", "path": "a.txt", "line": 3}]});
        assert_eq!(
            audit_records(&[r], false),
            "#6 t  hook pre-push override by ada: protected-branch main, secret:github-pat a.txt:3\n"
        );
    }
}
