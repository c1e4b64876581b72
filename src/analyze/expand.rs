//! Static word expansion: brace expansion, tilde, parameters, command substitution
//! (by analyzing the nested script), arithmetic, quote removal and field splitting, in
//! bash's order.
//!
//! Invariants: what cannot be computed becomes an [`Unknown`] inside the field, never a
//! guess; every nested script met while expanding (`$(…)`, `<(…)`, substitutions inside
//! `${x:-…}` or `$((…))`) is analyzed, so its commands reach the guards even when the
//! value is only data; brace expansion is bounded (a larger one is unknown).

use std::borrow::Cow;

use super::model::{Field, Stream, Taint, Unknown, UNKNOWN_MARK, UNKNOWN_MARK_STR};
use super::state::{State, Val};
use super::{Analyzer, Scope};
use crate::parse::{Param, ParamOp, Part, Text, Word};

/// Most fields a single word may brace-expand to.
const MAX_BRACE_FIELDS: usize = 4096;

/// A piece of expanded text before field splitting.
#[derive(Debug, Clone, Default)]
struct Piece<'p> {
    /// Borrowed from the word's literal parts where it can be (most text is).
    text: PieceText<'p>,
    unknowns: Vec<Unknown>,
    /// From a quoted section: not split, not globbed.
    quoted: bool,
    /// Result of an unquoted expansion: split on IFS.
    split: bool,
    taint: Taint,
    /// Starts a new field (`"$@"` elements).
    brk: bool,
}

/// The pieces of a word, held inline when few (as they mostly are).
type Pieces<'p> = smallvec::SmallVec<[Piece<'p>; 4]>;

/// The text of a [`Piece`]: borrowed from the word, or owned in a [`Text`], which holds
/// a short value (a variable's, as most are) without allocating.
#[derive(Debug, Clone)]
enum PieceText<'p> {
    /// Borrowed from the word's literal parts.
    Borrowed(&'p str),
    /// Computed while expanding.
    Owned(Text),
}

impl Default for PieceText<'_> {
    fn default() -> Self {
        Self::Borrowed("")
    }
}

impl std::ops::Deref for PieceText<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Self::Borrowed(s) => s,
            Self::Owned(t) => t,
        }
    }
}

impl<'p> From<&'p str> for PieceText<'p> {
    fn from(s: &'p str) -> Self {
        Self::Borrowed(s)
    }
}

impl From<String> for PieceText<'_> {
    fn from(s: String) -> Self {
        Self::Owned(Text::from(s))
    }
}

impl<'p> Piece<'p> {
    fn lit(text: impl Into<PieceText<'p>>, quoted: bool) -> Self {
        Self { text: text.into(), quoted, ..Self::default() }
    }

    fn from_field(f: Field, quoted: bool) -> Self {
        Self {
            text: PieceText::Owned(f.text),
            unknowns: f.unknowns,
            quoted,
            split: !quoted,
            taint: f.taint,
            brk: false,
        }
    }
}

