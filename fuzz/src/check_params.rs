//! Target `check_params`: check parameters (`CHECK_ID.PARAMETER` in `check_parameters`) from
//! plan-time validation to evaluation, over every check of the catalog and any observation.
//!
//! Asserts:
//! - evaluation never panics, whatever the parameters and the observation;
//! - plan-time validation refuses a value exactly when the parameter's parser does, so
//!   what plan accepts is what the check reads;
//! - a refused value makes the check `error`; an accepted one is what the check gets
//!   (never its default), and its parsed form reads back as itself;
//! - a missing resource fails, a resource of unknown existence errors;
//! - with every property it could read unreadable, no check passes (but those that only
//!   verify existence).

use std::collections::BTreeMap;

use arbitrary::{Result, Unstructured};
use gxp_core::spec::path::Path;
use tf_provider::value::Value;

use super::spec::validate;
use gxp::convert::spec::*;
use gxp_core::catalog::params::ParamValue;
use gxp_core::catalog::{self, CheckDef};
use gxp_core::checks::{evaluate, evaluate_with, Params, Status};
use gxp_core::observe::{Existence, Observation};

use super::gen::{self, word};

/// Property names the evaluators read (top level and nested), so that generated
/// observations reach past "not configured".
const PROPERTIES: &[&str] = &[
    "AdvancedEventSelectors",
    "BackupRetentionPeriod",
    "BlockPublicAcls",
    "BlockPublicPolicy",
    "BucketPolicy",
    "CidrIp",
    "CidrIpv6",
    "CloudWatchLogsLogGroupArn",
    "CloudWatchLogsRoleArn",
    "Condition",
    "ConfigHistoryDeliveryError",
    "ConfigHistoryDeliveryStatus",
    "DataResources",
    "Days",
    "DefaultRetention",
    "DefaultSecurityGroup",
    "DeletionProtection",
    "DeliverLogsStatus",
    "EgressRules",
    "EnableKeyRotation",
    "EnableLogFileValidation",
    "Enabled",
    "EventSelectors",
    "Field",
    "FieldSelectors",
    "FlowLogStatus",
    "FlowLogs",
    "FromPort",
    "IgnorePublicAcls",
    "IncludeGlobalServiceEvents",
    "IngressRules",
    "IpProtocol",
    "IsLogging",
    "IsMultiRegionTrail",
    "KMSKeyId",
    "KeySpec",
    "KeyState",
    "KmsKeyAliases",
    "KmsKeyId",
    "LastErrorCode",
    "LastStatus",
    "LatestCloudWatchLogsDeliveryError",
    "LatestDeliveryError",
    "LogDestination",
    "LoggingConfiguration",
    "DestinationBucketName",
    "MfaDelete",
    "Mode",
    "MultiAZ",
    "ObjectLockConfiguration",
    "ObjectLockEnabled",
    "Origin",
    "PublicAccessBlockConfiguration",
    "ReadWriteType",
    "Recording",
    "RecordingGroup",
    "AllSupported",
    "ReplicationConfiguration",
    "Rules",
    "Resource",
    "RestrictPublicBuckets",
    "RetentionInDays",
    "RotationPeriodInDays",
    "Rule",
    "S3BucketName",
    "SecondaryAvailabilityZone",
    "SecurityGroupIngress",
    "State",
    "Statement",
    "Status",
    "StorageEncrypted",
    "ToPort",
    "TrafficType",
    "Type",
    "Values",
    "VersioningConfiguration",
    "Years",
    "Effect",
    "Principal",
    "Action",
];

/// Checks that verify existence only: they pass without reading a property.
const EXISTENCE_ONLY: &[&str] = &["cloudtrail.exists", "iq.resource_exists"];

/// Parameter spellings, valid and not.
const VALUES: &[&str] = &[
    "365",
    " 365 ",
    "0365",
    "2555d",
    "abc",
    "",
    " ",
    "-1",
    "0",
    "1",
    "1.0",
    "1e3",
    "9223372036854775808",
    "22,3389",
    "22, 3389",
    "22-25",
    "22,,3389",
    "65536",
    "COMPLIANCE",
    "governance",
    "GOVERNANCE",
    "ALL",
    "REJECT",
    "true",
    "arn:aws:s3:::records",
    "alias/gxp",
    "1234abcd-12ab-34cd-56ef-1234567890ab",
    "records-bucket",
];

fn observation(def: &CheckDef, u: &mut Unstructured) -> Result<Observation> {
    let resource_type = match def.resource_types.first() {
        Some(t) if u.ratio(7, 8)? => t.to_string(),
        _ => word(
            u,
            &[
                "AWS::S3::Bucket",
                "AWS::Logs::LogGroup",
                "AWS::Bogus::Thing",
            ],
        )?,
    };
    Ok(Observation {
        key: "r".into(),
        resource_type,
        identifier: word(
            u,
            &["records-bucket", "arn:aws:logs:us-east-1:1:log-group:g"],
        )?,
        arn: None,
        existence: Existence::Exists,
        properties: gen::json_object_with(u, 0, PROPERTIES)?,
        errors: BTreeMap::new(),
        observed_at: None,
    })
}

/// Run the target on fuzzer bytes.
pub fn run(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let _ = check(&mut u);
}

