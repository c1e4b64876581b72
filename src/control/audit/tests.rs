//! Tests of the audit log: round trips, rotation, concurrent writers, crash states,
//! unwritable logs, and tampering (every record of a small log, every way).

use std::collections::HashMap;
use std::path::Path;

use serde_json::json;

use super::*;

fn key() -> Key {
    Key::from_bytes([42; crate::control::key::LEN])
}

fn opts(max_bytes: u64) -> Options {
    Options { max_bytes, fsync: false }
}

fn fields(id: &str, command: &str) -> Map<String, Value> {
    let v = json!({
        "id": id,
        "kind": "decision",
        "cwd": "/work/repo",
        "command": command,
        "decision": "allow",
        "reasons": [{"layer": "guard", "code": "G001", "reason": "read-only"}],
        "decided_by": "policy",
    });
    match v {
        Value::Object(m) => m,
        _ => unreachable!("an object literal"),
    }
}

/// Appends records `from..=to` with ids `rNN` and commands `echo NN`.
fn fill(log: &Log, from: u64, to: u64) {
    for i in from..=to {
        assert_eq!(log.append(fields(&format!("r{i:02}"), &format!("echo {i:02}"))).expect("append"), i);
    }
}

fn ids(records: &[Value]) -> Vec<String> {
    records.iter().map(|r| r["id"].as_str().expect("id").to_string()).collect()
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("audit.") && n.ends_with(".jsonl"))
        .collect();
    v.sort();
    v
}

