//! End-to-end scenarios of tag-based discovery in `gxp_qualification`: real Terraform, real
//! provider, moto. Discovered resources are checked and recorded; import restores the
//! discovery tags; a failed discovery or a run with nothing to qualify ends in `error`, which
//! the next plan names as a reason to requalify.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::fixtures;
use crate::harness::{Emulator, Needs, Workspace};
use crate::qualification::{
    assert_schema_valid, config, data_bucket, object, protected_bucket, split_s3, DATA, EVIDENCE,
    S3_STORE,
};

/// The tags `fixtures::s3::compliant_bucket` puts on its bucket (not on its replica or log
/// bucket, nor on the evidence and data buckets).
const DISCOVERY: &str = r#"discovery {
    tags = {
      "gxp:app"     = "qualification"
      "gxp:purpose" = "e2e"
    }
  }
  results_in_state = "all""#;

/// [`DISCOVERY`] as the scenarios that qualify discovered buckets on moto set it: moto keeps
/// no AWS Backup selections (CreateBackupSelection and ListBackupSelections answer HTTP 500),
/// so `backup.resource_protected` could only be `error` there; the platform team's answer to
/// a class of discovered resources out of a check's scope is to exclude the check.
const DISCOVERY_ON_MOTO: &str = r#"discovery {
    tags = {
      "gxp:app"     = "qualification"
      "gxp:purpose" = "e2e"
    }
    exclude_checks = ["backup.resource_protected"]
  }
  results_in_state = "all""#;

/// The check [`DISCOVERY_ON_MOTO`] excludes.
const EXCLUDED: &str = "backup.resource_protected";

/// The reason the plan gives after a run that ended in `error`.
const ERRORED: &str = "last qualification had checks that could not be evaluated";

/// The registered checks of a bucket but [`EXCLUDED`]: what each bucket
/// [`DISCOVERY_ON_MOTO`] finds is given.
fn s3_checks() -> Vec<&'static str> {
    let all = fixtures::checks_of("AWS::S3::Bucket");
    assert!(all.contains(&EXCLUDED), "{EXCLUDED} is a bucket check");
    all.into_iter().filter(|c| *c != EXCLUDED).collect()
}

/// The state's `results` map, as a list of its entries.
fn results(q: &Value) -> Vec<&Value> {
    q["results"]
        .as_object()
        .expect("results map")
        .values()
        .collect()
}

