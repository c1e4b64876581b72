//! Tests of policy loading: diagnostics, layering, who may loosen.

use std::collections::HashMap;
use std::path::PathBuf;

use super::*;

fn ctx() -> Context {
    let mut c = Context::new(PathBuf::from("/tmp"), HashMap::from([("HOME".into(), "/home/u".into())]));
    c.read_files = false;
    c
}

fn file(kind: SourceKind, name: &str, text: &str) -> File {
    File::new(kind, name, text)
}

fn errors(files: &[File]) -> Vec<String> {
    match build(files, &ctx()) {
        Ok(p) => panic!("expected errors, got a policy with {} rules", p.rules.len()),
        Err(d) => d.iter().filter(|d| d.error).map(ToString::to_string).collect(),
    }
}

/// Every diagnostic in `want` (by its start) is among `e`, and nothing else is.
fn assert_exactly(e: &[String], want: &[&str]) {
    for w in want {
        assert!(e.iter().any(|d| d.starts_with(w)), "missing {w:?} in:\n{}", e.join("\n"));
    }
    assert_eq!(e.len(), want.len(), "{}", e.join("\n"));
}

#[test]
fn every_builtin_profile_loads_and_its_examples_hold() {
    for (name, text) in PROFILES {
        let (_, diags) = parse_file(&file(SourceKind::Profile, name, text), &ctx());
        assert!(diags.is_empty(), "profile {name}: {diags:?}");
    }
    let ci = build(&[file(SourceKind::Operator, "c.toml", "profile = \"ci\"")], &ctx()).expect("ci");
    assert!(ci.asks_are_denied);
    let strict = build(&[file(SourceKind::Operator, "c.toml", "profile = \"strict\"")], &ctx()).expect("strict");
    assert!(strict.rules.iter().any(|r| r.id == "strict-package-install"));
}

#[test]
fn every_problem_is_reported_with_its_place() {
    let text = r#"profile = "lax"
colour = "blue"

[[rule]]
command = ["git", "push", "["]
decision = "maybe"
reason = ""

[[rule]]
id = "regex"
regex = "("
decision = "deny"
reason = "r"
match = ["x"]

[[rule]]
id = "examples"
command = ["git", "push"]
decision = "deny"
reason = "no pushes"
match = ["git status"]
not_match = ["git push origin main", "echo 'open"]
"#;
    let e = errors(&[file(SourceKind::Workspace, "tako.toml", text)]);
    let want = [
        "tako.toml:1:11: error: unknown profile `lax`",
        "tako.toml:2:1: error: unknown key `colour`",
        "tako.toml:5:27: error: rule 1: bad pattern: unclosed `[`",
        "tako.toml:6:12: error: unknown decision `maybe`",
        "tako.toml:4:1: error: rule 1: needs a non-empty `reason`",
        "tako.toml:4:1: error: rule 1: needs `match = [\"…\"]`",
        "tako.toml:11:9: error: regex: bad regex: unclosed group",
        "tako.toml:21:10: error: examples: the example `git status` does not match the rule",
        "tako.toml:22:14: error: examples: the counter-example `git push origin main` matches the rule",
        "tako.toml:22:38: error: examples: the counter-example `echo 'open` is not valid shell",
    ];
    assert_exactly(&e, &want);
}

#[test]
fn broken_toml_is_an_error_at_its_place() {
    let e = errors(&[file(SourceKind::Workspace, "tako.toml", "profile = \"strict\"\n[[rule]\n")]);
    assert!(e.iter().any(|d| d.starts_with("tako.toml:2:") && d.contains("not valid TOML")), "{e:?}");
}