#[test]
fn records_round_trip_and_chain() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = Log::at(dir.path(), key(), Options::default());
    assert_eq!(log.verify(), Ok(Summary { records: 0, files: 0, first_seq: 0, last_seq: 0 }));
    assert!(log.tail(5).expect("tail").is_empty());
    fill(&log, 1, 3);
    assert_eq!(log.append(Map::new()).expect("no fields"), 4);
    let mut odd = fields("odd", "printf 'a\\nb' | grep \"x\" # é ✓ \u{202e}");
    odd.insert("exit".into(), json!(-1));
    odd.insert("duration_ms".into(), json!(12.5));
    assert_eq!(log.append(odd.clone()).expect("odd"), 5);
    assert_eq!(log.verify(), Ok(Summary { records: 5, files: 1, first_seq: 1, last_seq: 5 }));

    let text = std::fs::read_to_string(dir.path().join(LOG)).expect("read");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5);
    assert!(lines[0].starts_with(r#"{"seq":1,"time":""#), "{}", lines[0]);
    assert!(
        lines[3].starts_with(r#"{"seq":4,"time":""#)
            && lines[3].contains(&format!(r#""prev":"{}","mac":""#, sha256_hex(lines[2].as_bytes()))),
        "{}",
        lines[3]
    );
    let first: Value = serde_json::from_str(lines[0]).expect("json");
    assert_eq!(first["prev"], ZERO);
    let time = first["time"].as_str().expect("time");
    assert_eq!(time.len(), 24, "{time}");
    assert!(crate::config::grant::is_utc(&format!("{}Z", &time[..19])) && time.as_bytes()[19] == b'.', "{time}");
    for (i, l) in lines.iter().enumerate().skip(1) {
        let v: Value = serde_json::from_str(l).expect("json");
        assert_eq!(v["prev"], sha256_hex(lines[i - 1].as_bytes()));
        assert!(l.ends_with(&format!(r#","mac":"{}"}}"#, v["mac"].as_str().expect("mac"))));
    }
    let head = std::fs::read(dir.path().join(HEAD)).expect("head");
    assert_eq!(head.len(), HEAD_LEN);
    assert_eq!(
        Head::decode(&key(), &head),
        Ok(Head { seq: 5, hash: sha256_hex(lines[4].as_bytes()), size: text.len() as u64 })
    );

    let last = log.tail(3).expect("tail");
    assert_eq!((&last[0]["id"], &last[1]["seq"], &last[2]["id"]), (&json!("r03"), &json!(4), &json!("odd")));
    assert_eq!(log.tail(99).expect("tail").len(), 5);
    let found = log.find("odd").expect("find");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["command"], odd["command"]);
    assert_eq!(found[0]["exit"], -1);
    assert_eq!(log.find("r02").expect("find")[0]["command"], "echo 02");
    assert!(log.find("r0").expect("find").is_empty(), "whole ids only");
}

#[test]
fn reserved_fields_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = Log::at(dir.path(), key(), Options::default());
    for k in RESERVED {
        let mut f = fields("x", "true");
        f.insert(k.to_string(), json!(1));
        assert_eq!(log.append(f).expect_err(k).kind(), io::ErrorKind::InvalidInput);
    }
    assert!(!dir.path().join(LOG).exists(), "nothing written");
}

#[test]
fn rotation_keeps_the_chain_across_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = Log::at(dir.path(), key(), opts(2000));
    fill(&log, 1, 40);
    let names = file_names(dir.path());
    assert!(names.len() > 3, "{names:?}");
    assert_eq!(names.last().map(String::as_str), Some(LOG));
    assert_eq!(names[0], "audit.00000000000000000001.jsonl");
    let mut prev_last: Option<String> = None;
    for n in &names {
        let text = std::fs::read_to_string(dir.path().join(n)).expect("read");
        assert!(text.len() <= 2000, "{n}: {}", text.len());
        let first: Value = serde_json::from_str(text.lines().next().expect("a line")).expect("json");
        if let Some(seq) = read::rotated_seq(n) {
            assert_eq!(first["seq"], seq, "{n} is named after its first record");
        }
        if let Some(p) = &prev_last {
            assert_eq!(first["prev"], sha256_hex(p.as_bytes()), "{n} continues the chain");
        }
        prev_last = text.lines().last().map(str::to_string);
    }
    assert_eq!(log.verify(), Ok(Summary { records: 40, files: names.len(), first_seq: 1, last_seq: 40 }));
    // Across rotation: tail and find reach into the older files.
    let all = log.tail(40).expect("tail");
    assert_eq!(ids(&all), (1..=40).map(|i| format!("r{i:02}")).collect::<Vec<_>>());
    assert_eq!(ids(&log.tail(15).expect("tail")), (26..=40).map(|i| format!("r{i:02}")).collect::<Vec<_>>());
    assert_eq!(log.find("r01").expect("find")[0]["seq"], 1);
    assert_eq!(log.find("r40").expect("find")[0]["seq"], 40);

    // A record larger than the limit gets a file of its own, and the chain goes on.
    let big = "x".repeat(5000);
    assert_eq!(log.append(fields("big", &big)).expect("big"), 41);
    fill(&log, 42, 43);
    assert_eq!(log.find("big").expect("find")[0]["command"], big.as_str());
    assert!(file_names(dir.path()).contains(&read::rotated_name(41)));
    assert_eq!(log.verify().map(|s| s.last_seq), Ok(43));
}

#[test]
fn concurrent_writers_are_serialized() {
    const THREADS: usize = 8;
    const EACH: usize = 250;
    let dir = tempfile::tempdir().expect("tempdir");
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            // Each writer has its own Log and so its own descriptors: flock, not a
            // mutex in this process, is what serializes them.
            let log = Log::at(dir.path(), key(), opts(64 << 10));
            std::thread::spawn(move || {
                for i in 0..EACH {
                    log.append(fields(&format!("t{t}-{i}"), "true")).expect("append");
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("join");
    }
    let log = Log::at(dir.path(), key(), Options::default());
    let s = log.verify().expect("verify");
    assert_eq!((s.records, s.first_seq, s.last_seq), (2000, 1, 2000));
    assert!(s.files > 1, "rotated under contention: {s:?}");
    let all = log.tail(usize::MAX).expect("tail");
    assert_eq!(all.len(), 2000);
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, r) in all.iter().enumerate() {
        assert_eq!(r["seq"], i as u64 + 1);
        *seen.entry(r["id"].as_str().expect("id").to_string()).or_default() += 1;
    }
    for t in 0..THREADS {
        for i in 0..EACH {
            assert_eq!(seen.get(&format!("t{t}-{i}")), Some(&1), "t{t}-{i}");
        }
    }
}

#[test]
fn an_unwritable_log_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = Log::at(dir.path(), key(), Options::default());
    fill(&log, 1, 2);
    std::fs::remove_file(dir.path().join(LOG)).expect("rm");
    std::fs::create_dir(dir.path().join(LOG)).expect("a directory in its place");
    assert!(log.append(fields("x", "true")).is_err());

    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join(HEAD)).expect("a directory for the head");
    assert!(Log::at(dir.path(), key(), Options::default()).append(fields("x", "true")).is_err());

    let gone = Log::at(dir.path().join("missing"), key(), Options::default());
    assert!(gone.append(fields("x", "true")).is_err());

    if !nix::unistd::geteuid().is_root() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let log = Log::at(dir.path(), key(), Options::default());
        fill(&log, 1, 1);
        std::fs::set_permissions(dir.path().join(LOG), std::fs::Permissions::from_mode(0o400)).expect("chmod");
        assert!(log.append(fields("x", "true")).is_err());
    }
}

#[test]
fn a_damaged_or_missing_head_stops_appends() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = Log::at(dir.path(), key(), Options::default());
    fill(&log, 1, 2);
    let head = dir.path().join(HEAD);
    let good = std::fs::read(&head).expect("head");
    std::fs::write(&head, good.to_ascii_uppercase()).expect("write");
    assert!(log.append(fields("x", "true")).expect_err("damaged").to_string().contains("damaged"));
    std::fs::remove_file(&head).expect("rm");
    assert!(log.append(fields("x", "true")).expect_err("missing").to_string().contains("missing"));
    let other = Log::at(dir.path(), Key::from_bytes([1; crate::control::key::LEN]), Options::default());
    std::fs::write(&head, &good).expect("restore");
    assert!(other.append(fields("x", "true")).is_err(), "another key's head");
    assert_eq!(log.append(fields("x", "true")).expect("restored"), 3);
}

#[test]
fn an_append_that_died_before_its_head_is_rolled_forward() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = Log::at(dir.path(), key(), Options::default());
    let head = dir.path().join(HEAD);
    // Died after writing the very first record: the head is the empty one.
    std::fs::write(&head, Head::empty().encode(&key())).expect("empty head");
    fill(&log, 1, 1);
    std::fs::write(&head, Head::empty().encode(&key())).expect("empty head");
    assert_eq!(log.verify().map(|s| s.last_seq), Ok(1));
    fill(&log, 2, 5);
    // Died after writing record 6.
    let before = std::fs::read(&head).expect("head");
    fill(&log, 6, 6);
    std::fs::write(&head, &before).expect("old head");
    assert_eq!(log.verify().map(|s| s.last_seq), Ok(6), "one record past the head is an interrupted append");
    fill(&log, 7, 7);
    assert_eq!(log.verify().map(|s| s.last_seq), Ok(7));
    // Two records past the head is not a crash.
    let before = std::fs::read(&head).expect("head");
    fill(&log, 8, 9);
    std::fs::write(&head, &before).expect("old head");
    assert!(matches!(log.verify(), Err(Broken { why: Why::HeadMismatch { head_seq: 7, last_seq: 9 }, .. })));
}

