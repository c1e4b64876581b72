//! PB001 publish-packages: publishing, yanking or pushing packages and images to
//! registries, and removing system packages.

use super::{Cx, Guard, Hit, Programs};
use crate::analyze::model::NameSet;
use crate::analyze::{Field, Invocation};
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "PB001",
    name: "publish-packages",
    decision: Decision::Ask,
    summary: "npm/cargo/twine/gem/… publish, unpublish or yank, docker push; uninstalling system packages",
    doc: "\
## What it stops
- Publishing to a registry: `npm|pnpm|yarn|bun publish`, `npm unpublish|deprecate`,
  `cargo publish|yank`, `twine upload`, `poetry|uv|flit|hatch|pdm publish`,
  `gem push|yank`, `mvn deploy`, `gradle publish`, `dotnet nuget push`,
  `docker|podman push`, `helm push`, `vsce|ovsx publish`, `dart pub publish`,
  `mix hex.publish`, `gh release create`. A `--dry-run` is allowed.
- Removing system or global packages: `apt|apt-get|dnf|yum|pacman|zypper|apk remove`,
  `brew uninstall`, `pip uninstall` (outside a virtual environment tako-exec cannot
  tell), `npm uninstall -g`.

## Why
A publish is public and permanent (registries keep versions forever, mirrors copy
them at once); a prompt-injected agent can ship a backdoored release under the
operator's name. Removing packages breaks other software on the machine.

## Instead
Build and test locally (`--dry-run`, `npm pack`); the operator publishes.",
    matches: &[
        "npm publish",
        "cargo publish",
        "twine upload dist/*",
        "docker push registry.example.com/app:1.0",
        "gem push x.gem",
        "pip uninstall boto3",
        "sudo apt-get remove nginx",
        "npm unpublish pkg@1.0.0",
    ],
    not_matches: &[
        "npm publish --dry-run",
        "cargo publish --dry-run",
        "npm pack",
        "docker build -t app .",
        "pip install requests",
        "apt list --installed",
        "npm uninstall left-pad",
    ],
    programs: Programs::Only(&PROGRAMS),
    on_invocation: Some(check),
    on_event: None,
};

/// The programs [`check`] judges: it returns `None` for any other.
static PROGRAMS: NameSet = NameSet::new(&[
    "anaconda", "apk", "apt", "apt-get", "aptitude", "brew", "buildah", "bun", "cargo", "conda", "dart", "dnf",
    "docker", "dotnet", "flatpak", "flit", "flutter", "gem", "gh", "gradle", "gradlew", "hatch", "helm", "maturin",
    "mix", "mvn", "mvnw", "npm", "nuget", "ovsx", "pacman", "pdm", "pip", "pip3", "pipx", "pnpm", "podman", "poetry",
    "port", "snap", "twine", "uv", "vsce", "yarn", "yum", "zypper",
]);

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    let name = cx.name(inv)?;
    // The known arguments, and those that are no options, walked by each test that
    // needs them (nothing is collected).
    let known = || inv.args().iter().filter_map(Field::as_known);
    let words = || known().filter(|a| !a.starts_with('-'));
    let mut leading = words();
    let first = leading.next().unwrap_or("");
    let second = leading.next().unwrap_or("");
    if known().any(|a| matches!(a, "--dry-run" | "-n" | "--dryrun" | "--dry_run") && name != "pip") {
        return None;
    }
    let publish = match &*name {
        "npm" | "pnpm" | "bun" => {
            matches!(first, "publish" | "unpublish" | "deprecate")
                || (first == "dist-tag" && matches!(second, "add" | "rm"))
        }
        "yarn" => first == "publish" || (first == "npm" && second == "publish"),
        "cargo" => matches!(first, "publish" | "yank" | "owner"),
        "twine" => first == "upload",
        "poetry" | "uv" | "flit" | "hatch" | "pdm" | "maturin" => {
            first == "publish" || (name == "maturin" && first == "upload")
        }
        "gem" => matches!(first, "push" | "yank" | "owner"),
        "mvn" | "mvnw" => words().any(|w| w == "deploy" || w.starts_with("deploy:") || w == "release:perform"),
        "gradle" | "gradlew" => words().any(|w| w.starts_with("publish") && !w.contains("ToMavenLocal")),
        "dotnet" | "nuget" => words().any(|w| w == "push"),
        "docker" | "podman" | "buildah" => {
            first == "push"
                || (first == "image" && second == "push")
                || (first == "buildx" && known().any(|a| a == "--push"))
        }
        "helm" => first == "push",
        "vsce" | "ovsx" => first == "publish",
        "dart" | "flutter" => first == "pub" && second == "publish",
        "mix" => first == "hex.publish",
        "gh" => first == "release" && matches!(second, "create" | "upload" | "delete"),
        "conda" | "anaconda" => first == "upload",
        _ => false,
    };
    if publish {
        return Some(
            Hit::ask(format!("{name} {first} publishes to a registry, publicly and permanently"))
                .hint("build and test locally (`--dry-run`); the operator publishes"),
        );
    }
    let removal = match &*name {
        "apt" | "apt-get" | "aptitude" => matches!(first, "remove" | "purge" | "autoremove"),
        "dnf" | "yum" | "zypper" | "apk" => matches!(first, "remove" | "erase" | "del" | "rm"),
        "pacman" => known().any(|a| a.starts_with("-R")),
        "brew" | "port" => matches!(first, "uninstall" | "remove" | "rm"),
        "pip" | "pip3" | "pipx" => first == "uninstall",
        "npm" | "pnpm" | "yarn" => {
            matches!(first, "uninstall" | "remove" | "rm") && known().any(|a| matches!(a, "-g" | "--global"))
        }
        "snap" | "flatpak" => matches!(first, "remove" | "uninstall"),
        _ => false,
    };
    removal.then(|| {
        Hit::ask(format!("{name} {first} removes installed packages")).hint("the operator manages system packages")
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }
}
