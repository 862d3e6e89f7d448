//! Which AWS read APIs the collectors call, and which of them each check's verdict rests on.
//!
//! Both are derived from the registry: the reads each service's collector makes and each check
//! declares as IAM actions (`gxp_core::observe::services::collector_operations`,
//! `CheckDef::iam_actions`), so a new check is in the fault scenarios without an edit here. A
//! check whose every call of one of its APIs was faulted had no real answer behind it and must
//! not be `passed`. A collector that calls an API its checks do not declare shows up in
//! [`assert_inventory_covered`] (and in the e2e `iam_actions_*` tests).

/// `(service, operation)`.
pub type Api = (&'static str, &'static str);

/// The read APIs a qualification of targets of `types` (and [`STACK`]s) with discovery
/// calls: STS GetCallerIdentity, each type's collector's, the tagging API's GetResources.
pub fn apis_of_types<'a>(types: impl IntoIterator<Item = &'a str>) -> Vec<Api> {
    let mut apis = vec![("sts", "GetCallerIdentity")];
    for ty in types {
        for api in ops_of_type(ty) {
            if !apis.contains(&api) {
                apis.push(api);
            }
        }
    }
    apis.push(("tagging", "GetResources"));
    apis
}

/// What a verdict needs: every API of `all`, and at least one of `any` (existence).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Needs {
    pub all: Vec<Api>,
    pub any: Vec<Api>,
}

fn all(apis: &[Api]) -> Needs {
    Needs {
        all: apis.to_vec(),
        any: vec![],
    }
}

/// Reads a check declares (as IAM actions) that its verdict does not rest on: recorded for
/// information only, a failure of theirs leaves the verdict standing.
const INFORMATIONAL: &[(&str, Api, &str)] = &[(
    "cloudtrail.cloudwatch_logs",
    ("cloudtrail", "GetTrailStatus"),
    "LatestCloudWatchLogsDeliveryTime/Error are recorded for information",
)];

/// The harness's name of the service of IAM prefix `prefix` (the tagging API's is `tag`).
fn service_of_prefix(prefix: &str) -> &'static str {
    match prefix {
        "tag" => "tagging",
        other => gxp_core::aws::Service::ALL
            .iter()
            .map(|s| s.iam_prefix())
            .find(|p| *p == other)
            .unwrap_or_else(|| panic!("no service with IAM prefix {other}")),
    }
}

/// The reads (as APIs) `actions` of a check declare in the namespace of `service`.
fn declared<'a>(actions: impl IntoIterator<Item = &'a &'static str>, service: &str) -> Vec<Api> {
    actions
        .into_iter()
        .filter_map(|a| a.split_once(':'))
        .map(|(prefix, name)| {
            (
                service_of_prefix(prefix),
                gxp_core::aws::calls::operation_of_action(prefix, name),
            )
        })
        .filter(|(s, _)| *s == service)
        .collect()
}