/// A TCP port nothing listens on (bound, then released).
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test(flavor = "multi_thread")]
async fn discovery_qualifies_tagged_buckets_and_import_plans_no_requalification() {
    let Some(emu) = Emulator::start_needing(&[Needs::S3InTaggingApi]) else {
        return;
    };
    let sdk = emu.sdk_config().await;
    protected_bucket(&sdk, EVIDENCE).await;
    data_bucket(&sdk, DATA).await;
    let key = fixtures::kms::compliant_key(&sdk).await;
    let found = ["lims-found-a", "lims-found-b"];
    for name in found {
        fixtures::s3::compliant_bucket(&sdk, name, &key, "lims-found-logs").await;
    }
    let ws = Workspace::new(&emu);
    ws.write("main.tf", &config("", DISCOVERY_ON_MOTO, S3_STORE));
    ws.apply().assert_success();

    let q = ws.resource_values("gxp_qualification.q");
    assert_eq!(q["status"], "passed", "{q:#}");
    // The data bucket (IQ exists + 1 property + 3 OQ) and every S3 check per discovered bucket.
    assert_eq!(
        q["total_count"],
        5 + s3_checks().len() * found.len(),
        "{q:#}"
    );
    for name in found {
        let target = format!("discovered:arn:aws:s3:::{name}");
        let checks: BTreeSet<&str> = results(&q)
            .into_iter()
            .filter(|r| r["target"] == target.as_str())
            .map(|r| {
                assert_eq!(r["status"], "passed", "{r:#}");
                assert_eq!(r["resource_type"], "AWS::S3::Bucket");
                assert_eq!(r["identifier"], name);
                r["check_id"].as_str().unwrap()
            })
            .collect();
        assert_eq!(checks, s3_checks().into_iter().collect(), "{target}");
        assert!(
            !checks.contains(&EXCLUDED),
            "{target}: {EXCLUDED} is excluded"
        );
    }
    assert!(
        !results(&q)
            .into_iter()
            .any(|r| r["target"].as_str().unwrap().contains("replica")),
        "untagged buckets are not discovered"
    );

    let location = q["report_location"].as_str().unwrap().to_string();
    let (bucket, key) = split_s3(&location);
    let bytes = object(&sdk, &bucket, &key).await;
    assert_schema_valid(&bytes);
    let report: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        report["qualification"]["discovery_tags"],
        json!({"gxp:app": "qualification", "gxp:purpose": "e2e"})
    );
    assert_eq!(
        report["qualification"]["discovery_exclude_checks"],
        json!([EXCLUDED]),
        "the report records the exclusion for the auditor"
    );
    assert!(
        !report["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["check_id"] == EXCLUDED),
        "no result of the excluded check"
    );
    ws.assert_plan_empty();

    // Import from the report: the discovery tags come back, so the plan has no spurious
    // "qualification scope changed: discovery tags" and needs no new run.
    ws.terraform(&["state", "rm", "gxp_qualification.q"])
        .assert_success();
    ws.import("gxp_qualification.q", &location).assert_success();
    let imported = ws.resource_values("gxp_qualification.q");
    assert_eq!(
        imported["discovery"],
        json!([{
            "tags": {"gxp:app": "qualification", "gxp:purpose": "e2e"},
            "exclude_checks": [EXCLUDED],
            "enumerate_types": null
        }])
    );
    assert_eq!(imported["total_count"], q["total_count"]);
    let plan = ws.plan();
    plan.assert_not_contains("qualification scope changed")
        .assert_not_contains("requalification_reasons");
    ws.apply().assert_success();
    assert_eq!(
        ws.resource_values("gxp_qualification.q")["report_location"],
        location.as_str(),
        "settings-only update, no new run"
    );
    ws.assert_plan_empty();

    // Excluding one more check changes the scope: the plan says so and requalifies.
    let more = DISCOVERY_ON_MOTO.replace(
        r#"["backup.resource_protected"]"#,
        r#"["backup.resource_protected", "s3.versioning"]"#,
    );
    assert_ne!(more, DISCOVERY_ON_MOTO);
    ws.write("main.tf", &config("", &more, S3_STORE));
    let plan = ws.plan();
    assert!(plan.plan_has_changes(), "{}", plan.combined());
    plan.assert_contains("qualification scope changed: discovery exclude_checks");
}

#[tokio::test(flavor = "multi_thread")]
async fn discovery_failure_ends_in_error_and_the_next_plan_requalifies() {
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    protected_bucket(&sdk, EVIDENCE).await;
    data_bucket(&sdk, DATA).await;
    // GetResources goes to a port nothing listens on: discovery fails, deterministically.
    let provider = format!(
        "{S3_STORE}\n  max_retries = 0\n  endpoints {{\n    resourcegroupstaggingapi = \"http://127.0.0.1:{}\"\n  }}",
        closed_port()
    );
    let qualification = format!("{DISCOVERY}\n  enforce = false");
    let ws = Workspace::new(&emu);
    ws.write("main.tf", &config("", &qualification, &provider));
    ws.apply().assert_success();

    let q = ws.resource_values("gxp_qualification.q");
    assert_eq!(
        q["status"], "error",
        "a failed discovery never passes: {q:#}"
    );
    assert_eq!(q["error_count"], 1, "{q:#}");
    assert_eq!(q["failed_count"], 0);
    assert_eq!(
        q["passed_count"], 5,
        "the expected bucket is still qualified"
    );
    let scope: Vec<&Value> = results(&q)
        .into_iter()
        .filter(|r| r["check_id"] == "iq.scope")
        .collect();
    assert_eq!(scope.len(), 1, "{q:#}");
    let r = scope[0];
    assert_eq!(r["target"], "discovery");
    assert_eq!(r["status"], "error");
    assert_eq!(r["stage"], "IQ");
    assert_eq!(r["identifier"], "gxp:app=qualification, gxp:purpose=e2e");
    assert!(
        r["actual"].as_str().unwrap().contains("GetResources"),
        "{r:#}"
    );
    let (bucket, key) = split_s3(q["report_location"].as_str().unwrap());
    let report: Value = serde_json::from_slice(&object(&sdk, &bucket, &key).await).unwrap();
    assert_eq!(report["summary"]["status"], "error");

    let plan = ws.plan();
    assert!(plan.plan_has_changes(), "{}", plan.combined());
    plan.assert_contains(ERRORED);
}

