//! The registry: every check written as a unit (definition, evaluator and unit tests in one
//! file), registered by one line: an IQ check ([`IqCheck`]) in [`IQ_CHECKS`], an OQ/PQ check
//! ([`Check`]) in [`CHECKS`]. The catalog is these two lists; evaluation, the generated docs
//! and the coverage tests all read them.

use super::iq::{self, IqCheck};
use super::{
    backup, cloudtrail, cloudwatch, config, dynamodb, ec2, efs, elb, guardduty, iam, kms, lambda,
    logs, organizations, rds, s3, secretsmanager, securityhub, sns, sqs, Check,
};

/// Every IQ check, in catalog order (before every OQ/PQ check). Each is evaluated by the
/// piece of the run it belongs to ([`iq::IqEvaluator`]).
pub static IQ_CHECKS: &[&IqCheck] = &[
    &iq::stack_status::CHECK,
    &iq::template_hash::CHECK,
    &iq::stack_resources::CHECK,
    &iq::stack_outputs::CHECK,
    &iq::stack_parameters::CHECK,
    &iq::stack_drift::CHECK,
    &iq::resource_exists::CHECK,
    &iq::resource_properties::CHECK,
    &iq::soup_locked::CHECK,
    &iq::soup_versions::CHECK,
    &iq::scope::CHECK,
];

/// Every OQ/PQ check, in catalog order (after the IQ checks).
pub static CHECKS: &[&Check] = &[
    &s3::encryption::CHECK,
    &s3::versioning::CHECK,
    &s3::public_access_block::CHECK,
    &s3::tls_only::CHECK,
    &s3::object_lock::CHECK,
    &s3::access_logging::CHECK,
    &s3::replication::CHECK,
    &s3::acl_disabled::CHECK,
    &s3::lifecycle_retention::CHECK,
    &s3::account_public_access_block::CHECK,
    &cloudtrail::exists::CHECK,
    &cloudtrail::logging::CHECK,
    &cloudtrail::multi_region::CHECK,
    &cloudtrail::log_file_validation::CHECK,
    &cloudtrail::kms::CHECK,
    &cloudtrail::cloudwatch_logs::CHECK,
    &cloudtrail::s3_data_events::CHECK,
    &cloudtrail::management_events::CHECK,
    &kms::enabled::CHECK,
    &kms::rotation::CHECK,
    &config::recorder_recording::CHECK,
    &config::delivery_channel::CHECK,
    &ec2::vpc_flow_logs::CHECK,
    &ec2::sg_no_admin_ingress::CHECK,
    &ec2::default_sg_closed::CHECK,
    &ec2::vpc_endpoints_available::CHECK,
    &ec2::instance_imdsv2::CHECK,
    &ec2::instance_no_public_ip::CHECK,
    &ec2::instance_profile_attached::CHECK,
    &ec2::subnet_no_auto_public_ip::CHECK,
    &ec2::ebs_volume_encrypted::CHECK,
    &ec2::ebs_snapshot_not_public::CHECK,
    &ec2::no_unrestricted_route_to_igw::CHECK,
    &ec2::nacl_no_admin_ingress::CHECK,
    &ec2::ebs_default_encryption::CHECK,
    &logs::retention::CHECK,
    &logs::kms::CHECK,
    &rds::storage_encrypted::CHECK,
    &rds::multi_az::CHECK,
    &rds::backup_retention::CHECK,
    &rds::deletion_protection::CHECK,
    &rds::no_public_access::CHECK,
    &rds::log_exports::CHECK,
    &rds::snapshot_not_public::CHECK,
    &rds::snapshot_encrypted::CHECK,
    &rds::cluster_storage_encrypted::CHECK,
    &rds::cluster_multi_az::CHECK,
    &rds::cluster_backup_retention::CHECK,
    &rds::cluster_deletion_protection::CHECK,
    &dynamodb::pitr::CHECK,
    &dynamodb::kms::CHECK,
    &secretsmanager::rotation::CHECK,
    &secretsmanager::kms_cmk::CHECK,
    &sns::kms::CHECK,
    &sqs::kms::CHECK,
    &lambda::not_public::CHECK,
    &efs::encrypted::CHECK,
    &efs::backup_policy::CHECK,
    &backup::plan_min_frequency_retention::CHECK,
    &backup::vault_locked::CHECK,
    &backup::recovery_point_encrypted::CHECK,
    &backup::recovery_point_min_retention::CHECK,
    &backup::resource_protected::CHECK,
    &cloudwatch::alarm_actions::CHECK,
    &elb::access_logging::CHECK,
    &elb::deletion_protection::CHECK,
    &elb::tls_listeners::CHECK,
    &iam::root_mfa::CHECK,
    &iam::root_no_access_keys::CHECK,
    &iam::password_policy::CHECK,
    &iam::user_console_mfa::CHECK,
    &iam::access_keys_rotated::CHECK,
    &iam::unused_credentials::CHECK,
    &iam::user_no_direct_policies::CHECK,
    &iam::no_admin_policies::CHECK,
    &iam::no_kms_decrypt_on_all_keys::CHECK,
    &guardduty::enabled::CHECK,
    &securityhub::enabled::CHECK,
    &organizations::account_member::CHECK,
];

