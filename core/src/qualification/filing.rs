//! The evidence store of a run — which one, opened how, acceptable or not — and the last
//! phase of a run: give the report its place in the chain ([`crate::integrity::sequence`]),
//! file it with its companions and other formats, or keep it in the spool.

use crate::aws::AwsContext;
use crate::evidence::local::LocalStore;
use crate::evidence::s3::S3Store;
use crate::evidence::spool::{self, EvidenceFile, Spool, SpooledFiling};
use crate::evidence::{EvidenceStore, Protection, StoreError};
use crate::integrity::head;
use crate::integrity::sequence::{self, ChainId, Place, Placement, Sealed};
use crate::integrity::{sha256_key, signature_key, REPORT_EXTENSION};
use crate::report::formats::Format;
use crate::report::Report;

use super::settle::Settled;
use super::Message;

/// Where reports go.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreChoice {
    S3 {
        bucket: String,
        prefix: Option<String>,
        kms_key_id: Option<String>,
    },
    Local {
        directory: String,
    },
}

/// A chosen store and whether an unprotected one is acceptable.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreSettings {
    pub choice: StoreChoice,
    pub allow_unprotected: bool,
}

/// The resource's own store, else the provider's default.
pub fn choose(
    resource: Option<StoreSettings>,
    default: Option<StoreSettings>,
) -> Result<StoreSettings, String> {
    resource.or(default).ok_or_else(|| {
        "No evidence store is configured: set `evidence_store` on the qualification or in the provider block.".into()
    })
}

/// Open the chosen store.
pub fn open(aws: &AwsContext, choice: &StoreChoice) -> Box<dyn EvidenceStore> {
    match choice {
        StoreChoice::S3 {
            bucket,
            prefix,
            kms_key_id,
        } => Box::new(S3Store::new(
            aws,
            bucket.clone(),
            prefix.clone(),
            kms_key_id.clone(),
        )),
        StoreChoice::Local { directory } => Box::new(LocalStore::new(directory)),
    }
}

/// Whether a store may receive evidence: protected, or explicitly allowed unprotected.
/// A local directory is always "unprotected" and needs no flag: it is an explicit offline choice.
pub fn acceptable(choice: &StoreChoice, protection: &Protection, allow_unprotected: bool) -> bool {
    matches!(choice, StoreChoice::Local { .. }) || protection.is_protected() || allow_unprotected
}

/// A problem with a report's companion files: a diagnostic summary and detail.
pub type Problem = (String, String);

/// The files of a report given its place (`sealed`): the JSON at `key`, its `.sha256`, the
/// requested `formats` beside it, and a KMS signature with `signing_key`. A format that cannot
/// be rendered or a signature that cannot be made is left out and reported.
pub async fn report_files(
    aws: Option<&AwsContext>,
    report: &Report,
    key: &str,
    sealed: &Sealed,
    formats: &[Format],
    signing_key: Option<&str>,
) -> (Vec<EvidenceFile>, Vec<Problem>) {
    let file_name = key.rsplit('/').next().unwrap_or(key).to_string();
    let mut problems = Vec::new();
    let mut files = vec![
        (
            key.to_string(),
            sealed.bytes.clone(),
            "application/json".to_string(),
        ),
        (
            sha256_key(key),
            format!("{}  {file_name}\n", sealed.sha256).into_bytes(),
            "text/plain".to_string(),
        ),
    ];
    let base = key.strip_suffix(REPORT_EXTENSION).unwrap_or(key);
    for f in formats.iter().filter(|f| **f != Format::Json) {
        match crate::report::formats::render(report, *f) {
            Ok(bytes) => files.push((
                format!("{base}.{}", f.extension()),
                bytes,
                f.content_type().to_string(),
            )),
            Err(e) => problems.push((
                format!("The {} report could not be rendered", f.as_str()),
                e,
            )),
        }
    }
    if let Some(key_id) = signing_key {
        let signed = match aws {
            Some(aws) => crate::integrity::sign::sign(aws, key_id, &sealed.sha256).await,
            None => Err("no AWS access to sign with".into()),
        };
        match signed {
            Ok(sig) => files.push((
                signature_key(key),
                sig.to_bytes(),
                "application/json".to_string(),
            )),
            Err(e) => problems.push((
                "The report could not be signed".to_string(),
                format!("KMS Sign with {key_id}: {e}\n\nThe report is filed unsigned; fix the key or its permissions and requalify."),
            )),
        }
    }
    (files, problems)
}

