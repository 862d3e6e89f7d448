//! `gxp_iam_policy` under IAM enforcement: a qualification run by an IAM user holding only
//! the generated policy, against a moto server that enforces IAM (its own server, switched
//! to enforcement with `POST /moto-api/reset-auth` once the fixtures are made; no other test
//! shares it).
//!
//! - *Sufficient*: no result of the run is `error` (resources, stack, discovery, signing and
//!   notification under enforcement). The report is filed to a local directory: moto 5.2.1's
//!   S3 signature check answers the SDK's ListObjectsV2 of the evidence prefix with
//!   `SignatureDoesNotMatch` (measured), so the evidence-store statements are not exercised
//!   under enforcement.
//! - *Minimal*: without one action, exactly the results that need it
//!   (`gxp_core::policy::actions_for_result`) are `error`.
//!
//! What moto 5.2 authorises (`moto/core/authorization.py`, `moto/iam/access_control.py`,
//! measured here) and how the test adapts the policy ([`moto_policy`]):
//! - every service dispatched through `BaseResponse.call_action` (all this provider reads)
//!   and S3; not Elastic Load Balancing v2 (no `dispatch` in moto 5.2.1), so `elb.*` reads are
//!   not covered here;
//! - real resources only for S3, SQS, IAM and STS; every other service is checked against
//!   `*`, so non-S3 statements get `Resource: "*"` and scoping is tested for S3 only;
//! - identity statements with a `Condition` are denied (the policy has none);
//! - S3 and tagging action names differ from AWS: HEAD bucket is `s3:HeadBucket`, GetResources
//!   `tagging:GetResources`, and a bucket GET sub-resource moto does not map (`?encryption`,
//!   `?object-lock`, `?ownershipControls`, `?replication`, `?publicAccessBlock` — moto's map
//!   says `public_access_block`) is `s3:ListBucket`: removing `s3:GetEncryptionConfiguration`
//!   or `s3:GetBucketPublicAccessBlock` denies nothing under moto, so the minimality trials use
//!   reads moto names as AWS does;
//! - `sts:GetCallerIdentity` is always allowed.

use std::collections::BTreeSet;

use aws_config::SdkConfig;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use aws_sdk_kms::types::{KeySpec, KeyUsageType};
use serde_json::{json, Value};

use crate::fixtures::{kms, logs, s3, stack};
use crate::harness::{moto_or_skip, Emulator, Workspace};
use crate::qualification::protected_bucket;

const EVIDENCE: &str = "gxp-policy-evidence";
const BUCKET: &str = "gxp-policy-data";
const LOG_BUCKET: &str = "gxp-policy-logs";
const GROUP: &str = "/gxp/policy/audit";
const STACK: &str = "gxp-policy-stack";

/// moto's names for actions whose AWS name it does not use: (AWS action, moto action). Each
/// alias is granted only beside its AWS action, so it adds no permission.
const MOTO_ALIASES: &[(&str, &str)] = &[
    ("s3:ListBucket", "s3:HeadBucket"),
    ("s3:ListBucket", "s3:ListObjectsV2"),
    ("s3:GetBucketPublicAccessBlock", "s3:GetPublicAccessBlock"),
    ("tag:GetResources", "tagging:GetResources"),
];

/// The generated policy as moto can enforce it: statements with an action of another service
/// than S3 on `*` (moto checks those against `*`), and moto's aliases of the actions present.
fn moto_policy(generated: &Value) -> Value {
    let mut policy = generated.clone();
    for statement in policy["Statement"].as_array_mut().expect("statements") {
        let mut actions: Vec<String> = statement["Action"]
            .as_array()
            .expect("actions")
            .iter()
            .map(|a| a.as_str().unwrap().to_string())
            .collect();
        if !actions.iter().all(|a| a.starts_with("s3:")) {
            statement["Resource"] = json!("*");
        }
        for (aws, moto) in MOTO_ALIASES {
            if actions.iter().any(|a| a == aws) && !actions.iter().any(|a| a == moto) {
                actions.push(moto.to_string());
            }
        }
        statement["Action"] = json!(actions);
    }
    policy
}

/// The generated policy without `action` (and its moto aliases).
fn without(generated: &Value, action: &str) -> Value {
    let mut policy = generated.clone();
    for statement in policy["Statement"].as_array_mut().expect("statements") {
        let kept: Vec<Value> = statement["Action"]
            .as_array()
            .expect("actions")
            .iter()
            .filter(|a| a.as_str() != Some(action))
            .cloned()
            .collect();
        statement["Action"] = json!(kept);
    }
    policy["Statement"]
        .as_array_mut()
        .unwrap()
        .retain(|s| !s["Action"].as_array().unwrap().is_empty());
    policy
}

