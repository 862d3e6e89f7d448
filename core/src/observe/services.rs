//! Service registration: one [`Service`] record per AWS service the provider observes — its
//! collector (which SDK client reads what), the CloudFormation types it observes, how
//! tag-based discovery maps its ARNs to targets, and the drift class of its properties —
//! declared in the service's own module (`observe/<service>.rs`) and listed once in
//! [`SERVICES`]. Collection ([`super::collect`]), discovery ([`super::discovery`]) and drift
//! classification ([`super::PROPERTY_CLASS_TABLES`]) read this list; adding a service is one
//! module and one line here.

use futures::future::BoxFuture;

use super::{
    account, backup, cloudtrail, cloudwatch, config, dynamodb, ec2, efs, elb, guardduty, iam, kms,
    lambda, logs, organizations, rds, s3, secretsmanager, securityhub, sns, sqs, Observation,
    Target,
};
use crate::aws::AwsContext;
use crate::catalog::{CheckDef, SeverityClass};

/// A collector: reads one target of the service's resource types into an observation. Never
/// panics; read failures are recorded in the observation.
pub type Collect = for<'a> fn(&'a AwsContext, &'a Target) -> BoxFuture<'a, Observation>;

/// Drift classes: (CloudFormation type, top-level property, class).
pub type PropertyClasses = &'static [(&'static str, &'static str, SeverityClass)];

/// What one facet read gives: per top-level property of the account observation, its value
/// (`Ok(None)`: readable, not configured) or why it could not be read.
pub type FacetProperties = Vec<(&'static str, Result<Option<serde_json::Value>, String>)>;

/// Reads one account facet. Never panics; a failed read is an `Err` on its properties.
pub type ReadFacet = for<'a> fn(&'a AwsContext) -> BoxFuture<'a, FacetProperties>;

/// What one service reads about the account and region (the `AWS::::Account` target,
/// [`super::account`]): some properties of the account observation, read only when the
/// account target runs one of `checks`.
#[derive(Debug)]
pub struct AccountFacet {
    /// The top-level properties it records, with their drift class.
    pub properties: &'static [(&'static str, SeverityClass)],
    /// The checks that read them: the facet is read only for a target running one of them.
    pub checks: &'static [&'static str],
    /// Reads the facet.
    pub read: ReadFacet,
}

/// One AWS service the provider observes.
#[derive(Debug)]
pub struct Service {
    /// The service namespace of its ARNs and IAM actions (`s3`, `logs`, ...), unless
    /// [`namespace`] maps it (`elb` → `elasticloadbalancing`); the checks of the service
    /// name it as their `service` and id prefix.
    pub name: &'static str,
    /// The SDK client its collector reads with (`aws-sdk-s3`, ...).
    pub sdk_client: &'static str,
    /// The IAM actions its collector calls for every resource, whatever the checks
    /// (existence, ARN, tags); each check declares the further actions it needs
    /// ([`crate::catalog::CheckDef::iam_actions`]).
    pub iam_actions: &'static [&'static str],
    /// The CloudFormation types its collector observes.
    pub resource_types: &'static [&'static str],
    /// Reads a target of one of `resource_types`.
    pub collect: Collect,
    /// Tag-based discovery: the CloudFormation type and the identifier the collector expects
    /// for a resource ARN of this service (`rest` is the part after the account), `None` when
    /// the provider cannot check that kind of resource.
    pub discover: fn(arn: &str, rest: &str) -> Option<(&'static str, String)>,
    /// Drift classes of its properties; properties not listed are functional.
    pub property_classes: PropertyClasses,
    /// What it reads about the account for account-level checks (none for most services).
    pub account_facets: &'static [AccountFacet],
}

