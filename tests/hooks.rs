//! The git hooks end to end, with real repositories: the shims in `hooks/` call
//! `tako-exec hook NAME`. pre-commit refuses a tracked or staged `.tako/` (plain or
//! forced add), a staged secret (until an allowlist entry accepts it), and staged
//! changes to protected files; pre-push refuses force-pushes and deletions of
//! protected branches and secrets in pushed commits, against a local bare remote;
//! commit-msg refuses a secret in the message. Refusals are audited where `.tako/`
//! exists, and an operator can override one at a terminal.

mod common;

use std::path::PathBuf;

use common::{on_terminal, stderr, tako, TestEnv};

const AWS_KEY: &str = "AKIAIOSFODNN7EXAMPLQ";

fn shims() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("hooks")
}

/// A workspace whose `.git/hooks` hold the shipped shims, with tako-exec on `PATH`.
fn hooked() -> TestEnv {
    let env = TestEnv::new();
    std::os::unix::fs::symlink(tako(), env.bin().join("tako-exec")).expect("link tako-exec");
    let path = format!("{}:{}", env.bin().display(), std::env::var("PATH").unwrap_or_default());
    let env = env.with_env("PATH", path);
    for name in ["pre-commit", "commit-msg", "pre-push"] {
        std::fs::copy(shims().join(name), env.path(".git/hooks").join(name)).expect("copy a shim");
    }
    env
}

fn git(env: &TestEnv, args: &[&str]) -> std::process::Output {
    env.program("git", args).output().expect("run git")
}

fn commit(env: &TestEnv, message: &str) -> std::process::Output {
    git(env, &["-c", "user.name=t", "-c", "user.email=t@x", "commit", "-q", "-m", message])
}

fn add_and_commit(env: &TestEnv, file: &str, content: &str) -> std::process::Output {
    env.write(file, content);
    assert!(git(env, &["add", file]).status.success());
    commit(env, &format!("add {file}"))
}

#[test]
fn commit_with_tracked_tako_is_refused_until_untracked() {
    let env = hooked();
    env.write(".tako/audit.jsonl", "{}\n");
    let add = git(&env, &["add", ".tako/audit.jsonl"]);
    assert!(add.status.success(), "git add: {}", stderr(&add));
    let out = commit(&env, "oops");
    assert!(!out.status.success(), "the commit must be refused");
    let err = stderr(&out);
    assert!(err.contains(".tako/audit.jsonl") && err.contains("git rm -r --cached .tako"), "{err}");
    assert!(err.contains("[tako-tracked]"), "{err}");

    let rm = git(&env, &["rm", "-q", "-r", "--cached", ".tako"]);
    assert!(rm.status.success(), "{}", stderr(&rm));
    let out = add_and_commit(&env, "notes.txt", "ok\n");
    assert!(out.status.success(), "an ordinary commit passes: {}", stderr(&out));
    assert!(stderr(&out).is_empty(), "silent when all is well: {}", stderr(&out));
}

#[test]
fn a_forced_add_of_an_ignored_tako_and_nested_ones_are_refused() {
    let env = hooked();
    env.write(".gitignore", ".tako/\n");
    env.write("sub/.tako/audit.jsonl", "{}\n");
    assert!(!git(&env, &["add", "sub/.tako/audit.jsonl"]).status.success(), "ignored: plain add fails");
    assert!(git(&env, &["add", "-f", "sub/.tako/audit.jsonl"]).status.success());
    let out = commit(&env, "oops");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("sub/.tako/audit.jsonl"), "{}", stderr(&out));
}

#[test]
fn a_staged_secret_is_refused_with_file_line_and_rule() {
    let env = hooked();
    let out = add_and_commit(&env, "config/app.env", &format!("REGION=eu\nAWS_ACCESS_KEY_ID={AWS_KEY}\n"));
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("config/app.env:2"), "{err}");
    assert!(err.contains("[secret:aws-access-key-id]"), "{err}");
    assert!(err.contains("fingerprint "), "{err}");
    assert!(!err.contains(AWS_KEY), "the secret itself is never printed: {err}");
    // Nothing was committed.
    let log = git(&env, &["log", "--oneline"]);
    assert_eq!(String::from_utf8_lossy(&log.stdout).lines().count(), 1);
}

