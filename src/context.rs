//! The facts about the machine a decision depends on: working directory, workspace
//! root, home, temporary directories, and the values of the few environment variables
//! the analyzer trusts.
//!
//! Invariants: every path here is absolute and lexically normalised; the context is
//! built once per run and never changes while a script is analyzed.
//!
//! Which variables are trusted: only those whose value an operator sets for the whole
//! session and that give meaning to paths (`HOME`, `USER`, `TMPDIR`, …). Any other
//! variable the script did not assign is unknown, even when the environment holds a
//! value: the agent chooses the environment of its commands, and a value seen at check
//! time is not a promise about run time.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Environment variables whose values the analyzer takes from the real environment.
pub const TRUSTED_VARS: &[&str] = &[
    "HOME",
    "USER",
    "LOGNAME",
    "TMPDIR",
    "TMP",
    "TEMP",
    "SHELL",
    "PATH",
    "LANG",
    "TERM",
    "HOSTNAME",
    "XDG_CONFIG_HOME",
    "XDG_CACHE_HOME",
    "XDG_DATA_HOME",
    "XDG_RUNTIME_DIR",
    "XDG_STATE_HOME",
];

/// Facts about where a command runs.
#[derive(Debug, Clone)]
pub struct Context {
    /// The working directory the command starts in.
    pub cwd: PathBuf,
    /// The workspace root: the repository root, or the working directory.
    pub workspace: PathBuf,
    /// The operator's home directory.
    pub home: PathBuf,
    /// Directories where scratch files live (`/tmp`, `/var/tmp`, `$TMPDIR`).
    pub temp_dirs: Vec<PathBuf>,
    /// Values of [`TRUSTED_VARS`] that are set.
    pub env: HashMap<String, String>,
    /// Whether the analyzer may read files (scripts run by path, `source`) and look at
    /// the filesystem (does a directory exist, is a path ignored by git).
    pub read_files: bool,
    /// The workspace policy (profile and rules) in force.
    pub policy: std::sync::Arc<crate::config::Policy>,
    /// Who is asking (rules can be scoped to it).
    pub who: crate::config::Who,
}

impl Context {
    /// The context of this process: its working directory and environment.
    ///
    /// # Errors
    /// When the working directory cannot be determined.
    pub fn from_process() -> std::io::Result<Self> {
        let cwd = std::env::current_dir()?;
        let env: HashMap<String, String> =
            TRUSTED_VARS.iter().filter_map(|k| std::env::var(k).ok().map(|v| ((*k).to_string(), v))).collect();
        Ok(Self::new(cwd, env))
    }

    /// A context for `cwd` with the given trusted variables.
    #[must_use]
    pub fn new(cwd: PathBuf, env: HashMap<String, String>) -> Self {
        let cwd = normalize(&cwd);
        let home = env
            .get("HOME")
            .filter(|h| h.starts_with('/'))
            .map_or_else(|| PathBuf::from("/root"), |h| normalize(Path::new(h)));
        let mut temp_dirs = vec![PathBuf::from("/tmp"), PathBuf::from("/var/tmp"), PathBuf::from("/dev/shm")];
        for k in ["TMPDIR", "TMP", "TEMP"] {
            if let Some(t) = env.get(k).filter(|t| t.starts_with('/')) {
                let t = normalize(Path::new(t));
                if t.components().count() > 1 && !temp_dirs.contains(&t) {
                    temp_dirs.push(t);
                }
            }
        }
        let workspace = find_workspace(&cwd);
        Self {
            cwd,
            workspace,
            home,
            temp_dirs,
            env,
            read_files: true,
            policy: std::sync::Arc::new(crate::config::Policy::empty()),
            who: crate::config::Who::Agent,
        }
    }

    /// The value of a trusted variable, if set.
    #[must_use]
    pub fn var(&self, name: &str) -> Option<&str> {
        self.env.get(name).map(String::as_str)
    }
}

/// The workspace root for `cwd`: the nearest ancestor holding `.git` or `tako.toml`,
/// else `cwd` itself.
#[must_use]
pub fn find_workspace(cwd: &Path) -> PathBuf {
    for dir in cwd.ancestors() {
        if dir.join(".git").exists() || dir.join("tako.toml").is_file() {
            return dir.to_path_buf();
        }
    }
    cwd.to_path_buf()
}

/// Normalises a path lexically: removes `.`, resolves `..` against the preceding
/// component, collapses separators. Does not touch the filesystem. A `..` at the root
/// stays there; a relative path keeps the `..` it cannot resolve (`../x/../..` is
/// `../..`).
#[must_use]
pub fn normalize(p: &Path) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    let b = p.as_os_str().as_bytes();
    normalized(b.first() == Some(&b'/'), b.len(), b.split(|&c| c == b'/'))
}

