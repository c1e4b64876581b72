//! The built-in guardrails: a registry of small, documented rules.
//!
//! Each guard lives in its own file with a stable code (`FS001`), a name, its
//! documentation (what it stops, why, what to do instead), at least three commands it
//! must match and three it must not, and its tests. A guard looks at one
//! [`Invocation`] (or one analyzer [`Event`]) at a time and returns a [`Hit`] with the
//! decision it wants; the policy takes the strictest.
//!
//! Invariants:
//! - Guards decide on the analyzed command (programs, fields, resolved paths), never on
//!   the raw text.
//! - A command reached through an unknown program that may be a wrapper
//!   (`tool rm -rf /`) is never denied on that basis alone: its hits are capped at
//!   `ask`, since the program may not run its arguments at all.
//! - Codes are unique and never reused ([`tests`] checks the catalog).
//! - A guard declares the programs it can hit on ([`Guard::programs`]); [`run`] calls
//!   it for no other invocation. A declaration narrower than [`Programs::Any`] is a
//!   promise that the guard returns `None` for every other program name and for an
//!   invocation whose name is not known, so skipping it changes no decision, reason or
//!   order of reasons ([`tests`] checks the promise on every example and on every name
//!   the guards mention).

use std::cell::{OnceCell, RefCell};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::analyze::model::NameSet;
use crate::analyze::{Analysis, Event, Invocation, Via};
use crate::context::Context;
use crate::policy::{Decision, Layer, Reason};

mod perm;
pub(crate) mod util;

mod db001_destructive_sql;
mod dk001_disk_format;
mod dk002_raw_device_write;
mod ex001_secret_exfiltration;
mod fs001_delete_critical;
mod fs002_delete_outside;
mod fs003_delete_workspace;
mod fs004_permissions;
mod fs005_write_system;
mod fs006_sync_delete;
mod gt001_discard_changes;
mod gt002_rewrite_remote;
mod gt003_delete_history;
mod gt004_bypass_hooks;
mod gt005_config_exec;
mod in001_iac_destroy;
mod in002_kubernetes;
mod in003_containers;
mod in004_cloud_delete;
mod in005_http_delete;
mod op001_opaque_code;
mod op002_parse_error;
mod op003_limits;
mod op004_api_call;
mod op005_confusable;
mod op006_env_code;
mod pb001_publish;
mod pr001_privilege;
mod pr002_setuid_sudoers;
mod pr003_container_host;
mod rc001_remote_code;
mod rs001_fork_bomb;
mod se001_read_secret;
mod se002_credential_stores;
mod sp001_tako_state;
mod sp002_disable_guard;
mod sp003_operator_commands;
mod sy001_power;
mod sy002_kill_all;
mod sy003_services;
mod sy004_firewall;
mod sy005_scheduled;

/// What a guard wants done about one command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The decision.
    pub decision: Decision,
    /// Why, in one lowercase sentence naming the object.
    pub message: String,
    /// A safer alternative.
    pub hint: Option<String>,
}

impl Hit {
    /// A hit that asks.
    pub fn ask(message: impl Into<String>) -> Self {
        Self { decision: Decision::Ask, message: message.into(), hint: None }
    }

    /// A hit that denies.
    pub fn deny(message: impl Into<String>) -> Self {
        Self { decision: Decision::Deny, message: message.into(), hint: None }
    }

