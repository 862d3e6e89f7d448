//! Emulator tests of the CloudFormation stack collector and the IQ stack evaluation.

use std::time::{Duration, Instant};

use gxp_core::aws::AwsContext;
use gxp_core::checks::iq::evaluate_stack;
use gxp_core::checks::{Outcome, Status};
use gxp_core::observe::stack::{collect_stack, physical_id};
use gxp_core::observe::StackObservation;
use gxp_core::spec::model::ExpectedStack;
use gxp_core::util::{parse_time, sha256_hex};

use crate::fixtures::stack as fx;
use crate::harness::{Backend, Emulator, Needs};

type Results = Vec<(&'static str, Option<String>, Outcome)>;
/// A named change to the true expectation and the (check id, sub-item) it must fail.
type Case = (
    &'static str,
    fn(&mut ExpectedStack),
    (&'static str, Option<&'static str>),
);

/// The (check id, sub-item) of every outcome that is not `passed`.
fn not_passed(results: &Results) -> Vec<(&'static str, Option<String>, Status)> {
    results
        .iter()
        .filter(|(_, _, o)| o.status != Status::Passed)
        .map(|(id, sub, o)| (*id, sub.clone(), o.status))
        .collect()
}

/// Evaluate `expected` and assert that exactly `failing` (check id, sub-item) fail.
fn assert_only_failures(
    what: &str,
    expected: &ExpectedStack,
    obs: &StackObservation,
    failing: &[(&'static str, Option<&str>)],
) -> Results {
    let results = evaluate_stack(expected, obs);
    let want: Vec<_> = failing
        .iter()
        .map(|(id, sub)| (*id, sub.map(str::to_string), Status::Failed))
        .collect();
    assert_eq!(not_passed(&results), want, "{what}: {results:#?}");
    results
}

fn context(sdk: aws_config::SdkConfig, emu: &Emulator) -> AwsContext {
    AwsContext::from_sdk_config(sdk, emu.s3_path_style())
}

#[tokio::test(flavor = "multi_thread")]
async fn collect_stack_reports_the_deployed_stack_and_each_iq_failure() {
    let started = Instant::now();
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    let aws = context(sdk.clone(), &emu);
    let name = "gxp-iq-app";
    let params = [("Environment", "prod")];
    let stack_id = fx::create_stack(&sdk, name, &params).await;

    let collecting = Instant::now();
    let obs = collect_stack(&aws, name).await;
    eprintln!("collect_stack took {:?}: {obs:#?}", collecting.elapsed());
    assert_eq!(obs.name, name);
    assert_eq!(obs.status.as_deref(), Some("CREATE_COMPLETE"));
    assert_eq!(obs.stack_id.as_deref(), Some(stack_id.as_str()));
    assert!(obs.errors.is_empty(), "{:?}", obs.errors);

    // Parameters, with defaults filled in.
    let want_params: Vec<_> = fx::effective_parameters(&params);
    let got_params: Vec<_> = obs
        .parameters
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    assert_eq!(got_params, want_params);

    // Resources: every logical id with its type and a physical id.
    let types: Vec<_> = obs
        .resources
        .iter()
        .map(|(l, (t, _))| (l.as_str(), t.as_str()))
        .collect();
    assert_eq!(types, fx::RESOURCES.to_vec());
    let bucket = physical_id(&obs, "Bucket").expect("bucket physical id");
    let key = physical_id(&obs, "Key").expect("key physical id");
    let topic = physical_id(&obs, "Topic").expect("topic physical id");
    assert_eq!(physical_id(&obs, "Queue"), None);

    // Outputs agree with the physical ids read through ListStackResources.
    assert_eq!(obs.outputs["Environment"], "prod");
    assert_eq!(obs.outputs["TopicName"], format!("{name}-events"));
    assert_eq!(obs.outputs["BucketName"], bucket);
    assert_eq!(obs.outputs["TopicArn"], topic);
    assert!(
        obs.outputs["KeyArn"].ends_with(&format!(":key/{key}")),
        "{} vs {key}",
        obs.outputs["KeyArn"]
    );

    // The endpoint returns the submitted body byte for byte (`&`, `<`, non-ASCII included).
    assert_eq!(obs.template_sha256, Some(fx::template_sha256()));

    let updated = obs.last_updated.as_deref().expect("last updated time");
    let updated = parse_time(updated).expect("RFC 3339");
    let age = gxp_core::util::now_utc() - updated;
    assert!(age.whole_seconds().abs() < 600, "last updated {updated}");

    // CloudFormation drift detection: moto does not implement it.
    if emu.backend() == Backend::Moto {
        assert_eq!(obs.cfn_drift_status, None);
        let note = obs.cfn_drift_note.as_deref().expect("drift note");
        assert!(note.contains("not supported by the endpoint"), "{note}");
        assert!(note.contains("DetectStackDrift"), "{note}");
    } else {
        assert!(obs.cfn_drift_status.is_some() || obs.cfn_drift_note.is_some());
    }

    // The true expectation passes every check; moto gives no drift outcome.
    let expected = fx::expected_stack(name, &params);
    let results = assert_only_failures("true expectation", &expected, &obs, &[]);
    let ids: Vec<_> = results.iter().map(|(id, _, _)| *id).collect();
    for id in [
        "iq.stack_status",
        "iq.template_hash",
        "iq.stack_resources",
        "iq.stack_outputs",
        "iq.stack_parameters",
    ] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    if emu.backend() == Backend::Moto {
        assert!(!ids.contains(&"iq.stack_drift"), "{ids:?}");
    }

    // Each IQ failure, one at a time.
    let cases: [Case; 5] = [
        (
            "template mismatch",
            fx::expect_other_template,
            ("iq.template_hash", None),
        ),
        (
            "missing output",
            fx::expect_missing_output,
            ("iq.stack_outputs", Some(fx::MISSING_OUTPUT.0)),
        ),
        (
            "wrong parameter",
            fx::expect_wrong_parameter,
            ("iq.stack_parameters", Some("Owner")),
        ),
        (
            "missing logical resource",
            fx::expect_missing_resource,
            ("iq.stack_resources", Some(fx::MISSING_RESOURCE.0)),
        ),
        (
            "unexpected logical resource",
            fx::expect_without_topic,
            ("iq.stack_resources", Some("Topic")),
        ),
    ];
    for (what, weaken, failing) in cases {
        let mut exp = expected.clone();
        weaken(&mut exp);
        let results = assert_only_failures(what, &exp, &obs, &[failing]);
        let failed = results
            .iter()
            .find(|(_, _, o)| o.status == Status::Failed)
            .map(|(_, _, o)| o)
            .expect("one failure");
        eprintln!(
            "{what}: expected {:?}, actual {:?}",
            failed.expected, failed.actual
        );
    }
    eprintln!("collect_stack main scenario took {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread")]
async fn collect_stack_follows_updates_of_parameters_and_template() {
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    let aws = context(sdk.clone(), &emu);
    let name = "gxp-iq-updated";
    fx::create_stack(&sdk, name, &[]).await;
    let expected = fx::expected_stack(name, &[]);
    let before = collect_stack(&aws, name).await;
    assert_only_failures("as created", &expected, &before, &[]);

    // Second-precision timestamps: make an update distinguishable from the creation.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    fx::weaken_parameter(&sdk, name).await;
    let after = collect_stack(&aws, name).await;
    assert_eq!(after.status.as_deref(), Some("UPDATE_COMPLETE"));
    assert_eq!(after.parameters["Owner"], fx::UNAPPROVED_OWNER);
    assert_eq!(after.parameters["Environment"], "qa");
    assert_eq!(after.stack_id, before.stack_id);
    assert_eq!(
        after.resources, before.resources,
        "no resource depends on Owner"
    );
    // The update keeps the approved body.
    assert_eq!(after.template_sha256, Some(fx::template_sha256()));
    let results = assert_only_failures(
        "unapproved parameter",
        &expected,
        &after,
        &[("iq.stack_parameters", Some("Owner"))],
    );
    let owner = results
        .iter()
        .find(|(_, sub, _)| sub.as_deref() == Some("Owner"))
        .map(|(_, _, o)| o)
        .expect("Owner outcome");
    assert_eq!(
        (owner.expected.as_str(), owner.actual.as_str()),
        ("quality", fx::UNAPPROVED_OWNER)
    );

    // AWS sets LastUpdatedTime when a stack is updated (DescribeStacks, Stack data type:
    // "returned if the stack has been updated at least once"). The emulators do not
    // track it: moto never sets it (the collector falls back to CreationTime) and
    // LocalStack 2026.3.0 keeps the creation time after an update.
    let t0 = parse_time(before.last_updated.as_deref().unwrap()).unwrap();
    let t1 = parse_time(after.last_updated.as_deref().unwrap()).unwrap();
    match emu.backend() {
        Backend::Aws => assert!(t1 > t0, "{t0} -> {t1}"),
        Backend::Moto | Backend::LocalStack => assert_eq!(t1, t0),
    }
}

/// A redeployment with different bytes but the same content changes only the template
/// digest. LocalStack 2026.3.0 answers "No updates are to be performed" to an update that
/// changes no resource, so it cannot deploy this fixture.
#[tokio::test(flavor = "multi_thread")]
async fn collect_stack_redeployed_template_bytes_change_only_the_digest() {
    let Some(emu) = Emulator::start_needing(&[Needs::TemplateOnlyStackUpdate]) else {
        return;
    };
    let sdk = emu.sdk_config().await;
    let aws = context(sdk.clone(), &emu);
    let name = "gxp-iq-reformatted";
    fx::create_stack(&sdk, name, &[]).await;
    let expected = fx::expected_stack(name, &[]);
    // A redeployment with different bytes changes only the template digest.
    fx::weaken_template(&sdk, name).await;
    let reformatted = collect_stack(&aws, name).await;
    assert_eq!(
        reformatted.template_sha256,
        Some(sha256_hex(fx::reformatted_template().as_bytes()))
    );
    assert_only_failures(
        "reformatted template",
        &expected,
        &reformatted,
        &[("iq.template_hash", None)],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn collect_stack_missing_stack_fails_and_crlf_template_hash_is_exact() {
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    let aws = context(sdk.clone(), &emu);

    let missing = collect_stack(&aws, "gxp-iq-never-deployed").await;
    assert_eq!(missing.status, None);
    assert!(missing.errors.is_empty(), "{:?}", missing.errors);
    assert!(missing.resources.is_empty() && missing.template_sha256.is_none());
    let expected = fx::expected_stack("gxp-iq-never-deployed", &[]);
    let results = evaluate_stack(&expected, &missing);
    assert_eq!(
        results.len(),
        1 + 1 + fx::RESOURCES.len() + expected.outputs.len() + expected.parameters.len()
    );
    for (id, sub, o) in &results {
        assert_eq!(o.status, Status::Failed, "{id} {sub:?}");
        assert_eq!(o.actual, "stack not found", "{id} {sub:?}");
    }

    // Line endings and tabs survive the XML round trip (an XML parser may normalise CR LF).
    let body = "{\r\n\t\"Description\": \"CRLF & tabs\",\r\n\t\"Resources\": {\r\n\t\t\"Topic\": \
                {\"Type\": \"AWS::SNS::Topic\"}\r\n\t}\r\n}\r\n";
    let cfn = aws_sdk_cloudformation::Client::new(&sdk);
    cfn.create_stack()
        .stack_name("gxp-iq-crlf")
        .template_body(body)
        .send()
        .await
        .expect("CreateStack");
    fx::wait_for(&cfn, "gxp-iq-crlf", "CREATE_COMPLETE").await;
    let obs = collect_stack(&aws, "gxp-iq-crlf").await;
    assert_eq!(obs.status.as_deref(), Some("CREATE_COMPLETE"));
    assert_eq!(obs.template_sha256, Some(sha256_hex(body.as_bytes())));
}