/// [`normalize`] of `base.join(p)`, without building the joined path first: every
/// path argument of every command is resolved against its working directory.
#[must_use]
pub fn normalize_join(base: &Path, p: impl AsRef<Path>) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    let p = p.as_ref().as_os_str().as_bytes();
    // (`join` of an absolute path is that path.)
    if p.first() == Some(&b'/') {
        return normalized(true, p.len(), p.split(|&c| c == b'/'));
    }
    let b = base.as_os_str().as_bytes();
    let segments = b.split(|&c| c == b'/').chain(p.split(|&c| c == b'/'));
    normalized(b.first() == Some(&b'/'), b.len() + 1 + p.len(), segments)
}

/// The lexically normalised path of the components `segments` (the texts between
/// separators, empty ones included), absolute when `abs`; `len` is the length of
/// the text they come from, which the result does not exceed.
fn normalized<'a>(abs: bool, len: usize, segments: impl Iterator<Item = &'a [u8]>) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    // On the bytes, into one buffer: every path argument of every command passes here,
    // and `PathBuf::push` per component costs several times more.
    let mut out: Vec<u8> = Vec::with_capacity(len);
    if abs {
        out.push(b'/');
    }
    // Components start after the root.
    let base = out.len();
    for seg in segments {
        match seg {
            b"" | b"." => {}
            b".." => {
                let start = out[base..].iter().rposition(|&c| c == b'/').map_or(base, |i| base + i + 1);
                if out.len() > base && &out[start..] != b".." {
                    out.truncate(start.saturating_sub(1).max(base));
                } else if !abs {
                    if out.len() > base {
                        out.push(b'/');
                    }
                    out.extend_from_slice(b"..");
                }
            }
            s => {
                if out.len() > base {
                    out.push(b'/');
                }
                out.extend_from_slice(s);
            }
        }
    }
    PathBuf::from(std::ffi::OsString::from_vec(out))
}

/// How many threads this process may run at once (its processors, as the kernel's
/// affinity mask and the cgroup's quota allow), asked of the system once.
#[must_use]
pub fn processors() -> usize {
    static N: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *N.get_or_init(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes() {
        assert_eq!(normalize(Path::new("/tmp/../etc")), PathBuf::from("/etc"));
        assert_eq!(normalize(Path::new("/../..")), PathBuf::from("/"));
        assert_eq!(normalize(Path::new("/a/./b//c/")), PathBuf::from("/a/b/c"));
        assert_eq!(normalize(Path::new("/usr/bin/../bin/rm")), PathBuf::from("/usr/bin/rm"));
        assert_eq!(normalize(Path::new("a/../../b/./c/..")), PathBuf::from("../b"));
        assert_eq!(normalize(Path::new("../x/../..")), PathBuf::from("../.."));
        assert_eq!(normalize(Path::new("./")), PathBuf::from(""));
        assert_eq!(normalize(Path::new("")), PathBuf::from(""));
        assert_eq!(normalize(Path::new("/")), PathBuf::from("/"));
    }

    /// The lexical normalisation by `Path::components`, which `normalize` replaced for
    /// speed; on absolute paths (every path the analyzer joins to a working directory)
    /// the two agree exactly.
    fn by_components(p: &Path) -> PathBuf {
        let mut out = PathBuf::new();
        for c in p.components() {
            match c {
                std::path::Component::RootDir => out.push("/"),
                std::path::Component::CurDir | std::path::Component::Prefix(_) => {}
                std::path::Component::ParentDir => {
                    out.pop();
                }
                std::path::Component::Normal(s) => out.push(s),
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn normalize_agrees_with_components_on_absolute_paths(
            parts in proptest::collection::vec(
                proptest::sample::select(vec!["", ".", "..", "a", "bc", ".env", "..x", "x..", "é"]), 0..12)
        ) {
            let p = format!("/{}", parts.join("/"));
            proptest::prop_assert_eq!(normalize(Path::new(&p)), by_components(Path::new(&p)), "{}", p);
        }

        #[test]
        fn normalize_join_is_normalize_of_join(
            base in proptest::collection::vec(
                proptest::sample::select(vec!["", "/", ".", "..", "a", "bc", "/x", "y/"]), 0..6),
            rel in proptest::collection::vec(
                proptest::sample::select(vec!["", "/", ".", "..", "a", "bc", "/x", "y/"]), 0..6)
        ) {
            let (base, rel) = (base.concat(), rel.concat());
            let joined = normalize(&Path::new(&base).join(&rel));
            proptest::prop_assert_eq!(normalize_join(Path::new(&base), &rel), joined, "{} + {}", base, rel);
        }
    }

    #[test]
    fn temp_dirs_from_env() {
        let env = HashMap::from([
            ("TMPDIR".to_string(), "/scratch/t".to_string()),
            ("HOME".to_string(), "/home/u".to_string()),
        ]);
        let c = Context::new(PathBuf::from("/"), env);
        assert!(c.temp_dirs.contains(&PathBuf::from("/scratch/t")));
        assert_eq!(c.home, PathBuf::from("/home/u"));
        // TMPDIR=/ never makes the root a scratch directory.
        let env = HashMap::from([("TMPDIR".to_string(), "/".to_string())]);
        let c = Context::new(PathBuf::from("/"), env);
        assert!(!c.temp_dirs.contains(&PathBuf::from("/")));
    }
}
