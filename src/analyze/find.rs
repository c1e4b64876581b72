//! The expression of `find`: starting points, tests, and the actions that delete, run
//! commands or write files.
//!
//! Invariant: an argument that cannot be known in the expression could be any action
//! (`find . $(printf -- -delete)`), so it sets [`FindCmd::unknown_action`].
//!
//! What an action is given, when no test narrows it by name, is bounded only by what
//! the expression provably leaves out ([`Reach`]: `-maxdepth`, a negated `-path` on its
//! way, a `-prune` every directory goes through first); anything less certain (a test in
//! parentheses, `-L`, `-depth`) leaves it every file.

use super::model::{Field, UNKNOWN_MARK};

/// Tests that take one value.
const ONE_VALUE: &[&str] = &[
    "-name",
    "-iname",
    "-path",
    "-ipath",
    "-wholename",
    "-iwholename",
    "-regex",
    "-iregex",
    "-regextype",
    "-type",
    "-xtype",
    "-user",
    "-group",
    "-uid",
    "-gid",
    "-perm",
    "-size",
    "-mtime",
    "-mmin",
    "-atime",
    "-amin",
    "-ctime",
    "-cmin",
    "-newer",
    "-anewer",
    "-cnewer",
    "-used",
    "-links",
    "-inum",
    "-samefile",
    "-fstype",
    "-context",
    "-lname",
    "-ilname",
    "-maxdepth",
    "-mindepth",
    "-files0-from",
    "-printf",
];

/// Tests that narrow what is matched (unlike `-type` or `-maxdepth`).
const FILTERS: &[&str] = &[
    "-name",
    "-iname",
    "-path",
    "-ipath",
    "-wholename",
    "-iwholename",
    "-regex",
    "-iregex",
    "-user",
    "-group",
    "-uid",
    "-gid",
    "-perm",
    "-size",
    "-mtime",
    "-mmin",
    "-atime",
    "-amin",
    "-ctime",
    "-cmin",
    "-newer",
    "-anewer",
    "-cnewer",
    "-used",
    "-links",
    "-inum",
    "-samefile",
    "-lname",
    "-ilname",
    "-empty",
    "-nouser",
    "-nogroup",
];

/// Tests that narrow the matches to some names or files, so that a tree is not read
/// whole through them (unlike `-type f`, `-size` or `-mtime`, which a key passes).
/// `-path` narrows where under the tree, which [`Reach`] holds (`-path '*/.ssh/*'` is
/// no narrowing of the home directory).
const NAME_TESTS: &[&str] =
    &["-name", "-iname", "-regex", "-iregex", "-lname", "-ilname", "-samefile", "-inum", "-empty"];

/// Names of files that hold secrets, which a name test must not be able to match to
/// narrow a tree read (`-name '*d*'` still finds `id_rsa`).
const SECRET_NAMES: &[&str] = &[
    "id_rsa",
    "id_dsa",
    "id_ecdsa",
    "id_ed25519",
    "credentials",
    ".netrc",
    ".env",
    ".pgpass",
    ".git-credentials",
    "operator.key",
    "server.key",
    "cert.pem",
    "store.p12",
    "store.pfx",
    "store.jks",
    "app.keystore",
    "vault.kdbx",
    "putty.ppk",
    "secret.gpg",
    "secret.asc",
];

