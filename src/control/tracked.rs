//! The refusal to run while anything under a `.tako/` directory is tracked by git.
//!
//! The control plane holds the operator key and the operator's decisions; once it is
//! committed it leaves the machine with the next push. So every run checks the git
//! index of the workspace's repository, and when any path in it has a component that
//! is exactly `.tako` (the workspace's own `.tako/`, or a nested workspace's
//! `sub/.tako/`, staged with `git add -f` or committed long ago) the run is refused
//! ([`Status::Tracked`]; the caller exits with 125). [`Found`]'s `Display` is the
//! message, with the command that fixes it (`git rm -r --cached .tako`, then commit).
//!
//! # How
//! - **Which repository.** From the canonical workspace path, walk up to the nearest
//!   directory holding a `.git` entry. A `.git` directory holds the index at
//!   `.git/index`; a `.git` file (`gitdir: PATH`, relative to the file's directory, as
//!   git writes for worktrees and submodules) names the git directory that holds it.
//!   No `.git` anywhere is [`Status::NoRepository`]; a missing index (a fresh
//!   `git init`) is [`Status::Clean`]. `GIT_DIR`, `GIT_INDEX_FILE` and
//!   `GIT_CEILING_DIRECTORIES` are ignored: the agent controls the environment, and
//!   git run from a shell without them sees the repository found here. Unlike git,
//!   the walk does not stop at a file-system boundary (stricter).
//! - **Reading the index.** By hand, without running git or opening the repository
//!   through libgit2 (both cost milliseconds): versions 2, 3 (extended flags) and 4
//!   (path prefix compression), SHA-1 or SHA-256 object names (the repository's
//!   `extensions.objectformat`). Required extensions are understood (`link`, `sdir`)
//!   or refused; optional ones (`TREE`, `REUC`, `UNTR`, `FSMN`, `EOIE`, `IEOT`, …) are
//!   skipped. The trailing checksum is not verified.
//! - **Split index** (`core.splitIndex`). The `link` extension names
//!   `sharedindex.<hash>` next to the index; it is read too, and its delete and
//!   replace bitmaps applied: a shared entry whose bit is set in the delete bitmap is
//!   gone (so `git rm --cached` in split mode counts), replaced entries keep their
//!   shared names, and entries after the replacements are added.
//! - **Sparse index.** A directory entry (mode 040000, path ending in `/`) counts like
//!   any path: `.tako/` or `a/.tako/` is tracked. The contents of a collapsed
//!   directory (`a/` holding `a/.tako/k`) are not expanded, since that would mean
//!   reading tree objects: a workspace inside a collapsed directory is not checked
//!   out, and its `.tako/` only exists in history.
//!
//! # Cache
//! A cold check of a 100,000-file index reads and scans 7 to 11 MB (4 to 5 ms, see
//! `benches/tracked.rs`), too slow for every command. With a [`Cache`] the result is
//! stored next to the identity of the index file (path, device, inode, size, mtime and
//! ctime to the nanosecond; the shared index's too in split mode) and reused while the
//! identity is unchanged, which costs a few `stat` calls, a small read and an HMAC
//! (~20 µs).
//!
//! Why the identity is enough: git never edits an index in place; it writes
//! `index.lock` and renames it over `index`, so every change is a new inode with a
//! fresh ctime, which only the kernel sets (`touch` can fake mtime, not ctime). What
//! could still fool it is git's "racy" case: a second rewrite within the timestamp
//! granularity (up to a clock tick, or a second or two on some file systems) that
//! happens to reuse the freed inode number and produce the same size. So a result is
//! only cached once the index's ctime is at least two seconds old: any later rewrite
//! then gets a ctime that differs from the stored one. Right after git writes the
//! index, the check stays cold for two seconds. This assumes the file system's clock
//! is this machine's; a network file system whose server clock runs seconds behind
//! weakens it.
//!
//! With a key the cache line is signed ([`Domain::Cache`]) and a line whose signature
//! does not verify is ignored; without one the cache file is trusted as it is. A
//! cache that cannot be read or parsed is a miss, and one that cannot be written
//! costs only speed.
//!
//! # What fails closed
//! Anything that keeps the check from seeing the index is a [`TrackedError`], never a
//! pass: a `.git` that cannot be read, a dangling `.git` symlink, a `.git` file without
//! `gitdir: ` or pointing nowhere, an index or shared index that cannot be read, a bad
//! signature, an unsupported version, a truncated or inconsistent entry, an unknown
//! required extension, a link extension whose shared index is missing or does not
//! match, and an unknown object format.
//!
//! The paths in [`Found`] come from the index, which the agent can write: show them
//! through [`crate::term::sanitize`].

