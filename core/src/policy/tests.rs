//! Unit tests of the derivation (no AWS).

use super::*;
use crate::observe::services;
use crate::spec::model::{ExpectedAccount, ExpectedResource, ExpectedStack, Spec};

fn resource(key: &str, ty: &str, id: Option<&str>, checks: &[&str]) -> ExpectedResource {
    ExpectedResource {
        key: key.into(),
        resource_type: ty.into(),
        identifier: id.map(str::to_string),
        checks: checks.iter().map(|c| c.to_string()).collect(),
        ..Default::default()
    }
}

fn inputs(spec: Spec) -> PolicyInputs {
    PolicyInputs {
        spec,
        stages: Stage::ALL.to_vec(),
        discovery: Discovery::default(),
        store: None,
        signing_key: None,
        notify_topic: None,
        signature_keys: vec![],
        account: Some("123456789012".into()),
        region: Some("eu-west-1".into()),
        partition: "aws".into(),
    }
}

fn spec_of(resources: Vec<ExpectedResource>) -> Spec {
    Spec {
        name: "lims".into(),
        version: "1".into(),
        resources,
        ..Default::default()
    }
}

fn statement<'a>(p: &'a Policy, sid: &str) -> &'a Statement {
    p.document
        .statement(sid)
        .unwrap_or_else(|| panic!("no {sid} in {}", p.json()))
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// Whether `action` is allowed on `resource` by some statement (exact or `*`).
fn allows(p: &Policy, action: &str, resource: &str) -> bool {
    p.document.statements.iter().any(|s| {
        s.actions.iter().any(|a| a == action)
            && s.resources
                .as_vec()
                .iter()
                .any(|r| *r == "*" || *r == resource)
    })
}

#[test]
fn a_bucket_gets_its_collector_reads_on_its_arn() {
    let p = derive(&inputs(spec_of(vec![resource(
        "data",
        "AWS::S3::Bucket",
        Some("lims-data"),
        &["s3.versioning"],
    )])));
    let s = statement(&p, "GxpReadS3Buckets");
    let mut expected: Vec<String> = services::collector_actions("AWS::S3::Bucket")
        .iter()
        .map(|a| a.to_string())
        .collect();
    expected.sort();
    assert_eq!(s.actions, expected);
    assert!(s.actions.contains(&"s3:GetBucketVersioning".to_string()));
    assert_eq!(s.resources, Resources::One("arn:aws:s3:::lims-data".into()));
    // Nothing else but the bucket's reads: no GxpRead statement.
    assert_eq!(p.document.statements.len(), 1, "{}", p.json());
    assert_eq!(p.actions, expected);
}

#[test]
fn a_key_by_id_is_scoped_and_a_key_by_alias_is_not() {
    let p = derive(&inputs(spec_of(vec![resource(
        "key",
        "AWS::KMS::Key",
        Some("1234abcd"),
        &["kms.rotation", "kms.enabled"],
    )])));
    let s = statement(&p, "GxpReadKmsKeys");
    assert_eq!(
        s.resources,
        Resources::One("arn:aws:kms:eu-west-1:123456789012:key/1234abcd".into())
    );
    assert!(s.actions.contains(&"kms:GetKeyRotationStatus".to_string()));
    assert!(p.document.statement("GxpRead").is_none(), "{}", p.json());

    let p = derive(&inputs(spec_of(vec![
        resource("key", "AWS::KMS::Key", Some("1234abcd"), &["kms.rotation"]),
        resource(
            "alias",
            "AWS::KMS::Key",
            Some("alias/lims"),
            &["kms.rotation"],
        ),
    ])));
    // One key without an ARN: every key read is on *, and a note names it.
    assert!(
        p.document.statement("GxpReadKmsKeys").is_none(),
        "{}",
        p.json()
    );
    let read = statement(&p, "GxpRead");
    assert_eq!(read.resources, Resources::One("*".into()));
    assert!(read
        .actions
        .contains(&"kms:GetKeyRotationStatus".to_string()));
    assert!(
        p.notes
            .iter()
            .any(|n| n.contains("alias (alias/lims)") && n.contains("kms:GetKeyRotationStatus")),
        "{:?}",
        p.notes
    );
}

