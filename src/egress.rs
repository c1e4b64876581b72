//! Egress: which network hosts one command invocation reaches, and whether it sends data
//! there.
//!
//! [`net_uses`] reads the arguments of the programs that talk to the network and reports
//! each host with what is sent to it: HTTP clients (curl, curlie, wget, HTTPie, xh),
//! git's remote commands, ssh and the copiers over it (scp, sftp, rsync), raw sockets
//! (nc, ncat, netcat, socat, telnet, `openssl s_client`), package managers' index and
//! registry options (pip, uv, npm and its kin, cargo, twine) and container registries
//! (`docker`/`podman` push, pull, login). [`host_matches`] matches a host against an
//! `egress.allow` / `egress.deny` pattern.
//!
//! Invariants:
//! - It never decides: allow, ask and deny belong to the policy.
//! - Pure, but for one read: the workspace repository's git configuration, to find the
//!   URL of a remote (`git push`), and only when the [`Context`] allows reading files
//!   and git runs inside the workspace.
//! - Sound over precise. A value not known statically (`curl $URL`) is a
//!   [`Host::Unknown`], never dropped. An option the tables below do not know is taken
//!   for a flag, so a word after it still counts as a URL: an extra host, never a
//!   missed one. Hosts that carry the request instead of the one named (`curl -x`,
//!   `--connect-to`, `--resolve`, `ssh -o HostName=`, jump hosts, proxies set in the
//!   environment of the command) are reported too.
//! - Hosts are normalised as the programs resolve them, the same way in [`net_uses`]
//!   and [`host_matches`], so a deny list cannot be sidestepped by spelling: lowercase,
//!   percent-decoded, without user, port or trailing dot, IPv6 without brackets in
//!   canonical form, IPv4 in any numeric form (`2130706433`, `0x7f.1`) as a dotted
//!   quad.
//! - Only the invocation given is judged. Wrappers (`sudo`, `env`, `xargs`) and nesting
//!   are seen through by the analyzer, which yields the inner invocation on its own. A
//!   command run on another host (`ssh host curl …`, see [`Invocation::via`]) is
//!   reported like a local one; what egress from there means is the caller's choice.
//!
//! Not covered: hosts named in files the programs read on their own (`~/.curlrc`,
//! `~/.ssh/config`, `.npmrc`, `.pypirc`, requirements files, `.gitmodules`, wget's
//! `-i` lists: reported as unknown where an option names the file), name resolution
//! (`dig`, `host`), images pulled implicitly (`docker run`), remote docker daemons
//! (`docker -H`), and programs not listed above.

use std::borrow::Cow;
use std::fmt;
use std::net::Ipv6Addr;

use crate::analyze::git::GitCmd;
use crate::analyze::model::{Cwd, Field, Input, Invocation, Unknown, UNKNOWN_MARK};
use crate::context::Context;
use crate::parse::Text;

#[cfg(test)]
mod tests;

/// One use of the network by a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetUse {
    /// The host reached.
    pub host: Host,
    /// What is sent there, for messages (`a request body (-d @notes.txt)`); `None` when
    /// the command only fetches.
    pub send: Option<String>,
    /// The program, with its subcommand for git and the container tools (`curl`,
    /// `git push`, `docker login`).
    pub program: String,
}

/// A network host.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Host {
    /// A hostname or IP address, normalised: lowercase, no port, no user, no trailing
    /// dot, IPv6 without brackets.
    Known(String),
    /// A host that is not known statically: what stands for it (`$URL`, `the URL of git
    /// remote origin`).
    Unknown(String),
}

impl Host {
    /// The hostname, when known.
    #[must_use]
    pub fn known(&self) -> Option<&str> {
        match self {
            Self::Known(h) => Some(h),
            Self::Unknown(_) => None,
        }
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Known(h) => f.write_str(h),
            Self::Unknown(w) => write!(f, "an unknown host ({w})"),
        }
    }
}

/// Whether `host` matches a pattern of an `egress.allow` or `egress.deny` list.
///
/// Patterns: `github.com` (that host only), `*.github.com` (its subdomains at any depth,
/// not `github.com` itself), `*` (any host). Both sides are normalised as [`net_uses`]
/// normalises hosts (case, trailing dot, brackets, numeric IP forms). A `*` anywhere
/// else in a pattern matches nothing.
#[must_use]
pub fn host_matches(pattern: &str, host: &str) -> bool {
    let Some(host) = normalize_host(host) else { return false };
    let pattern = pattern.trim();
    if pattern == "*" {
        return true;
    }
    if let Some(suffix) = pattern.strip_prefix("*.") {
        let Some(suffix) = normalize_host(suffix).filter(|s| !s.contains('*')) else { return false };
        return host.len() > suffix.len() + 1
            && host.ends_with(&suffix)
            && host.as_bytes()[host.len() - suffix.len() - 1] == b'.';
    }
    !pattern.contains('*') && normalize_host(pattern).is_some_and(|p| p == host)
}

/// The network hosts an invocation reaches and what it sends to each, in the order the
/// command names them, without duplicates.
#[must_use]
pub fn net_uses(inv: &Invocation, ctx: &Context) -> Vec<NetUse> {
    let mut out = Out::default();
    // bash's `/dev/tcp/HOST/PORT` redirections connect to HOST, whatever the program.
    for r in &inv.redirects {
        if let Some(host) = r.target.as_ref().and_then(dev_net_host) {
            let send = (r.mode != crate::analyze::RedirMode::Read).then(|| format!("the output of `{}`", inv.text));
            out.push(host, send, "a /dev/tcp redirection");
        }
    }
    let Some(name) = inv.name() else { return out.uses };
    let name = name.as_ref();
    match name {
        "curl" | "curlie" => curl(inv, name, &mut out),
        "wget" | "wget2" => wget(inv, name, &mut out),
        "http" | "https" | "xh" | "xhs" => httpie(inv, name, &mut out),
        "git" => git(inv, ctx, &mut out),
        "ssh" => ssh(inv, &mut out),
        "ssh-copy-id" => ssh_copy_id(inv, &mut out),
        "scp" => copy(inv, "scp", &SCP, &mut out),
        "rsync" => copy(inv, "rsync", &RSYNC, &mut out),
        "sftp" => sftp(inv, &mut out),
        "nc" | "netcat" => netcat(inv, name, &NC, &mut out),
        "ncat" => netcat(inv, name, &NCAT, &mut out),
        "telnet" => netcat(inv, name, &TELNET, &mut out),
        "socat" => socat(inv, &mut out),
        "openssl" => openssl(inv, &mut out),
        "docker" | "podman" | "nerdctl" => docker(inv, name, &mut out),
        "npm" | "npx" | "pnpm" | "yarn" | "bun" => npm(inv, name, &mut out),
        "cargo" => cargo(inv, ctx, &mut out),
        "twine" => twine(inv, &mut out),
        "uv" => uv(inv, &mut out),
        n if is_pip(n) => pip(inv, inv.args(), n, &mut out),
        n if n.starts_with("python") => {
            // `python -m pip …`: the arguments after `pip`.
            let args = inv.args();
            if let Some(p) =
                args.windows(2).position(|w| w[0].as_known() == Some("-m") && w[1].as_known() == Some("pip"))
            {
                pip(inv, &args[p + 2..], "pip", &mut out);
            }
        }
        _ => {}
    }
    if !out.uses.is_empty() && (HTTP_PROGRAMS.contains(&name) || is_pip(name) || name.starts_with("python")) {
        env_proxies(inv, &mut out);
    }
    out.uses
}

/// Programs that honour the `http_proxy` family of environment variables (and pip's).
const HTTP_PROGRAMS: &[&str] = &[
    "curl", "curlie", "wget", "wget2", "http", "https", "xh", "xhs", "git", "npm", "npx", "pnpm", "yarn", "bun",
    "cargo", "twine", "uv",
];

/// The uses found so far (at most 256: more add nothing a policy could use).
#[derive(Default)]
struct Out {
    uses: Vec<NetUse>,
}

impl Out {
    fn push(&mut self, host: Host, send: Option<String>, program: &str) {
        let u = NetUse { host, send, program: program.to_string() };
        if !self.uses.contains(&u) && self.uses.len() < 256 {
            self.uses.push(u);
        }
    }

    /// The first description of what is sent, if anything is.
    fn first_send(&self) -> Option<String> {
        self.uses.iter().find_map(|u| u.send.clone())
    }
}

