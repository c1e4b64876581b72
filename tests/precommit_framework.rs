//! tako-exec's hooks through the real pre-commit framework (https://pre-commit.com):
//! the package is installed from PyPI into a virtualenv under the target directory
//! (once; later runs reuse it), a hooks repository holds this checkout's
//! `.pre-commit-hooks.yaml`, and a workspace using it refuses a staged secret, a
//! tracked `.tako/` and a force-push to `main`.
//!
//! Needs `python3` with `venv` and access to PyPI the first time (`./install.sh`
//! installs python3-venv where apt is available).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{stderr, tako, TestEnv};

/// The `pre-commit` executable, installing it on first use.
fn pre_commit() -> PathBuf {
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pre-commit-venv");
    let exe = venv.join("bin/pre-commit");
    if exe.exists() {
        return exe;
    }
    let out = Command::new("python3").args(["-m", "venv"]).arg(&venv).output().expect("run python3 -m venv");
    assert!(out.status.success(), "python3 -m venv failed (install python3-venv): {}", stderr(&out));
    let out = Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", "--disable-pip-version-check", "pre-commit"])
        .output()
        .expect("run pip");
    assert!(out.status.success(), "pip install pre-commit failed (PyPI reachable?): {}", stderr(&out));
    exe
}

fn run(env: &TestEnv, program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> std::process::Output {
    env.program(program, args).output().expect("run")
}

#[test]
fn the_pre_commit_framework_runs_tako_exec_s_hooks() {
    let pc = pre_commit();
    let env = TestEnv::new();
    std::os::unix::fs::symlink(tako(), env.bin().join("tako-exec")).expect("link tako-exec");
    let path = format!("{}:{}", env.bin().display(), std::env::var("PATH").unwrap_or_default());
    let cache = env.root().join("pre-commit-cache");
    let env = env.with_env("PATH", path).with_env("PRE_COMMIT_HOME", cache);

    // A hooks repository holding this checkout's manifest.
    let repo = env.root().join("hooks-repo");
    std::fs::create_dir_all(&repo).expect("mkdir");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
        repo.join(".pre-commit-hooks.yaml"),
    )
    .expect("copy the manifest");
    let repo_s = repo.to_str().expect("utf-8");
    for args in [
        vec!["-C", repo_s, "init", "-q"],
        vec!["-C", repo_s, "add", "."],
        vec!["-C", repo_s, "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-q", "-m", "hooks"],
    ] {
        let out = run(&env, "git", &args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    let rev = String::from_utf8(run(&env, "git", &["-C", repo_s, "rev-parse", "HEAD"]).stdout).expect("utf-8");
    env.write(
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n  - repo: {repo_s}\n    rev: {}\n    hooks:\n      - id: tako-exec\n      - id: tako-exec-commit-msg\n      - id: tako-exec-pre-push\n",
            rev.trim()
        ),
    );
    let out = run(
        &env,
        &pc,
        &["install", "--hook-type", "pre-commit", "--hook-type", "commit-msg", "--hook-type", "pre-push"],
    );
    assert!(out.status.success(), "pre-commit install: {}", stderr(&out));
    let commit =
        |msg: &str| run(&env, "git", &["-c", "user.name=t", "-c", "user.email=t@x", "commit", "-q", "-m", msg]);
    env.git(&["add", ".pre-commit-config.yaml"]);
    let out = commit("use tako-exec's hooks");
    assert!(out.status.success(), "a clean commit passes: {}", stderr(&out));

    // A staged secret.
    env.write("deploy.env", "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLQ\n");
    env.git(&["add", "deploy.env"]);
    let out = commit("secret");
    assert!(!out.status.success(), "a staged secret is refused");
    let shown = String::from_utf8_lossy(&out.stdout).into_owned() + &stderr(&out);
    assert!(shown.contains("[secret:aws-access-key-id] deploy.env:1"), "{shown}");
    env.git(&["rm", "-q", "--cached", "deploy.env"]);

    // A tracked .tako/.
    env.write(".tako/audit.jsonl", "{}\n");
    env.git(&["add", ".tako/audit.jsonl"]);
    let out = commit("control plane");
    assert!(!out.status.success(), "a staged .tako/ is refused");
    let shown = String::from_utf8_lossy(&out.stdout).into_owned() + &stderr(&out);
    assert!(shown.contains("[tako-tracked]") && shown.contains(".tako/audit.jsonl"), "{shown}");
    env.git(&["rm", "-q", "-r", "--cached", ".tako"]);

    // pre-push: a force-push to main, against a local bare remote.
    let remote = env.root().join("remote.git");
    let remote_s = remote.to_str().expect("utf-8");
    assert!(run(&env, "git", &["init", "-q", "--bare", remote_s]).status.success());
    env.git(&["remote", "add", "origin", remote_s]);
    let out = run(&env, "git", &["push", "-q", "origin", "HEAD:main"]);
    assert!(out.status.success(), "the first push: {}", stderr(&out));
    env.git(&["-c", "user.name=t", "-c", "user.email=t@x", "commit", "-q", "--amend", "-m", "rewritten"]);
    let out = run(&env, "git", &["push", "-q", "--force", "origin", "HEAD:main"]);
    assert!(!out.status.success(), "a force-push to main is refused");
    let shown = String::from_utf8_lossy(&out.stdout).into_owned() + &stderr(&out);
    assert!(shown.contains("[protected-branch] main"), "{shown}");
    let out = run(&env, "git", &["push", "-q", "--force", "origin", "HEAD:feature"]);
    assert!(out.status.success(), "a feature branch is fine: {}", stderr(&out));
}