/// Whether the name test `test` with the value `pattern` leaves the files that hold
/// secrets out: a name or `*SUFFIX` (judged by that name), a `-name` glob that can match
/// none of [`SECRET_NAMES`] (a bracket expression could match anything), a `-regex` whose
/// matches end in letters none of them ends in (`.*\.py`, `.*\.(js|ts)$`; not
/// `.*/\.ssh/.*` or `.*rsa`). Other tests ([`NAME_TESTS`]) narrow to some files.
fn leaves_secrets_out(test: &str, pattern: &str) -> bool {
    match test {
        "-name" | "-iname" => {
            // A name, or `*SUFFIX`, is judged as the name it gives what is found
            // ([`FindCmd::found_path`]: `./…/.env`, `./…/….pem`).
            let rest = pattern.strip_prefix('*').unwrap_or(pattern);
            if !rest.contains(['*', '?', '[', '\\']) {
                return !rest.is_empty();
            }
            let p = if test == "-iname" { pattern.to_ascii_lowercase() } else { pattern.to_owned() };
            !p.contains('[') && !SECRET_NAMES.iter().any(|n| glob_match(&p, n))
        }
        "-regex" | "-iregex" => {
            // The literal ends the regex's matches have: its last characters, or each
            // alternative of a group it ends with (`.*\.(js|ts)`).
            let p = pattern.strip_suffix('$').unwrap_or(pattern);
            let group = p.strip_suffix(')').and_then(|g| g.rsplit_once('(')).map(|(_, alts)| alts);
            let tail = |t: &str| {
                let t = t.strip_prefix("\\.").unwrap_or(t);
                let start = t.rfind(|c: char| !c.is_ascii_alphanumeric() && c != '_').map_or(0, |i| i + 1);
                (group.is_none() || start == 0).then(|| t[start..].to_ascii_lowercase())
            };
            let tails: Vec<Option<String>> = group.map_or_else(|| vec![tail(p)], |g| g.split('|').map(tail).collect());
            tails
                .iter()
                .all(|t| t.as_deref().is_some_and(|t| !t.is_empty() && !SECRET_NAMES.iter().any(|n| n.ends_with(t))))
        }
        _ => true,
    }
}

/// How far under its starting point what `find` finds reaches, beyond the names it
/// tests: its `-maxdepth`, and the paths its expression leaves out. The default reaches
/// every file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reach {
    /// `-maxdepth N`: files at most N levels below the starting point.
    pub max_depth: Option<u32>,
    /// Paths left out.
    pub except: Vec<Except>,
}

/// A part of the tree that `find`'s expression leaves out of what an action is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Except {
    /// `! -path PATTERN` (`-not`, `-ipath`, `-wholename`) on the action's way: the paths
    /// it matches (`*` matching `/` too).
    Path {
        /// The pattern, lowercase when `icase`.
        pattern: String,
        /// `-ipath`, `-iwholename`.
        icase: bool,
    },
    /// `-path PATTERN` (`-ipath`, `-wholename`) on the action's way: only the paths it
    /// matches.
    Only {
        /// The pattern, lowercase when `icase`.
        pattern: String,
        /// `-ipath`, `-iwholename`.
        icase: bool,
    },
    /// `-path PATTERN -prune -o …` (or `-name`): directories that match are not entered.
    Pruned {
        /// The pattern, lowercase when `icase`.
        pattern: String,
        /// `-name`/`-iname`: the pattern matches the last component only.
        name: bool,
        /// `-ipath`, `-iname`.
        icase: bool,
    },
}

impl Reach {
    /// Whether the files under `dir` may be among those found under `root` (as
    /// written, ending in `/`: `./`), `base` being where `root` is: `dir` lies deeper
    /// than `-maxdepth` reaches (`find . -maxdepth 2` does not reach `./.tako/keys/…`),
    /// or the expression leaves out every path under it (`! -path './.tako/*'`, `-path
    /// ./.tako -prune -o`). A `dir` not under `base` is not reached.
    #[must_use]
    pub fn reaches(&self, root: &str, base: &std::path::Path, dir: &std::path::Path) -> bool {
        let Ok(rel) = dir.strip_prefix(base) else { return false };
        let names: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        if self.max_depth.is_some_and(|m| names.len() >= m as usize) {
            return false;
        }
        // The directories on the way, as find prints them (`./.tako`, `./.tako/keys`).
        let mut ways = Vec::with_capacity(names.len());
        let mut path = root.to_string();
        for (k, n) in names.iter().enumerate() {
            if k > 0 {
                path.push('/');
            }
            path.push_str(n);
            ways.push(path.clone());
        }
        let fold = |t: &str, icase: bool| if icase { t.to_lowercase() } else { t.to_string() };
        !self.except.iter().any(|e| match e {
            // Every path under `dir` starts with `DIR/`: a pattern `P*` whose `P` matches
            // a start of that matches them all.
            Except::Path { pattern, icase } => pattern.strip_suffix('*').is_some_and(|p| {
                let inside = fold(&if names.is_empty() { path.clone() } else { format!("{path}/") }, *icase);
                let all =
                    inside.char_indices().map(|(i, _)| &inside[..i]).chain([inside.as_str()]).any(|s| glob_match(p, s));
                all
            }),
            // Paths under `dir` can match only if the pattern's literal start and `DIR/`
            // agree (`./src/*` matches nothing under `./.tako/`).
            Except::Only { pattern, icase } => {
                let inside = fold(&if names.is_empty() { path.clone() } else { format!("{path}/") }, *icase);
                let literal = pattern.find(['*', '?', '[', '\\']).map_or(pattern.as_str(), |k| &pattern[..k]);
                let can = if literal.len() == pattern.len() {
                    literal.starts_with(&inside)
                } else {
                    literal.starts_with(&inside) || inside.starts_with(literal)
                };
                !can
            }
            Except::Pruned { pattern, name: false, icase } => {
                ways.iter().any(|w| glob_match(pattern, &fold(w, *icase)))
            }
            Except::Pruned { pattern, name: true, icase } => {
                names.iter().any(|n| glob_match(pattern, &fold(n, *icase)))
            }
        })
    }
}

