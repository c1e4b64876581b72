//! The local files cloud CLIs read and send: `aws s3 cp|mv|sync SRC… DST`, aws's
//! `--body F`, `file://F` and `fileb://F` arguments, `gcloud storage cp|mv|rsync SRC…
//! DST`, `gcloud compute scp SRC… VM:DST`, `az storage blob|file upload[-batch]|sync
//! -f|-s F`.
//!
//! Invariant: only arguments in a file's place are listed; buckets, resource names,
//! remote paths and settings are not files. It never reads the disk.

use super::model::Field;

/// What a cloud CLI's command line sends from the local disk.
#[derive(Debug, Default)]
pub(crate) struct Upload<'a> {
    /// Arguments that name local files or directories.
    pub sources: Vec<&'a Field>,
    /// Paths written inside arguments (`fileb://~/.aws/credentials`, `--body=k.pem`), as
    /// written: the CLI reads `~/` as the home directory.
    pub inside: Vec<&'a str>,
    /// Directories among `sources` are sent whole (`--recursive`, `sync`,
    /// `upload-batch`).
    pub recursive: bool,
}

/// Whether [`upload`] may find anything in a command line of the program `name`.
pub(crate) fn uploads_files(name: &str) -> bool {
    matches!(name, "aws" | "gcloud" | "az")
}

/// What `name args` uploads, when it is a cloud CLI that uploads anything.
pub(crate) fn upload<'a>(name: &str, args: &'a [Field]) -> Option<Upload<'a>> {
    if !uploads_files(name) {
        return None;
    }
    let word = |k: usize| args.get(k).and_then(Field::as_known).unwrap_or("");
    let mut up = Upload::default();
    if name == "aws" {
        // `file://F` and `fileb://F` read F wherever they stand (`--zip-file fileb://f.zip`,
        // `--value file://key`, `--cli-input-json file://in.json`); `--body F` is a file.
        for (k, a) in args.iter().enumerate() {
            let Some(t) = a.as_known() else { continue };
            let value = t.split_once('=').filter(|(o, _)| o.starts_with("--")).map_or(t, |(_, v)| v);
            if let Some(p) = value.strip_prefix("fileb://").or_else(|| value.strip_prefix("file://")) {
                up.inside.push(p);
            } else if let Some(p) = t.strip_prefix("--body=") {
                up.inside.push(p);
            } else if t == "--body" {
                up.sources.extend(args.get(k + 1));
            }
        }
    }
    let (skip, recursive) = match (name, word(0), word(1)) {
        ("aws", "s3", "sync") => (2, true),
        ("aws", "s3", "cp" | "mv") => (2, false),
        ("gcloud", "alpha" | "beta", _) => return gcloud(args, 1, up),
        ("gcloud", ..) => return gcloud(args, 0, up),
        ("az", "storage", "blob" | "file") => {
            up.recursive = matches!(word(2), "upload-batch" | "sync");
            for (k, a) in args.iter().enumerate() {
                if matches!(a.as_known(), Some("-f" | "--file" | "--source" | "-s")) {
                    up.sources.extend(args.get(k + 1));
                }
            }
            return Some(up);
        }
        _ => return Some(up),
    };
    let (operands, flagged) = operands(&args[skip..]);
    up.recursive = recursive || flagged;
    if let Some((_, sources)) = operands.split_last() {
        up.sources.extend(sources.iter().filter(|f| !f.as_known().is_some_and(|t| t.contains("://"))));
    }
    Some(up)
}

/// [`upload`] for gcloud, its words starting at `at` (after `alpha`/`beta`).
fn gcloud<'a>(args: &'a [Field], at: usize, mut up: Upload<'a>) -> Option<Upload<'a>> {
    let word = |k: usize| args.get(at + k).and_then(Field::as_known).unwrap_or("");
    let scp = match (word(0), word(1)) {
        ("storage", "cp" | "mv" | "rsync") => false,
        ("compute", "scp") => true,
        _ => return Some(up),
    };
    let (operands, flagged) = operands(&args[at + 2..]);
    up.recursive = flagged;
    if let Some((_, sources)) = operands.split_last() {
        // `gcloud compute scp` names remote files `VM:PATH`.
        let remote = |t: &str| scp && t.split_once(':').is_some_and(|(vm, _)| !vm.contains('/'));
        up.sources.extend(sources.iter().filter(|f| !f.as_known().is_some_and(|t| t.contains("://") || remote(t))));
    }
    Some(up)
}