/// What became of a run's report.
#[derive(Debug, Clone, PartialEq)]
pub struct FiledReport {
    /// The report as filed or spooled: its canonical bytes and their SHA-256.
    pub sealed: Sealed,
    /// Its location in the store, or its spool path (empty when the spool failed too).
    pub location: String,
    /// Why it waits in the spool, if it does.
    pub spooled: Option<String>,
    /// Whether it waits without a claimed place (it takes one when it is filed).
    pub unplaced: bool,
    /// Formats that could not be rendered and a signature that could not be made.
    pub problems: Vec<Problem>,
}

/// Give a run's `report` its place in the chain and file it at `key` with its `formats`
/// and signature, or keep it in the spool (as `spool_id`).
///
/// The report is sealed at `tentative` (where the chain continued when the run started).
/// Its place is claimed ([`sequence::place`]) unless the store is `refused` or earlier
/// reports of its chain still wait in the spool (it waits behind them, so the chain keeps
/// the order of the runs); a report that could not claim a place is spooled and takes its
/// place when it is filed ([`super::settle::drain`]). A report whose place is claimed but
/// whose files cannot be written is spooled holding that place.
#[allow(clippy::too_many_arguments)]
pub async fn claim_and_file(
    store: &dyn EvidenceStore,
    spool: &Spool,
    aws: Option<&AwsContext>,
    report: &mut Report,
    key: &str,
    tentative: &Place,
    formats: &[Format],
    signing_key: Option<&str>,
    spool_id: &str,
    refused: Option<&StoreError>,
) -> FiledReport {
    let chain = ChainId::of(report);
    let sealed = sequence::seal(report, tentative);
    let placement = if let Some(e) = refused {
        Placement::Unclaimed(sealed, e.to_string())
    } else if head::spooled_for(store, &spool.pending().0, &chain) {
        Placement::Unclaimed(
            sealed,
            format!(
                "earlier reports of qualification `{}` still wait in the spool {}; this one is filed after them",
                chain.qualification,
                spool.dir().display()
            ),
        )
    } else {
        let head = || head::store_head(store, &chain);
        sequence::place(store, report, key, sealed, head, |_| {}).await
    };
    let (sealed, unplaced) = match placement {
        Placement::Claimed(sealed) => (sealed, None),
        Placement::Unclaimed(sealed, why) => (sealed, Some(why)),
    };
    let (files, problems) = report_files(aws, report, key, &sealed, formats, signing_key).await;
    let why = match unplaced.clone() {
        Some(why) => why,
        None => match spool::file_all(store, &files).await {
            Ok(filed) => {
                return FiledReport {
                    sealed,
                    location: filed
                        .first()
                        .map(|f| f.location.clone())
                        .unwrap_or_default(),
                    spooled: None,
                    unplaced: false,
                    problems,
                }
            }
            Err(e) => e.to_string(),
        },
    };
    let filing = SpooledFiling {
        id: spool_id.to_string(),
        store: store.describe(),
        files,
    };
    let (location, why) = match spool.spool(filing) {
        Ok(path) => (path.display().to_string(), why),
        Err(spool_err) => (
            String::new(),
            format!("{why}; and the local spool failed too: {spool_err}"),
        ),
    };
    FiledReport {
        sealed,
        location,
        spooled: Some(why),
        unplaced: unplaced.is_some(),
        problems,
    }
}

/// What filing a report gave.
#[derive(Debug, Clone)]
pub struct Filing {
    /// SHA-256 of the report's canonical bytes.
    pub sha256: String,
    /// Where the report is: its location in the store, or its spool path.
    pub location: String,
    /// Formats that could not be rendered, a signature that could not be made, a filing
    /// that went to the spool.
    pub messages: Vec<Message>,
}

/// What is filed beside the JSON report.
#[derive(Debug, Clone, Default)]
pub struct Companions<'a> {
    /// Formats rendered beside the JSON (`json` itself is ignored).
    pub formats: &'a [String],
    /// KMS key that signs the report digest.
    pub signing_key_id: Option<&'a str>,
}

