//! The walk over the tree: lists, pipelines, compound commands, simple commands and
//! their redirections. Dispatch of a simple command by name is in `commands`.
//!
//! State rules, as bash runs them: subshells, pipeline elements, command substitutions
//! and background jobs get a copy of the state; brace groups, functions, `eval` and
//! `source` share it; after an `if`, `case` or loop, what differs between the paths is
//! merged into unknowns.

use std::rc::Rc;

use super::model::{Cwd, Event, Field, Input, Invocation, Redir, RedirMode, Stream, Taint, Unknown};
use super::state::{merge, merge_into, State, Val};
use super::{Analyzer, Scope};
use crate::parse::{
    AndOr, Assign, AssignValue, Command, Compound, List, Pipeline, RedirFd, RedirOp, RedirTarget, Redirect, Script,
    SimpleCommand,
};

/// Most values a `for` loop is analyzed with, one iteration each.
const MAX_LOOP_VALUES: usize = 16;

/// Collects the output of consecutive commands.
struct Acc {
    content: Option<String>,
    taint: Taint,
    producer: Option<std::sync::Arc<str>>,
    trusted: Option<bool>,
    items_prefix: Option<Option<String>>,
    items_name: Option<Option<String>>,
    items_all: bool,
    items_reach: Option<super::find::Reach>,
    made_path: Option<String>,
    parent_pid: bool,
    lines_among: Option<String>,
    count: usize,
}

impl Acc {
    fn new() -> Self {
        Self {
            content: Some(String::new()),
            taint: Taint::none(),
            producer: None,
            trusted: None,
            items_prefix: None,
            items_name: None,
            items_all: false,
            items_reach: None,
            made_path: None,
            parent_pid: false,
            lines_among: None,
            count: 0,
        }
    }

    fn push(&mut self, s: Stream) {
        self.count += 1;
        self.made_path = s.made_path;
        self.parent_pid = s.parent_pid;
        self.lines_among = s.lines_among;
        match (&mut self.content, s.content) {
            (Some(c), Some(n)) => c.push_str(&n),
            (c, _) => *c = None,
        }
        self.taint.merge(&s.taint);
        if s.producer.is_some() {
            self.producer = s.producer;
        }
        self.trusted = Some(self.trusted.unwrap_or(true) && s.trusted_code);
        self.items_prefix = Some(match self.items_prefix.take() {
            None => s.items_prefix,
            Some(p) if p == s.items_prefix => p,
            Some(_) => None,
        });
        self.items_all |= s.items_all;
        // (Different bounds: none.)
        self.items_reach = Some(match self.items_reach.take() {
            Some(r) if r != s.items_reach => super::find::Reach::default(),
            _ => s.items_reach,
        });
        self.items_name = Some(match self.items_name.take() {
            None => s.items_name,
            Some(n) if n == s.items_name => n,
            Some(_) => None,
        });
    }

    fn finish(self) -> Stream {
        Stream {
            content: self.content,
            producer: self.producer,
            taint: self.taint,
            trusted_code: self.count == 1 && self.trusted == Some(true),
            items_prefix: self.items_prefix.flatten(),
            items_name: self.items_name.flatten(),
            items_all: self.items_all,
            items_reach: self.items_reach.unwrap_or_default(),
            made_path: self.made_path.filter(|_| self.count == 1),
            parent_pid: self.parent_pid && self.count == 1,
            lines_among: self.lines_among.filter(|_| self.count == 1),
        }
    }
}

