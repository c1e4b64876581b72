//! End to end: tako-exec in the places agents and tools put a shell (`make SHELL=…`,
//! Python's `subprocess`, Claude Code's and Codex's command wrappers), exit statuses
//! and signals passing through, standard input reaching the command, and denied
//! commands leaving the files they aimed at in place.

mod common;

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{stderr, stdout, tako, TestEnv};

/// A directory outside the workspace, under the isolated home, holding a sentinel file.
fn sentinel(env: &TestEnv) -> PathBuf {
    let dir = env.home().join("keep");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("sentinel");
    std::fs::write(&file, "precious\n").unwrap();
    file
}

fn assert_kept(file: &Path, what: &str) {
    assert_eq!(std::fs::read_to_string(file).ok().as_deref(), Some("precious\n"), "{what}: the file was touched");
}

/// `program` found in `PATH` by the test process, if any.
fn which(program: &str) -> Option<PathBuf> {
    let out = Command::new("sh").args(["-c", &format!("command -v {program}")]).output().ok()?;
    let p = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && p.starts_with('/')).then(|| PathBuf::from(p))
}

/// The real Python interpreter (not a version manager's shim, which would need the
/// developer's home), if there is one.
fn python() -> Option<PathBuf> {
    let out = Command::new("python3").args(["-c", "import sys; print(sys.executable)"]).output().ok()?;
    let p = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !p.is_empty()).then(|| PathBuf::from(p))
}

#[test]
fn exit_status_passes_through() {
    let env = TestEnv::new();
    let cases: &[(&[&str], i32)] = &[
        (&["-c", "exit 42"], 42),
        (&["-c", "exit 0"], 0),
        (&["-c", "exit 255"], 255),
        (&["-c", "false"], 1),
        (&["-c", "nosuchprog-tako-test"], 127),
        (&["-lc", "(exit 3)"], 3),
        (&["--", "false"], 1),
        (&["--", "sh", "-c", "exit 9"], 9),
    ];
    for (args, code) in cases {
        let out = env.cmd(args).output().unwrap();
        assert_eq!(out.status.code(), Some(*code), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn death_by_signal_passes_through() {
    let env = TestEnv::new();
    let out = env.cmd(&["-c", "kill -TERM $$"]).output().unwrap();
    assert_eq!(out.status.signal(), Some(15), "status {:?}; stderr {}", out.status, stderr(&out));
    let out = env.cmd(&["-c", "kill -KILL $$"]).output().unwrap();
    assert_eq!(out.status.signal(), Some(9), "status {:?}", out.status);

    // A shell that runs tako-exec sees what it would see of bash: 128 + 15.
    let script = format!("'{}' -c 'kill -TERM $$'; echo $?", tako().display());
    let out = env.program("/bin/bash", &["-c", script.as_str()]).output().unwrap();
    assert_eq!(stdout(&out), "143\n", "{}", stderr(&out));
}

#[test]
fn stdin_reaches_the_command() {
    let env = TestEnv::new();
    let out = env.cmd(&["-c", "cat"]).write_stdin("hello").output().unwrap();
    assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(0), "hello"));
    let out = env.cmd(&["-c", "read x; echo got $x"]).write_stdin("hello\n").output().unwrap();
    assert_eq!(stdout(&out), "got hello\n");
    let out = env.cmd(&["--", "cat"]).write_stdin("direct\n").output().unwrap();
    assert_eq!(stdout(&out), "direct\n");

    let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let out = env.cmd(&["-c", "cat"]).write_stdin(bytes.clone()).output().unwrap();
    assert_eq!(out.stdout, bytes, "binary input must pass through unchanged");
}

#[test]
fn denied_commands_leave_files_in_place() {
    let env = TestEnv::new();
    let file = sentinel(&env);
    let keep = file.parent().unwrap().display().to_string();
    let home = env.home().display().to_string();
    let cases: Vec<Vec<String>> = vec![
        vec!["-c".into(), "rm -rf $HOME".into()],
        vec!["-c".into(), "rm -rf ~".into()],
        vec!["-c".into(), "rm -rf ~/keep".into()],
        vec!["-c".into(), format!("rm -rf {keep}")],
        vec!["-c".into(), "cd && rm -rf keep".into()],
        vec!["-c".into(), "echo start; rm -rf \"$HOME\"; echo end".into()],
        vec!["-lc".into(), "eval 'rm -rf ~'".into()],
        vec!["-c".into(), "bash -c 'rm -rf $HOME'".into()],
        vec!["-c".into(), format!("find {keep} -delete")],
        vec!["--".into(), "rm".into(), "-rf".into(), home.clone()],
        vec!["--".into(), "rm".into(), "-rf".into(), keep.clone()],
    ];
    for args in &cases {
        let out = env.cmd(args).output().unwrap();
        assert_eq!(out.status.code(), Some(126), "{args:?}: {}", stderr(&out));
        assert_eq!(stdout(&out), "", "{args:?}: nothing may run, not even the harmless part");
        assert!(stderr(&out).starts_with("tako-exec: denied"), "{args:?}: {}", stderr(&out));
        assert_kept(&file, &format!("{args:?}"));
    }
    // The same through a script file and a script on standard input.
    env.write("nuke.sh", "echo start\nrm -rf \"$HOME\"\n");
    let out = env.cmd(&["nuke.sh"]).output().unwrap();
    assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(126), ""), "{}", stderr(&out));
    let out = env.cmd::<&str>(&[]).write_stdin("rm -rf ~/keep\n").output().unwrap();
    assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(126), ""), "{}", stderr(&out));
    assert_kept(&file, "scripts");
    assert!(env.path("src/main.rs").exists());
}

