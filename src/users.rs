//! Who a user is: home directories and names from the user database.
//!
//! `/etc/passwd` is read first and directly. The system's name-service modules (LDAP,
//! systemd's dynamic users, …) are asked only by a dynamically linked build: a
//! statically linked glibc program cannot load them, and asking glibc to (for a name
//! that is not in `/etc/passwd`) crashes the process. `install.sh` links statically.

/// The home directory of `user`.
#[must_use]
pub fn home_of(user: &str) -> Option<String> {
    let from_file = std::fs::read_to_string("/etc/passwd").ok().and_then(|p| passwd_home(&p, user));
    if from_file.is_some() {
        return from_file;
    }
    name_service(|| nix::unistd::User::from_name(user)).map(|u| u.dir.to_string_lossy().into_owned())
}

/// The name of the user with id `uid`.
#[must_use]
pub fn name_of(uid: u32) -> Option<String> {
    let from_file = std::fs::read_to_string("/etc/passwd").ok().and_then(|p| passwd_name(&p, uid));
    if from_file.is_some() {
        return from_file;
    }
    name_service(|| nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid))).map(|u| u.name)
}

/// Asks the name service, where this build can (see the module docs).
#[cfg(not(target_feature = "crt-static"))]
fn name_service(ask: impl FnOnce() -> nix::Result<Option<nix::unistd::User>>) -> Option<nix::unistd::User> {
    ask().ok().flatten()
}

/// A statically linked build does not ask the name service (see the module docs).
#[cfg(target_feature = "crt-static")]
fn name_service(_ask: impl FnOnce() -> nix::Result<Option<nix::unistd::User>>) -> Option<nix::unistd::User> {
    None
}

/// The fields of `passwd` (a passwd(5) text) for which `pick` holds.
fn passwd_line(passwd: &str, pick: impl Fn(&[&str]) -> bool) -> Option<Vec<&str>> {
    passwd.lines().map(|line| line.split(':').collect::<Vec<_>>()).find(|f| f.len() >= 7 && pick(f))
}

/// The home field of `user`'s line in a passwd(5) text.
pub(crate) fn passwd_home(passwd: &str, user: &str) -> Option<String> {
    passwd_line(passwd, |f| f[0] == user).and_then(|f| (!f[5].is_empty()).then(|| f[5].to_string()))
}

/// The name on the line of user id `uid` in a passwd(5) text.
fn passwd_name(passwd: &str, uid: u32) -> Option<String> {
    let uid = uid.to_string();
    passwd_line(passwd, |f| f[2] == uid).and_then(|f| (!f[0].is_empty()).then(|| f[0].to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwd_lines_are_read_by_name_and_by_id() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\nci:x:1001:1001::/srv/ci:/bin/sh\nnohome:x:7:7:::/bin/sh\n\
                      short:x:9\n";
        assert_eq!(passwd_home(passwd, "root").as_deref(), Some("/root"));
        assert_eq!(passwd_home(passwd, "ci").as_deref(), Some("/srv/ci"));
        assert_eq!(passwd_home(passwd, "nohome"), None);
        assert_eq!(passwd_home(passwd, "ro"), None);
        assert_eq!(passwd_home(passwd, "short"), None);
        assert_eq!(passwd_name(passwd, 1001).as_deref(), Some("ci"));
        assert_eq!(passwd_name(passwd, 0).as_deref(), Some("root"));
        assert_eq!(passwd_name(passwd, 9), None);
        assert_eq!(passwd_name(passwd, 4242), None);
    }

    #[test]
    fn unknown_users_have_no_home() {
        assert_eq!(home_of("tako-no-such-user-4242"), None);
    }
}
