//! Prompt-injection detectors: spans of text that try to instruct an AI agent.
//!
//! [`find`] reports every such span of its input, with byte offsets into the original
//! bytes. It is used by `tako-exec scan` and by the output relay, which annotates what
//! goes back to the agent; so it must be fast on ordinary output and must never fail.
//!
//! # How it works
//! 1. **Prefilter** (the hot path, one pass each): an Aho-Corasick automaton over
//!    lowercase trigger words ([`triggers`]), and a walk over non-ASCII characters only,
//!    which notes characters that can disguise text (invisible ones, Unicode tags,
//!    homoglyphs inside Latin words). Plain source code, logs and build output hit few
//!    triggers, so most of the input is never looked at again.
//! 2. **Regions**: a window around each hit ([`BEFORE`], [`AFTER`]), merged, is
//!    normalized (see `normalize.rs`: folding look-alikes, lowercasing, dropping
//!    invisible characters, decoding tag characters, collapsing whitespace) with a map
//!    back to input offsets, and the [families](families) run on it: one multi-pattern
//!    regex, one rule id per family. Regions that hold ROT13 trigger words also run the
//!    families on the ROT13 of their normal form (same offsets).
//! 3. **Encoded payloads** (see `decode.rs`): base64, base32, hex and URL-encoded runs
//!    that decode to text are normalized and searched too; a match inside reports the
//!    span of the encoded run, with rule `encoded-payload`.
//! 4. **Invisible text**: runs of tag characters, bidi overrides, runs of variation
//!    selectors and zero-width characters splitting words are reported as
//!    `invisible-text` whatever they say; variation-selector runs are also decoded.
//!
//! # Guarantees
//! Offsets are in bounds and `start < end`; findings are sorted and deduplicated. No
//! input makes this module panic, and its cost is linear in the input. Findings are
//! evidence for a human or an agent's caution, not a verdict: prose *about* prompt
//! injection may match, and a payload with no lexical marker will not.

mod decode;
mod families;
mod normalize;
#[cfg(test)]
mod tests;

use std::sync::{LazyLock, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex_automata::meta::Regex;

use super::anchors::{Hit, Words};
use super::{Finding, Kind};
use normalize::Disguise;

/// The longest span of input a rule needs to see at once, in bytes.
///
/// A streaming caller (the output relay) that keeps the last `MAX_SPAN` bytes of the
/// previous chunk in front of the next one finds every finding that a single call over
/// the whole stream finds, except matches stretched beyond this length (whitespace
/// padding, or encoded runs longer than this, of which only the first `MAX_SPAN` bytes
/// are decoded). Pattern windows ([`BEFORE`] + [`AFTER`]) and decoded runs both fit.
pub const MAX_SPAN: usize = 4096;

/// Bytes of context kept before a trigger hit.
const BEFORE: usize = 256;
/// Bytes of context kept after a trigger hit.
const AFTER: usize = 512;

/// Rule id for a family match inside decoded text.
const ENCODED: &str = "encoded-payload";
/// Rule id for hidden characters.
const INVISIBLE: &str = "invisible-text";

/// What a trigger word means to the prefilter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trigger {
    /// Rare in code, logs and prose (under about two per MB of crates.io sources, READMEs
    /// and changelogs): opens a region by itself.
    Strong,
    /// Common there: opens a region only when a different weak trigger
    /// hit lies within [`PAIR`] bytes before it on the same line.
    Weak,
    /// Weak, and only counted when the hit is a whole word.
    WeakWord,
    /// Strong, and only counted when the hit is a whole word.
    StrongWord,
    /// A ROT13-encoded trigger: opens a region that also runs the families on its ROT13.
    Rot13,
}

/// How close two weak trigger hits must be to open a region (and they must share a line).
const PAIR: usize = 96;

