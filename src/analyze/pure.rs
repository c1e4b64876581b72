//! The output of programs that only transform data, computed statically when their
//! input is known (`echo`, `printf`, `base64 -d`, `xxd -r -p`, `rev`, `tr`, `cat` of a
//! here-document…), and the taint of every program's output: downloaded (`curl`),
//! secret (reading a key file, printing the environment or a credential).
//!
//! This is what lets `echo cm0gLXJmIC8= | base64 -d | sh` be judged as `rm -rf /`.
//! Invariant: output is only "known" when every input it depends on is known.

use super::model::{Field, Input, Invocation, Stream, Taint, Unknown, UNKNOWN_MARK};
use crate::context::Context;
use crate::sensitive;

/// Programs that print a credential.
const CREDENTIAL_PRINTERS: &[(&str, &[&str])] = &[
    ("gh", &["auth token", "auth status --show-token", "auth status -t"]),
    ("flyctl", &["auth token"]),
    ("fly", &["auth token"]),
    (
        "gcloud",
        &[
            "auth print-access-token",
            "auth print-identity-token",
            "auth application-default print-access-token",
            "config config-helper",
        ],
    ),
    (
        "aws",
        &[
            "configure get",
            "secretsmanager get-secret-value",
            "ssm get-parameter",
            "ssm get-parameters",
            "sts get-session-token",
            "ecr get-login-password",
            "sts assume-role",
            "configure export-credentials",
            "codeartifact get-authorization-token",
        ],
    ),
    ("az", &["account get-access-token"]),
    ("op", &["read", "item get"]),
    ("pass", &["show"]),
    ("security", &["find-generic-password", "find-internet-password"]),
    ("vault", &["kv get", "read", "token create", "print token"]),
    ("doppler", &["secrets get", "secrets download", "secrets"]),
    ("kubectl", &["get secret", "get secrets", "config view --raw"]),
    ("heroku", &["config", "auth:token"]),
    ("git", &["credential fill", "config --get credential"]),
    ("npm", &["token create"]),
    ("secret-tool", &["lookup"]),
    ("gpg", &["--export-secret-keys", "--export-secret-subkeys"]),
    ("gpg2", &["--export-secret-keys", "--export-secret-subkeys"]),
    ("glab", &["auth status --show-token", "auth status -t", "config get token"]),
    ("bw", &["get password", "get item", "export"]),
    ("lpass", &["show"]),
    ("gopass", &["show"]),
    ("keyring", &["get"]),
    ("docker-credential-desktop", &["get"]),
    ("docker-credential-osxkeychain", &["get"]),
    ("docker-credential-secretservice", &["get"]),
    ("docker-credential-pass", &["get"]),
];

/// How the taint of one of the operator's own credentials starts
/// ([`prints_operator_credential`]).
pub(crate) const CREDENTIAL_TAINT: &str = "a credential printed by";

/// Whether `name args` prints a stored credential (`gh auth token`, `pass show x`,
/// `aws configure get aws_secret_access_key`).
pub(crate) fn prints_credential(name: &str, args: &[Field]) -> bool {
    let Some((_, subs)) = CREDENTIAL_PRINTERS.iter().find(|(p, _)| *p == name) else { return false };
    let mut line = String::with_capacity(args.iter().map(|a| a.text.len() + 1).sum());
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            line.push(' ');
        }
        line.push_str(&a.text);
    }
    let known = |k: usize| args.get(k).and_then(Field::as_known).unwrap_or("");
    match (name, known(0), known(1)) {
        // A setting: only the secret ones (`aws_secret_access_key`, not `region`).
        ("aws", "configure", "get") => {
            let key = args.get(2).map_or(String::new(), |a| a.text.as_str().to_ascii_lowercase());
            !args.get(2).is_some_and(Field::is_known) || ["secret", "token", "password"].iter().any(|w| key.contains(w))
        }
        // `pass NAME` is `pass show NAME`; its other words are subcommands.
        ("pass" | "gopass", first, _) if !first.is_empty() && !first.starts_with('-') => !matches!(
            first,
            "ls" | "list"
                | "find"
                | "search"
                | "grep"
                | "insert"
                | "add"
                | "edit"
                | "generate"
                | "rm"
                | "remove"
                | "delete"
                | "mv"
                | "rename"
                | "cp"
                | "copy"
                | "git"
                | "init"
                | "help"
                | "version"
                | "otp"
        ),
        // Listing secrets shows their names; their values only in a full output format.
        ("kubectl", "get", "secret" | "secrets") => args
            .iter()
            .filter_map(Field::as_known)
            .any(|a| a == "-o" || a.starts_with("-o") || a.starts_with("--output")),
        _ => subs.iter().any(|s| line.starts_with(s) || follows_space(&line, s)),
    }
}

/// Whether `s` stands in `line` right after a space: `line.contains(" s")` without
/// building the needle.
fn follows_space(line: &str, s: &str) -> bool {
    line.bytes().enumerate().any(|(i, b)| b == b' ' && line[i + 1..].starts_with(s))
}

/// Whether `name args` prints one of the operator's own credentials: a login token of a
/// CLI (`gh auth token`, `gcloud auth print-access-token`, `aws configure get
/// aws_secret_access_key`), a password from a personal store (`pass show`, `security
/// find-generic-password`), a secret key (`gpg --export-secret-keys`). Secret managers
/// that hold an application's configuration (`vault kv get`, `doppler secrets get`, `aws
/// secretsmanager get-secret-value`, `op read`, `kubectl get secret`) are read by the
/// development work itself; what they print is still secret ([`prints_credential`]).
pub(crate) fn prints_operator_credential(name: &str, args: &[Field]) -> bool {
    !app_secret_store(name, args) && prints_credential(name, args)
}

/// Whether `name args` reads a secret manager that holds an application's
/// configuration (see [`prints_operator_credential`]).
fn app_secret_store(name: &str, args: &[Field]) -> bool {
    match name {
        "vault" | "doppler" | "op" | "kubectl" => true,
        "aws" => matches!(args.first().and_then(Field::as_known), Some("secretsmanager" | "ssm")),
        _ => false,
    }
}

/// How the taint of a credential variable of the environment shown by `echo $X` or
/// `printenv X` starts; the variable's name follows.
pub(crate) const ENV_CREDENTIAL_TAINT: &str = "the credential variable $";

/// Programs that fetch from the network.
const DOWNLOADERS: &[&str] = &[
    "curl",
    "wget",
    "http",
    "https",
    "xh",
    "xhs",
    "aria2c",
    "fetch",
    "lwp-request",
    "httpie",
    "curlie",
    "wget2",
    "axel",
    "nc",
    "nc.openbsd",
    "nc.traditional",
    "ncat",
    "netcat",
    "socat",
    "telnet",
    "openssl",
];

