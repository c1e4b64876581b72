//! DB001 destructive-database: dropping, truncating or wiping databases through SQL
//! clients, key-value stores, admin tools and framework tasks.

use super::util::tool_name;
use super::{Cx, Guard, Hit, Programs};
use crate::analyze::model::NameSet;
use crate::analyze::{Field, Invocation};
use crate::policy::Decision;

/// The guard.
pub static GUARD: Guard = Guard {
    code: "DB001",
    name: "destructive-database",
    decision: Decision::Deny,
    summary: "DROP DATABASE, FLUSHALL, dropdb (deny); DROP TABLE, TRUNCATE, DELETE without WHERE, db resets (ask)",
    doc: "\
## What it stops
SQL and database commands given to clients (`psql -c`, `mysql -e`, `sqlite3 DB 'SQL'`,
`sqlcmd -Q`, `clickhouse-client -q`, `cockroach sql -e`, `duckdb`, `bq query`,
`cqlsh -e`, `mongosh --eval`, `redis-cli`), fed on standard input (here-documents,
pipes), or typed as bare SQL:
- `DROP DATABASE`/`SCHEMA`, `FLUSHALL`, `dropDatabase()`, `dropdb`, `mysqladmin drop`:
  denied.
- `DROP TABLE|VIEW|INDEX|USER|ROLE`, `TRUNCATE`, `DELETE`/`UPDATE` without `WHERE`,
  `ALTER TABLE … DROP`, `GRANT ALL`, `FLUSHDB`, Mongo `drop()`/`deleteMany({})`, and
  framework resets (`rails db:drop|reset`, `prisma migrate reset`, `manage.py flush`,
  `artisan migrate:fresh|db:wipe`, `mix ecto.drop|reset`): asks.

## Why
Databases hold data that is not in the repository; a dropped table is restored from a
backup, if there is one, hours later. Agents reach for resets to \"fix\" migrations.

## Instead
Write a migration, use a disposable local database, or ask the operator to reset it.",
    matches: &[
        "psql -c 'DROP DATABASE production;'",
        "mysql -e 'TRUNCATE TABLE users'",
        "psql -c 'DELETE FROM users WHERE 1=1'",
        "sqlite3 my.db 'DROP TABLE IF EXISTS users;'",
        "redis-cli FLUSHALL",
        "DROP TABLE users;",
        "DELETE FROM users;",
        "dropdb production",
        "psql <<'EOF'\nDELETE FROM audit_log;\nEOF",
        "rails db:drop",
    ],
    not_matches: &[
        "psql -c 'SELECT * FROM users'",
        "DELETE FROM users WHERE id = 1;",
        "truncate -s 0 app.log",
        "sqlite3 my.db .tables",
        "redis-cli GET key",
        "echo 'DROP TABLE users'",
        "git commit -m 'drop table users'",
        "mysql -e 'show databases'",
    ],
    programs: Programs::Tools(&PROGRAMS),
    on_invocation: Some(check),
    on_event: None,
};

/// The programs [`check`] judges, as [`super::util::tool_name`] reads names.
static PROGRAMS: NameSet = NameSet::new(&[
    "alter",
    "artisan",
    "bin/rails",
    "bq",
    "clickhouse",
    "clickhouse-client",
    "cockroach",
    "cqlsh",
    "delete",
    "django-admin",
    "drop",
    "dropdb",
    "dropuser",
    "duckdb",
    "flushall",
    "flushdb",
    "grant",
    "influx",
    "isql",
    "keydb-cli",
    "litecli",
    "manage.py",
    "mariadb",
    "memsql",
    "mix",
    "mongo",
    "mongosh",
    "mycli",
    "mysql",
    "mysqladmin",
    "osql",
    "pgcli",
    "php",
    "presto",
    "prisma",
    "psql",
    "python",
    "python3",
    "rails",
    "rake",
    "redis-cli",
    "sequelize",
    "sequelize-cli",
    "singlestore",
    "snowsql",
    "sqlcmd",
    "sqlite",
    "sqlite3",
    "tidb",
    "trino",
    "truncate",
    "update",
    "usql",
    "valkey-cli",
]);

