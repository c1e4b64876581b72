//! Parser tests: structure of the tree for each construct, bash's own choices, and the
//! bounds (depth, length, no panic).

use super::*;

/// A compact rendering of a tree, for readable assertions.
fn sx(src: &str) -> String {
    match parse(src) {
        Ok(s) => list(&s.body),
        Err(e) => format!("ERR {:?}: {}", e.kind, e.message),
    }
}

fn list(l: &List) -> String {
    let items: Vec<String> = l
        .items
        .iter()
        .map(|i| {
            let mut s = and_or(&i.and_or);
            if i.background {
                s.push_str(" &");
            }
            s
        })
        .collect();
    items.join("; ")
}

fn and_or(a: &AndOr) -> String {
    let mut s = pipeline(&a.first);
    for (c, p) in &a.rest {
        s.push_str(if *c == Connector::And { " && " } else { " || " });
        s.push_str(&pipeline(p));
    }
    s
}

fn pipeline(p: &Pipeline) -> String {
    let cmds: Vec<String> = p.commands.iter().map(command).collect();
    let mut s = cmds.join(" | ");
    if p.negated {
        s = format!("!{s}");
    }
    if p.timed {
        s = format!("time:{s}");
    }
    s
}

fn command(c: &Command) -> String {
    match c {
        Command::Simple(sc) => {
            let mut v: Vec<String> = sc
                .assigns
                .iter()
                .map(|a| {
                    let val = match &a.value {
                        AssignValue::Scalar(w) => word(w),
                        AssignValue::Array(ws) => format!("({})", ws.iter().map(word).collect::<Vec<_>>().join(" ")),
                    };
                    format!("{}={val}", a.name)
                })
                .collect();
            v.extend(sc.words.iter().map(word));
            v.extend(sc.redirects.iter().map(redirect));
            format!("[{}]", v.join(" "))
        }
        Command::Compound(c, r) => {
            let mut s = compound(c);
            for x in r {
                s.push(' ');
                s.push_str(&redirect(x));
            }
            s
        }
        Command::Function(f) => format!("fn {}={}", f.name, command(&f.body)),
    }
}

fn compound(c: &Compound) -> String {
    match c {
        Compound::Brace(l) => format!("{{{}}}", list(l)),
        Compound::Subshell(l) => format!("({})", list(l)),
        Compound::For { var, words, body } => format!(
            "for {var} in {:?} do {}",
            words.as_ref().map(|ws| ws.iter().map(word).collect::<Vec<_>>()),
            list(body)
        ),
        Compound::ArithFor { body, .. } => format!("arithfor do {}", list(body)),
        Compound::Case { subject, arms } => format!(
            "case {} {}",
            word(subject),
            arms.iter()
                .map(|a| format!("{}) {}", a.patterns.iter().map(word).collect::<Vec<_>>().join("|"), list(&a.body)))
                .collect::<Vec<_>>()
                .join(" ;; ")
        ),
        Compound::If { branches, otherwise } => {
            let mut s = String::new();
            for (c, b) in branches {
                s.push_str(&format!("if {} then {} ", list(c), list(b)));
            }
            if let Some(o) = otherwise {
                s.push_str(&format!("else {} ", list(o)));
            }
            s.push_str("fi");
            s
        }
        Compound::Loop { until, cond, body } => {
            format!("{} {} do {}", if *until { "until" } else { "while" }, list(cond), list(body))
        }
        Compound::Arith(w) => format!("arith({})", word(w)),
        Compound::Cond(ws) => format!("[[{}]]", ws.iter().map(word).collect::<Vec<_>>().join(" ")),
        Compound::Coproc(c) => format!("coproc {}", command(c)),
    }
}

fn redirect(r: &Redirect) -> String {
    let fd = match &r.fd {
        Some(RedirFd::Num(n)) => n.to_string(),
        Some(RedirFd::Var(v)) => format!("{{{v}}}"),
        None => String::new(),
    };
    match &r.target {
        RedirTarget::Word(w) => format!("{fd}{:?}:{}", r.op, word(w)),
        RedirTarget::HereDoc(d) => {
            format!("{fd}heredoc({}{}):{}", d.delimiter, if d.quoted { ",q" } else { "" }, word(&d.body))
        }
    }
}

