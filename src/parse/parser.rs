//! A recursive-descent parser for the bash grammar.
//!
//! It reads the text once, byte by byte (every shell metacharacter is ASCII, so slicing
//! at them keeps UTF-8 intact), and builds the tree of [`super::ast`] directly, without a
//! separate token stream: which characters form a token depends on where the parser is
//! (command position, inside `[[ ]]`, inside `${…}`, in a here-document), exactly as
//! in bash's own parser.
//!
//! Bounds, so that no input can make it panic, overflow the stack or run long:
//! - nesting (compound commands, substitutions, `${…}` words) deeper than
//!   [`Limits::max_depth`] is an error;
//! - input longer than [`Limits::max_len`] is refused before parsing;
//! - every loop consumes input, so the work is linear in the input per nesting level.
//!
//! The parser must never guess: text it cannot parse is an error (an unterminated quote
//! or here-document, an unexpected token), never a partial tree.

use super::ast::{
    AndOr, Assign, AssignValue, CaseArm, Command, Compound, Connector, FunctionDef, HereDoc, Item, List, Param,
    ParamOp, Part, Parts, Pipeline, RedirFd, RedirOp, RedirTarget, Redirect, Script, SimpleCommand, Span, Text, Word,
};
use super::{ErrorKind, Limits, ParseError};

/// A here-document whose body has not been read yet.
struct Pending {
    slot: usize,
    delimiter: String,
    quoted: bool,
    strip_tabs: bool,
}

type Result<T> = std::result::Result<T, ParseError>;

/// The parser's state over one text.
pub(crate) struct Parser<'a> {
    src: &'a str,
    s: &'a [u8],
    pos: usize,
    depth: usize,
    limits: Limits,
    /// Here-documents seen but whose body is still to come, in order.
    pending: Vec<Pending>,
    /// Bodies of here-documents, by slot, read at the newline after their operator.
    bodies: Vec<Option<Word>>,
    /// How many `$(` we are inside: there a here-document may end at `DELIM)`.
    in_comsub: usize,
}

impl<'a> Parser<'a> {
    pub(crate) fn new(src: &'a str, limits: Limits, depth: usize) -> Self {
        Self { src, s: src.as_bytes(), pos: 0, depth, limits, pending: Vec::new(), bodies: Vec::new(), in_comsub: 0 }
    }

    // ----- errors -------------------------------------------------------------------

    fn err(&self, kind: ErrorKind, message: impl Into<String>) -> ParseError {
        ParseError { kind, offset: self.pos, message: message.into() }
    }

    fn unexpected(&self) -> ParseError {
        if self.at_end() {
            return self.err(ErrorKind::Incomplete, "unexpected end of input");
        }
        let tok = self.describe_here();
        self.err(ErrorKind::Syntax, format!("syntax error near unexpected token `{tok}`"))
    }

    fn describe_here(&self) -> String {
        let rest = &self.src[self.pos..];
        if let Some(op) = self.peek_op() {
            return op.to_string();
        }
        let end = rest
            .char_indices()
            .find(|&(_, c)| c.is_whitespace() || ";&|()<>".contains(c))
            .map_or(rest.len(), |(i, _)| i.max(1));
        let end = (0..=end).rev().find(|&i| rest.is_char_boundary(i)).unwrap_or(0);
        rest[..end].to_string()
    }

    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > self.limits.max_depth {
            return Err(self.err(ErrorKind::TooDeep, format!("nesting deeper than {} levels", self.limits.max_depth)));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    // ----- low-level scanning -------------------------------------------------------

    fn at_end(&self) -> bool {
        self.pos >= self.s.len()
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<u8> {
        self.s.get(self.pos + n).copied()
    }

    #[inline]
    fn starts_with(&self, lit: &str) -> bool {
        let l = lit.as_bytes();
        self.s.len() >= self.pos + l.len() && self.s[self.pos..self.pos + l.len()].iter().zip(l).all(|(a, b)| a == b)
    }

    /// Skips blanks and line continuations (not newlines, not comments).
    fn skip_blanks(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r') => self.pos += 1,
                Some(b'\\') if self.peek_at(1) == Some(b'\n') => self.pos += 2,
                _ => return,
            }
        }
    }

    /// Skips blanks and a comment, if one starts here.
    fn skip_blanks_and_comment(&mut self) {
        self.skip_blanks();
        if self.peek() == Some(b'#') {
            while let Some(c) = self.peek() {
                if c == b'\n' {
                    break;
                }
                self.pos += 1;
            }
        }
    }