/// Proxies given in the command's own environment (`https_proxy=http://p:3128 curl …`):
/// they carry every request, and see what is sent.
fn env_proxies(inv: &Invocation, out: &mut Out) {
    let send = out.first_send();
    let program = out.uses.first().map(|u| u.program.clone()).unwrap_or_default();
    for (k, v) in &inv.env {
        if matches!(k.to_ascii_lowercase().as_str(), "http_proxy" | "https_proxy" | "all_proxy" | "ftp_proxy") {
            if let Some(h) = url_host(v, "http") {
                out.push(h, send.clone(), &program);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Option parsing

/// How a program's options take values.
struct Syntax {
    /// Short options that take a value (attached, `-dx`, or the next argument).
    short: &'static str,
    /// Long options (without dashes) that take a value (`--opt=x` or `--opt x`).
    long: &'static [&'static str],
    /// Long options known to take none; with `abbrev`, they make abbreviations
    /// ambiguous rather than resolved to an option that takes a value.
    flags: &'static [&'static str],
    /// Unambiguous abbreviations of long options are accepted (`--data-b`).
    abbrev: bool,
    /// A prefix the program strips from long options before looking them up (curl's
    /// `--expand-`).
    strip: &'static str,
    /// Options are parsed until this many operands have been seen; everything after is
    /// an operand (`ssh HOST [options] COMMAND…`). Zero: options anywhere.
    stop: usize,
}

/// One parsed argument.
#[derive(Debug, Clone)]
enum Arg {
    /// An option.
    Opt(Opt),
    /// A word that is not an option (or any word after `--`).
    Operand(Field),
}

/// An option as parsed.
#[derive(Debug, Clone)]
struct Opt {
    /// `-d`, or `--` and the long name (an abbreviation resolved); holds the unknown
    /// mark when the option is not known statically (`--$X`).
    name: String,
    /// As written, for messages.
    written: String,
    /// The value, for options that take one.
    value: Option<Field>,
}

impl Arg {
    /// The option, when this is one named by any of `names` (`-d`, `--data`).
    fn opt(&self, names: &[&str]) -> Option<&Opt> {
        match self {
            Self::Opt(o) if names.contains(&o.name.as_str()) => Some(o),
            _ => None,
        }
    }

    /// The value of the option, when this is one named by any of `names`.
    fn value(&self, names: &[&str]) -> Option<&Field> {
        self.opt(names).and_then(|o| o.value.as_ref())
    }

    /// Whether this is an option not known statically (`-$X`, `--$X`).
    fn unknown_opt(&self) -> bool {
        matches!(self, Self::Opt(o) if o.name.contains(UNKNOWN_MARK))
    }
}

/// The operands among parsed arguments.
fn operands(args: &[Arg]) -> Vec<&Field> {
    args.iter()
        .filter_map(|a| match a {
            Arg::Operand(f) => Some(f),
            Arg::Opt(_) => None,
        })
        .collect()
}

/// Whether any of the options `names` is present.
fn has(args: &[Arg], names: &[&str]) -> bool {
    args.iter().any(|a| a.opt(names).is_some())
}

/// The values of the options `names`, in order.
fn values<'a>(args: &'a [Arg], names: &'a [&str]) -> impl Iterator<Item = &'a Field> + 'a {
    args.iter().filter_map(move |a| a.value(names))
}

impl Syntax {
    /// Resolves a long option name: its full name and whether it takes a value.
    fn resolve<'n>(&self, name: &'n str) -> (Cow<'n, str>, bool) {
        let name = if self.strip.is_empty() { name } else { name.strip_prefix(self.strip).unwrap_or(name) };
        if self.long.contains(&name) {
            return (Cow::Borrowed(name), true);
        }
        if !self.abbrev || self.flags.contains(&name) || name.starts_with("no-") {
            return (Cow::Borrowed(name), false);
        }
        let mut hits = self
            .long
            .iter()
            .map(|n| (*n, true))
            .chain(self.flags.iter().map(|n| (*n, false)))
            .filter(|(n, _)| n.starts_with(name));
        match (hits.next(), hits.next()) {
            (Some((full, value)), None) => (Cow::Owned(full.to_string()), value),
            _ => (Cow::Borrowed(name), false),
        }
    }

    /// Parses arguments in the getopt style.
    fn parse(&self, args: &[Field]) -> Vec<Arg> {
        let mut out = Vec::new();
        let mut seen = 0;
        let mut rest = false;
        let mut i = 0;
        while let Some(a) = args.get(i) {
            i += 1;
            if rest || (self.stop > 0 && seen >= self.stop) {
                out.push(Arg::Operand(a.clone()));
                continue;
            }
            let t = a.text.as_str();
            if t == "--" {
                rest = true;
                continue;
            }
            if let Some(body) = t.strip_prefix("--") {
                let (name, attached) = match body.split_once('=') {
                    Some((n, _)) => (n, Some(2 + n.len() + 1)),
                    None => (body, None),
                };
                if name.contains(UNKNOWN_MARK) {
                    out.push(Arg::Opt(Opt { name: t.to_string(), written: a.display(), value: None }));
                    continue;
                }
                let (full, takes) = self.resolve(name);
                let value = match (takes, attached) {
                    (_, Some(at)) => Some(sub_field(a, at, t.len())),
                    (true, None) => {
                        i += 1;
                        args.get(i - 1).cloned()
                    }
                    (false, None) => None,
                };
                out.push(Arg::Opt(Opt { name: format!("--{full}"), written: format!("--{name}"), value }));
                continue;
            }
            if t.len() > 1 && t.starts_with('-') {
                for (k, c) in t[1..].char_indices() {
                    if c == UNKNOWN_MARK {
                        let rest = &t[1 + k..];
                        out.push(Arg::Opt(Opt { name: format!("-{rest}"), written: a.display(), value: None }));
                        break;
                    }
                    if self.short.contains(c) {
                        let at = 1 + k + c.len_utf8();
                        let value = if at < t.len() {
                            Some(sub_field(a, at, t.len()))
                        } else {
                            i += 1;
                            args.get(i - 1).cloned()
                        };
                        out.push(Arg::Opt(Opt { name: format!("-{c}"), written: format!("-{c}"), value }));
                        break;
                    }
                    out.push(Arg::Opt(Opt { name: format!("-{c}"), written: format!("-{c}"), value: None }));
                }
                continue;
            }
            seen += 1;
            out.push(Arg::Operand(a.clone()));
        }
        out
    }
}

/// The part `start..end` of a field's text, with the unknowns that stand in it.
fn sub_field(f: &Field, start: usize, end: usize) -> Field {
    let skipped = f.text[..start].matches(UNKNOWN_MARK).count();
    let text = Text::from(&f.text[start..end]);
    let count = text.matches(UNKNOWN_MARK).count();
    Field {
        text,
        unknowns: f.unknowns.iter().skip(skipped).take(count).cloned().collect(),
        glob: f.glob,
        quoted: f.quoted,
        taint: f.taint.clone(),
    }
}