#[test]
fn a_rotation_that_died_half_way_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = Log::at(dir.path(), key(), opts(1500));
    fill(&log, 1, 3);
    let head_path = dir.path().join(HEAD);
    let read_head = || Head::decode(&key(), &std::fs::read(&head_path).expect("head")).expect("head");
    // Died right after renaming audit.jsonl: no current file, the head still has its size.
    std::fs::rename(dir.path().join(LOG), dir.path().join(read::rotated_name(1))).expect("rename");
    assert_eq!(log.verify().map(|s| s.last_seq), Ok(3));
    fill(&log, 4, 4);
    assert_eq!(log.verify().map(|s| (s.last_seq, s.files)), Ok((4, 2)));
    // Died after the rotation's head (size 0) and the new file's first record, before
    // the head that names it.
    let h = read_head();
    std::fs::rename(dir.path().join(LOG), dir.path().join(read::rotated_name(4))).expect("rename");
    std::fs::write(&head_path, Head { size: 0, ..h.clone() }.encode(&key())).expect("head");
    let line = log.compose(5, &h.hash, &serde_json::to_string(&fields("r05", "echo 05")).expect("json"));
    std::fs::write(dir.path().join(LOG), format!("{line}\n")).expect("write");
    assert_eq!(log.verify().map(|s| s.last_seq), Ok(5));
    fill(&log, 6, 6);
    assert_eq!(log.verify().map(|s| (s.last_seq, s.files)), Ok((6, 3)));
    assert_eq!(ids(&log.tail(6).expect("tail")), ["r01", "r02", "r03", "r04", "r05", "r06"]);
}

