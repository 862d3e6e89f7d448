//! Tests of the harness itself; none of them loads the provider.

use std::process::Command;
use std::time::Instant;

use crate::harness::{
    moto_or_skip, terraform_path, Backend, Emulator, Needs, Workspace, PROVIDER_SOURCE,
};

/// A config without providers: only an output.
const TRIVIAL: &str = "terraform {\n}\n\noutput \"x\" {\n  value = 1\n}\n";

#[tokio::test]
async fn harness_emulator_answers_sts() {
    let started = Instant::now();
    let emulator = Emulator::start();
    eprintln!(
        "emulator up in {:?} at {}",
        started.elapsed(),
        emulator.endpoint
    );
    if emulator.backend() != Backend::Aws {
        assert!(
            emulator.endpoint.starts_with("http://127.0.0.1:"),
            "endpoint {}",
            emulator.endpoint
        );
        assert!(emulator.s3_path_style());
        let env = emulator.env();
        for (k, v) in [
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_REGION", "us-east-1"),
            ("AWS_DEFAULT_REGION", "us-east-1"),
            ("AWS_ENDPOINT_URL", emulator.endpoint.as_str()),
        ] {
            assert!(
                env.contains(&(k.to_string(), v.to_string())),
                "{k} in {env:?}"
            );
        }
    }

    let sts = aws_sdk_sts::Client::new(&emulator.sdk_config().await);
    let identity = sts
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity");
    let account = identity.account().expect("account in GetCallerIdentity");
    assert_eq!(account.len(), 12, "account id {account:?}");

    // Dropping the emulator kills and reaps moto: no zombie, no orphan.
    let pid = emulator.pid();
    drop(emulator);
    if let Some(pid) = pid {
        assert!(
            !std::path::Path::new(&format!("/proc/{pid}")).exists(),
            "moto_server pid {pid} still exists after drop"
        );
    }
}

#[test]
fn harness_terraform_version_runs() {
    let terraform = terraform_path();
    assert!(terraform.is_file(), "{}", terraform.display());
    let out = Command::new(&terraform)
        .arg("version")
        .env_remove("TF_CLI_CONFIG_FILE")
        .output()
        .expect("run terraform version");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "terraform version failed: {out:?}");
    assert!(
        stdout.contains("Terraform v") || stdout.contains("OpenTofu v"),
        "unexpected `terraform version` output: {stdout}"
    );
    eprintln!(
        "{} -> {}",
        terraform.display(),
        stdout.lines().next().unwrap_or("")
    );
}

#[test]
fn harness_workspace_trivial_config_round_trip() {
    let emulator = Emulator::start();
    let ws = Workspace::new(&emulator);
    ws.write("main.tf", TRIVIAL);

    let init = ws.init();
    init.assert_success();
    // Our CLI config (and not the parent's TF_CLI_CONFIG_FILE) is in effect.
    init.assert_not_contains("Unable to open CLI configuration file");
    assert!(
        !init.combined().contains('\u{1b}'),
        "colour codes in output"
    );

    ws.validate().assert_success();

    let plan = ws.plan();
    assert!(
        plan.plan_has_changes(),
        "expected changes:\n{}",
        plan.combined()
    );
    plan.assert_contains("Provider development overrides are in effect")
        .assert_contains(PROVIDER_SOURCE.trim_start_matches("registry.terraform.io/"))
        .assert_contains("+ x = 1");

    let planned = ws.plan_json();
    assert_eq!(
        planned.pointer("/output_changes/x/after"),
        Some(&serde_json::json!(1)),
        "{planned:#}"
    );

    ws.apply().assert_success();
    let state = ws.show_json();
    assert_eq!(
        state.pointer("/values/outputs/x/value"),
        Some(&serde_json::json!(1)),
        "{state:#}"
    );
    ws.assert_plan_empty();
    ws.terraform(&["output", "-json"])
        .assert_success()
        .assert_contains("\"value\": 1");
    ws.terraform(&["state", "list"]).assert_success();

    ws.destroy().assert_success();
}

#[test]
fn harness_diagnostics_files_and_env() {
    let emulator = Emulator::start();
    let mut ws = Workspace::new(&emulator);
    // `write` creates parent directories; `remove` deletes files and trees.
    ws.write("nested/dir/extra.tf", TRIVIAL);
    assert!(ws.path().join("nested/dir/extra.tf").is_file());
    ws.remove("nested/dir/extra.tf");
    ws.remove("nested");
    assert!(!ws.path().join("nested").exists());
    ws.write("main.tf", "output \"y\" {\n  value = var.nope\n}\n");

    let run = ws.validate();
    run.assert_failure()
        .assert_contains("Error: Reference to undeclared input variable")
        // Terraform wraps this sentence over two lines.
        .assert_contains("This variable can be declared with a variable \"nope\" {} block.");
    assert!(!run.stderr.contains('\u{1b}'), "colour codes in output");

    // Declaring the variable and feeding it through `set_env` fixes it.
    ws.write("vars.tf", "variable \"nope\" {\n  type = string\n}\n");
    ws.set_env("TF_VAR_nope", "first");
    ws.set_env("TF_VAR_nope", "from-set-env");
    ws.plan().assert_contains("+ y = \"from-set-env\"");
}