impl Analyzer<'_> {
    /// Expands words into fields, as for a command's arguments.
    pub(crate) fn expand_words(&mut self, words: &[Word], st: &mut State, sc: &Scope) -> Vec<Field> {
        let mut out = Vec::with_capacity(words.len());
        for w in words {
            self.expand_word(w, st, sc, &mut out);
        }
        out
    }

    /// Expands one word into zero or more fields, appended to `out`.
    fn expand_word(&mut self, w: &Word, st: &mut State, sc: &Scope, out: &mut Vec<Field>) {
        // (A byte search: a `char` pattern sets up a searcher per part.)
        let has_brace = w.parts.iter().any(|p| matches!(p, Part::Lit(s) if s.as_bytes().contains(&b'{')));
        if has_brace {
            match brace_expand(&w.parts) {
                Ok(Some(variants)) => {
                    for v in &variants {
                        self.expand_parts_split(v, st, sc, out);
                    }
                    return;
                }
                Ok(None) => {}
                Err(()) => {
                    // Still analyze what the word holds, then report it as unknown.
                    self.expand_parts_split(&w.parts, st, sc, &mut Vec::new());
                    out.push(Field::unknown(Unknown::Computed("a very large brace expansion".into())));
                    return;
                }
            }
        }
        self.expand_parts_split(&w.parts, st, sc, out);
    }

    /// Expands a word to exactly one field: no brace expansion, no splitting (assignment
    /// values, redirection targets, here-strings, `case` subjects, `[[ ]]` operands).
    pub(crate) fn expand_single(&mut self, w: &Word, st: &mut State, sc: &Scope) -> Field {
        let mut pieces = Pieces::new();
        self.pieces(&w.parts, st, sc, false, &mut pieces);
        let mut f = Field::default();
        for p in pieces {
            if !p.quoted && p.text.contains(['*', '?', '[']) && !p.split {
                f.glob = true;
            }
            f.quoted |= p.quoted;
            f.text.push_str(&p.text);
            append_unknowns(&mut f.unknowns, p.unknowns);
            f.taint.merge(&p.taint);
        }
        f
    }

    fn expand_parts_split(&mut self, parts: &[Part], st: &mut State, sc: &Scope, out: &mut Vec<Field>) {
        if let Some(f) = literal_field(parts) {
            out.extend(f);
            return;
        }
        let mut pieces = Pieces::new();
        self.pieces(parts, st, sc, false, &mut pieces);
        let ifs = ifs_of(st);
        split_fields(pieces, &ifs, out);
    }

    /// Turns parts into pieces; `quoted` when inside double quotes.
    fn pieces<'p>(&mut self, parts: &'p [Part], st: &mut State, sc: &Scope, quoted: bool, out: &mut Pieces<'p>) {
        for (i, part) in parts.iter().enumerate() {
            match part {
                Part::Lit(s) => out.push(Piece::lit(s.as_str(), quoted)),
                Part::Quoted(s) => out.push(Piece::lit(s.as_str(), true)),
                Part::Invalid(_) => out.push(Piece {
                    text: PieceText::Borrowed(UNKNOWN_MARK_STR),
                    unknowns: vec![Unknown::Invalid],
                    quoted: true,
                    ..Piece::default()
                }),
                Part::ExtGlob(s) => out.push(Piece::lit(s.as_str(), quoted)),
                Part::Double(inner) => {
                    let start = out.len();
                    self.pieces(inner, st, sc, true, out);
                    if out.len() == start {
                        // `""` is an empty quoted field.
                        out.push(Piece::lit("", true));
                    }
                }
                Part::Tilde(user) => {
                    let home = self.tilde(user, st);
                    // `~` followed by nothing else or `/…` only.
                    let _ = i;
                    out.push(Piece { quoted: true, ..Piece::from_field(home, true) });
                }
                Part::Param(p) => self.param(p, st, sc, quoted, out),
                Part::Subst(script) => {
                    let f = self.substitution(script, quoted, st, sc);
                    out.push(Piece::from_field(f, quoted));
                }
                Part::Arith(inner) => {
                    let f = self.arith(inner, st, sc);
                    out.push(Piece::from_field(f, quoted));
                }
                Part::ProcSubst { write, script } => {
                    let stream = self.process_substitution(script, *write, st, sc);
                    let taint = stream.taint.clone();
                    out.push(Piece {
                        text: PieceText::Borrowed(UNKNOWN_MARK_STR),
                        unknowns: vec![Unknown::Stream(Box::new(stream))],
                        quoted: true,
                        taint,
                        ..Piece::default()
                    });
                }
            }
        }
    }

    /// `~`, `~user`, `~+`, `~-`.
    fn tilde(&self, user: &str, st: &State) -> Field {
        match user {
            "" => match st.vars.get("HOME") {
                Some(v) => v.scalar(),
                None => Field::known(self.ctx.home.to_string_lossy()),
            },
            "+" => self.cwd_field(st),
            "-" => match &st.oldpwd {
                Some(super::model::Cwd::Known { path, .. }) => Field::known(path.to_string_lossy()),
                _ => Field::unknown(Unknown::Var("OLDPWD".into())),
            },
            u => match home_of(u) {
                Some(dir) => Field::known(dir),
                // Bash leaves `~user` as it is when there is no such user; the path
                // still names someone's home directory to a reader, so keep it as
                // outside the workspace rather than a file named `~user`.
                None => Field::known(format!("/home/{u}")),
            },
        }
    }

    pub(crate) fn cwd_field(&self, st: &State) -> Field {
        match &st.cwd {
            super::model::Cwd::Known { path, .. } => Field::known(path.to_string_lossy()),
            super::model::Cwd::Unknown(_) => Field::unknown(Unknown::Var("PWD".into())),
        }
    }

    /// The value of a parameter: `None` when unset.
    pub(crate) fn param_value(&self, name: &str, st: &State) -> Option<Field> {
        if let Some(v) = st.vars.get(name) {
            return Some(v.scalar());
        }
        if name.bytes().all(|b| b.is_ascii_digit()) {
            let n: usize = name.parse().unwrap_or(usize::MAX);
            if n == 0 {
                return Some(Field::known(st.arg0.clone()));
            }
            // Past the last parameter known, words xargs appends at run time may stand
            // (`xargs sh -c 'eval "${10}"' _`).
            return st
                .positional
                .get(n - 1)
                .or_else(|| st.positional.last().filter(|f| super::commands::is_xargs_words(f)))
                .cloned();
        }
        match name {
            "#" => Some(Field::known(st.positional.len().to_string())),
            "PPID" => Some(Field::unknown(Unknown::ParentPid)),
            "?" | "$" | "!" | "RANDOM" | "SECONDS" | "LINENO" | "BASHPID" | "UID" | "EUID" | "EPOCHSECONDS"
            | "EPOCHREALTIME" | "SRANDOM" | "COLUMNS" | "LINES" => Some(Field::unknown(Unknown::Number)),
            "-" => Some(Field::known("hB")),
            "PWD" => Some(self.cwd_field(st)),
            "OLDPWD" => st.oldpwd.as_ref().map(|c| match c {
                super::model::Cwd::Known { path, .. } => Field::known(path.to_string_lossy()),
                super::model::Cwd::Unknown(_) => Field::unknown(Unknown::Var("OLDPWD".into())),
            }),
            "IFS" => Some(Field::known(" \t\n")),
            _ if crate::context::TRUSTED_VARS.contains(&name) => {
                self.ctx.var(name).map(|v| Field::known(v.to_string()))
            }
            _ => Some(Field::unknown(Unknown::Var(name.to_string()))),
        }
    }

    fn param(&mut self, p: &Param, st: &mut State, sc: &Scope, quoted: bool, out: &mut Pieces<'_>) {
        // `$@`, `$*`, `${a[@]}`: several values.
        let all_index = p.index.as_ref().and_then(|i| i.literal()).is_some_and(|i| i == "@" || i == "*");
        if p.op == ParamOp::None && !p.length && !p.indirect && (p.name == "@" || p.name == "*" || all_index) {
            let values: Vec<Field> = if p.name == "@" || p.name == "*" {
                st.positional.clone()
            } else {
                match st.vars.get(&p.name) {
                    Some(Val::Array(a)) => a.clone(),
                    Some(Val::Scalar(f)) => vec![f.clone()],
                    None => vec![Field::unknown(Unknown::Var(p.name.to_string()))],
                }
            };
            let separate =
                quoted && (p.name == "@" || p.index.as_ref().and_then(|i| i.literal()).as_deref() == Some("@"));
            let joined_sep = if p.name == "*" && quoted {
                ifs_of(st).chars().next().map(String::from).unwrap_or_default()
            } else {
                " ".into()
            };
            for (i, v) in values.into_iter().enumerate() {
                if i > 0 && !separate {
                    out.push(Piece {
                        text: PieceText::Owned(Text::from(joined_sep.as_str())),
                        quoted,
                        split: !quoted,
                        ..Piece::default()
                    });
                }
                let mut piece = Piece::from_field(v, quoted);
                piece.brk = separate && i > 0;
                out.push(piece);
            }
            return;
        }
        // Words inside the operation are expanded (and their substitutions analyzed)
        // whether or not their value is used.
        let value = if p.indirect {
            Some(Field::unknown(Unknown::Computed(format!("${{!{}}}", p.name))))
        } else if let Some(idx) = &p.index {
            let i = self.expand_single(idx, st, sc);
            match (st.vars.get(&p.name), i.as_known().and_then(|s| s.trim().parse::<usize>().ok())) {
                (Some(Val::Array(a)), Some(n)) => a.get(n).cloned(),
                (Some(Val::Scalar(f)), Some(0)) => Some(f.clone()),
                (None, _) if !st.vars.contains_key(&p.name) => Some(Field::unknown(Unknown::Var(p.name.to_string()))),
                _ => Some(Field::unknown(Unknown::Computed(format!("${{{}[…]}}", p.name)))),
            }
        } else {
            self.param_value(&p.name, st)
        };
        let is_set = value.is_some();
        let unknown_var = value.as_ref().is_some_and(|v| {
            !v.is_known() && v.unknowns.iter().all(|u| matches!(u, Unknown::Var(_) | Unknown::Branch(_)))
        });
        let empty = value.as_ref().is_some_and(|v| v.is_known() && v.text.is_empty());
        // What a substring, substitution or trim of that variable's value holds.
        let of_var = match value.as_ref().map(|v| v.unknowns.as_slice()) {
            Some([Unknown::Var(n)]) => Some(n.clone()),
            _ => None,
        };
        let part = || match &of_var {
            Some(n) => Field::unknown(Unknown::PartOf(n.clone())),
            None => Field::unknown(Unknown::Computed(format!("${{{}…}}", p.name))),
        };
        let result: Option<Field> = match &p.op {
            ParamOp::None => value,
            ParamOp::Default { colon, word } | ParamOp::Assign { colon, word } => {
                let dflt = self.expand_single(word, st, sc);
                // An unknown variable may well be unset: the command is also analyzed
                // with the default standing for it (see `simple`).
                let unknown_default = unknown_var && self.default_world;
                self.unknown_default |= unknown_var;
                let use_default = !is_set || (*colon && empty) || unknown_default;
                let r = if unknown_var && !unknown_default {
                    value
                } else if use_default {
                    Some(dflt.clone())
                } else {
                    value
                };
                if matches!(p.op, ParamOp::Assign { .. }) && use_default && (!unknown_var || unknown_default) {
                    st.set(&p.name, dflt);
                }
                r
            }
            ParamOp::Error { word, .. } => {
                let _ = self.expand_single(word, st, sc);
                value
            }
            ParamOp::Alt { colon, word } => {
                let alt = self.expand_single(word, st, sc);
                if unknown_var {
                    Some(Field::unknown(Unknown::Computed(format!("${{{}:+…}}", p.name))))
                } else if is_set && !(*colon && empty) {
                    Some(alt)
                } else {
                    None
                }
            }
            ParamOp::Trim { suffix, longest, word } => {
                let pat = self.expand_single(word, st, sc);
                match (value, pat.as_known()) {
                    (Some(v), Some(pat)) if v.is_known() => Some(Field {
                        text: trim_pattern(&v.text, pat, *suffix, *longest).into(),
                        taint: v.taint,
                        ..Field::default()
                    }),
                    (Some(v), _) if v.is_known() && v.text.is_empty() => Some(v),
                    _ => Some(part()),
                }
            }
            ParamOp::Other(words) => {
                for w in words {
                    let _ = self.expand_single(w, st, sc);
                }
                let literal = |k: usize| words.get(k).and_then(crate::parse::Word::literal);
                if words.len() == 2 && literal(0).as_deref() == Some("@") && literal(1).as_deref() == Some("P") {
                    self.prompt_expansion(&p.name, value.clone(), st, sc);
                }
                Some(part())
            }
            ParamOp::Bad => {
                self.bad_substitution = true;
                Some(Field::unknown(Unknown::Computed(format!("${{{}…}} (a bad substitution)", p.name))))
            }
        };
        let result = if p.length {
            match result {
                Some(f) if f.is_known() => Some(Field::known(f.text.chars().count().to_string())),
                _ => Some(Field::unknown(Unknown::Number)),
            }
        } else {
            result
        };
        if let Some(f) = result {
            out.push(Piece::from_field(f, quoted));
        } else if quoted {
            out.push(Piece::lit("", true));
        }
    }

    /// `$(( … ))`: analyzes what it holds; the value is a number.
    fn arith(&mut self, parts: &[Part], st: &mut State, sc: &Scope) -> Field {
        let mut pieces = Pieces::new();
        self.pieces(parts, st, sc, true, &mut pieces);
        let text: String = pieces.iter().map(|p| &*p.text).collect();
        let t = text.trim();
        if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) && pieces.iter().all(|p| p.unknowns.is_empty()) {
            return Field::known(t.trim_start_matches('0').to_string()).or_zero();
        }
        Field::unknown(Unknown::Number)
    }

    /// `${x@P}`: the value expanded as a prompt, which runs the command substitutions
    /// in it (`x='$(rm -rf ~)'`). They are judged as the shell code they are.
    fn prompt_expansion(&mut self, name: &str, value: Option<Field>, st: &State, sc: &Scope) {
        let Some(v) = value else { return };
        let Some(text) = v.as_known() else {
            self.event(super::model::Event::OpaqueCode {
                runner: "a prompt expansion".into(),
                what: format!("${{{name}@P}}, the value {} read as a prompt", v.display()),
                taint: v.taint.clone(),
                text: format!("${{{name}@P}}"),
            });
            return;
        };
        if text.contains("$(") || text.contains('`') {
            self.substitutions_in(text, &v.taint, &format!("${{{name}@P}}"), st, sc);
        }
    }

    /// Text that bash expands again when it uses it (a prompt, an array subscript): the
    /// command substitutions in it are judged as the shell code they are, as a
    /// double-quoted word would be.
    pub(crate) fn substitutions_in(
        &mut self,
        text: &str,
        taint: &super::model::Taint,
        label: &str,
        st: &State,
        sc: &Scope,
    ) {
        let code = Field {
            text: format!(": \"{}\"", text.replace('"', "\\\"")).into(),
            taint: taint.clone(),
            ..Field::default()
        };
        // Text that is not valid shell makes bash fail there, running nothing (and data
        // such as a `tr` class with a backquote is often just that).
        if crate::parse::parse(&code.text).is_err() {
            return;
        }
        let mut inner = sc.clone();
        inner.via.push(super::model::Via::Shell(label.to_string()));
        inner.depth += 1;
        let mut child = st.clone();
        let inv = self.bare_invocation(Vec::new(), Vec::new(), st, sc, super::model::Input::Inherited, label);
        self.shell_code(&code, label, &inv, Some(&mut child), None, &inner, &super::model::Input::Inherited);
    }

    /// Text bash evaluates as an arithmetic expression or a variable name runs the
    /// command substitutions of an array subscript in it: `x='a[$(rm -rf ~)]'; (( x ))`,
    /// also through `$((x))`, `[[ $x -eq 1 ]]`, `let`, `declare -i`, `${a[x]}`,
    /// `printf -v`, `read`, `declare -n`. Such text is judged where it is made (assigned
    /// or given to one of these), whatever uses it later.
    pub(crate) fn subscript_code(&mut self, f: &Field, st: &State, sc: &Scope) {
        let Some(open) = f.text.find('[') else { return };
        let Some(close) = f.text.rfind(']').filter(|&c| c > open) else { return };
        let inside = &f.text[open + 1..close];
        if inside.contains("$(") || inside.contains('`') {
            let inside = inside.to_string();
            self.substitutions_in(&inside, &f.taint, "an array subscript", st, sc);
        }
    }

    /// `$( … )`: analyzes the script in a subshell and computes its output if it can
    /// (`quoted`: inside double quotes, one field).
    pub(crate) fn substitution(
        &mut self,
        script: &crate::parse::Script,
        quoted: bool,
        st: &State,
        sc: &Scope,
    ) -> Field {
        let mut sub = st.clone();
        let mut inner = sc.clone();
        inner.via.push(super::model::Via::Substitution);
        // What fails in the subshell does not stop the command around it.
        let bad = std::mem::take(&mut self.bad_substitution);
        // `$(< FILE)` is bash's `$(cat FILE)`: the file's text.
        let cat;
        let script = match cat_shorthand(script) {
            Some(s) => {
                cat = s;
                &cat
            }
            None => script,
        };
        let stream = self.script(script, &mut sub, &inner, &super::model::Input::Inherited);
        self.bad_substitution = bad;
        stream_to_field(stream, quoted)
    }

    /// `<( … )` / `>( … )`: analyzes the script; returns what it produces.
    fn process_substitution(&mut self, script: &crate::parse::Script, _write: bool, st: &State, sc: &Scope) -> Stream {
        let mut sub = st.clone();
        let mut inner = sc.clone();
        inner.via.push(super::model::Via::Substitution);
        let bad = std::mem::take(&mut self.bad_substitution);
        let stream = self.script(script, &mut sub, &inner, &super::model::Input::Inherited);
        self.bad_substitution = bad;
        stream
    }
}