fn check(u: &mut Unstructured) -> Result<()> {
    let all = catalog::all();
    let def = &all[u.choose_index(all.len())?];
    let obs = observation(def, u)?;
    let mut overrides = BTreeMap::new();
    for p in def.params {
        if u.ratio(3, 4)? {
            overrides.insert(format!("{}.{}", def.id, p.name), word(u, VALUES)?);
        }
    }
    let outcome = evaluate_with(def, &obs, &overrides);

    // Validation and evaluation read a value the same way.
    let accepted = accepted_parameters(def, &overrides);
    let mut refused = false;
    for p in def.params {
        let key = format!("{}.{}", def.id, p.name);
        let Some(value) = overrides.get(&key) else {
            continue;
        };
        let parsed = p.parse(def.id, value);
        assert_eq!(
            accepted.contains(&key),
            parsed.is_ok(),
            "plan-time validation and the parser disagree on {key} = {value:?}: {parsed:?}"
        );
        match parsed {
            Err(_) => refused = true,
            Ok(v) => reads_back(def, p.name, &v),
        }
    }
    let params = match Params::resolve(def, &overrides) {
        Err(e) => {
            assert!(refused, "{e} although every value parses");
            assert_eq!(
                outcome.status,
                Status::Error,
                "a refused {e} was evaluated: {outcome:?}"
            );
            return Ok(());
        }
        Ok(params) => params,
    };
    assert!(!refused, "a refused value resolved");
    for p in def.params {
        let key = format!("{}.{}", def.id, p.name);
        let raw = overrides.get(&key).map(String::as_str).or(p.default);
        let want = raw.map(|r| p.parse(def.id, r).expect("parses"));
        assert_eq!(
            params.get(p.name),
            want.as_ref(),
            "{key} is not what was given"
        );
    }
    assert_eq!(outcome, evaluate(def, &obs, &params));

    let mut missing = obs.clone();
    missing.existence = Existence::Missing;
    assert_eq!(
        evaluate(def, &missing, &params).status,
        Status::Failed,
        "{}",
        def.id
    );
    let mut unknown = obs.clone();
    unknown.existence = Existence::Unknown("throttled".into());
    assert_eq!(
        evaluate(def, &unknown, &params).status,
        Status::Error,
        "{}",
        def.id
    );

    let mut unreadable = obs.clone();
    for name in PROPERTIES
        .iter()
        .copied()
        .chain(obs.properties.keys().map(String::as_str))
    {
        unreadable.error(name, "AccessDenied");
    }
    let blind = evaluate(def, &unreadable, &params);
    if !EXISTENCE_ONLY.contains(&def.id) {
        assert_ne!(
            blind.status,
            Status::Passed,
            "{} passed with nothing readable: {blind:?}",
            def.id
        );
    }
    Ok(())
}

/// A parsed value, written back in its plain form, parses to itself.
fn reads_back(def: &CheckDef, name: &str, value: &ParamValue) {
    let p = def.param(name).expect("a parameter of the check");
    let text = match value {
        ParamValue::Days(d) | ParamValue::Count(d) => d.to_string(),
        ParamValue::Boolean(b) => b.to_string(),
        ParamValue::Choice(c) => c.to_string(),
        ParamValue::Ports(ranges) => ranges
            .iter()
            .map(|(lo, hi)| {
                if lo == hi {
                    lo.to_string()
                } else {
                    format!("{lo}-{hi}")
                }
            })
            .collect::<Vec<_>>()
            .join(","),
        ParamValue::Text(t) => t.clone(),
    };
    let again = p.parse(def.id, &text);
    assert_eq!(
        again.as_ref(),
        Ok(value),
        "{}.{name}: {text:?} does not read back",
        def.id
    );
}

/// The override keys that plan-time validation accepts on a resource running `def`.
fn accepted_parameters(def: &CheckDef, overrides: &BTreeMap<String, String>) -> Vec<String> {
    let resource_type = def
        .resource_types
        .first()
        .copied()
        .unwrap_or("AWS::S3::Bucket");
    let s = |v: &str| Value::Value(v.to_string());
    let cfg = SpecConfig {
        name: s("fuzz"),
        version: s("1"),
        system: Value::Value(SystemConfig {
            application_id: s("lims"),
            environment: s("prod"),
            ..Default::default()
        }),
        approval: Value::Value(ApprovalConfig {
            approved_by: s("qa"),
            approved_at: s("2026-01-01"),
            change_reference: s("CR-1"),
            ..Default::default()
        }),
        expected_resource: Value::Value(vec![ExpectedResourceConfig {
            key: s("r"),
            resource_type: s(resource_type),
            identifier: s("records-bucket"),
            checks: Value::Value(vec![s(def.id)]),
            check_parameters: Value::Value(
                overrides.iter().map(|(k, v)| (k.clone(), s(v))).collect(),
            ),
            ..Default::default()
        }]),
        ..Default::default()
    };
    let problems = validate(&cfg, super::spec::now());
    let at = |k: &str| {
        Path::root()
            .attribute("expected_resource")
            .index(0)
            .attribute("check_parameters")
            .key(k.to_string())
    };
    overrides
        .keys()
        .filter(|k| !problems.iter().any(|p| p.path == at(k)))
        .cloned()
        .collect()
}
