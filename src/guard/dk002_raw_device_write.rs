//! DK002 raw-device-write: writing straight to a block device.

use super::util::{is_block_device, Opts};
use super::{Cx, Guard, Hit, Programs};
use crate::analyze::model::{Field, RedirMode};
use crate::analyze::Invocation;
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "DK002",
    name: "raw-device-write",
    decision: Decision::Deny,
    summary: "dd of=/dev/sdX, > /dev/sda, shred or cp onto a block device",
    doc: "\
## What it stops
Any write whose target is a block device (`/dev/sd*`, `/dev/nvme*`, `/dev/vd*`,
`/dev/mmcblk*`, `/dev/md*`, `/dev/dm-*`, `/dev/mapper/*`, `/dev/disk*`): `dd of=`,
redirections (`> /dev/sda`), `cp`, `tee`, `cat >`, `shred`. Reading a device
(`dd if=/dev/sda of=backup.img`) is allowed.

## Why
Writing raw bytes over a disk destroys its partition table and filesystems.

## Instead
Write to an image file; let the operator flash devices.",
    matches: &[
        "dd if=/dev/zero of=/dev/sda",
        "dd of=/dev/nvme0n1 if=/dev/zero",
        "echo x > /dev/sda",
        "shred /dev/sda",
        "cat image.iso > /dev/sdb",
        "cp disk.img /dev/mmcblk0",
    ],
    not_matches: &[
        "dd if=/dev/sda of=./backup.img",
        "dd if=/dev/zero of=disk.img bs=1M",
        "dd if=x.iso of=./out.img",
        "echo hi > /dev/null",
        "cat /dev/urandom | head -c 10",
    ],
    programs: Programs::Any,
    on_invocation: Some(check),
    on_event: None,
};

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    for r in &inv.redirects {
        if matches!(r.mode, RedirMode::Write | RedirMode::Append) && r.target.as_ref().is_some_and(is_block_device) {
            return Some(hit(&r.target.as_ref().map(Field::display).unwrap_or_default()));
        }
    }
    let name = cx.name(inv)?;
    let args = inv.args();
    match &*name {
        "dd" => {
            args.iter().find_map(|a| a.text.strip_prefix("of=").filter(|d| is_block_device(&Field::known(*d))).map(hit))
        }
        "shred" | "cp" | "tee" | "install" | "pv" | "ddrescue" => {
            let o = Opts::operands(args, &['n', 's']);
            let targets = match &*name {
                "cp" | "install" | "ddrescue" => o.operands.last().map_or(&[][..], std::slice::from_ref),
                _ => &o.operands[..],
            };
            targets.iter().find(|f| is_block_device(f)).map(|f| hit(&f.display()))
        }
        _ => None,
    }
}

fn hit(dev: &str) -> Hit {
    Hit::deny(format!("writes directly to the block device {dev}")).hint("write to an image file instead")
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }
}
