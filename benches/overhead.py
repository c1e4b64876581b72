#!/usr/bin/env python3
"""Whole-process overhead of tako-exec, interleaved with the baseline in one run.

Usage: benches/overhead.py [--runs N] [BIN]   (default BIN: target/release/tako-exec)

Runs `BIN -c true` and `bash -c true` alternately N times each (default 300), then
`BIN check --json -c 'git status'`, in a temporary git workspace, and prints medians.
Also runs `BIN -c true` in a second workspace imprinted with `BIN init --yes`, where
every run also checks git's index for a tracked `.tako/`, counts the budget and
appends two audit records: the difference of the medians is the control plane's cost.
(Its budget is raised through a temporary XDG_CONFIG_HOME, so the runs are not
denied as a runaway loop.) Output goes to /dev/null, and in one more pair of runs to
pipes the script reads, as an agent reads it. Output thrown away needs no filter, so
there tako-exec is replaced by the shell (`exec`); piped output is relayed through the
filters by tako-exec, which runs the shell as a child.
"""
import os, shutil, statistics, subprocess, sys, tempfile, time

def timed(argv, cwd, env=None, piped=False):
    """Milliseconds to run argv to its end. Output goes to /dev/null, or with `piped`
    to pipes this process reads, as an agent reads a command's output (tako-exec then
    relays and filters both streams)."""
    out = subprocess.PIPE if piped else subprocess.DEVNULL
    t = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=out, check=False)
    return (time.perf_counter() - t) * 1000

def main():
    args = sys.argv[1:]
    runs = 300
    if args[:1] == ["--runs"]:
        runs = int(args[1]); args = args[2:]
    binary = os.path.abspath(args[0] if args else "target/release/tako-exec")
    dirs = [tempfile.mkdtemp(prefix="tako-overhead-") for _ in range(3)]
    try:
        measure(binary, runs, *dirs)
    finally:
        for d in dirs:
            shutil.rmtree(d, ignore_errors=True)

def measure(binary, runs, ws, imprinted, config_home):
    """Runs the interleaved measurements in the three temporary directories given."""
    subprocess.run(["git", "init", "-q", ws], check=True)
    subprocess.run(["git", "init", "-q", imprinted], check=True)
    os.makedirs(os.path.join(config_home, "tako-exec"))
    with open(os.path.join(config_home, "tako-exec", "config.toml"), "w") as f:
        f.write("[control]\ncommands_per_minute = 1000000000\ncommands_per_hour = 1000000000\n")
    env = dict(os.environ, XDG_CONFIG_HOME=config_home)
    subprocess.run([binary, "init", "--yes"], cwd=imprinted, env=env, check=True, stderr=subprocess.DEVNULL)
    # The same starter tako.toml in both, so the difference is the control plane alone.
    with open(os.path.join(imprinted, "tako.toml")) as src, open(os.path.join(ws, "tako.toml"), "w") as dst:
        dst.write(src.read())
    tako, bash, check, floor, plane, tako_piped, bash_piped = [], [], [], [], [], [], []
    for _ in range(10):  # warm-up
        timed([binary, "-c", "true"], ws); timed(["bash", "-c", "true"], ws)
        timed([binary, "-c", "true"], imprinted, env)
    for _ in range(runs):
        tako.append(timed([binary, "-c", "true"], ws))
        plane.append(timed([binary, "-c", "true"], imprinted, env))
        bash.append(timed(["bash", "-c", "true"], ws))
        check.append(timed([binary, "check", "--json", "-c", "git status"], ws))
        floor.append(timed(["/bin/true"], ws))
        tako_piped.append(timed([binary, "-c", "true"], ws, piped=True))
        bash_piped.append(timed(["bash", "-c", "true"], ws, piped=True))
    m = statistics.median
    print(f"runs={runs}")
    print(f"/bin/true (starting any program) median {m(floor):.3f} ms")
    print(f"bash -c true               median {m(bash):.3f} ms")
    print(f"tako-exec -c true          median {m(tako):.3f} ms  (added {m(tako) - m(bash):+.3f} ms)")
    print(f"output piped to the caller, as an agent runs it: bash {m(bash_piped):.3f} ms, "
          f"tako-exec {m(tako_piped):.3f} ms (added {m(tako_piped) - m(bash_piped):+.3f} ms)")
    print(f"tako-exec check --json -c 'git status'  median {m(check):.3f} ms")
    print(f"tako-exec -c true, imprinted  median {m(plane):.3f} ms  (control plane {m(plane) - m(tako):+.3f} ms)")

if __name__ == "__main__":
    main()
