//! FS006 sync-delete: mirroring tools told to delete at the destination (or the source).

use super::util::{joined_lower, tool_name, Opts};
use super::{Cx, Guard, Hit, Programs};
use crate::analyze::model::NameSet;
use crate::analyze::Invocation;
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "FS006",
    name: "sync-delete",
    decision: Decision::Ask,
    summary: "rsync --delete, rclone sync/move, s3 sync --delete and other mirrors that delete",
    doc: "\
## What it stops
Synchronisation that deletes: `rsync --delete*` and `--remove-source-files`,
`rclone sync` and `rclone move`, `aws s3 sync --delete`, `gsutil rsync -d`,
`azcopy sync --delete-destination=true`, `mc mirror --remove`. A dry run
(`-n`, `--dry-run`, `--dryrun`, `--list-only`) is allowed.

## Why
What a mirror deletes depends on what the source holds at run time; a swapped source
and destination, or an empty source, erases the copy that mattered.

## Instead
Run it with `--dry-run` first and show the operator what would be deleted.",
    matches: &[
        "rsync -a --delete src/ /mnt/backup/",
        "rclone sync /data remote:bucket",
        "aws s3 sync ./backup s3://bucket --delete",
        "gsutil rsync -d gs://a gs://b",
        "rsync --remove-source-files a/ b/",
    ],
    not_matches: &[
        "rsync -a src/ dest/",
        "rsync -avn --delete src/ dest/",
        "rclone sync src: dest: --dry-run",
        "aws s3 sync s3://a s3://b",
        "rclone copy /data remote:bucket",
    ],
    programs: Programs::Tools(&PROGRAMS),
    on_invocation: Some(check),
    on_event: None,
};

/// The programs [`check`] judges, as [`super::util::tool_name`] reads names.
static PROGRAMS: NameSet = NameSet::new(&["aws", "azcopy", "gsutil", "mc", "rclone", "rsync"]);

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    let name = tool_name(inv, cx)?;
    if !matches!(&*name, "rsync" | "rclone" | "aws" | "gsutil" | "azcopy" | "mc") {
        return None;
    }
    let args = inv.args();
    // Computed only for the programs that need them: most invocations are none of these.
    let o = std::cell::LazyCell::new(|| Opts::parse(args, &['e', 'f', 'B', 'T']));
    let line = std::cell::LazyCell::new(|| joined_lower(args));
    let dry = o.has(Some('n'), "dry-run") || o.long.iter().any(|l| l == "dryrun" || l == "list-only" || l == "dry");
    if dry {
        return None;
    }
    let what = match &*name {
        "rsync" => {
            o.long.iter().find(|l| l.starts_with("del") || l == &"remove-source-files").map(|l| format!("rsync --{l}"))
        }
        "rclone" => args
            .first()
            .and_then(|a| a.as_known())
            .filter(|s| matches!(*s, "sync" | "move" | "bisync"))
            .map(|s| format!("rclone {s}")),
        "aws" if line.contains("s3 sync") && o.long.iter().any(|l| l == "delete") => {
            Some("aws s3 sync --delete".into())
        }
        "gsutil" if line.contains("rsync") && (o.short.contains(&'d') || o.short.contains(&'D')) => {
            Some("gsutil rsync -d".into())
        }
        "azcopy"
            if line.contains("sync")
                && args.iter().filter_map(|a| a.as_known()).any(|a| a.starts_with("--delete-destination"))
                && !line.contains("--delete-destination=false")
                && !line.contains("--delete-destination false") =>
        {
            Some("azcopy sync --delete-destination".into())
        }
        "mc" if line.contains("mirror")
            && (o.long.iter().any(|l| l == "remove" || l == "delete" || l == "overwrite")) =>
        {
            Some("mc mirror --remove".into())
        }
        _ => None,
    }?;
    Some(
        Hit::ask(format!("{what} deletes files at the destination that the source does not have"))
            .hint("run it with --dry-run first"),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }
}
