//! IAM actions per check, against the emulator: every collector runs on compliant resources
//! through a context whose SDK clients record each operation they call (an interceptor,
//! `gxp_core::aws::CallRecorder`), and every call must be an IAM action that the resource
//! type's checks or its service registration declare. A collector that starts calling an
//! operation nobody declared (or a declaration removed) fails here, so the least-privilege
//! policy built from the declarations is enough for what the provider really calls.

use std::collections::{BTreeMap, BTreeSet};

use aws_config::SdkConfig;
use gxp_core::aws::{AwsContext, CallRecorder};
use gxp_core::catalog::{self, Stage};
use gxp_core::observe::collect::collect;
use gxp_core::observe::stack::collect_stack;
use gxp_core::observe::{discovery, services, Existence, Target, TargetOrigin};

use crate::fixtures::{cloudtrail, cloudwatch, config, ec2, elb, kms, logs, rds, s3, stack};
use crate::harness::{Emulator, Needs};

fn target(resource_type: &str, identifier: &str, params: &[(&str, &str)]) -> Target {
    Target {
        key: identifier.to_string(),
        resource_type: resource_type.to_string(),
        identifier: identifier.to_string(),
        origin: TargetOrigin::Spec,
        checks: vec![],
        params: params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        expected_properties: None,
        requirements: vec![],
    }
}

/// What a collector of `resource_type` may call: its service's actions and those of every
/// check that applies to the type.
fn declared_for(resource_type: &str) -> BTreeSet<String> {
    let service = services::for_resource_type(resource_type)
        .unwrap_or_else(|| panic!("no service observes {resource_type}"));
    service
        .iam_actions
        .iter()
        .chain(catalog::for_resource_type(resource_type).flat_map(|c| c.iam_actions))
        .map(|a| a.to_string())
        .collect()
}

/// The actions the IQ checks declare (the stack collector and discovery serve them).
fn declared_by_iq() -> BTreeSet<String> {
    catalog::all()
        .iter()
        .filter(|c| c.stage == Stage::Iq)
        .flat_map(|c| c.iam_actions)
        .map(|a| a.to_string())
        .collect()
}

fn recording(sdk: &SdkConfig, emu: &Emulator) -> (AwsContext, CallRecorder) {
    let recorder = CallRecorder::new();
    let aws =
        AwsContext::from_sdk_config(sdk.clone(), emu.s3_path_style()).with_call_recorder(&recorder);
    (aws, recorder)
}

