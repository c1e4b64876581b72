//! What the analyzer produces: expanded fields, invocations and events.
//!
//! A [`Field`] is one argument after expansion. Its text is known except where an
//! [`Unknown`] stands (the output of a command that cannot be computed, an unset
//! variable, input read at run time); each unknown stands in the text as the marker
//! [`UNKNOWN_MARK`], so prefix and pattern checks keep working and a guard can ask
//! "could this field be `--hard`?" ([`Field::could_be`]).
//!
//! An [`Invocation`] is one program run, after wrappers and nesting are seen through:
//! `sudo env X=1 bash -c 'rm -rf /'` yields invocations for `sudo`, `env`, `bash` and
//! `rm`, the last with the wrappers in [`Invocation::via`].

use std::borrow::Cow;
use std::sync::Arc;

/// Stands in a field's text where a value is unknown.
pub const UNKNOWN_MARK: char = '\u{E000}';

/// [`UNKNOWN_MARK`] as a string.
pub const UNKNOWN_MARK_STR: &str = "\u{E000}";

/// How the description of an unknown path starts when it may be any file under a
/// directory: the paths `find DIR` finds when no test narrows them by name (`find ~ -type
/// f`). A program that prints or copies the files it is given reads that tree whole
/// ([`Field::every_file_under`]).
pub(crate) const EVERY_FILE: &str = "any file under ";

/// Why a value is not known statically.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unknown {
    /// A variable that the script never assigned (named).
    Var(String),
    /// The output of a command that cannot be computed (its text).
    Output(String),
    /// A number known only at run time (`$?`, `$$`, `$RANDOM`, arithmetic).
    Number,
    /// `$PPID`, the id of the process that started the shell: under tako-exec, tako-exec
    /// itself (when it relays the output) or the agent.
    ParentPid,
    /// Input read at run time (`read`, `xargs` arguments, `find` paths).
    Input(String),
    /// A value that differs between branches of the script.
    Branch(String),
    /// An expansion whose result is not computed (`${x/a/b}`, indirection).
    Computed(String),
    /// A part or a transformation of the value of a variable the script never assigned
    /// (named): `${TOKEN:0:8}`, `${TOKEN//a/b}`, `${TOKEN#x}`, `${TOKEN^^}`. What it holds
    /// comes from that variable.
    PartOf(String),
    /// Text the shell would take literally but that is not valid Unicode.
    Invalid,
    /// Shell code printed by a known generator meant to be evaluated
    /// (`ssh-agent -s`, `brew shellenv`, `direnv hook bash`): its text.
    Generated(String),
    /// A process substitution (`<(…)`): the path of a pipe carrying this stream.
    Stream(Box<Stream>),
    /// Input read at run time that may be any file under a directory (what `find DIR
    /// -type f` finds, names not narrowed), within bounds ([`Field::every_file`]).
    Files(Box<AnyFile>),
}

/// Any file under a directory, as far as its finder reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnyFile {
    /// What it is, for messages (`any file under ./ (…)`).
    pub description: String,
    /// How far under the directory it reaches (`-maxdepth`, paths left out).
    pub reach: super::find::Reach,
}

impl Unknown {
    /// A short description for messages.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Var(n) => format!("${n}"),
            Self::Output(c) => format!("the output of `{c}`"),
            Self::Number => "a number".into(),
            Self::ParentPid => "$PPID".into(),
            Self::Input(w) => w.clone(),
            Self::Branch(n) => format!("${n} (set differently on different paths)"),
            Self::Computed(e) => e.clone(),
            Self::PartOf(n) => format!("${{{n}…}}"),
            Self::Invalid => "an invalid character".into(),
            Self::Generated(c) => format!("shell code printed by `{c}`"),
            Self::Stream(s) => format!("<({})", s.producer.as_deref().unwrap_or("…")),
            Self::Files(f) => f.description.clone(),
        }
    }

    /// What input read at run time stands for: [`Unknown::Input`] and [`Unknown::Files`].
    #[must_use]
    pub fn input(&self) -> Option<&str> {
        match self {
            Self::Input(w) => Some(w),
            Self::Files(f) => Some(&f.description),
            _ => None,
        }
    }

    /// Whether the unknown is harmless as text: a number cannot be a path or a flag.
    #[must_use]
    pub const fn is_numeric(&self) -> bool {
        matches!(self, Self::Number | Self::ParentPid)
    }
}

