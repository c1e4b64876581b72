//! PR003 container-host-access: containers started with the host's privileges: the
//! host's root, system directories, home or Docker socket mounted, `--privileged`,
//! the host's process namespace, capabilities that escape the container.

use super::{Cx, Guard, Hit, Programs};
use crate::analyze::model::NameSet;
use crate::analyze::{Field, Invocation};
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "PR003",
    name: "container-host-access",
    decision: Decision::Ask,
    summary:
        "containers given the host: / or system dirs or home or the Docker socket mounted, --privileged, --pid=host",
    doc: "\
## What it stops
`docker`/`podman`/`nerdctl` `run`, `create` and `exec` that hand the container the
host:
- a bind mount of `/`, a system directory (`/etc`, `/root`, `/usr`, `/var`, `/boot`,
  `/dev`, `/proc`, `/sys`, …), the home directory or a credentials directory in it
  (`~/.ssh`, `~/.aws`, …), or the Docker socket (`-v /:/host`,
  `--mount type=bind,source=/etc,target=/x`, `-v /var/run/docker.sock:/s`);
- `--privileged`, `--pid=host`, `--userns=host`, or `--cap-add` of `ALL`,
  `SYS_ADMIN`, `SYS_MODULE`, `SYS_PTRACE`.
All ask.

## Why
A container is root on whatever it is given. `docker run -v /:/host alpine rm -rf
/host` deletes the machine, outside every path rule; the Docker socket or
`--privileged` gives root on the host; a mounted `~/.ssh` gives the keys to whatever
runs inside.

## Instead
Mount the workspace (`-v \"$PWD\":/src`) or a directory made for the container, and
drop the privileges.",
    matches: &[
        "docker run -v /:/host alpine rm -rf /host",
        "docker run --privileged -it ubuntu bash",
        "podman run --volume=/etc:/mnt/etc fedora cat /mnt/etc/shadow",
        "docker run -v /var/run/docker.sock:/var/run/docker.sock docker:cli docker ps",
        "docker run --mount type=bind,source=/,target=/host alpine",
        "docker run -v ~/.ssh:/root/.ssh alpine",
        "docker exec --privileged app sh",
        "docker run --pid=host alpine kill 1",
        "docker run --cap-add=SYS_ADMIN alpine mount",
    ],
    not_matches: &[
        "docker run --rm -v \"$PWD\":/src -w /src rust cargo build",
        "docker run -v app_data:/var/lib/postgresql/data postgres",
        "docker run --rm -it --network host alpine sh",
        "docker run --privileged=false alpine true",
        "docker run -v /tmp/cache:/cache alpine true",
        "docker build -t app .",
        "docker run --cap-add NET_ADMIN alpine ip link",
    ],
    programs: Programs::Only(&PROGRAMS),
    on_invocation: Some(check),
    on_event: None,
};

/// The programs [`check`] judges: it returns `None` for any other.
static PROGRAMS: NameSet = NameSet::new(&["docker", "nerdctl", "podman"]);

/// Host directories a container must not be given (they and everything under them,
/// except the entries of `ALLOWED_UNDER`).
const SYSTEM_DIRS: &[&str] =
    &["/bin", "/boot", "/dev", "/etc", "/lib", "/lib64", "/proc", "/root", "/run", "/sbin", "/sys", "/usr", "/var"];