use std::ffi::OsStr;
use std::fmt;
use std::fs::Metadata;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use memchr::memmem;
use serde::{Deserialize, Serialize};

use super::key::{hex, Domain, Key};
use super::DIR;

/// How many example paths (and `.tako` directories) a [`Found`] keeps.
pub const EXAMPLES: usize = 5;

/// How old the index's ctime must be before a result about it is cached (see the
/// module docs on racy writes).
const SETTLED_NANOS: i128 = 2_000_000_000;

/// The cache file's format version.
const CACHE_VERSION: u32 = 1;

/// What the index says about the control plane.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    /// No `.git` in the workspace or above it.
    NoRepository,
    /// A repository whose index tracks nothing under a `.tako` directory.
    Clean,
    /// Paths under a `.tako` directory are tracked or staged: refuse to run.
    Tracked(Found),
}

/// The tracked control-plane paths, for the refusal message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Found {
    /// Up to [`EXAMPLES`] tracked paths, relative to the top of the working tree, in
    /// byte order. Untrusted text.
    pub examples: Vec<String>,
    /// How many distinct paths are tracked under a `.tako` directory.
    pub total: usize,
    /// Up to [`EXAMPLES`] `.tako` directories to untrack, as pathspecs for
    /// `git rm -r --cached` run from the workspace (`:/` marks one outside it).
    pub untrack: Vec<String>,
    /// How many distinct `.tako` directories hold tracked paths.
    pub dirs: usize,
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let first = self.examples.first().map_or("", String::as_str);
        match self.total {
            0 | 1 => write!(f, "`{first}` is tracked by git")?,
            n => write!(f, "`{first}` (and {} more) are tracked by git", n - 1)?,
        }
        f.write_str(": the operator's control plane must never be committed. Run `git rm -r --cached ")?;
        if self.dirs > self.untrack.len() {
            // Too many to list: one pathspec that names every `.tako` in the tree.
            f.write_str("-- ':(top,glob)**/.tako/**'")?;
        } else {
            let quoted: Vec<_> = self.untrack.iter().map(|p| shell_words::quote(p)).collect();
            f.write_str(&quoted.join(" "))?;
        }
        f.write_str("` then commit; tako-exec refuses to run until then.")
    }
}

/// Where to cache the result, and the key that signs it.
#[derive(Debug, Clone, Copy)]
pub struct Cache<'a> {
    /// The cache file (its directory must exist), e.g. `.tako/cache/tracked`.
    pub file: &'a Path,
    /// Signs the cached line; `None` trusts the file as it is.
    pub key: Option<&'a Key>,
}

/// Why git's state could not be read; tako-exec refuses to run (fail closed).
#[derive(Debug, thiserror::Error)]
pub enum TrackedError {
    /// A file of git's state cannot be read.
    #[error(
        "cannot read {}: {source}; tako-exec cannot tell whether .tako is tracked by git until it can",
        path.display()
    )]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// `.git` is present but does not lead to a git directory.
    #[error("{} does not lead to a git directory ({reason}); repair or remove it", path.display())]
    GitDir {
        /// The `.git` entry.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The index (or the shared index it links to) is not one tako-exec can read.
    #[error(
        "the git index {} cannot be read ({reason}); if `git status` fails too, `rm {} && git reset` \
         rebuilds the index from the last commit (staged changes are lost)",
        path.display(),
        index.display()
    )]
    Index {
        /// The damaged file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
        /// The repository's index, for the fix.
        index: PathBuf,
    },
    /// The repository's object format is unknown.
    #[error("{} sets an object format tako-exec does not know ({reason})", path.display())]
    ObjectFormat {
        /// The repository's config file.
        path: PathBuf,
        /// The value found.
        reason: String,
    },
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> TrackedError + '_ {
    move |source| TrackedError::Io { path: path.to_path_buf(), source }
}

