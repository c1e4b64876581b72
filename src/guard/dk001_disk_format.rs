//! DK001 disk-format: formatting, partitioning or wiping disks and volumes.

use super::util::{is_block_device, joined_lower, Opts};
use super::{Cx, Guard, Hit, Programs};
use crate::analyze::model::NameSet;
use crate::analyze::Invocation;
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "DK001",
    name: "disk-format",
    decision: Decision::Deny,
    summary: "mkfs, wipefs, partitioning, RAID/LVM/device-mapper removal on block devices",
    doc: "\
## What it stops
Creating filesystems on devices (`mkfs*`, `mkswap`), wiping signatures (`wipefs`,
`sgdisk --zap-all`, `blkdiscard`), partitioning (`fdisk`, `sfdisk`, `gdisk`, `parted`
that writes), RAID and volume changes (`mdadm --create/--zero-superblock/--stop`,
`pvremove`, `vgremove`, `lvremove`, `lvreduce`, `pvmove`), device-mapper removal
(`dmsetup remove/remove_all/wipe_table`), `btrfs device remove`/`subvolume delete`/
`check --repair`, `cryptsetup luksFormat/erase`, `zpool destroy`, `zfs destroy`,
`nbd-client -d`, `nvme format/sanitize`. Listing (`fdisk -l`, `lvs`, `mdadm --detail`)
and formatting an image file in the workspace are allowed.

## Why
Every one of these destroys a disk's data in one step.

## Instead
Ask the operator; work on an image file (`mkfs.ext4 disk.img`) when testing.",
    matches: &[
        "mkfs.ext4 /dev/sda1",
        "sudo mkfs -t ext4 /dev/sdb",
        "wipefs -a /dev/sdb",
        "mdadm --zero-superblock /dev/sda1",
        "lvremove /dev/my_vg/my_lv",
        "dmsetup remove_all",
        "btrfs check --repair /dev/sda1",
    ],
    not_matches: &[
        "mkfs.ext4 disk.img",
        "fdisk -l",
        "lvs",
        "mdadm --detail /dev/md0",
        "btrfs subvolume list /mnt/data",
        "dmsetup ls",
    ],
    programs: Programs::Matching(judged),
    on_invocation: Some(check),
    on_event: None,
};

/// The programs [`check`] judges besides `mkfs*`: it returns `None` for any other.
static PROGRAMS: NameSet = NameSet::new(&[
    "blkdiscard",
    "btrfs",
    "cfdisk",
    "cryptsetup",
    "dmsetup",
    "fdisk",
    "gdisk",
    "hdparm",
    "losetup",
    "lvreduce",
    "lvremove",
    "lvresize",
    "mdadm",
    "mke2fs",
    "mkswap",
    "nbd-client",
    "newfs",
    "nvme",
    "parted",
    "partprobe",
    "pvmove",
    "pvremove",
    "sfdisk",
    "sgdisk",
    "vgreduce",
    "vgremove",
    "wipefs",
    "zfs",
    "zpool",
]);

/// Whether [`check`] judges the program `name` (`mkfs`, `mkfs.ext4`, … or one of
/// [`PROGRAMS`]).
fn judged(name: &str) -> bool {
    name.starts_with("mkfs") || PROGRAMS.contains(name)
}

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    let name = cx.name(inv)?;
    let args = inv.args();
    // Computed only for the programs that need them: most invocations are none of these.
    let line = std::cell::LazyCell::new(|| joined_lower(args));
    let o = std::cell::LazyCell::new(|| Opts::parse(args, &['t', 'L', 'b', 'c', 'n']));
    let on_device = || o.operands.iter().copied().any(is_block_device) || args.iter().any(is_block_device);
    let what: Option<String> = match &*name {
        n if n.starts_with("mkfs") || n == "mkswap" || n == "mke2fs" || n == "newfs" => {
            on_device().then(|| format!("{n} creates a filesystem on a device, erasing it"))
        }
        "wipefs" | "blkdiscard" => Some(format!("{name} erases a device")),
        "sgdisk" if o.has(Some('Z'), "zap-all") || o.has(Some('o'), "clear") || o.has(Some('z'), "zap") => {
            Some("sgdisk erases a partition table".into())
        }
        "fdisk" | "gdisk" | "cfdisk" | "sfdisk"
            if !o.has(Some('l'), "list")
                && !o.has(Some('s'), "show-size")
                && !o.long.iter().any(|l| l == "dump" || l == "json" || l == "verify")
                && on_device() =>
        {
            Some(format!("{name} changes a partition table"))
        }
        "parted" | "partprobe"
            if name == "parted"
                && (line.contains("mklabel")
                    || line.contains("rm ")
                    || line.ends_with(" rm")
                    || line.contains("mkpart")
                    || line.contains("resizepart")) =>
        {
            Some("parted changes a partition table".into())
        }
        "mdadm"
            if o.long
                .iter()
                .any(|l| matches!(l.as_ref(), "create" | "zero-superblock" | "stop" | "remove" | "fail" | "grow"))
                || o.short.iter().any(|c| matches!(c, 'C' | 'S' | 'r' | 'f')) =>
        {
            Some("mdadm changes a RAID array".into())
        }
        "pvremove" | "vgremove" | "lvremove" | "lvreduce" | "pvmove" | "vgreduce" | "lvresize"
            if name != "lvresize" || line.contains('-') =>
        {
            Some(format!("{name} removes or shrinks a volume"))
        }
        "dmsetup"
            if matches!(
                args.first().and_then(|a| a.as_known()),
                Some("remove" | "remove_all" | "wipe_table" | "clear" | "reload")
            ) =>
        {
            Some("dmsetup removes a device mapping".into())
        }
        "btrfs"
            if line.contains("device remove")
                || line.contains("device delete")
                || line.contains("subvolume delete")
                || line.contains("check --repair")
                || line.contains("rescue")
                || line.contains("filesystem resize") =>
        {
            Some("btrfs changes a filesystem's devices or data".into())
        }
        "cryptsetup"
            if line.contains("luksformat")
                || line.contains("erase")
                || line.contains("luksremovekey")
                || line.contains("luksksillslot")
                || line.contains("killslot") =>
        {
            Some("cryptsetup destroys an encrypted volume's keys".into())
        }
        "zpool"
            if matches!(
                args.first().and_then(|a| a.as_known()),
                Some("destroy" | "labelclear" | "detach" | "offline")
            ) =>
        {
            Some("zpool destroys a pool".into())
        }
        "zfs" if matches!(args.first().and_then(|a| a.as_known()), Some("destroy" | "rollback")) => {
            Some("zfs destroys a dataset".into())
        }
        "nbd-client" if o.has(Some('d'), "disconnect") => Some("nbd-client disconnects a block device".into()),
        "nvme" if matches!(args.first().and_then(|a| a.as_known()), Some("format" | "sanitize" | "delete-ns")) => {
            Some("nvme erases a drive".into())
        }
        "hdparm" if line.contains("--security-erase") || line.contains("--trim-sector-ranges") => {
            Some("hdparm erases a drive".into())
        }
        "losetup" if o.has(Some('D'), "detach-all") => Some("losetup detaches every loop device".into()),
        _ => None,
    };
    what.map(|w| Hit::deny(w).hint("ask the operator; test on an image file instead"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }
}
