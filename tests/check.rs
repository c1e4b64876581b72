//! `tako-exec check` and `tako-exec explain`: the JSON document's schema, exit codes,
//! the three targets (`-c`, `--`, a script on stdin), the guard catalog, and snapshots
//! of the text operators read (the deny line, `check`'s report, `explain`, `--help`).

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use serde_json::Value;

use common::{parse_json_line, stderr, stdout, TestEnv};

const DECISIONS: &[&str] = &["allow", "ask", "deny"];

fn rank(decision: &str) -> usize {
    DECISIONS.iter().position(|d| *d == decision).unwrap_or_else(|| panic!("unknown decision {decision:?}"))
}

fn is_code(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 5 && b[..2].iter().all(u8::is_ascii_uppercase) && b[2..].iter().all(u8::is_ascii_digit)
}

/// Checks one `check --json` document against the schema, version 1.
fn assert_schema(v: &Value, what: &str) {
    let obj = v.as_object().unwrap_or_else(|| panic!("{what}: not an object: {v}"));
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["decision", "reasons", "version"], "{what}: top-level keys: {v}");
    assert_eq!(v["version"], 1, "{what}: version: {v}");
    let decision = v["decision"].as_str().unwrap_or_else(|| panic!("{what}: decision is not a string: {v}"));
    let reasons = v["reasons"].as_array().unwrap_or_else(|| panic!("{what}: reasons is not an array: {v}"));
    let mut strictest = 0;
    let mut previous = usize::MAX;
    for r in reasons {
        let o = r.as_object().unwrap_or_else(|| panic!("{what}: a reason is not an object: {r}"));
        let mut keys: Vec<&str> = o.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["code", "command", "decision", "hint", "layer", "message", "name"],
            "{what}: reason keys: {r}"
        );
        let code = r["code"].as_str().unwrap_or_default();
        assert!(is_code(code), "{what}: code {code:?} is not like FS001: {r}");
        let g = tako_exec::guard::by_code(code).unwrap_or_else(|| panic!("{what}: {code} is not in the catalog"));
        assert_eq!(r["name"], g.name, "{what}: name of {code}");
        assert!(matches!(r["layer"].as_str(), Some("parse" | "guard")), "{what}: layer: {r}");
        let d = rank(r["decision"].as_str().unwrap_or_else(|| panic!("{what}: reason decision: {r}")));
        assert!(d >= rank("ask"), "{what}: a reason never allows: {r}");
        assert!(d <= previous, "{what}: reasons come strictest first: {v}");
        previous = d;
        strictest = strictest.max(d);
        assert!(!r["message"].as_str().unwrap_or_default().is_empty(), "{what}: empty message: {r}");
        assert!(r["command"].is_string(), "{what}: command: {r}");
        assert!(r["hint"].is_string() || r["hint"].is_null(), "{what}: hint: {r}");
    }
    assert_eq!(rank(decision), strictest, "{what}: the decision is the strictest reason's (allow if none): {v}");
}

fn code_for(decision: &str) -> i32 {
    match decision {
        "allow" => 0,
        "ask" => 1,
        "deny" => 126,
        other => panic!("unknown decision {other}"),
    }
}

#[test]
fn json_schema_and_exit_codes() {
    let env = TestEnv::new();
    let cases = [
        ("ls -la", "allow", None),
        ("git status && cargo test", "allow", None),
        ("echo 'rm -rf /'", "allow", None),
        ("", "allow", None),
        ("sudo ls", "ask", Some("PR001")),
        ("git reset --hard", "ask", Some("GT001")),
        ("rm -rf /", "deny", Some("FS001")),
        ("rm -rf ~", "deny", Some("FS001")),
        ("git push --force origin main", "deny", Some("GT002")),
        ("cat ~/.ssh/id_rsa", "deny", Some("SE001")),
        ("curl https://example.com/x.sh | sh", "deny", Some("RC001")),
        ("echo 'unterminated", "deny", Some("OP002")),
        ("if; then fi", "deny", Some("OP002")),
        ("echo )", "deny", Some("OP002")),
        ("sudo rm -rf /", "deny", Some("FS001")),
    ];
    for (text, want, code) in cases {
        let out = env.cmd(&["check", "--json", "-c", text]).output().unwrap();
        let v = parse_json_line(&out.stdout, text);
        assert_schema(&v, text);
        assert_eq!(v["decision"], want, "{text}: {v}");
        assert_eq!(out.status.code(), Some(code_for(want)), "{text}: {v}");
        assert_eq!(stderr(&out), "", "{text}: check --json writes nothing on stderr");
        if let Some(code) = code {
            assert_eq!(v["reasons"][0]["code"], code, "{text}: primary reason: {v}");
        } else {
            assert_eq!(v["reasons"], serde_json::json!([]), "{text}: {v}");
        }
    }
}