/// Checks the git index of `workspace`'s repository for tracked `.tako` paths.
///
/// # Errors
/// When a `.git` is present but git's state cannot be read (see the module docs);
/// the caller refuses to run.
pub fn check(workspace: &Path, cache: Option<Cache<'_>>) -> Result<Status, TrackedError> {
    check_at(workspace, cache, SystemTime::now())
}

/// [`check`] at a given time (the time decides whether a result may be cached).
fn check_at(workspace: &Path, cache: Option<Cache<'_>>, now: SystemTime) -> Result<Status, TrackedError> {
    let workspace = std::fs::canonicalize(workspace).map_err(io_error(workspace))?;
    let Some(repo) = Repo::discover(&workspace)? else {
        return Ok(Status::NoRepository);
    };
    let meta = match std::fs::metadata(&repo.index) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Status::Clean),
        Err(e) => return Err(io_error(&repo.index)(e)),
    };
    let workspace_text = workspace.to_string_lossy();
    if let Some(c) = cache {
        if let Some(status) = cached(c, &workspace_text, &Ident::of(&repo.index, &meta)) {
            return Ok(status);
        }
    }
    let (status, idents) = scan(&workspace, &repo)?;
    if let Some(c) = cache {
        if idents.iter().all(|i| i.settled(now)) {
            store(c, &workspace_text, idents, &status);
        }
    }
    Ok(status)
}

/// Where a repository keeps its index.
struct Repo {
    /// The top of the working tree: the directory holding `.git`.
    top: PathBuf,
    /// The git directory (`.git`, or where a `.git` file points).
    git_dir: PathBuf,
    /// `<git_dir>/index`.
    index: PathBuf,
}

impl Repo {
    /// The repository holding `workspace` (canonical), if any.
    fn discover(workspace: &Path) -> Result<Option<Self>, TrackedError> {
        for dir in workspace.ancestors() {
            let dot = dir.join(".git");
            let mut meta = match std::fs::symlink_metadata(&dot) {
                Ok(m) => m,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(io_error(&dot)(e)),
            };
            if meta.file_type().is_symlink() {
                meta = std::fs::metadata(&dot).map_err(|e| TrackedError::GitDir {
                    path: dot.clone(),
                    reason: format!("a symbolic link that cannot be followed: {e}"),
                })?;
            }
            let git_dir = if meta.is_dir() {
                dot
            } else if meta.is_file() {
                gitfile(&dot, dir)?
            } else {
                return Err(TrackedError::GitDir { path: dot, reason: "neither a directory nor a file".into() });
            };
            let index = git_dir.join("index");
            return Ok(Some(Self { top: dir.to_path_buf(), git_dir, index }));
        }
        Ok(None)
    }