/// The values of options found by a plain scan (`--name V`, `--name=V`, and for
/// one-letter names `-n V`, `-nV`), for programs whose other options do not matter.
pub(crate) fn scan(args: &[Field], names: &[&str]) -> Vec<Field> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(a) = args.get(i) {
        i += 1;
        let t = a.text.as_str();
        if t == "--" {
            break;
        }
        for n in names {
            if t == *n {
                if let Some(v) = args.get(i) {
                    out.push(v.clone());
                    i += 1;
                }
                break;
            }
            let rest = t.strip_prefix(n);
            let attached = if n.starts_with("--") { rest.and_then(|r| r.strip_prefix('=')) } else { rest };
            if let Some(v) = attached.filter(|v| !v.is_empty()) {
                out.push(sub_field(a, t.len() - v.len(), t.len()));
                break;
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Hosts

/// Normalises a hostname as the network programs resolve it; `None` when it names no
/// host (empty, or no letter or digit in it).
fn normalize_host(raw: &str) -> Option<String> {
    let h = raw.trim();
    let h = h.strip_prefix('[').and_then(|x| x.strip_suffix(']')).unwrap_or(h);
    let h = percent_decode(h);
    let lower = h.to_lowercase();
    let lower = lower.trim_end_matches('.');
    if !lower.chars().any(char::is_alphanumeric) {
        return None;
    }
    if lower.contains(':') {
        let addr = lower.split('%').next().unwrap_or(lower);
        return Some(addr.parse::<Ipv6Addr>().map_or_else(|_| lower.to_string(), |a| a.to_string()));
    }
    Some(loose_ipv4(lower).unwrap_or_else(|| lower.to_string()))
}

/// `%41` and the like decoded, when the result is text.
fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (b[i], b.get(i + 1).copied().and_then(hex), b.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(h), Some(l)) => {
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_or(Cow::Borrowed(s), Cow::Owned)
}

/// An IPv4 address in any form `inet_aton` accepts (`127.1`, `2130706433`,
/// `0x7f.0.0.1`, `0177.0.0.1`), as a dotted quad.
fn loose_ipv4(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut nums = Vec::with_capacity(4);
    for p in &parts {
        let n = if let Some(h) = p.strip_prefix("0x").or_else(|| p.strip_prefix("0X")) {
            if h.is_empty() {
                0
            } else {
                u64::from_str_radix(h, 16).ok()?
            }
        } else if p.len() > 1 && p.starts_with('0') {
            u64::from_str_radix(&p[1..], 8).ok()?
        } else if !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()) {
            p.parse::<u64>().ok()?
        } else {
            return None;
        };
        nums.push(n);
    }
    let (last, init) = nums.split_last()?;
    if init.iter().any(|&n| n > 255) || *last >= 1u64 << (8 * (5 - nums.len())) {
        return None;
    }
    let mut v: u64 = 0;
    for (k, n) in init.iter().enumerate() {
        v |= n << (24 - 8 * k);
    }
    v |= last;
    let v = u32::try_from(v).ok()?;
    Some(std::net::Ipv4Addr::from(v).to_string())
}

/// The host of a redirection target bash opens as a network connection
/// (`/dev/tcp/HOST/PORT`, `/dev/udp/HOST/PORT`), not as a file.
pub(crate) fn dev_net_host(target: &Field) -> Option<Host> {
    let rest = target.text.strip_prefix("/dev/tcp/").or_else(|| target.text.strip_prefix("/dev/udp/"))?;
    let raw = rest.split('/').next().unwrap_or("");
    host_in(raw, target).or_else(|| Some(unknown_host(target)))
}

/// The host named by `raw` (a slice of `f`'s text), unknown when a value not known
/// statically stands in it.
fn host_in(raw: &str, f: &Field) -> Option<Host> {
    if raw.contains(UNKNOWN_MARK) {
        return Some(unknown_host(f));
    }
    normalize_host(raw).map(Host::Known)
}

/// An unknown host named by a field: the field as written (`$URL`, `https://$H/x`), or
/// what its only value stands for (the output of a command, input read at run time).
fn unknown_host(f: &Field) -> Host {
    let what = match f.unknowns.as_slice() {
        [u] if f.text.len() == UNKNOWN_MARK.len_utf8() => u.describe(),
        _ => f.display(),
    };
    Host::Unknown(shorten(&what))
}

/// Splits `scheme://rest`; `None` when the text has no scheme.
fn split_scheme(t: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = t.split_once("://")?;
    let ok = !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    ok.then_some((scheme, rest))
}

/// The host part of a URL's authority (`user:pw@host:port`), brackets kept off IPv6.
/// The authority ends at `/`, `?` or `#` (not at `\\`, as curl reads it) and the user
/// part at the last `@`.
fn authority_host(rest: &str) -> &str {
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let auth = &rest[..end];
    let auth = auth.rfind('@').map_or(auth, |at| &auth[at + 1..]);
    if let Some(v6) = auth.strip_prefix('[') {
        return v6.find(']').map_or(v6, |e| &v6[..e]);
    }
    auth.find(':').map_or(auth, |c| &auth[..c])
}

/// The host a URL reaches (`default_scheme` when it has none); `None` for local
/// schemes (`file://`) and URLs without a host.
fn url_host(f: &Field, default_scheme: &str) -> Option<Host> {
    let t = f.text.as_str();
    let rest = match split_scheme(t) {
        Some((scheme, _)) if scheme.eq_ignore_ascii_case("file") => return None,
        Some((_, rest)) => rest,
        None if default_scheme == "file" => return None,
        None => t,
    };
    host_in(authority_host(rest), f)
}

/// Whether a field carries data from this machine: derived from a secret, or the output
/// of a command.
fn carries_data(f: &Field) -> bool {
    f.taint.secret.is_some() || f.unknowns.iter().any(|u| matches!(u, Unknown::Output(_) | Unknown::Stream(_)))
}

/// What a command reads on its standard input, when the script feeds it.
fn stdin_sent(inv: &Invocation) -> Option<String> {
    match &inv.stdin {
        Input::Pipe(s) => Some(match &s.producer {
            Some(p) => format!("standard input (the output of `{}`)", shorten(p)),
            None => "standard input (a pipe)".to_string(),
        }),
        Input::Text(_) => Some("standard input (a here-document or here-string)".to_string()),
        Input::File(f) => Some(format!("standard input (< {})", shorten(&f.display()))),
        Input::Inherited | Input::Null => None,
    }
}

/// Text cut to a length fit for a message.
fn shorten(s: &str) -> String {
    const MAX: usize = 80;
    if s.chars().count() <= MAX {
        return s.to_string();
    }
    let mut out: String = s.chars().take(MAX - 1).collect();
    out.push('…');
    out
}

/// `noun (parts…)`, or `None` without parts.
fn describe(noun: &str, parts: &[String]) -> Option<String> {
    (!parts.is_empty()).then(|| format!("{noun} ({})", shorten(&parts.join(" "))))
}

/// `--opt value` for messages.
fn spelled(o: &Opt) -> String {
    match &o.value {
        Some(v) => format!("{} {}", o.written, v.display()),
        None => o.written.clone(),
    }
}

// ---------------------------------------------------------------------------------------
// HTTP clients

/// curl's long options that take a value.
const CURL_VALUES: &[&str] = &[
    "abstract-unix-socket",
    "alt-svc",
    "aws-sigv4",
    "cacert",
    "capath",
    "cert",
    "cert-type",
    "ciphers",
    "config",
    "connect-timeout",
    "connect-to",
    "continue-at",
    "cookie",
    "cookie-jar",
    "create-file-mode",
    "crlfile",
    "curves",
    "data",
    "data-ascii",
    "data-binary",
    "data-raw",
    "data-urlencode",
    "delegation",
    "dns-interface",
    "dns-ipv4-addr",
    "dns-ipv6-addr",
    "dns-servers",
    "doh-url",
    "dump-header",
    "ech",
    "egd-file",
    "engine",
    "etag-compare",
    "etag-save",
    "expect100-timeout",
    "form",
    "form-string",
    "ftp-account",
    "ftp-alternative-to-user",
    "ftp-method",
    "ftp-port",
    "ftp-ssl-ccc-mode",
    "happy-eyeballs-timeout-ms",
    "haproxy-clientip",
    "header",
    "hostpubmd5",
    "hostpubsha256",
    "hsts",
    "interface",
    "ip-tos",
    "ipfs-gateway",
    "json",
    "keepalive-cnt",
    "keepalive-time",
    "key",
    "key-type",
    "knownhosts",
    "krb",
    "libcurl",
    "limit-rate",
    "local-port",
    "login-options",
    "mail-auth",
    "mail-from",
    "mail-rcpt",
    "max-filesize",
    "max-redirs",
    "max-time",
    "netrc-file",
    "noproxy",
    "oauth2-bearer",
    "output",
    "output-dir",
    "parallel-max",
    "parallel-max-host",
    "pass",
    "pinnedpubkey",
    "preproxy",
    "proto",
    "proto-default",
    "proto-redir",
    "proxy",
    "proxy-cacert",
    "proxy-capath",
    "proxy-cert",
    "proxy-cert-type",
    "proxy-ciphers",
    "proxy-crlfile",
    "proxy-header",
    "proxy-key",
    "proxy-key-type",
    "proxy-pass",
    "proxy-pinnedpubkey",
    "proxy-service-name",
    "proxy-tls13-ciphers",
    "proxy-tlsauthtype",
    "proxy-tlspassword",
    "proxy-tlsuser",
    "proxy-user",
    "proxy1.0",
    "pubkey",
    "quote",
    "random-file",
    "range",
    "rate",
    "referer",
    "request",
    "request-target",
    "resolve",
    "retry",
    "retry-delay",
    "retry-max-time",
    "sasl-authzid",
    "service-name",
    "socks4",
    "socks4a",
    "socks5",
    "socks5-gssapi-service",
    "socks5-hostname",
    "speed-limit",
    "speed-time",
    "ssl-sessions",
    "stderr",
    "telnet-option",
    "tftp-blksize",
    "time-cond",
    "tls-max",
    "tls13-ciphers",
    "tlsauthtype",
    "tlspassword",
    "tlsuser",
    "trace",
    "trace-ascii",
    "trace-config",
    "unix-socket",
    "upload-file",
    "upload-flags",
    "url",
    "url-query",
    "user",
    "user-agent",
    "variable",
    "vlan-priority",
    "write-out",
];

/// curl's long options that take no value (so that abbreviations resolve as curl does).
const CURL_FLAGS: &[&str] = &[
    "anyauth",
    "append",
    "basic",
    "ca-native",
    "cert-status",
    "compressed",
    "compressed-ssh",
    "create-dirs",
    "crlf",
    "digest",
    "disable",
    "disable-eprt",
    "disable-epsv",
    "disallow-username-in-url",
    "doh-cert-status",
    "doh-insecure",
    "dump-ca-embed",
    "fail",
    "fail-early",
    "fail-with-body",
    "false-start",
    "follow",
    "form-escape",
    "ftp-create-dirs",
    "ftp-pasv",
    "ftp-pret",
    "ftp-skip-pasv-ip",
    "ftp-ssl-ccc",
    "ftp-ssl-control",
    "get",
    "globoff",
    "haproxy-protocol",
    "head",
    "help",
    "http0.9",
    "http1.0",
    "http1.1",
    "http2",
    "http2-prior-knowledge",
    "http3",
    "http3-only",
    "ignore-content-length",
    "include",
    "insecure",
    "ipv4",
    "ipv6",
    "junk-session-cookies",
    "list-only",
    "location",
    "location-trusted",
    "mail-rcpt-allowfails",
    "manual",
    "metalink",
    "mptcp",
    "negotiate",
    "netrc",
    "netrc-optional",
    "next",
    "ntlm",
    "ntlm-wb",
    "out-null",
    "parallel",
    "parallel-immediate",
    "path-as-is",
    "post301",
    "post302",
    "post303",
    "progress-bar",
    "proxy-anyauth",
    "proxy-basic",
    "proxy-ca-native",
    "proxy-digest",
    "proxy-http2",
    "proxy-insecure",
    "proxy-negotiate",
    "proxy-ntlm",
    "proxy-ssl-allow-beast",
    "proxy-ssl-auto-client-cert",
    "proxy-tlsv1",
    "proxytunnel",
    "raw",
    "remote-header-name",
    "remote-name",
    "remote-name-all",
    "remote-time",
    "remove-on-error",
    "retry-all-errors",
    "retry-connrefused",
    "sasl-ir",
    "show-error",
    "show-headers",
    "silent",
    "skip-existing",
    "socks5-basic",
    "socks5-gssapi",
    "socks5-gssapi-nec",
    "ssl",
    "ssl-allow-beast",
    "ssl-auto-client-cert",
    "ssl-no-revoke",
    "ssl-reqd",
    "ssl-revoke-best-effort",
    "sslv2",
    "sslv3",
    "styled-output",
    "suppress-connect-headers",
    "tcp-fastopen",
    "tcp-nodelay",
    "tftp-no-options",
    "tls-earlydata",
    "tlsv1",
    "tlsv1.0",
    "tlsv1.1",
    "tlsv1.2",
    "tlsv1.3",
    "tr-encoding",
    "trace-ids",
    "trace-time",
    "use-ascii",
    "verbose",
    "version",
    "xattr",
];

static CURL: Syntax = Syntax {
    short: "EKCbcdDFPHmoxUQreXYytzTuAw",
    long: CURL_VALUES,
    flags: CURL_FLAGS,
    abbrev: true,
    strip: "expand-",
    stop: 0,
};

/// curl options that send a request body.
const CURL_BODY: &[&str] =
    &["-d", "--data", "--data-ascii", "--data-binary", "--data-raw", "--data-urlencode", "--json"];
/// curl options that send a multipart form.
const CURL_FORM: &[&str] = &["-F", "--form", "--form-string"];
/// curl options that upload a file.
const CURL_UPLOAD: &[&str] = &["-T", "--upload-file"];
/// curl options naming a proxy that carries the request.
const CURL_PROXY: &[&str] = &["-x", "--proxy", "--preproxy", "--socks4", "--socks4a", "--socks5", "--socks5-hostname"];

/// `curl` and `curlie`: each `--next` section on its own.
fn curl(inv: &Invocation, name: &str, out: &mut Out) {
    let args = CURL.parse(inv.args());
    for section in args.split(|a| a.opt(&["-:", "--next"]).is_some()) {
        curl_section(inv, name, section, out);
    }
}

fn curl_section(inv: &Invocation, name: &str, args: &[Arg], out: &mut Out) {
    let mut parts = Vec::new();
    let mut noun = None;
    let mut method = None;
    let mut urls: Vec<&Field> = operands(args);
    let mut items = Vec::new();
    if name == "curlie" {
        // HTTPie's syntax: [METHOD] URL [ITEM…].
        let (m, url, rest) = httpie_operands(&urls);
        method = m;
        items = rest;
        urls = url.into_iter().collect();
    }
    let mut relays = Vec::new();
    for a in args {
        let Arg::Opt(o) = a else { continue };
        let n = o.name.as_str();
        let value = o.value.as_ref();
        if CURL_BODY.contains(&n) {
            noun.get_or_insert(if n == "--json" { "a JSON body" } else { "a request body" });
            parts.push(spelled(o));
        } else if CURL_FORM.contains(&n) {
            noun.get_or_insert("a form");
            parts.push(spelled(o));
        } else if CURL_UPLOAD.contains(&n) {
            noun.get_or_insert("a file upload");
            parts.push(spelled(o));
        } else if matches!(n, "-H" | "--header" | "--proxy-header") && value.is_some_and(carries_data) {
            noun.get_or_insert("a header");
            parts.push(spelled(o));
        } else if a.unknown_opt() {
            noun.get_or_insert("possibly a request body");
            parts.push(spelled(o));
        } else if matches!(n, "-X" | "--request") {
            method = value.map(|v| v.display().to_ascii_uppercase());
        } else if n == "--url" {
            urls.extend(value);
        } else if CURL_PROXY.contains(&n) {
            relays.extend(value.and_then(|v| url_host(v, "http")));
        } else if n == "--connect-to" {
            relays.extend(value.and_then(connect_to_host));
        } else if n == "--resolve" {
            relays.extend(value.map(resolve_hosts).unwrap_or_default());
        } else if n == "--doh-url" {
            if let Some(h) = value.and_then(|v| url_host(v, "https")) {
                out.push(h, None, name);
            }
        } else if matches!(n, "-K" | "--config") {
            let file = value.map(Field::display).unwrap_or_default();
            let what = if file == "-" { "standard input".to_string() } else { format!("the config file {file}") };
            out.push(Host::Unknown(format!("URLs in {what}")), Some(format!("what {what} asks for (-K {file})")), name);
        }
    }
    // `-d @-`, `--data-binary @-`, `-T -`, `-F f=@-`: the body is standard input.
    let from_stdin = args.iter().any(|a| {
        a.value(CURL_BODY).or_else(|| a.value(CURL_FORM)).is_some_and(|v| v.text == "@-" || v.text.ends_with("=@-"))
            || a.value(CURL_UPLOAD).is_some_and(|v| v.text == "-" || v.text == ".")
    });
    if let Some(s) = stdin_sent(inv).filter(|_| from_stdin) {
        parts.push(format!("with {s}"));
    }
    if has(args, &["-G", "--get"]) && noun.is_some() {
        noun = Some("data in the query string");
    }
    let item_send = httpie_items(&items);
    let mut send = match (noun, &item_send) {
        (Some(noun), _) => {
            if let Some(m) = &method {
                parts.insert(0, format!("-X {m}"));
            }
            describe(noun, &parts)
        }
        (None, Some(s)) => Some(s.clone()),
        (None, None) => None,
    };
    if send.is_none() && name == "curlie" && method.as_deref().is_some_and(|m| m != "GET" && m != "HEAD") {
        send = stdin_sent(inv);
    }
    let globoff = has(args, &["-g", "--globoff"]);
    let mut any = false;
    for u in urls {
        for h in curl_hosts(u, globoff) {
            any = true;
            let s = send.clone().or_else(|| url_data(u));
            out.push(h, s, name);
        }
    }
    if any {
        for h in relays {
            out.push(h, send.clone(), name);
        }
    }
}

/// Data from this machine carried in a URL (`?k=$(cat .env)`), as a send.
fn url_data(f: &Field) -> Option<String> {
    carries_data(f).then(|| format!("data in the URL ({})", shorten(&f.display())))
}

/// The hosts a curl URL reaches, its `{a,b}` host globbing expanded.
fn curl_hosts(f: &Field, globoff: bool) -> Vec<Host> {
    let t = f.text.as_str();
    let rest = match split_scheme(t) {
        Some((s, _)) if s.eq_ignore_ascii_case("file") => return Vec::new(),
        Some((_, r)) => r,
        None => t,
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let auth = &rest[..end];
    let host_part = auth.rfind('@').map_or(auth, |a| &auth[a + 1..]);
    if !globoff && (host_part.contains('{') || (host_part.contains('[') && !host_part.starts_with('['))) {
        if host_part.contains('[') || host_part.contains(UNKNOWN_MARK) {
            return vec![Host::Unknown(format!("the hosts matching {}", shorten(&f.display())))];
        }
        return expand_braces(auth, 64)
            .map(|alts| alts.iter().filter_map(|a| normalize_host(authority_host(a)).map(Host::Known)).collect())
            .unwrap_or_else(|| vec![Host::Unknown(format!("the hosts matching {}", shorten(&f.display())))]);
    }
    url_host(f, "http").into_iter().collect()
}

/// curl's `{a,b}` alternatives in a text (no nesting); `None` when malformed or more
/// than `max` results.
fn expand_braces(t: &str, max: usize) -> Option<Vec<String>> {
    let Some(open) = t.find('{') else { return Some(vec![t.to_string()]) };
    let close = open + t[open..].find('}')?;
    let inner = &t[open + 1..close];
    if inner.contains('{') {
        return None;
    }
    let tails = expand_braces(&t[close + 1..], max)?;
    let mut out = Vec::new();
    for alt in inner.split(',') {
        for tail in &tails {
            out.push(format!("{}{alt}{tail}", &t[..open]));
            if out.len() > max {
                return None;
            }
        }
    }
    Some(out)
}

/// The host `--connect-to HOST1:PORT1:HOST2:PORT2` connects to instead.
fn connect_to_host(f: &Field) -> Option<Host> {
    let parts = split_host_list(&f.text);
    let host = parts.get(2)?;
    if host.is_empty() {
        return None;
    }
    host_in(host, f)
}

/// The addresses `--resolve [+]HOST:PORT:ADDR[,ADDR]…` sends a host's requests to.
fn resolve_hosts(f: &Field) -> Vec<Host> {
    let t = f.text.trim_start_matches('+');
    if t.starts_with('-') {
        return Vec::new();
    }
    let parts = split_host_list(t);
    let Some(addrs) = parts.get(2) else { return Vec::new() };
    // The address list is the rest of the text (IPv6 addresses hold colons).
    let start = t.find(addrs).unwrap_or(0);
    t[start..].split(',').filter_map(|a| host_in(a, f)).collect()
}

/// Splits `a:b:[c::d]:e` at colons outside brackets.
fn split_host_list(t: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in t.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            ':' if depth == 0 => {
                out.push(&t[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&t[start..]);
    out
}

/// wget's long options that take a value.
const WGET_VALUES: &[&str] = &[
    "accept",
    "accept-regex",
    "append-output",
    "backups",
    "base",
    "bind-address",
    "bind-dns-address",
    "body-data",
    "body-file",
    "ca-certificate",
    "ca-directory",
    "certificate",
    "certificate-type",
    "ciphers",
    "compression",
    "config",
    "connect-timeout",
    "crl-file",
    "cut-dirs",
    "default-page",
    "directory-prefix",
    "dns-servers",
    "dns-timeout",
    "domains",
    "egd-file",
    "exclude-directories",
    "exclude-domains",
    "execute",
    "follow-tags",
    "ftp-password",
    "ftp-user",
    "header",
    "hsts-file",
    "http-password",
    "http-user",
    "ignore-tags",
    "include-directories",
    "input-file",
    "input-metalink",
    "level",
    "limit-rate",
    "load-cookies",
    "local-encoding",
    "max-redirect",
    "method",
    "metalink-index",
    "output-document",
    "output-file",
    "password",
    "pinnedpubkey",
    "post-data",
    "post-file",
    "prefer-family",
    "preferred-location",
    "private-key",
    "private-key-type",
    "progress",
    "proxy-password",
    "proxy-user",
    "quota",
    "random-file",
    "read-timeout",
    "referer",
    "regex-type",
    "reject",
    "reject-regex",
    "rejected-log",
    "remote-encoding",
    "report-speed",
    "restrict-file-names",
    "retry-on-http-error",
    "save-cookies",
    "secure-protocol",
    "start-pos",
    "timeout",
    "tries",
    "use-askpass",
    "user",
    "user-agent",
    "wait",
    "waitretry",
    "warc-dedup",
    "warc-file",
    "warc-header",
    "warc-max-size",
    "warc-tempdir",
];

static WGET: Syntax =
    Syntax { short: "OoaiBetTwQPlARDXIUnYC", long: WGET_VALUES, flags: &[], abbrev: true, strip: "", stop: 0 };

/// `wget URL…`.
fn wget(inv: &Invocation, name: &str, out: &mut Out) {
    let args = WGET.parse(inv.args());
    let mut parts = Vec::new();
    let mut method = None;
    let mut proxies = Vec::new();
    let mut urls: Vec<&Field> = operands(&args);
    for a in &args {
        let Arg::Opt(o) = a else { continue };
        let value = o.value.as_ref();
        match o.name.as_str() {
            "--post-data" | "--post-file" | "--body-data" | "--body-file" => parts.push(spelled(o)),
            "--method" => method = value.map(|v| v.display().to_ascii_uppercase()),
            "-i" | "--input-file" => match value {
                Some(v) if v.as_known().is_some_and(|t| split_scheme(t).is_some()) => urls.push(v),
                Some(v) => {
                    let what = if v.as_known() == Some("-") {
                        "standard input".to_string()
                    } else {
                        format!("the file {}", v.display())
                    };
                    out.push(Host::Unknown(format!("URLs listed in {what}")), None, name);
                }
                None => {}
            },
            "-e" | "--execute" => {
                // wgetrc commands: `http_proxy=URL`, `post_data=…`, `method=PUT`.
                let Some(v) = value else { continue };
                let Some((k, _)) = v.text.split_once('=') else { continue };
                let key: String = k.trim().chars().filter(|c| !matches!(c, '_' | '-')).collect();
                let key = key.to_ascii_lowercase();
                let val = sub_field(v, k.len() + 1, v.text.len());
                let val = Field { text: Text::from(val.text.trim()), ..val };
                match key.as_str() {
                    "httpproxy" | "httpsproxy" | "ftpproxy" => proxies.extend(url_host(&val, "http")),
                    "postdata" | "postfile" | "bodydata" | "bodyfile" => parts.push(spelled(o)),
                    "method" => method = Some(val.display().to_ascii_uppercase()),
                    _ => {}
                }
            }
            _ if a.unknown_opt() => parts.push(spelled(o)),
            _ => {}
        }
    }
    if let Some(m) = method.filter(|_| !parts.is_empty()) {
        parts.insert(0, format!("--method {m}"));
    }
    let send = describe("a request body", &parts);
    for u in urls {
        if let Some(h) = url_host(u, "http") {
            out.push(h, send.clone().or_else(|| url_data(u)), name);
        }
    }
    if !out.uses.is_empty() {
        for h in proxies {
            out.push(h, send.clone(), name);
        }
    }
}

/// HTTPie's and xh's long options that take a value.
const HTTPIE_VALUES: &[&str] = &[
    "auth",
    "auth-type",
    "bearer",
    "boundary",
    "cert",
    "cert-key",
    "cert-key-pass",
    "ciphers",
    "default-scheme",
    "format-options",
    "generate",
    "history-print",
    "http-version",
    "interface",
    "max-headers",
    "max-redirects",
    "output",
    "pretty",
    "print",
    "proxy",
    "raw",
    "resolve",
    "response-charset",
    "response-mime",
    "session",
    "session-read-only",
    "ssl",
    "style",
    "timeout",
    "unix-socket",
    "verify",
];

/// HTTPie's and xh's long options that take none.
const HTTPIE_FLAGS: &[&str] = &[
    "all",
    "body",
    "check-status",
    "chunked",
    "compress",
    "continue",
    "curl",
    "curl-long",
    "debug",
    "download",
    "follow",
    "form",
    "headers",
    "help",
    "https",
    "ignore-netrc",
    "ignore-stdin",
    "ipv4",
    "ipv6",
    "json",
    "meta",
    "multipart",
    "native-tls",
    "offline",
    "path-as-is",
    "quiet",
    "sorted",
    "stream",
    "traceback",
    "unsorted",
    "verbose",
    "version",
];

static HTTPIE: Syntax =
    Syntax { short: "aAopsP", long: HTTPIE_VALUES, flags: HTTPIE_FLAGS, abbrev: true, strip: "", stop: 0 };

/// `http [METHOD] URL [ITEM…]` (HTTPie, xh).
fn httpie(inv: &Invocation, name: &str, out: &mut Out) {
    let args = HTTPIE.parse(inv.args());
    if has(&args, &["--offline", "--curl", "--curl-long"]) {
        // The request is built and printed, not sent.
        return;
    }
    let ops = operands(&args);
    let (_, url, items) = httpie_operands(&ops);
    let Some(url) = url else { return };
    let mut send = httpie_items(&items);
    if let Some(raw) = args.iter().find_map(|a| a.opt(&["--raw"])) {
        send = Some(format!("a request body ({})", shorten(&spelled(raw))));
    }
    if send.is_none() && !has(&args, &["-I", "--ignore-stdin"]) {
        send = stdin_sent(inv);
    }
    let scheme = if matches!(name, "https" | "xhs") { "https" } else { "http" };
    let host = if url.text.starts_with(':') {
        // `:3000/x` is localhost.
        Some(Host::Known("localhost".into()))
    } else {
        url_host(url, scheme)
    };
    if let Some(h) = host {
        let s = send.clone().or_else(|| url_data(url));
        out.push(h, s, name);
        for p in values(&args, &["--proxy"]) {
            // `--proxy http:http://host:3128`
            let t = p.text.as_str();
            let start = t.find(':').filter(|&c| !t[c..].starts_with("://")).map_or(0, |c| c + 1);
            if let Some(h) = url_host(&sub_field(p, start, t.len()), "http") {
                out.push(h, send.clone(), name);
            }
        }
    }
}

/// HTTPie's positional arguments: the method (a word of letters, when a URL follows),
/// the URL, and the request items.
fn httpie_operands<'a>(ops: &[&'a Field]) -> (Option<String>, Option<&'a Field>, Vec<&'a Field>) {
    let is_method =
        |f: &Field| f.as_known().is_some_and(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_alphabetic()));
    match ops {
        [m, url, rest @ ..] if is_method(m) => {
            (Some(m.text.to_ascii_uppercase().into_string()), Some(*url), rest.to_vec())
        }
        [url, rest @ ..] => (None, Some(*url), rest.to_vec()),
        [] => (None, None, Vec::new()),
    }
}

/// What HTTPie request items send: data fields (`a=b`, `a:=1`, `f@file`, `a=@file`),
/// but not headers (`H:v`) or query parameters (`q==v`).
fn httpie_items(items: &[&Field]) -> Option<String> {
    let mut parts = Vec::new();
    let mut upload = false;
    for f in items {
        match item_separator(&f.text) {
            Some(":" | "==") => {}
            Some(sep) => {
                upload |= sep.ends_with('@');
                parts.push(f.display());
            }
            None => {}
        }
    }
    describe(if upload { "a file upload" } else { "request data" }, &parts)
}

/// The separator of an HTTPie request item: the first one in the text, the longest at
/// that place; an unknown value before any separator could be any of them (`=`).
fn item_separator(t: &str) -> Option<&'static str> {
    const SEPS: &[&str] = &[":=@", "=@", ":=", "==", "=", "@", ":"];
    let mut escaped = false;
    for (i, c) in t.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        if c == '\\' {
            escaped = true;
            continue;
        }
        if c == UNKNOWN_MARK {
            return Some("=");
        }
        if let Some(sep) = SEPS.iter().find(|s| t[i..].starts_with(**s)) {
            return Some(sep);
        }
    }
    None
}

