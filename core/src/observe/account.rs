//! The account target (`AWS::::Account`): the AWS account and region the provider is
//! configured for, qualified by the `expected_account` block of a specification.
//!
//! Its observation is assembled from account facets ([`AccountFacet`]): each service that
//! has account-level checks declares in its own module what it reads about the account (IAM
//! its password policy, credential report, users and policies; S3 the account's public
//! access block; ...). The collector reads only the facets whose checks the target runs, so
//! a specification selecting `iam.password_policy` alone calls GetAccountPasswordPolicy and
//! nothing else. A facet that cannot be read records the error on its properties, and the
//! checks reading them are `error`.

use futures::future::join_all;

use super::services::{self, AccountFacet, Service};
use super::{Existence, Observation, Target, TargetOrigin};
use crate::aws::AwsContext;
use crate::catalog::SeverityClass;
use crate::spec::model::ExpectedAccount;
pub use crate::spec::model::{ACCOUNT_KEY, ACCOUNT_TYPE};
use crate::util::{now_utc, rfc3339};

/// The account target's registration: it owns the type `AWS::::Account` and identifies the
/// account through STS; what is read about the account comes from the facets of the other
/// services.
pub const SERVICE: Service = Service {
    name: "sts",
    sdk_client: "aws-sdk-sts",
    iam_actions: &["sts:GetCallerIdentity"],
    resource_types: &[ACCOUNT_TYPE],
    collect: |aws, target| Box::pin(collect(aws, target)),
    discover: |_, _| None,
    property_classes: &[],
    account_facets: &[],
};

/// The identifier of the account target: `ACCOUNT_ID/REGION`.
pub fn identifier(account: &str, region: &str) -> String {
    format!("{account}/{region}")
}

/// The account target of a specification's `expected_account` block, for `account` (the
/// account id, `None` when STS could not tell it) in `region`. Without an account id the
/// target is returned already observed, existence unknown, so its checks are `error`.
pub fn target(
    expected: &ExpectedAccount,
    account: Result<String, String>,
    region: &str,
) -> (Target, Option<Observation>) {
    let mut t = Target {
        key: ACCOUNT_KEY.into(),
        resource_type: ACCOUNT_TYPE.into(),
        identifier: String::new(),
        origin: TargetOrigin::Account,
        checks: expected.checks.clone(),
        params: expected.check_parameters.clone(),
        expected_properties: None,
        requirements: expected.requirements.clone(),
    };
    match account {
        Ok(id) => {
            t.identifier = identifier(&id, region);
            (t, None)
        }
        Err(e) => {
            t.identifier = identifier("unknown", region);
            let o = Observation::with_existence(
                &t,
                Existence::Unknown(format!(
                    "the account could not be identified (STS GetCallerIdentity): {e}"
                )),
            );
            (t, Some(o))
        }
    }
}

/// The facets the target's checks need, each with its service.
pub fn facets_for(target: &Target) -> Vec<(&'static Service, &'static AccountFacet)> {
    services::account_facets()
        .filter(|(_, f)| {
            f.checks
                .iter()
                .any(|c| target.checks.iter().any(|t| t == c))
        })
        .collect()
}

/// The drift class of an account property (from the facet that records it).
pub fn property_class(property: &str) -> Option<SeverityClass> {
    services::account_facet_of(property).and_then(|f| {
        f.properties
            .iter()
            .find(|(p, _)| *p == property)
            .map(|(_, c)| *c)
    })
}

/// Observe the account: the facets its checks need, concurrently.
pub async fn collect(aws: &AwsContext, target: &Target) -> Observation {
    // The provider must still act in the account the target names (refresh re-observes a
    // snapshot with the provider's present credentials).
    let named = target.identifier.split('/').next().unwrap_or_default();
    if let Some(acting) = aws.identity.account.as_deref() {
        if acting != named {
            return Observation::with_existence(
                target,
                Existence::Unknown(format!(
                    "the provider acts in account {acting}, not in the qualified account {named}"
                )),
            );
        }
    }
    let mut obs = Observation::exists(target);
    obs.observed_at = Some(rfc3339(now_utc()));
    let reads = facets_for(target).into_iter().map(|(_, f)| (f.read)(aws));
    for properties in join_all(reads).await {
        for (property, value) in properties {
            match value {
                Ok(Some(v)) => obs.set(property, v),
                Ok(None) => {}
                Err(e) => obs.error(property, e),
            }
        }
    }
    obs
}

