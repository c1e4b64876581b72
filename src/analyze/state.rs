//! The shell state the analyzer tracks while it walks a script: variables, functions,
//! aliases, working directory, positional parameters.
//!
//! Invariants: a value is either known (possibly with unknown parts, see
//! [`Field`]) or marked unknown; after a conditional construct, anything that differs
//! between the paths becomes unknown ([`merge`]), so no branch can hide a value from
//! the guards.

/// Maps keyed by names from the script: a fast hash, seeded per process.
type HashMap<K, V> = foldhash::HashMap<K, V>;
use std::rc::Rc;

use super::model::{Cwd, Field, Unknown};
use crate::parse::FunctionDef;

/// A variable's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Val {
    /// A scalar.
    Scalar(Field),
    /// An indexed array.
    Array(Vec<Field>),
}

impl Val {
    /// The scalar value (first element of an array).
    pub(crate) fn scalar(&self) -> Field {
        match self {
            Self::Scalar(f) => f.clone(),
            Self::Array(a) => a.first().cloned().unwrap_or_default(),
        }
    }
}

/// The variables of one shell: a shared base and a small overlay of recent writes.
///
/// Copying the state for a branch copies two pointers; a write copies only the overlay;
/// and states copied from the same point share their base, so [`merge`] compares only
/// the names either overlay holds instead of every variable of the script (which made a
/// script with hundreds of variables quadratic). The overlay is folded into a new base
/// when it grows past [`Vars::OVERLAY`] entries.
#[derive(Debug, Clone, Default)]
pub(crate) struct Vars {
    base: Rc<HashMap<Rc<str>, Rc<Val>>>,
    /// Recent writes; `None` unsets a variable of the base.
    top: Rc<HashMap<Rc<str>, Option<Rc<Val>>>>,
}

impl Vars {
    /// Overlay size at which it is folded into the base.
    const OVERLAY: usize = 32;

    /// A base holding these variables.
    pub(crate) fn from_map(vars: impl IntoIterator<Item = (String, Val)>) -> Self {
        let base = vars.into_iter().map(|(k, v)| (Rc::from(k), Rc::new(v))).collect();
        Self { base: Rc::new(base), top: Rc::default() }
    }

    /// The value of `name`, if set.
    pub(crate) fn get(&self, name: &str) -> Option<&Val> {
        match self.top.get(name) {
            Some(v) => v.as_deref(),
            None => self.base.get(name).map(|v| &**v),
        }
    }

    /// Whether `name` is set.
    pub(crate) fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The shared value of `name`, if set.
    fn get_rc(&self, name: &str) -> Option<&Rc<Val>> {
        match self.top.get(name) {
            Some(v) => v.as_ref(),
            None => self.base.get(name),
        }
    }

    /// Sets `name`. Copying the maps copies pointers (names and values are shared).
    pub(crate) fn insert(&mut self, name: String, v: Val) {
        self.insert_rc(Rc::from(name), v);
    }

    /// Sets `name`, a name already shared.
    fn insert_rc(&mut self, name: Rc<str>, v: Val) {
        Rc::make_mut(&mut self.top).insert(name, Some(Rc::new(v)));
        self.fold_if_large();
    }

    /// Unsets `name`.
    pub(crate) fn remove(&mut self, name: &str) {
        if self.contains_key(name) {
            Rc::make_mut(&mut self.top).insert(Rc::from(name), None);
            self.fold_if_large();
        }
    }

    fn fold_if_large(&mut self) {
        if self.top.len() <= Self::OVERLAY {
            return;
        }
        let top = std::mem::take(&mut self.top);
        let base = Rc::make_mut(&mut self.base);
        for (k, v) in Rc::unwrap_or_clone(top) {
            match v {
                Some(v) => base.insert(k, v),
                None => base.remove(&k),
            };
        }
    }

    /// Whether both are the same copy (nothing written since they were copied).
    fn same(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.base, &other.base) && Rc::ptr_eq(&self.top, &other.top)
    }

    /// The names whose values differ between the two, sorted.
    fn differing(&self, other: &Self) -> Vec<Rc<str>> {
        // A value shared by both (written before they were copied) is the same value.
        let value_differs = |a: Option<&Rc<Val>>, b: Option<&Rc<Val>>| match (a, b) {
            (Some(a), Some(b)) => !Rc::ptr_eq(a, b) && a != b,
            (a, b) => a.is_some() != b.is_some(),
        };
        let differs = |n: &str| value_differs(self.get_rc(n), other.get_rc(n));
        let mut names: Vec<Rc<str>> = if Rc::ptr_eq(&self.base, &other.base) {
            // Copied from the same point: only what either wrote since can differ. One
            // look-up per name: the value of one side is at hand, and a name only the
            // other side wrote has its shared value in the base.
            let mut names = Vec::new();
            for (n, v) in self.top.iter() {
                if value_differs(v.as_ref(), other.get_rc(n)) {
                    names.push(Rc::clone(n));
                }
            }
            for (n, v) in other.top.iter() {
                if !self.top.contains_key(n) && value_differs(self.base.get(n), v.as_ref()) {
                    names.push(Rc::clone(n));
                }
            }
            names
        } else {
            let mut all: Vec<&Rc<str>> =
                self.base.keys().chain(self.top.keys()).chain(other.base.keys()).chain(other.top.keys()).collect();
            all.sort_unstable();
            all.dedup();
            all.into_iter().filter(|n| differs(n)).cloned().collect()
        };
        names.sort_unstable();
        names
    }
}

