//! The approval prompt on a real terminal: `script` gives tako-exec a pseudo-terminal as
//! its controlling terminal, the test answers on it once the question is shown, and the
//! command runs only after `y`. (Type-ahead sent before the question is discarded, so
//! the answer must follow the prompt.)

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::{tako, TestEnv};

/// A command that needs approval and is harmless when it runs.
const ASKING: &str = "find . -name no-such-file-here -exec rm {} \\; ; echo ran";

/// Runs `tako-exec -c COMMAND` on a pseudo-terminal (util-linux `script`, from the
/// essential bsdutils package), answers `answer` after the prompt, and returns (exit
/// code, everything shown on the terminal).
fn converse(command: &str, answer: Option<&str>) -> (Option<i32>, String) {
    converse_in(&TestEnv::new(), command, answer)
}

/// [`converse`] in a given environment.
fn converse_in(env: &TestEnv, command: &str, answer: Option<&str>) -> (Option<i32>, String) {
    on_terminal(env, &["-c", command], "Run it?", answer)
}

/// Runs `tako-exec ARGS…` on a pseudo-terminal, answers `answer` once `marker` is
/// shown, and returns (exit code, everything shown on the terminal).
fn on_terminal(env: &TestEnv, args: &[&str], marker: &str, answer: Option<&str>) -> (Option<i32>, String) {
    let quoted: Vec<String> = args.iter().map(|a| shell_words::quote(a).into_owned()).collect();
    common::on_terminal(env, &format!("{} {}", tako().display(), quoted.join(" ")), marker, answer)
}

#[test]
fn yes_runs_the_command() {
    let (code, shown) = converse(ASKING, Some("y\r"));
    assert!(shown.contains("approval needed") && shown.contains("FS003"), "{shown}");
    assert!(shown.contains("ran"), "the command ran after yes: {shown}");
    assert_eq!(code, Some(0), "{shown}");
}

#[test]
fn always_runs_and_remembers_that_exact_command() {
    let env = TestEnv::new();
    env.imprint();
    let (code, shown) = converse_in(&env, "git reset --hard", Some("a\r"));
    assert_eq!(code, Some(0), "{shown}");
    assert!(shown.contains("remembered for 7 days"), "{shown}");
    let policy = std::fs::read_to_string(env.path(".tako/policy.toml")).expect("the grant is written");
    assert!(
        policy.contains("command = [\"git\", \"reset\", \"--hard\"]")
            && policy.contains("expires = \"")
            && policy.contains("signature = \""),
        "{policy}"
    );
    let v = env.check_json("git reset --hard");
    assert_eq!(v["decision"], "allow", "{v}");
    assert!(v["reasons"][0]["code"].as_str().is_some_and(|c| c.starts_with("grant-")), "{v}");
    // Only that exact command; and never a deny.
    assert_eq!(env.decision("git reset --hard HEAD~3"), "ask");
    // A grant edited to last longer is no longer the operator's: not used.
    let extended = policy.replace("expires = \"20", "expires = \"21");
    std::fs::write(env.path(".tako/policy.toml"), extended).expect("write");
    assert_eq!(env.decision("git reset --hard"), "ask");
}

#[test]
fn always_without_an_imprint_approves_once() {
    let env = TestEnv::new();
    let (code, shown) = converse_in(&env, "git reset --hard", Some("a\r"));
    assert_eq!(code, Some(0), "{shown}");
    assert!(shown.contains("tako-exec init"), "{shown}");
    assert!(!env.path(".tako/policy.toml").exists());
    assert_eq!(env.decision("git reset --hard"), "ask");
}

#[test]
fn no_and_anything_else_deny() {
    for answer in ["n\r", "\r", "yes please\r"] {
        let (code, shown) = converse(ASKING, Some(answer));
        assert!(shown.contains("Run it?"), "{shown}");
        assert!(!shown.lines().any(|l| l.trim() == "ran"), "nothing ran after {answer:?}: {shown}");
        assert_eq!(code, Some(126), "{answer:?}: {shown}");
    }
}