/// The output stream of `name` run as `inv`.
pub(crate) fn stdout(name: &str, inv: &Invocation, ctx: &Context) -> Stream {
    let args = inv.args();
    let input = inv.stdin.stream();
    let mut taint = Taint::none();
    if let Some(s) = input {
        taint.merge(&s.taint);
    }
    for a in args {
        taint.merge(&a.taint);
    }
    // Secret files read through arguments or redirected input.
    for a in args.iter().chain(match &inv.stdin {
        Input::File(f) => Some(f),
        _ => None,
    }) {
        if let Some(t) = a.as_known() {
            if t.starts_with('-') && !t.starts_with("--") && t.contains('=') {
                continue;
            }
            let path = t.strip_prefix('@').unwrap_or(t);
            // (`--file=.env`: an option's value; only an option has one, so only an
            // option is searched for a `=`.)
            let path = match path.strip_prefix('-').and_then(|o| o.split_once('=')) {
                Some((_, v)) => v,
                None => path,
            };
            if let Some(why) = sensitive::secret_file(path) {
                taint.secret.get_or_insert_with(|| format!("{path} ({why})").into());
            }
            // A process's environment, as `env` prints it: allowed to read, not to send.
            if path.starts_with("/proc/") && path.ends_with("/environ") {
                taint.secret.get_or_insert_with(|| "the environment".into());
            }
            // A connection bash opens (`cat < /dev/tcp/HOST/PORT`): downloaded.
            if path.starts_with("/dev/tcp/") || path.starts_with("/dev/udp/") {
                taint.network.get_or_insert_with(|| path.to_string().into());
            }
        }
    }
    if let Some(dir) = home_tree_read(name, inv, ctx) {
        taint.secret.get_or_insert_with(|| format!("everything under {}, keys included", dir.display()).into());
    }
    // Files named on its input, in a directory of secrets (`find ~/.ssh | cpio -o`).
    if let Some(f) = names_on_input(name, inv) {
        let dir = f.known_prefix().trim_end_matches('/');
        if let Some(why) = sensitive::secret_dir(dir) {
            taint.secret.get_or_insert_with(|| format!("the files under {dir} ({why})").into());
        }
    }
    let producer = Some(inv.text.clone());
    if DOWNLOADERS.contains(&name) {
        let url = args
            .iter()
            .filter_map(Field::as_known)
            .find(|a| a.contains("://") || a.contains('.') && !a.starts_with('-'))
            .unwrap_or("the network");
        taint.network.get_or_insert_with(|| url.to_string().into());
    }
    // A credential of the environment shown (`echo $AWS_SECRET_ACCESS_KEY`), as `printenv
    // AWS_SECRET_ACCESS_KEY` shows it: allowed to read, not to send.
    if matches!(name, "echo" | "printf") && taint.secret.is_none() {
        let credential = args.iter().flat_map(|a| &a.unknowns).find_map(|u| match u {
            Unknown::Var(v) | Unknown::PartOf(v) if crate::filter::secret::secret_name(v.as_bytes()).is_some() => {
                Some(v)
            }
            _ => None,
        });
        if let Some(v) = credential {
            taint.secret = Some(format!("{ENV_CREDENTIAL_TAINT}{v}").into());
        }
    }
    // `printenv GITHUB_TOKEN` shows that credential alone, as `echo $GITHUB_TOKEN` does.
    if let (true, [a]) = (name == "printenv", args) {
        if let Some(v) = a.as_known().filter(|v| crate::filter::secret::secret_name(v.as_bytes()).is_some()) {
            taint.secret.get_or_insert_with(|| format!("{ENV_CREDENTIAL_TAINT}{v}").into());
        }
    }
    if matches!(name, "env" | "printenv" | "set" | "export" | "declare" | "compgen")
        && (args.is_empty() || name == "printenv" || args.iter().any(|a| a.as_known() == Some("-p")))
    {
        taint.secret.get_or_insert_with(|| "the environment".into());
    }
    // (`prints_operator_credential`, asking `prints_credential` once for both.)
    let printed = prints_credential(name, args);
    if printed && !app_secret_store(name, args) {
        taint.secret.get_or_insert_with(|| format!("{CREDENTIAL_TAINT} `{}`", inv.text).into());
    } else if printed {
        taint.secret.get_or_insert_with(|| format!("a secret printed by `{}`", inv.text).into());
    }
    if (name == "ps" && prints_parent_pid(args)) || prints_stat_parent(name, inv) {
        return Stream { parent_pid: true, producer, taint, ..Stream::default() };
    }
    if name == "mktemp" {
        return Stream { made_path: mktemp_path(args, inv, ctx), producer, taint, ..Stream::default() };
    }
    let content = match name {
        "echo" => echo(args),
        "printf" => printf(args),
        "pwd" => inv.cwd.path().map(|p| format!("{}\n", p.display())),
        "true" | "false" | ":" | "cd" | "mkdir" | "touch" | "rm" | "cp" | "mv" | "chmod" | "ln" => Some(String::new()),
        "cat" if args.iter().all(|a| a.as_known() == Some("-")) || args.is_empty() => {
            input.and_then(|s| s.content.clone())
        }
        "base64" => {
            let decode = args.iter().any(|a| matches!(a.as_known(), Some("-d" | "--decode" | "-D" | "-di" | "-id")));
            input
                .and_then(|s| s.content.as_deref())
                .filter(|_| args.iter().all(|a| a.could_start_with("-")))
                .and_then(|c| if decode { b64_decode(c) } else { Some(b64_encode(c.as_bytes())) })
        }
        "xxd" => {
            let opts: String = args.iter().filter_map(Field::as_known).filter(|a| a.starts_with('-')).collect();
            let plain_reverse = opts.contains('r') && opts.contains('p');
            input
                .and_then(|s| s.content.as_deref())
                .filter(|_| plain_reverse && args.iter().all(|a| a.could_start_with("-")))
                .and_then(hex_decode)
        }
        // Some of the lines of a known input (`ls ~/.ssh/id_* | head -1`).
        "head" | "tail" => input.and_then(|s| s.content.as_deref()).and_then(|c| head_tail(name == "head", args, c)),
        // The lines of a known input chosen by a pattern computed here (`grep -v pub`,
        // `grep '\.rs$'`), or in reverse order, or without repeats next to each other.
        "grep" | "egrep" | "fgrep" | "tac" | "uniq" => {
            input.and_then(|s| s.content.as_deref()).and_then(|c| match line_filter(name, args)? {
                LineFilter::Exact(f) => f.apply(c),
                LineFilter::Among => None,
            })
        }
        "rev" if args.is_empty() => input
            .and_then(|s| s.content.as_deref())
            .map(|c| c.lines().map(|l| l.chars().rev().collect::<String>() + "\n").collect()),
        "tr" => tr(args, input.and_then(|s| s.content.as_deref())),
        "basename" => args
            .first()
            .and_then(Field::as_known)
            .map(|p| format!("{}\n", p.trim_end_matches('/').rsplit('/').next().unwrap_or(""))),
        "dirname" => args.first().and_then(Field::as_known).map(|p| {
            let t = p.trim_end_matches('/');
            format!("{}\n", t.rfind('/').map_or(".", |i| if i == 0 { "/" } else { &t[..i] }))
        }),
        "whoami" => ctx.var("USER").map(|u| format!("{u}\n")),
        "ls" => ls_files(args, inv),
        // The path itself, resolved by name (links are not followed here: what the
        // guards make of the path is what they make of the file).
        "realpath" | "readlink"
            if name == "realpath" || args.iter().any(|a| matches!(a.as_known(), Some("-f" | "-e" | "-m"))) =>
        {
            resolved_paths(args, inv)
        }
        _ => None,
    };
    // Programs that pass on some of their input's lines whole (`find ~/.ssh | head -1`):
    // the lines are still the paths the input named.
    let (items_prefix, items_name, items_all, items_reach) = match input {
        Some(s) if content.is_none() && s.items_prefix.is_some() && passes_lines(name, args) => {
            // (All of them only through programs that drop none: `sort`, not `head -1`.)
            let all = s.items_all && matches!(name, "sort" | "uniq" | "tac" | "cat");
            (s.items_prefix.clone(), s.items_name.clone(), all, s.items_reach.clone())
        }
        // `ls` alone lists the working directory: names in it (`cd ~/.ssh && cat $(ls)`).
        _ if name == "ls" && content.is_none() && lists_cwd(args) => {
            (Some("./".to_string()), None, false, super::find::Reach::default())
        }
        _ => (None, None, false, super::find::Reach::default()),
    };
    // Lines of a known list (or of lines known to be among some) that a filter not
    // computed here passes on: some of them, in an order not known.
    let lines_among = match input {
        Some(s) if content.is_none() => {
            s.content.as_deref().or(s.lines_among.as_deref()).and_then(|c| match line_filter(name, args)? {
                // (A pattern computed is applied to each line that may come.)
                LineFilter::Exact(f @ Exact::Grep(_)) => f.apply(c).or_else(|| Some(c.to_string())),
                LineFilter::Exact(_) | LineFilter::Among => Some(c.to_string()),
            })
        }
        _ => None,
    };
    Stream {
        content,
        producer,
        taint,
        trusted_code: false,
        items_prefix,
        items_name,
        items_all,
        items_reach,
        made_path: None,
        parent_pid: false,
        lines_among,
    }
}

/// What a program that prints some of its input's lines unchanged does with them
/// ([`line_filter`]).
enum LineFilter {
    /// Computed here.
    Exact(Exact),
    /// Some of them, in an order not known: a choice not computed (`sort`, `shuf`, a
    /// `grep` pattern not evaluated, `head` after one of these).
    Among,
}

