//! SE002 credential-store-change: removing keys, identities or trusted host keys from
//! the operator's credential stores (ssh-agent, known_hosts, GnuPG, keychains).

use super::{Cx, Guard, Hit, Programs};
use crate::analyze::model::NameSet;
use crate::analyze::{Field, Invocation};
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "SE002",
    name: "credential-store-change",
    decision: Decision::Ask,
    summary: "ssh-add -d/-D, ssh-keygen -R, gpg --delete-keys, keychain deletions, git credential reject",
    doc: "\
## What it stops
Commands that take credentials away from the operator or change which hosts are
trusted: `ssh-add -d` / `-D` (identities removed from the agent), `ssh-keygen -R HOST`
(a trusted host key removed from `known_hosts`, so the next connection trusts whatever
answers), `gpg --delete-keys` / `--delete-secret-keys`, macOS `security
delete-generic-password` and friends, `git credential reject` / `erase`.

## Why
These stores belong to the operator. Emptying the agent breaks their session; removing a
host key is the first step of a man-in-the-middle; deleted secret keys are gone.

## Instead
Leave the operator's keys alone; ask them to rotate or remove credentials themselves.",
    matches: &[
        "ssh-add -D",
        "ssh-add -d ~/.ssh/id_ed25519",
        "ssh-keygen -R github.com",
        "ssh-keygen -f ~/.ssh/known_hosts -R 192.168.1.1",
        "gpg --batch --delete-secret-keys ABCD",
        "security delete-generic-password -s svc",
        "printf 'protocol=https\\nhost=x\\n' | git credential reject",
    ],
    not_matches: &[
        "ssh-add -l",
        "ssh-add ~/.ssh/id_ed25519",
        "ssh-keygen -t ed25519 -f ./deploy_key -N ''",
        "ssh-keygen -F github.com",
        "gpg --list-keys",
        "git credential fill",
    ],
    programs: Programs::Only(&PROGRAMS),
    on_invocation: Some(check),
    on_event: None,
};

/// The programs [`check`] judges: it returns `None` for any other.
static PROGRAMS: NameSet = NameSet::new(&["git", "gpg", "gpg2", "security", "ssh-add", "ssh-keygen"]);

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    let name = cx.name(inv)?;
    // The known arguments, walked by each test that needs them (nothing is collected).
    let args = || inv.args().iter().filter_map(Field::as_known);
    let short = |c: char| args().any(|a| a.starts_with('-') && !a.starts_with("--") && a[1..].contains(c));
    let what = match &*name {
        "ssh-add" if short('D') => "ssh-add -D removes every identity from the operator's ssh-agent",
        "ssh-add" if short('d') => "ssh-add -d removes an identity from the operator's ssh-agent",
        "ssh-keygen" if short('R') => "ssh-keygen -R removes a trusted host key from known_hosts",
        "gpg" | "gpg2" if args().any(|a| a.starts_with("--delete-")) => "gpg deletes keys from the keyring",
        "security" if args().next().is_some_and(|a| a.starts_with("delete-")) => {
            "security deletes an item from the keychain"
        }
        "git" if args().zip(args().skip(1)).any(|(a, b)| a == "credential" && matches!(b, "reject" | "erase")) => {
            "git credential reject erases stored credentials"
        }
        _ => return None,
    };
    Some(Hit::ask(what).hint("leave the operator's credentials alone; ask them to change their keys"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }
}
