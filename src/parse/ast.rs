//! The syntax tree the parser produces.
//!
//! It keeps what a static analysis of a shell script needs and nothing else: commands
//! with their words, assignments and redirections; the structure that joins them
//! (pipelines, `&&`/`||` lists, subshells, groups, functions, loops, conditionals);
//! and, inside words, every part that the shell expands (parameters, command and
//! process substitutions, arithmetic, tildes), with nested scripts already parsed.
//!
//! Invariants: every nested script (`$(…)`, backticks, `<(…)`) is a complete
//! [`Script`]; here-document bodies are attached to their redirection; spans are byte
//! offsets into the text that was parsed (nested backtick scripts have their own text).

/// Text in the tree and in the fields the analyzer makes of it: most words, parts and
/// names are short, and a [`Text`] of up to 24 bytes is held inline instead of in an
/// allocation of its own.
pub type Text = compact_str::CompactString;

/// A word's parts: most words are one part, held inline instead of in an allocation of
/// its own.
pub type Parts = smallvec::SmallVec<[Part; 1]>;

/// A half-open byte range in the parsed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    #[must_use]
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }
}

/// A whole script: a list of commands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Script {
    /// The commands, in order.
    pub body: List,
}

/// Commands separated by `;`, `&` or newlines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct List {
    /// The items, each an and-or list (held inline when one, as most lists are: a line,
    /// a branch, a loop body).
    pub items: smallvec::SmallVec<[Item; 1]>,
}

/// One element of a [`List`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The and-or list.
    pub and_or: AndOr,
    /// Whether it was ended by `&` (runs in the background).
    pub background: bool,
}

/// Pipelines joined by `&&` and `||`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AndOr {
    /// The first pipeline.
    pub first: Pipeline,
    /// The following pipelines, each with the connector before it.
    pub rest: Vec<(Connector, Pipeline)>,
}

/// `&&` or `||`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connector {
    /// `&&`: runs when the previous pipeline succeeded.
    And,
    /// `||`: runs when the previous pipeline failed.
    Or,
}

/// Commands joined by `|` or `|&`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pipeline {
    /// Preceded by `!`.
    pub negated: bool,
    /// Preceded by the `time` reserved word.
    pub timed: bool,
    /// The commands, left to right.
    pub commands: Vec<Command>,
}

/// One command of a pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// A simple command: assignments, words and redirections.
    Simple(SimpleCommand),
    /// A compound command with the redirections that follow it.
    Compound(Compound, Vec<Redirect>),
    /// A function definition.
    Function(FunctionDef),
}

/// `name () body` or `function name body`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionDef {
    /// The function's name.
    pub name: String,
    /// Its body (a compound command with redirections).
    pub body: Box<Command>,
    /// Where the definition is.
    pub span: Span,
}

/// A compound command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Compound {
    /// `{ list; }`
    Brace(List),
    /// `( list )`
    Subshell(List),
    /// `for name [in words]; do list; done` (also `select`).
    For {
        /// The loop variable.
        var: String,
        /// The words after `in`; `None` means `"$@"`.
        words: Option<Vec<Word>>,
        /// The body.
        body: List,
    },
    /// `for (( init; cond; step )); do list; done`
    ArithFor {
        /// The three expressions, as words (they may hold substitutions).
        exprs: Vec<Word>,
        /// The body.
        body: List,
    },
    /// `case word in pattern) list ;; … esac`
    Case {
        /// The word matched.
        subject: Word,
        /// The arms.
        arms: Vec<CaseArm>,
    },
    /// `if list; then list; [elif list; then list;]… [else list;] fi`
    If {
        /// Each condition with its body.
        branches: Vec<(List, List)>,
        /// The `else` body.
        otherwise: Option<List>,
    },
    /// `while list; do list; done` or `until …`.
    Loop {
        /// `until` rather than `while`.
        until: bool,
        /// The condition.
        cond: List,
        /// The body.
        body: List,
    },
    /// `(( expression ))`
    Arith(Word),
    /// `[[ expression ]]`, as its words.
    Cond(Vec<Word>),
    /// `coproc [name] command`
    Coproc(Box<Command>),
}

/// One arm of a `case`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseArm {
    /// The patterns.
    pub patterns: Vec<Word>,
    /// The body.
    pub body: List,
}

/// A simple command.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SimpleCommand {
    /// `NAME=value` words before the command name.
    pub assigns: Vec<Assign>,
    /// The command name and its arguments.
    pub words: Vec<Word>,
    /// Redirections, in order.
    pub redirects: Vec<Redirect>,
    /// Assignment arguments of a declaration builtin (`declare`, `typeset`, `local`,
    /// `export`, `readonly`): `export A=1 B=(x y)`. Not in `words`.
    pub decl: Vec<Assign>,
    /// Where the command is in the text.
    pub span: Span,
}

/// A variable assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assign {
    /// The variable's name.
    pub name: String,
    /// `name[index]=…`
    pub index: Option<Word>,
    /// `+=` rather than `=`.
    pub append: bool,
    /// The value.
    pub value: AssignValue,
}

/// The value of an assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssignValue {
    /// `name=word`
    Scalar(Word),
    /// `name=(words…)`
    Array(Vec<Word>),
}

/// A redirection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The file descriptor named before the operator.
    pub fd: Option<RedirFd>,
    /// The operator.
    pub op: RedirOp,
    /// What it redirects to.
    pub target: RedirTarget,
}

