//! Helpers the guards share: option parsing, path targets, and the effects of common
//! programs (what they delete, write and read).
//!
//! Invariant: effects are derived from the parsed arguments of known programs; an
//! argument that cannot be known is treated as possibly being any option or path
//! ([`Opts::unknown`]), so a guard can ask rather than guess.

use std::borrow::Cow;
use std::path::Path;

use crate::analyze::find::FindCmd;
use crate::analyze::model::{program_name, Field, Input, NameSet, RedirMode, UNKNOWN_MARK};
use crate::analyze::{Invocation, Via};
use crate::paths::{self, Place, Target};
use crate::sensitive;

use super::Cx;

/// Parsed options of a command in the usual getopt style.
#[derive(Debug, Default, Clone)]
pub(crate) struct Opts<'a> {
    /// Short option letters, in order (clusters expanded; held inline when few).
    pub short: smallvec::SmallVec<[char; 4]>,
    /// Long option names without dashes (and without `=value`), in order.
    pub long: Vec<Cow<'a, str>>,
    /// Operands (including everything after `--`), borrowed from the arguments (held
    /// inline when few, as most commands have).
    pub operands: smallvec::SmallVec<[&'a Field; 4]>,
    /// Some argument is unknown and could be an option.
    pub unknown: bool,
}

impl<'a> Opts<'a> {
    /// Parses `args`; `values` are short options that take a value (skipped).
    pub(crate) fn parse(args: &'a [Field], values: &[char]) -> Self {
        Self::parse_keeping(args, values, true)
    }

    /// [`Opts::parse`] for callers that only want the operands (and `unknown`): the
    /// options are parsed alike, but `short` and `long` stay empty, sparing their
    /// allocations ([`Opts::has`] is then always false).
    pub(crate) fn operands(args: &'a [Field], values: &[char]) -> Self {
        Self::parse_keeping(args, values, false)
    }

    /// Parses `args`, keeping the options seen in `short` and `long` when `options`.
    fn parse_keeping(args: &'a [Field], values: &[char], options: bool) -> Self {
        let mut o = Self::default();
        let mut after = false;
        let mut i = 0;
        while i < args.len() {
            let a = &args[i];
            i += 1;
            if after {
                o.operands.push(a);
                continue;
            }
            let Some(t) = a.as_known() else {
                if a.could_start_with("-") && !a.only_numeric_unknowns() {
                    o.unknown = true;
                }
                o.operands.push(a);
                continue;
            };
            let t = crate::analyze::model::fold_dashes(t);
            if t == "--" {
                after = true;
                continue;
            }
            if t.starts_with("--") {
                if !options {
                    continue;
                }
                o.long.push(match t {
                    Cow::Borrowed(b) => Cow::Borrowed(b[2..].split('=').next().unwrap_or("")),
                    Cow::Owned(o) => Cow::Owned(o[2..].split('=').next().unwrap_or("").to_string()),
                });
                continue;
            }
            if t.len() > 1 && t.starts_with('-') {
                for (k, c) in t[1..].chars().enumerate() {
                    if options {
                        o.short.push(c);
                    }
                    if values.contains(&c) {
                        if k + 2 == t.len() {
                            i += 1;
                        }
                        break;
                    }
                }
                continue;
            }
            o.operands.push(a);
        }
        o
    }

    /// Whether short option `c` or a long option starting with `long` (an accepted
    /// abbreviation of at least three letters) is present.
    pub(crate) fn has(&self, c: Option<char>, long: &str) -> bool {
        c.is_some_and(|c| self.short.contains(&c))
            || (!long.is_empty()
                && self.long.iter().any(|l| l == long || (l.len() >= 3 && long.starts_with(l.as_ref()))))
    }
}

/// Whether the invocation runs on another host (`ssh`, a container, a chroot).
pub(crate) fn is_remote(inv: &Invocation) -> bool {
    inv.via.iter().any(|v| matches!(v, Via::Remote(_)))
}

/// The remote host's name, for messages.
pub(crate) fn remote_name(inv: &Invocation) -> String {
    inv.via.iter().rev().find_map(|v| if let Via::Remote(h) = v { Some(h.clone()) } else { None }).unwrap_or_default()
}

/// A list of effects (deletions, writes, read arguments) the guards share: a reference
/// count when it holds something, nothing at all when it is empty, as it is for most
/// commands (an empty list costs no allocation to make, share or drop). The few items
/// most commands have are held inside the counted allocation, so sharing a list costs
/// one allocation, not a buffer and a copy of it.
pub(crate) struct Shared<T>(Option<std::rc::Rc<Few<T>>>);

/// The items of a [`Shared`] list, inline when they are few.
pub(crate) type Few<T> = smallvec::SmallVec<[T; 2]>;

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T> From<Few<T>> for Shared<T> {
    fn from(v: Few<T>) -> Self {
        Self(if v.is_empty() { None } else { Some(std::rc::Rc::new(v)) })
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        self.0.as_deref().map_or(&[], |v| v.as_slice())
    }
}

/// What the components of a working directory say, for the lexical pre-checks below:
/// a path argument resolves ([`paths::resolve`]) to components of its own text and of
/// the working directory's (none for an unknown one). Computed once per directory
/// ([`Cx::cwd_facts`]), not per argument.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct CwdFacts {
    /// A component can change what the secret rules say ([`sensitive::shapes_secrets`]).
    pub shapes_secrets: bool,
    /// A component is `.tako`.
    pub tako: bool,
    /// A component is `keys`.
    pub keys: bool,
}

impl CwdFacts {
    /// The facts of `cwd`, computed.
    pub(crate) fn of(cwd: &crate::analyze::Cwd) -> Self {
        let Some(path) = cwd.path() else { return Self::default() };
        let mut facts = Self::default();
        // The components as `resolve` writes them: pieces of the text.
        for c in paths::pieces(&paths::lossy(path)) {
            facts.shapes_secrets |= sensitive::shapes_secrets(c);
            facts.tako |= c == ".tako";
            facts.keys |= c == "keys";
        }
        facts
    }
}

impl Cx<'_> {
    /// [`CwdFacts::of`] `cwd`, kept for the directory last asked about: consecutive
    /// commands mostly run in the same one.
    pub(crate) fn cwd_facts(&self, cwd: &crate::analyze::Cwd) -> CwdFacts {
        let Some(path) = cwd.path() else { return CwdFacts::default() };
        if let Some((p, facts)) = &*self.cwd_facts.borrow() {
            // The facts depend on the bytes only.
            if p.as_os_str() == path.as_os_str() {
                return *facts;
            }
        }
        let facts = CwdFacts::of(cwd);
        *self.cwd_facts.borrow_mut() = Some((path.to_path_buf(), facts));
        facts
    }
}