#[test]
fn the_prompt_shows_hidden_characters() {
    let (code, shown) = converse("echo \u{200B}hidden\u{202E}txt", Some("n\r"));
    assert!(shown.contains("<U+200B>hidden<U+202E>txt"), "{shown}");
    assert!(!shown.contains('\u{202E}'), "the raw bidi override never reaches the terminal: {shown}");
    assert_eq!(code, Some(126));
}

#[test]
fn the_operator_accepts_policy_and_decides_at_a_terminal() {
    let env = TestEnv::new();
    let plane = env.imprint();
    env.write(
        ".tako/policy.toml",
        "[[rule]]\ncommand = [\"git\", \"reset\", \"--hard\"]\ndecision = \"allow\"\nreason = \"mine\"\nmatch = [\"git reset --hard\"]\n",
    );
    assert_eq!(env.decision("git reset --hard"), "ask", "not accepted yet");
    let (code, shown) = on_terminal(&env, &["policy", "accept"], "[y/N]", Some("n\r"));
    assert_eq!(code, Some(126), "{shown}");
    assert_eq!(env.decision("git reset --hard"), "ask");
    let (code, shown) = on_terminal(&env, &["policy", "accept"], "[y/N]", Some("y\r"));
    assert_eq!(code, Some(0), "{shown}");
    assert!(shown.contains("1 rule(s)"), "{shown}");
    assert_eq!(env.decision("git reset --hard"), "allow");

    // Pause and resume.
    let (code, shown) = on_terminal(&env, &["pause", "--reason", "lunch"], "", None);
    assert_eq!(code, Some(0), "{shown}");
    assert!(tako_exec::control::pause::current(&plane).is_some_and(|p| p.reason == "lunch"));
    let (code, shown) = on_terminal(&env, &["resume"], "", None);
    assert_eq!(code, Some(0), "{shown}");
    assert!(tako_exec::control::pause::current(&plane).is_none());

    // A queued request approved from the terminal.
    std::fs::write(env.path(".tako/policy.toml"), "[control]\napproval_wait = 60\n").expect("write");
    tako_exec::control::accept::accept(&plane, ".tako/policy.toml", Some(b"[control]\napproval_wait = 60\n"))
        .expect("accept");
    let waiting = env
        .std_command(tako())
        .args(["-c", "git reset --hard HEAD && touch approved"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let id = loop {
        if let Some(r) = tako_exec::control::queue::pending(&plane).into_iter().next() {
            break r.id;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let (code, shown) = on_terminal(&env, &["approve", &id], "", None);
    assert_eq!(code, Some(0), "{shown}");
    let out = waiting.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(env.path("approved").exists());
    let log = std::fs::read_to_string(env.path(".tako/audit.jsonl")).expect("audit");
    for action in ["policy-accept", "pause", "resume", "approve"] {
        assert!(log.contains(&format!("\"action\":\"{action}\"")), "{action}: {log}");
    }
}

#[test]
fn init_at_a_terminal_confirms_and_force_replaces_the_key() {
    let env = TestEnv::new();
    let (code, shown) = on_terminal(&env, &["init"], "[y/N]", Some("y\r"));
    assert_eq!(code, Some(0), "{shown}");
    let first = tako_exec::control::Plane::open(&env.workspace()).expect("open").expect("imprinted");
    let sig = first.key().sign(tako_exec::control::Domain::Audit, b"x");
    let (code, shown) = on_terminal(&env, &["init", "--force"], "[y/N]", Some("n\r"));
    assert_eq!(code, Some(126), "{shown}");
    let (code, shown) = on_terminal(&env, &["init", "--force"], "[y/N]", Some("y\r"));
    assert_eq!(code, Some(0), "{shown}");
    let second = tako_exec::control::Plane::open(&env.workspace()).expect("open").expect("imprinted");
    assert!(!second.key().verify(tako_exec::control::Domain::Audit, b"x", &sig), "a new key");
}