#[test]
fn make_with_tako_as_its_shell() {
    let Some(make) = which("make") else {
        eprintln!("note: `make` is not installed; skipping the make end-to-end test");
        return;
    };
    let env = TestEnv::new();
    let file = sentinel(&env);
    env.write(
        "Makefile",
        "all: a.out b.out\n\
         a.out:\n\techo a > a.out\n\
         b.out: a.out\n\tcp a.out b.out && echo built-b\n\
         nuke:\n\trm -rf $(HOME)\n\
         root:\n\ttouch before-root && rm -rf /\n",
    );
    let shell = format!("SHELL={}", tako().display());
    let out = env.program(&make, &[shell.as_str()]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "make: {}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("built-b"), "{}", stdout(&out));
    assert_eq!(std::fs::read_to_string(env.path("a.out")).unwrap(), "a\n");
    assert_eq!(std::fs::read_to_string(env.path("b.out")).unwrap(), "a\n");

    for target in ["nuke", "root"] {
        let out = env.program(&make, &[shell.as_str(), target]).output().unwrap();
        assert_ne!(out.status.code(), Some(0), "make {target} must fail");
        let err = stderr(&out);
        assert!(err.contains("tako-exec: denied [FS001 delete-critical]"), "make {target}: {err}");
        assert!(err.contains("Error 126"), "make {target}: {err}");
        assert_kept(&file, target);
    }
    assert!(!env.path("before-root").exists(), "no part of a denied recipe line runs");
    assert!(env.path("Makefile").exists());
}

#[test]
fn python_subprocess_with_tako_as_executable() {
    let Some(py) = python() else {
        eprintln!("note: `python3` is not installed; skipping the Python end-to-end test");
        return;
    };
    let env = TestEnv::new();
    let file = sentinel(&env);
    let t = tako().display().to_string();
    let run =
        "import subprocess,sys; r=subprocess.run(sys.argv[2], shell=True, executable=sys.argv[1]); print(r.returncode)";
    let out = env.program(&py, &["-c", run, t.as_str(), "echo via-python; exit 7"]).output().unwrap();
    assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(0), "via-python\n7\n"), "{}", stderr(&out));

    let out = env.program(&py, &["-c", run, t.as_str(), "echo before; rm -rf $HOME"]).output().unwrap();
    assert_eq!(stdout(&out), "126\n", "{}", stderr(&out));
    assert!(stderr(&out).contains("tako-exec: denied [FS001"), "{}", stderr(&out));
    assert_kept(&file, "python");
}

/// The command line Claude Code's Bash tool runs: source the shell snapshot, `eval` the
/// command with stdin from /dev/null, record the working directory.
fn claude_wrapper(env: &TestEnv, command: &str) -> String {
    let snapshot = env.home().join(".claude/shell-snapshots/snapshot-bash-1.sh");
    let cwd_file = env.tmp().join("claude-1a2b-cwd");
    let quoted = command.replace('\'', r"'\''");
    format!(
        "source {} 2>/dev/null || true && eval '{quoted}' \\< /dev/null && pwd -P >| {}",
        snapshot.display(),
        cwd_file.display()
    )
}

fn write_claude_snapshot(env: &TestEnv) {
    let dir = env.home().join(".claude/shell-snapshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("snapshot-bash-1.sh"),
        "# Snapshot file\nunalias -a 2>/dev/null || true\n\
         greet () {\n  echo \"hello from snapshot\"\n}\n\
         shopt -s expand_aliases\nalias ll='ls -l'\n",
    )
    .unwrap();
}

