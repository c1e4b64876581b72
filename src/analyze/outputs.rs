//! Files programs write or replace through their options and operands, beyond the
//! copiers, downloaders and editors the analyzer and the guards model themselves:
//! `sort -o F`, `uniq IN OUT`, `tar -cf F …`, `git diff --output=F`, `gcc -o F`,
//! `openssl … -out F`, `pg_dump -f F`, `curl -D F`, `docker cp C:/x F`, the directory an
//! archive is extracted into (`tar xf A -C DIR`, `unzip A -d DIR`), and compressors
//! that replace their input (`gzip F` leaves `F.gz`, and `F` is gone).
//!
//! Both the analyzer (its index of files written, so that a script run from one is
//! known to hold a text not known) and the guards (what a command writes or deletes:
//! `.tako/`, `.git/hooks`, shell startup files, system files) read them here, as places
//! in the arguments: an argument's index and the byte its path starts at, so that each
//! caller keeps the field's unknown parts and globs.
//!
//! Invariants: a place is only ever reported where the program really takes a path to
//! write (an option that names an output, an operand in an output position); options
//! are read up to `--`; a value `-` (standard output) is no path.

use super::model::NameSet;
use super::Field;

/// A path in a program's arguments: `args[arg][from..]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct At {
    /// The argument's index.
    pub arg: usize,
    /// The byte its path starts at (after `--output=`, `-o`).
    pub from: usize,
}

/// Places of paths, held inline: a command writes one or two.
pub(crate) type Places = smallvec::SmallVec<[At; 2]>;

/// The programs [`written`] finds paths for (for any other it finds none).
pub(crate) static WRITING: NameSet = NameSet::new(&[
    "aria2c",
    "as",
    "bsdtar",
    "c++",
    "cc",
    "clang",
    "clang++",
    "curl",
    "docker",
    "g++",
    "gcc",
    "git",
    "go",
    "gpg",
    "gpg2",
    "gtar",
    "iconv",
    "kubectl",
    "ld",
    "ld.bfd",
    "ld.gold",
    "ld.lld",
    "mariadb-dump",
    "mysqldump",
    "nasm",
    "openssl",
    "pandoc",
    "patch",
    "pg_dump",
    "pg_dumpall",
    "podman",
    "rustc",
    "shuf",
    "sort",
    "ssh-keygen",
    "strip",
    "tar",
    "tcc",
    "uniq",
    "unzip",
    "wget",
    "xxd",
    "zip",
]);

/// The programs [`replaced`] finds paths for: compressors that remove their input.
pub(crate) static REPLACING: NameSet = NameSet::new(&[
    "bunzip2",
    "bzip2",
    "compress",
    "gunzip",
    "gzip",
    "lz4",
    "lzip",
    "lzma",
    "pigz",
    "uncompress",
    "unlzma",
    "unpigz",
    "unxz",
    "unzstd",
    "xz",
    "zstd",
]);

