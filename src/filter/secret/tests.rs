//! Tests of the secret detectors: every rule's examples, the catalog's invariants,
//! look-alikes that must stay clean, merging, offsets, and a property test that `find`
//! is total.

use proptest::prelude::*;

use super::engine::{anchors, catalog, compile, run};
use super::{find, redact, rules, Matcher, MAX_SECRET_LEN};

fn rule_finds(i: usize, input: &str) -> Vec<(usize, usize)> {
    run(input.as_bytes(), Some(i)).into_iter().map(|r| (r.start, r.end)).collect()
}

#[test]
fn every_rule_matches_its_examples() {
    let mut failures = Vec::new();
    for (i, r) in catalog().iter().enumerate() {
        for ex in r.must_match {
            if rule_finds(i, ex).is_empty() {
                failures.push(format!("{}: must match {ex:?}", r.id));
            }
            if find(ex.as_bytes()).is_empty() {
                failures.push(format!("{}: find() is empty on {ex:?}", r.id));
            }
        }
        for ex in r.must_not_match {
            let found = rule_finds(i, ex);
            if !found.is_empty() {
                let spans: Vec<&str> = found.iter().map(|&(s, t)| &ex[s..t]).collect();
                failures.push(format!("{}: must not match {ex:?}, found {spans:?}", r.id));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn catalog_is_well_formed() {
    let mut ids: Vec<&str> = rules().map(|r| r.id).collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "rule ids are unique");
    assert!(n >= 80, "{n} rules");
    for r in rules() {
        assert!(
            r.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !r.id.starts_with('-')
                && !r.id.ends_with('-'),
            "{} is kebab-case",
            r.id
        );
        assert!(!r.description.is_empty() && !r.description.contains('\n'), "{}: one-line description", r.id);
        assert!(!r.must_match.is_empty() && !r.must_not_match.is_empty(), "{}: examples both ways", r.id);
        match r.matcher {
            Matcher::Scan(_) => assert!(r.anchors.is_empty(), "{}", r.id),
            Matcher::Regex { re, .. } => {
                assert!(compile(re).is_some(), "{}: pattern compiles", r.id);
                assert!(!r.anchors.is_empty(), "{}", r.id);
            }
            Matcher::Custom(_) => assert!(!r.anchors.is_empty(), "{}", r.id),
        }
        for a in r.anchors {
            assert!(!a.is_empty() && *a == a.to_ascii_lowercase(), "{}: anchor {a:?} is lowercase", r.id);
        }
    }
    assert!(!anchors().is_empty());
}

/// High-entropy text that is not secret.
#[test]
fn look_alikes_are_clean() {
    let clean = [
        "commit 0123456789abcdef0123456789abcdef01234567\n    fix: parse tokens",
        "a1b2c3d fix(auth): refresh tokens before they expire (#42)",
        "checksum = \"0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0\"",
        "request_id: 01234567-89ab-cdef-0123-456789abcdef",
        "image: ghcr.io/fake/app@sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
        "  integrity sha512-RkFLRUZBS0VGQUtFRkFLRUZBS0VGQUtFRkFLRUZBS0VGQUtFRkFLRUZBS0VGQUtFRkFLRQ==",
        "github.com/fake/mod v1.2.3 h1:RkFLRUZBS0VGQUtFRkFLRUZBS0VGQUtFRkFLRUZBS0U=",
        "etag: \"0f1e2d3c4b5a69788796a5b4c3d2e1f0\"",
        "data: aGVsbG8gd29ybGQgZnJvbSB0aGUgdGVzdHM=",
        "sha256sum: 0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0  dist/app.tar.gz",
        "version = \"1.0.219+deadbeef\"",
        "see /usr/share/doc/fake-1.0/README and https://example.com/fake/0123456789abcdef",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE me@host",
        "-----BEGIN PUBLIC KEY-----",
        "-----BEGIN CERTIFICATE-----\nMIIFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE\n-----END CERTIFICATE-----",
        "2024-05-01T12:00:00.123Z INFO request 01234567-89ab-cdef-0123-456789abcdef done in 12ms",
        "fn tokenize(input: &str) -> Vec<Token> { let key = input.len(); }",
        "const key = `${prefix}:${id}`;",
        "token: ${{ secrets.GITHUB_TOKEN }}",
        "export GITHUB_TOKEN=\"${GITHUB_TOKEN:?set me}\"",
        "pk_live_EXAMPLEfakeEXAMPLEfake00",
    ];
    for text in clean {
        let found = find(text.as_bytes());
        assert!(found.is_empty(), "{text:?}: {found:?}");
    }
}

#[test]
fn findings_are_sorted_and_disjoint() {
    let text = "GITHUB_TOKEN=ghp_EXAMPLEexampleEXAMPLEexampleEXAMPLEe\n\
                url=https://me:ghp_EXAMPLEexampleEXAMPLEexampleEXAMPLEe@github.com/o/r\n\
                DB_PASSWORD=hunter2hunter2 API_KEY=Zq8fTr0Lw2Xp9Vn4Ks7Jm1Hg";
    let found = find(text.as_bytes());
    assert!(found.len() >= 4, "{found:?}");
    for w in found.windows(2) {
        assert!(w[0].end <= w[1].start, "{found:?}");
    }
    // The specific rule names the merged finding, and the range is the value.
    assert_eq!(found[0].rule, "github-pat");
    assert_eq!(&text[found[0].start..found[0].end], "ghp_EXAMPLEexampleEXAMPLEexampleEXAMPLEe");
    assert_eq!(found[1].rule, "github-pat");
}

#[test]
fn adjacent_secrets_are_both_found() {
    let text = "ghp_EXAMPLEexampleEXAMPLEexampleEXAMPLEe ghp_FAKEfakeFAKEfakeFAKEfakeFAKEfake0000";
    let found = find(text.as_bytes());
    assert_eq!(found.len(), 2, "{found:?}");
}

#[test]
fn offsets_are_bytes_on_any_input() {
    let token = "ghp_EXAMPLEexampleEXAMPLEexampleEXAMPLEe";
    // Multi-byte UTF-8 before the secret.
    let text = format!("clé 🔑 = {token}");
    let found = find(text.as_bytes());
    assert_eq!(found.len(), 1);
    assert_eq!(&text.as_bytes()[found[0].start..found[0].end], token.as_bytes());
    // Invalid UTF-8 around it.
    let mut bytes = vec![0xff, 0xfe, b' '];
    bytes.extend_from_slice(token.as_bytes());
    bytes.extend_from_slice(&[b' ', 0xc3, 0x28]);
    let found = find(&bytes);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].start, found[0].end), (3, 3 + token.len()));
    // A secret that ends the input is reported.
    let found = find(token.as_bytes());
    assert_eq!((found[0].start, found[0].end), (0, token.len()));
}