#[test]
fn claude_code_style_wrapper() {
    let env = TestEnv::new();
    write_claude_snapshot(&env);
    let file = sentinel(&env);

    let text = claude_wrapper(&env, "greet && echo made > made.txt");
    let out = env.cmd(&["-c", "-l", text.as_str()]).output().unwrap();
    assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(0), "hello from snapshot\n"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(env.path("made.txt")).unwrap(), "made\n");
    let cwd = std::fs::read_to_string(env.tmp().join("claude-1a2b-cwd")).unwrap();
    assert_eq!(Path::new(cwd.trim()), env.workspace().canonicalize().unwrap());

    let text = claude_wrapper(&env, "cat");
    let out = env.cmd(&["-c", "-l", text.as_str()]).write_stdin("not read\n").output().unwrap();
    assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(0), ""), "stdin is /dev/null inside eval");

    for inner in ["rm -rf ~", "rm -rf $HOME/keep", "git push --force origin main", "sudo rm -rf /etc"] {
        let text = claude_wrapper(&env, inner);
        let out = env.cmd(&["-c", "-l", text.as_str()]).output().unwrap();
        assert_eq!(out.status.code(), Some(126), "{inner}: {}", stderr(&out));
        assert!(stderr(&out).starts_with("tako-exec: denied"), "{inner}: {}", stderr(&out));
        assert_kept(&file, inner);
    }
}

#[test]
fn codex_style_argv() {
    let env = TestEnv::new();
    let file = sentinel(&env);
    let out = env.cmd(&["-lc", "git status --porcelain && echo codex-ok"]).output().unwrap();
    assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(0), "codex-ok\n"), "{}", stderr(&out));
    let out = env.cmd(&["-lc", "sed -n '1,2p' src/main.rs"]).output().unwrap();
    assert_eq!(stdout(&out), "fn main() {\n    println!(\"hello\");\n");
    let out = env.program(env.shim("bash"), &["-lc", "ls src"]).output().unwrap();
    assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(0), "main.rs\n"), "{}", stderr(&out));

    let out = env.cmd(&["-lc", "rm -rf ~"]).output().unwrap();
    assert_eq!(out.status.code(), Some(126));
    assert_kept(&file, "codex");
}

#[test]
fn agent_wrappers_are_allowed_and_judge_the_inner_command() {
    let env = TestEnv::new();
    let cases = [
        ("source ~/.x/snapshot.sh 2>/dev/null || true && eval 'ls -la' < /dev/null && pwd -P >| /tmp/x-cwd", "allow"),
        ("source ~/.x/snapshot.sh 2>/dev/null || true && eval 'ls -la' \\< /dev/null && pwd -P >| /tmp/x-cwd", "allow"),
        ("source ~/.x/snapshot.sh 2>/dev/null || true && eval 'rm -rf ~' < /dev/null && pwd -P >| /tmp/x-cwd", "deny"),
        (
            "source ~/.x/snapshot.sh 2>/dev/null || true && eval 'rm -rf ~' \\< /dev/null && pwd -P >| /tmp/x-cwd",
            "deny",
        ),
        ("{ ls; }; __code=$?; pgrep -g 0 >/tmp/x 2>&1; exit $__code;", "allow"),
        ("{ rm -rf ~; }; __code=$?; pgrep -g 0 >/tmp/x 2>&1; exit $__code;", "deny"),
        ("{ sudo ls; }; __code=$?; pgrep -g 0 >/tmp/x 2>&1; exit $__code;", "ask"),
    ];
    for (text, want) in cases {
        let v = env.check_json(text);
        assert_eq!(v["decision"], want, "{text}: {v}");
    }
}

#[test]
fn bash_env_is_judged_with_the_command() {
    let env = TestEnv::new();
    let file = sentinel(&env);
    let evil = env.write("startup.sh", &format!("rm -rf {}\n", file.parent().unwrap().display()));
    let env = env.with_env("BASH_ENV", &evil);
    let out = env.cmd(&["-c", "echo hi"]).output().unwrap();
    assert_eq!(out.status.code(), Some(126), "{}", stderr(&out));
    assert!(stdout(&out).is_empty(), "nothing ran");
    assert!(file.exists(), "the startup file did not run");

    let benign = env.write("benign.sh", "export GREETING=hello\n");
    let env = env.with_env("BASH_ENV", &benign);
    let out = env.cmd(&["-c", "echo $GREETING"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "hello", "bash sourced the judged startup file");
}