/// Whether the shell pattern `pattern` matches `text` whole, as find's `-path` does
/// (`*` and `?` match `/` too). Bracket expressions match nothing: a pattern with one
/// leaves nothing out here.
fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    if p.contains(&'[') {
        return false;
    }
    // Iterative matching with one backtrack point for the last `*`.
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < t.len() {
        match p.get(i) {
            Some('*') => {
                star = Some((i, j));
                i += 1;
                continue;
            }
            Some('?') => {
                i += 1;
                j += 1;
                continue;
            }
            Some('\\') if p.get(i + 1) == Some(&t[j]) => {
                i += 2;
                j += 1;
                continue;
            }
            Some(&c) if c != '\\' && c == t[j] => {
                i += 1;
                j += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((si, sj)) => {
                i = si + 1;
                j = sj + 1;
                star = Some((si, sj + 1));
            }
            None => return false,
        }
    }
    p[i..].iter().all(|&c| c == '*')
}

/// A `-exec`-like action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindExec {
    /// The command, with `{}` as written.
    pub argv: Vec<Field>,
    /// `-execdir` / `-okdir`.
    pub in_dir: bool,
    /// `-ok` / `-okdir`: asks before each run.
    pub confirm: bool,
    /// No test on its way narrows the paths it is given by name ([`NAME_TESTS`] not
    /// negated, in its `-o` branch): it may be given every file under the roots.
    pub every_file: bool,
    /// How far those files reach.
    pub reach: Reach,
}

/// A parsed `find` command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindCmd {
    /// Starting points (`.` when none).
    pub roots: Vec<Field>,
    /// `-delete` is present.
    pub delete: bool,
    /// An unknown word stands where an action could be.
    pub unknown_action: bool,
    /// The first such word.
    pub unknown_word: Option<Field>,
    /// The `-exec`-like actions.
    pub execs: Vec<FindExec>,
    /// A test narrows the match (`-name`, `-path`, `-newer`, …).
    pub filtered: bool,
    /// Files written by `-fprint`, `-fprint0`, `-fprintf`, `-fls`.
    pub writes: Vec<Field>,
    /// The name every match has: the value of the only `-name`/`-iname` test when it
    /// is literal (no glob characters) and no `!`, `-not`, `-o` or `,` lets other names
    /// through.
    pub name: Option<String>,
    /// The literal end every match's name has, under the same conditions as `name`,
    /// when the only name test is `*SUFFIX` (`-name '*.pem'`: `.pem`).
    pub name_suffix: Option<String>,
    /// What find prints (an explicit `-print`-like action, or the paths it matches when
    /// it has no action) is not narrowed by name: every path under the roots may be
    /// among it (`find ~ -type f`).
    pub every_file: bool,
    /// How far what it prints reaches, when [`FindCmd::every_file`].
    pub reach: Reach,
    /// The expression is malformed (an `-exec` without its `;` or `{} +`, a test
    /// without its value): find reads the whole expression before it acts, so it
    /// reports the error and runs nothing. The actions above are then cleared.
    pub invalid: bool,
}

