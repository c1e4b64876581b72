//! The audit log's cost and contract.
//!
//! `cargo bench --bench audit` first runs the full-size contract outside criterion: 8
//! processes (this binary re-executed with `TAKO_AUDIT_BENCH_CHILD` set) append 2,000
//! records each to one log, then `verify` must pass with exactly 16,000 records and
//! every (process, i) exactly once, across the files of about seven rotations; it
//! prints the time taken. Then criterion measures
//! one append with `fsync` off and on, and the two ways to rewrite the head that were
//! weighed (in place with `pwrite`, or a temporary file and a rename).

use std::collections::HashSet;
use std::hint::black_box;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use criterion::Criterion;
use serde_json::{json, Map, Value};
use tako_exec::control::audit::{Log, Options};
use tako_exec::control::Key;

/// Set in a child: `<dir>\t<process number>\t<records>`.
const CHILD: &str = "TAKO_AUDIT_BENCH_CHILD";
const PROCESSES: usize = 8;
const EACH: usize = 2_000;
/// The file limit in the contract run: about seven rotations.
const ROTATE_AT: u64 = 1 << 20;

fn key() -> Key {
    Key::from_bytes([7; tako_exec::control::key::LEN])
}

/// A typical decision record.
fn record(id: &str) -> Map<String, Value> {
    let v = json!({
        "id": id,
        "kind": "decision",
        "cwd": "/home/dev/src/project",
        "command": "cargo test --locked -- --nocapture 2>&1 | tail -50",
        "decision": "allow",
        "reasons": [{"layer": "guard", "code": "G012", "reason": "build and test commands are allowed"}],
        "decided_by": "policy",
    });
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// The child's work: append `n` records as process `p`.
fn child(spec: &str) -> ExitCode {
    let mut it = spec.split('\t');
    let (Some(dir), Some(Ok(p)), Some(Ok(n))) =
        (it.next(), it.next().map(str::parse::<usize>), it.next().map(str::parse::<usize>))
    else {
        return ExitCode::from(2);
    };
    // A small file limit, so that the writers also rotate under contention.
    let log = Log::at(dir, key(), Options { max_bytes: ROTATE_AT, ..Options::default() });
    for i in 0..n {
        if log.append(record(&format!("p{p}-{i}"))).is_err() {
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// 8 processes × 2,000 appends to one log, then a full verify.
fn contract() {
    let dir = tempfile::tempdir().expect("tempdir");
    let exe = std::env::current_exe().expect("current exe");
    let start = Instant::now();
    let children: Vec<_> = (0..PROCESSES)
        .map(|p| {
            Command::new(&exe)
                .env(CHILD, format!("{}\t{p}\t{EACH}", dir.path().display()))
                .spawn()
                .expect("spawn a writer")
        })
        .collect();
    for mut c in children {
        assert!(c.wait().expect("wait").success(), "a writer failed");
    }
    let wrote = start.elapsed();
    let log = Log::at(dir.path(), key(), Options::default());
    let start = Instant::now();
    let summary = log.verify().unwrap_or_else(|b| panic!("verify: {b}"));
    let verified = start.elapsed();
    assert_eq!(summary.records, (PROCESSES * EACH) as u64, "{summary:?}");
    let ids: HashSet<String> = log
        .tail(usize::MAX)
        .expect("tail")
        .iter()
        .filter_map(|r| r.get("id").and_then(Value::as_str).map(str::to_string))
        .collect();
    assert_eq!(ids.len(), PROCESSES * EACH, "every (process, i) exactly once");
    let bytes: u64 = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(|e| e.ok()?.metadata().ok())
        .filter(std::fs::Metadata::is_file)
        .map(|m| m.len())
        .sum();
    println!(
        "audit contract: {PROCESSES} processes x {EACH} appends = {} records in {:.2?} ({:.1?} per append, \
         {} KB); verify passed in {:.2?}: {summary:?}",
        summary.records,
        wrote,
        wrote / u32::try_from(PROCESSES * EACH).unwrap_or(1),
        bytes / 1024,
        verified,
    );
}

/// Time for `n` appends to a fresh log.
fn appends(n: u64, fsync: bool) -> Duration {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = Log::at(dir.path(), key(), Options { fsync, ..Options::default() });
    log.append(record("warm")).expect("append");
    let r = record("bench-1234");
    let start = Instant::now();
    for _ in 0..n {
        black_box(log.append(black_box(r.clone())).expect("append"));
    }
    start.elapsed()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("audit append");
    g.bench_function("fsync off", |b| b.iter_custom(|n| appends(n, false)));
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("fsync on", |b| b.iter_custom(|n| appends(n, true)));
    g.finish();

    // The head is 256 bytes rewritten after every record.
    let dir = tempfile::tempdir().expect("tempdir");
    let head = [b' '; 256];
    let path = dir.path().join("head");
    let file =
        std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).expect("open");
    let mut h = c.benchmark_group("audit head rewrite");
    h.bench_function("pwrite in place", |b| b.iter(|| file.write_all_at(black_box(&head), 0).expect("pwrite")));
    h.sample_size(20);
    h.bench_function("pwrite in place + fdatasync", |b| {
        b.iter(|| {
            file.write_all_at(black_box(&head), 0).expect("pwrite");
            file.sync_data().expect("fdatasync");
        });
    });
    h.bench_function("write_atomic (temp file, fsync, rename)", |b| {
        b.iter(|| tako_exec::control::write_atomic(Path::new(&path), black_box(&head)).expect("write_atomic"));
    });
    h.finish();
}

fn main() -> ExitCode {
    if let Ok(spec) = std::env::var(CHILD) {
        return child(&spec);
    }
    contract();
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
    ExitCode::SUCCESS
}