/// Phase: give `report` its place in the chain (sealed at `tentative` for now) and file it at
/// `key` in the settled store with its companions, or keep it in the spool (as filing
/// `spool_id`) when the store refuses it, its place cannot be claimed or the filing fails.
/// `report` leaves with the place it was given (`sequence`, `previous_report_sha256`,
/// `sequenced_at`).
#[allow(clippy::too_many_arguments)]
pub async fn file_report(
    aws: &AwsContext,
    settled: Settled,
    spool: &Spool,
    spool_id: &str,
    report: &mut Report,
    key: &str,
    tentative: &Place,
    with: &Companions<'_>,
) -> Filing {
    let mut messages = Vec::new();
    let mut formats = Vec::new();
    for name in with.formats.iter().filter(|f| f.as_str() != "json") {
        match Format::parse(name) {
            Ok(f) => formats.push(f),
            Err(e) => messages.push(Message::error(
                format!("The {name} report could not be rendered"),
                e,
            )),
        }
    }
    let filed = claim_and_file(
        settled.store.as_ref(),
        spool,
        Some(aws),
        report,
        key,
        tentative,
        &formats,
        with.signing_key_id,
        spool_id,
        settled.refused.as_ref(),
    )
    .await;
    messages.extend(
        filed
            .problems
            .into_iter()
            .map(|(summary, detail)| Message::error(summary, detail)),
    );
    if let Some(why) = &filed.spooled {
        let place = if filed.unplaced {
            "; it takes its place in the report chain when it is filed"
        } else {
            ""
        };
        let summary = &report.summary;
        messages.push(Message::error(
            "Evidence could not be filed",
            format!("{why}\n\nThe report ({} checks, status {}) is kept in the local spool at {}; the next apply files it first{place}.", summary.total, summary.status.as_str(), filed.location),
        ));
    }
    Filing {
        sha256: filed.sealed.sha256,
        location: filed.location,
        messages,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_resource_store_comes_before_the_default_and_one_is_needed() {
        let local = |d: &str| StoreSettings {
            choice: StoreChoice::Local {
                directory: d.into(),
            },
            allow_unprotected: false,
        };
        assert_eq!(choose(Some(local("a")), Some(local("b"))), Ok(local("a")));
        assert_eq!(choose(None, Some(local("b"))), Ok(local("b")));
        assert!(choose(None, None)
            .unwrap_err()
            .contains("No evidence store is configured"));
    }

    #[test]
    fn a_local_directory_is_acceptable_without_protection_a_bucket_is_not() {
        let unprotected = Protection::default();
        let local = StoreChoice::Local {
            directory: "/e".into(),
        };
        let bucket = StoreChoice::S3 {
            bucket: "b".into(),
            prefix: None,
            kms_key_id: None,
        };
        assert!(acceptable(&local, &unprotected, false));
        assert!(!acceptable(&bucket, &unprotected, false));
        assert!(acceptable(&bucket, &unprotected, true));
    }

    use crate::integrity::chain::{self, testing::report, Collected};
    use crate::util::sha256_hex;

    /// The reports filed in `store`, as the verifier collects them.
    async fn collected(store: &LocalStore) -> Vec<Collected> {
        let mut out = Vec::new();
        for key in store.list("").await.unwrap() {
            if key.ends_with(REPORT_EXTENSION) {
                out.push(Collected {
                    location: store.location_of(&key),
                    bytes: store.get(&key).await.unwrap(),
                    sha256_file: store
                        .get(&sha256_key(&key))
                        .await
                        .ok()
                        .map(|b| String::from_utf8(b).unwrap()),
                    signature: None,
                });
            }
        }
        out
    }

    /// A store that cannot be reached: every read and write fails.
    struct Down<'a>(&'a LocalStore);

    #[async_trait::async_trait]
    impl EvidenceStore for Down<'_> {
        fn describe(&self) -> String {
            self.0.describe()
        }
        async fn protection(&self) -> Result<Protection, StoreError> {
            Err(StoreError::Unavailable("connection refused".into()))
        }
        async fn put_new(
            &self,
            _: &str,
            _: &[u8],
            _: &str,
        ) -> Result<crate::evidence::Filed, StoreError> {
            Err(StoreError::Unavailable("connection refused".into()))
        }
        async fn get(&self, _: &str) -> Result<Vec<u8>, StoreError> {
            Err(StoreError::Unavailable("connection refused".into()))
        }
        async fn list(&self, _: &str) -> Result<Vec<String>, StoreError> {
            Err(StoreError::Unavailable("connection refused".into()))
        }
        fn location_of(&self, key: &str) -> String {
            self.0.location_of(key)
        }
    }

    /// File a run's report of `q` (sealed at `tentative`) as the provider does.
    async fn run(
        store: &dyn EvidenceStore,
        spool: &Spool,
        id: &str,
        refused: Option<&StoreError>,
    ) -> (Report, FiledReport) {
        let mut r = report("q", 1, None, "2026-01-01T00:00:00Z");
        r.report_id = id.into();
        let key = crate::evidence::report_key("lims", "prod", "2026-01-01", "q", id, "json");
        let waiting = spool.pending().0;
        let tentative = match head::find(store, &waiting, &ChainId::of(&r), refused).await {
            Ok(c) => c.place(),
            Err(e) => panic!("{e}"),
        };
        let filed = claim_and_file(
            store,
            spool,
            None,
            &mut r,
            &key,
            &tentative,
            &[Format::Csv],
            None,
            id,
            refused,
        )
        .await;
        (r, filed)
    }

    #[tokio::test]
    async fn a_report_spooled_as_sequence_1_takes_the_next_free_place_when_filed() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::new(dir.path().join("store"));
        let spool = Spool::new(dir.path().join("spool"));
        // Another working directory (or the destroyed resource) filed two reports.
        for id in ["a1", "a2"] {
            let (_, filed) = run(&store, &spool, id, None).await;
            assert_eq!(filed.spooled, None);
        }
        // A created qualification whose store is unreachable: its report is spooled with
        // the place after what the spool knows (sequence 1).
        let down = StoreError::Unavailable("connection refused".into());
        let (r, filed) = run(&Down(&store), &spool, "b1", Some(&down)).await;
        assert_eq!(r.qualification.sequence, 1);
        assert!(filed.unplaced && filed.spooled.is_some());

        let drained = crate::qualification::settle::drain(&store, &spool, None, None)
            .await
            .0;
        assert_eq!(drained.filed, 1, "{drained:?}");
        assert_eq!(drained.waiting, None);
        assert_eq!(drained.moved.len(), 1, "{drained:?}");
        assert!(drained.moved[0].contains("spooled as sequence 1, filed as sequence 3"));
        assert!(spool.pending().0.is_empty());
        let (r, filed) = run(&store, &spool, "b2", None).await;
        assert_eq!((r.qualification.sequence, filed.spooled), (4, None));

        let reports = collected(&store).await;
        assert_eq!(reports.len(), 4);
        let checked = chain::check(&reports, true);
        assert!(checked.findings.is_empty(), "{:#?}", checked.findings);
        assert_eq!(checked.chains.len(), 1);
        let moved: Report = serde_json::from_slice(
            &reports
                .iter()
                .find(|c| c.location.ends_with("b1.json"))
                .unwrap()
                .bytes,
        )
        .unwrap();
        assert_eq!(moved.qualification.sequence, 3);
        assert!(moved
            .notes
            .iter()
            .any(|n| n.contains("spooled as sequence 1")));
        // Its CSV was rendered again at its new place.
        let csv_key = store
            .list("")
            .await
            .unwrap()
            .into_iter()
            .find(|k| k.ends_with("b1.csv"))
            .unwrap();
        let csv = String::from_utf8(store.get(&csv_key).await.unwrap()).unwrap();
        assert_eq!(
            csv,
            String::from_utf8(crate::report::formats::render(&moved, Format::Csv).unwrap())
                .unwrap()
        );
    }

    #[tokio::test]
    async fn a_spooled_report_whose_place_is_still_free_is_filed_as_it_was_spooled() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::new(dir.path().join("store"));
        let spool = Spool::new(dir.path().join("spool"));
        let down = StoreError::Unavailable("connection refused".into());
        let (_, spooled) = run(&Down(&store), &spool, "b1", Some(&down)).await;
        // The next run waits behind it in the spool, continuing after it.
        let (r, second) = run(&Down(&store), &spool, "b2", Some(&down)).await;
        assert_eq!(r.qualification.sequence, 2);
        assert_eq!(
            r.previous_report_sha256.as_deref(),
            Some(spooled.sealed.sha256.as_str())
        );
        let drained = crate::qualification::settle::drain(&store, &spool, None, None)
            .await
            .0;
        assert_eq!((drained.filed, drained.moved.len()), (2, 0), "{drained:?}");
        let reports = collected(&store).await;
        let shas: Vec<String> = reports.iter().map(|c| sha256_hex(&c.bytes)).collect();
        assert!(shas.contains(&spooled.sealed.sha256) && shas.contains(&second.sealed.sha256));
        assert!(chain::check(&reports, true).findings.is_empty());
    }
}