/// Paths under a system directory that containers are commonly given, harmlessly.
const ALLOWED_UNDER: &[&str] = &["/var/lib/docker/volumes", "/dev/null", "/etc/localtime", "/etc/timezone"];

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    let name = cx.name(inv)?;
    if !matches!(&*name, "docker" | "podman" | "nerdctl") {
        return None;
    }
    let args = inv.args();
    // The subcommand, after docker's global options (`--context X`).
    let mut i = crate::egress::docker_subcommand_at(args);
    let mut sub = args.get(i).and_then(Field::as_known)?;
    if sub == "container" {
        i += 1;
        sub = args.get(i).and_then(Field::as_known)?;
    }
    if !matches!(sub, "run" | "create" | "exec") {
        return None;
    }
    let hint = "mount the workspace or a directory made for the container, without privileges";
    let mut k = i + 1;
    while let Some(a) = args.get(k) {
        k += 1;
        let Some(t) = a.as_known() else { continue };
        if !t.starts_with('-') {
            // The image (option values are skipped below): what follows is the
            // container's command.
            break;
        }
        let (opt, inline) = match t.split_once('=') {
            Some((o, v)) if o.starts_with("--") => (o, Some(v)),
            _ => (t, None),
        };
        let value = || inline.map(str::to_string).or_else(|| args.get(k).and_then(Field::as_known).map(str::to_string));
        let why = match opt {
            "--privileged" if inline.is_none_or(|v| v == "true") => {
                Some("--privileged gives it root on the host".into())
            }
            "--pid" | "--userns" | "--uts" if value().as_deref() == Some("host") => {
                Some(format!("{opt}=host gives it the host's namespace"))
            }
            "--cap-add" => value()
                .filter(|c| {
                    let c = c.to_ascii_uppercase();
                    let c = c.strip_prefix("CAP_").unwrap_or(&c);
                    matches!(c, "ALL" | "SYS_ADMIN" | "SYS_MODULE" | "SYS_PTRACE" | "DAC_READ_SEARCH")
                })
                .map(|c| format!("--cap-add {c} lets it escape to the host")),
            "-v" | "--volume" => value().and_then(|v| host_source(v.split(':').next().unwrap_or(""), cx)),
            "--mount" => value().and_then(|v| {
                let bind = v.split(',').any(|kv| kv == "type=bind");
                v.split(',')
                    .find_map(|kv| kv.strip_prefix("source=").or_else(|| kv.strip_prefix("src=")))
                    .filter(|_| bind)
                    .and_then(|s| host_source(s, cx))
            }),
            _ => None,
        };
        if let Some(why) = why {
            return Some(Hit::ask(format!("{name} {sub}: {why}")).hint(hint));
        }
        if inline.is_none() && takes_value(opt) {
            k += 1;
        }
    }
    None
}

/// Options of `run`/`create`/`exec` that take the next word as their value (the ones
/// an image name could be mistaken for).
fn takes_value(opt: &str) -> bool {
    matches!(
        opt,
        "-v" | "--volume"
            | "--mount"
            | "-e"
            | "--env"
            | "--env-file"
            | "-p"
            | "--publish"
            | "--name"
            | "-w"
            | "--workdir"
            | "-u"
            | "--user"
            | "--network"
            | "--net"
            | "--entrypoint"
            | "-l"
            | "--label"
            | "--cap-add"
            | "--cap-drop"
            | "--pid"
            | "--userns"
            | "--uts"
            | "--platform"
            | "-m"
            | "--memory"
            | "--cpus"
            | "--restart"
            | "-h"
            | "--hostname"
            | "--add-host"
            | "--device"
            | "--security-opt"
            | "--tmpfs"
            | "--volumes-from"
            | "--ulimit"
            | "--log-driver"
            | "--log-opt"
            | "--gpus"
            | "--shm-size"
            | "--ipc"
            | "--dns"
            | "--pull"
            | "--cidfile"
            | "--health-cmd"
    )
}

/// Why a bind mount's host `source` gives the container the host, if it does.
fn host_source(source: &str, cx: &Cx<'_>) -> Option<String> {
    // Named volumes (`app_data`) and relative paths are not host directories.
    if !source.starts_with('/') {
        return None;
    }
    let path = crate::context::normalize(std::path::Path::new(source));
    let p = crate::paths::lossy(&path);
    if p == "/" {
        return Some("it mounts the host's root directory".into());
    }
    if p.ends_with("docker.sock") {
        return Some(format!("it mounts the Docker socket {p}, which is root on the host"));
    }
    if ALLOWED_UNDER.iter().any(|a| p == *a || p.starts_with(&format!("{a}/"))) {
        return None;
    }
    if let Some(d) = SYSTEM_DIRS.iter().find(|d| p == **d || p.starts_with(&format!("{d}/"))) {
        return Some(format!("it mounts {p} from the system directory {d}"));
    }
    let home = &cx.ctx.home;
    if path == *home || home.starts_with(&path) {
        return Some(format!("it mounts {p}, which holds the home directory"));
    }
    if path.starts_with(home) {
        if let Some(why) =
            path.components().find_map(|c| crate::sensitive::secret_dir_named(&c.as_os_str().to_string_lossy()))
        {
            return Some(format!("it mounts {p}: {why}"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }

    #[test]
    fn the_container_command_is_not_an_option() {
        use crate::guard::tests::eval;
        use crate::policy::Decision;
        // `--privileged` after the image belongs to the container's command.
        assert_eq!(eval("docker run --rm alpine echo --privileged").decision, Decision::Allow);
        assert_eq!(eval("docker run --rm -e X=1 alpine ls -v /:/x").decision, Decision::Allow);
        assert_eq!(eval("docker --context prod container run -v /etc:/e alpine true").decision, Decision::Ask);
        assert_eq!(eval("docker --tlscacert ca.pem run -v /:/host alpine true").decision, Decision::Ask);
    }
}
