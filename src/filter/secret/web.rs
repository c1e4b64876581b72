//! Credentials in containers: URLs and connection strings with a password
//! (`postgres://u:p@h`, `mongodb+srv://`, `redis://:p@`, `https://u:p@`),
//! `Authorization` headers, `curl -u user:password`, `.netrc` entries, .NET
//! `NetworkCredential(…)`, and `psexec -p`.
//!
//! Passwords here are taken at their word: a URL's password may be any text but a
//! reference (`$PASS`, `${PASS}`, `<password>`, `{{ pw }}`), a mask, or the user name
//! again. `curl -u` is the exception: documentation is full of `-u user:pass`, so there
//! the password must look random.
//!
//! Every example below is fake: `EXAMPLE`, `FAKE`, or a repeated pattern in the right
//! shape.

use super::check;
use super::{Family, Matcher, Rank, Rule};

/// The container rules.
pub const RULES: &[Rule] = &[
    Rule {
        id: "url-password",
        family: Family::DbUrl,
        description: "password in a URL or connection URL (scheme://user:password@host): postgres, mysql, mongodb+srv, redis, amqp, https, …",
        rank: Rank::Container,
        anchors: &["://"],
        matcher: Matcher::Custom(url_password),
        must_match: &[
            "DATABASE_URL=postgres://app:Fake-Pass-0000@db.internal:5432/app",
            "mongodb+srv://svc:hunter2hunter2@cluster0.fake.mongodb.net/test",
            "redis://:fakefakefake@cache:6379/0",
            "git clone https://me:hunter2@example.com/r.git",
        ],
        must_not_match: &[
            "postgresql://user:user@no_connection/no_db",
            "https://url:8000/ @something else",
            "https://user:${DB_PASSWORD}@db/app",
            "https://example.com/a/b?c=d",
            "ssh://git@example.com:22/repo.git",
            "postgresql://user:secret@[2001:db8::1234]/database",
        ],
    },
    Rule {
        id: "authorization-header",
        family: Family::Http,
        description: "credentials in an Authorization header (Bearer, Basic, Token, SSWS, or a bare value)",
        rank: Rank::Container,
        anchors: &["authorization"],
        matcher: Matcher::Regex {
            re: r#"(?i)\bauthorization["'`]?[ \t]*[:=][ \t]*["'`]?(?:(?:bearer|basic|token|ssws|apikey|api-key|key|bot|otp)[ \t]+)?([A-Za-z0-9._~+/=-]{8,})"#,
            back: 0,
            ahead: 4096,
            check: check::header,
        },
        must_match: &[
            "curl -H 'Authorization: Bearer Zm9vYmFyYmF6cXV4MDAw' https://api.fake",
            "Authorization: Basic RkFLRTpFWEFNUExF",
            "Authorization: 0f1e2d3c-fa4e-fa4e-fa4e-0f1e2d3c4b5a",
        ],
        must_not_match: &[
            "Authorization: Bearer $TOKEN",
            "-H \"Authorization: Token **********\"",
            "--header \"Authorization: Basic ...\"",
            "-H 'Authorization: basic {base64(email:password)}'",
        ],
    },
    Rule {
        id: "curl-user-password",
        family: Family::Http,
        description: "random-looking password in curl -u / --user user:password",
        rank: Rank::Container,
        anchors: &["curl"],
        matcher: Matcher::Regex {
            re: r#"(?i)\bcurl\b[^\n]{0,300}?[ \t](?:-u|--user)[ \t]*["']?[^\s:"'$]{1,64}:([^\s"'@]{8,128})"#,
            back: 0,
            ahead: 400,
            check: check::random,
        },
        must_match: &["curl -X POST -u fake-client:EXAMPLE0fake1EXAMPLE2fake3 https://api.fake/token"],
        must_not_match: &[
            "curl http://127.0.0.1:5000/file --user user:pass --digest",
            "curl -i -u 'test:test'",
            "curl -X GET --insecure --user \"username:password\"",
            "curl -X POST --user \"$(cat ./login.txt):$(cat ./password.txt)\"",
        ],
    },
    Rule {
        id: "netrc-password",
        family: Family::Http,
        description: "password of a .netrc entry (machine HOST login USER password PASSWORD)",
        rank: Rank::Container,
        anchors: &["machine"],
        matcher: Matcher::Regex {
            re: r"(?i)\bmachine[ \t]+[^\s]+\s+login[ \t]+[^\s]+\s+password[ \t]+([^\s]+)",
            back: 0,
            ahead: 300,
            check: check::value,
        },
        must_match: &["machine api.fake.dev login me password Hunter2-Demo-0000", "machine fake.dev\n  login me\n  password hunter2hunter2"],
        must_not_match: &["machine learning password reset", "machine fake.dev login me password $NETRC_PASSWORD"],
    },
    Rule {
        id: "network-credential",
        family: Family::Http,
        description: "password given to .NET's NetworkCredential(user, password)",
        rank: Rank::Container,
        anchors: &["networkcredential("],
        matcher: Matcher::Regex {
            re: r#"(?i)NetworkCredential\(\s*"[^"\n]*"\s*,\s*"([^"\n]{3,})""#,
            back: 0,
            ahead: 300,
            check: check::value,
        },
        must_match: &[r#"client.Credentials = new NetworkCredential("me@fake.dev", "Hunter2-Demo-0000");"#],
        must_not_match: &[r#"new NetworkCredential(user, password)"#, r#"new NetworkCredential("me", "")"#],
    },
    Rule {
        id: "psexec-password",
        family: Family::Http,
        description: "password given to PsExec with -p",
        rank: Rank::Container,
        anchors: &["psexec"],
        matcher: Matcher::Regex {
            re: r"(?i)\bpsexec(?:\.exe)?\b[^\n]{0,300}?[ \t]-p[ \t]+([^\s]+)",
            back: 0,
            ahead: 400,
            check: check::value,
        },
        must_match: &[r"psexec \\fakehost -u Administrator -p Hunter2-Demo-0000 cmd"],
        must_not_match: &[r"psexec \\fakehost -u me -p $Password cmd", r"PsExec.exe \\host -u me -p %PASSWORD% cmd"],
    },
];

/// The password of `scheme://user:password@host`, anchored at `://`.
fn url_password(input: &[u8], s: usize, e: usize) -> Option<(usize, usize)> {
    let mut a = s;
    while a > 0 && s - a < 24 && (input[a - 1].is_ascii_alphanumeric() || b"+.-".contains(&input[a - 1])) {
        a -= 1;
    }
    if a == s || !input[a].is_ascii_alphabetic() {
        return None;
    }
    let limit = input.len().min(e + 512);
    let (mut colon, mut at) = (None, None);
    let mut i = e;
    while i < limit {
        let b = input[i];
        if b.is_ascii_whitespace() || b"/?#\"'<>`\\".contains(&b) {
            break;
        }
        if b == b':' && colon.is_none() {
            colon = Some(i);
        }
        if b == b'@' {
            at = Some(i);
        }
        i += 1;
    }
    let (c, at) = (colon?, at?);
    if c > at {
        return None;
    }
    let host = *input.get(at + 1)?;
    if !(host.is_ascii_alphanumeric() || host == b'_' || host == b'%') {
        return None;
    }
    let (user, pass) = (&input[e..c], &input[c + 1..at]);
    let port_like = pass.len() <= 5 && pass.iter().all(u8::is_ascii_digit);
    let reference = matches!(pass.first(), Some(b'$' | b'{' | b'<' | b'[' | b'%'))
        || check::contains_ci(pass, b"${")
        || check::contains_ci(pass, b"{{");
    (!pass.is_empty() && pass != user && !port_like && !reference && !check::masked(pass)).then_some((c + 1, at))
}