/// `$(< FILE)` (one command: no name, no assignment, one `<`) as `$(cat < FILE)`.
fn cat_shorthand(script: &crate::parse::Script) -> Option<crate::parse::Script> {
    use crate::parse::{Command, RedirFd, RedirOp};
    let [item] = script.body.items.as_slice() else { return None };
    if !item.and_or.rest.is_empty() || item.background {
        return None;
    }
    let [Command::Simple(cmd)] = item.and_or.first.commands.as_slice() else { return None };
    let [r] = cmd.redirects.as_slice() else { return None };
    let plain = cmd.words.is_empty() && cmd.assigns.is_empty() && cmd.decl.is_empty();
    if !plain || r.op != RedirOp::In || !matches!(r.fd, None | Some(RedirFd::Num(0))) {
        return None;
    }
    let mut s = script.clone();
    let crate::parse::Command::Simple(c) = &mut s.body.items[0].and_or.first.commands[0] else { return None };
    let parts = smallvec::smallvec![crate::parse::Part::Lit(crate::parse::Text::from("cat"))];
    c.words.push(crate::parse::Word { parts, span: cmd.span });
    Some(s)
}

trait OrZero {
    fn or_zero(self) -> Self;
}

impl OrZero for Field {
    fn or_zero(mut self) -> Self {
        if self.text.is_empty() {
            self.text.push('0');
        }
        self
    }
}