#[test]
fn what_follows_a_cut_short_write_stays_visible() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = Log::at(dir.path(), key(), Options::default());
    fill(&log, 1, 3);
    let path = dir.path().join(LOG);
    let mut f = OpenOptions::new().append(true).open(&path).expect("open");
    f.write_all(br#"{"seq":4,"ti"#).expect("partial");
    drop(f);
    assert!(matches!(log.verify(), Err(Broken { line: 4, why: Why::Incomplete, .. })));
    assert_eq!(log.append(fields("r04", "echo 04")).expect("append"), 4, "continues from the head");
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.lines().nth(4).expect("line 5").starts_with(r#"{"seq":4,"#), "on a line of its own");
    assert!(matches!(log.verify(), Err(Broken { line: 4, why: Why::Json(_), .. })), "the fragment is reported");
}

#[test]
fn records_cut_from_the_end_stay_missing_after_the_next_append() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = Log::at(dir.path(), key(), Options::default());
    fill(&log, 1, 8);
    let path = dir.path().join(LOG);
    let text = std::fs::read_to_string(&path).expect("read");
    let kept: String = text.lines().take(5).map(|l| format!("{l}\n")).collect();
    std::fs::write(&path, kept).expect("truncate");
    assert_eq!(log.append(fields("r09", "echo 09")).expect("append"), 9);
    let b = log.verify().expect_err("a hole");
    assert_eq!((b.line, b.seq, b.why.clone()), (6, Some(9), Why::Seq { expected: 6, found: 9 }), "{b}");
    assert_eq!(
        b.to_string(),
        format!("{}:6: record 9: expected record 6 here: records 6..8 are missing or out of order", path.display())
    );
}

/// A file of the log as lines (without newlines).
#[derive(Clone)]
struct Stored {
    name: String,
    lines: Vec<Vec<u8>>,
}

/// The log's files as lines, oldest first, and the head's bytes.
fn load(dir: &Path) -> (Vec<Stored>, Vec<u8>) {
    let files = file_names(dir)
        .into_iter()
        .map(|name| {
            let bytes = std::fs::read(dir.join(&name)).expect("read");
            let lines = bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()).map(<[u8]>::to_vec).collect();
            Stored { name, lines }
        })
        .collect();
    (files, std::fs::read(dir.join(HEAD)).expect("head"))
}

/// Replaces the log in `dir` with `files` and `head` (none when `None`), and verifies it.
fn check(dir: &Path, files: &[Stored], head: Option<&[u8]>) -> Result<Summary, Broken> {
    for n in file_names(dir) {
        std::fs::remove_file(dir.join(n)).expect("rm");
    }
    let _ = std::fs::remove_file(dir.join(HEAD));
    for f in files {
        let mut bytes = Vec::new();
        for l in &f.lines {
            bytes.extend_from_slice(l);
            bytes.push(b'\n');
        }
        std::fs::write(dir.join(&f.name), bytes).expect("write");
    }
    if let Some(h) = head {
        std::fs::write(dir.join(HEAD), h).expect("head");
    }
    Log::at(dir, key(), Options::default()).verify()
}

/// Whether `b` names record `k` as missing or out of place.
fn names_missing(b: &Broken, k: u64) -> bool {
    match b.why {
        Why::Seq { expected, .. } | Why::FileStart { expected, .. } => expected == k,
        Why::HeadMismatch { head_seq, last_seq } => last_seq < k && k <= head_seq,
        _ => false,
    }
}

