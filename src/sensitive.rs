//! Which files hold secrets, by path.
//!
//! The classification is lexical (names and the directories they sit in) so it works on
//! paths that do not exist yet and costs no I/O. It errs towards calling a credential
//! file a secret; example and template files (`.env.example`, `*.pub`) are not.
//!
//! Invariant: a secret file is never "not a secret" because of how the path was
//! spelled: the caller passes a normalised path or the argument as written, and both
//! are checked by their last components.

/// Directories (compared case-insensitively) whose presence among a path's ancestors
/// [`secret_file`] asks about.
const CREDENTIAL_DIRS: &[&str] = &[
    ".ssh",
    ".gnupg",
    ".aws",
    ".codex",
    ".config",
    ".docker",
    ".composer",
    "secrets",
    ".password-store",
    "keyrings",
    "Keychains",
    "Library",
];

/// The bit of the credential directory `d` in the set [`secret_file`] notes, found when
/// compiling (a name missing from [`CREDENTIAL_DIRS`] fails the build).
const fn bit(d: &str) -> u32 {
    let mut i = 0;
    while i < CREDENTIAL_DIRS.len() {
        let c = CREDENTIAL_DIRS[i].as_bytes();
        let b = d.as_bytes();
        if c.len() == b.len() {
            let mut k = 0;
            while k < b.len() && c[k] == b[k] {
                k += 1;
            }
            if k == b.len() {
                return 1 << i;
            }
        }
        i += 1;
    }
    panic!("not in CREDENTIAL_DIRS")
}

// The bits of the credential directories the rules of [`secret_file`] name.
const SSH: u32 = bit(".ssh");
const GNUPG: u32 = bit(".gnupg");
const AWS: u32 = bit(".aws");
const CODEX: u32 = bit(".codex");
const CONFIG: u32 = bit(".config");
const DOCKER: u32 = bit(".docker");
const COMPOSER: u32 = bit(".composer");
const SECRETS: u32 = bit("secrets");
const PASSWORD_STORE: u32 = bit(".password-store");
const KEYRINGS: u32 = bit("keyrings");
const KEYCHAINS: u32 = bit("Keychains");
const LIBRARY: u32 = bit("Library");

/// The non-empty components of a path, last first (a byte scan: `/` is ASCII, so every
/// cut is a character boundary).
fn rev_components(path: &str) -> impl Iterator<Item = &str> + Clone {
    let mut end = path.len();
    std::iter::from_fn(move || loop {
        if end == 0 {
            return None;
        }
        let start = path.as_bytes()[..end].iter().rposition(|&b| b == b'/').map_or(0, |i| i + 1);
        let c = &path[start..end];
        end = start.saturating_sub(1);
        if !c.is_empty() {
            return Some(c);
        }
    })
}

/// The names without a `.` that [`secret_file`] calls secrets with no directory around
/// them (compared case-insensitively); any other such name is none.
const BARE_SECRETS: &[&str] = &[
    "id_rsa",
    "id_dsa",
    "id_ecdsa",
    "id_ed25519",
    "id_ecdsa_sk",
    "id_ed25519_sk",
    "identity",
    "_netrc",
    "credentials",
];

