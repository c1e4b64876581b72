//! The shell front: every argv shape agents use to launch a shell, shims named after a
//! shell, the real-shell lookup (`TAKO_SHELL`, recursion), interactive shells and usage
//! errors.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;

use common::{stderr, stdout, tako, TestEnv};

/// One run of tako-exec: argv after `argv[0]`, standard input, what must come out.
struct Row {
    args: &'static [&'static str],
    stdin: Option<&'static str>,
    stdout: &'static str,
    code: i32,
}

const fn row(args: &'static [&'static str], stdout: &'static str, code: i32) -> Row {
    Row { args, stdin: None, stdout, code }
}

const fn row_stdin(args: &'static [&'static str], stdin: &'static str, stdout: &'static str, code: i32) -> Row {
    Row { args, stdin: Some(stdin), stdout, code }
}

fn run_rows(env: &TestEnv, rows: &[Row]) {
    for r in rows {
        let mut cmd = env.cmd(r.args);
        if let Some(input) = r.stdin {
            cmd.write_stdin(input);
        }
        let out = cmd.output().expect("run tako-exec");
        assert_eq!(
            (out.status.code(), stdout(&out).as_str()),
            (Some(r.code), r.stdout),
            "tako-exec {:?} (stdin {:?}); stderr: {}",
            r.args,
            r.stdin,
            stderr(&out)
        );
    }
}

#[test]
fn argv_shapes_agents_use_run_the_command() {
    let env = TestEnv::new();
    env.write("script.sh", "echo script \"$1\" \"$2\"\n");
    run_rows(
        &env,
        &[
            row(&["-c", "echo hi"], "hi\n", 0),
            row(&["-lc", "echo hi"], "hi\n", 0),
            row(&["-c", "-l", "echo hi"], "hi\n", 0),
            row(&["-ec", "echo hi"], "hi\n", 0),
            row(&["-eu", "-o", "pipefail", "-c", "echo hi"], "hi\n", 0),
            row(&["-euo", "pipefail", "-c", "echo hi"], "hi\n", 0),
            row(&["--login", "-c", "echo hi"], "hi\n", 0),
            row(&["--norc", "--noprofile", "-c", "echo hi"], "hi\n", 0),
            row(&["+o", "histexpand", "-O", "extglob", "-c", "echo hi"], "hi\n", 0),
            row(&["-c", "echo $0 $1 $2", "name", "a", "b"], "name a b\n", 0),
            row(&["-c", "echo \"$#\" \"$@\"", "name", "a b", "c"], "2 a b c\n", 0),
            row_stdin(&["-s"], "echo from-stdin\n", "from-stdin\n", 0),
            row_stdin(&["-s", "a", "b"], "echo s \"$1\" \"$2\"\n", "s a b\n", 0),
            row_stdin(&[], "echo hi\n", "hi\n", 0),
            row_stdin(&[], "", "", 0),
            row(&["script.sh", "a", "b"], "script a b\n", 0),
            row(&["-e", "--", "script.sh", "x"], "script x \n", 0),
            row(&["--", "echo", "direct", "run"], "direct run\n", 0),
        ],
    );
}

#[test]
fn the_default_real_shell_is_bin_bash() {
    if !std::path::Path::new("/bin/bash").is_file() {
        eprintln!("note: /bin/bash is missing; the default is then /bin/sh, not tested here");
        return;
    }
    let env = TestEnv::new();
    let out = env.cmd(&["-c", "echo $0; test -n \"$BASH_VERSION\" && echo is-bash"]).output().unwrap();
    assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(0), "/bin/bash\nis-bash\n"), "{}", stderr(&out));
}