/// Where data came from, carried with values and streams.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Taint {
    /// Derived from a secret (a key file, credentials, the environment): what.
    pub secret: Option<Arc<str>>,
    /// Downloaded from the network: from where.
    pub network: Option<Arc<str>>,
}

impl Taint {
    /// No taint.
    #[must_use]
    pub const fn none() -> Self {
        Self { secret: None, network: None }
    }

    /// Whether nothing is tainted.
    #[must_use]
    pub const fn is_clean(&self) -> bool {
        self.secret.is_none() && self.network.is_none()
    }

    /// Adds the taint of `other`.
    pub fn merge(&mut self, other: &Self) {
        if self.secret.is_none() {
            self.secret.clone_from(&other.secret);
        }
        if self.network.is_none() {
            self.network.clone_from(&other.network);
        }
    }
}

/// One argument after expansion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Field {
    /// The text, with [`UNKNOWN_MARK`] where a value is unknown (held inline when
    /// short, as most arguments are).
    pub text: crate::parse::Text,
    /// The unknowns, in the order their marks appear.
    pub unknowns: Vec<Unknown>,
    /// Unquoted glob characters (`*`, `?`, `[`) are in the text.
    pub glob: bool,
    /// Part of the text came from a quoted or escaped section.
    pub quoted: bool,
    /// Where the data came from.
    pub taint: Taint,
}

impl Field {
    /// A fully known field.
    #[must_use]
    pub fn known(text: impl Into<crate::parse::Text>) -> Self {
        Self { text: text.into(), ..Self::default() }
    }

    /// A field that is entirely unknown.
    #[must_use]
    pub fn unknown(u: Unknown) -> Self {
        Self { text: crate::parse::Text::const_new(UNKNOWN_MARK_STR), unknowns: vec![u], ..Self::default() }
    }

    /// The text when it is fully known.
    #[must_use]
    pub fn as_known(&self) -> Option<&str> {
        if self.unknowns.is_empty() {
            Some(&self.text)
        } else {
            None
        }
    }

    /// Whether the text is fully known.
    #[must_use]
    pub fn is_known(&self) -> bool {
        self.unknowns.is_empty()
    }

    /// Whether every unknown is a number (harmless as a path or a flag).
    #[must_use]
    pub fn only_numeric_unknowns(&self) -> bool {
        self.unknowns.iter().all(Unknown::is_numeric)
    }

    /// The text with every unknown written as `c` (`$KEY.pem` as `x.pem`): a plain path
    /// whose known parts decide.
    #[must_use]
    pub fn with_unknowns_as(&self, c: char) -> String {
        self.text.chars().map(|t| if t == UNKNOWN_MARK { c } else { t }).collect()
    }

    /// A path that a program prints or passes on and that is not known, but lies under
    /// `prefix` (what `find DIR` prints: `DIR/…`) and, when `name` is given, is named so
    /// (`find . -name .env`: `./…/.env`; a name starting with [`UNKNOWN_MARK`] is a
    /// suffix, `….pem`). `what` says where it comes from, for reasons.
    #[must_use]
    pub fn found_path(prefix: Option<&str>, name: Option<&str>, what: &str) -> Self {
        let mut f = match prefix {
            Some(p) => Self {
                text: compact_str::format_compact!("{p}{UNKNOWN_MARK}"),
                unknowns: vec![Unknown::Input(format!("a path under {p} ({what})"))],
                ..Self::default()
            },
            None => Self::unknown(Unknown::Input(what.into())),
        };
        if let Some(n) = name {
            f.text.push('/');
            f.text.push_str(n);
            if let Some(suffix) = n.strip_prefix(UNKNOWN_MARK) {
                f.unknowns.push(Unknown::Input(format!("a name ending in {suffix}")));
            }
        }
        f
    }