/// The APIs the verdict of `check_id` (on `property`) for a `resource_type` rests on, from
/// the registry: the reads the check declares in its service's namespace for the type
/// (`observe::services::check_actions_for_type`, less [`INFORMATIONAL`] ones) and the
/// existence read of the type (the first of [`ops_of_type`]). An S3 bucket is known to exist
/// from any of its reads (HeadBucket needs `s3:ListBucket`, the configuration reads may still
/// be allowed: `observe::s3::collect`), so no S3 read is its existence read. The type-generic
/// `iq.resource_exists` rests on the existence read, `iq.resource_properties` on the read of the
/// property (S3: `observe::s3::api_of_property`).
pub fn needs(resource_type: &str, check_id: &str, property: Option<&str>) -> Needs {
    let def = gxp_core::catalog::get(check_id)
        .unwrap_or_else(|| panic!("{check_id} is not in the catalog"));
    let ty = if def.service == "cloudformation" || check_id == "iq.scope" {
        STACK
    } else {
        resource_type
    };
    let ops = if check_id == "iq.scope" {
        vec![]
    } else {
        ops_of_type(ty)
    };
    let bucket = ty == "AWS::S3::Bucket";
    let existence: Vec<Api> = match (bucket, ops.first()) {
        (false, Some(first)) => vec![*first],
        _ => vec![],
    };
    let top = property.map(|p| p.split(['.', '[']).next().unwrap_or(p));
    match check_id {
        "iq.resource_exists" if bucket => Needs {
            all: vec![],
            any: ops,
        },
        "iq.resource_exists" => all(&existence),
        "iq.resource_properties" if bucket => all(&[(
            "s3",
            gxp_core::observe::s3::api_of_property(top.unwrap_or_default()),
        )]),
        "iq.resource_properties" => all(&existence),
        _ => {
            let service = match ops.first() {
                Some((s, _)) => *s,
                None if def.service == "any" => "",
                None => service_of_prefix(def.service),
            };
            let mut apis = existence;
            let own = if def.service == "any" {
                // iq.scope: the tagging API's discovery query.
                def.iam_actions
                    .iter()
                    .filter_map(|a| a.split_once(':'))
                    .map(|(p, n)| {
                        (
                            service_of_prefix(p),
                            gxp_core::aws::calls::operation_of_action(p, n),
                        )
                    })
                    .collect()
            } else {
                // Of a check of several types, the reads of this type's target.
                let mut own = declared(
                    gxp_core::observe::services::check_actions_for_type(def, ty),
                    service,
                );
                // Read by a supplement after the type's collector (backup.resource_protected).
                own.extend(
                    gxp_core::observe::services::supplement_operations(check_id)
                        .into_iter()
                        .map(|(p, op)| (service_of_prefix(p), op)),
                );
                own
            };
            for api in own {
                let informational = INFORMATIONAL
                    .iter()
                    .any(|(c, a, _)| *c == check_id && *a == api);
                if !apis.contains(&api) && !informational {
                    apis.push(api);
                }
            }
            assert!(
                !apis.is_empty(),
                "{check_id} on {resource_type} declares no read its verdict rests on"
            );
            all(&apis)
        }
    }
}

/// Panics naming every API of `all` (the world's, [`apis_of_types`]) a clean run did not
/// call, and every API a clean run called that the inventory does not list (the fault
/// scenarios would not cover it).
pub fn assert_inventory_covered(all: &[Api], calls: &[crate::harness::faults::Call]) {
    let called: std::collections::BTreeSet<(String, String)> = calls
        .iter()
        .filter(|c| !c.service.is_empty())
        .map(|c| (c.service.clone(), c.operation.clone()))
        .collect();
    // Not collector reads: the evidence store and KMS signing.
    let store_apis = [
        "PutObject",
        "GetObject",
        "ListObjectsV2",
        "GetBucketVersioning",
        "GetObjectLockConfiguration",
    ];
    let unlisted: Vec<String> = called
        .iter()
        .filter(|(s, op)| {
            let listed = all.contains(&(s.as_str(), op.as_str()));
            let store = s == "s3" && store_apis.contains(&op.as_str());
            !(listed || store || (s.as_str(), op.as_str()) == DRIFT_POLL)
        })
        .map(|(s, op)| format!("{s}:{op}"))
        .collect();
    let missing: Vec<String> = all
        .iter()
        .filter(|(s, op)| !called.contains(&(s.to_string(), op.to_string())))
        .map(|(s, op)| format!("{s}:{op}"))
        .collect();
    assert!(
        unlisted.is_empty() && missing.is_empty(),
        "the collector API inventory (tests/e2e/faults/apis.rs) is out of date:\n\
         called but not listed: {unlisted:?}\nlisted but not called by a clean run: {missing:?}"
    );
}

/// Resource type of the world's stacks in [`ops_of_type`].
pub const STACK: &str = "stack";

/// The poll of a drift detection (`iq.stack_drift`): called only once DetectStackDrift
/// answered, which neither emulator does, so a clean run never calls it.
const DRIFT_POLL: Api = ("cloudformation", "DescribeStackDriftDetectionStatus");