// ---------------------------------------------------------------------------------------
// git

/// Long options of git's remote subcommands that take a value, by subcommand.
const GIT_CLONE: &[&str] = &[
    "origin",
    "branch",
    "upload-pack",
    "template",
    "reference",
    "reference-if-able",
    "separate-git-dir",
    "depth",
    "shallow-since",
    "shallow-exclude",
    "config",
    "server-option",
    "jobs",
    "filter",
    "bundle-uri",
    "ref-format",
    "revision",
];
const GIT_FETCH: &[&str] = &[
    "depth",
    "deepen",
    "shallow-since",
    "shallow-exclude",
    "refmap",
    "server-option",
    "upload-pack",
    "jobs",
    "negotiation-tip",
    "filter",
    "submodule-prefix",
    "recurse-submodules-default",
    "strategy",
    "strategy-option",
];
const GIT_PUSH: &[&str] = &["repo", "receive-pack", "exec", "push-option"];
const GIT_LS_REMOTE: &[&str] = &["upload-pack", "exec", "server-option", "sort"];
const GIT_REMOTE: &[&str] = &["track", "master"];
const GIT_ARCHIVE: &[&str] = &["remote", "exec", "format", "prefix", "output", "add-file", "add-virtual-file"];
const GIT_SEND_EMAIL: &[&str] = &[
    "smtp-server",
    "smtp-server-port",
    "smtp-server-option",
    "smtp-user",
    "smtp-pass",
    "smtp-encryption",
    "smtp-domain",
    "smtp-auth",
    "from",
    "to",
    "cc",
    "bcc",
    "subject",
    "in-reply-to",
    "reply-to",
    "identity",
    "sendmail-cmd",
    "to-cmd",
    "cc-cmd",
    "header-cmd",
    "confirm",
    "transfer-encoding",
    "8bit-encoding",
    "compose-encoding",
];