    /// Adds a hint.
    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// What guards can look at besides the command.
pub struct Cx<'a> {
    /// The machine and workspace.
    pub ctx: &'a Context,
    /// Facts about the workspace repository, read once when a guard needs them (by each
    /// thread judging: `git2` handles stay on the thread that opened them).
    repo: OnceCell<Option<util::RepoFacts>>,
    /// The invocations being judged, so effects derived from one are computed once for
    /// all guards (see [`Cx::memo`]).
    judged: std::ops::Range<*const Invocation>,
    /// The same invocations, in order (see [`Cx::before`]).
    judged_list: &'a [Invocation],
    /// Links the judged invocations make (see [`util::Link`]), found when first asked.
    links: OnceCell<Vec<util::Link>>,
    /// The program names of the judged invocations, in order: every guard asks.
    names: &'a [Option<std::borrow::Cow<'a, str>>],
    /// Effects of the invocation last asked about: (its address, the effects).
    memo: RefCell<Option<(*const Invocation, Memo)>>,
    /// Resolved fully known path arguments (see [`Cx::memo_target`]).
    targets: RefCell<Targets>,
    /// What the components of the working directory last asked about say (see
    /// [`util::CwdFacts`]): the directory, and the facts.
    cwd_facts: RefCell<Option<(std::path::PathBuf, util::CwdFacts)>>,
    /// What the workspace's `.tako` is, looked up once per decision: `None` when
    /// absent, else whether it is a directory.
    tako_state: OnceCell<Option<bool>>,
    /// `lstat` of path prefixes, by their bytes, once per decision (see `perm::has_link`).
    lstats: RefCell<foldhash::HashMap<Box<[u8]>, Option<bool>>>,
}

/// Resolved fully known path arguments: by text, then (glob, working directory).
#[derive(Default)]
struct Targets {
    /// The working directories met, each once (as `==` tells them apart): entries name
    /// them by their index here instead of holding a copy.
    cwds: Vec<crate::analyze::Cwd>,
    /// The index in `cwds` of the directory last asked about.
    last: usize,
    /// By text: the first resolution, then any others (another glob flag or directory).
    by_text: foldhash::HashMap<String, (Resolved, Vec<Resolved>)>,
}

/// A resolved path argument: (glob, index of the working directory, target).
type Resolved = (bool, usize, std::rc::Rc<crate::paths::Target>);

impl Targets {
    /// The index of `cwd` in `cwds`, added when new.
    fn cwd_index(&mut self, cwd: &crate::analyze::Cwd) -> usize {
        if self.cwds.get(self.last).is_some_and(|c| c == cwd) {
            return self.last;
        }
        self.last = self.cwds.iter().position(|c| c == cwd).unwrap_or_else(|| {
            self.cwds.push(cwd.clone());
            self.cwds.len() - 1
        });
        self.last
    }
}

/// Effects derived from one invocation, shared by the guards.
#[derive(Default)]
pub(crate) struct Memo {
    pub(crate) deletions: Option<util::Shared<util::Deletion>>,
    pub(crate) writes: Option<util::Shared<std::rc::Rc<crate::paths::Target>>>,
    pub(crate) reads: Option<util::Shared<util::Read>>,
    pub(crate) git: Option<std::rc::Rc<crate::analyze::git::GitCmd>>,
}

impl<'a> Cx<'a> {
    /// A guard context over `ctx`.
    #[must_use]
    pub fn new(ctx: &'a Context) -> Self {
        Self {
            ctx,
            repo: OnceCell::new(),
            judged: std::ptr::null()..std::ptr::null(),
            judged_list: &[],
            links: OnceCell::new(),
            names: &[],
            memo: RefCell::new(None),
            targets: RefCell::default(),
            cwd_facts: RefCell::new(None),
            tako_state: OnceCell::new(),
            lstats: RefCell::default(),
        }
    }

