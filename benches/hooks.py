#!/usr/bin/env python3
"""The git hooks' figures: pre-commit on a large repository, and scanning throughput.

Usage: benches/hooks.py [--runs N] [BIN]   (default BIN: target/release/tako-exec)

1. A repository with 100,000 tracked files (100 directories of 1,000 small files,
   committed), then 10 files changed and staged: `BIN hook pre-commit` run N times
   (default 20) as git runs it (from the top of the working tree), median and
   max wall time. Also `git diff --cached` alone, the floor the hook builds on.
2. 100 MB of staged text (100 new files of 1 MB: source-like lines with identifiers,
   numbers, hex hashes and UUIDs, which the secret rules must not take for secrets):
   `BIN hook pre-commit` wall time and MB/s (median of 5).
"""
import os, random, statistics, string, subprocess, sys, tempfile, time

def timed(argv, cwd):
    t = time.perf_counter()
    r = subprocess.run(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return (time.perf_counter() - t) * 1000, r

def git(cwd, *args):
    subprocess.run(["git", "-c", "user.name=b", "-c", "user.email=b@x", *args], cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL)

def text_mb(rng):
    words = ["let", "value", "result", "config", "handler", "request", "return", "match", "self", "items",
             "count", "offset", "buffer", "error", "token_count", "user_id", "path", "index"]
    lines, size = [], 0
    while size < 1 << 20:
        kind = rng.random()
        if kind < 0.1:
            line = "    // commit %040x" % rng.getrandbits(160)
        elif kind < 0.15:
            line = '    id = "%08x-%04x-4%03x-a%03x-%012x"' % (rng.getrandbits(32), rng.getrandbits(16),
                    rng.getrandbits(12), rng.getrandbits(12), rng.getrandbits(48))
        else:
            line = "    " + " ".join(rng.choice(words) for _ in range(rng.randint(3, 10))) + " = %d;" % rng.randint(0, 99999)
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines) + "\n"

def main():
    args = sys.argv[1:]
    runs = 20
    if args[:1] == ["--runs"]:
        runs = int(args[1]); args = args[2:]
    binary = os.path.abspath(args[0] if args else "target/release/tako-exec")
    rng = random.Random(7)

    big = tempfile.mkdtemp(prefix="tako-hooks-100k-")
    git(big, "init", "-q")
    for d in range(100):
        os.makedirs(os.path.join(big, "d%03d" % d))
        for f in range(1000):
            with open(os.path.join(big, "d%03d" % d, "f%04d.txt" % f), "w") as fh:
                fh.write("file %d %d\n" % (d, f))
    git(big, "add", "-A")
    git(big, "commit", "-q", "-m", "100k files")
    for i in range(10):
        with open(os.path.join(big, "d%03d" % (i * 7), "f0001.txt"), "a") as fh:
            fh.write(text_mb(rng)[:2000])
    git(big, "add", "-A")
    hook, floor = [], []
    for _ in range(runs):
        ms, r = timed([binary, "hook", "pre-commit"], big)
        if r.returncode != 0:
            sys.exit("the hook refused the 10 staged files: " + r.stderr.decode())
        hook.append(ms)
        floor.append(timed(["git", "diff", "--cached", "-U0", "HEAD"], big)[0])
    print("pre-commit, 100,000 tracked files, 10 staged: median %.1f ms, max %.1f ms (git diff --cached alone: %.1f ms) over %d runs"
          % (statistics.median(hook), max(hook), statistics.median(floor), runs))

    bulk = tempfile.mkdtemp(prefix="tako-hooks-100mb-")
    git(bulk, "init", "-q")
    with open(os.path.join(bulk, "README"), "w") as fh:
        fh.write("bulk\n")
    git(bulk, "add", "-A")
    git(bulk, "commit", "-q", "-m", "init")
    total = 0
    for i in range(100):
        t = text_mb(rng)
        total += len(t)
        with open(os.path.join(bulk, "src%03d.rs" % i), "w") as fh:
            fh.write(t)
    git(bulk, "add", "-A")
    times = []
    for _ in range(5):
        ms, r = timed([binary, "hook", "pre-commit"], bulk)
        if r.returncode != 0:
            sys.exit("false positives in the bulk text: " + r.stderr.decode()[:2000])
        times.append(ms)
    diff_ms = statistics.median(timed(["git", "diff", "--cached", "-U0", "HEAD"], bulk)[0] for _ in range(3))
    med = statistics.median(times)
    print("pre-commit, %.1f MB staged text: median %.0f ms = %.0f MB/s (git diff --cached alone: %.0f ms)"
          % (total / 1e6, med, total / 1e6 / (med / 1000), diff_ms))

if __name__ == "__main__":
    main()