impl Analyzer<'_> {
    pub(crate) fn script(&mut self, s: &Script, st: &mut State, sc: &Scope, stdin: &Input) -> Stream {
        self.list(&s.body, st, sc, stdin)
    }

    pub(crate) fn list(&mut self, l: &List, st: &mut State, sc: &Scope, stdin: &Input) -> Stream {
        // One item in the foreground (a line, a branch, a loop body): its output is the
        // list's, as [`Acc`] would make it.
        if let [item] = l.items.as_slice() {
            if !item.background {
                if self.exhausted {
                    return Stream::unknown("(analysis stopped)");
                }
                return self.and_or(&item.and_or, st, sc, stdin);
            }
        }
        let mut acc = Acc::new();
        for item in &l.items {
            if self.exhausted {
                return Stream::unknown("(analysis stopped)");
            }
            if item.background {
                let mut sub = st.clone();
                let mut bsc = sc.clone();
                bsc.background = true;
                acc.push(self.and_or(&item.and_or, &mut sub, &bsc, stdin));
            } else {
                acc.push(self.and_or(&item.and_or, st, sc, stdin));
            }
        }
        acc.finish()
    }

    fn and_or(&mut self, ao: &AndOr, st: &mut State, sc: &Scope, stdin: &Input) -> Stream {
        if ao.rest.is_empty() {
            // (What `Acc` makes of one stream is that stream.)
            return self.pipeline(&ao.first, st, sc, stdin);
        }
        let mut acc = Acc::new();
        acc.push(self.pipeline(&ao.first, st, sc, stdin));
        for (_, p) in &ao.rest {
            acc.push(self.pipeline(p, st, sc, stdin));
        }
        acc.finish()
    }

    fn pipeline(&mut self, p: &Pipeline, st: &mut State, sc: &Scope, stdin: &Input) -> Stream {
        if p.commands.len() == 1 {
            return self.command(&p.commands[0], st, sc, stdin, false);
        }
        let Some((last, feeding)) = p.commands.split_last() else { return Stream::default() };
        // Each command's output is the next one's input (moved there: only the last
        // command's output is the pipeline's).
        let mut input = stdin.clone();
        for c in feeding {
            let mut sub = st.clone();
            let s = self.command(c, &mut sub, sc, &input, true);
            input = Input::Pipe(Box::new(s));
        }
        let mut sub = st.clone();
        self.command(last, &mut sub, sc, &input, true)
    }

    pub(crate) fn command(
        &mut self,
        c: &Command,
        st: &mut State,
        sc: &Scope,
        stdin: &Input,
        in_pipeline: bool,
    ) -> Stream {
        match c {
            Command::Simple(cmd) => match alias_name(cmd, st, sc) {
                Some(name) => self.aliased(&name, cmd, st, sc, stdin, in_pipeline),
                None => self.simple(cmd, st, sc, stdin, in_pipeline),
            },
            Command::Compound(comp, redirects) => {
                let (stdin2, redirs) = self.redirects(redirects, st, sc, stdin);
                if !redirs.is_empty() {
                    let inv = self.bare_invocation(
                        Vec::new(),
                        redirs,
                        st,
                        sc,
                        stdin2.clone(),
                        "(compound command redirections)",
                    );
                    self.record(inv);
                }
                self.compound(comp, st, sc, &stdin2, in_pipeline)
            }
            Command::Function(f) => {
                Rc::make_mut(&mut st.funcs).insert(f.name.clone(), vec![Rc::new(f.clone())]);
                // The hook bash (zsh) calls for any command it does not find: it may run
                // at any later line, so it is judged where it is defined.
                if matches!(f.name.as_str(), "command_not_found_handle" | "command_not_found_handler") {
                    let mut call = st.clone();
                    let mut inner = sc.clone();
                    inner.via.push(super::model::Via::Function(f.name.clone()));
                    self.command(&f.body, &mut call, &inner, &Input::Inherited, false);
                }
                Stream::empty()
            }
        }
    }

    fn compound(&mut self, c: &Compound, st: &mut State, sc: &Scope, stdin: &Input, in_pipeline: bool) -> Stream {
        match c {
            Compound::Brace(l) => self.list(l, st, sc, stdin),
            Compound::Subshell(l) => {
                let mut sub = st.clone();
                self.list(l, &mut sub, sc, stdin)
            }
            Compound::For { var, words, body } => {
                let values: Vec<Field> = match words {
                    Some(ws) => self.expand_words(ws, st, sc),
                    None => st.positional.clone(),
                };
                let before = st.clone();
                let mut acc = Acc::new();
                let all_known = values.iter().all(|v| v.is_known() && !v.glob);
                if all_known && values.len() <= MAX_LOOP_VALUES {
                    for v in values {
                        st.set(var, v);
                        acc.push(self.list(body, st, sc, stdin));
                    }
                } else if let [v] = values.as_slice() {
                    // One word of paths under a known directory (`for f in $(find ~/.ssh)`):
                    // each value is such a path.
                    let under_dir = !v.is_known() && !v.glob && v.known_prefix().contains('/');
                    let f = if under_dir {
                        v.clone()
                    } else {
                        let mut f = Field::unknown(Unknown::Input(format!("a value of the loop over ${var}")));
                        f.taint.merge(&v.taint);
                        f
                    };
                    st.set(var, f);
                    acc.push(self.list(body, st, sc, stdin));
                } else {
                    let mut f = Field::unknown(Unknown::Input(format!("a value of the loop over ${var}")));
                    for v in &values {
                        f.taint.merge(&v.taint);
                    }
                    st.set(var, f);
                    acc.push(self.list(body, st, sc, stdin));
                }
                let after = std::mem::replace(st, before);
                merge_into(st, after);
                let _ = in_pipeline;
                acc.finish().opaque()
            }
            Compound::ArithFor { exprs, body } => {
                for e in exprs {
                    let _ = self.expand_single(e, st, sc);
                }
                let before = st.clone();
                let out = self.list(body, st, sc, stdin);
                let after = std::mem::replace(st, before);
                merge_into(st, after);
                out.opaque()
            }
            Compound::Case { subject, arms } => {
                let _ = self.expand_single(subject, st, sc);
                // The state before the arms is the first path; `st` holds it until
                // every arm has run, then takes in each arm's.
                let mut paths = Vec::with_capacity(arms.len());
                let mut acc = Acc::new();
                for arm in arms {
                    let mut s = st.clone();
                    for p in &arm.patterns {
                        let _ = self.expand_single(p, &mut s, sc);
                    }
                    acc.push(self.list(&arm.body, &mut s, sc, stdin));
                    paths.push(s);
                }
                for s in paths {
                    merge_into(st, s);
                }
                acc.finish().opaque()
            }
            Compound::If { branches, otherwise } => {
                let mut paths = Vec::new();
                let mut acc = Acc::new();
                // Conditions run in order; each body runs after its condition.
                let mut conds = st.clone();
                for (cond, body) in branches {
                    acc.push(self.list(cond, &mut conds, sc, stdin));
                    let mut b = conds.clone();
                    acc.push(self.list(body, &mut b, sc, stdin));
                    paths.push(b);
                }
                match otherwise {
                    Some(o) => {
                        let mut e = conds.clone();
                        acc.push(self.list(o, &mut e, sc, stdin));
                        paths.push(e);
                    }
                    None => paths.push(conds),
                }
                *st = merge(paths);
                acc.finish().opaque()
            }
            Compound::Loop { cond, body, until } => {
                let before = st.clone();
                let mut acc = Acc::new();
                // `… | while read a b; do …; done` over lines known (or some of them):
                // once for each, `read` given that line.
                // (`done < <(find …)`: that stream; `done < list` of a file written
                // before: its text.)
                let written = match stdin {
                    Input::File(f) if !until && reads_a_line(cond) => match f.substituted_stream() {
                        Some(s) => Some(Input::Pipe(Box::new(s.clone()))),
                        None => self.written_text(f, &st.cwd).map(|(c, taint)| {
                            Input::Text(Box::new(Stream { content: Some(c), taint, ..Stream::default() }))
                        }),
                    },
                    _ => None,
                };
                let loop_in = written.as_ref().unwrap_or(stdin);
                let lines = loop_in
                    .stream()
                    .filter(|_| !until && reads_a_line(cond))
                    .and_then(|s| Some((s, s.content.as_deref().or(s.lines_among.as_deref())?)))
                    .filter(|(_, c)| (1..=MAX_LOOP_VALUES).contains(&c.lines().count()));
                if let Some((s, c)) = lines {
                    for line in c.lines() {
                        let one = Stream { content: Some(format!("{line}\n")), lines_among: None, ..s.clone() };
                        acc.push(self.list(cond, st, sc, &Input::Text(Box::new(one))));
                        acc.push(self.list(body, st, sc, stdin));
                    }
                    let after = std::mem::replace(st, before);
                    merge_into(st, after);
                    return acc.finish().opaque();
                }
                acc.push(self.list(cond, st, sc, loop_in));
                acc.push(self.list(body, st, sc, stdin));
                let after = std::mem::replace(st, before);
                merge_into(st, after);
                acc.finish().opaque()
            }
            Compound::Arith(w) => {
                let f = self.expand_single(w, st, sc);
                self.subscript_code(&f, st, sc);
                Stream::empty()
            }
            Compound::Cond(words) => {
                for w in words {
                    let f = self.expand_single(w, st, sc);
                    self.subscript_code(&f, st, sc);
                }
                Stream::empty()
            }
            Compound::Coproc(inner) => {
                let mut sub = st.clone();
                let mut bsc = sc.clone();
                bsc.background = true;
                self.command(inner, &mut sub, &bsc, stdin, true)
            }
        }
    }

    /// The value of an assignment (`NAME=word`, `NAME=(words)`).
    pub(crate) fn assign_value(&mut self, a: &Assign, st: &mut State, sc: &Scope) -> Val {
        if let Some(i) = &a.index {
            // `a['$(cmd)']=1`: bash evaluates the subscript, quotes removed.
            let f = self.expand_single(i, st, sc);
            if f.text.contains("$(") || f.text.contains('`') {
                let text = f.text.to_string();
                self.substitutions_in(&text, &f.taint, "an array subscript", st, sc);
            }
        }
        match &a.value {
            AssignValue::Scalar(w) => {
                let mut v = self.expand_single(w, st, sc);
                v.glob = false;
                if a.append {
                    if let Some(old) = st.vars.get(&a.name) {
                        let mut o = old.scalar();
                        o.text.push_str(&v.text);
                        o.unknowns.extend(v.unknowns);
                        o.taint.merge(&v.taint);
                        v = o;
                    }
                }
                self.subscript_code(&v, st, sc);
                if a.index.is_some() {
                    // An array element: the array as a whole is no longer known precisely.
                    return Val::Scalar(Field::unknown(Unknown::Computed(format!("${{{}[…]}}", a.name))));
                }
                Val::Scalar(v)
            }
            AssignValue::Array(ws) => Val::Array(self.expand_words(ws, st, sc)),
        }
    }

    fn simple(&mut self, cmd: &SimpleCommand, st: &mut State, sc: &Scope, stdin: &Input, in_pipeline: bool) -> Stream {
        if !self.step("(a simple command)") {
            return Stream::unknown("(analysis stopped)");
        }
        let outer_bad = std::mem::take(&mut self.bad_substitution);
        let outer_default = std::mem::take(&mut self.unknown_default);
        let mut env = Vec::with_capacity(cmd.assigns.len());
        for a in &cmd.assigns {
            let v = self.assign_value(a, st, sc);
            env.push((a.name.clone(), v));
        }
        let argv = self.expand_words(&cmd.words, st, sc);
        // `${X:-.env}` with `X` unknown: `X` is as likely unset as not, so the command is
        // also analyzed with the defaults standing for such variables (`cat .env`), in
        // a copy of the state. The unknown reading (`cat $X`) is analyzed below, so a
        // guard sees both.
        if self.unknown_default && !self.default_world {
            let mut alt = st.clone();
            self.default_world = true;
            let bad = std::mem::take(&mut self.bad_substitution);
            let _ = self.simple(cmd, &mut alt, sc, stdin, in_pipeline);
            self.bad_substitution = bad;
            self.default_world = false;
        }
        // A substitution in a word of an enclosing command holds this one: the flag
        // reaches the enclosing command too.
        self.unknown_default |= outer_default;
        // A bad substitution (`${a.b}`) stops the command before it runs: no
        // assignment, redirection or program. What expanded before it did run.
        if std::mem::replace(&mut self.bad_substitution, outer_bad) {
            return Stream::empty();
        }
        let (stdin2, redirects) = self.redirects(&cmd.redirects, st, sc, stdin);
        if argv.is_empty() {
            // Assignments (and redirections) only: they change this shell. Those of
            // variables that decide which shell runs are reported for the guards.
            let guarded: Vec<(String, Field)> = env
                .iter()
                .filter(|(n, _)| n == "SHELL" || n.starts_with("TAKO_"))
                .map(|(n, v)| (n.clone(), v.scalar()))
                .collect();
            for (n, v) in env {
                st.vars.insert(n, v);
            }
            if !redirects.is_empty() || !guarded.is_empty() {
                let text = if guarded.is_empty() {
                    "(redirection)".to_string()
                } else {
                    guarded.iter().map(|(n, v)| format!("{n}={}", v.display())).collect::<Vec<_>>().join(" ")
                };
                let mut inv = self.bare_invocation(Vec::new(), redirects, st, sc, stdin2, &text);
                inv.env = guarded;
                self.record(inv);
            }
            return Stream::empty();
        }
        let text = display_fields(&argv);
        let mut inv_env: Vec<(String, Field)> = st.exported_code_vars();
        inv_env.retain(|(n, _)| !env.iter().any(|(m, _)| m == n));
        inv_env.extend(env.into_iter().map(|(n, v)| (n, v.scalar())));
        let inv = Invocation {
            argv,
            env: inv_env,
            redirects,
            cwd: st.cwd.clone(),
            stdin: stdin2,
            via: sc.via.clone(),
            privileged: sc.privileged,
            background: sc.background,
            depth: sc.depth,
            text,
        };
        let written = inv.redirects.iter().any(|r| r.fd == 1 && matches!(r.mode, RedirMode::Write | RedirMode::Append));
        let noted = written.then(|| (inv.cwd.clone(), inv.redirects.clone()));
        let out = self.dispatch(inv, &cmd.decl, st, sc, in_pipeline);
        if let Some((cwd, redirects)) = noted {
            self.note_output(&cwd, &redirects, &out);
        }
        out
    }

    pub(crate) fn bare_invocation(
        &self,
        argv: Vec<Field>,
        redirects: Vec<Redir>,
        st: &State,
        sc: &Scope,
        stdin: Input,
        text: &str,
    ) -> Invocation {
        Invocation {
            argv,
            env: Vec::new(),
            redirects,
            cwd: st.cwd.clone(),
            stdin,
            via: sc.via.clone(),
            privileged: sc.privileged,
            background: sc.background,
            depth: sc.depth,
            text: text.into(),
        }
    }

    /// Resolves redirections; returns the resulting standard input.
    pub(crate) fn redirects(
        &mut self,
        rs: &[Redirect],
        st: &mut State,
        sc: &Scope,
        stdin: &Input,
    ) -> (Input, Vec<Redir>) {
        let mut input = stdin.clone();
        let mut out = Vec::new();
        for r in rs {
            let fd = match &r.fd {
                Some(RedirFd::Num(n)) => *n,
                Some(RedirFd::Var(_)) => 10,
                None => {
                    if matches!(
                        r.op,
                        RedirOp::In | RedirOp::DupIn | RedirOp::HereDoc | RedirOp::HereString | RedirOp::ReadWrite
                    ) {
                        0
                    } else {
                        1
                    }
                }
            };
            match (&r.target, r.op) {
                (RedirTarget::HereDoc(doc), _) => {
                    let body = if doc.quoted {
                        doc.body.literal().map_or_else(Field::default, Field::known)
                    } else {
                        self.expand_single(&doc.body, st, sc)
                    };
                    if fd == 0 {
                        input = Input::Text(Box::new(field_stream(body, "a here-document")));
                    }
                }
                (RedirTarget::Word(w), RedirOp::HereString) => {
                    let mut f = self.expand_single(w, st, sc);
                    f.text.push('\n');
                    if fd == 0 {
                        input = Input::Text(Box::new(field_stream(f, "a here-string")));
                    }
                }
                (RedirTarget::Word(w), op) => {
                    let target = self.expand_single(w, st, sc);
                    let mode = match op {
                        RedirOp::In => RedirMode::Read,
                        RedirOp::Out | RedirOp::Clobber | RedirOp::OutErr | RedirOp::ReadWrite => RedirMode::Write,
                        RedirOp::Append | RedirOp::AppendOutErr => RedirMode::Append,
                        RedirOp::DupIn | RedirOp::DupOut => {
                            // `>&file` with a non-number is `&>file`.
                            if target
                                .as_known()
                                .is_some_and(|t| !t.is_empty() && !t.bytes().all(|b| b.is_ascii_digit()) && t != "-")
                            {
                                RedirMode::Write
                            } else {
                                RedirMode::Dup
                            }
                        }
                        RedirOp::HereDoc | RedirOp::HereString => RedirMode::Dup,
                    };
                    if fd == 0 && mode == RedirMode::Read {
                        input = if target.as_known() == Some("/dev/null") {
                            Input::Null
                        } else {
                            Input::File(target.clone())
                        };
                    }
                    if fd == 0 && mode == RedirMode::Dup {
                        // `<&3` after `exec 3<FILE` reads FILE.
                        let opened =
                            target.as_known().and_then(|t| t.parse::<u32>().ok()).and_then(|n| st.fd_file(n)).cloned();
                        input = opened.map_or(Input::Null, Input::File);
                    }
                    out.push(Redir { fd, mode, target: (mode != RedirMode::Dup).then_some(target) });
                }
            }
        }
        (input, out)
    }

    /// A command whose name is an alias the script defined. bash expands aliases only
    /// with `expand_aliases` (or in POSIX mode), dash always: both the expansion and
    /// the command as written are analyzed, and what differs between them afterwards
    /// is unknown. The expansion is textual, as in the shell: the alias's text, then
    /// the rest of the command (`alias x='true;'` makes `x rm -rf /` two commands).
    fn aliased(
        &mut self,
        name: &str,
        cmd: &SimpleCommand,
        st: &mut State,
        sc: &Scope,
        stdin: &Input,
        in_pipeline: bool,
    ) -> Stream {
        let values = st.aliases.get(name).cloned().unwrap_or_default();
        let mut paths = Vec::with_capacity(values.len() + 1);
        let mut outs = Vec::with_capacity(values.len() + 1);
        for value in values {
            let mut alt = st.clone();
            outs.push(self.alias_expansion(name, &value, cmd, &mut alt, sc, stdin));
            paths.push(alt);
        }
        outs.push(self.simple(cmd, st, sc, stdin, in_pipeline));
        paths.push(std::mem::replace(st, State::new(Cwd::Unknown(String::new()))));
        *st = merge(paths);
        let same = outs.windows(2).all(|w| w[0].content.is_some() && w[0].content == w[1].content);
        let mut out = outs.pop().unwrap_or_default();
        for o in &outs {
            out.taint.merge(&o.taint);
        }
        if !same {
            out.content = None;
        }
        out
    }

    /// One expansion of the alias `name`: its text (with the aliases that follow an
    /// alias ending in a blank), the command's assignments before it and its arguments
    /// after it, analyzed as shell code in this shell.
    fn alias_expansion(
        &mut self,
        name: &str,
        value: &Field,
        cmd: &SimpleCommand,
        st: &mut State,
        sc: &Scope,
        stdin: &Input,
    ) -> Stream {
        let text = name.to_string();
        let opaque = |what: String| Event::OpaqueCode {
            runner: format!("alias {name}"),
            what,
            taint: value.taint.clone(),
            text: text.clone(),
        };
        let Some(mut code) = value.as_known().map(String::from) else {
            self.event(opaque(value.display()));
            return Stream::unknown(text.as_str());
        };
        if sc.depth >= super::MAX_NESTING {
            self.event(Event::TooDeep { text });
            return Stream::unknown(name);
        }
        let mut inner = sc.clone();
        inner.via.push(super::model::Via::Shell(format!("alias {name}")));
        inner.depth += 1;
        // An alias ending in a blank: the next word is checked for an alias too.
        let mut rest = cmd.words.get(1..).unwrap_or_default();
        while code.ends_with([' ', '\t']) {
            let Some(next) = rest.first().and_then(plain_word) else { break };
            let Some(values) = st.aliases.get(&next).filter(|_| !expanding(&inner, &next)) else { break };
            let [v] = values.as_slice() else {
                self.event(opaque(format!("the alias {next}, set differently on different paths")));
                return Stream::unknown(text.as_str());
            };
            let Some(v) = v.as_known() else {
                self.event(opaque(v.display()));
                return Stream::unknown(text.as_str());
            };
            code.push_str(v);
            inner.via.push(super::model::Via::Shell(format!("alias {next}")));
            rest = &rest[1..];
        }
        // Values already expanded stand in the text as variables holding them.
        let mut holders = Vec::new();
        let mut hold = |st: &mut State, f: Field| -> String {
            let var = format!("__tako_alias_{}", holders.len());
            st.set(&var, f);
            let word = format!("\"${{{var}}}\"");
            holders.push(var);
            word
        };
        let mut prefix = String::new();
        for a in &cmd.assigns {
            if a.index.is_some() || !matches!(a.value, AssignValue::Scalar(_)) {
                continue;
            }
            let v = self.assign_value(a, st, sc).scalar();
            prefix.push_str(&format!("{}={} ", a.name, hold(st, v)));
        }
        let args = self.expand_words(rest, st, sc);
        for f in args {
            code.push(' ');
            let word = if f.is_known() && !f.glob { shell_words::quote(&f.text).into_owned() } else { hold(st, f) };
            code.push_str(&word);
        }
        let (stdin2, _) = self.redirects(&cmd.redirects, st, sc, stdin);
        let out = match crate::parse::parse_at_depth(&format!("{prefix}{code}"), self.limits, 0) {
            Ok(script) => self.script(&script, st, &inner, &stdin2),
            Err(e) => {
                self.event(Event::NestedParseError { runner: format!("alias {name}"), message: e.message, text });
                Stream::unknown(name)
            }
        };
        for v in holders {
            st.vars.remove(&v);
        }
        out
    }

    /// Runs a function: its body in this shell, with new positional parameters.
    pub(crate) fn call_function(
        &mut self,
        name: &str,
        defs: Vec<Rc<crate::parse::FunctionDef>>,
        inv: &Invocation,
        st: &mut State,
        sc: &Scope,
        in_pipeline: bool,
    ) -> Stream {
        if st.calls.iter().any(|c| c == name) {
            self.event(Event::Recursion {
                name: name.to_string(),
                forks: in_pipeline || sc.background,
                text: inv.text.to_string(),
            });
            return Stream::unknown(name);
        }
        if st.calls.len() >= super::MAX_NESTING {
            self.event(Event::TooDeep { text: inv.text.to_string() });
            return Stream::unknown(name);
        }
        let saved_pos = std::mem::replace(&mut st.positional, inv.args().to_vec());
        st.calls.push(name.to_string());
        let mut inner = sc.clone();
        inner.via.push(super::model::Via::Function(name.to_string()));
        let mut acc = Acc::new();
        let n = defs.len();
        let before = st.clone();
        let mut paths = Vec::new();
        for def in defs {
            let mut s = if n > 1 { before.clone() } else { std::mem::replace(st, before.clone()) };
            // Prefix assignments apply during the call.
            for (k, v) in &inv.env {
                s.set(k, v.clone());
            }
            acc.push(self.command(&def.body, &mut s, &inner, &inv.stdin, in_pipeline));
            paths.push(s);
        }
        *st = if paths.len() == 1 { paths.pop().unwrap_or(before) } else { merge(paths) };
        st.calls.pop();
        st.positional = saved_pos;
        acc.finish()
    }
}

