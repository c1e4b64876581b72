//! SY003 stop-services: stopping, disabling or masking system services and servers.

use super::{Cx, Guard, Hit, Programs};
use crate::analyze::model::NameSet;
use crate::analyze::{Field, Invocation};
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "SY003",
    name: "stop-services",
    decision: Decision::Ask,
    summary: "systemctl stop/disable/mask, service X stop, launchctl unload, nginx -s stop, admin-socket disables",
    doc: "\
## What it stops
`systemctl stop|disable|mask|kill|isolate UNIT`, `service NAME stop`, `rc-service`,
`launchctl unload|bootout|remove|disable`, `nginx -s stop|quit`, `haproxy -sf|-st`
(replacing a running instance), `apachectl stop`, and admin commands that disable
servers fed to an admin socket (`echo 'disable server …' | socat stdio SOCKET`).

## Why
Stopping a service takes down whatever depends on it (databases, proxies, the
operator's own tools); on a server it is an outage.

## Instead
Check status (`systemctl status`), or ask the operator to restart the service.",
    matches: &[
        "systemctl stop nginx",
        "sudo systemctl disable --now docker",
        "service nginx stop",
        "nginx -s stop",
        "haproxy -sf 1234",
        "echo 'disable server backend/web1' | socat stdio /var/run/haproxy.sock",
        "launchctl unload ~/Library/LaunchAgents/x.plist",
    ],
    not_matches: &[
        "systemctl status nginx",
        "service nginx status",
        "nginx -t",
        "nginx -s reload",
        "echo 'show stat' | socat stdio /var/run/haproxy.sock",
        "systemctl restart --user app",
    ],
    programs: Programs::Only(&PROGRAMS),
    on_invocation: Some(check),
    on_event: None,
};

/// The programs [`check`] judges: it returns `None` for any other.
static PROGRAMS: NameSet = NameSet::new(&[
    "apache2ctl",
    "apachectl",
    "haproxy",
    "httpd",
    "launchctl",
    "nc",
    "ncat",
    "nginx",
    "openresty",
    "rc-service",
    "service",
    "socat",
    "systemctl",
]);

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    let name = cx.name(inv)?;
    let args = inv.args();
    // Collected only for the programs that need them.
    let known = std::cell::LazyCell::new(|| args.iter().filter_map(Field::as_known).collect::<Vec<&str>>());
    let unit = || known.iter().rev().find(|a| !a.starts_with('-')).copied().unwrap_or("a unit").to_string();
    let msg = match &*name {
        "systemctl" => {
            let verb = known.iter().find(|a| !a.starts_with('-'))?;
            if !matches!(*verb, "stop" | "disable" | "mask" | "kill" | "isolate" | "set-default") {
                return None;
            }
            format!("systemctl {verb} {}", unit())
        }
        "service" | "rc-service" if known.iter().any(|a| matches!(*a, "stop" | "disable")) => {
            format!("{name} {} stop", known.first().copied().unwrap_or(""))
        }
        "launchctl"
            if known.first().is_some_and(|v| matches!(*v, "unload" | "bootout" | "remove" | "disable" | "kill")) =>
        {
            format!("launchctl {}", known.join(" "))
        }
        "nginx" | "openresty" if known.windows(2).any(|w| w[0] == "-s" && matches!(w[1], "stop" | "quit")) => {
            format!("{name} -s stop")
        }
        "haproxy" if known.iter().any(|a| matches!(*a, "-sf" | "-st")) => {
            "haproxy -sf/-st replaces the running instance".into()
        }
        "apachectl" | "apache2ctl" | "httpd"
            if known.iter().any(|a| matches!(*a, "stop" | "graceful-stop" | "-k")) && known.contains(&"stop")
                || known.first() == Some(&"stop") =>
        {
            format!("{name} stop")
        }
        "socat" | "nc" | "ncat" => {
            let content = inv.stdin.stream()?.content.as_deref()?;
            let verb = content.split_whitespace().next()?.to_ascii_lowercase();
            if !matches!(verb.as_str(), "disable" | "shutdown" | "kill" | "del" | "clear" | "set")
                || !known.iter().any(|a| a.contains(".sock") || a.contains("unix"))
            {
                return None;
            }
            format!("`{}` sent to an admin socket", content.trim())
        }
        _ => return None,
    };
    Some(
        Hit::ask(format!("{msg} stops a running service")).hint("check status instead, or ask the operator to stop it"),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }
}
