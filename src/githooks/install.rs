//! `tako-exec hooks install | uninstall | status`: placing the shims where git runs
//! hooks, chaining what was there, and restoring it.

use crate::cli::HooksArgs;

/// Runs `hooks install | uninstall | status`; the exit code.
#[must_use]
pub fn run(a: &HooksArgs) -> i32 {
    let _ = a;
    crate::term::error(&"`tako-exec hooks` is not built yet");
    crate::outcome::code::FAILED
}

/// The hook chained at install for `name`, if any and intact (stub until install lands).
///
/// # Errors
/// When it was changed since install.
pub fn verify_chained(
    workspace: &std::path::Path,
    hooks_dir: &std::path::Path,
    name: super::HookName,
) -> Result<Option<std::path::PathBuf>, String> {
    let _ = (workspace, hooks_dir, name);
    Ok(None)
}