/// The state of one shell.
#[derive(Debug, Clone)]
pub(crate) struct State {
    /// Variables assigned by the script. Shared until written: branches and function
    /// calls copy the state, and most of them never assign.
    pub vars: Vars,
    /// Functions defined, by name (more than one when branches differ); shared likewise.
    pub funcs: Rc<HashMap<String, Vec<Rc<FunctionDef>>>>,
    /// Aliases defined by the script, by name (more than one value when branches
    /// differ); a value not known statically stays unknown. Not passed to child shells.
    pub aliases: Rc<HashMap<String, Vec<Field>>>,
    /// Names of variables exported to the environment of later commands.
    pub exported: Rc<std::collections::BTreeSet<String>>,
    /// The working directory.
    pub cwd: Cwd,
    /// The previous working directory (`cd -`).
    pub oldpwd: Option<Cwd>,
    /// `$1`, `$2`, …
    pub positional: Vec<Field>,
    /// `$0` (inline when short, so copying the state for a branch allocates nothing for it)
    pub arg0: crate::parse::Text,
    /// Functions being analyzed, innermost last (recursion detection).
    pub calls: Vec<String>,
    /// Files a bare `exec N<FILE` opened for reading, by descriptor: what a later `<&N`
    /// reads. Open descriptors pass to every later command and child shell.
    pub fds: Vec<(u32, Field)>,
}

impl State {
    pub(crate) fn new(cwd: Cwd) -> Self {
        Self {
            vars: Vars::default(),
            funcs: Rc::default(),
            aliases: Rc::default(),
            exported: Rc::default(),
            cwd,
            oldpwd: None,
            positional: Vec::new(),
            arg0: crate::parse::Text::const_new("bash"),
            calls: Vec::new(),
            fds: Vec::new(),
        }
    }

    /// The file descriptor `fd` was opened on for reading by `exec`, if known.
    pub(crate) fn fd_file(&self, fd: u32) -> Option<&Field> {
        self.fds.iter().find(|(n, _)| *n == fd).map(|(_, f)| f)
    }

    /// A fresh shell (`bash -c`): same working directory, no functions, and of the
    /// variables only the exported ones (unexported ones do not pass, and a variable the
    /// script did not assign is unknown anyway).
    pub(crate) fn child(&self) -> Self {
        let mut c = Self::new(self.cwd.clone());
        c.fds.clone_from(&self.fds);
        if !self.exported.is_empty() {
            c.vars =
                Vars::from_map(self.exported.iter().filter_map(|n| self.vars.get(n).map(|v| (n.clone(), v.clone()))));
            c.exported = Rc::clone(&self.exported);
        }
        c
    }

    /// Exported variables that change what code a program runs (`BASH_ENV`,
    /// `LD_PRELOAD`, `GIT_SSH_COMMAND`, …), with their values, for invocations to carry.
    pub(crate) fn exported_code_vars(&self) -> Vec<(String, Field)> {
        self.exported
            .iter()
            .filter(|n| carries_code(n))
            .filter_map(|n| self.vars.get(n).map(|v| (n.clone(), v.scalar())))
            .collect()
    }

    pub(crate) fn set(&mut self, name: &str, v: Field) {
        self.vars.insert(name.to_string(), Val::Scalar(v));
    }
}

/// Environment variables that make a program load code into itself (a library, a module,
/// a startup script).
pub const CODE_LOADING_VARS: &[&str] =
    &["LD_PRELOAD", "LD_AUDIT", "DYLD_INSERT_LIBRARIES", "NODE_OPTIONS", "PERL5OPT", "RUBYOPT", "PYTHONSTARTUP"];

/// Whether an environment variable makes programs run or load code it names, or decides
/// which shell runs: such variables, once exported, are carried on every later invocation.
#[must_use]
pub(crate) fn carries_code(name: &str) -> bool {
    CODE_LOADING_VARS.contains(&name)
        || matches!(name, "BASH_ENV" | "ENV" | "PROMPT_COMMAND" | "LD_LIBRARY_PATH" | "SHELL")
        || name.starts_with("GIT_")
        || name.starts_with("TAKO_")
}

