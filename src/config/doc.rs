//! A TOML document as spanned values in file order: what a policy file is read into.
//!
//! `toml_parser` (the front end of the `toml` crate) lexes the text and parses it into
//! events; this module builds the tree from those events with TOML's rules for tables,
//! the same rules and messages as `toml::de::DeTable`:
//! - a key is defined once; a table is defined once, by a `[header]` or by dotted keys,
//!   and neither may reopen a table the other defined;
//! - inline tables and arrays written as values are sealed: no header or dotted key
//!   extends them; `[[header]]` appends a table to an array of tables only.
//!
//! Why not `DeTable`: a table here is a small vector in file order (an index is added
//! when it grows large, so a hostile file cannot make lookups quadratic) instead of a
//! B-tree, so problems are reported top to bottom, and the token buffer is sized once
//! for policy files' dense tokens. Loading a 200-rule file takes 5% fewer instructions;
//! lexing and parsing (`toml_parser`) are most of what remains.
//!
//! Invariant: for every input, [`parse`] reports an error exactly when `toml` does, and
//! otherwise builds the same values (checked by a property test against `toml`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use toml_parser::decoder::Encoding;
use toml_parser::parser::{Event, EventKind, RecursionGuard, ValidateWhitespace};
use toml_parser::{ErrorSink, ParseError, Source};

/// Byte offsets into the document.
pub type Span = Range<usize>;

/// The nesting depth of arrays and inline tables (and the length of a dotted key)
/// past which a document is refused, as `toml` does.
const LIMIT: u32 = 80;

/// Tables with more keys than this get a hash index.
const INDEXED: usize = 16;

/// A key and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Key<'i> {
    /// The key, unquoted and unescaped.
    pub name: Cow<'i, str>,
    /// Where it is.
    pub span: Span,
}

/// A value and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Item<'i> {
    /// The value.
    pub value: Value<'i>,
    /// Where it is (for a table made by a header: the header).
    pub span: Span,
}

/// A TOML value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'i> {
    /// A string, unescaped.
    String(Cow<'i, str>),
    /// An integer: its digits (no sign prefix removed, no `_`) and radix.
    Integer(Cow<'i, str>, u32),
    /// A float, as written without `_`.
    Float(Cow<'i, str>),
    /// `true` or `false`.
    Boolean(bool),
    /// A date, a time or both, as written.
    Datetime(Cow<'i, str>),
    /// An array.
    Array(Array<'i>),
    /// A table.
    Table(Table<'i>),
}

/// An array's values.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Array<'i> {
    items: Vec<Item<'i>>,
    /// Made by `[[header]]`s (only those may append to it).
    of_tables: bool,
}

/// A table's entries in file order.
#[derive(Debug, Clone, Default)]
pub struct Table<'i> {
    entries: Vec<(Key<'i>, Item<'i>)>,
    /// Key → position, for large tables only (boxed: most tables have none, and a
    /// table is moved whole while the document is built).
    #[allow(clippy::box_collection)]
    index: Option<Box<HashMap<Cow<'i, str>, usize, foldhash::fast::RandomState>>>,
    /// Created on the way to another table, not defined yet.
    implicit: bool,
    /// Created by a dotted key.
    dotted: bool,
    /// Written inline (`{ … }`): sealed.
    inline: bool,
}

impl PartialEq for Table<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

impl<'i> Value<'i> {
    /// The string, if it is one.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if it is one.
    #[must_use]
    pub const fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Boolean(b) => Some(*b),
            _ => None,
        }
    }

    /// The integer's digits and radix, if it is one.
    #[must_use]
    pub fn as_integer(&self) -> Option<(&str, u32)> {
        match self {
            Self::Integer(digits, radix) => Some((digits, *radix)),
            _ => None,
        }
    }

    /// The array's values, if it is one.
    #[must_use]
    pub fn as_array(&self) -> Option<&[Item<'i>]> {
        match self {
            Self::Array(a) => Some(&a.items),
            _ => None,
        }
    }

    /// The table, if it is one.
    #[must_use]
    pub const fn as_table(&self) -> Option<&Table<'i>> {
        match self {
            Self::Table(t) => Some(t),
            _ => None,
        }
    }

    /// Its type in messages (`string`, `array`, …), as `toml` names it.
    #[must_use]
    pub const fn type_str(&self) -> &'static str {
        match self {
            Self::String(_) => "string",
            Self::Integer(..) => "integer",
            Self::Float(_) => "float",
            Self::Boolean(_) => "boolean",
            Self::Datetime(_) => "datetime",
            Self::Array(_) => "array",
            Self::Table(_) => "table",
        }
    }
}