/// The alias a simple command's name calls: an unquoted literal word naming an alias
/// of this shell that is not already being expanded.
fn alias_name(cmd: &SimpleCommand, st: &State, sc: &Scope) -> Option<String> {
    if st.aliases.is_empty() {
        return None;
    }
    let name = plain_word(cmd.words.first()?)?;
    (st.aliases.contains_key(&name) && !expanding(sc, &name)).then_some(name)
}

/// A word made only of unquoted literal text, without expansions: one the shell checks
/// for an alias.
fn plain_word(w: &crate::parse::Word) -> Option<String> {
    let mut out = String::new();
    for p in &w.parts {
        let crate::parse::Part::Lit(s) = p else { return None };
        out.push_str(s);
    }
    (!out.is_empty() && !out.contains(['{', '*', '?', '[', '='])).then_some(out)
}

/// Whether the alias `name` is being expanded: the shell does not expand it again
/// inside its own text (`alias ls='ls -la'`).
fn expanding(sc: &Scope, name: &str) -> bool {
    sc.via.iter().any(|v| matches!(v, super::model::Via::Shell(s) if s.strip_prefix("alias ") == Some(name)))
}

/// Whether a loop's condition is `read` alone (its words literal, no redirection): it
/// reads one line of the loop's input each time.
fn reads_a_line(cond: &List) -> bool {
    let [item] = cond.items.as_slice() else { return false };
    let [Command::Simple(c)] = item.and_or.first.commands.as_slice() else { return false };
    let literal = |w: &crate::parse::Word| matches!(w.parts.as_slice(), [crate::parse::Part::Lit(_)]);
    item.and_or.rest.is_empty()
        && !item.background
        && c.redirects.is_empty()
        && c.words.iter().all(literal)
        && matches!(c.words.first().map(|w| w.parts.as_slice()), Some([crate::parse::Part::Lit(t)]) if t.as_str() == "read")
}