/// Every service the provider observes, in drift-table order.
pub const SERVICES: &[&Service] = &[
    &s3::SERVICE,
    &kms::SERVICE,
    &cloudtrail::SERVICE,
    &config::SERVICE,
    &logs::SERVICE,
    &ec2::SERVICE,
    &rds::SERVICE,
    &dynamodb::SERVICE,
    &secretsmanager::SERVICE,
    &sns::SERVICE,
    &sqs::SERVICE,
    &lambda::SERVICE,
    &efs::SERVICE,
    &backup::SERVICE,
    &cloudwatch::SERVICE,
    &elb::SERVICE,
    &account::SERVICE,
    &iam::SERVICE,
    &guardduty::SERVICE,
    &securityhub::SERVICE,
    &organizations::SERVICE,
];

/// The service whose collector observes CloudFormation type `resource_type`.
pub fn for_resource_type(resource_type: &str) -> Option<&'static Service> {
    SERVICES
        .iter()
        .copied()
        .find(|s| s.resource_types.contains(&resource_type))
}

/// The service named `name` (the `service` of its checks).
pub fn named(name: &str) -> Option<&'static Service> {
    SERVICES.iter().copied().find(|s| s.name == name)
}

/// Every account facet of every service, with its service.
pub fn account_facets() -> impl Iterator<Item = (&'static Service, &'static AccountFacet)> {
    SERVICES
        .iter()
        .copied()
        .flat_map(|s| s.account_facets.iter().map(move |f| (s, f)))
}

/// The account facet recording top-level property `property`.
pub fn account_facet_of(property: &str) -> Option<&'static AccountFacet> {
    account_facets()
        .map(|(_, f)| f)
        .find(|f| f.properties.iter().any(|(p, _)| *p == property))
}

/// Services whose ARN and IAM namespace differs from their name: (name, namespace). The
/// `efs.*` checks are read with `elasticfilesystem:` actions from `arn:aws:elasticfilesystem:`
/// resources, the `elb.*` checks with `elasticloadbalancing:` actions.
pub const ARN_NAMESPACES: &[(&str, &str)] = &[
    ("efs", "elasticfilesystem"),
    ("elb", "elasticloadbalancing"),
];

/// The ARN and IAM namespace of service `name` (its name unless [`ARN_NAMESPACES`] says
/// otherwise).
pub fn namespace(name: &str) -> &str {
    ARN_NAMESPACES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(name, |(_, ns)| ns)
}

/// The service whose ARNs have namespace `namespace` (`s3`, `elasticfilesystem`, ...).
pub fn for_namespace(namespace: &str) -> Option<&'static Service> {
    SERVICES
        .iter()
        .copied()
        .find(|s| self::namespace(s.name) == namespace)
}

/// The IAM actions needed to evaluate `check`: its own ([`CheckDef::iam_actions`]) and those
/// its service's collector calls for every resource of the check's types
/// ([`Service::iam_actions`] that [`service_action_observes`] one of them), sorted. For
/// `iq.resource_exists` and `iq.resource_properties`, add the service actions of the
/// resource's type.
///
/// An account check needs what it declares and `sts:GetCallerIdentity` (the account
/// target's identification), not its service's resource reads.
///
/// A check read by a supplement ([`super::supplements`], e.g. `backup.resource_protected` on
/// S3 buckets and DynamoDB tables) needs the service actions of each of its types' collectors.
pub fn required_iam_actions(check: &CheckDef) -> Vec<&'static str> {
    // An account check also needs what the account target's collector calls.
    let account: &[&str] = if check.resource_types.contains(&account::ACCOUNT_TYPE) {
        account::SERVICE.iam_actions
    } else {
        &[]
    };
    let services: Vec<&'static Service> = if super::supplements::for_check(check.id).is_some() {
        check
            .resource_types
            .iter()
            .filter_map(|t| for_resource_type(t))
            .collect()
    } else {
        named(check.service).into_iter().collect()
    };
    // A resource check: the service actions that observe one of its types. An account check
    // reads its facet with the actions it declares, none of its service's resource reads.
    let service_actions = services.into_iter().flat_map(move |s| {
        s.iam_actions.iter().filter(move |a| {
            check
                .resource_types
                .iter()
                .any(|t| s.resource_types.contains(t) && service_action_observes(s, a, t))
        })
    });
    let mut actions: Vec<&'static str> = check
        .iam_actions
        .iter()
        .chain(service_actions)
        .chain(account)
        .copied()
        .collect();
    actions.sort_unstable();
    actions.dedup();
    actions
}