#[test]
fn the_index_is_scanned_not_the_working_tree() {
    let env = hooked();
    // Clean content staged, a secret only in the working tree: passes.
    env.write("a.txt", "clean\n");
    assert!(git(&env, &["add", "a.txt"]).status.success());
    env.write("a.txt", &format!("clean\nkey={AWS_KEY}\n"));
    let out = commit(&env, "clean");
    assert!(out.status.success(), "{}", stderr(&out));
    // A secret staged, then removed from the working tree only: refused.
    env.write("b.txt", &format!("key={AWS_KEY}\n"));
    assert!(git(&env, &["add", "b.txt"]).status.success());
    env.write("b.txt", "gone\n");
    let out = commit(&env, "staged secret");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("b.txt:1"), "{}", stderr(&out));
}

#[test]
fn commit_all_uses_git_s_temporary_index() {
    let env = hooked();
    let out = add_and_commit(&env, "t.txt", "one\n");
    assert!(out.status.success());
    // `git commit -a` stages through a temporary index (GIT_INDEX_FILE).
    env.write("t.txt", &format!("one\ntoken={AWS_KEY}\n"));
    let out = git(&env, &["-c", "user.name=t", "-c", "user.email=t@x", "commit", "-q", "-a", "-m", "all"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("t.txt:2"), "{}", stderr(&out));
}

#[test]
fn an_allowlist_entry_accepts_a_finding() {
    let env = hooked();
    let out = add_and_commit(&env, "fixtures/keys.txt", &format!("{AWS_KEY}\n"));
    assert!(!out.status.success());
    let err = stderr(&out);
    let fp = err.split("fingerprint ").nth(1).and_then(|s| s.split_whitespace().next()).expect("a fingerprint");
    env.write("tako.toml", &format!("[[hooks.allow]]\nfingerprint = \"{fp}\"\nreason = \"documented example key\"\n"));
    let out = commit(&env, "with the allowlist");
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("accepted [secret:aws-access-key-id] fixtures/keys.txt:1: documented example key"), "{err}");
    // Another secret in the same file is not accepted by that fingerprint.
    let out = add_and_commit(&env, "fixtures/keys.txt", &format!("{AWS_KEY}\nAKIAIOSFODNN7EXAMPLZ\n"));
    assert!(!out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("fixtures/keys.txt:2"));
}

#[test]
fn where_an_operator_imprinted_only_the_operator_accepts_findings() {
    let env = hooked();
    env.imprint();
    env.write(".gitignore", ".tako/\n");
    env.write("tako.toml", "[[hooks.allow]]\npath = \"fixtures/**\"\nreason = \"the agent says so\"\n");
    let out = add_and_commit(&env, "fixtures/keys.txt", &format!("{AWS_KEY}\n"));
    assert!(!out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("entry is ignored"), "{}", stderr(&out));
    env.operator_policy(
        "[[hooks.allow]]\npath = \"fixtures/**\"\nrule = \"aws-access-key-id\"\nreason = \"test keys\"\n",
    );
    let out = commit(&env, "operator accepted");
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn staged_changes_to_protected_files_are_refused() {
    let env = hooked();
    env.write("tako.toml", "[hooks]\nprotected_files = [\"deploy/**\"]\n");
    assert!(add_and_commit(&env, "tako.toml", "[hooks]\nprotected_files = [\"deploy/**\"]\n").status.success());
    let out = add_and_commit(&env, "deploy/prod.yaml", "replicas: 3\n");
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("[protected-file] deploy/prod.yaml") && err.contains("tako.toml:2"), "{err}");
}

#[test]
fn a_secret_in_the_commit_message_is_refused() {
    let env = hooked();
    env.write("m.txt", "x\n");
    assert!(git(&env, &["add", "m.txt"]).status.success());
    let out = commit(&env, &format!("use key {AWS_KEY}"));
    assert!(!out.status.success());
    assert!(stderr(&out).contains("commit message:1"), "{}", stderr(&out));
}

#[test]
fn without_tako_exec_the_shim_refuses_and_says_how_to_skip() {
    let env = TestEnv::new().with_env("PATH", "/usr/bin:/bin");
    std::fs::copy(shims().join("pre-commit"), env.path(".git/hooks/pre-commit")).expect("copy");
    let out = add_and_commit(&env, "x.txt", "x\n");
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("not installed or not on PATH") && err.contains("--no-verify"), "{err}");
}

/// A bare remote `origin` with `main` pushed.
fn with_remote(env: &TestEnv) -> PathBuf {
    let remote = env.root().join("remote.git");
    let out = env.program("git", &["init", "-q", "--bare", remote.to_str().expect("utf-8")]).output().expect("git");
    assert!(out.status.success());
    assert!(git(env, &["remote", "add", "origin", remote.to_str().expect("utf-8")]).status.success());
    let out = git(env, &["push", "-q", "origin", "HEAD:main"]);
    assert!(out.status.success(), "the first push of main: {}", stderr(&out));
    remote
}

