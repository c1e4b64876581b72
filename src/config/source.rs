//! Reading one policy file: TOML with spans → a validated [`Layer`] and every problem
//! found, each with its line and column.
//!
//! The file is walked by hand rather than deserialized so that *every* problem is
//! reported in one pass (unknown keys, wrong types, bad globs and regexes, failing
//! examples), not only the first.

use std::cell::Cell;
use std::ops::Range;

use super::doc::{Item, Table};
use super::rule::{Matcher, Rule, Token};
use super::{Diagnostic, File, Layer, Origin, Who};
use crate::context::Context;
use crate::policy::Decision;

/// A string (borrowed from the parsed file) and where it is in the file.
type Located<'v> = (&'v str, Range<usize>);

const TOP_KEYS: &[&str] =
    &["profile", "asks_are_denied", "permissions", "paths", "egress", "control", "filters", "env", "hooks", "rule"];
const EGRESS_KEYS: &[&str] = &["allow", "deny", "sends"];
const PATH_KEYS: &[&str] = &["outside", "allowed_roots", "protected"];
const RULE_KEYS: &[&str] = &[
    "id",
    "command",
    "regex",
    "decision",
    "reason",
    "context",
    "exact",
    "match",
    "not_match",
    "granted",
    "expires",
    "signature",
];

/// Reads `file`: the layer it makes (without what failed) and its problems.
#[must_use]
pub fn parse_file(file: &File, ctx: &Context) -> (Layer, Vec<Diagnostic>) {
    let mut r = Reader { file, name: file.name.as_str().into(), diags: Vec::new(), seen: Cell::new((0, 1)) };
    let layer = r.read(ctx);
    (layer, r.diags)
}

struct Reader<'f> {
    file: &'f File,
    /// The file's name, shared by the origins.
    name: std::sync::Arc<str>,
    diags: Vec<Diagnostic>,
    /// The last offset an origin was asked for and its line: origins come mostly in
    /// file order, so each counts only the newlines since the one before.
    seen: Cell<(usize, usize)>,
}