fn config(signing_key: &str, topic: &str, with_qualification: bool, local: &str) -> String {
    let qualification = if with_qualification {
        format!(
            r#"
resource "gxp_qualification" "q" {{
  name             = "lims-policy"
  spec_id          = gxp_expected_spec.s.id
  spec_digest      = gxp_expected_spec.s.digest
  spec_document    = gxp_expected_spec.s.canonical_json
  enforce          = false
  signing_key_id   = "{signing_key}"
  notify_topic_arn = "{topic}"
  discovery {{
    tags = {{ "gxp:app" = "qms" }}
  }}
  evidence_store {{
    local_directory = "{local}"
  }}
}}
"#
        )
    } else {
        String::new()
    };
    format!(
        r#"
terraform {{
  required_providers {{
    gxp = {{ source = "gxp/gxp" }}
  }}
}}

provider "gxp" {{
  s3_use_path_style = true
}}

resource "gxp_expected_spec" "s" {{
  name    = "lims-policy"
  version = "1.0"
  system {{
    application_id = "lims"
    environment    = "prod"
  }}
  approval {{
    approved_by      = "qa.lead@example.com"
    approved_at      = "2026-01-01T00:00:00Z"
    change_reference = "CR-2026-011"
  }}
  expected_resource {{
    key        = "data"
    type       = "AWS::S3::Bucket"
    identifier = "{BUCKET}"
    checks     = ["s3.versioning", "s3.encryption", "s3.public_access_block", "s3.access_logging", "s3.tls_only"]
  }}
  expected_resource {{
    key        = "key"
    type       = "AWS::KMS::Key"
    identifier = "{{KEY}}"
    checks     = ["kms.enabled", "kms.rotation"]
  }}
  expected_resource {{
    key        = "audit"
    type       = "AWS::Logs::LogGroup"
    identifier = "{GROUP}"
    checks     = ["logs.retention", "logs.kms"]
  }}
  expected_stack {{
    name = "{STACK}"
  }}
}}

data "gxp_iam_policy" "p" {{
  spec_document    = gxp_expected_spec.s.canonical_json
  signing_key_id   = "{signing_key}"
  notify_topic_arn = "{topic}"
  discovery {{
    tags = {{ "gxp:app" = "qms" }}
  }}
  evidence_store {{
    s3_bucket = "{EVIDENCE}"
  }}
}}
{qualification}
"#
    )
}

/// An SDK configuration acting with the access key `(id, secret)`.
fn acting_as(sdk: &SdkConfig, key: &(String, String)) -> SdkConfig {
    sdk.to_builder()
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            &key.0,
            &key.1,
            None,
            None,
            "gxp-e2e-iam",
        )))
        .build()
}

/// Create IAM user `name` with inline policy `policy`; returns its access key.
async fn user(sdk: &SdkConfig, name: &str, policy: &Value) -> (String, String) {
    let iam = aws_sdk_iam::Client::new(sdk);
    iam.create_user()
        .user_name(name)
        .send()
        .await
        .expect("CreateUser");
    put_policy(sdk, name, policy).await;
    let key = iam
        .create_access_key()
        .user_name(name)
        .send()
        .await
        .expect("CreateAccessKey")
        .access_key
        .expect("access key");
    (key.access_key_id, key.secret_access_key)
}

async fn put_policy(sdk: &SdkConfig, name: &str, policy: &Value) {
    aws_sdk_iam::Client::new(sdk)
        .put_user_policy()
        .user_name(name)
        .policy_name("gxp")
        .policy_document(policy.to_string())
        .send()
        .await
        .expect("PutUserPolicy");
}

/// The results of the last run, from the filed report: (check id, target, type, status).
fn results(ws: &Workspace) -> Vec<(String, String, String, String)> {
    let q = ws.resource_values("gxp_qualification.q");
    let location = q["report_location"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let bytes = std::fs::read(&location).unwrap_or_else(|e| panic!("{location}: {e}: {q:#}"));
    let report: Value = serde_json::from_slice(&bytes).unwrap();
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or_default().to_string();
            (s("check_id"), s("target"), s("resource_type"), s("status"))
        })
        .collect()
}