#[tokio::test(flavor = "multi_thread")]
async fn discovery_with_nothing_to_qualify_ends_in_error_until_a_resource_is_tagged() {
    let Some(emu) = Emulator::start_needing(&[Needs::S3InTaggingApi]) else {
        return;
    };
    let sdk = emu.sdk_config().await;
    protected_bucket(&sdk, EVIDENCE).await;
    // A specification without expected resources or stacks: discovery is the whole scope.
    let spec_only = config(
        "",
        &format!("{DISCOVERY_ON_MOTO}\n  enforce = false"),
        S3_STORE,
    );
    let start = spec_only
        .find("  expected_resource {")
        .expect("expected_resource block");
    let end = start + spec_only[start..].find("\n  }\n").expect("block end") + "\n  }\n".len();
    let cfg = format!("{}{}", &spec_only[..start], &spec_only[end..]);
    assert!(!cfg.contains("expected_resource"), "{cfg}");
    let ws = Workspace::new(&emu);
    ws.write("main.tf", &cfg);
    ws.apply().assert_success();

    let q = ws.resource_values("gxp_qualification.q");
    assert_eq!(
        q["status"], "error",
        "nothing qualified never passes: {q:#}"
    );
    assert_eq!(q["total_count"], 1, "{q:#}");
    let r = &q["results"]["iq.scope@scope"];
    assert_eq!(r["check_id"], "iq.scope");
    assert_eq!(r["target"], "scope");
    assert_eq!(r["actual"], "nothing to qualify");
    ws.plan().assert_contains(ERRORED);

    // Tag a bucket: the next run qualifies it and passes.
    let key = fixtures::kms::compliant_key(&sdk).await;
    fixtures::s3::compliant_bucket(&sdk, "lims-tagged-later", &key, "lims-later-logs").await;
    ws.apply().assert_success();
    let q = ws.resource_values("gxp_qualification.q");
    assert_eq!(q["status"], "passed", "{q:#}");
    // Every registered check of the discovered bucket's type but the excluded one.
    let bucket_checks = s3_checks().len();
    assert_eq!(q["total_count"], bucket_checks, "{q:#}");
    let target = "discovered:arn:aws:s3:::lims-tagged-later";
    assert!(
        q["results"].get(format!("{EXCLUDED}@{target}")).is_none(),
        "{q:#}"
    );
    assert!(q["results"]
        .get(format!("{}@{target}", s3_checks()[0]))
        .is_some());
    ws.assert_plan_empty();
}

/// The CloudFormation type the tagging API never lists that `enumerate_types` names.
const CHANNEL_TYPE: &str = "AWS::Config::DeliveryChannel";

/// [`DISCOVERY`] enumerating the Config delivery channel too.
const DISCOVERY_ENUMERATING: &str = r#"discovery {
    tags = {
      "gxp:app"     = "qualification"
      "gxp:purpose" = "e2e"
    }
    enumerate_types = ["AWS::Config::DeliveryChannel"]
  }
  results_in_state = "all""#;

/// The `results` key of `config.delivery_channel` on the enumerated channel `name`.
fn channel_result_key(name: &str) -> String {
    format!("config.delivery_channel@discovered:{CHANNEL_TYPE}/{name}")
}