#[test]
fn the_workspace_only_tightens() {
    let ws = r#"profile = "permissive"
asks_are_denied = false

[[rule]]
id = "let-me"
command = ["git", "push", "--force"]
decision = "allow"
reason = "trust me"
match = ["git push --force"]

[[rule]]
id = "no-publish"
command = ["npm", "publish"]
decision = "deny"
reason = "releases go through CI"
match = ["npm publish"]
"#;
    let op = "profile = \"strict\"\n";
    let p =
        build(&[file(SourceKind::Operator, "config.toml", op), file(SourceKind::Workspace, "tako.toml", ws)], &ctx())
            .expect("warnings only");
    assert_eq!(p.profile, "strict");
    assert!(p.rules.iter().any(|r| r.id == "no-publish"));
    assert!(!p.rules.iter().any(|r| r.id == "let-me"));
    let w: Vec<String> = p.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(w.len(), 3, "{w:?}");
    assert!(w.iter().any(|w| w.starts_with("tako.toml:2:19: ignored: a workspace file may only tighten")));
    assert!(w
        .iter()
        .any(|w| w.starts_with("tako.toml:1:11: ignored: a workspace file may only choose a stricter profile")));
    assert!(w.iter().any(|w| w.starts_with("tako.toml:4:1: ignored: a workspace file may only add asks and denies")));
    // The same from an extra file (TAKO_CONFIG, --config).
    let p = build(&[file(SourceKind::Extra, "extra.toml", ws)], &ctx()).expect("warnings only");
    assert_eq!(p.profile, "default");
    assert!(!p.rules.iter().any(|r| r.id == "let-me"));
    // A stricter profile from the workspace is taken.
    let p = build(&[file(SourceKind::Workspace, "tako.toml", "profile = \"ci\"")], &ctx()).expect("ci");
    assert!(p.asks_are_denied);
}

#[test]
fn the_operator_may_loosen() {
    let op = r#"profile = "permissive"

[[rule]]
id = "lease"
command = ["git", "push", "--force-with-lease"]
decision = "allow"
reason = "I review my branches"
match = ["git push --force-with-lease origin topic"]
"#;
    let p = build(&[file(SourceKind::Operator, ".tako/policy.toml", op)], &ctx()).expect("policy");
    assert_eq!(p.profile, "permissive");
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    assert!(p.rules.iter().any(|r| r.id == "lease" && r.decision == Decision::Allow));
}

#[test]
fn who_is_asking() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_string())
    };
    assert_eq!(Who::detect(env(&[("CI", "true")]), true), Who::Ci);
    assert_eq!(Who::detect(env(&[("CI", "0")]), true), Who::Interactive);
    assert_eq!(Who::detect(env(&[]), false), Who::Agent);
    assert_eq!(Who::detect(env(&[("CLAUDECODE", "1")]), true), Who::Agent);
}

#[test]
fn permissions_and_paths_are_validated() {
    let text = "[permissions]\nwrite = \"maybe\"\nexecute = \"ask\"\n\n[paths]\nallowed_roots = [\"cache\"]\nprotected = [\"a[\"]\ncolour = 1\n";
    let e = errors(&[file(SourceKind::Operator, "policy.toml", text)]);
    let want = [
        "policy.toml:2:9: error: unknown decision `maybe`",
        "policy.toml:3:1: error: unknown key `execute` (known here: read, write, delete, shell, network)",
        "policy.toml:6:18: error: an allowed root is absolute",
        "policy.toml:8:1: error: unknown key `colour` (known here: outside, allowed_roots, protected)",
        "policy.toml:7:14: error: bad path pattern `a[`",
    ];
    assert_exactly(&e, &want);
}

#[test]
fn protected_patterns_and_bounds() {
    let c = ctx();
    let p = build(
        &[file(
            SourceKind::Operator,
            "p.toml",
            "[paths]\nallowed_roots = [\"~/cache\"]\nprotected = [\"deploy/*.key\", \"/srv/**\"]\n",
        )],
        &c,
    )
    .expect("policy");
    let prot = |s: &str| p.protected(std::path::Path::new(s)).map(|x| x.pattern.clone());
    assert_eq!(prot("/tmp/.git").as_deref(), Some(".git/**"), "the repository directory itself");
    assert_eq!(prot("/tmp/.git/hooks/pre-commit").as_deref(), Some(".git/**"));
    assert_eq!(prot("/tmp/deploy/prod.key").as_deref(), Some("deploy/*.key"));
    assert_eq!(prot("/tmp/deploy/sub/prod.key"), None, "`*` does not cross `/`");
    assert_eq!(prot("/srv").as_deref(), Some("/srv/**"));
    assert_eq!(prot("/srvx/a"), None);
    assert_eq!(prot("/home/u/.ssh/config").as_deref(), Some("~/.ssh/**"));
    assert!(p.in_bounds(std::path::Path::new("/home/u/cache/x"), &c));
    assert!(!p.in_bounds(std::path::Path::new("/home/u/cache-evil/x"), &c));
    assert!(p.in_bounds(std::path::Path::new("/tmp/src/x"), &c), "the workspace");
}