    /// The operator that starts here, if any.
    fn peek_op(&self) -> Option<&'static str> {
        let c0 = self.peek()?;
        let c1 = self.peek_at(1);
        let c2 = self.peek_at(2);
        Some(match (c0, c1, c2) {
            (b';', Some(b';'), Some(b'&')) => ";;&",
            (b';', Some(b';'), _) => ";;",
            (b';', Some(b'&'), _) => ";&",
            (b';', _, _) => ";",
            (b'&', Some(b'>'), Some(b'>')) => "&>>",
            (b'&', Some(b'>'), _) => "&>",
            (b'&', Some(b'&'), _) => "&&",
            (b'&', _, _) => "&",
            (b'|', Some(b'|'), _) => "||",
            (b'|', Some(b'&'), _) => "|&",
            (b'|', _, _) => "|",
            (b'<', Some(b'<'), Some(b'<')) => "<<<",
            (b'<', Some(b'<'), Some(b'-')) => "<<-",
            (b'<', Some(b'<'), _) => "<<",
            (b'<', Some(b'&'), _) => "<&",
            (b'<', Some(b'>'), _) => "<>",
            (b'<', _, _) => "<",
            (b'>', Some(b'>'), _) => ">>",
            (b'>', Some(b'|'), _) => ">|",
            (b'>', Some(b'&'), _) => ">&",
            (b'>', _, _) => ">",
            (b'(', _, _) => "(",
            (b')', _, _) => ")",
            (b'\n', _, _) => "\n",
            _ => return None,
        })
    }

    /// Consumes a newline and reads the bodies of pending here-documents.
    fn newline(&mut self) -> Result<()> {
        debug_assert_eq!(self.peek(), Some(b'\n'));
        self.pos += 1;
        self.read_heredoc_bodies()
    }

    /// Skips blanks, comments and newlines (a `linebreak` in the grammar).
    fn linebreak(&mut self) -> Result<()> {
        loop {
            self.skip_blanks_and_comment();
            if self.peek() == Some(b'\n') {
                self.newline()?;
            } else {
                return Ok(());
            }
        }
    }

    // ----- lists and commands -------------------------------------------------------

    /// Parses a whole program.
    pub(crate) fn parse_program(&mut self) -> Result<Script> {
        let body = self.parse_list(&[])?;
        self.skip_blanks_and_comment();
        if !self.at_end() {
            return Err(self.unexpected());
        }
        if let Some(p) = self.pending.first() {
            return Err(
                self.err(ErrorKind::Incomplete, format!("here-document delimited by `{}` has no body", p.delimiter))
            );
        }
        let mut script = Script { body };
        if !self.bodies.is_empty() {
            fill_script(&mut script, &mut self.bodies);
        }
        Ok(script)
    }

    /// Parses the next top-level commands of a program: up to the end of a line after
    /// which no here-document body is still to come (so the commands are complete,
    /// bodies attached). `None` at the end of the text. Parsing a program batch by batch
    /// accepts and refuses exactly what [`Parser::parse_program`] does, with the same
    /// errors; a refusal may come after earlier batches were returned.
    pub(crate) fn next_batch(&mut self) -> Result<Option<List>> {
        self.enter()?;
        let mut items = smallvec::SmallVec::new();
        loop {
            self.linebreak()?;
            if self.at_end() || matches!(self.peek(), Some(b')')) || self.starts_with(";;") || self.starts_with(";&") {
                break;
            }
            let and_or = self.parse_and_or()?;
            self.skip_blanks_and_comment();
            let background = match self.peek_op() {
                Some("&") => {
                    self.pos += 1;
                    true
                }
                Some(";") => {
                    self.pos += 1;
                    false
                }
                Some("\n") => false,
                _ => {
                    // Anything else ends the program: the end of the text, or a token
                    // that cannot stand there.
                    items.push(Item { and_or, background: false });
                    self.skip_blanks_and_comment();
                    if !self.at_end() {
                        return Err(self.unexpected());
                    }
                    break;
                }
            };
            items.push(Item { and_or, background });
            self.skip_blanks_and_comment();
            if self.peek() == Some(b'\n') {
                self.newline()?;
                if self.pending.is_empty() {
                    break;
                }
            }
        }
        self.leave();
        if items.is_empty() {
            self.skip_blanks_and_comment();
            if !self.at_end() {
                return Err(self.unexpected());
            }
            if let Some(p) = self.pending.first() {
                return Err(self
                    .err(ErrorKind::Incomplete, format!("here-document delimited by `{}` has no body", p.delimiter)));
            }
            return Ok(None);
        }
        let mut list = List { items };
        if !self.bodies.is_empty() {
            fill_list(&mut list, &mut self.bodies);
            if self.pending.is_empty() {
                // Every body read so far is attached: slots start again from 0.
                self.bodies.clear();
            }
        }
        Ok(Some(list))
    }

    /// Which of the reserved words in `words` stands here (unquoted, whole), if any.
    fn at_reserved(&self, words: &[&'static str]) -> Option<&'static str> {
        let c = self.peek()?;
        if !matches!(c, b'}' | b'f' | b't' | b'e' | b'd' | b'i' | b']' | b'{') {
            return None;
        }
        words.iter().copied().find(|w| w.as_bytes().first() == Some(&c) && self.at_word(w))
    }

    /// Parses commands until a terminator: end of input, `)`, `;;` (and friends), or
    /// one of the reserved words in `stops` in command position.
    fn parse_list(&mut self, stops: &[&'static str]) -> Result<List> {
        self.enter()?;
        let mut items = smallvec::SmallVec::new();
        loop {
            self.linebreak()?;
            if self.at_end() {
                break;
            }
            if matches!(self.peek(), Some(b')')) || self.starts_with(";;") || self.starts_with(";&") {
                break;
            }
            if self.at_reserved(stops).is_some() {
                break;
            }
            let and_or = self.parse_and_or()?;
            self.skip_blanks_and_comment();
            let mut background = false;
            match self.peek_op() {
                Some("&") => {
                    self.pos += 1;
                    background = true;
                }
                Some(";") => self.pos += 1,
                Some("\n") => self.newline()?,
                _ => {
                    items.push(Item { and_or, background });
                    // Anything else must end the list.
                    self.skip_blanks_and_comment();
                    break;
                }
            }
            items.push(Item { and_or, background });
        }
        self.leave();
        Ok(List { items })
    }

    fn parse_and_or(&mut self) -> Result<AndOr> {
        let first = self.parse_pipeline()?;
        let mut rest = Vec::new();
        loop {
            self.skip_blanks_and_comment();
            let conn = match self.peek_op() {
                Some("&&") => Connector::And,
                Some("||") => Connector::Or,
                _ => break,
            };
            self.pos += 2;
            self.linebreak()?;
            rest.push((conn, self.parse_pipeline()?));
        }
        Ok(AndOr { first, rest })
    }

    fn parse_pipeline(&mut self) -> Result<Pipeline> {
        self.skip_blanks_and_comment();
        let mut timed = false;
        let mut negated = false;
        while matches!(self.peek(), Some(b't' | b'!')) {
            if self.at_word("time") {
                timed = true;
                self.pos += 4;
                self.skip_blanks();
                if self.at_word("-p") {
                    self.pos += 2;
                    self.skip_blanks();
                }
                if self.at_word("--") {
                    self.pos += 2;
                    self.skip_blanks();
                }
                continue;
            }
            if self.at_word("!") {
                negated = !negated;
                self.pos += 1;
                self.skip_blanks();
                continue;
            }
            break;
        }
        let mut commands = vec![self.parse_command()?];
        loop {
            self.skip_blanks_and_comment();
            match self.peek_op() {
                Some("|") | Some("|&") => {
                    self.pos += if self.starts_with("|&") { 2 } else { 1 };
                    self.linebreak()?;
                    commands.push(self.parse_command()?);
                }
                _ => break,
            }
        }
        Ok(Pipeline { negated, timed, commands })
    }

    /// Whether the unquoted word `w` stands here, followed by a word end.
    #[inline]
    fn at_word(&self, w: &str) -> bool {
        self.starts_with(w) && self.s.get(self.pos + w.len()).copied().is_none_or(is_word_end)
    }

    fn parse_command(&mut self) -> Result<Command> {
        self.skip_blanks_and_comment();
        let start = self.pos;
        // Reserved words that close a compound cannot start a command (`fi`, `then`,
        // `done` out of place are syntax errors in bash).
        if let Some(w) = self.at_reserved(&["then", "else", "elif", "fi", "do", "done", "esac", "}"]) {
            return Err(self.err(ErrorKind::Syntax, format!("syntax error near unexpected `{w}`")));
        }
        if !matches!(self.peek(), Some(b'{' | b'(' | b'i' | b'w' | b'u' | b'f' | b's' | b'c' | b'[')) {
            return self.parse_simple_or_function(start);
        }
        let compound = match () {
            () if self.at_word("{") => {
                self.pos += 1;
                let list = self.parse_list(&["}"])?;
                self.expect_word("}")?;
                Some(Compound::Brace(list))
            }
            () if self.starts_with("((") => Some(self.parse_arith_command()?),
            () if self.peek() == Some(b'(') => {
                self.pos += 1;
                self.enter()?;
                let list = self.parse_list(&[])?;
                self.leave();
                self.linebreak()?;
                if self.peek() != Some(b')') {
                    return Err(self.unexpected());
                }
                self.pos += 1;
                Some(Compound::Subshell(list))
            }
            () if self.at_word("if") => Some(self.parse_if()?),
            () if self.at_word("while") || self.at_word("until") => Some(self.parse_loop()?),
            () if self.at_word("for") || self.at_word("select") => Some(self.parse_for()?),
            () if self.at_word("case") => Some(self.parse_case()?),
            () if self.at_word("[[") => Some(self.parse_cond()?),
            () if self.at_word("function") => return self.parse_function_keyword(start),
            () if self.at_word("coproc") => {
                self.pos += 6;
                self.skip_blanks();
                // `coproc NAME { … }`: a name before a compound command.
                let save = self.pos;
                if let Some(w) = self.read_word()? {
                    self.skip_blanks();
                    let compound_next = self.at_word("{") || self.peek() == Some(b'(');
                    if !(compound_next && w.literal().is_some_and(|n| is_name(&n))) {
                        self.pos = save;
                    }
                }
                self.enter()?;
                let inner = self.parse_command()?;
                self.leave();
                Some(Compound::Coproc(Box::new(inner)))
            }
            () => None,
        };
        if let Some(c) = compound {
            let redirects = self.parse_trailing_redirects()?;
            return Ok(Command::Compound(c, redirects));
        }
        self.parse_simple_or_function(start)
    }

    fn expect_word(&mut self, w: &str) -> Result<()> {
        self.linebreak()?;
        if self.at_word(w) {
            self.pos += w.len();
            Ok(())
        } else if self.at_end() {
            Err(self.err(ErrorKind::Incomplete, format!("expected `{w}` before end of input")))
        } else {
            Err(self.unexpected())
        }
    }

    fn parse_trailing_redirects(&mut self) -> Result<Vec<Redirect>> {
        let mut out = Vec::new();
        loop {
            self.skip_blanks();
            match self.try_redirect()? {
                Some(r) => out.push(r),
                None => return Ok(out),
            }
        }
    }

    /// A list that must hold at least one command (bash rejects `if then fi`).
    fn parse_nonempty_list(&mut self, stops: &[&'static str]) -> Result<List> {
        let list = self.parse_list(stops)?;
        if list.items.is_empty() {
            let found = if self.at_end() { "end of input" } else { "a reserved word" };
            let kind = if self.at_end() { ErrorKind::Incomplete } else { ErrorKind::Syntax };
            return Err(self.err(kind, format!("syntax error: a command is missing before {found}")));
        }
        Ok(list)
    }

    fn parse_if(&mut self) -> Result<Compound> {
        self.pos += 2;
        let mut branches = Vec::new();
        let mut otherwise = None;
        let cond = self.parse_nonempty_list(&["then"])?;
        self.expect_word("then")?;
        let body = self.parse_nonempty_list(&["elif", "else", "fi"])?;
        branches.push((cond, body));
        loop {
            self.linebreak()?;
            if self.at_word("elif") {
                self.pos += 4;
                let c = self.parse_nonempty_list(&["then"])?;
                self.expect_word("then")?;
                let b = self.parse_nonempty_list(&["elif", "else", "fi"])?;
                branches.push((c, b));
            } else if self.at_word("else") {
                self.pos += 4;
                otherwise = Some(self.parse_nonempty_list(&["fi"])?);
                self.expect_word("fi")?;
                break;
            } else {
                self.expect_word("fi")?;
                break;
            }
        }
        Ok(Compound::If { branches, otherwise })
    }

    fn parse_loop(&mut self) -> Result<Compound> {
        let until = self.at_word("until");
        self.pos += 5;
        let cond = self.parse_nonempty_list(&["do"])?;
        let body = self.parse_do_group()?;
        Ok(Compound::Loop { until, cond, body })
    }

    /// `do list done`, or the bash form `{ list; }`.
    fn parse_do_group(&mut self) -> Result<List> {
        self.linebreak()?;
        if self.at_word("{") {
            self.pos += 1;
            let body = self.parse_nonempty_list(&["}"])?;
            self.expect_word("}")?;
            return Ok(body);
        }
        self.expect_word("do")?;
        let body = self.parse_nonempty_list(&["done"])?;
        self.expect_word("done")?;
        Ok(body)
    }

    fn parse_for(&mut self) -> Result<Compound> {
        self.pos += if self.at_word("for") { 3 } else { 6 };
        self.skip_blanks();
        if self.starts_with("((") {
            self.pos += 2;
            let start = self.pos;
            let parts = self.read_arith_parts(true)?;
            let text_span = Span::new(start, self.pos);
            // `))` consumed by read_arith_parts.
            let exprs = vec![Word { parts: parts.into(), span: text_span }];
            self.skip_blanks();
            if self.peek() == Some(b';') {
                self.pos += 1;
            }
            let body = self.parse_do_group()?;
            return Ok(Compound::ArithFor { exprs, body });
        }
        let name = self.read_word()?.ok_or_else(|| self.unexpected())?;
        let var = name
            .literal()
            .filter(|n| is_name(n))
            .ok_or_else(|| self.err(ErrorKind::Syntax, "`for` needs a variable name"))?;
        self.skip_blanks_and_comment();
        let mut words = None;
        // Optional newlines then `in`.
        let save = self.pos;
        self.linebreak()?;
        if self.at_word("in") {
            self.pos += 2;
            let mut ws = Vec::new();
            loop {
                self.skip_blanks_and_comment();
                match self.peek() {
                    Some(b';') => {
                        self.pos += 1;
                        break;
                    }
                    Some(b'\n') => {
                        self.newline()?;
                        break;
                    }
                    None => break,
                    _ => match self.read_word()? {
                        Some(w) => ws.push(w),
                        None => return Err(self.unexpected()),
                    },
                }
            }
            words = Some(ws);
        } else {
            if self.pos == save {
                self.skip_blanks();
            }
            if self.peek() == Some(b';') {
                self.pos += 1;
            }
        }
        let body = self.parse_do_group()?;
        Ok(Compound::For { var, words, body })
    }

    fn parse_case(&mut self) -> Result<Compound> {
        self.pos += 4;
        self.skip_blanks();
        let subject = self.read_word()?.ok_or_else(|| self.unexpected())?;
        self.linebreak()?;
        self.expect_word("in")?;
        let mut arms = Vec::new();
        loop {
            self.linebreak()?;
            if self.at_word("esac") {
                self.pos += 4;
                break;
            }
            if self.at_end() {
                return Err(self.err(ErrorKind::Incomplete, "expected `esac` before end of input"));
            }
            if self.peek() == Some(b'(') {
                self.pos += 1;
                self.skip_blanks();
            }
            let mut patterns = Vec::new();
            loop {
                self.skip_blanks();
                let w = self.read_word()?.ok_or_else(|| self.unexpected())?;
                patterns.push(w);
                self.skip_blanks();
                match self.peek() {
                    Some(b'|') => self.pos += 1,
                    Some(b')') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.unexpected()),
                }
            }
            let body = self.parse_list(&["esac"])?;
            arms.push(CaseArm { patterns, body });
            self.linebreak()?;
            for term in [";;&", ";;", ";&"] {
                if self.starts_with(term) {
                    self.pos += term.len();
                    break;
                }
            }
        }
        Ok(Compound::Case { subject, arms })
    }

    /// `[[ … ]]`: words up to `]]`, where `<`, `>`, `(`, `)`, `&&`, `||` are operators and
    /// the right side of `=~` may hold parentheses and `|`.
    fn parse_cond(&mut self) -> Result<Compound> {
        self.pos += 2;
        self.enter()?;
        let mut words = Vec::new();
        let mut after_regex_op = false;
        loop {
            self.linebreak()?;
            if self.at_word("]]") {
                self.pos += 2;
                break;
            }
            if self.at_end() {
                return Err(self.err(ErrorKind::Incomplete, "expected `]]` before end of input"));
            }
            let start = self.pos;
            if after_regex_op {
                after_regex_op = false;
                let w = self.read_regex_word()?;
                words.push(w);
                continue;
            }
            if let Some(op) = ["&&", "||", "(", ")", "<", ">", "!"].iter().find(|op| self.starts_with(op)) {
                if *op != "!" || self.peek_at(1).is_none_or(is_word_end) {
                    self.pos += op.len();
                    words.push(Word {
                        parts: smallvec::smallvec![Part::Lit(Text::from(*op))],
                        span: Span::new(start, self.pos),
                    });
                    continue;
                }
            }
            let w = self.read_word()?.ok_or_else(|| self.unexpected())?;
            after_regex_op = w.is_unquoted("=~");
            words.push(w);
        }
        self.leave();
        Ok(Compound::Cond(words))
    }

    /// The right side of `=~`: up to a blank at parenthesis depth 0.
    fn read_regex_word(&mut self) -> Result<Word> {
        let start = self.pos;
        let mut parts = Vec::new();
        let mut lit = Text::default();
        let mut parens = 0usize;
        while let Some(c) = self.peek() {
            match c {
                b'(' => {
                    parens += 1;
                    lit.push('(');
                    self.pos += 1;
                }
                b')' if parens > 0 => {
                    parens -= 1;
                    lit.push(')');
                    self.pos += 1;
                }
                b'|' if parens > 0 => {
                    lit.push('|');
                    self.pos += 1;
                }
                b' ' | b'\t' | b'\n' if parens == 0 => break,
                b' ' | b'\t' => {
                    lit.push(c as char);
                    self.pos += 1;
                }
                _ if is_word_end(c) && parens == 0 => break,
                _ => {
                    let before = self.pos;
                    self.read_word_part(&mut parts, &mut lit, WordCtx::Normal)?;
                    if self.pos == before {
                        return Err(self.unexpected());
                    }
                }
            }
        }
        flush_lit(&mut parts, &mut lit);
        Ok(Word { parts: parts.into(), span: Span::new(start, self.pos) })
    }

    /// `(( … ))`; if the text does not close with `))`, it is two nested subshells, as
    /// bash decides.
    fn parse_arith_command(&mut self) -> Result<Compound> {
        let save = self.pos;
        self.pos += 2;
        let start = self.pos;
        match self.read_arith_parts(true) {
            Ok(parts) => Ok(Compound::Arith(Word { parts: parts.into(), span: Span::new(start, self.pos) })),
            Err(e) if e.kind == ErrorKind::TooDeep => Err(e),
            Err(_) => {
                // `( (cmd) )`: reparse as a subshell.
                self.pos = save + 1;
                self.enter()?;
                let list = self.parse_list(&[])?;
                self.leave();
                self.linebreak()?;
                if self.peek() != Some(b')') {
                    return Err(self.unexpected());
                }
                self.pos += 1;
                Ok(Compound::Subshell(list))
            }
        }
    }

    fn parse_function_keyword(&mut self, start: usize) -> Result<Command> {
        self.pos += 8;
        self.skip_blanks();
        let w = self.read_word()?.ok_or_else(|| self.unexpected())?;
        let name = w.literal().ok_or_else(|| self.err(ErrorKind::Syntax, "bad function name"))?;
        self.skip_blanks();
        if self.peek() == Some(b'(') {
            self.pos += 1;
            self.skip_blanks();
            if self.peek() != Some(b')') {
                return Err(self.unexpected());
            }
            self.pos += 1;
        }
        self.finish_function(name, start)
    }

    fn finish_function(&mut self, name: String, start: usize) -> Result<Command> {
        self.linebreak()?;
        self.enter()?;
        let body = self.parse_command()?;
        self.leave();
        if matches!(body, Command::Simple(_) | Command::Function(_)) {
            return Err(self.err(ErrorKind::Syntax, "a function body must be a compound command"));
        }
        Ok(Command::Function(FunctionDef { name, body: Box::new(body), span: Span::new(start, self.pos) }))
    }

    fn parse_simple_or_function(&mut self, start: usize) -> Result<Command> {
        let mut cmd = SimpleCommand::default();
        loop {
            self.skip_blanks();
            let Some(c) = self.peek() else { break };
            if c == b'#' && cmd.words.is_empty() && cmd.assigns.is_empty() && cmd.redirects.is_empty() {
                self.skip_blanks_and_comment();
                continue;
            }
            if c == b'#' {
                // A comment ends the command.
                self.skip_blanks_and_comment();
                break;
            }
            if let Some(r) = self.try_redirect()? {
                cmd.redirects.push(r);
                continue;
            }
            if is_meta(c) && !self.at_process_subst() {
                break;
            }
            if cmd.words.is_empty() {
                if let Some(a) = self.try_assignment()? {
                    cmd.assigns.push(a);
                    continue;
                }
            } else if !cmd.words.is_empty() && is_decl_builtin(&cmd.words[0]) {
                if let Some(a) = self.try_assignment()? {
                    cmd.decl.push(a);
                    continue;
                }
            }
            let Some(w) = self.read_word()? else { break };
            // `name ()` starts a function definition.
            if cmd.words.is_empty() && cmd.assigns.is_empty() && cmd.redirects.is_empty() {
                let save = self.pos;
                self.skip_blanks();
                if self.peek() == Some(b'(') && !self.starts_with("((") {
                    let Some(name) = w.literal().filter(|_| !w.has_quotes()) else {
                        return Err(self.unexpected());
                    };
                    self.pos += 1;
                    self.skip_blanks();
                    if self.peek() != Some(b')') {
                        return Err(self.unexpected());
                    }
                    self.pos += 1;
                    return self.finish_function(name, start);
                }
                self.pos = save;
            }
            if cmd.words.is_empty() {
                // Room for the words most commands have at once (a `Vec` grows from 4,
                // then moves them all again).
                cmd.words.reserve_exact(8);
            }
            cmd.words.push(w);
        }
        if cmd.words.is_empty() && cmd.assigns.is_empty() && cmd.redirects.is_empty() {
            return Err(self.unexpected());
        }
        cmd.span = Span::new(start, self.pos);
        Ok(Command::Simple(cmd))
    }

    fn at_process_subst(&self) -> bool {
        matches!(self.peek(), Some(b'<' | b'>')) && self.peek_at(1) == Some(b'(')
    }

    /// `NAME=value`, `NAME+=value`, `NAME[i]=value`, `NAME=(a b)`.
    #[inline]
    fn try_assignment(&mut self) -> Result<Option<Assign>> {
        // Asked before the first word of every command: most start with no name, or a
        // name followed by no `=`, `+=` or `[`.
        let name_len = self.s[self.pos..]
            .iter()
            .enumerate()
            .take_while(|&(i, &c)| c == b'_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit()))
            .count();
        if name_len == 0 || !matches!(self.s.get(self.pos + name_len), Some(b'=' | b'+' | b'[')) {
            return Ok(None);
        }
        self.read_assignment(name_len)
    }

    /// [`Parser::try_assignment`] at a name of `name_len` bytes followed by `=`, `+` or
    /// `[`.
    fn read_assignment(&mut self, name_len: usize) -> Result<Option<Assign>> {
        let name_end = self.pos + name_len;
        let mut p = name_end;
        let mut index = None;
        if self.s.get(p) == Some(&b'[') {
            match subscript_end(&self.s[p..]) {
                Some(off) => {
                    let inner = &self.src[p + 1..p + off];
                    let save = self.pos;
                    let w = parse_embedded_word(inner, self.limits, self.depth + 1)?;
                    self.pos = save;
                    index = Some(w);
                    p += off + 1;
                }
                _ => return Ok(None),
            }
        }
        let append = self.s.get(p) == Some(&b'+');
        if append {
            p += 1;
        }
        if self.s.get(p) != Some(&b'=') {
            return Ok(None);
        }
        p += 1;
        let name = self.src[self.pos..name_end].to_string();
        self.pos = p;
        if self.peek() == Some(b'(') {
            self.pos += 1;
            let mut elems = Vec::new();
            loop {
                self.linebreak()?;
                match self.peek() {
                    Some(b')') => {
                        self.pos += 1;
                        break;
                    }
                    None => return Err(self.err(ErrorKind::Incomplete, "unterminated array assignment")),
                    _ => match self.read_word()? {
                        Some(w) => elems.push(w),
                        None => return Err(self.unexpected()),
                    },
                }
            }
            return Ok(Some(Assign { name, index, append, value: AssignValue::Array(elems) }));
        }
        let start = self.pos;
        let value =
            self.read_word_ctx(WordCtx::Assign)?.unwrap_or(Word { parts: Parts::new(), span: Span::new(start, start) });
        Ok(Some(Assign { name, index, append, value: AssignValue::Scalar(value) }))
    }

    /// A redirection, if one starts here (with its optional descriptor prefix).
    #[inline]
    fn try_redirect(&mut self) -> Result<Option<Redirect>> {
        // Asked before every word: most start with no character a redirection can.
        if !matches!(self.peek(), Some(b'0'..=b'9' | b'{' | b'<' | b'>' | b'&')) {
            return Ok(None);
        }
        self.read_redirect()
    }

    /// [`Parser::try_redirect`] where one may start.
    fn read_redirect(&mut self) -> Result<Option<Redirect>> {
        let save = self.pos;
        let mut fd = None;
        // `2>`, `10<`, `{var}>`
        let digits = self.s[self.pos..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits > 0 && matches!(self.peek_at(digits), Some(b'<' | b'>')) {
            let n: u32 = self.src[self.pos..self.pos + digits].parse().unwrap_or(u32::MAX);
            fd = Some(RedirFd::Num(n));
            self.pos += digits;
        } else if self.peek() == Some(b'{') {
            if let Some(close) = self.s[self.pos..].iter().position(|&c| c == b'}') {
                let name = &self.src[self.pos + 1..self.pos + close];
                if is_name(name) && matches!(self.peek_at(close + 1), Some(b'<' | b'>')) {
                    fd = Some(RedirFd::Var(name.to_string()));
                    self.pos += close + 1;
                }
            }
        }
        if self.at_process_subst() && fd.is_none() {
            self.pos = save;
            return Ok(None);
        }
        let op = match self.peek_op() {
            Some("&>>") => RedirOp::AppendOutErr,
            Some("&>") => RedirOp::OutErr,
            Some("<<<") => RedirOp::HereString,
            Some("<<-") | Some("<<") => RedirOp::HereDoc,
            Some(">>") => RedirOp::Append,
            Some(">|") => RedirOp::Clobber,
            Some(">&") => RedirOp::DupOut,
            Some("<&") => RedirOp::DupIn,
            Some("<>") => RedirOp::ReadWrite,
            Some("<") => RedirOp::In,
            Some(">") => RedirOp::Out,
            _ => {
                self.pos = save;
                return Ok(None);
            }
        };
        let strip_tabs = self.starts_with("<<-");
        let op_len = match op {
            RedirOp::AppendOutErr | RedirOp::HereString => 3,
            RedirOp::HereDoc if strip_tabs => 3,
            RedirOp::In | RedirOp::Out => 1,
            _ => 2,
        };
        self.pos += op_len;
        self.skip_blanks();
        if op == RedirOp::HereDoc {
            let start = self.pos;
            let w = self.read_word()?.ok_or_else(|| self.unexpected())?;
            let raw = &self.src[start..self.pos];
            let quoted = raw.contains(['\'', '"', '\\']);
            let delimiter = heredoc_delimiter(&w);
            let slot = self.bodies.len();
            self.bodies.push(None);
            self.pending.push(Pending { slot, delimiter: delimiter.clone(), quoted, strip_tabs });
            let doc = HereDoc { delimiter, quoted, strip_tabs, body: Word::default(), slot: Some(slot) };
            return Ok(Some(Redirect { fd, op, target: RedirTarget::HereDoc(doc) }));
        }
        let w = self.read_word()?.ok_or_else(|| {
            if self.at_end() {
                self.err(ErrorKind::Incomplete, "redirection without a target")
            } else {
                self.unexpected()
            }
        })?;
        Ok(Some(Redirect { fd, op, target: RedirTarget::Word(w) }))
    }

    /// Reads the bodies of all pending here-documents (we are just past a newline).
    fn read_heredoc_bodies(&mut self) -> Result<()> {
        let pending = std::mem::take(&mut self.pending);
        for p in pending {
            let start = self.pos;
            let mut text = String::new();
            let mut closed = false;
            while !self.at_end() {
                let line_end =
                    self.s[self.pos..].iter().position(|&c| c == b'\n').map_or(self.s.len(), |i| self.pos + i);
                let line = &self.src[self.pos..line_end];
                let cmp = if p.strip_tabs { line.trim_start_matches('\t') } else { line };
                if cmp == p.delimiter {
                    self.pos = (line_end + 1).min(self.s.len());
                    closed = true;
                    break;
                }
                // Inside `$(…)`, bash also ends the document at `DELIM)`.
                if self.in_comsub > 0
                    && cmp.len() > p.delimiter.len()
                    && cmp.starts_with(&p.delimiter)
                    && cmp[p.delimiter.len()..].starts_with(')')
                {
                    self.pos += line.len() - cmp.len() + p.delimiter.len();
                    closed = true;
                    break;
                }
                text.push_str(if p.strip_tabs { cmp } else { line });
                text.push('\n');
                self.pos = (line_end + 1).min(self.s.len());
            }
            // An unterminated here-document runs to the end of input (bash warns and accepts).
            let _ = closed;
            let span = Span::new(start, self.pos);
            let body = if p.quoted || text.is_empty() {
                Word {
                    parts: if text.is_empty() {
                        Parts::new()
                    } else {
                        smallvec::smallvec![Part::Quoted(Text::from(text))]
                    },
                    span,
                }
            } else {
                let mut w = parse_heredoc_body(&text, self.limits, self.depth + 1)?;
                w.span = span;
                w
            };
            self.bodies[p.slot] = Some(body);
        }
        Ok(())
    }

    // ----- words --------------------------------------------------------------------

    fn read_word(&mut self) -> Result<Option<Word>> {
        self.read_word_ctx(WordCtx::Normal)
    }

    fn read_word_ctx(&mut self, ctx: WordCtx) -> Result<Option<Word>> {
        if ctx == WordCtx::Normal {
            if let Some(w) = self.plain_word() {
                return Ok(Some(w));
            }
        }
        self.read_word_parts(ctx)
    }

    /// A word of plain characters only (`cargo`, `--release`, `src/main.rs`), as most
    /// words are: read in one scan into its single literal part, without the general
    /// reader's per-part dispatch and its literal built piece by piece. `None` (nothing
    /// read) for any other word: one with a tilde, quote, escape, expansion, pattern
    /// character or process substitution, or no word here.
    fn plain_word(&mut self) -> Option<Word> {
        let start = self.pos;
        let rest = &self.s[start..];
        if rest.first().is_none_or(|&c| c == b'~' || is_word_end(c)) {
            return None;
        }
        let len = rest.iter().position(|&c| is_word_end(c) || PLAIN_STOP[usize::from(c)]).unwrap_or(rest.len());
        // (At `<(` or `>(` the general reader goes on with a process substitution.)
        if rest.get(len).is_some_and(|&c| PLAIN_STOP[usize::from(c)] || c == b'<' || c == b'>') {
            return None;
        }
        self.pos = start + len;
        let mut parts = Parts::new();
        parts.push(Part::Lit(Text::from(&self.src[start..self.pos])));
        Some(Word { parts, span: Span::new(start, self.pos) })
    }

    /// [`Parser::read_word_ctx`] part by part: any word.
    fn read_word_parts(&mut self, ctx: WordCtx) -> Result<Option<Word>> {
        let start = self.pos;
        let mut parts = Parts::new();
        let mut lit = Text::default();
        // Tilde prefix at the start of a word.
        self.try_tilde(&mut parts, &mut lit);
        while let Some(c) = self.peek() {
            if is_word_end(c) {
                if self.at_process_subst() {
                    flush_lit(&mut parts, &mut lit);
                    self.read_process_subst(&mut parts)?;
                    continue;
                }
                break;
            }
            if ctx == WordCtx::Assign && c == b':' {
                lit.push(':');
                self.pos += 1;
                self.try_tilde(&mut parts, &mut lit);
                continue;
            }
            self.read_word_part(&mut parts, &mut lit, ctx)?;
        }
        flush_lit(&mut parts, &mut lit);
        if self.pos == start {
            return Ok(None);
        }
        Ok(Some(Word { parts, span: Span::new(start, self.pos) }))
    }

    /// A tilde prefix, if one starts here (asked at the start of every word).
    #[inline]
    fn try_tilde(&mut self, parts: &mut impl PartSink, lit: &mut Text) {
        if self.peek() == Some(b'~') {
            self.read_tilde(parts, lit);
        }
    }

    /// [`Parser::try_tilde`] at a `~`.
    fn read_tilde(&mut self, parts: &mut impl PartSink, lit: &mut Text) {
        let rest = &self.s[self.pos + 1..];
        let len =
            rest.iter().take_while(|&&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b'+')).count();
        let after = rest.get(len).copied();
        if after.is_none_or(|c| c == b'/' || c == b':' || is_word_end(c)) {
            flush_lit(parts, lit);
            parts.push(Part::Tilde(Text::from(&self.src[self.pos + 1..self.pos + 1 + len])));
            self.pos += 1 + len;
        }
    }

    /// Reads one part of a word at the current position into `parts` / `lit`.
    fn read_word_part(&mut self, parts: &mut impl PartSink, lit: &mut Text, ctx: WordCtx) -> Result<()> {
        let c = self.peek().unwrap_or(0);
        match c {
            b'\'' => {
                flush_lit(parts, lit);
                self.pos += 1;
                let end = self.s[self.pos..]
                    .iter()
                    .position(|&c| c == b'\'')
                    .ok_or_else(|| self.err(ErrorKind::Incomplete, "unterminated single quote"))?;
                parts.push(Part::Quoted(Text::from(&self.src[self.pos..self.pos + end])));
                self.pos += end + 1;
            }
            b'"' => {
                flush_lit(parts, lit);
                self.pos += 1;
                let inner = self.read_double_quoted()?;
                parts.push(Part::Double(inner));
            }
            b'\\' => {
                self.pos += 1;
                match self.peek() {
                    None => lit.push('\\'),
                    Some(b'\n') => self.pos += 1,
                    Some(_) => {
                        flush_lit(parts, lit);
                        let ch = self.next_char();
                        parts.push(Part::Quoted(Text::from(&*ch.encode_utf8(&mut [0; 4]))));
                    }
                }
            }
            b'$' => {
                flush_lit(parts, lit);
                if !self.read_dollar(parts, false)? {
                    lit.push('$');
                    self.pos += 1;
                }
            }
            b'`' => {
                flush_lit(parts, lit);
                let script = self.read_backtick()?;
                parts.push(Part::Subst(Box::new(script)));
            }
            b'?' | b'*' | b'+' | b'@' | b'!' if self.peek_at(1) == Some(b'(') && ctx != WordCtx::Param => {
                flush_lit(parts, lit);
                let text = self.read_balanced_parens()?;
                parts.push(Part::ExtGlob(Text::from(text)));
            }
            _ => {
                // A run of plain characters (all special ones are ASCII, so the run ends
                // on a character boundary).
                let start = self.pos;
                self.pos += 1;
                while let Some(c) = self.peek() {
                    if is_word_end(c)
                        || matches!(c, b'\'' | b'"' | b'\\' | b'$' | b'`' | b'?' | b'*' | b'+' | b'@' | b'!')
                        || (ctx == WordCtx::Assign && c == b':')
                        || (ctx == WordCtx::Param && matches!(c, b'{' | b'}' | b']'))
                    {
                        break;
                    }
                    self.pos += 1;
                }
                while !self.src.is_char_boundary(self.pos) {
                    self.pos += 1;
                }
                lit.push_str(&self.src[start..self.pos]);
            }
        }
        Ok(())
    }

    fn next_char(&mut self) -> char {
        // A byte-wise scan may have stopped inside a multi-byte character.
        while self.pos < self.src.len() && !self.src.is_char_boundary(self.pos) {
            self.pos += 1;
        }
        let ch = self.src[self.pos..].chars().next().unwrap_or('\u{FFFD}');
        self.pos += ch.len_utf8().max(1);
        ch
    }

    /// `X(…)` for an extended glob: returns the whole text, balanced.
    fn read_balanced_parens(&mut self) -> Result<String> {
        let start = self.pos;
        self.pos += 2;
        let mut depth = 1usize;
        while let Some(c) = self.peek() {
            match c {
                b'\\' => self.pos += 2,
                b'(' => {
                    depth += 1;
                    self.pos += 1;
                }
                b')' => {
                    depth -= 1;
                    self.pos += 1;
                    if depth == 0 {
                        return Ok(self.src[start..self.pos].to_string());
                    }
                }
                b'\n' => return Err(self.unexpected()),
                _ => self.pos += 1,
            }
        }
        self.pos = self.pos.min(self.s.len());
        Err(self.err(ErrorKind::Incomplete, "unterminated pattern"))
    }

    /// The contents of a double-quoted string (opening quote consumed).
    fn read_double_quoted(&mut self) -> Result<Vec<Part>> {
        self.enter()?;
        let mut parts = Vec::new();
        let mut lit = Text::default();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err(ErrorKind::Incomplete, "unterminated double quote"));
            };
            match c {
                b'"' => {
                    self.pos += 1;
                    break;
                }
                b'\\' => match self.peek_at(1) {
                    Some(b'\n') => self.pos += 2,
                    Some(e @ (b'$' | b'`' | b'"' | b'\\')) => {
                        lit.push(e as char);
                        self.pos += 2;
                    }
                    _ => {
                        lit.push('\\');
                        self.pos += 1;
                    }
                },
                b'$' => {
                    flush_quoted(&mut parts, &mut lit);
                    if !self.read_dollar(&mut parts, true)? {
                        lit.push('$');
                        self.pos += 1;
                    }
                }
                b'`' => {
                    flush_quoted(&mut parts, &mut lit);
                    let script = self.read_backtick()?;
                    parts.push(Part::Subst(Box::new(script)));
                }
                _ if !self.src.is_char_boundary(self.pos) => {
                    let ch = self.next_char();
                    lit.push(ch);
                }
                _ => {
                    // A run of plain characters, added at once (the special ones are ASCII,
                    // so the run ends on a character boundary).
                    let start = self.pos;
                    let rest = &self.s[start..];
                    let run = rest.iter().position(|&c| matches!(c, b'"' | b'\\' | b'$' | b'`')).unwrap_or(rest.len());
                    self.pos += run;
                    lit.push_str(&self.src[start..self.pos]);
                }
            }
        }
        flush_quoted(&mut parts, &mut lit);
        self.leave();
        Ok(parts)
    }

    /// A `$` expansion at the current position. Returns false when the `$` is literal.
    fn read_dollar(&mut self, parts: &mut impl PartSink, in_dquote: bool) -> Result<bool> {
        let next = self.peek_at(1);
        match next {
            Some(b'\'') if !in_dquote => {
                self.pos += 2;
                parts.push(self.read_ansi_c()?);
                Ok(true)
            }
            Some(b'"') if !in_dquote => {
                self.pos += 2;
                let inner = self.read_double_quoted()?;
                parts.push(Part::Double(inner));
                Ok(true)
            }
            Some(b'(') => {
                if self.peek_at(2) == Some(b'(') {
                    let save = self.pos;
                    self.pos += 3;
                    match self.read_arith_parts(true) {
                        Ok(p) => {
                            parts.push(Part::Arith(p));
                            return Ok(true);
                        }
                        Err(e) if e.kind == ErrorKind::TooDeep => return Err(e),
                        Err(_) => self.pos = save,
                    }
                }
                self.pos += 2;
                let script = self.parse_comsub()?;
                parts.push(Part::Subst(Box::new(script)));
                Ok(true)
            }
            Some(b'[') => {
                self.pos += 2;
                let p = self.read_arith_until_bracket()?;
                parts.push(Part::Arith(p));
                Ok(true)
            }
            Some(b'{') => {
                self.pos += 2;
                let p = self.read_braced_param(in_dquote)?;
                parts.push(Part::Param(p));
                Ok(true)
            }
            Some(c) if c == b'_' || c.is_ascii_alphabetic() => {
                self.pos += 1;
                let len = self.s[self.pos..].iter().take_while(|&&c| c == b'_' || c.is_ascii_alphanumeric()).count();
                let name = Text::from(&self.src[self.pos..self.pos + len]);
                self.pos += len;
                parts.push(Part::Param(simple_param(name)));
                Ok(true)
            }
            Some(c) if c.is_ascii_digit() || b"@*#?-$!".contains(&c) => {
                self.pos += 2;
                parts.push(Part::Param(simple_param(Text::from(&*(c as char).encode_utf8(&mut [0; 4])))));
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// `$( … )`: a nested script on the same text.
    fn parse_comsub(&mut self) -> Result<Script> {
        self.enter()?;
        self.in_comsub += 1;
        let body = self.parse_list(&[])?;
        self.linebreak()?;
        self.in_comsub -= 1;
        if self.peek() != Some(b')') {
            return Err(if self.at_end() {
                self.err(ErrorKind::Incomplete, "unterminated command substitution")
            } else {
                self.unexpected()
            });
        }
        self.pos += 1;
        self.leave();
        Ok(Script { body })
    }

    /// A backquoted substitution: unescape, then parse the text on its own.
    fn read_backtick(&mut self) -> Result<Script> {
        self.pos += 1;
        let mut text = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err(ErrorKind::Incomplete, "unterminated backquote"));
            };
            match c {
                b'`' => {
                    self.pos += 1;
                    break;
                }
                b'\\' => match self.peek_at(1) {
                    Some(e @ (b'$' | b'`' | b'\\')) => {
                        text.push(e as char);
                        self.pos += 2;
                    }
                    _ => {
                        text.push('\\');
                        self.pos += 1;
                    }
                },
                _ => {
                    let ch = self.next_char();
                    text.push(ch);
                }
            }
        }
        let offset = self.pos;
        let mut inner = Parser::new(&text, self.limits, self.depth + 1);
        inner.enter()?;
        inner.parse_program().map_err(|mut e| {
            e.offset = offset;
            e
        })
    }

    /// `<( … )` or `>( … )`.
    fn read_process_subst(&mut self, parts: &mut impl PartSink) -> Result<()> {
        let write = self.peek() == Some(b'>');
        self.pos += 2;
        let script = self.parse_comsub()?;
        parts.push(Part::ProcSubst { write, script: Box::new(script) });
        Ok(())
    }

    /// `$'…'` (opening consumed): decodes the escapes.
    fn read_ansi_c(&mut self) -> Result<Part> {
        let mut out: Vec<u8> = Vec::new();
        let mut invalid = false;
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err(ErrorKind::Incomplete, "unterminated $'…' string"));
            };
            self.pos += 1;
            match c {
                b'\'' => break,
                b'\\' => {
                    let Some(e) = self.peek() else { continue };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b't' => out.push(b'\t'),
                        b'r' => out.push(b'\r'),
                        b'a' => out.push(7),
                        b'b' => out.push(8),
                        b'e' | b'E' => out.push(27),
                        b'f' => out.push(12),
                        b'v' => out.push(11),
                        b'\\' => out.push(b'\\'),
                        b'\'' => out.push(b'\''),
                        b'"' => out.push(b'"'),
                        b'?' => out.push(b'?'),
                        b'c' => {
                            if let Some(x) = self.peek() {
                                self.pos += 1;
                                out.push(x & 0x1f);
                            }
                        }
                        b'x' => {
                            let v = self.take_hex(2);
                            match v {
                                Some(v) => out.push(u8::try_from(v).unwrap_or(0)),
                                None => out.extend_from_slice(b"\\x"),
                            }
                        }
                        b'u' | b'U' => {
                            let n = if e == b'u' { 4 } else { 8 };
                            match self.take_hex(n) {
                                Some(v) => match char::from_u32(v) {
                                    Some(ch) => {
                                        let mut buf = [0u8; 4];
                                        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                                    }
                                    None => {
                                        invalid = true;
                                        out.push(b'?');
                                    }
                                },
                                None => {
                                    out.push(b'\\');
                                    out.push(e);
                                }
                            }
                        }
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push(u8::try_from(v & 0xff).unwrap_or(0));
                        }
                        other => {
                            out.push(b'\\');
                            out.push(other);
                        }
                    }
                }
                _ => out.push(c),
            }
        }
        let text = Text::from_utf8_lossy(&out);
        if invalid || std::str::from_utf8(&out).is_err() {
            return Ok(Part::Invalid(text));
        }
        Ok(Part::Quoted(text))
    }

    fn take_hex(&mut self, max: usize) -> Option<u32> {
        let len = self.s[self.pos..].iter().take(max).take_while(|c| c.is_ascii_hexdigit()).count();
        if len == 0 {
            return None;
        }
        let v = u32::from_str_radix(&self.src[self.pos..self.pos + len], 16).ok();
        self.pos += len;
        v
    }

    /// Arithmetic text up to the closing `))` (when `double`), keeping substitutions.
    /// Fails (without consuming) when the parentheses do not close as `))`.
    fn read_arith_parts(&mut self, double: bool) -> Result<Vec<Part>> {
        self.enter()?;
        let mut parts = Vec::new();
        let mut lit = Text::default();
        let mut depth = 0usize;
        loop {
            let Some(c) = self.peek() else {
                self.leave();
                return Err(self.err(ErrorKind::Incomplete, "unterminated arithmetic expression"));
            };
            match c {
                b'(' => {
                    depth += 1;
                    lit.push('(');
                    self.pos += 1;
                }
                b')' if depth > 0 => {
                    depth -= 1;
                    lit.push(')');
                    self.pos += 1;
                }
                b')' => {
                    if double && self.peek_at(1) == Some(b')') {
                        self.pos += 2;
                        break;
                    }
                    self.leave();
                    return Err(self.err(ErrorKind::Syntax, "arithmetic expression not closed by `))`"));
                }
                b'$' => {
                    flush_lit(&mut parts, &mut lit);
                    if !self.read_dollar(&mut parts, true)? {
                        lit.push('$');
                        self.pos += 1;
                    }
                }
                b'`' => {
                    flush_lit(&mut parts, &mut lit);
                    let script = self.read_backtick()?;
                    parts.push(Part::Subst(Box::new(script)));
                }
                b'"' => {
                    flush_lit(&mut parts, &mut lit);
                    self.pos += 1;
                    let inner = self.read_double_quoted()?;
                    parts.push(Part::Double(inner));
                }
                b'\'' => {
                    flush_lit(&mut parts, &mut lit);
                    self.pos += 1;
                    let end = self.s[self.pos..]
                        .iter()
                        .position(|&c| c == b'\'')
                        .ok_or_else(|| self.err(ErrorKind::Incomplete, "unterminated single quote"))?;
                    parts.push(Part::Quoted(Text::from(&self.src[self.pos..self.pos + end])));
                    self.pos += end + 1;
                }
                _ => {
                    let ch = self.next_char();
                    lit.push(ch);
                }
            }
        }
        flush_lit(&mut parts, &mut lit);
        self.leave();
        Ok(parts)
    }

    /// `$[ … ]`
    fn read_arith_until_bracket(&mut self) -> Result<Vec<Part>> {
        let start = self.pos;
        let close = self.s[self.pos..]
            .iter()
            .position(|&c| c == b']')
            .ok_or_else(|| self.err(ErrorKind::Incomplete, "unterminated $[ expression"))?;
        let inner = &self.src[start..start + close];
        self.pos = start + close + 1;
        let w = parse_embedded_word(inner, self.limits, self.depth + 1)?;
        Ok(w.parts.into_vec())
    }

    /// `${ … }` (opening consumed); `in_dquote` when inside double quotes.
    fn read_braced_param(&mut self, in_dquote: bool) -> Result<Param> {
        // bash reports a malformed `${…}` only when it expands it (`${(j: :)a}` in a
        // function that is never called is fine), so it is parsed as a bad substitution
        // that ends at the matching `}`; the analyzer runs nothing where it expands.
        let (start, depth) = (self.pos, self.depth);
        match self.read_braced_param_strict(in_dquote) {
            Err(e) if e.kind == ErrorKind::Syntax => {
                self.depth = depth;
                self.pos = start;
                match braced_end(&self.s[start..]) {
                    Some(off) => {
                        self.pos = start + off + 1;
                        Ok(Param {
                            name: Text::default(),
                            index: None,
                            indirect: false,
                            length: false,
                            op: ParamOp::Bad,
                        })
                    }
                    None => Err(self.err(ErrorKind::Incomplete, "unterminated ${ expansion")),
                }
            }
            other => other,
        }
    }

    fn read_braced_param_strict(&mut self, in_dquote: bool) -> Result<Param> {
        self.enter()?;
        let mut length = false;
        let mut indirect = false;
        match self.peek() {
            Some(b'#')
                if !matches!(self.peek_at(1), Some(b'}')) && !self.starts_with("#-}") && !self.starts_with("#:") =>
            {
                length = true;
                self.pos += 1;
            }
            Some(b'!') if !matches!(self.peek_at(1), Some(b'}')) => {
                indirect = true;
                self.pos += 1;
            }
            _ => {}
        }
        let name = self.read_param_name()?;
        let mut index = None;
        if self.peek() == Some(b'[') {
            self.pos += 1;
            let w = self.read_word_until(b']')?;
            self.pos += 1;
            index = Some(Box::new(w));
        }
        let op = if self.peek() == Some(b'}') { ParamOp::None } else { self.read_param_op(in_dquote)? };
        if self.peek() != Some(b'}') {
            self.leave();
            return Err(if self.at_end() {
                self.err(ErrorKind::Incomplete, "unterminated ${ expansion")
            } else {
                self.err(ErrorKind::Syntax, "bad substitution")
            });
        }
        self.pos += 1;
        self.leave();
        Ok(Param { name, index, indirect, length, op })
    }

    fn read_param_name(&mut self) -> Result<Text> {
        let Some(c) = self.peek() else {
            return Err(self.err(ErrorKind::Incomplete, "unterminated ${ expansion"));
        };
        if c == b'_' || c.is_ascii_alphabetic() {
            let len = self.s[self.pos..].iter().take_while(|&&c| c == b'_' || c.is_ascii_alphanumeric()).count();
            let n = Text::from(&self.src[self.pos..self.pos + len]);
            self.pos += len;
            return Ok(n);
        }
        if c.is_ascii_digit() {
            let len = self.s[self.pos..].iter().take_while(|c| c.is_ascii_digit()).count();
            let n = Text::from(&self.src[self.pos..self.pos + len]);
            self.pos += len;
            return Ok(n);
        }
        if b"@*#?-$!0".contains(&c) {
            self.pos += 1;
            return Ok(Text::from(&*(c as char).encode_utf8(&mut [0; 4])));
        }
        Err(self.err(ErrorKind::Syntax, "bad substitution"))
    }

    fn read_param_op(&mut self, in_dquote: bool) -> Result<ParamOp> {
        let colon = self.peek() == Some(b':');
        let after = if colon { self.peek_at(1) } else { self.peek() };
        let make = |p: &mut Self, skip: usize| -> Result<Box<Word>> {
            p.pos += skip;
            Ok(Box::new(p.read_word_until(b'}')?))
        };
        // The word of `${X:-~/dir}` starts with a tilde prefix, as a word does, unless
        // the expansion stands in double quotes (`"${X:-~}"` is `~`).
        let value = |p: &mut Self, skip: usize| -> Result<Box<Word>> {
            p.pos += skip;
            let start = p.pos;
            let rest = &p.s[start..];
            let user = rest.get(1..).unwrap_or_default();
            let len = user
                .iter()
                .take_while(|&&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b'+'))
                .count();
            if in_dquote || rest.first() != Some(&b'~') || !matches!(user.get(len), Some(b'/' | b'}')) {
                return make(p, 0);
            }
            let tilde = Part::Tilde(Text::from(&p.src[start + 1..start + 1 + len]));
            p.pos += 1 + len;
            let mut w = p.read_word_until(b'}')?;
            w.parts.insert(0, tilde);
            w.span = Span::new(start, p.pos);
            Ok(Box::new(w))
        };
        let skip = usize::from(colon) + 1;
        Ok(match after {
            Some(b'-') => ParamOp::Default { colon, word: value(self, skip)? },
            Some(b'=') => ParamOp::Assign { colon, word: value(self, skip)? },
            Some(b'?') => ParamOp::Error { colon, word: make(self, skip)? },
            Some(b'+') => ParamOp::Alt { colon, word: value(self, skip)? },
            Some(b'#') if !colon => {
                let longest = self.peek_at(1) == Some(b'#');
                ParamOp::Trim { suffix: false, longest, word: make(self, 1 + usize::from(longest))? }
            }
            Some(b'%') if !colon => {
                let longest = self.peek_at(1) == Some(b'%');
                ParamOp::Trim { suffix: true, longest, word: make(self, 1 + usize::from(longest))? }
            }
            _ => {
                // Substring (after `:`), pattern substitution, case change, transform: keep
                // the words. Any other character is an error when expanded; `${a.b}` is
                // kept too, as ksh93 reads it as the variable `a.b`.
                let known = colon || matches!(after, Some(b'/' | b'^' | b',' | b'@' | b'~'));
                self.pos += 1;
                while self.pos < self.src.len() && !self.src.is_char_boundary(self.pos) {
                    self.pos += 1;
                }
                let w = self.read_word_until(b'}')?;
                let dotted = after == Some(b'.') && w.literal().is_some_and(|l| l.split('.').all(is_name));
                if after == Some(b'@') {
                    // A transform (`${x@Q}`, `${x@P}`): the operator is kept as a first
                    // word, so `${x@P}` (prompt expansion, which runs `$(…)` in the
                    // value) is told from `${x/P}`.
                    let at = Word { parts: smallvec::smallvec![Part::Lit(Text::from("@"))], span: w.span };
                    ParamOp::Other(vec![at, w])
                } else if known || dotted {
                    ParamOp::Other(vec![w])
                } else {
                    ParamOp::Bad
                }
            }
        })
    }

    /// A word inside `${…}` or `[…]`: quotes and expansions allowed, ended by `close`.
    fn read_word_until(&mut self, close: u8) -> Result<Word> {
        self.enter()?;
        let start = self.pos;
        let mut parts = Vec::new();
        let mut lit = Text::default();
        let mut braces = 0usize;
        loop {
            let Some(c) = self.peek() else {
                self.leave();
                return Err(self.err(ErrorKind::Incomplete, "unterminated ${ expansion"));
            };
            if c == close && braces == 0 {
                break;
            }
            match c {
                b'{' => {
                    braces += 1;
                    lit.push('{');
                    self.pos += 1;
                }
                b'}' => {
                    braces = braces.saturating_sub(1);
                    lit.push('}');
                    self.pos += 1;
                }
                b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')' => {
                    lit.push(c as char);
                    self.pos += 1;
                }
                _ => self.read_word_part(&mut parts, &mut lit, WordCtx::Param)?,
            }
        }
        flush_lit(&mut parts, &mut lit);
        self.leave();
        Ok(Word { parts: parts.into(), span: Span::new(start, self.pos) })
    }
}