/// A line filter computed here.
enum Exact {
    /// `grep` with patterns that are plain text (anchored or not).
    Grep(Grep),
    /// `tac`: the lines in reverse order.
    Reverse,
    /// `uniq`: repeated lines next to each other once.
    Uniq,
    /// `head`/`tail` with a line count, computed by [`head_tail`] (on known input only),
    /// and `cat` that passes them all.
    Lines,
}

/// The patterns of a `grep` computed here: plain text, each matched anywhere in a line
/// unless anchored (`^…`, `…$`, `-x`).
struct Grep {
    /// (text, at the start, at the end).
    patterns: Vec<(String, bool, bool)>,
    invert: bool,
    ignore_case: bool,
}

impl Exact {
    /// The output for the input `content`; `None` when it is not computed after all: a
    /// line `grep -i` folds beyond ASCII, or a NUL (`grep` says a binary file matches).
    fn apply(&self, content: &str) -> Option<String> {
        if content.contains('\0') || matches!(self, Self::Grep(g) if g.ignore_case && !content.is_ascii()) {
            return None;
        }
        let mut out = String::with_capacity(content.len());
        match self {
            Self::Grep(g) => {
                for line in content.lines().filter(|l| g.matches(l) != g.invert) {
                    out.push_str(line);
                    out.push('\n');
                }
            }
            Self::Reverse => {
                for line in content.lines().rev() {
                    out.push_str(line);
                    out.push('\n');
                }
            }
            Self::Uniq => {
                let mut last = None;
                for line in content.lines().filter(|l| last.replace(*l) != Some(*l)) {
                    out.push_str(line);
                    out.push('\n');
                }
            }
            Self::Lines => out.push_str(content),
        }
        Some(out)
    }
}

impl Grep {
    /// Whether `line` matches one of the patterns.
    fn matches(&self, line: &str) -> bool {
        let folded;
        let line = if self.ignore_case {
            folded = line.to_ascii_lowercase();
            &folded
        } else {
            line
        };
        self.patterns.iter().any(|(p, start, end)| match (start, end) {
            (true, true) => line == p,
            (true, false) => line.starts_with(p.as_str()),
            (false, true) => line.ends_with(p.as_str()),
            (false, false) => line.contains(p.as_str()),
        })
    }
}

/// What `name args` does with its input's lines when it prints some of them unchanged
/// and reads nothing else: `grep PATTERN`, `sort`, `uniq`, `tac`, `shuf`, `head`, `tail`.
/// `None` for other programs and options that change the lines (`uniq -c`, `grep -n`,
/// `head -c`) or read files.
fn line_filter(name: &str, args: &[Field]) -> Option<LineFilter> {
    // Known options only; any operand (a file to read) makes it something else.
    let options = |allowed: &str, long: &[&str]| {
        args.iter().all(|a| {
            a.as_known().is_some_and(|t| match t.strip_prefix("--") {
                Some(l) => long.contains(&l),
                None => t.len() > 1 && t.starts_with('-') && t[1..].chars().all(|c| allowed.contains(c)),
            })
        })
    };
    Some(match name {
        "tac" if args.is_empty() => LineFilter::Exact(Exact::Reverse),
        "uniq" if args.is_empty() => LineFilter::Exact(Exact::Uniq),
        "uniq" if options("diuz", &["repeated", "unique", "ignore-case", "zero-terminated"]) => LineFilter::Among,
        "sort" | "shuf" => {
            // Keys and counts as values of their options (`sort -t: -k2`, `shuf -n 1`).
            let (values, flags): (&[&str], &str) = if name == "sort" {
                (&["-k", "-t", "--key", "--field-separator"], "bdfghiMnRrsuVz")
            } else {
                (&["-n", "--head-count"], "rz")
            };
            let mut k = 0;
            while let Some(a) = args.get(k) {
                let t = a.as_known()?;
                let attached = if name == "sort" {
                    ["-k", "-t", "--key=", "--field-separator="]
                } else {
                    ["-n", "--head-count=", "", ""]
                };
                match t {
                    _ if values.contains(&t) => k += 1,
                    _ if attached.iter().any(|p| !p.is_empty() && t.starts_with(p)) => {}
                    "--unique" | "--reverse" | "--numeric-sort" | "--ignore-case" | "--version-sort"
                    | "--random-sort" | "--repeat" => {}
                    _ if t.len() > 1
                        && t.starts_with('-')
                        && !t.starts_with("--")
                        && t[1..].chars().all(|c| flags.contains(c)) => {}
                    _ => return None,
                }
                k += 1;
            }
            LineFilter::Among
        }
        "cat" if args.is_empty() => LineFilter::Exact(Exact::Lines),
        "head" | "tail" => {
            // Line counts only, as [`head_tail`] reads them (`-c` cuts lines).
            let mut k = 0;
            while let Some(a) = args.get(k) {
                let t = a.as_known()?;
                match t {
                    "-n" | "--lines" => k += 1,
                    _ if t.starts_with("--lines=") || t.starts_with("-n") => {}
                    _ if t.len() > 1 && t[1..].bytes().all(|b| b.is_ascii_digit()) && t.starts_with('-') => {}
                    _ => return None,
                }
                k += 1;
            }
            LineFilter::Exact(Exact::Lines)
        }
        "grep" | "egrep" | "fgrep" => return grep_filter(name, args),
        _ => return None,
    })
}

/// [`line_filter`] for `grep`: computed when each pattern is plain text, found in a line
/// as bytes are (anchored by `^`, `$`, `-x`; `-i` for ASCII letters); some of the lines
/// otherwise (`-w`, `-P`, a pattern with other regex characters or not known).
fn grep_filter(name: &str, args: &[Field]) -> Option<LineFilter> {
    let (mut fixed, mut extended) = (name == "fgrep", name == "egrep");
    let (mut invert, mut ignore_case, mut whole, mut computed) = (false, false, false, true);
    let mut patterns: Vec<&Field> = Vec::new();
    let mut operand = None;
    let mut k = 0;
    while let Some(a) = args.get(k) {
        k += 1;
        let Some(t) = a.as_known() else {
            // The pattern, not known: it may pass any line.
            if operand.replace(a).is_some() || !patterns.is_empty() {
                return None;
            }
            continue;
        };
        if let Some(long) = t.strip_prefix("--") {
            match long {
                "" => {
                    // The pattern follows, when none was given by `-e`.
                    if patterns.is_empty() && operand.is_none() {
                        operand = args.get(k);
                        k += 1;
                    }
                    if args.len() > k {
                        return None;
                    }
                }
                "invert-match" => invert = true,
                "ignore-case" => ignore_case = true,
                "fixed-strings" => fixed = true,
                "extended-regexp" => extended = true,
                "basic-regexp" => extended = false,
                "line-regexp" => whole = true,
                "no-messages" | "color=never" | "colour=never" | "color=auto" | "colour=auto" => {}
                "word-regexp" | "perl-regexp" => computed = false,
                _ if long.starts_with("regexp=") => patterns.push(a),
                _ => return None,
            }
            continue;
        }
        match t.strip_prefix('-').filter(|f| !f.is_empty()) {
            Some(flags) => {
                for (i, c) in flags.char_indices() {
                    match c {
                        'v' => invert = true,
                        'i' | 'y' => ignore_case = true,
                        'F' => fixed = true,
                        'E' => extended = true,
                        'G' => extended = false,
                        'x' => whole = true,
                        's' => {}
                        'w' | 'P' => computed = false,
                        'e' if i + 1 == flags.len() => {
                            patterns.push(args.get(k)?);
                            k += 1;
                        }
                        _ => return None,
                    }
                }
            }
            // One pattern, no file (a file is read instead of the input).
            None if patterns.is_empty() && operand.is_none() => operand = Some(a),
            None => return None,
        }
    }
    // (`--regexp=P` holds its pattern after the `=`.)
    let texts: Vec<&str> = patterns
        .iter()
        .chain(operand.as_ref())
        .map(|f| f.as_known().map(|t| t.strip_prefix("--regexp=").unwrap_or(t)))
        .collect::<Option<_>>()
        .unwrap_or_default();
    if texts.is_empty() || !computed {
        return (!patterns.is_empty() || operand.is_some()).then_some(LineFilter::Among);
    }
    let mut grep = Grep { patterns: Vec::new(), invert, ignore_case };
    // (A pattern of several lines is one pattern for each.)
    for p in texts.iter().flat_map(|t| t.split('\n')) {
        let Some(mut plain) = plain_pattern(p, fixed, extended) else { return Some(LineFilter::Among) };
        if ignore_case {
            if !plain.0.is_ascii() {
                return Some(LineFilter::Among);
            }
            plain.0.make_ascii_lowercase();
        }
        grep.patterns.push((plain.0, plain.1 || whole, plain.2 || whole));
    }
    Some(LineFilter::Exact(Exact::Grep(grep)))
}