/// The trigger words (matched ASCII-case-insensitively on raw bytes). Every family
/// phrasing holds a strong trigger or two weak ones; `tests.rs` checks that each
/// `must_match` example opens a region.
fn triggers() -> Vec<(&'static str, Trigger)> {
    let strong: &[&str] = &[
        "disregard",
        "overrul",
        "henceforth",
        "jailbr",
        "unfiltered",
        "roleplay",
        "role-play",
        "pretend",
        "openai",
        "anthropic",
        "deepmind",
        "<|",
        "[inst",
        "<<sys",
        "<start_of_turn",
        "#human",
        "[admin",
        "[developer",
        "[operator",
        "[moderator",
        "[owner",
        "<admin",
        "<developer",
        "<im_start",
        "<important",
        "chatbot",
        "gpt",
        "claude",
        "copilot",
        "a.i.",
        "[//]",
        "exfiltrat",
        ".git-credentials",
        "secretly",
        "covertly",
        "discreetly",
        "system_message",
        "deobfuscate",
        "unscramble",
        "instruction:",
        "instructions:",
        "instruction :",
        "instructions :",
        "not obey",
        "n't obey",
        "not heed",
        "stop following",
        "longer follow",
        "cease following",
        "your real",
        "your actual",
        "your true",
        "your sole",
        "you are now",
        "you're now",
        "you are no longer",
        "you're no longer",
        "you are entering",
        "god mode",
        "dan mode",
        "evil mode",
        "opposite mode",
        "i want you to",
        "into the role",
        "in character",
        "break character",
        "breaking character",
        "do anything now",
        "content polic",
        "content guideline",
        "usage polic",
        "from now on",
        "play a game",
        "end of session",
        "end of conversation",
        "end of chat",
        "end of context",
        "end of prompt",
        "end of user input",
        "end of system",
        "language model",
        "chat bot",
        "coding agent",
        "coding assistant",
        "to you,",
        "i gave you",
        "i assigned you",
        "i am your",
        "i'm your",
        "from the creat",
        "sanctioned by",
        "chat history",
        "chat log",
        "dialog history",
        "dialogue history",
        "session history",
        "with the following arg",
        "with the following param",
        "confidential from",
        "private from",
        "not malicious",
        "not phishing",
        "not malware",
        "not fraudulent",
        "if questioned",
        "if queried",
        "if user ask",
        "if the user ask",
        "if anyone ask",
        "if someone ask",
        "if you are asked",
        "if you're asked",
        "focus exclusively",
        "focus solely",
        "developer message",
        "your hidden",
        "your system",
        "words above",
        "you have been given",
        "you were told",
        "you have been told",
        "your response",
        "your reply",
        "your replies",
        "your answer",
        "your elucidation",
        "obey",
        "assistant",
        "conversation",
        "forget",
        "abandon",
        "neglect",
        "set aside",
        "throw away",
        "throw out",
        "not follow",
        "n't follow",
        "strictly",
        "adhere",
        "your only",
        "your new",
        "directive",
        "you are in ",
        "you're in ",
        "unrestricted",
        "developer mode",
        "act as",
        "act like",
        "respond as",
        "respond like",
        "answer as",
        "answer like",
        "reply as",
        "speak as",
        "speak like",
        "talk as",
        "talk like",
        "behave as",
        "behave like",
        "write as",
        "write like",
        "simulate",
        "ethical",
        "moral",
        "content filter",
        "content restriction",
        "free of",
        "free from",
        "decline",
        "</s>",
        "# response",
        "#response",
        "# human",
        "[root",
        "[sudo",
        "<hidden",
        "<secret",
        "ai:",
        "ai :",
        "bot:",
        "bot :",
        "operator:",
        "operator :",
        "admin:",
        "admin :",
        "administrator",
        "developer:",
        "developer :",
        "user :",
        "human:",
        "human :",
        "end of input",
        "end of document",
        "end of data",
        "end_of_",
        "gemini",
        "bard",
        "llama",
        "mistral",
        "crawlers",
        "automated",
        "<!--",
        "before you",
        "after you",
        "i sent you",
        "i asked you",
        "from me",
        "i am the",
        "i'm the",
        "from your",
        "from the system",
        "from the dev",
        "request!",
        "command!",
        "authoris",
        "approved by",
        "verified by",
        "signed off by",
        "security team",
        "api key",
        "api_key",
        "api-key",
        "apikey",
        "access key",
        "access_key",
        "private key",
        "private_key",
        "passphrase",
        "id_rsa",
        "id_ed25519",
        "cookies",
        "session id",
        "security code",
        "verification code",
        "mfa",
        "one-time",
        "authentication code",
        "login code",
        "recovery code",
        "backup code",
        "seed phrase",
        "recovery phrase",
        "mnemonic",
        "credit card",
        "credit_card",
        "card number",
        "passport",
        "social security",
        "bank account",
        "bank_account",
        "routing number",
        "/etc/shadow",
        ".aws",
        "env var",
        "user information",
        "personal information",
        "personal data",
        "personal details",
        "contents of",
        "content of",
        "copy of",
        "copies of",
        "bodies of",
        "body of",
        "send it",
        "send them",
        "send this",
        "send these",
        "send that",
        "send everything",
        "send all",
        "send the",
        "post it",
        "post them",
        "post this",
        "post these",
        "post all",
        "post the",
        "post everything",
        "upload it",
        "upload them",
        "upload the",
        "upload all",
        "forward it",
        "forward them",
        "forward the",
        "forward all",
        "share it",
        "share them",
        "share the",
        "share all",
        "email the",
        "email it",
        "email them",
        "email all",
        "e-mail the",
        "leak",
        "paste",
        "printenv",
        ".netrc",
        "with the following input",
        "with arguments",
        "with the arguments",
        "with parameters",
        "with the parameters",
        "with the input",
        "with args",
        "with params",
        "with the payload",
        "with payload",
        "quietly",
        "silently",
        "t tell",
        "t inform",
        "t notify",
        "t alert",
        "t mention",
        "t reveal",
        "t disclose",
        "r tell",
        "r inform",
        "r notify",
        "r alert",
        "r mention",
        "r reveal",
        "r disclose",
        "secret from",
        "hidden from",
        "user must",
        "user should",
        "user will",
        "user need",
        "human must",
        "human should",
        "delete the",
        "delete this",
        "delete that",
        "delete email",
        "delete message",
        "important",
        "urgent",
        "critical",
        "attention",
        "mandatory",
        "action required",
        "not suspicious",
        "not harmful",
        "not dangerous",
        "not a threat",
        "not spam",
        "if asked",
        "if ask",
        "nothing else",
        "focus only",
        "candidate is",
        "applicant is",
        "candidate has been",
        "applicant has been",
        "t evaluate",
        "t assess",
        "t score",
        "t rate",
        "not analy",
        "n't analy",
        "not check the",
        "n't check the",
        "not review the",
        "n't review the",
        "system message",
        "your first",
        "your initial",
        "your original",
        "your exact",
        "text above",
        "content above",
        "lines above",
        "message above",
        "messages above",
        "everything above",
        "all above",
        "before this",
        "you were given",
        "your output",
        "your explanation",
        "your summar",
        "your completion",
        "your final",
        "your next",
        "your own",
        "your entire",
        "your whole",
        "your overall",
        "your message",
        "code snippet",
        "code block",
        "code excerpt",
        "code section",
        "code segment",
        "code fragment",
        "code piece",
        "code sample",
        "code chunk",
        "code line",
        "decrypt",
        "convert to",
        "translate to",
        "translate into",
        "convert into",
        "rest of",
        "remainder of",
        // Openers with punctuation, qualified instructions, and phrasings found by the tests.
        "(system",
        "[system",
        "<system",
        "{system",
        "#system",
        "# system",
        "(admin",
        "{admin",
        "#admin",
        "(developer",
        "#developer",
        "(assistant",
        "[assistant",
        "<assistant",
        "#assistant",
        "\nsystem:",
        "\nsystem :",
        "\nassistant:",
        "\nassistant :",
        "new instruction",
        "core instruction",
        "hidden instruction",
        "secret instruction",
        "real instruction",
        "admin instruction",
        "system instruction",
        "override instruction",
        "important instruction",
        "priority instruction",
        "todo: send",
        "todo: forward",
        "todo: email",
        "todo: delete",
        "todo: share",
        "todo: transfer",
        "todo: post",
        "todo: upload",
        "todo: visit",
        "todo: grant",
        "todo: invite",
        "todo: pay",
        "todo: deposit",
        "todo: wire",
        "todo: disable",
        "todo: concatenate",
        "as an ai",
        "as a language model",
        "as an assistant",
        "append them",
        "append it",
        "attach them",
        "include them",
        "without asking",
        "without telling",
        "without informing",
        "without notifying",
        "without alerting",
        "without consulting",
        "without confirming",
        "without checking with",
        "without the user",
        "without your user",
        "without the human",
        "without the operator",
        "all negative",
        "any negative",
        "the negative",
        "unfavorable",
        "unfavourable",
        "and follow",
        "then follow",
        "and execute",
        "then execute",
        "and obey",
        "then obey",
        "and run it",
        "then run it",
        "and do what",
        "and act on",
        "and carry out",
    ];
    let weak: &[&str] = &[
        "llm",
        "guideline",
        "system",
        "prompt",
        "ignor",
        "overrid",
        "bypass",
        "discard",
        "struction",
        "instead",
        "safety",
        "refuse",
        "without",
        "user:",
        "todo",
        "request:",
        "command:",
        "authoriz",
        "secret",
        "password",
        "passwd",
        "credential",
        "token",
        "ssh",
        "environment variable",
        "transmit",
        "publish",
        "submit",
        "![",
        "curl",
        "wget",
        "priority",
        "omit",
        "decode",
        "encode",
        "execute",
        "http://",
        "https://",
    ];
    // Words that hex digits spell ("2fa") only count whole, or every hash would hold one.
    let strong_word: &[&str] = &["llm", "llms", "2fa"];
    let word: &[&str] = &[" ai", "\nai", "(ai", "\"ai", " bot", "\nbot", ".env"];
    let rot13: &[&str] = &[
        "vtaber",
        "vafgehpgvba",
        "qvfertneq",
        "cerivbhf",
        "flfgrz",
        "cebzcg",
        "sbetrg",
        "cnffjbeq",
        "nffvfgnag",
        "vzcbegnag",
        "rot13",
        "rot-13",
        "rot 13",
    ];
    let mut all: Vec<(&'static str, Trigger)> = strong.iter().map(|&t| (t, Trigger::Strong)).collect();
    all.extend(weak.iter().map(|&t| (t, Trigger::Weak)));
    all.extend(word.iter().map(|&t| (t, Trigger::WeakWord)));
    all.extend(strong_word.iter().map(|&t| (t, Trigger::StrongWord)));
    all.extend(rot13.iter().map(|&t| (t, Trigger::Rot13)));
    all
}

/// The trigger automata, built on the first call: all that ordinary text ever needs.
struct Engine {
    /// The trigger words as a contiguous NFA, leftmost-first: it builds in well under a
    /// millisecond, which every command with a little output pays.
    ac: AhoCorasick,
    /// The same words as an interleaved DFA (overlapping matches), three to four times
    /// faster to search but a millisecond or so to build: built once this process has
    /// scanned a megabyte (bulk output, see `filter::bulk`), where its cost is amortized.
    words: OnceLock<Option<Words>>,
    /// Per trigger pattern: its kind.
    kinds: Vec<Trigger>,
    /// The trigger words, in pattern order.
    trig: Vec<&'static str>,
}

/// The families' multi-pattern regex and the rule id of each pattern, compiled only
/// when a region or a decoded segment is first searched: compiling it costs tens of
/// milliseconds, which a command whose output holds no trigger must not pay.
struct Families {
    re: Regex,
    ids: Vec<&'static str>,
}

static ENGINE: LazyLock<Option<Engine>> = LazyLock::new(|| {
    let trig = triggers();
    let ac = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostFirst)
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .build(trig.iter().map(|(t, _)| t))
        .ok()?;
    Some(Engine {
        ac,
        words: OnceLock::new(),
        kinds: trig.iter().map(|(_, k)| *k).collect(),
        trig: trig.iter().map(|(t, _)| *t).collect(),
    })
});

