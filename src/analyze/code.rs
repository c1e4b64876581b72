//! Interpreter code (`python -c`, `node -e`, `ruby -e`, `perl -e`, `php -r`, awk
//! programs, code fed on standard input): what it would make the system do.
//!
//! A small lexer separates string literals from code (so `console.log("os.system(…)")`
//! is not a call), a constant table resolves names bound to literals (and literals
//! decoded from base64), and known calls are turned into what the shell analysis
//! already judges:
//! - shell commands (`os.system("…")`, `execSync("…")`, `system("…")`, backquotes) are
//!   returned as shell text;
//! - argument lists (`subprocess.run(["rm", "-rf", p])`) as argv;
//! - file deletions and reads (`shutil.rmtree(p)`, `fs.readFileSync(".env")`) as the
//!   equivalent `rm -rf p` / `cat p`, so the same guards decide;
//! - a command built at run time is reported as opaque.
//!
//! Invariant: this is a scanner, not an interpreter: it finds what is spelled out. Code
//! that hides its intent behind computation is caught only where the computation is
//! one of the decoders above; the rest is what the guards treat as opaque.

use super::model::{Field, UNKNOWN_MARK};
use crate::parse::Text;

/// A language we scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    Python,
    Node,
    Ruby,
    Perl,
    Php,
    Awk,
    Lua,
    R,
    AppleScript,
}

/// The language of an interpreter program name.
pub(crate) fn language(name: &str) -> Option<Lang> {
    let base = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    Some(match base {
        "python" | "pypy" | "python-dbg" | "ipython" => Lang::Python,
        "node" | "nodejs" | "deno" | "bun" | "ts-node" | "tsx" => Lang::Node,
        "ruby" | "jruby" | "truffleruby" => Lang::Ruby,
        "perl" => Lang::Perl,
        "php" => Lang::Php,
        "awk" | "gawk" | "mawk" | "nawk" | "busybox-awk" => Lang::Awk,
        "lua" | "luajit" => Lang::Lua,
        "rscript" => Lang::R,
        "osascript" => Lang::AppleScript,
        _ => return None,
    })
}

/// Where the code an interpreter runs comes from.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// Given on the command line.
    Inline(Field),
    /// Read from standard input.
    Stdin,
    /// A program file (not scanned here; the path is kept for diagnostics).
    #[allow(dead_code)]
    File(Field),
    /// Nothing runs (version, help, interactive).
    None,
    /// Cannot be told.
    #[allow(dead_code)]
    Unknown(String),
}

/// What an interpreter's command line makes it run: its program, and the code it
/// loads besides (`node -r MOD`, `ruby -rLIB`, `perl -MMOD`, `gawk -i FILE`).
#[derive(Debug, Clone)]
pub(crate) struct Program {
    /// Where the program comes from.
    pub source: Source,
    /// Values of code-loading options (and options whose name is not known): a module
    /// or file whose code runs before the program.
    pub loads: Vec<Field>,
}

/// Finds the code an interpreter is given on its command line.
pub(crate) fn args(lang: Lang, args: &[Field]) -> Program {
    let mut loads: Vec<Field> = Vec::new();
    let source = source(lang, args, &mut loads);
    Program { source, loads }
}

/// Options whose value is code loaded before the program (a module, a library, a
/// file), per language. Python's `-m` names the program itself.
fn loading_opts(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Python => &["-m"],
        Lang::Node => &["-r", "--require", "--import", "--loader", "--experimental-loader"],
        Lang::Ruby => &["-r"],
        Lang::Perl => &["-M", "-m"],
        Lang::Php => &["-d"],
        Lang::Lua => &["-l"],
        Lang::Awk => &["-i", "--include", "-l", "--load"],
        Lang::R | Lang::AppleScript => &[],
    }
}

#[allow(clippy::too_many_lines)]
fn source(lang: Lang, args: &[Field], loads: &mut Vec<Field>) -> Source {
    // Per language: options whose value is code, options with a (non-code) value.
    let (code_opts, value_opts): (&[&str], &[&str]) = match lang {
        Lang::Python => (&["-c"], &["-m", "-W", "-X", "-Q"]),
        Lang::Node => (
            &["-e", "--eval", "-p", "--print", "eval"],
            &[
                "-r",
                "--require",
                "--import",
                "--loader",
                "--experimental-loader",
                "--input-type",
                "-C",
                "--conditions",
                "--title",
                "--env-file",
            ],
        ),
        Lang::Ruby => (&["-e"], &["-r", "-I", "-C", "-E", "-F", "-K", "-T", "-x"]),
        Lang::Perl => (&["-e", "-E"], &["-M", "-m", "-I", "-x", "-i", "-l", "-0", "-F", "-C", "-D"]),
        Lang::Php => (&["-r", "-B", "-R", "-E"], &["-f", "-d", "-c", "-z", "-t"]),
        Lang::Lua | Lang::R | Lang::AppleScript => (&["-e"], &["-l", "-i"]),
        Lang::Awk => (
            &["-e", "--source"],
            &[
                "-F",
                "-v",
                "-f",
                "--file",
                "-i",
                "--include",
                "-l",
                "--load",
                "-E",
                "--exec",
                "--field-separator",
                "--assign",
            ],
        ),
    };
    let loading = loading_opts(lang);
    // Options whose value is the program file.
    let program_file = |opt: &str| match lang {
        Lang::Awk => matches!(opt, "-f" | "--file" | "-E" | "--exec"),
        Lang::Php => opt == "-f",
        Lang::Python => opt == "-m",
        _ => false,
    };
    let mut i = 0;
    let mut inline: Vec<Field> = Vec::new();
    // awk's known program file: gawk reads options after it (`-f a.awk -e CODE`).
    let mut file: Option<Field> = None;
    while let Some(a) = args.get(i) {
        let Some(t) = a.as_known() else {
            let prefix = a.known_prefix();
            // A whole word of input read at run time (`xargs perl -e CODE`, `read x`)
            // where the interpreter still reads options could be one that runs code
            // (`-eCODE`, `-MMOD`, `--require=MOD`). Python reads none after `-c`; an
            // unknown variable is taken for the operand it was written as.
            if prefix.is_empty()
                && a.unknowns.first().is_some_and(|u| u.input().is_some())
                && !(lang == Lang::Python || lang == Lang::Awk && inline.is_empty() && file.is_none())
            {
                loads.push(a.clone());
                i += 1;
                continue;
            }
            if !prefix.starts_with('-') {
                if inline.is_empty() && file.is_none() && lang == Lang::Awk {
                    return Source::Inline(a.clone());
                }
                break;
            }
            // An option with unknown parts is judged by its known name; one whose name
            // is not known could be any option, one that loads code included.
            let judged = if prefix.starts_with("--") {
                prefix.split_once('=').is_some_and(|(opt, _)| {
                    if code_opts.contains(&opt) {
                        inline.push(Field { text: Text::from(&a.text[opt.len() + 1..]), ..a.clone() });
                        true
                    } else {
                        !loading.contains(&opt) && !program_file(opt)
                    }
                })
            } else {
                prefix[1..].char_indices().find_map(|(k, c)| {
                    let opt = format!("-{c}");
                    if code_opts.contains(&opt.as_str()) {
                        inline.push(Field { text: Text::from(&a.text[1 + k + c.len_utf8()..]), ..a.clone() });
                        Some(true)
                    } else if value_opts.contains(&opt.as_str()) {
                        Some(!loading.contains(&opt.as_str()) && !program_file(&opt))
                    } else {
                        None
                    }
                }) == Some(true)
            };
            if !judged {
                loads.push(a.clone());
            }
            i += 1;
            continue;
        };
        if t == "--" {
            i += 1;
            break;
        }
        if t == "-" {
            return Source::Stdin;
        }
        if matches!(t, "--version" | "-V" | "--help" | "-h" | "-v" if lang != Lang::Perl || t != "-v")
            && inline.is_empty()
            && args.len() == 1
        {
            return Source::None;
        }
        if let Some((opt, val)) = t.split_once('=').filter(|(o, _)| o.starts_with("--")) {
            if code_opts.contains(&opt) {
                inline.push(Field { text: Text::from(val), ..a.clone() });
            } else if program_file(opt) {
                if lang != Lang::Awk {
                    return Source::File(Field::known(val));
                }
                file.get_or_insert_with(|| Field::known(val));
            }
            i += 1;
            continue;
        }
        if code_opts.contains(&t) {
            match args.get(i + 1) {
                Some(v) => inline.push(v.clone()),
                None => {
                    return Source::Inline(Field::unknown(super::model::Unknown::Input(
                        "code that is not given".into(),
                    )))
                }
            }
            i += 2;
            continue;
        }
        if value_opts.contains(&t) {
            if program_file(t) {
                let Some(f) = args.get(i + 1) else { return Source::None };
                match f.as_known() {
                    Some("-") => return Source::Stdin,
                    Some(_) if lang == Lang::Awk => {
                        file.get_or_insert_with(|| f.clone());
                        i += 2;
                        continue;
                    }
                    _ => return Source::File(f.clone()),
                }
            }
            if loading.contains(&t) {
                loads.extend(args.get(i + 1).filter(|v| !v.is_known()).cloned());
            }
            i += 2;
            continue;
        }
        if t.starts_with('-') && !t.starts_with("--") && t.len() > 2 {
            // A cluster such as `-vc CODE`, `-we CODE`, `-pe CODE`, `-cCODE`, `-rlib`.
            let chars: Vec<char> = t[1..].chars().collect();
            for (k, c) in chars.iter().enumerate() {
                let opt = format!("-{c}");
                if code_opts.contains(&opt.as_str()) {
                    // Node takes no attached value: `-pe CODE` is `-p -e CODE`.
                    let rest: String = if lang == Lang::Node { String::new() } else { chars[k + 1..].iter().collect() };
                    if rest.is_empty() {
                        match args.get(i + 1) {
                            Some(v) => inline.push(v.clone()),
                            None => {
                                return Source::Inline(Field::unknown(super::model::Unknown::Input(
                                    "code that is not given".into(),
                                )))
                            }
                        }
                        i += 1;
                    } else {
                        inline.push(Field { text: rest.into(), ..a.clone() });
                    }
                    break;
                }
                if value_opts.contains(&opt.as_str()) {
                    let attached: String = chars[k + 1..].iter().collect();
                    let value =
                        if attached.is_empty() { args.get(i + 1).cloned() } else { Some(Field::known(attached)) };
                    if program_file(&opt) {
                        match &value {
                            Some(v) if v.as_known() == Some("-") => return Source::Stdin,
                            Some(v) if lang == Lang::Awk && v.is_known() => {
                                file.get_or_insert_with(|| v.clone());
                            }
                            _ => return value.map_or(Source::None, Source::File),
                        }
                    }
                    if loading.contains(&opt.as_str()) {
                        loads.extend(value.filter(|v| !v.is_known()));
                    }
                    if k + 1 == chars.len() {
                        i += 1;
                    }
                    break;
                }
            }
            i += 1;
            continue;
        }
        if t.starts_with('-') {
            i += 1;
            continue;
        }
        break;
    }
    if !inline.is_empty() {
        return Source::Inline(super::commands::join_fields(&inline));
    }
    if let Some(f) = file {
        return Source::File(f);
    }
    match args.get(i) {
        Some(a) if lang == Lang::Awk => Source::Inline(a.clone()),
        Some(a) if lang == Lang::Node && a.as_known() == Some("eval") => {
            args.get(i + 1).map_or(Source::None, |c| Source::Inline(c.clone()))
        }
        Some(a) if a.as_known() == Some("-") => Source::Stdin,
        Some(a) => Source::File(a.clone()),
        None => Source::Stdin,
    }
}