/// The text a `grep` pattern matches when it is plain text (`id_`, `\.rs$`, `^src/`):
/// (text, anchored at the start, at the end). `None` when it holds other regex syntax.
fn plain_pattern(p: &str, fixed: bool, extended: bool) -> Option<(String, bool, bool)> {
    if fixed {
        return Some((p.to_string(), false, false));
    }
    let (start, p) = match p.strip_prefix('^') {
        Some(rest) => (true, rest),
        None => (false, p),
    };
    // A `$` at the end anchors it unless escaped (`\$`).
    let end = p.ends_with('$') && !p.ends_with("\\$");
    let p = if end { &p[..p.len() - 1] } else { p };
    let special =
        |c: char| matches!(c, '.' | '[' | ']' | '*' | '^' | '$' | '\\') || (extended && "+?(){}|".contains(c));
    let mut out = String::with_capacity(p.len());
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        match c {
            // An escaped special character stands for itself (`\.`); other escapes are
            // syntax (`\w`, `\+` in a basic pattern).
            '\\' => match chars.next() {
                Some(e) if matches!(e, '.' | '[' | ']' | '*' | '^' | '$' | '\\' | '/' | '-') => out.push(e),
                Some(e) if extended && "+?(){}|".contains(e) => out.push(e),
                _ => return None,
            },
            _ if special(c) => return None,
            // (In a basic pattern `+?(){}|` are plain; `*` at the start too, not computed.)
            _ => out.push(c),
        }
    }
    Some((out, start, end))
}

/// Whether `ps ARGS` prints the parent id of the shell (`$$`, or another id known only
/// at run time: a number, `$PPID`) and nothing else: `ps -o ppid= -p $$`, `ps -o ppid= $$`.
fn prints_parent_pid(args: &[Field]) -> bool {
    let (mut format, mut pid) = (false, false);
    let mut k = 0;
    let ppid_only = |v: &str| {
        v.split([',', ' ']).all(|c| c.split_once(['=', ':']).map_or(c, |(n, _)| n) == "ppid") && !v.is_empty()
    };
    let run_time_id = |f: Option<&Field>| f.is_some_and(|f| !f.is_known() && f.only_numeric_unknowns());
    while let Some(a) = args.get(k) {
        let t = a.as_known();
        match t {
            Some("-o" | "--format" | "-O") => {
                k += 1;
                format = t != Some("-O") && args.get(k).and_then(Field::as_known).is_some_and(ppid_only);
                if !format {
                    return false;
                }
            }
            Some("-p" | "--pid" | "-q" | "--quick-pid") => {
                k += 1;
                pid = run_time_id(args.get(k));
            }
            Some("-h" | "--no-headers" | "--no-header") => {}
            Some(t) if t.starts_with("-o") || t.starts_with("--format=") => {
                format = ppid_only(t.trim_start_matches("-o").trim_start_matches("--format="));
            }
            _ if a.could_start_with("-") && a.known_prefix().starts_with('-') => {
                let Some(v) = ["-p", "--pid=", "-q", "--quick-pid="].iter().find_map(|p| a.text.strip_prefix(p)) else {
                    return false;
                };
                pid = v.chars().all(|c| c == crate::analyze::model::UNKNOWN_MARK) && a.only_numeric_unknowns();
            }
            _ => pid = run_time_id(Some(a)),
        }
        k += 1;
    }
    format && pid
}

/// Whether `path` is the `stat` file of the shell in `/proc` (`/proc/$$/stat`, or of
/// another id known only at run time) whose fourth field is the shell's parent's id;
/// with `own`, also `/proc/self/stat` (the file of the process that opens it: the shell,
/// for a builtin's redirection).
pub(crate) fn shell_stat_file(path: &Field, own: bool) -> bool {
    match path.text.strip_prefix("/proc/").and_then(|p| p.strip_suffix("/stat")) {
        Some("self") => own && path.is_known(),
        Some(pid) => !path.is_known() && path.only_numeric_unknowns() && pid.chars().all(|c| c == UNKNOWN_MARK),
        None => false,
    }
}

/// Whether `name` prints the fourth field of the shell's `stat` file ([`shell_stat_file`]),
/// its parent's id, as `$PPID` is: `cut -d' ' -f4 /proc/$$/stat`, `awk '{print $4}'
/// /proc/$$/stat` (the file given or redirected in). (`/proc/self/stat` is the program's
/// own: its parent is the shell.)
pub(crate) fn prints_stat_parent(name: &str, inv: &Invocation) -> bool {
    let awk = match name {
        "cut" => false,
        "awk" | "gawk" | "mawk" => true,
        _ => return false,
    };
    let args = inv.args();
    // Options with their values; the operands after them.
    let (mut space, mut fourth) = (awk, false);
    let mut operands: Vec<&Field> = Vec::new();
    let mut k = 0;
    while let Some(a) = args.get(k) {
        k += 1;
        let Some(t) = a.as_known() else {
            operands.push(a);
            continue;
        };
        let (opt, value) = match t {
            "-d" | "-f" | "-F" | "--delimiter" | "--fields" => {
                k += 1;
                (t, args.get(k - 1).and_then(Field::as_known))
            }
            _ if t.starts_with("--delimiter=") => ("-d", Some(&t[12..])),
            _ if t.starts_with("--fields=") => ("-f", Some(&t[9..])),
            _ if t.starts_with("-d") || t.starts_with("-f") || t.starts_with("-F") => (&t[..2], Some(&t[2..])),
            _ if t.starts_with('-') && t.len() > 1 => return false,
            _ => {
                operands.push(a);
                continue;
            }
        };
        match (awk, opt, value) {
            (false, "-d" | "--delimiter", Some(" ")) | (true, "-F", Some(" ")) => space = true,
            (false, "-f" | "--fields", Some(v)) => {
                fourth = v.split(',').any(|r| {
                    let (lo, hi) = r.split_once('-').unwrap_or((r, r));
                    let lo = if lo.is_empty() { Some(1) } else { lo.parse::<u32>().ok() };
                    let hi = if hi.is_empty() { Some(u32::MAX) } else { hi.parse::<u32>().ok() };
                    matches!((lo, hi), (Some(l), Some(h)) if l <= 4 && 4 <= h)
                });
            }
            _ => return false,
        }
    }
    if awk {
        // `{print $4}`, blanks aside.
        let code: Option<String> = (!operands.is_empty())
            .then(|| operands.remove(0))
            .and_then(Field::as_known)
            .map(|p| p.split_whitespace().collect());
        fourth = code.as_deref() == Some("{print$4}");
    }
    let file = match (&inv.stdin, operands.as_slice()) {
        (Input::File(f), []) | (_, &[f]) => f,
        _ => return false,
    };
    space && fourth && shell_stat_file(file, false)
}