    /// A path that may be any file under `prefix` (`DIR/`): what `find DIR -type f`
    /// prints, names not narrowed. `what` says where it comes from, for reasons.
    #[must_use]
    pub fn every_file(prefix: &str, what: &str) -> Self {
        Self::every_file_within(prefix, super::find::Reach::default(), what)
    }

    /// [`Field::every_file`] as far as `reach` goes (`find . -maxdepth 2 -type f`).
    #[must_use]
    pub fn every_file_within(prefix: &str, reach: super::find::Reach, what: &str) -> Self {
        Self {
            text: compact_str::format_compact!("{prefix}{UNKNOWN_MARK}"),
            unknowns: vec![Unknown::Files(Box::new(AnyFile {
                description: format!("{EVERY_FILE}{prefix} ({what})"),
                reach,
            }))],
            ..Self::default()
        }
    }

    /// The directory (`DIR/`, as written) under which this field may be any file, when
    /// it was made by [`Field::every_file`] (and nothing was added to it since).
    #[must_use]
    pub fn every_file_under(&self) -> Option<&str> {
        self.every_file_reach().map(|(dir, _)| dir)
    }

    /// [`Field::every_file_under`], with how far under it the field reaches.
    #[must_use]
    pub fn every_file_reach(&self) -> Option<(&str, &super::find::Reach)> {
        let [Unknown::Files(f)] = self.unknowns.as_slice() else { return None };
        let dir = self.text.strip_suffix(UNKNOWN_MARK)?;
        (!dir.is_empty() && !dir.contains(UNKNOWN_MARK)).then_some((dir, &f.reach))
    }

    /// The stream a process substitution carries when the field is that alone
    /// (`done < <(find ~/.ssh -type f)`).
    #[must_use]
    pub fn substituted_stream(&self) -> Option<&Stream> {
        match self.unknowns.as_slice() {
            [Unknown::Stream(s)] if self.text == UNKNOWN_MARK_STR => Some(s),
            _ => None,
        }
    }

    /// The known text before the first unknown.
    #[must_use]
    pub fn known_prefix(&self) -> &str {
        self.text.split(UNKNOWN_MARK).next().unwrap_or("")
    }

    /// Whether the field is, or could be (its unknowns standing for any text), `s`.
    #[must_use]
    pub fn could_be(&self, s: &str) -> bool {
        if self.is_known() {
            return self.text == s;
        }
        wildcard_match(&self.text, s)
    }

    /// Whether the field could start with `prefix`.
    #[must_use]
    pub fn could_start_with(&self, prefix: &str) -> bool {
        if self.is_known() {
            return self.text.starts_with(prefix);
        }
        let known = self.known_prefix();
        if known.len() >= prefix.len() {
            known.starts_with(prefix)
        } else {
            prefix.starts_with(known)
        }
    }

    /// The text for messages, with unknowns described.
    #[must_use]
    pub fn display(&self) -> String {
        if self.is_known() {
            return self.text.to_string();
        }
        let mut out = String::new();
        self.display_into(&mut out);
        out
    }

    /// [`Field::display`] appended to `out`, for callers that keep a buffer.
    pub(crate) fn display_into(&self, out: &mut String) {
        if self.is_known() {
            out.push_str(&self.text);
            return;
        }
        let mut unknowns = self.unknowns.iter();
        for (i, seg) in self.text.split(UNKNOWN_MARK).enumerate() {
            if i > 0 {
                match unknowns.next() {
                    Some(Unknown::Output(c)) => {
                        out.push_str("$(");
                        out.push_str(c);
                        out.push(')');
                    }
                    Some(Unknown::Var(n) | Unknown::Branch(n)) => {
                        out.push('$');
                        out.push_str(n);
                    }
                    _ => out.push('…'),
                }
            }
            out.push_str(seg);
        }
    }
}