#[test]
fn tampering_with_any_record_is_found() {
    let orig = tempfile::tempdir().expect("tempdir");
    let probe = tempfile::tempdir().expect("tempdir");
    fill(&Log::at(probe.path(), key(), Options::default()), 1, 1);
    let line_len = std::fs::metadata(probe.path().join(LOG)).expect("meta").len();
    // Four records to a file: 12 records make two rotated files and audit.jsonl.
    let log = Log::at(orig.path(), key(), opts(4 * line_len + line_len / 2));
    fill(&log, 1, 12);
    let (files, head) = load(orig.path());
    assert_eq!(files.iter().map(|f| f.lines.len()).collect::<Vec<_>>(), [4, 4, 4]);
    let scratch = tempfile::tempdir().expect("tempdir");
    let dir = scratch.path();
    assert_eq!(check(dir, &files, Some(&head)).map(|s| (s.records, s.files)), Ok((12, 3)));

    let at: Vec<(usize, usize)> =
        (0..files.len()).flat_map(|f| (0..files[f].lines.len()).map(move |l| (f, l))).collect();
    for (i, &(f, l)) in at.iter().enumerate() {
        let k = i as u64 + 1;
        let line = &files[f].lines[l];
        let here = |b: &Broken| b.file == dir.join(&files[f].name) && b.line == l + 1;

        // Every byte of the record, changed (only its file is rewritten each time).
        check(dir, &files, Some(&head)).expect("reset");
        let original = std::fs::read(dir.join(&files[f].name)).expect("read");
        let start: usize = files[f].lines[..l].iter().map(|x| x.len() + 1).sum();
        for pos in 0..line.len() {
            let mut bytes = original.clone();
            bytes[start + pos] ^= 1;
            std::fs::write(dir.join(&files[f].name), bytes).expect("write");
            let b = Log::at(dir, key(), Options::default()).verify().expect_err("edited");
            assert!(here(&b) && matches!(b.why, Why::Mac(_) | Why::Json(_)), "record {k} byte {pos}: {b}");
        }
        // One byte of a caller field: the MAC fails and the seq is still named.
        let mut t = files.clone();
        let pos = line.windows(5).position(|w| w == b"echo ").expect("command");
        t[f].lines[l][pos] = b'E';
        let b = check(dir, &t, Some(&head)).expect_err("edited field");
        assert!(here(&b) && b.seq == Some(k) && matches!(b.why, Why::Mac(_)), "record {k}: {b}");

        // Deleted.
        let mut t = files.clone();
        t[f].lines.remove(l);
        let b = check(dir, &t, Some(&head)).expect_err("deleted");
        assert!(names_missing(&b, k), "record {k} deleted: {b}");

        if k < 12 {
            // Swapped with the next one (possibly across files).
            let (nf, nl) = at[i + 1];
            let mut t = files.clone();
            let next = std::mem::replace(&mut t[nf].lines[nl], line.clone());
            t[f].lines[l] = next;
            let b = check(dir, &t, Some(&head)).expect_err("swapped");
            assert!(here(&b) && names_missing(&b, k), "record {k} swapped: {b}");

            // The log cut after it, the head left as it is.
            let mut t: Vec<Stored> = files[..=f].to_vec();
            t[f].lines.truncate(l + 1);
            let b = check(dir, &t, Some(&head)).expect_err("truncated");
            assert_eq!(b.why, Why::HeadMismatch { head_seq: 12, last_seq: k }, "cut after {k}: {b}");
            assert!(b.to_string().contains(&format!("records {}..=12 were cut from the end", k + 1)), "{b}");
        }

        // A valid-looking mac: another record's, or any 64 hex digits.
        let (other_f, other_l) = at[(i + 1) % at.len()];
        let other = &files[other_f].lines[other_l];
        for mac in [other[other.len() - 66..other.len() - 2].to_vec(), b"0123456789abcdef".repeat(4)] {
            let mut t = files.clone();
            let n = line.len();
            t[f].lines[l][n - 66..n - 2].copy_from_slice(&mac);
            let b = check(dir, &t, Some(&head)).expect_err("mac replaced");
            assert!(here(&b) && b.seq == Some(k) && matches!(b.why, Why::Mac(_)), "record {k}: {b}");
        }
    }

    // The last line cut short.
    let mut t = files.clone();
    t[2].lines.pop();
    let mut bytes = std::fs::read(orig.path().join(LOG)).expect("read");
    bytes.pop();
    let b = check(dir, &t, Some(&head)).expect_err("one fewer");
    assert!(matches!(b.why, Why::HeadMismatch { head_seq: 12, last_seq: 11 }), "{b}");
    std::fs::write(dir.join(LOG), &bytes).expect("write");
    let b = Log::at(dir, key(), Options::default()).verify().expect_err("incomplete");
    assert_eq!((b.line, b.why.clone()), (4, Why::Incomplete), "{b}");
    // The head deleted, emptied, damaged, or another key's.
    let b = check(dir, &files, None).expect_err("no head");
    assert_eq!((b.file.clone(), b.why.clone()), (dir.join(HEAD), Why::HeadMissing), "{b}");
    assert_eq!(check(dir, &files, Some(&b""[..])).expect_err("empty head").why, Why::HeadMissing);
    let mut bad = head.clone();
    bad[7] ^= 1;
    assert!(matches!(check(dir, &files, Some(&bad)).expect_err("bad head").why, Why::HeadDamaged(_)));
    let foreign = Head::decode(&key(), &head).expect("head").encode(&Key::from_bytes([1; crate::control::key::LEN]));
    assert!(matches!(check(dir, &files, Some(&foreign)).expect_err("foreign head").why, Why::HeadDamaged(_)));
    // A rotated file deleted: the oldest, or one in the middle.
    let b = check(dir, &files[1..], Some(&head)).expect_err("oldest gone");
    assert_eq!((b.line, b.why.clone()), (1, Why::FileStart { expected: 1, found: 5 }), "{b}");
    let b = check(dir, &[files[0].clone(), files[2].clone()], Some(&head)).expect_err("middle gone");
    assert_eq!((b.line, b.why.clone()), (1, Why::FileStart { expected: 5, found: 9 }), "{b}");
    assert!(b.to_string().contains("records 5..8 are missing before it"), "{b}");
    // A rotated file renamed, or an empty one added.
    let mut t = files.clone();
    t[1].name = read::rotated_name(6);
    assert_eq!(check(dir, &t, Some(&head)).expect_err("renamed").why, Why::Name { named: 6 });
    let mut t = files.clone();
    t.insert(2, Stored { name: read::rotated_name(9), lines: Vec::new() });
    assert_eq!(check(dir, &t, Some(&head)).expect_err("empty file").why, Why::EmptyFile);
    // The whole log deleted, the head kept.
    let b = check(dir, &[], Some(&head)).expect_err("log gone");
    assert_eq!((b.file.clone(), b.why.clone()), (dir.join(LOG), Why::LogMissing { head_seq: 12 }), "{b}");
    // A record signed with another key, added at the end.
    let stranger = Log::at(probe.path(), Key::from_bytes([1; crate::control::key::LEN]), Options::default());
    let forged = stranger.compose(13, &sha256_hex(&files[2].lines[3]), "{}");
    let mut t = files.clone();
    t[2].lines.push(forged.into_bytes());
    let b = check(dir, &t, Some(&head)).expect_err("forged");
    assert_eq!(
        (b.line, b.seq, b.why.clone()),
        (5, Some(13), Why::Mac("altered, or not written with this workspace's key"))
    );
    // Everything back in place.
    assert_eq!(check(dir, &files, Some(&head)).map(|s| s.last_seq), Ok(12));
}