    /// The length of an object name in this repository: 20 (SHA-1) or 32 (SHA-256),
    /// from `extensions.objectformat` in the common directory's config.
    fn hash_len(&self) -> Result<usize, TrackedError> {
        let commondir = self.git_dir.join("commondir");
        let common = match std::fs::read(&commondir) {
            Ok(text) => self.git_dir.join(OsStr::from_bytes(text.trim_ascii_end())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => self.git_dir.clone(),
            Err(e) => return Err(io_error(&commondir)(e)),
        };
        let config = common.join("config");
        match std::fs::read(&config) {
            Ok(text) => hash_len(&text).map_err(|reason| TrackedError::ObjectFormat { path: config, reason }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(20),
            Err(e) => Err(io_error(&config)(e)),
        }
    }
}

/// The git directory a `.git` file in `dir` names.
fn gitfile(dot: &Path, dir: &Path) -> Result<PathBuf, TrackedError> {
    let bad = |reason: String| TrackedError::GitDir { path: dot.to_path_buf(), reason };
    let text = std::fs::read(dot).map_err(io_error(dot))?;
    let Some(rest) = text.strip_prefix(b"gitdir: ") else {
        return Err(bad("a file that does not start with `gitdir: `".into()));
    };
    let mut target = rest;
    while let [head @ .., b'\n' | b'\r'] = target {
        target = head;
    }
    if target.is_empty() || target.contains(&0) {
        return Err(bad("a `gitdir: ` line without a path".into()));
    }
    let git_dir = dir.join(OsStr::from_bytes(target));
    match std::fs::metadata(&git_dir) {
        Ok(m) if m.is_dir() => Ok(git_dir),
        Ok(_) => Err(bad(format!("it names {}, which is not a directory", git_dir.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(bad(format!("it names {}, which does not exist", git_dir.display())))
        }
        Err(e) => Err(io_error(&git_dir)(e)),
    }
}

/// `extensions.objectformat` in a git config file, as an object name length. Only the
/// repository's own file counts (git does not follow includes for it).
fn hash_len(config: &[u8]) -> Result<usize, String> {
    let mut in_extensions = false;
    let mut format: Option<Vec<u8>> = None;
    for raw in config.split(|&b| b == b'\n') {
        let mut line = raw.trim_ascii();
        if let Some(rest) = line.strip_prefix(b"[") {
            let Some(close) = memchr::memchr(b']', rest) else {
                in_extensions = false;
                continue;
            };
            in_extensions = rest[..close].trim_ascii().eq_ignore_ascii_case(b"extensions");
            line = rest[close + 1..].trim_ascii();
        }
        if !in_extensions {
            continue;
        }
        let (key, value) = match memchr::memchr(b'=', line) {
            Some(eq) => (line[..eq].trim_ascii(), &line[eq + 1..]),
            None => (line, &b""[..]),
        };
        if !key.eq_ignore_ascii_case(b"objectformat") {
            continue;
        }
        let value = value.split(|&b| b == b'#' || b == b';').next().unwrap_or_default().trim_ascii();
        let value = value.strip_prefix(b"\"").and_then(|v| v.strip_suffix(b"\"")).unwrap_or(value);
        format = Some(value.to_ascii_lowercase());
    }
    match format.as_deref() {
        None | Some(b"sha1") => Ok(20),
        Some(b"sha256") => Ok(32),
        Some(other) => Err(format!("extensions.objectformat = {}", String::from_utf8_lossy(other))),
    }
}

/// The identity of a file: any rewrite by git changes it (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Ident {
    path: String,
    dev: u64,
    ino: u64,
    size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Ident {
    fn of(path: &Path, m: &Metadata) -> Self {
        Self {
            path: path.to_string_lossy().into_owned(),
            dev: m.dev(),
            ino: m.ino(),
            size: m.size(),
            mtime: (m.mtime(), m.mtime_nsec()),
            ctime: (m.ctime(), m.ctime_nsec()),
        }
    }

    /// Whether the file's ctime is old enough for a later rewrite to get another one.
    fn settled(&self, now: SystemTime) -> bool {
        let now = match now.duration_since(UNIX_EPOCH) {
            Ok(d) => i128::try_from(d.as_nanos()).unwrap_or(i128::MAX),
            Err(_) => return false,
        };
        let ctime = i128::from(self.ctime.0) * 1_000_000_000 + i128::from(self.ctime.1);
        now - ctime >= SETTLED_NANOS
    }
}

/// One cached result.
#[derive(Debug, Serialize, Deserialize)]
struct Record {
    v: u32,
    workspace: String,
    /// The index, then the shared index in split mode.
    files: Vec<Ident>,
    status: Status,
}

/// The cached status, if the cache file holds a valid record about this index.
fn cached(cache: Cache<'_>, workspace: &str, index: &Ident) -> Option<Status> {
    let text = std::fs::read(cache.file).ok()?;
    let (line, signature) = match memchr::memchr(b'\n', &text) {
        Some(nl) => (&text[..nl], text[nl + 1..].trim_ascii()),
        None => (&text[..], &b""[..]),
    };
    if let Some(key) = cache.key {
        if !key.verify(Domain::Cache, line, std::str::from_utf8(signature).ok()?) {
            return None;
        }
    }
    let record: Record = serde_json::from_slice(line).ok()?;
    let (first, rest) = record.files.split_first()?;
    let fresh = record.v == CACHE_VERSION
        && record.workspace == workspace
        && first == index
        && rest.iter().all(|f| std::fs::metadata(&f.path).is_ok_and(|m| Ident::of(Path::new(&f.path), &m) == *f));
    (fresh && record.status != Status::NoRepository).then_some(record.status)
}

/// Writes the cache file; failure only costs speed.
fn store(cache: Cache<'_>, workspace: &str, files: Vec<Ident>, status: &Status) {
    let record = Record { v: CACHE_VERSION, workspace: workspace.to_string(), files, status: status.clone() };
    let Ok(mut text) = serde_json::to_vec(&record) else { return };
    text.push(b'\n');
    if let Some(key) = cache.key {
        let signature = key.sign(Domain::Cache, &text[..text.len() - 1]);
        text.extend_from_slice(signature.as_bytes());
        text.push(b'\n');
    }
    let _ = super::write_atomic(cache.file, &text);
}

#[cfg(test)]
thread_local! {
    /// How many times this thread read an index (tests prove cache hits with it).
    static SCANS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Reads a file and its identity, taken before the read: a change during the read
/// gives the file another identity, so a half-read file is never cached as current.
fn read(path: &Path) -> Result<(Vec<u8>, Ident), TrackedError> {
    let mut f = std::fs::File::open(path).map_err(io_error(path))?;
    let meta = f.metadata().map_err(io_error(path))?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0).min(1 << 30));
    f.read_to_end(&mut bytes).map_err(io_error(path))?;
    Ok((bytes, Ident::of(path, &meta)))
}

/// Reads the index (and shared index) and collects the tracked control-plane paths.
fn scan(workspace: &Path, repo: &Repo) -> Result<(Status, Vec<Ident>), TrackedError> {
    #[cfg(test)]
    SCANS.with(|c| c.set(c.get() + 1));
    let hash = repo.hash_len()?;
    let damaged = |path: &Path| {
        let index = repo.index.clone();
        let path = path.to_path_buf();
        move |reason: String| TrackedError::Index { path, reason, index }
    };
    let (bytes, ident) = read(&repo.index)?;
    let main = parse(&bytes, hash).map_err(damaged(&repo.index))?;
    let mut idents = vec![ident];
    let mut names: Vec<Vec<u8>> = Vec::new();
    match main.link.as_ref().filter(|l| l.base.iter().any(|&b| b != 0)) {
        None if main.unnamed > 0 => {
            return Err(damaged(&repo.index)("entries without a name outside split-index mode".into()));
        }
        None => {}
        Some(link) => {
            let shared_path = repo.git_dir.join(format!("sharedindex.{}", hex(link.base)));
            let (shared_bytes, shared_ident) = read(&shared_path)?;
            let base = parse(&shared_bytes, hash).map_err(damaged(&shared_path))?;
            let live = merge(&main, link, &base).map_err(damaged(&repo.index))?;
            names.extend(base.hits.into_iter().filter(|(at, _)| live[*at]).map(|(_, n)| n));
            idents.push(shared_ident);
        }
    }
    names.extend(main.hits.into_iter().map(|(_, n)| n));
    Ok((found(names, &workspace_in_tree(workspace, &repo.top)), idents))
}

/// Which entries of the shared index survive into the final index (`live[i]`),
/// after checking the link extension against both files as git does.
fn merge(main: &Parsed<'_>, link: &Link<'_>, base: &Parsed<'_>) -> Result<Vec<bool>, String> {
    if base.link.is_some() {
        return Err("the shared index links to another one".into());
    }
    if base.unnamed > 0 {
        return Err("the shared index has entries without a name".into());
    }
    if base.checksum != link.base {
        return Err(format!("sharedindex.{} has another checksum", hex(link.base)));
    }
    let n = base.entries;
    let mut live = vec![true; n];
    if let Some(delete) = &link.delete {
        delete.each_bit(n, |at| {
            live[at] = false;
            Ok(())
        })?;
    }
    let mut replaced = 0usize;
    if let Some(replace) = &link.replace {
        replace.each_bit(n, |at| {
            if !live[at] {
                return Err(format!("shared entry {at} is both deleted and replaced"));
            }
            replaced += 1;
            Ok(())
        })?;
    }
    if replaced != main.unnamed {
        return Err(format!("{replaced} replacements for {} entries without a name", main.unnamed));
    }
    Ok(live)
}

/// The workspace's path inside the working tree (empty at the top).
fn workspace_in_tree(workspace: &Path, top: &Path) -> Vec<u8> {
    workspace.strip_prefix(top).map(|p| p.as_os_str().as_bytes().to_vec()).unwrap_or_default()
}

/// The status for the tracked control-plane paths `names` (any order, repeats).
fn found(mut names: Vec<Vec<u8>>, workspace: &[u8]) -> Status {
    if names.is_empty() {
        return Status::Clean;
    }
    names.sort_unstable();
    names.dedup();
    let finder = memmem::Finder::new(DIR);
    let mut dirs: Vec<&[u8]> = names.iter().filter_map(|n| tako_end(n, &finder).map(|end| &n[..end])).collect();
    dirs.sort_unstable();
    dirs.dedup();
    let lossy = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    Status::Tracked(Found {
        examples: names.iter().take(EXAMPLES).map(|n| lossy(n)).collect(),
        total: names.len(),
        untrack: dirs.iter().take(EXAMPLES).map(|d| lossy(&pathspec(d, workspace))).collect(),
        dirs: dirs.len(),
    })
}

/// `dir` (relative to the top of the tree) as a pathspec from the workspace.
fn pathspec(dir: &[u8], workspace: &[u8]) -> Vec<u8> {
    if workspace.is_empty() {
        return dir.to_vec();
    }
    match dir.strip_prefix(workspace).and_then(|r| r.strip_prefix(b"/")) {
        Some(inside) => inside.to_vec(),
        None => [b":/", dir].concat(),
    }
}

/// The end of the first path component that is exactly `.tako`, if any.
fn tako_end(name: &[u8], finder: &memmem::Finder<'_>) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = finder.find(&name[from..]) {
        let at = from + i;
        let end = at + DIR.len();
        if (at == 0 || name[at - 1] == b'/') && (end == name.len() || name[end] == b'/') {
            return Some(end);
        }
        from = at + 1;
    }
    None
}

/// What one index file says.
#[derive(Debug)]
struct Parsed<'a> {
    /// How many entries it holds.
    entries: usize,
    /// How many entries at its start have an empty name (split-index replacements).
    unnamed: usize,
    /// The control-plane paths, with their entry positions.
    hits: Vec<(usize, Vec<u8>)>,
    /// The split-index link extension.
    link: Option<Link<'a>>,
    /// The trailing checksum (not verified).
    checksum: &'a [u8],
}

/// The `link` extension of a split index.
#[derive(Debug)]
struct Link<'a> {
    /// The shared index's checksum (all zeros: no shared index).
    base: &'a [u8],
    /// Shared entries removed from the final index.
    delete: Option<Ewah>,
    /// Shared entries replaced by this index's unnamed entries, in order.
    replace: Option<Ewah>,
}

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