#[test]
fn options_reach_the_real_shell_unchanged() {
    let env = TestEnv::new();
    run_rows(
        &env,
        &[
            row(&["-e", "-c", "false; echo no"], "", 1),
            row(&["-c", "false; echo yes"], "yes\n", 0),
            row(&["-o", "pipefail", "-c", "false | true"], "", 1),
            row(&["-c", "false | true"], "", 0),
            row(&["-c", "shopt -q login_shell && echo login || echo nologin"], "nologin\n", 0),
            row(&["-lc", "shopt -q login_shell && echo login || echo nologin"], "login\n", 0),
            row(&["--login", "-c", "shopt -q login_shell && echo login || echo nologin"], "login\n", 0),
        ],
    );
    let out = env.cmd(&["-x", "-c", "echo a"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "a\n");
    assert!(stderr(&out).contains("+ echo a"), "xtrace expected on stderr: {}", stderr(&out));
}

/// A fake real shell that prints the arguments it receives, one per line.
fn argv_printer(env: &TestEnv) -> std::path::PathBuf {
    let p = env.root().join("print-args");
    std::fs::write(&p, "#!/bin/sh\nfor a in \"$@\"; do printf '[%s]\\n' \"$a\"; done\n").unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p
}

#[test]
fn the_real_shell_receives_exactly_the_argv() {
    let env = TestEnv::new();
    let printer = argv_printer(&env);
    let env = env.with_env("TAKO_SHELL", &printer);
    let shapes: &[&[&str]] = &[
        &["-c", "echo hi"],
        &["-lc", "echo hi"],
        &["-c", "-l", "echo hi"],
        &["-eu", "-o", "pipefail", "-c", "echo hi", "name", "a b"],
        &["-euo", "pipefail", "-c", "echo hi"],
        &["--norc", "--noprofile", "-c", "echo hi"],
        &["--rcfile", "/dev/null", "-c", "echo hi"],
        &["-x", "-c", "echo hi"],
    ];
    for args in shapes {
        let out = env.cmd(args).output().unwrap();
        let expected: String = args.iter().flat_map(|a| ["[", a, "]\n"]).collect();
        assert_eq!(stdout(&out), expected, "argv {args:?}; stderr: {}", stderr(&out));
        assert_eq!(out.status.code(), Some(0), "argv {args:?}");
    }
}

#[test]
fn denied_commands_exit_126_with_one_line() {
    let env = TestEnv::new();
    let cases: &[(&[&str], &str)] = &[
        (&["-c", "rm -rf /"], "tako-exec: denied [FS001 delete-critical]: "),
        (&["-lc", "rm -rf /"], "tako-exec: denied [FS001 delete-critical]: "),
        (&["-c", "git push --force origin main"], "tako-exec: denied [GT002 git-rewrite-remote]: "),
        (&["--", "rm", "-rf", "/"], "tako-exec: denied [FS001 delete-critical]: "),
        (&["-c", "echo ok; rm -rf /"], "tako-exec: denied [FS001 delete-critical]: "),
    ];
    for (args, prefix) in cases {
        let out = env.cmd(args).output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(126), "{args:?}: {err}");
        assert_eq!(stdout(&out), "", "{args:?}: nothing may run");
        assert_eq!(err.lines().count(), 1, "{args:?}: one line expected: {err}");
        assert!(err.starts_with(prefix), "{args:?}: {err}");
    }
}

#[test]
fn ask_without_a_terminal_is_refused() {
    let env = TestEnv::new();
    let out = env.cmd(&["-c", "sudo ls"]).output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(126), "{err}");
    assert_eq!(stdout(&out), "");
    assert!(err.starts_with("tako-exec: denied"), "{err}");
    assert!(err.contains("no controlling terminal"), "{err}");
    assert!(err.contains("[PR001 privilege-escalation]"), "{err}");
}