/// The paths `name` writes through its options and operands (not its redirections).
pub(crate) fn written(name: &str, args: &[Field]) -> Places {
    let mut out = Places::new();
    if !WRITING.contains(name) {
        return out;
    }
    match name {
        // getopt-style programs: `-o F`, `-oF`, `-so F`, `--output F`, `--output=F`.
        "sort" | "shuf" | "iconv" | "pandoc" => option_values(args, 0, &['o'], &[], &["--output"], &mut out),
        // `patch -d DIR` works in DIR: the files the patch names are under it.
        "patch" => option_values(args, 0, &['o', 'd'], &[], &["--output", "--directory"], &mut out),
        "gpg" | "gpg2" => option_values(args, 0, &['o'], &[], &["--output"], &mut out),
        "curl" => option_values(
            args,
            0,
            &['D', 'c'],
            &[],
            &["--dump-header", "--cookie-jar", "--trace", "--trace-ascii", "--stderr", "--libcurl", "--output-dir"],
            &mut out,
        ),
        // (The directory downloads go to stands for the files, named by the server.)
        "wget" => option_values(
            args,
            0,
            &['o', 'a', 'P'],
            &[],
            &["--output-file", "--append-output", "--directory-prefix"],
            &mut out,
        ),
        "aria2c" => option_values(args, 0, &['d', 'o'], &[], &["--dir", "--out"], &mut out),
        "pg_dump" | "pg_dumpall" => option_values(args, 0, &['f'], &[], &["--file"], &mut out),
        "mysqldump" | "mariadb-dump" => option_values(args, 0, &['r'], &[], &["--result-file"], &mut out),
        // Compilers and linkers: `-o F` or `-oF`, never in a cluster (`-Wno-x` is one option).
        "cc" | "c++" | "gcc" | "g++" | "clang" | "clang++" | "tcc" | "as" | "nasm" | "ld" | "ld.bfd" | "ld.gold"
        | "ld.lld" | "rustc" | "strip" => option_values(args, 0, &[], &["-o"], &[], &mut out),
        "go" if operand_at(args, 0, &[], &[]).is_some_and(|k| args[k].as_known() == Some("build")) => {
            option_values(args, 0, &[], &["-o"], &[], &mut out);
        }
        // `openssl req|x509|genpkey|enc … -out F`: options of one dash and a word.
        "openssl" => option_values(args, 0, &[], &["-out"], &[], &mut out),
        // `uniq [OPTION]… [INPUT [OUTPUT]]`, `xxd [-r] [INFILE [OUTFILE]]`.
        "uniq" => {
            out.extend(
                operand_at(args, 1, &['f', 's', 'w'], &["--skip-fields", "--skip-chars", "--check-chars"]).map(whole),
            );
        }
        "xxd" => out.extend(operand_at(args, 1, &['c', 'g', 'l', 'o', 's', 'n'], &[]).map(whole)),
        // `zip [options] ARCHIVE FILES…`.
        "zip" => out.extend(operand_at(args, 0, &['b', 'n', 't', 'P', 'Z'], &[]).map(whole)),
        "tar" | "gtar" | "bsdtar" => tar_archive(args, &mut out),
        // `ssh-keygen -f F` makes a key at F (and F.pub), or rewrites it (`-p`, `-R` on a
        // known_hosts file), unless it only shows or converts one (`-l`, `-y`, `-e`, …).
        "ssh-keygen" => {
            let shows = args.iter().filter_map(Field::as_known).take_while(|t| *t != "--").any(|t| {
                t.starts_with('-')
                    && !t.starts_with("--")
                    && t[1..].chars().any(|c| matches!(c, 'l' | 'y' | 'e' | 'i' | 'B' | 'F' | 'L' | 'Q' | 'D' | 'r'))
            });
            if !shows {
                option_values(args, 0, &['f'], &[], &[], &mut out);
            }
        }
        // `unzip A -d DIR`: what the archive holds is not known, its directory is written.
        "unzip" => option_values(args, 0, &['d'], &[], &[], &mut out),
        "git" => git_outputs(args, &mut out),
        // `docker cp CONTAINER:SRC DEST`, `kubectl cp POD:SRC DEST`: DEST when local.
        "docker" | "podman" | "kubectl" => {
            let ops = operands(args, &['H', 'c', 'n'], &[]);
            if let [cp, _, .., dest] = ops[..] {
                let local = args[dest].as_known().is_none_or(|t| !t.contains(':') && t != "-");
                if args[cp].as_known() == Some("cp") && local {
                    out.push(whole(dest));
                }
            }
        }
        _ => {}
    }
    // An empty word names no file (the program fails on it).
    out.retain(|p| args[p.arg].text.len() > p.from);
    out
}

/// The paths a compressor removes after writing their compressed (or expanded) copy,
/// and whether it walks whole trees (`-r`): none when it writes to standard output,
/// keeps its input (`-c`, `-k`, `-t`, `-l`; `zstd` and `lz4` keep it unless `--rm`).
pub(crate) fn replaced(name: &str, args: &[Field]) -> (Places, bool) {
    let mut out = Places::new();
    if !REPLACING.contains(name) {
        return (out, false);
    }
    let keeps_by_default = matches!(name, "zstd" | "unzstd" | "lz4");
    let mut removes = !keeps_by_default;
    let mut recursive = false;
    let mut operands = Places::new();
    let mut after = false;
    for (k, a) in args.iter().enumerate() {
        let Some(t) = a.as_known() else {
            // An unknown word may be an option that keeps the input: the operands
            // still name what may be removed.
            operands.push(whole(k));
            continue;
        };
        if after || !t.starts_with('-') || t == "-" {
            // (`-` is standard input; an empty word names no file.)
            if t != "-" && !t.is_empty() {
                operands.push(whole(k));
            }
        } else if t == "--" {
            after = true;
        } else if let Some(long) = t.strip_prefix("--") {
            match long {
                "stdout" | "to-stdout" | "keep" | "test" | "list" => removes = false,
                "rm" => removes = true,
                "recursive" => recursive = true,
                _ => {}
            }
        } else {
            // A cluster of letters (`-9r`, `-dc`); a level (`-19`) is digits.
            for c in t[1..].chars() {
                match c {
                    'c' | 'k' | 't' | 'l' => removes = false,
                    'r' => recursive = true,
                    _ => {}
                }
            }
        }
    }
    if removes {
        out = operands;
    }
    (out, recursive)
}

