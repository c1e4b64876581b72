//! IN002 kubernetes-destructive: deleting namespaces, nodes or everything in a cluster;
//! deletions, drains and uninstalls of workloads.

use super::{Cx, Guard, Hit, Programs};
use crate::analyze::model::NameSet;
use crate::analyze::{Field, Invocation};
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "IN002",
    name: "kubernetes-destructive",
    decision: Decision::Deny,
    summary: "kubectl delete namespace/node/--all (deny); other kubectl delete, drain, helm uninstall (ask)",
    doc: "\
## What it stops
- `kubectl delete` of namespaces, nodes, persistent volumes or CRDs, or with `--all`
  / `--all-namespaces`: denied.
- Other `kubectl delete`, `drain`, `cordon`, `replace --force`, `scale --replicas=0`;
  `helm uninstall|delete|rollback`; the same through `oc`, `k3s kubectl`,
  `microk8s kubectl`: asks.

## Why
Deleting a namespace deletes every workload, secret and volume claim in it; with the
wrong context selected, it is production.

## Instead
Use `kubectl get` / `describe` / `diff`, and `--dry-run=client`; the operator applies
destructive changes.",
    matches: &[
        "kubectl delete namespace production",
        "kubectl delete pods --all",
        "kubectl delete deployment my-app",
        "kubectl drain node-1",
        "helm uninstall my-release",
        "bash -c 'kubectl delete ns prod'",
    ],
    not_matches: &[
        "kubectl get pods",
        "kubectl delete pod x --dry-run=client",
        "kubectl apply -f k8s/",
        "helm list",
        "kubectl describe ns prod",
    ],
    programs: Programs::Only(&PROGRAMS),
    on_invocation: Some(check),
    on_event: None,
};

/// The programs [`check`] judges: it returns `None` for any other.
static PROGRAMS: NameSet = NameSet::new(&["helm", "k3s", "kubecolor", "kubectl", "microk8s", "oc"]);

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    let name = cx.name(inv)?;
    // The known arguments: collected only for the programs below.
    let args = || inv.args().iter().filter_map(Field::as_known);
    let known: Vec<&str> = match &*name {
        "kubectl" | "oc" | "kubecolor" => args().collect(),
        "k3s" | "microk8s" if args().next() == Some("kubectl") => args().skip(1).collect(),
        "helm" => {
            let w0 = args().find(|a| !a.starts_with('-'))?;
            if matches!(w0, "uninstall" | "delete" | "del" | "un" | "rollback")
                && !args().any(|a| a.starts_with("--dry-run"))
            {
                return Some(
                    Hit::ask(format!("helm {w0} removes or replaces a release")).hint("the operator changes releases"),
                );
            }
            return None;
        }
        _ => return None,
    };
    if known.iter().any(|a| a.starts_with("--dry-run")) {
        return None;
    }
    // Skip global options with values (`-n ns`, `--context x`).
    let mut words = Vec::new();
    let mut i = 0;
    while i < known.len() {
        let a = known[i];
        if matches!(
            a,
            "-n" | "--namespace"
                | "--context"
                | "--cluster"
                | "--kubeconfig"
                | "-l"
                | "--selector"
                | "-f"
                | "--filename"
                | "-o"
                | "--output"
                | "--user"
                | "-s"
                | "--server"
        ) {
            i += 2;
            continue;
        }
        if !a.starts_with('-') {
            words.push(a);
        }
        i += 1;
    }
    let verb = *words.first()?;
    let kind = words.get(1).copied().unwrap_or("").to_ascii_lowercase();
    let all = known.iter().any(|a| matches!(*a, "--all" | "-A" | "--all-namespaces"));
    let hint = "use get/describe/diff and --dry-run; the operator applies destructive changes";
    match verb {
        "delete" => {
            let kind_base = kind.split(['/', ',', '.']).next().unwrap_or("");
            if matches!(
                kind_base,
                "namespace"
                    | "namespaces"
                    | "ns"
                    | "node"
                    | "nodes"
                    | "no"
                    | "pv"
                    | "persistentvolume"
                    | "persistentvolumes"
                    | "crd"
                    | "crds"
                    | "customresourcedefinition"
                    | "customresourcedefinitions"
                    | "all"
            ) || all
            {
                return Some(
                    Hit::deny(format!(
                        "{name} delete {kind}{} deletes everything in it",
                        if all { " --all" } else { "" }
                    ))
                    .hint(hint),
                );
            }
            Some(Hit::ask(format!("{name} delete {kind} deletes cluster resources")).hint(hint))
        }
        "drain" | "cordon" | "taint" => Some(Hit::ask(format!("{name} {verb} takes a node out of service")).hint(hint)),
        "replace" if known.contains(&"--force") => {
            Some(Hit::ask(format!("{name} replace --force deletes and recreates resources")).hint(hint))
        }
        "scale" if known.contains(&"--replicas=0") || known.windows(2).any(|w| w == ["--replicas", "0"]) => {
            Some(Hit::ask(format!("{name} scale --replicas=0 stops a workload")).hint(hint))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }
}
