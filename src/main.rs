//! The `tako-exec` binary: a thin entry point over [`tako_exec::app`].

fn main() {
    let code = tako_exec::app::main(std::env::args_os().collect());
    std::process::exit(code);
}