/// What bounds what find's actions are given, gathered while its expression is read
/// ([`Reach`]).
#[derive(Default)]
struct Bounds {
    /// `-maxdepth`: the largest value given, and whether one was not known.
    max_depth: Option<u32>,
    depth_unknown: bool,
    /// `-follow`: links to directories are entered, where paths left out name other ways;
    /// or an unknown word stands in the expression (`(`, `-o`, …): nothing is bounded.
    follow: bool,
    /// `-depth` (or `-d`): `-prune` does nothing.
    depth_first: bool,
    /// The paths left out by the tests of the current `-o` branch, outside parentheses.
    branch: Vec<Except>,
    /// In the first `-o` branch, outside parentheses (`first`): the name or path tests so
    /// far (`candidates`) and whether only such tests, `-type d` and `-a` came before
    /// (`plain`), so that a `-prune` there prunes what they match.
    first: bool,
    plain: bool,
    candidates: Vec<Except>,
    /// The directories not entered.
    pruned: Vec<Except>,
    /// The paths left out of what `-print`-like actions print.
    print: Option<Vec<Except>>,
}

impl Bounds {
    /// Takes in the token `t` of the expression, with the word after it.
    fn token(&mut self, t: &str, value: Option<&Field>, depth: usize, negated: bool) {
        let pattern = value.filter(|v| !v.glob).and_then(Field::as_known);
        match t {
            "-maxdepth" => match pattern.and_then(|v| v.parse::<u32>().ok()) {
                Some(n) => self.max_depth = Some(self.max_depth.map_or(n, |m| m.max(n))),
                None => self.depth_unknown = true,
            },
            "-follow" => self.follow = true,
            "-depth" | "-d" => self.depth_first = true,
            _ => {}
        }
        if depth > 0 || t == "(" {
            self.plain = false;
            return;
        }
        if matches!(t, "-o" | "-or" | ",") {
            self.branch.clear();
            self.first = false;
            return;
        }
        let icase = t.starts_with("-i");
        let path_test = matches!(t, "-path" | "-wholename" | "-ipath" | "-iwholename");
        let fold = |p: &str| if icase { p.to_lowercase() } else { p.to_string() };
        if path_test {
            if let Some(p) = pattern {
                let pattern = fold(p);
                self.branch.push(if negated {
                    Except::Path { pattern, icase }
                } else {
                    Except::Only { pattern, icase }
                });
            }
        }
        if !self.first {
            return;
        }
        let name_test = matches!(t, "-name" | "-iname");
        match t {
            _ if negated || matches!(t, "!" | "-not") => self.plain = false,
            _ if path_test || name_test => match pattern {
                Some(p) => self.candidates.push(Except::Pruned { pattern: fold(p), name: name_test, icase }),
                None => self.plain = false,
            },
            "-type" => self.plain &= pattern == Some("d"),
            "-a" | "-and" | "-maxdepth" | "-mindepth" | "-depth" | "-d" => {}
            // A directory that passes the one test before it is not entered.
            "-prune" => {
                if let (true, [c]) = (self.plain, self.candidates.as_slice()) {
                    self.pruned.push(c.clone());
                }
                self.plain = false;
            }
            _ => self.plain = false,
        }
    }

    /// An unknown word in the expression.
    fn unknown(&mut self) {
        self.follow = true;
    }

    /// A `-print`-like action not narrowed by name, after another one (`again`).
    fn printed(&mut self, again: bool) {
        self.print = Some(if again { Vec::new() } else { self.branch.clone() });
    }
}

