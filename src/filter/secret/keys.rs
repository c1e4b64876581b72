//! Shapes without an issuer: private key blocks (PEM, OpenSSH, PGP, PuTTY, age),
//! JSON Web Tokens, and password hashes (bcrypt, crypt(3), argon2, PBKDF2, Kerberos).
//!
//! A private key block is reported from its `-----BEGIN` line to the end of its `END`
//! line, at most [`MAX_SECRET_LEN`] bytes; without an `END` line within reach (a block
//! cut short, or longer than that), from `BEGIN` over the body that follows. Its body
//! must be mostly base64 (50 bytes or more), so `-----BEGIN PRIVATE KEY-----…anything`
//! and empty templates are not reported.
//!
//! Every example below is fake: `EXAMPLE`, `FAKE`, or a repeated pattern in the right
//! shape.

use super::check;
use super::{Family, Matcher, Rank, Rule, MAX_SECRET_LEN};

/// The key, token-shape and hash rules.
pub const RULES: &[Rule] = &[
    Rule {
        id: "private-key",
        family: Family::PrivateKey,
        description: "PEM, OpenSSH or PGP private key block (-----BEGIN … PRIVATE KEY-----), also inside JSON or code strings",
        rank: Rank::Shape,
        anchors: &["-----begin "],
        matcher: Matcher::Custom(private_key),
        must_match: &[
            "-----BEGIN RSA PRIVATE KEY-----\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLE\nFAKEFAKEFAKEFAKE==\n-----END RSA PRIVATE KEY-----",
            r#"{"private_key": "-----BEGIN PRIVATE KEY-----\nFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE\nEXAMPLE=\n-----END PRIVATE KEY-----\n"}"#,
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAEXAMPLEFAKEEXAMPLEFAKEEXAMPLEFAKEEXAMPLEFAKE",
            "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQWGBFAKEEXAMPLEFAKEEXAMPLEFAKEEXAMPLEFAKEEXAMPLEFAKEEXAMPLEFAKEEX\n=FAKE\n-----END PGP PRIVATE KEY BLOCK-----",
        ],
        must_not_match: &[
            "-----BEGIN PRIVATE KEY-----this is not a private key-----END PRIVATE KEY-----",
            "-----BEGIN PRIVATE KEY-----\nanything\n-----END PRIVATE KEY-----",
            "-----BEGIN OPENSSH PRIVATE KEY----------END OPENSSH PRIVATE KEY-----",
            "-----BEGIN PUBLIC KEY-----\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLE\n-----END PUBLIC KEY-----",
        ],
    },
    Rule {
        id: "putty-private-key",
        family: Family::PrivateKey,
        description: "the private part of a PuTTY .ppk key file (Private-Lines: N and the base64 lines after it)",
        rank: Rank::Shape,
        anchors: &["private-lines:"],
        matcher: Matcher::Regex {
            re: r"Private-Lines:[ \t]*[0-9]{1,3}\r?\n((?:[A-Za-z0-9+/=]{4,64}(?:\r?\n|$)){1,64})",
            back: 0,
            ahead: 5000,
            check: check::token,
        },
        must_match: &["Private-Lines: 2\nEXAMPLEFAKEEXAMPLEFAKEEXAMPLEFAKEEXAMPLEFAKEEXAMPLEFAKEEXAMPLEFA\nFAKEFAKE\nPrivate-MAC: 00"],
        must_not_match: &["Private-Lines: see below"],
    },
    Rule {
        id: "age-secret-key",
        family: Family::PrivateKey,
        description: "age encryption secret key (AGE-SECRET-KEY-1…)",
        rank: Rank::Prefix,
        anchors: &["age-secret-key-1"],
        matcher: Matcher::Regex {
            re: r"\b(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\b",
            back: 0,
            ahead: 58,
            check: check::token,
        },
        must_match: &["AGE-SECRET-KEY-1QQQQPPPPZZZZRRRRYYYY9999QQQQPPPPZZZZRRRRYYYY9999QQQQPPPPZZ"],
        must_not_match: &["AGE-SECRET-KEY-1SHORT"],
    },
    Rule {
        id: "jwt",
        family: Family::Jwt,
        description: "JSON Web Token (JWS or JWE): base64url segments whose header decodes to JSON with \"alg\"",
        rank: Rank::Shape,
        anchors: &["eyj"],
        matcher: Matcher::Regex {
            re: r"\b(eyJ[A-Za-z0-9_-]{10,}\.(?:[A-Za-z0-9_-]*\.){0,3}[A-Za-z0-9_-]{4,})(?:$|[^A-Za-z0-9_-])",
            back: 0,
            ahead: 4096,
            check: check::jwt,
        },
        must_match: &[
            "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJGQUtFIn0.RkFLRUZBS0VGQUtFRkFLRQ",
            "token=eyJhbGciOiJub25lIn0.eyJleGFtcGxlIjp0cnVlfQ.",
        ],
        must_not_match: &[
            "eyJAAAA.eyJBBB",
            "eyJBB.eyJCC.eyJDDDD",
            "return keyJob.start()",
            "eyJrIjoiRkFLRSJ9.eyJleGFtcGxlIjp0cnVlfQ",
        ],
    },
    Rule {
        id: "bcrypt-hash",
        family: Family::PasswordHash,
        description: "bcrypt password hash ($2a$, $2b$, $2y$)",
        rank: Rank::Shape,
        anchors: &["$2a$", "$2b$", "$2y$", "$2x$", "$2$"],
        matcher: Matcher::Regex {
            re: r"(\$2[abxy]?\$[0-9]{2}\$[./A-Za-z0-9]{53})(?:$|[^./A-Za-z0-9])",
            back: 0,
            ahead: 60,
            check: check::token,
        },
        must_match: &["admin:$2b$12$EXAMPLEfake./EXAMPLEfake./EXAMPLEfake./EXAMPLEfake./E"],
        must_not_match: &["$2a$10$short"],
    },
    Rule {
        id: "unix-crypt-hash",
        family: Family::PasswordHash,
        description: "crypt(3) password hash: MD5, SHA-256, SHA-512, yescrypt, Cisco type 8/9 ($1$, $5$, $6$, $y$, $8$, $9$, $apr1$)",
        rank: Rank::Shape,
        anchors: &["$1$", "$5$", "$6$", "$md5$", "$apr1$", "$8$", "$9$", "$y$"],
        matcher: Matcher::Regex {
            re: r"(\$(?:1|5|6|md5|apr1)\$(?:rounds=[0-9]{1,9}\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{22,86}|\$[89]\$[./A-Za-z0-9]{14}\$[./A-Za-z0-9]{43}|\$y\$[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{1,86}\$[./A-Za-z0-9]{43})(?:$|[^./A-Za-z0-9$])",
            back: 0,
            ahead: 200,
            check: check::token,
        },
        must_match: &[
            "root:$6$FAKEsalt$EXAMPLEfakeEXAMPLEfakeEXAMPLEfakeEXAMPLEfakeEXAMPLEfakeEXAMPLEfakeEXAMPLEfakeEXAMPLEfa:19000:0:99999:7:::",
            "$1$FAKEsalt$EXAMPLEfake/EXAMPLE.fake",
        ],
        must_not_match: &["sed 's/a/$1$2/'", "$6$short"],
    },
    Rule {
        id: "argon2-hash",
        family: Family::PasswordHash,
        description: "Argon2 password hash ($argon2id$v=…$m=…,t=…,p=…$salt$hash)",
        rank: Rank::Shape,
        anchors: &["$argon2"],
        matcher: Matcher::Regex {
            re: r"(\$argon2(?:id|i|d)\$v=[0-9]+\$m=[0-9]+,t=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/]{8,}\$[A-Za-z0-9+/]{20,})",
            back: 0,
            ahead: 200,
            check: check::token,
        },
        must_match: &["$argon2id$v=19$m=65536,t=3,p=4$RkFLRUZBS0U$EXAMPLEfakeEXAMPLEfakeEXAMPLEfakeEXAMPLEfa"],
        must_not_match: &["$argon2id$v=19$m=65536,t=3,p=4$"],
    },
    Rule {
        id: "pbkdf2-hash",
        family: Family::PasswordHash,
        description: "Django PBKDF2 password hash (pbkdf2_sha256$iterations$salt$hash)",
        rank: Rank::Shape,
        anchors: &["pbkdf2_sha"],
        matcher: Matcher::Regex {
            re: r"\b(pbkdf2_sha(?:1|256)\$[0-9]{4,7}\$[A-Za-z0-9]{8,}\$[A-Za-z0-9+/]{27,43}=)",
            back: 0,
            ahead: 120,
            check: check::token,
        },
        must_match: &["pbkdf2_sha256$600000$FAKEsaltFAKE$EXAMPLEfakeEXAMPLEfakeEXAMPLEfakeEXAMPLEfak="],
        must_not_match: &["pbkdf2_sha256$600000$"],
    },
    Rule {
        id: "kerberos-hash",
        family: Family::PasswordHash,
        description: "Kerberos AS-REP or TGS hash, as dumped for offline cracking ($krb5asrep$, $krb5tgs$)",
        rank: Rank::Shape,
        anchors: &["$krb5"],
        matcher: Matcher::Regex {
            re: r"(\$krb5(?:asrep|tgs|pa)\$[0-9]{1,2}\$(?:[^\s$:]{1,128}[:$])?[0-9a-fA-F]{32}\$[0-9a-fA-F]{64,})",
            back: 0,
            ahead: 4096,
            check: check::token,
        },
        must_match: &["$krb5asrep$23$fa4efa4efa4efa4efa4efa4efa4efa4e$fa4efa4efa4efa4efa4efa4efa4efa4efa4efa4efa4efa4efa4efa4efa4efa4e"],
        must_not_match: &["$krb5asrep$23$short"],
    },
];

