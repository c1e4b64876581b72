//! Reading git's patches (`git log -p -U0` for pre-push) into what they add: for
//! each file, the added lines grouped in hunks with their line numbers in the new
//! file. Only added lines are scanned: a secret already committed is not reported
//! again every time its file changes. ([`FilePatch`] and [`Hunk`] also carry what
//! pre-commit and commit-msg scan, read without a patch.)
//!
//! The patch must come from git with `--no-color --no-ext-diff --src-prefix=a/
//! --dst-prefix=b/` and `core.quotePath=false` (see [`super::git::Git`]). Hunk
//! headers give how many lines each hunk holds, so an added line that itself starts
//! with `+++ ` or `diff --git` is never taken for a header.

/// Lines added to one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilePatch {
    /// The path in the new tree (relative to the top of the working tree).
    pub path: String,
    /// The path before a rename or copy, when it differs.
    pub old_path: Option<String>,
    /// The file is new in this change.
    pub added: bool,
    /// The file is deleted in this change.
    pub deleted: bool,
    /// Git said "Binary files … differ": not scanned.
    pub binary: bool,
    /// The added lines, hunk by hunk.
    pub hunks: Vec<Hunk>,
}

/// Consecutive added lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hunk {
    /// Line number (from 1) of the first line in the new file.
    pub first_line: u64,
    /// The lines, each ending with `\n` (the last one too, even when the file has no
    /// final newline).
    pub text: Vec<u8>,
}

impl Hunk {
    /// The line number (in the new file) of byte `offset` of [`Self::text`].
    #[must_use]
    pub fn line_of(&self, offset: usize) -> u64 {
        let before = &self.text[..offset.min(self.text.len())];
        self.first_line + memchr::memchr_iter(b'\n', before).count() as u64
    }
}

/// The marker line `git log --format=` is given before each commit.
pub const COMMIT_MARK: &str = "tako-exec-commit ";

/// A patch read line by line as git writes it: each file is handed over as soon as
/// it is complete (with the commit that holds it, for `git log`), so scanning runs
/// while git still produces the rest, and memory holds one file's added lines.
#[derive(Debug, Default)]
pub struct Stream {
    p: Parser,
    log: bool,
    commit: Option<String>,
}

impl Stream {
    /// For `git diff` output.
    #[cfg(test)]
    #[must_use]
    pub fn patch() -> Self {
        Self::default()
    }

    /// For `git log -p --format=tako-exec-commit %H` output.
    #[must_use]
    pub fn log() -> Self {
        Self { log: true, ..Self::default() }
    }

    /// Reads one line (with or without its `\n`); `out` gets each completed file.
    pub fn line(&mut self, line: &[u8], out: &mut impl FnMut(Option<&str>, FilePatch)) {
        if self.log && !self.p.in_hunk() {
            if let Some(rest) = line.strip_prefix(COMMIT_MARK.as_bytes()) {
                self.p.close_file();
                self.drain(out);
                self.commit = Some(String::from_utf8_lossy(rest).trim().to_string());
                return;
            }
        }
        self.p.line(line);
        self.drain(out);
    }

    /// The end of the output.
    pub fn finish(&mut self, out: &mut impl FnMut(Option<&str>, FilePatch)) {
        self.p.close_file();
        self.drain(out);
    }

    fn drain(&mut self, out: &mut impl FnMut(Option<&str>, FilePatch)) {
        for f in self.p.files.drain(..) {
            out(self.commit.as_deref(), f);
        }
    }
}

#[derive(Debug, Default)]
struct Parser {
    files: Vec<FilePatch>,
    cur: Option<FilePatch>,
    /// Lines of the current hunk still expected: (old, new).
    left: (u64, u64),
    /// The next line number in the new file.
    next_new: u64,
    hunk: Option<Hunk>,
}

impl Parser {
    const fn in_hunk(&self) -> bool {
        self.left.0 > 0 || self.left.1 > 0
    }

