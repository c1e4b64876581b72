//! IN005 http-destructive: HTTP requests that delete or destroy through an API (`curl -X
//! DELETE`, `POST …/_delete_by_query`, GraphQL delete mutations, `gh api -X DELETE`).

use super::{Cx, Guard, Hit, Programs};
use crate::analyze::model::NameSet;
use crate::analyze::{Field, Invocation};
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "IN005",
    name: "http-destructive",
    decision: Decision::Ask,
    summary:
        "curl/wget/httpie DELETE requests, POSTs to delete endpoints, GraphQL delete mutations, gh/glab api -X DELETE",
    doc: "\
## What it stops
- HTTP `DELETE` requests: `curl -X DELETE`, `--request DELETE`, `wget --method=DELETE`,
  `http DELETE URL`, `gh api -X DELETE`, `glab api --method DELETE`.
- Requests to endpoints whose path says they delete: `…/_delete_by_query`,
  `…/documents/delete-batch`, `…/doDelete`, `…/_close`, `…/delete`, `…/destroy`,
  `…/purge`.
- GraphQL mutations that delete (`mutation { deleteEntity(…) }`).

## Why
An API call with the operator's token deletes as surely as a CLI command: indexes,
jobs, DNS zones, feature flags, email domains.

## Instead
Use GET requests to inspect; the operator runs deletions.",
    matches: &[
        "curl -X DELETE http://localhost:9200/my-index",
        "curl localhost:8001/services/x -X DELETE",
        "curl -X POST http://localhost:9200/i/_delete_by_query",
        "http DELETE :9200/my-index",
        "gh api -X DELETE repos/o/r",
        "curl -X POST https://api.newrelic.com/graphql -d '{\"query\":\"mutation { deleteEntity(guid: 1) }\"}'",
        "curl -X POST http://jenkins/job/x/doDelete",
    ],
    not_matches: &[
        "curl https://example.com",
        "curl -X POST https://api.example.com/items -d '{}'",
        "echo localhost:8001/services/x -X DELETE",
        "gh api repos/o/r",
        "curl -X GET http://localhost:9200/_cat/indices",
        "wget https://x/delete-me.txt",
    ],
    programs: Programs::Only(&PROGRAMS),
    on_invocation: Some(check),
    on_event: None,
};

/// The programs [`check`] judges: it returns `None` for any other.
static PROGRAMS: NameSet =
    NameSet::new(&["curl", "curlie", "gh", "glab", "http", "httpie", "https", "wget", "xh", "xhs"]);

const DELETE_PATHS: &[&str] = &[
    "_delete_by_query",
    "delete-batch",
    "dodelete",
    "_close",
    "delete",
    "destroy",
    "purge",
    "_flush_all",
    "deleteall",
    "remove",
];

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    let name = cx.name(inv)?;
    let args = inv.args();
    // Collected only for the programs that need them.
    let known = std::cell::LazyCell::new(|| args.iter().filter_map(Field::as_known).collect::<Vec<&str>>());
    let hint = "inspect with GET; the operator runs deletions";
    let method = match &*name {
        "curl" | "curlie" => {
            let mut m = None;
            for (k, a) in known.iter().enumerate() {
                if matches!(*a, "-X" | "--request") {
                    m = known.get(k + 1).map(|s| s.to_ascii_uppercase());
                } else if let Some(v) =
                    a.strip_prefix("--request=").or_else(|| a.strip_prefix("-X").filter(|v| !v.is_empty()))
                {
                    m = Some(v.to_ascii_uppercase());
                }
            }
            m.or_else(|| {
                known
                    .iter()
                    .any(|a| {
                        a.starts_with("-d")
                            || a.starts_with("--data")
                            || *a == "-F"
                            || *a == "--form"
                            || a.starts_with("--json")
                    })
                    .then(|| "POST".to_string())
            })
        }
        "wget" => known.iter().find_map(|a| a.strip_prefix("--method=")).map(str::to_ascii_uppercase),
        "http" | "https" | "xh" | "xhs" | "httpie" => known
            .iter()
            .find(|a| !a.starts_with('-'))
            .filter(|w| w.chars().all(|c| c.is_ascii_uppercase()))
            .map(|s| s.to_string()),
        "gh" | "glab" if known.first() == Some(&"api") => {
            let mut m = None;
            for (k, a) in known.iter().enumerate() {
                if matches!(*a, "-X" | "--method") {
                    m = known.get(k + 1).map(|s| s.to_ascii_uppercase());
                } else if let Some(v) = a.strip_prefix("--method=") {
                    m = Some(v.to_ascii_uppercase());
                }
            }
            m
        }
        _ => return None,
    };
    let url = known
        .iter()
        .find(|a| {
            !a.starts_with('-')
                && (a.contains("://")
                    || a.starts_with(':')
                    || a.starts_with('/')
                    || a.contains('.')
                    || a.contains(':')
                    || name == "gh"
                    || name == "glab")
                && !a.chars().all(|c| c.is_ascii_uppercase())
        })
        .copied()
        .unwrap_or("");
    let method = method?;
    if method == "DELETE" {
        return Some(Hit::ask(format!("{name} sends an HTTP DELETE to {url}")).hint(hint));
    }
    if matches!(method.as_str(), "POST" | "PUT" | "PATCH") {
        let path = url.split(['?', '#']).next().unwrap_or("").to_ascii_lowercase();
        if let Some(seg) = path.rsplit('/').find(|s| !s.is_empty()).filter(|s| {
            DELETE_PATHS.iter().any(|d| {
                s == d || s.starts_with(&format!("{d}_")) || s.ends_with(d) && s.len() > d.len() + 1 && d.len() > 6
            })
        }) {
            return Some(Hit::ask(format!("{name} {method} to {url} calls a delete endpoint ({seg})")).hint(hint));
        }
        let body = known
            .iter()
            .enumerate()
            .filter(|(k, _)| {
                *k > 0 && matches!(known[k - 1], "-d" | "--data" | "--data-raw" | "--data-binary" | "--json")
            })
            .map(|(_, b)| b.to_ascii_lowercase())
            .collect::<Vec<_>>()
            .join(" ");
        if body.contains("mutation")
            && ["delete", "remove", "destroy", "purge", "drop"].iter().any(|v| body.contains(v))
        {
            return Some(Hit::ask(format!("{name} sends a GraphQL mutation that deletes to {url}")).hint(hint));
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
}