/// Whether the path argument `f`, in a working directory with the facts `cwd`, may
/// name a secret: `false` proves, from the text alone, that `f` is fully known, holds no
/// unknown mark, and resolves ([`paths::resolve`]) to no path, or to one that neither
/// [`sensitive::secret_file`] nor [`sensitive::secret_dir`] calls a secret. Most
/// arguments are ruled out this way without resolving them.
///
/// Why it holds: a known argument without glob characters resolves to its text
/// normalised against the working directory (ignored for an absolute path; no path at
/// all for a relative one in an unknown directory). When the text ends in a name (not
/// `.` or `..`), that name is the last component of the result, and every other
/// component is one of the text's or of the working directory's; when none of those
/// directories can change what the secret rules say ([`sensitive::shapes_secrets`]),
/// the name alone decides.
pub(crate) fn may_name_secret(f: &Field, cwd: CwdFacts) -> bool {
    let Some(text) = f.as_known() else { return true };
    if f.glob || paths::has_unknown_mark(text) {
        return true;
    }
    // One pass over the components: any that shapes the rules, and the last name.
    let mut name = "";
    for c in paths::pieces(text) {
        if sensitive::shapes_secrets(c) {
            return true;
        }
        if !c.is_empty() {
            name = c;
        }
    }
    if name.is_empty()
        || name == "."
        || name == ".."
        || sensitive::secret_file(name).is_some()
        || sensitive::secret_dir_named(name).is_some()
    {
        return true;
    }
    !text.starts_with('/') && cwd.shapes_secrets
}

/// Whether the path argument `f`, in a working directory that has a component named
/// `name` or not (`in_cwd`), may resolve ([`paths::resolve`]) to a path with such a
/// component: `false` proves it does not, as every component of the result is one of
/// the text's or of the working directory's.
pub(crate) fn may_have_component(f: &Field, in_cwd: bool, name: &str) -> bool {
    in_cwd || paths::pieces(&f.text).any(|c| c == name)
}

/// Resolves a path argument of an invocation.
pub(crate) fn target(inv: &Invocation, f: &Field, cx: &Cx<'_>) -> std::rc::Rc<Target> {
    cx.memo_target(inv, f, || paths::resolve(f, &inv.cwd, cx.ctx))
}

/// One path a command deletes.
#[derive(Debug, Clone)]
pub(crate) struct Deletion {
    pub target: std::rc::Rc<Target>,
    /// Whole directory trees.
    pub recursive: bool,
    /// The program, for messages.
    pub tool: String,
    /// A glob whose matches cannot be told (too many, unknown parts): each path it
    /// matches is otherwise a deletion of its own, after it.
    pub unresolved: bool,
}

/// The programs [`deletions`] finds deletions in (interpreter code that deletes is
/// analyzed into a synthetic `rm`): for any other, it finds none.
/// (Compressors replace their input: see [`crate::analyze::outputs::REPLACING`].)
pub(crate) static DELETERS: NameSet = NameSet::new(&[
    "bunzip2",
    "bzip2",
    "compress",
    "find",
    "grm",
    "gunzip",
    "gzip",
    "lz4",
    "lzip",
    "lzma",
    "mv",
    "pigz",
    "rm",
    "rmdir",
    "shred",
    "srm",
    "uncompress",
    "unlink",
    "unlzma",
    "unpigz",
    "unxz",
    "unzstd",
    "wipe",
    "xz",
    "zstd",
]);

/// What an invocation deletes.
pub(crate) fn deletions(inv: &Invocation, cx: &Cx<'_>) -> Shared<Deletion> {
    cx.memo(inv, |m| &mut m.deletions, || compute_deletions(inv, cx).into())
}

fn compute_deletions(inv: &Invocation, cx: &Cx<'_>) -> Few<Deletion> {
    let Some(name) = cx.name(inv) else { return Few::new() };
    let args = inv.args();
    let mut out = Few::new();
    let mut push = |f: &Field, recursive: bool, tool: &str| push_deletion(&mut out, inv, f, recursive, tool, cx);
    match &*name {
        "rm" | "srm" | "grm" => {
            let o = Opts::parse(args, &[]);
            let recursive = o.has(Some('r'), "recursive") || o.has(Some('R'), "") || o.unknown;
            for f in &o.operands {
                push(f, recursive, "rm");
            }
        }
        "unlink" | "shred" | "wipe" => {
            let o = Opts::parse(args, &['n', 's']);
            for f in &o.operands {
                push(f, name == "wipe" && o.has(Some('r'), ""), &name);
            }
        }
        "rmdir" => {
            let o = Opts::parse(args, &[]);
            if o.has(Some('p'), "parents") {
                for f in &o.operands {
                    push(f, false, "rmdir");
                }
            }
        }
        "find" => {
            let f = FindCmd::parse(args);
            if f.delete || f.unknown_action {
                for root in &f.roots {
                    let mut t = (*target(inv, root, cx)).clone();
                    t.all_children = !f.filtered;
                    if f.filtered {
                        t.glob = true;
                    }
                    out.push(Deletion {
                        target: std::rc::Rc::new(t),
                        recursive: true,
                        tool: "find -delete".into(),
                        unresolved: false,
                    });
                }
            }
        }
        "mv" => {
            // Moving a path away deletes it from where it was; into /dev/null, entirely.
            let o = Opts::parse(args, &['t', 'S']);
            let target_dir = o.has(Some('t'), "target-directory");
            let n = o.operands.len();
            if n >= 2 || target_dir {
                let sources = if target_dir { &o.operands[..] } else { &o.operands[..n - 1] };
                let to_null = !target_dir && o.operands.last().copied().and_then(Field::as_known) == Some("/dev/null");
                for f in sources {
                    let t = target(inv, f, cx);
                    // Moving within the workspace or temp is a rename, not a loss.
                    if to_null || !matches!(t.place, Place::Workspace { .. } | Place::Temp | Place::TempRoot) {
                        push_deletion(&mut out, inv, f, true, if to_null { "mv to /dev/null" } else { "mv" }, cx);
                    }
                }
            }
        }
        // `gzip F` leaves `F.gz`, and `F` is gone.
        _ => {
            let (places, recursive) = crate::analyze::outputs::replaced(&name, args);
            for p in places {
                push(&args[p.arg], recursive, &name);
            }
        }
    }
    out
}

