//! The auditor's verifier: `terraform-provider-gxp verify <file | directory | s3://bucket/prefix>`.
//!
//! Collects reports (`*.json`) with their `.sha256` and `.sig` companions, runs the
//! [`chain`](super::chain) checks, verifies signatures through KMS, and prints a summary.
//! Exit status: 0 when nothing was found, 1 on any finding, 2 when the verifier could not
//! run (bad arguments, unreadable source).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use futures::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};

use super::chain::{self, Chain, Collected, Finding, FindingKind};
use super::collect::collect;
use super::sign::{verify_signature, SignatureFile};
use super::REPORT_EXTENSION;
use crate::aws::{classify, AwsContext, AwsSettings, Service};
use crate::evidence::local::LocalStore;
use crate::evidence::s3::S3Store;
use crate::evidence::EvidenceStore;
use crate::util::{now_utc, rfc3339};

/// Identifier of the `--json` output format.
pub const VERIFICATION_FORMAT: &str = "gxp.verification/v1";

/// Reads and KMS calls in flight at once.
const CONCURRENCY: usize = 8;

/// Help text of the subcommand.
pub const USAGE: &str =
    "Usage: terraform-provider-gxp verify [OPTIONS] <FILE | DIRECTORY | s3://BUCKET/PREFIX>

Verify filed qualification reports: each report's SHA-256 against its .sha256 file, the
chain of reports of every qualification (sequence numbers and previous-report hashes),
and the KMS signatures in .sig files.

Options:
  --json                 print the result as JSON (gxp.verification/v1)
  --signing-key KEY      accept only signatures made with this KMS key (id, ARN or alias;
                         repeatable); every report must then be signed
  --require-signatures   every report must have a valid signature
  --expect-head SHA256   the SHA-256 of the last report the pipeline filed (the
                         qualification's report_sha256): it must be in the chain
  --min-sequence N       the chain must reach sequence N (the qualification's
                         report_sequence); with several qualifications at the source,
                         name one with --qualification
  --qualification NAME   check the head of this qualification's chain only
  --region REGION        AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, profile)
  --endpoint-url URL     S3, KMS and STS endpoint (emulators, VPC endpoints)
  --path-style           address S3 buckets path-style
  -h, --help             print this help

Exit status: 0 no findings, 1 findings, 2 the verifier could not run.
AWS credentials come from the default chain (environment, profile, SSO, instance role).
";

/// Command-line options.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Options {
    pub source: String,
    pub json: bool,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    pub path_style: bool,
    pub signing_keys: Vec<String>,
    pub require_signatures: bool,
    /// The SHA-256 (lowercase hex) of the last report the pipeline knows.
    pub expect_head: Option<String>,
    /// The sequence number the chain must reach.
    pub min_sequence: Option<i64>,
    /// The qualification whose chain the head concerns.
    pub qualification: Option<String>,
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Verify(Options),
    Help,
}

/// Parse the arguments after `verify`.
pub fn parse_args(args: &[String]) -> Result<Command, String> {
    let mut opts = Options::default();
    let mut sources = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |what: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| format!("{name} needs a {what}"))
        };
        match name {
            "-h" | "--help" => return Ok(Command::Help),
            "--json" => opts.json = true,
            "--path-style" => opts.path_style = true,
            "--require-signatures" => opts.require_signatures = true,
            "--region" => opts.region = Some(value("region")?),
            "--endpoint-url" => opts.endpoint_url = Some(value("URL")?),
            "--signing-key" => opts.signing_keys.push(value("KMS key")?),
            "--expect-head" => {
                let head = value("64-hex SHA-256")?.to_ascii_lowercase();
                if !crate::spec::validate::is_sha256_hex(&head) {
                    return Err("--expect-head needs a 64-hex SHA-256".into());
                }
                opts.expect_head = Some(head);
            }
            "--min-sequence" => {
                let n = value("sequence number")?;
                match n.parse::<i64>() {
                    Ok(n) if n >= 1 => opts.min_sequence = Some(n),
                    _ => {
                        return Err(format!(
                            "--min-sequence needs a sequence number of 1 or more, got {n}"
                        ))
                    }
                }
            }
            "--qualification" => opts.qualification = Some(value("qualification name")?),
            s if s.starts_with('-') && s.len() > 1 => {
                return Err(format!("unknown option {s}"));
            }
            _ => sources.push(arg.clone()),
        }
    }
    match sources.len() {
        0 => Err("no source given: name a report file, a directory or s3://bucket/prefix".into()),
        1 => {
            opts.source = sources.remove(0);
            Ok(Command::Verify(opts))
        }
        _ => Err(format!(
            "one source at a time, got {}: {}",
            sources.len(),
            sources.join(" ")
        )),
    }
}