/// A git syntax: options anywhere, abbreviations of long options accepted.
const fn git_syntax(short: &'static str, long: &'static [&'static str]) -> Syntax {
    Syntax { short, long, flags: &[], abbrev: true, strip: "", stop: 0 }
}

/// `git clone/fetch/pull/push/ls-remote/remote/archive/send-email/lfs`.
/// The git subcommands that may reach a remote; [`net_uses`] reports nothing for others.
pub const GIT_REMOTE_SUBCOMMANDS: &[&str] =
    &["clone", "fetch", "pull", "push", "ls-remote", "remote", "archive", "send-email", "lfs"];

fn git(inv: &Invocation, ctx: &Context, out: &mut Out) {
    let alias_config = ctx.read_files.then(|| ctx.workspace.join(".git/config"));
    let g = GitCmd::parse(inv, alias_config.as_deref());
    if g.sub_unknown {
        out.push(
            Host::Unknown("the remote of a git subcommand not known statically".into()),
            Some("whatever that subcommand sends".into()),
            "git",
        );
        return;
    }
    let Some(sub) = g.sub.as_deref() else { return };
    if !GIT_REMOTE_SUBCOMMANDS.contains(&sub) {
        return;
    }
    let config = GitConfig::load(inv, &g, ctx);
    git_sub(sub, &g.args, &config, out);
}

fn git_sub(sub: &str, args: &[Field], config: &GitConfig, out: &mut Out) {
    let program = format!("git {sub}");
    match sub {
        "clone" => {
            let a = git_syntax("obucj", GIT_CLONE).parse(args);
            if let Some(repo) = operands(&a).first() {
                for h in config.repo_hosts(repo, false, false) {
                    out.push(h, None, &program);
                }
            }
        }
        "fetch" | "pull" | "ls-remote" => {
            let a = match sub {
                "ls-remote" => git_syntax("o", GIT_LS_REMOTE),
                _ => git_syntax("ojsX", GIT_FETCH),
            }
            .parse(args);
            let ops = operands(&a);
            let hosts = if sub == "fetch" && has(&a, &["--all"]) {
                config.all_remotes()
            } else if sub == "fetch" && has(&a, &["--multiple"]) {
                ops.iter().flat_map(|r| config.repo_hosts(r, false, true)).collect()
            } else {
                match ops.first() {
                    Some(r) => config.repo_hosts(r, false, true),
                    None => config.remote_hosts(&config.default_remote(false), false),
                }
            };
            for h in hosts {
                out.push(h, None, &program);
            }
        }
        "push" => {
            let a = git_syntax("o", GIT_PUSH).parse(args);
            let ops = operands(&a);
            let repo = ops.first().copied().or_else(|| values(&a, &["--repo"]).next());
            let hosts = match repo {
                Some(r) => config.repo_hosts(r, true, true),
                None => config.remote_hosts(&config.default_remote(true), true),
            };
            for h in hosts {
                out.push(h, Some("commits (git push)".into()), &program);
            }
        }
        "remote" => {
            let a = git_syntax("tm", GIT_REMOTE).parse(args);
            let ops = operands(&a);
            let program = format!("git remote {}", ops.first().map(|f| f.display()).unwrap_or_default());
            let program = program.trim_end();
            let hosts: Vec<Host> = match ops.first().and_then(|f| f.as_known()) {
                Some("add" | "set-url") => ops.get(2).map(|u| config.repo_hosts(u, false, false)).unwrap_or_default(),
                Some("update") if ops.len() == 1 => config.all_remotes(),
                Some("update") => ops[1..].iter().flat_map(|r| config.repo_hosts(r, false, true)).collect(),
                Some("show" | "prune") if !has(&a, &["-n"]) => {
                    ops[1..].iter().flat_map(|r| config.repo_hosts(r, false, true)).collect()
                }
                _ => Vec::new(),
            };
            for h in hosts {
                out.push(h, None, program);
            }
        }
        "archive" => {
            let a = git_syntax("o", GIT_ARCHIVE).parse(args);
            for r in values(&a, &["--remote"]) {
                for h in config.repo_hosts(r, false, true) {
                    out.push(h, None, &program);
                }
            }
        }
        "send-email" => {
            let a = git_syntax("", GIT_SEND_EMAIL).parse(args);
            let server = values(&a, &["--smtp-server"])
                .last()
                .cloned()
                .or_else(|| config.get("sendemail", None, "smtpserver").pop());
            let host = match server {
                Some(s) if s.text.starts_with('/') => {
                    Host::Unknown(format!("the mail servers {} delivers to", shorten(&s.display())))
                }
                Some(s) => host_in(&s.text, &s).unwrap_or_else(|| Host::Unknown("the SMTP server".into())),
                None => Host::Unknown("the SMTP server git send-email is configured with".into()),
            };
            out.push(host, Some("patches by email (git send-email)".into()), &program);
        }
        "lfs" => {
            let Some(p) = args.iter().position(|f| !f.text.starts_with('-')) else { return };
            if let Some(s @ ("push" | "fetch" | "pull")) = args[p].as_known() {
                let push = s == "push";
                let a = git_syntax("", &[]).parse(&args[p + 1..]);
                let hosts = match operands(&a).first() {
                    Some(r) => config.repo_hosts(r, push, true),
                    None => config.remote_hosts(&config.default_remote(push), push),
                };
                let send = push.then(|| "large files (git lfs push)".to_string());
                for h in hosts {
                    out.push(h, send.clone(), &format!("git lfs {s}"));
                }
            }
        }
        _ => {}
    }
}

/// What the repository's configuration and this run's `-c` options say about remotes.
struct GitConfig {
    /// Entries of the repository's config file, then of this run: key (`section.sub.var`,
    /// section and variable lowercase) and value. The run's keys are all lowercase.
    entries: Vec<(String, Field)>,
    /// Whether the repository's configuration was read: without it, a remote name
    /// cannot be resolved.
    read: bool,
    /// The current branch, when known.
    branch: Option<String>,
}

impl GitConfig {
    /// Reads the workspace repository's configuration, when git runs in the workspace
    /// and files may be read.
    fn load(inv: &Invocation, g: &GitCmd, ctx: &Context) -> Self {
        let mut c = Self { entries: Vec::new(), read: false, branch: None };
        let here = matches!(&inv.cwd, Cwd::Known { path, .. } if path.starts_with(&ctx.workspace));
        let moved = g.elsewhere.is_some() || inv.env_var("GIT_DIR").is_some() || inv.env_var("GIT_CONFIG").is_some();
        if ctx.read_files && here && !moved {
            if let Ok(repo) = git2::Repository::open(&ctx.workspace) {
                if let Ok(cfg) = git2::Config::open(&repo.commondir().join("config")) {
                    if let Ok(mut entries) = cfg.entries(None) {
                        while let Some(Ok(e)) = entries.next() {
                            if let (Ok(k), Ok(v)) = (e.name(), e.value()) {
                                c.entries.push((k.to_string(), Field::known(v)));
                            }
                            if c.entries.len() > 10_000 {
                                break;
                            }
                        }
                        c.read = true;
                    }
                }
                c.branch = repo
                    .find_reference("HEAD")
                    .ok()
                    .and_then(|r| r.symbolic_target().ok().flatten().map(str::to_string))
                    .and_then(|t| t.strip_prefix("refs/heads/").map(str::to_string));
            }
        }
        c.entries.extend(g.config.iter().cloned());
        c
    }

    /// The values of `section.sub.var`, in order (section, subsection and variable
    /// compared without case).
    fn get(&self, section: &str, sub: Option<&str>, var: &str) -> Vec<Field> {
        self.entries
            .iter()
            .filter(|(k, _)| {
                let Some((s, rest)) = k.split_once('.') else { return false };
                let (sb, v) = match rest.rsplit_once('.') {
                    Some((sb, v)) => (Some(sb), v),
                    None => (None, rest),
                };
                s.eq_ignore_ascii_case(section)
                    && v.eq_ignore_ascii_case(var)
                    && match (sb, sub) {
                        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                        (None, None) => true,
                        _ => false,
                    }
            })
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The remote a push (or fetch) without one goes to: the branch's push remote,
    /// `remote.pushDefault`, the branch's remote, else `origin`.
    fn default_remote(&self, push: bool) -> String {
        let branch = |var: &str| self.branch.as_deref().and_then(|b| self.get("branch", Some(b), var).pop());
        let chosen = if push {
            branch("pushremote").or_else(|| self.get("remote", None, "pushdefault").pop()).or_else(|| branch("remote"))
        } else {
            branch("remote")
        };
        chosen.and_then(|f| f.as_known().map(str::to_string)).unwrap_or_else(|| "origin".into())
    }

    /// The hosts of every configured remote.
    fn all_remotes(&self) -> Vec<Host> {
        if !self.read {
            return vec![Host::Unknown("the URLs of all git remotes".into())];
        }
        let mut names: Vec<String> = Vec::new();
        for (k, _) in &self.entries {
            if let Some(name) = k.strip_prefix("remote.").and_then(|r| r.strip_suffix(".url")) {
                if !names.iter().any(|n| n == name) {
                    names.push(name.to_string());
                }
            }
        }
        names.iter().flat_map(|n| self.remote_hosts(n, false)).collect()
    }

    /// The hosts of a configured remote (its push URLs for a push).
    fn remote_hosts(&self, name: &str, push: bool) -> Vec<Host> {
        match self.remote_urls(name, push) {
            Some(urls) => urls.iter().flat_map(|u| self.url_hosts(u, push)).collect(),
            None if self.read => Vec::new(),
            None => vec![Host::Unknown(format!("the URL of git remote {name}"))],
        }
    }

    /// The URLs of a configured remote; `None` when no such remote is configured.
    fn remote_urls(&self, name: &str, push: bool) -> Option<Vec<Field>> {
        let push_urls = if push { self.get("remote", Some(name), "pushurl") } else { Vec::new() };
        let urls = if push_urls.is_empty() { self.get("remote", Some(name), "url") } else { push_urls };
        (!urls.is_empty()).then_some(urls)
    }

    /// The hosts a repository argument reaches: a URL, an scp-like address, a remote
    /// name (when `names` allows), a remote group, or a local path (none).
    fn repo_hosts(&self, word: &Field, push: bool, names: bool) -> Vec<Host> {
        let prefix = word.known_prefix();
        if !word.is_known() {
            return if looks_remote(prefix) {
                git_url_host(word).into_iter().collect()
            } else if is_local_path(prefix) {
                Vec::new()
            } else {
                vec![unknown_host(word)]
            };
        }
        if looks_remote(&word.text) || !names {
            return self.url_hosts(word, push);
        }
        if let Some(urls) = self.remote_urls(&word.text, push) {
            return urls.iter().flat_map(|u| self.url_hosts(u, push)).collect();
        }
        // A remote group: `remotes.<group> = a b`.
        let group_key = format!("remotes.{}", word.text);
        if let Some((_, group)) = self.entries.iter().rev().find(|(k, _)| k.eq_ignore_ascii_case(&group_key)) {
            return group.text.split_whitespace().flat_map(|r| self.remote_hosts(r, push)).collect();
        }
        if self.read || is_local_path(&word.text) || word.text.contains('/') {
            return Vec::new();
        }
        vec![Host::Unknown(format!("the URL of git remote {}", word.text))]
    }

    /// The hosts of a URL after `url.<base>.insteadOf` (and `pushInsteadOf`) rewriting.
    fn url_hosts(&self, url: &Field, push: bool) -> Vec<Host> {
        let rewritten = url.as_known().map(|t| self.rewrite(t, push)).map(Field::known);
        git_url_host(rewritten.as_ref().unwrap_or(url)).into_iter().collect()
    }

    /// `url` rewritten by the longest matching `insteadOf` prefix (`pushInsteadOf`
    /// first for a push).
    fn rewrite(&self, url: &str, push: bool) -> String {
        let longest = |var: &str| {
            self.entries
                .iter()
                .filter_map(|(k, v)| {
                    let rest = k.strip_prefix("url.").or_else(|| k.strip_prefix("URL."))?;
                    let (base, key) = rest.rsplit_once('.')?;
                    (key.eq_ignore_ascii_case(var)).then_some((base, v.as_known()?))
                })
                .filter(|(_, prefix)| !prefix.is_empty() && url.starts_with(prefix))
                .max_by_key(|(_, prefix)| prefix.len())
                .map(|(base, prefix)| format!("{base}{}", &url[prefix.len()..]))
        };
        let push_rewrite = if push { longest("pushinsteadof") } else { None };
        push_rewrite.or_else(|| longest("insteadof")).unwrap_or_else(|| url.to_string())
    }
}

/// Whether a repository argument is a URL, an scp-like address (`host:path`, no `/`
/// before the colon) or a transport (`helper::address`), as git decides.
fn looks_remote(t: &str) -> bool {
    if split_scheme(t).is_some() || t.contains("::") {
        return true;
    }
    t.split('/').next().unwrap_or("").contains(':')
}

/// Whether a word is surely a local path.
fn is_local_path(t: &str) -> bool {
    t.starts_with('/') || t.starts_with('.') || t.starts_with('~')
}

/// The host a git URL reaches; `None` for local paths and `file://`.
pub(crate) fn git_url_host(f: &Field) -> Option<Host> {
    let t = f.text.as_str();
    if let Some((scheme, _)) = split_scheme(t) {
        if scheme.eq_ignore_ascii_case("file") {
            return None;
        }
        return url_host(f, "ssh");
    }
    if let Some((transport, _)) = t.split_once("::") {
        let helper = !transport.is_empty()
            && transport.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '.'));
        if helper {
            if matches!(transport, "ext" | "fd") {
                return Some(Host::Unknown(format!("the command of git transport {}", shorten(&f.display()))));
            }
            let inner = sub_field(f, transport.len() + 2, t.len());
            return git_url_host(&inner).or_else(|| Some(Host::Unknown(format!("the git remote helper {transport}"))));
        }
    }
    scp_host(f)
}