#[test]
fn a_workspace_profile_is_laid_over_the_operators() {
    // `ci` has none of `strict`'s rules: choosing it from the workspace must not drop them.
    let p = build(
        &[
            file(SourceKind::Operator, "config.toml", "profile = \"strict\"\n"),
            file(SourceKind::Workspace, "tako.toml", "profile = \"ci\"\n"),
        ],
        &ctx(),
    )
    .expect("policy");
    assert_eq!(p.profile, "strict + ci");
    assert!(p.asks_are_denied);
    assert!(p.rules.iter().any(|r| r.id == "strict-package-install"));
    assert_eq!(p.permissions.outside.0, Decision::Ask);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    // Laid over the default, `strict` brings its rules but none of its loosenings.
    let p = build(&[file(SourceKind::Workspace, "tako.toml", "profile = \"strict\"\n")], &ctx()).expect("policy");
    assert!(p.rules.iter().all(|r| r.decision != Decision::Allow));
    assert!(p.rules.iter().any(|r| r.id == "strict-deploy"));
}

#[test]
fn grants_count_only_signed_unexpired_and_unchanged() {
    let ws = tempfile::tempdir().expect("tempdir");
    let (plane, _) = crate::control::Plane::init(ws.path(), false).expect("imprint");
    let argv = vec!["git".to_string(), "reset".to_string(), "--hard".to_string()];
    let load = |text: &str, signer: Option<crate::control::Key>| {
        let mut f = file(SourceKind::Operator, "policy.toml", text);
        f.signer = signer;
        let (layer, diags) = parse_file(&f, &ctx());
        (layer.rules.len(), diags.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))
    };
    let now = std::time::SystemTime::now();
    grant::remember(&plane, std::slice::from_ref(&argv), now).expect("grant");
    let text = std::fs::read_to_string(plane.path("policy.toml")).expect("read");
    assert_eq!(load(&text, Some(plane.key().clone())), (1, String::new()));
    // Without the key, with another key, or edited: ignored and reported.
    let (n, d) = load(&text, None);
    assert!(n == 0 && d.contains("only the operator key"), "{d}");
    let (n, d) = load(&text, Some(crate::control::Key::from_bytes([1; 32])));
    assert!(n == 0 && d.contains("is not the operator key's"), "{d}");
    let widened = text.replace("\"--hard\"]", "\"--hard\", \"*\"]");
    let (n, d) = load(&widened, Some(plane.key().clone()));
    assert!(n == 0 && d.contains("is not the operator key's"), "{d}");
    let unsigned: String = text.lines().filter(|l| !l.starts_with("signature")).collect::<Vec<_>>().join("\n");
    let (n, d) = load(&unsigned, Some(plane.key().clone()));
    assert!(n == 0 && d.contains("no `signature`"), "{d}");
    // A signed grant past its expiry no longer applies.
    let ws2 = tempfile::tempdir().expect("tempdir");
    let (old, _) = crate::control::Plane::init(ws2.path(), false).expect("imprint");
    let long_ago = now - std::time::Duration::from_secs((grant::DAYS + 1) * 24 * 3600);
    grant::remember(&old, &[argv], long_ago).expect("grant");
    let text = std::fs::read_to_string(old.path("policy.toml")).expect("read");
    assert_eq!(load(&text, Some(old.key().clone())), (0, String::new()));
}