fn word(w: &Word) -> String {
    parts(&w.parts)
}

fn parts(ps: &[Part]) -> String {
    ps.iter()
        .map(|p| match p {
            Part::Lit(s) => s.to_string(),
            Part::Quoted(s) => format!("'{s}'"),
            Part::Double(inner) => format!("\"{}\"", parts(inner)),
            Part::Param(p) => {
                let op = match &p.op {
                    ParamOp::None => String::new(),
                    ParamOp::Default { word: w, .. } => format!(":-{}", word(w)),
                    ParamOp::Assign { word: w, .. } => format!(":={}", word(w)),
                    ParamOp::Error { word: w, .. } => format!(":?{}", word(w)),
                    ParamOp::Alt { word: w, .. } => format!(":+{}", word(w)),
                    ParamOp::Trim { word: w, .. } => format!("#{}", word(w)),
                    ParamOp::Other(ws) => format!("~{}", ws.iter().map(word).collect::<String>()),
                    ParamOp::Bad => "!bad".into(),
                };
                format!("${{{}{}{}{op}}}", if p.length { "#" } else { "" }, if p.indirect { "!" } else { "" }, p.name)
            }
            Part::Subst(s) => format!("$({})", list(&s.body)),
            Part::Arith(inner) => format!("$(({}))", parts(inner)),
            Part::ProcSubst { write, script } => format!("{}({})", if *write { ">" } else { "<" }, list(&script.body)),
            Part::Tilde(u) => format!("~{u}"),
            Part::ExtGlob(s) => format!("extglob:{s}"),
            Part::Invalid(s) => format!("invalid:{s}"),
        })
        .collect()
}

#[test]
fn simple_commands_and_lists() {
    assert_eq!(sx("ls -la"), "[ls -la]");
    assert_eq!(sx("  git   status  "), "[git status]");
    assert_eq!(sx("a; b & c"), "[a]; [b] &; [c]");
    assert_eq!(sx("a && b || c"), "[a] && [b] || [c]");
    assert_eq!(sx("a | b |& c"), "[a] | [b] | [c]");
    assert_eq!(sx("! a | b"), "![a] | [b]");
    assert_eq!(sx("time -p a"), "time:[a]");
    assert_eq!(sx("a\nb\n\nc"), "[a]; [b]; [c]");
    assert_eq!(sx("a &&\n b"), "[a] && [b]");
    assert_eq!(sx("a |\n b"), "[a] | [b]");
    assert_eq!(sx(""), "");
    assert_eq!(sx("# only a comment"), "");
    assert_eq!(sx("echo a#b #c"), "[echo a#b]");
    assert_eq!(sx("echo ok # 'ignored quote\nrm -rf /"), "[echo ok]; [rm -rf /]");
    assert_eq!(sx("git status;"), "[git status]");
}