/// Why a path is a secret, or `None`.
#[must_use]
pub fn secret_file(path: &str) -> Option<&'static str> {
    // Without allocating: this runs for every path argument of every command.
    let path = path.trim_end_matches('/');
    // A bare name without a `.` (`build`, `-p`, `crate1`), as most arguments are: every
    // rule below needs a directory or an extension, except for these few names.
    if !path.bytes().any(|b| b == b'/' || b == b'.') && !BARE_SECRETS.iter().any(|n| path.eq_ignore_ascii_case(n)) {
        return None;
    }
    // (Certificates in a `certs` directory are public: `/etc/ssl/certs/ISRG_Root.pem`.)
    let full = path;
    let mut comps = rev_components(path).filter(|c| *c != ".");
    let name = comps.next()?;
    // The directories holding it, innermost first.
    let dirs = comps;
    let parent = dirs.clone().next().unwrap_or("");
    let lower: std::borrow::Cow<'_, str> = if name.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(name.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(name)
    };
    // One pass over the directories, noting the ones that hold credentials.
    let mut seen = 0u32;
    for c in dirs {
        // Every name of `CREDENTIAL_DIRS` starts with one of these.
        if !matches!(c.as_bytes()[0], b'.' | b's' | b'S' | b'k' | b'K' | b'l' | b'L') {
            continue;
        }
        if let Some(i) = CREDENTIAL_DIRS.iter().position(|d| c.eq_ignore_ascii_case(d)) {
            seen |= 1 << i;
        }
    }
    let in_dir = |bit: u32| seen & bit != 0;
    // Environment files.
    if lower == ".env" || lower == ".envrc" || lower == ".env.local" {
        return Some("an environment file with secrets");
    }
    if let Some(suffix) =
        lower.strip_prefix(".env.").or_else(|| lower.strip_suffix(".env").filter(|s| !s.is_empty()).map(|_| ""))
    {
        if !matches!(
            suffix,
            "example"
                | "sample"
                | "template"
                | "dist"
                | "defaults"
                | "default"
                | "schema"
                | "tmpl"
                | "tpl"
                | "md"
                | "txt"
        ) && !suffix.ends_with(".example")
            && !suffix.ends_with(".sample")
        {
            return Some("an environment file with secrets");
        }
    }
    // SSH and GPG keys.
    if in_dir(SSH) {
        if lower.ends_with(".pub")
            || matches!(&*lower, "known_hosts" | "known_hosts.old" | "config" | "authorized_keys")
        {
            return None;
        }
        return Some("an SSH key or agent socket");
    }
    if matches!(&*lower, "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519" | "id_ecdsa_sk" | "id_ed25519_sk" | "identity")
    {
        return Some("an SSH private key");
    }
    if in_dir(GNUPG) && !matches!(&*lower, "gpg.conf" | "gpg-agent.conf" | "dirmngr.conf") {
        return Some("a GnuPG keyring");
    }
    // Private keys and keystores by extension. Each extension holds one `.`: a name
    // ends in one exactly when its text from its last `.` is that extension.
    // (A byte loop: names are short, and `rfind` sets up a searcher.)
    let ext = lower.as_bytes().iter().rposition(|&b| b == b'.').map_or("", |i| &lower[i..]);
    if matches!(
        ext,
        ".pem"
            | ".key"
            | ".p12"
            | ".pfx"
            | ".jks"
            | ".keystore"
            | ".ppk"
            | ".kdbx"
            | ".keychain"
            | ".keychain-db"
            | ".asc"
            | ".gpg"
            | ".age"
    ) && !lower.ends_with(".pub.asc")
    {
        if ext == ".pem"
            && (lower.contains("cert")
                || lower.contains("chain")
                || lower.contains("ca-bundle")
                || lower.starts_with("ca")
                || full.contains("/certs/")
                || full.starts_with("certs/"))
        {
            return None;
        }
        return Some("a private key or keystore");
    }
    // Credential files of tools (a `match` compiles to a length switch, not a scan).
    match &*lower {
        ".netrc" | "_netrc" => return Some("login credentials (.netrc)"),
        ".npmrc" => return Some("a package registry token (.npmrc)"),
        ".pypirc" => return Some("a package registry token (.pypirc)"),
        ".git-credentials" => return Some("stored git credentials"),
        ".pgpass" => return Some("database passwords (.pgpass)"),
        ".my.cnf" => return Some("database credentials (.my.cnf)"),
        ".vault-token" => return Some("a Vault token"),
        ".boto" => return Some("cloud credentials (.boto)"),
        ".s3cfg" => return Some("cloud credentials (.s3cfg)"),
        ".htpasswd" => return Some("password hashes (.htpasswd)"),
        "master.key" => return Some("an application master key"),
        "credentials.json" => return Some("service credentials"),
        "client_secret.json" => return Some("an OAuth client secret"),
        "application_default_credentials.json" | "credentials.db" => return Some("cloud credentials"),
        "accesstokens.json" | "access_tokens.db" => return Some("cloud access tokens"),
        "wallet.dat" => return Some("a cryptocurrency wallet"),
        ".credentials.json" => return Some("agent credentials"),
        "terraform.tfstate" => return Some("infrastructure state with secrets"),
        "secrets.yml" | "secrets.yaml" | "secrets.json" | "secrets.toml" | ".secrets" => return Some("a secrets file"),
        "token.json" => return Some("an access token"),
        "shadow" | "gshadow" => return (parent == "etc").then_some("system password hashes"),
        _ => {}
    }
    if lower == "credentials" || lower == "credentials.toml" {
        if matches!(parent, ".aws" | ".cargo" | ".gem" | ".docker" | ".config") || in_dir(AWS) {
            return Some("cloud or registry credentials");
        }
        return Some("a credentials file");
    }
    if lower == "config.json" && parent == ".docker" {
        return Some("registry credentials (.docker/config.json)");
    }
    if lower == "config" && parent == ".kube" {
        return Some("cluster credentials (.kube/config)");
    }
    if lower == "hosts.yml" && parent == "gh" {
        return Some("a GitHub token (gh)");
    }
    if lower == "auth.json" && (in_dir(CODEX) || in_dir(CONFIG) || in_dir(DOCKER) || in_dir(COMPOSER)) {
        return Some("an agent or tool token (auth.json)");
    }
    if lower.starts_with("service-account") && lower.ends_with(".json") {
        return Some("a cloud service account key");
    }
    if in_dir(SECRETS)
        && (lower.ends_with(".key")
            || lower.ends_with(".json")
            || lower.ends_with(".yaml")
            || lower.ends_with(".yml")
            || lower.ends_with(".txt"))
    {
        return Some("a file in a secrets directory");
    }
    if in_dir(PASSWORD_STORE) || in_dir(KEYRINGS) || (in_dir(KEYCHAINS) && in_dir(LIBRARY)) {
        return Some("a password store or keyring");
    }
    None
}