/// What a piece of interpreter code was found to do.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    /// Shell command strings it runs.
    pub shell: Vec<String>,
    /// Programs it runs with an argument list.
    pub argv: Vec<Vec<String>>,
    /// Equivalent shell commands for its file operations (`rm -rf p`, `cat p`).
    pub synthetic: Vec<Vec<String>>,
    /// A command it runs that is built at run time.
    pub opaque: Option<String>,
    /// Calls to destructive APIs of services (`deleteIndex`, `drop_database`).
    pub api_calls: Vec<String>,
}

/// A token of interpreter code.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    /// A string literal; unknown parts (interpolations) are marked.
    Str(Field),
    /// A backquoted command (Ruby, Perl, PHP) or `%x()`/`qx()`.
    Cmd(Field),
    Punct(char),
}

/// Scans code of `lang`.
pub(crate) fn scan(lang: Lang, code: &str) -> Found {
    let toks = lex(lang, code);
    let mut found = Found::default();
    if toks.iter().any(|t| matches!(t, Tok::Ident(s) if s == TOO_DEEP)) {
        found.opaque = Some("code interpolated in strings nested too deeply".into());
    }
    let consts = constants(&toks);
    let n = toks.len();
    let mut i = 0;
    while i < n {
        match &toks[i] {
            Tok::Cmd(f) => push_shell(&mut found, f, "a backquoted command"),
            Tok::Ident(name) if lang == Lang::AppleScript && name == "do" => {
                if matches!(toks.get(i + 1), Some(Tok::Ident(s)) if s == "shell") {
                    if let Some(Tok::Str(f)) = toks.get(i + 3) {
                        push_shell(&mut found, f, "do shell script");
                    }
                }
            }
            Tok::Ident(name)
                if matches!(toks.get(i + 1), Some(Tok::Punct('(')))
                    || (lang == Lang::Perl && matches!(toks.get(i + 1), Some(Tok::Str(_) | Tok::Ident(_))))
                    || (matches!(lang, Lang::Ruby | Lang::Awk) && matches!(toks.get(i + 1), Some(Tok::Str(_)))) =>
            {
                let prev = if i >= 2 && toks[i - 1] == Tok::Punct('.') {
                    match &toks[i - 2] {
                        Tok::Ident(p) => p.as_str(),
                        Tok::Punct(')') => "()",
                        _ => "",
                    }
                } else if i >= 2 && matches!(toks[i - 1], Tok::Punct(':')) {
                    match &toks[i - 2] {
                        Tok::Ident(p) => p.as_str(),
                        _ => "",
                    }
                } else {
                    ""
                };
                let args = call_args(&toks, i + 1, &consts);
                classify_call(lang, prev, name, &args, &toks, i, &mut found);
            }
            Tok::Punct('|') if lang == Lang::Awk => {
                // `"cmd" | getline` and `print … | "cmd"`.
                if let Some(Tok::Ident(g)) = toks.get(i + 1) {
                    if g == "getline" {
                        match i.checked_sub(1).map(|k| &toks[k]) {
                            Some(Tok::Str(f)) => push_shell(&mut found, f, "a command piped to getline"),
                            _ => found.opaque = Some("a command piped to getline".into()),
                        }
                    }
                }
                match toks.get(i + 1) {
                    Some(Tok::Str(f)) => push_shell(&mut found, f, "a command awk prints to"),
                    Some(Tok::Punct('&')) => found.opaque = Some("an awk coprocess".into()),
                    Some(Tok::Ident(v)) if v != "getline" => match consts.get(v.as_str()) {
                        Some(f) => push_shell(&mut found, f, "a command awk prints to"),
                        None => found.opaque = Some(format!("a command awk prints to (`{v}`)")),
                    },
                    _ => {}
                }
            }
            Tok::Punct('>') if lang == Lang::Awk => {
                // `print … > "file"`, `printf … >> "file"`: writes the file. (A `>`
                // outside a print statement compares.)
                let printing = toks[..i]
                    .iter()
                    .rev()
                    .take_while(|t| !matches!(t, Tok::Punct(';' | '{' | '}' | '\n')))
                    .any(|t| matches!(t, Tok::Ident(p) if p == "print" || p == "printf"));
                let append = toks.get(i + 1) == Some(&Tok::Punct('>'));
                let after_previous = i >= 1 && toks[i - 1] == Tok::Punct('>');
                if printing && !after_previous {
                    if let Some(Tok::Str(f)) = toks.get(i + 1 + usize::from(append)) {
                        if let Some(t) = f.as_known().filter(|t| !matches!(*t, "/dev/stdout" | "/dev/stderr")) {
                            let mut argv = vec!["tee".to_string()];
                            if append {
                                argv.push("-a".into());
                            }
                            argv.extend(["--".to_string(), t.to_string()]);
                            found.synthetic.push(argv);
                        }
                    }
                }
            }
            Tok::Punct('<') if lang == Lang::Awk => {
                // `getline < "file"`, `getline var < "file"`
                let getline = |k: usize| matches!(&toks[k], Tok::Ident(g) if g == "getline");
                if i >= 1
                    && (getline(i - 1)
                        || (i >= 2 && getline(i - 2) && matches!(&toks[i - 1], Tok::Ident(v) if v != "getline")))
                {
                    if let Some(Tok::Str(f)) = toks.get(i + 1) {
                        push_read(&mut found, f);
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    found
}

fn push_shell(found: &mut Found, f: &Field, what: &str) {
    match f.as_known() {
        // (A shell expands `~` itself.)
        Some(t) => found.shell.push(t.replace(HOME_MARK, "~")),
        None => found.opaque = Some(format!("{what} built at run time")),
    }
}

fn push_read(found: &mut Found, f: &Field) {
    if let Some(t) = f.as_known() {
        let argv = vec!["cat".to_string(), t.to_string()];
        if !found.synthetic.contains(&argv) {
            found.synthetic.push(argv);
        }
    } else if f.text.ends_with(|c: char| c != UNKNOWN_MARK) {
        // A path whose end is known (`expanduser("~/x/") + ".env"`): its name decides.
        let tail = f.text.rsplit(UNKNOWN_MARK).next().unwrap_or("");
        let name = tail.rsplit('/').next().unwrap_or(tail);
        if crate::sensitive::secret_file(name).is_some() {
            found.synthetic.push(vec!["cat".into(), name.to_string()]);
        }
    }
}

/// The path a call writes, if it is one that writes files (see [`classify_call`]).
fn written_path(lang: Lang, prev: &str, name: &str, args: &[Arg], toks: &[Tok], at: usize) -> Option<Field> {
    // The string arguments from the first (a Perl file handle is not one: all of them).
    let strs: Vec<&Field> = if lang == Lang::Perl {
        args.iter().filter_map(|a| if let Arg::Str(f) = a { Some(f) } else { None }).collect()
    } else {
        args.iter().map_while(|a| if let Arg::Str(f) = a { Some(f) } else { None }).collect()
    };
    let fs_receiver = matches!(
        prev,
        "os" | "shutil" | "fs" | "fsp" | "fse" | "promises" | "FileUtils" | "File" | "IO" | "Deno" | "pathlib" | ""
    );
    match name {
        // The content, whole.
        "writeFileSync" | "writeFile" | "appendFileSync" | "appendFile" | "createWriteStream" | "outputFileSync"
        | "outputFile" | "writeTextFile" | "writeTextFileSync" | "file_put_contents" | "binwrite"
            if fs_receiver || prev == "()" =>
        {
            strs.first().map(|f| (*f).clone())
        }
        "write" if matches!(prev, "File" | "IO") => strs.first().map(|f| (*f).clone()),
        // `Path("p").write_text(…)`: the path is the constructor's argument.
        "write_text" | "write_bytes" if prev == "()" => receiver_string(toks, at),
        // The destination of a copy or a move.
        "copy" | "copy2" | "copyfile" | "copytree" | "move" | "rename" | "renames" | "replace" | "copyFileSync"
        | "copyFile" | "cpSync" | "renameSync" | "moveSync" | "copySync" | "cp" | "cp_r" | "mv" | "install"
            if fs_receiver && !prev.is_empty() =>
        {
            strs.get(1).map(|f| (*f).clone())
        }
        // `open(p, 'w')`, `fopen(p, 'a')`, `File.open(p, 'w')`; Perl `open(F, '>', p)` and
        // `open(F, ">p")`.
        "open" | "fopen" if lang == Lang::Perl => {
            let mode_then_path = strs.iter().position(|f| matches!(f.as_known(), Some(">" | ">>" | "+<" | "+>")));
            if let Some(k) = mode_then_path {
                return strs.get(k + 1).map(|f| (*f).clone());
            }
            let joined =
                strs.iter().filter_map(|f| f.as_known()).find(|t| t.starts_with('>') || t.starts_with("+<"))?;
            let path = joined.trim_start_matches(['>', '+', '<']).trim_start();
            (!path.is_empty()).then(|| Field::known(path))
        }
        "open" | "fopen" => {
            let mode = strs.get(1).and_then(|f| f.as_known())?;
            let writes = mode.len() <= 4
                && mode.bytes().all(|b| b"rwaxbt+U".contains(&b))
                && mode.contains(['w', 'a', 'x', '+']);
            writes.then(|| strs.first().map(|f| (*f).clone())).flatten()
        }
        _ => None,
    }
}

fn push_write(found: &mut Found, f: &Field) {
    let argv = vec!["tee".to_string(), f.text.to_string()];
    if !found.synthetic.contains(&argv) {
        found.synthetic.push(argv);
    }
}

/// The arguments of a call starting at the `(` at `open` (or a Perl/Ruby bare list).
fn call_args(toks: &[Tok], open: usize, consts: &std::collections::HashMap<&str, Field>) -> Vec<Arg> {
    let mut args = Vec::new();
    let (start, end) = if toks.get(open) == Some(&Tok::Punct('(')) {
        let mut depth = 0;
        let mut end = toks.len();
        for (k, t) in toks.iter().enumerate().skip(open) {
            match t {
                Tok::Punct('(' | '[' | '{') => depth += 1,
                Tok::Punct(')' | ']' | '}') => {
                    depth -= 1;
                    if depth == 0 {
                        end = k;
                        break;
                    }
                }
                _ => {}
            }
        }
        (open + 1, end)
    } else {
        let end = toks
            .iter()
            .skip(open)
            .position(|t| matches!(t, Tok::Punct(';' | '\n' | '}')))
            .map_or(toks.len(), |p| p + open);
        (open, end)
    };
    let mut cur: Vec<&Tok> = Vec::new();
    let mut depth = 0;
    for t in &toks[start..end.min(toks.len())] {
        match t {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') => depth -= 1,
            Tok::Punct(',') if depth == 0 => {
                args.push(eval_arg(&cur, consts));
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(t);
    }
    if !cur.is_empty() {
        args.push(eval_arg(&cur, consts));
    }
    args
}

/// An argument's value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Arg {
    /// A string (possibly with unknown parts).
    Str(Field),
    /// A list of strings: `["rm", "-rf", p]`.
    List(Vec<Field>),
    /// Anything else; `recursive: true` options are noted.
    Other { recursive: bool },
}

fn eval_arg(toks: &[&Tok], consts: &std::collections::HashMap<&str, Field>) -> Arg {
    let recursive =
        toks.windows(2).any(|w| matches!((w[0], w[1]), (Tok::Ident(a), Tok::Punct(':' | '=')) if a == "recursive"))
            && !toks.iter().any(|t| matches!(t, Tok::Ident(f) if f == "false"));
    if let Some(Tok::Punct('[')) = toks.first() {
        // `[` alone (a cut-off list) has no elements.
        let items: Vec<Field> = toks[1..toks.len().saturating_sub(1).max(1)]
            .split(|t| **t == Tok::Punct(','))
            .filter(|g| !g.is_empty())
            .map(|g| match eval_arg(g, consts) {
                Arg::Str(f) => f,
                _ => Field::unknown(super::model::Unknown::Computed("a list element".into())),
            })
            .collect();
        return Arg::List(items);
    }
    match eval_string(toks, consts) {
        Some(f) => Arg::Str(f),
        None => Arg::Other { recursive },
    }
}

/// Evaluates a string expression: literals, names bound to literals, concatenation,
/// `os.path.expanduser(x)`, `Path(x)`, base64 decoding of a literal.
fn eval_string(toks: &[&Tok], consts: &std::collections::HashMap<&str, Field>) -> Option<Field> {
    if toks.is_empty() {
        return None;
    }
    // Concatenation with `+` (or `.` in Perl/PHP when between values).
    let mut parts: Vec<Field> = Vec::new();
    let mut cur: Vec<&Tok> = Vec::new();
    let mut depth = 0;
    for t in toks {
        match t {
            Tok::Punct('(' | '[') => depth += 1,
            Tok::Punct(')' | ']') => depth -= 1,
            Tok::Punct('+') if depth == 0 => {
                parts.push(eval_atom(&cur, consts)?);
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(t);
    }
    parts.push(eval_atom(&cur, consts)?);
    let mut out = Field::default();
    for p in parts {
        out.text.push_str(&p.text);
        out.unknowns.extend(p.unknowns);
    }
    Some(out)
}

fn eval_atom(toks: &[&Tok], consts: &std::collections::HashMap<&str, Field>) -> Option<Field> {
    match toks {
        [Tok::Str(f)] => Some(f.clone()),
        [Tok::Ident(n)] => {
            consts.get(n.as_str()).cloned().or_else(|| Some(Field::unknown(super::model::Unknown::Var(n.clone()))))
        }
        [] => None,
        _ => {
            // A call wrapping one string: decoders and path helpers.
            let names: Vec<&str> =
                toks.iter().filter_map(|t| if let Tok::Ident(n) = t { Some(n.as_str()) } else { None }).collect();
            let strs: Vec<&Field> =
                toks.iter().filter_map(|t| if let Tok::Str(f) = t { Some(f) } else { None }).collect();
            // The home directory: `os.homedir()`, `Path.home()`, `Dir.home`,
            // `process.env.HOME`, `os.environ['HOME']`, `os.getenv('HOME')`, `ENV['HOME']`.
            let home_call = names.last() == Some(&"homedir") || matches!(names[..], ["Path" | "Dir", "home"]);
            let home_env = names[..] == ["process", "env", "HOME"]
                || (strs.first().and_then(|f| f.as_known()) == Some("HOME")
                    && names.iter().any(|n| matches!(*n, "environ" | "getenv" | "ENV")));
            if home_call || home_env {
                return Some(Field::known(HOME_MARK.to_string()));
            }
            let inner: Option<Field> =
                strs.first().map(|f| (*f).clone()).or_else(|| names.iter().find_map(|n| consts.get(n).cloned()));
            let inner = inner?;
            let decoding = names.iter().any(|n| {
                matches!(
                    *n,
                    "b64decode" | "decode64" | "atob" | "base64_decode" | "decode_base64" | "urlsafe_b64decode"
                )
            }) || (names.contains(&"from") && strs.iter().any(|s| s.as_known() == Some("base64")));
            if decoding {
                let text = inner.as_known()?;
                return super::pure::b64_decode(text).map(Field::known);
            }
            if names.iter().any(|n| {
                matches!(
                    *n,
                    "expanduser"
                        | "Path"
                        | "resolve"
                        | "join"
                        | "abspath"
                        | "realpath"
                        | "expand_path"
                        | "normalize"
                        | "String"
                        | "str"
                        | "raw"
                        | "decode"
                        | "toString"
                        | "text"
                        | "file"
                        | "open"
                )
            }) {
                // `expanduser("~/x")`, Ruby's `File.expand_path("~/x")`: the operator's home,
                // which the analyzer puts in place of the mark.
                let expands = names.iter().any(|n| matches!(*n, "expanduser" | "expand_path"));
                if let Some(rest) =
                    inner.text.strip_prefix('~').filter(|r| expands && (r.is_empty() || r.starts_with('/')))
                {
                    let mut f = inner.clone();
                    f.text = format!("{HOME_MARK}{rest}").into();
                    return Some(f);
                }
                return Some(inner);
            }
            None
        }
    }
}

/// Stands at the start of a path the code expands from `~` (see [`eval_atom`]); the
/// analyzer replaces it with the home directory.
pub(crate) const HOME_MARK: char = '\u{E001}';

/// Names bound to string values: `p = ".env"`, `const p = "…"`, `my $p = "…"`.
fn constants(toks: &[Tok]) -> std::collections::HashMap<&str, Field> {
    let mut out: std::collections::HashMap<&str, Field> = std::collections::HashMap::new();
    for i in 0..toks.len() {
        let (Tok::Ident(name), Some(Tok::Punct('='))) = (&toks[i], toks.get(i + 1)) else { continue };
        if matches!(toks.get(i + 2), Some(Tok::Punct('='))) {
            continue;
        }
        // The value: tokens up to the end of the statement.
        let mut depth = 0i32;
        let end = toks[i + 2..]
            .iter()
            .position(|t| match t {
                Tok::Punct('(' | '[' | '{') => {
                    depth += 1;
                    false
                }
                Tok::Punct(')' | ']' | '}') => {
                    depth -= 1;
                    depth < 0
                }
                Tok::Punct(';' | '\n' | ',') => depth <= 0,
                _ => false,
            })
            .map_or(toks.len(), |p| p + i + 2);
        let value: Vec<&Tok> = toks[i + 2..end].iter().collect();
        if let Some(f) = eval_string(&value, &out) {
            out.insert(name, f);
        }
    }
    out
}

/// Whether the call to `name` at `at` signals the parent process: its arguments hold
/// `getppid()`/`ppid` or a name bound to it (`p = os.getppid(); os.kill(p, 9)`), or it is
/// a method of the parent's process object (`psutil.Process().parent().kill()`,
/// `psutil.Process(os.getppid()).terminate()`).
fn signals_parent(name: &str, toks: &[Tok], at: usize) -> bool {
    let is_ppid = |s: &str| s == "getppid" || s == "ppid";
    // Names assigned a value that holds the parent's id.
    let bound: Vec<&str> = toks
        .windows(2)
        .enumerate()
        .filter_map(|(i, w)| match w {
            [Tok::Ident(n), Tok::Punct('=')] if !matches!(toks.get(i + 2), Some(Tok::Punct('='))) => {
                let value = toks[i + 2..].iter().take_while(|t| !matches!(t, Tok::Punct(';' | '\n'))).take(12);
                let value: Vec<&Tok> = value.collect();
                let holds = value.windows(2).any(|w| match w {
                    [Tok::Ident(s), next] => is_ppid(s) || s == "parent" && **next == Tok::Punct('('),
                    _ => false,
                }) || matches!(value.last(), Some(Tok::Ident(s)) if is_ppid(s));
                holds.then_some(n.as_str())
            }
            _ => None,
        })
        .collect();
    let parent = |t: &Tok| matches!(t, Tok::Ident(s) if is_ppid(s) || bound.contains(&s.as_str()));
    if matches!(name, "kill" | "killpg") && toks[at + 1..(at + 16).min(toks.len())].iter().any(parent) {
        return true;
    }
    // The receiver: a name bound to the parent (`p = psutil.Process().parent(); p.kill()`),
    // `….parent().kill()` or `Process(<the parent's id>).kill()`.
    if at >= 2 && toks[at - 1] == Tok::Punct('.') && parent(&toks[at - 2]) {
        return true;
    }
    let Some(close) = at.checked_sub(2).filter(|&c| toks[c + 1] == Tok::Punct('.') && toks[c] == Tok::Punct(')'))
    else {
        return false;
    };
    let mut depth = 0usize;
    let Some(open) = (0..=close).rev().find(|&k| {
        match toks[k] {
            Tok::Punct(')') => depth += 1,
            Tok::Punct('(') => depth -= 1,
            _ => {}
        }
        depth == 0
    }) else {
        return false;
    };
    match open.checked_sub(1).map(|k| &toks[k]) {
        Some(Tok::Ident(r)) if r == "parent" => true,
        Some(Tok::Ident(r)) if r == "Process" => toks[open..close].iter().any(parent),
        _ => false,
    }
}

/// Decides what a call does.
fn classify_call(lang: Lang, prev: &str, name: &str, args: &[Arg], toks: &[Tok], at: usize, found: &mut Found) {
    // Signalling the parent (`os.kill(os.getppid(), 9)`, `process.kill(process.ppid)`,
    // `Process.kill(:KILL, Process.ppid)`): the process that started the code, tako-exec
    // or the agent; what `kill $PPID` does. Signal 0 only probes.
    if matches!(name, "kill" | "killpg" | "terminate" | "send_signal") && signals_parent(name, toks, at) {
        let window = &toks[at + 1..(at + 16).min(toks.len())];
        let probe = window.windows(3).any(|w| {
            matches!(w, [Tok::Punct(','), Tok::Ident(z), Tok::Punct(')')] if z == "0")
                || name == "send_signal" && matches!(w, [Tok::Punct('('), Tok::Ident(z), Tok::Punct(')')] if z == "0")
        });
        found.shell.push(if probe { "kill -0 $PPID" } else { "kill $PPID" }.into());
    }
    let first = args.first();
    let shell_fns: &[&str] = match lang {
        Lang::Python => &[
            "system",
            "popen",
            "getoutput",
            "getstatusoutput",
            "check_output",
            "run",
            "call",
            "check_call",
            "Popen",
            "spawn",
            "execl",
            "execlp",
            "execv",
            "execvp",
            "system_call",
        ],
        Lang::Node => &[
            "exec",
            "execSync",
            "spawn",
            "spawnSync",
            "execFile",
            "execFileSync",
            "$",
            "execa",
            "execaSync",
            "execaCommand",
            "execaCommandSync",
        ],
        Lang::Ruby => {
            &["system", "exec", "spawn", "popen", "capture2", "capture2e", "capture3", "popen2", "popen3", "pipeline"]
        }
        Lang::Perl => &["system", "exec", "qx", "readpipe"],
        Lang::Php => &["system", "exec", "shell_exec", "passthru", "popen", "proc_open", "pcntl_exec"],
        Lang::Awk => &["system"],
        Lang::Lua => &["execute", "popen"],
        Lang::R => &["system", "system2", "shell"],
        Lang::AppleScript => &[],
    };
    // Python `run`, `call`, `Popen` only count on subprocess; `os.exec*` on os.
    let python_guard = lang == Lang::Python
        && matches!(name, "run" | "call" | "check_call" | "check_output" | "Popen" | "getoutput" | "getstatusoutput")
        && !matches!(prev, "subprocess" | "sp" | "")
        // `import subprocess as s; s.call(…)`: any receiver once subprocess is in the code.
        && !toks.iter().any(|t| matches!(t, Tok::Ident(n) if n == "subprocess"));
    // Node's `exec`/`spawn` run commands only as `child_process` functions (`re.exec(s)`
    // is a regular expression, `db.exec(sql)` a query).
    let node_exec_on_other = lang == Lang::Node
        && matches!(name, "exec" | "execSync" | "spawn" | "spawnSync" | "execFile" | "execFileSync")
        && !toks.iter().any(|t| match t {
            Tok::Str(f) => f.text.ends_with("child_process"),
            Tok::Ident(n) => n == "child_process",
            _ => false,
        });
    if shell_fns.contains(&name)
        && !python_guard
        && !node_exec_on_other
        && !(lang == Lang::Python && name == "run" && prev.is_empty())
    {
        match first {
            Some(Arg::Str(f)) => {
                // execFile/spawn("prog", ["a", "b"]) is an argument list.
                if let (Some(prog), Some(Arg::List(rest))) = (f.as_known(), args.get(1)) {
                    if matches!(
                        name,
                        "spawn"
                            | "spawnSync"
                            | "execFile"
                            | "execFileSync"
                            | "execa"
                            | "execaSync"
                            | "execv"
                            | "execvp"
                            | "pcntl_exec"
                    ) {
                        let mut argv = vec![prog.to_string()];
                        argv.extend(rest.iter().map(|r| r.as_known().map_or_else(|| r.text.to_string(), String::from)));
                        found.argv.push(argv);
                        return;
                    }
                }
                // Several string arguments: a program and its arguments.
                if args.len() > 1
                    && matches!(lang, Lang::Perl | Lang::Ruby)
                    && args.iter().all(|a| matches!(a, Arg::Str(_)))
                {
                    found.argv.push(
                        args.iter()
                            .filter_map(|a| if let Arg::Str(f) = a { Some(f.text.to_string()) } else { None })
                            .collect(),
                    );
                    return;
                }
                // (`system("rm", "-rf", $ENV{HOME})`: a program and arguments, some built
                // at run time.)
                if args.len() > 1 && matches!(lang, Lang::Perl | Lang::Ruby) {
                    found.opaque = Some(format!("the arguments of a command given to `{name}`, built at run time"));
                    return;
                }
                push_shell(found, f, &format!("a command given to `{name}`"));
            }
            Some(Arg::List(items)) => {
                if items.iter().all(Field::is_known) {
                    found.argv.push(items.iter().map(|f| f.text.to_string()).collect());
                } else {
                    found.opaque = Some(format!("a command list given to `{name}` built at run time"));
                }
            }
            Some(Arg::Other { .. }) | None => {
                found.opaque = Some(format!("a command given to `{name}` built at run time"));
            }
        }
        return;
    }
    // Writes, as a synthetic `tee PATH` (what the guards judge as writing PATH):
    // `Path(p).write_text(…)`, `fs.writeFileSync(p, …)`, `File.write(p, …)`,
    // `file_put_contents(p, …)`, the destination of a copy or a move
    // (`shutil.copy(a, p)`, `fs.renameSync(a, p)`), and `open(p, 'w')` (below, with reads).
    if let Some(path) = written_path(lang, prev, name, args, toks, at) {
        push_write(found, &path);
        if !matches!(name, "open" | "fopen") {
            return;
        }
    }
    // Deletions.
    let recursive_fns = [
        "rmtree",
        "rm_rf",
        "rm_r",
        "remove_dir",
        "remove_entry",
        "remove_entry_secure",
        "remove_tree",
        "rimraf",
        "removeSync",
        "emptyDirSync",
        "emptyDir",
        "deleteDirectory",
        "rmdirRecursive",
    ];
    let plain_fns = [
        "remove",
        "unlink",
        "unlinkSync",
        "rmdir",
        "rmdirSync",
        "removedirs",
        "rm_f",
        "rm",
        "delete",
        "rmSync",
        "rm_file",
        "unlink_file",
    ];
    let recursive_opt = args.iter().any(|a| matches!(a, Arg::Other { recursive: true }));
    let is_fs_receiver = matches!(
        prev,
        "os" | "shutil"
            | "fs"
            | "fsp"
            | "fse"
            | "promises"
            | "FileUtils"
            | "File"
            | "Dir"
            | "Path"
            | "pathlib"
            | "()"
            | ""
            | "Deno"
            | "FileTest"
            | "rimraf"
    );
    if (recursive_fns.contains(&name) || plain_fns.contains(&name))
        && is_fs_receiver
        && !(name == "delete" && !matches!(prev, "File" | "Dir" | "()"))
    {
        let recursive = recursive_fns.contains(&name) || recursive_opt;
        // `Path("x").unlink()`: the path is the argument of the constructor.
        // (Only without arguments: `require('fs').rmSync(p)` deletes `p`, not `fs`.)
        let path = match first {
            Some(Arg::Str(f)) => Some(f.clone()),
            None if prev == "()" => receiver_string(toks, at),
            _ => None,
        };
        let mut argv = vec!["rm".to_string()];
        if recursive {
            argv.push("-rf".into());
        }
        match path {
            Some(p) if p.is_known() => argv.push(p.text.into_string()),
            Some(p) => argv.push(p.text.into_string()),
            None => argv.push(UNKNOWN_MARK.to_string()),
        }
        // Perl `unlink glob("/etc/*")`.
        if lang == Lang::Perl && name == "unlink" {
            if let Some(Tok::Ident(g)) = toks.get(at + 1) {
                if g == "glob" {
                    if let Some(Tok::Str(f)) =
                        toks.get(at + 2).filter(|t| matches!(t, Tok::Str(_))).or_else(|| toks.get(at + 3))
                    {
                        argv = vec!["rm".into(), f.text.to_string()];
                    }
                }
            }
        }
        found.synthetic.push(argv);
        return;
    }
    // Reads.
    let read_fns = [
        "open",
        "readFileSync",
        "readFile",
        "createReadStream",
        "read_text",
        "read_bytes",
        "read",
        "readlines",
        "file_get_contents",
        "fopen",
        "readfile",
        "file",
        "readTextFile",
        "readTextFileSync",
        "readFileStr",
        "lines",
        "binread",
        "foreach",
    ];
    if read_fns.contains(&name)
        && !matches!(
            prev,
            "json" | "JSON" | "yaml" | "sys" | "os" | "webbrowser" | "urllib" | "request" | "tempfile" | "socket"
        )
    {
        match first {
            Some(Arg::Str(f)) => push_read(found, f),
            _ if prev == "()" => {
                if let Some(f) = receiver_string(toks, at) {
                    push_read(found, &f);
                }
            }
            _ => {}
        }
        // Perl `open(FH, '<', path)` / PHP `fopen(path, 'r')`.
        for a in args.iter().skip(1) {
            if let Arg::Str(f) = a {
                if f.as_known()
                    .is_some_and(|t| !matches!(t, "<" | ">" | "r" | "w" | "rb" | "a" | "utf8" | "utf-8" | "base64"))
                {
                    push_read(found, f);
                }
            }
        }
        return;
    }
    if name == "file" && prev == "Bun" {
        if let Some(Arg::Str(f)) = first {
            push_read(found, f);
        }
    }
    // `eval`/`exec` of code in the same language.
    let same_language_eval = matches!(prev, "" | "builtins" | "window" | "globalThis" | "Kernel")
        && match lang {
            Lang::Python => matches!(name, "eval" | "exec" | "compile"),
            Lang::Node => matches!(name, "eval" | "Function"),
            _ => name == "eval",
        };
    if same_language_eval {
        match first {
            Some(Arg::Str(f)) if f.is_known() => {
                let inner = scan(lang, &f.text);
                found.shell.extend(inner.shell);
                found.argv.extend(inner.argv);
                found.synthetic.extend(inner.synthetic);
                found.api_calls.extend(inner.api_calls);
                if inner.opaque.is_some() {
                    found.opaque = inner.opaque;
                }
            }
            Some(_) => found.opaque = Some(format!("code given to `{name}` built at run time")),
            None => {}
        }
        return;
    }
    // Destructive calls to service APIs: `deleteIndex`, `drop_database`, `destroy_all`.
    let lower = name.to_ascii_lowercase();
    let verb = ["delete", "destroy", "drop", "truncate", "purge", "wipe", "flush", "clear"]
        .iter()
        .find(|v| lower.starts_with(*v));
    if let Some(v) = verb {
        let rest = &name[v.len()..];
        if !rest.is_empty()
            && (rest.starts_with('_') || rest.starts_with(|c: char| c.is_ascii_uppercase()))
            && !matches!(
                lower.as_str(),
                "clear_output" | "clearinterval" | "cleartimeout" | "clearscreen" | "flush_stdout" | "deleteproperty"
            )
        {
            found.api_calls.push(format!("{}{}{name}(…)", prev, if prev.is_empty() { "" } else { "." }));
        }
    }
}

/// The string a method's receiver was built from: `Path(".env").read_text()`.
fn receiver_string(toks: &[Tok], at: usize) -> Option<Field> {
    // toks[at] is the method; toks[at-1] is '.', toks[at-2] is ')'.
    let mut depth = 0;
    let mut k = at.checked_sub(2)?;
    loop {
        match &toks[k] {
            Tok::Punct(')') => depth += 1,
            Tok::Punct('(') => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
        k = k.checked_sub(1)?;
    }
    toks[k..at].iter().find_map(|t| if let Tok::Str(f) = t { Some(f.clone()) } else { None })
}

// ----- lexer -----------------------------------------------------------------------------

fn lex(lang: Lang, code: &str) -> Vec<Tok> {
    lex_at(lang, code, 0)
}

/// Deepest nesting of interpolated code in strings (`${`…${…}…`}`) that is lexed.
const MAX_INTERPOLATION_DEPTH: usize = 8;

/// Stands for interpolated code nested deeper than [`MAX_INTERPOLATION_DEPTH`].
const TOO_DEEP: &str = "\u{E000}interpolations nested too deeply";

/// Lexes `code`; the code inside its strings' interpolations (`${…}`, `#{…}`, f-string
/// `{…}`) follows at the end, so the scanner sees what it calls without the string
/// around it changing shape.
fn lex_at(lang: Lang, code: &str, depth: usize) -> Vec<Tok> {
    let c: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut segs: Vec<String> = Vec::new();
    let mut i = 0;
    let hash_comments = matches!(lang, Lang::Python | Lang::Ruby | Lang::Perl | Lang::Awk | Lang::Php | Lang::R);
    let slash_comments = matches!(lang, Lang::Node | Lang::Php);
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            out.push(Tok::Punct('\n'));
            i += 1;
            continue;
        }
        if ch.is_whitespace() {
            i += 1;
            continue;
        }
        if hash_comments && ch == '#' && !(lang == Lang::Perl && i > 0 && c[i - 1] == '$') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if lang == Lang::Lua && ch == '-' && c.get(i + 1) == Some(&'-') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if slash_comments && ch == '/' && c.get(i + 1) == Some(&'/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if slash_comments && ch == '/' && c.get(i + 1) == Some(&'*') {
            i += 2;
            while i + 1 < c.len() && !(c[i] == '*' && c[i + 1] == '/') {
                i += 1;
            }
            i += 2;
            continue;
        }
        // Python string prefixes.
        if lang == Lang::Python && matches!(ch, 'r' | 'b' | 'f' | 'u' | 'R' | 'B' | 'F' | 'U') {
            let mut k = i;
            while k < c.len() && k - i < 2 && matches!(c[k], 'r' | 'b' | 'f' | 'u' | 'R' | 'B' | 'F' | 'U') {
                k += 1;
            }
            if k < c.len() && (c[k] == '\'' || c[k] == '"') && (i == 0 || !is_ident(c[i - 1])) {
                let prefix: String = c[i..k].iter().collect::<String>().to_ascii_lowercase();
                let (f, next) = read_string(&c, k, lang, prefix.contains('r'), prefix.contains('f'), &mut segs);
                out.push(Tok::Str(f));
                i = next;
                continue;
            }
        }
        // Ruby %x(...) / %q(...) / %Q(...) / %w(...); Perl qx(...) / q(...) / qq(...).
        if (lang == Lang::Ruby
            && ch == '%'
            && matches!(c.get(i + 1), Some('x' | 'q' | 'Q' | 'w' | 'W' | 'i'))
            && c.get(i + 2).is_some_and(|d| "({[</|!".contains(*d)))
            || (lang == Lang::Perl && (ch == 'q') && (i == 0 || !is_ident(c[i - 1])) && {
                let k = if matches!(c.get(i + 1), Some('x' | 'q' | 'w')) { i + 2 } else { i + 1 };
                c.get(k).is_some_and(|d| "({[</|!".contains(*d))
            })
        {
            // Perl's `qq` interpolates like Ruby's `%Q`; `q` does not.
            let kind = match (lang, c.get(i + 1)) {
                (Lang::Ruby, Some(k)) => *k,
                (_, Some('q')) => 'Q',
                (_, Some(k @ ('x' | 'w'))) => *k,
                _ => 'q',
            };
            let open_at =
                if lang == Lang::Ruby || matches!(c.get(i + 1), Some('x' | 'q' | 'w')) { i + 2 } else { i + 1 };
            let open = c[open_at];
            let close = match open {
                '(' => ')',
                '{' => '}',
                '[' => ']',
                '<' => '>',
                o => o,
            };
            let mut k = open_at + 1;
            let mut depth = 1;
            let mut s = String::new();
            while k < c.len() {
                if c[k] == '\\' && k + 1 < c.len() {
                    s.push(c[k + 1]);
                    k += 2;
                    continue;
                }
                if c[k] == open && open != close {
                    depth += 1;
                } else if c[k] == close {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                s.push(c[k]);
                k += 1;
            }
            let f = interpolate(&s, lang, kind != 'q', &mut segs);
            out.push(if kind == 'x' { Tok::Cmd(f) } else { Tok::Str(f) });
            i = k + 1;
            continue;
        }
        match ch {
            '\'' | '"' => {
                let raw = ch == '\'' && matches!(lang, Lang::Ruby | Lang::Perl | Lang::Php);
                let interp = ch == '"' && matches!(lang, Lang::Ruby | Lang::Perl | Lang::Php);
                let (f, next) = read_string(&c, i, lang, raw, interp, &mut segs);
                out.push(Tok::Str(f));
                i = next;
            }
            '`' => {
                let (f, next) = read_string(&c, i, lang, false, true, &mut segs);
                out.push(if matches!(lang, Lang::Ruby | Lang::Perl | Lang::Php) { Tok::Cmd(f) } else { Tok::Str(f) });
                i = next;
            }
            _ if is_ident(ch)
                || (ch == '$' && matches!(lang, Lang::Perl | Lang::Php | Lang::Node))
                || (ch == '@' && lang == Lang::Perl) =>
            {
                let start = i;
                i += 1;
                while i < c.len() && is_ident(c[i]) {
                    i += 1;
                }
                let word: String = c[start..i].iter().collect();
                let word = if matches!(lang, Lang::Perl | Lang::Php) {
                    word.trim_start_matches(['$', '@']).to_string()
                } else {
                    word
                };
                out.push(Tok::Ident(word));
            }
            _ => {
                out.push(Tok::Punct(ch));
                i += 1;
            }
        }
    }
    for seg in segs {
        out.push(Tok::Punct('\n'));
        if depth >= MAX_INTERPOLATION_DEPTH {
            out.push(Tok::Ident(TOO_DEEP.into()));
            break;
        }
        out.extend(lex_at(lang, &seg, depth + 1));
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Reads a quoted string starting at `c[i]`; returns its value and the next index.
fn read_string(c: &[char], i: usize, lang: Lang, raw: bool, interp: bool, segs: &mut Vec<String>) -> (Field, usize) {
    let q = c[i];
    // Triple quotes (Python).
    let triple = lang == Lang::Python && c.get(i + 1) == Some(&q) && c.get(i + 2) == Some(&q);
    let mut k = if triple { i + 3 } else { i + 1 };
    let mut s = String::new();
    while k < c.len() {
        if triple {
            if c[k] == q && c.get(k + 1) == Some(&q) && c.get(k + 2) == Some(&q) {
                k += 3;
                return (finish(&s, lang, interp, q, segs), k);
            }
        } else if c[k] == q {
            return (finish(&s, lang, interp, q, segs), k + 1);
        }
        if c[k] == '\\' && k + 1 < c.len() {
            if raw {
                if c[k + 1] == q || c[k + 1] == '\\' {
                    s.push(c[k + 1]);
                } else {
                    s.push('\\');
                    s.push(c[k + 1]);
                }
                k += 2;
                continue;
            }
            let e = c[k + 1];
            k += 2;
            match e {
                'n' => s.push('\n'),
                't' => s.push('\t'),
                'r' => s.push('\r'),
                '0' if !c.get(k).is_some_and(char::is_ascii_digit) => s.push('\0'),
                'x' => {
                    let hex: String = c[k..].iter().take(2).take_while(|d| d.is_ascii_hexdigit()).collect();
                    if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        s.push(ch);
                        k += hex.len();
                    }
                }
                'u' => {
                    let hex: String = c[k..].iter().take(4).take_while(|d| d.is_ascii_hexdigit()).collect();
                    if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        s.push(ch);
                        k += hex.len();
                    }
                }
                '0'..='7' => {
                    let oct: String = std::iter::once(e)
                        .chain(c[k..].iter().copied().take(2).take_while(|d| ('0'..='7').contains(d)))
                        .collect();
                    if let Some(ch) = u32::from_str_radix(&oct, 8).ok().and_then(char::from_u32) {
                        s.push(ch);
                        k += oct.len() - 1;
                    }
                }
                '$' | '#' | '{' if interp => {
                    // An escaped interpolation sigil is literal.
                    s.push('\u{1}');
                    s.push(e);
                }
                other => s.push(other),
            }
            continue;
        }
        s.push(c[k]);
        k += 1;
    }
    (finish(&s, lang, interp, q, segs), k)
}

fn finish(s: &str, lang: Lang, interp: bool, quote: char, segs: &mut Vec<String>) -> Field {
    let f = if interp || (lang == Lang::Node && quote == '`') {
        interpolate(s, lang, true, segs)
    } else {
        Field::known(s.replace('\u{1}', ""))
    };
    Field { text: f.text.replace('\u{1}', "").into(), ..f }
}

/// Marks interpolated parts as unknown: `#{…}` (Ruby), `${…}` (JS templates, PHP,
/// Perl), `@{…}` and `$name` / `@name` (Perl, PHP), `{…}` (Python f-strings). The code
/// inside braces is added to `segs`.
fn interpolate(s: &str, lang: Lang, active: bool, segs: &mut Vec<String>) -> Field {
    if !active {
        return Field::known(s);
    }
    let mut out = Field::default();
    let c: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < c.len() {
        let open = match lang {
            Lang::Ruby if c[i] == '#' && c.get(i + 1) == Some(&'{') => Some(2),
            Lang::Node | Lang::Php | Lang::Perl if c[i] == '$' && c.get(i + 1) == Some(&'{') => Some(2),
            Lang::Perl if c[i] == '@' && c.get(i + 1) == Some(&'{') => Some(2),
            Lang::Python if c[i] == '{' && c.get(i + 1) != Some(&'{') => Some(1),
            _ => None,
        };
        if i > 0 && c[i - 1] == '\u{1}' {
            out.text.push(c[i]);
            i += 1;
            continue;
        }
        if let Some(skip) = open {
            let mut depth = 1;
            let mut k = i + skip;
            while k < c.len() && depth > 0 {
                match c[k] {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                k += 1;
            }
            let end = if depth == 0 { k - 1 } else { k };
            segs.push(c[i + skip..end].iter().collect());
            out.text.push(UNKNOWN_MARK);
            out.unknowns.push(super::model::Unknown::Computed("an interpolated value".into()));
            i = k;
            continue;
        }
        if matches!(lang, Lang::Perl | Lang::Php)
            && (c[i] == '$' || (c[i] == '@' && lang == Lang::Perl))
            && c.get(i + 1).is_some_and(|d| d.is_alphabetic() || *d == '_')
        {
            let mut k = i + 1;
            while k < c.len() && is_ident(c[k]) {
                k += 1;
            }
            out.text.push(UNKNOWN_MARK);
            out.unknowns.push(super::model::Unknown::Computed("an interpolated value".into()));
            i = k;
            continue;
        }
        out.text.push(c[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_off_lists_do_not_panic() {
        for code in ["import subprocess; subprocess.run([", "os.system([", "subprocess.call([)", "x = ["] {
            let _ = scan(Lang::Python, code);
        }
        let _ = scan(Lang::Node, "require('child_process').execFileSync([");
    }

    fn py(s: &str) -> Found {
        scan(Lang::Python, s)
    }

    #[test]
    fn code_interpolated_in_strings_is_scanned() {
        let shell = |lang: Lang, code: &str| scan(lang, code).shell;
        let rm = ["rm -rf ~"];
        assert_eq!(shell(Lang::Node, "console.log(`${require('child_process').execSync('rm -rf ~')}`)"), rm);
        assert_eq!(shell(Lang::Python, "print(f\"{__import__('os').system('rm -rf ~')}\")"), rm);
        assert_eq!(shell(Lang::Ruby, "puts \"#{system('rm -rf ~')}\""), rm);
        assert_eq!(shell(Lang::Perl, "print \"@{[system('rm -rf ~')]}\""), rm);
        assert_eq!(shell(Lang::Php, "echo \"{${system('rm -rf ~')}}\";"), rm);
        assert_eq!(
            scan(Lang::Node, "console.log(`${Bun.file('.env')}`, `${require('fs').readFileSync('.env')}`)").synthetic,
            [vec!["cat", ".env"]]
        );
        // A call with an interpolated argument keeps its shape.
        assert!(py("import os; os.system(f'rm -rf {p}')").opaque.is_some());
        assert_eq!(py("print(f'{x!r:>10} {{literal}}')"), Found::default());
        // Deep nesting is bounded, and reported.
        let mut deep = "1".to_string();
        for _ in 0..50 {
            deep = format!("qq{{@{{[ {deep} ]}}}}");
        }
        assert!(scan(Lang::Perl, &format!("print {deep}")).opaque.is_some());
        assert_eq!(shell(Lang::Perl, "print qq{@{[ qq{@{[ system('rm -rf ~') ]}} ]}}"), rm);
    }

    #[test]
    fn python() {
        assert_eq!(py("import os; os.system('rm -rf /')").shell, ["rm -rf /"]);
        assert_eq!(py("import subprocess; subprocess.run(['rm', '-rf', '/'])").argv, [vec!["rm", "-rf", "/"]]);
        assert_eq!(py("import shutil; shutil.rmtree('/tmp/demo')").synthetic, [vec!["rm", "-rf", "/tmp/demo"]]);
        assert_eq!(py("import os; os.remove('/etc/passwd')").synthetic, [vec!["rm", "/etc/passwd"]]);
        assert_eq!(py("print(open('.env').read())").synthetic, [vec!["cat", ".env"]]);
        assert_eq!(
            py("open('.git/hooks/pre-commit', 'w').write(x)").synthetic,
            [vec!["tee", ".git/hooks/pre-commit"], vec!["cat", ".git/hooks/pre-commit"]]
        );
        assert_eq!(py("open('notes.txt', 'rb').read()").synthetic, [vec!["cat", "notes.txt"]]);
        assert_eq!(
            py("from pathlib import Path; Path('.tako/lock').write_text('x')").synthetic,
            [vec!["tee", ".tako/lock"]]
        );
        assert_eq!(py("import shutil; shutil.copy('x', '/etc/cron.d/x')").synthetic, [vec!["tee", "/etc/cron.d/x"]]);
        assert_eq!(py("import os; os.rename('a', 'b')").synthetic, [vec!["tee", "b"]]);
        assert!(py("s = 'a'.replace('a', 'b'); f.write(s)").synthetic.is_empty());
        assert_eq!(py("print('hello')"), Found::default());
        assert_eq!(py("x = '.env.example) and then some prose here'"), Found::default());
        assert_eq!(py("import base64; print(base64.b64decode('UkVBRE1FLm1k').decode())"), Found::default());
        let f = py("import base64, os; b = base64.b64decode('LmVudg==').decode(); p = os.path.expanduser('~/x/') + b; print(open(p).read())");
        // (`expanduser` marks the home directory, which the analyzer knows.)
        assert_eq!(f.synthetic, [vec!["cat".to_string(), format!("{HOME_MARK}/x/.env")]]);
        assert_eq!(py("open('~/x', 'a')").synthetic[0], ["tee", "~/x"]);
        assert_eq!(py("os.system(os.path.expanduser('~/bin/x.sh'))").shell, ["~/bin/x.sh"]);
        let home = |tail: &str| vec!["cat".to_string(), format!("{HOME_MARK}{tail}")];
        assert!(py("import os; open(os.environ['HOME'] + '/.netrc').read()").synthetic.contains(&home("/.netrc")));
        assert!(py("import os; open(os.getenv('HOME') + '/.netrc').read()").synthetic.contains(&home("/.netrc")));
        assert_eq!(
            scan(Lang::Node, "require('fs').readFileSync(require('os').homedir() + '/.aws/credentials')").synthetic,
            [home("/.aws/credentials")]
        );
        assert_eq!(
            scan(Lang::Node, "require('fs').readFileSync(process.env.HOME + '/.netrc')").synthetic,
            [home("/.netrc")]
        );
        assert_eq!(scan(Lang::Ruby, "File.read(Dir.home + '/.netrc')").synthetic, [home("/.netrc")]);
        assert!(py("import os; open(os.environ['USER'] + '/x').read()")
            .synthetic
            .iter()
            .all(|a| !a[1].contains(HOME_MARK)));
        assert!(py("import os; os.system(cmd)").opaque.is_some());
        assert_eq!(py("from pathlib import Path; Path('.env').read_text()").synthetic, [vec!["cat", ".env"]]);
        assert_eq!(py("s = 'mkfs /dev/sda1'"), Found::default());
    }

    #[test]
    fn node() {
        let n = |s: &str| scan(Lang::Node, s);
        assert_eq!(n("require('child_process').execSync('rm -rf /')").shell, ["rm -rf /"]);
        assert_eq!(n("require('fs').rmSync('/', {recursive:true})").synthetic, [vec!["rm", "-rf", "/"]]);
        // A path computed at run time is not the module's name.
        assert_eq!(
            n("require('fs').rmSync(require('os').homedir(), {recursive:true})").synthetic,
            [vec!["rm".to_string(), "-rf".to_string(), HOME_MARK.to_string()]]
        );
        assert_eq!(n("console.log(require('fs').readFileSync('.env','utf8'))").synthetic, [vec!["cat", ".env"]]);
        assert_eq!(n("require('fs').writeFileSync('.tako/lock', 'x')").synthetic, [vec!["tee", ".tako/lock"]]);
        assert_eq!(
            n("const fs = require('fs'); fs.appendFileSync('/etc/profile', 'x')").synthetic,
            [vec!["tee", "/etc/profile"]]
        );
        assert_eq!(
            n("const path = \".env\"; require(\"fs\").readFileSync(path, \"utf8\")").synthetic,
            [vec!["cat", ".env"]]
        );
        assert_eq!(n("const path = \".env\"; console.log(path)"), Found::default());
        assert_eq!(n("console.log(\"Bun.file(\\\".env\\\")\")"), Found::default());
        assert_eq!(n("console.log(`.env`)"), Found::default());
        assert_eq!(n("const p = Buffer.from('fi8uc3NoL2lkX3JzYQ==', 'base64').toString(); require('fs').readFileSync(p, 'utf8')").synthetic, [vec!["cat", "~/.ssh/id_rsa"]]);
        assert_eq!(n("console.log(\"ok\")"), Found::default());
        assert_eq!(n("const client = algoliasearch('app','key'); client.deleteIndex('prod');").api_calls.len(), 1);
        assert_eq!(n("/abc/.exec(s)"), Found::default());
    }

    #[test]
    fn others() {
        assert_eq!(
            scan(Lang::Ruby, "require 'fileutils'; FileUtils.rm_rf('/home/user')").synthetic,
            [vec!["rm", "-rf", "/home/user"]]
        );
        assert_eq!(scan(Lang::Ruby, "`rm -rf /home/user`").shell, ["rm -rf /home/user"]);
        assert_eq!(scan(Lang::Ruby, "system(\"rm -rf /\")").shell, ["rm -rf /"]);
        assert_eq!(scan(Lang::Ruby, "puts File.read(\".env\")").synthetic, [vec!["cat", ".env"]]);
        assert_eq!(
            scan(Lang::Ruby, "File.write('.git/hooks/pre-push', 'x')").synthetic,
            [vec!["tee", ".git/hooks/pre-push"]]
        );
        assert_eq!(
            scan(Lang::Perl, "open(F, \">.git/hooks/pre-commit\"); print F 1").synthetic[0],
            ["tee", ".git/hooks/pre-commit"]
        );
        assert_eq!(scan(Lang::Perl, "open(my $f, '>>', '/etc/profile')").synthetic[0], ["tee", "/etc/profile"]);
        assert!(!scan(Lang::Perl, "open(F, '<', 'notes.txt')").synthetic.iter().any(|a| a[0] == "tee"));
        assert_eq!(scan(Lang::Perl, "system('rm -rf /home/user')").shell, ["rm -rf /home/user"]);
        assert_eq!(scan(Lang::Perl, "unlink glob(\"/etc/*\");").synthetic, [vec!["rm", "/etc/*"]]);
        assert_eq!(scan(Lang::Php, "file_get_contents('.env')").synthetic, [vec!["cat", ".env"]]);
        assert_eq!(scan(Lang::Awk, "BEGIN { system(\"rm -rf /\") }").shell, ["rm -rf /"]);
        assert_eq!(scan(Lang::Awk, "BEGIN { system(\"rm\\x20-rf\\x20/\") }").shell, ["rm -rf /"]);
        assert_eq!(scan(Lang::Awk, "BEGIN { system(\"rm\\040-rf\\040/\") }").shell, ["rm -rf /"]);
        assert!(scan(Lang::Awk, "{ system($0) }").opaque.is_some());
        assert_eq!(scan(Lang::Awk, "BEGIN { \"rm -rf /\" | getline }").shell, ["rm -rf /"]);
        // Signalling the parent is `kill $PPID`; signal 0 probes.
        assert_eq!(scan(Lang::Python, "import os; os.kill(os.getppid(), 9)").shell, ["kill $PPID"]);
        assert_eq!(scan(Lang::Python, "os.kill(os.getppid(), 0)").shell, ["kill -0 $PPID"]);
        assert_eq!(scan(Lang::Node, "process.kill(process.ppid)").shell, ["kill $PPID"]);
        assert!(scan(Lang::Python, "os.kill(child.pid, 9)").shell.is_empty());
        assert_eq!(scan(Lang::Python, "import os; p=os.getppid(); os.kill(p, 9)").shell, ["kill $PPID"]);
        assert_eq!(scan(Lang::Python, "import psutil; psutil.Process().parent().kill()").shell, ["kill $PPID"]);
        assert_eq!(scan(Lang::Python, "psutil.Process(os.getppid()).terminate()").shell, ["kill $PPID"]);
        assert_eq!(scan(Lang::Python, "p = psutil.Process().parent(); p.send_signal(15)").shell, ["kill $PPID"]);
        assert_eq!(scan(Lang::Python, "q = psutil.Process(os.getppid())\nq.kill()").shell, ["kill $PPID"]);
        assert_eq!(scan(Lang::Python, "psutil.Process().parent().send_signal(0)").shell, ["kill -0 $PPID"]);
        assert!(scan(Lang::Python, "p=os.getpid(); os.kill(p, 9)").shell.is_empty());
        assert!(scan(Lang::Python, "psutil.Process(child).kill(); psutil.Process().children()[0].kill()")
            .shell
            .is_empty());
        assert!(scan(Lang::Python, "proc.terminate(); q.kill()").shell.is_empty());
        // Printing to a file writes it; comparing does not.
        assert_eq!(scan(Lang::Awk, "{ print $0 > \"/etc/cron.d/x\" }").synthetic, [["tee", "--", "/etc/cron.d/x"]]);
        assert_eq!(scan(Lang::Awk, "{ printf \"%s\", $1 >> \"log.txt\" }").synthetic, [["tee", "-a", "--", "log.txt"]]);
        assert!(scan(Lang::Awk, "$1 > \"m\" { print }").synthetic.is_empty());
        assert!(scan(Lang::Awk, "{ print > \"/dev/stderr\" }").synthetic.is_empty());
        assert_eq!(scan(Lang::Awk, "BEGIN { print \"x\" | \"git reset --hard\" }").shell, ["git reset --hard"]);
        assert_eq!(scan(Lang::Awk, "{ print }"), Found::default());
        assert_eq!(scan(Lang::Awk, "BEGIN { getline < \"~/.ssh/id_rsa\" }").synthetic, [vec!["cat", "~/.ssh/id_rsa"]]);
        assert_eq!(
            scan(Lang::Awk, "BEGIN { while ((getline line < \".env\") > 0) print line }").synthetic,
            [vec!["cat", ".env"]]
        );
        assert_eq!(scan(Lang::Awk, "{ if (n < \"b\") print }"), Found::default());
    }

    #[test]
    fn arguments() {
        let f = |s: &str| s.split(' ').map(Field::known).collect::<Vec<_>>();
        assert!(matches!(args(Lang::Python, &f("-c print(1)")).source, Source::Inline(c) if c.text == "print(1)"));
        assert!(matches!(args(Lang::Python, &f("-vc x")).source, Source::Inline(c) if c.text == "x"));
        assert!(matches!(args(Lang::Python, &f("-m json.tool x")).source, Source::File(_)));
        assert!(matches!(args(Lang::Python, &f("script.py")).source, Source::File(_)));
        assert!(matches!(args(Lang::Python, &[]).source, Source::Stdin));
        assert!(matches!(args(Lang::Node, &f("--eval=x()")).source, Source::Inline(c) if c.text == "x()"));
        assert!(matches!(args(Lang::Node, &f("-pe 1")).source, Source::Inline(c) if c.text == "1"));
        assert!(matches!(args(Lang::Perl, &f("-wE say")).source, Source::Inline(c) if c.text == "say"));
        assert!(matches!(args(Lang::Awk, &f("-F : {print}")).source, Source::Inline(c) if c.text == "{print}"));
        assert!(matches!(args(Lang::Php, &f("-nr x")).source, Source::Inline(c) if c.text == "x"));
        // `-m MOD` names the program: what follows is its arguments, stdin is data.
        assert!(matches!(args(Lang::Python, &f("-m module")).source, Source::File(m) if m.text == "module"));
        assert!(matches!(args(Lang::Python, &f("-um json.tool")).source, Source::File(m) if m.text == "json.tool"));
        assert!(matches!(args(Lang::Python, &f("-mjson.tool")).source, Source::File(m) if m.text == "json.tool"));
        assert!(matches!(args(Lang::Awk, &f("-E prog.awk x")).source, Source::File(m) if m.text == "prog.awk"));
        // Unknown values of options that load code are reported; others are not.
        let u = |s: &str| -> Vec<Field> {
            s.split(' ')
                .map(|w| match w.split_once('?') {
                    Some((a, b)) => Field {
                        text: format!("{a}{UNKNOWN_MARK}{b}").into(),
                        unknowns: vec![super::super::model::Unknown::Input("x".into())],
                        ..Field::default()
                    },
                    None => Field::known(w),
                })
                .collect()
        };
        for (lang, s) in [
            (Lang::Node, "--require ? -e 1"),
            (Lang::Node, "--import=? app.js"),
            (Lang::Ruby, "-r? -e 1"),
            (Lang::Perl, "-M? -e 1"),
            (Lang::Perl, "-? -e 1"),
            (Lang::Awk, "-i ? {print}"),
            (Lang::Python, "--? x.py"),
        ] {
            assert_eq!(args(lang, &u(s)).loads.len(), 1, "{s}");
        }
        for (lang, s) in [
            (Lang::Node, "--require ./x.js -e 1"),
            (Lang::Node, "--max-old-space-size=? app.js"),
            (Lang::Awk, "-F? {print}"),
            (Lang::Perl, "-I? -e 1"),
            (Lang::Awk, "-v n=? {print}"),
        ] {
            assert!(args(lang, &u(s)).loads.is_empty(), "{s}");
        }
        // A word of input where options are still read could be any option
        // (`xargs perl -e CODE`); not after Python's `-c`, nor where awk's program is.
        for (lang, s) in
            [(Lang::Perl, "-e 1 ?"), (Lang::Ruby, "-e 1 ?"), (Lang::Node, "-e 1 ?"), (Lang::Awk, "-f a.awk ?")]
        {
            assert_eq!(args(lang, &u(s)).loads.len(), 1, "{s}");
        }
        for (lang, s) in [(Lang::Python, "-c 1 ?"), (Lang::Perl, "-e 1 x ?"), (Lang::Awk, "?"), (Lang::Python, "?")] {
            assert!(args(lang, &u(s)).loads.is_empty(), "{s}");
        }
        // gawk reads options after its program file: `-e` code runs too.
        assert!(matches!(args(Lang::Awk, &f("-f a.awk -e BEGIN{}")).source, Source::Inline(c) if c.text == "BEGIN{}"));
        assert!(matches!(args(Lang::Awk, &f("-f a.awk data.txt")).source, Source::File(m) if m.text == "a.awk"));
        assert!(matches!(args(Lang::Awk, &f("--file=a.awk --source=x")).source, Source::Inline(c) if c.text == "x"));
        assert!(matches!(args(Lang::Awk, &f("-f -")).source, Source::Stdin));
        assert!(matches!(args(Lang::Awk, &u("-F? {print}")).source, Source::Inline(c) if c.text == "{print}"));
        assert!(matches!(args(Lang::Python, &u("?")).source, Source::File(f) if !f.is_known()));
        assert!(matches!(args(Lang::Python, &u("-m ?")).source, Source::File(f) if !f.is_known()));
    }
}