/// What `head`/`tail` (`head`) with only a line count (`-1`, `-n 2`, `-n+2`, `--lines=3`;
/// 10 when none) print of the known `content`.
fn head_tail(head: bool, args: &[Field], content: &str) -> Option<String> {
    let mut count: &str = "10";
    let mut k = 0;
    while let Some(a) = args.get(k) {
        let t = a.as_known()?;
        count = match t {
            "-n" | "--lines" => {
                k += 1;
                args.get(k)?.as_known()?
            }
            _ if t.starts_with("--lines=") => &t[8..],
            _ if t.starts_with("-n") => &t[2..],
            _ if t.len() > 1 && t[1..].bytes().all(|b| b.is_ascii_digit()) && t.starts_with('-') => &t[1..],
            _ => return None,
        };
        k += 1;
    }
    let lines: Vec<&str> = content.split_inclusive('\n').collect();
    let (from_start, n) = match count.strip_prefix('+') {
        Some(n) if !head => (true, n.parse::<usize>().ok()?.saturating_sub(1)),
        _ => (false, count.parse::<usize>().ok()?),
    };
    let kept = match (head, from_start) {
        (true, _) => &lines[..n.min(lines.len())],
        (false, true) => &lines[n.min(lines.len())..],
        (false, false) => &lines[lines.len().saturating_sub(n)..],
    };
    Some(kept.concat())
}

/// What `realpath P…` and `readlink -f P…` print: each path made absolute and
/// normalised (links are not followed here: the guards judge the path as named).
fn resolved_paths(args: &[Field], inv: &Invocation) -> Option<String> {
    let base = inv.cwd.path()?;
    let mut out = String::new();
    for a in args.iter().filter(|a| !a.could_start_with("-")) {
        out.push_str(&crate::paths::lossy(&crate::context::normalize_join(base, a.as_known()?)));
        out.push('\n');
    }
    (!out.is_empty()).then_some(out)
}

/// What `ls` prints when each operand is a file named in full (`ls ~/.ssh/id_rsa`, `ls -d
/// DIR`): the operands themselves, one per line. Directories list their entries, which
/// are not known here.
fn ls_files(args: &[Field], inv: &Invocation) -> Option<String> {
    let mut dirs_as_files = false;
    let mut out = String::new();
    for a in args {
        let t = a.as_known()?;
        if let Some(flags) = t.strip_prefix('-') {
            // Only options that keep the output one bare name per line.
            if !flags.bytes().all(|b| matches!(b, b'1' | b'd' | b'a' | b'A' | b't' | b'r' | b'S' | b'U')) {
                return None;
            }
            dirs_as_files |= flags.contains('d');
            continue;
        }
        if a.glob {
            // What the shell passes: the matches now (none: the pattern, which ls
            // does not find).
            for m in crate::paths::glob_matches(a, &inv.cwd).into_iter().flatten() {
                out.push_str(&m.to_string_lossy());
                out.push('\n');
            }
            continue;
        }
        out.push_str(t);
        out.push('\n');
    }
    if out.is_empty() {
        return None;
    }
    if !dirs_as_files {
        let base = inv.cwd.path()?;
        for line in out.lines() {
            if std::fs::metadata(base.join(line)).map_or(true, |m| m.is_dir()) {
                return None;
            }
        }
    }
    Some(out)
}

/// Whether `ls ARGS` lists the working directory one bare name a line: no operand, and
/// only options that keep names bare (`-1`, `-a`, `-t`, `-r`; not `-l`, `-F`, `-R`, `-d`).
fn lists_cwd(args: &[Field]) -> bool {
    args.iter().all(|a| {
        a.as_known().and_then(|t| t.strip_prefix('-')).is_some_and(|flags| {
            !flags.is_empty() && flags.bytes().all(|b| matches!(b, b'1' | b'a' | b'A' | b't' | b'r' | b'S' | b'U'))
        })
    })
}

/// Whether `name args` prints some of its input's lines unchanged, reading only its input:
/// `head`, `tail`, `sort`, `uniq`, `shuf`, `tac`, `grep` without options that change lines.
fn passes_lines(name: &str, args: &[Field]) -> bool {
    let options_only = || args.iter().all(|a| a.could_start_with("-") || a.text.bytes().all(|b| b.is_ascii_digit()));
    match name {
        "head" | "tail" | "sort" | "uniq" | "shuf" | "tac" | "cat" => options_only(),
        // One pattern, no file: `grep id_ | …`; `-o`, `-c`, `-n`, `-b` change the lines.
        "grep" | "egrep" | "fgrep" | "rg" => {
            let mut operands = args.iter().filter(|a| !a.could_start_with("-"));
            let changes = args.iter().filter_map(Field::as_known).any(|a| {
                a.starts_with('-') && !a.starts_with("--") && a[1..].contains(['o', 'c', 'n', 'b', 'l', 'L', 'H'])
            });
            !changes && operands.next().is_some() && operands.next().is_none()
        }
        _ => false,
    }
}

/// The directory holding the home directory (it, or one above it: `~`, `/home`, `/`)
/// that `inv` reads whole: `grep -r`, `tar c`, `zip -r`, `cp -r`, `rsync -a`, `scp -r`,
/// and `rg` with hidden files. Its SSH keys and credentials are in what it reads.
pub(crate) fn home_tree_read(name: &str, inv: &Invocation, ctx: &Context) -> Option<std::path::PathBuf> {
    tree_read_holding(name, inv, &ctx.home, false)
}

/// The programs [`tree_read_holding`] judges: searchers, archivers and copiers that can
/// read a directory whole, cloud CLIs that upload one, and programs that print the files
/// they are given ([`prints_files`]).
pub(crate) fn reads_trees(name: &str) -> bool {
    prints_files(name)
        || super::upload::uploads_files(name)
        || serves_files(name)
        || matches!(
            name,
            "grep"
                | "egrep"
                | "fgrep"
                | "rg"
                | "tar"
                | "bsdtar"
                | "gtar"
                | "zip"
                | "cp"
                | "scp"
                | "rsync"
                | "7z"
                | "7za"
                | "7zr"
        )
}

/// Programs that print or copy whole each file they are given: given every file of a
/// tree (`find ~ -type f -exec cat {} +`, `find . -type f | xargs head`), they read the
/// tree whole.
fn prints_files(name: &str) -> bool {
    matches!(
        name,
        "cat"
            | "tac"
            | "head"
            | "tail"
            | "less"
            | "more"
            | "most"
            | "bat"
            | "batcat"
            | "strings"
            | "xxd"
            | "od"
            | "hexdump"
            | "hd"
            | "base64"
            | "base32"
            | "basenc"
            | "nl"
            | "pr"
            | "fold"
            | "sort"
            | "uniq"
            | "cut"
            | "paste"
            | "column"
            | "install"
            | "cpio"
    )
}

/// The paths `name` reads from its input and copies (`cpio -o`, `cpio -p`, `tar -T -`):
/// what the program before it printed (`find ~/.ssh | cpio -o` copies `~/.ssh/…`), when
/// that is paths under a known directory.
pub(crate) fn names_on_input(name: &str, inv: &Invocation) -> Option<Field> {
    let args = inv.args();
    let copies = match name {
        "cpio" => args.iter().filter_map(Field::as_known).any(|t| {
            matches!(t, "--create" | "--pass-through")
                || (t.starts_with('-') && !t.starts_with("--") && t[1..].contains(['o', 'p']) && !t.contains('i'))
        }),
        "tar" | "bsdtar" | "gtar" => args.iter().enumerate().any(|(k, a)| {
            let next = || args.get(k + 1).and_then(Field::as_known) == Some("-");
            match a.as_known() {
                Some("--files-from=-" | "-T-") => true,
                Some("--files-from") => next(),
                Some(t) => t.starts_with('-') && !t.starts_with("--") && t.ends_with('T') && next(),
                None => false,
            }
        }),
        _ => return None,
    };
    let s = inv.stdin.stream().filter(|_| copies)?;
    let prefix = s.items_prefix.as_deref()?;
    Some(if s.items_all && s.items_name.is_none() {
        Field::every_file_within(prefix, s.items_reach.clone(), "the paths on its input")
    } else {
        Field::found_path(Some(prefix), s.items_name.as_deref(), "the paths on its input")
    })
}

/// Whether `args` hold a short option among `short` (alone or in a cluster) or one of
/// the long options `long`.
pub(crate) fn has_flag(args: &[Field], short: &[char], long: &[&str]) -> bool {
    args.iter().filter_map(Field::as_known).any(|t| {
        long.contains(&t) || (t.starts_with('-') && !t.starts_with("--") && t[1..].chars().any(|c| short.contains(&c)))
    })
}

