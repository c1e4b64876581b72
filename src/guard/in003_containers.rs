//! IN003 containers-destructive: pruning, force-removing, killing and stopping
//! containers, images and volumes.

use super::{Cx, Guard, Hit, Programs};
use crate::analyze::model::NameSet;
use crate::analyze::{Field, Invocation};
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "IN003",
    name: "containers-destructive",
    decision: Decision::Ask,
    summary: "docker/podman system|volume|image prune, volume rm, rm -f, rmi -f, kill, stop, compose down -v",
    doc: "\
## What it stops
`docker system prune`, `volume prune|rm`, `image prune -a`, `container prune`,
`network prune`, `builder prune -a`, `rm -f`, `rmi -f`, `kill`, `stop`,
`compose down -v|--volumes|--rmi`; the same with `podman` and `nerdctl`.

## Why
Volumes hold databases and state that exist nowhere else; pruning deletes every
stopped container, image and volume of every project on the machine, not only this
one. Stopping or killing containers takes down services others use.

## Instead
Remove the specific container (`docker rm NAME` without `-f`) or image you created.",
    matches: &[
        "docker system prune -af",
        "docker volume rm app_data",
        "docker rm -f $(docker ps -aq)",
        "docker rmi -f image",
        "docker kill traefik",
        "docker stop traefik",
        "docker compose down -v",
    ],
    not_matches: &[
        "docker rm container",
        "docker build -t app .",
        "docker run --rm alpine true",
        "docker ps -a",
        "docker compose down",
        "docker volume ls",
    ],
    programs: Programs::Only(&PROGRAMS),
    on_invocation: Some(check),
    on_event: None,
};

/// The programs [`check`] judges: it returns `None` for any other.
static PROGRAMS: NameSet = NameSet::new(&["docker", "docker-compose", "nerdctl", "podman", "podman-compose"]);

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    let name = cx.name(inv)?;
    if !matches!(&*name, "docker" | "podman" | "nerdctl" | "docker-compose" | "podman-compose") {
        return None;
    }
    let args = inv.args();
    let known: Vec<&str> = args.iter().filter_map(Field::as_known).collect();
    let words: Vec<&str> = known.iter().copied().filter(|a| !a.starts_with('-')).collect();
    let short = |c: char| known.iter().any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains(c));
    let long = |l: &str| known.iter().any(|a| *a == l || a.starts_with(&format!("{l}=")));
    let force = short('f') || long("--force");
    let (w0, w1) = (words.first().copied().unwrap_or(""), words.get(1).copied().unwrap_or(""));
    let compose = name.ends_with("compose") || w0 == "compose";
    let msg = if compose {
        let down = words.contains(&"down");
        if down && (short('v') || long("--volumes") || long("--rmi")) {
            format!("{name} compose down -v deletes the project's volumes")
        } else {
            return None;
        }
    } else {
        match (w0, w1) {
            ("system" | "volume" | "image" | "container" | "network" | "builder" | "buildx", "prune") => {
                format!("{name} {w0} prune deletes unused {w0}s of every project")
            }
            ("volume", "rm" | "remove") => format!("{name} volume rm deletes data volumes"),
            ("rm" | "container", _) if force && (w0 == "rm" || w1 == "rm") => {
                format!("{name} rm -f removes running containers")
            }
            ("rmi" | "image", _) if force && (w0 == "rmi" || w1 == "rm") => {
                format!("{name} rmi -f removes images in use")
            }
            ("kill", _) => format!("{name} kill stops containers"),
            ("stop", _) => format!("{name} stop stops containers"),
            _ => return None,
        }
    };
    Some(Hit::ask(msg).hint("remove the specific container or image you created"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }
}