/// Whether `pattern` (with [`UNKNOWN_MARK`] as "any text") matches `s` entirely.
fn wildcard_match(pattern: &str, s: &str) -> bool {
    let parts: Vec<&str> = pattern.split(UNKNOWN_MARK).collect();
    if parts.len() == 1 {
        return pattern == s;
    }
    let (first, rest) = parts.split_first().unwrap_or((&"", &[]));
    let Some(mut remaining) = s.strip_prefix(first) else { return false };
    let (last, middle) = rest.split_last().unwrap_or((&"", &[]));
    for m in middle {
        match remaining.find(m) {
            Some(i) => remaining = &remaining[i + m.len()..],
            None => return false,
        }
    }
    remaining.len() >= last.len() && remaining.ends_with(last)
}

/// The working directory of an invocation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Cwd {
    /// Known; `climbed` when reached by `..` out of the workspace.
    Known {
        /// The absolute, lexically normalised path (shared: every invocation holds its
        /// working directory).
        path: Arc<std::path::Path>,
        /// Reached by climbing out of the workspace with `..`.
        climbed: bool,
    },
    /// Not known statically (`cd "$X"`).
    Unknown(String),
}

/// What a command reads on its standard input.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Input {
    /// Whatever the shell had (terminal, the agent's pipe).
    #[default]
    Inherited,
    /// The output of the previous command in a pipeline.
    Pipe(Box<Stream>),
    /// A here-document or here-string.
    Text(Box<Stream>),
    /// A file redirected in.
    File(Field),
    /// `/dev/null`, closed, or a descriptor duplicate.
    Null,
}

impl Input {
    /// The stream, when stdin is fed by the script (pipe or here-document).
    #[must_use]
    pub fn stream(&self) -> Option<&Stream> {
        match self {
            Self::Pipe(s) | Self::Text(s) => Some(s),
            _ => None,
        }
    }
}

/// A stream of data between commands: what is known of its content.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stream {
    /// The content, when it can be computed statically.
    pub content: Option<String>,
    /// The command that produces it (for messages), if a command.
    pub producer: Option<Arc<str>>,
    /// Where the data came from.
    pub taint: Taint,
    /// Produced by a known generator of shell code meant to be evaluated
    /// (`ssh-agent -s`, `brew shellenv`, `direnv hook`, …).
    pub trusted_code: bool,
    /// Each line is a path that starts with this text (the output of `find DIR`).
    pub items_prefix: Option<String>,
    /// Each line is a path whose last component is this name (`find . -name .env`).
    pub items_name: Option<String>,
    /// Each line may be any path under `items_prefix`: no test narrowed them by name
    /// (`find ~ -type f`).
    pub items_all: bool,
    /// How far under `items_prefix` those paths reach (`find . -maxdepth 2 -type f`).
    pub items_reach: super::find::Reach,
    /// The output is one path, this text with a name the program makes up (letters and
    /// digits, never `/` or `..`) at [`UNKNOWN_MARK`]: `mktemp -d` prints `/tmp/tmp.…`.
    pub made_path: Option<String>,
    /// The output is the id of the shell's parent, what `$PPID` is (`ps -o ppid= -p $$`).
    pub parent_pid: bool,
    /// Each line is one of these lines, when the content is not known: some of a known
    /// list, in an order not known, as a filter not computed passes them on (`ls
    /// ~/.ssh/id_* | sort`, `grep` with a pattern not evaluated).
    pub lines_among: Option<String>,
}

/// A resolved redirection of an invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redir {
    /// The descriptor redirected (0 for input, 1 for output unless given).
    pub fd: u32,
    /// What kind of access.
    pub mode: RedirMode,
    /// The file, for file redirections.
    pub target: Option<Field>,
}

/// How a redirection uses its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirMode {
    /// Reads the file.
    Read,
    /// Truncates and writes the file.
    Write,
    /// Appends to the file.
    Append,
    /// Duplicates or closes a descriptor.
    Dup,
}

/// How an invocation was reached: each wrapper or nesting level on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// A wrapper program that runs its arguments (`sudo`, `env`, `nice`, `xargs`, …).
    Wrapper(String),
    /// A shell running a string (`bash -c`, `eval`, `trap`, `source`).
    Shell(String),
    /// A function call.
    Function(String),
    /// A command substitution or process substitution.
    Substitution,
    /// A command run on a remote host (`ssh host CMD`).
    Remote(String),
    /// A shell command string inside interpreter code (`os.system("…")`).
    Interpreter(String),
    /// An unknown program that may run its arguments (`tool rm -rf /`).
    MaybeWrapper(String),
    /// Code read from a file rather than given in the command: a script run by path or
    /// sourced, a `package.json` script, a make recipe. Says which, for reasons.
    File(String),
}