/// Where a word is read; changes which characters are special.
#[derive(Clone, Copy, PartialEq, Eq)]
enum WordCtx {
    /// An ordinary word.
    Normal,
    /// The value of an assignment: `:` is followed by tilde expansion.
    Assign,
    /// Inside `${…}`: extended-glob syntax is not recognised.
    Param,
}

/// Where parts are collected: a word's [`Parts`] or the parts inside double quotes.
trait PartSink {
    fn push(&mut self, p: Part);
}

impl PartSink for Vec<Part> {
    fn push(&mut self, p: Part) {
        Vec::push(self, p);
    }
}

impl PartSink for Parts {
    fn push(&mut self, p: Part) {
        smallvec::SmallVec::push(self, p);
    }
}

fn flush_lit(parts: &mut impl PartSink, lit: &mut Text) {
    if !lit.is_empty() {
        parts.push(Part::Lit(std::mem::take(lit)));
    }
}

fn flush_quoted(parts: &mut impl PartSink, lit: &mut Text) {
    if !lit.is_empty() {
        parts.push(Part::Quoted(std::mem::take(lit)));
    }
}

fn simple_param(name: Text) -> Param {
    Param { name, index: None, indirect: false, length: false, op: ParamOp::None }
}

/// A shell metacharacter: ends a word when unquoted.
const fn is_meta(c: u8) -> bool {
    matches!(c, b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>')
}

/// Bytes a plain word ([`Parser::plain_word`]) holds none of: they start quotes,
/// escapes, expansions and extended globs (`?(`, `*(`, …; a plain word leaves even a
/// lone `*` to the general reader).
const PLAIN_STOP: [bool; 256] = {
    let mut t = [false; 256];
    let stops = b"'\"\\$`?*+@!";
    let mut i = 0;
    while i < stops.len() {
        t[stops[i] as usize] = true;
        i += 1;
    }
    t
};

const fn is_word_end(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r') || is_meta(c)
}

/// `declare` and its kin take assignments as arguments.
fn is_decl_builtin(w: &Word) -> bool {
    matches!(w.parts.as_slice(), [Part::Lit(l)] if matches!(l.as_str(), "declare" | "typeset" | "local" | "export" | "readonly"))
}

/// A valid variable name.
pub(crate) fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// The delimiter of a here-document: the word after quote removal, not expanded.
fn heredoc_delimiter(w: &Word) -> String {
    fn text(parts: &[Part], out: &mut String) {
        for p in parts {
            match p {
                Part::Lit(s) | Part::Quoted(s) | Part::ExtGlob(s) | Part::Invalid(s) => out.push_str(s),
                Part::Double(inner) => text(inner, out),
                Part::Tilde(u) => {
                    out.push('~');
                    out.push_str(u);
                }
                Part::Param(p) => {
                    out.push('$');
                    out.push_str(&p.name);
                }
                Part::Subst(_) | Part::Arith(_) | Part::ProcSubst { .. } => out.push('$'),
            }
        }
    }
    let mut out = String::new();
    text(&w.parts, &mut out);
    out
}

/// Parses text that holds one word's worth of expansions (array index, `$[…]`).
fn parse_embedded_word(text: &str, limits: Limits, depth: usize) -> Result<Word> {
    let mut p = Parser::new(text, limits, depth);
    p.enter()?;
    let mut parts = Vec::new();
    let mut lit = Text::default();
    while !p.at_end() {
        let c = p.peek().unwrap_or(0);
        if is_word_end(c) {
            lit.push(c as char);
            p.pos += 1;
            continue;
        }
        p.read_word_part(&mut parts, &mut lit, WordCtx::Param)?;
    }
    flush_lit(&mut parts, &mut lit);
    let mut w = Word { parts: parts.into(), span: Span::new(0, text.len()) };
    fill_word(&mut w, &mut p.bodies);
    Ok(w)
}

/// Parses an unquoted here-document body: `$` expansions, backquotes and `\` before
/// `$`, `` ` ``, `\` and newline are active; quotes are literal.
fn parse_heredoc_body(text: &str, limits: Limits, depth: usize) -> Result<Word> {
    let mut p = Parser::new(text, limits, depth);
    p.enter()?;
    let mut parts = Vec::new();
    let mut lit = Text::default();
    while let Some(c) = p.peek() {
        match c {
            b'\\' => match p.peek_at(1) {
                Some(b'\n') => p.pos += 2,
                Some(e @ (b'$' | b'`' | b'\\')) => {
                    lit.push(e as char);
                    p.pos += 2;
                }
                _ => {
                    lit.push('\\');
                    p.pos += 1;
                }
            },
            b'$' => {
                flush_quoted(&mut parts, &mut lit);
                if !p.read_dollar(&mut parts, true)? {
                    lit.push('$');
                    p.pos += 1;
                }
            }
            b'`' => {
                flush_quoted(&mut parts, &mut lit);
                let script = p.read_backtick()?;
                parts.push(Part::Subst(Box::new(script)));
            }
            _ => {
                let ch = p.next_char();
                lit.push(ch);
            }
        }
    }
    flush_quoted(&mut parts, &mut lit);
    let mut w = Word { parts: parts.into(), span: Span::new(0, text.len()) };
    // Bodies of here-documents opened inside this body's substitutions.
    fill_word(&mut w, &mut p.bodies);
    Ok(w)
}

// ----- attaching here-document bodies ---------------------------------------------

fn fill_script(s: &mut Script, bodies: &mut Vec<Option<Word>>) {
    fill_list(&mut s.body, bodies);
}

fn fill_list(l: &mut List, bodies: &mut Vec<Option<Word>>) {
    for item in &mut l.items {
        let ao = &mut item.and_or;
        fill_pipeline(&mut ao.first, bodies);
        for (_, p) in &mut ao.rest {
            fill_pipeline(p, bodies);
        }
    }
}

fn fill_pipeline(p: &mut Pipeline, bodies: &mut Vec<Option<Word>>) {
    for c in &mut p.commands {
        fill_command(c, bodies);
    }
}

fn fill_command(c: &mut Command, bodies: &mut Vec<Option<Word>>) {
    match c {
        Command::Simple(sc) => {
            for a in sc.assigns.iter_mut().chain(sc.decl.iter_mut()) {
                if let Some(i) = &mut a.index {
                    fill_word(i, bodies);
                }
                match &mut a.value {
                    AssignValue::Scalar(w) => fill_word(w, bodies),
                    AssignValue::Array(ws) => ws.iter_mut().for_each(|w| fill_word(w, bodies)),
                }
            }
            sc.words.iter_mut().for_each(|w| fill_word(w, bodies));
            fill_redirects(&mut sc.redirects, bodies);
        }
        Command::Compound(comp, redirects) => {
            fill_compound(comp, bodies);
            fill_redirects(redirects, bodies);
        }
        Command::Function(f) => fill_command(&mut f.body, bodies),
    }
}

fn fill_compound(c: &mut Compound, bodies: &mut Vec<Option<Word>>) {
    match c {
        Compound::Brace(l) | Compound::Subshell(l) => fill_list(l, bodies),
        Compound::For { words, body, .. } => {
            if let Some(ws) = words {
                ws.iter_mut().for_each(|w| fill_word(w, bodies));
            }
            fill_list(body, bodies);
        }
        Compound::ArithFor { exprs, body } => {
            exprs.iter_mut().for_each(|w| fill_word(w, bodies));
            fill_list(body, bodies);
        }
        Compound::Case { subject, arms } => {
            fill_word(subject, bodies);
            for arm in arms {
                arm.patterns.iter_mut().for_each(|w| fill_word(w, bodies));
                fill_list(&mut arm.body, bodies);
            }
        }
        Compound::If { branches, otherwise } => {
            for (c, b) in branches {
                fill_list(c, bodies);
                fill_list(b, bodies);
            }
            if let Some(o) = otherwise {
                fill_list(o, bodies);
            }
        }
        Compound::Loop { cond, body, .. } => {
            fill_list(cond, bodies);
            fill_list(body, bodies);
        }
        Compound::Arith(w) => fill_word(w, bodies),
        Compound::Cond(ws) => ws.iter_mut().for_each(|w| fill_word(w, bodies)),
        Compound::Coproc(c) => fill_command(c, bodies),
    }
}

fn fill_redirects(rs: &mut [Redirect], bodies: &mut Vec<Option<Word>>) {
    for r in rs {
        match &mut r.target {
            RedirTarget::Word(w) => fill_word(w, bodies),
            RedirTarget::HereDoc(doc) => {
                if let Some(slot) = doc.slot.take() {
                    if let Some(b) = bodies.get_mut(slot).and_then(Option::take) {
                        doc.body = b;
                    }
                }
                fill_word(&mut doc.body, bodies);
            }
        }
    }
}

fn fill_word(w: &mut Word, bodies: &mut Vec<Option<Word>>) {
    fill_parts(&mut w.parts, bodies);
}

fn fill_parts(parts: &mut [Part], bodies: &mut Vec<Option<Word>>) {
    for p in parts {
        match p {
            Part::Double(inner) | Part::Arith(inner) => fill_parts(inner, bodies),
            Part::Subst(s) | Part::ProcSubst { script: s, .. } => fill_script(s, bodies),
            Part::Param(param) => {
                if let Some(i) = &mut param.index {
                    fill_word(i, bodies);
                }
                match &mut param.op {
                    ParamOp::None | ParamOp::Bad => {}
                    ParamOp::Default { word, .. }
                    | ParamOp::Assign { word, .. }
                    | ParamOp::Error { word, .. }
                    | ParamOp::Alt { word, .. }
                    | ParamOp::Trim { word, .. } => fill_word(word, bodies),
                    ParamOp::Other(ws) => ws.iter_mut().for_each(|w| fill_word(w, bodies)),
                }
            }
            Part::Lit(_) | Part::Quoted(_) | Part::Tilde(_) | Part::ExtGlob(_) | Part::Invalid(_) => {}
        }
    }
}
/// The bytes of `s` outside quotes and not escaped by a backslash, with their offsets.
fn unquoted(s: &[u8]) -> impl Iterator<Item = (usize, u8)> + '_ {
    let mut quote: Option<u8> = None;
    let mut escaped = false;
    s.iter().enumerate().filter_map(move |(i, &c)| {
        if escaped {
            escaped = false;
            return None;
        }
        match quote {
            Some(q) => {
                if c == b'\\' && q == b'"' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
                None
            }
            None => {
                match c {
                    b'\\' => escaped = true,
                    b'\'' | b'"' => quote = Some(c),
                    _ => return Some((i, c)),
                }
                None
            }
        }
    })
}