fn be32(b: &[u8], at: usize) -> usize {
    // Lossless: usize is at least 32 bits on every platform tako-exec builds for.
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize
}

/// The variable-width integer of index v4 names (the `OFS_DELTA` encoding) at the start
/// of `b`, and its length in bytes.
fn varint(b: &[u8]) -> Option<(usize, usize)> {
    let mut c = *b.first()?;
    let mut value = u64::from(c & 127);
    let mut used = 1;
    while c & 128 != 0 {
        value = value.checked_add(1)?;
        if value >> 57 != 0 {
            return None;
        }
        c = *b.get(used)?;
        used += 1;
        value = (value << 7) | u64::from(c & 127);
    }
    Some((usize::try_from(value).ok()?, used))
}

/// Flags of an index entry.
const EXTENDED: u16 = 0x4000;
const NAME_MASK: u16 = 0x0fff;
/// The extended flags git knows: skip-worktree and intent-to-add.
const KNOWN_EXTENDED: u16 = 0x6000;

/// Parses an index file whose object names are `hash` bytes long. Every
/// inconsistency is an error: a damaged index must never read as clean.
fn parse(data: &[u8], hash: usize) -> Result<Parsed<'_>, String> {
    if data.len() < 12 + hash {
        return Err(format!("{} bytes is too short for an index", data.len()));
    }
    if &data[..4] != b"DIRC" {
        return Err("it does not start with the `DIRC` signature".into());
    }
    let version = be32(data, 4);
    if !(2..=4).contains(&version) {
        return Err(format!(
            "index version {version} is not supported (2, 3 and 4 are; `git update-index --index-version 4` rewrites it)"
        ));
    }
    let count = be32(data, 8);
    let end = data.len() - hash;
    let body = &data[..end];
    // ctime, mtime, dev, ino, mode, uid, gid, size (40 bytes), the object name, flags.
    let fixed = 40 + hash + 2;
    let finder = memmem::Finder::new(DIR);
    let truncated = |i: usize| format!("entry {i} of {count} is truncated");
    let mut hits = Vec::new();
    let mut unnamed = 0;
    let mut previous: Vec<u8> = Vec::new();
    let mut pos = 12;
    for i in 0..count {
        let head = body.get(pos..pos + fixed).ok_or_else(|| truncated(i))?;
        let flags = be16(head, fixed - 2);
        let mut name_at = pos + fixed;
        if flags & EXTENDED != 0 {
            if version < 3 {
                return Err(format!("entry {i} has extended flags in a version 2 index"));
            }
            let more = body.get(name_at..name_at + 2).ok_or_else(|| truncated(i))?;
            if be16(more, 0) & !KNOWN_EXTENDED != 0 {
                return Err(format!("entry {i} has unknown extended flags {:#06x}", be16(more, 0)));
            }
            name_at += 2;
        }
        let len_field = usize::from(flags & NAME_MASK);
        let rest = body.get(name_at..).ok_or_else(|| truncated(i))?;
        let name: &[u8] = if version == 4 {
            let (strip, used) = varint(rest).ok_or_else(|| format!("entry {i} has a bad prefix length"))?;
            let suffix = &rest[used..];
            let nul = memchr::memchr(0, suffix).ok_or_else(|| truncated(i))?;
            let keep = previous
                .len()
                .checked_sub(strip)
                .ok_or_else(|| format!("entry {i} strips {strip} bytes from a {}-byte name", previous.len()))?;
            previous.truncate(keep);
            previous.extend_from_slice(&suffix[..nul]);
            pos = name_at + used + nul + 1;
            &previous
        } else {
            let len = if flags & NAME_MASK == NAME_MASK {
                memchr::memchr(0, rest).ok_or_else(|| truncated(i))?
            } else {
                match rest.get(len_field) {
                    None => return Err(truncated(i)),
                    Some(0) if memchr::memchr(0, &rest[..len_field]).is_none() => len_field,
                    Some(_) => return Err(format!("entry {i} does not have the name length its flags say")),
                }
            };
            // The name and 1 to 8 NULs pad the entry to a multiple of 8 bytes.
            let size = (name_at - pos + len + 8) & !7;
            if pos + size > end {
                return Err(truncated(i));
            }
            pos += size;
            &rest[..len]
        };
        if (len_field == usize::from(NAME_MASK) && name.len() < len_field)
            || (len_field < usize::from(NAME_MASK) && name.len() != len_field)
        {
            return Err(format!("entry {i} does not have the name length its flags say"));
        }
        if name.is_empty() {
            if i != unnamed {
                return Err(format!("entry {i} has no name"));
            }
            unnamed += 1;
        } else if tako_end(name, &finder).is_some() {
            hits.push((i, name.to_vec()));
        }
    }
    let link = extensions(&body[pos..], hash)?;
    Ok(Parsed { entries: count, unnamed, hits, link, checksum: &data[end..] })
}