/// A deletion of the path argument `f`; for a glob, also one for each path it matches
/// now, judged like a path named literally (`rm -rf .g*` deletes `.git`).
fn push_deletion(out: &mut Few<Deletion>, inv: &Invocation, f: &Field, recursive: bool, tool: &str, cx: &Cx<'_>) {
    let t = target(inv, f, cx);
    let matches = glob_targets(inv, f, cx);
    out.push(Deletion { target: t, recursive, tool: tool.to_string(), unresolved: matches.is_none() });
    for t in matches.unwrap_or_default() {
        out.push(Deletion { target: t, recursive, tool: tool.to_string(), unresolved: false });
    }
}

/// The paths a glob argument matches now, resolved (`.g*` is `.git`), each shown with
/// the pattern; empty for a word that is no glob, `None` when the matches cannot be told.
pub(crate) fn glob_targets(inv: &Invocation, f: &Field, cx: &Cx<'_>) -> Option<Vec<std::rc::Rc<Target>>> {
    if !(f.glob && f.is_known() && cx.ctx.read_files) {
        return Some(Vec::new());
    }
    let matches = paths::glob_matches(f, &inv.cwd)?;
    Some(
        matches
            .iter()
            .map(|m| {
                let mut t = paths::resolve(&Field::known(m.to_string_lossy()), &inv.cwd, cx.ctx);
                t.raw = format!("{} (matched by {})", shown_path(m, &inv.cwd), f.display());
                std::rc::Rc::new(t)
            })
            .collect(),
    )
}

/// Fields for the paths glob arguments among `reads` match now, after them.
fn with_glob_matches(mut reads: Few<Read>, inv: &Invocation) -> Few<Read> {
    let is_glob = |f: &Field| f.glob && f.is_known();
    if !reads.iter().filter_map(|r| r.field(inv)).any(is_glob) {
        return reads;
    }
    let matched: Vec<Read> = reads
        .iter()
        .filter_map(|r| r.field(inv))
        .filter(|f| is_glob(f))
        .filter_map(|f| paths::glob_matches(f, &inv.cwd))
        .flatten()
        .map(|m| Read::Derived(Field::known(shown_path(&m, &inv.cwd))))
        .collect();
    reads.extend(matched);
    reads
}

/// A path relative to the working directory when it is inside it.
fn shown_path(p: &Path, cwd: &crate::analyze::Cwd) -> String {
    match cwd.path().and_then(|c| p.strip_prefix(c).ok()) {
        Some(rel) if !rel.as_os_str().is_empty() => rel.to_string_lossy().into_owned(),
        _ => p.to_string_lossy().into_owned(),
    }
}

/// A link an invocation makes (`ln -s TARGET LINK`, `ln TARGET LINK`): writing to the
/// link, or under it, writes the target.
#[derive(Debug)]
pub(crate) struct Link {
    /// The index of the invocation that makes it, among those judged.
    pub at: usize,
    /// The link's path, absolute and normalised.
    pub link: std::path::PathBuf,
    /// Where it leads, absolute and normalised.
    pub target: std::path::PathBuf,
}

impl Link {
    /// The link `inv` (an `ln`, number `at`) makes, when its operands are known: the
    /// last of two operands names the link (or a directory on disk it goes in), one
    /// operand makes a link of the same name here. Several targets or `-t` are not
    /// followed. `read_files`: whether the disk may be asked if the last operand is a
    /// directory.
    pub(crate) fn made_by(at: usize, inv: &Invocation, read_files: bool) -> Option<Self> {
        let cwd: &std::path::Path = inv.cwd.path()?;
        let o = Opts::parse(inv.args(), &['t', 'S']);
        if o.has(Some('t'), "target-directory") {
            return None;
        }
        let symbolic = o.has(Some('s'), "symbolic");
        let ops: Vec<&str> = o.operands.iter().map(|f| f.as_known()).collect::<Option<_>>()?;
        let (target, link) = match ops.as_slice() {
            [t] => (*t, std::path::Path::new(t).file_name()?.to_str()?),
            [t, l] => (*t, *l),
            _ => return None,
        };
        let mut link = crate::context::normalize_join(cwd, link);
        // (Whether it names a directory is asked of the disk only where files may be read.)
        if !o.has(Some('T'), "no-target-directory") && read_files && link.is_dir() {
            link = link.join(std::path::Path::new(target).file_name()?);
        }
        // A symbolic link's relative target is read from the link's directory.
        let base = if symbolic { link.parent().unwrap_or(cwd) } else { cwd };
        let target = crate::context::normalize_join(base, target);
        Some(Self { at, link, target })
    }

    /// `path`, at or under the link, resolved where the link leads (`None` when it is
    /// not under it).
    pub(crate) fn follow(&self, path: &std::path::Path, inv: &Invocation, cx: &Cx<'_>) -> Option<Target> {
        let rest = path.strip_prefix(&self.link).ok()?;
        let real = if rest.as_os_str().is_empty() { self.target.clone() } else { self.target.join(rest) };
        let mut t = paths::resolve(&Field::known(real.to_string_lossy()), &inv.cwd, cx.ctx);
        t.raw = format!("{} (through the link {})", t.raw, shown_path(&self.link, &inv.cwd));
        Some(t)
    }
}

/// The files an invocation writes (redirections and output arguments).
pub(crate) fn writes(inv: &Invocation, cx: &Cx<'_>) -> Shared<std::rc::Rc<Target>> {
    cx.memo(inv, |m| &mut m.writes, || compute_writes(inv, cx).into())
}

fn compute_writes(inv: &Invocation, cx: &Cx<'_>) -> Few<std::rc::Rc<Target>> {
    let mut out = direct_writes(inv, cx);
    if out.is_empty() {
        return out;
    }
    // Through links made earlier (`ln -sf ~/.bashrc notes && echo … >> notes`).
    let through: Vec<std::rc::Rc<Target>> = cx
        .links_before(inv)
        .filter_map(|l| {
            let written = out.iter().filter_map(|t| t.path.as_deref()).find(|p| p.starts_with(&l.link))?;
            Some(std::rc::Rc::new(l.follow(written, inv, cx)?))
        })
        .collect();
    out.extend(through);
    out
}

