//! The infrastructure the fault scenarios qualify: per collector, one compliant ("control")
//! target and one weakened target that fails a check, plus a CloudFormation stack of each
//! kind, built through the SDK against the emulator directly (not through the proxy).

use aws_config::SdkConfig;
use gxp_core::spec::model::ExpectedStack;

use super::apis::{apis_of_types, Api, STACK};
use crate::fixtures;
use crate::harness::{Backend, Needs};

/// Whether a target is compliant or weakened to fail a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Control,
    Weak,
}

/// One expected resource of the world.
#[derive(Debug, Clone)]
pub struct Target {
    pub key: String,
    pub resource_type: &'static str,
    pub identifier: String,
    /// SigV4 name of the service its collector calls.
    pub service: &'static str,
    pub checks: Vec<&'static str>,
    pub role: Role,
}

/// One expected stack of the world.
#[derive(Debug, Clone)]
pub struct Stack {
    pub expected: ExpectedStack,
    pub role: Role,
}

/// Everything one qualification of the world covers.
#[derive(Debug, Clone)]
pub struct World {
    pub targets: Vec<Target>,
    pub stacks: Vec<Stack>,
    /// Tag-based discovery (`gxp:app = qualification`, which the compliant buckets carry).
    pub discovery: (String, String),
}

const S3_CHECKS: [&str; 7] = [
    "s3.encryption",
    "s3.versioning",
    "s3.public_access_block",
    "s3.tls_only",
    "s3.object_lock",
    "s3.access_logging",
    "s3.replication",
];
const VPC_CHECKS: [&str; 2] = ["ec2.vpc_flow_logs", "ec2.default_sg_closed"];
const RDS_CHECKS: [&str; 4] = [
    "rds.storage_encrypted",
    "rds.multi_az",
    "rds.backup_retention",
    "rds.deletion_protection",
];