impl FindCmd {
    /// Parses the arguments after `find`.
    #[must_use]
    pub fn parse(args: &[Field]) -> Self {
        let mut f = Self::default();
        let mut i = 0;
        // Global options.
        let mut follow = false;
        while let Some(a) = args.get(i).and_then(Field::as_known) {
            match a {
                "-H" | "-L" | "-P" => {
                    follow |= a == "-L";
                    i += 1;
                }
                "-D" | "-O" => i += 2,
                _ if a.starts_with("-O") => i += 1,
                _ => break,
            }
        }
        // Starting points: up to the first word that starts the expression.
        while let Some(a) = args.get(i) {
            let t = a.as_known();
            if t.is_some_and(|t| (t.starts_with('-') && t.len() > 1) || matches!(t, "(" | "!" | ")" | ",")) {
                break;
            }
            if t.is_none() && a.could_start_with("-") && a.known_prefix().is_empty() && !f.roots.is_empty() {
                break;
            }
            f.roots.push(a.clone());
            i += 1;
        }
        if f.roots.is_empty() {
            f.roots.push(Field::known("."));
        }
        // The values of `-name`/`-iname` (`None` when unknown); whether a test lets
        // other names through or follows an action.
        let mut names: Vec<Option<String>> = Vec::new();
        let mut open_names = false;
        // Whether paths are narrowed by name: in parentheses (`depth`), after `!`/`-not`
        // (`negated`), in the current `-o` branch (`named`), and whether an earlier branch
        // was not (`unnamed`); for what `-print`-like actions print (`printed`).
        let (mut depth, mut negated, mut named, mut unnamed) = (0usize, false, false, false);
        let mut printed: Option<bool> = None;
        let mut bounds = Bounds { first: true, plain: true, ..Bounds::default() };
        let mut odd = false;
        while i < args.len() {
            let a = &args[i];
            let Some(t) = a.as_known() else {
                // A number (`-mtime +$((n))`) cannot be an action.
                if !a.only_numeric_unknowns() {
                    f.unknown_action = true;
                    f.unknown_word.get_or_insert_with(|| a.clone());
                }
                i += 1;
                negated = false;
                odd = false;
                bounds.unknown();
                continue;
            };
            i += 1;
            bounds.token(t, args.get(i), depth, odd);
            match t {
                "(" => depth += 1,
                ")" => depth = depth.saturating_sub(1),
                "-o" | "-or" | "," if depth == 0 => {
                    unnamed |= !named;
                    named = false;
                }
                "-print" | "-print0" | "-printf" | "-ls" => {
                    if !named {
                        bounds.printed(printed == Some(true));
                    }
                    printed = Some(printed.unwrap_or(false) || !named);
                }
                _ => {
                    let value = args.get(i).and_then(Field::as_known);
                    let narrows = if t == "-type" {
                        value.is_some_and(|v| !v.contains(['f', 'l']))
                    } else {
                        NAME_TESTS.contains(&t) && value.is_none_or(|v| leaves_secrets_out(t, v))
                    };
                    named |= narrows && !negated;
                }
            }
            // (`! !` counts as negated here, and as not negated for the bounds: either
            // way the paths count as not narrowed.)
            odd = matches!(t, "!" | "-not") && !odd;
            negated = matches!(t, "!" | "-not");
            match t {
                "!" | "-not" | "-o" | "-or" | "," => open_names = true,
                "-name" | "-iname" => {
                    open_names |= !f.execs.is_empty() || f.delete;
                    names.push(args.get(i).and_then(Field::as_known).map(String::from));
                }
                _ => {}
            }
            match t {
                "-delete" => f.delete = true,
                "-exec" | "-execdir" | "-ok" | "-okdir" => {
                    let mut argv = Vec::new();
                    let mut ended = false;
                    while let Some(x) = args.get(i) {
                        i += 1;
                        let xt = x.as_known();
                        if xt == Some(";") || (xt == Some("+") && argv.last().and_then(Field::as_known) == Some("{}")) {
                            ended = true;
                            break;
                        }
                        argv.push(x.clone());
                    }
                    // No terminator, and no unknown word that could be one.
                    f.invalid |= !ended && argv.iter().all(Field::is_known);
                    f.execs.push(FindExec {
                        argv,
                        in_dir: t.ends_with("dir"),
                        confirm: t.starts_with("-ok"),
                        every_file: !named,
                        reach: Reach { max_depth: None, except: bounds.branch.clone() },
                    });
                }
                "-fprint" | "-fprint0" | "-fls" => {
                    if let Some(x) = args.get(i) {
                        f.writes.push(x.clone());
                    }
                    i += 1;
                }
                "-fprintf" => {
                    if let Some(x) = args.get(i) {
                        f.writes.push(x.clone());
                    }
                    i += 2;
                }
                _ if t.starts_with("-newer") && t.len() > 6 => {
                    f.filtered = true;
                    i += 1;
                }
                _ if ONE_VALUE.contains(&t) => {
                    if FILTERS.contains(&t) {
                        f.filtered = true;
                    }
                    i += 1;
                }
                _ => {
                    if FILTERS.contains(&t) {
                        f.filtered = true;
                    }
                }
            }
        }
        // A test or `-fprint` whose value is missing.
        f.invalid |= i > args.len();
        unnamed |= !named;
        f.every_file = printed.unwrap_or(f.execs.is_empty() && unnamed);
        follow |= bounds.follow;
        if !follow {
            // With no action, what it prints is what the whole expression matches.
            let except =
                bounds.print.take().unwrap_or_else(|| if bounds.first { bounds.branch.clone() } else { Vec::new() });
            let finish = |except: &mut Vec<Except>| {
                if !bounds.depth_first && !f.delete {
                    except.extend(bounds.pruned.iter().cloned());
                }
            };
            f.reach = Reach { max_depth: bounds.max_depth.filter(|_| !bounds.depth_unknown), except };
            finish(&mut f.reach.except);
            for e in &mut f.execs {
                e.reach.max_depth = f.reach.max_depth;
                finish(&mut e.reach.except);
            }
        } else {
            for e in &mut f.execs {
                e.reach = Reach::default();
            }
        }
        if f.invalid {
            f.delete = false;
            f.unknown_action = false;
            f.unknown_word = None;
            f.execs.clear();
            f.writes.clear();
        }
        if let ([Some(n)], false) = (names.as_slice(), open_names || f.unknown_action) {
            if !n.is_empty() && !n.contains(['*', '?', '[', '\\', '/']) {
                f.name = Some(n.clone());
            } else if let Some(suffix) = n.strip_prefix('*') {
                if !suffix.is_empty() && !suffix.contains(['*', '?', '[', '\\', '/']) {
                    f.name_suffix = Some(suffix.to_string());
                }
            }
        }
        f
    }

