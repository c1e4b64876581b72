//! `TestEnv`: an isolated place to run the `tako-exec` binary.
//!
//! Each environment is a fresh directory holding a git workspace (`ws/`, with a
//! `Cargo.toml`, `src/main.rs` and one commit), an isolated home (`home/`, with a fake
//! SSH key), a scratch directory used as `TMPDIR` (`tmp/`) and a directory for shims
//! (`bin/`). The directory is created under Cargo's per-target scratch directory rather
//! than `/tmp`, so the home is not also a "temporary directory" in tako-exec's eyes and
//! deletions of it are judged as deletions of a home.
//!
//! Every child runs with an environment cleared down to `PATH`, `HOME`, `USER`,
//! `LOGNAME`, `LANG` and `TMPDIR`, in the workspace, with standard input closed unless a
//! test writes to it, and in a new session (`setsid`): it has no controlling terminal,
//! so an `ask` can never reach the developer's terminal and always ends as "no
//! controlling terminal".
#![allow(dead_code)]

use std::ffi::{OsStr, OsString};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The fake private key written to `~/.ssh/id_rsa`.
pub const FAKE_KEY: &str = "-----BEGIN OPENSSH PRIVATE KEY-----\nZmFrZSBrZXkgZm9yIHRha28tZXhlYyB0ZXN0cw==\n-----END OPENSSH PRIVATE KEY-----\n";

/// The `tako-exec` binary under test.
#[must_use]
pub fn tako() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_tako-exec"))
}

/// An isolated workspace, home and environment for one test.
pub struct TestEnv {
    root: tempfile::TempDir,
    vars: Vec<(OsString, OsString)>,
}

impl Default for TestEnv {
    fn default() -> Self {
        Self::new()
    }
}

impl TestEnv {
    /// A fresh environment: git workspace, isolated home, scratch and shim directories.
    ///
    /// # Panics
    /// When the directories cannot be created or `git` fails.
    #[must_use]
    pub fn new() -> Self {
        let base = Path::new(env!("CARGO_TARGET_TMPDIR"));
        std::fs::create_dir_all(base).expect("create the scratch base");
        let root = tempfile::Builder::new().prefix("tako-test-").tempdir_in(base).expect("create the test directory");
        let env = Self { root, vars: Vec::new() };
        for dir in ["ws/src", "home/.ssh", "tmp", "bin"] {
            std::fs::create_dir_all(env.root().join(dir)).expect("create a test directory");
        }
        env.write("Cargo.toml", "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n");
        env.write("src/main.rs", "fn main() {\n    println!(\"hello\");\n}\n");
        env.write("README.md", "# demo\n");
        std::fs::write(env.home().join(".ssh/id_rsa"), FAKE_KEY).expect("write the fake key");
        env.git(&["init", "-q"]);
        env.git(&["add", "-A"]);
        env.git(&["-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "initial"]);
        env
    }

    /// Adds (or overrides) an environment variable for every child.
    #[must_use]
    pub fn with_env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.vars.push((key.as_ref().to_os_string(), value.as_ref().to_os_string()));
        self
    }

    /// The directory holding everything.
    #[must_use]
    pub fn root(&self) -> &Path {
        self.root.path()
    }

    /// The git workspace, the children's working directory.
    #[must_use]
    pub fn workspace(&self) -> PathBuf {
        self.root().join("ws")
    }

    /// The isolated home directory.
    #[must_use]
    pub fn home(&self) -> PathBuf {
        self.root().join("home")
    }

    /// The children's `TMPDIR`.
    #[must_use]
    pub fn tmp(&self) -> PathBuf {
        self.root().join("tmp")
    }

    /// The directory holding shims.
    #[must_use]
    pub fn bin(&self) -> PathBuf {
        self.root().join("bin")
    }

    /// A path inside the workspace.
    #[must_use]
    pub fn path(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.workspace().join(rel)
    }

    /// Writes a file inside the workspace (creating parent directories) and returns its path.
    ///
    /// # Panics
    /// When the file cannot be written.
    pub fn write(&self, rel: impl AsRef<Path>, content: &str) -> PathBuf {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create the parent directory");
        }
        std::fs::write(&p, content).expect("write a workspace file");
        p
    }

    /// Imprints the workspace (`.tako/` with an operator key), as `tako-exec init` does.
    ///
    /// # Panics
    /// When the control plane cannot be written.
    pub fn imprint(&self) -> tako_exec::control::Plane {
        tako_exec::control::Plane::init(&self.workspace(), false).expect("imprint the workspace").0
    }

    /// Writes the operator's `.tako/policy.toml` and accepts it as the operator would
    /// with `tako-exec policy accept` (imprinting the workspace first).
    ///
    /// # Panics
    /// When the files cannot be written.
    pub fn operator_policy(&self, content: &str) {
        let plane = self.imprint();
        self.write(".tako/policy.toml", content);
        tako_exec::control::accept::accept(&plane, ".tako/policy.toml", Some(content.as_bytes()))
            .expect("accept the operator policy");
    }

    /// A symlink named `name` in [`Self::bin`] pointing at the binary, as an installer
    /// would make to put tako-exec in place of a shell.
    ///
    /// # Panics
    /// When the link cannot be made.
    pub fn shim(&self, name: &str) -> PathBuf {
        let link = self.bin().join(name);
        if !link.exists() {
            std::os::unix::fs::symlink(tako(), &link).expect("create the shim");
        }
        link
    }