#[test]
fn pushes_to_protected_branches() {
    let env = hooked();
    with_remote(&env);
    assert!(add_and_commit(&env, "a.txt", "a\n").status.success());
    let out = git(&env, &["push", "-q", "origin", "HEAD:main"]);
    assert!(out.status.success(), "a fast-forward of main: {}", stderr(&out));
    // Rewrite the last commit and force it onto main: refused.
    assert!(git(&env, &["reset", "-q", "--hard", "HEAD~1"]).status.success());
    assert!(add_and_commit(&env, "b.txt", "b\n").status.success());
    let out = git(&env, &["push", "-q", "--force", "origin", "HEAD:main"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("[protected-branch] main: rewriting its history"), "{}", stderr(&out));
    // A feature branch may be force-pushed.
    let out = git(&env, &["push", "-q", "--force", "origin", "HEAD:feature/x"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(add_and_commit(&env, "c.txt", "c\n").status.success());
    assert!(git(&env, &["reset", "-q", "--hard", "HEAD~1"]).status.success());
    let out = git(&env, &["push", "-q", "--force", "origin", "HEAD:feature/x"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Deleting main: refused; deleting the feature branch: allowed.
    let out = git(&env, &["push", "-q", "origin", ":main"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("[protected-branch] main: deleting it"), "{}", stderr(&out));
    let out = git(&env, &["push", "-q", "origin", ":feature/x"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn pushed_commits_are_scanned_for_secrets_and_tako() {
    let env = hooked();
    with_remote(&env);
    env.write("s.txt", &format!("key={AWS_KEY}\n"));
    assert!(git(&env, &["add", "s.txt"]).status.success());
    // Committed with the hooks skipped (the operator's choice), caught at push.
    let out = git(&env, &["-c", "user.name=t", "-c", "user.email=t@x", "commit", "-q", "--no-verify", "-m", "s"]);
    assert!(out.status.success());
    let out = git(&env, &["push", "-q", "origin", "HEAD:topic"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("s.txt:1 (commit ") && err.contains("[secret:aws-access-key-id]"), "{err}");
    // Already on the remote: not scanned again.
    assert!(git(&env, &["reset", "-q", "--hard", "HEAD~1"]).status.success());
    env.write(".tako/k", "x\n");
    assert!(git(&env, &["add", ".tako/k"]).status.success());
    let out = git(&env, &["-c", "user.name=t", "-c", "user.email=t@x", "commit", "-q", "--no-verify", "-m", "t"]);
    assert!(out.status.success());
    assert!(git(&env, &["rm", "-q", "-r", "--cached", ".tako"]).status.success());
    let out = git(&env, &["push", "-q", "origin", "HEAD:topic2"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("[tako-tracked] .tako/k (commit "), "{}", stderr(&out));
}

#[test]
fn refusals_and_passes_are_audited_where_tako_exists() {
    let env = hooked();
    env.imprint();
    env.write(".gitignore", ".tako/\n");
    let out = add_and_commit(&env, "k.txt", &format!("{AWS_KEY}\n"));
    assert!(!out.status.success());
    assert!(git(&env, &["rm", "-q", "--cached", "k.txt"]).status.success());
    let out = add_and_commit(&env, ".gitignore", ".tako/\n");
    assert!(out.status.success(), "{}", stderr(&out));
    let log = std::fs::read_to_string(env.path(".tako/audit.jsonl")).expect("the audit log");
    let records: Vec<serde_json::Value> =
        log.lines().map(|l| serde_json::from_str(l).expect("a JSON record")).collect();
    let hooks: Vec<&serde_json::Value> =
        records.iter().filter(|r| r["kind"] == "hook" && r["hook"] == "pre-commit").collect();
    assert_eq!(hooks.len(), 2, "{log}");
    assert_eq!(hooks[0]["decision"], "deny");
    assert_eq!(hooks[0]["hook"], "pre-commit");
    assert_eq!(hooks[0]["problems"][0]["refusal"], "secret:aws-access-key-id");
    assert_eq!(hooks[0]["problems"][0]["rule"], "aws-access-key-id");
    assert_eq!(hooks[0]["problems"][0]["path"], "k.txt");
    assert_eq!(hooks[1]["decision"], "allow");
    let verify = env.cmd(&["audit", "verify"]).output().expect("verify");
    assert!(verify.status.success(), "{}", stderr(&verify));
}

#[test]
fn the_operator_overrides_a_refusal_at_the_terminal_and_it_is_audited() {
    let env = hooked();
    env.imprint();
    env.write(".gitignore", ".tako/\n");
    env.write("k.txt", &format!("{AWS_KEY}\n"));
    assert!(git(&env, &["add", "k.txt", ".gitignore"]).status.success());
    let commit = "TAKO_HOOK_OVERRIDE=1 git -c user.name=t -c user.email=t@x commit -q -m override";
    let (code, shown) = on_terminal(&env, commit, "[y/N]", Some("n\n"));
    assert_ne!(code, Some(0), "a no keeps the refusal: {shown}");
    let (code, shown) = on_terminal(&env, commit, "[y/N]", Some("y\n"));
    assert_eq!(code, Some(0), "{shown}");
    assert!(shown.contains("overridden by the operator"), "{shown}");
    let log = std::fs::read_to_string(env.path(".tako/audit.jsonl")).expect("the audit log");
    assert!(log.contains("\"decision\":\"override\""), "{log}");
    // The variable alone, without a terminal, changes nothing.
    env.write("k2.txt", &format!("{AWS_KEY}\n"));
    assert!(git(&env, &["add", "k2.txt"]).status.success());
    let out = env
        .program("git", &["-c", "user.name=t", "-c", "user.email=t@x", "commit", "-q", "-m", "agent"])
        .env("TAKO_HOOK_OVERRIDE", "1")
        .output()
        .expect("git");
    assert!(!out.status.success(), "{}", stderr(&out));
}

/// A hook that records its arguments and standard input in `FILE`, then exits `code`.
fn recording_hook(env: &TestEnv, name: &str, file: &str, code: i32) -> PathBuf {
    let p = env.path(".git/hooks").join(name);
    let out = env.path(file);
    std::fs::write(
        &p,
        format!("#!/bin/sh\necho \"args: $*\" >> '{}'\ncat >> '{}'\nexit {code}\n", out.display(), out.display()),
    )
    .expect("write the hook");
    std::fs::set_permissions(&p, std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("chmod");
    p
}

/// A workspace with tako-exec on PATH and no hooks yet.
fn plain() -> TestEnv {
    let env = TestEnv::new();
    std::os::unix::fs::symlink(tako(), env.bin().join("tako-exec")).expect("link tako-exec");
    let path = format!("{}:{}", env.bin().display(), std::env::var("PATH").unwrap_or_default());
    env.with_env("PATH", path)
}

#[test]
fn an_existing_hook_is_chained_after_tako_s_checks_with_args_and_stdin() {
    let env = plain();
    env.write(".gitignore", "hook.log\n");
    recording_hook(&env, "pre-push", "hook.log", 0);
    recording_hook(&env, "pre-commit", "hook.log", 0);
    let out = env.cmd(&["hooks", "install"]).output().expect("install");
    assert!(out.status.success(), "{}", stderr(&out));
    with_remote(&env);
    let log = std::fs::read_to_string(env.path("hook.log")).expect("the chained pre-push ran");
    assert!(log.contains("args: origin "), "{log}");
    assert!(log.contains(" refs/heads/main 0000000000000000000000000000000000000000"), "stdin passed through: {log}");
    // tako's refusal comes first: the chained hook does not run.
    std::fs::remove_file(env.path("hook.log")).expect("rm");
    let out = add_and_commit(&env, "k.txt", &format!("{AWS_KEY}\n"));
    assert!(!out.status.success());
    assert!(!env.path("hook.log").exists(), "the chained hook runs only after tako's checks pass");
    assert!(git(&env, &["rm", "-q", "--cached", "k.txt"]).status.success());
    // The chained hook's own refusal still refuses.
    recording_hook(&env, "pre-commit.tako-chained", "hook.log", 3);
    let out = env.cmd(&["hooks", "install"]).output().expect("re-accept the changed hook");
    assert!(out.status.success(), "{}", stderr(&out));
    let out = add_and_commit(&env, "ok.txt", "ok\n");
    assert!(!out.status.success(), "the chained hook exited 3");
    assert!(env.path("hook.log").exists());
}

#[test]
fn a_chained_hook_changed_after_install_is_not_run_and_refuses() {
    let env = plain();
    recording_hook(&env, "pre-commit", "hook.log", 0);
    assert!(env.cmd(&["hooks", "install"]).output().expect("install").status.success());
    std::fs::write(env.path(".git/hooks/pre-commit.tako-chained"), "#!/bin/sh\ntouch pwned\n").expect("tamper");
    let out = add_and_commit(&env, "ok.txt", "ok\n");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("[hook-changed]"), "{}", stderr(&out));
    assert!(!env.path("pwned").exists(), "a changed chained hook is never run");
}

#[test]
fn core_hooks_path_is_honoured_and_uninstall_restores() {
    let env = plain();
    env.git(&["config", "core.hooksPath", ".githooks"]);
    std::fs::create_dir_all(env.path(".githooks")).expect("mkdir");
    let original = "#!/bin/sh\nexit 0\n";
    std::fs::write(env.path(".githooks/pre-commit"), original).expect("write");
    std::fs::set_permissions(env.path(".githooks/pre-commit"), std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let out = env.cmd(&["hooks", "install"]).output().expect("install");
    assert!(out.status.success(), "{}", stderr(&out));
    let out = add_and_commit(&env, "k.txt", &format!("{AWS_KEY}\n"));
    assert!(!out.status.success(), "the hooks in core.hooksPath run");
    assert!(git(&env, &["rm", "-q", "--cached", "k.txt"]).status.success());
    let out = env.cmd(&["hooks", "uninstall"]).output().expect("uninstall");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(env.path(".githooks/pre-commit")).expect("restored"), original);
    assert!(!env.path(".githooks/pre-push").exists(), "nothing was there: nothing is left");
    let out = add_and_commit(&env, "k.txt", &format!("{AWS_KEY}\n"));
    assert!(out.status.success(), "uninstalled: {}", stderr(&out));
}

#[test]
fn hooks_installed_by_the_operator_are_watched_on_every_run() {
    let env = plain();
    env.imprint();
    env.write(".gitignore", ".tako/\n");
    let tako_path = tako();
    let install = format!("{} hooks install", tako_path.display());
    let (code, shown) = on_terminal(&env, &install, "", None);
    assert_eq!(code, Some(0), "{shown}");
    let out = env.cmd(&["-c", "true"]).output().expect("run");
    assert!(out.status.success());
    assert!(!stderr(&out).contains("hook"), "intact: nothing said: {}", stderr(&out));
    let shim = env.path(".git/hooks/pre-commit");
    let mut text = std::fs::read_to_string(&shim).expect("shim");
    text.push_str("# edited\n");
    std::fs::write(&shim, text).expect("edit");
    let out = env.cmd(&["-c", "true"]).output().expect("run");
    assert!(out.status.success(), "a warning, not a refusal of the command");
    let err = stderr(&out);
    assert!(err.contains("pre-commit") && err.contains("hooks install"), "{err}");
}

#[test]
fn pre_push_refuses_when_a_hook_manager_hides_git_s_input() {
    let env = plain();
    let run = format!("{} hook pre-push origin /tmp/remote.git", tako().display());
    let (code, shown) = on_terminal(&env, &run, "", None);
    assert_eq!(code, Some(125), "{shown}");
    assert!(shown.contains("use_stdin"), "{shown}");
}

#[test]
fn a_rename_is_scanned_for_what_it_adds_only() {
    let env = hooked();
    env.write("old.cfg", &format!("a = 1\nkey = {AWS_KEY}\nb = 2\nc = 3\nd = 4\n"));
    assert!(git(&env, &["add", "old.cfg"]).status.success());
    let out = git(&env, &["-c", "user.name=t", "-c", "user.email=t@x", "commit", "-q", "--no-verify", "-m", "old"]);
    assert!(out.status.success());
    // Renamed as it is: the secret is already committed, nothing is added.
    assert!(git(&env, &["mv", "old.cfg", "new.cfg"]).status.success());
    let out = commit(&env, "rename");
    assert!(out.status.success(), "{}", stderr(&out));
    // Renamed with a line added: only that line is new.
    assert!(git(&env, &["mv", "new.cfg", "newer.cfg"]).status.success());
    env.write("newer.cfg", &format!("a = 1\nkey = {AWS_KEY}\nb = 2\nc = 3\nd = 4\ntoken = AKIAIOSFODNN7EXAMPLZ\n"));
    assert!(git(&env, &["add", "newer.cfg"]).status.success());
    let out = commit(&env, "rename and add");
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("newer.cfg:6") && !err.contains("newer.cfg:2"), "{err}");
}