fn errors(results: &[(String, String, String, String)]) -> BTreeSet<(String, String)> {
    results
        .iter()
        .filter(|r| r.3 == "error")
        .map(|r| (r.0.clone(), r.1.clone()))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn iam_policy_is_sufficient_and_minimal_under_moto_iam_enforcement() {
    let test = "iam_policy_is_sufficient_and_minimal_under_moto_iam_enforcement";
    if !moto_or_skip(
        test,
        "IAM enforcement (INITIAL_NO_AUTH_ACTION_COUNT) is moto's",
    ) {
        return;
    }
    // Its own moto server: enforcement is switched on for this server only.
    let emu = Emulator::start_with_env(&[]);
    let sdk = emu.sdk_config().await;
    let key = kms::compliant_key(&sdk).await;
    s3::compliant_bucket(&sdk, BUCKET, &key, LOG_BUCKET).await;
    logs::compliant_log_group(&sdk, GROUP).await;
    stack::create_stack(&sdk, STACK, &[]).await;
    protected_bucket(&sdk, EVIDENCE).await;
    let signing = aws_sdk_kms::Client::new(&sdk)
        .create_key()
        .key_spec(KeySpec::EccNistP256)
        .key_usage(KeyUsageType::SignVerify)
        .send()
        .await
        .expect("signing key")
        .key_metadata
        .expect("metadata")
        .key_id;
    let topic = aws_sdk_sns::Client::new(&sdk)
        .create_topic()
        .name("gxp-policy")
        .send()
        .await
        .expect("CreateTopic")
        .topic_arn
        .expect("topic ARN");

    // The policy, through Terraform.
    let mut ws = Workspace::new(&emu);
    let evidence = tempfile::tempdir().unwrap();
    let local = evidence.path().display().to_string();
    let main = |with_q: bool| config(&signing, &topic, with_q, &local).replace("{KEY}", &key);
    ws.write("main.tf", &main(false));
    ws.apply().assert_success();
    let p = ws.resource_values("data.gxp_iam_policy.p");
    let generated: Value = serde_json::from_str(p["json"].as_str().expect("json")).unwrap();
    let actions: Vec<&str> = p["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    for (aws, _) in MOTO_ALIASES {
        assert!(
            actions.contains(aws),
            "alias of {aws}, which the policy lacks"
        );
    }
    for a in [
        "kms:Sign",
        "sns:Publish",
        "s3:PutObject",
        "tag:GetResources",
    ] {
        assert!(actions.contains(&a), "{a}: {actions:?}");
    }
    assert!(p["size"].as_i64().unwrap() > 0);

    let admin_key = user(
        &sdk,
        "gxp-admin",
        &json!({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
        }),
    )
    .await;
    let qualifier_key = user(&sdk, "gxp-qualifier", &moto_policy(&generated)).await;
    emu.enable_iam_enforcement();
    let admin = acting_as(&sdk, &admin_key);
    // Enforcement is on: the static test keys are refused.
    let refused = aws_sdk_s3::Client::new(&sdk).list_buckets().send().await;
    assert!(refused.is_err(), "moto does not enforce IAM: {refused:?}");

    ws.set_env("AWS_ACCESS_KEY_ID", &qualifier_key.0);
    ws.set_env("AWS_SECRET_ACCESS_KEY", &qualifier_key.1);
    ws.write("main.tf", &main(true));
    ws.apply().assert_success();
    let all = results(&ws);
    assert!(all.len() > 10, "{all:?}");
    assert_eq!(
        errors(&all),
        BTreeSet::new(),
        "errors with the generated policy: {all:?}"
    );
    let q = ws.resource_values("gxp_qualification.q");
    assert_eq!(q["error_count"], 0, "{q:#}");

    // Minimal: without one read, exactly the results that need it are `error`.
    for x in [
        "kms:GetKeyRotationStatus",
        "s3:GetBucketLogging",
        "s3:GetBucketPolicy",
    ] {
        put_policy(
            &admin,
            "gxp-qualifier",
            &moto_policy(&without(&generated, x)),
        )
        .await;
        ws.terraform(&[
            "apply",
            "-input=false",
            "-auto-approve",
            "-replace=gxp_qualification.q",
        ])
        .assert_success();
        let run = results(&ws);
        let expected: BTreeSet<(String, String)> = run
            .iter()
            .filter(|(id, _, ty, _)| {
                gxp_core::catalog::get(id)
                    .is_some_and(|def| gxp_core::policy::actions_for_result(def, ty).contains(&x))
            })
            .map(|r| (r.0.clone(), r.1.clone()))
            .collect();
        let target_checks = run
            .iter()
            .filter(|r| expected.iter().any(|(_, t)| *t == r.1))
            .count();
        assert!(!expected.is_empty(), "{x}: no result needs it: {run:?}");
        assert!(
            expected.len() < target_checks,
            "{x} is an existence read (every result of its target needs it)"
        );
        assert_eq!(errors(&run), expected, "without {x}: {run:?}");
    }
}