/// The directory holding `inner` that `inv` reads whole by being given every file under
/// it, one by one ([`Field::every_file_under`]: `find ~ -type f -exec cat {} +`, `cat
/// $(find ~ -type f)`, `find . | cpio -o`). Searchers count as [`tree_read_holding`]
/// says (binary files only when told to print them as text).
fn every_file_read(name: &str, inv: &Invocation, inner: &std::path::Path, binary: bool) -> Option<std::path::PathBuf> {
    let args = inv.args();
    let given = names_on_input(name, inv);
    let mut dirs = args.iter().chain(given.as_ref()).filter_map(Field::every_file_reach).peekable();
    dirs.peek()?;
    let searcher_skips_binary = match name {
        "grep" | "egrep" | "fgrep" => !has_flag(args, &['a'], &["--text", "--binary-files=text"]),
        "rg" => {
            let u = args
                .iter()
                .filter_map(Field::as_known)
                .filter(|t| !t.starts_with("--"))
                .map(|t| t.matches('u').count());
            u.max().unwrap_or(0) < 3 && !has_flag(args, &['a'], &["--text", "--binary"])
        }
        _ => false,
    };
    if binary && searcher_skips_binary {
        return None;
    }
    let cwd = inv.cwd.path()?;
    dirs.find_map(|(d, reach)| {
        let p = crate::context::normalize_join(cwd, d);
        (inner.starts_with(&p) && reach.reaches(d, &p, inner)).then_some(p)
    })
}

/// The directory holding `inner` (it, or one above it) that `inv` reads whole, as
/// [`home_tree_read`] does for the home directory. With `binary`, searchers count only
/// when they print binary files as text (`grep -ra`, `rg -uuu`): what they would show of
/// a binary file otherwise is that it matches. A tree whose copy leaves `inner` out by
/// name (`tar --exclude=.tako`) does not count when `inner` is under `.tako`.
pub(crate) fn tree_read_holding(
    name: &str,
    inv: &Invocation,
    inner: &std::path::Path,
    binary: bool,
) -> Option<std::path::PathBuf> {
    let args = inv.args();
    let flag = |short: &[char], long: &[&str]| {
        args.iter().filter_map(Field::as_known).any(|t| {
            long.contains(&t)
                || (t.starts_with('-') && !t.starts_with("--") && t[1..].chars().any(|c| short.contains(&c)))
        })
    };
    let u_count = || {
        args.iter()
            .filter_map(Field::as_known)
            .filter(|t| !t.starts_with("--"))
            .map(|t| t.matches('u').count())
            .max()
            .unwrap_or(0)
    };
    // A web server for a directory makes every file under it readable by anyone who can
    // reach the port (`python3 -m http.server -d ~` serves `~/.ssh/id_rsa`).
    if let Some(dir) = served_dir(name, args) {
        let p = crate::context::normalize_join(inv.cwd.path()?, dir);
        return inner.starts_with(&p).then_some(p);
    }
    if !reads_trees(name) {
        return None;
    }
    if let Some(dir) = every_file_read(name, inv, inner, binary) {
        return Some(dir);
    }
    let recursive = match name {
        "grep" | "egrep" | "fgrep" => {
            flag(&['r', 'R'], &["--recursive", "--dereference-recursive"])
                && (!binary || flag(&['a'], &["--text", "--binary-files=text"]))
        }
        // rg skips hidden files (`.ssh`) unless told: `--hidden`, `-.`, `-uu`; binary
        // files unless `-uuu`, `--binary`, `-a`.
        "rg" => {
            (flag(&['.'], &["--hidden"]) || u_count() >= 2)
                && (!binary || u_count() >= 3 || flag(&['a'], &["--text", "--binary"]))
        }
        "tar" | "bsdtar" | "gtar" => {
            flag(&['c'], &["--create"])
                || args.first().and_then(Field::as_known).is_some_and(|t| !t.starts_with('-') && t.contains('c'))
        }
        "zip" => flag(&['r', 'R'], &["--recurse-paths"]),
        "7z" | "7za" | "7zr" => args.first().and_then(Field::as_known) == Some("a"),
        "cp" | "scp" => flag(&['r', 'R', 'a'], &["--recursive", "--archive"]),
        "rsync" => flag(&['r', 'a'], &["--recursive", "--archive"]),
        // `aws s3 sync ~ s3://b`, `aws s3 cp . s3://b --recursive`.
        "aws" | "gcloud" | "az" => super::upload::upload(name, args).is_some_and(|u| u.recursive),
        _ => false,
    };
    if !recursive {
        return None;
    }
    if inner.components().any(|c| c.as_os_str() == ".tako") && excludes_tako(args) {
        return None;
    }
    let cwd = inv.cwd.path()?;
    // A relative path without `..` stays under the working directory: unless that holds
    // `inner`, it cannot (no path is built for it).
    let cwd_holds = inner.starts_with(cwd);
    // Searchers given a pattern and no path search the working directory (`rg -uuu x`,
    // `grep -ra x`).
    let searcher = matches!(name, "grep" | "egrep" | "fgrep" | "rg");
    let by_option = args.iter().filter_map(Field::as_known).any(|t| matches!(t, "-e" | "-f" | "--regexp" | "--file"));
    if searcher && !by_option && cwd_holds && args.iter().filter(|a| !a.could_start_with("-")).count() <= 1 {
        return Some(cwd.to_path_buf());
    }
    args.iter().filter_map(Field::as_known).filter(|t| !t.starts_with('-')).find_map(|t| {
        if !cwd_holds && !t.starts_with('/') && !t.contains("..") {
            return None;
        }
        let p = crate::context::normalize_join(cwd, t);
        inner.starts_with(&p).then_some(p)
    })
}

/// Programs [`served_dir`] may find a file server in.
fn serves_files(name: &str) -> bool {
    matches!(name, "php" | "ruby" | "http-server" | "live-server")
        || name.strip_prefix("python").is_some_and(|v| v.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// The directory a static file server serves, when `name` with `args` is one:
/// `python3 -m http.server [-d DIR]`, `php -S ADDR [-t DIR]`, `ruby -run -e httpd [DIR]`,
/// `http-server [DIR]`, `live-server [DIR]`; the working directory when none is named.
fn served_dir<'a>(name: &str, args: &'a [Field]) -> Option<&'a str> {
    let known = |k: usize| args.get(k).and_then(Field::as_known);
    let at = |t: &str| (0..args.len()).find(|&k| known(k) == Some(t));
    // The value of `short` or `long` (`--long=V` too).
    let value = |short: &str, long: &str| -> Option<&'a str> {
        (0..args.len()).find_map(|k| {
            let t = known(k)?;
            if t == short || t == long {
                known(k + 1)
            } else {
                t.strip_prefix(long).and_then(|v| v.strip_prefix('='))
            }
        })
    };
    let first_operand = |from: usize| (from..args.len()).filter_map(known).find(|t| !t.starts_with('-'));
    if !serves_files(name) {
        return None;
    }
    if name.starts_with("python") {
        let m = at("-m")?;
        if !matches!(known(m + 1), Some("http.server" | "SimpleHTTPServer")) {
            return None;
        }
        return Some(value("-d", "--directory").unwrap_or("."));
    }
    match name {
        "php" if at("-S").is_some() => Some(value("-t", "--docroot").unwrap_or(".")),
        "ruby" if at("-run").is_some() => {
            let e = at("-e")?;
            (known(e + 1) == Some("httpd")).then(|| first_operand(e + 2).unwrap_or("."))
        }
        "http-server" | "live-server" => Some(first_operand(0).unwrap_or(".")),
        _ => None,
    }
}