/// [`compute_writes`] before links.
fn direct_writes(inv: &Invocation, cx: &Cx<'_>) -> Few<std::rc::Rc<Target>> {
    let mut out: Few<std::rc::Rc<Target>> = inv
        .redirects
        .iter()
        .filter(|r| matches!(r.mode, RedirMode::Write | RedirMode::Append))
        .filter_map(|r| r.target.as_ref())
        // `/dev/tcp/HOST/PORT` is a connection bash opens, not a file (egress judges it).
        .filter(|f| crate::egress::dev_net_host(f).is_none())
        .flat_map(|f| std::iter::once(target(inv, f, cx)).chain(glob_targets(inv, f, cx).unwrap_or_default()))
        .collect();
    let Some(name) = cx.name(inv) else { return out };
    let args = inv.args();
    let mut add = |f: &Field| {
        out.push(target(inv, f, cx));
        out.extend(glob_targets(inv, f, cx).unwrap_or_default());
    };
    match &*name {
        "tee" | "touch" | "truncate" | "sponge" | "sudoedit" | "vim" | "vi" | "nano" | "emacs" | "ed" => {
            // (`ed -s` is silent; `-p` takes a prompt.)
            let values: &[char] = if name == "ed" { &['p'] } else { &['s', 'r', 'd', 't'] };
            let o = Opts::operands(args, values);
            o.operands.iter().copied().for_each(&mut add);
        }
        "cp" | "install" | "ln" | "rsync" | "mv" => {
            let o = Opts::parse(args, &['t', 'S', 'm', 'o', 'g', 'e', 'f', 'B']);
            if name == "rsync" && (o.has(Some('n'), "dry-run") || o.long.iter().any(|l| l == "list-only")) {
                // A dry run writes nothing.
            } else if let Some(p) =
                args.iter().position(|a| a.as_known().is_some_and(|t| t == "-t" || t.starts_with("--target-directory")))
            {
                if let Some(d) = args.get(p + 1).filter(|_| args[p].as_known() == Some("-t")) {
                    add(d);
                }
            } else if let Some(last) = o.operands.last().filter(|_| o.operands.len() >= 2) {
                add(last);
            }
        }
        // `scp HOST:SRC DEST`: DEST when it is local.
        "scp" => {
            let o = Opts::operands(args, &['P', 'i', 'o', 'F', 'c', 'l', 'S', 'J', 'D', 'X']);
            if let Some(last) = o.operands.last().filter(|_| o.operands.len() >= 2) {
                // (`HOST:PATH` names a remote file; a path with `/` before its `:` is local.)
                if last.as_known().is_none_or(|t| t.split_once(':').is_none_or(|(host, _)| host.contains('/'))) {
                    add(last);
                }
            }
        }
        // `find -fprint FILE` (and -fprint0, -fprintf, -fls) writes FILE.
        "find" => FindCmd::parse(args).writes.iter().for_each(&mut add),
        "dd" => {
            for a in args {
                if let Some(v) = a.text.strip_prefix("of=") {
                    add(&Field { text: crate::parse::Text::from(v), ..a.clone() });
                }
            }
        }
        "sed" | "perl" => {
            let o = Opts::parse(args, &['e', 'f']);
            if o.has(Some('i'), "in-place") {
                o.operands
                    .iter()
                    .skip(usize::from(!args.iter().any(|a| matches!(a.as_known(), Some("-e" | "-f")))))
                    .copied()
                    .for_each(&mut add);
            }
        }
        "curl" => {
            for (k, a) in args.iter().enumerate() {
                if matches!(a.as_known(), Some("-o" | "--output")) {
                    if let Some(f) = args.get(k + 1) {
                        add(f);
                    }
                } else if let Some(v) = a.as_known().and_then(|t| t.strip_prefix("--output=")) {
                    add(&Field::known(v));
                }
            }
        }
        "wget" => {
            for (k, a) in args.iter().enumerate() {
                if matches!(a.as_known(), Some("-O" | "--output-document")) {
                    if let Some(f) = args.get(k + 1).filter(|f| f.as_known() != Some("-")) {
                        add(f);
                    }
                } else if let Some(v) = a.as_known().and_then(|t| t.strip_prefix("--output-document=")) {
                    add(&Field::known(v));
                }
            }
        }
        "chmod" | "chown" | "chgrp" | "setfacl" | "chattr" => {
            let o = Opts::operands(args, &[]);
            // A symbolic mode that starts with `-` (`chmod -x hook`, `chattr -i f`) reads
            // like an option: it is the mode, and every operand is a file.
            let mode_first = matches!(&*name, "chmod" | "chattr")
                && args.iter().filter_map(Field::as_known).take_while(|t| *t != "--").any(|t| {
                    t.len() > 1
                        && t.starts_with('-')
                        && t[1..].bytes().all(|b| matches!(b, b'r' | b'w' | b'x' | b'X' | b's' | b't' | b'i' | b'a'))
                        && (name == "chattr" || !matches!(t, "-R"))
                });
            o.operands.iter().skip(usize::from(!mode_first)).copied().for_each(&mut add);
        }
        _ => {}
    }
    // Output options and operands of other programs (`sort -o F`, `tar czf F`, `uniq I O`).
    for p in crate::analyze::outputs::written(&name, args) {
        let f = &args[p.arg];
        if p.from == 0 {
            add(f);
        } else if let Some(rest) = f.text.get(p.from..) {
            add(&Field { text: crate::parse::Text::from(rest), ..f.clone() });
        }
    }
    out
}

/// Programs that look at files without revealing their content.
const METADATA_ONLY: &[&str] = &[
    ".",
    "[",
    "age",
    "aws",
    "az",
    "basename",
    "cd",
    "chezmoi",
    "chgrp",
    "chmod",
    "chown",
    "code",
    "cp",
    "declare",
    "direnv",
    "dirname",
    "docker",
    "docker-compose",
    "dotenv",
    "dotenvx",
    "du",
    "echo",
    "env",
    "exa",
    "export",
    "eza",
    "false",
    "fd",
    "file",
    "find",
    "gcloud",
    "getfacl",
    "git",
    "gpg",
    "gpg-agent",
    "helm",
    "install",
    "keychain",
    "kubectl",
    "ln",
    "local",
    "locate",
    "ls",
    "lsattr",
    "lsd",
    "md5sum",
    "mise",
    "mkdir",
    "mv",
    "open",
    "openssl",
    "podman",
    "printf",
    "pushd",
    "readlink",
    "realpath",
    "rm",
    "rsync",
    "scp",
    "set",
    "sftp",
    "sha1sum",
    "sha256sum",
    "shred",
    "sops",
    "source",
    "ssh",
    "ssh-add",
    "ssh-agent",
    "ssh-copy-id",
    "ssh-keygen",
    "stat",
    "tar",
    "terraform",
    "test",
    "tofu",
    "touch",
    "tree",
    "true",
    "type",
    "unlink",
    "unset",
    "wc",
    "which",
    "zip",
];

