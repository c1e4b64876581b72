//! IN004 service-delete: destructive verbs of cloud, SaaS and infrastructure service CLIs
//! (storage, secrets, queues, backups, CDNs, CI, feature flags, payments, …).

use super::util::tool_name;
use super::{Cx, Guard, Hit, Programs};
use crate::analyze::model::NameSet;
use crate::analyze::{Field, Invocation};
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "IN004",
    name: "service-delete",
    decision: Decision::Ask,
    summary: "delete/remove/purge/destroy/terminate/… verbs of cloud and service CLIs (aws, gcloud, az, gh, vault, …)",
    doc: "\
## What it stops
A service command-line client (aws, gcloud, gsutil, az, azcopy, mc, rclone, restic,
borg, velero, wrangler, fastly, vercel, netlify, fly, heroku, doctl, gh, glab,
circleci, jenkins-cli, vault, op, doppler, stripe, nats, rabbitmqctl, kafka tools,
ldcli, unleash, …) whose subcommand words contain a destructive verb: `delete`,
`remove`/`rm`/`rb`, `destroy`, `terminate`, `purge`, `drop`, `prune`, `forget`,
`revoke`, `disable`, `archive`, `cancel`, `kill`, `reset`, `clear`, `rollback`,
`uninstall`, `unregister`/`deregister`, `unsubscribe`, … (including
`delete-db-instance`, `delete_vhost`, `kv:key delete`). Also tool-specific
overwrites: `rclone sync|move`, `aws s3 sync --delete`, `gsutil rsync -d`,
`azcopy sync --delete-destination`, `mc mirror --remove`, `deck sync|reset`,
`secretsmanager put-secret-value|update-secret`, `route53
change-resource-record-sets`, `fastly service version activate`, kafka `--delete`
options. A dry run (`--dry-run`, `--dryrun`) is allowed.

## Why
Cloud resources and service data are not in the repository: a deleted bucket, secret,
queue or backup is gone for the whole team, and the CLI acts with the operator's
credentials.

## Instead
Use the read verbs (`list`, `describe`, `get`) and `--dry-run`; the operator runs
deletions.",
    matches: &[
        "aws s3 rb s3://bucket --force",
        "splunk remove index main",
        "borg break-lock repo",
        "mc admin policy unset myminio policyname",
        "restic unlock --remove-all",
        "aws ec2 terminate-instances --instance-ids i-1",
        "gcloud storage buckets delete gs://b",
        "vault kv destroy secret/app",
        "gh secret delete FOO",
        "rclone sync /src remote:bucket",
        "aws secretsmanager put-secret-value --secret-id x --secret-string y",
        "rabbitmqctl delete_vhost /prod",
        "java -jar jenkins-cli.jar -s http://j/ delete-job x",
        "restic forget --prune latest",
    ],
    not_matches: &[
        "aws s3 ls",
        "borg create repo::archive /srv/data",
        "aws s3 sync ./dist s3://b/",
        "gcloud compute instances list",
        "vault kv put secret/app k=v",
        "gh pr list",
        "rclone sync /src remote:b --dry-run",
        "aws s3 rm s3://b/x --dryrun",
        "doppler run -- npm start",
    ],
    programs: Programs::Matching(may_hit),
    on_invocation: Some(check),
    on_event: None,
};

/// [`CLIENTS`], looked up by binary search.
static CLIENT_SET: NameSet = NameSet::new(CLIENTS);

/// Service clients whose subcommands this guard reads.
const CLIENTS: &[&str] = &[
    "algolia",
    "ansible",
    "apigeecli",
    "argocd",
    "atlas",
    "auth0",
    "aws",
    "awslocal",
    "az",
    "azcopy",
    "b2",
    "borg",
    "boundary",
    "bw",
    "cf",
    "chamber",
    "circleci",
    "confluent",
    "consul",
    "datadog-ci",
    "deck",
    "doctl",
    "doppler",
    "etcdctl",
    "exo",
    "fastly",
    "firebase",
    "flipt",
    "flux",
    "fly",
    "flyctl",
    "gcloud",
    "gcloud-alpha",
    "gcs",
    "gh",
    "gitlab-ctl",
    "gitlab-rails",
    "gitlab-rake",
    "gitlab-runner",
    "glab",
    "grafana-cli",
    "gsutil",
    "hcloud",
    "heroku",
    "ibmcloud",
    "infisical",
    "istioctl",
    "jenkins-cli",
    "kafka-acls",
    "kafka-configs",
    "kafka-consumer-groups",
    "kafka-delete-records",
    "kafka-topics",
    "kubeseal",
    "ldcli",
    "linkerd",
    "linode-cli",
    "lpass",
    "mc",
    "meilisearch",
    "minio",
    "mongocli",
    "nats",
    "neonctl",
    "netlify",
    "netlify-cli",
    "newrelic",
    "nomad",
    "nsupdate",
    "oci",
    "okta",
    "op",
    "pd",
    "planetscale",
    "pscale",
    "rabbitmqadmin",
    "rabbitmqctl",
    "railway",
    "rclone",
    "render",
    "restic",
    "rpk",
    "s3cmd",
    "salt",
    "scw",
    "sentry-cli",
    "skaffold",
    "snyk",
    "sops",
    "split",
    "splunk",
    "square",
    "stripe",
    "supabase",
    "terraform-cloud",
    "tfe",
    "turso",
    "twilio",
    "unleash",
    "upstash",
    "vault",
    "velero",
    "vercel",
    "wrangler",
];