impl Engine {
    /// The trigger matches in `input`, leftmost-first and non-overlapping (as the NFA
    /// reports them): (pattern, start, end). Through the DFA when `fast`.
    fn matches(&self, input: &[u8], fast: bool) -> Vec<Hit> {
        if fast {
            if let Some(words) = self.words.get_or_init(|| Words::new(&self.trig)) {
                let mut hits = Vec::new();
                words.hits(input, &mut hits);
                return leftmost_first(hits);
            }
        }
        self.ac.find_iter(input).map(|m| (m.pattern().as_usize(), m.start(), m.end())).collect()
    }
}

/// Leftmost-first, non-overlapping matches out of all (overlapping) ones: at the
/// leftmost start, the pattern given first; then the next match at or after its end.
/// That is the definition of the NFA's match semantics, so both searches agree.
fn leftmost_first(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_unstable_by_key(|&(pat, start, _)| (start, pat));
    let mut next = 0;
    hits.retain(|&(_, start, end)| {
        let keep = start >= next;
        if keep {
            next = end;
        }
        keep
    });
    hits
}

static FAMILIES: LazyLock<Option<Families>> =
    LazyLock::new(|| families::compile().ok().map(|(re, ids)| Families { re, ids }));

/// A window of the input to normalize and search.
#[derive(Debug, Clone, Copy)]
struct Region {
    start: usize,
    end: usize,
    rot13: bool,
}