/// The extensions between the entries and the checksum: each a signature, a size and
/// that many bytes. Returns the split-index link, if any.
fn extensions(mut data: &[u8], hash: usize) -> Result<Option<Link<'_>>, String> {
    let mut link = None;
    while !data.is_empty() {
        let header = data.get(..8).ok_or("a truncated extension")?;
        let signature = &header[..4];
        let size = be32(header, 4);
        let ext = data[8..].get(..size).ok_or("a truncated extension")?;
        match signature {
            b"link" if link.is_some() => return Err("two link extensions".into()),
            b"link" => link = Some(parse_link(ext, hash)?),
            // The sparse-index marker (its directory entries are read like any other),
            // and the optional extensions, whose signatures start with A to Z.
            b"sdir" | [b'A'..=b'Z', ..] => {}
            _ => {
                return Err(format!(
                    "it uses the `{}` extension, which tako-exec does not know",
                    String::from_utf8_lossy(signature).escape_debug()
                ))
            }
        }
        data = &data[8 + size..];
    }
    Ok(link)
}

/// The `link` extension: the shared index's checksum, then optionally the delete
/// and replace bitmaps.
fn parse_link(data: &[u8], hash: usize) -> Result<Link<'_>, String> {
    let base = data.get(..hash).ok_or("a truncated link extension")?;
    let rest = &data[hash..];
    if rest.is_empty() {
        return Ok(Link { base, delete: None, replace: None });
    }
    let (delete, used) = Ewah::read(rest)?;
    let (replace, more) = Ewah::read(&rest[used..])?;
    if used + more != rest.len() {
        return Err("garbage after the link extension's bitmaps".into());
    }
    Ok(Link { base, delete: Some(delete), replace: Some(replace) })
}