/// A stream whose content is a field's text.
pub(crate) fn field_stream(f: Field, what: impl Into<std::sync::Arc<str>>) -> Stream {
    Stream {
        content: f.is_known().then(|| f.text.to_string()),
        producer: Some(what.into()),
        taint: f.taint,
        trusted_code: false,
        items_prefix: None,
        items_name: None,
        items_all: false,
        items_reach: super::find::Reach::default(),
        made_path: None,
        parent_pid: false,
        lines_among: None,
    }
}

/// Fields joined for display, as the shared text of an invocation.
pub(crate) fn display_fields(argv: &[Field]) -> std::sync::Arc<str> {
    // `display_argv` of the fields' displays. Every command pays it, so the text is
    // built in a buffer kept for the next command and copied once into its `Arc`; the
    // display of a field with unknowns goes through a second kept buffer.
    thread_local! {
        static BUF: std::cell::RefCell<(String, String)> = const { std::cell::RefCell::new((String::new(), String::new())) };
    }
    BUF.with(|b| {
        let (out, shown) = &mut *b.borrow_mut();
        out.clear();
        for (i, f) in argv.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            if f.is_known() {
                push_quoted(out, &f.text);
            } else {
                shown.clear();
                f.display_into(shown);
                push_quoted(out, shown);
            }
        }
        std::sync::Arc::from(out.as_str())
    })
}

