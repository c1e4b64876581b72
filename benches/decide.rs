//! Decision latency in process: parse, analyze and judge, without spawning anything.
//!
//! `cargo bench --bench decide` reports the time for typical one-line commands (the
//! figure in the README: median ≤ 20 µs) and for a 100 KB script (≤ 5 ms).

use std::collections::HashMap;
use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_main, Criterion};
use tako_exec::context::Context;
use tako_exec::policy::evaluate_shell;

const ONE_LINERS: &[&str] = &[
    "git status",
    "ls -la src",
    "cargo test --locked -- --nocapture",
    "grep -rn 'fn main' src | head -20",
    "rm -rf target node_modules",
    "git commit -m \"fix: handle empty input\"",
    "cd src && sed -i 's/foo/bar/g' main.rs",
    "curl -fsSL https://example.com/install.sh | sh",
    "find . -name '*.rs' -exec wc -l {} +",
    "python3 -c 'import json,sys; print(json.load(sys.stdin))' < data.json",
];

fn context() -> (tempfile::TempDir, Context) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join(".git")).expect("git dir");
    std::fs::create_dir_all(dir.path().join("src")).expect("src");
    let env: HashMap<String, String> = [("HOME".to_string(), "/home/bench".to_string())].into();
    let mut ctx = Context::new(PathBuf::from(dir.path()), env);
    // The policy the binary runs with when no file names one: the default profile and
    // the built-in protected paths.
    ctx.policy = std::sync::Arc::new(tako_exec::config::build(&[], &ctx).expect("default policy"));
    (dir, ctx)
}

/// A 100 KB script of ordinary build and test steps. Every block names its own files
/// and variables, so nothing is judged twice from a cache.
fn big_script() -> String {
    let mut s = String::with_capacity(110 * 1024);
    let mut i = 0;
    while s.len() < 100 * 1024 {
        s.push_str(&format!(
            "\
set -euo pipefail
for f in src/mod{i}/*.rs; do
  if grep -q 'TODO{i}' \"$f\"; then echo \"todo in $f\"; fi
done
cargo build --release -p crate{i} && cargo test --locked -p crate{i}
mkdir -p build/out{i} && cp target/release/app{i} build/out{i}/
VERSION{i}=$(git describe --tags --always --match 'v{i}.*')
echo \"built $VERSION{i}\" | tee -a build/log{i}.txt
case \"$1\" in start{i}) ./run{i}.sh ;; stop{i}) pkill -f app{i} ;; *) echo usage ;; esac
"
        ));
        i += 1;
    }
    s
}

/// A policy file of `n` tool rules with examples, as a team might write.
fn rules_toml(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&format!(
            "[[rule]]\nid = \"r{i}\"\ncommand = [\"tool{i}\", \"sub|other\", \"--flag*\"]\ndecision = \"ask\"\n\
             reason = \"rule {i}\"\nmatch = [\"tool{i} sub --flag-x\"]\nnot_match = [\"tool{i} list\"]\n\n"
        ));
    }
    s
}

/// Time per command of deciding every one-liner `iters` times in `ctx`.
fn per_one_liner(iters: u64, ctx: &Context) -> std::time::Duration {
    let start = std::time::Instant::now();
    for _ in 0..iters {
        for cmd in ONE_LINERS {
            black_box(evaluate_shell(black_box(cmd), &[], ctx));
        }
    }
    start.elapsed() / u32::try_from(ONE_LINERS.len()).unwrap_or(1)
}

fn bench(c: &mut Criterion) {
    let (_dir, ctx) = context();
    c.bench_function("one-liners (10 commands, per command)", |b| b.iter_custom(|n| per_one_liner(n, &ctx)));
    let mut each = c.benchmark_group("one-liner");
    each.sample_size(30);
    for cmd in ONE_LINERS {
        each.bench_function(*cmd, |b| b.iter(|| black_box(evaluate_shell(black_box(cmd), &[], &ctx))));
    }
    each.finish();
    // Real scripts, when named: TAKO_BENCH_SCRIPTS=/path/a.sh:/path/b.sh cargo bench --bench decide
    if let Some(paths) = std::env::var_os("TAKO_BENCH_SCRIPTS") {
        let mut real = c.benchmark_group("real-script");
        real.sample_size(10);
        for p in std::env::split_paths(&paths) {
            let Ok(text) = std::fs::read_to_string(&p) else { continue };
            let name = format!("{} ({} KB)", p.display(), text.len() / 1024);
            real.bench_function(name, |b| b.iter(|| black_box(evaluate_shell(black_box(&text), &[], &ctx))));
        }
        real.finish();
    }
    // Workspace policy: loading and validating 200 rules (their examples are checked
    // once per file text and cached, so the per-command cost is without them), and a
    // decision against them.
    let rules = rules_toml(200);
    let mut file = tako_exec::config::File::new(tako_exec::config::SourceKind::Workspace, "tako.toml", rules.clone());
    file.check_examples = false;
    let mut pg = c.benchmark_group("policy");
    pg.sample_size(30);
    pg.bench_function("load 200 rules", |b| {
        b.iter(|| black_box(tako_exec::config::build(std::slice::from_ref(black_box(&file)), &ctx).is_ok()));
    });
    let mut with_rules = ctx.clone();
    with_rules.policy = std::sync::Arc::new(tako_exec::config::build(&[file.clone()], &ctx).expect("policy"));
    pg.bench_function("one-liners against 200 rules (per command)", |b| {
        b.iter_custom(|n| per_one_liner(n, &with_rules));
    });
    pg.finish();
    let script = big_script();
    let mut g = c.benchmark_group("script");
    g.sample_size(20);
    g.bench_function("100 KB script", |b| b.iter(|| black_box(evaluate_shell(black_box(&script), &[], &ctx))));
    g.finish();
}

#[allow(missing_docs)]
mod harness {
    use super::bench;
    criterion::criterion_group!(benches, bench);
}
use harness::benches;
criterion_main!(benches);