/// Whether an archiver's or copier's arguments leave `.tako` out whole: `--exclude=.tako`,
/// `--exclude .tako/`, `--exclude-dir=.tako`, zip's `-x '.tako/*'` (a pattern of part of
/// it, `--exclude=.tako/queue`, leaves the key in).
fn excludes_tako(args: &[Field]) -> bool {
    let names_tako =
        |t: &str| matches!(t.trim_start_matches("./"), ".tako" | ".tako/" | ".tako/*" | ".tako/**" | ".tako*");
    args.iter().enumerate().any(|(k, a)| {
        let Some(t) = a.as_known() else { return false };
        if let Some((opt, v)) = t.split_once('=') {
            return opt.starts_with("--exclude") && names_tako(v);
        }
        names_tako(t)
            && k > 0
            && args[k - 1].as_known().is_some_and(|o| matches!(o, "--exclude" | "--exclude-dir" | "-x"))
            // (zip's `-x .tako` leaves out the directory's entry, not its files.)
            && !(args[k - 1].as_known() == Some("-x") && matches!(t.trim_start_matches("./"), ".tako" | ".tako/"))
    })
}

fn echo(args: &[Field]) -> Option<String> {
    let mut newline = true;
    let mut escapes = false;
    let mut i = 0;
    while let Some(a) = args.get(i).and_then(Field::as_known) {
        if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| matches!(c, 'n' | 'e' | 'E')) {
            newline &= !a.contains('n');
            escapes = a.contains('e') || (escapes && !a.contains('E'));
            i += 1;
        } else {
            break;
        }
    }
    let mut out = String::new();
    for (k, a) in args[i..].iter().enumerate() {
        if k > 0 {
            out.push(' ');
        }
        out.push_str(a.as_known()?);
    }
    if escapes {
        out = unescape(&out, true);
    }
    if newline {
        out.push('\n');
    }
    Some(out)
}

/// `printf FORMAT ARGS…` with `%s %b %d %i %c %q %%` and escapes.
fn printf(args: &[Field]) -> Option<String> {
    let mut args = args;
    if args.first().and_then(Field::as_known) == Some("--") {
        args = &args[1..];
    }
    let (fmt, rest) = args.split_first()?;
    let fmt = fmt.as_known()?;
    if fmt.starts_with("-v") {
        return Some(String::new());
    }
    let vals: Vec<&str> = rest.iter().map(Field::as_known).collect::<Option<_>>()?;
    let fmt = unescape(fmt, false);
    let mut out = String::new();
    let mut vi = 0;
    loop {
        let mut used = false;
        let mut chars = fmt.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            // Flags and width are skipped.
            while chars.peek().is_some_and(|c| "-+ #0123456789.".contains(*c)) {
                chars.next();
            }
            match chars.next() {
                Some('%') => out.push('%'),
                Some(conv @ ('s' | 'b' | 'q' | 'd' | 'i' | 'c' | 'u' | 'x' | 'o')) => {
                    let v = vals.get(vi).copied().unwrap_or("");
                    vi += 1;
                    used = true;
                    match conv {
                        'b' => out.push_str(&unescape(v, true)),
                        'c' => out.extend(v.chars().next()),
                        'd' | 'i' | 'u' => out.push_str(if v.is_empty() { "0" } else { v }),
                        _ => out.push_str(v),
                    }
                }
                _ => return None,
            }
        }
        if !used || vi >= vals.len() {
            break;
        }
    }
    Some(out)
}