    /// The field `{}` stands for in the action `e`: [`FindCmd::found_path`], or any
    /// file under the only starting point when the action's paths are not narrowed by
    /// name ([`Field::every_file`]: `find ~ -type f -exec cat {} +` reads `~` whole).
    #[must_use]
    pub fn found_path_of(&self, e: &FindExec) -> Field {
        match self.roots.as_slice() {
            [root] if e.every_file => match root.as_known() {
                Some(r) => Field::every_file_within(
                    &format!("{}/", r.trim_end_matches('/')),
                    e.reach.clone(),
                    "a path found by find",
                ),
                None => self.found_path(),
            },
            _ => self.found_path(),
        }
    }

    /// The field `{}` stands for: a path under the starting point(s), ending in
    /// `/NAME` when every match is named NAME (`find . -name .env` finds `./…/.env`).
    #[must_use]
    pub fn found_path(&self) -> Field {
        let mut path = Field::unknown(super::model::Unknown::Input("a path found by find".into()));
        if let [root] = self.roots.as_slice() {
            if let Some(r) = root.as_known() {
                let mut text = r.trim_end_matches('/').to_string();
                text.push('/');
                text.push(UNKNOWN_MARK);
                path = Field {
                    text: text.into(),
                    unknowns: vec![super::model::Unknown::Input(format!("a path found under {r}"))],
                    ..Field::default()
                };
            }
        }
        if let Some(n) = &self.name {
            path.text.push('/');
            path.text.push_str(n);
        } else if let Some(suffix) = &self.name_suffix {
            // `find / -name '*.pem'` finds `/…/….pem`.
            path.text.push('/');
            path.text.push(UNKNOWN_MARK);
            path.text.push_str(suffix);
            path.unknowns.push(super::model::Unknown::Input(format!("a name ending in {suffix}")));
        }
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> FindCmd {
        let v: Vec<Field> = s.split_whitespace().map(Field::known).collect();
        FindCmd::parse(&v)
    }

    #[test]
    fn expressions() {
        assert!(parse(". -delete").delete);
        assert!(!parse(". -name -delete -print").delete);
        assert!(!parse(". -fprintf output -delete").delete);
        assert!(parse(". -fprintf output format -delete").delete);
        assert!(!parse(". -exec echo -delete ; -print").delete);
        let f = parse(". -name *.pyc -exec rm -f {} +");
        assert!(f.filtered);
        assert_eq!(f.execs.len(), 1);
        assert_eq!(f.execs[0].argv.len(), 3);
        assert!(!parse(". -type f -delete").filtered);
        assert_eq!(parse("-delete").roots[0].text, ".");
        assert_eq!(parse("/tmp /var -delete").roots.len(), 2);
    }

    #[test]
    fn malformed_expressions_run_nothing() {
        // find parses the whole expression first: `;` left to the shell, `+` not after
        // `{}`, a missing value, and nothing runs, `-delete` included.
        for s in [
            ". -exec rm -f {}",
            ". -execdir rm -rf build +",
            ". -delete -exec rm {}",
            ". -exec echo {} ; -ok rm {}",
            ". -delete -name",
            ". -fprint",
        ] {
            let f = parse(s);
            assert!(f.invalid && !f.delete && f.execs.is_empty(), "{s}");
        }
        let f = parse(". -exec rm -f {} +");
        assert!(!f.invalid && f.execs.len() == 1);
        // An unknown word could be the terminator.
        let mut v: Vec<Field> = ". -exec rm {}".split_whitespace().map(Field::known).collect();
        v.push(Field::unknown(crate::analyze::model::Unknown::Var("X".into())));
        let f = FindCmd::parse(&v);
        assert!(!f.invalid && f.execs.len() == 1);
    }

    #[test]
    fn found_names() {
        let f = parse(". -name .env -exec cat {} ;");
        assert_eq!(f.name.as_deref(), Some(".env"));
        assert_eq!(f.found_path().text, format!("./{UNKNOWN_MARK}/.env"));
        assert_eq!(parse("/ -type f -iname ID_RSA").found_path().text, format!("/{UNKNOWN_MARK}/ID_RSA"));
        // Patterns, alternatives, negations and names tested after an action name nothing.
        for s in [
            ". -name *.rs -exec cat {} +",
            ". -name .env -o -name x -exec cat {} +",
            ". ! -name .env -exec cat {} +",
            ". -not -name .env",
            ". -name a -name b",
            ". -exec cat {} ; -name .env",
            ". -path ./.env",
        ] {
            assert_eq!(parse(s).name, None, "{s}");
        }
        assert_eq!(parse(". -name .env").found_path().text, format!("./{UNKNOWN_MARK}/.env"));
        assert_eq!(parse(". -type f").found_path().text, format!("./{UNKNOWN_MARK}"));
    }

    #[test]
    fn every_file_unless_narrowed_by_name() {
        // What an action is given, and what find prints.
        let exec = |s: &str| parse(s).execs.first().is_some_and(|e| e.every_file);
        for s in [
            ". -type f -exec cat {} +",
            ". ! -name .env -exec cat {} +",
            ". -not -path ./.git/* -type f -exec cat {} +",
            ". -path ./.git -prune -o -type f -exec cat {} +",
            ". -size -4k -mtime -1 -exec cat {} ;",
            ". -name * -exec cat {} +",
            ". -name *d* -exec cat {} +",
            ". -name [a-z]* -exec cat {} +",
            ". -iname *RS? -exec cat {} +",
            ". -name id_* -exec cat {} +",
            ". -regex .*/\\.ssh/.* -exec cat {} +",
            ". -regex .*rsa -exec cat {} +",
            ". -regex .*\\.(py|env) -exec cat {} +",
        ] {
            assert!(exec(s), "{s}");
        }
        for s in [
            ". -name *.rs -exec cat {} +",
            ". -type f -iname readme* -exec cat {} +",
            ". ( -name *.rs -o -name *.toml ) -exec cat {} +",
            ". -type d -exec cat {} +",
            ". -regex .*py -exec cat {} ;",
            ". -regex .*\\.(js|ts)$ -exec cat {} +",
            ". -iname *.MD -exec cat {} +",
        ] {
            assert!(!exec(s), "{s}");
        }
        assert!(parse("/home/u -type f").every_file && parse(". -print0").every_file);
        assert!(parse(". -name x -prune -o -print").every_file);
        assert!(!parse(". -name *.rs").every_file && !parse(". -type f -exec cat {} +").every_file);
        let f = parse("/home/u/ -type f -exec cat {} +");
        let path = f.found_path_of(&f.execs[0]);
        assert_eq!(path.text, format!("/home/u/{UNKNOWN_MARK}"));
        assert_eq!(path.every_file_under(), Some("/home/u/"));
        assert_eq!(f.found_path().every_file_under(), None);
        let f = parse("/ -type f -exec cat {} +");
        assert_eq!(f.found_path_of(&f.execs[0]).every_file_under(), Some("/"));
    }

    #[test]
    fn reach_bounded_by_depth_and_paths_left_out() {
        // Whether what is printed or given to the action reaches `/w/.tako/keys/…`.
        let reaches = |s: &str| {
            let f = parse(s);
            let reach = f.execs.first().map_or(&f.reach, |e| &e.reach);
            reach.reaches("./", std::path::Path::new("/w"), std::path::Path::new("/w/.tako/keys"))
        };
        for s in [
            ". -type f -exec cat {} +",
            ". -maxdepth 3 -type f -exec cat {} +",
            ". -maxdepth 1 -maxdepth 4 -type f",
            ". -not -path ./.git/* -type f -exec cat {} +",
            ". -not -path ./.tako -type f -exec cat {} +",
            ". -not -path ./.tako/queue/* -type f",
            ". -not -path ./.tako/* -o -type f -exec cat {} +",
            ". ( -not -path ./.tako/* ) -type f -exec cat {} +",
            ". ! ! -path ./.tako/* -type f -exec cat {} +",
            ". -not -path ./.[t]ako/* -type f -exec cat {} +",
            ". -not -path ./.tako/* -type f -o -name x",
            ". -print -o -path ./.tako -prune",
            ". -path ./.tako -prune -depth -o -print",
            ". -path ./.tako -prune -o -delete",
            ". -name x -path ./.tako -prune -o -print",
            ". -path ./.tako -o -path ./x -prune -o -print",
            ". -follow -maxdepth 1 -exec cat {} +",
            ". -not -path ./.tako/* -print -o -print",
            ". -path ./.tako/* -exec cat {} +",
            ". -path */keys/* -type f",
            ". -ipath ./.TAKO/KEYS/OPERATOR.KEY",
            ". ( -path ./src/* -o -type f ) -exec cat {} +",
        ] {
            assert!(reaches(s), "{s}");
        }
        for s in [
            ". -maxdepth 1 -type f -exec cat {} +",
            ". -maxdepth 2 -type f",
            ". -mindepth 1 -maxdepth 2 -print0",
            ". -type f -not -path ./.tako/* -exec cat {} +",
            ". -type f ! -path */.tako/* -exec cat {} +",
            ". -not -path ./.tako* -type f",
            ". -not -ipath ./.TAKO/* -type f -exec cat {} +",
            ". -path ./.tako -prune -o -type f -print",
            ". -path ./.tako -prune -o -type f",
            ". -type d -name .tako -prune -o -type f -exec cat {} +",
            ". -name .t* -prune -o -print",
            ". -path ./.tako -prune -o -not -path ./.git/* -print",
            ". -path ./src/* -exec cat {} +",
            ". -type f -path ./.tako -exec cat {} +",
            ". -path ./.tako/keys -print",
        ] {
            assert!(!reaches(s), "{s}");
        }
        // `-L` before the starting point.
        let f = parse("-L . -maxdepth 1 -exec cat {} +");
        assert_eq!(f.execs[0].reach, Reach::default());
        // Files right under the starting point are reached from depth 1.
        let home = std::path::Path::new("/home/u");
        assert!(parse("/home/u -maxdepth 1 -type f").reach.reaches("/home/u/", home, home));
        assert!(!parse("/home/u -maxdepth 0").reach.reaches("/home/u/", home, home));
        assert!(!parse("/home/u -not -path /home/u/* -print").reach.reaches("/home/u/", home, home));
        assert!(glob_match("*/.tako/", "./.tako/") && glob_match("a?c", "abc") && !glob_match("a*d", "abc"));
        assert!(glob_match("\\*x", "*x") && !glob_match("\\*x", "ax") && glob_match("*a*b", "xaxab"));
    }
}