/// An EWAH-compressed bitmap as git stores it: bit count, word count, 64-bit words,
/// the position of the last run-length word (all big-endian).
#[derive(Debug)]
struct Ewah {
    words: Vec<u64>,
}

impl Ewah {
    /// The bitmap at the start of `data`, and the bytes it takes.
    fn read(data: &[u8]) -> Result<(Self, usize), String> {
        let short = || "a truncated bitmap in the link extension".to_string();
        let n = data.get(4..8).map(|b| be32(b, 0)).ok_or_else(short)?;
        let bytes = n.checked_mul(8).ok_or_else(short)?;
        let raw = data.get(8..).and_then(|r| r.get(..bytes)).ok_or_else(short)?;
        let size = 8 + bytes + 4;
        if data.len() < size {
            return Err(short());
        }
        let words = raw.chunks_exact(8).map(|w| u64::from_be_bytes(w.try_into().unwrap_or_default())).collect();
        Ok((Self { words }, size))
    }

    /// Calls `f` with each set bit's position; a set bit at or past `limit` is an
    /// error (it names no entry of the shared index).
    fn each_bit(&self, limit: usize, mut f: impl FnMut(usize) -> Result<(), String>) -> Result<(), String> {
        let beyond = |at: u64| format!("a bitmap names entry {at} of a shared index of {limit}");
        let limit64 = limit as u64;
        let mut at: u64 = 0;
        let mut words = self.words.iter();
        while let Some(&marker) = words.next() {
            let run = ((marker >> 1) & 0xffff_ffff).saturating_mul(64);
            if marker & 1 == 1 && run > 0 {
                if at.saturating_add(run) > limit64 {
                    return Err(beyond(at.saturating_add(run) - 1));
                }
                for p in at..at + run {
                    f(usize::try_from(p).map_err(|_| beyond(p))?)?;
                }
            }
            at = at.saturating_add(run);
            for _ in 0..marker >> 33 {
                let mut bits = *words.next().ok_or("a bitmap ends inside a run of literal words")?;
                while bits != 0 {
                    let p = at.saturating_add(u64::from(bits.trailing_zeros()));
                    if p >= limit64 {
                        return Err(beyond(p));
                    }
                    f(usize::try_from(p).map_err(|_| beyond(p))?)?;
                    bits &= bits - 1;
                }
                at = at.saturating_add(64);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