/// One line of a stream of paths (`find DIR` prints each under DIR), when its content is
/// not known: `cat $(find ~/.ssh -name 'id_*')` reads the keys, and so does `cat "$f"`
/// after `read f` from it. Named as find matched them when nothing else printed; any file
/// under DIR when no test narrowed them (`cat $(find ~ -type f)` reads `~` whole). `what`
/// says where it comes from, for reasons.
pub(crate) fn stream_item(stream: &Stream, what: &str) -> Option<Field> {
    let (None, Some(p)) = (&stream.content, &stream.items_prefix) else { return None };
    let name = stream.items_name.as_deref().filter(|n| !n.contains(char::is_whitespace));
    let mut f = if stream.items_all && stream.items_name.is_none() {
        Field::every_file_within(p, stream.items_reach.clone(), what)
    } else {
        Field::found_path(Some(p), name, what)
    };
    f.taint = stream.taint.clone();
    Some(f)
}

/// The value a command substitution gives: the output without trailing newlines
/// (`quoted`: inside double quotes, one field).
pub(crate) fn stream_to_field(stream: Stream, quoted: bool) -> Field {
    if stream.content.is_none() && stream.parent_pid {
        // `kill $(ps -o ppid= -p $$)` is `kill $PPID`.
        return Field { taint: stream.taint, ..Field::unknown(Unknown::ParentPid) };
    }
    if let (None, Some(p)) = (&stream.content, &stream.made_path) {
        // A made-up name is like a number inside a path: one entry, never `/` or `..`.
        return Field {
            text: Text::from(p.as_str()),
            unknowns: vec![Unknown::Number],
            taint: stream.taint,
            ..Field::default()
        };
    }
    if let Some(f) = stream_item(&stream, "the output of a command") {
        return f;
    }
    // Some lines of a known list (`cat $(ls ~/.ssh/id_* | grep -v "$X")`): as if each
    // passed, split into fields; quoted, one field only when one line may pass.
    if let (None, Some(among)) = (&stream.content, stream.lines_among.as_deref()) {
        let one = among.lines().all(|l| Some(l) == among.lines().next());
        let first = among.lines().next().filter(|l| !l.starts_with('-'));
        let text = match (one, first) {
            (true, Some(l)) => Some(l),
            _ if !quoted => stream.words_among().map(|w| w.trim_end_matches('\n')),
            _ => None,
        };
        if let Some(t) = text {
            return Field { text: Text::from(t), taint: stream.taint, ..Field::default() };
        }
    }
    match stream.content {
        Some(c) => Field { text: Text::from(c.trim_end_matches('\n')), taint: stream.taint, ..Field::default() },
        None => {
            let what = stream.producer.as_deref().unwrap_or("a command").to_string();
            let mut f =
                Field::unknown(if stream.trusted_code { Unknown::Generated(what) } else { Unknown::Output(what) });
            f.taint = stream.taint;
            f
        }
    }
}