/// Where the reports are.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// One report file; its companions are next to it.
    File(PathBuf),
    /// A directory, searched recursively.
    Directory(PathBuf),
    /// Every object under a prefix (`s3://bucket/prefix`).
    S3Prefix { bucket: String, prefix: String },
    /// One report object (`s3://bucket/key.json`).
    S3Object { bucket: String, key: String },
}

impl Source {
    /// A source from its command-line form.
    pub fn parse(text: &str) -> Result<Source, String> {
        if let Some(rest) = text.strip_prefix("s3://") {
            let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(format!("{text}: no bucket name"));
            }
            return Ok(if key.ends_with(REPORT_EXTENSION) {
                Source::S3Object {
                    bucket: bucket.into(),
                    key: key.into(),
                }
            } else {
                Source::S3Prefix {
                    bucket: bucket.into(),
                    prefix: key.into(),
                }
            });
        }
        let path = PathBuf::from(text);
        match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => Ok(Source::Directory(path)),
            Ok(_) => Ok(Source::File(path)),
            Err(e) => Err(format!("cannot read {text}: {e}")),
        }
    }

    fn is_s3(&self) -> bool {
        matches!(self, Source::S3Prefix { .. } | Source::S3Object { .. })
    }
}

/// The verification result (the `--json` output).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Summary {
    /// `gxp.verification/v1`.
    pub format: String,
    pub source: String,
    pub verified_at: String,
    /// No findings.
    pub passed: bool,
    pub reports_checked: usize,
    /// Whether the chains were checked (not for a single report).
    pub chains_checked: bool,
    pub qualifications: usize,
    pub chains_intact: usize,
    /// Reports with a `.sig` file.
    pub signatures_found: usize,
    /// Signatures KMS confirmed valid.
    pub signatures_verified: usize,
    pub chains: Vec<Chain>,
    pub findings: Vec<Finding>,
    /// The head the pipeline recorded and whether the chain reaches it (with
    /// `--expect-head` or `--min-sequence` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<HeadCheck>,
}

/// The check of the chain's end against the head the pipeline recorded.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct HeadCheck {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_head: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_sequence: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualification: Option<String>,
    /// No [`FindingKind::Truncated`] finding.
    pub found: bool,
}

impl Summary {
    /// Process exit status: 0 clean, 1 findings.
    pub fn exit_code(&self) -> u8 {
        if self.passed {
            0
        } else {
            1
        }
    }
}

/// Run the subcommand with the arguments after `verify`; returns the exit status.
pub async fn command(args: &[String]) -> u8 {
    let opts = match parse_args(args) {
        Ok(Command::Verify(opts)) => opts,
        Ok(Command::Help) => {
            print!("{USAGE}");
            return 0;
        }
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return 2;
        }
    };
    match verify(&opts).await {
        Ok(summary) => {
            if opts.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&summary).unwrap_or_default()
                );
            } else {
                print!("{}", render(&summary));
            }
            summary.exit_code()
        }
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}

/// AWS access for the verifier: default credential chain, region and endpoint from the
/// options or the environment (`AWS_REGION`, `AWS_ENDPOINT_URL`, ...).
pub async fn aws_context(opts: &Options) -> Result<AwsContext, String> {
    let mut settings = AwsSettings {
        region: opts.region.clone(),
        s3_use_path_style: opts.path_style,
        max_retries: 2,
        ..Default::default()
    };
    if let Some(url) = &opts.endpoint_url {
        for service in [Service::S3, Service::Kms, Service::Sts] {
            settings.endpoints.insert(service, url.clone());
        }
    }
    AwsContext::load(&settings).await.map_err(|e| {
        let (summary, detail) = e.diagnostic();
        format!("{summary}: {detail}")
    })
}