/// The read APIs the collector of `resource_type` (or [`STACK`]) calls for one target, from
/// the registry (`observe::services::collector_operations`: the service's own reads, the
/// existence read first, then those its checks declare); for [`STACK`], the CloudFormation
/// reads the stack checks declare, in catalog order.
pub fn ops_of_type(resource_type: &str) -> Vec<Api> {
    if resource_type == STACK {
        let mut ops: Vec<Api> = Vec::new();
        for def in gxp_core::catalog::all()
            .iter()
            .filter(|d| d.service == "cloudformation")
        {
            for api in declared(def.iam_actions, "cloudformation") {
                if !ops.contains(&api) && api != DRIFT_POLL {
                    ops.push(api);
                }
            }
        }
        return ops;
    }
    let ops: Vec<Api> = gxp_core::observe::services::collector_operations(resource_type)
        .into_iter()
        .map(|(prefix, op)| (service_of_prefix(prefix), op))
        .collect();
    assert!(
        !ops.is_empty(),
        "no collector APIs known for {resource_type}"
    );
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tables are the registry's: every registered check has a verdict API on each of its
    /// types, and the derived tables are what the collectors were read to call.
    #[test]
    fn fault_api_tables_come_from_the_registry() {
        for c in gxp_core::checks::registry::CHECKS {
            for ty in c.def.resource_types {
                let need = needs(ty, c.def.id, None);
                assert!(!need.all.is_empty(), "{} on {ty}", c.def.id);
                let supplement: Vec<Api> =
                    gxp_core::observe::services::supplement_operations(c.def.id)
                        .into_iter()
                        .map(|(p, op)| (service_of_prefix(p), op))
                        .collect();
                for api in &need.all {
                    assert!(
                        ops_of_type(ty).contains(api) || supplement.contains(api),
                        "{} on {ty}: {api:?}",
                        c.def.id
                    );
                }
            }
        }
        assert_eq!(
            ops_of_type(STACK),
            [
                ("cloudformation", "DescribeStacks"),
                ("cloudformation", "GetTemplate"),
                ("cloudformation", "ListStackResources"),
                ("cloudformation", "DetectStackDrift"),
            ]
        );
        let n = |ty, check| needs(ty, check, None).all;
        assert_eq!(
            n("AWS::S3::Bucket", "s3.versioning"),
            [("s3", "GetBucketVersioning")]
        );
        assert_eq!(
            n("AWS::CloudTrail::Trail", "cloudtrail.cloudwatch_logs"),
            [("cloudtrail", "DescribeTrails")]
        );
        assert_eq!(
            n("AWS::CloudTrail::Trail", "cloudtrail.logging"),
            [
                ("cloudtrail", "DescribeTrails"),
                ("cloudtrail", "GetTrailStatus")
            ]
        );
        assert_eq!(
            n("AWS::EC2::VPC", "ec2.default_sg_closed"),
            [("ec2", "DescribeVpcs"), ("ec2", "DescribeSecurityGroups")]
        );
        assert_eq!(
            n("AWS::RDS::DBCluster", "rds.log_exports"),
            [("rds", "DescribeDBClusters")]
        );
        assert_eq!(
            n("AWS::RDS::DBSnapshot", "rds.snapshot_not_public"),
            [
                ("rds", "DescribeDBSnapshots"),
                ("rds", "DescribeDBSnapshotAttributes")
            ]
        );
        assert_eq!(
            n("AWS::EFS::FileSystem", "efs.backup_policy"),
            [
                ("elasticfilesystem", "DescribeFileSystems"),
                ("elasticfilesystem", "DescribeBackupPolicy")
            ]
        );
        assert_eq!(
            n("AWS::Backup::BackupPlan", "iq.resource_exists"),
            [("backup", "GetBackupPlan")]
        );
        assert_eq!(
            n("AWS::S3::Bucket", "s3.lifecycle_retention"),
            [
                ("s3", "GetBucketLifecycleConfiguration"),
                ("s3", "GetBucketVersioning")
            ]
        );
        assert_eq!(
            n(
                "AWS::ElasticLoadBalancingV2::LoadBalancer",
                "elb.tls_listeners"
            ),
            [
                ("elasticloadbalancing", "DescribeLoadBalancers"),
                ("elasticloadbalancing", "DescribeListeners"),
                ("elasticloadbalancing", "DescribeRules")
            ]
        );
        assert_eq!(n(STACK, "iq.scope"), [("tagging", "GetResources")]);
        assert_eq!(
            n(STACK, "iq.template_hash"),
            [
                ("cloudformation", "DescribeStacks"),
                ("cloudformation", "GetTemplate")
            ]
        );
        assert_eq!(
            n("AWS::KMS::Key", "iq.resource_exists"),
            [("kms", "DescribeKey")]
        );
        assert_eq!(
            needs(
                "AWS::S3::Bucket",
                "iq.resource_properties",
                Some("MfaDelete")
            )
            .all,
            [("s3", "GetBucketVersioning")]
        );
        let exists = needs("AWS::S3::Bucket", "iq.resource_exists", None);
        assert!(exists.all.is_empty() && exists.any.len() == ops_of_type("AWS::S3::Bucket").len());
    }
}
