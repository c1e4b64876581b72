#!/bin/sh
# Builds tako-exec and installs it.
#
#   ./install.sh                  install into ~/.local/bin
#   ./install.sh --prefix DIR     install into DIR/bin (e.g. --prefix /usr/local)
#   ./install.sh --shims DIR      also create DIR/bash, DIR/sh and DIR/zsh pointing at
#                                 tako-exec, for agents that only accept a shell by name
#
# Idempotent: running it again rebuilds and replaces the installed binary.
set -eu

usage() {
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
}

bindir="${HOME:?HOME is not set}/.local/bin"
shims=""
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a directory" >&2; exit 2; }
                  bindir="$2/bin"; shift 2 ;;
        --prefix=*) bindir="${1#--prefix=}/bin"; shift ;;
        --shims) [ $# -ge 2 ] || { echo "install.sh: --shims needs a directory" >&2; exit 2; }
                 shims="$2"; shift 2 ;;
        --shims=*) shims="${1#--shims=}"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install.sh: unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
done

here=$(cd "$(dirname "$0")" && pwd)

# System packages, installed with apt when missing: a C compiler to link; git (the
# git hooks and the tests); python3 with venv (the test of the pre-commit framework
# installs it from PyPI into a virtualenv).
missing=""
command -v cc >/dev/null 2>&1 || missing="$missing build-essential"
command -v git >/dev/null 2>&1 || missing="$missing git"
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing="$missing python3-venv"
if [ -n "$missing" ]; then
    if command -v apt-get >/dev/null 2>&1; then
        echo "install.sh: installing with apt:$missing" >&2
        if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq $missing
        else sudo apt-get update -qq && sudo apt-get install -y -qq $missing; fi
    elif ! command -v cc >/dev/null 2>&1; then
        echo "install.sh: no C compiler (cc) found; install gcc or clang and run again" >&2
        exit 1
    else
        echo "install.sh: warning: missing:$missing (needed by the git hooks or the tests, not to build)" >&2
    fi
fi

if ! command -v cargo >/dev/null 2>&1; then
    [ -x "$HOME/.cargo/bin/cargo" ] && PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v cargo >/dev/null 2>&1; then
    cat >&2 <<'MSG'
install.sh: cargo (the Rust toolchain) was not found.
Install Rust from https://rustup.rs (curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh),
open a new shell so that ~/.cargo/bin is on PATH, and run ./install.sh again.
MSG
    exit 1
fi

# tako-exec starts before every command an agent runs, so it is linked statically where
# the toolchain can: no dynamic loader or shared libraries to map at each start (about
# half a millisecond per command). Where static linking fails, a normal build is used.
host=$(rustc -vV 2>/dev/null | sed -n 's/^host: //p')
built=""
case "$host" in
    *-linux-gnu|*-linux-musl)
        echo "install.sh: building tako-exec, statically linked (cargo build --release --locked --target $host)" >&2
        if (cd "$here" && RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static" \
                cargo build --release --locked --target "$host"); then
            built="$here/target/$host/release/tako-exec"
        else
            echo "install.sh: the static build failed; building a dynamically linked binary instead" >&2
        fi ;;
esac
if [ -z "$built" ]; then
    echo "install.sh: building tako-exec (cargo build --release --locked)" >&2
    (cd "$here" && cargo build --release --locked)
    built="$here/target/release/tako-exec"
fi

mkdir -p "$bindir"
# Copy to a temporary name, then rename: a running tako-exec is never half-written.
cp "$built" "$bindir/.tako-exec.new"
chmod 755 "$bindir/.tako-exec.new"
mv -f "$bindir/.tako-exec.new" "$bindir/tako-exec"
echo "install.sh: installed $bindir/tako-exec" >&2

if [ -n "$shims" ]; then
    mkdir -p "$shims"
    for name in bash sh zsh; do
        ln -sf "$bindir/tako-exec" "$shims/$name"
    done
    echo "install.sh: shims bash, sh, zsh in $shims point at tako-exec" >&2
fi

case ":$PATH:" in
    *":$bindir:"*) ;;
    *) echo "install.sh: note: $bindir is not on PATH; add it, e.g. export PATH=\"$bindir:\$PATH\"" >&2 ;;
esac

cat <<EOF2

tako-exec $("$bindir/tako-exec" --version | sed 's/^tako-exec //') is installed.

Use it as your agent's shell:
    SHELL=$bindir/tako-exec claude          # or codex, aider, …
    $bindir/tako-exec -c 'git status'       # exactly like bash -c
Vet a command without running it:
    tako-exec check -c 'rm -rf ~'           # exit 0 allow, 1 ask, 126 deny
    tako-exec check --json -- git push --force origin main
See the catalog of guards:
    tako-exec explain --list
The real shell is \$TAKO_SHELL, else /bin/bash, else /bin/sh.
EOF2