/// Collect `t` and return the undeclared calls (empty when all are declared).
async fn undeclared_calls(aws: &AwsContext, recorder: &CallRecorder, t: &Target) -> Vec<String> {
    recorder.clear();
    let obs = collect(aws, t).await;
    assert_eq!(
        obs.existence,
        Existence::Exists,
        "{} {}: {obs:?}",
        t.resource_type,
        t.identifier
    );
    let called = recorder.actions();
    assert!(!called.is_empty(), "{}: no call recorded", t.resource_type);
    let declared = declared_for(&t.resource_type);
    called
        .difference(&declared)
        .map(|a| format!("{} ({}) calls {a}", t.resource_type, t.identifier))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn iam_actions_every_collector_calls_only_declared_actions() {
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    let (aws, recorder) = recording(&sdk, &emu);
    let mut undeclared = Vec::new();

    let key = kms::compliant_key(&sdk).await;
    kms::alias_key(&sdk, &key, "alias/gxp-iam").await;
    let bucket = s3::compliant_bucket(&sdk, "gxp-iam-bucket", &key, "gxp-iam-logs").await;
    // An alias parameter makes the S3 collector resolve it through KMS (s3.encryption).
    let bucket_target = target(
        "AWS::S3::Bucket",
        &bucket,
        &[("s3.encryption.kms_key_id", "alias/gxp-iam")],
    );
    let key_target = target("AWS::KMS::Key", &key, &[]);
    let fx_config = config::compliant_config(&sdk, "gxp-iam").await;
    let group = logs::compliant_log_group(&sdk, "/gxp/iam/audit").await;
    let vpc = ec2::compliant_vpc(&sdk, "10.30.0.0/16", &[("gxp:app", "iam")]).await;
    let sg = ec2::compliant_security_group(&sdk, &vpc, "gxp-iam-sg", &[]).await;
    let vpce = ec2::compliant_vpc_endpoint(&sdk, &vpc, &[]).await;
    let net = ec2::compliant_network(&sdk, "10.31").await;
    let targets = [
        bucket_target,
        key_target,
        target(
            "AWS::Config::ConfigurationRecorder",
            &fx_config.recorder,
            &[],
        ),
        target("AWS::Config::DeliveryChannel", &fx_config.channel, &[]),
        target("AWS::Logs::LogGroup", &group.name, &[]),
        target("AWS::EC2::VPC", &vpc, &[]),
        target("AWS::EC2::SecurityGroup", &sg, &[]),
        target("AWS::EC2::VPCEndpoint", &vpce, &[]),
        target("AWS::EC2::Instance", &net.instance, &[]),
        target("AWS::EC2::Subnet", &net.subnet, &[]),
        target("AWS::EC2::Volume", &net.volume, &[]),
        target("AWS::EC2::Snapshot", &net.snapshot, &[]),
        target("AWS::EC2::RouteTable", &net.route_table, &[]),
        target("AWS::EC2::NetworkAcl", &net.network_acl, &[]),
    ];
    let mut covered = BTreeSet::new();
    let mut seen_actions = BTreeSet::new();
    for t in &targets {
        undeclared.extend(undeclared_calls(&aws, &recorder, t).await);
        seen_actions.extend(recorder.actions());
        covered.insert(t.resource_type.clone());
    }
    for seen in ["ec2:DescribeVpcEndpoints", "ec2:DescribeSnapshotAttribute"] {
        assert!(
            seen_actions.contains(seen),
            "the recorder saw {seen}: {seen_actions:?}"
        );
    }

    // The stack collector and discovery serve the IQ checks.
    let name = "gxp-iam-stack";
    stack::create_stack(&sdk, name, &[("Environment", "prod")]).await;
    recorder.clear();
    let observed = collect_stack(&aws, name).await;
    assert_eq!(observed.status.as_deref(), Some("CREATE_COMPLETE"));
    let tags = BTreeMap::from([("gxp:app".to_string(), "iam".to_string())]);
    discovery::discover(&aws, &tags)
        .await
        .expect("discovery answers");
    let called = recorder.actions();
    for a in called.difference(&declared_by_iq()) {
        undeclared.push(format!("stack collection or discovery calls {a}"));
    }
    for needed in ["cloudformation:DescribeStacks", "tag:GetResources"] {
        assert!(called.contains(needed), "{needed} not recorded: {called:?}");
    }

    assert!(
        undeclared.is_empty(),
        "calls that no check or service declares:\n{}",
        undeclared.join("\n")
    );
    // Every type the services observe is covered here or by the tests below.
    let elsewhere = [
        "AWS::CloudTrail::Trail",
        "AWS::RDS::DBInstance",
        "AWS::RDS::DBCluster",
        "AWS::RDS::DBSnapshot",
        "AWS::RDS::DBClusterSnapshot",
        "AWS::::Account",
        "AWS::DynamoDB::Table",
        "AWS::SecretsManager::Secret",
        "AWS::SNS::Topic",
        "AWS::SQS::Queue",
        "AWS::Lambda::Function",
        "AWS::EFS::FileSystem",
        "AWS::Backup::BackupVault",
        "AWS::Backup::BackupPlan",
        "AWS::CloudWatch::Alarm",
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
    ];
    for s in services::SERVICES {
        for t in s.resource_types {
            assert!(
                covered.contains(*t) || elsewhere.contains(t),
                "{t} is not exercised by an IAM-actions test"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn iam_actions_the_trail_collector_calls_only_declared_actions() {
    let Some(emu) = Emulator::start_needing(&[Needs::CloudTrail]) else {
        return;
    };
    let sdk = emu.sdk_config().await;
    let (aws, recorder) = recording(&sdk, &emu);
    let trail = cloudtrail::compliant_trail(&sdk, "gxp-iam-trail").await;
    let t = target("AWS::CloudTrail::Trail", &trail.name, &[]);
    let undeclared = undeclared_calls(&aws, &recorder, &t).await;
    assert!(undeclared.is_empty(), "{undeclared:?}");
    assert!(recorder.actions().contains("cloudtrail:GetEventSelectors"));
}

#[tokio::test(flavor = "multi_thread")]
async fn iam_actions_the_db_instance_collector_calls_only_declared_actions() {
    let Some(emu) = Emulator::start_needing(&[Needs::Rds]) else {
        return;
    };
    let sdk = emu.sdk_config().await;
    let (aws, recorder) = recording(&sdk, &emu);
    let db = rds::compliant_db_instance(&sdk, "gxp-iam-db", &[]).await;
    let cluster = rds::compliant_db_cluster(&sdk, "gxp-iam-cl").await;
    let mut targets = vec![
        target("AWS::RDS::DBInstance", &db, &[]),
        target("AWS::RDS::DBCluster", &cluster, &[]),
    ];
    for (i, ty) in rds::SNAPSHOT_TYPES.iter().enumerate() {
        let id = rds::compliant_snapshot(&sdk, ty, &format!("gxp-iam-snap-{i}")).await;
        targets.push(target(ty, &id, &[]));
    }
    let mut undeclared = Vec::new();
    for t in &targets {
        undeclared.extend(undeclared_calls(&aws, &recorder, t).await);
    }
    assert!(undeclared.is_empty(), "{undeclared:?}");
    assert_eq!(
        targets.len(),
        4,
        "instance, cluster, DB and cluster snapshot"
    );
}

/// The data-service collectors (DynamoDB, Secrets Manager, SNS, SQS, Lambda, EFS, AWS
/// Backup) on compliant resources: every call is declared, and each type's collector
/// reached the calls its checks need.
#[tokio::test(flavor = "multi_thread")]
async fn iam_actions_the_data_service_collectors_call_only_declared_actions() {
    let Some(emu) = Emulator::start_needing(&[
        Needs::DynamoDb,
        Needs::SecretRotationWithoutLambda,
        Needs::Efs,
        Needs::Backup,
    ]) else {
        return;
    };
    let sdk = emu.sdk_config().await;
    let (aws, recorder) = recording(&sdk, &emu);
    let key = crate::fixtures::logs::create_kms_key(&sdk, "iam data").await;
    let account = config::account_id(&sdk).await;
    let role = crate::fixtures::lambda::execution_role(&sdk, "gxp-iam-lambda-role").await;
    let vault = crate::fixtures::backup::vault(&sdk, "gxp-iam-vault", &key, true).await;
    let targets = [
        (
            target(
                "AWS::DynamoDB::Table",
                &crate::fixtures::dynamodb::compliant_table(&sdk, "gxp-iam-table", &key).await,
                &[],
            ),
            "dynamodb:DescribeContinuousBackups",
        ),
        (
            target(
                "AWS::SecretsManager::Secret",
                &crate::fixtures::secretsmanager::compliant_secret(&sdk, "gxp-iam-secret", &key)
                    .await,
                &[],
            ),
            "kms:DescribeKey",
        ),
        (
            target(
                "AWS::SNS::Topic",
                &crate::fixtures::sns::topic(&sdk, "gxp-iam-topic", Some(&key)).await,
                &[],
            ),
            "sns:GetTopicAttributes",
        ),
        (
            target(
                "AWS::SQS::Queue",
                &crate::fixtures::sqs::queue(&sdk, "gxp-iam-queue", Some(&key)).await,
                &[],
            ),
            "sqs:GetQueueAttributes",
        ),
        (
            target(
                "AWS::Lambda::Function",
                &crate::fixtures::lambda::compliant_function(&sdk, "gxp-iam-fn", &role, &account)
                    .await,
                &[],
            ),
            "lambda:GetFunctionUrlConfig",
        ),
        (
            target(
                "AWS::EFS::FileSystem",
                &crate::fixtures::efs::compliant_file_system(&sdk, "gxp-iam-efs", &key).await,
                &[],
            ),
            "elasticfilesystem:DescribeBackupPolicy",
        ),
        (
            target("AWS::Backup::BackupVault", &vault, &[]),
            "backup:DescribeBackupVault",
        ),
        (
            target(
                "AWS::Backup::BackupPlan",
                &crate::fixtures::backup::compliant_plan(&sdk, "gxp-iam-plan", &vault).await,
                &[],
            ),
            "backup:GetBackupPlan",
        ),
    ];
    let mut undeclared = Vec::new();
    for (t, needed) in &targets {
        undeclared.extend(undeclared_calls(&aws, &recorder, t).await);
        assert!(
            recorder.actions().contains(*needed),
            "{}: {needed} not recorded: {:?}",
            t.resource_type,
            recorder.actions()
        );
    }
    assert!(
        undeclared.is_empty(),
        "calls that no check or service declares:\n{}",
        undeclared.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn iam_actions_the_alarm_collector_calls_only_declared_actions() {
    let Some(emu) = Emulator::start_needing(&[Needs::CloudWatchCbor]) else {
        return;
    };
    let sdk = emu.sdk_config().await;
    let (aws, recorder) = recording(&sdk, &emu);
    let topic = cloudwatch::oncall_topic(&sdk, "gxp-iam-oncall").await;
    let alarm = cloudwatch::compliant_alarm(&sdk, "gxp-iam-alarm", &topic).await;
    let t = target("AWS::CloudWatch::Alarm", &alarm, &[]);
    let undeclared = undeclared_calls(&aws, &recorder, &t).await;
    assert!(undeclared.is_empty(), "{undeclared:?}");
    assert!(recorder.actions().contains("cloudwatch:DescribeAlarms"));
}

#[tokio::test(flavor = "multi_thread")]
async fn iam_actions_the_load_balancer_collector_calls_only_declared_actions() {
    let Some(emu) = Emulator::start_needing(&[Needs::Elbv2]) else {
        return;
    };
    let sdk = emu.sdk_config().await;
    let (aws, recorder) = recording(&sdk, &emu);
    let lb = elb::compliant_load_balancer(&sdk, "gxp-iam-lb", "10.50.0.0/16", &[]).await;
    let t = target("AWS::ElasticLoadBalancingV2::LoadBalancer", &lb, &[]);
    let undeclared = undeclared_calls(&aws, &recorder, &t).await;
    assert!(undeclared.is_empty(), "{undeclared:?}");
    let called = recorder.actions();
    for needed in [
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeRules",
    ] {
        assert!(called.contains(needed), "{needed} not recorded: {called:?}");
    }
}

/// The account target reads, for each account check alone, only what that check declares
/// (its own actions and the account target's): a specification selecting
/// `iam.password_policy` calls GetAccountPasswordPolicy and nothing else.
#[tokio::test(flavor = "multi_thread")]
async fn iam_actions_each_account_check_reads_only_what_it_declares() {
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    let (mut aws, recorder) = recording(&sdk, &emu);
    // The account the provider acts in (S3 Control addresses the account by id).
    aws.identity.account = Some(config::account_id(&sdk).await);
    let mut undeclared = Vec::new();
    let account_checks: Vec<_> =
        catalog::for_resource_type(gxp_core::observe::account::ACCOUNT_TYPE)
            .filter(|c| {
                c.resource_types
                    .contains(&gxp_core::observe::account::ACCOUNT_TYPE)
            })
            .collect();
    assert!(!account_checks.is_empty());
    for check in account_checks {
        let named = format!(
            "{}/{}",
            aws.identity.account.clone().unwrap_or_default(),
            emu.region
        );
        let mut t = target(gxp_core::observe::account::ACCOUNT_TYPE, &named, &[]);
        t.origin = TargetOrigin::Account;
        t.checks = vec![check.id.to_string()];
        recorder.clear();
        let obs = collect(&aws, &t).await;
        assert_eq!(obs.existence, Existence::Exists, "{}: {obs:?}", check.id);
        let called = recorder.actions();
        assert!(!called.is_empty(), "{}: no call recorded", check.id);
        let declared: BTreeSet<String> = services::required_iam_actions(check)
            .into_iter()
            .map(str::to_string)
            .collect();
        for a in called.difference(&declared) {
            undeclared.push(format!("{} calls {a}", check.id));
        }
    }
    if let Some(password) = catalog::get("iam.password_policy") {
        let named = format!("{}/r", aws.identity.account.clone().unwrap_or_default());
        let mut t = target(gxp_core::observe::account::ACCOUNT_TYPE, &named, &[]);
        t.checks = vec![password.id.to_string()];
        recorder.clear();
        collect(&aws, &t).await;
        assert_eq!(
            recorder.actions(),
            BTreeSet::from(["iam:GetAccountPasswordPolicy".to_string()])
        );
    }
    assert!(
        undeclared.is_empty(),
        "undeclared calls:\n{}",
        undeclared.join("\n")
    );
}

/// On an account where every account setting exists (a detector, a hub, an organization, a
/// trail), each account check of S3 Control, CloudTrail, EC2, GuardDuty, Security Hub and
/// Organizations calls exactly the actions it declares on moto (every declared read is
/// reached), and never more on the other backends (where a failed read stops the facet).
#[tokio::test(flavor = "multi_thread")]
async fn iam_actions_the_account_checks_call_exactly_their_declared_actions() {
    let emu = Emulator::start();
    if emu.backend() == crate::harness::Backend::Aws {
        crate::harness::skipped(
            &crate::harness::current_test(),
            "changes account-wide settings: emulators only",
        );
        return;
    }
    let sdk = emu.sdk_config().await;
    let f = crate::fixtures::account::harden(&emu, &sdk, "iam-actions-trail").await;
    let (mut aws, recorder) = recording(&sdk, &emu);
    aws.identity.account = Some(f.account.clone());
    let mut wrong = Vec::new();
    for id in crate::fixtures::account::CHECKS {
        let check = catalog::get(id).expect("registered");
        let named = format!("{}/{}", f.account, emu.region);
        let mut t = target(gxp_core::observe::account::ACCOUNT_TYPE, &named, &[]);
        t.origin = TargetOrigin::Account;
        t.checks = vec![id.to_string()];
        recorder.clear();
        collect(&aws, &t).await;
        let called = recorder.actions();
        let declared: BTreeSet<String> = check.iam_actions.iter().map(|a| a.to_string()).collect();
        let exact = emu.backend() == crate::harness::Backend::Moto;
        if (exact && called != declared) || !called.is_subset(&declared) || called.is_empty() {
            wrong.push(format!("{id}: called {called:?}, declared {declared:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