    /// Runs `git ARGS…` in the workspace.
    ///
    /// # Panics
    /// When git fails.
    pub fn git(&self, args: &[&str]) {
        let out = self.std_command("git").args(args).output().expect("run git");
        assert!(out.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// A std command for `program` in this environment: cleared environment, cwd in the
    /// workspace, stdin closed, new session without a controlling terminal.
    #[must_use]
    pub fn std_command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut c = Command::new(program);
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into()))
            .env("HOME", self.home())
            .env("USER", "tester")
            .env("LOGNAME", "tester")
            .env("LANG", "C")
            .env("TMPDIR", self.tmp())
            .current_dir(self.workspace())
            .stdin(Stdio::null());
        for (k, v) in &self.vars {
            c.env(k, v);
        }
        detach_from_terminal(&mut c);
        c
    }

    /// `tako-exec ARGS…` in this environment.
    #[must_use]
    pub fn cmd<S: AsRef<OsStr>>(&self, args: &[S]) -> assert_cmd::Command {
        self.program(tako(), args)
    }

    /// `PROGRAM ARGS…` in this environment, as an `assert_cmd` command.
    #[must_use]
    pub fn program<S: AsRef<OsStr>>(&self, program: impl AsRef<OsStr>, args: &[S]) -> assert_cmd::Command {
        let mut c = self.std_command(program);
        c.args(args);
        let mut c = assert_cmd::Command::from_std(c);
        // A guard against a hang, not a timing assertion: nothing here should come near it.
        c.timeout(std::time::Duration::from_secs(120));
        c
    }

    /// `tako-exec check --json -c TEXT`, parsed. Asserts the output is exactly one line.
    ///
    /// # Panics
    /// When the output is not one JSON line.
    #[must_use]
    pub fn check_json(&self, text: &str) -> serde_json::Value {
        let out = self.cmd(&["check", "--json", "-c", text]).output().expect("run check");
        parse_json_line(&out.stdout, text)
    }

    /// The decision `check --json` gives for `text`.
    #[must_use]
    pub fn decision(&self, text: &str) -> String {
        self.check_json(text)["decision"].as_str().expect("decision is a string").to_string()
    }

    /// Replaces this environment's paths in `text` with stable placeholders.
    #[must_use]
    pub fn redact(&self, text: &str) -> String {
        text.replace(&self.workspace().display().to_string(), "[WS]")
            .replace(&self.home().display().to_string(), "[HOME]")
            .replace(&self.tmp().display().to_string(), "[TMP]")
            .replace(&self.root().display().to_string(), "[ROOT]")
            .replace(&tako().display().to_string(), "[TAKO]")
    }
}

/// Parses stdout that must hold exactly one JSON object on one line.
///
/// # Panics
/// When it does not.
#[must_use]
pub fn parse_json_line(stdout: &[u8], what: &str) -> serde_json::Value {
    let text = std::str::from_utf8(stdout).expect("check --json prints UTF-8");
    assert!(text.ends_with('\n'), "{what}: output must end with a newline: {text:?}");
    assert_eq!(text.lines().count(), 1, "{what}: output must be one line: {text:?}");
    let v: serde_json::Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {text}"));
    assert!(v.is_object(), "{what}: not an object: {text}");
    v
}

/// Runs the child in a new session, so it has no controlling terminal and `/dev/tty`
/// cannot be opened: an approval request can never prompt the developer.
#[allow(unsafe_code)]
fn detach_from_terminal(c: &mut Command) {
    // SAFETY: the closure runs in the forked child before exec, where only
    // async-signal-safe functions may be called; it calls only setsid(2), which is
    // async-signal-safe, allocates nothing and touches no locks. setsid fails only when
    // the caller already leads a process group, which a freshly forked child never does.
    unsafe {
        c.pre_exec(|| {
            if libc::setsid() == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// stdout as a string.
#[must_use]
pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// stderr as a string.
#[must_use]
pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs the shell text `script` on a pseudo-terminal (util-linux `script`, from the
/// essential bsdutils package) in `env`; once `marker` is shown (at once when it is
/// empty), types `answer` if any. Returns the exit code and everything the terminal
/// showed.
///
/// # Panics
/// When `script` cannot run, or the marker never appears (a guard against a hang,
/// not a timing assertion).
pub fn on_terminal(env: &TestEnv, script: &str, marker: &str, answer: Option<&str>) -> (Option<i32>, String) {
    use std::io::{Read, Write};
    let mut cmd = env.std_command("script");
    cmd.args(["-qec", script, "/dev/null"]).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn script");
    let mut out = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        let mut seen = String::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = out.read(&mut buf) {
            if n == 0 {
                break;
            }
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
            let _ = tx.send(seen.clone());
        }
        seen
    });
    let mut stdin = child.stdin.take().expect("stdin");
    if let Some(a) = answer {
        while !marker.is_empty() {
            match rx.recv_timeout(std::time::Duration::from_secs(60)) {
                Ok(s) if s.contains(marker) => break,
                Ok(_) => {}
                Err(e) => panic!("the prompt never appeared: {e}"),
            }
        }
        stdin.write_all(a.as_bytes()).expect("answer");
        stdin.flush().expect("flush");
    }
    drop(stdin);
    let status = child.wait().expect("wait");
    (status.code(), reader.join().expect("reader"))
}
