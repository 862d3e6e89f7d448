//! Emulator tests of the EC2/VPC and RDS collectors with their checks, and of tag-based
//! discovery: compliant fixtures pass every applicable check, each weakened fixture fails
//! exactly its own check, a missing resource is `Missing`.

use std::collections::BTreeMap;

use gxp_core::aws::AwsContext;
use gxp_core::catalog;
use gxp_core::checks::{evaluate_id, Status};
use gxp_core::observe::{
    collect::collect, discovery, Existence, Observation, Target, TargetOrigin,
};
use serde_json::json;

use crate::fixtures::{ec2 as fx_ec2, rds as fx_rds};
use crate::harness::{Backend, Emulator, Needs};

fn target(resource_type: &str, identifier: &str) -> Target {
    Target {
        key: format!("t-{identifier}"),
        resource_type: resource_type.into(),
        identifier: identifier.into(),
        origin: TargetOrigin::Spec,
        checks: vec![],
        params: BTreeMap::new(),
        expected_properties: None,
        requirements: vec![],
    }
}

async fn observe(aws: &AwsContext, resource_type: &str, identifier: &str) -> Observation {
    collect(aws, &target(resource_type, identifier)).await
}

/// Every catalog check for the observation's type must pass, except `failing` which must fail.
fn assert_checks(obs: &Observation, failing: &[&str]) {
    let ids: Vec<&str> = crate::fixtures::hardenable_checks_of(&obs.resource_type);
    assert!(!ids.is_empty(), "no checks for {}", obs.resource_type);
    for f in failing {
        assert!(
            ids.contains(f),
            "{f} does not apply to {}",
            obs.resource_type
        );
    }
    for id in ids {
        let out = evaluate_id(id, obs, &BTreeMap::new());
        let want = if failing.contains(&id) {
            Status::Failed
        } else {
            Status::Passed
        };
        assert_eq!(
            out.status, want,
            "{id} on {}: {out:?}\nobservation: {obs:#?}",
            obs.identifier
        );
    }
}

async fn context(emu: &Emulator) -> AwsContext {
    AwsContext::from_sdk_config(emu.sdk_config().await, emu.s3_path_style())
}