/// An empty shared text, without allocating for each.
pub(crate) fn empty_text() -> Arc<str> {
    static EMPTY: std::sync::OnceLock<Arc<str>> = std::sync::OnceLock::new();
    Arc::clone(EMPTY.get_or_init(|| Arc::from("")))
}

/// One program run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    /// The arguments, `argv[0]` first.
    pub argv: Vec<Field>,
    /// Environment assignments made for this command (`A=1 cmd`, `env A=1 cmd`).
    pub env: Vec<(String, Field)>,
    /// Redirections, resolved.
    pub redirects: Vec<Redir>,
    /// The working directory.
    pub cwd: Cwd,
    /// Standard input.
    pub stdin: Input,
    /// Wrappers and nesting on the way here, outermost first.
    pub via: Vec<Via>,
    /// Runs with raised privileges (under `sudo`, `doas`, `su`, `pkexec`).
    pub privileged: bool,
    /// Runs in the background (`&`, `nohup`, `setsid`).
    pub background: bool,
    /// Nesting depth (shells within shells).
    pub depth: usize,
    /// The command as written (or as rebuilt from its fields), for messages; shared
    /// with the streams and writes that name it.
    pub text: Arc<str>,
}

impl Invocation {
    /// An empty invocation that allocates nothing: holds a place until the real one is
    /// recorded.
    pub(crate) fn placeholder() -> Self {
        Self {
            argv: Vec::new(),
            env: Vec::new(),
            redirects: Vec::new(),
            cwd: Cwd::Unknown(String::new()),
            stdin: Input::Inherited,
            via: Vec::new(),
            privileged: false,
            background: false,
            depth: 0,
            text: empty_text(),
        }
    }

    /// The program's base name, normalised: path and `.exe` removed, lowercase.
    #[must_use]
    pub fn name(&self) -> Option<Cow<'_, str>> {
        self.argv.first().and_then(|f| f.as_known()).map(program_name)
    }

    /// The arguments after `argv[0]`.
    #[must_use]
    pub fn args(&self) -> &[Field] {
        self.argv.get(1..).unwrap_or(&[])
    }

    /// Whether any argument is not fully known (numbers aside).
    #[must_use]
    pub fn has_unknown_args(&self) -> bool {
        self.args().iter().any(|f| !f.only_numeric_unknowns())
    }

    /// Whether an environment assignment of `name` is made for this command.
    #[must_use]
    pub fn env_var(&self, name: &str) -> Option<&Field> {
        self.env.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

/// A program name as it is matched: base name, `.exe` removed, lowercase, confusable
/// dashes folded.
#[must_use]
pub fn program_name(s: &str) -> Cow<'_, str> {
    // The running program by its process's link: the shell that runs the command.
    if s.starts_with("/proc/") && s.ends_with("/exe") {
        return Cow::Borrowed("bash");
    }
    // One pass: where the base name starts, and whether it is ASCII and has capitals.
    // (A table says what each byte is: most are none of these, one test each.)
    let (mut start, mut seen) = (0, 0u8);
    for (i, &c) in s.as_bytes().iter().enumerate() {
        match NAME_BYTES[usize::from(c)] {
            0 => {}
            SEPARATOR => (start, seen) = (i + 1, 0),
            k => seen |= k,
        }
    }
    let (ascii, upper) = (seen & NON_ASCII == 0, seen & UPPER != 0);
    let base = &s[start..];
    if ascii {
        // The common case: a slice of the argument, no allocation.
        let stem = match base.len().checked_sub(4) {
            Some(k) if k > 0 && base[k..].eq_ignore_ascii_case(".exe") => &base[..k],
            _ => base,
        };
        if !upper || !stem.bytes().any(|b| b.is_ascii_uppercase()) {
            return Cow::Borrowed(stem);
        }
        return Cow::Owned(stem.to_ascii_lowercase());
    }
    let lower = fold_dashes_owned(&base.to_lowercase());
    match lower.strip_suffix(".exe") {
        Some(b) if !b.is_empty() => Cow::Owned(b.to_string()),
        _ => Cow::Owned(lower),
    }
}