#[test]
fn a_stack_gets_its_reads_on_its_arn_and_the_drift_status_on_any() {
    let mut spec = spec_of(vec![]);
    spec.stacks.push(ExpectedStack {
        name: "lims-net".into(),
        ..Default::default()
    });
    let p = derive(&inputs(spec));
    let s = statement(&p, "GxpReadStacks");
    assert_eq!(
        s.resources,
        Resources::One("arn:aws:cloudformation:eu-west-1:123456789012:stack/lims-net/*".into())
    );
    assert_eq!(
        s.actions,
        strings(&[
            "cloudformation:DescribeStacks",
            "cloudformation:DetectStackDrift",
            "cloudformation:GetTemplate",
            "cloudformation:ListStackResources",
        ])
    );
    assert_eq!(
        statement(&p, "GxpRead").actions,
        strings(&["cloudformation:DescribeStackDriftDetectionStatus"])
    );
}

#[test]
fn a_resource_located_by_stack_is_read_on_any_and_its_stack_is_observed() {
    let mut r = resource("data", "AWS::S3::Bucket", None, &["s3.versioning"]);
    r.stack_name = Some("lims-data".into());
    r.logical_id = Some("Bucket".into());
    let p = derive(&inputs(spec_of(vec![r])));
    assert!(p.document.statement("GxpReadS3Buckets").is_none());
    assert!(allows(&p, "s3:GetBucketVersioning", "*"));
    assert!(statement(&p, "GxpReadStacks")
        .actions
        .contains(&"cloudformation:ListStackResources".to_string()));
    assert!(
        p.notes
            .iter()
            .any(|n| n.contains("data (located by its stack)")),
        "{:?}",
        p.notes
    );
}

#[test]
fn an_s3_store_writes_and_reads_its_prefix_without_a_condition() {
    let mut i = inputs(spec_of(vec![]));
    i.store = Some(StoreChoice::S3 {
        bucket: "gxp-evidence".into(),
        prefix: Some("gxp-evidence".into()),
        kms_key_id: None,
    });
    let p = derive(&i);
    let objects = statement(&p, "GxpEvidenceObjects");
    assert_eq!(objects.actions, strings(&["s3:GetObject", "s3:PutObject"]));
    assert_eq!(
        objects.resources,
        Resources::One("arn:aws:s3:::gxp-evidence/gxp-evidence/*".into())
    );
    let bucket = statement(&p, "GxpEvidenceBucket");
    assert_eq!(
        bucket.actions,
        strings(&[
            "s3:GetBucketObjectLockConfiguration",
            "s3:GetBucketVersioning",
            "s3:ListBucket"
        ])
    );
    assert_eq!(
        bucket.resources,
        Resources::One("arn:aws:s3:::gxp-evidence".into())
    );
    assert!(!p.json().contains("Condition"), "{}", p.json());
    assert!(
        p.notes.iter().any(|n| n.contains("SSE-KMS")),
        "{:?}",
        p.notes
    );
    assert!(p.document.statement("GxpEvidenceKms").is_none());

    i.store = Some(StoreChoice::S3 {
        bucket: "gxp-evidence".into(),
        prefix: None,
        kms_key_id: Some("k-1".into()),
    });
    let p = derive(&i);
    let kms = statement(&p, "GxpEvidenceKms");
    assert_eq!(
        kms.actions,
        strings(&["kms:Decrypt", "kms:GenerateDataKey"])
    );
    assert_eq!(
        kms.resources,
        Resources::One("arn:aws:kms:eu-west-1:123456789012:key/k-1".into())
    );
    assert!(!p.notes.iter().any(|n| n.contains("SSE-KMS")));
    // A local store needs nothing.
    i.store = Some(StoreChoice::Local {
        directory: "/tmp/e".into(),
    });
    assert!(derive(&i).document.statements.is_empty());
}