/// Collect, check and verify everything at the source in `opts`.
/// `Err` when the verifier cannot run (unreadable source, AWS not configured for S3).
pub async fn verify(opts: &Options) -> Result<Summary, String> {
    let source = Source::parse(&opts.source)?;
    let mut aws = None;
    if source.is_s3() || !opts.signing_keys.is_empty() {
        aws = Some(aws_context(opts).await?);
    }
    let trusted = match &aws {
        Some(aws) if !opts.signing_keys.is_empty() => resolve_keys(aws, &opts.signing_keys).await?,
        _ => Vec::new(),
    };
    let (store, report_keys, known) = open(&source, aws.as_ref()).await?;
    let mut findings = Vec::new();
    if let Some(known) = &known {
        let keys: Vec<String> = known.iter().cloned().collect();
        for key in chain::missing_reports(&keys) {
            findings.push(Finding::new(
                store.location_of(&key),
                FindingKind::MissingReport,
                "the report is missing but its .sha256 or .sig file is still there: the report was removed",
            ));
        }
    }
    let (reports, unreadable) = collect(store.as_ref(), &report_keys, known.as_ref()).await;
    findings.extend(unreadable);
    if reports.is_empty() && findings.is_empty() {
        findings.push(Finding::new(
            store.describe(),
            FindingKind::NoReports,
            "no reports (*.json) found: check the path or prefix",
        ));
    }
    let chains_checked = !matches!(source, Source::File(_) | Source::S3Object { .. });
    let checked = chain::check(&reports, chains_checked);
    let truncated = truncation_findings(&checked, &store.describe(), opts)?;
    let head = (opts.expect_head.is_some() || opts.min_sequence.is_some()).then(|| HeadCheck {
        expected_head: opts.expect_head.clone(),
        min_sequence: opts.min_sequence,
        qualification: opts.qualification.clone(),
        found: truncated.is_empty(),
    });
    findings.extend(truncated);
    findings.extend(checked.findings);

    let require = opts.require_signatures || !opts.signing_keys.is_empty();
    let (mut to_verify, signature_findings) =
        select_signatures(&reports, &checked.hashes, &trusted, require);
    findings.extend(signature_findings);
    let signatures_found = reports.iter().filter(|r| r.signature.is_some()).count();
    let mut signatures_verified = 0;
    if !to_verify.is_empty() && aws.is_none() {
        match aws_context(opts).await {
            Ok(context) => aws = Some(context),
            Err(why) => {
                for (location, _) in to_verify.drain(..) {
                    findings.push(unverified(&location, &format!("no AWS access: {why}")));
                }
            }
        }
    }
    if let (Some(aws), false) = (&aws, to_verify.is_empty()) {
        let results: Vec<(String, SignatureFile, Result<bool, String>)> =
            stream::iter(to_verify.into_iter().map(|(location, sig)| async move {
                let result = verify_signature(aws, &sig).await;
                (location, sig, result)
            }))
            .buffered(CONCURRENCY)
            .collect()
            .await;
        for (location, sig, result) in results {
            match result {
                Ok(true) => signatures_verified += 1,
                Ok(false) => findings.push(Finding::new(
                    &location,
                    FindingKind::SignatureInvalid,
                    format!(
                        "KMS rejected the {} signature by {}: it was forged, corrupted, or made over other content",
                        sig.algorithm, sig.key_id
                    ),
                )),
                Err(e) => findings.push(unverified(&location, &e)),
            }
        }
    }

    findings.sort();
    findings.dedup();
    let mut chains = checked.chains;
    for c in &mut chains {
        c.settle(&findings);
    }
    Ok(Summary {
        format: VERIFICATION_FORMAT.into(),
        source: store.describe(),
        verified_at: rfc3339(now_utc()),
        passed: findings.is_empty(),
        reports_checked: reports.len(),
        chains_checked,
        qualifications: chains.len(),
        chains_intact: chains.iter().filter(|c| c.intact).count(),
        signatures_found,
        signatures_verified,
        chains,
        findings,
        head,
    })
}

/// The findings of a chain cut short: the chains (those of `o.qualification`, or all) must
/// hold the report whose SHA-256 is `o.expect_head` and reach sequence `o.min_sequence`.
/// `source` names the source for findings about no chain in particular. `Err` (exit 2) when
/// `--min-sequence` cannot tell which of several chains it concerns.
pub fn truncation_findings(
    checked: &chain::Checked,
    source: &str,
    o: &Options,
) -> Result<Vec<Finding>, String> {
    let mut out = Vec::new();
    if o.expect_head.is_none() && o.min_sequence.is_none() {
        return Ok(out);
    }
    let chains: Vec<&Chain> = checked
        .chains
        .iter()
        .filter(|c| {
            o.qualification
                .as_ref()
                .is_none_or(|q| *q == c.qualification)
        })
        .collect();
    if let Some(q) = &o.qualification {
        if chains.is_empty() {
            out.push(Finding::new(
                source,
                FindingKind::Truncated,
                format!("no report of qualification {q}: the pipeline recorded its head, so its reports were removed"),
            ));
            return Ok(out);
        }
    }
    if o.min_sequence.is_some() && o.qualification.is_none() && chains.len() > 1 {
        return Err(
            "--min-sequence needs --qualification when the source holds several qualifications"
                .into(),
        );
    }
    let last = |c: &Chain| c.locations.last().cloned().unwrap_or_else(|| source.into());
    if let Some(head) = &o.expect_head {
        let found = chains.iter().any(|c| {
            c.locations.iter().any(|l| {
                checked
                    .hashes
                    .get(l)
                    .is_some_and(|h| h.eq_ignore_ascii_case(head))
            })
        });
        if !found {
            match chains.as_slice() {
                [c] => {
                    let location = last(c);
                    let sha = checked.hashes.get(&location).cloned().unwrap_or_default();
                    out.push(Finding::new(
                        &location,
                        FindingKind::Truncated,
                        format!(
                            "the head the pipeline recorded ({head}) is not in the chain, which ends at sequence {} (SHA-256 {sha}): reports after sequence {} were removed or the head replaced",
                            c.last_sequence, c.last_sequence
                        ),
                    ));
                }
                _ => out.push(Finding::new(
                    source,
                    FindingKind::Truncated,
                    format!("the head the pipeline recorded ({head}) is in none of the {} chains: reports were removed or the head replaced", chains.len()),
                )),
            }
        }
    }
    if let Some(n) = o.min_sequence {
        for c in &chains {
            if c.last_sequence < n {
                out.push(Finding::new(
                    last(c),
                    FindingKind::Truncated,
                    format!(
                        "the chain ends at sequence {}, the pipeline recorded {n}: {} report(s) missing from its end",
                        c.last_sequence,
                        n - c.last_sequence
                    ),
                ));
            }
        }
    }
    Ok(out)
}