#[test]
fn control_limits_only_go_down_from_files_that_tighten() {
    let op = file(SourceKind::Operator, "op.toml", "[control]\ncommands_per_minute = 900\napproval_wait = 30\n");
    let ws = file(
        SourceKind::Workspace,
        "tako.toml",
        "[control]\ncommands_per_minute = 100\napproval_wait = 600\nmax_pending = 2\naudit_fsync = true\n",
    );
    let p = build(&[op.clone(), ws], &ctx()).expect("policy");
    assert_eq!(p.limit(Limit::PerMinute), 100, "lowered by the workspace");
    assert_eq!(p.limit(Limit::ApprovalWait), 30, "not raised by the workspace");
    assert_eq!(p.limit(Limit::MaxPending), 2);
    assert_eq!(p.limit(Limit::PerHour), Limit::PerHour.default_value());
    assert!(p.audit_fsync.0);
    assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
    assert!(p.warnings[0].message.contains("may only lower `approval_wait` (now 30)"), "{}", p.warnings[0]);
    let raised = build(&[op], &ctx()).expect("policy");
    assert_eq!(raised.limit(Limit::PerMinute), 900, "the operator raises");
    let off = file(SourceKind::Workspace, "tako.toml", "[control]\naudit_fsync = false\n");
    let on = file(SourceKind::Operator, "op.toml", "[control]\naudit_fsync = true\n");
    assert!(build(&[on, off], &ctx()).expect("policy").audit_fsync.0, "the workspace cannot turn it off");
    assert_exactly(
        &errors(&[file(
            SourceKind::Operator,
            "op.toml",
            "[control]\nmax_pending = -1\napproval_wait = 1e3\ncommands_per_hour = \"9\"\nspeed = 1\nprompt_timeout = 86401\n",
        )]),
        &[
            "op.toml:2:15: error: expected `max_pending` as a whole number from 0 to 1000, found integer",
            "op.toml:3:17: error: expected `approval_wait` as a whole number",
            "op.toml:4:21: error: expected `commands_per_hour` as a whole number",
            "op.toml:5:1: error: unknown key `speed`",
            "op.toml:6:18: error: `prompt_timeout` is at most 86400",
        ],
    );
}

#[test]
fn hooks_table_is_validated_and_merged() {
    let bad = r#"[hooks]
protected_branches = ["release/[x"]
colour = 1

[[hooks.allow]]
reason = "no field"

[[hooks.allow]]
path = "fixtures/**"

[[hooks.allow]]
rule = "no-such-rule"
reason = "r"
"#;
    let e = errors(&[file(SourceKind::Workspace, "tako.toml", bad)]);
    assert_exactly(&e, &["tako.toml:2:23", "tako.toml:3:1", "tako.toml:5:1", "tako.toml:8:1", "tako.toml:11:1"]);

    let ws = "[hooks]\nprotected_branches = [\"prod\"]\nprotected_files = [\"deploy/**\"]\n\n[[hooks.allow]]\npath = \"fixtures/**\"\nreason = \"examples\"\n";
    let p = build(&[file(SourceKind::Workspace, "tako.toml", ws)], &ctx()).expect("valid");
    let branches: Vec<&str> = p.hooks.protected_branches.iter().map(|(b, _)| b.as_str()).collect();
    assert_eq!(branches, ["main", "master", "release/*", "prod"], "a workspace adds to the defaults");
    assert_eq!(p.hooks.protected_files.len(), 1);
    assert_eq!(p.hooks.allow.len(), 1);
    assert!(!p.hooks.allow[0].operator, "a workspace entry is marked as such");

    let op = "[hooks]\nprotected_branches = [\"trunk\"]\n";
    let p =
        build(&[file(SourceKind::Operator, "config.toml", op), file(SourceKind::Workspace, "tako.toml", ws)], &ctx())
            .expect("valid");
    let branches: Vec<&str> = p.hooks.protected_branches.iter().map(|(b, _)| b.as_str()).collect();
    assert_eq!(branches, ["trunk", "prod"], "the operator replaces the list; the workspace still adds");
}