/// The offset of the `}` closing a `${` whose content starts at offset 0, skipping
/// nested braces and quotes.
fn braced_end(s: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in unquoted(s) {
        match c {
            b'{' => depth += 1,
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The offset of the `]` closing an assignment subscript that starts with `[` at
/// offset 0 (`A[${#A[*]}]=x`), skipping nested brackets, braces, parentheses and quotes;
/// `None` when a blank or newline comes first (then it is not an assignment).
fn subscript_end(s: &[u8]) -> Option<usize> {
    let (mut brackets, mut nest) = (0usize, 0usize);
    for (i, c) in unquoted(s) {
        match c {
            b'[' => brackets += 1,
            b']' => {
                brackets = brackets.saturating_sub(1);
                if brackets == 0 && nest == 0 {
                    return Some(i);
                }
            }
            b'{' | b'(' => nest += 1,
            b'}' | b')' => nest = nest.saturating_sub(1),
            b'\n' => return None,
            b' ' | b'\t' if nest == 0 => return None,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        /// A word read as a plain word is the word the general reader reads there, and
        /// it ends in the same place; where it is not one, nothing is read.
        #[test]
        fn plain_words_read_as_the_general_reader_reads_them(
            text in "[a-c~#=:{}\\[\\]./é'\"\\\\$`?*+@!<>()|&; \t\n-]{0,12}",
            at in 0usize..4,
        ) {
            let at = (0..=at.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            let mut plain = Parser::new(&text, Limits::default(), 0);
            plain.pos = at;
            let mut general = Parser::new(&text, Limits::default(), 0);
            general.pos = at;
            match plain.plain_word() {
                Some(w) => {
                    let g = general.read_word_parts(WordCtx::Normal);
                    proptest::prop_assert_eq!(g.ok().flatten(), Some(w), "{:?} at {}", text, at);
                    proptest::prop_assert_eq!(plain.pos, general.pos, "{:?} at {}", text, at);
                }
                None => proptest::prop_assert_eq!(plain.pos, at, "{:?} at {}", text, at),
            }
        }
    }
}