#[test]
fn scripts_are_judged_before_they_run() {
    let env = TestEnv::new();
    env.write("bad.sh", "echo ran > ran.txt\nrm -rf /\n");
    let out = env.cmd(&["bad.sh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(126), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("tako-exec: denied [FS001"), "{}", stderr(&out));
    assert!(!env.path("ran.txt").exists(), "no line of a denied script may run");

    let out = env.cmd(&["-s"]).write_stdin("echo ran > ran.txt\nrm -rf /\n").output().unwrap();
    assert_eq!(out.status.code(), Some(126), "{}", stderr(&out));
    assert!(!env.path("ran.txt").exists(), "no line of a denied stdin script may run");

    let out = env.cmd(&["missing.sh", "a"]).output().unwrap();
    assert_eq!(out.status.code(), Some(127));
    assert!(stderr(&out).contains("missing.sh: No such file or directory"), "{}", stderr(&out));

    let out = env.cmd(&["--", "nosuchprog-tako-test"]).output().unwrap();
    assert_eq!(out.status.code(), Some(127));
    assert!(stderr(&out).contains("command not found"), "{}", stderr(&out));
}

/// Runs a shim with `argv[0]` set to `argv0`.
fn run_as(env: &TestEnv, shim: &str, argv0: &str, args: &[&str]) -> std::process::Output {
    let mut c = env.std_command(env.shim(shim));
    c.arg0(argv0).args(args);
    c.output().expect("run the shim")
}

#[test]
fn shims_behave_as_the_shell_they_are_named_after() {
    let env = TestEnv::new();
    let out = run_as(&env, "bash", "bash", &["-c", "echo $0; test -n \"$BASH_VERSION\" && echo is-bash"]);
    assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(0), "bash\nis-bash\n"), "{}", stderr(&out));

    let out = run_as(&env, "sh", "sh", &["-c", "echo $0 $1", "name", "one"]);
    assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(0), "name one\n"), "{}", stderr(&out));
    let out = run_as(&env, "sh", "sh", &["-c", "echo $0"]);
    assert_eq!(stdout(&out), "sh\n");

    // Called through its path, as `make` or `subprocess` would.
    let out = env.program(env.shim("bash"), &["-c", "echo via-path"]).output().unwrap();
    assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(0), "via-path\n"));

    let out = run_as(&env, "bash", "bash", &["-c", "rm -rf /"]);
    assert_eq!(out.status.code(), Some(126));
    assert!(stderr(&out).starts_with("tako-exec: denied [FS001"), "{}", stderr(&out));

    let out = run_as(&env, "sh", "sh", &["-c", "sudo ls"]);
    assert_eq!(out.status.code(), Some(126));
    assert!(stderr(&out).contains("no controlling terminal"), "{}", stderr(&out));
}

#[test]
fn under_a_shell_name_check_is_a_script() {
    let env = TestEnv::new();
    let out = run_as(&env, "bash", "bash", &["check"]);
    assert_eq!(out.status.code(), Some(127), "no script named check: {}", stderr(&out));
    assert!(stderr(&out).contains("check: No such file or directory"), "{}", stderr(&out));

    env.write("check", "echo checked \"$1\"\n");
    let out = run_as(&env, "bash", "bash", &["check", "arg"]);
    assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(0), "checked arg\n"), "{}", stderr(&out));

    let out = run_as(&env, "bash", "bash", &["explain", "FS001"]);
    assert_eq!(out.status.code(), Some(127), "explain is a script name too: {}", stdout(&out));
}

#[test]
fn a_leading_dash_in_argv0_makes_a_login_shell() {
    let env = TestEnv::new();
    let probe = "shopt -q login_shell && echo login || echo nologin; echo $0";
    let out = run_as(&env, "bash", "-bash", &["-c", probe]);
    assert_eq!(stdout(&out), "login\n-bash\n", "{}", stderr(&out));
    let out = run_as(&env, "bash", "bash", &["-c", probe]);
    assert_eq!(stdout(&out), "nologin\nbash\n", "{}", stderr(&out));

    let mut c = env.std_command(tako());
    c.arg0("-tako-exec").args(["-c", probe]);
    let out = c.output().unwrap();
    assert_eq!(stdout(&out), "login\n-bash\n", "{}", stderr(&out));
}