/// The names of the directory holding a file that [`secret_file`] compares (`/etc/shadow`,
/// `.kube/config`, `gh/hosts.yml`, `.cargo/credentials`).
const PARENTS: &[&str] = &["etc", ".aws", ".cargo", ".gem", ".docker", ".config", ".kube", "gh"];

/// Whether a directory named `dir` (one path component) can change what
/// [`secret_file`] says of the paths below it: a credential directory (in any case) or
/// a parent some names depend on.
///
/// A path none of whose directories can is judged by its name alone:
/// `secret_file(path) == secret_file(name)` and `secret_dir(path) == secret_dir(name)`,
/// which lets a caller rule a path out without building it.
#[must_use]
pub fn shapes_secrets(dir: &str) -> bool {
    // Every name of `CREDENTIAL_DIRS` and `PARENTS` starts with one of these.
    matches!(dir.as_bytes().first(), Some(b'.' | b's' | b'S' | b'k' | b'K' | b'l' | b'L' | b'e' | b'g'))
        && (CREDENTIAL_DIRS.iter().any(|d| dir.eq_ignore_ascii_case(d)) || PARENTS.contains(&dir))
}

/// Whether a path is under a directory that holds credentials (`~/.ssh`, `~/.aws`,
/// `~/.gnupg`, …): listing or searching it reveals them.
#[must_use]
pub fn secret_dir(path: &str) -> Option<&'static str> {
    secret_dir_named(path.trim_end_matches('/').rsplit('/').find(|c| !c.is_empty())?)
}