/// The host of an scp-like remote (`[user@]host:path`, `[user@][v6]:path`, rsync's
/// `host::module`): a colon with no `/` before it. `None` for a local path.
fn scp_host(f: &Field) -> Option<Host> {
    let t = f.text.as_str();
    let head = t.split('/').next().unwrap_or("");
    // `[v6]:path`; the user part cannot hold a `[`.
    if let Some(open) = head.find('[').filter(|&o| o == 0 || head[..o].ends_with('@')) {
        if let Some(close) = t[open..].find(']').map(|c| open + c) {
            if t[close + 1..].starts_with(':') {
                return host_in(&t[open + 1..close], f);
            }
        }
    }
    let Some(colon) = head.find(':') else {
        // Without a colon it is a local path, unless an unknown part could hold one.
        return head.contains(UNKNOWN_MARK).then(|| unknown_host(f));
    };
    let host = &head[..colon];
    let host = host.rfind('@').map_or(host, |a| &host[a + 1..]);
    host_in(host, f)
}

// ---------------------------------------------------------------------------------------
// ssh and the copiers over it

static SSH: Syntax =
    Syntax { short: "BbcDEeFIiJLlmOoPpQRSWw", long: &[], flags: &[], abbrev: false, strip: "", stop: 2 };
static SSH_COPY_ID: Syntax = Syntax { short: "ioFpt", long: &[], flags: &[], abbrev: false, strip: "", stop: 1 };
static SCP: Syntax = Syntax { short: "cDFiJloPSX", long: &[], flags: &[], abbrev: false, strip: "", stop: 0 };
static SFTP: Syntax = Syntax { short: "BbcDFiJloPRSsX", long: &[], flags: &[], abbrev: false, strip: "", stop: 1 };

/// rsync's long options that take a value.
const RSYNC_VALUES: &[&str] = &[
    "address",
    "backup-dir",
    "block-size",
    "bwlimit",
    "checksum-choice",
    "checksum-seed",
    "chmod",
    "chown",
    "compare-dest",
    "compress-choice",
    "compress-level",
    "contimeout",
    "copy-as",
    "copy-dest",
    "debug",
    "early-input",
    "exclude",
    "exclude-from",
    "files-from",
    "filter",
    "groupmap",
    "iconv",
    "include",
    "include-from",
    "info",
    "link-dest",
    "log-file",
    "log-file-format",
    "max-alloc",
    "max-delete",
    "max-size",
    "min-size",
    "modify-window",
    "only-write-batch",
    "out-format",
    "outbuf",
    "partial-dir",
    "password-file",
    "port",
    "protocol",
    "read-batch",
    "remote-option",
    "rsh",
    "rsync-path",
    "skip-compress",
    "sockopts",
    "stop-after",
    "stop-at",
    "suffix",
    "temp-dir",
    "timeout",
    "usermap",
    "write-batch",
    "zc",
    "zl",
];

static RSYNC: Syntax = Syntax { short: "efTBM", long: RSYNC_VALUES, flags: &[], abbrev: false, strip: "", stop: 0 };

/// The host of an ssh destination (`[user@]host`, `ssh://[user@]host[:port]`).
fn ssh_host(f: &Field) -> Option<Host> {
    if split_scheme(&f.text).is_some() {
        return url_host(f, "ssh");
    }
    let t = f.text.as_str();
    host_in(t.rfind('@').map_or(t, |a| &t[a + 1..]), f)
}

/// Jump hosts of `-J a,b` / `ProxyJump=a,b`.
fn jump_hosts(f: &Field) -> Vec<Host> {
    if f.text.eq_ignore_ascii_case("none") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut start = 0;
    for part in f.text.split(',') {
        let sub = sub_field(f, start, start + part.len());
        start += part.len() + 1;
        let host = if split_scheme(&sub.text).is_some() {
            url_host(&sub, "ssh")
        } else {
            let t = sub.text.as_str();
            let t = t.rfind('@').map_or(t, |a| &t[a + 1..]);
            let t = split_host_list(t).first().copied().unwrap_or(t);
            host_in(t, &sub)
        };
        out.extend(host);
    }
    out
}

/// `-o Key=Value` / `-o "Key Value"`: the key (lowercase) and value.
fn ssh_option(f: &Field) -> Option<(String, Field)> {
    let t = f.text.as_str();
    let sep = t.find(['=', ' ', '\t'])?;
    let key = t[..sep].to_ascii_lowercase();
    let rest = t[sep..].trim_start_matches(['=', ' ', '\t']);
    Some((key, sub_field(f, t.len() - rest.len(), t.len())))
}

/// `ssh [options] destination [command…]`.
fn ssh(inv: &Invocation, out: &mut Out) {
    let args = SSH.parse(inv.args());
    let ops = operands(&args);
    let Some(dest) = ops.first() else { return };
    let mut host = ssh_host(dest);
    let mut relays = Vec::new();
    for a in &args {
        if let Some(v) = a.value(&["-J"]) {
            relays.extend(jump_hosts(v));
        }
        if let Some((key, v)) = a.value(&["-o"]).and_then(ssh_option) {
            match key.as_str() {
                "hostname" => {
                    let original = host.as_ref().and_then(Host::known).unwrap_or("").to_string();
                    let text = v.text.replace("%h", &original).replace("%%", "%");
                    host = host_in(&text, &v);
                }
                "proxyjump" => relays.extend(jump_hosts(&v)),
                "proxycommand" if !v.text.eq_ignore_ascii_case("none") => {
                    relays.push(Host::Unknown(format!("what the ProxyCommand {} connects to", shorten(&v.display()))))
                }
                _ => {}
            }
        }
    }
    let command = &ops[1..];
    let send = stdin_sent(inv).or_else(|| {
        command.iter().any(|f| carries_data(f)).then(|| {
            let text: Vec<String> = command.iter().map(|f| f.display()).collect();
            format!("a remote command carrying local data ({})", shorten(&text.join(" ")))
        })
    });
    if let Some(h) = host {
        out.push(h, send, "ssh");
    }
    for h in relays {
        out.push(h, None, "ssh");
    }
}

/// `ssh-copy-id [options] destination`: sends a public key.
fn ssh_copy_id(inv: &Invocation, out: &mut Out) {
    let args = SSH_COPY_ID.parse(inv.args());
    if let Some(h) = operands(&args).first().and_then(|d| ssh_host(d)) {
        out.push(h, Some("a public key (ssh-copy-id)".into()), "ssh-copy-id");
    }
}