fn check(inv: &Invocation, cx: &Cx<'_>) -> Option<Hit> {
    let name = tool_name(inv, cx)?;
    let args = inv.args();
    // Collected only for the programs that need them (`java -jar other.jar` does not).
    let known = std::cell::LazyCell::new(|| args.iter().filter_map(Field::as_known).collect::<Vec<&str>>());
    let hint = "use a migration or a disposable local database; the operator resets shared ones";
    // Admin tools and framework tasks.
    let first = std::cell::LazyCell::new(|| known.iter().find(|a| !a.starts_with('-')).copied().unwrap_or(""));
    let task = match &*name {
        "dropdb" => {
            return Some(Hit::deny(format!("dropdb deletes the database {}", known.last().unwrap_or(&""))).hint(hint))
        }
        "mysqladmin" if known.contains(&"drop") => {
            return Some(Hit::deny("mysqladmin drop deletes a database").hint(hint))
        }
        "dropuser" => Some("dropuser deletes a database role"),
        "rails" | "rake" | "bin/rails"
            if known
                .iter()
                .any(|a| matches!(*a, "db:drop" | "db:reset" | "db:schema:load" | "db:purge" | "db:drop:all")) =>
        {
            Some("the task drops or resets the database")
        }
        "prisma" if known.windows(2).any(|w| w == ["migrate", "reset"]) || known.contains(&"--force-reset") => {
            Some("prisma resets the database")
        }
        "python" | "python3" | "manage.py" | "django-admin"
            if known.iter().any(|a| matches!(*a, "flush" | "reset_db" | "sqlflush"))
                && (name.contains("manage")
                    || name == "django-admin"
                    || known.iter().any(|a| a.ends_with("manage.py"))) =>
        {
            Some("django flushes the database")
        }
        "php" | "artisan"
            if known
                .iter()
                .any(|a| matches!(*a, "migrate:fresh" | "migrate:reset" | "db:wipe" | "migrate:refresh")) =>
        {
            Some("artisan wipes the database")
        }
        "mix" if known.iter().any(|a| matches!(*a, "ecto.drop" | "ecto.reset")) => Some("mix drops the database"),
        "sequelize" | "sequelize-cli" if known.contains(&"db:drop") => Some("sequelize drops the database"),
        _ => None,
    };
    if let Some(t) = task {
        return Some(Hit::ask(t).hint(hint));
    }
    let texts = sql_texts(&name, *first, args, inv, cx);
    let mut worst: Option<Hit> = None;
    for text in texts {
        if let Some((d, what)) = judge(&text) {
            let hit = Hit { decision: d, message: format!("{name} runs `{what}`"), hint: Some(hint.into()) };
            if worst.as_ref().is_none_or(|w| hit.decision > w.decision) {
                worst = Some(hit);
            }
        }
    }
    worst
}