/// Whether a field is exactly the output of a trusted code generator.
pub(crate) fn is_trusted_code(f: &Field) -> bool {
    f.text.chars().eq(std::iter::once(UNKNOWN_MARK)) && matches!(f.unknowns.as_slice(), [Unknown::Generated(_)])
}

pub(crate) fn ifs_of(st: &State) -> Text {
    match st.vars.get("IFS") {
        Some(v) => {
            let f = v.scalar();
            if f.is_known() {
                f.text
            } else {
                Text::const_new(" \t\n")
            }
        }
        None => Text::const_new(" \t\n"),
    }
}

/// Appends `src` to `dst`, taking its buffer when `dst` is empty (as it mostly is).
fn append_unknowns(dst: &mut Vec<Unknown>, src: Vec<Unknown>) {
    if dst.is_empty() {
        *dst = src;
    } else {
        dst.extend(src);
    }
}

/// Joins pieces into fields, splitting the unquoted expansions on IFS.
/// The field of a word made only of literal text (most words): what [`split_fields`]
/// gives for its pieces, without building them. `None` when the word expands anything;
/// `Some(None)` when it is no field at all (empty and unquoted).
fn literal_field(parts: &[Part]) -> Option<Option<Field>> {
    // One part (most words): its text copied as it is (inline when short), without a
    // sizing pass and appends.
    if let [p] = parts {
        return match p {
            Part::Lit(s) => Some((!s.is_empty()).then(|| Field {
                glob: s.bytes().any(|b| matches!(b, b'*' | b'?' | b'[')),
                text: s.clone(),
                ..Field::default()
            })),
            Part::Quoted(s) => Some(Some(Field { text: s.clone(), quoted: true, ..Field::default() })),
            _ => None,
        };
    }
    // Sized once.
    let len = parts.iter().map(|p| if let Part::Lit(s) | Part::Quoted(s) = p { s.len() } else { 0 }).sum();
    let mut f = Field { text: Text::with_capacity(len), ..Field::default() };
    for p in parts {
        match p {
            Part::Lit(s) => {
                f.glob |= s.contains(['*', '?', '[']);
                f.text.push_str(s);
            }
            Part::Quoted(s) => {
                f.quoted = true;
                f.text.push_str(s);
            }
            _ => return None,
        }
    }
    Some((f.quoted || !f.text.is_empty()).then_some(f))
}

