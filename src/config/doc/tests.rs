//! `doc::parse` against `toml::de::DeTable`: the same documents refused, the same values
//! and spans built.

use std::collections::BTreeMap;

use proptest::prelude::*;
use toml::de::{DeTable, DeValue};

use super::{parse, Item, Table, Value};

/// A value with its span and, for tables, keys sorted with their spans.
#[derive(Debug, PartialEq)]
enum Canon {
    Str(String),
    Int(String, u32),
    Float(String),
    Bool(bool),
    Datetime(String),
    Array(Vec<(Canon, std::ops::Range<usize>)>),
    Table(BTreeMap<String, (std::ops::Range<usize>, Canon, std::ops::Range<usize>)>),
}

fn ours(item: &Item<'_>) -> Canon {
    match &item.value {
        Value::String(s) => Canon::Str(s.to_string()),
        Value::Integer(d, r) => Canon::Int(d.to_string(), *r),
        Value::Float(f) => Canon::Float(f.to_string()),
        Value::Boolean(b) => Canon::Bool(*b),
        Value::Datetime(d) => {
            Canon::Datetime(d.parse::<toml::value::Datetime>().map_or(d.to_string(), |d| d.to_string()))
        }
        Value::Array(_) => {
            Canon::Array(item.value.as_array().unwrap_or_default().iter().map(|i| (ours(i), i.span.clone())).collect())
        }
        Value::Table(t) => ours_table(t),
    }
}

fn ours_table(t: &Table<'_>) -> Canon {
    Canon::Table(t.iter().map(|(k, v)| (k.name.to_string(), (k.span.clone(), ours(v), v.span.clone()))).collect())
}

fn theirs(v: &DeValue<'_>) -> Canon {
    match v {
        DeValue::String(s) => Canon::Str(s.to_string()),
        DeValue::Integer(i) => Canon::Int(i.as_str().to_string(), i.radix()),
        DeValue::Float(f) => Canon::Float(f.as_str().to_string()),
        DeValue::Boolean(b) => Canon::Bool(*b),
        DeValue::Datetime(d) => Canon::Datetime(d.to_string()),
        DeValue::Array(a) => Canon::Array(a.iter().map(|i| (theirs(i.get_ref()), i.span())).collect()),
        DeValue::Table(t) => theirs_table(t),
    }
}

fn theirs_table(t: &DeTable<'_>) -> Canon {
    Canon::Table(t.iter().map(|(k, v)| (k.get_ref().to_string(), (k.span(), theirs(v.get_ref()), v.span()))).collect())
}

/// Both parsers on `text`: whether each refused it, and (when both accept) the trees.
fn compare(text: &str) -> Result<(), TestCaseError> {
    let (table, errors) = parse(text);
    let (de, de_errors) = DeTable::parse_recoverable(text);
    prop_assert_eq!(errors.is_empty(), de_errors.is_empty(), "{:?}\nours: {:?}\ntheirs: {:?}", text, errors, de_errors);
    let theirs_msgs: Vec<String> = de_errors.iter().map(|e| e.message().to_string()).collect();
    let ours_msgs: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
    prop_assert_eq!(&ours_msgs, &theirs_msgs, "{:?}", text);
    if errors.is_empty() {
        prop_assert_eq!(ours_table(&table), theirs_table(de.get_ref()), "{:?}", text);
    }
    Ok(())
}

const LINES: &[&str] = &[
    "a = 1",
    "b = \"two\"",
    "c = 'lit'",
    "a.b = true",
    "a.c = 0x1F",
    "b.c.d = 1_000",
    "\"q k\" = 2.5",
    "'x y'.z = -3",
    "e = 1979-05-27T07:32:00Z",
    "f = 1979-13-27",
    "g = [1, \"x\", [2, 3], { h = 1 }]",
    "h = { i = 1, j.k = 2 }",
    "h = { i = 1, i = 2 }",
    "i = { a.b = 1, a.c = 2 }",
    "j = { a = { b = 1 }, a.c = 2 }",
    "k = [\n  1,\n  2, # note\n]",
    "l = \"\"\"\nmulti\nline\"\"\"",
    "m = \"esc\\tape \\u00e9\"",
    "[a]",
    "[a.b]",
    "[b]",
    "[b.c]",
    "[h]",
    "[h.x]",
    "[g.x]",
    "[[r]]",
    "[[r.s]]",
    "[r.t]",
    "[[a]]",
    "[ a . b ]",
    "[\"a\".'b']",
    "# a comment",
    "",
    "= 1",
    "[a",
    "n = ",
    "o = \"unterminated",
    "p = [1, 2",
    "q = inf",
    "s = 1e10",
    "t = 07:32:00",
    "u = {}",
    "v = []",
    "w = \"bell\\a\"",
    "r.x = 1",
    "x = 00",
    "y = \"tab\there\"",
    "z = 'back\\slash'",
    "\"é\" = \"ünï\"",
    "'' = ''",
    "\"\" = \"\"",
    "ctl = \"a\u{7f}b\"",
    "ctl2 = 'a\u{1}b'",
    "key-with_dash = \"\"\"\"\"\"",
    "é = 1",
    "\"a\\\"b\" = 2",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn same_as_toml_on_documents(lines in prop::collection::vec(prop::sample::select(LINES), 0..12)) {
        compare(&lines.join("\n"))?;
    }

    #[test]
    fn same_as_toml_on_arbitrary_text(text in "[\\[\\]{}=.,\"'a-c0-2 \n#\\\\\t\u{7f}\u{1}é_-]{0,40}") {
        compare(&text)?;
    }
}

#[test]
fn policy_files_read_the_same() {
    for (_, text) in crate::config::PROFILES {
        compare(text).expect("profile");
    }
    compare(
        "[[rule]]\nid = \"x\"\ncommand = [\"git\", \"push\"]\ndecision = \"ask\"\n[permissions]\nread = \"allow\"\n",
    )
    .expect("policy");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for text in ["a = ".to_string() + &"[".repeat(100_000), "a = ".to_string() + &"{b=".repeat(100_000)] {
        let (_, errors) = parse(&text);
        assert!(!errors.is_empty());
    }
    let dotted = format!("{} = 1", vec!["k"; 200].join("."));
    assert!(parse(&dotted).1.iter().any(|e| e.message == "recursion limit"));
}

#[test]
fn large_tables_find_duplicates() {
    let mut text: String = (0..1000).map(|i| format!("k{i} = {i}\n")).collect();
    let (table, errors) = parse(&text);
    assert!(errors.is_empty() && table.len() == 1000);
    assert_eq!(table.get("k999").and_then(|i| i.value.as_integer()), Some(("999", 10)));
    text.push_str("k500 = 1\n[k7]\n");
    let (_, errors) = parse(&text);
    assert_eq!(errors.iter().filter(|e| e.message == "duplicate key").count(), 2, "{errors:?}");
}

#[test]
fn entries_keep_file_order() {
    let (table, errors) = parse("z = 1\na = 2\n[m]\n[b]\n");
    assert!(errors.is_empty());
    let keys: Vec<&str> = table.iter().map(|(k, _)| &*k.name).collect();
    assert_eq!(keys, ["z", "a", "m", "b"]);
}
