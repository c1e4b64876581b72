//! Throughput of the text filters on plain text: about 8 MB of generated source code
//! (Rust and JavaScript-like lines), logs with timestamps, UUIDs and commit hashes,
//! build output, and a few fake secrets sprinkled in (one every ~64 KB).
//!
//! `cargo bench --bench filters`. Criterion reports bytes per second; the relay's
//! budget is 200 MB/s for both filters together, 400 MB/s for the secret detector
//! alone.

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{criterion_main, Criterion, Throughput};
use tako_exec::filter::{scan, secret};

/// A small deterministic generator (xorshift64*), so every run sees the same text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[usize::try_from(self.next() % items.len() as u64).unwrap_or(0)]
    }
    fn hex(&mut self, n: usize) -> String {
        let mut s = String::with_capacity(n);
        while s.len() < n {
            let _ = write!(s, "{:016x}", self.next());
        }
        s.truncate(n);
        s
    }
}

const RUST: &[&str] = &[
    "    let key = map.get(&token.kind).copied().unwrap_or_default();",
    "    pub fn parse(input: &str) -> Result<Vec<Node>, Error> {",
    "        for (i, b) in bytes.iter().enumerate() { if *b == b'=' { return Some(i); } }",
    "    // The password prompt reads from /dev/tty, never from stdin.",
    "    #[derive(Debug, Clone, PartialEq, Eq)]",
    "    let config_path = dir.join(\"config\").join(format!(\"{name}.toml\"));",
    "    assert_eq!(nodes.len(), 3, \"{input}\");",
    "    impl fmt::Display for ParseError { fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {",
    "    use std::collections::HashMap;",
    "        Err(e) => return Err(Error::io(format!(\"cannot read {}\", path.display()), e)),",
    "    let mut out = Vec::with_capacity(items.len() * 2);",
    "        match self.state { State::Idle => self.start(now), State::Running { since } => self.tick(since) }",
    "    /// Returns the number of bytes written, or an error if the sink is closed.",
    "    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {",
    "        while let Some(line) = lines.next() { total += line.trim().len(); }",
    "    }",
    "",
    "    #[test]",
    "    fn round_trips() { let v = encode(&sample()); assert_eq!(decode(&v).unwrap(), sample()); }",
    "    pub(crate) struct Window { start: usize, end: usize, rule: u16 }",
];

const JS: &[&str] = &[
    "  const token = await getToken({ scope: 'read:user' });",
    "  if (!process.env.API_KEY) throw new Error('API_KEY is not set');",
    "  const url = `https://api.example.com/v1/users/${id}?expand=roles`;",
    "  app.use(express.static(path.join(__dirname, 'public')));",
    "  res.status(404).json({ error: 'not found' });",
    "  import { useState, useEffect } from 'react';",
    "  export default function App({ items }) { return <List items={items} onSelect={setSelected} />; }",
    "  const [count, setCount] = useState(0);",
    "  for (const item of items) { if (item.done) continue; queue.push(item); }",
    "  return fetch(url, { method: 'POST', body: JSON.stringify(payload) }).then((r) => r.json());",
    "  });",
    "  describe('parser', () => { it('handles empty input', () => expect(parse('')).toEqual([])); });",
];

const BUILD: &[&str] = &[
    "   Compiling serde_json v1.0.128",
    "   Compiling proc-macro2 v1.0.86",
    "   Compiling regex-automata v0.4.8",
    "   Compiling tako-exec v0.1.0 (/home/dev/tako-exec)",
    "    Finished `release` profile [optimized] target(s) in 41.27s",
    "warning: unused variable: `key`",
    "  --> src/filter/mod.rs:42:9",
    "npm WARN deprecated inflight@1.0.6: This module is not supported, and leaks memory.",
    "added 1287 packages, and audited 1288 packages in 14s",
    "test filter::secret::tests::catalog_is_well_formed ... ok",
];

const SECRETS: &[&str] = &[
    "GITHUB_TOKEN=ghp_EXAMPLEexampleEXAMPLEexampleEXAMPLEe",
    "DATABASE_URL=postgres://app:hunter2hunter2@db.internal:5432/app",
    "AWS_SECRET_ACCESS_KEY=EXAMPLEEXAMPLEEXAMPLEEXAMPLE0123456789+/",
    "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJGQUtFIn0.RkFLRUZBS0VGQUtFRkFLRQ",
    "SLACK_BOT_TOKEN=xoxb-123456789012-123456789012-FAKEfakeFAKEfakeFAKEfake",
    "password: 'Tr0ub4dor&3'",
];

/// About `size` bytes of plain text.
pub fn corpus_pub(size: usize) -> Vec<u8> {
    corpus(size)
}

fn corpus(size: usize) -> Vec<u8> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut s = String::with_capacity(size + 256);
    let mut next_secret = 64 * 1024;
    while s.len() < size {
        match rng.next() % 10 {
            0..=2 => s.push_str(rng.pick(RUST)),
            3..=4 => s.push_str(rng.pick(JS)),
            5 => s.push_str(rng.pick(BUILD)),
            6..=7 => {
                let (h, m, sec, ms) = (rng.next() % 24, rng.next() % 60, rng.next() % 60, rng.next() % 1000);
                let uuid = rng.hex(32);
                let _ = write!(
                    s,
                    "2024-05-01T{h:02}:{m:02}:{sec:02}.{ms:03}Z INFO request {}-{}-{}-{}-{} GET /api/v1/items?page={} 200 {}ms",
                    &uuid[..8],
                    &uuid[8..12],
                    &uuid[12..16],
                    &uuid[16..20],
                    &uuid[20..],
                    rng.next() % 50,
                    rng.next() % 900
                );
            }
            8 => {
                let _ = write!(s, "commit {}\nAuthor: Dev <dev@example.com>\n    fix: handle empty input", rng.hex(40));
            }
            _ => {
                let _ =
                    write!(s, "{} {}", &rng.hex(7), rng.pick(&["Merge pull request #12", "bump deps", "docs: typo"]));
            }
        }
        s.push('\n');
        if s.len() >= next_secret {
            s.push_str(rng.pick(SECRETS));
            s.push('\n');
            next_secret += 64 * 1024;
        }
    }
    s.into_bytes()
}

fn bench(c: &mut Criterion) {
    let text = corpus(8 * 1024 * 1024);
    assert!(secret::find(&text).len() >= 100, "the sprinkled secrets are found");
    let mut g = c.benchmark_group("filters");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(20);
    g.bench_function("secret::find, 8 MB of plain text", |b| b.iter(|| secret::find(black_box(&text))));
    g.bench_function("filter::scan (secret + injection), 8 MB", |b| b.iter(|| scan(black_box(&text))));
    let chunk = &text[..64 * 1024];
    g.throughput(Throughput::Bytes(chunk.len() as u64));
    g.bench_function("secret::find, one 64 KB relay chunk", |b| b.iter(|| secret::find(black_box(chunk))));
    g.finish();
    let cmd = "cargo test --locked -- --nocapture filter::secret";
    c.bench_function("redact::command, an ordinary command", |b| {
        b.iter(|| tako_exec::redact::command(black_box(cmd)));
    });
}

fn benches() {
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
}

criterion_main!(benches);