/// [`METADATA_ONLY`], looked up by binary search.
static METADATA_ONLY_SET: NameSet = NameSet::new(METADATA_ONLY);

/// A file an invocation reads: one of its own fields, named by where it is (so the list
/// borrows them instead of copying), or a path derived from one.
pub(crate) enum Read {
    /// The file standard input is redirected from ([`Input::File`]).
    Stdin,
    /// The argument `argv[i]`.
    Arg(usize),
    /// A path written inside an argument (`-d @file`, `--file=.env`) or matched by a
    /// glob argument now.
    Derived(Field),
}

impl Read {
    /// The field read, from the invocation the list was made for.
    pub(crate) fn field<'s>(&'s self, inv: &'s Invocation) -> Option<&'s Field> {
        match self {
            Self::Stdin => match &inv.stdin {
                Input::File(f) => Some(f),
                _ => None,
            },
            Self::Arg(i) => inv.argv.get(*i),
            Self::Derived(f) => Some(f),
        }
    }
}

impl Shared<Read> {
    /// The fields read, in order, from the invocation the list was made for.
    pub(crate) fn fields<'s>(&'s self, inv: &'s Invocation) -> impl Iterator<Item = &'s Field> + 's {
        self.iter().filter_map(move |r| r.field(inv))
    }
}

/// The file arguments an invocation reads the content of (for secret reads), and after
/// them the paths its glob arguments match now (`cat .e*` reads `.env`); computed once
/// per judged invocation. [`Shared::fields`] lists them.
pub(crate) fn read_args(inv: &Invocation, cx: &Cx<'_>) -> Shared<Read> {
    cx.memo(inv, |m| &mut m.reads, || with_glob_matches(literal_read_args(inv, cx), inv).into())
}

/// The index in `inv.argv` of `f`, an element of `inv.args()`.
fn arg_index(inv: &Invocation, f: &Field) -> Option<usize> {
    let args = inv.args();
    let at: *const Field = f;
    args.as_ptr_range().contains(&at).then(|| 1 + (at as usize - args.as_ptr() as usize) / std::mem::size_of::<Field>())
}

fn literal_read_args(inv: &Invocation, cx: &Cx<'_>) -> Few<Read> {
    let mut out = Few::new();
    if let Input::File(_) = &inv.stdin {
        out.push(Read::Stdin);
    }
    // Files opened for reading on other descriptors (`exec 3<~/.ssh/id_rsa`, `cmd 4<.env`):
    // whatever runs with them can read them.
    for r in &inv.redirects {
        if r.mode == RedirMode::Read && r.fd != 0 {
            if let Some(t) = &r.target {
                out.push(Read::Derived(t.clone()));
            }
        }
    }
    let Some(name) = cx.name(inv) else { return out };
    let args = inv.args();
    // The paths named on its input (`find ~/.ssh | cpio -o`).
    if matches!(&*name, "cpio" | "tar" | "bsdtar" | "gtar") {
        out.extend(crate::analyze::names_on_input(&name, inv).map(Read::Derived));
    }
    let metadata_only = METADATA_ONLY_SET.contains(&name);
    for a in args {
        // `-d @file`, `--data-binary=@file`, `--file=.env`, `-f.env`, `if=.env`.
        if let Some(t) = a.as_known() {
            // Both forms hold an `@`, which most arguments lack (one byte is cheaper to
            // look for than two).
            let at = t.as_bytes().contains(&b'@');
            if let Some(v) = at.then(|| t.split_once("=@").map(|(_, v)| v).or_else(|| t.strip_prefix('@'))).flatten() {
                out.push(Read::Derived(Field::known(v)));
                continue;
            }
            if let Some(v) = t.strip_prefix("if=") {
                out.push(Read::Derived(Field::known(v)));
                continue;
            }
            if t.starts_with("--") {
                if let Some((_, v)) = t.split_once('=') {
                    out.push(Read::Derived(Field::known(v)));
                }
                continue;
            }
            if t.starts_with('-')
                && t.len() > 2
                && t[1..].starts_with(|c: char| c.is_ascii_alphabetic())
                && t.contains('.')
                && !metadata_only
            {
                // `-f.env`: a value attached to a short option.
                out.push(Read::Derived(Field::known(&t[2..])));
                continue;
            }
        }
    }
    // Operands and option values are the invocation's own arguments: `argv[k + 1]` is
    // `args[k]`.
    let operand = |f: &&Field| arg_index(inv, f).map(Read::Arg);
    if metadata_only {
        cloud_uploads(&name, args, &cx.ctx.home, &mut out, &operand);
        if matches!(&*name, "cp" | "tar" | "zip" | "openssl" | "gpg" | "scp" | "rsync" | "docker") {
            // Copying or archiving a secret makes another copy of it.
            let o = Opts::operands(args, &['f', 'C', 'o']);
            let n = o.operands.len();
            match &*name {
                "cp" | "scp" | "rsync" if n >= 2 => out.extend(o.operands[..n - 1].iter().filter_map(operand)),
                // (openssl's words are single-dash options with values: `-out key.pem`
                // writes; what it reads is named by the options below.)
                "tar" | "zip" | "gpg" => out.extend(o.operands.iter().filter_map(operand)),
                _ => {}
            }
            // `openssl enc -in .env`, `openssl rsa -inkey k.pem`, `tar -czf x.tgz .env`.
            for (k, a) in args.iter().enumerate() {
                if matches!(
                    a.as_known(),
                    Some("-in" | "-i" | "--input" | "-inkey" | "-key" | "-CAkey" | "-signkey" | "-kfile")
                ) && k + 1 < args.len()
                {
                    out.push(Read::Arg(k + 2));
                }
            }
        }
        return out;
    }
    let pattern_first = pattern_first_program(&name);
    let o = if pattern_first {
        Opts::operands(args, &['A', 'B', 'C', 'm', 'e', 'f', 'g', 't', 'j', 'M', 'd', 'D'])
    } else {
        Opts::operands(args, &[])
    };
    // Searchers and filters take their pattern or program first, unless it is given by
    // an option: `grep credentials README.md` reads README.md, not `credentials`. (Other
    // programs have no pattern to look for.)
    let pattern_by_option = pattern_first
        && args.iter().any(|a| {
            a.as_known().is_some_and(|t| {
                matches!(t, "-e" | "--regexp" | "--file" | "--expression")
                    || names_pattern_file(t)
                    || t.starts_with("--regexp=")
                    || t.starts_with("--file=")
                    || (t.starts_with("-e") && t.len() > 2 && !t.starts_with("--"))
            })
        });
    let no_pattern = name == "rg" && args.iter().any(|a| a.as_known() == Some("--files"));
    let skip = usize::from(pattern_first && !pattern_by_option && !no_pattern);
    // URLs name remote resources, not local files.
    out.extend(o.operands.iter().skip(skip).filter(|f| !f.as_known().is_some_and(is_url)).filter_map(operand));
    // Option values that name files (`grep -f .env`, `rg --file .env`).
    for (k, a) in args.iter().enumerate() {
        if ((pattern_first && a.as_known().is_some_and(names_pattern_file))
            || matches!(a.as_known(), Some("-f" | "--file" | "--exclude-from" | "-T" | "--files-from" | "-i" | "-in")))
            && k + 1 < args.len()
        {
            out.push(Read::Arg(k + 2));
        }
    }
    out
}