/// The signatures to verify with KMS, as (report location, signature), and the findings of
/// the others: missing where `require`d, or made with a key outside `trusted` (key ARNs;
/// empty: any key). `hashes` are the reports' recomputed SHA-256, by location. A signature
/// over another digest, or an unreadable one, is left to [`chain::check`], which reports it;
/// every other signature is verified, so that a clean result never rests on an unchecked one.
pub fn select_signatures(
    reports: &[Collected],
    hashes: &std::collections::BTreeMap<String, String>,
    trusted: &[String],
    require: bool,
) -> (Vec<(String, SignatureFile)>, Vec<Finding>) {
    let mut to_verify = Vec::new();
    let mut findings = Vec::new();
    for r in reports {
        match &r.signature {
            None if require => findings.push(Finding::new(
                &r.location,
                FindingKind::MissingSignature,
                "no .sig file, but every report must be signed",
            )),
            Some(Ok(sig))
                if hashes
                    .get(&r.location)
                    .is_some_and(|h| h.eq_ignore_ascii_case(&sig.report_sha256)) =>
            {
                if trusted.is_empty() || trusted.iter().any(|k| same_key(k, &sig.key_id)) {
                    to_verify.push((r.location.clone(), sig.clone()));
                } else {
                    findings.push(Finding::new(
                        &r.location,
                        FindingKind::SignatureUntrusted,
                        format!(
                            "signed with {}, which is not an accepted signing key ({})",
                            sig.key_id,
                            trusted.join(", ")
                        ),
                    ));
                }
            }
            _ => {}
        }
    }
    (to_verify, findings)
}

fn unverified(location: &str, why: &str) -> Finding {
    Finding::new(
        location,
        FindingKind::SignatureUnverified,
        format!("the signature could not be checked: {why}"),
    )
}

/// Whether a signature's key (normally an ARN) is the trusted key ARN `trusted`.
fn same_key(trusted: &str, key_id: &str) -> bool {
    trusted == key_id || trusted.ends_with(&format!("key/{key_id}"))
}

/// ARNs of the accepted signing keys.
async fn resolve_keys(aws: &AwsContext, keys: &[String]) -> Result<Vec<String>, String> {
    let kms = aws.kms();
    let mut arns = Vec::new();
    for key in keys {
        let out = kms
            .describe_key()
            .key_id(key)
            .send()
            .await
            .map_err(|e| format!("cannot look up --signing-key {key}: {}", classify(&e)))?;
        let arn = out
            .key_metadata
            .and_then(|m| m.arn)
            .ok_or_else(|| format!("KMS returned no ARN for --signing-key {key}"))?;
        arns.push(arn);
    }
    Ok(arns)
}

/// The store to read, the report keys in it, and every key there (when listed).
async fn open(
    source: &Source,
    aws: Option<&AwsContext>,
) -> Result<
    (
        Box<dyn EvidenceStore>,
        Vec<String>,
        Option<BTreeSet<String>>,
    ),
    String,