/// Verbs that destroy, as whole words or parts of a hyphenated or underscored verb.
const VERBS: &[&str] = &[
    "delete",
    "rdelete",
    "unset",
    "roll",
    "break-lock",
    "deletefile",
    "del",
    "remove",
    "rm",
    "rb",
    "rmdir",
    "destroy",
    "terminate",
    "purge",
    "drop",
    "prune",
    "forget",
    "revoke",
    "disable",
    "archive",
    "cancel",
    "kill",
    "reset",
    "clear",
    "rollback",
    "uninstall",
    "unregister",
    "deregister",
    "unsubscribe",
    "untag",
    "wipe",
    "erase",
    "truncate",
    "flush",
    "undeploy",
    "cleanup",
    "dedupe",
    "compact",
    "recreate",
    "break",
    "destroy_all",
    "unpublish",
    "deactivate",
    "suspend",
    "detach",
    "evict",
];

fn destructive_word(w: &str) -> bool {
    let w = w.to_ascii_lowercase();
    if VERBS.contains(&w.as_str()) {
        return true;
    }
    // `delete-db-instance`, `kv:key`, `delete_vhost`, `batch-delete-image`,
    // `remove-regions-from-replication`; not words that merely contain a verb.
    let parts: Vec<&str> = w.split(['-', '_', ':', '.']).collect();
    parts.len() > 1 && parts.iter().any(|p| VERBS.contains(p) && *p != "break")
}

/// The client a tool name ([`tool_name`]) stands for, if this guard reads its
/// subcommands: `vault`, `vault.jar` and `vault.sh` are `vault`; any `kafka-*` tool.
fn client(tool: &str) -> Option<&str> {
    let name = tool.strip_suffix(".jar").unwrap_or(tool);
    let name = name.strip_suffix(".sh").unwrap_or(name);
    (name.starts_with("kafka-") || CLIENT_SET.contains(name)).then_some(name)
}

/// Whether [`check`] may judge the program `name`: when it may be a [`client`].
fn may_hit(name: &str) -> bool {
    super::util::may_be_tool(name, |t| client(t).is_some())
}

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    let tool = tool_name(inv, cx)?;
    let name = client(&tool)?;
    let args = inv.args();
    let known: Vec<&str> = args.iter().filter_map(Field::as_known).collect();
    if known.iter().any(|a| {
        matches!(*a, "--dry-run" | "--dryrun" | "--dry_run" | "--what-if" | "--plan") || a.starts_with("--dry-run=")
    }) {
        return None;
    }
    // Subcommand words: arguments before the first `--`, skipping options.
    let mut words: Vec<&str> = Vec::new();
    for a in &known {
        if *a == "--" {
            break;
        }
        // `repo::archive` (borg) names data, not a verb.
        if !a.starts_with('-') && !a.contains("://") && !a.contains('=') && !a.contains('/') && !a.contains("::") {
            words.push(a);
        }
        if words.len() >= 5 {
            break;
        }
    }
    let flag = |f: &str| known.iter().any(|a| *a == f || a.starts_with(&format!("{f}=")));
    let word = |w: &str| words.contains(&w);
    let hint = "use list/describe/get and --dry-run; the operator runs deletions";
    let ask = |what: String| Some(Hit::ask(what).hint(hint));
    // Tool-specific overwrites that no generic verb names.
    let special = match name {
        "rclone" => words.first().is_some_and(|w| matches!(*w, "sync" | "move" | "moveto" | "bisync")),
        "aws" | "awslocal" => {
            (word("sync") && flag("--delete"))
                || words.iter().any(|w| {
                    matches!(
                        *w,
                        "put-secret-value" | "update-secret" | "change-resource-record-sets" | "create-invalidation"
                    )
                })
        }
        "gsutil" => {
            word("rsync")
                && known.iter().any(|a| *a == "-d" || (a.starts_with('-') && !a.starts_with("--") && a.contains('d')))
        }
        "azcopy" => {
            word("sync") && known.iter().any(|a| a.starts_with("--delete-destination") && !a.ends_with("=false"))
        }
        "mc" => word("mirror") && (flag("--remove") || flag("--overwrite")),
        "restic" => word("unlock") && flag("--remove-all"),
        "splunk" => word("clean"),
        "deck" => word("sync") || word("reset"),
        "fastly" => word("activate"),
        "gitlab-rake" => known.iter().any(|a| a.contains("restore")),
        "gitlab-rails" => known.iter().any(|a| a.contains("destroy") || a.contains("delete")),
        "nsupdate" => {
            inv.stdin.stream().and_then(|s| s.content.as_deref()).is_some_and(|c| c.contains("delete")) || flag("-l")
        }
        _ => false,
    } || (name.starts_with("kafka-")
        && known.iter().any(|a| matches!(*a, "--delete" | "--remove" | "--delete-config" | "--reset-offsets"))
        || name == "kafka-delete-records");
    if special {
        return ask(format!("{name} {} overwrites or deletes data in a service", words.join(" ")));
    }
    let verb = words.iter().find(|w| destructive_word(w))?;
    // `ssm get-parameter`, `s3 rm --dryrun` handled above; `list-*`/`describe-*` never
    // contain a verb part.
    ask(format!("{name} {verb} deletes or disables something in a service ({})", words.join(" ")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }

    #[test]
    fn verbs() {
        use super::destructive_word;
        for w in
            ["delete", "delete-db-instance", "batch-delete-image", "delete_vhost", "rb", "purge-queue", "force_reset"]
        {
            assert!(destructive_word(w), "{w}");
        }
        for w in ["list", "describe-instances", "get", "deleted", "status", "describe"] {
            assert!(!destructive_word(w), "{w}");
        }
    }
}