/// `-----BEGIN … PRIVATE KEY-----` and the base64 body after it, to its `END` line.
fn private_key(input: &[u8], s: usize, _e: usize) -> Option<(usize, usize)> {
    use memchr::memmem;
    if !input.get(s..)?.starts_with(b"-----BEGIN ") {
        return None;
    }
    let label_start = s + 11;
    let close = memmem::find(&input[label_start..input.len().min(label_start + 64)], b"-----")? + label_start;
    let label = &input[label_start..close];
    if !(label.ends_with(b"PRIVATE KEY") || label.ends_with(b"PRIVATE KEY BLOCK"))
        || !label.iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b' ')
    {
        return None;
    }
    let body_start = close + 5;
    let limit = input.len().min(s + MAX_SECRET_LEN);
    if body_start > limit {
        return None;
    }
    let (body_end, end) = if let Some(i) = memmem::find(&input[body_start..limit], b"-----END ") {
        let body_end = body_start + i;
        let after = body_end + 9;
        let end = memmem::find(&input[after..limit.min(after + 64)], b"-----").map_or(after, |j| after + j + 5);
        (body_end, end)
    } else {
        let mut i = body_start;
        while i < limit && (input[i].is_ascii_alphanumeric() || b"+/=\r\n\t \"'\\:,.-".contains(&input[i])) {
            i += 1;
        }
        while i > body_start && !input[i - 1].is_ascii_alphanumeric() && input[i - 1] != b'=' {
            i -= 1;
        }
        (i, i)
    };
    let body = &input[body_start..body_end];
    let base64 = body.iter().filter(|b| b.is_ascii_alphanumeric() || **b == b'+' || **b == b'/').count();
    let visible = body.iter().filter(|b| !b.is_ascii_whitespace()).count();
    (base64 >= 50 && base64 * 10 >= visible * 8).then_some((s, end))
}