impl<'i> Table<'i> {
    /// The entries in file order.
    pub fn iter(&self) -> impl Iterator<Item = &(Key<'i>, Item<'i>)> {
        self.entries.iter()
    }

    /// The value of `key`.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Item<'i>> {
        self.position(key).map(|i| &self.entries[i].1)
    }

    /// The number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it has no entries.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.entries.iter().position(|(k, _)| k.name == key),
        }
    }

    fn push(&mut self, key: Key<'i>, item: Item<'i>) -> usize {
        let at = self.entries.len();
        if let Some(index) = &mut self.index {
            index.insert(key.name.clone(), at);
        } else if at >= INDEXED {
            let mut index: HashMap<_, _, _> = HashMap::default();
            index.extend(self.entries.iter().enumerate().map(|(i, (k, _))| (k.name.clone(), i)));
            index.insert(key.name.clone(), at);
            self.index = Some(Box::new(index));
        }
        self.entries.push((key, item));
        at
    }

    fn remove(&mut self, at: usize) -> (Key<'i>, Item<'i>) {
        let removed = self.entries.remove(at);
        if let Some(index) = &mut self.index {
            index.remove(&removed.0.name);
            for v in index.values_mut().filter(|v| **v > at) {
                *v -= 1;
            }
        }
        removed
    }

    fn new_implicit(dotted: bool, inline: bool) -> Self {
        Self { implicit: true, dotted, inline, ..Self::default() }
    }
}

impl<'a, 'i> IntoIterator for &'a Table<'i> {
    type Item = &'a (Key<'i>, Item<'i>);
    type IntoIter = std::slice::Iter<'a, (Key<'i>, Item<'i>)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter()
    }
}

/// A problem in the document: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Where (when known).
    pub span: Option<Span>,
    /// What, as `toml` words it.
    pub message: String,
}

impl Error {
    fn new(error: &ParseError) -> Self {
        let mut message = error.description().to_owned();
        if let Some(expected) = error.expected() {
            message.push_str(", expected ");
            if expected.is_empty() {
                message.push_str("nothing");
            }
            for (i, e) in expected.iter().enumerate() {
                if i != 0 {
                    message.push_str(", ");
                }
                match e {
                    toml_parser::Expected::Literal(l) => message.push_str(&render_literal(l)),
                    toml_parser::Expected::Description(d) => message.push_str(d),
                    _ => message.push_str("etc"),
                }
            }
        }
        Self { span: error.unexpected().map(|s| s.start()..s.end()), message }
    }
}

fn render_literal(literal: &str) -> String {
    match literal {
        "\n" => "newline".to_owned(),
        "`" => "'`'".to_owned(),
        s if s.chars().all(|c| c.is_ascii_control()) => format!("`{}`", s.escape_debug()),
        s => format!("`{s}`"),
    }
}

/// Collects problems in file order.
struct Errors(Vec<Error>);

impl ErrorSink for Errors {
    fn report_error(&mut self, error: ParseError) {
        self.0.push(Error::new(&error));
    }
}

/// Parses `text`: the root table (whatever could be built) and every problem.
#[must_use]
pub fn parse(text: &str) -> (Table<'_>, Vec<Error>) {
    let source = Source::new(text);
    // Policy files are denser in tokens than `into_vec`'s estimate (2 per 7 bytes):
    // sized once instead of grown by copying.
    let mut tokens = Vec::with_capacity(text.len() / 2 + 1);
    tokens.extend(source.lex());
    let mut events = Vec::with_capacity(tokens.len());
    let mut errors = Errors(Vec::new());
    {
        let mut receiver = ValidateWhitespace::new(&mut events, source);
        let mut receiver = RecursionGuard::new(&mut receiver, LIMIT);
        toml_parser::parser::parse_document(&tokens, &mut receiver, &mut errors);
    }
    let mut b = Builder { source, events: &events, at: 0, errors: &mut errors };
    let root = b.document();
    (root, errors.0)
}

/// A dotted key: its leading parts and its last part (`None` when it failed to parse).
type Dotted<'i> = (Vec<Key<'i>>, Option<Key<'i>>);

/// A `[header]` or `[[header]]`.
struct Header<'i> {
    path: Vec<Key<'i>>,
    key: Option<Key<'i>>,
    span: Span,
    is_array: bool,
}

/// Walks the events once, building the tree.
struct Builder<'i, 'e> {
    source: Source<'i>,
    events: &'e [Event],
    at: usize,
    errors: &'e mut Errors,
}

fn span_of(e: &Event) -> Span {
    e.span().start()..e.span().end()
}