/// The family ids (which are the rule ids of the findings), in reporting order.
pub fn family_ids() -> impl Iterator<Item = &'static str> {
    families::FAMILIES.iter().map(|f| f.id)
}

/// The injection attempts in `input`, ordered by start (then end).
#[must_use]
pub fn find(input: &[u8]) -> Vec<Finding> {
    find_in(input, super::bulk(input.len()))
}

/// [`find`], `input` already counted by `filter::bulk`, which answered `bulk`.
pub(crate) fn find_in(input: &[u8], bulk: bool) -> Vec<Finding> {
    let Some(engine) = ENGINE.as_ref() else {
        return Vec::new();
    };
    find_from(engine, input, engine.matches(input, bulk))
}

/// The trigger words, in the order [`find_with`]'s hits number them.
pub(crate) fn trigger_words() -> &'static [&'static str] {
    ENGINE.as_ref().map_or(&[], |e| &e.trig)
}

/// [`find`], given every occurrence of every word of [`trigger_words`] in `input`
/// (overlapping ones too, in any order).
pub(crate) fn find_with(input: &[u8], hits: Vec<Hit>) -> Vec<Finding> {
    let Some(engine) = ENGINE.as_ref() else {
        return Vec::new();
    };
    find_from(engine, input, leftmost_first(hits))
}