#[test]
fn tako_shell_pointing_at_tako_exec_is_refused() {
    let base = TestEnv::new();
    let link = base.shim("bash");
    let other = base.root().join("renamed-tako");
    std::os::unix::fs::symlink(tako(), &other).unwrap();
    for target in [tako(), link, other] {
        let env = TestEnv::new().with_env("TAKO_SHELL", &target);
        let out = env.cmd(&["-c", "echo hi"]).output().unwrap();
        assert_eq!(out.status.code(), Some(125), "TAKO_SHELL={}", target.display());
        assert_eq!(stdout(&out), "");
        assert!(stderr(&out).contains("recurse"), "TAKO_SHELL={}: {}", target.display(), stderr(&out));
    }

    // A shim of tako-exec with TAKO_SHELL at another shim: still refused.
    let env = TestEnv::new();
    let env = env.with_env("TAKO_SHELL", base.shim("sh"));
    let out = run_as(&env, "bash", "bash", &["-c", "echo hi"]);
    assert_eq!(out.status.code(), Some(125));
    assert!(stderr(&out).contains("recurse"), "{}", stderr(&out));
}

#[test]
fn tako_shell_must_be_an_absolute_existing_shell() {
    for value in ["bash", "./bash", "bin/sh"] {
        let env = TestEnv::new().with_env("TAKO_SHELL", value);
        let out = env.cmd(&["-c", "echo hi"]).output().unwrap();
        assert_eq!(out.status.code(), Some(125), "TAKO_SHELL={value}");
        assert_eq!(stdout(&out), "", "TAKO_SHELL={value}");
        assert!(stderr(&out).contains("TAKO_SHELL"), "TAKO_SHELL={value}: {}", stderr(&out));
    }
    let env = TestEnv::new().with_env("TAKO_SHELL", "/nonexistent/tako-test/bash");
    let out = env.cmd(&["-c", "echo hi"]).output().unwrap();
    assert_eq!(out.status.code(), Some(125), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");

    // An empty value means unset.
    let env = TestEnv::new().with_env("TAKO_SHELL", "");
    let out = env.cmd(&["-c", "echo hi"]).output().unwrap();
    assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(0), "hi\n"), "{}", stderr(&out));
}

#[test]
fn interactive_shells_are_refused() {
    let env = TestEnv::new();
    for args in [&["-i"][..], &["-i", "-s"], &["--norc", "-i"]] {
        let out = env.cmd(args).write_stdin("echo hi\n").output().unwrap();
        assert_eq!(out.status.code(), Some(125), "{args:?}");
        assert_eq!(stdout(&out), "", "{args:?}");
        assert!(stderr(&out).contains("interactive"), "{args:?}: {}", stderr(&out));
    }
    let out = run_as(&env, "bash", "bash", &["-i"]);
    assert_eq!(out.status.code(), Some(125));
    assert!(stderr(&out).contains("interactive"), "{}", stderr(&out));
}

#[test]
fn usage_errors_exit_125() {
    let env = TestEnv::new();
    let cases: &[&[&str]] = &[
        &["-c"],
        &["-lc"],
        &["--"],
        &["check", "-c"],
        &["explain"],
        &["explain", "NOPE"],
        &["explain", "--list", "FS001"],
    ];
    for args in cases {
        let out = env.cmd(args).output().unwrap();
        assert_eq!(out.status.code(), Some(125), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).starts_with("tako-exec: "), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn check_rejects_unknown_options() {
    let env = TestEnv::new();
    let cases: &[&[&str]] = &[
        &["check", "--bogus"],
        &["check", "--jsn", "-c", "rm -rf /"],
        &["check", "--json", "--verbose", "-c", "git push --force origin main"],
    ];
    for args in cases {
        let out = env.cmd(args).output().unwrap();
        assert_eq!(out.status.code(), Some(125), "{args:?}: stdout {}", stdout(&out));
        assert!(stderr(&out).starts_with("tako-exec: "), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn help_and_version_exit_0() {
    let env = TestEnv::new();
    for args in [&["--help"][..], &["-h"], &["help"], &["check", "--help"], &["explain", "--help"]] {
        let out = env.cmd(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).contains("Usage"), "{args:?}: {}", stdout(&out));
    }
    for args in [&["--version"][..], &["-V"]] {
        let out = env.cmd(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert_eq!(stdout(&out).trim(), format!("tako-exec {}", env!("CARGO_PKG_VERSION")), "{args:?}");
    }
    // Under a shell's name, --version is the real shell's.
    let out = run_as(&env, "bash", "bash", &["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("GNU bash"), "{}", stdout(&out));
}