/// What [`program_name`] notes of a byte: a separator of directories (the base name
/// starts after it), a byte of a non-ASCII character, a capital, or nothing (0).
const SEPARATOR: u8 = 1;
const NON_ASCII: u8 = 2;
const UPPER: u8 = 4;
const NAME_BYTES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = match c as u8 {
            b'/' | b'\\' => SEPARATOR,
            0x80.. => NON_ASCII,
            b'A'..=b'Z' => UPPER,
            _ => 0,
        };
        c += 1;
    }
    t
};

/// Replaces Unicode dashes that look like `-` with `-`, so `‐‐hard` reads as `--hard`.
#[must_use]
pub fn fold_dashes(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    Cow::Owned(fold_dashes_owned(s))
}

fn fold_dashes_owned(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => '-',
            other => other,
        })
        .collect()
}

/// A fixed list of names (programs, mostly) asked about for every command, kept
/// sorted so a lookup is a binary search instead of a comparison with each name; it
/// costs nothing to set up (a process judges one command). The search looks only among
/// the names that start with the same byte, found in a table made when compiling.
/// Most names asked about are in none of the sets they are asked of, so a filter of
/// their shapes (length, first and last byte) turns most away before any search.
pub(crate) struct NameSet {
    names: &'static [&'static str],
    /// `starts[b]`: how many names are empty or start with a byte below `b`; so the
    /// names starting with `b` are `starts[b]..starts[b + 1]` (`starts[256]` is all).
    starts: [u16; 257],
    /// Bit [`shape`] of every name is set: a name whose bit is clear is not among them
    /// (one whose bit is set may still not be: it is searched for).
    shapes: [u64; SHAPE_WORDS],
}

/// Words of a [`NameSet`]'s shape filter (64 bits each).
const SHAPE_WORDS: usize = 16;

/// The bit of a name's shape in a [`NameSet`]'s filter: its length and its first and
/// last bytes mixed, what a table of names differs by cheapest.
const fn shape(name: &[u8]) -> usize {
    let n = name.len();
    if n == 0 {
        return 0;
    }
    let mixed = (name[0] as usize).wrapping_mul(31) ^ (name[n - 1] as usize).wrapping_mul(131) ^ n.wrapping_mul(7919);
    mixed % (SHAPE_WORDS * 64)
}

impl NameSet {
    /// The set of the names in `list`, which must be sorted (byte-wise): checked when
    /// compiling, as the sets are statics.
    pub(crate) const fn new(list: &'static [&'static str]) -> Self {
        assert!(sorted(list), "a NameSet's list must be sorted");
        assert!(list.len() < u16::MAX as usize, "a NameSet's list must be short");
        let mut starts = [0u16; 257];
        let mut b = 0;
        let mut i = 0;
        // (Sorted: the empty name first, then by first byte.)
        while b < 257 {
            while i < list.len() && (list[i].is_empty() || (list[i].as_bytes()[0] as usize) < b) {
                i += 1;
            }
            starts[b] = i as u16;
            b += 1;
        }
        let mut shapes = [0u64; SHAPE_WORDS];
        let mut k = 0;
        while k < list.len() {
            let bit = shape(list[k].as_bytes());
            shapes[bit / 64] |= 1 << (bit % 64);
            k += 1;
        }
        Self { names: list, starts, shapes }
    }

    /// Whether `name` is one of them.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.position(name).is_some()
    }

    /// Where `name` is in the (sorted) list, if it is one of them.
    pub(crate) fn position(&self, name: &str) -> Option<usize> {
        let bit = shape(name.as_bytes());
        if self.shapes[bit / 64] & (1 << (bit % 64)) == 0 {
            return None;
        }
        let (from, to) = match name.as_bytes().first() {
            Some(&b) => (self.starts[usize::from(b)], self.starts[usize::from(b) + 1]),
            None => (0, self.starts[0]),
        };
        let among = self.names.get(usize::from(from)..usize::from(to))?;
        among.binary_search_by(|probe| name_order(probe, name)).ok().map(|k| usize::from(from) + k)
    }

    /// The names, sorted.
    pub(crate) fn names(&self) -> &'static [&'static str] {
        self.names
    }
}