/// The local files a cloud CLI uploads ([`crate::analyze::upload`]): `aws s3 cp|mv|sync
/// SRC… DST`, `aws s3api put-object --body F`, aws's `file://F` and `fileb://F`,
/// `gcloud storage cp SRC… DST`, `gcloud compute scp SRC… VM:DST`, `az storage blob
/// upload --file F` (`-f F`). Their other arguments name buckets, resources and
/// settings, not files. aws reads `~/` in `file://~/…` as the home directory.
fn cloud_uploads(
    name: &str,
    args: &[Field],
    home: &Path,
    out: &mut Few<Read>,
    operand: &dyn Fn(&&Field) -> Option<Read>,
) {
    let Some(up) = crate::analyze::upload::upload(name, args) else { return };
    out.extend(up.sources.iter().filter_map(operand));
    for p in up.inside {
        let path = match p.strip_prefix("~/") {
            Some(rest) => home.join(rest).to_string_lossy().into_owned(),
            None => p.to_string(),
        };
        out.push(Read::Derived(Field::known(path)));
    }
}

/// `-f` or a flag cluster ending in it (`-rf`, `-nf`): the next word is a file of
/// patterns (grep, rg) or a program (awk, sed).
fn names_pattern_file(t: &str) -> bool {
    t.len() >= 2
        && t.starts_with('-')
        && !t.starts_with("--")
        && t.ends_with('f')
        && t[1..].chars().all(|c| c.is_ascii_alphabetic())
}

/// Programs whose first operand is a pattern or a program, not a file.
fn pattern_first_program(name: &str) -> bool {
    matches!(
        name,
        "grep" | "egrep" | "fgrep" | "rg" | "ag" | "ack" | "zgrep" | "awk" | "gawk" | "mawk" | "sed" | "jq" | "yq"
    )
}

/// Whether a word is a URL (`https://…`, `s3://…`, `git@host:…` is not).
pub(crate) fn is_url(t: &str) -> bool {
    // Most words have no `:` at all, found faster than `://` (a searcher per word).
    t.as_bytes().contains(&b':')
        && t.split_once("://").is_some_and(|(scheme, _)| {
            !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        })
}

/// Whether a field names a block device (`/dev/sda`, `/dev/nvme0n1`, `/dev/disk2`).
pub(crate) fn is_block_device(f: &Field) -> bool {
    f.as_known().is_some_and(is_block_device_path)
}

/// Whether a path names a block device ([`is_block_device`] for text).
pub(crate) fn is_block_device_path(t: &str) -> bool {
    let Some(dev) = t.strip_prefix("/dev/") else { return false };
    let dev = dev.trim_start_matches("mapper/");
    [
        "sd", "hd", "vd", "xvd", "nvme", "mmcblk", "md", "dm-", "disk", "rdisk", "loop", "sr", "nbd", "zd", "rbd",
        "mapper", "root", "mtd",
    ]
    .iter()
    .any(|p| dev.starts_with(p))
        || t.starts_with("/dev/mapper/")
        || t.starts_with("/dev/disk/")
}

/// Whether a path component sequence is a well-known build output directory.
pub(crate) fn is_build_output(rel: &Path) -> bool {
    const NAMES: &[&str] = &[
        "target",
        "node_modules",
        "dist",
        "build",
        "out",
        ".next",
        ".nuxt",
        ".svelte-kit",
        "coverage",
        "__pycache__",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        ".cache",
        "tmp",
        ".tmp",
        ".turbo",
        ".parcel-cache",
        ".gradle",
        ".eggs",
        "bin",
        "obj",
        ".terraform",
        "vendor",
        "_build",
        "deps",
        ".angular",
        "storybook-static",
        ".expo",
        ".dart_tool",
        "DerivedData",
        "Pods",
        ".build",
        "cmake-build-debug",
        "cmake-build-release",
        "htmlcov",
        ".hypothesis",
        "site",
        "public/build",
        "logs",
        "log",
        ".docusaurus",
    ];
    rel.components().any(|c| {
        let s = c.as_os_str().to_string_lossy();
        NAMES.contains(&s.as_ref()) || s.ends_with(".egg-info") || s.starts_with("cmake-build-")
    })
}

/// The program name of an invocation, also through `java -jar NAME.jar`.
pub(crate) fn tool_name<'s>(inv: &'s Invocation, cx: &'s Cx<'_>) -> Option<Cow<'s, str>> {
    let name = cx.name(inv)?;
    if name == "java" {
        let args = inv.args();
        if let Some(p) = args.iter().position(|a| a.as_known() == Some("-jar")) {
            return args
                .get(p + 1)
                .and_then(Field::as_known)
                .map(|j| Cow::Owned(program_name(strip_all(j, ".jar")).into_owned()));
        }
    }
    Some(match name {
        Cow::Borrowed(b) => Cow::Borrowed(strip_all(b, ".sh")),
        Cow::Owned(o) => Cow::Owned(strip_all(&o, ".sh").to_string()),
    })
}