fn split_fields<'p>(pieces: impl IntoIterator<Item = Piece<'p>>, ifs: &str, fields: &mut Vec<Field>) {
    let mut cur = Field::default();
    // Whether `cur` holds anything that makes it a field (even empty quoted text).
    let mut live = false;
    // IFS white space and IFS other characters.
    let ifs_ws = |c: &char| c.is_whitespace() && ifs.contains(*c);
    let ifs_other = |c: &char| !c.is_whitespace() && ifs.contains(*c);
    for p in pieces {
        if p.brk && live {
            fields.push(std::mem::take(&mut cur));
            live = false;
        }
        cur.taint.merge(&p.taint);
        if !p.split {
            if !p.quoted && p.text.contains(['*', '?', '[']) {
                cur.glob = true;
            }
            cur.quoted |= p.quoted;
            cur.text.push_str(&p.text);
            append_unknowns(&mut cur.unknowns, p.unknowns);
            live |= p.quoted || !cur.text.is_empty();
            continue;
        }
        // An unquoted expansion: split its known text on IFS; unknowns stay whole.
        if ifs.is_empty() {
            cur.text.push_str(&p.text);
            append_unknowns(&mut cur.unknowns, p.unknowns);
            live |= !cur.text.is_empty();
            continue;
        }
        let mut unknowns = p.unknowns.into_iter();
        let mut chars = p.text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == UNKNOWN_MARK {
                cur.text.push(c);
                cur.unknowns.extend(unknowns.next());
                live = true;
            } else if ifs_ws(&c) {
                if live {
                    fields.push(std::mem::take(&mut cur));
                    cur.taint = p.taint.clone();
                    live = false;
                }
                while chars.peek().is_some_and(ifs_ws) {
                    chars.next();
                }
                if chars.peek().is_some_and(ifs_other) {
                    chars.next();
                }
            } else if ifs_other(&c) {
                fields.push(std::mem::take(&mut cur));
                cur.taint = p.taint.clone();
                live = false;
                while chars.peek().is_some_and(ifs_ws) {
                    chars.next();
                }
            } else {
                if matches!(c, '*' | '?' | '[') {
                    cur.glob = true;
                }
                cur.text.push(c);
                live = true;
            }
        }
    }
    if live {
        fields.push(cur);
    }
}

/// `${v#pat}` and friends on known text, with `*`, `?` and literals in the pattern.
fn trim_pattern(v: &str, pat: &str, suffix: bool, longest: bool) -> String {
    let idx: Vec<usize> = v.char_indices().map(|(i, _)| i).chain(std::iter::once(v.len())).collect();
    let candidates: Box<dyn Iterator<Item = &usize>> = match (suffix, longest) {
        (false, false) => Box::new(idx.iter()),
        (false, true) => Box::new(idx.iter().rev()),
        (true, false) => Box::new(idx.iter().rev()),
        (true, true) => Box::new(idx.iter()),
    };
    for &i in candidates {
        let (head, tail) = v.split_at(i);
        if !suffix && glob_match(pat, head) {
            return tail.to_string();
        }
        if suffix && glob_match(pat, tail) {
            return head.to_string();
        }
    }
    v.to_string()
}