/// Account facets against a fake endpoint (the facet modules' collector tests).
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::aws::fake_endpoint::{cut, cut_points, Answer, FakeEndpoint, Request};
    use crate::checks::{Outcome, Status};

    /// The account the fake endpoint answers for.
    pub const ACCOUNT: &str = "123456789012";

    /// `check` (with `CHECK.PARAM` overrides `params`) on the account observed through
    /// `handler`, one attempt per call.
    pub async fn outcome(
        handler: impl Fn(&Request) -> Answer + Send + Sync + 'static,
        check: &str,
        params: &[(&str, &str)],
    ) -> Outcome {
        let endpoint = FakeEndpoint::start(handler).await;
        let mut aws = endpoint.context(1).await;
        aws.identity.account = Some(ACCOUNT.into());
        let expected = ExpectedAccount {
            checks: vec![check.into()],
            check_parameters: params
                .iter()
                .map(|(k, v)| (format!("{check}.{k}"), v.to_string()))
                .collect(),
            ..Default::default()
        };
        let (t, _) = target(&expected, Ok(ACCOUNT.into()), "us-east-1");
        let obs = collect(&aws, &t).await;
        crate::checks::evaluate_id(check, &obs, &t.params)
    }

    /// Every answer of `answers` (a request → documented answer function) whole passes
    /// `check`; the answer of each request `is_cut` selects, cut short anywhere, makes it
    /// `error`, never `passed` or `failed`.
    pub async fn whole_passes_and_cut_short_errors(
        answers: fn(&Request) -> Answer,
        is_cut: fn(&Request) -> bool,
        check: &str,
        params: &[(&str, &str)],
    ) {
        let whole = outcome(answers, check, params).await;
        assert_eq!(whole.status, Status::Passed, "{check}: {whole:?}");
        let mut wrong = Vec::new();
        for percent in cut_points() {
            let out = outcome(
                move |r| {
                    let a = answers(r);
                    if is_cut(r) {
                        let body = String::from_utf8_lossy(&a.body).into_owned();
                        Answer {
                            body: cut(&body, percent).into_bytes(),
                            ..a
                        }
                    } else {
                        a
                    }
                },
                check,
                params,
            )
            .await;
            if out.status != Status::Error {
                wrong.push(format!("cut at {percent:.0}%: {out:?}"));
            }
        }
        assert!(wrong.is_empty(), "{check}: {}", wrong.join("\n"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expected(checks: &[&str]) -> ExpectedAccount {
        ExpectedAccount {
            checks: checks.iter().map(|c| c.to_string()).collect(),
            requirements: vec!["URS-1".into()],
            ..Default::default()
        }
    }

    #[test]
    fn the_account_target_is_named_by_account_and_region() {
        let (t, o) = target(&expected(&[]), Ok("123456789012".into()), "eu-west-1");
        assert!(o.is_none());
        assert_eq!(t.key, "account");
        assert_eq!(t.resource_type, "AWS::::Account");
        assert_eq!(t.identifier, "123456789012/eu-west-1");
        assert_eq!(t.origin, TargetOrigin::Account);
        assert_eq!(t.requirements, ["URS-1"]);
    }

    #[test]
    fn an_unidentified_account_is_observed_unknown() {
        let (t, o) = target(&expected(&[]), Err("AccessDenied".into()), "eu-west-1");
        let o = o.expect("observed already");
        assert_eq!(t.identifier, "unknown/eu-west-1");
        match o.existence {
            Existence::Unknown(why) => assert!(why.contains("AccessDenied"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn only_the_facets_of_the_selected_checks_are_read() {
        for (service, facet) in services::account_facets() {
            for check in facet.checks {
                let (t, _) = target(&expected(&[check]), Ok("1".into()), "r");
                let chosen = facets_for(&t);
                assert!(
                    chosen.iter().any(|(_, f)| std::ptr::eq(*f, facet)),
                    "{check} needs a facet of {}",
                    service.name
                );
                for (_, f) in chosen {
                    assert!(
                        f.checks.contains(check),
                        "{check} reads a facet it does not need"
                    );
                }
            }
        }
        let (t, _) = target(&expected(&[]), Ok("1".into()), "r");
        assert!(facets_for(&t).is_empty());
    }

    #[test]
    fn every_account_check_has_its_facets_and_every_facet_property_a_class() {
        for (_, facet) in services::account_facets() {
            assert!(!facet.checks.is_empty());
            assert!(!facet.properties.is_empty());
            for (p, class) in facet.properties {
                assert_eq!(property_class(p), Some(*class), "{p}");
            }
            for c in facet.checks {
                let def = crate::catalog::get(c).unwrap_or_else(|| panic!("{c} unknown"));
                assert!(def.applies_to(ACCOUNT_TYPE), "{c} is not an account check");
            }
        }
    }
}