impl Reader<'_> {
    fn origin(&self, span: &Range<usize>) -> Origin {
        let text = &self.file.text;
        let at = char_floor(text, span.start);
        let bytes = text.as_bytes();
        let (mut from, mut line) = self.seen.get();
        if at < from {
            (from, line) = (0, 1);
        }
        line += memchr::memchr_iter(b'\n', &bytes[from..at]).count();
        self.seen.set((at, line));
        let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        let col = text[start..at].chars().count() + 1;
        Origin { kind: self.file.kind, file: self.name.clone(), line, col }
    }

    fn snippet(&self, span: &Range<usize>) -> String {
        let text = &self.file.text;
        let s = char_floor(text, span.start);
        let e = char_floor(text, span.end).max(s);
        let t = text[s..e].lines().next().unwrap_or("");
        if t.chars().count() > 80 {
            format!("{}…", t.chars().take(80).collect::<String>())
        } else {
            t.to_string()
        }
    }

    fn error(&mut self, span: &Range<usize>, message: impl Into<String>) {
        let d =
            Diagnostic { origin: self.origin(span), text: self.snippet(span), message: message.into(), error: true };
        self.diags.push(d);
    }

    fn read(&mut self, ctx: &Context) -> Layer {
        let mut layer = Layer::default();
        let (table, errors) = super::doc::parse(&self.file.text);
        for e in errors {
            let span = e.span.unwrap_or(0..0);
            self.error(&span, format!("not valid TOML: {}", e.message));
        }
        for (key, value) in &table {
            let k = key.name.as_ref();
            match k {
                "profile" => match value.value.as_str() {
                    Some(name) if super::profile_rank(name).is_some() => {
                        layer.profile = Some((name.to_string(), self.origin(&value.span)));
                    }
                    Some(name) => {
                        let names: Vec<&str> = super::PROFILES.iter().map(|(n, _)| *n).collect();
                        self.error(&value.span, format!("unknown profile `{name}` (one of: {})", names.join(", ")));
                    }
                    None => self.type_error(value, "a profile name (a string)"),
                },
                "asks_are_denied" => match value.value.as_bool() {
                    Some(b) => layer.asks_are_denied = Some((b, self.origin(&value.span))),
                    None => self.type_error(value, "true or false"),
                },
                "permissions" => {
                    if let Some(t) = self.table(value, "`[permissions]`") {
                        self.permissions(t, &mut layer);
                    }
                }
                "paths" => {
                    if let Some(t) = self.table(value, "`[paths]`") {
                        self.paths(t, &mut layer);
                    }
                }
                "egress" => {
                    if let Some(t) = self.table(value, "`[egress]`") {
                        self.egress(t, &mut layer);
                    }
                }
                "control" => {
                    if let Some(t) = self.table(value, "`[control]`") {
                        self.control(t, &mut layer);
                    }
                }
                "filters" => {
                    if let Some(t) = self.table(value, "`[filters]`") {
                        self.filters(t, &mut layer);
                    }
                }
                "env" => {
                    if let Some(t) = self.table(value, "`[env]`") {
                        self.env(t, &mut layer);
                    }
                }
                "hooks" => {
                    if let Some(t) = self.table(value, "`[hooks]`") {
                        self.hooks(t, &mut layer);
                    }
                }
                "rule" => match value.value.as_array() {
                    Some(rules) => {
                        for (i, r) in rules.iter().enumerate() {
                            if let Some(rule) = self.rule(i + 1, r, ctx) {
                                layer.rules.push(rule);
                            }
                        }
                    }
                    None => self.type_error(value, "an array of tables (`[[rule]]`)"),
                },
                _ => self.error(&key.span, unknown_key(k, TOP_KEYS)),
            }
        }
        layer
    }

    /// `[control]`: limits (non-negative integers up to each one's maximum) and
    /// `audit_fsync`.
    fn control(&mut self, t: &Table<'_>, layer: &mut Layer) {
        for (key, v) in t {
            let k = key.name.as_ref();
            if k == "audit_fsync" {
                match v.value.as_bool() {
                    Some(b) => layer.audit_fsync = Some((b, self.origin(&v.span))),
                    None => self.type_error(v, "true or false"),
                }
                continue;
            }
            let Some(limit) = super::Limit::ALL.into_iter().find(|l| l.key() == k) else {
                let keys: Vec<&str> =
                    super::Limit::ALL.iter().map(|l| l.key()).chain(std::iter::once("audit_fsync")).collect();
                self.error(&key.span, unknown_key(k, &keys));
                continue;
            };
            match whole(v) {
                Some(n) if n <= limit.max() => layer.limits.push((limit, n, self.origin(&v.span))),
                Some(_) => self.error(&v.span, format!("`{k}` is at most {}", limit.max())),
                None => self.type_error(v, &format!("`{k}` as a whole number from 0 to {}", limit.max())),
            }
        }
    }

    /// `[filters]`: `secrets` and `injection` (a mode, or `{ stdout = …, stderr = … }`),
    /// `timeout` (seconds) and `output_cap` (bytes), 0 meaning none.
    fn filters(&mut self, t: &Table<'_>, layer: &mut Layer) {
        for (key, v) in t {
            let k = key.name.as_ref();
            match k {
                "secrets" | "injection" => {
                    let kind =
                        if k == "secrets" { crate::filter::Kind::Secret } else { crate::filter::Kind::Injection };
                    for (st, m, o) in self.stream_modes(v) {
                        layer.filter_modes.push((st, kind, m, o));
                    }
                }
                "timeout" | "output_cap" => match whole(v) {
                    Some(n) => {
                        let o = self.origin(&v.span);
                        if k == "timeout" {
                            layer.timeout = Some((n, o));
                        } else {
                            layer.output_cap = Some((n, o));
                        }
                    }
                    None => self.type_error(v, &format!("`{k}` as a whole number (0: none)")),
                },
                "families" => {
                    let Some(table) = v.value.as_table() else {
                        self.type_error(v, "a table (`[filters.families]`: family = mode)");
                        continue;
                    };
                    for (fk, fv) in table {
                        let name = fk.name.as_ref();
                        let Some((slot, _)) = crate::filter::family_slot(name) else {
                            let names: Vec<&str> = crate::filter::families().map(|(_, _, n)| n).collect();
                            self.error(
                                &fk.span,
                                format!("unknown rule family `{name}` (one of: {})", names.join(", ")),
                            );
                            continue;
                        };
                        for (st, m, o) in self.stream_modes(fv) {
                            layer.family_modes.push((st, slot, m, o));
                        }
                    }
                }
                other => self.error(
                    &key.span,
                    unknown_key(other, &["secrets", "injection", "families", "timeout", "output_cap"]),
                ),
            }
        }
    }

    /// A mode for both streams, or `{ stdout = …, stderr = … }`: (stream, mode, where).
    fn stream_modes(&mut self, v: &Item<'_>) -> Vec<(super::OutStream, crate::filter::relay::Mode, Origin)> {
        let mut out = Vec::new();
        let Some(table) = v.value.as_table() else {
            if let Some(m) = self.mode(v) {
                let o = self.origin(&v.span);
                out.extend(super::OutStream::ALL.map(|st| (st, m, o.clone())));
            }
            return out;
        };
        for (sk, sv) in table {
            let st = match sk.name.as_ref() {
                "stdout" => super::OutStream::Stdout,
                "stderr" => super::OutStream::Stderr,
                other => {
                    self.error(&sk.span, unknown_key(other, &["stdout", "stderr"]));
                    continue;
                }
            };
            if let Some(m) = self.mode(sv) {
                out.push((st, m, self.origin(&sv.span)));
            }
        }
        out
    }

    fn mode(&mut self, v: &Item<'_>) -> Option<crate::filter::relay::Mode> {
        let s = self.string(v)?;
        let m = crate::filter::relay::Mode::parse(s);
        if m.is_none() {
            self.error(&v.span, format!("unknown filter mode `{s}` (off, annotate, redact or block)"));
        }
        m
    }

    /// `[env]`: `scrub` (name patterns removed from the command's environment) and
    /// `allow` (`[{ program = "gh", vars = ["GITHUB_TOKEN"] }]`: kept for commands that
    /// run that program).
    fn env(&mut self, t: &Table<'_>, layer: &mut Layer) {
        for (key, v) in t {
            match key.name.as_ref() {
                "scrub" => {
                    for (p, span) in self.strings(v).unwrap_or_default() {
                        if p.is_empty() || !p.bytes().all(|b| b == b'*' || b == b'_' || b.is_ascii_alphanumeric()) {
                            self.error(
                                &span,
                                format!("`{p}` is not a variable name pattern (letters, digits, `_` and `*`)"),
                            );
                        } else {
                            layer.env_scrub.push((p.to_owned(), self.origin(&span)));
                        }
                    }
                }
                "allow" => {
                    let Some(items) = v.value.as_array() else {
                        self.type_error(v, "an array of tables `{ program = …, vars = […] }`");
                        continue;
                    };
                    for item in items {
                        let Some(entry) = item.value.as_table() else {
                            self.type_error(item, "a table `{ program = …, vars = […] }`");
                            continue;
                        };
                        let (mut program, mut vars) = (None, Vec::new());
                        for (ek, ev) in entry {
                            match ek.name.as_ref() {
                                "program" => program = self.string(ev).map(str::to_owned),
                                "vars" => {
                                    vars = self
                                        .strings(ev)
                                        .unwrap_or_default()
                                        .into_iter()
                                        .map(|(s, _)| s.to_owned())
                                        .collect()
                                }
                                other => self.error(&ek.span, unknown_key(other, &["program", "vars"])),
                            }
                        }
                        match program {
                            Some(p) if !vars.is_empty() => layer.env_allow.push((p, vars, self.origin(&item.span))),
                            _ => self.error(&item.span, "an `[env] allow` entry needs `program` and non-empty `vars`"),
                        }
                    }
                }
                other => self.error(&key.span, unknown_key(other, &["scrub", "allow"])),
            }
        }
    }

    /// `[hooks]`: `protected_branches`, `protected_files` (globs) and `[[hooks.allow]]`
    /// (`path`, `rule`, `fingerprint`, at least one, and a `reason`).
    fn hooks(&mut self, t: &Table<'_>, layer: &mut Layer) {
        for (key, v) in t {
            match key.name.as_ref() {
                k @ ("protected_branches" | "protected_files") => {
                    let mut list = Vec::new();
                    for (p, span) in self.strings(v).unwrap_or_default() {
                        match globset::GlobBuilder::new(p).literal_separator(true).build() {
                            Ok(_) if !p.is_empty() => list.push((p.to_owned(), self.origin(&span))),
                            Ok(_) => self.error(&span, "an empty pattern"),
                            Err(e) => self.error(&span, format!("not a valid glob: {}", e.kind())),
                        }
                    }
                    if k == "protected_branches" {
                        layer.protected_branches = Some(list);
                    } else {
                        layer.protected_files = Some(list);
                    }
                }
                "allow" => {
                    let Some(items) = v.value.as_array() else {
                        self.type_error(v, "an array of tables (`[[hooks.allow]]`)");
                        continue;
                    };
                    for item in items {
                        let Some(entry) = item.value.as_table() else {
                            self.type_error(item, "a table `{ path = …, rule = …, fingerprint = …, reason = … }`");
                            continue;
                        };
                        let (mut path, mut rule, mut fingerprint, mut reason) = (None, None, None, None);
                        let mut ok = true;
                        for (ek, ev) in entry {
                            let slot = match ek.name.as_ref() {
                                "path" => &mut path,
                                "rule" => &mut rule,
                                "fingerprint" => &mut fingerprint,
                                "reason" => &mut reason,
                                other => {
                                    self.error(
                                        &ek.span,
                                        unknown_key(other, &["path", "rule", "fingerprint", "reason"]),
                                    );
                                    ok = false;
                                    continue;
                                }
                            };
                            *slot = self.string(ev).map(str::to_owned);
                            ok &= slot.is_some();
                        }
                        if let Some(p) = &path {
                            if let Err(e) = globset::GlobBuilder::new(p).literal_separator(true).build() {
                                self.error(&item.span, format!("`path` is not a valid glob: {}", e.kind()));
                                ok = false;
                            }
                        }
                        if let Some(r) = &rule {
                            if !crate::filter::secret::rules().any(|x| x.id == r) {
                                self.error(&item.span, format!("unknown secret rule `{r}` (see `tako-exec scan`)"));
                                ok = false;
                            }
                        }
                        let reason = reason.filter(|r| !r.trim().is_empty());
                        if path.is_none() && rule.is_none() && fingerprint.is_none() {
                            self.error(&item.span, "a `[[hooks.allow]]` entry needs `path`, `rule` or `fingerprint`");
                        } else if reason.is_none() {
                            self.error(&item.span, "a `[[hooks.allow]]` entry needs a `reason`");
                        } else if ok {
                            layer.hook_allow.push(super::HookAllow {
                                path,
                                rule,
                                fingerprint,
                                reason: reason.unwrap_or_default(),
                                origin: self.origin(&item.span),
                                operator: false,
                            });
                        }
                    }
                }
                other => self.error(&key.span, unknown_key(other, &["protected_branches", "protected_files", "allow"])),
            }
        }
    }

    /// `value` as a table, or a type error naming `what`.
    fn table<'v, 'i>(&mut self, value: &'v Item<'i>, what: &str) -> Option<&'v Table<'i>> {
        let t = value.value.as_table();
        if t.is_none() {
            self.type_error(value, &format!("a table ({what})"));
        }
        t
    }

    /// `[permissions]`: each a decision, or a table of decisions by context.
    fn permissions(&mut self, t: &Table<'_>, layer: &mut Layer) {
        for (k, v) in t {
            let name = k.name.as_ref();
            let Some(p) = super::Perm::ALL.iter().find(|p| p.as_str() == name) else {
                let known: Vec<&str> = super::Perm::ALL.iter().map(|p| p.as_str()).collect();
                self.error(&k.span, unknown_key(name, &known));
                continue;
            };
            match v.value.as_table() {
                // `shell = { agent = "ask", interactive = "allow" }`
                Some(by_who) => {
                    for (w, d) in by_who {
                        match Who::parse(w.name.as_ref()) {
                            Some(who) => {
                                if let Some(d) = self.decision(d) {
                                    layer.permissions.push((*p, Some(who), d, self.origin(&w.span)));
                                }
                            }
                            None => {
                                self.error(&w.span, unknown_key(w.name.as_ref(), &["interactive", "agent", "ci"]));
                            }
                        }
                    }
                }
                None => {
                    if let Some(d) = self.decision(v) {
                        layer.permissions.push((*p, None, d, self.origin(&k.span)));
                    }
                }
            }
        }
    }

    /// `[paths]`: `outside`, `allowed_roots`, `protected`.
    fn paths(&mut self, t: &Table<'_>, layer: &mut Layer) {
        for (k, v) in t {
            match k.name.as_ref() {
                "outside" => {
                    if let Some(d) = self.decision(v) {
                        layer.outside = Some((d, self.origin(&k.span)));
                    }
                }
                "allowed_roots" => {
                    for (root, span) in self.strings(v).unwrap_or_default() {
                        if root.starts_with('/') || root.starts_with("~/") {
                            layer.allowed_roots.push((root.to_owned(), self.origin(&span)));
                        } else {
                            self.error(&span, "an allowed root is absolute (`/…`) or in the home (`~/…`)");
                        }
                    }
                }
                "protected" => {
                    for (pattern, span) in self.strings(v).unwrap_or_default() {
                        layer.protected.push((pattern.to_owned(), self.origin(&span)));
                    }
                }
                other => self.error(&k.span, unknown_key(other, PATH_KEYS)),
            }
        }
    }

    /// `[egress]`: `allow` and `deny` host patterns, `sends`.
    fn egress(&mut self, t: &Table<'_>, layer: &mut Layer) {
        for (k, v) in t {
            match k.name.as_ref() {
                "sends" => {
                    if let Some(d) = self.decision(v) {
                        layer.egress_sends = Some((d, self.origin(&k.span)));
                    }
                }
                key @ ("allow" | "deny") => {
                    for (host, span) in self.strings(v).unwrap_or_default() {
                        let star_ok = host == "*" || host.strip_prefix("*.").is_some_and(|r| !r.contains('*'));
                        if host.trim().is_empty() || (host.contains('*') && !star_ok) || host.contains(['/', ' ']) {
                            self.error(
                                &span,
                                "a host pattern is a name (`github.com`), `*.name` (its subdomains) or `*`",
                            );
                            continue;
                        }
                        let entry = (host.to_owned(), self.origin(&span));
                        if key == "allow" {
                            layer.egress_allow.push(entry);
                        } else {
                            layer.egress_deny.push(entry);
                        }
                    }
                }
                other => self.error(&k.span, unknown_key(other, EGRESS_KEYS)),
            }
        }
    }

    fn type_error(&mut self, value: &Item<'_>, expected: &str) {
        self.error(&value.span, format!("expected {expected}, found {}", value.value.type_str()));
    }

    fn decision(&mut self, v: &Item<'_>) -> Option<Decision> {
        self.string(v).and_then(|s| match s {
            "allow" => Some(Decision::Allow),
            "ask" => Some(Decision::Ask),
            "deny" => Some(Decision::Deny),
            other => {
                self.error(&v.span, format!("unknown decision `{other}` (allow, ask or deny)"));
                None
            }
        })
    }

    fn string<'v>(&mut self, value: &'v Item<'_>) -> Option<&'v str> {
        match value.value.as_str() {
            Some(s) => Some(s),
            None => {
                self.type_error(value, "a string");
                None
            }
        }
    }

    fn strings<'v>(&mut self, value: &'v Item<'_>) -> Option<Vec<Located<'v>>> {
        let Some(items) = value.value.as_array() else {
            self.type_error(value, "an array of strings");
            return None;
        };
        let mut out = Vec::new();
        for item in items {
            match item.value.as_str() {
                Some(s) => out.push((s, item.span.clone())),
                None => self.type_error(item, "a string"),
            }
        }
        Some(out)
    }

    /// One `[[rule]]`; `None` when it has errors (they are reported).
    fn rule(&mut self, n: usize, value: &Item<'_>, ctx: &Context) -> Option<Rule> {
        let Some(table) = value.value.as_table() else {
            self.type_error(value, "a table");
            return None;
        };
        let errors_before = self.diags.len();
        let at = value.span.clone();
        // The name first: every message about the rule carries it.
        let named = table.iter().find(|(k, _)| k.name == "id").and_then(|(_, v)| self.string(v));
        let id = named.map_or_else(|| format!("rule {n}"), str::to_owned);
        let mut command: Option<(Vec<Located>, Range<usize>)> = None;
        let mut regex: Option<Located> = None;
        let mut decision = None;
        let mut reason = None;
        let mut contexts = Vec::new();
        let mut examples: Vec<Located> = Vec::new();
        let mut counter: Vec<Located> = Vec::new();
        let mut expires: Option<&str> = None;
        let mut granted: Option<&str> = None;
        let mut signature: Option<&str> = None;
        let mut exact = false;
        for (key, v) in table {
            match key.name.as_ref() {
                "id" => {}
                "command" => command = self.strings(v).map(|c| (c, v.span.clone())),
                "regex" => regex = self.string(v).map(|s| (s, v.span.clone())),
                "decision" => decision = self.decision(v),
                "reason" => reason = self.string(v).filter(|s| !s.trim().is_empty()).map(str::to_owned),
                "context" => {
                    for (c, span) in self.strings(v).unwrap_or_default() {
                        match Who::parse(c) {
                            Some(w) => contexts.push(w),
                            None => self.error(&span, format!("unknown context `{c}` (interactive, agent or ci)")),
                        }
                    }
                }
                "match" => examples = self.strings(v).unwrap_or_default(),
                "exact" => match v.value.as_bool() {
                    Some(b) => exact = b,
                    None => self.type_error(v, "true or false"),
                },
                key @ ("granted" | "expires") => match self.string(v) {
                    Some(t) if super::grant::is_utc(t) => {
                        if key == "expires" {
                            expires = Some(t);
                        } else {
                            granted = Some(t);
                        }
                    }
                    Some(_) => self.error(&v.span, format!("{id}: `{key}` is a UTC time like 2026-12-07T09:30:00Z")),
                    None => {}
                },
                "not_match" => counter = self.strings(v).unwrap_or_default(),
                "signature" => signature = self.string(v),
                other => self.error(&key.span, unknown_key(other, RULE_KEYS)),
            }
        }
        // The words a remembered grant signed (only a grant needs them).
        let grant_words: Vec<&str> = match (&granted, &command) {
            (Some(_), Some((c, _))) => c.iter().map(|(w, _)| *w).collect(),
            _ => Vec::new(),
        };
        let matcher = match (command, regex) {
            (Some(_), Some((_, span))) => {
                self.error(&span, format!("{id}: give either `command` or `regex`, not both"));
                None
            }
            (None, None) => {
                self.error(&at, format!("{id}: needs `command = [\"prog\", \"sub\", …]` or `regex = \"…\"`"));
                None
            }
            (Some((tokens, span)), None) => {
                if tokens.is_empty() {
                    self.error(&span, format!("{id}: `command` needs at least the program"));
                }
                let mut out = Vec::new();
                for (t, span) in tokens {
                    match Token::new(t) {
                        Ok(tok) => out.push(tok),
                        Err(e) => self.error(&span, format!("{id}: {e}")),
                    }
                }
                Some(Matcher::Prefix(out))
            }
            (None, Some((re, span))) => match regex::bytes::RegexBuilder::new(re).unicode(false).build() {
                Ok(r) => Some(Matcher::Regex(r)),
                Err(e) => {
                    let last = e.to_string().lines().last().unwrap_or("").trim().to_string();
                    let msg = last.strip_prefix("error: ").unwrap_or(&last).to_string();
                    self.error(&span, format!("{id}: bad regex: {msg}"));
                    None
                }
            },
        };
        if decision.is_none() && !table.iter().any(|(k, _)| k.name == "decision") {
            self.error(&at, format!("{id}: needs `decision` (allow, ask or deny)"));
        }
        if reason.is_none() {
            self.error(&at, format!("{id}: needs a non-empty `reason` (shown when the rule decides)"));
        }
        if examples.is_empty() {
            self.error(&at, format!("{id}: needs `match = [\"…\"]`, at least one command the rule must match"));
        }
        // An expired grant no longer applies (and is not checked).
        if expires.is_some_and(|e| *e <= *super::grant::utc(std::time::SystemTime::now())) {
            return None;
        }
        // A remembered grant counts only with the operator's signature.
        if let Some(granted) = &granted {
            let payload = super::grant::payload(&grant_words, granted, expires.unwrap_or(""));
            let ok = match (&self.file.signer, &signature) {
                (Some(key), Some(sig)) => key.verify(crate::control::Domain::Grant, &payload, sig),
                _ => false,
            };
            if !ok {
                let why = match (&self.file.signer, &signature) {
                    (None, _) => "only the operator key of an imprinted workspace can sign it (`tako-exec init`)",
                    (Some(_), None) => "it has no `signature`",
                    (Some(_), Some(_)) => "its `signature` is not the operator key's",
                };
                self.diags.push(Diagnostic::ignored(
                    self.origin(&at),
                    id.clone(),
                    format!("{id}: a remembered grant is used only when signed by the operator; {why}"),
                ));
                return None;
            }
        }
        // Examples are checked whenever the rule could be built, so one pass reports
        // them with the rule's other problems.
        let (Some(decision), Some(reason), Some(matcher)) = (decision, reason, matcher) else { return None };
        let rule = Rule { id, decision, reason, matcher, contexts, exact, origin: self.origin(&at) };
        let id = &rule.id;
        // The examples are checked against the analyzer, as commands are at run time.
        let (examples, counter) = if self.file.check_examples { (examples, counter) } else { (Vec::new(), Vec::new()) };
        for (text, span) in &examples {
            match example_matches(&rule, text, ctx) {
                Ok(true) => {}
                Ok(false) => self.error(span, format!("{id}: the example `{text}` does not match the rule")),
                Err(e) => self.error(span, format!("{id}: the example `{text}` is not valid shell: {e}")),
            }
        }
        for (text, span) in &counter {
            match example_matches(&rule, text, ctx) {
                Ok(false) => {}
                Ok(true) => self.error(span, format!("{id}: the counter-example `{text}` matches the rule")),
                Err(e) => self.error(span, format!("{id}: the counter-example `{text}` is not valid shell: {e}")),
            }
        }
        (self.diags.len() == errors_before).then_some(rule)
    }
}

/// A non-negative decimal integer, as written (no sign, no `0x`, no float).
fn whole(v: &Item<'_>) -> Option<u64> {
    v.value.as_integer().and_then(|(digits, radix)| digits.parse::<u64>().ok().filter(|_| radix == 10))
}

/// Whether `rule` matches any program `text` runs.
fn example_matches(rule: &Rule, text: &str, ctx: &Context) -> Result<bool, String> {
    let mut ctx = ctx.clone();
    ctx.read_files = false;
    let analysis = crate::analyze::analyze(text, &[], &ctx).map_err(|e| e.to_string())?;
    Ok(analysis.invocations.iter().any(|inv| rule.matches(inv)))
}

fn unknown_key(k: &str, known: &[&str]) -> String {
    format!("unknown key `{k}` (known here: {})", known.join(", "))
}

/// The largest character boundary of `s` at or before byte `i`.
fn char_floor(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