/// Whether [`tool_name`] may read an invocation of the program `name` as a tool that
/// `is` accepts: `java` may run any jar (`java -jar NAME.jar`); other names count
/// without their trailing `.sh`es.
pub(crate) fn may_be_tool(name: &str, is: impl Fn(&str) -> bool) -> bool {
    name == "java" || is(strip_all(name, ".sh"))
}

/// `s` without any number of trailing `suffix`es (`trim_end_matches` for a literal).
fn strip_all<'s>(mut s: &'s str, suffix: &str) -> &'s str {
    while let Some(rest) = s.strip_suffix(suffix) {
        s = rest;
    }
    s
}

/// Known text of the arguments joined by spaces (unknowns shown as `…`), lowercase.
pub(crate) fn joined_lower(args: &[Field]) -> String {
    args.iter().map(|a| a.text.replace(UNKNOWN_MARK, "…").to_lowercase()).collect::<Vec<_>>().join(" ")
}

/// Facts about the workspace's git repository.
pub(crate) struct RepoFacts {
    repo: git2::Repository,
    index: Option<git2::Index>,
    root: std::path::PathBuf,
}

impl RepoFacts {
    pub(crate) fn open(root: &Path) -> Option<Self> {
        let repo = git2::Repository::open(root).ok()?;
        let index = repo.index().ok();
        let root = repo.workdir().map_or_else(|| root.to_path_buf(), Path::to_path_buf);
        Some(Self { repo, index, root })
    }

    /// How many tracked files are at or under `path` (absolute).
    pub(crate) fn tracked_under(&self, path: &Path) -> usize {
        let Some(index) = &self.index else { return 0 };
        let Ok(rel) = path.strip_prefix(&self.root) else { return 0 };
        let rel = rel.to_string_lossy();
        if rel.is_empty() {
            return index.len();
        }
        let prefix = format!("{rel}/");
        index
            .iter()
            .filter(|e| {
                let p = String::from_utf8_lossy(&e.path);
                p == rel || p.starts_with(&prefix)
            })
            .count()
    }

    /// Whether git ignores `path` (absolute).
    pub(crate) fn ignored(&self, path: &Path) -> bool {
        path.strip_prefix(&self.root).ok().is_some_and(|rel| self.repo.is_path_ignored(rel).unwrap_or(false))
    }
}

impl RepoFacts {
    /// The branch `HEAD` points to, when it is a branch.
    pub(crate) fn head_branch(&self) -> Option<String> {
        let head = self.repo.find_reference("HEAD").ok()?;
        head.symbolic_target().ok().flatten().and_then(|t| t.strip_prefix("refs/heads/")).map(String::from)
    }
}

/// `git`: the program [`git_cmd`] reads, for guards that judge nothing else.
pub(crate) static GIT: NameSet = NameSet::new(&["git"]);

/// The git command line of an invocation of `git`.
pub(crate) fn git_cmd(inv: &Invocation, cx: &Cx<'_>) -> Option<std::rc::Rc<crate::analyze::git::GitCmd>> {
    if cx.name(inv)? != "git" {
        return None;
    }
    let parse = || {
        let config = cx.ctx.read_files.then(|| cx.ctx.workspace.join(".git/config"));
        std::rc::Rc::new(crate::analyze::git::GitCmd::parse(inv, config.as_deref()))
    };
    Some(cx.memo(inv, |m| &mut m.git, parse))
}

