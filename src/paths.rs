//! Where a path argument points, in the terms guards decide on.
//!
//! A path argument is resolved against the working directory the analyzer tracked,
//! normalised lexically (`..` and `.`), and placed: the filesystem root, a system
//! directory, the operator's home, the workspace, a temporary directory, or elsewhere.
//! Globs are placed by the directory they expand in (`/*` is "everything in `/`").
//!
//! Invariants: a path that cannot be known statically is [`Place::Unknown`], never
//! guessed; `/home/u/proj-evil` is not inside `/home/u/proj` (component-wise prefix).
//! Nothing here reads the filesystem except [`Target::exists`], [`canonical_prefix`]
//! and [`glob_matches`], which callers use only when a decision depends on it.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::analyze::model::{Cwd, Field, Unknown, UNKNOWN_MARK};
use crate::context::{normalize, Context};

/// Top-level directories that belong to the system.
const SYSTEM_DIRS: &[&str] = &[
    "bin",
    "boot",
    "dev",
    "etc",
    "home",
    "lib",
    "lib32",
    "lib64",
    "libx32",
    "media",
    "mnt",
    "nix",
    "opt",
    "proc",
    "root",
    "run",
    "sbin",
    "snap",
    "srv",
    "sys",
    "usr",
    "var",
    "efi",
    "System",
    "Library",
    "Applications",
    "private",
    "Users",
    "Volumes",
    "cores",
];

/// Where a path is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// `/` itself.
    Root,
    /// Inside a system directory; `depth` counts components (`/etc` is 1, `/etc/ssh` 2).
    System {
        /// The top-level directory.
        top: String,
        /// Number of components.
        depth: usize,
    },
    /// The operator's home directory itself.
    Home,
    /// Inside the home directory, outside the workspace; `depth` below home.
    InHome {
        /// Number of components below home.
        depth: usize,
    },
    /// Inside the workspace; `rel` is empty for the root itself.
    Workspace {
        /// The path relative to the workspace root.
        rel: PathBuf,
    },
    /// A temporary directory itself (`/tmp`).
    TempRoot,
    /// Inside a temporary directory.
    Temp,
    /// Anywhere else.
    Outside,
    /// Not known statically.
    Unknown,
}

/// A path argument, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The argument as written (unknowns described).
    pub raw: String,
    /// The absolute, normalised path; for a glob, the directory it expands in.
    pub path: Option<PathBuf>,
    /// Where it is.
    pub place: Place,
    /// A glob that matches everything in `path` (`*`, `.*`, `**`).
    pub all_children: bool,
    /// Holds glob characters.
    pub glob: bool,
    /// Written relative to the working directory and climbing out of the workspace
    /// with `..`, or resolved against a directory reached that way.
    pub climbed: bool,
    /// Has a component that is a literal `~` (a tilde that was not expanded).
    pub literal_tilde: bool,
}

impl Target {
    /// Whether the path (or, for a glob, its directory) exists.
    #[must_use]
    pub fn exists(&self) -> bool {
        self.path.as_deref().is_some_and(|p| p.symlink_metadata().is_ok())
    }

    /// Whether it is inside the workspace (or is its root).
    #[must_use]
    pub fn in_workspace(&self) -> bool {
        matches!(self.place, Place::Workspace { .. })
    }

    /// Whether it is the workspace root itself or everything in it.
    #[must_use]
    pub fn is_workspace_root(&self) -> bool {
        matches!(&self.place, Place::Workspace { rel } if rel.as_os_str().is_empty())
    }

    /// Whether it is (or is inside) the workspace's `.git` directory.
    #[must_use]
    pub fn in_git_dir(&self) -> bool {
        matches!(&self.place, Place::Workspace { rel } if rel.starts_with(".git"))
            || (self.is_workspace_root() && self.all_children)
    }
}

/// A path as text, exactly as [`Path::to_string_lossy`] gives it, but checked for UTF-8
/// the fast way (a word at a time) before falling back to the lossy conversion.
#[must_use]
pub fn lossy(p: &Path) -> Cow<'_, str> {
    p.to_str().map_or_else(|| p.to_string_lossy(), Cow::Borrowed)
}

/// Whether a path is spelled plainly, as resolved and normalised paths are: absolute,
/// with no empty component (`//`, a trailing `/`) and no `.` component. Two plain paths
/// compare, component-wise, exactly as their bytes do; see [`same`] and [`starts_with`].
#[must_use]
pub fn plain(p: &Path) -> bool {
    let b = p.as_os_str().as_encoded_bytes();
    b == b"/" || (b.first() == Some(&b'/') && b[1..].split(|&c| c == b'/').all(|c| !c.is_empty() && c != b"."))
}