/// Bytes after which the shell would read a word differently: `shell_words::quote`
/// quotes a word holding any of them. All are ASCII, so a byte table decides.
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let special = b"\n'|&;<>()$`\\\" \t*?[#~=%";
    let mut i = 0;
    while i < special.len() {
        t[special[i] as usize] = true;
        i += 1;
    }
    t
};

/// Appends `s` quoted exactly as `shell_words::quote` quotes it (left alone when
/// nothing in it is special, else in single quotes with each `'` as `'\''`), without
/// its per-character decoding and its allocation.
pub(crate) fn push_quoted(out: &mut String, s: &str) {
    if !s.is_empty() && !s.bytes().any(|b| SPECIAL[usize::from(b)]) {
        out.push_str(s);
        return;
    }
    out.push('\'');
    let mut rest = s;
    while let Some(i) = rest.find('\'') {
        out.push_str(&rest[..i]);
        out.push_str("'\\''");
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
    out.push('\'');
}

impl Stream {
    /// Known empty output (`cd`, assignments).
    pub(crate) fn empty() -> Self {
        Self { content: Some(String::new()), ..Self::default() }
    }

    /// Unknown output of `what`.
    pub(crate) fn unknown(what: impl Into<std::sync::Arc<str>>) -> Self {
        Self { content: None, producer: Some(what.into()), ..Self::default() }
    }

    /// [`Stream::lines_among`] when each of those lines is one word that is no option (a
    /// path, a name): taken all as arguments, they stand for the ones that pass. (A line
    /// that a filter may drop and that is an option, `--dry-run`, cannot stand so.)
    pub(crate) fn words_among(&self) -> Option<&str> {
        let among = self.lines_among.as_deref().filter(|_| self.content.is_none())?;
        among
            .lines()
            .all(|l| {
                !l.is_empty()
                    && !l.starts_with('-')
                    && !l.bytes().any(|b| b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'\\'))
            })
            .then_some(among)
    }

    /// The same stream with its content forgotten (output of loops and branches).
    pub(crate) fn opaque(mut self) -> Self {
        if self.content.as_deref().is_some_and(|c| !c.is_empty()) {
            self.content = None;
        }
        self
    }
}