/// The whole argument `k`.
fn whole(k: usize) -> At {
    At { arg: k, from: 0 }
}

/// Pushes the places of the values of options naming a file, in `args` from `start`
/// up to `--`: `-X F` and `-XF` (and inside a cluster, `-sX F`) for the letters in
/// `clustered`; `WORD F` and `WORDF` for the one-dash words in `exact` (`-o`, `-out`);
/// `--LONG F` and `--LONG=F` for `long`.
fn option_values(args: &[Field], start: usize, clustered: &[char], exact: &[&str], long: &[&str], out: &mut Places) {
    // The value in the next argument, unless it is `-` (standard output).
    let next = |k: usize, out: &mut Places| {
        if args.get(k + 1).is_some_and(|v| v.as_known() != Some("-")) {
            out.push(whole(k + 1));
        }
    };
    let mut k = start;
    while let Some(a) = args.get(k) {
        let Some(t) = a.as_known() else {
            k += 1;
            continue;
        };
        if t == "--" {
            return;
        }
        let before = out.len();
        if let Some(l) = t.strip_prefix("--") {
            for name in long.iter().filter_map(|n| n.strip_prefix("--")) {
                match l.strip_prefix(name) {
                    Some("") => next(k, out),
                    Some(v) if v.len() > 1 && v.starts_with('=') && v != "=-" => {
                        out.push(At { arg: k, from: 2 + name.len() + 1 });
                    }
                    _ => {}
                }
            }
        } else if let Some(word) = exact.iter().find(|w| t.starts_with(**w)) {
            match &t[word.len()..] {
                "" => next(k, out),
                "-" => {}
                // `-oFILE`: only a one-letter option takes its value attached.
                _ if word.len() == 2 => out.push(At { arg: k, from: 2 }),
                _ => {}
            }
        } else if let Some(cluster) = t.strip_prefix('-').filter(|c| !c.is_empty()) {
            if let Some((i, _)) = cluster.char_indices().find(|(_, c)| clustered.contains(c)) {
                match &cluster[i + 1..] {
                    "" => next(k, out),
                    "-" => {}
                    _ => out.push(At { arg: k, from: 1 + i + 1 }),
                }
            }
        }
        // A value taken from the next argument is not read as an option.
        k += if out.last().is_some_and(|p| out.len() > before && p.arg == k + 1) { 2 } else { 1 };
    }
}

/// The index of the `n`th operand (from 0) of a getopt-style program whose short
/// options `values` and long options `long_values` take a separate value.
fn operand_at(args: &[Field], n: usize, values: &[char], long_values: &[&str]) -> Option<usize> {
    operands(args, values, long_values).get(n).copied()
}

/// The indices of the operands of a getopt-style program (see [`operand_at`]); an
/// unknown word counts as one.
fn operands(args: &[Field], values: &[char], long_values: &[&str]) -> smallvec::SmallVec<[usize; 4]> {
    let mut out = smallvec::SmallVec::new();
    let mut after = false;
    let mut k = 0;
    while let Some(a) = args.get(k) {
        let t = a.as_known().unwrap_or("");
        if after || !t.starts_with('-') || t == "-" {
            out.push(k);
        } else if t == "--" {
            after = true;
        } else if t.starts_with("--") {
            if long_values.contains(&t) {
                k += 1;
            }
        } else if t[1..].find(|c| values.contains(&c)).is_some_and(|i| i + 2 == t.len()) {
            // `-f 2` (or `-cf 2`): the value is the next word; `-f2` holds it.
            k += 1;
        }
        k += 1;
    }
    out
}