#[test]
fn family_modes_tighten_from_the_workspace_and_loosen_only_from_the_operator() {
    use crate::filter::relay::Mode;
    let slot = |name: &str| crate::filter::family_slot(name).expect("a family").0;
    let fam =
        |p: &Policy, st: OutStream, name: &str| p.filters.families[st as usize][slot(name)].as_ref().map(|(m, _)| *m);
    let op = "[filters]\nsecrets = \"redact\"\n[filters.families]\njwt = \"annotate\"\n";
    let ws = "[filters.families]\nprivate-key = \"block\"\ncloud = \"off\"\nfake-turn = { stderr = \"redact\" }\n";
    let p = build(&[file(SourceKind::Operator, "c.toml", op), file(SourceKind::Workspace, "tako.toml", ws)], &ctx())
        .expect("valid");
    assert_eq!(fam(&p, OutStream::Stdout, "jwt"), Some(Mode::Annotate), "the operator loosens a family");
    assert_eq!(fam(&p, OutStream::Stdout, "private-key"), Some(Mode::Block), "the workspace tightens one");
    assert_eq!(fam(&p, OutStream::Stdout, "cloud"), None, "but may not turn one off");
    assert!(p.warnings.iter().any(|w| w.to_string().contains("cloud = \"off\"")), "{:?}", p.warnings);
    assert_eq!(fam(&p, OutStream::Stderr, "fake-turn"), Some(Mode::Redact));
    assert_eq!(fam(&p, OutStream::Stdout, "fake-turn"), None);
    let modes = p.filters.modes(OutStream::Stdout);
    assert_eq!(modes.families[slot("private-key")], Some(Mode::Block));

    // A workspace that tightens the kind tightens the family the operator set apart.
    let ws = "[filters]\nsecrets = \"block\"\n";
    let p = build(&[file(SourceKind::Operator, "c.toml", op), file(SourceKind::Workspace, "tako.toml", ws)], &ctx())
        .expect("valid");
    assert_eq!(fam(&p, OutStream::Stdout, "jwt"), Some(Mode::Block));

    let bad = "[filters.families]\nno-such-family = \"block\"\njwt = \"loud\"\n";
    let e = errors(&[file(SourceKind::Workspace, "tako.toml", bad)]);
    assert_exactly(&e, &["tako.toml:2:1", "tako.toml:3:7"]);
}

#[test]
fn origins_count_lines_and_characters_in_any_order() {
    // Problems are found out of file order here: the rule's missing fields are reported
    // at its header after the errors inside it, and the second table comes last.
    let text = "# é\n[[rule]]\nid = \"r\"\ncommand = [\"é\", \"[\"]\n  décision = 1\n\n[egress]\nsends = \"nope\"\n";
    let e = errors(&[file(SourceKind::Workspace, "t.toml", text)]);
    assert_exactly(
        &e,
        &[
            "t.toml:5:4: error: not valid TOML: invalid unquoted key",
            "t.toml:4:17: error: r: bad pattern",
            "t.toml:5:3: error: unknown key `décision`",
            "t.toml:2:1: error: r: needs `decision`",
            "t.toml:2:1: error: r: needs a non-empty `reason`",
            "t.toml:2:1: error: r: needs `match",
            "t.toml:8:9: error: unknown decision `nope`",
        ],
    );
}

