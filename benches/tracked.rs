//! The tracked-files check on a repository of 100,000 tracked files.
//!
//! `cargo bench --bench tracked` reports (a) a cold check, which reads and scans the
//! whole index (versions 2 and 4), and (b) a cache hit, which only compares the
//! index's identity with the signed cache line (the figure that counts for every
//! run: well under 0.3 ms).
//!
//! The index is made with `git update-index --index-info` from one blob, so no files
//! are written to disk but the index; it takes a few seconds, plus two for the index
//! to settle before a result about it may be cached.

use std::hint::black_box;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use criterion::{criterion_main, Criterion};
use tako_exec::control::tracked::{check, Cache, Status};
use tako_exec::control::Key;

const FILES: usize = 100_000;

fn git(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> String {
    let mut child = Command::new("git")
        .current_dir(dir)
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .args(["-c", "init.defaultBranch=main"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("git runs");
    let mut pipe = child.stdin.take().expect("stdin");
    if let Some(bytes) = stdin {
        pipe.write_all(bytes).expect("write to git");
    }
    drop(pipe);
    let out = child.wait_with_output().expect("git");
    assert!(out.status.success(), "git {args:?} failed");
    String::from_utf8(out.stdout).expect("utf-8")
}

/// A repository whose index tracks `FILES` paths in a layout like a large monorepo's.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::Builder::new().prefix("tako-bench-tracked-").tempdir_in("/tmp").expect("tempdir");
    git(dir.path(), &["init", "-q"], None);
    let blob = git(dir.path(), &["hash-object", "-w", "--stdin"], Some(b"fn main() {}\n")).trim().to_string();
    let mut info = String::with_capacity(FILES * 80);
    for i in 0..FILES {
        // In byte order, so git appends every entry.
        info.push_str(&format!(
            "100644 {blob}\tservices/svc{:03}/src/module{:02}/component_{i:06}.rs\n",
            i / 1000,
            (i / 50) % 20
        ));
    }
    git(dir.path(), &["update-index", "--add", "--index-info"], Some(info.as_bytes()));
    dir
}

fn bench(c: &mut Criterion) {
    let repo = repository();
    let ws = repo.path();
    let index = ws.join(".git/index");
    let mut cold = c.benchmark_group("tracked cold (100k files)");
    cold.sample_size(20);
    for version in ["2", "4"] {
        git(ws, &["update-index", "--index-version", version], None);
        let size = std::fs::metadata(&index).expect("index").len();
        assert_eq!(check(ws, None).expect("check"), Status::Clean);
        cold.bench_function(format!("index v{version} ({} KB)", size / 1024), |b| {
            b.iter(|| black_box(check(black_box(ws), None).expect("check")));
        });
    }
    cold.finish();

    // A result is cached once the index's ctime is two seconds old.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let key = Key::from_bytes([7; tako_exec::control::key::LEN]);
    let file = ws.join("tracked.cache");
    let mut hit = c.benchmark_group("tracked cache hit (100k files)");
    for (name, key) in [("signed", Some(&key)), ("unsigned", None)] {
        let cache = Some(Cache { file: &file, key });
        let _ = std::fs::remove_file(&file);
        assert_eq!(check(ws, cache).expect("check"), Status::Clean);
        assert!(file.exists(), "the result was cached");
        hit.bench_function(name, |b| b.iter(|| black_box(check(black_box(ws), cache).expect("check"))));
    }
    hit.finish();
}

#[allow(missing_docs)]
mod harness {
    use super::bench;
    criterion::criterion_group!(benches, bench);
}
use harness::benches;
criterion_main!(benches);