fn target(
    key: &str,
    resource_type: &'static str,
    identifier: &str,
    service: &'static str,
    checks: &[&'static str],
    role: Role,
) -> Target {
    Target {
        key: key.into(),
        resource_type,
        identifier: identifier.into(),
        service,
        checks: checks.to_vec(),
        role,
    }
}

impl World {
    /// Build the world in the emulator behind `sdk`, of the services `backend` offers: the
    /// CloudTrail and RDS targets only where it has them (a line on stderr says what was
    /// left out).
    pub async fn build(sdk: &SdkConfig, backend: Backend) -> World {
        use Role::{Control, Weak};
        let mut t = Vec::new();
        let lacking: Vec<Needs> = [Needs::CloudTrail, Needs::Rds]
            .into_iter()
            .filter(|n| backend.lacks(*n))
            .collect();
        if !lacking.is_empty() {
            super::log_line(&format!(
                "the world on {backend:?} leaves out the targets of {lacking:?}, which it lacks"
            ));
        }

        let key = fixtures::kms::compliant_key(sdk).await;
        let norot = fixtures::kms::compliant_key(sdk).await;
        fixtures::kms::weaken_rotation(sdk, &norot).await;
        let kms_checks = ["kms.enabled", "kms.rotation"];
        t.push(target(
            "key-ok",
            "AWS::KMS::Key",
            &key,
            "kms",
            &kms_checks,
            Control,
        ));
        t.push(target(
            "key-norot",
            "AWS::KMS::Key",
            &norot,
            "kms",
            &kms_checks,
            Weak,
        ));

        let logs = "fzb-logs";
        fixtures::s3::compliant_bucket(sdk, "fzb-ok", &key, logs).await;
        // Versioning suspended: AWS (and LocalStack) allow it only without Object Lock and
        // replication, so this bucket also fails those two checks.
        fixtures::s3::versioning_suspended_bucket(sdk, "fzb-nover", &key, logs).await;
        t.push(target(
            "bucket-ok",
            "AWS::S3::Bucket",
            "fzb-ok",
            "s3",
            &S3_CHECKS,
            Control,
        ));
        t.push(target(
            "bucket-nover",
            "AWS::S3::Bucket",
            "fzb-nover",
            "s3",
            &S3_CHECKS,
            Weak,
        ));

        if !lacking.contains(&Needs::CloudTrail) {
            trails(sdk, &mut t).await;
        }

        fixtures::logs::compliant_log_group(sdk, "fzl-ok").await;
        fixtures::logs::compliant_log_group(sdk, "fzl-short").await;
        fixtures::logs::weaken_retention(sdk, "fzl-short").await;
        let log_checks = fixtures::logs::CHECKS;
        t.push(target(
            "logs-ok",
            "AWS::Logs::LogGroup",
            "fzl-ok",
            "logs",
            log_checks,
            Control,
        ));
        t.push(target(
            "logs-short",
            "AWS::Logs::LogGroup",
            "fzl-short",
            "logs",
            log_checks,
            Weak,
        ));

        let config = fixtures::config::compliant_config(sdk, "fzc").await;
        t.push(target(
            "recorder",
            "AWS::Config::ConfigurationRecorder",
            &config.recorder,
            "config",
            &["config.recorder_recording"],
            Control,
        ));
        t.push(target(
            "channel",
            "AWS::Config::DeliveryChannel",
            &config.channel,
            "config",
            &["config.delivery_channel"],
            Weak,
        ));

        let vpc = fixtures::ec2::compliant_vpc(sdk, "10.20.0.0/16", &[]).await;
        let nolog = fixtures::ec2::compliant_vpc(sdk, "10.21.0.0/16", &[]).await;
        fixtures::ec2::weaken_vpc_flow_logs(sdk, &nolog).await;
        let sg = fixtures::ec2::compliant_security_group(sdk, &vpc, "fzg-ok", &[]).await;
        let ssh = fixtures::ec2::compliant_security_group(sdk, &vpc, "fzg-ssh", &[]).await;
        fixtures::ec2::weaken_sg_admin_ingress(sdk, &ssh).await;
        let endpoint = fixtures::ec2::compliant_vpc_endpoint(sdk, &vpc, &[]).await;
        t.push(target(
            "vpc-ok",
            "AWS::EC2::VPC",
            &vpc,
            "ec2",
            &VPC_CHECKS,
            Control,
        ));
        t.push(target(
            "vpc-nolog",
            "AWS::EC2::VPC",
            &nolog,
            "ec2",
            &VPC_CHECKS,
            Weak,
        ));
        let sg_checks = ["ec2.sg_no_admin_ingress"];
        t.push(target(
            "sg-ok",
            "AWS::EC2::SecurityGroup",
            &sg,
            "ec2",
            &sg_checks,
            Control,
        ));
        t.push(target(
            "sg-ssh",
            "AWS::EC2::SecurityGroup",
            &ssh,
            "ec2",
            &sg_checks,
            Weak,
        ));
        t.push(target(
            "endpoint-ok",
            "AWS::EC2::VPCEndpoint",
            &endpoint,
            "ec2",
            &["ec2.vpc_endpoints_available"],
            Control,
        ));

        if !lacking.contains(&Needs::Rds) {
            databases(sdk, &mut t).await;
        }

        let params = [("Environment", "qa")];
        fixtures::stack::create_stack(sdk, "fzs-ok", &params).await;
        fixtures::stack::create_stack(sdk, "fzs-weak", &params).await;
        let ok = fixtures::stack::expected_stack("fzs-ok", &params);
        let mut weak = fixtures::stack::expected_stack("fzs-weak", &params);
        fixtures::stack::expect_wrong_parameter(&mut weak);
        World {
            targets: t,
            stacks: vec![
                Stack {
                    expected: ok,
                    role: Control,
                },
                Stack {
                    expected: weak,
                    role: Weak,
                },
            ],
            discovery: ("gxp:app".into(), "qualification".into()),
        }
    }

    /// The read APIs a qualification of the world calls (discovery included).
    pub fn apis(&self) -> Vec<Api> {
        let mut types: Vec<&str> = Vec::new();
        for t in &self.targets {
            if !types.contains(&t.resource_type) {
                types.push(t.resource_type);
            }
        }
        if !self.stacks.is_empty() {
            types.push(STACK);
        }
        apis_of_types(types)
    }

    /// The `expected_resource` and `expected_stack` blocks.
    pub fn spec_blocks(&self) -> String {
        let mut spec = String::new();
        for r in &self.targets {
            let checks: Vec<String> = r.checks.iter().map(|c| format!("{c:?}")).collect();
            spec.push_str(&format!(
                "  expected_resource {{\n    key = {:?}\n    type = {:?}\n    identifier = {:?}\n    checks = [{}]\n  }}\n",
                r.key,
                r.resource_type,
                r.identifier,
                checks.join(", ")
            ));
        }
        for s in &self.stacks {
            let e = &s.expected;
            spec.push_str(&format!(
                "  expected_stack {{\n    name = {:?}\n    template_sha256 = {:?}\n    outputs = {}\n    parameters = {}\n    resources = {}\n  }}\n",
                e.name,
                e.template_sha256.clone().unwrap_or_default(),
                hcl_map(&e.outputs),
                hcl_map(&e.parameters),
                hcl_map(&e.resources)
            ));
        }
        spec
    }
}

/// A logging trail and a stopped one.
async fn trails(sdk: &SdkConfig, t: &mut Vec<Target>) {
    use Role::{Control, Weak};
    let trail = fixtures::cloudtrail::compliant_trail(sdk, "fzt-ok").await;
    let off = fixtures::cloudtrail::compliant_trail(sdk, "fzt-off").await;
    fixtures::cloudtrail::weaken_stop_logging(sdk, &off.name).await;
    let trail_checks = fixtures::cloudtrail::CHECKS;
    t.push(target(
        "trail-ok",
        "AWS::CloudTrail::Trail",
        &trail.name,
        "cloudtrail",
        trail_checks,
        Control,
    ));
    t.push(target(
        "trail-off",
        "AWS::CloudTrail::Trail",
        &off.name,
        "cloudtrail",
        trail_checks,
        Weak,
    ));
}

/// A compliant DB instance and a single-AZ one.
async fn databases(sdk: &SdkConfig, t: &mut Vec<Target>) {
    use Role::{Control, Weak};
    let db = fixtures::rds::compliant_db_instance(sdk, "fzd-ok", &[]).await;
    let single = fixtures::rds::compliant_db_instance(sdk, "fzd-single", &[]).await;
    fixtures::rds::weaken_multi_az(sdk, &single).await;
    t.push(target(
        "db-ok",
        "AWS::RDS::DBInstance",
        &db,
        "rds",
        &RDS_CHECKS,
        Control,
    ));
    t.push(target(
        "db-single",
        "AWS::RDS::DBInstance",
        &single,
        "rds",
        &RDS_CHECKS,
        Weak,
    ));
}

fn hcl_map(m: &std::collections::BTreeMap<String, String>) -> String {
    let body: Vec<String> = m.iter().map(|(k, v)| format!("{k:?} = {v:?}")).collect();
    format!("{{ {} }}", body.join(", "))
}

/// Where a qualification files its reports.
#[derive(Debug, Clone)]
pub enum Store {
    /// A local directory (out of the proxy's reach).
    Local(String),
    /// An S3 bucket (through the proxy).
    S3(String),
}

impl Store {
    fn block(&self) -> String {
        match self {
            Store::Local(dir) => format!("evidence_store {{\n    local_directory = {dir:?}\n  }}"),
            Store::S3(bucket) => format!("evidence_store {{\n    s3_bucket = {bucket:?}\n  }}"),
        }
    }
}

/// One `gxp_qualification` of a configuration.
#[derive(Debug, Clone)]
pub struct Qualification {
    /// Terraform resource name (`gxp_qualification.NAME`).
    pub resource: String,
    /// Qualification name (its chain).
    pub name: String,
    pub store: Store,
    pub spool: String,
    /// With the world's discovery tags.
    pub discovery: bool,
    /// More arguments of the resource (HCL).
    pub extra: String,
}

/// A Terraform configuration: the provider (with `provider_extra`), the spec of `spec_blocks`
/// and the qualifications (`enforce = false`: the apply records the results).
pub fn configuration(
    spec_blocks: &str,
    qualifications: &[Qualification],
    discovery: &(String, String),
    provider_extra: &str,
) -> String {
    let mut out = format!(
        r#"terraform {{
  required_providers {{
    gxp = {{ source = "gxp/gxp" }}
  }}
}}
provider "gxp" {{
  s3_use_path_style = true
  {provider_extra}
}}
resource "gxp_expected_spec" "s" {{
  name    = "fault-world"
  version = "1"
  system {{
    application_id = "faults"
    environment    = "test"
  }}
  approval {{
    approved_by      = "qa@example.com"
    approved_at      = "2026-01-01T00:00:00Z"
    change_reference = "CR-FAULTS"
  }}
{spec_blocks}}}
"#
    );
    for q in qualifications {
        let discovery = if q.discovery {
            format!(
                "discovery {{\n    tags = {{ {:?} = {:?} }}\n  }}",
                discovery.0, discovery.1
            )
        } else {
            String::new()
        };
        out.push_str(&format!(
            r#"resource "gxp_qualification" "{}" {{
  name            = {:?}
  spec_id         = gxp_expected_spec.s.id
  spec_digest     = gxp_expected_spec.s.digest
  spec_document   = gxp_expected_spec.s.canonical_json
  enforce         = false
  spool_directory = {:?}
  {discovery}
  {}
  {}
}}
"#,
            q.resource,
            q.name,
            q.spool,
            q.store.block(),
            q.extra
        ));
    }
    out
}

/// A spec of one compliant data bucket `bucket` (versioning checked), for store scenarios.
pub fn one_bucket_spec(bucket: &str) -> String {
    format!(
        "  expected_resource {{\n    key = \"data\"\n    type = \"AWS::S3::Bucket\"\n    identifier = {bucket:?}\n    checks = [\"s3.versioning\", \"s3.encryption\"]\n  }}\n"
    )
}
