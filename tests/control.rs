//! The operator's control plane end to end: the audit trail of every command, pause,
//! budget, the approvals queue, operator commands refusing to run without a terminal,
//! and a log that cannot be written refusing everything.

mod common;

use common::{stderr, stdout, TestEnv};
use tako_exec::control::{pause, queue};

/// Every JSON record of the workspace's audit log.
fn records(env: &TestEnv) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(env.path(".tako/audit.jsonl")).unwrap_or_default();
    text.lines().map(|l| serde_json::from_str(l).expect("a JSON record")).collect()
}

fn verify(env: &TestEnv) -> (Option<i32>, String) {
    let out = env.cmd(&["audit", "verify"]).output().expect("verify");
    (out.status.code(), stdout(&out))
}

#[test]
fn every_command_leaves_a_decision_and_an_exit_record() {
    let env = TestEnv::new();
    env.imprint();
    let out = env.cmd(&["-c", "echo hi; exit 3"]).output().expect("run");
    assert_eq!(out.status.code(), Some(3), "the child's status passes through");
    assert_eq!(stdout(&out), "hi\n");
    let out = env.cmd(&["-c", "GITHUB_TOKEN=abc123 rm -rf /"]).output().expect("run");
    assert_eq!(out.status.code(), Some(126));
    let out = env.cmd(&["--", "sh", "-c", "kill -TERM $$"]).output().expect("run");
    assert_eq!(std::os::unix::process::ExitStatusExt::signal(&out.status), Some(15), "dies by the child's signal");
    let r = records(&env);
    // (decision, exit), (decision), (decision, exit).
    let kinds: Vec<&str> = r.iter().map(|x| x["kind"].as_str().unwrap_or_default()).collect();
    assert_eq!(kinds, ["decision", "exit", "decision", "decision", "exit"], "{r:#?}");
    assert_eq!(r[0]["id"], r[1]["id"]);
    assert_eq!(r[0]["decision"], "allow");
    assert_eq!(r[0]["decided_by"]["how"], "policy");
    assert_eq!(r[1]["exit"]["code"], 3);
    assert_eq!(r[2]["decision"], "deny");
    assert_eq!(r[2]["reasons"][0]["code"], "FS001");
    assert!(r[2]["command"].as_str().is_some_and(|c| c.contains("[REDACTED:") && !c.contains("abc123")), "{}", r[2]);
    assert_eq!(r[4]["exit"]["signal"], 15);
    let seqs: Vec<u64> = r.iter().map(|x| x["seq"].as_u64().unwrap_or_default()).collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5]);
    assert_eq!(verify(&env), (Some(0), "audit log intact: 5 records in 1 file(s), seq 1..5\n".into()));

    let id = r[0]["id"].as_str().expect("id");
    let out = env.cmd(&["audit", "show", id]).output().expect("show");
    assert_eq!(stdout(&out).lines().count(), 2, "{}", stdout(&out));
    let out = env.cmd(&["audit", "tail", "-n", "1", "--json"]).output().expect("tail");
    assert_eq!(common::parse_json_line(&out.stdout, "tail")["seq"], 5);

    // Any edit is detected, and named.
    let text = std::fs::read_to_string(env.path(".tako/audit.jsonl")).expect("read");
    std::fs::write(env.path(".tako/audit.jsonl"), text.replacen("\"deny\"", "\"allow\"", 1)).expect("write");
    let (code, said) = verify(&env);
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("BROKEN") && said.contains("audit.jsonl:3: record 3"), "{said}");
}

#[test]
fn an_audit_log_that_cannot_be_written_refuses_everything() {
    let env = TestEnv::new();
    env.imprint();
    std::fs::create_dir(env.path(".tako/audit.jsonl")).expect("a directory where the log goes");
    let out = env.cmd(&["-c", "touch ran"]).output().expect("run");
    assert_eq!(out.status.code(), Some(125), "{}", stderr(&out));
    assert!(stderr(&out).contains("audit log"), "{}", stderr(&out));
    assert!(!env.path("ran").exists(), "nothing ran");
}