/// `p == q` (component-wise, as [`Path`]'s `==`), comparing bytes when both are plain.
#[must_use]
pub fn same(p: &Path, q: &Path) -> bool {
    if plain(p) && plain(q) {
        p.as_os_str() == q.as_os_str()
    } else {
        p == q
    }
}

/// `p.starts_with(base)` (component-wise, as [`Path::starts_with`]), comparing bytes
/// when both are plain: `/a/bc` does not start with `/a/b`.
#[must_use]
pub fn starts_with(p: &Path, base: &Path) -> bool {
    if plain(p) && plain(base) {
        plain_starts_with(p, base)
    } else {
        p.starts_with(base)
    }
}

/// [`starts_with`] for paths known to be [`plain`]: their bytes decide.
#[must_use]
pub fn plain_starts_with(p: &Path, base: &Path) -> bool {
    let (a, b) = (p.as_os_str().as_encoded_bytes(), base.as_os_str().as_encoded_bytes());
    a.starts_with(b) && (a.len() == b.len() || a[b.len()] == b'/' || b == b"/")
}

/// `p == Path::new("/")` (component-wise). Only a path of `/` and `.` alone can be the
/// root (`/`, `//`, `/.`); comparing others component by component would find a name
/// in them all the same.
#[must_use]
pub fn is_root(p: &Path) -> bool {
    p.as_os_str().as_encoded_bytes().iter().all(|&b| b == b'/' || b == b'.') && p == Path::new("/")
}

/// The `/`-separated pieces of `text`, as `text.split('/')` gives them, found by a byte
/// loop: path arguments are short, and the searcher `split` sets up costs more than the
/// loop.
pub(crate) fn pieces(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let r = rest?;
        if let Some(i) = r.as_bytes().iter().position(|&b| b == b'/') {
            rest = Some(&r[i + 1..]);
            Some(&r[..i])
        } else {
            rest = None;
            Some(r)
        }
    })
}

/// `text.contains(UNKNOWN_MARK)`, looking for the mark's first byte before the mark (a
/// non-ASCII `char` pattern searches for its encoding as a string).
pub(crate) fn has_unknown_mark(text: &str) -> bool {
    const LEAD: u8 = {
        let mut b = [0; 4];
        UNKNOWN_MARK.encode_utf8(&mut b);
        b[0]
    };
    text.as_bytes().contains(&LEAD) && text.contains(UNKNOWN_MARK)
}

/// Whether `comp`, a component of `field`'s text holding unknown marks, names one entry:
/// its unknowns are numbers (no `/`, never `..`) and its known text is more than `.`
/// or `..` (`x.$$`, `build-$RANDOM`). A number alone may be empty (`$!` before any
/// background job), which would leave the directory itself.
fn numeric_name(field: &Field, comp: &str) -> bool {
    let rest: String = comp.chars().filter(|&c| c != UNKNOWN_MARK).collect();
    field.unknowns.iter().all(Unknown::is_numeric) && !matches!(rest.as_str(), "" | "." | "..")
}