/// [`secret_dir`] of a path whose last component is `last`.
#[must_use]
pub fn secret_dir_named(last: &str) -> Option<&'static str> {
    match last {
        ".ssh" => Some("SSH keys (~/.ssh)"),
        ".aws" => Some("cloud credentials (~/.aws)"),
        ".gnupg" => Some("a GnuPG keyring (~/.gnupg)"),
        ".kube" => Some("cluster credentials (~/.kube)"),
        ".password-store" => Some("a password store"),
        ".docker" => Some("registry credentials (~/.docker)"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets() {
        for p in [
            ".env",
            "./.env",
            "/home/u/proj/.env.production",
            "~/.ssh/id_rsa",
            "/root/.aws/credentials",
            "id_ed25519",
            "server.key",
            "/home/u/.netrc",
            ".npmrc",
            "secrets/prod.key",
            "/etc/shadow",
            "~/.kube/config",
            "/home/u/.docker/config.json",
            "/home/u/.codex/auth.json",
            "private.pem",
            ".envrc",
            "prod.env",
        ] {
            assert!(secret_file(p).is_some(), "{p} should be a secret");
        }
        for p in [
            ".env.example",
            ".env.sample",
            "~/.ssh/id_rsa.pub",
            "~/.ssh/known_hosts",
            "README.md",
            "src/env.rs",
            "/etc/hosts",
            "shadow",
            "cert.pem",
            "package.json",
            ".environment",
            "config",
            "ca-bundle.pem",
        ] {
            assert!(secret_file(p).is_none(), "{p} should not be a secret");
        }
        assert!(secret_dir("/home/u/.ssh").is_some());
        assert!(secret_dir("/home/u/src").is_none());
    }

    #[test]
    fn bare_names_taken_early_are_the_secret_ones() {
        // The names the early return lets through are secrets in any case, alone and in
        // a directory; other bare names are not, unless a directory makes them so.
        for n in BARE_SECRETS {
            for p in [n.to_string(), n.to_ascii_uppercase(), format!("dir/{n}")] {
                assert!(secret_file(&p).is_some(), "{p}");
            }
        }
        for p in ["build", "-p", "--release", "shadow", "config", "Credential", "id_rsa2", "ID"] {
            assert!(secret_file(p).is_none(), "{p}");
        }
        assert!(secret_file("etc/shadow").is_some() && secret_file(".ssh/x").is_some());
    }

    /// [`secret_file`] as it was before its extensions were matched from the last `.`
    /// and its credential directories became bits found when compiling.
    fn reference(path: &str) -> Option<&'static str> {
        // Without allocating: this runs for every path argument of every command.
        let path = path.trim_end_matches('/');
        let mut comps = rev_components(path).filter(|c| *c != ".");
        let name = comps.next()?;
        // The directories holding it, innermost first.
        let dirs = comps;
        let parent = dirs.clone().next().unwrap_or("");
        let lower: std::borrow::Cow<'_, str> = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            std::borrow::Cow::Owned(name.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Borrowed(name)
        };
        // One pass over the directories, noting the ones that hold credentials.
        let mut seen = 0u32;
        for c in dirs {
            // Every name of `CREDENTIAL_DIRS` starts with one of these.
            if !matches!(c.as_bytes()[0], b'.' | b's' | b'S' | b'k' | b'K' | b'l' | b'L') {
                continue;
            }
            if let Some(i) = CREDENTIAL_DIRS.iter().position(|d| c.eq_ignore_ascii_case(d)) {
                seen |= 1 << i;
            }
        }
        let in_dir = |d: &str| {
            let i = CREDENTIAL_DIRS.iter().position(|x| *x == d);
            debug_assert!(i.is_some(), "{d} is not in CREDENTIAL_DIRS");
            i.is_some_and(|i| seen & (1 << i) != 0)
        };
        // Environment files.
        if lower == ".env" || lower == ".envrc" || lower == ".env.local" {
            return Some("an environment file with secrets");
        }
        if let Some(suffix) =
            lower.strip_prefix(".env.").or_else(|| lower.strip_suffix(".env").filter(|s| !s.is_empty()).map(|_| ""))
        {
            if !matches!(
                suffix,
                "example"
                    | "sample"
                    | "template"
                    | "dist"
                    | "defaults"
                    | "default"
                    | "schema"
                    | "tmpl"
                    | "tpl"
                    | "md"
                    | "txt"
            ) && !suffix.ends_with(".example")
                && !suffix.ends_with(".sample")
            {
                return Some("an environment file with secrets");
            }
        }
        // SSH and GPG keys.
        if in_dir(".ssh") {
            if lower.ends_with(".pub")
                || matches!(&*lower, "known_hosts" | "known_hosts.old" | "config" | "authorized_keys")
            {
                return None;
            }
            return Some("an SSH key or agent socket");
        }
        if matches!(
            &*lower,
            "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519" | "id_ecdsa_sk" | "id_ed25519_sk" | "identity"
        ) {
            return Some("an SSH private key");
        }
        if in_dir(".gnupg") && !matches!(&*lower, "gpg.conf" | "gpg-agent.conf" | "dirmngr.conf") {
            return Some("a GnuPG keyring");
        }
        // Private keys and keystores by extension.
        for ext in [
            ".pem",
            ".key",
            ".p12",
            ".pfx",
            ".jks",
            ".keystore",
            ".ppk",
            ".kdbx",
            ".keychain",
            ".keychain-db",
            ".asc",
            ".gpg",
            ".age",
        ] {
            if lower.ends_with(ext) && !lower.ends_with(".pub.asc") {
                if ext == ".pem"
                    && (lower.contains("cert")
                        || lower.contains("chain")
                        || lower.contains("ca-bundle")
                        || lower.starts_with("ca"))
                {
                    return None;
                }
                return Some("a private key or keystore");
            }
        }
        // Credential files of tools (a `match` compiles to a length switch, not a scan).
        match &*lower {
            ".netrc" | "_netrc" => return Some("login credentials (.netrc)"),
            ".npmrc" => return Some("a package registry token (.npmrc)"),
            ".pypirc" => return Some("a package registry token (.pypirc)"),
            ".git-credentials" => return Some("stored git credentials"),
            ".pgpass" => return Some("database passwords (.pgpass)"),
            ".my.cnf" => return Some("database credentials (.my.cnf)"),
            ".vault-token" => return Some("a Vault token"),
            ".boto" => return Some("cloud credentials (.boto)"),
            ".s3cfg" => return Some("cloud credentials (.s3cfg)"),
            ".htpasswd" => return Some("password hashes (.htpasswd)"),
            "master.key" => return Some("an application master key"),
            "credentials.json" => return Some("service credentials"),
            "client_secret.json" => return Some("an OAuth client secret"),
            "application_default_credentials.json" | "credentials.db" => return Some("cloud credentials"),
            "accesstokens.json" | "access_tokens.db" => return Some("cloud access tokens"),
            "wallet.dat" => return Some("a cryptocurrency wallet"),
            ".credentials.json" => return Some("agent credentials"),
            "terraform.tfstate" => return Some("infrastructure state with secrets"),
            "secrets.yml" | "secrets.yaml" | "secrets.json" | "secrets.toml" | ".secrets" => {
                return Some("a secrets file")
            }
            "token.json" => return Some("an access token"),
            "shadow" | "gshadow" => return (parent == "etc").then_some("system password hashes"),
            _ => {}
        }
        if lower == "credentials" || lower == "credentials.toml" {
            if matches!(parent, ".aws" | ".cargo" | ".gem" | ".docker" | ".config") || in_dir(".aws") {
                return Some("cloud or registry credentials");
            }
            return Some("a credentials file");
        }
        if lower == "config.json" && parent == ".docker" {
            return Some("registry credentials (.docker/config.json)");
        }
        if lower == "config" && parent == ".kube" {
            return Some("cluster credentials (.kube/config)");
        }
        if lower == "hosts.yml" && parent == "gh" {
            return Some("a GitHub token (gh)");
        }
        if lower == "auth.json" && (in_dir(".codex") || in_dir(".config") || in_dir(".docker") || in_dir(".composer")) {
            return Some("an agent or tool token (auth.json)");
        }
        if lower.starts_with("service-account") && lower.ends_with(".json") {
            return Some("a cloud service account key");
        }
        if in_dir("secrets")
            && (lower.ends_with(".key")
                || lower.ends_with(".json")
                || lower.ends_with(".yaml")
                || lower.ends_with(".yml")
                || lower.ends_with(".txt"))
        {
            return Some("a file in a secrets directory");
        }
        if in_dir(".password-store") || in_dir("keyrings") || (in_dir("Keychains") && in_dir("Library")) {
            return Some("a password store or keyring");
        }
        None
    }

    /// Names and directories that matter to the rules, and some that do not.
    const PIECES: &[&str] = &[
        "src",
        "a",
        "home",
        "u",
        "tmp",
        "etc",
        "ETC",
        "shadow",
        "gshadow",
        ".ssh",
        ".SSH",
        "ssh",
        ".aws",
        ".Aws",
        ".cargo",
        ".gem",
        ".docker",
        ".config",
        ".kube",
        "gh",
        ".gnupg",
        ".codex",
        ".composer",
        "secrets",
        "Secrets",
        ".password-store",
        "keyrings",
        "Keychains",
        "keychains",
        "Library",
        "library",
        ".env",
        ".env.example",
        "prod.env",
        "id_rsa",
        "id_rsa.pub",
        "known_hosts",
        "config",
        "config.json",
        "auth.json",
        "hosts.yml",
        "credentials",
        "Credentials",
        "credentials.toml",
        "x.json",
        "x.yaml",
        "x.txt",
        "server.key",
        "cert.pem",
        "ca.pem",
        "key.pub.asc",
        "gpg.conf",
        ".netrc",
        "README.md",
        "main.rs",
        "token.json",
        "Cargo.toml",
    ];

    #[test]
    fn directories_that_shape_nothing_leave_the_name_to_decide() {
        for name in PIECES {
            for d1 in PIECES {
                for d2 in ["x", "src", ".ssh", "etc", "Library"] {
                    let path = format!("/{d2}/{d1}/{name}");
                    if !shapes_secrets(d1) && !shapes_secrets(d2) {
                        assert_eq!(secret_file(&path), secret_file(name), "{path}");
                        assert_eq!(secret_dir(&path), secret_dir(name), "{path}");
                    }
                }
            }
        }
        for d in ["etc", ".ssh", ".SSH", ".kube", "gh", ".cargo", "Library", "secrets", ".password-store"] {
            assert!(shapes_secrets(d), "{d}");
        }
        for d in ["src", "home", "ssh", "kube", "etc2", "", "."] {
            assert!(!shapes_secrets(d), "{d}");
        }
    }

    #[test]
    fn secret_file_agrees_with_its_reference() {
        for name in PIECES.iter().chain(&[
            "x.PEM",
            "a.pub.asc",
            "b.asc",
            "certs.pem",
            "ca.pem",
            ".keychain-db",
            "k.keychain",
            "x.p12.bak",
            "ENV",
            "a.Env",
            "a.age",
            "b.kdbx",
            "c.ppk",
            "d.jks",
            "e.pfx",
            "f.keystore",
            "g.Keychain",
            "h.p12",
            "i.gpg",
            "no.key.txt",
            "cert-chain.pem",
        ]) {
            // Alone, as most arguments are (a bare name without a `.` returns early).
            for bare in [name.to_string(), name.to_ascii_uppercase()] {
                assert_eq!(secret_file(&bare), reference(&bare), "{bare}");
            }
            for d1 in PIECES {
                for d2 in ["", "x", ".SSH", "etc", "Library", "Keychains"] {
                    let path = format!("/{d2}/{d1}/{name}");
                    assert_eq!(secret_file(&path), reference(&path), "{path}");
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]
        #[test]
        fn secret_file_agrees_with_its_reference_on_any_text(path in "[a-zA-Z./_-]{0,12}(\\.(pem|key|asc|pub|gpg|age|ppk|keychain-db|env|json))?") {
            proptest::prop_assert_eq!(secret_file(&path), reference(&path), "{}", path);
        }


        #[test]
        fn the_name_decides_below_directories_that_shape_nothing(
            dirs in proptest::collection::vec(proptest::sample::select(PIECES), 0..5),
            name in proptest::sample::select(PIECES),
        ) {
            let path = format!("/{}/{name}", dirs.join("/"));
            if !dirs.iter().any(|d| shapes_secrets(d)) {
                proptest::prop_assert_eq!(secret_file(&path), secret_file(name), "{}", path);
                proptest::prop_assert_eq!(secret_dir(&path), secret_dir(name), "{}", path);
            }
        }
    }
}