#[test]
fn quoting() {
    assert_eq!(sx(r#"echo 'a b' "c $d" \e"#), r#"[echo 'a b' "'c '${d}" 'e']"#);
    assert_eq!(sx(r"g\it"), "[g'i't]");
    assert_eq!(sx("g'i't"), "[g'i't]");
    assert_eq!(sx(r#"echo "a\"b\$c\x""#), r#"[echo "'a"b$c\x'"]"#);
    assert_eq!(sx("echo $'\\x72\\x6d -rf'"), "[echo 'rm -rf']");
    assert_eq!(sx("echo $'a\\'b'"), "[echo 'a'b']");
    assert_eq!(sx("echo $'\\U00110000'"), "[echo invalid:?]");
    assert_eq!(sx("echo hello \\\nworld"), "[echo hello world]");
    assert_eq!(sx("git re\\\nset --hard"), "[git reset --hard]");
    assert_eq!(sx("echo $\"hi\""), "[echo \"'hi'\"]");
    assert_eq!(sx("echo a$"), "[echo a$]");
}

#[test]
fn expansions() {
    assert_eq!(sx("echo $HOME ${x} $1 $@ $?"), "[echo ${HOME} ${x} ${1} ${@} ${?}]");
    assert_eq!(sx("echo ${x:-/tmp} ${y:=a} ${#z} ${!w}"), "[echo ${x:-/tmp} ${y:=a} ${#z} ${!w}]");
    assert_eq!(sx("echo ${x:-$(pwd)}"), "[echo ${x:-$([pwd])}]");
    assert_eq!(sx("echo ${HOME:-/tmp}/.kube"), "[echo ${HOME:-/tmp}/.kube]");
    assert_eq!(sx("echo ${a[1]} ${a[@]}"), "[echo ${a} ${a}]");
    assert_eq!(sx("echo ${x//a/b}"), "[echo ${x~/a/b}]");
    assert_eq!(sx("echo ${x^^} ${x:1:2} ${x@Q} ${x~}"), "[echo ${x~^} ${x~1:2} ${x~@Q} ${x~}]");
    assert_eq!(sx("echo \"${Date.now()}\" ${a.b} ${a-b}"), "[echo \"${Date!bad}\" ${a~b} ${a:-b}]");
    assert_eq!(sx("echo $(ls) `pwd`"), "[echo $([ls]) $([pwd])]");
    assert_eq!(sx("echo \"$(echo \" ) \" )\""), "[echo \"$([echo \"' ) '\"])\"]");
    assert_eq!(sx("echo $((1 + 2)) $[3]"), "[echo $((1 + 2)) $((3))]");
    assert_eq!(sx("echo $(( $(git reset --hard) + 1 ))"), "[echo $(( $([git reset --hard]) + 1 ))]");
    assert_eq!(sx("x=$((echo hi) )"), "[x=$(([echo hi]))]");
    assert_eq!(sx("cat <(ls) >(wc)"), "[cat <([ls]) >([wc])]");
    assert_eq!(sx("echo ~ ~/x ~bob/y a~b"), "[echo ~ ~/x ~bob/y a~b]");
    assert_eq!(sx("PATH=~/bin:~/x cmd"), "[PATH=~/bin:~/x cmd]");
    assert_eq!(sx("ls @(a|b) !(c)"), "[ls extglob:@(a|b) extglob:!(c)]");
    assert_eq!(sx("echo `echo \\`pwd\\``"), "[echo $([echo $([pwd])])]");
}

#[test]
fn tilde_prefix_in_parameter_words() {
    // `${x:-~/d}` expands the tilde, `"${x:-~/d}"` does not (bash 5).
    let tilde_first = |src: &str| -> bool {
        let s = parse(src).expect("parses");
        let Command::Simple(c) = &s.body.items[0].and_or.first.commands[0] else { return false };
        let part = match &c.words[1].parts[0] {
            Part::Double(inner) => &inner[0],
            p => p,
        };
        let Part::Param(p) = part else { return false };
        match &p.op {
            ParamOp::Default { word, .. } | ParamOp::Assign { word, .. } | ParamOp::Alt { word, .. } => {
                matches!(word.parts.first(), Some(Part::Tilde(_)))
            }
            _ => false,
        }
    };
    assert!(tilde_first("cat ${X:-~/.codex}/auth.json"));
    assert!(tilde_first("cat ${X:=~}"));
    assert!(tilde_first("cat ${X+~bob/y}"));
    assert!(!tilde_first("cat \"${X:-~/.codex}\""));
    assert!(!tilde_first("cat ${X:-a~}"));
    assert!(!tilde_first("cat ${X:-~x:y}"));
}

#[test]
fn assignments_and_redirections() {
    assert_eq!(sx("A=1 B= cmd x"), "[A=1 B= cmd x]");
    assert_eq!(sx("a=(1 2 3)"), "[a=(1 2 3)]");
    assert_eq!(sx("x+=y"), "[x=y]");
    assert_eq!(sx("echo A=1"), "[echo A=1]");
    assert_eq!(sx("1A=2 git reset"), "[1A=2 git reset]");
    assert_eq!(sx("cmd >out 2>&1 <in"), "[cmd Out:out 2DupOut:1 In:in]");
    assert_eq!(sx("cmd &>log 3<>f >|c >>d"), "[cmd OutErr:log 3ReadWrite:f Clobber:c Append:d]");
    assert_eq!(sx("exec {fd}>file"), "[exec {fd}Out:file]");
    assert_eq!(sx("rm -rf 123>/dev/null"), "[rm -rf 123Out:/dev/null]");
    assert_eq!(sx("rm -rf 7 > /dev/null"), "[rm -rf 7 Out:/dev/null]");
    assert_eq!(sx("> .env"), "[Out:.env]");
    assert_eq!(sx("cat <<< 'x y'"), "[cat HereString:'x y']");
}

#[test]
fn heredocs() {
    assert_eq!(sx("cat <<EOF\nhello $USER\nEOF"), "[cat heredoc(EOF):'hello '${USER}'\n']");
    assert_eq!(sx("cat <<'EOF'\nrm -rf $HOME\nEOF"), "[cat heredoc(EOF,q):'rm -rf $HOME\n']");
    assert_eq!(sx("cat <<-EOF\n\trm\n\tEOF\necho after"), "[cat heredoc(EOF):'rm\n']; [echo after]");
    assert_eq!(sx("cat <<A <<B\na\nA\nb\nB"), "[cat heredoc(A):'a\n' heredoc(B):'b\n']");
    assert_eq!(sx("cat <<EOF && rm x\nbody\nEOF"), "[cat heredoc(EOF):'body\n'] && [rm x]");
    assert_eq!(sx("python3 << \"EOF SPACE\"\nprint(1)\nEOF SPACE"), "[python3 heredoc(EOF SPACE,q):'print(1)\n']");
    assert_eq!(sx("cat <<\\EOF\nx\nEOF"), "[cat heredoc(EOF,q):'x\n']");
    assert_eq!(sx("cat <<E'O'F\nx\nEOF"), "[cat heredoc(EOF,q):'x\n']");
    assert_eq!(
        sx("git commit -m \"$(cat <<'EOF'\nrm -rf /\nEOF\n)\""),
        "[git commit -m \"$([cat heredoc(EOF,q):'rm -rf /\n'])\"]"
    );
    assert_eq!(sx("x=\"$(cat <<EOF\nhello\nEOF)\""), "[x=\"$([cat heredoc(EOF):'hello\n'])\"]");
    assert_eq!(sx("cat <<EOF\n$(find . -delete)\nEOF"), "[cat heredoc(EOF):$([find . -delete])'\n']");
    // Unterminated: runs to the end of input, as bash accepts with a warning.
    assert_eq!(sx("cat <<'EOF'\nharmless body"), "[cat heredoc(EOF,q):'harmless body\n']");
    assert_eq!(sx("cat <<EOF\nrm\nEOF\nrm -rf ~"), "[cat heredoc(EOF):'rm\n']; [rm -rf ~]");
    assert_eq!(sx("(cat <<'EOF')\nharmless body\nEOF"), "([cat heredoc(EOF,q):'harmless body\n'])");
}

#[test]
fn compound_commands() {
    assert_eq!(sx("{ a; b; }"), "{[a]; [b]}");
    assert_eq!(sx("(cd /tmp && ls)"), "([cd /tmp] && [ls])");
    assert_eq!(sx("if a; then b; elif c; then d; else e; fi"), "if [a] then [b] if [c] then [d] else [e] fi");
    assert_eq!(sx("while true; do x; done"), "while [true] do [x]");
    assert_eq!(sx("until a\ndo\nb\ndone"), "until [a] do [b]");
    assert_eq!(sx("for f in a b; do rm $f; done"), "for f in Some([\"a\", \"b\"]) do [rm ${f}]");
    assert_eq!(sx("for f; do x; done"), "for f in None do [x]");
    assert_eq!(sx("for i in 1 2; { echo $i; }"), "for i in Some([\"1\", \"2\"]) do [echo ${i}]");
    assert_eq!(sx("for ((i=0;i<3;i++)); do x; done"), "arithfor do [x]");
    assert_eq!(sx("case $x in a|b) one;; (c) two;; *) three; esac"), "case ${x} a|b) [one] ;; c) [two] ;; *) [three]");
    assert_eq!(sx("echo $(case x in x) echo yes;; esac)"), "[echo $(case x x) [echo yes])]");
    assert_eq!(sx("[[ -f x && $y =~ ^(a|b)$ ]]"), "[[-f x && ${y} =~ ^(a|b)$]]");
    assert_eq!(sx("(( i++ ))"), "arith( i++ )");
    assert_eq!(sx("(( rm -rf / root ))"), "arith( rm -rf / root )");
    assert_eq!(sx("( (git reset --hard) )"), "(([git reset --hard]))");
    assert_eq!(sx("((git reset --hard) )"), "(([git reset --hard]))");
    assert_eq!(sx("f() { rm -rf x; }; f"), "fn f={[rm -rf x]}; [f]");
    assert_eq!(sx("function g { x; }"), "fn g={[x]}");
    assert_eq!(sx(":(){ :|:& };:"), "fn :={[:] | [:] &}; [:]");
    assert_eq!(sx("{ a; } > out"), "{[a]} Out:out");
    assert_eq!(sx("coproc cat"), "coproc [cat]");
    assert_eq!(sx("time cd .. && rm -rf build"), "time:[cd ..] && [rm -rf build]");
}

#[test]
fn syntax_errors_are_errors() {
    for bad in [
        "echo 'unterminated",
        "echo \"unterminated",
        "echo $(ls",
        "echo `ls",
        "if a; then b",
        "a &&",
        "| b",
        "&& git reset --hard",
        "& git reset --hard",
        "braintree.Customer.find('cust_123')",
        "for do",
        "echo ${x",
        "case x in",
        "(a",
        ")",
        "a; ;",
        "{ a",
    ] {
        assert!(parse(bad).is_err(), "{bad:?} parsed as {}", sx(bad));
    }
}

#[test]
fn depth_is_bounded() {
    let deep = "$(".repeat(10_000) + "echo" + &")".repeat(10_000);
    let e = parse(&format!("echo {deep}")).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooDeep);
    let deep = "( ".repeat(5_000) + "a" + &")".repeat(5_000);
    assert_eq!(parse(&deep).unwrap_err().kind, ErrorKind::TooDeep);
    // `((((a))))` is one arithmetic command: its parentheses are counted, not recursed.
    let arith = "(".repeat(5_000) + "a" + &")".repeat(5_000);
    assert!(matches!(
        parse(&arith).unwrap().body.items[0].and_or.first.commands[0],
        Command::Compound(Compound::Arith(_), _)
    ));
    let deep = "\"$(echo ".repeat(3_000) + &")\"".repeat(3_000);
    assert_eq!(parse(&deep).unwrap_err().kind, ErrorKind::TooDeep);
    let deep = "${x:-".repeat(3_000) + &"}".repeat(3_000);
    assert_eq!(parse(&format!("echo {deep}")).unwrap_err().kind, ErrorKind::TooDeep);
    let deep = "`".repeat(3000);
    assert!(parse(&deep).is_err() || parse(&deep).is_ok());
    // Within the bound parses fine.
    let ok = "$(".repeat(20) + "echo" + &")".repeat(20);
    assert!(parse(&format!("echo {ok}")).is_ok());
}

#[test]
fn length_is_bounded() {
    let limits = Limits { max_depth: 10, max_len: 16 };
    assert_eq!(parse_with("echo 0123456789abcdef", limits).unwrap_err().kind, ErrorKind::TooLong);
}

#[test]
fn reserved_words_only_in_command_position() {
    assert_eq!(sx("echo if then fi"), "[echo if then fi]");
    assert_eq!(sx("echo }"), "[echo }]");
    assert_eq!(sx("'if' x"), "['if' x]");
    assert_eq!(sx("X=1 ! cleanup"), "[X=1 ! cleanup]");
    assert_eq!(sx("!cleanup"), "[!cleanup]");
}

#[test]
fn malformed_braced_parameters_fail_only_when_expanded() {
    // bash parses these and reports "bad substitution" only when it expands them.
    for src in ["echo ${(j: :)a}", "f() { echo ${(j: :)a}; }; ls", "echo ${Date.now()}", "echo \"${a b}\" x"] {
        assert!(parse(src).is_ok(), "{src}: {:?}", parse(src).err());
    }
    let script = parse("echo ${(j: :)a} after").unwrap();
    let rendered = list(&script.body);
    assert!(rendered.contains("after"), "the word after the bad substitution is kept: {rendered}");
    // Unterminated is still incomplete.
    assert_eq!(parse("echo ${(j: :a").unwrap_err().kind, ErrorKind::Incomplete);
    assert_eq!(parse("echo ${").unwrap_err().kind, ErrorKind::Incomplete);
}

/// The program parsed batch by batch, as the analyzer reads a script.
fn by_batches(src: &str) -> Result<Vec<Item>, ParseError> {
    let mut b = Batches::new(src, Limits::default())?;
    let mut items = Vec::new();
    while let Some(l) = b.next_batch()? {
        assert!(!l.items.is_empty(), "a batch holds commands: {src:?}");
        items.extend(l.items);
    }
    Ok(items)
}

#[test]
fn batches_end_at_lines_with_every_here_document_read() {
    let src = "a <<X; b <<Y\none\nX\ntwo\nY\nc &\nd; e\n\nf";
    let mut b = Batches::new(src, Limits::default()).expect("short");
    let sizes: Vec<usize> = std::iter::from_fn(|| b.next_batch().expect("parses")).map(|l| l.items.len()).collect();
    assert_eq!(sizes, [2, 1, 2, 1]);
    assert_eq!(by_batches(src).expect("parses"), parse(src).expect("parses").body.items.into_vec());
    // Errors are the whole program's, wherever they are.
    for bad in ["a\nb )\nc", "a\n;;", "a\nb <<X", "a\nif x; then\n", "a\n)"] {
        assert_eq!(by_batches(bad), parse(bad).map(|s| s.body.items.into_vec()), "{bad:?}");
        assert!(by_batches(bad).is_err(), "{bad:?}");
    }
}

/// Pieces of shell text that end lines, open and close here-documents and lists.
const BATCH_PIECES: &[&str] = &[
    "a",
    "b c",
    " ",
    "\n",
    "\n\n",
    ";",
    "&",
    "&&",
    "||",
    "|",
    "#c\n",
    "<<X",
    "<<-Y",
    "<<'X'",
    "X\n",
    "\tY\n",
    "X",
    "$(",
    ")",
    "(",
    "{",
    "}",
    "if",
    "then",
    "fi",
    "while",
    "do",
    "done",
    "case x in",
    "x)",
    ";;",
    "esac",
    "\"",
    "'",
    "\\\n",
    "f() {",
    "`",
    "=",
    "$x",
    "${",
    "))",
    "((",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 2048, ..Default::default() })]

    /// Batch by batch, a program parses to the same commands, or fails with the same
    /// error, as parsed whole.
    #[test]
    fn batches_parse_what_the_whole_parses(
        pieces in proptest::collection::vec(proptest::sample::select(BATCH_PIECES), 0..40)
    ) {
        let src = pieces.concat();
        proptest::prop_assert_eq!(by_batches(&src), parse(&src).map(|s| s.body.items.into_vec()), "{:?}", src);
    }
}

#[test]
fn double_quoted_text_reads_runs_of_plain_characters() {
    // Runs of plain characters (multi-byte ones included) are read at once, up to the
    // next quote, backslash, `$` or backquote: the same parts as one at a time.
    assert_eq!(sx("echo \"todo in $f\""), "[echo \"'todo in '${f}\"]");
    assert_eq!(sx("echo \"é \\\"x\\\\ \\y ü$1ß`pwd`ok\""), "[echo \"'é \"x\\ \\y ü'${1}'ß'$([pwd])'ok'\"]");
    assert_eq!(sx("echo \"a\\\nb\" \"$\" \"\""), "[echo \"'ab'\" \"'$'\" \"\"]");
}