/// Resolves a path argument against the working directory.
#[must_use]
pub fn resolve(field: &Field, cwd: &Cwd, ctx: &Context) -> Target {
    let raw = field.display();
    let mut t = Target {
        raw,
        path: None,
        place: Place::Unknown,
        all_children: false,
        glob: field.glob,
        climbed: false,
        literal_tilde: false,
    };
    let text = &field.text;
    // An unknown prefix makes the whole path unknown; an unknown later on keeps the
    // directory before it (like a glob).
    let known_dir: Cow<'_, str> = if field.is_known() {
        Cow::Borrowed(text)
    } else {
        let prefix = field.known_prefix();
        if prefix.is_empty() || !prefix.contains('/') {
            return t;
        }
        t.glob = true;
        if field.unknowns.iter().all(Unknown::is_numeric) {
            // Numbers (`$$`, `$RANDOM`, `$((…))`) hold no `/`: the text keeps its
            // components, and `/tmp/x.$$` names one entry of `/tmp`, not all of them.
            Cow::Borrowed(text)
        } else {
            // `$UNKNOWN_CWD/x` has no known prefix; `/tmp/$X` keeps `/tmp/`.
            Cow::Owned(prefix[..=prefix.rfind('/').unwrap_or(0)].to_string() + &UNKNOWN_MARK.to_string())
        }
    };
    let text = &*known_dir;
    t.literal_tilde = pieces(text).any(|c| c == "~");
    let (base, climbed_base) = match cwd {
        Cwd::Known { path, climbed } => (&**path, *climbed),
        Cwd::Unknown(_) => {
            if !text.starts_with('/') {
                return t;
            }
            (Path::new("/"), false)
        }
    };
    // Build the normalised absolute directory as text in one pass: `.` and empty
    // components vanish, `..` pops (never above `/`), and the first component holding a
    // glob character (or an unknown that is not a number inside a name) ends it. The
    // working directory is taken literally.
    let mut dir = String::with_capacity(base.as_os_str().len() + text.len() + 1);
    if text.starts_with('/') {
        dir.push('/');
    } else {
        dir.push_str(&lossy(base));
    }
    let mut pattern: Option<&str> = None;
    let mut rest_after_pattern = false;
    for comp in pieces(text) {
        if pattern.is_some() {
            rest_after_pattern = rest_after_pattern || !comp.is_empty();
            continue;
        }
        if (t.glob && comp.contains(['*', '?', '['])) || (has_unknown_mark(comp) && !numeric_name(field, comp)) {
            pattern = Some(comp);
            continue;
        }
        match comp {
            "" | "." => {}
            ".." => {
                let cut = dir.rfind('/').unwrap_or(0);
                dir.truncate(cut.max(1));
            }
            c => {
                if !dir.ends_with('/') {
                    dir.push('/');
                }
                // A number's place shows as `…` in the path and in messages.
                dir.extend(c.chars().map(|ch| if ch == UNKNOWN_MARK { '…' } else { ch }));
            }
        }
    }
    let dir = PathBuf::from(dir);
    if let Some(p) = &pattern {
        // Everything in `dir`: `*`, `.*`, … alone, or followed only by more of them
        // (`*/*`); an unknown part could be anything, `..` and `/` included. `*/nested`
        // is not everything: its matches are judged one by one (`glob_matches`).
        let everything =
            |c: &str| matches!(c, "*" | ".*" | "**" | "*.*" | ".[!.]*" | "{*,.*}") || c.chars().all(|c| c == '*');
        let rest_everything = text
            .split('/')
            .skip_while(|c| c != p)
            .skip(1)
            .all(|c| c.is_empty() || everything(c) || c.contains(UNKNOWN_MARK));
        t.all_children = (everything(p) && (!rest_after_pattern || rest_everything))
            || (p.contains(UNKNOWN_MARK)
                && p.chars().all(|c| c == '*' || c == UNKNOWN_MARK)
                && !numeric_name(field, p));
    }
    t.climbed = climbed_base
        || (!text.starts_with('/')
            && pieces(text).any(|c| c == "..")
            && !dir.starts_with(&ctx.workspace)
            && base.starts_with(&ctx.workspace));
    t.place = place_of(&dir, ctx);
    t.path = Some(dir);
    t
}

/// Where an absolute, normalised path is.
#[must_use]
pub fn place_of(p: &Path, ctx: &Context) -> Place {
    let pb = p.as_os_str().as_encoded_bytes();
    if is_root(p) {
        return Place::Root;
    }
    // Whether `inner` is `outer` or inside it, byte-wise (both absolute and normalised).
    let within = |inner: &[u8], outer: &[u8]| {
        inner.starts_with(outer) && (inner.len() == outer.len() || inner[outer.len()] == b'/' || outer.ends_with(b"/"))
    };
    // The home directory, or a directory holding it (`/tmp` when HOME is `/tmp/h`):
    // deleting it deletes the home.
    let home = ctx.home.as_os_str().as_encoded_bytes();
    if within(home, pb) {
        return Place::Home;
    }
    // Otherwise the innermost of workspace, temporary directories and home decides:
    // a workspace inside a temporary directory is the workspace, a home inside one is
    // the home. The length of the matching root measures how specific it is.
    let depth = |root: &Path| {
        let rb = root.as_os_str().as_encoded_bytes();
        if within(pb, rb) {
            rb.len()
        } else {
            0
        }
    };
    // The part of `p` below a root of length `n`.
    let below = |n: usize| {
        let rest = &pb[n.min(pb.len())..];
        let rest = rest.strip_prefix(b"/").unwrap_or(rest);
        std::str::from_utf8(rest).map_or_else(|_| String::from_utf8_lossy(rest).into_owned(), str::to_owned)
    };
    let ws = if is_root(&ctx.workspace) { 0 } else { depth(&ctx.workspace) };
    // The innermost temporary directory holding `p` (the last of equals); only it can
    // be `p` itself when it decides (component-wise, so compared once).
    let (temp, temp_dir) =
        ctx.temp_dirs.iter().map(|t| (depth(t), Some(t))).max_by_key(|(d, _)| *d).unwrap_or((0, None));
    let home_depth = depth(&ctx.home);
    let best = ws.max(temp).max(home_depth);
    if best > 0 {
        if best == ws {
            return Place::Workspace { rel: PathBuf::from(below(ws)) };
        }
        if best == temp {
            return if temp_dir.is_some_and(|t| p == t) { Place::TempRoot } else { Place::Temp };
        }
        let rel = below(home_depth);
        return Place::InHome { depth: rel.split('/').filter(|c| !c.is_empty()).count() };
    }
    let mut comps = pb.split(|&b| b == b'/').filter(|c| !c.is_empty());
    if let Some(first) = comps.next() {
        let first = String::from_utf8_lossy(first);
        if SYSTEM_DIRS.contains(&first.as_ref()) {
            return Place::System { top: first.into_owned(), depth: 1 + comps.count() };
        }
    }
    Place::Outside
}