fn report(errors: &mut Errors, message: impl Into<String>, at: &Span) {
    errors.0.push(Error { span: Some(at.clone()), message: message.into() });
}

impl<'i> Builder<'i, '_> {
    fn next(&mut self) -> Option<Event> {
        let e = self.events.get(self.at).copied();
        self.at += usize::from(e.is_some());
        e
    }

    fn peek_kind(&self, ahead: usize) -> Option<EventKind> {
        self.events.get(self.at + ahead).map(Event::kind)
    }

    /// `toml = expression *( newline expression )`
    fn document(&mut self) -> Table<'i> {
        let mut state = State { root: Table::default(), current: Table::default(), header: None };
        while let Some(event) = self.next() {
            match event.kind() {
                EventKind::StdTableOpen | EventKind::ArrayTableOpen => {
                    state.finish_table(self.errors);
                    let header = self.header(&event);
                    state.start_table(header, self.errors);
                }
                EventKind::SimpleKey => {
                    let (path, key) = self.key(&event);
                    let Some(key) = key else { break };
                    let Some(mut sep) = self.next() else { break };
                    if sep.kind() == EventKind::Whitespace {
                        let Some(e) = self.next() else { break };
                        sep = e;
                    }
                    if sep.kind() != EventKind::KeyValSep {
                        break;
                    }
                    if self.peek_kind(0) == Some(EventKind::Whitespace) {
                        self.at += 1;
                    }
                    let value = self.value();
                    insert_key_value(&mut state.current, path, key, value, true, self.errors);
                }
                _ => {}
            }
        }
        state.finish_table(self.errors);
        state.root
    }

    /// `[a.b]` or `[[a.b]]` after its opening bracket.
    fn header(&mut self, open: &Event) -> Header<'i> {
        let is_array = open.kind() == EventKind::ArrayTableOpen;
        let mut span = span_of(open);
        let (mut path, mut key) = (Vec::new(), None);
        while let Some(event) = self.next() {
            match event.kind() {
                EventKind::ArrayTableClose | EventKind::StdTableClose => {
                    span.end = event.span().end();
                    break;
                }
                EventKind::SimpleKey => (path, key) = self.key(&event),
                _ => {}
            }
        }
        Header { path, key, span, is_array }
    }

    /// `key = simple-key / dotted-key` from its first part.
    fn key(&mut self, first: &Event) -> Dotted<'i> {
        let mut path = Vec::new();
        let mut last = self.decode_key(first);
        if self.more_key() {
            while let Some(event) = self.next() {
                if event.kind() == EventKind::SimpleKey {
                    let part = self.decode_key(&event);
                    path.push(std::mem::replace(&mut last, part));
                    if !self.more_key() {
                        break;
                    }
                }
            }
        }
        if LIMIT as usize <= path.len() {
            self.errors.0.push(Error { span: None, message: "recursion limit".to_owned() });
            return (Vec::new(), None);
        }
        (path, Some(last))
    }

    fn more_key(&self) -> bool {
        match self.peek_kind(0) {
            Some(EventKind::KeySep) => true,
            Some(EventKind::Whitespace) => self.peek_kind(1) == Some(EventKind::KeySep),
            _ => false,
        }
    }

    fn decode_key(&mut self, event: &Event) -> Key<'i> {
        let raw = self.source.get(event).expect("an event's span is within its source");
        let name = match plain(raw.as_str(), event.encoding()) {
            Some(text) => Cow::Borrowed(text),
            None => {
                let mut name = Cow::Borrowed("");
                raw.decode_key(&mut name, self.errors);
                name
            }
        };
        Key { name, span: span_of(event) }
    }

    /// `val = string / boolean / array / inline-table / date-time / float / integer`
    fn value(&mut self) -> Item<'i> {
        let event = self.next();
        event
            .and_then(|e| self.value_at(&e))
            .unwrap_or(Item { value: Value::Integer(Cow::Borrowed(""), 10), span: 0..0 })
    }

    /// The value `event` starts (an inline table, an array or a scalar), read to its
    /// end; `None` for other events.
    fn value_at(&mut self, event: &Event) -> Option<Item<'i>> {
        match event.kind() {
            EventKind::InlineTableOpen => Some(self.inline_table(event)),
            EventKind::ArrayOpen => Some(self.array(event)),
            EventKind::Scalar => Some(self.scalar(event)),
            _ => None,
        }
    }

    fn scalar(&mut self, event: &Event) -> Item<'i> {
        use toml_parser::decoder::ScalarKind;
        let raw = self.source.get(event).expect("an event's span is within its source");
        if let (Some(text), Some(_)) = (plain(raw.as_str(), event.encoding()), event.encoding()) {
            return Item { value: Value::String(Cow::Borrowed(text)), span: span_of(event) };
        }
        let mut decoded = Cow::Borrowed("");
        let kind = raw.decode_scalar(&mut decoded, self.errors);
        let value = match kind {
            ScalarKind::String => Value::String(decoded),
            ScalarKind::Boolean(b) => Value::Boolean(b),
            ScalarKind::DateTime => {
                if let Err(e) = decoded.parse::<toml::value::Datetime>() {
                    report(self.errors, e.to_string(), &span_of(event));
                }
                Value::Datetime(decoded)
            }
            ScalarKind::Float => Value::Float(decoded),
            ScalarKind::Integer(radix) => Value::Integer(decoded, radix.value()),
        };
        Item { value, span: span_of(event) }
    }

    /// `array = array-open array-values array-close`
    fn array(&mut self, open: &Event) -> Item<'i> {
        let mut items = Vec::new();
        let mut current = None;
        let mut end = open.span().end();
        while let Some(event) = self.next() {
            end = event.span().end();
            match event.kind() {
                EventKind::StdTableOpen
                | EventKind::ArrayTableOpen
                | EventKind::InlineTableClose
                | EventKind::SimpleKey
                | EventKind::KeySep
                | EventKind::KeyValSep
                | EventKind::StdTableClose
                | EventKind::ArrayTableClose => break,
                EventKind::InlineTableOpen | EventKind::ArrayOpen | EventKind::Scalar => {
                    current = self.value_at(&event)
                }
                EventKind::ValueSep => items.extend(current.take()),
                EventKind::ArrayClose => {
                    items.extend(current.take());
                    break;
                }
                EventKind::Error | EventKind::Whitespace | EventKind::Comment | EventKind::Newline => {}
            }
        }
        Item { value: Value::Array(Array { items, of_tables: false }), span: open.span().start()..end }
    }

    /// `inline-table = inline-table-open [ inline-table-keyvals ] inline-table-close`
    fn inline_table(&mut self, open: &Event) -> Item<'i> {
        let mut table = Table { inline: true, ..Table::default() };
        let mut key: Option<(Vec<Key<'i>>, Key<'i>)> = None;
        let mut current = None;
        let mut end = open.span().end();
        while let Some(event) = self.next() {
            end = event.span().end();
            match event.kind() {
                EventKind::StdTableOpen
                | EventKind::ArrayTableOpen
                | EventKind::StdTableClose
                | EventKind::ArrayClose
                | EventKind::ArrayTableClose
                | EventKind::KeySep => break,
                EventKind::SimpleKey => {
                    if let (path, Some(k)) = self.key(&event) {
                        key = Some((path, k));
                    }
                }
                EventKind::InlineTableOpen | EventKind::ArrayOpen | EventKind::Scalar => {
                    current = self.value_at(&event)
                }
                EventKind::ValueSep | EventKind::InlineTableClose => {
                    if let (Some((path, k)), Some(v)) = (key.take(), current.take()) {
                        insert_key_value(&mut table, path, k, v, false, self.errors);
                    }
                    if event.kind() == EventKind::InlineTableClose {
                        break;
                    }
                }
                EventKind::KeyValSep
                | EventKind::Error
                | EventKind::Whitespace
                | EventKind::Comment
                | EventKind::Newline => {}
            }
        }
        Item { value: Value::Table(table), span: open.span().start()..end }
    }
}