/// The archive `tar` writes when it creates, appends or updates one (`tar czf F …`,
/// `tar -c -f F`, `tar --create --file=F`), or the directory it extracts into (`tar xf
/// A -C DIR`): what an archive holds is not known, so that directory stands for it.
fn tar_archive(args: &[Field], out: &mut Places) {
    let Some(first) = args.first().and_then(Field::as_known) else { return };
    // The old style: a first word of letters without a dash, whose value-taking letters
    // take the next words in order (`tar cfb F 20`).
    if !first.starts_with('-') {
        let creates = first.chars().any(|c| matches!(c, 'c' | 'r' | 'u' | 'A'));
        if first.contains('x') {
            option_values(args, 1, &['C'], &[], &["--directory"], out);
        }
        let mut next = 1;
        for c in first.chars() {
            match c {
                'f' if creates => {
                    if args.get(next).is_some_and(|v| v.as_known() != Some("-")) {
                        out.push(whole(next));
                    }
                    return;
                }
                'f' | 'b' | 'C' | 'T' | 'X' | 'K' | 'N' | 'g' | 'L' | 'V' => next += 1,
                _ => {}
            }
        }
        return;
    }
    let mode = |letters: &[char], long: &[&str]| {
        args.iter().filter_map(Field::as_known).take_while(|t| *t != "--").any(|t| {
            long.contains(&t)
                || (t.starts_with('-') && !t.starts_with("--") && t[1..].chars().any(|c| letters.contains(&c)))
        })
    };
    if mode(&['c', 'r', 'u', 'A'], &["--create", "--append", "--update", "--concatenate", "--catenate"]) {
        option_values(args, 0, &['f'], &[], &["--file"], out);
    } else if mode(&['x'], &["--extract", "--get"]) {
        option_values(args, 0, &['C'], &[], &["--directory"], out);
    }
}