/// Backslash escapes of `echo -e` / `printf` (`%b` when `echo_style`).
fn unescape(s: &str, echo_style: bool) -> String {
    let mut out: Vec<u8> = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' || i + 1 >= b.len() {
            out.push(b[i]);
            i += 1;
            continue;
        }
        i += 1;
        match b[i] {
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'\\' => out.push(b'\\'),
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'v' => out.push(11),
            b'e' => out.push(27),
            b'x' => {
                let hex: String = s[i + 1..].chars().take(2).take_while(char::is_ascii_hexdigit).collect();
                if let Ok(v) = u8::from_str_radix(&hex, 16) {
                    out.push(v);
                    i += hex.len();
                } else {
                    out.extend_from_slice(b"\\x");
                }
            }
            b'0'..=b'7' => {
                // `echo -e` writes `\0NNN`; printf writes `\NNN`.
                let mut j = i;
                if echo_style && b[j] == b'0' {
                    j += 1;
                }
                let mut v = 0u32;
                let mut n = 0;
                while n < 3 && j < b.len() && (b'0'..=b'7').contains(&b[j]) {
                    v = v * 8 + u32::from(b[j] - b'0');
                    j += 1;
                    n += 1;
                }
                out.push(u8::try_from(v & 0xff).unwrap_or(0));
                i = j - 1;
            }
            other => {
                out.push(b'\\');
                out.push(other);
            }
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn tr(args: &[Field], input: Option<&str>) -> Option<String> {
    let input = input?;
    let words: Vec<&str> = args.iter().map(Field::as_known).collect::<Option<_>>()?;
    match words.as_slice() {
        ["-d", set] => {
            let set = expand_set(set);
            Some(input.chars().filter(|c| !set.contains(c)).collect())
        }
        [a, b] if !a.starts_with('-') => {
            let from = expand_set(a);
            let to = expand_set(b);
            if to.is_empty() {
                return None;
            }
            Some(
                input
                    .chars()
                    .map(|c| {
                        from.iter().position(|f| *f == c).map_or(c, |i| *to.get(i).unwrap_or(to.last().unwrap_or(&c)))
                    })
                    .collect(),
            )
        }
        _ => None,
    }
}

fn expand_set(s: &str) -> Vec<char> {
    let named = match s {
        "[:upper:]" => return ('A'..='Z').collect(),
        "[:lower:]" => return ('a'..='z').collect(),
        _ => s,
    };
    let chars: Vec<char> = named.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if i + 2 < chars.len() && chars[i + 1] == '-' && chars[i] <= chars[i + 2] {
            out.extend(chars[i]..=chars[i + 2]);
            i += 3;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Decodes standard or URL-safe base64 (padding and whitespace ignored, as
/// `base64 -d` does) to text; `None` when invalid or not UTF-8.
pub(crate) fn b64_decode(s: &str) -> Option<String> {
    crate::base64::decode(s.as_bytes(), crate::base64::Skip::Whitespace).and_then(|b| String::from_utf8(b).ok())
}

fn b64_encode(b: &[u8]) -> String {
    crate::base64::encode_line(b)
}

/// Decodes hex digits (whitespace ignored).
pub(crate) fn hex_decode(s: &str) -> Option<String> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if digits.len() % 2 != 0 {
        return None;
    }
    let bytes: Option<Vec<u8>> =
        digits.chunks(2).map(|p| u8::from_str_radix(std::str::from_utf8(p).ok()?, 16).ok()).collect();
    String::from_utf8(bytes?).ok()
}

/// The path `mktemp` prints, with its made-up part as [`UNKNOWN_MARK`]: the template's
/// `X`s replaced (`mktemp -d /tmp/build.XXXXXX` → `/tmp/build.…`), `tmp.…` when none is
/// given, in `-p DIR`/`--tmpdir=DIR`, `$TMPDIR` or `/tmp` for a template without `/`
/// under `-t`/`-p` or none, else relative to the working directory. `None` when an
/// argument is not known.
fn mktemp_path(args: &[Field], inv: &Invocation, ctx: &Context) -> Option<String> {
    let mut dir: Option<String> = None;
    let mut in_tmp = false;
    let mut template: Option<&str> = None;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        let t = a.as_known()?;
        i += 1;
        match t {
            "-p" | "--tmpdir" => {
                dir = Some(args.get(i)?.as_known()?.to_string());
                i += 1;
            }
            "-t" => in_tmp = true,
            "--suffix" => i += 1,
            _ if t.starts_with("--tmpdir=") => dir = Some(t["--tmpdir=".len()..].to_string()),
            _ if t.starts_with("--") => {}
            _ if t.starts_with('-') && t.len() > 1 => {
                in_tmp |= t.contains('t');
                if let Some(p) = t.strip_prefix("-p").filter(|p| !p.is_empty()) {
                    dir = Some(p.to_string());
                }
            }
            _ => template = Some(t),
        }
    }
    let tmp = || ctx.var("TMPDIR").filter(|d| d.starts_with('/')).unwrap_or("/tmp").trim_end_matches('/').to_string();
    let name = match template {
        Some(t) => {
            let x = t.len() - t.trim_end_matches('X').len();
            if x < 3 {
                return None;
            }
            format!("{}{UNKNOWN_MARK}", &t[..t.len() - x])
        }
        None => format!("tmp.{UNKNOWN_MARK}"),
    };
    if name.starts_with('/') {
        return Some(name);
    }
    let base = match (dir, in_tmp || template.is_none()) {
        (Some(d), _) => d,
        (None, true) => tmp(),
        (None, false) => inv.cwd.path()?.to_string_lossy().into_owned(),
    };
    Some(format!("{}/{name}", base.trim_end_matches('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &[&str]) -> Vec<Field> {
        s.iter().map(|x| Field::known(*x)).collect()
    }

    /// What `name args` prints of `input`: `Ok` when computed, `Err` with the lines that
    /// may pass otherwise.
    fn filtered(name: &str, args: &[&str], input: &str) -> Result<String, Option<String>> {
        match line_filter(name, &f(args)) {
            Some(LineFilter::Exact(e)) => e.apply(input).ok_or(Some(input.to_string())),
            Some(LineFilter::Among) => Err(Some(input.to_string())),
            None => Err(None),
        }
    }

    #[test]
    fn grep_of_plain_text_is_computed() {
        let c = "/h/.ssh/id_rsa\n/h/.ssh/id_rsa.pub\nsrc/a.rs\nREADME.md\n";
        let ok = |s: &str| Ok(s.to_string());
        assert_eq!(filtered("grep", &["-v", "pub"], c), ok("/h/.ssh/id_rsa\nsrc/a.rs\nREADME.md\n"));
        assert_eq!(filtered("grep", &["\\.rs$"], c), ok("src/a.rs\n"));
        assert_eq!(filtered("grep", &["^src/"], c), ok("src/a.rs\n"));
        assert_eq!(filtered("grep", &["-i", "readme"], c), ok("README.md\n"));
        assert_eq!(filtered("grep", &["-vxF", "/h/.ssh/id_rsa"], c), ok("/h/.ssh/id_rsa.pub\nsrc/a.rs\nREADME.md\n"));
        assert_eq!(
            filtered("grep", &["-e", "a.rs", "-e", "md"], "a.rs\nREADME.md\nb.py\n"),
            Err(Some("a.rs\nREADME.md\nb.py\n".into()))
        );
        assert_eq!(filtered("grep", &["-e", "rs", "-e", "md"], "a.rs\nREADME.md\nb.py\n"), ok("a.rs\nREADME.md\n"));
        assert_eq!(filtered("egrep", &["(rs|md)$"], "a.rs\n"), Err(Some("a.rs\n".into())));
        assert_eq!(filtered("grep", &["--", "-v"], "-v\nx\n"), ok("-v\n"));
        // Letters beyond ASCII folded by `-i`, and NULs, are not computed.
        assert_eq!(filtered("grep", &["-i", "k"], "\u{212A}\n"), Err(Some("\u{212A}\n".into())));
        assert_eq!(filtered("grep", &["a"], "a\0\n"), Err(Some("a\0\n".into())));
        // Other regex syntax, `-w`, `-P`: any line may pass.
        for args in [&["id_.*"][..], &["-w", "id"], &["-P", "id"], &["a\\+"]] {
            assert_eq!(filtered("grep", args, c), Err(Some(c.to_string())), "{args:?}");
        }
        // Options that change the lines or read a file: nothing known.
        for args in [&["-n", "x"][..], &["-c", "x"], &["-o", "x"], &["x", "file"], &["--count", "x"], &[]] {
            assert_eq!(filtered("grep", args, c), Err(None), "{args:?}");
        }
    }

    #[test]
    fn other_filters_pass_some_lines() {
        let c = "b\na\na\n";
        assert_eq!(filtered("tac", &[], c), Ok("a\na\nb\n".into()));
        assert_eq!(filtered("uniq", &[], c), Ok("b\na\n".into()));
        assert_eq!(filtered("cat", &[], c), Ok(c.into()));
        // (`head` of lines among some: those lines; of known lines: [`head_tail`].)
        assert!(matches!(line_filter("head", &f(&["-n", "1"])), Some(LineFilter::Exact(Exact::Lines))));
        for (name, args) in [
            ("sort", &[][..]),
            ("sort", &["-ru"]),
            ("sort", &["-t", ":", "-k2"]),
            ("sort", &["-k", "2", "-n"]),
            ("shuf", &["-n", "1"]),
            ("uniq", &["-d"]),
        ] {
            assert_eq!(filtered(name, args, c), Err(Some(c.to_string())), "{name} {args:?}");
        }
        for (name, args) in [
            ("sort", &["-o", "x"][..]),
            ("uniq", &["-c"]),
            ("head", &["-c", "3"]),
            ("shuf", &["-e", "x"]),
            ("tac", &["f"]),
        ] {
            assert_eq!(filtered(name, args, c), Err(None), "{name} {args:?}");
        }
    }

    #[test]
    fn the_shells_stat_file_is_known() {
        let pid = |p: &str, u: Unknown| Field { text: p.into(), unknowns: vec![u], ..Field::default() };
        let of_shell = pid("/proc/\u{E000}/stat", Unknown::Number);
        assert!(shell_stat_file(&of_shell, false));
        assert!(shell_stat_file(&Field::known("/proc/self/stat"), true));
        // `/proc/self` opened by a program is its own; a known id is another process's.
        assert!(!shell_stat_file(&Field::known("/proc/self/stat"), false));
        assert!(!shell_stat_file(&Field::known("/proc/4242/stat"), false));
        assert!(!shell_stat_file(&pid("/proc/\u{E000}/stat", Unknown::Var("P".into())), false));
        assert!(!shell_stat_file(&pid("/proc/\u{E000}/status", Unknown::Number), false));
    }

    #[test]
    fn ls_alone_lists_the_working_directory() {
        assert!(lists_cwd(&f(&[])));
        assert!(lists_cwd(&f(&["-1", "-tr", "-A"])));
        for args in [&["src"][..], &["-l"], &["-d"], &["-R"], &["-F"], &["-"], &["--color"]] {
            assert!(!lists_cwd(&f(args)), "{args:?}");
        }
    }

    #[test]
    fn head_and_tail_keep_some_lines() {
        let c = "a\nb\nc\n";
        assert_eq!(head_tail(true, &f(&["-1"]), c).as_deref(), Some("a\n"));
        assert_eq!(head_tail(true, &f(&["-n", "2"]), c).as_deref(), Some("a\nb\n"));
        assert_eq!(head_tail(true, &f(&[]), c).as_deref(), Some(c));
        assert_eq!(head_tail(false, &f(&["-n1"]), c).as_deref(), Some("c\n"));
        assert_eq!(head_tail(false, &f(&["--lines=+2"]), c).as_deref(), Some("b\nc\n"));
        assert_eq!(head_tail(false, &f(&["-n", "+9"]), c).as_deref(), Some(""));
        assert_eq!(head_tail(true, &f(&["-c", "5"]), c), None);
        assert_eq!(head_tail(true, &f(&["-n", "x"]), c), None);
    }

    #[test]
    fn computes() {
        assert_eq!(echo(&f(&["-n", "a", "b"])).as_deref(), Some("a b"));
        assert_eq!(echo(&f(&["-e", "a\\tb"])).as_deref(), Some("a\tb\n"));
        assert_eq!(printf(&f(&["%s\\n", "rm -rf /"])).as_deref(), Some("rm -rf /\n"));
        assert_eq!(printf(&f(&["\\x72\\x6d"])).as_deref(), Some("rm"));
        assert_eq!(printf(&f(&["%s-", "a", "b"])).as_deref(), Some("a-b-"));
        assert_eq!(printf(&f(&["--", "-rf"])).as_deref(), Some("-rf"));
        assert_eq!(b64_decode("cm0gLXJmIC8=").as_deref(), Some("rm -rf /"));
        assert_eq!(b64_encode(b"rm -rf /"), "cm0gLXJmIC8=\n");
        assert_eq!(hex_decode("726d202d7266202f").as_deref(), Some("rm -rf /"));
        assert_eq!(tr(&f(&["A-Za-z", "N-ZA-Mn-za-m"]), Some("ez -es /")).as_deref(), Some("rm -rf /"));
        assert_eq!(unescape("\\0101", true), "A");
        assert_eq!(unescape("\\101", false), "A");
    }
}