#[test]
fn signing_notification_and_signature_keys_get_their_statements() {
    let mut i = inputs(spec_of(vec![]));
    i.signing_key = Some("sign-1".into());
    i.notify_topic = Some("arn:aws:sns:eu-west-1:123456789012:gxp".into());
    i.signature_keys = vec!["qa-1".into(), "alias/qa".into()];
    let p = derive(&i);
    let sign = statement(&p, "GxpSignReports");
    assert_eq!(sign.actions, strings(&["kms:DescribeKey", "kms:Sign"]));
    assert_eq!(
        sign.resources,
        Resources::One("arn:aws:kms:eu-west-1:123456789012:key/sign-1".into())
    );
    let notify = statement(&p, "GxpNotify");
    assert_eq!(notify.actions, strings(&["sns:Publish"]));
    assert_eq!(
        notify.resources,
        Resources::One("arn:aws:sns:eu-west-1:123456789012:gxp".into())
    );
    // The alias key makes kms:Verify a read on *, which then covers the other key too.
    assert!(allows(&p, "kms:Verify", "*"));
    assert!(p.notes.iter().any(|n| n.contains("alias/qa")));
    i.signature_keys = vec!["qa-1".into()];
    let p = derive(&i);
    assert_eq!(
        statement(&p, "GxpVerifySignatures").resources,
        Resources::One("arn:aws:kms:eu-west-1:123456789012:key/qa-1".into())
    );
}

#[test]
fn discovery_reads_every_discoverable_type_on_any() {
    let mut i = inputs(spec_of(vec![resource(
        "data",
        "AWS::S3::Bucket",
        Some("lims-data"),
        &["s3.versioning"],
    )]));
    i.discovery.tags.insert("gxp:app".into(), "lims".into());
    let p = derive(&i);
    assert!(allows(&p, "tag:GetResources", "*"));
    for t in actions::discoverable_types() {
        for a in services::collector_actions(t) {
            assert!(
                statement(&p, "GxpRead").actions.contains(&a.to_string()),
                "{t}: {a}"
            );
        }
    }
    assert!(allows(&p, "ec2:DescribeFlowLogs", "*"));
    // The bucket's reads are on * already: no scoped statement repeats them.
    assert!(
        p.document.statement("GxpReadS3Buckets").is_none(),
        "{}",
        p.json()
    );
    assert!(p.notes.iter().any(|n| n.starts_with("discovery")));
}

#[test]
fn stages_drop_the_checks_of_other_stages_but_keep_observation() {
    let mut spec = spec_of(vec![resource(
        "data",
        "AWS::S3::Bucket",
        Some("lims-data"),
        &["s3.encryption"],
    )]);
    spec.stacks.push(ExpectedStack {
        name: "lims-net".into(),
        ..Default::default()
    });
    spec.account = Some(ExpectedAccount {
        checks: vec!["iam.password_policy".into()],
        ..Default::default()
    });
    let all = derive(&inputs(spec.clone()));
    assert!(all.actions.contains(&"kms:DescribeKey".to_string()));
    assert!(all
        .actions
        .contains(&"iam:GetAccountPasswordPolicy".to_string()));
    let mut iq = inputs(spec);
    iq.stages = vec![Stage::Iq];
    let iq = derive(&iq);
    // s3.encryption (OQ) reads the key's aliases, iam.password_policy (OQ) the account.
    assert!(
        !iq.actions.contains(&"kms:DescribeKey".to_string()),
        "{:?}",
        iq.actions
    );
    assert!(!iq
        .actions
        .contains(&"iam:GetAccountPasswordPolicy".to_string()));
    // The bucket and the stack are observed whatever the stages.
    assert!(iq
        .actions
        .contains(&"s3:GetEncryptionConfiguration".to_string()));
    assert!(iq
        .actions
        .contains(&"cloudformation:GetTemplate".to_string()));
    assert!(iq.actions.len() < all.actions.len());
}

#[test]
fn account_checks_get_what_they_declare_and_not_their_services_reads() {
    let mut spec = spec_of(vec![]);
    spec.account = Some(ExpectedAccount {
        checks: vec![
            "s3.account_public_access_block".into(),
            "ec2.ebs_default_encryption".into(),
        ],
        ..Default::default()
    });
    let p = derive(&inputs(spec));
    assert_eq!(
        p.actions,
        strings(&[
            "ec2:GetEbsDefaultKmsKeyId",
            "ec2:GetEbsEncryptionByDefault",
            "s3:GetAccountPublicAccessBlock"
        ])
    );
    assert!(p.notes.iter().any(|n| n.contains("sts:GetCallerIdentity")));
}