/// The host of a copy operand of scp or rsync; `None` when local.
fn copy_host(f: &Field, program: &str) -> Option<Host> {
    if let Some((scheme, _)) = split_scheme(&f.text) {
        return (scheme.eq_ignore_ascii_case(program) || scheme.eq_ignore_ascii_case("ssh"))
            .then(|| url_host(f, program))
            .flatten();
    }
    scp_host(f)
}

/// `scp`/`rsync SOURCE… DEST`: sending when the destination is remote.
fn copy(inv: &Invocation, program: &str, syntax: &Syntax, out: &mut Out) {
    let args = syntax.parse(inv.args());
    let ops = operands(&args);
    let (dest, sources) = match ops.split_last() {
        Some((d, s)) if !s.is_empty() => (Some(*d), s.to_vec()),
        // `rsync host:path` lists the remote files.
        _ => (None, ops.clone()),
    };
    for s in &sources {
        if let Some(h) = copy_host(s, program) {
            out.push(h, None, program);
        }
    }
    if let Some(h) = dest.and_then(|d| copy_host(d, program)) {
        let names: Vec<String> = sources.iter().map(|f| f.display()).collect();
        out.push(h, Some(format!("files ({})", shorten(&names.join(" ")))), program);
    }
    for v in values(&args, &["-J"]) {
        for h in jump_hosts(v) {
            out.push(h, None, program);
        }
    }
}

/// `sftp [options] destination`: a session whose commands may put files.
fn sftp(inv: &Invocation, out: &mut Out) {
    let args = SFTP.parse(inv.args());
    let Some(dest) = operands(&args).first().copied() else { return };
    let host = if split_scheme(&dest.text).is_some() { url_host(dest, "sftp") } else { ssh_host_path(dest) };
    let batch = values(&args, &["-b"]).next().map(|b| format!("files, as the batch file {} directs", b.display()));
    let send = batch.or_else(|| stdin_sent(inv).map(|s| format!("files, as the commands on {s} direct")));
    if let Some(h) = host {
        out.push(h, send, "sftp");
    }
    for v in values(&args, &["-J"]) {
        for h in jump_hosts(v) {
            out.push(h, None, "sftp");
        }
    }
}

/// The host of `[user@]host[:path]`.
fn ssh_host_path(f: &Field) -> Option<Host> {
    scp_host(f).or_else(|| ssh_host(f))
}

// ---------------------------------------------------------------------------------------
// Sockets

static NC: Syntax =
    Syntax { short: "IiMmOPpsTVwXxeqgGKRHoZc", long: &[], flags: &[], abbrev: false, strip: "", stop: 0 };
static NCAT: Syntax = Syntax {
    short: "cepsgGwidomx",
    long: &[
        "sh-exec",
        "exec",
        "lua-exec",
        "source-port",
        "source",
        "wait",
        "idle-timeout",
        "delay",
        "output",
        "hex-dump",
        "proxy",
        "proxy-type",
        "proxy-auth",
        "proxy-dns",
        "allow",
        "allowfile",
        "deny",
        "denyfile",
        "ssl-cert",
        "ssl-key",
        "ssl-trustfile",
        "ssl-ciphers",
        "ssl-servername",
        "ssl-alpn",
        "max-conns",
    ],
    flags: &[],
    abbrev: true,
    strip: "",
    stop: 0,
};
static TELNET: Syntax = Syntax { short: "belnSXk", long: &[], flags: &[], abbrev: false, strip: "", stop: 0 };

/// `nc host port`, `ncat`, `telnet host [port]`: sending what stdin carries.
fn netcat(inv: &Invocation, name: &str, syntax: &Syntax, out: &mut Out) {
    let args = syntax.parse(inv.args());
    if name != "telnet" && has(&args, &["-l", "--listen", "-U", "--unixsock"]) {
        // Listens, or talks to a local socket.
        return;
    }
    let ops = operands(&args);
    let Some(host) = ops.first().and_then(|h| host_in(&h.text, h)) else { return };
    let exec = args
        .iter()
        .find_map(|a| a.value(&["-e", "-c", "--sh-exec", "--exec", "--lua-exec"]).filter(|_| name != "telnet"))
        .map(|p| format!("the output of `{}`", shorten(&p.display())));
    let send = if has(&args, &["-z"]) { None } else { exec.or_else(|| stdin_sent(inv)) };
    out.push(host, send.clone(), name);
    for p in values(&args, &["-x", "--proxy"]).filter(|_| name != "telnet") {
        let t = p.text.as_str();
        let h = if t.starts_with('[') { t } else { t.split(':').next().unwrap_or(t) };
        if let Some(h) = host_in(h, p) {
            out.push(h, send.clone(), name);
        }
    }
}

/// socat address types that connect to `host:port` (a proxy first for some).
const SOCAT_CONNECT: &[&str] = &[
    "tcp",
    "tcp4",
    "tcp6",
    "tcp-connect",
    "tcp4-connect",
    "tcp6-connect",
    "udp",
    "udp4",
    "udp6",
    "udp-connect",
    "udp4-connect",
    "udp6-connect",
    "udp-sendto",
    "udp4-sendto",
    "udp6-sendto",
    "udp-datagram",
    "udp4-datagram",
    "udp6-datagram",
    "sctp-connect",
    "sctp4-connect",
    "sctp6-connect",
    "dccp-connect",
    "dccp4-connect",
    "dccp6-connect",
    "openssl",
    "openssl-connect",
    "ssl",
    "openssl-dtls-client",
    "dtls",
];
/// socat address types that go through a proxy: `TYPE:proxy:host:port`.
const SOCAT_PROXY: &[&str] = &["socks", "socks4", "socks4a", "socks5", "socks5-connect", "proxy", "proxy-connect"];
/// socat address types that provide data from this machine.
const SOCAT_SOURCES: &[&str] = &["open", "gopen", "file", "exec", "system", "shell", "pipe", "unix-connect"];

/// `socat [options] ADDRESS ADDRESS`.
fn socat(inv: &Invocation, out: &mut Out) {
    let args = inv.args();
    let mut addrs = Vec::new();
    let mut i = 0;
    let mut unidirectional = None;
    while let Some(a) = args.get(i) {
        i += 1;
        let t = a.text.as_str();
        if t.len() > 1 && t.starts_with('-') && addrs.is_empty() {
            match t {
                "-b" | "-t" | "-T" | "-L" | "-W" | "-lf" | "-lp" | "-S" | "-r" | "-R" | "-o" => i += 1,
                "-u" => unidirectional = Some(true),
                "-U" => unidirectional = Some(false),
                _ => {}
            }
            continue;
        }
        addrs.push(a);
    }
    let [first, second] = addrs.as_slice() else { return };
    for (k, (addr, other)) in [(first, second), (second, first)].into_iter().enumerate() {
        let hosts = socat_hosts(addr);
        if hosts.is_empty() {
            continue;
        }
        // With `-u` data flows from the first address to the second; `-U` the reverse.
        let receives = match unidirectional {
            Some(true) => k == 1,
            Some(false) => k == 0,
            None => true,
        };
        let send = if receives { socat_source(other, inv) } else { None };
        for h in hosts {
            out.push(h, send.clone(), "socat");
        }
    }
}

/// The hosts a socat address connects to.
fn socat_hosts(f: &Field) -> Vec<Host> {
    let t = f.text.as_str();
    let Some((kind, rest)) = t.split_once(':') else {
        return if t.contains(UNKNOWN_MARK) { vec![unknown_host(f)] } else { Vec::new() };
    };
    if kind.contains(UNKNOWN_MARK) {
        return vec![unknown_host(f)];
    }
    let kind = kind.to_ascii_lowercase();
    let rest = rest.split(',').next().unwrap_or("");
    let parts = split_host_list(rest);
    let hosts: Vec<&str> = if SOCAT_CONNECT.contains(&kind.as_str()) {
        parts.into_iter().take(1).collect()
    } else if SOCAT_PROXY.contains(&kind.as_str()) {
        parts.into_iter().take(2).collect()
    } else {
        Vec::new()
    };
    hosts.into_iter().filter_map(|h| host_in(h, f)).collect()
}

/// What a socat address provides when it is a source of local data.
fn socat_source(f: &Field, inv: &Invocation) -> Option<String> {
    let t = f.text.as_str();
    let kind = t.split([':', ',']).next().unwrap_or("").to_ascii_lowercase();
    if matches!(kind.as_str(), "-" | "stdio" | "stdin" | "fd") || t.starts_with("-,") {
        return stdin_sent(inv);
    }
    if SOCAT_SOURCES.contains(&kind.as_str()) || t.starts_with('/') {
        return Some(format!("data from {}", shorten(&f.display())));
    }
    None
}

