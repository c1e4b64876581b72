//! The `tako-exec` binary: a thin entry point over [`tako_exec::app`].

/// Parsing and analysis allocate many small, short-lived objects; mimalloc does that
/// several times faster than the system allocator.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let code = tako_exec::app::main(std::env::args_os().collect());
    std::process::exit(code);
}