/// A small glob matcher: `*`, `?`, literal characters (character classes taken literally).
pub(crate) fn glob_match(pat: &str, s: &str) -> bool {
    let p: Vec<char> = pat.chars().collect();
    let t: Vec<char> = s.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(sp) = star {
            pi = sp + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

// ----- brace expansion ---------------------------------------------------------------

#[derive(Clone, Copy)]
enum BTok<'a> {
    C(char),
    P(&'a Part),
}

/// Expands `{a,b}` and `{1..3}` in the unquoted literal text of a word. `Ok(None)` when
/// there is nothing to expand; `Err` when the result would be too large.
fn brace_expand(parts: &[Part]) -> Result<Option<Vec<Vec<Part>>>, ()> {
    let mut toks = Vec::new();
    for p in parts {
        match p {
            Part::Lit(s) => toks.extend(s.chars().map(BTok::C)),
            other => toks.push(BTok::P(other)),
        }
    }
    let mut out = Vec::new();
    let mut budget = MAX_BRACE_FIELDS;
    let expanded = expand_toks(&toks, &mut out, &mut budget, 0)?;
    if !expanded {
        return Ok(None);
    }
    Ok(Some(out.into_iter().map(|v| to_parts(&v)).collect()))
}

fn to_parts(toks: &[BTok<'_>]) -> Vec<Part> {
    let mut out = Vec::new();
    let mut lit = Text::default();
    for t in toks {
        match t {
            BTok::C(c) => lit.push(*c),
            BTok::P(p) => {
                if !lit.is_empty() {
                    out.push(Part::Lit(std::mem::take(&mut lit)));
                }
                out.push((*p).clone());
            }
        }
    }
    if !lit.is_empty() {
        out.push(Part::Lit(lit));
    }
    out
}

/// Pushes the expansions of `toks` to `out`; returns whether any brace expanded.
fn expand_toks<'a>(
    toks: &[BTok<'a>],
    out: &mut Vec<Vec<BTok<'a>>>,
    budget: &mut usize,
    depth: usize,
) -> Result<bool, ()> {
    if depth > 64 {
        return Err(());
    }
    let mut search_from = 0;
    while let Some(open) = toks[search_from..].iter().position(|t| matches!(t, BTok::C('{'))).map(|i| i + search_from) {
        // Find the matching close and the top-level commas.
        let mut level = 0usize;
        let mut commas = Vec::new();
        let mut close = None;
        for (i, t) in toks.iter().enumerate().skip(open) {
            match t {
                BTok::C('{') => level += 1,
                BTok::C('}') => {
                    level -= 1;
                    if level == 0 {
                        close = Some(i);
                        break;
                    }
                }
                BTok::C(',') if level == 1 => commas.push(i),
                _ => {}
            }
        }
        let Some(close) = close else { break };
        let prefix = &toks[..open];
        let suffix = &toks[close + 1..];
        let alternatives: Vec<Vec<BTok<'a>>> = if commas.is_empty() {
            match sequence(&toks[open + 1..close]) {
                Some(seq) => seq.into_iter().map(|s| s.chars().map(BTok::C).collect()).collect(),
                None => {
                    search_from = open + 1;
                    continue;
                }
            }
        } else {
            let mut alts = Vec::new();
            let mut start = open + 1;
            for &c in commas.iter().chain(std::iter::once(&close)) {
                alts.push(toks[start..c].to_vec());
                start = c + 1;
            }
            alts
        };
        for alt in alternatives {
            let mut v = prefix.to_vec();
            v.extend(alt);
            v.extend_from_slice(suffix);
            let mut sub = Vec::new();
            if !expand_toks(&v, &mut sub, budget, depth + 1)? {
                sub.push(v);
            }
            for s in sub {
                if *budget == 0 {
                    return Err(());
                }
                *budget -= 1;
                out.push(s);
            }
        }
        return Ok(true);
    }
    Ok(false)
}

/// `a..e`, `1..10`, `1..10..2`, `01..10` (zero padded).
fn sequence(toks: &[BTok<'_>]) -> Option<Vec<String>> {
    let text: String = toks
        .iter()
        .map(|t| match t {
            BTok::C(c) => Some(*c),
            BTok::P(_) => None,
        })
        .collect::<Option<String>>()?;
    let parts: Vec<&str> = text.split("..").collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let step: i64 = match parts.get(2) {
        Some(s) => s.parse().ok()?,
        None => 1,
    };
    let step = step.unsigned_abs().max(1);
    if let (Ok(a), Ok(b)) = (parts[0].parse::<i64>(), parts[1].parse::<i64>()) {
        let width =
            if parts[0].starts_with('0') || parts[1].starts_with('0') { parts[0].len().max(parts[1].len()) } else { 0 };
        let count = a.abs_diff(b) / step + 1;
        if count > MAX_BRACE_FIELDS as u64 {
            return Some(vec![UNKNOWN_MARK.to_string(); MAX_BRACE_FIELDS + 1]);
        }
        let mut out = Vec::new();
        let mut x = a;
        for _ in 0..count {
            out.push(format!("{x:0width$}"));
            x = if a <= b { x + step as i64 } else { x - step as i64 };
        }
        return Some(out);
    }
    let (ca, cb) = (single_char(parts[0])?, single_char(parts[1])?);
    if !ca.is_ascii_alphabetic() || !cb.is_ascii_alphabetic() {
        return None;
    }
    let (a, b) = (ca as u32, cb as u32);
    let mut out = Vec::new();
    let mut x = a;
    loop {
        out.push(char::from_u32(x)?.to_string());
        if x == b {
            break;
        }
        if a <= b {
            x += u32::try_from(step).ok()?;
            if x > b {
                break;
            }
        } else {
            x = x.checked_sub(u32::try_from(step).ok()?)?;
            if x < b {
                break;
            }
        }
    }
    Some(out)
}

fn single_char(s: &str) -> Option<char> {
    let mut c = s.chars();
    let first = c.next()?;
    c.next().is_none().then_some(first)
}

/// A field's text with glob characters escaped, for display.
#[allow(dead_code)]
pub(crate) fn display(f: &Field) -> Cow<'_, str> {
    Cow::Owned(f.display())
}

/// The home directory of `user` ([`crate::users::home_of`]).
fn home_of(user: &str) -> Option<String> {
    crate::users::home_of(user)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(pieces: Vec<Piece<'_>>, ifs: &str) -> Vec<Field> {
        let mut out = Vec::new();
        split_fields(pieces, ifs, &mut out);
        out
    }

    #[test]
    fn literal_words_take_the_short_way_to_the_same_field() {
        let cases: Vec<Vec<Part>> = vec![
            vec![Part::Lit("cargo".into())],
            vec![Part::Lit("src/*.rs".into())],
            vec![Part::Quoted("*.rs".into())],
            vec![Part::Quoted(Text::default())],
            vec![Part::Lit(Text::default())],
            vec![Part::Lit("a".into()), Part::Quoted(" b ".into()), Part::Lit("[c]".into())],
            vec![],
        ];
        for parts in cases {
            let pieces: Vec<Piece> = parts
                .iter()
                .map(|p| match p {
                    Part::Lit(s) => Piece::lit(s.as_str(), false),
                    Part::Quoted(s) => Piece::lit(s.as_str(), true),
                    _ => unreachable!(),
                })
                .collect();
            let slow = split(pieces, " \t\n");
            let fast: Vec<Field> = literal_field(&parts).expect("literal").into_iter().collect();
            assert_eq!(fast, slow, "{parts:?}");
        }
        assert!(literal_field(&[Part::Tilde(Text::default())]).is_none());
    }

    #[test]
    fn passwd_lines() {
        use crate::users::passwd_home;
        let passwd = "root:x:0:0:root:/root:/bin/bash\n# comment\nbad line\nci:x:1000:1000::/srv/ci:/bin/sh\nnohome:x:1:1:::/bin/sh\n";
        assert_eq!(passwd_home(passwd, "root").as_deref(), Some("/root"));
        assert_eq!(passwd_home(passwd, "ci").as_deref(), Some("/srv/ci"));
        assert_eq!(passwd_home(passwd, "nohome"), None);
        assert_eq!(passwd_home(passwd, "ro"), None);
        assert_eq!(passwd_home(passwd, "nobody"), None);
    }

    fn braces(s: &str) -> Vec<String> {
        match brace_expand(&[Part::Lit(s.into())]) {
            Ok(Some(v)) => v
                .iter()
                .map(|p| match p.as_slice() {
                    [Part::Lit(l)] => l.to_string(),
                    [] => String::new(),
                    _ => "?".into(),
                })
                .collect(),
            Ok(None) => vec![s.to_string()],
            Err(()) => vec!["TOO MANY".into()],
        }
    }

    #[test]
    fn brace_expansion() {
        assert_eq!(braces("{a,b}{1,2}"), ["a1", "a2", "b1", "b2"]);
        assert_eq!(braces("x{1..3}"), ["x1", "x2", "x3"]);
        assert_eq!(braces("{a..c}"), ["a", "b", "c"]);
        assert_eq!(braces("{3..1}"), ["3", "2", "1"]);
        assert_eq!(braces("{01..03}"), ["01", "02", "03"]);
        assert_eq!(braces("{x}"), ["{x}"]);
        assert_eq!(braces("a{b,{c,d}}e"), ["abe", "ace", "ade"]);
        assert_eq!(braces("{,/}"), ["", "/"]);
        assert_eq!(braces("{1..100000}"), ["TOO MANY"]);
        assert_eq!(braces(&"{a,b}".repeat(13)), ["TOO MANY"]);
    }

    #[test]
    fn globs_and_trims() {
        assert!(glob_match("*.rs", "main.rs"));
        assert!(!glob_match("*.rs", "main.rc"));
        assert!(glob_match("a?c", "abc"));
        assert_eq!(trim_pattern("/a/b/c.txt", "*/", false, true), "c.txt");
        assert_eq!(trim_pattern("c.tar.gz", ".*", true, false), "c.tar");
        assert_eq!(trim_pattern("c.tar.gz", ".*", true, true), "c");
    }

    #[test]
    fn splitting() {
        let p = vec![Piece { text: "rm -rf ~".into(), split: true, ..Piece::default() }];
        let f = split(p, " \t\n");
        assert_eq!(f.iter().map(|f| f.text.as_str()).collect::<Vec<_>>(), ["rm", "-rf", "~"]);
        let p = vec![Piece { text: "rm,-rf,/".into(), split: true, ..Piece::default() }];
        let f = split(p, ",");
        assert_eq!(f.iter().map(|f| f.text.as_str()).collect::<Vec<_>>(), ["rm", "-rf", "/"]);
        let p = vec![Piece { text: PieceText::Borrowed(""), split: true, ..Piece::default() }];
        assert!(split(p, " ").is_empty());
        let p = vec![Piece::lit("", true)];
        assert_eq!(split(p, " ").len(), 1);
    }
}