/// The report a state's `report_location` names, read from the emulator.
async fn report_of(sdk: &aws_config::SdkConfig, q: &Value) -> (Vec<u8>, Value) {
    let (bucket, key) = split_s3(q["report_location"].as_str().expect("report location"));
    let bytes = object(sdk, &bucket, &key).await;
    let report = serde_json::from_slice(&bytes).expect("report JSON");
    (bytes, report)
}

#[tokio::test(flavor = "multi_thread")]
async fn enumerate_types_qualifies_the_config_delivery_channel_only_when_asked() {
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    protected_bucket(&sdk, EVIDENCE).await;
    data_bucket(&sdk, DATA).await;
    let fx = fixtures::config::compliant_config(&sdk, "gxp-enum").await;
    // Neither moto nor LocalStack has DescribeDeliveryChannelStatus: the channel's check is
    // `error` there (never `passed`), so the run does not fail the apply.
    let status_readable = emu.backend() == crate::harness::Backend::Aws;
    let ws = Workspace::new(&emu);
    // Without the attribute the channel is not in scope: tag-based discovery never finds it.
    ws.write(
        "main.tf",
        &config("", &format!("{DISCOVERY}\n  enforce = false"), S3_STORE),
    );
    ws.apply().assert_success();
    let q = ws.resource_values("gxp_qualification.q");
    assert!(
        !q["results"]
            .as_object()
            .unwrap()
            .values()
            .any(|r| r["resource_type"] == CHANNEL_TYPE),
        "{q:#}"
    );
    let (_, report) = report_of(&sdk, &q).await;
    assert!(report["qualification"]
        .get("discovery_enumerate_types")
        .is_none());

    // Naming the type is a scope change: the plan says so, the run qualifies the channel.
    ws.write(
        "main.tf",
        &config(
            "",
            &format!("{DISCOVERY_ENUMERATING}\n  enforce = false"),
            S3_STORE,
        ),
    );
    let plan = ws.plan();
    assert!(plan.plan_has_changes(), "{}", plan.combined());
    plan.assert_contains("qualification scope changed: discovery enumerate_types");
    ws.apply().assert_success();

    let q = ws.resource_values("gxp_qualification.q");
    let r = &q["results"][channel_result_key(&fx.channel)];
    assert_eq!(r["check_id"], "config.delivery_channel", "{q:#}");
    assert_eq!(r["resource_type"], CHANNEL_TYPE);
    assert_eq!(r["identifier"], fx.channel.as_str());
    assert_eq!(
        r["status"],
        if status_readable { "passed" } else { "error" },
        "{r:#}"
    );
    let (bytes, report) = report_of(&sdk, &q).await;
    assert_schema_valid(&bytes);
    assert_eq!(
        report["qualification"]["discovery_enumerate_types"],
        json!([CHANNEL_TYPE]),
        "the report records what was enumerated"
    );
    let target = format!("discovered:{CHANNEL_TYPE}/{}", fx.channel);
    let recorded = report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["key"] == target.as_str())
        .unwrap_or_else(|| panic!("{target} not in the report's targets"));
    assert_eq!(recorded["origin"], "discovered");
    let result = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["target"] == target.as_str())
        .expect("channel result");
    if !status_readable {
        let detail = result["detail"].as_str().unwrap_or_default();
        assert!(
            detail.contains("DescribeDeliveryChannelStatus"),
            "{result:#}"
        );
    }
    let notes: Vec<&str> = report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains(&fx.channel) && n.contains("no tag filter: the type has no tags")),
        "the report says the channel was kept without a tag filter: {notes:?}"
    );
    // No iq.scope error: the enumeration answered.
    assert!(q["results"]
        .as_object()
        .unwrap()
        .keys()
        .all(|k| !k.starts_with("iq.scope")));

    // Weakened: the channel deleted. The next run finds no channel to qualify; the report
    // says so (a discovered resource that is gone is out of scope, as an untagged bucket is).
    fixtures::config::weaken_delivery_channel(&sdk, &fx).await;
    let plan = ws.plan();
    assert!(plan.plan_has_changes(), "{}", plan.combined());
    ws.apply().assert_success();
    let q = ws.resource_values("gxp_qualification.q");
    assert!(
        q["results"].get(channel_result_key(&fx.channel)).is_none(),
        "{q:#}"
    );
    let (_, report) = report_of(&sdk, &q).await;
    assert!(
        report["notes"].as_array().unwrap().iter().any(|n| n
            .as_str()
            .unwrap_or_default()
            .contains(&format!("found no {CHANNEL_TYPE}"))),
        "{:#}",
        report["notes"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_denied_enumeration_is_an_iq_scope_error_and_the_apply_fails_closed() {
    use crate::harness::faults::{Fault, FaultProxy, Rule};
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    protected_bucket(&sdk, EVIDENCE).await;
    data_bucket(&sdk, DATA).await;
    fixtures::config::compliant_config(&sdk, "gxp-denied").await;
    let proxy = FaultProxy::start(&emu.endpoint);
    proxy.add(Rule::new("config", Fault::AccessDenied).op("DescribeDeliveryChannels"));
    let mut ws = Workspace::new(&emu);
    ws.set_env("AWS_ENDPOINT_URL", &proxy.url);
    ws.write("main.tf", &config("", DISCOVERY_ENUMERATING, S3_STORE));
    let apply = ws.apply();
    apply
        .assert_failure()
        .assert_contains("Qualification check could not be evaluated: iq.scope")
        .assert_contains(&format!("discovery:{CHANNEL_TYPE}"));
    assert!(
        proxy
            .calls()
            .iter()
            .any(|c| c.operation == "DescribeDeliveryChannels" && c.fault.is_some()),
        "the fault was injected"
    );

    let q = ws.resource_values("gxp_qualification.q");
    assert_eq!(q["status"], "error", "{q:#}");
    let r = &q["results"][format!("iq.scope@discovery:{CHANNEL_TYPE}")];
    assert_eq!(r["status"], "error", "{q:#}");
    assert_eq!(r["stage"], "IQ");
    assert_eq!(r["identifier"], CHANNEL_TYPE);
    assert!(
        r["actual"]
            .as_str()
            .unwrap()
            .contains("DescribeDeliveryChannels"),
        "{r:#}"
    );
    assert!(
        r["actual"].as_str().unwrap().contains("AccessDenied"),
        "{r:#}"
    );
    assert!(
        !q["results"]
            .as_object()
            .unwrap()
            .values()
            .any(|r| r["resource_type"] == CHANNEL_TYPE),
        "no channel target is made up: {q:#}"
    );
    assert_eq!(
        q["passed_count"], 5,
        "the expected bucket is still qualified"
    );
    let (bytes, report) = report_of(&sdk, &q).await;
    assert_schema_valid(&bytes);
    assert_eq!(report["summary"]["status"], "error");
    // The failed create is tainted: the next plan replaces it (a new run), never keeps it.
    let plan = ws.plan();
    assert!(plan.plan_has_changes(), "{}", plan.combined());
    plan.assert_contains("gxp_qualification.q is tainted, so must be replaced");
}

#[tokio::test(flavor = "multi_thread")]
async fn enumerating_a_type_the_tagging_api_lists_is_refused_at_plan() {
    let emu = Emulator::start();
    let ws = Workspace::new(&emu);
    ws.write(
        "main.tf",
        &config(
            "",
            &DISCOVERY_ENUMERATING.replace(CHANNEL_TYPE, "AWS::S3::Bucket"),
            S3_STORE,
        ),
    );
    let plan = ws.plan();
    plan.assert_failure()
        .assert_contains("Error: Invalid type to enumerate")
        .assert_contains("`AWS::S3::Bucket` is already found by tags")
        .assert_contains("with gxp_qualification.q,")
        .assert_contains("enumerate_types = [\"AWS::S3::Bucket\"]");
}