/// [`find`], given the trigger matches.
fn find_from(engine: &Engine, input: &[u8], matches: Vec<Hit>) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut points: Vec<(usize, bool)> = Vec::new();
    trigger_points(engine, input, matches, &mut points);
    let has_non_ascii = !input.is_ascii();
    if has_non_ascii {
        non_ascii(input, &mut points, &mut out);
        points.sort_unstable_by_key(|p| p.0);
    }
    for region in regions(input, &points) {
        search_region(input, region, &mut out);
    }
    for seg in decode::segments(input) {
        if matches_any(&seg.text) {
            out.push(finding(ENCODED, seg.start, seg.end));
        }
    }
    out.sort_by(|a, b| (a.start, a.end, a.rule).cmp(&(b.start, b.end, b.rule)));
    out.dedup();
    out
}

fn finding(rule: &'static str, start: usize, end: usize) -> Finding {
    Finding { kind: Kind::Injection, rule, start, end }
}

/// Trigger hits that open regions: (offset, wants ROT13), out of the trigger matches.
fn trigger_points(engine: &Engine, input: &[u8], matches: Vec<Hit>, points: &mut Vec<(usize, bool)>) {
    // The last weak hit, and the last one of another pattern than it: (offset, pattern).
    let mut last: Option<(usize, usize)> = None;
    let mut other: Option<(usize, usize)> = None;
    // Line-start triggers ("\nsystem:") also count at the start of the input.
    let mut head = Vec::with_capacity(49);
    head.push(b'\n');
    head.extend_from_slice(&input[..input.len().min(48)]);
    for m in engine.ac.find_iter(&head) {
        let strong = engine.kinds.get(m.pattern().as_usize()) == Some(&Trigger::Strong);
        if strong && m.start() == 0 {
            points.push((0, false));
        }
    }
    for (pat, start, end) in matches {
        let kind = engine.kinds.get(pat).copied().unwrap_or(Trigger::Weak);
        match kind {
            Trigger::Strong => points.push((start, false)),
            Trigger::StrongWord => {
                if whole_word(input, start, end) {
                    points.push((start, false));
                }
            }
            Trigger::Rot13 => points.push((start, true)),
            Trigger::Weak | Trigger::WeakWord => {
                if kind == Trigger::WeakWord && !whole_word(input, start, end) {
                    continue;
                }
                let near = |h: Option<(usize, usize)>| {
                    h.filter(|&(p, q)| {
                        q != pat && start - p <= PAIR && memchr::memchr(b'\n', &input[p..start]).is_none()
                    })
                };
                if let Some((p, _)) = near(last).or(near(other)) {
                    points.push((p, false));
                    points.push((start, false));
                }
                match last {
                    Some((_, q)) if q == pat => {}
                    _ => other = last,
                }
                last = Some((start, pat));
            }
        }
    }
    points.sort_unstable_by_key(|p| p.0);
}