#[tokio::test]
async fn harness_two_emulators_are_independent() {
    if !moto_or_skip(
        "harness_two_emulators_are_independent",
        "only meaningful for moto servers started per test",
    ) {
        return;
    }
    let (a, b) = (Emulator::start(), Emulator::start());
    assert_ne!(a.endpoint, b.endpoint);

    let bucket = "gxp-harness-independence";
    let s3_a = a.s3_client().await;
    let s3_b = b.s3_client().await;
    s3_a.create_bucket()
        .bucket(bucket)
        .send()
        .await
        .expect("create bucket in A");

    let names = |out: aws_sdk_s3::operation::list_buckets::ListBucketsOutput| -> Vec<String> {
        out.buckets()
            .iter()
            .filter_map(|b| b.name().map(str::to_string))
            .collect()
    };
    let in_a = names(s3_a.list_buckets().send().await.expect("list A"));
    let in_b = names(s3_b.list_buckets().send().await.expect("list B"));
    assert!(in_a.iter().any(|n| n == bucket), "A lists {in_a:?}");
    assert!(!in_b.iter().any(|n| n == bucket), "B lists {in_b:?}");
}

/// Whether an API answered anything but HTTP 501 (LocalStack's answer for an API it does
/// not emulate).
fn implemented<E, R: std::fmt::Debug>(error: &aws_sdk_s3::error::SdkError<E, R>) -> bool {
    use aws_sdk_s3::error::SdkError;
    match error {
        SdkError::ServiceError(e) => !format!("{:?}", e.raw()).contains("StatusCode(501)"),
        _ => false,
    }
}

/// Whether the backend `emulator` runs offers `need`, found by calling the API.
async fn offers(emulator: &Emulator, need: Needs) -> bool {
    let sdk = emulator.sdk_config().await;
    match need {
        Needs::CloudTrail => aws_sdk_cloudtrail::Client::new(&sdk)
            .describe_trails()
            .send()
            .await
            .map_or_else(|e| implemented(&e), |_| true),
        Needs::Rds => aws_sdk_rds::Client::new(&sdk)
            .describe_db_instances()
            .send()
            .await
            .map_or_else(|e| implemented(&e), |_| true),
        Needs::DynamoDb => aws_sdk_dynamodb::Client::new(&sdk)
            .list_tables()
            .send()
            .await
            .is_ok(),
        Needs::SecretRotationWithoutLambda => {
            let sm = aws_sdk_secretsmanager::Client::new(&sdk);
            let name = "gxp-harness-rotation";
            sm.create_secret()
                .name(name)
                .secret_string("probe")
                .send()
                .await
                .expect("Secrets Manager CreateSecret");
            sm.rotate_secret()
                .secret_id(name)
                .rotation_rules(
                    aws_sdk_secretsmanager::types::RotationRulesType::builder()
                        .automatically_after_days(30)
                        .build(),
                )
                .rotate_immediately(false)
                .send()
                .await
                .is_ok()
        }
        Needs::Efs => aws_sdk_efs::Client::new(&sdk)
            .describe_file_systems()
            .send()
            .await
            .is_ok(),
        Needs::Backup => aws_sdk_backup::Client::new(&sdk)
            .list_backup_vaults()
            .send()
            .await
            .is_ok(),
        Needs::S3InTaggingApi => {
            let bucket = "gxp-harness-tagged";
            let s3 = emulator.s3_client().await;
            s3.create_bucket()
                .bucket(bucket)
                .send()
                .await
                .expect("CreateBucket");
            s3.put_bucket_tagging()
                .bucket(bucket)
                .tagging(
                    aws_sdk_s3::types::Tagging::builder()
                        .tag_set(
                            aws_sdk_s3::types::Tag::builder()
                                .key("gxp:probe")
                                .value("1")
                                .build()
                                .expect("tag"),
                        )
                        .build()
                        .expect("tagging"),
                )
                .send()
                .await
                .expect("PutBucketTagging");
            let found = aws_sdk_resourcegroupstagging::Client::new(&sdk)
                .get_resources()
                .tag_filters(
                    aws_sdk_resourcegroupstagging::types::TagFilter::builder()
                        .key("gxp:probe")
                        .values("1")
                        .build(),
                )
                .send()
                .await
                .expect("GetResources");
            found
                .resource_tag_mapping_list()
                .iter()
                .any(|m| m.resource_arn() == Some("arn:aws:s3:::gxp-harness-tagged"))
        }
        Needs::CloudWatchCbor => aws_sdk_cloudwatch::Client::new(&sdk)
            .describe_alarms()
            .send()
            .await
            .is_ok(),
        Needs::Elbv2 => aws_sdk_elasticloadbalancingv2::Client::new(&sdk)
            .describe_load_balancers()
            .send()
            .await
            .map_or_else(|e| implemented(&e), |_| true),
        Needs::TemplateOnlyStackUpdate => {
            let name = "gxp-harness-template-only";
            crate::fixtures::stack::create_stack(&sdk, name, &[]).await;
            aws_sdk_cloudformation::Client::new(&sdk)
                .update_stack()
                .stack_name(name)
                .template_body(crate::fixtures::stack::reformatted_template())
                .send()
                .await
                .is_ok()
        }
    }
}

/// What the harness says a backend lacks is what it lacks: every need is probed through
/// its API, so a LocalStack (or moto) upgrade that adds one fails here until the scenarios
/// needing it run against it.
#[tokio::test(flavor = "multi_thread")]
async fn harness_declared_needs_match_what_the_backend_offers() {
    let emulator = Emulator::start();
    let backend = emulator.backend();
    let mut wrong = Vec::new();
    for need in Needs::ALL {
        let offered = offers(&emulator, need).await;
        eprintln!("{backend:?} offers {need:?}: {offered}");
        if offered == backend.lacks(need) {
            wrong.push((need, offered));
        }
    }
    assert!(
        wrong.is_empty(),
        "{backend:?}: declared needs disagree with the API (need, offered): {wrong:?}"
    );
}