> {
    let (store, single): (Box<dyn EvidenceStore>, Option<String>) = match source {
        Source::Directory(dir) => (Box::new(LocalStore::new(dir)), None),
        Source::File(path) => {
            let parent = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .ok_or_else(|| format!("{} is not a file", path.display()))?;
            (Box::new(LocalStore::new(parent)), Some(name))
        }
        Source::S3Prefix { bucket, prefix } => {
            let aws = aws.ok_or("S3 needs AWS access")?;
            (
                Box::new(S3Store::new(aws, bucket, Some(prefix.clone()), None)),
                None,
            )
        }
        Source::S3Object { bucket, key } => {
            let aws = aws.ok_or("S3 needs AWS access")?;
            let (prefix, name) = match key.rsplit_once('/') {
                Some((p, n)) => (p.to_string(), n.to_string()),
                None => (String::new(), key.clone()),
            };
            (
                Box::new(S3Store::new(aws, bucket, Some(prefix), None)),
                Some(name),
            )
        }
    };
    if let Some(name) = single {
        return Ok((store, vec![name], None));
    }
    let keys = store
        .list("")
        .await
        .map_err(|e| format!("cannot list {}: {e}", store.describe()))?;
    let reports = keys
        .iter()
        .filter(|k| k.ends_with(REPORT_EXTENSION))
        .cloned()
        .collect();
    Ok((store, reports, Some(keys.into_iter().collect())))
}

/// The human-readable summary.
pub fn render(s: &Summary) -> String {
    let mut out = format!("GxP evidence verification of {}\n", s.source);
    out.push_str(&format!("verified at {}\n\n", s.verified_at));
    for c in &s.chains {
        out.push_str(&format!(
            "Qualification {} (application {}, environment {})\n",
            c.qualification, c.application, c.environment
        ));
        let range = if c.first_sequence == c.last_sequence {
            format!("sequence {}", c.first_sequence)
        } else {
            format!("sequence {}–{}", c.first_sequence, c.last_sequence)
        };
        let state = match (s.chains_checked, c.intact) {
            (false, true) => "report intact (chain not checked: single report)",
            (false, false) => "REPORT NOT INTACT (chain not checked: single report)",
            (true, true) => "chain intact",
            (true, false) => "CHAIN NOT INTACT",
        };
        let plural = if c.reports == 1 { "" } else { "s" };
        out.push_str(&format!(
            "  {} report{plural}, {range}: {state}\n",
            c.reports
        ));
    }
    if !s.chains.is_empty() {
        out.push('\n');
    }
    out.push_str(&format!(
        "Reports checked: {}; qualifications: {}; chains intact: {} of {}\n",
        s.reports_checked, s.qualifications, s.chains_intact, s.qualifications
    ));
    if s.signatures_found == 0 {
        out.push_str("Signatures: none (the reports are not signed)\n");
    } else {
        out.push_str(&format!(
            "Signatures: {} found, {} verified with KMS\n",
            s.signatures_found, s.signatures_verified
        ));
    }
    out.push('\n');
    if s.findings.is_empty() {
        out.push_str("No findings: every report matches its SHA-256");
        if s.chains_checked {
            out.push_str(", every chain is complete and in order");
        }
        if s.signatures_found > 0 {
            out.push_str(", every signature is valid");
        }
        out.push_str(".\n");
        if let Some(line) = head_line(s) {
            out.push_str(&line);
        }
        out.push_str("RESULT: PASSED\n");
        return out;
    }
    out.push_str(&format!("Findings ({}):\n", s.findings.len()));
    for f in &s.findings {
        out.push_str(&format!(
            "  {}  {}\n      {}\n",
            f.kind, f.location, f.message
        ));
    }
    if let Some(line) = head_line(s) {
        out.push_str(&line);
    }
    let kinds: BTreeSet<FindingKind> = s.findings.iter().map(|f| f.kind).collect();
    out.push_str("\nWhat they mean:\n");
    for k in kinds {
        out.push_str(&format!("  {k}: {}\n", k.meaning()));
    }
    let plural = if s.findings.len() == 1 { "" } else { "s" };
    out.push_str(&format!(
        "\nRESULT: FAILED ({} finding{plural})\n",
        s.findings.len()
    ));
    out
}