/// `openssl s_client -connect host:port`.
fn openssl(inv: &Invocation, out: &mut Out) {
    let args = inv.args();
    if args.first().and_then(Field::as_known) != Some("s_client") {
        return;
    }
    let send = stdin_sent(inv);
    for (k, a) in args.iter().enumerate() {
        if matches!(a.as_known(), Some("-connect" | "-proxy")) {
            if let Some(v) = args.get(k + 1) {
                let parts = split_host_list(&v.text);
                let raw = parts.first().copied().unwrap_or("");
                let raw = if parts.len() > 2 { v.text.rsplit_once(':').map_or(raw, |(h, _)| h) } else { raw };
                if let Some(h) = host_in(raw, v) {
                    out.push(h, send.clone(), "openssl s_client");
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Registries and package indexes

static DOCKER_GLOBAL: Syntax = Syntax {
    short: "cHl",
    long: &["config", "context", "host", "log-level", "tlscacert", "tlscert", "tlskey"],
    flags: &[],
    abbrev: false,
    strip: "",
    stop: 1,
};
static DOCKER_SUB: Syntax = Syntax {
    short: "up",
    long: &["username", "password", "platform", "format"],
    flags: &[],
    abbrev: false,
    strip: "",
    stop: 0,
};

/// The index in `args` of docker's subcommand: the first word after the global options
/// ([`DOCKER_GLOBAL`]: `--context X`, `-H X`, `--tlscacert=X`, …); `args.len()` when none.
pub(crate) fn docker_subcommand_at(args: &[Field]) -> usize {
    let g = &DOCKER_GLOBAL;
    let mut i = 0;
    while let Some(t) = args.get(i).and_then(Field::as_known) {
        let takes_value = match t.strip_prefix("--") {
            Some(long) => !long.contains('=') && g.long.contains(&long),
            None if t.starts_with('-') => t.len() == 2 && g.short.contains(&t[1..]),
            None => return i,
        };
        i += if takes_value { 2 } else { 1 };
    }
    i
}

/// `docker push/pull IMAGE`, `docker login [SERVER]` (also `docker image push`).
fn docker(inv: &Invocation, name: &str, out: &mut Out) {
    let args = DOCKER_GLOBAL.parse(inv.args());
    let Some(p) = args.iter().position(|a| matches!(a, Arg::Operand(_))) else { return };
    let rest: Vec<Field> = args[p..]
        .iter()
        .filter_map(|a| match a {
            Arg::Operand(f) => Some(f.clone()),
            Arg::Opt(_) => None,
        })
        .collect();
    let (sub, rest) = match rest.first().and_then(Field::as_known) {
        Some("image") => (rest.get(1).and_then(Field::as_known).unwrap_or(""), rest.get(2..).unwrap_or(&[])),
        Some(s) => (s, &rest[1..]),
        None => return,
    };
    let sub_args = DOCKER_SUB.parse(rest);
    let ops = operands(&sub_args);
    let program = format!("{name} {sub}");
    match sub {
        "push" | "pull" => {
            if let Some(image) = ops.first() {
                let send = (sub == "push").then(|| format!("an image ({})", shorten(&image.display())));
                out.push(image_registry(image), send, &program);
            }
        }
        "login" => {
            let host = match ops.first() {
                Some(s) if s.text.contains("://") => url_host(s, "https"),
                Some(s) => host_in(s.text.split('/').next().unwrap_or("").split(':').next().unwrap_or(""), s),
                None => Some(Host::Known("docker.io".into())),
            };
            if let Some(h) = host {
                out.push(h, Some(format!("credentials ({name} login)")), &program);
            }
        }
        _ => {}
    }
}

/// The registry of an image reference: the first component when it names a host
/// (has a `.` or a `:`, or is `localhost`), else Docker Hub.
fn image_registry(f: &Field) -> Host {
    let t = f.text.as_str();
    let Some((first, _)) = t.split_once('/') else {
        return if t.contains(UNKNOWN_MARK) && t.split([':', '@']).next().unwrap_or("").contains(UNKNOWN_MARK) {
            unknown_host(f)
        } else {
            Host::Known("docker.io".into())
        };
    };
    if first.contains(UNKNOWN_MARK) {
        return unknown_host(f);
    }
    if first.contains('.') || first.contains(':') || first == "localhost" {
        let host = if first.starts_with('[') { first } else { first.split(':').next().unwrap_or(first) };
        return normalize_host(host).map_or_else(|| Host::Known("docker.io".into()), Host::Known);
    }
    Host::Known("docker.io".into())
}

/// Whether a program name is pip's (`pip`, `pip3`, `pip3.12`).
fn is_pip(n: &str) -> bool {
    n.strip_prefix("pip").is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// The URL inside a requirement or package argument (`git+https://…`, `pkg @ https://…`).
fn embedded_url(f: &Field) -> Option<Field> {
    let t = f.text.as_str();
    let at = t.find("://")?;
    let start = t[..at]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        .last()
        .map_or(at, |(i, _)| i);
    let url = sub_field(f, start, t.len());
    // `git+https://` → `https://`
    let scheme_end = url.text.find("://").unwrap_or(0);
    let plus = url.text[..scheme_end].rfind('+').map_or(0, |p| p + 1);
    Some(sub_field(&url, plus, url.text.len()))
}

/// Index and proxy options of pip (also `python -m pip`).
fn pip(inv: &Invocation, args: &[Field], program: &str, out: &mut Out) {
    for v in scan(args, &["-i", "--index-url", "--extra-index-url", "--proxy"]) {
        if let Some(h) = url_host(&v, "https") {
            out.push(h, None, program);
        }
    }
    for v in scan(args, &["-f", "--find-links"]) {
        if let Some(h) = embedded_url(&v).and_then(|u| url_host(&u, "file")) {
            out.push(h, None, program);
        }
    }
    for a in args.iter().filter(|a| !a.text.starts_with('-')) {
        if let Some(h) = embedded_url(a).and_then(|u| url_host(&u, "file")) {
            out.push(h, None, program);
        }
    }
    index_env(inv, &["PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS"], program, out);
}

/// Hosts of index URLs set in the command's environment (space-separated lists).
fn index_env(inv: &Invocation, names: &[&str], program: &str, out: &mut Out) {
    for (k, v) in &inv.env {
        if !names.iter().any(|n| k.eq_ignore_ascii_case(n)) {
            continue;
        }
        let mut start = 0;
        for word in v.text.split(' ') {
            let f = sub_field(v, start, start + word.len());
            start += word.len() + 1;
            let f = match f.text.split_once('=') {
                // `name=url` (uv's indexes)
                Some((n, _)) if !n.contains(':') => sub_field(&f, n.len() + 1, f.text.len()),
                _ => f,
            };
            if !f.text.is_empty() {
                if let Some(h) = url_host(&f, "https") {
                    out.push(h, None, program);
                }
            }
        }
    }
}

/// `uv`: its pip interface and its own index options; `uv publish` sends.
fn uv(inv: &Invocation, out: &mut Out) {
    let args = inv.args();
    if args.first().and_then(Field::as_known) == Some("pip") {
        pip(inv, &args[1..], "uv", out);
    }
    for v in scan(args, &["--index", "--default-index", "--index-url", "--extra-index-url", "-i"]) {
        let start = match v.text.split_once('=') {
            Some((n, _)) if !n.contains(':') => n.len() + 1,
            _ => 0,
        };
        if let Some(h) = url_host(&sub_field(&v, start, v.text.len()), "https") {
            out.push(h, None, "uv");
        }
    }
    index_env(inv, &["UV_INDEX_URL", "UV_EXTRA_INDEX_URL", "UV_INDEX", "UV_DEFAULT_INDEX"], "uv", out);
    if args.first().and_then(Field::as_known) == Some("publish") {
        let send = Some("packages (uv publish)".to_string());
        let urls = scan(args, &["--publish-url"]);
        if urls.is_empty() {
            let what = "the upload server uv is configured with (PyPI by default)";
            out.push(Host::Unknown(what.into()), send.clone(), "uv");
        }
        for u in urls {
            if let Some(h) = url_host(&u, "https") {
                out.push(h, send.clone(), "uv");
            }
        }
    }
}

/// `npm`, `pnpm`, `yarn`, `bun`: `--registry` and package URLs; `publish` sends.
fn npm(inv: &Invocation, name: &str, out: &mut Out) {
    let args = inv.args();
    let mut registries: Vec<Host> = scan(args, &["--registry"]).iter().filter_map(|v| url_host(v, "https")).collect();
    for (k, v) in &inv.env {
        if k.eq_ignore_ascii_case("npm_config_registry") {
            registries.extend(url_host(v, "https"));
        }
    }
    let words: Vec<&str> = args.iter().filter_map(Field::as_known).filter(|t| !t.starts_with('-')).collect();
    let dry = args.iter().any(|a| a.as_known() == Some("--dry-run"));
    let publish = !dry
        && match words.as_slice() {
            ["publish", ..] => true,
            ["npm", "publish", ..] => name == "yarn",
            _ => false,
        };
    if publish {
        let send = Some(format!("a package ({name} publish)"));
        if registries.is_empty() {
            out.push(
                Host::Unknown(format!("the registry {name} is configured with (registry.npmjs.org by default)")),
                send.clone(),
                name,
            );
        }
        for h in registries {
            out.push(h, send.clone(), name);
        }
        return;
    }
    for h in registries {
        out.push(h, None, name);
    }
    // Package arguments that are URLs: `npm install https://…/x.tgz`, `github:o/r`.
    let installs = matches!(words.first(), Some(&("install" | "i" | "add" | "update" | "up" | "upgrade")));
    for a in args.iter().filter(|a| installs && !a.text.starts_with('-')) {
        let t = a.text.as_str();
        let shorthand = [("github:", "github.com"), ("gitlab:", "gitlab.com"), ("bitbucket:", "bitbucket.org")]
            .iter()
            .find(|(p, _)| t.starts_with(p));
        if let Some((_, host)) = shorthand {
            out.push(Host::Known((*host).into()), None, name);
        } else if let Some(h) = embedded_url(a).and_then(|u| url_host(&u, "file")) {
            out.push(h, None, name);
        }
    }
    for v in scan(args, &["--proxy", "--https-proxy"]) {
        if let Some(h) = url_host(&v, "http") {
            out.push(h, None, name);
        }
    }
}

/// `cargo … --index URL / --registry NAME / --git URL`; `cargo publish` sends.
fn cargo(inv: &Invocation, ctx: &Context, out: &mut Out) {
    let args = inv.args();
    let sub = args.iter().filter_map(Field::as_known).find(|t| !t.starts_with(['-', '+']));
    // `--dry-run` (`-n`) packages and verifies without uploading.
    let dry = args.iter().any(|a| matches!(a.as_known(), Some("--dry-run" | "-n")));
    let send = (sub == Some("publish") && !dry).then(|| "a crate (cargo publish)".to_string());
    let mut hosts = Vec::new();
    for v in scan(args, &["--index"]) {
        let t = v.text.as_str();
        let start = t.find('+').filter(|&p| split_scheme(&t[p + 1..]).is_some()).map_or(0, |p| p + 1);
        hosts.extend(url_host(&sub_field(&v, start, t.len()), "https"));
    }
    for r in scan(args, &["--registry"]) {
        hosts.push(cargo_registry(&r, inv, ctx));
    }
    for g in scan(args, &["--git"]) {
        hosts.extend(git_url_host(&g));
    }
    if hosts.is_empty() && send.is_some() {
        hosts.push(Host::Unknown("the registry cargo is configured with (crates.io by default)".into()));
    }
    for h in hosts {
        out.push(h, send.clone(), "cargo");
    }
}

/// The host of a named cargo registry: from `CARGO_REGISTRIES_<NAME>_INDEX`, or the
/// workspace's `.cargo/config.toml`.
fn cargo_registry(name: &Field, inv: &Invocation, ctx: &Context) -> Host {
    let unknown = || Host::Unknown(format!("cargo registry {}", shorten(&name.display())));
    let Some(n) = name.as_known() else { return unknown() };
    if n == "crates-io" {
        return Host::Known("crates.io".into());
    }
    let var = format!("CARGO_REGISTRIES_{}_INDEX", n.to_ascii_uppercase().replace('-', "_"));
    let index = inv.env_var(&var).cloned().or_else(|| {
        if !ctx.read_files {
            return None;
        }
        ["config.toml", "config"].iter().find_map(|f| {
            let text = std::fs::read_to_string(ctx.workspace.join(".cargo").join(f)).ok()?;
            let doc: toml::Table = text.parse().ok()?;
            let index = doc.get("registries")?.get(n)?.get("index")?.as_str()?;
            Some(Field::known(index))
        })
    });
    let Some(index) = index else { return unknown() };
    let t = index.text.as_str();
    let start = t.find('+').filter(|&p| split_scheme(&t[p + 1..]).is_some()).map_or(0, |p| p + 1);
    url_host(&sub_field(&index, start, t.len()), "https").unwrap_or_else(unknown)
}

/// `twine upload`: sends packages.
fn twine(inv: &Invocation, out: &mut Out) {
    let args = inv.args();
    if args.first().and_then(Field::as_known) != Some("upload") {
        return;
    }
    let send = Some("packages (twine upload)".to_string());
    let mut urls: Vec<Field> = scan(args, &["--repository-url"]);
    urls.extend(inv.env_var("TWINE_REPOSITORY_URL").cloned());
    let named = scan(args, &["-r", "--repository"]);
    if urls.is_empty() {
        let what = match named.first() {
            Some(r) => format!("twine repository {} (from .pypirc)", shorten(&r.display())),
            None => "the upload server twine is configured with (upload.pypi.org by default)".into(),
        };
        out.push(Host::Unknown(what), send, "twine");
        return;
    }
    for u in urls {
        if let Some(h) = url_host(&u, "https") {
            out.push(h, send.clone(), "twine");
        }
    }
}