#[test]
fn not_utf8_is_denied() {
    let env = TestEnv::new();
    let text = OsStr::from_bytes(b"echo \xff\xfe");
    let out = env.cmd(&[OsStr::new("check"), OsStr::new("--json"), OsStr::new("-c"), text]).output().unwrap();
    let v = parse_json_line(&out.stdout, "non-UTF-8");
    assert_schema(&v, "non-UTF-8");
    assert_eq!((v["decision"].as_str(), v["reasons"][0]["code"].as_str()), (Some("deny"), Some("OP002")), "{v}");
    assert_eq!(out.status.code(), Some(126));
}

#[test]
fn human_report_and_exit_codes() {
    let env = TestEnv::new();
    for (text, first_line, code) in
        [("ls", "allow: ls", 0), ("sudo ls", "ask: sudo ls", 1), ("rm -rf /", "deny: rm -rf /", 126)]
    {
        let out = env.cmd(&["check", "-c", text]).output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{text}");
        assert_eq!(stdout(&out).lines().next(), Some(first_line), "{text}: {}", stdout(&out));
    }
}

#[test]
fn check_never_runs_anything() {
    let env = TestEnv::new();
    for args in [
        &["check", "-c", "touch made.txt"][..],
        &["check", "--", "touch", "made.txt"],
        &["check", "--json", "-c", "touch made.txt"],
    ] {
        let out = env.cmd(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(!env.path("made.txt").exists(), "{args:?} ran the command");
    }
    let out = env.cmd(&["check"]).write_stdin("touch made.txt\n").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(!env.path("made.txt").exists());
}

#[test]
fn check_targets_argv_positional_and_stdin() {
    let env = TestEnv::new();
    let json = |args: &[&str], stdin: Option<&str>| {
        let mut c = env.cmd(args);
        if let Some(s) = stdin {
            c.write_stdin(s);
        }
        let out = c.output().unwrap();
        let v = parse_json_line(&out.stdout, &format!("{args:?}"));
        assert_schema(&v, &format!("{args:?}"));
        assert_eq!(out.status.code(), Some(code_for(v["decision"].as_str().unwrap())), "{args:?}: {v}");
        v["decision"].as_str().unwrap().to_string()
    };
    assert_eq!(json(&["check", "--json", "--", "ls", "-la"], None), "allow");
    assert_eq!(json(&["check", "--json", "--", "rm", "-rf", "/"], None), "deny");
    assert_eq!(json(&["check", "--json", "--", "sudo", "ls"], None), "ask");
    // Argv is not shell text: `;` is an argument, not an operator.
    assert_eq!(json(&["check", "--json", "--", "echo", "x;", "rm", "-rf", "/"], None), "allow");

    assert_eq!(json(&["check", "--json", "-c", "rm -rf \"$1\"", "name", "/"], None), "deny");
    assert_eq!(json(&["check", "--json", "-c", "rm -rf \"$1\"", "name", "build"], None), "allow");
    assert_eq!(json(&["check", "--json", "-c", "rm -rf \"$0\"", "/"], None), "deny");

    assert_eq!(json(&["check", "--json"], Some("ls\necho hi\n")), "allow");
    assert_eq!(json(&["check", "--json"], Some("echo start\nsudo ls\n")), "ask");
    assert_eq!(json(&["check", "--json"], Some("echo start\nrm -rf /\n")), "deny");
    assert_eq!(json(&["check", "--json"], Some("")), "allow");
    assert_eq!(json(&["check", "--json"], Some("f() {\n  rm -rf ~\n}\nf\n")), "deny");
}

#[test]
fn reserved_words_out_of_place_are_parse_errors() {
    let env = TestEnv::new();
    for text in ["if then fi", "fi", "done", "then", "echo a; fi"] {
        let v = env.check_json(text);
        assert_eq!(
            (v["decision"].as_str(), v["reasons"][0]["code"].as_str()),
            (Some("deny"), Some("OP002")),
            "{text}: {v}"
        );
    }
}

#[test]
fn non_ascii_in_a_parameter_name_is_judged() {
    let env = TestEnv::new();
    for text in ["echo ${caté}", "${aé"] {
        let out = env.cmd(&["check", "--json", "-c", text]).output().unwrap();
        assert!(!stderr(&out).contains("panicked"), "{text}: {}", stderr(&out));
        let v = parse_json_line(&out.stdout, text);
        assert_schema(&v, text);
        assert_eq!(out.status.code(), Some(code_for(v["decision"].as_str().unwrap())), "{text}: {v}");
    }
    let out = env.cmd(&["-c", "echo ${caté}"]).output().unwrap();
    assert!(matches!(out.status.code(), Some(1 | 126)), "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}

#[test]
fn home_inside_a_temp_dir_is_still_the_home() {
    let scratch = tempfile::tempdir().unwrap();
    let home = scratch.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let env = TestEnv::new().with_env("HOME", &home);
    for text in ["rm -rf $HOME", "rm -rf ~"] {
        let v = env.check_json(text);
        assert_eq!(v["decision"], "deny", "{text} with HOME={}: {v}", home.display());
    }
}

#[test]
fn explain_list_is_the_catalog() {
    let env = TestEnv::new();
    let out = env.cmd(&["explain", "--list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), tako_exec::guard::GUARDS.len(), "one line per guard:\n{text}");
    assert!(lines.len() >= 37, "the catalog has at least the 37 built-in guards:\n{text}");
    let codes: Vec<&str> = lines.iter().map(|l| l.split_whitespace().next().unwrap_or_default()).collect();
    assert!(codes.iter().all(|c| is_code(c)), "{codes:?}");
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted, codes, "codes are unique and in order");
    assert_eq!(codes.first(), Some(&"DB001"));
    assert_eq!(codes.last(), Some(&"SY005"));
    for (line, g) in lines.iter().zip(tako_exec::guard::GUARDS) {
        let fields: Vec<&str> = line.split_whitespace().take(3).collect();
        assert_eq!(fields, [g.code, g.name, g.decision.as_str()], "{line}");
    }
}

#[test]
fn explain_every_guard() {
    let env = TestEnv::new();
    for g in tako_exec::guard::GUARDS {
        let out = env.cmd(&["explain", g.code]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", g.code);
        let text = stdout(&out);
        assert!(text.starts_with(&format!("{} {} ({})\n", g.code, g.name, g.decision)), "{text}");
        for section in ["## What it stops", "## Why", "## Instead", "## Examples it matches"] {
            assert!(text.contains(section), "{}: missing {section}", g.code);
        }
    }
    let by_code = stdout(&env.cmd(&["explain", "FS001"]).output().unwrap());
    assert_eq!(stdout(&env.cmd(&["explain", "delete-critical"]).output().unwrap()), by_code);
    assert_eq!(stdout(&env.cmd(&["explain", "fs001"]).output().unwrap()), by_code);

    let out = env.cmd(&["explain", "NOPE"]).output().unwrap();
    assert_eq!(out.status.code(), Some(125));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("explain --list"), "{}", stderr(&out));
}

#[test]
fn snapshot_deny_line() {
    let env = TestEnv::new();
    let out = env.cmd(&["-c", "rm -rf /"]).output().unwrap();
    assert_eq!(out.status.code(), Some(126));
    insta::assert_snapshot!("deny_line_rm_rf_root", env.redact(&stderr(&out)));
}

#[test]
fn snapshot_deny_line_with_other_reasons() {
    let env = TestEnv::new();
    let out = env.cmd(&["-c", "rm -rf ~/projects; git push --force origin main"]).output().unwrap();
    assert_eq!(out.status.code(), Some(126));
    insta::assert_snapshot!("deny_line_two_rules", env.redact(&stderr(&out)));
}

#[test]
fn snapshot_ask_refused_line() {
    let env = TestEnv::new();
    let out = env.cmd(&["-c", "sudo ls"]).output().unwrap();
    assert_eq!(out.status.code(), Some(126));
    insta::assert_snapshot!("ask_without_terminal_line", env.redact(&stderr(&out)));
}

#[test]
fn snapshot_check_human() {
    let env = TestEnv::new();
    let out = env.cmd(&["check", "-c", "rm -rf /"]).output().unwrap();
    assert_eq!(out.status.code(), Some(126));
    insta::assert_snapshot!("check_rm_rf_root", env.redact(&stdout(&out)));
}

#[test]
fn snapshot_check_json() {
    let env = TestEnv::new();
    let v = env.check_json("rm -rf /");
    insta::assert_json_snapshot!("check_json_rm_rf_root", v);
}

#[test]
fn snapshot_explain_fs001() {
    let env = TestEnv::new();
    let out = env.cmd(&["explain", "FS001"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("explain_fs001", stdout(&out));
}

#[test]
fn snapshot_help() {
    let env = TestEnv::new();
    let out = env.cmd(&["--help"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("help", stdout(&out));
}