/// The operands of a copy's words (its options take a value unless they are one of the
/// switches), and whether one of them copies directories whole.
fn operands(args: &[Field]) -> (Vec<&Field>, bool) {
    let recursive_switch = |t: &str| matches!(t, "--recursive" | "-r" | "-R" | "--recurse");
    let switch = |t: &str| {
        t.contains('=')
            || recursive_switch(t)
            || matches!(
                t,
                "--dryrun"
                    | "--dry-run"
                    | "--quiet"
                    | "-q"
                    | "--no-progress"
                    | "--delete"
                    | "--delete-unmatched-destination-objects"
                    | "--follow-symlinks"
                    | "--no-follow-symlinks"
                    | "--exact-timestamps"
                    | "--size-only"
                    | "--only-show-errors"
                    | "--no-guess-mime-type"
                    | "--debug"
                    | "--no-clobber"
                    | "-n"
                    | "--compress"
                    | "--internal-ip"
                    | "--tunnel-through-iap"
                    | "--plain"
                    | "--force-key-file-overwrite"
            )
    };
    let mut operands: Vec<&Field> = Vec::new();
    let mut recursive = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_known() {
            Some(t) if t.starts_with('-') => {
                recursive |= recursive_switch(t);
                if !switch(t) {
                    it.next();
                }
            }
            _ => operands.push(a),
        }
    }
    (operands, recursive)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn up(line: &str) -> (Vec<String>, Vec<String>, bool) {
        let mut words = line.split_whitespace();
        let name = words.next().unwrap_or_default();
        let args: Vec<Field> = words.map(Field::known).collect();
        let u = upload(name, &args).unwrap_or_default();
        let sources = u.sources.iter().map(|f| f.text.to_string()).collect();
        (sources, u.inside.iter().map(ToString::to_string).collect(), u.recursive)
    }

    #[test]
    fn sources_inside_arguments_and_recursion() {
        assert_eq!(up("aws s3 cp . s3://b/ --recursive"), (vec![".".into()], vec![], true));
        assert_eq!(up("aws s3 sync ~ s3://b"), (vec!["~".into()], vec![], true));
        assert_eq!(up("aws s3 cp s3://b/k ./k"), (vec![], vec![], false));
        assert_eq!(up("aws s3 cp --profile p a.txt s3://b/"), (vec!["a.txt".into()], vec![], false));
        assert_eq!(up("aws s3api put-object --bucket b --key k --body k.pem").0, vec!["k.pem".to_string()]);
        assert_eq!(up("aws lambda update-function-code --zip-file fileb://f.zip").1, vec!["f.zip".to_string()]);
        assert_eq!(up("aws ssm put-parameter --value=file://~/.ssh/id_rsa").1, vec!["~/.ssh/id_rsa".to_string()]);
        assert_eq!(up("gcloud compute scp --zone z k vm:/tmp"), (vec!["k".into()], vec![], false));
        assert_eq!(up("gcloud compute scp vm:/etc/x ."), (vec![], vec![], false));
        assert_eq!(up("gcloud beta compute scp --recurse d vm:/tmp"), (vec!["d".into()], vec![], true));
        assert_eq!(up("gcloud storage cp -r d gs://b"), (vec!["d".into()], vec![], true));
        assert_eq!(up("az storage blob upload-batch -s d -d c"), (vec!["d".into()], vec![], true));
        assert_eq!(up("gcloud config set project p"), (vec![], vec![], false));
        assert!(upload("scp", &[]).is_none());
    }
}