    /// A guard context judging `invocations`, whose program names are `names`.
    fn judging(
        ctx: &'a Context,
        invocations: &'a [Invocation],
        names: &'a [Option<std::borrow::Cow<'a, str>>],
    ) -> Self {
        Self { judged: invocations.as_ptr_range(), judged_list: invocations, names, ..Self::new(ctx) }
    }

    /// Whether another judged invocation reads `inv`'s output through a pipe.
    pub(crate) fn piped_on(&self, inv: &Invocation) -> bool {
        self.judged_list.iter().any(|o| match &o.stdin {
            crate::analyze::Input::Pipe(s) => s.producer.as_ref().is_some_and(|p| std::sync::Arc::ptr_eq(p, &inv.text)),
            _ => false,
        })
    }

    /// The links made by the judged invocations before `inv` (`ln -s /etc/passwd x`).
    pub(crate) fn links_before(&self, inv: &Invocation) -> impl Iterator<Item = &util::Link> {
        let all = self.links.get_or_init(|| {
            self.judged_list
                .iter()
                .enumerate()
                .filter(|(k, _)| self.names.get(*k).and_then(Option::as_deref) == Some("ln"))
                .filter_map(|(k, e)| util::Link::made_by(k, e, self.ctx.read_files))
                .collect()
        });
        // Most scripts make no links: then where `inv` is does not matter.
        let i = if all.is_empty() { 0 } else { self.before(inv).len() };
        all.iter().take_while(move |l| l.at < i)
    }

    /// The invocations judged with `inv` that come before it (none when `inv` is not
    /// one of them): what ran earlier in the same command or script.
    pub(crate) fn before(&self, inv: &Invocation) -> &'a [Invocation] {
        let at: *const Invocation = inv;
        if !self.judged.contains(&at) {
            return &[];
        }
        let i = (at as usize - self.judged.start as usize) / std::mem::size_of::<Invocation>();
        self.judged_list.get(..i).unwrap_or(&[])
    }

    /// The program name of `inv` ([`Invocation::name`]), computed once per judged
    /// invocation.
    pub(crate) fn name<'s>(&'s self, inv: &'s Invocation) -> Option<std::borrow::Cow<'s, str>> {
        let at: *const Invocation = inv;
        if self.judged.contains(&at) {
            let i = (at as usize - self.judged.start as usize) / std::mem::size_of::<Invocation>();
            if let Some(n) = self.names.get(i) {
                return n.as_deref().map(std::borrow::Cow::Borrowed);
            }
        }
        inv.name()
    }

    /// The resolution of path argument `f` of `inv`. Resolution is lexical and depends
    /// only on the text and the working directory, so fully known paths are resolved
    /// once per judgement, whichever invocation names them.
    pub(crate) fn memo_target(
        &self,
        inv: &Invocation,
        f: &crate::analyze::Field,
        compute: impl FnOnce() -> crate::paths::Target,
    ) -> std::rc::Rc<crate::paths::Target> {
        if !f.is_known() {
            return std::rc::Rc::new(compute());
        }
        let cwd = self.targets.borrow_mut().cwd_index(&inv.cwd);
        let same = |(glob, at, _): &&Resolved| *glob == f.glob && *at == cwd;
        let found = self.targets.borrow().by_text.get(f.text.as_str()).and_then(|(first, more)| {
            std::iter::once(first).chain(more).find(same).map(|(_, _, t)| std::rc::Rc::clone(t))
        });
        if let Some(t) = found {
            return t;
        }
        let t = std::rc::Rc::new(compute());
        let entry = (f.glob, cwd, std::rc::Rc::clone(&t));
        match self.targets.borrow_mut().by_text.entry(f.text.to_string()) {
            std::collections::hash_map::Entry::Occupied(mut o) => o.get_mut().1.push(entry),
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert((entry, Vec::new()));
            }
        }
        t
    }

    /// `compute()` for `inv`, computed once per judged invocation: every guard asks
    /// for the same deletions and writes. Invocations built on the fly (not in the
    /// analysis being judged) are computed each time.
    ///
    /// Most asks find the value: that look-up is made where it is asked, and the rest
    /// (computing and storing, with the computation inlined) is a call of its own, so a
    /// look-up does not pay for setting up the larger function.
    #[inline]
    pub(crate) fn memo<T: Clone>(
        &self,
        inv: &Invocation,
        slot: impl Fn(&mut Memo) -> &mut Option<T>,
        compute: impl FnOnce() -> T,
    ) -> T {
        let key: *const Invocation = inv;
        if self.judged.contains(&key) {
            let hit = self.memo.borrow_mut().as_mut().filter(|(k, _)| *k == key).and_then(|(_, m)| slot(m).clone());
            if let Some(v) = hit {
                return v;
            }
        }
        self.memo_missed(inv, slot, compute)
    }

    /// [`Cx::memo`] when the look-up found nothing: the whole protocol.
    #[inline(never)]
    fn memo_missed<T: Clone>(
        &self,
        inv: &Invocation,
        slot: impl Fn(&mut Memo) -> &mut Option<T>,
        compute: impl FnOnce() -> T,
    ) -> T {
        let find = |m: &mut Memo| slot(m).clone();
        let store = |m: &mut Memo, v: &T| *slot(m) = Some(v.clone());
        self.cached(inv, find, store, compute)
    }

    /// The memo protocol: look `inv` up, else compute and store.
    fn cached<T>(
        &self,
        inv: &Invocation,
        find: impl FnOnce(&mut Memo) -> Option<T>,
        store: impl FnOnce(&mut Memo, &T),
        compute: impl FnOnce() -> T,
    ) -> T {
        let key: *const Invocation = inv;
        if !self.judged.contains(&key) {
            return compute();
        }
        let hit = self.memo.borrow_mut().as_mut().filter(|(k, _)| *k == key).and_then(|(_, m)| find(m));
        if let Some(v) = hit {
            return v;
        }
        let v = compute();
        let mut memo = self.memo.borrow_mut();
        if memo.as_ref().is_none_or(|(k, _)| *k != key) {
            *memo = Some((key, Memo::default()));
        }
        if let Some((_, m)) = memo.as_mut() {
            store(m, &v);
        }
        v
    }

    /// The workspace's `.tako` (followed like `stat`): `None` when absent, else
    /// whether it is a directory. One `stat` per decision instead of one per command.
    pub(crate) fn tako_state(&self) -> Option<bool> {
        *self.tako_state.get_or_init(|| std::fs::metadata(self.ctx.workspace.join(".tako")).ok().map(|m| m.is_dir()))
    }

    /// [`perm::lstat_link`] of `p`, asked of the system once per decision.
    pub(crate) fn lstat_link(&self, p: &std::path::Path) -> Option<bool> {
        let key = p.as_os_str().as_encoded_bytes();
        if let Some(v) = self.lstats.borrow().get(key) {
            return *v;
        }
        let v = perm::lstat_link(p);
        self.lstats.borrow_mut().insert(key.into(), v);
        v
    }

    /// The workspace repository's facts (tracked and ignored paths), if it is one.
    pub(crate) fn repo(&self) -> Option<&util::RepoFacts> {
        self.repo
            .get_or_init(|| if self.ctx.read_files { util::RepoFacts::open(&self.ctx.workspace) } else { None })
            .as_ref()
    }
}

