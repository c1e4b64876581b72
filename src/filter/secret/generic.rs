//! Generic assignments: a value given to a name that says it is secret, in env files,
//! YAML, JSON, TOML/INI, shell, code, XML, command-line options and prose. The parsing
//! and the value checks are in `assign.rs`; see there for the tiers and what is never
//! a secret (`${VAR}`, `$VAR`, `os.environ[…]`, `changeme`, `null`, `true`, masks,
//! short words, paths, URLs, type annotations).
//!
//! These run last in rank: a specific rule that finds the same value names it.

use super::assign;
use super::{Family, Matcher, Rank, Rule};

/// The generic assignment rules.
pub const RULES: &[Rule] = &[
    Rule {
        id: "password-assignment",
        family: Family::GenericAssignment,
        description: "a value given to a password-like name (password, passwd, pwd, *_pass, passphrase), as an assignment, option, XML element or in prose",
        rank: Rank::Generic,
        anchors: &["pass", "pwd", "_pw", "-pw"],
        matcher: Matcher::Custom(assign::password),
        must_match: &[
            r#"DB_PASSWORD="hunter2hunter2""#,
            "password: 'Tr0ub4dor&3'",
            "mysql --password=s3cret -u root",
            "$mail->Password   = 'hunter2';",
            "<password>Tr0ub4dor-3</password>",
            "the default password is \"hunter2\".",
            "Connect-VIServer host -User me -Password Tr0ub4dor!",
            "if user == 'me' and password == 'Tr0ub4dor&3':",
            "Server=db;Database=app;User Id=me;Password=Tr0ub4dor3;",
        ],
        must_not_match: &[
            "password_min_length = 12",
            r#"password = "${DB_PASSWORD}""#,
            "PASSWORD=$(cat /run/secrets/db)",
            "password: string;",
            r#"passwordLabel: "Password:""#,
            r#"password = "123""#,
            "password = hunter$two",
            "password = request.form.get('password')",
            "passwordless login is enabled",
            r#"echo 'password = '.$cfg['pw']."\n";"#,
        ],
    },
    Rule {
        id: "secret-assignment",
        family: Family::GenericAssignment,
        description: "a value given to a secret-, token- or key-like name (secret, token, credentials, auth, api_key, access_key, *_key)",
        rank: Rank::Generic,
        anchors: &["secret", "token", "key", "cred", "auth"],
        matcher: Matcher::Custom(assign::secret),
        must_match: &[
            "GITHUB_TOKEN=abc123 gh pr list",
            r#"api_key: "9f8e7d6c5b4a39281706f5e4d3c2b1a0""#,
            r#"client_secret = "Zq8fTr0Lw2Xp9Vn4""#,
            r#""key": "Zq8fTr0Lw2Xp9Vn4Ks7Jm1Hg""#,
            "export SECRET_KEY='k3y-0f-d3m0-0nly!'",
            "tool --api-key Zq8fTr0Lw2Xp9Vn4Ks7Jm1Hg",
            "const API_KEY: &str = \"Zq8fTr0Lw2Xp9Vn4Ks7Jm1Hg\";",
        ],
        must_not_match: &[
            "max_tokens: 4096",
            "secretName: my-tls-secret",
            "  [secret:aws-access-key-id] config/app.env:2: fingerprint 37f88963737be854",
            r#"token = os.environ["SLACK_TOKEN"]"#,
            r#"SECRET_KEY_BASE: <%= ENV["SECRET_KEY_BASE"] %>"#,
            r#"keyboard_layout = "us""#,
            r#"private_key_path = "~/.ssh/id_ed25519""#,
            "client_secret = settings.OAUTH_CLIENT_SECRET",
            r#"secret = "abcdabcdabcdabcdabcdabcd""#,
            r#"api_key = "a-placeholder-api-key""#,
            "let key = map.get(&k);",
            "auth_method: oidc",
            "The API key must be rotated every 90 days.",
        ],
    },
];
