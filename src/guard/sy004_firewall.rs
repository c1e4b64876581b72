//! SY004 firewall-off: flushing or disabling the firewall and mandatory access control.

use super::{Cx, Guard, Hit, Programs};
use crate::analyze::model::NameSet;
use crate::analyze::{Field, Invocation};
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "SY004",
    name: "firewall-off",
    decision: Decision::Deny,
    summary: "iptables -F / -P ACCEPT, nft flush ruleset, ufw disable/reset, pfctl -d, setenforce 0",
    doc: "\
## What it stops
- Flushing or opening the firewall: `iptables`/`ip6tables` `-F`, `--flush`, `-X`,
  `-P … ACCEPT`; `nft flush ruleset`; `ufw disable|reset`; `pfctl -d|-F all`;
  `firewall-cmd --panic-off`/`--set-default-zone=trusted`; `systemctl stop firewalld`
  is SY003's: denied.
- Turning SELinux or AppArmor enforcement off (`setenforce 0`, `aa-teardown`): asks.

## Why
A flushed firewall exposes every service on the machine to the network; it is a
classic first step of an intrusion.

## Instead
Add the specific rule you need, and leave the rest to the operator.",
    matches: &[
        "iptables -F",
        "sudo iptables --flush",
        "iptables -P INPUT ACCEPT",
        "nft flush ruleset",
        "ufw disable",
        "setenforce 0",
    ],
    not_matches: &[
        "iptables -L",
        "iptables -A INPUT -p tcp --dport 22 -j ACCEPT",
        "ufw status",
        "nft list ruleset",
        "ufw allow 22",
    ],
    programs: Programs::Only(&PROGRAMS),
    on_invocation: Some(check),
    on_event: None,
};

/// The programs [`check`] judges: it returns `None` for any other.
static PROGRAMS: NameSet = NameSet::new(&[
    "aa-disable",
    "aa-teardown",
    "arptables",
    "ebtables",
    "firewall-cmd",
    "ip6tables",
    "iptables",
    "iptables-legacy",
    "iptables-nft",
    "nft",
    "pfctl",
    "setenforce",
    "ufw",
]);

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    let name = cx.name(inv)?;
    // Collected only for the programs that need them.
    let known = std::cell::LazyCell::new(|| inv.args().iter().filter_map(Field::as_known).collect::<Vec<&str>>());
    let has = |s: &str| known.contains(&s);
    let hint = "add the specific rule you need; leave the firewall to the operator";
    let msg = match &*name {
        "iptables" | "ip6tables" | "iptables-legacy" | "iptables-nft" | "ebtables" | "arptables" => {
            if has("-F") || has("--flush") || has("-X") || has("--delete-chain") {
                format!("{name} flushes the firewall rules")
            } else if known.windows(3).any(|w| matches!(w[0], "-P" | "--policy") && w[2] == "ACCEPT") {
                format!("{name} sets a default ACCEPT policy")
            } else {
                return None;
            }
        }
        "nft"
            if known.windows(2).any(|w| w[0] == "flush" && matches!(w[1], "ruleset" | "table" | "chain"))
                || (has("delete") && has("table")) =>
        {
            "nft flushes the firewall rules".into()
        }
        "ufw" if known.iter().any(|a| matches!(*a, "disable" | "reset")) => "ufw disables the firewall".into(),
        "pfctl" if has("-d") || known.windows(2).any(|w| w[0] == "-F" && w[1] == "all") => {
            "pfctl disables the packet filter".into()
        }
        "firewall-cmd" if known.iter().any(|a| a.starts_with("--set-default-zone=trusted") || *a == "--panic-off") => {
            "firewall-cmd opens the firewall".into()
        }
        "setenforce" if known.first().is_some_and(|a| matches!(*a, "0" | "permissive" | "Permissive")) => {
            return Some(Hit::ask("setenforce 0 turns SELinux enforcement off").hint(hint));
        }
        "aa-teardown" | "aa-disable" => {
            return Some(Hit::ask(format!("{name} turns AppArmor profiles off")).hint(hint))
        }
        _ => return None,
    };
    Some(Hit::deny(msg).hint(hint))
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }
}