/// Most directory entries read to expand one glob.
const MAX_GLOB_ENTRIES: usize = 4096;
/// Most paths one glob may expand to.
const MAX_GLOB_MATCHES: usize = 256;

/// The existing paths a glob argument matches now, as bash expands it by default
/// (`*` and `?` do not match a leading `.`; `**` is taken as recursive, as with
/// `globstar`, which matches more). `None` when that cannot be told: unknown parts,
/// extended patterns, an unknown working directory, too many entries or matches.
#[must_use]
pub fn glob_matches(field: &Field, cwd: &Cwd) -> Option<Vec<PathBuf>> {
    let text = field.as_known()?;
    if !field.glob || ["@(", "!(", "+(", "?(", "*("].iter().any(|x| text.contains(x)) {
        return None;
    }
    let base = if text.starts_with('/') { PathBuf::from("/") } else { cwd.path()?.to_path_buf() };
    let mut current = vec![base];
    let mut budget = MAX_GLOB_ENTRIES;
    for comp in text.split('/').filter(|c| !c.is_empty()) {
        let mut next = Vec::new();
        if !comp.contains(['*', '?', '[']) {
            next.extend(current.iter().map(|p| p.join(comp)));
        } else if comp == "**" {
            // The directory itself and every directory below it.
            let mut stack = current.clone();
            while let Some(d) = stack.pop() {
                next.push(d.clone());
                for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                    budget = budget.checked_sub(1)?;
                    let name = e.file_name();
                    let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
                    if is_dir && !name.to_string_lossy().starts_with('.') {
                        stack.push(d.join(name));
                    }
                }
            }
        } else {
            let pat: Vec<char> = comp.chars().collect();
            for d in &current {
                for e in std::fs::read_dir(d).into_iter().flatten().flatten() {
                    budget = budget.checked_sub(1)?;
                    let name = e.file_name();
                    let name: Vec<char> = name.to_string_lossy().chars().collect();
                    if (name.first() != Some(&'.') || pat.first() == Some(&'.')) && fnmatch(&pat, &name) {
                        next.push(d.join(e.file_name()));
                    }
                }
            }
        }
        if next.len() > MAX_GLOB_MATCHES {
            return None;
        }
        current = next;
    }
    let dirs_only = text.ends_with('/');
    current.retain(|p| if dirs_only { p.is_dir() } else { p.symlink_metadata().is_ok() });
    Some(current.iter().map(|p| normalize(p)).collect())
}

/// Whether `name` matches the pattern `pat` (`*`, `?`, `[…]` with `!`/`^` and ranges),
/// in time linear in their lengths for each `*` (backtracking to the last one only).
fn fnmatch(pat: &[char], name: &[char]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        let step = match pat.get(p) {
            Some('*') => {
                star = Some((p, n));
                p += 1;
                continue;
            }
            Some('?') => Some(1),
            Some('[') => match class(&pat[p..], name[n]) {
                Some((true, len)) => Some(len),
                Some((false, _)) => None,
                None => (name[n] == '[').then_some(1),
            },
            Some(&c) => (c == name[n]).then_some(1),
            None => None,
        };
        match (step, star) {
            (Some(len), _) => {
                p += len;
                n += 1;
            }
            (None, Some((sp, sn))) => {
                p = sp + 1;
                n = sn + 1;
                star = Some((sp, sn + 1));
            }
            (None, None) => return false,
        }
    }
    pat[p..].iter().all(|&c| c == '*')
}