/// The IAM actions the collector of `resource_type` calls for one target, derived from the
/// registry, each once: the first of its service's own actions that concern the type (see
/// [`service_action_observes`]), its existence read; then the actions the type's registered
/// checks declare in the service's namespace ([`check_actions_for_type`]), in catalog order;
/// then the service's other actions for the type (tags). The collector makes these reads
/// whatever the checks selected. Empty for a type no service observes.
pub fn collector_actions(resource_type: &str) -> Vec<&'static str> {
    let Some(service) = for_resource_type(resource_type) else {
        return Vec::new();
    };
    let checks = crate::checks::registry::CHECKS
        .iter()
        .filter(|c| c.def.applies_to(resource_type))
        .flat_map(|c| check_actions_for_type(&c.def, resource_type));
    let mut out: Vec<&'static str> = Vec::new();
    let mut own = service
        .iam_actions
        .iter()
        .filter(|a| service_action_observes(service, a, resource_type));
    let existence = own.next();
    for action in existence.into_iter().chain(checks).chain(own) {
        let in_namespace = action
            .split_once(':')
            .is_some_and(|(prefix, _)| prefix == namespace(service.name));
        if in_namespace && !out.contains(action) {
            out.push(action);
        }
    }
    out
}

/// The existence read of `resource_type`: the first of [`collector_actions`] (the service
/// action whose answer tells whether the resource exists); `None` for a type no service
/// observes.
pub fn existence_action(resource_type: &str) -> Option<&'static str> {
    collector_actions(resource_type).first().copied()
}

/// The read operations (IAM prefix, operation) the collector of `resource_type` calls for one
/// target: [`collector_actions`] as operations
/// ([`crate::aws::calls::operation_of_action`]), each once, in the same order. Empty for a
/// type no service observes.
pub fn collector_operations(resource_type: &str) -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&'static str, &'static str)> = Vec::new();
    for action in collector_actions(resource_type) {
        let Some((prefix, name)) = action.split_once(':') else {
            continue;
        };
        let op = (prefix, crate::aws::calls::operation_of_action(prefix, name));
        if !out.contains(&op) {
            out.push(op);
        }
    }
    out
}

/// The IAM actions of `check` ([`CheckDef::iam_actions`]) its evaluation on a target of
/// `resource_type` needs: all of them for a check of one type; for a check of several, those
/// that name `resource_type` and those that name none of its types ([`action_names_type`]:
/// `rds.log_exports` reads `rds:DescribeDBInstances` for an instance, `rds:DescribeDBClusters`
/// for a cluster).
pub fn check_actions_for_type<'a>(
    check: &'a CheckDef,
    resource_type: &'a str,
) -> impl Iterator<Item = &'static &'static str> + 'a {
    let types = check.resource_types;
    check.iam_actions.iter().filter(move |a| {
        types.len() == 1
            || action_names_type(a, resource_type)
            || !types.iter().any(|t| action_names_type(a, t))
    })
}

/// The read operations (IAM prefix, operation) of the supplement check `check_id` needs
/// ([`super::supplements`]), in the order it declares them; empty for a check without one.
pub fn supplement_operations(check_id: &str) -> Vec<(&'static str, &'static str)> {
    super::supplements::for_check(check_id)
        .map(|s| s.iam_actions)
        .unwrap_or_default()
        .iter()
        .filter_map(|a| a.split_once(':'))
        .map(|(p, n)| (p, crate::aws::calls::operation_of_action(p, n)))
        .collect()
}