/// The database code an invocation runs, by client.
fn sql_texts(name: &str, first: &str, args: &[Field], inv: &Invocation, cx: &Cx<'_>) -> Vec<String> {
    let mut out = Vec::new();
    // Files of SQL the client runs (`psql -f F`), read below.
    let mut files = Vec::new();
    let value_of = |opts: &[&str]| -> Vec<String> {
        let mut v = Vec::new();
        for (k, a) in args.iter().enumerate() {
            let Some(t) = a.as_known() else { continue };
            if opts.contains(&t) {
                if let Some(x) = args.get(k + 1).and_then(Field::as_known) {
                    v.push(x.to_string());
                }
            } else if let Some((o, x)) = t.split_once('=') {
                if opts.contains(&o) {
                    v.push(x.to_string());
                }
            } else if let Some(o) = opts.iter().find(|o| o.len() == 2 && t.starts_with(*o) && t.len() > 2) {
                v.push(t[o.len()..].to_string());
            }
        }
        v
    };
    let stdin = inv.stdin.stream().and_then(|s| s.content.clone());
    let client = match name {
        "psql" | "pgcli" => {
            out.extend(value_of(&["-c", "--command"]));
            files.extend(value_of(&["-f", "--file"]));
            true
        }
        "mysql" | "mariadb" | "mycli" | "cockroach" | "cqlsh" | "tidb" | "memsql" | "singlestore" => {
            out.extend(value_of(&["-e", "--execute"]));
            true
        }
        "sqlite3" | "sqlite" | "duckdb" | "litecli" => {
            out.extend(value_of(&["-c", "-cmd"]));
            // `sqlite3 DB SQL…`: operands after the database file.
            let ops: Vec<&str> = args.iter().filter_map(Field::as_known).filter(|a| !a.starts_with('-')).collect();
            if ops.len() > 1 {
                out.push(ops[1..].join(" "));
            }
            true
        }
        "sqlcmd" | "osql" | "isql" => {
            out.extend(value_of(&["-Q", "-q"]));
            files.extend(value_of(&["-i"]));
            true
        }
        "clickhouse-client" | "clickhouse" | "snowsql" | "usql" | "trino" | "presto" | "influx" => {
            out.extend(value_of(&["-q", "--query", "-e", "--execute"]));
            files.extend(value_of(match name {
                "clickhouse-client" | "clickhouse" => &["--queries-file"],
                "snowsql" => &["-f", "--filename"],
                "usql" | "trino" | "presto" => &["-f", "--file"],
                _ => &[],
            }));
            true
        }
        "bq" if first == "query" => {
            out.push(
                args.iter()
                    .filter_map(Field::as_known)
                    .filter(|a| !a.starts_with('-') && *a != "query")
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            true
        }
        "mongosh" | "mongo" => {
            out.extend(value_of(&["--eval"]));
            true
        }
        "redis-cli" | "valkey-cli" | "keydb-cli" => {
            let words: Vec<&str> = args.iter().filter_map(Field::as_known).collect();
            let mut i = 0;
            while i < words.len() && words[i].starts_with('-') {
                i += if matches!(
                    words[i],
                    "-h" | "-p" | "-a" | "-n" | "-u" | "--user" | "--pass" | "-s" | "--tls" | "-r" | "-i"
                ) {
                    if words[i] == "--tls" {
                        1
                    } else {
                        2
                    }
                } else {
                    1
                };
            }
            if i < words.len() {
                out.push(words[i..].join(" "));
            }
            true
        }
        // Bare SQL typed as a command line (`DROP TABLE users;`).
        // (coreutils' `truncate -s 0 app.log` is not SQL: `TRUNCATE TABLE x` is.)
        "truncate"
            if !inv.argv.first().and_then(Field::as_known).is_some_and(|a| a == "TRUNCATE")
                && !first.eq_ignore_ascii_case("table") =>
        {
            false
        }
        "drop" | "truncate" | "delete" | "alter" | "grant" | "update" | "flushall" | "flushdb" => {
            let argv0 = inv.argv.first().and_then(Field::as_known).unwrap_or("");
            out.push(format!("{argv0} {}", args.iter().map(|a| a.text.as_str()).collect::<Vec<_>>().join(" ")));
            false
        }
        _ => false,
    };
    if client {
        match stdin {
            Some(s) => out.push(s),
            // Its input read from a file (`psql < drop.sql`).
            None => files.extend(
                inv.redirects
                    .iter()
                    .filter(|r| r.fd == 0 && r.mode == crate::analyze::RedirMode::Read)
                    .filter_map(|r| r.target.as_ref().and_then(Field::as_known))
                    .map(String::from),
            ),
        }
        out.extend(files.iter().filter_map(|f| sql_file(f, inv, cx)));
    }
    out
}

/// The text of a file of SQL a client runs, when files may be read and it is small
/// enough to be a script ([`crate::analyze::MAX_SCRIPT_FILE`]); a file that cannot be
/// read is none (the client fails on it too).
fn sql_file(path: &str, inv: &Invocation, cx: &Cx<'_>) -> Option<String> {
    if !cx.ctx.read_files {
        return None;
    }
    let path = crate::context::normalize_join(inv.cwd.path()?, path);
    if std::fs::metadata(&path).ok()?.len() > crate::analyze::MAX_SCRIPT_FILE {
        return None;
    }
    let bytes = std::fs::read(&path).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// Whether a statement's `WHERE` holds for every row: `WHERE 1=1`, `WHERE TRUE`,
/// `WHERE 'a' = 'a'`, `WHERE id = id`.
fn always_true(words: &[String]) -> bool {
    let Some(k) = words.iter().position(|w| w == "WHERE") else { return false };
    let cond: String =
        words[k + 1..].iter().take_while(|w| !matches!(w.as_str(), "AND" | "LIMIT" | "RETURNING")).cloned().collect();
    let cond = cond.trim_end_matches(';');
    if matches!(cond, "TRUE" | "1" | "NOT FALSE" | "NOTFALSE") {
        return true;
    }
    match cond.split_once('=') {
        Some((a, b)) => !a.is_empty() && a == b && !a.contains(['<', '>', '!']),
        None => false,
    }
}

/// Judges database code: the strictest statement decides.
fn judge(code: &str) -> Option<(Decision, String)> {
    let mut worst: Option<(Decision, String)> = None;
    let cleaned: String = code.lines().map(|l| l.split("--").next().unwrap_or("")).collect::<Vec<_>>().join(" ");
    for stmt in cleaned.split(';') {
        let words: Vec<String> = stmt
            .split_whitespace()
            .map(|w| w.trim_matches(|c: char| c == '`' || c == '"' || c == '(' || c == ')').to_ascii_uppercase())
            .collect();
        let w = |i: usize| words.get(i).map_or("", String::as_str);
        let has = |s: &str| words.iter().any(|x| x == s);
        let shown = stmt.split_whitespace().collect::<Vec<_>>().join(" ");
        let verdict = match w(0) {
            "DROP" if matches!(w(1), "DATABASE" | "SCHEMA") => Some(Decision::Deny),
            "DROP" => Some(Decision::Ask),
            "TRUNCATE" => Some(Decision::Ask),
            "DELETE" | "UPDATE" if !has("WHERE") || always_true(&words) => Some(Decision::Ask),
            "ALTER" if has("DROP") => Some(Decision::Ask),
            "GRANT" if has("ALL") => Some(Decision::Ask),
            "FLUSHALL" => Some(Decision::Deny),
            "FLUSHDB" | "SHUTDOWN" => Some(Decision::Ask),
            "CONFIG" if w(1) == "SET" => Some(Decision::Ask),
            _ => None,
        };
        let lower = stmt.to_ascii_lowercase();
        let mongo = if lower.contains("dropdatabase(") {
            Some(Decision::Deny)
        } else if lower.contains(".drop(")
            || lower.contains("deletemany({})")
            || lower.contains("remove({})")
            || lower.contains("deletemany( {} )")
        {
            Some(Decision::Ask)
        } else {
            None
        };
        if let Some(d) = verdict.max(mongo) {
            if worst.as_ref().is_none_or(|(wd, _)| d > *wd) {
                worst = Some((d, shown));
            }
        }
    }
    worst
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples() {
        crate::guard::tests::check_examples(&super::GUARD);
    }

    #[test]
    fn statements() {
        assert_eq!(judge("drop database x").map(|v| v.0), Some(Decision::Deny));
        assert_eq!(judge("select 1; drop table t").map(|v| v.0), Some(Decision::Ask));
        assert_eq!(judge("delete from t where id=1"), None);
        assert_eq!(judge("-- drop table t\nselect 1"), None);
        assert_eq!(judge("db.dropDatabase()").map(|v| v.0), Some(Decision::Deny));
    }

    #[test]
    fn files_of_sql_given_to_clients_are_read() {
        let dir = tempfile::Builder::new().prefix("tako-db001-").tempdir_in("/tmp").expect("temp dir");
        std::fs::write(dir.path().join("drop.sql"), "-- reset\nDROP TABLE users;\n").expect("write");
        std::fs::write(dir.path().join("seed.sql"), "INSERT INTO users VALUES (1);\n").expect("write");
        let env = [("HOME".to_string(), "/home/tester".to_string())].into();
        let ctx = crate::context::Context::new(dir.path().to_path_buf(), env);
        let decide = |cmd: &str| crate::policy::evaluate_shell(cmd, &[], &ctx);
        for cmd in [
            "psql -f drop.sql",
            "psql --file=drop.sql",
            "psql < drop.sql",
            "mysql app < drop.sql",
            "sqlcmd -i drop.sql",
        ] {
            let e = decide(cmd);
            assert!(
                e.reasons.iter().any(|r| r.code == "DB001" && r.message.contains("DROP TABLE")),
                "{cmd}: {:?}",
                e.reasons
            );
        }
        for cmd in ["psql -f seed.sql", "psql < seed.sql", "psql -f missing.sql", "wc -l < drop.sql"] {
            assert_eq!(decide(cmd).decision, Decision::Allow, "{cmd}");
        }
    }
}
