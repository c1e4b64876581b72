//! OP004 destructive-api-call: interpreter code that calls a destructive method of a
//! service API (`client.deleteIndex(…)`, `s3.delete_bucket(…)`).

use super::{Cx, Guard, Hit, Programs};
use crate::analyze::Event;
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "OP004",
    name: "destructive-api-call",
    decision: Decision::Ask,
    summary: "interpreter one-liners calling destructive service API methods (deleteIndex, delete_bucket, …)",
    doc: "\
## What it stops
`python -c`, `node -e`, `ruby -e` and similar one-liners that call a method of a
service client whose name says it destroys data: `deleteIndex`, `delete_bucket`,
`dropDatabase`, `purge_queue`, `destroy`, `flushall`, …

## Why
The same operations that IN004 asks about for command-line clients, reached through an
SDK instead.

## Instead
Use the service's CLI or console with the operator's approval.",
    matches: &[
        "node -e \"const c = algoliasearch('a','k'); c.deleteIndex('prod')\"",
        "python3 -c \"import boto3; boto3.client('s3').delete_bucket(Bucket='b')\"",
        "node -e 'db.dropDatabase()'",
    ],
    not_matches: &[
        "node -e 'console.log(1)'",
        "python3 -c \"import boto3; print(boto3.client('s3').list_buckets())\"",
        "python3 -c \"d = {}; d.pop('x', None)\"",
    ],
    programs: Programs::Any,
    on_invocation: None,
    on_event: Some(check),
};

fn check(ev: &Event, _cx: &Cx<'_>) -> Option<Hit> {
    let Event::ApiCall { runner, call, .. } = ev else { return None };
    Some(
        Hit::ask(format!("{runner} code calls {call}, which destroys data in a service"))
            .hint("use the service's own tools with the operator's approval"),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }
}