/// "Head: expected H / sequence ≥ N — found" (or NOT FOUND), when a head was given.
fn head_line(s: &Summary) -> Option<String> {
    let h = s.head.as_ref()?;
    let mut parts = Vec::new();
    if let Some(head) = &h.expected_head {
        parts.push(format!("expected {head}"));
    }
    if let Some(n) = h.min_sequence {
        parts.push(format!("sequence ≥ {n}"));
    }
    let of = h
        .qualification
        .as_ref()
        .map(|q| format!(" (qualification {q})"))
        .unwrap_or_default();
    let found = if h.found { "found" } else { "NOT FOUND" };
    Some(format!("Head{of}: {} — {found}\n", parts.join(" / ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::integrity::chain::testing::chain as sample_chain;
    use crate::integrity::chain::Collected;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn arguments_are_parsed() {
        let Command::Verify(o) = parse_args(&args(&[
            "--json",
            "--region",
            "eu-west-1",
            "--endpoint-url=http://localhost:5000",
            "--path-style",
            "--signing-key",
            "alias/gxp",
            "--signing-key=k2",
            "s3://b/p",
        ]))
        .unwrap() else {
            panic!("not a verify command")
        };
        assert_eq!(
            o,
            Options {
                source: "s3://b/p".into(),
                json: true,
                region: Some("eu-west-1".into()),
                endpoint_url: Some("http://localhost:5000".into()),
                path_style: true,
                signing_keys: vec!["alias/gxp".into(), "k2".into()],
                require_signatures: false,
                expect_head: None,
                min_sequence: None,
                qualification: None,
            }
        );
        assert_eq!(parse_args(&args(&["-h"])).unwrap(), Command::Help);
        assert!(parse_args(&args(&[])).unwrap_err().contains("no source"));
        assert!(parse_args(&args(&["a", "b"]))
            .unwrap_err()
            .contains("one source"));
        assert!(parse_args(&args(&["--frobnicate", "a"]))
            .unwrap_err()
            .contains("unknown option --frobnicate"));
        assert!(parse_args(&args(&["a", "--region"]))
            .unwrap_err()
            .contains("--region needs a region"));
    }

    #[test]
    fn sources_are_recognised() {
        assert_eq!(
            Source::parse("s3://bucket/gxp-evidence").unwrap(),
            Source::S3Prefix {
                bucket: "bucket".into(),
                prefix: "gxp-evidence".into()
            }
        );
        assert_eq!(
            Source::parse("s3://bucket").unwrap(),
            Source::S3Prefix {
                bucket: "bucket".into(),
                prefix: "".into()
            }
        );
        assert_eq!(
            Source::parse("s3://bucket/a/r.json").unwrap(),
            Source::S3Object {
                bucket: "bucket".into(),
                key: "a/r.json".into()
            }
        );
        assert!(Source::parse("s3:///x").is_err());
        assert!(Source::parse("/definitely/not/here").is_err());
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            Source::parse(dir.path().to_str().unwrap()).unwrap(),
            Source::Directory(dir.path().to_path_buf())
        );
    }

    fn signature_over(sha: &str, key_id: &str) -> SignatureFile {
        SignatureFile {
            format: crate::integrity::sign::SIGNATURE_FORMAT.into(),
            report_sha256: sha.into(),
            key_id: key_id.into(),
            algorithm: "ECDSA_SHA_256".into(),
            signature: "c2ln".into(),
            signed_at: "2026-01-01T00:00:00Z".into(),
        }
    }

    /// Fuzz finding (target `chain`): a `.sig` whose digest is written in uppercase hex was
    /// neither verified with KMS nor reported, so a forged signature verified clean.
    #[test]
    fn a_signature_with_an_uppercase_digest_is_still_verified_with_kms() {
        let mut reports = sample_chain("lims-iq", 2);
        let checked = chain::check(&reports, true);
        for r in &mut reports {
            let sha = checked.hashes[&r.location].to_ascii_uppercase();
            r.signature = Some(Ok(signature_over(&sha, "arn:aws:kms:us-east-1:1:key/k")));
        }
        assert!(chain::check(&reports, true).findings.is_empty());
        let (to_verify, findings) = select_signatures(&reports, &checked.hashes, &[], true);
        assert!(findings.is_empty(), "{findings:?}");
        let sent: Vec<&str> = to_verify.iter().map(|(l, _)| l.as_str()).collect();
        let all: Vec<&str> = reports.iter().map(|r| r.location.as_str()).collect();
        assert_eq!(sent, all, "every signature goes to KMS");
    }

    #[test]
    fn signatures_are_required_and_must_be_made_with_a_trusted_key() {
        let mut reports = sample_chain("lims-iq", 3);
        let checked = chain::check(&reports, true);
        let sha = |r: &Collected| checked.hashes[&r.location].clone();
        let trusted = vec!["arn:aws:kms:us-east-1:1:key/good".to_string()];
        reports[0].signature = Some(Ok(signature_over(&sha(&reports[0]), "good")));
        reports[1].signature = Some(Ok(signature_over(
            &sha(&reports[1]),
            "arn:aws:kms:us-east-1:1:key/bad",
        )));
        let (to_verify, findings) = select_signatures(&reports, &checked.hashes, &trusted, true);
        assert_eq!(to_verify.len(), 1);
        assert_eq!(to_verify[0].0, reports[0].location);
        let kinds: Vec<(FindingKind, &str)> = findings
            .iter()
            .map(|f| (f.kind, f.location.as_str()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (
                    FindingKind::SignatureUntrusted,
                    reports[1].location.as_str()
                ),
                (FindingKind::MissingSignature, reports[2].location.as_str()),
            ]
        );
    }

    fn write(dir: &Path, reports: &[Collected]) {
        for r in reports {
            let name = chain::file_name(&r.location);
            std::fs::write(dir.join(name), &r.bytes).unwrap();
            if let Some(text) = &r.sha256_file {
                std::fs::write(dir.join(format!("{name}.sha256")), text).unwrap();
            }
        }
    }

    #[tokio::test]
    async fn a_directory_is_verified_without_aws() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &sample_chain("q", 3));
        let opts = Options {
            source: dir.path().display().to_string(),
            ..Default::default()
        };
        let s = verify(&opts).await.unwrap();
        assert!(s.passed, "{:#?}", s.findings);
        assert_eq!(
            (s.reports_checked, s.qualifications, s.chains_intact),
            (3, 1, 1)
        );
        let text = render(&s);
        assert!(
            text.contains("3 reports, sequence 1–3: chain intact"),
            "{text}"
        );
        assert!(text.contains("Signatures: none"), "{text}");
        assert!(text.ends_with("RESULT: PASSED\n"), "{text}");

        std::fs::remove_file(dir.path().join("q-0002.json")).unwrap();
        let s = verify(&opts).await.unwrap();
        assert_eq!(s.exit_code(), 1);
        let kinds: Vec<FindingKind> = s.findings.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            vec![FindingKind::MissingReport, FindingKind::SequenceGap]
        );
        let text = render(&s);
        assert!(text.contains("CHAIN NOT INTACT"), "{text}");
        assert!(text.contains("SequenceGap: reports are missing"), "{text}");
        assert!(text.contains("RESULT: FAILED (2 findings)"), "{text}");

        // One file on its own: its companions are read, the chain is not checked.
        let one = Options {
            source: dir.path().join("q-0003.json").display().to_string(),
            ..Default::default()
        };
        let s = verify(&one).await.unwrap();
        assert!(s.passed && !s.chains_checked, "{:#?}", s.findings);
        assert!(render(&s).contains("chain not checked"));
    }

    #[tokio::test]
    async fn an_empty_directory_has_no_reports_and_signatures_are_required_on_request() {
        let dir = tempfile::tempdir().unwrap();
        let mut opts = Options {
            source: dir.path().display().to_string(),
            ..Default::default()
        };
        let s = verify(&opts).await.unwrap();
        assert_eq!(s.findings.len(), 1);
        assert_eq!(s.findings[0].kind, FindingKind::NoReports);

        write(dir.path(), &sample_chain("q", 1));
        opts.require_signatures = true;
        let s = verify(&opts).await.unwrap();
        assert_eq!(s.findings.len(), 1, "{:#?}", s.findings);
        assert_eq!(s.findings[0].kind, FindingKind::MissingSignature);
    }

    fn head_opts(head: Option<&str>, min: Option<i64>, q: Option<&str>) -> Options {
        Options {
            source: "/ev".into(),
            expect_head: head.map(str::to_string),
            min_sequence: min,
            qualification: q.map(str::to_string),
            ..Default::default()
        }
    }

    fn sha(c: &Collected) -> String {
        crate::util::sha256_hex(&c.bytes)
    }

    fn truncated(reports: &[Collected], o: &Options) -> Result<Vec<Finding>, String> {
        let checked = chain::check(reports, true);
        truncation_findings(&checked, "/ev", o)
    }

    #[test]
    fn the_known_head_in_the_chain_is_no_finding() {
        let reports = sample_chain("q", 3);
        let last = sha(&reports[2]);
        assert!(truncated(&reports, &head_opts(Some(&last), None, None))
            .unwrap()
            .is_empty());
        // A later report than the head the pipeline knows is no truncation.
        let middle = sha(&reports[1]);
        assert!(truncated(&reports, &head_opts(Some(&middle), None, None))
            .unwrap()
            .is_empty());
        // Nothing asked, nothing found.
        assert!(truncated(&reports, &head_opts(None, None, None))
            .unwrap()
            .is_empty());
    }

    #[test]
    fn a_chain_cut_after_the_known_head_is_truncated_at_its_new_end() {
        let reports = sample_chain("q", 4);
        let head = sha(&reports[3]);
        let cut = &reports[..2];
        // Plain chain checks see nothing wrong with the shorter chain.
        assert!(chain::check(cut, true).findings.is_empty());
        let found = truncated(cut, &head_opts(Some(&head), None, None)).unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].kind, FindingKind::Truncated);
        assert_eq!(found[0].location, cut[1].location);
        assert!(found[0].message.contains(&head), "{}", found[0].message);
        assert!(
            found[0].message.contains("sequence 2"),
            "{}",
            found[0].message
        );
        // Uppercase hex is the same head.
        let upper = parse_args(&args(&["--expect-head", &head.to_ascii_uppercase(), "/ev"]));
        let Ok(Command::Verify(o)) = upper else {
            panic!("{upper:?}")
        };
        assert_eq!(o.expect_head.as_deref(), Some(head.as_str()));
        assert!(truncated(&reports, &o).unwrap().is_empty());
    }

    #[test]
    fn a_chain_short_of_the_known_sequence_is_truncated() {
        let reports = sample_chain("q", 3);
        let found = truncated(&reports, &head_opts(None, Some(5), None)).unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].kind, FindingKind::Truncated);
        assert_eq!(found[0].location, reports[2].location);
        assert!(
            found[0].message.contains("2 report(s)"),
            "{}",
            found[0].message
        );
        assert!(truncated(&reports, &head_opts(None, Some(3), None))
            .unwrap()
            .is_empty());
    }

    #[test]
    fn the_qualification_selects_the_chain_the_head_concerns() {
        let mut reports = sample_chain("a", 3);
        let b: Vec<Collected> = sample_chain("b", 2)
            .into_iter()
            .map(|mut c| {
                c.location = c.location.replace("/ev/", "/ev/b/");
                c
            })
            .collect();
        reports.extend(b.clone());
        // Several chains: the sequence needs the qualification.
        let err = truncated(&reports, &head_opts(None, Some(3), None)).unwrap_err();
        assert!(
            err.contains("--min-sequence needs --qualification"),
            "{err}"
        );
        assert!(truncated(&reports, &head_opts(None, Some(3), Some("a")))
            .unwrap()
            .is_empty());
        let found = truncated(&reports, &head_opts(None, Some(3), Some("b"))).unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].location, b[1].location);
        // The head of b is not a's head.
        let b_head = sha(&b[1]);
        let found = truncated(&reports, &head_opts(Some(&b_head), None, Some("a"))).unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        // Without a qualification, in any chain; otherwise at the source.
        assert!(truncated(&reports, &head_opts(Some(&b_head), None, None))
            .unwrap()
            .is_empty());
        let other = "0".repeat(64);
        let found = truncated(&reports, &head_opts(Some(&other), None, None)).unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].location, "/ev");
        // An unknown qualification.
        let found = truncated(&reports, &head_opts(None, Some(1), Some("c"))).unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].location, "/ev");
        assert!(found[0].message.contains("no report of qualification c"));
    }

    #[test]
    fn head_arguments_are_parsed_and_checked() {
        let head = "ab".repeat(32);
        let Command::Verify(o) = parse_args(&args(&[
            "--expect-head",
            &head,
            "--min-sequence=4",
            "--qualification",
            "lims-prod",
            "/ev",
        ]))
        .unwrap() else {
            panic!("not a verify command")
        };
        assert_eq!(o.expect_head.as_deref(), Some(head.as_str()));
        assert_eq!(o.min_sequence, Some(4));
        assert_eq!(o.qualification.as_deref(), Some("lims-prod"));
        for bad in [
            &["--expect-head", "abc", "/ev"][..],
            &["--expect-head", &"g".repeat(64), "/ev"],
        ] {
            assert_eq!(
                parse_args(&args(bad)).unwrap_err(),
                "--expect-head needs a 64-hex SHA-256"
            );
        }
        for bad in ["0", "-1", "x"] {
            let err = parse_args(&args(&["--min-sequence", bad, "/ev"])).unwrap_err();
            assert!(
                err.contains("--min-sequence needs a sequence number"),
                "{err}"
            );
        }
        assert!(parse_args(&args(&["/ev", "--qualification"]))
            .unwrap_err()
            .contains("--qualification needs"));
    }

    #[tokio::test]
    async fn a_truncated_directory_fails_and_says_the_head_was_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let reports = sample_chain("q", 3);
        let head = sha(&reports[2]);
        write(dir.path(), &reports[..2]);
        let mut o = head_opts(Some(&head), Some(3), None);
        o.source = dir.path().to_string_lossy().into_owned();
        let s = verify(&o).await.unwrap();
        assert!(!s.passed);
        assert_eq!(s.exit_code(), 1);
        assert_eq!(s.chains_intact, 0);
        assert_eq!(
            s.findings
                .iter()
                .filter(|f| f.kind == FindingKind::Truncated)
                .count(),
            2,
            "{:?}",
            s.findings
        );
        let text = render(&s);
        assert!(text.contains("NOT FOUND"), "{text}");
        assert!(text.contains("Truncated"), "{text}");
        write(dir.path(), &reports);
        let s = verify(&o).await.unwrap();
        assert!(s.passed, "{:?}", s.findings);
        assert!(render(&s).contains("sequence ≥ 3 — found"));
    }
}