#[test]
fn pause_stops_everything_until_resume() {
    let env = TestEnv::new();
    let plane = env.imprint();
    pause::pause(&plane, "reviewing the last commit").expect("pause");
    let out = env.cmd(&["-c", "touch ran"]).output().expect("run");
    assert_eq!(out.status.code(), Some(126));
    assert!(stderr(&out).contains("reviewing the last commit") && stderr(&out).contains("tako-exec resume"));
    assert!(!env.path("ran").exists());
    // Only the operator resumes, at a terminal: not the agent, not without one.
    let out = env.cmd(&["resume"]).output().expect("resume");
    assert_eq!(out.status.code(), Some(125));
    assert!(stderr(&out).contains("at a terminal"), "{}", stderr(&out));
    let out = env.cmd(&["-c", "tako-exec resume"]).output().expect("run");
    assert_eq!(out.status.code(), Some(126), "still paused, and SP003 besides");
    pause::resume(&plane).expect("resume");
    let out = env.cmd(&["-c", "touch ran"]).output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert!(env.path("ran").exists());
    let how: Vec<String> =
        records(&env).iter().filter_map(|r| r["decided_by"]["how"].as_str().map(str::to_string)).collect();
    assert_eq!(how, ["pause", "pause", "policy"]);
}

#[test]
fn the_budget_warns_then_denies() {
    // Five runs take far less than a minute, so of two attempts at most one can
    // straddle the start of a minute (which restarts the count).
    for attempt in 0..2 {
        let env = TestEnv::new();
        env.operator_policy("[control]\ncommands_per_minute = 4\n");
        let mut codes = Vec::new();
        let mut warned = Vec::new();
        for _ in 0..5 {
            let out = env.cmd(&["-c", "true"]).output().expect("run");
            codes.push(out.status.code());
            warned.push(stderr(&out).contains("warning: 4 of 4 commands this minute"));
            if out.status.code() == Some(126) {
                assert!(stderr(&out).contains("budget of 4 per minute"), "{}", stderr(&out));
            }
        }
        if codes[4] == Some(0) && attempt == 0 {
            continue;
        }
        assert_eq!(codes, [Some(0), Some(0), Some(0), Some(0), Some(126)]);
        assert_eq!(warned, [false, false, false, true, false], "a warning at 85% (4 of 4)");
        let how: Vec<String> =
            records(&env).iter().filter_map(|r| r["decided_by"]["how"].as_str().map(str::to_string)).collect();
        assert_eq!(how.last().map(String::as_str), Some("budget"));
        return;
    }
}

#[test]
fn operator_commands_refuse_without_a_terminal_or_under_tako() {
    let env = TestEnv::new();
    env.imprint();
    for args in [&["approve", "12345678"][..], &["deny", "12345678"], &["pause"], &["policy", "accept"]] {
        let out = env.cmd(args).output().expect("run");
        assert_eq!(out.status.code(), Some(125), "{args:?}");
        assert!(stderr(&out).contains("terminal"), "{args:?}: {}", stderr(&out));
    }
    let out = env.cmd(&["-c", "tako-exec approve 12345678"]).output().expect("run");
    assert_eq!(out.status.code(), Some(126));
    assert!(stderr(&out).contains("SP003"), "{}", stderr(&out));
    // Reading commands work anywhere.
    let out = env.cmd(&["approvals"]).output().expect("approvals");
    assert_eq!((out.status.code(), stdout(&out)), (Some(0), "no approvals waiting\n".to_string()));
}

/// Starts `tako-exec -c CMD` and waits until its request is in the queue.
fn queued(env: &TestEnv, cmd: &str) -> (std::process::Child, queue::Request) {
    let plane = tako_exec::control::Plane::open(&env.workspace()).expect("open").expect("imprinted");
    let mut child =
        env.std_command(common::tako()).args(["-c", cmd]).stderr(std::process::Stdio::piped()).spawn().expect("spawn");
    for _ in 0..300 {
        if let Some(r) = queue::pending(&plane).into_iter().next() {
            return (child, r);
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the request never reached the queue");
}

#[test]
fn queued_approvals_are_decided_by_the_operator() {
    let env = TestEnv::new();
    env.operator_policy("[control]\napproval_wait = 60\n");
    let plane = tako_exec::control::Plane::open(&env.workspace()).expect("open").expect("imprinted");

    let (child, req) = queued(&env, "git reset --hard && touch approved");
    assert!(req.command.contains("git reset --hard"));
    let out = env.cmd(&["approvals", "--json"]).output().expect("list");
    assert_eq!(common::parse_json_line(&out.stdout, "approvals")["pending"][0]["id"], req.id.as_str());
    queue::decide(&plane, &req.id, true).expect("approve");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("tako-exec approve {}", req.id)), "{}", stderr(&out));
    assert!(env.path("approved").exists());

    let (child, req) = queued(&env, "git reset --hard && touch denied");
    queue::decide(&plane, &req.id, false).expect("deny");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(126));
    assert!(stderr(&out).contains("the operator denied"), "{}", stderr(&out));
    assert!(!env.path("denied").exists());

    let how: Vec<(String, String)> = records(&env)
        .iter()
        .filter(|r| r["kind"] == "decision")
        .map(|r| (r["decided_by"]["how"].as_str().unwrap_or("").into(), r["decision"].as_str().unwrap_or("").into()))
        .collect();
    assert_eq!(how, [("queue".into(), "allow".into()), ("queue".into(), "deny".into())]);
}

