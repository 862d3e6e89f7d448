//! The registry: every check written as a unit ([`Check`]: definition, evaluator and unit
//! tests in one file), registered by one line in [`CHECKS`]. The catalog, evaluation, the
//! generated docs and the coverage tests all read this list.

use super::{s3, Check};

/// Every registered check, in catalog order (after the IQ checks).
pub static CHECKS: &[&Check] = &[
    &s3::encryption::CHECK,
    &s3::versioning::CHECK,
    &s3::public_access_block::CHECK,
    &s3::tls_only::CHECK,
    &s3::object_lock::CHECK,
    &s3::access_logging::CHECK,
    &s3::replication::CHECK,
];

/// The registered check with id `id`.
pub fn get(id: &str) -> Option<&'static Check> {
    CHECKS.iter().copied().find(|c| c.def.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{evaluate, Params, Status};
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
            let pass = evaluate(&c.def, &observed(c, c.fixtures.pass), &params);
            assert_eq!(
                pass.status,
                Status::Passed,
                "{id} on its pass fixture: {pass:?}"
            );
            let fail = evaluate(&c.def, &observed(c, c.fixtures.fail), &params);
            assert_eq!(
                fail.status,
                Status::Failed,
                "{id} on its fail fixture: {fail:?}"
            );
            let mut unreadable = observed(c, c.fixtures.pass);
            unreadable.error(c.fixtures.unreadable, "AccessDenied: Access Denied");
            let error = evaluate(&c.def, &unreadable, &params);
            assert_eq!(
                error.status,
                Status::Error,
                "{id} with {} unreadable: {error:?}",
                c.fixtures.unreadable
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
