//! Which files hold secrets, by path.
//!
//! The classification is lexical (names and the directories they sit in) so it works on
//! paths that do not exist yet and costs no I/O. It errs towards calling a credential
//! file a secret; example and template files (`.env.example`, `*.pub`) are not.
//!
//! Invariant: a secret file is never "not a secret" because of how the path was
//! spelled: the caller passes a normalised path or the argument as written, and both
//! are checked by their last components.

/// Why a path is a secret, or `None`.
#[must_use]
pub fn secret_file(path: &str) -> Option<&'static str> {
    let path = path.trim_end_matches('/');
    let comps: Vec<&str> = path.split('/').filter(|c| !c.is_empty() && *c != ".").collect();
    let name = *comps.last()?;
    let parent = comps.len().checked_sub(2).map(|i| comps[i]).unwrap_or("");
    let lower = name.to_ascii_lowercase();
    let in_dir = |d: &str| comps[..comps.len() - 1].iter().any(|c| c.eq_ignore_ascii_case(d));
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
            || matches!(lower.as_str(), "known_hosts" | "known_hosts.old" | "config" | "authorized_keys")
        {
            return None;
        }
        return Some("an SSH key or agent socket");
    }
    if matches!(
        lower.as_str(),
        "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519" | "id_ecdsa_sk" | "id_ed25519_sk" | "identity"
    ) {
        return Some("an SSH private key");
    }
    if in_dir(".gnupg") && !matches!(lower.as_str(), "gpg.conf" | "gpg-agent.conf" | "dirmngr.conf") {
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
    // Credential files of tools.
    let exact: &[(&str, &str)] = &[
        (".netrc", "login credentials (.netrc)"),
        ("_netrc", "login credentials (.netrc)"),
        (".npmrc", "a package registry token (.npmrc)"),
        (".pypirc", "a package registry token (.pypirc)"),
        (".git-credentials", "stored git credentials"),
        (".pgpass", "database passwords (.pgpass)"),
        (".my.cnf", "database credentials (.my.cnf)"),
        (".vault-token", "a Vault token"),
        (".boto", "cloud credentials (.boto)"),
        (".s3cfg", "cloud credentials (.s3cfg)"),
        (".htpasswd", "password hashes (.htpasswd)"),
        ("shadow", "system password hashes"),
        ("gshadow", "system password hashes"),
        ("master.key", "an application master key"),
        ("credentials.json", "service credentials"),
        ("client_secret.json", "an OAuth client secret"),
        ("application_default_credentials.json", "cloud credentials"),
        ("accesstokens.json", "cloud access tokens"),
        ("credentials.db", "cloud credentials"),
        ("access_tokens.db", "cloud access tokens"),
        ("wallet.dat", "a cryptocurrency wallet"),
        (".credentials.json", "agent credentials"),
        ("terraform.tfstate", "infrastructure state with secrets"),
        ("secrets.yml", "a secrets file"),
        ("secrets.yaml", "a secrets file"),
        ("secrets.json", "a secrets file"),
        ("secrets.toml", "a secrets file"),
        (".secrets", "a secrets file"),
        ("token.json", "an access token"),
    ];
    if let Some((_, why)) = exact.iter().find(|(n, _)| *n == lower) {
        if lower == "shadow" || lower == "gshadow" {
            return (parent == "etc").then_some(*why);
        }
        return Some(why);
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

/// Whether a path is under a directory that holds credentials (`~/.ssh`, `~/.aws`,
/// `~/.gnupg`, …): listing or searching it reveals them.
#[must_use]
pub fn secret_dir(path: &str) -> Option<&'static str> {
    let comps: Vec<&str> = path.trim_end_matches('/').split('/').filter(|c| !c.is_empty()).collect();
    let last = *comps.last()?;
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
}