#[test]
fn a_rollback_to_an_older_complete_state_is_not_detected() {
    // Documented limit: the head proves the log is as long as the head says, not that
    // the head is the newest. An old head with the log cut back to it verifies.
    let dir = tempfile::tempdir().expect("tempdir");
    let log = Log::at(dir.path(), key(), Options::default());
    fill(&log, 1, 3);
    let old_head = std::fs::read(dir.path().join(HEAD)).expect("head");
    let old_log = std::fs::read(dir.path().join(LOG)).expect("log");
    fill(&log, 4, 6);
    std::fs::write(dir.path().join(HEAD), old_head).expect("head");
    std::fs::write(dir.path().join(LOG), old_log).expect("log");
    assert_eq!(log.verify().map(|s| s.last_seq), Ok(3));
}

#[test]
fn malformed_lines_are_reported_not_panicked_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = Log::at(dir.path(), key(), Options::default());
    fill(&log, 1, 2);
    let good = std::fs::read(dir.path().join(LOG)).expect("read");
    let accents = "é".repeat(80);
    let long = vec![b'x'; 100_000];
    let junk: [&[u8]; 11] = [
        b"",
        b"{}",
        b"[]",
        b"null",
        b"{\"seq\":18446744073709551616}",
        b"\xff\xfe",
        "{\"mac\":\"é".as_bytes(),
        &long,
        b"{\"seq\":3,\"time\":\"t\",\"prev\":\"p\",\"mac\":\"0000000000000000000000000000000000000000000000000000000000000000\"}",
        accents.as_bytes(),
        b"{\"seq\":3",
    ];
    for j in junk {
        let mut bytes = good.clone();
        bytes.extend_from_slice(j);
        bytes.push(b'\n');
        std::fs::write(dir.path().join(LOG), &bytes).expect("write");
        let b = log.verify().expect_err("junk");
        assert_eq!(b.line, 3, "{b}");
        assert!(!b.to_string().is_empty());
        let _ = log.tail(5).expect("tail reads past junk");
        let _ = log.find("r01").expect("find reads past junk");
    }
}

proptest::proptest! {
    #[test]
    fn verify_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600), cut in 0usize..2000) {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = Log::at(dir.path(), key(), Options::default());
        fill(&log, 1, 3);
        let mut good = std::fs::read(dir.path().join(LOG)).expect("read");
        good.truncate(cut.min(good.len()));
        good.extend_from_slice(&bytes);
        std::fs::write(dir.path().join(LOG), &good).expect("write");
        let _ = log.verify();
        let _ = log.tail(3);
        std::fs::write(dir.path().join(HEAD), &bytes).expect("write");
        let _ = log.verify();
        let _ = log.append(Map::new());
    }
}
