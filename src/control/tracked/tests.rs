//! Tests of the tracked-files check: real repositories made by the `git` binary (every
//! index version, worktrees, submodules, split and sparse indexes, SHA-256), damaged
//! files, the cache, and property tests that no input makes the parser panic.

use super::*;

use std::process::Command;
use std::time::Duration;

use proptest::prelude::*;

/// A temporary directory with an empty `home/` for git and a `repo/` path.
struct World {
    dir: tempfile::TempDir,
}

impl World {
    fn new() -> Self {
        let dir = tempfile::Builder::new().prefix("tako-tracked-").tempdir_in("/tmp").expect("tempdir");
        std::fs::create_dir(dir.path().join("home")).expect("home");
        Self { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Runs git in `rel` with an isolated configuration; panics if it fails.
    fn git(&self, rel: &str, args: &[&str]) -> String {
        self.git_stdin(rel, args, None)
    }

    fn git_stdin(&self, rel: &str, args: &[&str], stdin: Option<&str>) -> String {
        use std::io::Write as _;
        let mut cmd = Command::new("git");
        cmd.current_dir(self.path(rel))
            .env("HOME", self.path("home"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", self.path("home/.gitconfig"))
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_OBJECT_DIRECTORY")
            .env_remove("GIT_COMMON_DIR")
            .env_remove("GIT_CEILING_DIRECTORIES")
            .args(["-c", "user.name=tako", "-c", "user.email=tako@example.invalid", "-c", "init.defaultBranch=main"])
            .args(["-c", "commit.gpgsign=false", "-c", "protocol.file.allow=always", "-c", "core.hooksPath=/dev/null"])
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("git runs");
        let mut pipe = child.stdin.take().expect("stdin");
        if let Some(s) = stdin {
            pipe.write_all(s.as_bytes()).expect("write stdin");
        }
        drop(pipe);
        let out = child.wait_with_output().expect("git output");
        assert!(out.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    /// `repo/` with a committed file, `.tako/` ignored as `tako-exec init` does, and
    /// `.tako/operator.json` on disk.
    fn repo(&self, init_args: &[&str]) -> PathBuf {
        std::fs::create_dir(self.path("repo")).expect("repo dir");
        self.git("repo", &[&["init", "-q"], init_args].concat());
        self.write("repo/src/main.rs", "fn main() {}\n");
        self.write("repo/.gitignore", "/target/\n/.tako/\n");
        self.write("repo/.tako/operator.json", "{}\n");
        self.git("repo", &["add", "."]);
        self.git("repo", &["commit", "-qm", "first"]);
        self.path("repo")
    }

    fn index_version(&self, git_dir: &str) -> u32 {
        let bytes = std::fs::read(self.path(git_dir).join("index")).expect("index");
        u32::from_be_bytes(bytes[4..8].try_into().expect("4 bytes"))
    }
}

fn status(ws: &Path) -> Status {
    check(ws, None).expect("check")
}

fn tracked(ws: &Path) -> Found {
    match status(ws) {
        Status::Tracked(f) => f,
        other => panic!("expected Tracked, got {other:?}"),
    }
}

fn scans() -> usize {
    SCANS.with(std::cell::Cell::get)
}

/// Ten seconds from now: every index written by a test is settled then.
fn later() -> SystemTime {
    SystemTime::now() + Duration::from_secs(10)
}

#[test]
fn no_repository_is_no_repository() {
    let w = World::new();
    std::fs::create_dir(w.path("ws")).expect("ws");
    assert_eq!(status(&w.path("ws")), Status::NoRepository);
}

#[test]
fn a_fresh_repository_without_an_index_is_clean() {
    let w = World::new();
    std::fs::create_dir(w.path("repo")).expect("repo");
    w.git("repo", &["init", "-q"]);
    assert!(!w.path("repo/.git/index").exists());
    assert_eq!(status(&w.path("repo")), Status::Clean);
}

#[test]
fn force_added_tako_is_tracked_until_removed_from_the_index() {
    let w = World::new();
    let repo = w.repo(&[]);
    assert_eq!(status(&repo), Status::Clean, "ignored, so `git add .` left it out");

    w.git("repo", &["add", "-f", ".tako/operator.json"]);
    let found = tracked(&repo);
    assert_eq!(found.examples, [".tako/operator.json"]);
    assert_eq!((found.total, found.dirs), (1, 1));
    assert_eq!(found.untrack, [".tako"]);
    assert_eq!(
        found.to_string(),
        "`.tako/operator.json` is tracked by git: the operator's control plane must never be committed. \
         Run `git rm -r --cached .tako` then commit; tako-exec refuses to run until then."
    );

    w.git("repo", &["commit", "-qm", "oops"]);
    w.write("repo/.tako/keys/operator.key", "k");
    w.write("repo/.tako/locks/tako.lock", "");
    w.git("repo", &["add", "-f", ".tako"]);
    let found = tracked(&repo);
    assert_eq!(found.total, 3);
    assert!(found.to_string().starts_with("`.tako/keys/operator.key` (and 2 more) are tracked by git"), "{found}");

    // The fix the message gives, run from the workspace.
    w.git("repo", &["rm", "-r", "-q", "--cached", ".tako"]);
    assert_eq!(status(&repo), Status::Clean);
    w.git("repo", &["commit", "-qm", "untrack the control plane"]);
    assert_eq!(status(&repo), Status::Clean);
}

#[test]
fn every_index_version_is_read() {
    for version in ["2", "3", "4"] {
        let w = World::new();
        let repo = w.repo(&[]);
        // git writes version 3 only while an entry needs extended flags, and then
        // never version 2.
        if version != "2" {
            w.git("repo", &["update-index", "--skip-worktree", "src/main.rs"]);
        }
        w.git("repo", &["update-index", "--index-version", version]);
        assert_eq!(status(&repo), Status::Clean, "v{version}");
        w.git("repo", &["add", "-f", ".tako/operator.json"]);
        assert_eq!(w.index_version("repo/.git").to_string(), version);
        assert_eq!(tracked(&repo).examples, [".tako/operator.json"], "v{version}");
        w.git("repo", &["rm", "-q", "--cached", ".tako/operator.json"]);
        assert_eq!(w.index_version("repo/.git").to_string(), version);
        assert_eq!(status(&repo), Status::Clean, "v{version}");
    }
}

#[test]
fn version_3_from_intent_to_add() {
    let w = World::new();
    let repo = w.repo(&[]);
    w.git("repo", &["update-index", "--index-version", "3"]);
    w.write("repo/.tako/later.json", "{}");
    w.git("repo", &["add", "-N", "-f", ".tako/later.json"]);
    assert_eq!(w.index_version("repo/.git"), 3);
    assert_eq!(tracked(&repo).examples, [".tako/later.json"], "an intent to add is tracked");
}

#[test]
fn many_entries_and_long_names_in_versions_2_and_4() {
    let w = World::new();
    let repo = w.repo(&[]);
    let blob = w.git_stdin("repo", &["hash-object", "-w", "--stdin"], Some("x\n")).trim().to_string();
    let long = format!("{}/.tako/deep", vec!["d".repeat(200); 21].join("/"));
    assert!(long.len() > 0xfff);
    let mut info: String = (0..2000).map(|i| format!("100644 {blob}\tpkg/m{}/f{i}.rs\n", i % 37)).collect();
    info.push_str(&format!("100644 {blob}\t{long}\n"));
    info.push_str(&format!("100644 {blob}\tpkg/.takoish/not-it\n"));
    info.push_str(&format!("100644 {blob}\tpkg/x.tako/not-it\n"));
    w.git_stdin("repo", &["update-index", "--index-info"], Some(&info));
    for version in ["2", "4"] {
        w.git("repo", &["update-index", "--index-version", version]);
        let found = tracked(&repo);
        assert_eq!(found.examples, std::slice::from_ref(&long), "v{version}");
        assert_eq!(found.untrack, [long[..long.len() - "/deep".len()].to_string()]);
    }
}

#[test]
fn nested_tako_directories_count_and_the_fix_names_them_from_the_workspace() {
    let w = World::new();
    let repo = w.repo(&[]);
    w.write("repo/sub/.tako/k", "k");
    w.write("repo/other/f", "f");
    w.git("repo", &["add", "-f", "sub/.tako/k", "other/f"]);
    let found = tracked(&repo);
    assert_eq!(found.examples, ["sub/.tako/k"]);
    assert_eq!(found.untrack, ["sub/.tako"]);
    assert_eq!(tracked(&w.path("repo/sub")).untrack, [".tako"], "from the nested workspace");
    let from_other = tracked(&w.path("repo/other"));
    assert_eq!(from_other.untrack, [":/sub/.tako"], "outside the workspace");
    assert!(from_other.to_string().contains("Run `git rm -r --cached :/sub/.tako` then commit"), "{from_other}");
    // The pathspec works from there.
    w.git("repo/other", &["rm", "-r", "-q", "--cached", ":/sub/.tako"]);
    assert_eq!(status(&repo), Status::Clean);
}

#[test]
fn many_tako_directories_get_one_pathspec_for_all() {
    let w = World::new();
    let repo = w.repo(&[]);
    for i in 0..7 {
        w.write(&format!("repo/w{i}/.tako/k"), "k");
    }
    w.git("repo", &["add", "-f", "."]);
    let found = tracked(&repo);
    // Seven nested ones and the workspace's own.
    assert_eq!((found.total, found.dirs, found.untrack.len(), found.examples.len()), (8, 8, EXAMPLES, EXAMPLES));
    let message = found.to_string();
    assert!(message.contains("`git rm -r --cached -- ':(top,glob)**/.tako/**'`"), "{message}");
    w.git("repo", &["rm", "-r", "-q", "--cached", "--", ":(top,glob)**/.tako/**"]);
    assert_eq!(status(&repo), Status::Clean, "the pathspec in the message untracks them all");
}

#[test]
fn a_worktree_has_its_own_index() {
    let w = World::new();
    let repo = w.repo(&[]);
    w.git("repo", &["worktree", "add", "-q", "../wt"]);
    let wt = w.path("wt");
    assert!(wt.join(".git").is_file());
    assert_eq!(status(&wt), Status::Clean);
    w.write("wt/.tako/operator.json", "{}");
    w.git("wt", &["add", "-f", ".tako/operator.json"]);
    assert_eq!(tracked(&wt).examples, [".tako/operator.json"]);
    assert_eq!(status(&repo), Status::Clean, "the main working tree's index is another file");
}

#[test]
fn a_submodule_is_found_through_its_gitfile() {
    let w = World::new();
    w.repo(&[]);
    std::fs::create_dir(w.path("lib")).expect("lib");
    w.git("lib", &["init", "-q"]);
    w.write("lib/a", "a");
    w.git("lib", &["add", "a"]);
    w.git("lib", &["commit", "-qm", "lib"]);
    w.git("repo", &["submodule", "add", "-q", "../lib", "vendor/lib"]);
    let sub = w.path("repo/vendor/lib");
    assert!(std::fs::read_to_string(sub.join(".git")).expect("gitfile").starts_with("gitdir: ../../.git/modules"));
    assert_eq!(status(&sub), Status::Clean);
    w.write("repo/vendor/lib/.tako/k", "k");
    w.git("repo/vendor/lib", &["add", "-f", ".tako/k"]);
    assert_eq!(tracked(&sub).examples, [".tako/k"]);
    assert_eq!(status(&w.path("repo")), Status::Clean);
}

#[test]
fn a_split_index_applies_the_shared_index_and_its_bitmaps() {
    let w = World::new();
    let repo = w.repo(&[]);
    w.git("repo", &["add", "-f", ".tako/operator.json"]);
    w.git("repo", &["commit", "-qm", "oops"]);
    w.git("repo", &["update-index", "--split-index"]);
    let shared: Vec<_> = std::fs::read_dir(w.path("repo/.git"))
        .expect("ls")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("sharedindex."))
        .collect();
    assert_eq!(shared.len(), 1, "{shared:?}");
    assert_eq!(tracked(&repo).examples, [".tako/operator.json"], "from the shared index");

    // Removed through the delete bitmap; the shared index still lists it.
    w.git("repo", &["-c", "splitIndex.maxPercentChange=100", "rm", "-q", "--cached", ".tako/operator.json"]);
    let bytes = std::fs::read(w.path("repo/.git/index")).expect("index");
    assert!(parse(&bytes, 20).expect("index").link.is_some_and(|l| l.delete.is_some()));
    let shared_bytes = std::fs::read(w.path("repo/.git").join(&shared[0])).expect("shared");
    assert!(memmem::find(&shared_bytes, b".tako/operator.json").is_some(), "still in the shared index");
    assert_eq!(status(&repo), Status::Clean);

    // Added in the split index itself; and a replaced entry (an unnamed one) for a
    // modified file.
    w.write("repo/src/main.rs", "fn main() { println!(); }\n");
    w.write("repo/.tako/b", "b");
    w.git("repo", &["-c", "splitIndex.maxPercentChange=100", "add", "-f", "src/main.rs", ".tako/b"]);
    let bytes = std::fs::read(w.path("repo/.git/index")).expect("index");
    assert!(parse(&bytes, 20).expect("index").unnamed >= 1, "src/main.rs replaced");
    assert_eq!(tracked(&repo).examples, [".tako/b"]);

    // A shared index that is gone is an error, never clean.
    std::fs::remove_file(w.path("repo/.git").join(&shared[0])).expect("rm shared");
    assert!(matches!(check(&repo, None), Err(TrackedError::Io { .. })));
}

#[test]
fn a_sparse_index_directory_entry_counts() {
    let w = World::new();
    let repo = w.repo(&[]);
    w.write("repo/.tako/k", "k");
    w.write("repo/docs/a.md", "a");
    w.git("repo", &["add", "-f", ".tako/k", "docs/a.md"]);
    w.git("repo", &["commit", "-qm", "oops"]);
    w.git("repo", &["sparse-checkout", "set", "--cone", "--sparse-index", "src"]);
    let listing = w.git("repo", &["ls-files", "--sparse", "-s"]);
    assert!(listing.contains("040000") && listing.contains("\t.tako/\n"), "{listing}");
    assert_eq!(tracked(&repo).examples, [".tako/"]);
}

#[test]
fn sha256_repositories_are_read() {
    let w = World::new();
    let repo = w.repo(&["--object-format=sha256"]);
    assert_eq!(status(&repo), Status::Clean);
    w.git("repo", &["add", "-f", ".tako/operator.json"]);
    assert_eq!(tracked(&repo).examples, [".tako/operator.json"]);
    w.git("repo", &["update-index", "--index-version", "4"]);
    assert_eq!(tracked(&repo).examples, [".tako/operator.json"]);
}

#[test]
fn damaged_indexes_are_errors() {
    let w = World::new();
    let repo = w.repo(&[]);
    let index = w.path("repo/.git/index");
    let good = std::fs::read(&index).expect("index");
    let is_index_error = |r: Result<Status, TrackedError>| matches!(r, Err(TrackedError::Index { .. }));

    let mut bad = good.clone();
    bad[0] = b'X';
    std::fs::write(&index, &bad).expect("write");
    let err = check(&repo, None).expect_err("bad signature");
    assert!(err.to_string().contains("`DIRC`"), "{err}");
    assert!(err.to_string().contains(&format!("rm {} && git reset", index.display())), "{err}");

    let mut bad = good.clone();
    bad[7] = 9;
    std::fs::write(&index, &bad).expect("write");
    assert!(check(&repo, None).expect_err("version").to_string().contains("index version 9"));

    for cut in [0, 11, 12, 40, 100, good.len() / 2, good.len() - 21] {
        std::fs::write(&index, &good[..cut]).expect("write");
        assert!(is_index_error(check(&repo, None)), "cut at {cut}");
    }

    // More entries than the file holds.
    let mut bad = good.clone();
    bad[11] += 1;
    std::fs::write(&index, &bad).expect("write");
    assert!(is_index_error(check(&repo, None)));

    std::fs::write(&index, &good).expect("write");
    assert_eq!(status(&repo), Status::Clean);
}

#[test]
fn a_git_entry_that_leads_nowhere_is_an_error() {
    let w = World::new();
    std::fs::create_dir(w.path("ws")).expect("ws");
    let dot = w.path("ws/.git");
    std::fs::write(&dot, "gitdir: ../missing\n").expect("write");
    let err = check(&w.path("ws"), None).expect_err("points nowhere");
    assert!(matches!(err, TrackedError::GitDir { .. }), "{err}");
    assert!(err.to_string().contains("does not exist"), "{err}");

    std::fs::write(&dot, "garbage").expect("write");
    assert!(matches!(check(&w.path("ws"), None), Err(TrackedError::GitDir { .. })));
    std::fs::write(&dot, "gitdir: \n").expect("write");
    assert!(matches!(check(&w.path("ws"), None), Err(TrackedError::GitDir { .. })));
    std::fs::write(w.path("file"), "").expect("write");
    std::fs::write(&dot, "gitdir: ../file\n").expect("write");
    assert!(matches!(check(&w.path("ws"), None), Err(TrackedError::GitDir { .. })));

    std::fs::remove_file(&dot).expect("rm");
    std::os::unix::fs::symlink(w.path("missing"), &dot).expect("symlink");
    assert!(matches!(check(&w.path("ws"), None), Err(TrackedError::GitDir { .. })), "a dangling symlink");

    // A gitfile with a relative path to a real git directory, and no index yet.
    std::fs::remove_file(&dot).expect("rm");
    std::fs::create_dir(w.path("real")).expect("real");
    w.git("real", &["init", "-q", "--bare"]);
    std::fs::write(&dot, "gitdir: ../real\r\n").expect("write");
    assert_eq!(status(&w.path("ws")), Status::Clean);
}

#[test]
fn an_unknown_object_format_is_an_error() {
    let w = World::new();
    let repo = w.repo(&[]);
    let config = w.path("repo/.git/config");
    let mut text = std::fs::read_to_string(&config).expect("config");
    text.push_str("[extensions]\n\tobjectFormat = sha3\n");
    std::fs::write(&config, text).expect("write");
    let err = check(&repo, None).expect_err("unknown format");
    assert!(matches!(err, TrackedError::ObjectFormat { .. }), "{err}");
}

#[test]
fn object_format_from_config_text() {
    assert_eq!(hash_len(b""), Ok(20));
    assert_eq!(hash_len(b"[core]\n\tbare = false\n"), Ok(20));
    assert_eq!(hash_len(b"[extensions]\n\tobjectformat = sha256\n"), Ok(32));
    assert_eq!(hash_len(b"[Extensions]\nObjectFormat=\"SHA256\" # comment\n"), Ok(32));
    assert_eq!(hash_len(b"[extensions] objectformat = sha256\n"), Ok(32));
    assert_eq!(hash_len(b"[extensions \"x\"]\nobjectformat = sha256\n"), Ok(20), "a subsection");
    assert_eq!(hash_len(b"[core]\nobjectformat = sha256\n"), Ok(20), "another section");
    assert_eq!(hash_len(b"[extensions]\nobjectformat = sha256\nobjectformat = sha1\n"), Ok(20), "last wins");
    assert!(hash_len(b"[extensions]\nobjectformat\n").is_err(), "no value");
}

fn cache_world() -> (World, PathBuf, PathBuf) {
    let w = World::new();
    let repo = w.repo(&[]);
    let file = w.path("cache");
    (w, repo, file)
}

#[test]
fn a_settled_result_is_cached_and_reused_without_reading_the_index() {
    let (w, repo, file) = cache_world();
    let key = Key::from_bytes([3; crate::control::key::LEN]);
    let cache = Some(Cache { file: &file, key: Some(&key) });

    // Just written by git: not cached.
    assert_eq!(check_at(&repo, cache, SystemTime::now()).expect("check"), Status::Clean);
    assert!(!file.exists(), "a racy index is not cached");

    assert_eq!(check_at(&repo, cache, later()).expect("check"), Status::Clean);
    assert!(file.exists());
    let before = scans();
    assert_eq!(check(&repo, cache).expect("check"), Status::Clean);
    assert_eq!(scans(), before, "a hit reads no index");

    // The index changes: a new identity, a new scan.
    w.git("repo", &["add", "-f", ".tako/operator.json"]);
    assert!(matches!(check_at(&repo, cache, later()).expect("check"), Status::Tracked(_)));
    assert_eq!(scans(), before + 1);
    assert!(matches!(check(&repo, cache).expect("check"), Status::Tracked(_)));
    assert_eq!(scans(), before + 1, "the tracked result is cached too");

    // Another workspace using the same cache file misses.
    std::fs::create_dir(w.path("repo/sub")).expect("sub");
    assert!(matches!(check(&w.path("repo/sub"), cache).expect("check"), Status::Tracked(_)));
    assert_eq!(scans(), before + 2);
}

/// Rewrites the cached record's status, keeping its identity; signs it with `key`.
fn forge(file: &Path, status: &Status, key: Option<&Key>) {
    let text = std::fs::read(file).expect("cache");
    let line = &text[..memchr::memchr(b'\n', &text).expect("a line")];
    let mut record: Record = serde_json::from_slice(line).expect("record");
    record.status = status.clone();
    let mut out = serde_json::to_vec(&record).expect("json");
    let signature = key.map(|k| k.sign(Domain::Cache, &out));
    out.push(b'\n');
    if let Some(s) = signature {
        out.extend_from_slice(s.as_bytes());
    }
    std::fs::write(file, out).expect("write");
}

#[test]
fn a_forged_cache_line_is_believed_only_without_a_key() {
    let (_w, repo, file) = cache_world();
    let key = Key::from_bytes([3; crate::control::key::LEN]);
    let claim = Status::Tracked(Found {
        examples: vec![".tako/forged".into()],
        total: 1,
        untrack: vec![".tako".into()],
        dirs: 1,
    });

    let unsigned = Some(Cache { file: &file, key: None });
    assert_eq!(check_at(&repo, unsigned, later()).expect("check"), Status::Clean);
    forge(&file, &claim, None);
    let before = scans();
    assert_eq!(check(&repo, unsigned).expect("check"), claim, "no key: the file is trusted");
    assert_eq!(scans(), before);

    let signed = Some(Cache { file: &file, key: Some(&key) });
    assert_eq!(check(&repo, signed).expect("check"), Status::Clean, "unsigned line, key given: recomputed");
    assert_eq!(scans(), before + 1);
    forge(&file, &claim, Some(&Key::from_bytes([4; crate::control::key::LEN])));
    assert_eq!(check(&repo, signed).expect("check"), Status::Clean, "another key's signature");
    forge(&file, &claim, Some(&key));
    assert_eq!(check(&repo, signed).expect("check"), claim, "the operator's own signature");
    assert_eq!(scans(), before + 2);

    forge(&file, &Status::NoRepository, Some(&key));
    assert_eq!(check(&repo, signed).expect("check"), Status::Clean, "a record that cannot be true");
}

#[test]
fn a_broken_or_unwritable_cache_only_costs_time() {
    let (w, repo, file) = cache_world();
    std::fs::write(&file, "not json\n").expect("write");
    let cache = Some(Cache { file: &file, key: None });
    assert_eq!(check_at(&repo, cache, later()).expect("check"), Status::Clean);
    assert!(std::fs::read_to_string(&file).expect("cache").starts_with('{'), "rewritten");

    let nowhere = w.path("no/such/dir/cache");
    let cache = Some(Cache { file: &nowhere, key: None });
    assert_eq!(check_at(&repo, cache, later()).expect("check"), Status::Clean);
    assert!(!nowhere.exists());
}

#[test]
fn a_split_index_cache_watches_the_shared_index_too() {
    let (w, repo, file) = cache_world();
    w.git("repo", &["add", "-f", ".tako/operator.json"]);
    w.git("repo", &["update-index", "--split-index"]);
    let cache = Some(Cache { file: &file, key: None });
    assert!(matches!(check_at(&repo, cache, later()).expect("check"), Status::Tracked(_)));
    let record: Record = serde_json::from_str(std::fs::read_to_string(&file).expect("cache").trim()).expect("json");
    assert_eq!(record.files.len(), 2);
    assert!(record.files[1].path.contains("sharedindex."));
    // Replacing the shared index under the same name changes its identity: a miss.
    let shared = PathBuf::from(&record.files[1].path);
    let bytes = std::fs::read(&shared).expect("shared");
    std::fs::remove_file(&shared).expect("rm");
    std::fs::write(&shared, bytes).expect("write");
    let before = scans();
    assert!(matches!(check(&repo, cache).expect("check"), Status::Tracked(_)));
    assert_eq!(scans(), before + 1);
}

#[test]
fn settled_means_two_seconds_of_ctime() {
    let ident = |secs: i64, nanos: i64| Ident {
        path: String::new(),
        dev: 0,
        ino: 0,
        size: 0,
        mtime: (0, 0),
        ctime: (secs, nanos),
    };
    let at = |secs: u64, nanos: u32| UNIX_EPOCH + Duration::new(secs, nanos);
    assert!(ident(100, 0).settled(at(102, 0)));
    assert!(!ident(100, 1).settled(at(102, 0)));
    assert!(!ident(100, 0).settled(at(100, 0)));
    assert!(!ident(200, 0).settled(at(100, 0)), "a ctime in the future");
}

// Index files made by hand, for what git does not write.

/// An index holding `entries` (name, extended flags) in `version`, then `extensions`.
fn index(version: u32, entries: &[(&[u8], u16)], extensions: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
    let mut b = b"DIRC".to_vec();
    b.extend_from_slice(&version.to_be_bytes());
    b.extend_from_slice(&u32::try_from(entries.len()).expect("few").to_be_bytes());
    let mut previous: &[u8] = b"";
    for &(name, extended) in entries {
        let start = b.len();
        b.extend_from_slice(&[0; 24]);
        b.extend_from_slice(&0o100_644_u32.to_be_bytes());
        b.extend_from_slice(&[0; 12]);
        b.extend_from_slice(&[0xab; 20]);
        let len = u16::try_from(name.len().min(0xfff)).expect("fits");
        b.extend_from_slice(&(len | if extended == 0 { 0 } else { EXTENDED }).to_be_bytes());
        if extended != 0 {
            b.extend_from_slice(&extended.to_be_bytes());
        }
        if version == 4 {
            let common = previous.iter().zip(name).take_while(|(a, b)| a == b).count();
            let strip = previous.len() - common;
            b.push(u8::try_from(strip).expect("short names"));
            b.extend_from_slice(&name[common..]);
            b.push(0);
        } else {
            b.extend_from_slice(name);
            b.push(0);
            while (b.len() - start) % 8 != 0 {
                b.push(0);
            }
        }
        previous = name;
    }
    for (sig, data) in extensions {
        b.extend_from_slice(&sig[..]);
        b.extend_from_slice(&u32::try_from(data.len()).expect("small").to_be_bytes());
        b.extend_from_slice(data);
    }
    b.extend_from_slice(&[0x5a; 20]);
    b
}

/// An EWAH bitmap with the given words.
fn ewah(words: &[u64]) -> Vec<u8> {
    let mut b = 0u32.to_be_bytes().to_vec();
    b.extend_from_slice(&u32::try_from(words.len()).expect("few").to_be_bytes());
    for w in words {
        b.extend_from_slice(&w.to_be_bytes());
    }
    b.extend_from_slice(&0u32.to_be_bytes());
    b
}

fn hit_names(p: &Parsed<'_>) -> Vec<String> {
    p.hits.iter().map(|(_, n)| String::from_utf8_lossy(n).into_owned()).collect()
}

#[test]
fn control_plane_components_are_exactly_dot_tako() {
    let finder = memmem::Finder::new(DIR);
    for yes in [".tako", ".tako/", ".tako/x", "a/.tako", "a/.tako/b", "a/.tako.x/.tako/b", ".takoo/.tako"] {
        assert!(tako_end(yes.as_bytes(), &finder).is_some(), "{yes}");
    }
    for no in ["", "tako", ".tak", ".takoo", "x.tako", "a/.tako.bak/b", "a/x.tako/b", ".TAKO/x", "a/_tako/b"] {
        assert!(tako_end(no.as_bytes(), &finder).is_none(), "{no}");
    }
    assert_eq!(tako_end(b"a/.tako/b/.tako/c", &finder), Some(7), "the first one");
}

#[test]
fn hand_made_indexes_of_every_version() {
    let names: &[(&[u8], u16)] = &[(b".gitignore", 0), (b".tako/k", 0), (b"src/.tako", 0), (b"src/lib.rs", 0)];
    for version in [2, 3, 4] {
        let bytes = index(version, names, &[]);
        let p = parse(&bytes, 20).expect("parses");
        assert_eq!(hit_names(&p), [".tako/k", "src/.tako"], "v{version}");
        assert_eq!((p.entries, p.unnamed), (4, 0));
    }
    let bytes = index(3, &[(b"a", 0x4000), (b".tako/x", 0x2000)], &[]);
    let p = parse(&bytes, 20).expect("extended");
    assert_eq!(hit_names(&p), [".tako/x"]);
    assert!(parse(&index(2, &[(b"a", 0x4000)], &[]), 20).is_err(), "extended flags in v2");
    assert!(parse(&index(3, &[(b"a", 0x0001)], &[]), 20).is_err(), "unknown extended flags");
    assert!(parse(&index(3, &[(b"a", 0x8000)], &[]), 20).is_err(), "the reserved bit");
}

#[test]
fn extensions_are_understood_skipped_or_refused() {
    let entries: &[(&[u8], u16)] = &[(b"a", 0)];
    let ok = |ext: &[(&[u8; 4], Vec<u8>)]| parse(&index(2, entries, ext), 20).map(|p| p.link.is_some());
    assert_eq!(ok(&[(b"TREE", vec![1, 2, 3]), (b"ZZZZ", vec![]), (b"sdir", vec![])]), Ok(false));
    assert!(ok(&[(b"abcd", vec![])]).expect_err("unknown required").contains("`abcd`"));
    assert!(ok(&[(b"1234", vec![])]).is_err());
    assert_eq!(ok(&[(b"link", vec![0; 20])]), Ok(true));
    assert!(ok(&[(b"link", vec![0; 19])]).is_err(), "short link");
    assert!(ok(&[(b"link", vec![0; 20]), (b"link", vec![0; 20])]).is_err(), "two links");
    let mut link = vec![1; 20];
    link.extend(ewah(&[]));
    link.extend(ewah(&[]));
    assert_eq!(ok(&[(b"link", link.clone())]), Ok(true));
    link.push(0);
    assert!(ok(&[(b"link", link)]).is_err(), "garbage after the bitmaps");

    // An extension running into the checksum, or a few stray bytes.
    let mut bad = index(2, entries, &[(b"TREE", vec![0; 8])]);
    let at = bad.len() - 20 - 8 - 4;
    bad[at..at + 4].copy_from_slice(&100u32.to_be_bytes());
    assert!(parse(&bad, 20).is_err());
    let mut bad = index(2, entries, &[]);
    bad.splice(bad.len() - 20..bad.len() - 20, [b'T', b'R']);
    assert!(parse(&bad, 20).is_err());
}

#[test]
fn inconsistent_entries_are_errors() {
    // The name-length field disagrees with the name.
    let mut bad = index(2, &[(b"abc", 0)], &[]);
    bad[12 + 61] = 2;
    assert!(parse(&bad, 20).is_err());
    let mut bad = index(4, &[(b"abc", 0)], &[]);
    bad[12 + 61] = 4;
    assert!(parse(&bad, 20).is_err());
    // A v4 entry strips more than the previous name holds.
    let mut bad = index(4, &[(b"ab", 0), (b"ac", 0)], &[]);
    let second = 12 + 62 + 1 + 3;
    assert_eq!(bad[second + 62], 1, "strip count");
    bad[second + 62] = 3;
    assert!(parse(&bad, 20).is_err());
    // A name with a NUL inside the length its flags give.
    let mut bad = index(2, &[(b"abcd", 0)], &[]);
    bad[12 + 62 + 1] = 0;
    assert!(parse(&bad, 20).is_err());
    // An unnamed entry outside split-index mode is refused by `scan`; after a named
    // one it is refused by the parser.
    assert!(parse(&index(2, &[(b"a", 0), (b"", 0)], &[]), 20).is_err());
    assert_eq!(parse(&index(2, &[(b"", 0), (b"a", 0)], &[]), 20).expect("parses").unnamed, 1);
    // Hashes of the wrong size.
    assert!(parse(&index(2, &[(b".tako/abcdefghij", 0)], &[]), 32).is_err());
}

#[test]
fn varints_match_git() {
    assert_eq!(varint(&[0]), Some((0, 1)));
    assert_eq!(varint(&[127]), Some((127, 1)));
    assert_eq!(varint(&[0x80, 0]), Some((128, 2)));
    assert_eq!(varint(&[0x80, 0x7f]), Some((255, 2)));
    assert_eq!(varint(&[0x81, 0]), Some((256, 2)));
    assert_eq!(varint(&[0x80]), None, "truncated");
    assert_eq!(varint(&[]), None);
    assert_eq!(varint(&[0xff; 12]), None, "overflow");
}

#[test]
fn ewah_bitmaps_decode_like_git() {
    let bits = |words: &[u64], limit: usize| {
        let (e, used) = Ewah::read(&ewah(words)).expect("reads");
        assert_eq!(used, 12 + 8 * words.len());
        let mut out = Vec::new();
        e.each_bit(limit, |b| {
            out.push(b);
            Ok(())
        })
        .map(|()| out)
    };
    // A marker: run bit, run length (in 64-bit words) << 1, literal count << 33.
    assert_eq!(bits(&[], 10), Ok(vec![]));
    assert_eq!(bits(&[1 << 33, 0b1010_0001], 10), Ok(vec![0, 5, 7]));
    assert_eq!(bits(&[(1 << 1) | (1 << 33), 0b11], 100), Ok(vec![64, 65]), "a run of zeros first");
    assert_eq!(bits(&[1 | (1 << 1)], 64), Ok((0..64).collect()), "a run of ones");
    assert!(bits(&[1 | (1 << 1)], 63).is_err(), "ones past the shared index");
    assert!(bits(&[1 << 33, 1 << 12], 10).is_err(), "a literal bit past it");
    assert!(bits(&[2 << 33, 1], 10).is_err(), "literal words missing");
    assert_eq!(bits(&[0xffff_fffe, 0], 1), Ok(vec![]), "a long run of zeros");
    assert!(Ewah::read(&ewah(&[1])[..15]).is_err(), "truncated");
}

#[test]
fn split_index_merging_checks_what_git_checks() {
    let base_names: &[(&[u8], u16)] = &[(b".tako/a", 0), (b".tako/b", 0), (b"src/c", 0)];
    let base_bytes = index(2, base_names, &[]);
    let base = parse(&base_bytes, 20).expect("base");
    let checksum = base.checksum.to_vec();
    let split = |delete: &[u64], replace: &[u64], entries: &[(&[u8], u16)]| {
        let mut link = checksum.clone();
        link.extend(ewah(delete));
        link.extend(ewah(replace));
        let bytes = index(2, entries, &[(b"link", link)]);
        let main = parse(&bytes, 20).map_err(|e| format!("main: {e}"))?;
        merge(&main, main.link.as_ref().expect("link"), &base)
    };
    // Delete .tako/a, replace src/c with the unnamed entry, add .tako/z.
    assert_eq!(split(&[1 << 33, 0b001], &[1 << 33, 0b100], &[(b"", 0), (b".tako/z", 0)]), Ok(vec![false, true, true]));
    assert!(split(&[1 << 33, 0b001], &[1 << 33, 0b001], &[(b"", 0)]).is_err(), "deleted and replaced");
    assert!(split(&[], &[1 << 33, 0b110], &[(b"", 0)]).is_err(), "two replacements, one unnamed entry");
    assert!(split(&[], &[], &[(b"", 0)]).is_err(), "an unnamed entry replacing nothing");
    assert!(split(&[1 << 33, 0b1000], &[], &[]).is_err(), "deleting past the end");

    let mut other = base_bytes.clone();
    let n = other.len();
    other[n - 1] ^= 1;
    let other = parse(&other, 20).expect("base");
    let main_bytes = index(2, &[], &[(b"link", checksum.clone())]);
    let main = parse(&main_bytes, 20).expect("main");
    assert!(merge(&main, main.link.as_ref().expect("link"), &other).is_err(), "another shared index");
}

#[test]
fn found_is_sorted_deduplicated_and_capped() {
    let names = [".tako/b", ".tako/a", ".tako/b", "x/.tako/c"].map(|s| s.as_bytes().to_vec()).to_vec();
    let Status::Tracked(f) = found(names, b"") else { panic!("tracked") };
    assert_eq!(f.examples, [".tako/a", ".tako/b", "x/.tako/c"]);
    assert_eq!((f.total, f.dirs), (3, 2));
    assert_eq!(f.untrack, [".tako", "x/.tako"]);
    assert_eq!(found(vec![], b""), Status::Clean);
    assert_eq!(pathspec(b"x/.tako", b"x"), b"x/.tako"[2..].to_vec());
    assert_eq!(pathspec(b"xy/.tako", b"x"), b":/xy/.tako".to_vec());
    let Status::Tracked(f) = found(vec![b"a b/.tako/k".to_vec()], b"") else { panic!("tracked") };
    assert!(f.to_string().contains("`git rm -r --cached 'a b/.tako'`"), "{f}");
}

/// A real index made by git, for the mutation property test.
fn real_index() -> &'static [u8] {
    static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BYTES.get_or_init(|| {
        let w = World::new();
        w.repo(&[]);
        w.git("repo", &["add", "-f", ".tako/operator.json"]);
        w.git("repo", &["update-index", "--index-version", "4"]);
        std::fs::read(w.path("repo/.git/index")).expect("index")
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_parse_or_fail_without_panicking(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse(&bytes, 20);
        let _ = parse(&bytes, 32);
        let _ = Ewah::read(&bytes).map(|(e, _)| e.each_bit(1000, |_| Ok(())));
        let _ = hash_len(&bytes);
    }

    #[test]
    fn any_entries_after_a_valid_header_parse_or_fail(
        version in 2u32..=4,
        count in 0u32..8,
        tail in prop::collection::vec(any::<u8>(), 0..1024),
    ) {
        let mut bytes = b"DIRC".to_vec();
        bytes.extend_from_slice(&version.to_be_bytes());
        bytes.extend_from_slice(&count.to_be_bytes());
        bytes.extend_from_slice(&tail);
        let _ = parse(&bytes, 20);
    }

    #[test]
    fn mutated_real_indexes_parse_or_fail(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = real_index().to_vec();
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        let _ = parse(&bytes, 20);
        let keep = cut.index(bytes.len() + 1);
        let _ = parse(&bytes[..keep], 20);
    }

    #[test]
    fn hand_made_split_indexes_merge_or_fail(
        delete in prop::collection::vec(any::<u64>(), 0..4),
        replace in prop::collection::vec(any::<u64>(), 0..4),
        unnamed in 0usize..3,
    ) {
        let base_bytes = index(2, &[(b".tako/a", 0), (b"b", 0)], &[]);
        let base = parse(&base_bytes, 20).expect("base");
        let mut link = base.checksum.to_vec();
        link.extend(ewah(&delete));
        link.extend(ewah(&replace));
        let entries: Vec<(&[u8], u16)> = (0..unnamed).map(|_| (&b""[..], 0)).collect();
        let bytes = index(2, &entries, &[(b"link", link)]);
        let main = parse(&bytes, 20).expect("main");
        let _ = merge(&main, main.link.as_ref().expect("link"), &base);
    }
}