    fn line(&mut self, raw: &[u8]) {
        let line = raw.strip_suffix(b"\n").unwrap_or(raw);
        if self.in_hunk() {
            match line.first() {
                Some(b'+') => {
                    let h = self.hunk.get_or_insert_with(|| Hunk { first_line: self.next_new, text: Vec::new() });
                    h.text.extend_from_slice(&line[1..]);
                    h.text.push(b'\n');
                    self.next_new += 1;
                    self.left.1 = self.left.1.saturating_sub(1);
                }
                Some(b'-') => self.left.0 = self.left.0.saturating_sub(1),
                Some(b' ') => {
                    self.close_hunk();
                    self.next_new += 1;
                    self.left.0 = self.left.0.saturating_sub(1);
                    self.left.1 = self.left.1.saturating_sub(1);
                }
                // "\ No newline at end of file" belongs to the hunk and counts nothing.
                Some(b'\\') => {}
                // Anything else means the counts were off: the hunk is over.
                _ => {
                    self.left = (0, 0);
                    self.close_hunk();
                    self.header(line);
                }
            }
            if !self.in_hunk() {
                self.close_hunk();
            }
            return;
        }
        if line.first() == Some(&b'\\') {
            return;
        }
        self.header(line);
    }

    fn header(&mut self, line: &[u8]) {
        if line.starts_with(b"diff --git ") || line.starts_with(b"diff --cc ") || line.starts_with(b"diff --combined ")
        {
            self.close_file();
            let mut f = FilePatch::default();
            // The path until `+++` is read: `diff --git a/X b/X` (ambiguous with spaces,
            // so only a fallback for binary and mode-only changes).
            if let Some(rest) = line.strip_prefix(b"diff --git a/") {
                let text = String::from_utf8_lossy(rest);
                let half = text.len().saturating_sub(3) / 2;
                if text.len() >= 3 && text.get(half..half + 3) == Some(" b/") {
                    f.path = text[half + 3..].to_string();
                }
            }
            self.cur = Some(f);
            return;
        }
        let Some(f) = self.cur.as_mut() else { return };
        if line.starts_with(b"new file mode ") {
            f.added = true;
        } else if line.starts_with(b"deleted file mode ") {
            f.deleted = true;
        } else if let Some(p) = line.strip_prefix(b"rename from ").or_else(|| line.strip_prefix(b"copy from ")) {
            f.old_path = Some(String::from_utf8_lossy(p).into_owned());
        } else if let Some(p) = line.strip_prefix(b"rename to ").or_else(|| line.strip_prefix(b"copy to ")) {
            f.path = String::from_utf8_lossy(p).into_owned();
        } else if let Some(p) = line.strip_prefix(b"+++ ") {
            if let Some(p) = p.strip_prefix(b"b/") {
                f.path = unquote(&String::from_utf8_lossy(p));
            } else if p.first() == Some(&b'"') {
                let q = unquote(&String::from_utf8_lossy(p));
                f.path = q.strip_prefix("b/").unwrap_or(&q).to_string();
            }
        } else if line.starts_with(b"Binary files ") || line == b"GIT binary patch" {
            f.binary = true;
        } else if let Some(rest) = line.strip_prefix(b"@@ ") {
            let (old, new) = hunk_counts(rest);
            self.left = (old.1, new.1);
            self.next_new = new.0.max(1);
            if new.1 == 0 {
                self.next_new = new.0 + 1;
            }
        }
    }

    fn close_hunk(&mut self) {
        if let (Some(h), Some(f)) = (self.hunk.take(), self.cur.as_mut()) {
            f.hunks.push(h);
        }
    }

    fn close_file(&mut self) {
        self.close_hunk();
        self.left = (0, 0);
        if let Some(f) = self.cur.take() {
            self.files.push(f);
        }
    }
}