/// The registered check with id `id`.
pub fn get(id: &str) -> Option<&'static Check> {
    CHECKS.iter().copied().find(|c| c.def.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{evaluate, Params, Status, UnitFixtures};
    use crate::observe::{Existence, Observation, Target, TargetOrigin};

    fn target(resource_type: &str) -> Target {
        Target {
            key: "t".into(),
            resource_type: resource_type.into(),
            identifier: "id".into(),
            origin: TargetOrigin::Spec,
            checks: vec![],
            params: Default::default(),
            expected_properties: None,
            requirements: vec![],
        }
    }

    #[test]
    fn every_registered_check_is_in_the_catalog_once_and_found_by_id() {
        for c in CHECKS {
            assert_eq!(get(c.def.id).map(|d| d.def.id), Some(c.def.id));
            let in_catalog: Vec<_> = crate::catalog::all()
                .iter()
                .filter(|d| d.id == c.def.id)
                .collect();
            assert_eq!(in_catalog, vec![&c.def], "{}", c.def.id);
        }
        assert!(get("s3.nonexistent").is_none());
    }

    #[test]
    fn every_oq_and_pq_check_of_the_catalog_is_registered() {
        for d in crate::catalog::all() {
            let registered = get(d.id).is_some();
            assert_eq!(
                registered,
                d.stage != crate::catalog::Stage::Iq,
                "{}: only the IQ checks are registered in IQ_CHECKS",
                d.id
            );
        }
    }

    /// The catalog is the IQ registry and then the OQ/PQ registry, each in its order.
    #[test]
    fn the_catalog_is_the_iq_checks_then_the_registered_checks() {
        let registered: Vec<&crate::catalog::CheckDef> = IQ_CHECKS
            .iter()
            .map(|c| &c.def)
            .chain(CHECKS.iter().map(|c| &c.def))
            .collect();
        let catalog: Vec<&crate::catalog::CheckDef> = crate::catalog::all().iter().collect();
        assert_eq!(catalog, registered);
        for c in IQ_CHECKS {
            assert_eq!(c.def.stage, crate::catalog::Stage::Iq, "{}", c.def.id);
            assert!(c.def.id.starts_with("iq."), "{}", c.def.id);
        }
    }

    fn observed(c: &Check, properties: &str) -> Observation {
        let t = Target {
            identifier: "gxp-data".into(),
            ..target(
                c.def
                    .resource_types
                    .first()
                    .copied()
                    .unwrap_or("AWS::S3::Bucket"),
            )
        };
        let mut o = Observation::exists(&t);
        o.arn = Some("arn:aws:s3:::gxp-data".into());
        o.observed_at = Some(crate::checks::testing::OBSERVED_AT.into());
        let props: serde_json::Value = serde_json::from_str(properties)
            .unwrap_or_else(|e| panic!("{}: fixture is not JSON: {e}", c.def.id));
        for (k, v) in props.as_object().expect("fixture is an object") {
            o.set(k, v.clone());
        }
        o
    }

    #[test]
    fn every_registered_check_passes_fails_and_errors_on_its_unit_fixtures() {
        for c in CHECKS {
            let id = c.def.id;
            let params = Params::resolve(&c.def, &Default::default()).unwrap();
            let (pass, fail, error) = match &c.fixtures {
                UnitFixtures::Properties {
                    pass,
                    fail,
                    unreadable,
                } => {
                    let mut unreadable_obs = observed(c, pass);
                    unreadable_obs.error(unreadable, "AccessDenied: Access Denied");
                    (
                        evaluate(&c.def, &observed(c, pass), &params),
                        evaluate(&c.def, &observed(c, fail), &params),
                        (
                            unreadable.to_string(),
                            evaluate(&c.def, &unreadable_obs, &params),
                        ),
                    )
                }
                UnitFixtures::Existence => {
                    let mut missing = observed(c, "{}");
                    missing.existence = Existence::Missing;
                    let mut unknown = observed(c, "{}");
                    unknown.existence = Existence::Unknown("timeout".into());
                    (
                        evaluate(&c.def, &observed(c, "{}"), &params),
                        evaluate(&c.def, &missing, &params),
                        ("existence".to_string(), evaluate(&c.def, &unknown, &params)),
                    )
                }
            };
            assert_eq!(
                pass.status,
                Status::Passed,
                "{id} on its pass fixture: {pass:?}"
            );
            assert_eq!(
                fail.status,
                Status::Failed,
                "{id} on its fail fixture: {fail:?}"
            );
            let (what, error) = error;
            assert_eq!(
                error.status,
                Status::Error,
                "{id} with {what} unreadable: {error:?}"
            );
        }
    }

    #[test]
    fn a_check_on_a_resource_type_it_does_not_apply_to_is_an_error() {
        for c in CHECKS {
            let fixture = match &c.fixtures {
                UnitFixtures::Properties { pass, .. } => pass,
                UnitFixtures::Existence => "{}",
            };
            let mut o = observed(c, fixture);
            o.resource_type = "AWS::Nope::Nothing".into();
            let r = evaluate(
                &c.def,
                &o,
                &Params::resolve(&c.def, &Default::default()).unwrap(),
            );
            assert_eq!(r.status, Status::Error, "{}: {r:?}", c.def.id);
            assert!(
                r.detail
                    .as_deref()
                    .unwrap_or("")
                    .contains("has no evaluator for AWS::Nope::Nothing"),
                "{}: {r:?}",
                c.def.id
            );
        }
    }

    #[test]
    fn a_missing_or_unknown_resource_never_reaches_an_evaluator() {
        for c in CHECKS {
            let t = target(
                c.def
                    .resource_types
                    .first()
                    .copied()
                    .unwrap_or("AWS::S3::Bucket"),
            );
            let missing = Observation::with_existence(&t, Existence::Missing);
            let r = evaluate(&c.def, &missing, &Params::default());
            assert_eq!(r.status, Status::Failed, "{}", c.def.id);
            let unknown = Observation::with_existence(&t, Existence::Unknown("timeout".into()));
            let r = evaluate(&c.def, &unknown, &Params::default());
            assert_eq!(r.status, Status::Error, "{}", c.def.id);
        }
    }
}
