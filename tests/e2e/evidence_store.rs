//! Emulator tests of the evidence stores: S3 protection and exclusive writes, SSE-KMS,
//! listing, the local directory store and the spool.

use aws_sdk_s3::types::{
    BucketVersioningStatus, DefaultRetention, ObjectLockConfiguration, ObjectLockEnabled,
    ObjectLockRetentionMode, ObjectLockRule, ServerSideEncryption, VersioningConfiguration,
};
use gxp_core::aws::AwsContext;
use gxp_core::evidence::local::LocalStore;
use gxp_core::evidence::s3::S3Store;
use gxp_core::evidence::spool::{file_all, Spool, SpooledFiling};
use gxp_core::evidence::{EvidenceStore, StoreError};

use crate::harness::Emulator;

async fn context(emu: &Emulator) -> AwsContext {
    AwsContext::from_sdk_config(emu.sdk_config().await, emu.s3_path_style())
}

/// A bucket with Object Lock (set at creation), versioning and a default COMPLIANCE retention.
async fn protected_bucket(s3: &aws_sdk_s3::Client, name: &str) {
    s3.create_bucket()
        .bucket(name)
        .object_lock_enabled_for_bucket(true)
        .send()
        .await
        .expect("create bucket");
    s3.put_bucket_versioning()
        .bucket(name)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .expect("enable versioning");
    s3.put_object_lock_configuration()
        .bucket(name)
        .object_lock_configuration(
            ObjectLockConfiguration::builder()
                .object_lock_enabled(ObjectLockEnabled::Enabled)
                .rule(
                    ObjectLockRule::builder()
                        .default_retention(
                            DefaultRetention::builder()
                                .mode(ObjectLockRetentionMode::Compliance)
                                .days(1)
                                .build(),
                        )
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("object lock configuration");
}

async fn plain_bucket(s3: &aws_sdk_s3::Client, name: &str) {
    s3.create_bucket()
        .bucket(name)
        .send()
        .await
        .expect("create bucket");
}

#[tokio::test(flavor = "multi_thread")]
async fn evidence_protected_bucket_is_protected_and_never_overwritten() {
    let emu = Emulator::start();
    let aws = context(&emu).await;
    let s3 = emu.s3_client().await;
    protected_bucket(&s3, "gxp-ev-locked").await;
    let store = S3Store::new(&aws, "gxp-ev-locked", None, None);

    let p = store.protection().await.expect("protection");
    assert!(p.is_protected(), "{p:?}");
    assert_eq!(p.object_lock_mode.as_deref(), Some("COMPLIANCE"));
    assert_eq!(p.retention_days, Some(1));
    assert_eq!(
        p.summary,
        "S3 versioning Enabled + Object Lock COMPLIANCE 1 days"
    );

    // moto, like AWS, refuses PUTs without Content-MD5 or a checksum in such a bucket.
    let key = "application=lims/environment=prod/date=2026-01-02/q/r1.json";
    let filed = store
        .put_new(key, b"{\"result\":\"passed\"}", "application/json")
        .await
        .expect("first filing");
    assert_eq!(
        filed.location,
        format!("s3://gxp-ev-locked/gxp-evidence/{key}")
    );
    assert_eq!(filed.location, store.location_of(key));
    assert!(filed.version_id.is_some(), "{filed:?}");
    assert_eq!(
        store.get(key).await.expect("read back"),
        b"{\"result\":\"passed\"}"
    );
    let head = s3
        .head_object()
        .bucket("gxp-ev-locked")
        .key(format!("gxp-evidence/{key}"))
        .send()
        .await
        .expect("head");
    assert_eq!(head.content_type(), Some("application/json"));

    let second = store
        .put_new(key, b"{\"result\":\"forged\"}", "application/json")
        .await;
    assert_eq!(
        second,
        Err(StoreError::AlreadyExists(filed.location.clone()))
    );
    assert_eq!(
        store.get(key).await.expect("read again"),
        b"{\"result\":\"passed\"}"
    );
    let versions = s3
        .list_object_versions()
        .bucket("gxp-ev-locked")
        .send()
        .await
        .expect("versions");
    assert_eq!(
        versions.versions().len(),
        1,
        "no second version was written"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn evidence_plain_bucket_is_not_protected() {
    let emu = Emulator::start();
    let aws = context(&emu).await;
    let s3 = emu.s3_client().await;
    plain_bucket(&s3, "gxp-ev-plain").await;
    let store = S3Store::new(&aws, "gxp-ev-plain", Some("ev".into()), None);
    let p = store.protection().await.expect("protection");
    assert!(!p.is_protected(), "{p:?}");
    assert!(!p.versioning && !p.object_lock, "{p:?}");
    assert_eq!(p.object_lock_mode, None);
    assert_eq!(
        p.summary,
        "S3 versioning never enabled + Object Lock not enabled"
    );

    s3.put_bucket_versioning()
        .bucket("gxp-ev-plain")
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .expect("enable versioning");
    let p = store.protection().await.expect("protection");
    assert!(p.versioning && !p.object_lock && !p.is_protected(), "{p:?}");

    // Exclusive writes hold in a bucket without Object Lock too.
    store
        .put_new("a.txt", b"1", "text/plain")
        .await
        .expect("put");
    assert!(matches!(
        store.put_new("a.txt", b"2", "text/plain").await,
        Err(StoreError::AlreadyExists(_))
    ));
    assert_eq!(store.get("a.txt").await.expect("get"), b"1");
}

#[tokio::test(flavor = "multi_thread")]
async fn evidence_missing_bucket_is_unavailable() {
    let emu = Emulator::start();
    let aws = context(&emu).await;
    let store = S3Store::new(&aws, "gxp-ev-nowhere", None, None);
    match store.protection().await {
        Err(StoreError::Unavailable(msg)) => {
            assert!(
                msg.contains("bucket gxp-ev-nowhere does not exist"),
                "{msg}"
            )
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
    assert!(matches!(
        store.put_new("k", b"x", "text/plain").await,
        Err(StoreError::Unavailable(_))
    ));
    assert!(matches!(
        store.list("").await,
        Err(StoreError::Unavailable(_))
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn evidence_sse_kms_put_uses_the_key() {
    let emu = Emulator::start();
    let aws = context(&emu).await;
    let s3 = emu.s3_client().await;
    plain_bucket(&s3, "gxp-ev-kms").await;
    let key = aws
        .kms()
        .create_key()
        .description("evidence")
        .send()
        .await
        .expect("create key");
    let arn = key
        .key_metadata()
        .and_then(|m| m.arn())
        .expect("key arn")
        .to_string();
    let store = S3Store::new(&aws, "gxp-ev-kms", Some("/e/".into()), Some(arn.clone()));
    assert_eq!(store.describe(), "s3://gxp-ev-kms/e/");
    store
        .put_new("r.json", b"{}", "application/json")
        .await
        .expect("put");
    let head = s3
        .head_object()
        .bucket("gxp-ev-kms")
        .key("e/r.json")
        .send()
        .await
        .expect("head");
    assert_eq!(
        head.server_side_encryption(),
        Some(&ServerSideEncryption::AwsKms)
    );
    assert_eq!(head.ssekms_key_id(), Some(arn.as_str()));
    assert_eq!(store.get("r.json").await.expect("get"), b"{}");
}

#[tokio::test(flavor = "multi_thread")]
async fn evidence_list_is_relative_sorted_and_prefixed() {
    let emu = Emulator::start();
    let aws = context(&emu).await;
    let s3 = emu.s3_client().await;
    plain_bucket(&s3, "gxp-ev-list").await;
    // Outside the store prefix: never listed.
    s3.put_object()
        .bucket("gxp-ev-list")
        .key("other/application=a/x.json")
        .body(b"x".to_vec().into())
        .send()
        .await
        .expect("foreign object");
    let store = S3Store::new(&aws, "gxp-ev-list", Some("team/ev".into()), None);
    for key in [
        "application=b/r.json",
        "application=a/r2.json",
        "application=a/r1.json",
    ] {
        store
            .put_new(key, b"{}", "application/json")
            .await
            .expect("put");
    }
    assert_eq!(
        store.list("").await.expect("list all"),
        vec![
            "application=a/r1.json",
            "application=a/r2.json",
            "application=b/r.json"
        ]
    );
    assert_eq!(
        store.list("application=a/").await.expect("list a"),
        vec!["application=a/r1.json", "application=a/r2.json"]
    );
    assert!(store
        .list("application=z/")
        .await
        .expect("list z")
        .is_empty());
    assert!(matches!(
        store.get("application=z/none.json").await,
        Err(StoreError::NotFound(_))
    ));
}

#[tokio::test]
async fn evidence_local_store_creates_exclusively_and_read_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = LocalStore::new(dir.path().join("evidence"));
    let p = store.protection().await.expect("protection");
    assert!(!p.is_protected());
    assert_eq!(p.summary, "local directory (no immutability guarantee)");

    let filed = store
        .put_new("application=a/r.json", b"{\"v\":1}", "application/json")
        .await
        .expect("put");
    let path = dir.path().join("evidence/application=a/r.json");
    assert_eq!(filed.location, path.display().to_string());
    assert!(std::path::Path::new(&filed.location).is_absolute());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o444);
    }
    assert_eq!(
        store
            .put_new("application=a/r.json", b"{\"v\":2}", "application/json")
            .await,
        Err(StoreError::AlreadyExists(filed.location.clone()))
    );
    assert_eq!(std::fs::read(&path).expect("read"), b"{\"v\":1}");
    assert_eq!(
        store.list("").await.expect("list"),
        vec!["application=a/r.json"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn evidence_spool_round_trip_refiles_idempotently() {
    let emu = Emulator::start();
    let aws = context(&emu).await;
    let s3 = emu.s3_client().await;
    protected_bucket(&s3, "gxp-ev-spool").await;
    let store = S3Store::new(&aws, "gxp-ev-spool", None, None);
    let dir = tempfile::tempdir().expect("tempdir");
    let spool = Spool::new(dir.path().join("spool"));

    let filing = SpooledFiling {
        id: "r-42".into(),
        store: store.describe(),
        files: vec![
            (
                "q/r-42.json".into(),
                b"{\"id\":\"r-42\"}".to_vec(),
                "application/json".into(),
            ),
            (
                "q/r-42.md".into(),
                b"# r-42".to_vec(),
                "text/markdown".into(),
            ),
        ],
    };
    spool.spool(filing.clone()).expect("spool");
    let (pending, warnings) = spool.pending();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(pending, vec![filing.clone()]);

    // A crash after filing the first file but before removing the spool entry.
    store
        .put_new("q/r-42.json", b"{\"id\":\"r-42\"}", "application/json")
        .await
        .expect("partial filing");

    let filed = file_all(&store, &pending[0].files).await.expect("file all");
    assert_eq!(
        filed
            .iter()
            .map(|f| f.location.as_str())
            .collect::<Vec<_>>(),
        vec![
            "s3://gxp-ev-spool/gxp-evidence/q/r-42.json",
            "s3://gxp-ev-spool/gxp-evidence/q/r-42.md"
        ]
    );
    assert!(filed[1].version_id.is_some());
    assert!(spool.remove("r-42").expect("remove"));
    assert_eq!(spool.pending(), (vec![], vec![]));
    assert_eq!(store.get("q/r-42.md").await.expect("filed md"), b"# r-42");

    // Different bytes at a filed key are never accepted as filed.
    let forged = vec![(
        "q/r-42.json".to_string(),
        b"{\"id\":\"forged\"}".to_vec(),
        "application/json".to_string(),
    )];
    assert!(matches!(
        file_all(&store, &forged).await,
        Err(StoreError::AlreadyExists(_))
    ));
    assert_eq!(
        store.get("q/r-42.json").await.expect("original"),
        b"{\"id\":\"r-42\"}"
    );
}