/// `-a,b +c,d @@ …` → ((a, b), (c, d)); a missing count is 1.
fn hunk_counts(rest: &[u8]) -> ((u64, u64), (u64, u64)) {
    let text = String::from_utf8_lossy(rest);
    let mut parts = text.split(' ');
    let range = |s: Option<&str>, sign: char| -> (u64, u64) {
        let s = s.and_then(|s| s.strip_prefix(sign)).unwrap_or("0,0");
        let mut it = s.splitn(2, ',');
        let start = it.next().and_then(|n| n.parse().ok()).unwrap_or(0);
        let count = it.next().map_or(1, |n| n.parse().unwrap_or(0));
        (start, count)
    };
    let old = range(parts.next(), '-');
    let new = range(parts.next(), '+');
    (old, new)
}

/// Git's C-style quoting of a path (`"a\tb"`, `"\303\251"`) undone; unquoted text is
/// returned as is.
#[must_use]
pub fn unquote(s: &str) -> String {
    let Some(inner) = s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) else { return s.to_string() };
    let b = inner.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' || i + 1 >= b.len() {
            out.push(b[i]);
            i += 1;
            continue;
        }
        let c = b[i + 1];
        i += 2;
        match c {
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'v' => out.push(11),
            b'0'..=b'7' => {
                let mut v = u32::from(c - b'0');
                let mut n = 1;
                while n < 3 && i < b.len() && (b'0'..=b'7').contains(&b[i]) {
                    v = v * 8 + u32::from(b[i] - b'0');
                    i += 1;
                    n += 1;
                }
                out.push(u8::try_from(v & 0xff).unwrap_or(0));
            }
            other => out.push(other),
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One commit's patch in `git log` output.
    #[derive(Debug, Default)]
    struct CommitPatch {
        commit: String,
        files: Vec<FilePatch>,
    }

    /// A whole `git log -p --format=tako-exec-commit %H` output, by commit (those
    /// without a file too).
    fn parse_log(out: &[u8]) -> Vec<CommitPatch> {
        let mut commits: Vec<CommitPatch> = Vec::new();
        let mut s = Stream::log();
        let push = |commits: &mut Vec<CommitPatch>, f: FilePatch| {
            if let Some(c) = commits.last_mut() {
                c.files.push(f);
            }
        };
        for line in out.split_inclusive(|b| *b == b'\n') {
            let before = s.commit.clone();
            s.line(line, &mut |_, f| push(&mut commits, f));
            if s.commit != before {
                commits.push(CommitPatch { commit: s.commit.clone().unwrap_or_default(), files: Vec::new() });
            }
        }
        s.finish(&mut |_, f| push(&mut commits, f));
        commits
    }

    /// A whole `git diff -U0` output.
    fn parse(out: &[u8]) -> Vec<FilePatch> {
        let mut files = Vec::new();
        let mut s = Stream::patch();
        for line in out.split_inclusive(|b| *b == b'\n') {
            s.line(line, &mut |_, f| files.push(f));
        }
        s.finish(&mut |_, f| files.push(f));
        files
    }

    const PATCH: &str = "\
diff --git a/new.txt b/new.txt
new file mode 100644
index 0000000..3b18e51
--- /dev/null
+++ b/new.txt
@@ -0,0 +1,3 @@
+hello
++++ not a header
+diff --git a/x b/x
diff --git a/old.txt b/old.txt
index 1111111..2222222 100644
--- a/old.txt
+++ b/old.txt
@@ -2 +2 @@
-two
+TWO
@@ -10,0 +11,2 @@
+eleven
+twelve
\\ No newline at end of file
diff --git a/gone.txt b/gone.txt
deleted file mode 100644
index 3333333..0000000
--- a/gone.txt
+++ /dev/null
@@ -1 +0,0 @@
-bye
diff --git a/pic.png b/pic.png
new file mode 100644
index 0000000..4444444
Binary files /dev/null and b/pic.png differ
";

    #[test]
    fn added_lines_with_their_numbers() {
        let files = parse(PATCH.as_bytes());
        assert_eq!(files.len(), 4);
        assert_eq!(files[0].path, "new.txt");
        assert!(files[0].added);
        assert_eq!(files[0].hunks.len(), 1);
        assert_eq!(files[0].hunks[0].first_line, 1);
        assert_eq!(files[0].hunks[0].text, b"hello\n+++ not a header\ndiff --git a/x b/x\n");
        assert_eq!(files[1].path, "old.txt");
        let h: Vec<(u64, &[u8])> = files[1].hunks.iter().map(|h| (h.first_line, h.text.as_slice())).collect();
        assert_eq!(h, vec![(2, b"TWO\n".as_slice()), (11, b"eleven\ntwelve\n".as_slice())]);
        assert_eq!(files[1].hunks[1].line_of(7), 12);
        assert!(files[2].deleted && files[2].hunks.is_empty());
        assert_eq!(files[3].path, "pic.png");
        assert!(files[3].binary);
    }

    #[test]
    fn quoted_and_renamed_paths() {
        let patch = "diff --git \"a/t\\303\\251st\\tx\" \"b/t\\303\\251st\\tx\"\nnew file mode 100644\n--- /dev/null\n+++ \"b/t\\303\\251st\\tx\"\n@@ -0,0 +1 @@\n+x\ndiff --git a/a.txt b/b.txt\nsimilarity index 90%\nrename from a.txt\nrename to b.txt\n";
        let files = parse(patch.as_bytes());
        assert_eq!(files[0].path, "tést\tx");
        assert_eq!(files[1].path, "b.txt");
        assert_eq!(files[1].old_path.as_deref(), Some("a.txt"));
    }

    #[test]
    fn log_splits_commits() {
        let out = format!("{COMMIT_MARK}aaaa\n\n{PATCH}{COMMIT_MARK}bbbb\n\n");
        let commits = parse_log(out.as_bytes());
        assert_eq!(commits.len(), 2);
        assert_eq!(commits[0].commit, "aaaa");
        assert_eq!(commits[0].files.len(), 4);
        assert_eq!(commits[1].commit, "bbbb");
        assert!(commits[1].files.is_empty());
    }

    #[test]
    fn a_commit_mark_inside_a_hunk_is_content() {
        let out = format!(
            "{COMMIT_MARK}aaaa\n\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,0 +1,2 @@\n+{COMMIT_MARK}cccc\n+AKIA\n"
        );
        let commits = parse_log(out.as_bytes());
        assert_eq!(commits.len(), 1);
        assert_eq!(commits[0].files[0].hunks[0].text, format!("{COMMIT_MARK}cccc\nAKIA\n").as_bytes());
    }

    mod fuzz {
        use super::super::*;
        use super::{parse, parse_log};
        use proptest::prelude::*;

        fn line() -> impl Strategy<Value = String> {
            prop_oneof![
                Just("diff --git a/f b/f".to_string()),
                Just("+++ b/f".to_string()),
                "@@ -[0-9]{1,3}(,[0-9]{1,3})? \\+[0-9]{1,3}(,[0-9]{1,3})? @@",
                "[+ -][ -~]{0,20}",
                Just(format!("{COMMIT_MARK}abc")),
                Just("\\ No newline at end of file".to_string()),
            ]
        }

        proptest! {
            #[test]
            fn any_bytes_parse_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
                for f in parse(&bytes) {
                    for h in &f.hunks {
                        let lines = memchr::memchr_iter(b'\n', &h.text).count() as u64;
                        prop_assert_eq!(h.line_of(h.text.len()), h.first_line + lines);
                    }
                }
                let _ = parse_log(&bytes);
                let _ = unquote(&String::from_utf8_lossy(&bytes));
            }

            #[test]
            fn patch_shaped_text_parses_without_panic(lines in proptest::collection::vec(line(), 0..60)) {
                let text = lines.join("\n");
                for f in parse(text.as_bytes()) {
                    for h in &f.hunks {
                        prop_assert!(h.text.ends_with(b"\n"), "every added line ends with a newline");
                    }
                }
                let _ = parse_log(text.as_bytes());
            }
        }
    }
}