/// The descriptor of a redirection: `2>` or `{var}>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedirFd {
    /// A number.
    Num(u32),
    /// `{name}`: the shell allocates a descriptor and stores it in `name`.
    Var(String),
}

/// A redirection operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirOp {
    /// `<`
    In,
    /// `>`
    Out,
    /// `>>`
    Append,
    /// `>|`
    Clobber,
    /// `<>`
    ReadWrite,
    /// `<&`
    DupIn,
    /// `>&` (also `>&file`, which is `&>`)
    DupOut,
    /// `&>`
    OutErr,
    /// `&>>`
    AppendOutErr,
    /// `<<` or `<<-`
    HereDoc,
    /// `<<<`
    HereString,
}

impl RedirOp {
    /// Whether the operator writes to its target.
    #[must_use]
    pub const fn writes(self) -> bool {
        matches!(self, Self::Out | Self::Append | Self::Clobber | Self::ReadWrite | Self::OutErr | Self::AppendOutErr)
    }
}

/// The target of a redirection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedirTarget {
    /// A word (file name, descriptor number, or here-string).
    Word(Word),
    /// A here-document.
    HereDoc(HereDoc),
}

/// A here-document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HereDoc {
    /// The delimiter after quote removal.
    pub delimiter: String,
    /// Whether the delimiter was quoted (then the body is not expanded).
    pub quoted: bool,
    /// `<<-`: leading tabs are stripped.
    pub strip_tabs: bool,
    /// The body. When `quoted`, a single literal part.
    pub body: Word,
    /// While parsing: the slot the body will be read into.
    #[doc(hidden)]
    pub(crate) slot: Option<usize>,
}

/// A word: the parts that expand into one or more fields.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Word {
    /// The parts, in order.
    pub parts: Parts,
    /// Where the word is.
    pub span: Span,
}

impl Word {
    /// The word's text when it is made only of literal parts (quoted or not), after quote removal.
    #[must_use]
    pub fn literal(&self) -> Option<String> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Lit(s) | Part::Quoted(s) => out.push_str(s),
                Part::Double(inner) => {
                    for q in inner {
                        match q {
                            Part::Lit(s) | Part::Quoted(s) => out.push_str(s),
                            _ => return None,
                        }
                    }
                }
                _ => return None,
            }
        }
        Some(out)
    }

    /// Whether the word is an unquoted literal equal to `s` (as reserved words must be).
    #[must_use]
    pub fn is_unquoted(&self, s: &str) -> bool {
        matches!(self.parts.as_slice(), [Part::Lit(l)] if l == s)
    }

    /// Whether any part is quoted.
    #[must_use]
    pub fn has_quotes(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::Quoted(_) | Part::Double(_)))
    }
}

/// A part of a word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Unquoted literal text (subject to brace expansion and globbing).
    Lit(Text),
    /// Quoted literal text: single quotes, escapes, decoded `$'…'`.
    Quoted(Text),
    /// A double-quoted sequence.
    Double(Vec<Part>),
    /// A parameter expansion.
    Param(Param),
    /// A command substitution.
    Subst(Box<Script>),
    /// An arithmetic expansion `$(( … ))` or `$[ … ]`.
    Arith(Vec<Part>),
    /// A process substitution `<(…)` (`write` false) or `>(…)` (`write` true).
    ProcSubst {
        /// `>(…)`
        write: bool,
        /// The script inside.
        script: Box<Script>,
    },
    /// A tilde prefix: `~` (empty user) or `~user`, `~+`, `~-`.
    Tilde(Text),
    /// An extended glob pattern such as `@(a|b)`, kept as text.
    ExtGlob(Text),
    /// Bytes the shell would take literally but that could not be decoded (an invalid
    /// code point in `$'\U…'`); never equal to any known text.
    Invalid(Text),
}

/// A parameter expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The parameter: a name, a digit string or a special character.
    pub name: Text,
    /// `${name[index]}`
    pub index: Option<Box<Word>>,
    /// `${!name}`
    pub indirect: bool,
    /// `${#name}`
    pub length: bool,
    /// The operation.
    pub op: ParamOp,
}

/// An operation inside `${…}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamOp {
    /// None: `$name`, `${name}`.
    None,
    /// `${name:-word}` / `${name-word}`
    Default {
        /// With the colon: also when set but empty.
        colon: bool,
        /// The default.
        word: Box<Word>,
    },
    /// `${name:=word}` / `${name=word}`
    Assign {
        /// With the colon.
        colon: bool,
        /// The value assigned.
        word: Box<Word>,
    },
    /// `${name:?word}` / `${name?word}`
    Error {
        /// With the colon.
        colon: bool,
        /// The message.
        word: Box<Word>,
    },
    /// `${name:+word}` / `${name+word}`
    Alt {
        /// With the colon.
        colon: bool,
        /// The alternative.
        word: Box<Word>,
    },
    /// `${name#pat}`, `${name##pat}`, `${name%pat}`, `${name%%pat}`
    Trim {
        /// `%` (suffix) rather than `#` (prefix).
        suffix: bool,
        /// Doubled operator: longest match.
        longest: bool,
        /// The pattern.
        word: Box<Word>,
    },
    /// Any other operation (substitution, substring, case change, transform): its value
    /// is not computed statically; the words are kept for the substitutions they hold.
    Other(Vec<Word>),
    /// An operator bash does not know (`${Date.now()}`): expanding it fails with "bad
    /// substitution" before anything inside is expanded, and the command does not run.
    Bad,
}