/// Fragments of policy files, valid and not, for the property below.
const POLICY_LINES: &[&str] = &[
    "[[rule]]",
    "id = \"r\"",
    "command = [\"git\", \"push\", \"-f|--force*\"]",
    "command = [\"[\"]",
    "regex = \"(\"",
    "regex = \"^rm .*\"",
    "decision = \"deny\"",
    "decision = \"allow\"",
    "decision = 3",
    "reason = \"because\"",
    "match = [\"git push -f\"]",
    "not_match = [\"git push\"]",
    "context = [\"agent\", \"nobody\"]",
    "exact = true",
    "granted = \"2026-01-01T00:00:00Z\"",
    "expires = 2026-01-01",
    "[permissions]",
    "write = \"allow\"",
    "network = { agent = \"ask\" }",
    "[paths]",
    "outside = \"allow\"",
    "allowed_roots = [\"/tmp\", \"rel\"]",
    "protected = [\"a[\"]",
    "[egress]",
    "allow = [\"*.example.com\", \"a*b\"]",
    "sends = \"allow\"",
    "[control]",
    "approval_wait = 99999999999999999999",
    "max_pending = -1",
    "[filters]",
    "timeout = 5",
    "[env]",
    "scrub = [\"*_KEY\", \"bad name\"]",
    "[hooks]",
    "protected_branches = [\"main\", \"[\"]",
    "profile = \"strict\"",
    "profile = \"nope\"",
    "asks_are_denied = true",
    "colour = 1",
    "[[rule",
    "= 1",
];

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Any text is either a policy or refused with located errors; never a panic.
    #[test]
    fn policy_text_loads_or_is_refused_with_places(
        lines in prop::collection::vec(
            prop_oneof![prop::sample::select(POLICY_LINES).prop_map(str::to_string), "\\PC{0,30}"],
            0..14,
        ),
        kind in prop::sample::select(&[SourceKind::Workspace, SourceKind::Operator][..]),
    ) {
        let text = lines.join("\n");
        let line_count = text.split('\n').count();
        if let Err(diags) = build(&[file(kind, "t.toml", &text)], &ctx()) {
            prop_assert!(diags.iter().any(|d| d.error), "refused without an error: {diags:?}");
            for d in diags.iter().filter(|d| &*d.origin.file == "t.toml") {
                prop_assert!(d.origin.line >= 1 && d.origin.line <= line_count && d.origin.col >= 1, "{d:?} in {text:?}");
            }
        }
    }
}

#[test]
fn rule_regexes_run_on_bytes_with_ascii_classes() {
    // `(?i)` and `\b` work (ASCII); the load checks `match` / `not_match` on them.
    let ok = r#"[[rule]]
id = "curl-delete"
regex = '(?i)^CURL\b.* -x ?delete'
decision = "deny"
reason = "no deletes"
match = ["curl https://x -X DELETE"]
not_match = ["curl https://x -X GET", "xcurl -X DELETE"]
"#;
    let p = build(&[file(SourceKind::Workspace, "tako.toml", ok)], &ctx()).expect("policy");
    assert_eq!(p.rules.len(), 1);
    // Unicode classes are not available: the file is refused at the regex's place.
    let bad = r#"[[rule]]
id = "greek"
regex = '\p{Greek}'
decision = "deny"
reason = "r"
match = ["x"]
"#;
    let e = errors(&[file(SourceKind::Workspace, "tako.toml", bad)]);
    assert!(e.iter().any(|d| d.starts_with("tako.toml:3:9: error: greek: bad regex")), "{e:?}");
}

proptest::proptest! {
    /// The shortcuts of `wildcard` agree with the general scan.
    #[test]
    fn wildcard_shortcuts_agree_with_the_scan(pattern in "[ab_*]{0,6}", text in "[ab_]{0,8}") {
        proptest::prop_assert_eq!(wildcard(&pattern, &text), wildcard_scan(&pattern, &text));
    }
}

#[test]
fn wildcard_patterns_of_the_environment() {
    for (p, t, want) in [
        ("*_TOKEN", "GITHUB_TOKEN", true),
        ("*_TOKEN", "_TOKEN", true),
        ("*_TOKEN", "TOKEN", false),
        ("AWS_*", "AWS_SECRET_ACCESS_KEY", true),
        ("AWS_*", "XAWS_X", false),
        ("*SECRET_KEY*", "AWS_SECRET_KEY_ID", true),
        ("*_TOKEN_*", "GH_TOKEN", false),
        ("PGPASSWORD", "PGPASSWORD", true),
        ("PGPASSWORD", "PGPASSWORD2", false),
        ("A*A", "A", false),
    ] {
        assert_eq!(wildcard(p, t), want, "{p} vs {t}");
    }
}