impl Cwd {
    /// The path, when known.
    #[must_use]
    pub fn path(&self) -> Option<&std::path::Path> {
        match self {
            Self::Known { path, .. } => Some(path),
            Self::Unknown(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Acc, Stream};
    use crate::analyze::model::Taint;

    #[test]
    fn one_stream_through_acc_is_that_stream() {
        // `list` and `and_or` return the output of a single item as it is.
        let taint = Taint { secret: Some("s".into()), network: None };
        for s in [
            Stream::default(),
            Stream::empty(),
            Stream::unknown("x"),
            Stream { content: Some("hi\n".into()), taint: taint.clone(), trusted_code: true, ..Stream::default() },
            Stream {
                content: None,
                taint,
                items_prefix: Some("/p/".into()),
                items_name: Some("n".into()),
                made_path: Some("/tmp/x".into()),
                ..Stream::default()
            },
        ] {
            let mut acc = Acc::new();
            acc.push(s.clone());
            assert_eq!(acc.finish(), s);
        }
    }

    proptest::proptest! {
        /// `push_quoted` writes what `shell_words::quote` returns, on any text.
        #[test]
        fn push_quoted_is_shell_words_quote(s in "[a-z'\"$ \\n\\t*?#~=%|&;<>()`\\\\.,_+:@/é-]{0,12}|\\PC{0,8}") {
            let mut out = String::from("x");
            super::push_quoted(&mut out, &s);
            proptest::prop_assert_eq!(&out[1..], &*shell_words::quote(&s));
        }
    }
}