/// Whether the service-wide IAM action `action` ([`Service::iam_actions`]) is called for a
/// target of `resource_type`: always for a service of one type; for a service of several,
/// when the action names the type ([`action_names_type`]), or reads its tags by ARN
/// (`backup:ListTags`, for every type).
pub fn service_action_observes(service: &Service, action: &str, resource_type: &str) -> bool {
    service.resource_types.len() == 1
        || action_names_type(action, resource_type)
        || action_reads_tags(action)
}

/// Whether `action` reads a resource's tags by ARN (`backup:ListTags`): a read of every
/// type of its service.
fn action_reads_tags(action: &str) -> bool {
    let name = action.split_once(':').map_or(action, |(_, n)| n);
    name == "ListTags"
}

/// Whether the noun of the read `action` is the last part of `resource_type`, in the plural
/// or not, and with or without an `Attribute` suffix (`ec2:DescribeVpcs` for `AWS::EC2::VPC`,
/// `config:DescribeDeliveryChannels` for `AWS::Config::DeliveryChannel`,
/// `rds:DescribeDBSnapshotAttributes` for `AWS::RDS::DBSnapshot`).
pub fn action_names_type(action: &str, resource_type: &str) -> bool {
    let name = action.split_once(':').map_or(action, |(_, n)| n);
    let noun = ["Describe", "Get", "List"]
        .iter()
        .find_map(|verb| name.strip_prefix(verb))
        .unwrap_or(name);
    let noun = noun.strip_suffix('s').unwrap_or(noun);
    let noun = noun.strip_suffix("Attribute").unwrap_or(noun);
    let ty = resource_type.rsplit("::").next().unwrap_or(resource_type);
    noun.eq_ignore_ascii_case(ty)
}

/// The id after `prefix` in an ARN's resource part, when it is non-empty and has no `/` or
/// `:` (`key/ID`, `trail/NAME`, `db:ID`).
pub fn single_id(rest: &str, prefix: &str) -> Option<String> {
    rest.strip_prefix(prefix)
        .filter(|id| !id.is_empty() && !id.contains(['/', ':']))
        .map(str::to_string)
}