#[test]
fn reordered_spec_blocks_give_the_same_bytes() {
    let a = resource(
        "a",
        "AWS::S3::Bucket",
        Some("a"),
        &["s3.versioning", "s3.encryption"],
    );
    let b = resource("b", "AWS::KMS::Key", Some("k"), &["kms.rotation"]);
    let c = resource("c", "AWS::Logs::LogGroup", Some("/g"), &["logs.retention"]);
    let one = derive(&inputs(spec_of(vec![a.clone(), b.clone(), c.clone()])));
    let mut a2 = a.clone();
    a2.checks.reverse();
    let two = derive(&inputs(spec_of(vec![c, a2, b])));
    assert_eq!(one.json(), two.json());
    assert_eq!(one.notes, two.notes);
    assert!(one
        .json()
        .starts_with(r#"{"Version":"2012-10-17","Statement":[{"Sid":"#));
    // Statements sorted by Sid, actions sorted.
    let sids: Vec<&str> = one
        .document
        .statements
        .iter()
        .map(|s| s.sid.as_str())
        .collect();
    let mut sorted = sids.clone();
    sorted.sort();
    assert_eq!(sids, sorted);
    for s in &one.document.statements {
        let mut actions = s.actions.clone();
        actions.sort();
        actions.dedup();
        assert_eq!(s.actions, actions);
    }
    assert_eq!(one.size(), one.json().len());
}

#[test]
fn every_action_is_well_formed_for_every_check() {
    let mut resources = Vec::new();
    for (i, c) in crate::catalog::all().iter().enumerate() {
        for t in c.resource_types {
            if *t != crate::spec::model::ACCOUNT_TYPE {
                resources.push(resource(&format!("r{i}{t}"), t, Some("id-1"), &[c.id]));
            }
        }
    }
    let mut spec = spec_of(resources);
    spec.stacks.push(ExpectedStack {
        name: "net".into(),
        ..Default::default()
    });
    spec.account = Some(ExpectedAccount {
        checks: crate::catalog::all()
            .iter()
            .filter(|c| c.resource_types.contains(&crate::spec::model::ACCOUNT_TYPE))
            .map(|c| c.id.to_string())
            .collect(),
        ..Default::default()
    });
    let mut i = inputs(spec);
    i.discovery.tags.insert("k".into(), "v".into());
    i.signing_key = Some("s".into());
    i.notify_topic = Some("arn:aws:sns:eu-west-1:1:t".into());
    let p = derive(&i);
    let prefixes: Vec<&str> = crate::aws::Service::ALL
        .iter()
        .map(|s| s.iam_prefix())
        .collect();
    for a in &p.actions {
        let (prefix, name) = a.split_once(':').unwrap_or_else(|| panic!("{a}"));
        assert!(prefixes.contains(&prefix), "{a}");
        assert!(
            name.chars().next().is_some_and(|c| c.is_ascii_uppercase()),
            "{a}"
        );
        assert!(name.chars().all(|c| c.is_ascii_alphanumeric()), "{a}");
    }
    // Every check's own actions are in the policy.
    for c in crate::catalog::all() {
        for a in c.iam_actions {
            assert!(p.actions.contains(&a.to_string()), "{}: {a}", c.id);
        }
    }
}

#[test]
fn discovery_exclusions_drop_only_the_reads_of_the_excluded_check() {
    let mut i = inputs(spec_of(vec![]));
    i.discovery.tags.insert("gxp:app".into(), "lims".into());
    let all = derive(&i);
    let mut narrowed = 0;
    for t in actions::discoverable_types() {
        for def in crate::catalog::for_resource_type(t) {
            let mut without = i.clone();
            without.discovery.exclude_checks.insert(def.id.to_string());
            let fewer = derive(&without);
            assert!(
                fewer.actions.iter().all(|a| all.actions.contains(a)),
                "{}: an exclusion adds nothing",
                def.id
            );
            for a in all.actions.iter().filter(|a| !fewer.actions.contains(a)) {
                assert!(def.iam_actions.contains(&a.as_str()), "{}: {a}", def.id);
                narrowed += 1;
            }
        }
    }
    assert!(
        narrowed > 0,
        "some check has a read no other discovered read needs"
    );
}

#[test]
fn enumerated_types_are_granted_their_enumeration_without_tags() {
    let mut i = inputs(spec_of(vec![]));
    assert!(!allows(&derive(&i), "config:DescribeDeliveryChannels", "*"));
    i.discovery
        .enumerate_types
        .insert("AWS::Config::DeliveryChannel".into());
    let p = derive(&i);
    for a in crate::observe::enumeration::iam_actions(&i.discovery.enumerate_types) {
        assert!(allows(&p, a, "*"), "{a}");
    }
    assert!(p.notes.iter().any(|n| n.contains("enumeration")));
}