/// What `git SUBCOMMAND` writes through its options: `--output=F` of the commands that
/// print diffs or logs, `git archive -o F`, `git format-patch -o DIR`.
fn git_outputs(args: &[Field], out: &mut Places) {
    // Git's own options come before the subcommand; some take the next word.
    let mut k = 0;
    while let Some(t) = args.get(k).map(|a| a.as_known().unwrap_or("")) {
        match t {
            "-C" | "-c" | "--git-dir" | "--work-tree" | "--namespace" | "--config-env" | "--super-prefix" => k += 2,
            _ if t.starts_with('-') => k += 1,
            _ => break,
        }
    }
    let Some(sub) = args.get(k).and_then(Field::as_known) else { return };
    match sub {
        "diff" | "diff-files" | "diff-index" | "diff-tree" | "log" | "show" | "reflog" | "whatchanged"
        | "range-diff" | "stash" => option_values(args, k + 1, &[], &[], &["--output"], out),
        // `git apply --directory=DIR`: the patch's files are under DIR.
        "apply" => option_values(args, k + 1, &[], &[], &["--directory"], out),
        "archive" => option_values(args, k + 1, &[], &["-o"], &["--output"], out),
        "format-patch" => option_values(args, k + 1, &[], &["-o"], &["--output", "--output-directory"], out),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(line: &str) -> Vec<Field> {
        shell_words::split(line).expect("test line").into_iter().map(Field::known).collect()
    }

    /// The paths `line` (a program and its arguments) writes, as text.
    fn w(line: &str) -> Vec<String> {
        let all = fields(line);
        let (name, args) = all.split_first().expect("a program");
        written(name.as_known().expect("known"), args).iter().map(|p| args[p.arg].text[p.from..].to_string()).collect()
    }

    /// The paths `line` replaces, and whether whole trees.
    fn r(line: &str) -> (Vec<String>, bool) {
        let all = fields(line);
        let (name, args) = all.split_first().expect("a program");
        let (at, rec) = replaced(name.as_known().expect("known"), args);
        (at.iter().map(|p| args[p.arg].text[p.from..].to_string()).collect(), rec)
    }

    #[test]
    fn output_options_name_the_files_written() {
        let cases: &[(&str, &[&str])] = &[
            ("sort -o .tako/audit.log x", &[".tako/audit.log"]),
            ("sort -u -o out.txt in.txt", &["out.txt"]),
            ("sort -uo out.txt in.txt", &["out.txt"]),
            ("sort -oout.txt in.txt", &["out.txt"]),
            ("sort --output=out.txt in.txt", &["out.txt"]),
            ("sort --output out.txt in.txt", &["out.txt"]),
            ("sort -o - in.txt", &[]),
            ("sort -o '' in.txt", &[]),
            ("sort in.txt -- -o x", &[]),
            ("sort -k2 -t, data.csv", &[]),
            ("shuf -o o x", &["o"]),
            ("gcc -Wall -Wno-error -O2 -o app main.c", &["app"]),
            ("gcc -oapp main.c", &["app"]),
            ("clang -c x.c", &[]),
            ("rustc main.rs -o ~/.local/bin/x", &["~/.local/bin/x"]),
            ("go build -o bin/app ./cmd", &["bin/app"]),
            ("go run . -o x", &[]),
            ("openssl req -new -key k.pem -out csr.pem", &["csr.pem"]),
            ("openssl enc -d -in x -out -", &[]),
            ("pg_dump -f dump.sql db", &["dump.sql"]),
            ("pg_dump --file=dump.sql db", &["dump.sql"]),
            ("mysqldump -r d.sql db", &["d.sql"]),
            ("curl -sD h.txt https://x", &["h.txt"]),
            ("curl -c jar --trace-ascii t.log https://x", &["jar", "t.log"]),
            ("curl -s https://x", &[]),
            ("wget -o log.txt https://x", &["log.txt"]),
            ("wget -P .git/hooks https://x/pre-commit", &[".git/hooks"]),
            ("curl --output-dir .git/hooks -O https://x/pre-commit", &[".git/hooks"]),
            ("aria2c -d .git/hooks https://x/pre-commit", &[".git/hooks"]),
            ("patch -d .git/hooks -p0", &[".git/hooks"]),
            ("patch -p1", &[]),
            ("git apply --directory=.git/hooks x.patch", &[".git/hooks"]),
            ("git apply x.patch", &[]),
            ("gpg -o x.gpg -e f", &["x.gpg"]),
            ("uniq in.txt .git/hooks/pre-commit", &[".git/hooks/pre-commit"]),
            ("uniq -f 2 in.txt out.txt", &["out.txt"]),
            ("uniq -c in.txt", &[]),
            ("xxd -r dump.hex ~/.bashrc", &["~/.bashrc"]),
            ("xxd -l 16 file", &[]),
            ("zip -r out.zip src", &["out.zip"]),
            ("tar czf backup.tgz src", &["backup.tgz"]),
            ("tar -czf backup.tgz src", &["backup.tgz"]),
            ("tar --create --file=b.tar src", &["b.tar"]),
            ("tar -c -f b.tar src", &["b.tar"]),
            ("tar xzf backup.tgz", &[]),
            ("tar -xf b.tar -C out", &["out"]),
            ("tar xf b.tar -C .git/hooks", &[".git/hooks"]),
            ("tar --extract --file=b.tar --directory=out", &["out"]),
            ("tar -tf b.tar -C out", &[]),
            ("unzip -o a.zip -d .tako", &[".tako"]),
            ("unzip -l a.zip", &[]),
            ("tar tf b.tar", &[]),
            ("tar czf - src", &[]),
            ("git diff --output=.git/hooks/pre-commit", &[".git/hooks/pre-commit"]),
            ("git -C repo log --output x.txt", &["x.txt"]),
            ("git -c core.pager=cat show --output=s.txt HEAD", &["s.txt"]),
            ("git archive -o a.zip HEAD", &["a.zip"]),
            ("git format-patch -o patches HEAD~3", &["patches"]),
            ("git diff -- --output=x", &[]),
            ("git status --output=x", &[]),
            ("git log -p", &[]),
            ("docker cp web:/etc/passwd ./passwd", &["./passwd"]),
            ("kubectl cp ns/pod:/tmp/x ~/.bashrc", &["~/.bashrc"]),
            ("docker cp ./x web:/tmp/x", &[]),
            ("docker ps -a", &[]),
            ("ssh-keygen -t ed25519 -f ~/.ssh/id_ed25519 -N ''", &["~/.ssh/id_ed25519"]),
            ("ssh-keygen -p -f key", &["key"]),
            ("ssh-keygen -lf ~/.ssh/id_rsa.pub", &[]),
            ("ssh-keygen -y -f ~/.ssh/id_rsa", &[]),
            ("ls -o x", &[]),
        ];
        for (line, want) in cases {
            assert_eq!(w(line), *want, "{line}");
        }
    }

    #[test]
    fn compressors_replace_their_input_unless_told_to_keep_it() {
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_string()).collect::<Vec<_>>();
        assert_eq!(r("gzip .tako/audit.log"), (s(&[".tako/audit.log"]), false));
        assert_eq!(r("gzip -9 a b"), (s(&["a", "b"]), false));
        assert_eq!(r("gzip -r logs"), (s(&["logs"]), true));
        assert_eq!(r("gunzip x.gz"), (s(&["x.gz"]), false));
        assert_eq!(r("xz -d --keep x.xz"), (s(&[]), false));
        assert_eq!(r("gzip -c x"), (s(&[]), false));
        assert_eq!(r("gzip -dc x.gz"), (s(&[]), false));
        assert_eq!(r("bzip2 -t x.bz2"), (s(&[]), false));
        assert_eq!(r("zstd x"), (s(&[]), false));
        assert_eq!(r("zstd --rm x"), (s(&["x"]), false));
        assert_eq!(r("gzip"), (s(&[]), false));
        assert_eq!(r("gzip -d ''"), (s(&[]), false));
        assert_eq!(r("gzip -- -x"), (s(&["-x"]), false));
        assert_eq!(r("tar czf x.tgz y"), (s(&[]), false));
    }
}