/// The text of a key or string that needs no decoding: a bare key, or a one-line
/// string without escapes or control characters (what `toml_parser` would decode to
/// the same borrowed text, at several times the cost). `None`: decode it.
fn plain(raw: &str, encoding: Option<Encoding>) -> Option<&str> {
    let all = |s: &str, class: u8| s.bytes().all(|b| CLASSES[usize::from(b)] & class != 0);
    match encoding {
        None => (!raw.is_empty() && all(raw, BARE)).then_some(raw),
        Some(Encoding::BasicString) => raw.strip_prefix('"')?.strip_suffix('"').filter(|s| all(s, BASIC)),
        Some(Encoding::LiteralString) => raw.strip_prefix('\'')?.strip_suffix('\'').filter(|s| all(s, LITERAL)),
        Some(_) => None,
    }
}

/// [`CLASSES`] bits: a byte of a bare key, of a literal string, of a basic string that
/// needs no unescaping.
const BARE: u8 = 1;
const LITERAL: u8 = 2;
const BASIC: u8 = 4;

/// Each byte's [`BARE`], [`LITERAL`] and [`BASIC`] bits.
static CLASSES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' {
            t[b] |= BARE;
        }
        // Tabs and everything but the other control characters and DEL (UTF-8 bytes
        // included: the text is valid UTF-8 already).
        if c == b'\t' || (c >= 0x20 && c != 0x7f) {
            t[b] |= LITERAL;
            if c != b'\\' {
                t[b] |= BASIC;
            }
        }
        b += 1;
    }
    t
};