/// A rule of the catalog.
pub struct Guard {
    /// Stable code.
    pub code: &'static str,
    /// Short kebab-case name.
    pub name: &'static str,
    /// The strictest decision it gives.
    pub decision: Decision,
    /// One line: what it stops.
    pub summary: &'static str,
    /// Full documentation: `## What it stops`, `## Why`, `## Instead`.
    pub doc: &'static str,
    /// Commands it must match.
    pub matches: &'static [&'static str],
    /// Commands it must not match.
    pub not_matches: &'static [&'static str],
    /// The programs `on_invocation` can hit on: [`run`] skips the guard for others.
    pub(crate) programs: Programs,
    /// Judges one invocation.
    pub on_invocation: Option<fn(&Invocation, &Cx<'_>) -> Option<Hit>>,
    /// Judges one analyzer event.
    pub on_event: Option<fn(&Event, &Cx<'_>) -> Option<Hit>>,
}

/// Which invocations a guard can hit on, by program name ([`Cx::name`]).
///
/// Anything narrower than [`Programs::Any`] promises that the guard returns `None` for
/// every invocation it does not admit, including one whose program name is not known
/// (an unknown `argv[0]`, an empty `argv`). When in doubt, `Any`.
#[derive(Clone, Copy)]
pub(crate) enum Programs {
    /// Every invocation: the guard judges effects any program can have (what it reads,
    /// writes or deletes, its redirections), its environment or its words.
    Any,
    /// Invocations of these programs only.
    Only(&'static NameSet),
    /// Invocations of these programs as [`util::tool_name`] reads names: `NAME.sh`
    /// counts as `NAME`, and `java` may run any of them (`java -jar NAME.jar`).
    Tools(&'static NameSet),
    /// Invocations whose program name passes the test (names matched by pattern:
    /// `mkfs.*`, `kafka-*`).
    Matching(fn(&str) -> bool),
}

impl Programs {
    /// Whether an invocation whose program name is `name` may be hit.
    pub(crate) fn admits(self, name: Option<&str>) -> bool {
        match (self, name) {
            (Self::Any, _) => true,
            (_, None) => false,
            (Self::Only(set), Some(n)) => set.contains(n),
            (Self::Tools(set), Some(n)) => util::may_be_tool(n, |t| set.contains(t)),
            (Self::Matching(test), Some(n)) => test(n),
        }
    }
}

/// The catalog, in code order.
pub static GUARDS: &[&Guard] = &[
    &db001_destructive_sql::GUARD,
    &dk001_disk_format::GUARD,
    &dk002_raw_device_write::GUARD,
    &ex001_secret_exfiltration::GUARD,
    &fs001_delete_critical::GUARD,
    &fs002_delete_outside::GUARD,
    &fs003_delete_workspace::GUARD,
    &fs004_permissions::GUARD,
    &fs005_write_system::GUARD,
    &fs006_sync_delete::GUARD,
    &gt001_discard_changes::GUARD,
    &gt002_rewrite_remote::GUARD,
    &gt003_delete_history::GUARD,
    &gt004_bypass_hooks::GUARD,
    &gt005_config_exec::GUARD,
    &in001_iac_destroy::GUARD,
    &in002_kubernetes::GUARD,
    &in003_containers::GUARD,
    &in004_cloud_delete::GUARD,
    &in005_http_delete::GUARD,
    &op001_opaque_code::GUARD,
    &op002_parse_error::GUARD,
    &op003_limits::GUARD,
    &op004_api_call::GUARD,
    &op005_confusable::GUARD,
    &op006_env_code::GUARD,
    &pb001_publish::GUARD,
    &pr001_privilege::GUARD,
    &pr002_setuid_sudoers::GUARD,
    &pr003_container_host::GUARD,
    &rc001_remote_code::GUARD,
    &rs001_fork_bomb::GUARD,
    &se001_read_secret::GUARD,
    &se002_credential_stores::GUARD,
    &sp001_tako_state::GUARD,
    &sp002_disable_guard::GUARD,
    &sp003_operator_commands::GUARD,
    &sy001_power::GUARD,
    &sy002_kill_all::GUARD,
    &sy003_services::GUARD,
    &sy004_firewall::GUARD,
    &sy005_scheduled::GUARD,
];

/// The guard with this code (case-insensitive).
#[must_use]
pub fn by_code(code: &str) -> Option<&'static Guard> {
    GUARDS.iter().copied().find(|g| g.code.eq_ignore_ascii_case(code) || g.name.eq_ignore_ascii_case(code))
}

/// Runs every guard (and the policy's permissions, paths and egress) over an
/// analysis; returns the reasons of the hits, each with the index of the invocation it
/// judged (`None` for analyzer events).
///
/// A long script's invocations are judged by several threads at once (see
/// [`workers`]); the reasons come out in the same order as on one thread.
#[must_use]
pub fn run(analysis: &Analysis, ctx: &Context) -> Vec<(Option<usize>, Reason)> {
    judge(analysis, ctx, judges_of, workers)
}

/// Invocations a thread takes at a time when several judge one analysis.
const CHUNK: usize = 128;
/// Fewest invocations judged by more than one thread: starting one costs ~50 µs, what
/// ~500 ordinary invocations take to judge.
const PARALLEL_FROM: usize = 1024;
/// Most threads judging one analysis.
const MAX_WORKERS: usize = 4;

/// How many threads judge `n` invocations: one below [`PARALLEL_FROM`], else up to
/// the processors this process may use.
fn workers(n: usize) -> usize {
    if n < PARALLEL_FROM {
        return 1;
    }
    crate::context::processors().min(MAX_WORKERS)
}

/// [`run`], with the guards that judge invocations of a program chosen by `judges_of`,
/// on as many threads as `workers` gives for the number of invocations judged.
fn judge(
    analysis: &Analysis,
    ctx: &Context,
    judges_of: fn(Option<&str>) -> Judges,
    workers: impl Fn(usize) -> usize,
) -> Vec<(Option<usize>, Reason)> {
    // When the analysis ran out of budget the decision is already a deny (OP003); the
    // first invocations are still judged so their reasons show, the rest would only cost
    // time.
    let exhausted = analysis.events.iter().any(|e| matches!(e, Event::Budget { .. }));
    let judged = if exhausted { analysis.invocations.len().min(1_000) } else { analysis.invocations.len() };
    let names: Vec<_> = analysis.invocations.iter().map(Invocation::name).collect();
    let job = Job { analysis, ctx, judges_of, names: &names, judged, next: AtomicUsize::new(0) };
    let threads = workers(judged).clamp(1, judged.div_ceil(CHUNK).max(1));
    let mut out = if threads == 1 {
        job.work(judged.max(1)).into_iter().flat_map(|(_, hits)| hits).collect()
    } else {
        let mut done = std::thread::scope(|s| {
            // The calling thread takes chunks too; a thread that cannot be started leaves
            // its chunks to the others.
            let helpers: Vec<_> = (1..threads)
                .filter_map(|_| std::thread::Builder::new().spawn_scoped(s, || job.work(CHUNK)).ok())
                .collect();
            let mut done = job.work(CHUNK);
            for h in helpers {
                match h.join() {
                    Ok(d) => done.extend(d),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            done
        });
        done.sort_unstable_by_key(|(k, _)| *k);
        done.into_iter().flat_map(|(_, hits)| hits).collect::<Vec<_>>()
    };
    let cx = Cx::judging(ctx, &analysis.invocations, &names);
    for ev in &analysis.events {
        for g in GUARDS {
            let Some(f) = g.on_event else { continue };
            if let Some(hit) = f(ev, &cx) {
                out.push((None, reason(g, hit, event_text(ev))));
            }
        }
    }
    out
}

/// One analysis being judged, shared by the threads judging it.
struct Job<'a> {
    analysis: &'a Analysis,
    ctx: &'a Context,
    judges_of: fn(Option<&str>) -> Judges,
    names: &'a [Option<std::borrow::Cow<'a, str>>],
    /// How many invocations, from the first, are judged.
    judged: usize,
    /// The next chunk no thread has taken.
    next: AtomicUsize,
}

/// Hits on the invocations of one chunk, by the chunk's number.
type Chunk = (usize, Vec<(Option<usize>, Reason)>);

impl Job<'_> {
    /// Judges chunks of `size` invocations until none is left; returns their hits.
    fn work(&self, size: usize) -> Vec<Chunk> {
        let cx = Cx::judging(self.ctx, &self.analysis.invocations, self.names);
        // The guards each program name admits, worked out once per name: a script runs
        // the same few programs over and over.
        let unnamed = (self.judges_of)(None);
        let mut by_name: foldhash::HashMap<&str, Judges> = foldhash::HashMap::default();
        let mut done = Vec::new();
        loop {
            let k = self.next.fetch_add(1, Ordering::Relaxed);
            let start = k.saturating_mul(size);
            if start >= self.judged {
                return done;
            }
            let mut out = Vec::new();
            for i in start..start.saturating_add(size).min(self.judged) {
                let inv = &self.analysis.invocations[i];
                let judges = match self.names.get(i).and_then(Option::as_deref) {
                    Some(name) => by_name.entry(name).or_insert_with(|| (self.judges_of)(Some(name))),
                    None => &unnamed,
                };
                judge_one(i, inv, judges, &cx, &mut out);
            }
            done.push((k, out));
        }
    }
}

/// The hits of `judges` and of the policy's permissions on invocation `i`.
fn judge_one(i: usize, inv: &Invocation, judges: &Judges, cx: &Cx<'_>, out: &mut Vec<(Option<usize>, Reason)>) {
    let maybe = inv.via.iter().find_map(|v| if let Via::MaybeWrapper(w) = v { Some(w.clone()) } else { None });
    for g in judges.iter().copied() {
        let Some(f) = g.on_invocation else { continue };
        if let Some(mut hit) = f(inv, cx) {
            if let Some(w) = &maybe {
                // `tool rm -rf /`: the tool may not run its arguments.
                hit.decision = hit.decision.min(Decision::Ask);
                hit.message = format!("`{w}` may run `{}`: {}", inv.text, hit.message);
            }
            out.push((Some(i), reason(g, hit, via_text(inv))));
        }
    }
    for mut r in perm::check(inv, cx) {
        if maybe.is_some() {
            r.decision = r.decision.min(Decision::Ask);
        }
        out.push((Some(i), r));
    }
}

/// The guards that judge invocations of one program, held inline when they are no more
/// than most programs have.
type Judges = smallvec::SmallVec<[&'static Guard; 24]>;

/// The guards that judge invocations of the program `name` (`None`: a name not known),
/// in code order.
fn judges_of(name: Option<&str>) -> Judges {
    // A name that no guard's list holds (a script's own tools, `./build.sh`) is admitted
    // only by the guards of any program and those that test names: one look-up instead
    // of one per list.
    let listed = name.is_none_or(is_listed);
    GUARDS
        .iter()
        .copied()
        .filter(|g| g.on_invocation.is_some())
        .filter(|g| listed || !matches!(g.programs, Programs::Only(_) | Programs::Tools(_)))
        .filter(|g| g.programs.admits(name))
        .collect()
}

/// Whether some guard's [`Programs::Only`] or [`Programs::Tools`] list may admit `name`
/// (`false` proves none does).
fn is_listed(name: &str) -> bool {
    static LISTED: std::sync::OnceLock<foldhash::HashSet<&'static str>> = std::sync::OnceLock::new();
    let listed = LISTED.get_or_init(|| {
        let lists = GUARDS.iter().filter_map(|g| match g.programs {
            Programs::Only(set) | Programs::Tools(set) => Some(set.names()),
            Programs::Any | Programs::Matching(_) => None,
        });
        lists.flatten().copied().collect()
    });
    // (What `Programs::Tools` admits besides the names themselves: see `util::may_be_tool`.)
    listed.contains(name) || util::may_be_tool(name, |t| t.len() < name.len() && listed.contains(t))
}

fn reason(g: &Guard, hit: Hit, command: String) -> Reason {
    Reason {
        code: g.code.to_string(),
        name: g.name.to_string(),
        layer: if g.code.starts_with("OP") { Layer::Parse } else { Layer::Guard },
        decision: hit.decision,
        message: hit.message,
        command,
        hint: hit.hint,
        source: None,
    }
}

/// The command text with how it was reached, for reasons: code read from a file says
/// which (`rm -rf /root (in the npm script clean of /w/package.json)`), since that text
/// is not in the command the operator sees.
fn via_text(inv: &Invocation) -> String {
    let mut files = inv.via.iter().filter_map(|v| if let Via::File(f) = v { Some(f.as_str()) } else { None });
    let Some(first) = files.next() else { return inv.text.to_string() };
    let mut s = format!("{} (in {first}", inv.text);
    for f in files {
        s.push_str(", in ");
        s.push_str(f);
    }
    s.push(')');
    s
}

fn event_text(ev: &Event) -> String {
    match ev {
        Event::OpaqueCode { text, .. }
        | Event::NestedParseError { text, .. }
        | Event::TooDeep { text }
        | Event::Budget { text }
        | Event::ApiCall { text, .. }
        | Event::Recursion { text, .. } => text.clone(),
    }
}

#[cfg(test)]
pub(crate) mod tests;