/// `probe.cmp(name)`, `str`'s order, compared byte by byte: names are short, and most
/// probes of a binary search differ in their first bytes, where a call to `memcmp`
/// would cost more than the loop.
pub(crate) fn name_order(probe: &str, name: &str) -> std::cmp::Ordering {
    let (probe, name) = (probe.as_bytes(), name.as_bytes());
    probe.iter().zip(name).find(|(a, b)| a != b).map_or(probe.len().cmp(&name.len()), |(a, b)| a.cmp(b))
}

/// Whether `list` is in ascending byte-wise order (what `binary_search` needs).
pub(crate) const fn sorted(list: &[&str]) -> bool {
    let mut i = 1;
    while i < list.len() {
        if !bytes_le(list[i - 1].as_bytes(), list[i].as_bytes()) {
            return false;
        }
        i += 1;
    }
    true
}

/// `a <= b`, byte-wise (`str`'s order), usable in constants.
const fn bytes_le(a: &[u8], b: &[u8]) -> bool {
    let mut i = 0;
    while i < a.len() && i < b.len() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
        i += 1;
    }
    a.len() <= b.len()
}

/// Something the analyzer noticed that is not an invocation, for the guards to judge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Code that cannot be known statically is run: `eval "$X"`, `$(curl …)` as a
    /// command name, `bash -c "$CMD"`, a script that cannot be read.
    OpaqueCode {
        /// What runs it (`eval`, `bash -c`, command name, `source`, …).
        runner: String,
        /// The opaque part.
        what: String,
        /// Where the code comes from, when tainted (network, secret).
        taint: Taint,
        /// The command as written.
        text: String,
    },
    /// Nested text (a `bash -c` string, an `eval`) that does not parse.
    NestedParseError {
        /// What runs it.
        runner: String,
        /// The parser's message.
        message: String,
        /// The command as written.
        text: String,
    },
    /// Nesting deeper than the bound (shells in shells, substitutions).
    TooDeep {
        /// The command as written.
        text: String,
    },
    /// The analysis ran out of its work budget (exponential functions, huge loops).
    Budget {
        /// What was being analyzed.
        text: String,
    },
    /// Interpreter code calls a destructive method of a service API (`deleteIndex`).
    ApiCall {
        /// The interpreter.
        runner: String,
        /// The call.
        call: String,
        /// The command as written.
        text: String,
    },
    /// A function that calls itself: unbounded recursion.
    Recursion {
        /// The function.
        name: String,
        /// It calls itself in a pipeline or in the background: a fork bomb.
        forks: bool,
        /// The command as written.
        text: String,
    },
}