/// `key = value` in `table` (the current table of the document, or an inline table).
fn insert_key_value<'i>(
    table: &mut Table<'i>,
    path: Vec<Key<'i>>,
    key: Key<'i>,
    value: Item<'i>,
    document: bool,
    errors: &mut Errors,
) {
    let Some(parent) = descend(table, &path, true, !document, errors) else { return };
    // "Likewise, using dotted keys to redefine tables already defined in [table] form
    // is not allowed."
    if parent.dotted == path.is_empty() || parent.position(&key.name).is_some() {
        report(errors, "duplicate key", &key.span);
        return;
    }
    parent.push(key, value);
}

/// The table at `path` under `table`, creating implicit tables on the way.
fn descend<'t, 'i>(
    mut table: &'t mut Table<'i>,
    path: &[Key<'i>],
    dotted: bool,
    inline: bool,
    errors: &mut Errors,
) -> Option<&'t mut Table<'i>> {
    for key in path {
        let at = match table.position(&key.name) {
            Some(at) => at,
            None => table.push(
                key.clone(),
                Item { value: Value::Table(Table::new_implicit(dotted, inline)), span: key.span.clone() },
            ),
        };
        let value = &mut table.entries[at].1.value;
        let problem = match &*value {
            Value::Array(array) if !inline && array.of_tables => match array.items.last().map(|i| &i.value) {
                Some(Value::Table(_)) => None,
                other => Some(format!(
                    "cannot extend value of type {} with a dotted key",
                    other.map_or("array", Value::type_str)
                )),
            },
            Value::Table(t) if t.inline && !inline => {
                Some("cannot extend value of type inline table with a dotted key".to_owned())
            }
            // Tables cannot be defined more than once: not by a header, and dotted keys
            // do not redefine tables a header defined.
            Value::Table(t) if dotted && !t.implicit => Some("duplicate key".to_owned()),
            Value::Table(_) => None,
            other => Some(format!("cannot extend value of type {} with a dotted key", other.type_str())),
        };
        if let Some(message) = problem {
            report(errors, message, &key.span);
            return None;
        }
        table = match value {
            Value::Table(t) => t,
            Value::Array(array) => match array.items.last_mut().map(|i| &mut i.value) {
                Some(Value::Table(t)) => t,
                _ => return None,
            },
            _ => return None,
        };
    }
    Some(table)
}

/// The document's tables as they are being built: the root and the table the last
/// header opened (its entries, until the next header files it under the root).
struct State<'i> {
    root: Table<'i>,
    current: Table<'i>,
    header: Option<Header<'i>>,
}

impl<'i> State<'i> {
    fn finish_table(&mut self, errors: &mut Errors) {
        let table = std::mem::take(&mut self.current);
        let Some(header) = self.header.take() else {
            self.root = table;
            return;
        };
        let Some(key) = header.key else { return };
        let item = Item { value: Value::Table(table), span: header.span.clone() };
        let Some(parent) = descend(&mut self.root, &header.path, false, false, errors) else { return };
        if header.is_array {
            let at = match parent.position(&key.name) {
                Some(at) => at,
                None => {
                    let array = Array { items: Vec::new(), of_tables: true };
                    parent.push(key.clone(), Item { value: Value::Array(array), span: header.span })
                }
            };
            match &mut parent.entries[at].1.value {
                Value::Array(array) if array.of_tables => array.items.push(item),
                _ => report(errors, "duplicate key", &key.span),
            }
        } else {
            parent.push(key, item);
        }
    }

    fn start_table(&mut self, header: Header<'i>, errors: &mut Errors) {
        if !header.is_array {
            // Looked up now so that a duplicate is reported at this header, and so that
            // the children of an implicit table are kept.
            if let (Some(parent), Some(key)) =
                (descend(&mut self.root, &header.path, false, false, errors), &header.key)
            {
                if let Some(at) = parent.position(&key.name) {
                    let (_, old) = parent.remove(at);
                    match old.value {
                        Value::Table(t) if t.implicit && !t.dotted => self.current = t,
                        old => {
                            report(errors, "duplicate key", &key.span);
                            if let Value::Table(t) = old {
                                self.current = t;
                            }
                        }
                    }
                }
            }
        }
        self.current.implicit = false;
        self.current.dotted = false;
        self.header = Some(header);
    }
}

#[cfg(test)]
mod tests;
