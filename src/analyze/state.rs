//! The shell state the analyzer tracks while it walks a script: variables, functions,
//! aliases, working directory, positional parameters.
//!
//! Invariants: a value is either known (possibly with unknown parts, see
//! [`Field`]) or marked unknown; after a conditional construct, anything that differs
//! between the paths becomes unknown ([`merge`]), so no branch can hide a value from
//! the guards.

use std::collections::HashMap;
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

/// The state of one shell.
#[derive(Debug, Clone)]
pub(crate) struct State {
    /// Variables assigned by the script. Shared until written: branches and function
    /// calls copy the state, and most of them never assign.
    pub vars: Rc<HashMap<String, Val>>,
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
    /// `$0`
    pub arg0: String,
    /// Functions being analyzed, innermost last (recursion detection).
    pub calls: Vec<String>,
}

impl State {
    pub(crate) fn new(cwd: Cwd) -> Self {
        Self {
            vars: Rc::default(),
            funcs: Rc::default(),
            aliases: Rc::default(),
            exported: Rc::default(),
            cwd,
            oldpwd: None,
            positional: Vec::new(),
            arg0: "bash".into(),
            calls: Vec::new(),
        }
    }

    /// A fresh shell (`bash -c`): same working directory, no functions, and of the
    /// variables only the exported ones (unexported ones do not pass, and a variable the
    /// script did not assign is unknown anyway).
    pub(crate) fn child(&self) -> Self {
        let mut c = Self::new(self.cwd.clone());
        if !self.exported.is_empty() {
            let vars: HashMap<String, Val> =
                self.exported.iter().filter_map(|n| self.vars.get(n).map(|v| (n.clone(), v.clone()))).collect();
            c.vars = Rc::new(vars);
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
        Rc::make_mut(&mut self.vars).insert(name.to_string(), Val::Scalar(v));
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
        if !Rc::ptr_eq(&out.vars, &other.vars) {
            let differ: Vec<String> = out
                .vars
                .iter()
                .filter(|(k, v)| other.vars.get(*k) != Some(v))
                .map(|(k, _)| k.clone())
                .chain(other.vars.keys().filter(|k| !out.vars.contains_key(*k)).cloned())
                .collect();
            if !differ.is_empty() {
                let vars = Rc::make_mut(&mut out.vars);
                for n in differ {
                    vars.insert(n.clone(), Val::Scalar(Field::unknown(Unknown::Branch(n))));
                }
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
    }
    out
}
