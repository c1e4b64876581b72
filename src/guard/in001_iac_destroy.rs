//! IN001 iac-destroy: infrastructure-as-code tools destroying or applying without review.

use super::util::tool_name;
use super::{Cx, Guard, Hit, Programs};
use crate::analyze::model::NameSet;
use crate::analyze::{Field, Invocation};
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "IN001",
    name: "iac-destroy",
    decision: Decision::Ask,
    summary: "terraform/tofu/pulumi/cdk destroy, apply -auto-approve, state rm; sls remove, eksctl delete",
    doc: "\
## What it stops
`terraform|tofu|terragrunt destroy`, `apply -destroy`, `apply -auto-approve`,
`state rm`, `workspace delete`, `force-unlock`; `pulumi destroy|up --yes|stack rm`;
`cdk destroy`; `serverless|sls remove`; `sam delete`; `eksctl delete`;
`copilot … delete`.

## Why
These tools change real infrastructure: a destroy deletes servers, databases and DNS in
one step, and `-auto-approve` skips the plan a human was meant to read.

## Instead
Run `terraform plan` and show it; the operator applies or approves.",
    matches: &[
        "terraform destroy",
        "terraform apply -auto-approve",
        "tofu destroy -target=aws_instance.x",
        "pulumi destroy --yes",
        "cdk destroy",
        "terraform state rm aws_s3_bucket.b",
    ],
    not_matches: &[
        "terraform plan",
        "terraform init",
        "terraform apply",
        "pulumi preview",
        "cdk synth",
        "terraform fmt",
    ],
    programs: Programs::Tools(&PROGRAMS),
    on_invocation: Some(check),
    on_event: None,
};

/// The programs [`check`] judges, as [`super::util::tool_name`] reads names.
static PROGRAMS: NameSet = NameSet::new(&[
    "cdk",
    "cdktf",
    "cloudformation",
    "copilot",
    "eksctl",
    "pulumi",
    "sam",
    "serverless",
    "sls",
    "terraform",
    "terraform.exe",
    "terragrunt",
    "tofu",
]);

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    let name = tool_name(inv, cx)?;
    // The tools judged below; any other program is left before its arguments are read.
    if !matches!(
        &*name,
        "terraform"
            | "tofu"
            | "terragrunt"
            | "terraform.exe"
            | "pulumi"
            | "cdk"
            | "cdktf"
            | "serverless"
            | "sls"
            | "sam"
            | "eksctl"
            | "copilot"
            | "cloudformation"
    ) {
        return None;
    }
    let known: Vec<&str> = inv.args().iter().filter_map(Field::as_known).collect();
    let words: Vec<&str> = known.iter().copied().filter(|a| !a.starts_with('-')).collect();
    let flag = |f: &str| {
        known.iter().any(|a| {
            *a == f || a.starts_with(&format!("{f}=")) || a.trim_start_matches('-') == f.trim_start_matches('-')
        })
    };
    let w0 = words.first().copied().unwrap_or("");
    let w1 = words.get(1).copied().unwrap_or("");
    let msg = match &*name {
        "terraform" | "tofu" | "terragrunt" | "terraform.exe" => match w0 {
            "destroy" => format!("{name} destroy deletes the managed infrastructure"),
            "apply" if flag("-destroy") => format!("{name} apply -destroy deletes the managed infrastructure"),
            "apply" if flag("-auto-approve") => {
                format!("{name} apply -auto-approve changes infrastructure without review")
            }
            "state" if matches!(w1, "rm" | "mv" | "push" | "replace-provider") => {
                format!("{name} state {w1} rewrites the infrastructure state")
            }
            "workspace" if w1 == "delete" => format!("{name} workspace delete"),
            "force-unlock" => format!("{name} force-unlock"),
            "run-all" if words.contains(&"destroy") || words.contains(&"apply") => format!("{name} run-all {w1}"),
            _ => return None,
        },
        "pulumi" => match w0 {
            "destroy" | "down" => "pulumi destroy deletes the stack's resources".into(),
            "up" | "update" if flag("--yes") || flag("-y") || flag("--skip-preview") => {
                "pulumi up --yes changes infrastructure without review".into()
            }
            "stack" if w1 == "rm" => "pulumi stack rm".into(),
            "state" if w1 == "delete" => "pulumi state delete".into(),
            _ => return None,
        },
        "cdk" | "cdktf"
            if w0 == "destroy"
                || (w0 == "deploy" && known.contains(&"--require-approval") && known.contains(&"never")) =>
        {
            format!("{name} {w0}")
        }
        "serverless" | "sls" if w0 == "remove" => format!("{name} remove deletes the deployed service"),
        "sam" if w0 == "delete" => "sam delete deletes the stack".into(),
        "eksctl" if w0 == "delete" => format!("eksctl delete {w1}"),
        "copilot" if words.contains(&"delete") => "copilot delete".into(),
        "cloudformation" if w0 == "delete-stack" => "delete-stack".into(),
        _ => return None,
    };
    Some(Hit::ask(msg).hint("run a plan and show it; the operator applies"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }
}
