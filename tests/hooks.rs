//! The git hook shipped in `hooks/`: `pre-commit` refuses a commit while anything under
//! `.tako/` is tracked or staged (plainly or with `git add -f`), and lets it through once
//! `.tako/` is untracked.

mod common;

use std::path::PathBuf;

use common::{stderr, TestEnv};

fn hook() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("hooks/pre-commit")
}

fn git(env: &TestEnv, args: &[&str]) -> std::process::Output {
    env.program("git", args).output().expect("run git")
}

fn install(env: &TestEnv) {
    let dest = env.workspace().join(".git/hooks/pre-commit");
    std::fs::copy(hook(), &dest).expect("copy hook");
}

#[test]
fn commit_with_tracked_tako_is_refused_until_untracked() {
    let env = TestEnv::new();
    install(&env);
    env.write(".tako/operator.json", "{\"operator\":\"me\"}\n");
    let add = git(&env, &["add", "-f", ".tako/operator.json"]);
    assert!(add.status.success(), "git add -f: {}", stderr(&add));
    let commit = git(&env, &["-c", "user.name=t", "-c", "user.email=t@x", "commit", "-q", "-m", "oops"]);
    assert!(!commit.status.success(), "the commit must be refused");
    let err = stderr(&commit);
    assert!(err.contains(".tako/operator.json") && err.contains("git rm -r --cached .tako"), "{err}");

    let rm = git(&env, &["rm", "-q", "-r", "--cached", ".tako"]);
    assert!(rm.status.success(), "{}", stderr(&rm));
    env.write("notes.txt", "ok\n");
    assert!(git(&env, &["add", "notes.txt"]).status.success());
    let commit = git(&env, &["-c", "user.name=t", "-c", "user.email=t@x", "commit", "-q", "-m", "fine"]);
    assert!(commit.status.success(), "an ordinary commit passes: {}", stderr(&commit));
}

#[test]
fn nested_tako_directories_count_too() {
    let env = TestEnv::new();
    install(&env);
    env.write("sub/.tako/audit.jsonl", "{}\n");
    assert!(git(&env, &["add", "-f", "sub/.tako/audit.jsonl"]).status.success());
    let commit = git(&env, &["-c", "user.name=t", "-c", "user.email=t@x", "commit", "-q", "-m", "oops"]);
    assert!(!commit.status.success());
    assert!(stderr(&commit).contains("sub/.tako/audit.jsonl"));
}