/// Everything the analyzer found in a script.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// Every program run, in the order met.
    pub invocations: Vec<Invocation>,
    /// Everything else the guards should judge.
    pub events: Vec<Event>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        let f =
            Field { text: format!("--ha{UNKNOWN_MARK}").into(), unknowns: vec![Unknown::Number], ..Field::default() };
        assert!(f.could_be("--hard"));
        assert!(!f.could_be("--soft"));
        let g = Field::unknown(Unknown::Var("X".into()));
        assert!(g.could_be("--hard"));
        assert!(g.could_start_with("-"));
        let h = Field::known("--hard");
        assert!(h.could_be("--hard") && !h.could_be("--har"));
        assert!(wildcard_match(&format!("a{UNKNOWN_MARK}c{UNKNOWN_MARK}e"), "abcde"));
        assert!(!wildcard_match(&format!("a{UNKNOWN_MARK}c"), "ab"));
    }

    #[test]
    fn program_names() {
        assert_eq!(program_name("/usr/bin/git"), "git");
        assert_eq!(program_name("C:\\Program Files\\Git\\bin\\git.exe"), "git");
        assert_eq!(program_name("GIT.EXE"), "git");
        assert_eq!(program_name("python3.11.exe"), "python3.11");
        assert_eq!(program_name(".exe"), ".exe");
        assert_eq!(fold_dashes("‐‐hard"), "--hard");
    }

    /// [`program_name`] as it was written first, byte by byte: what the table of bytes
    /// must give.
    fn program_name_by_bytes(s: &str) -> Cow<'_, str> {
        if s.starts_with("/proc/") && s.ends_with("/exe") {
            return Cow::Borrowed("bash");
        }
        let (mut start, mut ascii, mut upper) = (0, true, false);
        for (i, &c) in s.as_bytes().iter().enumerate() {
            match c {
                b'/' | b'\\' => (start, ascii, upper) = (i + 1, true, false),
                0x80.. => ascii = false,
                b'A'..=b'Z' => upper = true,
                _ => {}
            }
        }
        let base = &s[start..];
        if ascii {
            let stem = match base.len().checked_sub(4) {
                Some(k) if k > 0 && base[k..].eq_ignore_ascii_case(".exe") => &base[..k],
                _ => base,
            };
            if !upper || !stem.bytes().any(|b| b.is_ascii_uppercase()) {
                return Cow::Borrowed(stem);
            }
            return Cow::Owned(stem.to_ascii_lowercase());
        }
        let lower = fold_dashes_owned(&base.to_lowercase());
        match lower.strip_suffix(".exe") {
            Some(b) if !b.is_empty() => Cow::Owned(b.to_string()),
            _ => Cow::Owned(lower),
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5000))]
        /// The table of bytes finds the same base name, ASCII or not, capitals or not.
        #[test]
        fn program_names_by_table_are_names_by_bytes(name in "[a-cA-C./\\\\é‐Ŝ.exEXpro]{0,12}") {
            let by_bytes = program_name_by_bytes(&name);
            let by_table = program_name(&name);
            proptest::prop_assert_eq!(&by_table, &by_bytes, "{:?}", name);
            // (Borrowed where it was: no copy is made where none was.)
            proptest::prop_assert_eq!(matches!(by_table, Cow::Borrowed(_)), matches!(by_bytes, Cow::Borrowed(_)));
        }

        /// A name set holds exactly its names, whatever their shared prefixes and first
        /// bytes.
        #[test]
        fn name_sets_hold_exactly_their_names(name in "[a-d.\\[é]{0,4}") {
            const LIST: &[&str] = &["", ".", "[", "a", "aa", "ab", "abc", "abd", "b", "ba", "c", "cd", "dé", "é"];
            static SET: NameSet = NameSet::new(LIST);
            proptest::prop_assert_eq!(SET.contains(&name), LIST.contains(&name.as_str()), "{:?}", name);
            // (Looked up among the names with the same first byte: at the same place.)
            proptest::prop_assert_eq!(SET.position(&name), LIST.iter().position(|n| *n == name), "{:?}", name);
        }

        /// The shape filter turns away only names that are not in the set: lists large
        /// enough to fill much of it, asked about their own names, names of the same
        /// shapes (inner bytes changed) and others.
        #[test]
        fn name_set_filters_keep_every_name(
            mut list in proptest::collection::vec("[a-z0-9._-]{0,9}", 0..300),
            probes in proptest::collection::vec("[a-z0-9._-]{0,9}", 0..40),
        ) {
            list.sort();
            list.dedup();
            let list: &'static [&'static str] =
                Vec::leak(list.into_iter().map(|n| &*String::leak(n)).collect::<Vec<_>>());
            let set = NameSet::new(list);
            let same_shape = list.iter().filter(|n| n.len() > 2).map(|n| format!("{}x{}", &n[..1], &n[2..]));
            for name in list.iter().map(|n| n.to_string()).chain(same_shape).chain(probes) {
                proptest::prop_assert_eq!(set.position(&name), list.iter().position(|n| *n == name), "{:?}", name);
            }
        }
    }
}