#[test]
fn redact_replaces_each_secret() {
    let text = b"token ghp_EXAMPLEexampleEXAMPLEexampleEXAMPLEe and DB_PASSWORD=hunter2hunter2 end";
    let out = redact(text);
    assert_eq!(
        String::from_utf8_lossy(&out),
        "token [REDACTED:github-pat] and DB_PASSWORD=[REDACTED:password-assignment] end"
    );
    assert_eq!(redact(b"nothing here"), b"nothing here");
}

#[test]
fn long_private_key_is_cut_at_the_limit() {
    let mut key = String::from("-----BEGIN RSA PRIVATE KEY-----\n");
    while key.len() < MAX_SECRET_LEN * 2 {
        key.push_str("FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE\n");
    }
    key.push_str("-----END RSA PRIVATE KEY-----\n");
    let found = find(key.as_bytes());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].start, 0);
    assert!(found[0].end - found[0].start <= MAX_SECRET_LEN);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn find_is_total(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let found = find(&bytes);
        let mut last = 0;
        for f in &found {
            prop_assert!(f.start < f.end && f.end <= bytes.len());
            prop_assert!(f.start >= last);
            last = f.end;
        }
        let _ = redact(&bytes);
    }

    #[test]
    fn find_is_total_on_anchor_soup(parts in proptest::collection::vec(
        prop_oneof![
            Just("ghp_".to_string()), Just("password".to_string()), Just("=".to_string()), Just(": ".to_string()),
            Just("\"".to_string()), Just("'".to_string()), Just("-----BEGIN RSA PRIVATE KEY-----".to_string()),
            Just("-----END ".to_string()), Just("eyJ".to_string()), Just("://".to_string()), Just("@".to_string()),
            Just(".".to_string()), Just("\n".to_string()), Just("key".to_string()), Just("--".to_string()),
            Just("<".to_string()), Just(">".to_string()), Just("\\".to_string()), Just("$".to_string()),
            "[A-Za-z0-9+/=_-]{0,40}",
        ],
        0..64,
    )) {
        let text = parts.concat();
        let found = find(text.as_bytes());
        let mut last = 0;
        for f in &found {
            prop_assert!(f.start < f.end && f.end <= text.len());
            prop_assert!(f.start >= last);
            last = f.end;
        }
    }
}

#[test]
fn both_anchor_searches_agree() {
    // Long enough for the four streams, with anchors across every seam.
    let mut text = String::new();
    let mut i = 0u32;
    while text.len() < 70_000 {
        text.push_str(
            ["key=", "ghp_", "TOKEN ", "-----BEGIN ", "xoxb-", "pass", "eyJ", "://", "lorem ipsum "][(i % 9) as usize],
        );
        i = i.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        text.push(char::from(b'a' + (i % 26) as u8));
    }
    let (by_dfa, direct) = super::engine::both_searches(text.as_bytes());
    assert!(!direct.is_empty());
    assert_eq!(by_dfa, direct);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn dfa_streams_see_every_anchor(parts in proptest::collection::vec(
        prop_oneof![Just("secret_access_key"), Just("key"), Just("KeY"), Just("ghp_"), Just("x"), Just("  "), Just("a3t"), Just("-----begin ")],
        0..400,
    )) {
        let text = parts.concat();
        let (by_dfa, direct) = super::engine::both_searches(text.as_bytes());
        prop_assert_eq!(by_dfa, direct);
    }
}