/// The drift tables of [`SERVICES`], in the same order (for [`super::PROPERTY_CLASS_TABLES`]).
pub(super) const fn property_class_tables<const N: usize>() -> [PropertyClasses; N] {
    let mut out: [PropertyClasses; N] = [&[]; N];
    let mut i = 0;
    while i < N {
        out[i] = SERVICES[i].property_classes;
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::registry::CHECKS;
    use std::collections::HashSet;

    #[test]
    fn every_resource_type_has_one_service_and_names_are_unique() {
        let mut names = HashSet::new();
        let mut types = HashSet::new();
        for s in SERVICES {
            assert!(names.insert(s.name), "service {} registered twice", s.name);
            assert!(s.sdk_client.starts_with("aws-sdk-"), "{}", s.name);
            assert!(
                !s.resource_types.is_empty() || !s.account_facets.is_empty(),
                "{} observes no type and nothing of the account",
                s.name
            );
            for t in s.resource_types {
                assert!(types.insert(*t), "{t} has two collectors");
                assert_eq!(for_resource_type(t).map(|f| f.name), Some(s.name));
            }
            for (t, _, _) in s.property_classes {
                assert!(
                    s.resource_types.contains(t),
                    "{}: drift class for {t}, which it does not observe",
                    s.name
                );
            }
            assert_eq!(named(s.name).map(|n| n.name), Some(s.name));
            assert_eq!(
                for_namespace(namespace(s.name)).map(|n| n.name),
                Some(s.name)
            );
        }
        assert_eq!(
            for_namespace("elasticfilesystem").map(|s| s.name),
            Some("efs")
        );
        assert!(for_namespace("efs").is_none());
        assert!(for_resource_type("AWS::Nope::Nothing").is_none());
        assert_eq!(
            for_namespace("elasticloadbalancing").map(|s| s.name),
            Some("elb")
        );
        assert_eq!(for_namespace("s3").map(|s| s.name), Some("s3"));
        assert!(for_namespace("elb").is_none());
    }

    #[test]
    fn every_registered_check_belongs_to_a_service_that_observes_its_types() {
        for c in CHECKS {
            let service = named(c.def.service)
                .unwrap_or_else(|| panic!("{}: no service {}", c.def.id, c.def.service));
            if let Some(s) = super::super::supplements::for_check(c.def.id) {
                // Read by a supplement after the collector of each of its types.
                for t in c.def.resource_types {
                    assert!(for_resource_type(t).is_some(), "{}: {t}", c.def.id);
                    assert!(s.resource_types.contains(t), "{}: {t}", c.def.id);
                }
                continue;
            }
            for t in c.def.resource_types {
                if *t == account::ACCOUNT_TYPE {
                    // An account check: its service reads what it needs as an account facet.
                    assert!(
                        service
                            .account_facets
                            .iter()
                            .any(|f| f.checks.contains(&c.def.id)),
                        "{}: service {} has no account facet for it",
                        c.def.id,
                        service.name
                    );
                    continue;
                }
                assert!(
                    service.resource_types.contains(t),
                    "{}: service {} does not observe {t}",
                    c.def.id,
                    service.name
                );
            }
        }
    }

    #[test]
    fn every_service_action_concerns_one_of_its_types_and_every_type_has_an_existence_read() {
        for s in SERVICES {
            for a in s.iam_actions {
                assert!(
                    s.resource_types
                        .iter()
                        .any(|t| service_action_observes(s, a, t)),
                    "{}: {a} concerns none of {:?} (name it after the type it reads)",
                    s.name,
                    s.resource_types
                );
            }
            for t in s.resource_types {
                assert!(
                    s.iam_actions
                        .iter()
                        .any(|a| service_action_observes(s, a, t)),
                    "{}: no service action reads {t}",
                    s.name
                );
                let ops = collector_operations(t);
                assert!(!ops.is_empty(), "{t}");
                assert!(
                    ops.iter().all(|(p, _)| *p == namespace(s.name)),
                    "{t}: {ops:?}"
                );
            }
        }
        assert_eq!(
            collector_operations("AWS::EC2::VPC"),
            [
                ("ec2", "DescribeVpcs"),
                ("ec2", "DescribeFlowLogs"),
                ("ec2", "DescribeSecurityGroups")
            ]
        );
        assert_eq!(
            collector_operations("AWS::KMS::Key"),
            [
                ("kms", "DescribeKey"),
                ("kms", "GetKeyRotationStatus"),
                ("kms", "ListResourceTags")
            ]
        );
        // EFS reads in its IAM namespace; a tag read of AWS Backup concerns both its types.
        assert_eq!(
            collector_operations("AWS::EFS::FileSystem"),
            [
                ("elasticfilesystem", "DescribeFileSystems"),
                ("elasticfilesystem", "DescribeBackupPolicy")
            ]
        );
        assert_eq!(
            collector_operations("AWS::Backup::BackupVault"),
            [
                ("backup", "DescribeBackupVault"),
                ("backup", "ListRecoveryPointsByBackupVault"),
                ("backup", "ListTags")
            ]
        );
        assert_eq!(
            collector_operations("AWS::Backup::BackupPlan"),
            [("backup", "GetBackupPlan"), ("backup", "ListTags")]
        );
        // A check of several types: each type gets the actions that name it.
        assert_eq!(
            collector_operations("AWS::RDS::DBSnapshot"),
            [
                ("rds", "DescribeDBSnapshots"),
                ("rds", "DescribeDBSnapshotAttributes")
            ]
        );
        assert_eq!(
            collector_operations("AWS::RDS::DBInstance"),
            [("rds", "DescribeDBInstances")]
        );
        assert_eq!(
            collector_operations("AWS::EC2::Snapshot"),
            [
                ("ec2", "DescribeSnapshots"),
                ("ec2", "DescribeSnapshotAttribute")
            ]
        );
        assert!(collector_operations("AWS::Nope::Nothing").is_empty());
    }

    /// IAM service prefixes of the SDK clients the provider builds.
    fn iam_prefixes() -> Vec<&'static str> {
        crate::aws::Service::ALL
            .iter()
            .map(|s| s.iam_prefix())
            .collect()
    }

    fn well_formed(action: &str) -> bool {
        match action.split_once(':') {
            Some((prefix, name)) => {
                iam_prefixes().contains(&prefix)
                    && name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                    && name.chars().all(|c| c.is_ascii_alphanumeric())
            }
            None => false,
        }
    }

    #[test]
    fn every_check_and_service_declares_well_formed_iam_actions() {
        for s in SERVICES {
            assert!(
                !s.iam_actions.is_empty() || s.resource_types.is_empty(),
                "{} declares no IAM action",
                s.name
            );
            for a in s.iam_actions {
                assert!(well_formed(a), "{}: {a}", s.name);
                assert!(
                    a.starts_with(&format!("{}:", namespace(s.name))),
                    "{}: {a}",
                    s.name
                );
            }
        }
        for c in crate::catalog::all() {
            for a in c.iam_actions {
                assert!(well_formed(a), "{}: {a}", c.id);
            }
            let required = required_iam_actions(c);
            // The SOUP checks read the working directory, not AWS.
            let exempt = [
                "iq.resource_properties",
                "iq.soup_locked",
                "iq.soup_versions",
            ];
            assert!(
                !required.is_empty() || exempt.contains(&c.id),
                "{} needs no IAM action",
                c.id
            );
            let mut sorted = required.clone();
            sorted.sort_unstable();
            assert_eq!(required, sorted);
        }
        // A service of several types: the service actions of the check's types only.
        let imdsv2 = crate::catalog::get("ec2.instance_imdsv2").unwrap();
        assert_eq!(required_iam_actions(imdsv2), ["ec2:DescribeInstances"]);
        let protected = crate::catalog::get("backup.resource_protected").unwrap();
        let required = required_iam_actions(protected);
        for a in [
            "backup:ListBackupPlans",
            "backup:GetBackupSelection",
            "s3:ListBucket",
            "dynamodb:DescribeTable",
        ] {
            assert!(required.contains(&a), "{a}: {required:?}");
        }
        assert!(
            !required.contains(&"backup:DescribeBackupVault"),
            "{required:?}"
        );
        assert_eq!(
            supplement_operations("backup.resource_protected"),
            [
                ("backup", "ListBackupPlans"),
                ("backup", "ListBackupSelections"),
                ("backup", "GetBackupSelection"),
                ("backup", "DescribeRegionSettings")
            ]
        );
        assert!(supplement_operations("s3.versioning").is_empty());
        // An account check: what it declares and the account's identification, none of its
        // service's resource reads.
        let account_pab = crate::catalog::get("s3.account_public_access_block").unwrap();
        assert_eq!(
            required_iam_actions(account_pab),
            ["s3:GetAccountPublicAccessBlock", "sts:GetCallerIdentity"]
        );
        let ebs_default = crate::catalog::get("ec2.ebs_default_encryption").unwrap();
        assert!(!required_iam_actions(ebs_default).contains(&"ec2:DescribeVpcs"));
        let versioning = crate::catalog::get("s3.versioning").unwrap();
        assert_eq!(
            required_iam_actions(versioning),
            [
                "s3:GetBucketTagging",
                "s3:GetBucketVersioning",
                "s3:ListBucket"
            ]
        );
    }

    #[test]
    fn the_drift_tables_are_the_services_tables_in_order() {
        assert_eq!(super::super::PROPERTY_CLASS_TABLES.len(), SERVICES.len());
        for (table, s) in super::super::PROPERTY_CLASS_TABLES.iter().zip(SERVICES) {
            assert_eq!(*table, s.property_classes, "{}", s.name);
        }
    }
}