#[test]
fn queued_approvals_time_out_and_the_queue_is_bounded() {
    let env = TestEnv::new();
    env.operator_policy("[control]\napproval_wait = 1\n");
    let out = env.cmd(&["-c", "git reset --hard"]).output().expect("run");
    assert_eq!(out.status.code(), Some(126));
    assert!(stderr(&out).contains("no decision on request"), "{}", stderr(&out));
    env.operator_policy("[control]\nmax_pending = 0\n");
    let out = env.cmd(&["-c", "git reset --hard"]).output().expect("run");
    assert_eq!(out.status.code(), Some(126));
    assert!(stderr(&out).contains("already waiting"), "{}", stderr(&out));
    env.operator_policy("[control]\napproval_wait = 0\n");
    let out = env.cmd(&["-c", "git reset --hard"]).output().expect("run");
    assert!(stderr(&out).contains("no controlling terminal"), "0 denies at once: {}", stderr(&out));
    let how: Vec<String> =
        records(&env).iter().filter_map(|r| r["decided_by"]["how"].as_str().map(str::to_string)).collect();
    assert_eq!(how, ["timeout", "queue-full", "no-terminal"]);
}

#[test]
fn concurrent_runs_keep_one_intact_chain() {
    let env = TestEnv::new();
    env.imprint();
    let procs: Vec<_> = (0..8)
        .map(|i| {
            let script =
                format!("for n in $(seq 25); do {} -c \"true {i}-$n\" || exit 1; done", common::tako().display());
            env.std_command("sh").args(["-c", &script]).spawn().expect("spawn")
        })
        .collect();
    for mut p in procs {
        assert!(p.wait().expect("wait").success());
    }
    let (code, said) = verify(&env);
    assert_eq!(code, Some(0), "{said}");
    let r = records(&env);
    let decisions: std::collections::HashSet<String> = r
        .iter()
        .filter(|x| x["kind"] == "decision")
        .map(|x| x["command"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(decisions.len(), 200, "every command once");
    assert_eq!(r.iter().filter(|x| x["kind"] == "exit").count(), 200);
    let ids: std::collections::HashSet<&str> = r.iter().filter_map(|x| x["id"].as_str()).collect();
    assert_eq!(ids.len(), 200, "one id per command, shared by its two records");
}

#[test]
fn a_tracked_control_plane_refuses_every_run() {
    for imprinted in [true, false] {
        let env = TestEnv::new();
        if imprinted {
            env.imprint();
        } else {
            env.write(".tako/notes", "x");
        }
        env.write(".tako/stray", "x");
        env.git(&["add", "-f", ".tako/stray"]);
        for args in [&["-c", "touch ran"][..], &["check", "-c", "ls"], &["--", "touch", "ran"]] {
            let out = env.cmd(args).output().expect("run");
            assert_eq!(out.status.code(), Some(125), "{args:?}");
            let err = stderr(&out);
            assert!(err.contains(".tako/stray") && err.contains("git rm -r --cached .tako"), "{err}");
        }
        assert!(!env.path("ran").exists());
        env.git(&["rm", "-q", "-r", "--cached", ".tako"]);
        let out = env.cmd(&["-c", "touch ran"]).output().expect("run");
        assert_eq!(out.status.code(), Some(0), "imprinted={imprinted}: {}", stderr(&out));
    }
}

#[test]
fn unreadable_git_state_refuses() {
    let env = TestEnv::new();
    env.imprint();
    std::fs::write(env.path(".git/index"), b"DIRC garbage").expect("corrupt the index");
    let out = env.cmd(&["-c", "touch ran"]).output().expect("run");
    assert_eq!(out.status.code(), Some(125));
    assert!(stderr(&out).contains("index"), "{}", stderr(&out));
    assert!(!env.path("ran").exists());
}