/// The state after one of several paths ran: what all paths agree on stays, the rest
/// becomes unknown.
pub(crate) fn merge(paths: Vec<State>) -> State {
    let mut iter = paths.into_iter();
    let Some(mut out) = iter.next() else {
        return State::new(Cwd::Unknown("no path".into()));
    };
    for other in iter {
        merge_into(&mut out, other);
    }
    out
}

/// `out` after it or `other` ran: [`merge`] of the two, in place (`out` first), so
/// what `out` alone holds is written without being copied.
pub(crate) fn merge_into(out: &mut State, other: State) {
    {
        if !out.vars.same(&other.vars) {
            for n in out.vars.differing(&other.vars) {
                let branch = Val::Scalar(Field::unknown(Unknown::Branch(n.to_string())));
                out.vars.insert_rc(n, branch);
            }
        }
        // Exported on any path: exported (the stricter assumption).
        if !Rc::ptr_eq(&out.exported, &other.exported) {
            Rc::make_mut(&mut out.exported).extend(other.exported.iter().cloned());
        }
        if !Rc::ptr_eq(&out.funcs, &other.funcs) {
            let other_funcs = Rc::unwrap_or_clone(other.funcs);
            let funcs = Rc::make_mut(&mut out.funcs);
            for (name, defs) in other_funcs {
                let entry = funcs.entry(name).or_default();
                for d in defs {
                    if !entry.iter().any(|e| Rc::ptr_eq(e, &d)) {
                        entry.push(d);
                    }
                }
            }
        }
        if !Rc::ptr_eq(&out.aliases, &other.aliases) {
            let other_aliases = Rc::unwrap_or_clone(other.aliases);
            let aliases = Rc::make_mut(&mut out.aliases);
            for (name, values) in other_aliases {
                let entry = aliases.entry(name).or_default();
                for v in values {
                    if !entry.contains(&v) {
                        entry.push(v);
                    }
                }
            }
        }
        if out.cwd != other.cwd {
            out.cwd = Cwd::Unknown("the directory differs between branches".into());
        }
        // Opened on any path: open (what a later `<&N` may read).
        for fd in other.fds {
            if !out.fds.contains(&fd) {
                out.fds.push(fd);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(s: &str) -> Val {
        Val::Scalar(Field::known(s))
    }

    fn text(v: &Vars, n: &str) -> Option<String> {
        v.get(n).map(|v| v.scalar().display())
    }

    #[test]
    fn overlay_reads_writes_and_unsets() {
        let mut v = Vars::default();
        for i in 0..100 {
            v.insert(format!("V{i}"), known(&i.to_string()));
        }
        // Folded more than once by now; every value is still there.
        assert!(v.top.len() <= Vars::OVERLAY);
        assert_eq!(text(&v, "V0").as_deref(), Some("0"));
        assert_eq!(text(&v, "V99").as_deref(), Some("99"));
        v.remove("V0");
        v.remove("NEVER_SET");
        assert!(!v.contains_key("V0") && !v.contains_key("NEVER_SET"));
        v.insert("V0".into(), known("again"));
        assert_eq!(text(&v, "V0").as_deref(), Some("again"));
    }

    #[test]
    fn branches_compare_only_what_they_wrote_and_still_see_every_difference() {
        let mut before = State::new(Cwd::Unknown("test".into()));
        for i in 0..50 {
            before.set(&format!("V{i}"), Field::known("x"));
        }
        let mut a = before.clone();
        let mut b = before.clone();
        a.set("V1", Field::known("a"));
        b.set("V1", Field::known("b"));
        a.set("ONLY_A", Field::known("1"));
        b.vars.remove("V2");
        a.set("V3", Field::known("x")); // written, but to the same value
        let m = merge(vec![a.clone(), b.clone()]);
        let unknown = |n: &str| m.vars.get(n).is_some_and(|v| !v.scalar().is_known());
        assert!(unknown("V1") && unknown("ONLY_A") && unknown("V2"));
        assert_eq!(text(&m.vars, "V3").as_deref(), Some("x"));
        assert_eq!(text(&m.vars, "V4").as_deref(), Some("x"));
        // One branch folded its overlay (a new base): the full comparison still finds it.
        for i in 0..40 {
            a.set(&format!("W{i}"), Field::known("w"));
        }
        let m = merge(vec![a, b]);
        let unknown = |n: &str| m.vars.get(n).is_some_and(|v| !v.scalar().is_known());
        assert!(unknown("V1") && unknown("W39") && unknown("V2"));
        assert_eq!(text(&m.vars, "V4").as_deref(), Some("x"));
    }
}