#[tokio::test(flavor = "multi_thread")]
async fn collect_ec2_vpc_compliant_weakened_and_missing() {
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    let aws = context(&emu).await;
    let tags = [("gxp:app", "lims"), ("Env", "qa")];

    let good = fx_ec2::compliant_vpc(&sdk, "10.20.0.0/16", &tags).await;
    let no_logs = fx_ec2::compliant_vpc(&sdk, "10.21.0.0/16", &[]).await;
    fx_ec2::weaken_vpc_flow_logs(&sdk, &no_logs).await;
    let open_default = fx_ec2::compliant_vpc(&sdk, "10.22.0.0/16", &[]).await;
    fx_ec2::weaken_default_sg(&sdk, &open_default).await;

    let obs = observe(&aws, "AWS::EC2::VPC", &good).await;
    assert_eq!(obs.existence, Existence::Exists, "{obs:?}");
    assert!(obs.errors.is_empty(), "{:?}", obs.errors);
    assert_eq!(obs.get("CidrBlock"), Some(&json!("10.20.0.0/16")));
    assert_eq!(obs.get("IsDefault"), Some(&json!(false)));
    assert_eq!(
        obs.get("Tags"),
        Some(&json!([{"Key": "Env", "Value": "qa"}, {"Key": "gxp:app", "Value": "lims"}]))
    );
    let group = format!("/gxp/flow-logs/{good}");
    assert_eq!(obs.get("FlowLogs[0].TrafficType"), Some(&json!("ALL")));
    assert_eq!(obs.get("FlowLogs[0].FlowLogStatus"), Some(&json!("ACTIVE")));
    assert_eq!(obs.get("FlowLogs[0].LogGroupName"), Some(&json!(group)));
    assert_eq!(
        obs.get("FlowLogs[0].LogDestinationType"),
        Some(&json!("cloud-watch-logs"))
    );
    assert_eq!(
        obs.get("DefaultSecurityGroup.IngressRules"),
        Some(&json!(0))
    );
    assert_eq!(obs.get("DefaultSecurityGroup.EgressRules"), Some(&json!(0)));
    assert_checks(&obs, &[]);

    let obs = observe(&aws, "AWS::EC2::VPC", &no_logs).await;
    assert_eq!(obs.get("FlowLogs"), None);
    assert_checks(&obs, &["ec2.vpc_flow_logs"]);

    let obs = observe(&aws, "AWS::EC2::VPC", &open_default).await;
    assert_eq!(
        obs.get("DefaultSecurityGroup.IngressRules"),
        Some(&json!(1))
    );
    assert_eq!(
        obs.get("DefaultSecurityGroup.IpPermissions[0]"),
        Some(
            &json!({"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": fx_ec2::PRIVATE_CIDR})
        )
    );
    assert_checks(&obs, &["ec2.default_sg_closed"]);

    let obs = observe(&aws, "AWS::EC2::VPC", "vpc-0123456789abcdef0").await;
    assert_eq!(obs.existence, Existence::Missing, "{obs:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn collect_ec2_security_group_compliant_weakened_and_missing() {
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    let aws = context(&emu).await;
    let vpc = fx_ec2::compliant_vpc(&sdk, "10.30.0.0/16", &[]).await;
    let good = fx_ec2::compliant_security_group(&sdk, &vpc, "web", &[("gxp:app", "lims")]).await;
    let open = fx_ec2::compliant_security_group(&sdk, &vpc, "web-open", &[]).await;
    fx_ec2::weaken_sg_admin_ingress(&sdk, &open).await;

    let obs = observe(&aws, "AWS::EC2::SecurityGroup", &good).await;
    assert_eq!(obs.existence, Existence::Exists, "{obs:?}");
    assert_eq!(obs.get("GroupName"), Some(&json!("web")));
    assert_eq!(obs.get("VpcId"), Some(&json!(vpc)));
    assert_eq!(
        obs.get("SecurityGroupIngress"),
        Some(
            &json!([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": fx_ec2::PRIVATE_CIDR}])
        )
    );
    assert_eq!(
        obs.get("Tags"),
        Some(&json!([{"Key": "gxp:app", "Value": "lims"}]))
    );
    assert!(
        obs.arn.as_deref().unwrap_or("").ends_with(&good),
        "{:?}",
        obs.arn
    );
    assert_checks(&obs, &[]);

    let obs = observe(&aws, "AWS::EC2::SecurityGroup", &open).await;
    assert_checks(&obs, &["ec2.sg_no_admin_ingress"]);
    let out = evaluate_id("ec2.sg_no_admin_ingress", &obs, &BTreeMap::new());
    assert_eq!(out.actual, "open: tcp 22-22 0.0.0.0/0");

    let obs = observe(&aws, "AWS::EC2::SecurityGroup", "sg-0123456789abcdef0").await;
    assert_eq!(obs.existence, Existence::Missing, "{obs:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn collect_ec2_vpc_endpoint_available_deleted_and_missing() {
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    let aws = context(&emu).await;
    let vpc = fx_ec2::compliant_vpc(&sdk, "10.40.0.0/16", &[]).await;
    let good = fx_ec2::compliant_vpc_endpoint(&sdk, &vpc, &[("gxp:app", "lims")]).await;
    let gone = fx_ec2::compliant_vpc_endpoint(&sdk, &vpc, &[]).await;
    fx_ec2::weaken_vpc_endpoint(&sdk, &gone).await;

    let obs = observe(&aws, "AWS::EC2::VPCEndpoint", &good).await;
    assert_eq!(obs.existence, Existence::Exists, "{obs:?}");
    assert_eq!(obs.get("VpcId"), Some(&json!(vpc)));
    assert_eq!(
        obs.get("ServiceName"),
        Some(&json!(format!("com.amazonaws.{}.s3", emu.region)))
    );
    assert_eq!(obs.get("VpcEndpointType"), Some(&json!("Gateway")));
    assert_eq!(obs.get("State"), Some(&json!("available")));
    assert_checks(&obs, &[]);

    let obs = observe(&aws, "AWS::EC2::VPCEndpoint", &gone).await;
    if obs.existence == Existence::Exists {
        assert_checks(&obs, &["ec2.vpc_endpoints_available"]);
    } else {
        assert_eq!(obs.existence, Existence::Missing, "{obs:?}");
    }

    let obs = observe(&aws, "AWS::EC2::VPCEndpoint", "vpce-0123456789abcdef0").await;
    assert_eq!(obs.existence, Existence::Missing, "{obs:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn collect_rds_instances_compliant_weakened_and_missing() {
    let Some(emu) = Emulator::start_needing(&[Needs::Rds]) else {
        return;
    };
    let sdk = emu.sdk_config().await;
    let aws = context(&emu).await;
    let good = fx_rds::compliant_db_instance(&sdk, "lims-good", &[("gxp:app", "lims")]).await;
    let plain = fx_rds::unencrypted_db_instance(&sdk, "lims-plain", &[]).await;
    let single = fx_rds::compliant_db_instance(&sdk, "lims-single-az", &[]).await;
    fx_rds::weaken_multi_az(&sdk, &single).await;
    let short = fx_rds::compliant_db_instance(&sdk, "lims-short-backup", &[]).await;
    fx_rds::weaken_backup_retention(&sdk, &short).await;
    let unprotected = fx_rds::compliant_db_instance(&sdk, "lims-unprotected", &[]).await;
    fx_rds::weaken_deletion_protection(&sdk, &unprotected).await;

    let obs = observe(&aws, "AWS::RDS::DBInstance", &good).await;
    assert_eq!(obs.existence, Existence::Exists, "{obs:?}");
    assert!(obs.errors.is_empty(), "{:?}", obs.errors);
    assert_eq!(obs.get("DBInstanceIdentifier"), Some(&json!("lims-good")));
    assert_eq!(obs.get("Engine"), Some(&json!("postgres")));
    assert_eq!(obs.get("DBInstanceClass"), Some(&json!("db.t3.micro")));
    assert_eq!(obs.get("StorageEncrypted"), Some(&json!(true)));
    assert_eq!(obs.get("MultiAZ"), Some(&json!(true)));
    assert_eq!(
        obs.get("BackupRetentionPeriod"),
        Some(&json!(fx_rds::RETENTION_DAYS))
    );
    assert_eq!(obs.get("DeletionProtection"), Some(&json!(true)));
    assert_eq!(obs.get("DBInstanceStatus"), Some(&json!("available")));
    assert_eq!(
        obs.get("Tags"),
        Some(&json!([{"Key": "gxp:app", "Value": "lims"}]))
    );
    assert_checks(&obs, &[]);

    // The ARN works as identifier too.
    let arn = obs.arn.clone().expect("DBInstanceArn");
    let by_arn = observe(&aws, "AWS::RDS::DBInstance", &arn).await;
    assert_eq!(by_arn.properties, obs.properties);

    for (id, failing) in [
        (plain, "rds.storage_encrypted"),
        (single, "rds.multi_az"),
        (short, "rds.backup_retention"),
        (unprotected, "rds.deletion_protection"),
    ] {
        let obs = observe(&aws, "AWS::RDS::DBInstance", &id).await;
        assert_checks(&obs, &[failing]);
    }

    let obs = observe(&aws, "AWS::RDS::DBInstance", "no-such-db").await;
    assert_eq!(obs.existence, Existence::Missing, "{obs:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn collect_discovery_finds_tagged_resources_across_services() {
    let Some(emu) = Emulator::start_needing(&[Needs::Rds]) else {
        return;
    };
    let sdk = emu.sdk_config().await;
    let aws = context(&emu).await;
    let both = [("gxp:app", "lims"), ("gxp:env", "prod")];
    let tags: BTreeMap<String, String> = both
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();

    // Tagged with both tags: expected to be discovered.
    let s3 = emu.s3_client().await;
    s3.create_bucket()
        .bucket("lims-evidence")
        .send()
        .await
        .expect("CreateBucket");
    let tag_set = aws_sdk_s3::types::Tagging::builder()
        .set_tag_set(Some(
            both.iter()
                .map(|(k, v)| {
                    aws_sdk_s3::types::Tag::builder()
                        .key(*k)
                        .value(*v)
                        .build()
                        .unwrap()
                })
                .collect(),
        ))
        .build()
        .unwrap();
    s3.put_bucket_tagging()
        .bucket("lims-evidence")
        .tagging(tag_set)
        .send()
        .await
        .expect("PutBucketTagging");
    let key = aws_sdk_kms::Client::new(&sdk)
        .create_key()
        .set_tags(Some(
            both.iter()
                .map(|(k, v)| {
                    aws_sdk_kms::types::Tag::builder()
                        .tag_key(*k)
                        .tag_value(*v)
                        .build()
                        .unwrap()
                })
                .collect(),
        ))
        .send()
        .await
        .expect("CreateKey");
    let key_id = key.key_metadata().unwrap().key_id().to_string();
    let mut log_group = aws_sdk_cloudwatchlogs::Client::new(&sdk)
        .create_log_group()
        .log_group_name("/lims/app");
    for (k, v) in both {
        log_group = log_group.tags(k, v);
    }
    log_group.send().await.expect("CreateLogGroup");
    let vpc = fx_ec2::compliant_vpc(&sdk, "10.50.0.0/16", &both).await;
    let sg = fx_ec2::compliant_security_group(&sdk, &vpc, "lims-web", &both).await;
    let vpce = fx_ec2::compliant_vpc_endpoint(&sdk, &vpc, &both).await;
    let db = fx_rds::compliant_db_instance(&sdk, "lims-db", &both).await;
    let trail_arn = aws_sdk_cloudtrail::Client::new(&sdk)
        .create_trail()
        .name("lims-trail")
        .s3_bucket_name("lims-evidence")
        .set_tags_list(Some(
            both.iter()
                .map(|(k, v)| {
                    aws_sdk_cloudtrail::types::Tag::builder()
                        .key(*k)
                        .value(*v)
                        .build()
                        .unwrap()
                })
                .collect(),
        ))
        .send()
        .await
        .expect("CreateTrail")
        .trail_arn()
        .expect("trail ARN")
        .to_string();
    // A tagged resource of a type the provider cannot check.
    let igw = aws_sdk_ec2::Client::new(&sdk)
        .create_internet_gateway()
        .tag_specifications(
            aws_sdk_ec2::types::TagSpecification::builder()
                .resource_type(aws_sdk_ec2::types::ResourceType::InternetGateway)
                .set_tags(Some(
                    both.iter()
                        .map(|(k, v)| aws_sdk_ec2::types::Tag::builder().key(*k).value(*v).build())
                        .collect(),
                ))
                .build(),
        )
        .send()
        .await
        .expect("CreateInternetGateway")
        .internet_gateway()
        .and_then(|g| g.internet_gateway_id())
        .expect("gateway id")
        .to_string();

    // Untagged, partially tagged or differently tagged: must be ignored.
    s3.create_bucket()
        .bucket("lims-untagged")
        .send()
        .await
        .expect("CreateBucket");
    let partial = fx_ec2::compliant_vpc(&sdk, "10.51.0.0/16", &[("gxp:app", "lims")]).await;
    let other =
        fx_rds::compliant_db_instance(&sdk, "other-db", &[("gxp:app", "lims"), ("gxp:env", "dev")])
            .await;

    let found = discovery::discover(&aws, &tags).await.expect("discover");
    let by_id: BTreeMap<&str, &Target> = found
        .targets
        .iter()
        .map(|t| (t.identifier.as_str(), t))
        .collect();
    let mut expected = vec![
        ("lims-evidence", "AWS::S3::Bucket"),
        (key_id.as_str(), "AWS::KMS::Key"),
        ("/lims/app", "AWS::Logs::LogGroup"),
        (vpc.as_str(), "AWS::EC2::VPC"),
        (sg.as_str(), "AWS::EC2::SecurityGroup"),
        (db.as_str(), "AWS::RDS::DBInstance"),
    ];
    // moto 5.2.1's GetResources does not list VPC endpoints or CloudTrail trails.
    if emu.backend() != Backend::Moto {
        expected.push((vpce.as_str(), "AWS::EC2::VPCEndpoint"));
        expected.push((trail_arn.as_str(), "AWS::CloudTrail::Trail"));
    }
    for (id, ty) in &expected {
        let t = by_id
            .get(id)
            .unwrap_or_else(|| panic!("{ty} {id} not discovered: {found:#?}"));
        assert_eq!(t.resource_type, *ty);
        assert_eq!(t.origin, TargetOrigin::Discovered);
        assert!(t.key.starts_with("discovered:arn:"), "{}", t.key);
        let want: Vec<&str> = catalog::for_resource_type(ty).map(|c| c.id).collect();
        assert_eq!(t.checks, want, "{ty}");
    }
    if emu.backend() == Backend::Moto {
        assert_eq!(found.targets.len(), expected.len(), "{found:#?}");
    }
    for ignored in ["lims-untagged", partial.as_str(), other.as_str()] {
        assert!(
            !by_id.contains_key(ignored),
            "{ignored} discovered: {found:#?}"
        );
    }
    let keys: Vec<&str> = found.targets.iter().map(|t| t.key.as_str()).collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(keys, sorted);
    assert!(
        found
            .unsupported
            .iter()
            .any(|a| a.ends_with(&format!("internet-gateway/{igw}"))),
        "{:?}",
        found.unsupported
    );

    // The discovered targets are collectable: the VPC passes its checks.
    let vpc_target = by_id[vpc.as_str()];
    let obs = collect(&aws, vpc_target).await;
    assert_eq!(
        obs.arn.as_deref(),
        vpc_target.key.strip_prefix("discovered:")
    );
    assert_checks(&obs, &[]);
}
