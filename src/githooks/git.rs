//! Running git from a hook: its command line, with the hook's environment (so
//! `GIT_INDEX_FILE`, `GIT_DIR` and worktrees are git's own), and errors that say which
//! git command failed and why. Every failure is a refusal (fail closed).

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A git command that could not run or failed.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// git could not be started.
    #[error("cannot run `git {args}`: {source}")]
    Spawn {
        /// The arguments.
        args: String,
        /// Why.
        source: std::io::Error,
    },
    /// git exited with an error.
    #[error("`git {args}` failed ({status}): {message}")]
    Failed {
        /// The arguments.
        args: String,
        /// Its exit status.
        status: String,
        /// Its standard error, trimmed.
        message: String,
    },
}

/// Runs git in one directory.
#[derive(Debug, Clone)]
pub struct Git {
    dir: PathBuf,
}

impl Git {
    /// Git run from `dir`.
    #[must_use]
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The directory git runs in.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn command<S: AsRef<OsStr>>(&self, args: &[S]) -> Command {
        let mut c = Command::new("git");
        // Output meant for people (pagers, colours, quoted paths, external diff tools)
        // is turned off; everything else is the repository's own configuration.
        c.current_dir(&self.dir)
            .args(["-c", "core.quotePath=false", "-c", "color.ui=false", "--no-pager"])
            .args(args)
            .env("GIT_TERMINAL_PROMPT", "0")
            .env_remove("GIT_EXTERNAL_DIFF");
        c
    }

