//! Catalog-wide tests, and the harness each guard's own tests use.
//!
//! [`check_examples`] judges a guard's documented examples in a fixed test world: a
//! git workspace in a temporary directory (with a `target/` build folder and a tracked
//! `src/main.rs`), `HOME=/home/tester`, no trusted variables besides `HOME`, `USER`
//! and `PATH`.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::{Guard, GUARDS};
use crate::context::Context;
use crate::policy::{self, Decision, Evaluation};

/// The test world, created once per test binary.
fn world() -> &'static (tempfile::TempDir, Context) {
    static WORLD: OnceLock<(tempfile::TempDir, Context)> = OnceLock::new();
    WORLD.get_or_init(|| {
        let dir = tempfile::Builder::new().prefix("tako-guard-").tempdir_in("/tmp").expect("temp dir");
        let root = dir.path().join("project");
        std::fs::create_dir_all(root.join("src")).expect("mkdir");
        std::fs::create_dir_all(root.join("target/debug")).expect("mkdir");
        std::fs::write(root.join("src/main.rs"), "fn main() {}\n").expect("write");
        std::fs::write(root.join(".gitignore"), "/target\n").expect("write");
        let repo = git2::Repository::init(&root).expect("git init");
        let mut index = repo.index().expect("index");
        index.add_path(std::path::Path::new("src/main.rs")).expect("add");
        index.add_path(std::path::Path::new(".gitignore")).expect("add");
        index.write().expect("write index");
        let env: HashMap<String, String> =
            [("HOME", "/home/tester"), ("USER", "tester"), ("PATH", "/usr/local/bin:/usr/bin:/bin")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        let ctx = Context::new(root, env);
        (dir, ctx)
    })
}

/// The test world's context.
pub(crate) fn ctx() -> &'static Context {
    &world().1
}

/// Judges a command in the test world.
pub(crate) fn eval(cmd: &str) -> Evaluation {
    policy::evaluate_shell(cmd, &[], ctx())
}

/// Judges a command in a fresh workspace holding `paths` (a trailing `/` makes a
/// directory), for decisions that depend on what exists (globs).
pub(crate) fn eval_among(paths: &[&str], cmd: &str) -> Evaluation {
    let dir = tempfile::Builder::new().prefix("tako-guard-").tempdir_in("/tmp").expect("temp dir");
    let root = dir.path().join("project");
    std::fs::create_dir_all(&root).expect("mkdir");
    git2::Repository::init(&root).expect("git init");
    for p in paths {
        let path = root.join(p);
        if p.ends_with('/') {
            std::fs::create_dir_all(&path).expect("mkdir");
        } else {
            std::fs::create_dir_all(path.parent().unwrap_or(&root)).expect("mkdir");
            std::fs::write(&path, "x\n").expect("write");
        }
    }
    let env: HashMap<String, String> = [("HOME", "/home/tester"), ("USER", "tester")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    policy::evaluate_shell(cmd, &[], &Context::new(root, env))
}

/// Asserts that the guard matches each of its `matches` and none of its `not_matches`.
pub(crate) fn check_examples(g: &Guard) {
    let mut failures = Vec::new();
    for cmd in g.matches {
        let e = eval(cmd);
        if !e.reasons.iter().any(|r| r.code == g.code) {
            failures.push(format!("{} should match `{cmd}`; got {} {:?}", g.code, e.decision, codes(&e)));
        }
    }
    for cmd in g.not_matches {
        let e = eval(cmd);
        if let Some(r) = e.reasons.iter().find(|r| r.code == g.code) {
            failures.push(format!("{} should not match `{cmd}`; it said: {}", g.code, r.message));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn codes(e: &Evaluation) -> Vec<String> {
    e.reasons.iter().map(|r| format!("{}:{}", r.code, r.decision)).collect()
}

#[test]
fn catalog_is_well_formed() {
    let mut seen = std::collections::HashSet::new();
    let mut last = "";
    for g in GUARDS {
        assert!(seen.insert(g.code), "duplicate code {}", g.code);
        assert!(seen.insert(g.name), "duplicate name {}", g.name);
        assert!(g.code > last, "catalog not in code order at {}", g.code);
        last = g.code;
        let (letters, digits) = g.code.split_at(2);
        assert!(
            letters.bytes().all(|b| b.is_ascii_uppercase())
                && digits.len() == 3
                && digits.bytes().all(|b| b.is_ascii_digit()),
            "bad code {}",
            g.code
        );
        assert!(g.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "bad name {}", g.name);
        assert!(g.matches.len() >= 3, "{} needs at least three matching examples", g.code);
        assert!(g.not_matches.len() >= 3, "{} needs at least three non-matching examples", g.code);
        for section in ["## What it stops", "## Why", "## Instead"] {
            assert!(g.doc.contains(section), "{} doc lacks {section}", g.code);
        }
        assert!(g.on_invocation.is_some() || g.on_event.is_some(), "{} judges nothing", g.code);
        assert!(g.decision > Decision::Allow, "{} never asks or denies", g.code);
    }
}

#[test]
fn guard_decisions_do_not_exceed_their_declared_level() {
    for g in GUARDS {
        for cmd in g.matches {
            for r in eval(cmd).reasons.iter().filter(|r| r.code == g.code) {
                assert!(
                    r.decision <= g.decision,
                    "{} gave {} on `{cmd}` but declares {}",
                    g.code,
                    r.decision,
                    g.decision
                );
            }
        }
    }
}

#[test]
fn by_code_finds_codes_and_names() {
    assert_eq!(super::by_code("fs001").map(|g| g.code), Some("FS001"));
    assert_eq!(super::by_code("delete-critical").map(|g| g.code), Some("FS001"));
    assert!(super::by_code("ZZ999").is_none());
}