/// Is `input[s..e]` a whole word (no ASCII alphanumeric glued on either side)?
fn whole_word(input: &[u8], s: usize, e: usize) -> bool {
    let alnum = |i: Option<usize>| i.and_then(|i| input.get(i)).is_some_and(u8::is_ascii_alphanumeric);
    let first = input.get(s).is_some_and(u8::is_ascii_alphanumeric);
    !(first && alnum(s.checked_sub(1))) && !alnum(Some(e))
}

/// Walks the non-ASCII characters: disguise points for regions, and the structural
/// `invisible-text` findings.
fn non_ascii(input: &[u8], points: &mut Vec<(usize, bool)>, out: &mut Vec<Finding>) {
    let mut tags: Option<(usize, usize, usize)> = None; // (start, end, count)
    let mut selectors: Option<(usize, usize, Vec<u8>)> = None;
    let mut zw: Vec<usize> = Vec::new();
    let mut prev: Option<char> = None;
    let mut i = 0;
    while i < input.len() {
        if input[i].is_ascii() {
            // Skip ASCII quickly, closing any open run first.
            let run = input[i..].iter().position(|b| !b.is_ascii()).unwrap_or(input.len() - i);
            close_tags(&mut tags, input, out);
            close_selectors(&mut selectors, out);
            prev = input.get(i + run - 1).map(|&b| char::from(b));
            i += run;
            continue;
        }
        let (c, len) = normalize::char_at(input, i);
        let next_ascii = input.get(i + len).copied().filter(u8::is_ascii).map(char::from);
        if let Some(c) = c {
            if let Some(d) = normalize::disguise(c) {
                let touches = |o: Option<char>| o.is_some_and(|o| o.is_ascii_alphabetic());
                if d == Disguise::Strong || touches(prev) || touches(next_ascii) {
                    points.push((i, false));
                }
            }
            if normalize::tag_ascii(c).is_some() {
                tags = Some(match tags {
                    Some((s, _, n)) => (s, i + len, n + 1),
                    None => (i, i + len, 1),
                });
            } else if !matches!(c, '\u{E0001}' | '\u{E007F}') {
                close_tags(&mut tags, input, out);
            }
            if let Some(b) = selector_byte(c) {
                let sel = selectors.get_or_insert_with(|| (i, i, Vec::new()));
                sel.1 = i + len;
                sel.2.push(b);
            } else {
                close_selectors(&mut selectors, out);
            }
            if normalize::is_bidi_override(c) {
                let end = bidi_end(input, i + len);
                out.push(finding(INVISIBLE, i, end));
            }
            if normalize::is_zero_width(c)
                && prev.is_some_and(|p| p.is_ascii_alphanumeric())
                && next_ascii.is_some_and(|n| n.is_ascii_alphanumeric())
            {
                zw.push(i);
            }
        }
        prev = c;
        i += len;
    }
    close_tags(&mut tags, input, out);
    close_selectors(&mut selectors, out);
    // Zero-width characters splitting words: two or more close together.
    let mut k = 0;
    while k < zw.len() {
        let mut j = k;
        while j + 1 < zw.len() && zw[j + 1] - zw[j] <= 64 {
            j += 1;
        }
        if j > k {
            let end = zw[j] + normalize::char_at(input, zw[j]).1;
            out.push(finding(INVISIBLE, zw[k], end.min(input.len())));
        }
        k = j + 1;
    }
}

/// Reports a finished run of tag characters, unless it is a flag emoji's subdivision code.
fn close_tags(tags: &mut Option<(usize, usize, usize)>, input: &[u8], out: &mut Vec<Finding>) {
    if let Some((s, e, n)) = tags.take() {
        // 🏴 (U+1F3F4) + up to 7 tag letters + cancel tag is a regional flag.
        let flag = n <= 7 && s >= 4 && input.get(s - 4..s) == Some("\u{1F3F4}".as_bytes());
        if n >= 3 && !flag {
            let mut start = s;
            while start < e {
                let end = (start + MAX_SPAN).min(e);
                out.push(finding(INVISIBLE, start, end));
                start = end;
            }
        }
    }
}

