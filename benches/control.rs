//! The control plane's cost per command, in process: everything an imprinted
//! workspace adds to a run besides starting the command as a child. Opening the plane
//! (imprint and key), the tracked check on a cached result, the pause, the budget, and
//! the two audit records (before and after the command).
//!
//! `cargo bench --bench control`. The whole-process figure (`tako-exec -c true` in an
//! imprinted workspace against a plain one) is `benches/overhead.py`.

use std::hint::black_box;
use std::process::Command;

use criterion::{criterion_main, Criterion};
use serde_json::{json, Map, Value};
use tako_exec::control::{audit, budget, pause, Plane};

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path();
    let git = |args: &[&str]| {
        let ok = Command::new("git").args(args).current_dir(ws).env("GIT_CONFIG_NOSYSTEM", "1").status();
        assert!(ok.is_ok_and(|s| s.success()), "git {args:?}");
    };
    git(&["init", "-q"]);
    for i in 0..1000 {
        std::fs::write(ws.join(format!("f{i}.txt")), "x").expect("write");
    }
    git(&["add", "."]);
    Plane::init(ws, false).expect("imprint");
    // The tracked check caches a result only for an index whose ctime is 2 s old.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let plane = Plane::open(ws).expect("open").expect("imprinted");
    plane.untracked(ws).expect("clean");

    let mut g = c.benchmark_group("control");
    g.bench_function("open the plane and the tracked check (cached)", |b| {
        b.iter(|| {
            let p = Plane::open(black_box(ws)).expect("open").expect("imprinted");
            p.untracked(ws).expect("clean");
        });
    });
    g.bench_function("pause and budget", |b| {
        b.iter(|| {
            black_box(pause::current(&plane));
            black_box(budget::charge(&plane, u64::MAX / 2, u64::MAX / 2, 1_800_000_000).expect("charge"));
        });
    });
    let log = audit::Log::new(&plane, audit::Options::default());
    g.bench_function("two audit records (decision and exit)", |b| {
        b.iter(|| {
            log.append(object(json!({
                "id": "0123456789abcdef", "kind": "decision", "pid": 4242, "cwd": "/home/dev/project",
                "command": "cargo test --locked", "policy": "allow", "decision": "allow",
                "decided_by": {"how": "policy", "by": "tako-exec"}, "reasons": [],
            })))
            .expect("append");
            log.append(object(
                json!({"id": "0123456789abcdef", "kind": "exit", "exit": {"code": 0}, "duration_ms": 812}),
            ))
            .expect("append");
        });
    });
    g.bench_function("all of it", |b| {
        b.iter(|| {
            let p = Plane::open(black_box(ws)).expect("open").expect("imprinted");
            p.untracked(ws).expect("clean");
            black_box(pause::current(&p));
            black_box(budget::charge(&p, u64::MAX / 2, u64::MAX / 2, 1_800_000_000).expect("charge"));
            let log = audit::Log::new(&p, audit::Options::default());
            log.append(object(json!({"id": "x", "kind": "decision", "command": "cargo test"}))).expect("append");
            log.append(object(json!({"id": "x", "kind": "exit", "exit": {"code": 0}}))).expect("append");
        });
    });
    g.finish();
}

fn benches() {
    let mut c = Criterion::default().configure_from_args().sample_size(50);
    bench(&mut c);
}

criterion_main!(benches);