    /// Standard output of `git ARGS`; an error when it does not exit 0.
    ///
    /// # Errors
    /// When git cannot run or fails.
    pub fn output<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<Vec<u8>, GitError> {
        let shown = || shown(args);
        let out = self
            .command(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .map_err(|source| GitError::Spawn { args: shown(), source })?;
        finish(out, shown)
    }

    /// Runs `git ARGS` and hands each line of its standard output to `on_line` as it
    /// comes (git keeps producing while the caller works on what it has).
    ///
    /// # Errors
    /// When git cannot run or fails.
    pub fn stream<S: AsRef<OsStr>>(&self, args: &[S], mut on_line: impl FnMut(&[u8])) -> Result<(), GitError> {
        use std::io::{BufRead, Read};
        let shown = || shown(args);
        let mut child = self
            .command(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|source| GitError::Spawn { args: shown(), source })?;
        let mut err = child.stderr.take().expect("stderr is piped");
        // Read apart, so a chatty stderr never blocks git while stdout is read here.
        let errors = std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = err.read_to_end(&mut buf);
            buf
        });
        let mut out = std::io::BufReader::with_capacity(1 << 16, child.stdout.take().expect("stdout is piped"));
        let mut line = Vec::with_capacity(256);
        loop {
            line.clear();
            match out.read_until(b'\n', &mut line) {
                Ok(0) => break,
                Ok(_) => on_line(&line),
                Err(source) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(GitError::Spawn { args: shown(), source });
                }
            }
        }
        let status = child.wait().map_err(|source| GitError::Spawn { args: shown(), source })?;
        let stderr = errors.join().unwrap_or_default();
        if status.success() {
            return Ok(());
        }
        let out = std::process::Output { status, stdout: Vec::new(), stderr };
        Err(failed(&out, shown()))
    }

    /// The content of each object in `ids` (`git cat-file --batch`), in order, handed
    /// to `on_blob` with its index as it is read; one larger than `max` bytes is not
    /// held in memory: `on_blob` gets `Err(size)`.
    ///
    /// # Errors
    /// When git cannot run, fails, or an object is missing.
    pub fn cat_blobs(
        &self,
        ids: &[&str],
        max: usize,
        mut on_blob: impl FnMut(usize, Result<&[u8], usize>),
    ) -> Result<(), GitError> {
        use std::io::{BufRead, Read};
        if ids.is_empty() {
            return Ok(());
        }
        let shown = || "cat-file --batch".to_string();
        let mut child = self
            .command(&["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|source| GitError::Spawn { args: shown(), source })?;
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let request: String = ids.iter().map(|id| format!("{id}\n")).collect();
        // Written apart: git answers while it reads.
        let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
        let mut out = std::io::BufReader::with_capacity(1 << 16, child.stdout.take().expect("stdout is piped"));
        let mut header = Vec::new();
        let mut blob = Vec::new();
        let bad = |message: String| GitError::Failed { args: shown(), status: "unexpected output".into(), message };
        for (i, id) in ids.iter().enumerate() {
            header.clear();
            out.read_until(b'\n', &mut header).map_err(|source| GitError::Spawn { args: shown(), source })?;
            let text = String::from_utf8_lossy(&header);
            let mut w = text.split_whitespace();
            let (_, kind, size) = (w.next(), w.next(), w.next());
            let Some(size) = size.and_then(|n| n.parse::<usize>().ok()) else {
                let _ = child.kill();
                let _ = child.wait();
                return Err(bad(format!("object {id}: {}", text.trim())));
            };
            if kind != Some("blob") {
                let _ = child.kill();
                let _ = child.wait();
                return Err(bad(format!("object {id} is a {}", kind.unwrap_or("?"))));
            }
            let io = |source| GitError::Spawn { args: shown(), source };
            if size > max {
                std::io::copy(&mut (&mut out).take(size as u64 + 1), &mut std::io::sink()).map_err(io)?;
                on_blob(i, Err(size));
                continue;
            }
            blob.clear();
            blob.resize(size + 1, 0);
            out.read_exact(&mut blob).map_err(io)?;
            on_blob(i, Ok(&blob[..size]));
        }
        let _ = writer.join();
        drop(out);
        let status = child.wait().map_err(|source| GitError::Spawn { args: shown(), source })?;
        if !status.success() {
            return Err(bad(format!("git cat-file ended with {status}")));
        }
        Ok(())
    }

    /// Standard output as text, trimmed of the final newline.
    ///
    /// # Errors
    /// When git cannot run or fails.
    pub fn line<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<String, GitError> {
        let out = self.output(args)?;
        Ok(String::from_utf8_lossy(&out).trim_end_matches(['\n', '\r']).to_string())
    }

    /// Whether `git ARGS` exits 0 (`true`) or 1 (`false`); any other end is an error.
    /// For questions git answers by status (`merge-base --is-ancestor`).
    ///
    /// # Errors
    /// When git cannot run or ends otherwise.
    pub fn yes_no<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<bool, GitError> {
        let shown = || shown(args);
        let out = self
            .command(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .map_err(|source| GitError::Spawn { args: shown(), source })?;
        match out.status.code() {
            Some(0) => Ok(true),
            Some(1) => Ok(false),
            _ => Err(failed(&out, shown())),
        }
    }

    /// The top of the working tree and where git runs hooks from (`core.hooksPath`
    /// honoured, worktrees sharing the common directory's), in one call.
    ///
    /// # Errors
    /// When git cannot answer (not a repository, or a bare one).
    pub fn top_and_hooks(&self) -> Result<(PathBuf, PathBuf), GitError> {
        let out = self.line(&["rev-parse", "--show-toplevel", "--git-path", "hooks"])?;
        let mut lines = out.lines();
        let (Some(top), Some(hooks)) = (lines.next(), lines.next()) else {
            return Err(GitError::Failed {
                args: "rev-parse --show-toplevel --git-path hooks".into(),
                status: "unexpected output".into(),
                message: out.clone(),
            });
        };
        let hooks = PathBuf::from(hooks);
        Ok((PathBuf::from(top), if hooks.is_absolute() { hooks } else { self.dir.join(hooks) }))
    }
}

/// The arguments as shown in an error.
fn shown<S: AsRef<OsStr>>(args: &[S]) -> String {
    args.iter().map(|a| a.as_ref().to_string_lossy()).collect::<Vec<_>>().join(" ")
}

fn finish(out: std::process::Output, shown: impl FnOnce() -> String) -> Result<Vec<u8>, GitError> {
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(failed(&out, shown()))
    }
}

fn failed(out: &std::process::Output, args: String) -> GitError {
    let message = String::from_utf8_lossy(&out.stderr).trim().to_string();
    let status = out.status.code().map_or_else(|| "killed by a signal".to_string(), |c| format!("exit {c}"));
    GitError::Failed { args, status, message }
}