/// Branch names a team protects: the default branches and release lines.
pub(crate) fn protected_branch(name: &str) -> bool {
    let n = name.trim_start_matches("refs/heads/");
    matches!(
        n,
        "main"
            | "master"
            | "trunk"
            | "develop"
            | "development"
            | "production"
            | "prod"
            | "staging"
            | "stable"
            | "gh-pages"
    ) || n.starts_with("release/")
        || n.starts_with("releases/")
        || n.starts_with("hotfix/")
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::path::PathBuf;

    use proptest::prelude::*;

    use super::{may_have_component, may_name_secret, CwdFacts};
    use crate::analyze::model::{Cwd, Field, Unknown, UNKNOWN_MARK};
    use crate::context::Context;
    use crate::paths;
    use crate::sensitive::{secret_dir, secret_file};

    /// Path components that matter to the secret rules and to SP001, and some that do
    /// not; the empty string makes `//`, a leading one an absolute path.
    const PIECES: &[&str] = &[
        "",
        ".",
        "..",
        "~",
        "a",
        "src",
        "home",
        "u",
        "proj",
        "tmp",
        "etc",
        "shadow",
        ".ssh",
        ".SSH",
        "id_rsa",
        "id_rsa.pub",
        "config",
        ".kube",
        "gh",
        "hosts.yml",
        ".aws",
        "credentials",
        ".docker",
        "config.json",
        ".config",
        "auth.json",
        ".codex",
        "secrets",
        "x.json",
        "Library",
        "Keychains",
        "keyrings",
        ".gnupg",
        "gpg.conf",
        ".env",
        ".env.example",
        "server.key",
        "cert.pem",
        ".netrc",
        ".tako",
        "keys",
        "key",
        "README.md",
        "*",
        ".e*",
        "\u{E000}",
    ];

    fn ctx() -> Context {
        let env = HashMap::from([("HOME".to_string(), "/home/u".to_string())]);
        let mut c = Context::new(PathBuf::from("/home/u/proj"), env);
        c.workspace = PathBuf::from("/home/u/proj");
        c
    }

    fn field(text: &str, glob: bool, unknown: bool) -> Field {
        let mut f = Field::known(text);
        f.glob = glob;
        if unknown {
            // An unknown stands where its mark is (or the field gains one at its end).
            if !f.text.contains(UNKNOWN_MARK) {
                f.text.push(UNKNOWN_MARK);
            }
            f.unknowns = vec![Unknown::Var("X".into())];
        }
        f
    }

    /// Up to `max` pieces, half of them from the few that shape the rules most.
    fn pieces(max: usize) -> impl Strategy<Value = Vec<&'static str>> {
        let hot = proptest::sample::select(&["", "..", "etc", "shadow", ".ssh", "x", ".tako", "keys", "*"][..]);
        proptest::collection::vec(prop_oneof![proptest::sample::select(PIECES), hot], 1..max)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        /// The lexical pre-checks agree with resolving: an argument they rule out
        /// resolves to no secret and to no `.tako/keys` path.
        #[test]
        fn pre_checks_agree_with_resolution(
            text in pieces(6),
            cwd in proptest::option::of(pieces(5)),
            glob: bool,
            unknown in proptest::bool::weighted(0.2),
        ) {
            let c = ctx();
            let text = text.join("/");
            let cwd = match cwd {
                Some(dirs) => Cwd::Known { path: crate::context::normalize(&PathBuf::from(format!("/{}", dirs.join("/")))).into(), climbed: false },
                None => Cwd::Unknown("$X".into()),
            };
            let f = field(&text, glob, unknown);
            let t = paths::resolve(&f, &cwd, &c);
            let p = t.path.as_deref().map(|p| p.to_string_lossy().into_owned());
            let facts = CwdFacts::of(&cwd);
            if !may_name_secret(&f, facts) {
                prop_assert!(f.is_known() && !f.text.contains(UNKNOWN_MARK), "{:?}", f);
                if let Some(p) = &p {
                    prop_assert_eq!(secret_file(p), None, "{} in {:?} is {}", text, cwd, p);
                    prop_assert_eq!(secret_dir(p), None, "{} in {:?} is {}", text, cwd, p);
                }
            }
            for (name, in_cwd) in [(".tako", facts.tako), ("keys", facts.keys)] {
                if !may_have_component(&f, in_cwd, name) {
                    let has = p.as_deref().is_some_and(|p| p.split('/').any(|c| c == name));
                    prop_assert!(!has, "{} in {:?} is {:?}", text, cwd, p);
                }
            }
        }
    }

    #[test]
    fn pre_checks_rule_out_plain_names_only() {
        let facts = |p: &str| CwdFacts::of(&Cwd::Known { path: PathBuf::from(p).into(), climbed: false });
        let (home, ssh) = (facts("/home/u/proj"), facts("/home/u/.ssh"));
        let unknown = CwdFacts::of(&Cwd::Unknown("$X".into()));
        assert_eq!(unknown, CwdFacts::default());
        assert!(ssh.shapes_secrets && !home.shapes_secrets && facts("/w/.tako/keys").tako && facts("/w/keys").keys);
        let known = |t: &str| field(t, false, false);
        for t in ["README.md", "src/main.rs", "/usr/share/doc", "build/log0.txt", "crate0"] {
            assert!(!may_name_secret(&known(t), home), "{t}");
            assert!(!may_name_secret(&known(t), unknown), "{t}");
        }
        for t in [".env", "id_rsa", "/etc/shadow", "../.ssh/config", "etc/shadow", ".", "..", "/", "a/.."] {
            assert!(may_name_secret(&known(t), home), "{t}");
        }
        // In a credential directory any name may be a key.
        assert!(may_name_secret(&known("config2"), ssh));
        assert!(!may_name_secret(&known("/tmp/config2"), ssh));
        assert!(may_name_secret(&field("x*", true, false), home));
        assert!(may_name_secret(&field("x", false, true), home));
        assert!(!may_have_component(&known("README.md"), home.tako, ".tako"));
        assert!(may_have_component(&known(".tako/keys/k"), home.keys, "keys"));
        assert!(may_have_component(&known("k"), true, "keys"));
    }

    proptest! {
        /// Parsing for the operands only finds the operands a full parse finds.
        #[test]
        fn operands_agree_with_a_full_parse(
            words in proptest::collection::vec(
                proptest::sample::select(&["-", "--", "-a", "-ab", "-t", "-tx", "--long", "--x=1", "x", "-\u{2010}r", "\u{E000}"][..]),
                0..7,
            ),
        ) {
            let args: Vec<Field> = words.iter().map(|w| field(w, false, w.contains(UNKNOWN_MARK))).collect();
            for values in [&[][..], &['t'][..], &['a', 'b'][..]] {
                let (full, only) = (super::Opts::parse(&args, values), super::Opts::operands(&args, values));
                prop_assert_eq!(&full.operands, &only.operands);
                prop_assert_eq!(full.unknown, only.unknown);
                prop_assert!(only.short.is_empty() && only.long.is_empty());
            }
        }
    }

    #[test]
    fn is_url_needs_a_scheme() {
        for t in ["https://x.io", "s3://b/k", "git+ssh://h/r"] {
            assert!(super::is_url(t), "{t}");
        }
        for t in ["git@host:repo", "a:b", "://x", "x", "c:/://x", "/p://q"] {
            assert!(!super::is_url(t), "{t}");
        }
    }

    #[test]
    fn resolutions_are_shared_per_text_glob_and_directory() {
        let ctx = ctx();
        let cx = crate::guard::Cx::new(&ctx);
        let at = |p: &str| {
            let mut inv = crate::analyze::Invocation::placeholder();
            inv.cwd = Cwd::Known { path: PathBuf::from(p).into(), climbed: false };
            inv
        };
        let (a, b) = (at("/home/u/proj"), at("/tmp"));
        let (x, x_glob) = (field("x*", false, false), field("x*", true, false));
        let first = super::target(&a, &x, &cx);
        assert!(std::rc::Rc::ptr_eq(&first, &super::target(&a, &x, &cx)));
        let elsewhere = super::target(&b, &x, &cx);
        assert_eq!(elsewhere.path.as_deref(), Some(std::path::Path::new("/tmp/x*")));
        let globbed = super::target(&a, &x_glob, &cx);
        assert!(globbed.glob && !first.glob && globbed.path.as_deref() == Some(std::path::Path::new("/home/u/proj")));
        // Back in the first directory: the first resolution again.
        assert!(std::rc::Rc::ptr_eq(&first, &super::target(&at("/home/u/proj"), &x, &cx)));
        assert!(std::rc::Rc::ptr_eq(&elsewhere, &super::target(&b, &x, &cx)));
        // Unknown fields are resolved each time.
        let unknown = field("a/x", false, true);
        assert!(!std::rc::Rc::ptr_eq(&super::target(&a, &unknown, &cx), &super::target(&a, &unknown, &cx)));
    }

    #[test]
    fn working_directory_facts_are_kept_per_directory() {
        let ctx = ctx();
        let cx = crate::guard::Cx::new(&ctx);
        let at = |p: &str| Cwd::Known { path: PathBuf::from(p).into(), climbed: false };
        for p in ["/home/u/proj", "/home/u/.ssh", "/home/u/.ssh", "/w/.tako/keys", "/home/u/proj"] {
            assert_eq!(cx.cwd_facts(&at(p)), CwdFacts::of(&at(p)), "{p}");
        }
        assert_eq!(cx.cwd_facts(&Cwd::Unknown("$X".into())), CwdFacts::default());
    }
}