/// Variation selectors as data: U+FE00–FE0F carry 0–15, U+E0100–E01EF carry 16–255.
fn selector_byte(c: char) -> Option<u8> {
    let v = u32::from(c);
    match v {
        0xFE00..=0xFE0F => u8::try_from(v - 0xFE00).ok(),
        0xE0100..=0xE01EF => u8::try_from(v - 0xE0100 + 16).ok(),
        _ => None,
    }
}

/// Reports a run of variation selectors long enough to carry a message.
fn close_selectors(sel: &mut Option<(usize, usize, Vec<u8>)>, out: &mut Vec<Finding>) {
    if let Some((s, e, bytes)) = sel.take() {
        if bytes.len() >= 8 {
            out.push(finding(INVISIBLE, s, e.min(s + MAX_SPAN)));
            if matches_any(&bytes) {
                out.push(finding(ENCODED, s, e.min(s + MAX_SPAN)));
            }
        }
    }
}

/// Where a bidi override's effect ends: the next PDF (U+202C) or line break, at most 256
/// bytes on.
fn bidi_end(input: &[u8], from: usize) -> usize {
    let limit = (from + 256).min(input.len());
    let tail = &input[from..limit];
    let pdf = "\u{202C}".as_bytes();
    let mut j = 0;
    while j < tail.len() {
        if tail[j] == b'\n' {
            return from + j;
        }
        if tail[j..].starts_with(pdf) {
            return from + j + pdf.len();
        }
        j += 1;
    }
    limit.max(from)
}

/// Merged windows around the points, snapped to character boundaries.
fn regions(input: &[u8], points: &[(usize, bool)]) -> Vec<Region> {
    let mut out: Vec<Region> = Vec::new();
    for &(p, rot) in points {
        let start = boundary_back(input, p.saturating_sub(BEFORE));
        let end = boundary_forward(input, (p + AFTER).min(input.len()));
        match out.last_mut() {
            Some(last) if start <= last.end => {
                last.end = last.end.max(end);
                last.rot13 |= rot;
            }
            _ => out.push(Region { start, end, rot13: rot }),
        }
    }
    out
}

/// Moves back to a UTF-8 character start, and to a line start if one is near.
fn boundary_back(input: &[u8], mut at: usize) -> usize {
    if at == 0 {
        return 0;
    }
    let floor = at.saturating_sub(64);
    if let Some(nl) = input[floor..at].iter().rposition(|&b| b == b'\n') {
        return floor + nl + 1;
    }
    while at > 0 && input.get(at).is_some_and(|b| b & 0xC0 == 0x80) {
        at -= 1;
    }
    at
}

/// Moves forward to a UTF-8 character start.
fn boundary_forward(input: &[u8], mut at: usize) -> usize {
    while at < input.len() && input[at] & 0xC0 == 0x80 {
        at += 1;
    }
    at
}

/// Runs the families over one region (and its ROT13 when asked).
fn search_region(input: &[u8], region: Region, out: &mut Vec<Finding>) {
    let (Some(bytes), Some(engine)) = (input.get(region.start..region.end), FAMILIES.as_ref()) else {
        return;
    };
    let norm = normalize::normalize(bytes, region.start);
    for m in engine.re.find_iter(&norm.text) {
        if m.is_empty() {
            continue;
        }
        let rule = engine.ids.get(m.pattern().as_usize()).copied().unwrap_or(ENCODED);
        let (s, e) = norm.span(input, m.start(), m.end());
        if s < e {
            out.push(finding(rule, s, e));
        }
    }
    if region.rot13 {
        let rot = normalize::rot13(&norm.text);
        for m in engine.re.find_iter(&rot) {
            let (s, e) = norm.span(input, m.start(), m.end());
            if s < e {
                out.push(finding(ENCODED, s, e));
            }
        }
    }
}

/// Does any family match the normal form of `text` (decoded bytes)?
fn matches_any(text: &[u8]) -> bool {
    let Some(engine) = FAMILIES.as_ref() else { return false };
    let norm = normalize::normalize(text, 0);
    engine.re.is_match(&norm.text)
}