/// A bracket expression at the start of `pat` against `c`: whether it matches and its
/// length; `None` when it is not closed (then `[` is a plain character).
fn class(pat: &[char], c: char) -> Option<(bool, usize)> {
    let negate = matches!(pat.get(1), Some('!' | '^'));
    let start = if negate { 2 } else { 1 };
    // A `]` right after the opening is a member.
    let end = pat.iter().skip(start + 1).position(|&x| x == ']')? + start + 1;
    let set = &pat[start..end];
    let mut hit = false;
    let mut k = 0;
    while k < set.len() {
        if set.get(k + 1) == Some(&'-') && k + 2 < set.len() {
            hit |= set[k] <= c && c <= set[k + 2];
            k += 3;
        } else {
            hit |= set[k] == c;
            k += 1;
        }
    }
    Some((hit != negate, end + 1))
}

/// Resolves symbolic links in the longest existing prefix of `p`, keeping the rest.
#[must_use]
pub fn canonical_prefix(p: &Path) -> PathBuf {
    let mut existing = p.to_path_buf();
    let mut rest = Vec::new();
    loop {
        if let Ok(c) = existing.canonicalize() {
            let mut out = c;
            for r in rest.iter().rev() {
                out.push(r);
            }
            return normalize(&out);
        }
        match (existing.file_name().map(ToOwned::to_owned), existing.parent().map(Path::to_path_buf)) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent;
            }
            _ => return p.to_path_buf(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn ctx() -> Context {
        let mut c =
            Context::new(PathBuf::from("/home/u/proj"), HashMap::from([("HOME".to_string(), "/home/u".to_string())]));
        c.workspace = PathBuf::from("/home/u/proj");
        c
    }

    fn place(s: &str) -> Place {
        let c = ctx();
        let cwd = Cwd::Known { path: c.cwd.as_path().into(), climbed: false };
        let mut f = Field::known(s);
        f.glob = s.contains(['*', '?', '[']);
        resolve(&f, &cwd, &c).place
    }

    #[test]
    fn places() {
        assert_eq!(place("/"), Place::Root);
        assert_eq!(place("/tmp/../etc"), Place::System { top: "etc".into(), depth: 1 });
        assert_eq!(place("/home/u"), Place::Home);
        assert_eq!(place("/home/u/proj-evil"), Place::InHome { depth: 1 });
        assert_eq!(place("build"), Place::Workspace { rel: PathBuf::from("build") });
        assert_eq!(place("."), Place::Workspace { rel: PathBuf::new() });
        assert_eq!(place("/tmp"), Place::TempRoot);
        assert_eq!(place("/tmp/x"), Place::Temp);
        assert_eq!(place("/srv2"), Place::Outside);
        assert_eq!(place("/*"), Place::Root);
        assert_eq!(place("../other"), Place::InHome { depth: 1 });
    }

    #[test]
    fn globs_and_climbing() {
        let c = ctx();
        let cwd = Cwd::Known { path: c.cwd.as_path().into(), climbed: false };
        let mut star = Field::known("*");
        star.glob = true;
        let t = resolve(&star, &cwd, &c);
        assert!(t.all_children && t.is_workspace_root());
        let t = resolve(&Field::known("../other"), &cwd, &c);
        assert!(t.climbed);
        let t = resolve(&Field::known("sub/../x"), &cwd, &c);
        assert!(!t.climbed);
        let glob = |s: &str| {
            let mut f = Field::known(s);
            f.glob = true;
            resolve(&f, &cwd, &c)
        };
        let t = glob("./build-*");
        assert!(!t.all_children && t.is_workspace_root());
        assert!(glob("*/*").all_children && glob("./*/").all_children);
        assert!(!glob("./*/nested").all_children);
    }

    #[test]
    fn patterns() {
        let m = |p: &str, n: &str| fnmatch(&p.chars().collect::<Vec<_>>(), &n.chars().collect::<Vec<_>>());
        assert!(m("*", "src") && m("s*", "src") && m("sr?", "src") && m("[s]rc", "src") && m("*.rs", "a.rs"));
        assert!(m("[!a]rc", "src") && m("[a-z]rc", "src") && m("[]x]", "]") && m("a*b*c", "aXbYc"));
        assert!(!m("s*", "tsrc") && !m("sr?", "sr") && !m("[!s]rc", "src") && !m("*.rs", "a.rsx"));
        assert!(m("[x", "[x") && m("*[", "a[") && !m("", "a") && m("**", ""));
        // Many stars against a long name stay fast.
        assert!(!m(&format!("{}b", "*a".repeat(40)), &"a".repeat(250)));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5000))]
        /// The byte-wise comparisons agree with `Path`'s, plain or not.
        #[test]
        fn comparisons_agree_with_components(
            a in proptest::collection::vec(proptest::sample::select(&["", ".", "..", "a", "ab", "b", "tmp"][..]), 0..5),
            b in proptest::collection::vec(proptest::sample::select(&["", ".", "..", "a", "ab", "b", "tmp"][..]), 0..5),
            a_abs: bool,
            b_abs: bool,
        ) {
            let path = |parts: &[&str], abs: bool| PathBuf::from(format!("{}{}", if abs { "/" } else { "" }, parts.join("/")));
            let (p, q) = (path(&a, a_abs), path(&b, b_abs));
            proptest::prop_assert_eq!(same(&p, &q), p == q, "{:?} {:?}", p, q);
            proptest::prop_assert_eq!(starts_with(&p, &q), p.starts_with(&q), "{:?} {:?}", p, q);
            proptest::prop_assert_eq!(lossy(&p), p.to_string_lossy());
            let c = ctx();
            if p.is_absolute() {
                proptest::prop_assert_eq!(place_of(&p, &c) == Place::Root, p == Path::new("/"), "{:?}", p);
            }
            proptest::prop_assert_eq!(is_root(&p), p == Path::new("/"), "{:?}", p);
        }
    }

    proptest::proptest! {
        /// The byte loops find what `split` and `contains` find.
        #[test]
        fn pieces_and_marks_agree_with_str(text in "[a/.\u{E000}\u{E001}é]{0,8}") {
            proptest::prop_assert_eq!(pieces(&text).collect::<Vec<_>>(), text.split('/').collect::<Vec<_>>());
            proptest::prop_assert_eq!(has_unknown_mark(&text), text.contains(UNKNOWN_MARK));
        }
    }

    #[test]
    fn plain_spellings() {
        for p in ["/", "/a", "/a/b", "/a/..", "/.a", "/a./b"] {
            assert!(plain(Path::new(p)), "{p}");
        }
        for p in ["", "a", "//", "/a/", "/a//b", "/a/./b", "/.", "./a"] {
            assert!(!plain(Path::new(p)), "{p}");
        }
        assert!(starts_with(Path::new("/a/b"), Path::new("/a")) && !starts_with(Path::new("/a/bc"), Path::new("/a/b")));
        assert!(starts_with(Path::new("/a"), Path::new("/")) && same(Path::new("/a//b/"), Path::new("/a/b")));
        use std::os::unix::ffi::OsStrExt;
        let invalid = Path::new(std::ffi::OsStr::from_bytes(b"/a\xffb"));
        assert_eq!(lossy(invalid), invalid.to_string_lossy());
    }

    #[test]
    fn glob_expansion() {
        let dir = tempfile::tempdir().expect("temp dir");
        for p in ["src/nested", "src/other", "docs", ".git/objects"] {
            std::fs::create_dir_all(dir.path().join(p)).expect("mkdir");
        }
        std::fs::write(dir.path().join("src/main.rs"), "").expect("write");
        let cwd = Cwd::Known { path: dir.path().into(), climbed: false };
        let names = |s: &str| -> Option<Vec<String>> {
            let mut f = Field::known(s);
            f.glob = true;
            let mut v: Vec<String> = glob_matches(&f, &cwd)?
                .iter()
                .map(|p| p.strip_prefix(dir.path()).unwrap_or(p).to_string_lossy().into_owned())
                .collect();
            v.sort();
            Some(v)
        };
        assert_eq!(names("s*"), Some(vec!["src".into()]));
        assert_eq!(names("./*/nested"), Some(vec!["src/nested".into()]));
        assert_eq!(names("./*/missing"), Some(vec![]));
        assert_eq!(names(".g*"), Some(vec![".git".into()]));
        assert_eq!(names("*"), Some(vec!["docs".into(), "src".into()]));
        assert_eq!(names("src/*/"), Some(vec!["src/nested".into(), "src/other".into()]));
        assert_eq!(names("**/nested"), Some(vec!["src/nested".into()]));
        assert_eq!(names("@(src|docs)"), None);
    }
}
