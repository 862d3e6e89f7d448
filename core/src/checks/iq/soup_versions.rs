//! `iq.soup_versions`: SOUP versions are the approved ones. Definition, evaluator (the run's
//! SOUP inventory against the specification's `expected_soup`) and unit tests.

use super::{IqCheck, IqEvaluator, Outcomes, SoupScope};
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::Outcome;
use crate::soup::collect::is_this_provider;
use crate::soup::constraint::satisfies;
use crate::soup::{FileState, SoupProvider};

/// The `iq.soup_versions` check.
pub static CHECK: IqCheck = IqCheck {
    def: CheckDef {
        id: "iq.soup_versions",
        title: "SOUP versions are the approved ones",
        description: "IQ. Only when the specification has `expected_soup`. Sub-item `terraform`: the Terraform \
            version Terraform gave in ConfigureProvider against `expected_soup.terraform_version` (error when it \
            gave none or it does not parse). One sub-item per approved provider (its source address): the version \
            the lock file pins (without a lock file, the installed or running version) against its constraint; \
            fails when the provider is not in use or not locked. Every provider in use that \
            `expected_soup.providers` does not list fails (not approved). Error when the lock file or the \
            providers directory cannot be read. Not suppressible: approve a version in `expected_soup`.",
        stage: Stage::Iq,
        service: "any",
        resource_types: &[],
        severity: SeverityClass::Functional,
        iam_actions: &[],
        controls: &["21CFR11.10(a)", "21CFR11.10(k)", "Annex11-4", "Annex11-10"],
        remediation: "Run the qualification with the approved Terraform and provider versions (pin them in \
            `required_version` and `required_providers`, then `terraform init -upgrade`), or have the new versions \
            assessed and approved and record them in `expected_soup`.",
        remediation_code: Remediation {
            terraform: "resource \"gxp_expected_spec\" \"app\" {\n  # ...\n  expected_soup {\n    terraform_version = \">= 1.9, < 2.0\"\n    providers = {\n      \"gxp/gxp\"       = \"= 0.1.0\"\n      \"hashicorp/aws\" = \"5.100.0\"\n    }\n  }\n}",
            cloudformation: "",
            cli: "terraform version -json\nterraform providers",
        },
        related: Related {
            prowler: &[],
            aws_config: &[],
        },
        params: &[],
    },
    evaluate: IqEvaluator::Soup(evaluate),
};

/// Sub-item of the Terraform version.
pub const TERRAFORM: &str = "terraform";

const NOT_APPROVED: &str = "in use but not approved in expected_soup.providers";

/// The version of `p` to compare, or why there is none.
fn version_in_use(p: &SoupProvider, lock: &FileState) -> Result<String, String> {
    if let FileState::Read { .. } = lock {
        return p.locked_version.clone().ok_or_else(|| {
            if p.this_provider && p.installed.is_empty() {
                "in use from a development override, not locked".to_string()
            } else {
                "in use but not in the lock file".to_string()
            }
        });
    }
    let installed = p.installed_versions();
    match (installed.as_slice(), &p.running_version) {
        ([one], _) => Ok(one.to_string()),
        ([], Some(running)) => Ok(running.clone()),
        ([], None) => Err("not installed".into()),
        (many, _) => Err(format!("several versions installed: {}", many.join(", "))),
    }
}

fn evaluate(scope: &SoupScope<'_>) -> Outcomes {
    let Some(expected) = scope.expected else {
        return vec![];
    };
    let inv = scope.inventory;
    let mut out = Vec::new();
    if let Some(c) = &expected.terraform_version {
        let want = format!("Terraform {c}");
        let o = if inv.terraform_version.trim().is_empty() {
            Outcome::error(want, "Terraform gave no version in ConfigureProvider")
        } else {
            match satisfies(&inv.terraform_version, c) {
                Ok(ok) => {
                    Outcome::verdict(ok, want, format!("Terraform {}", inv.terraform_version))
                }
                Err(e) => Outcome::error(want, e),
            }
        };
        out.push((Some(TERRAFORM.to_string()), o));
    }
    let unreadable = inv.lock_file.error().or(inv.installed_error.as_deref());
    let find = |source: &str| {
        inv.providers
            .iter()
            .find(|p| p.source == source)
            .or_else(|| {
                is_this_provider(source)
                    .then(|| inv.providers.iter().find(|p| p.this_provider))
                    .flatten()
            })
    };
    for (source, c) in &expected.providers {
        let want = format!("{source} {c}");
        let o = match (unreadable, find(source).filter(|p| p.in_use())) {
            (Some(e), _) => Outcome::error(want, e),
            (None, None) => Outcome::verdict(false, want, "not used in this working directory"),
            (None, Some(p)) => match version_in_use(p, &inv.lock_file) {
                Err(why) => Outcome::verdict(false, want, why),
                Ok(v) => match satisfies(&v, c) {
                    Ok(ok) => Outcome::verdict(ok, want, format!("{source} {v}")),
                    Err(e) => Outcome::error(want, e),
                },
            },
        };
        out.push((Some(source.clone()), o));
    }
    if unreadable.is_none() {
        for p in inv.providers.iter().filter(|p| p.in_use()) {
            let listed = expected.providers.contains_key(&p.source)
                || (p.this_provider && expected.providers.keys().any(|k| is_this_provider(k)));
            if !listed {
                let o =
                    Outcome::verdict(false, "approved in expected_soup.providers", NOT_APPROVED);
                out.push((Some(p.source.clone()), o));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::iq::fixtures::soup::{inventory, AWS, GXP};
    use crate::checks::Status;
    use crate::soup::SoupInventory;
    use crate::spec::model::ExpectedSoup;

    fn expected(tf: Option<&str>, providers: &[(&str, &str)]) -> ExpectedSoup {
        ExpectedSoup {
            terraform_version: tf.map(str::to_string),
            providers: providers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            requirements: vec![],
        }
    }

    fn run(inv: &SoupInventory, e: &ExpectedSoup) -> Vec<(String, Status, String)> {
        evaluate(&SoupScope {
            inventory: inv,
            expected: Some(e),
        })
        .into_iter()
        .map(|(s, o)| (s.unwrap(), o.status, o.actual))
        .collect()
    }

    #[test]
    fn nothing_is_compared_without_expected_soup() {
        let out = evaluate(&SoupScope {
            inventory: &inventory(),
            expected: None,
        });
        assert_eq!(out, vec![]);
    }

    #[test]
    fn approved_versions_pass_and_others_fail() {
        let e = expected(Some(">= 1.9, < 2.0"), &[(GXP, "= 0.1.0"), (AWS, "~> 5.0")]);
        let out = run(&inventory(), &e);
        assert_eq!(out.len(), 3);
        assert!(out.iter().all(|(_, s, _)| *s == Status::Passed), "{out:#?}");
        assert_eq!(out[0].0, TERRAFORM);

        let e = expected(Some("~> 1.9.0"), &[(GXP, "= 0.1.0"), (AWS, "5.99.0")]);
        let out = run(&inventory(), &e);
        assert_eq!(
            out[0],
            (TERRAFORM.into(), Status::Failed, "Terraform 1.11.4".into())
        );
        assert_eq!(
            out[2],
            (AWS.into(), Status::Failed, format!("{AWS} 5.100.0"))
        );
    }

    #[test]
    fn unused_unlisted_and_unlocked_providers_fail() {
        let e = expected(
            None,
            &[
                (GXP, "= 0.1.0"),
                ("registry.terraform.io/hashicorp/random", "3.0.0"),
            ],
        );
        let mut inv = inventory();
        inv.providers[1].locked_version = None;
        let out = run(&inv, &e);
        assert_eq!(
            out,
            [
                (GXP.into(), Status::Passed, format!("{GXP} 0.1.0")),
                (
                    "registry.terraform.io/hashicorp/random".into(),
                    Status::Failed,
                    "not used in this working directory".into()
                ),
                (AWS.into(), Status::Failed, NOT_APPROVED.into()),
            ]
        );
    }

    #[test]
    fn a_development_override_compares_the_running_version_without_a_lock_file() {
        let mut inv = crate::soup::collect::unknown_directory("x", "1.11.4", "0.1.0");
        inv.lock_file = FileState::Absent;
        inv.installed_error = None;
        let out = run(&inv, &expected(None, &[("gxp/gxp", "~> 0.1")]));
        assert_eq!(
            out,
            [("gxp/gxp".into(), Status::Passed, "gxp/gxp 0.1.0".into())]
        );
        // With a lock file that does not pin it: not locked.
        inv.lock_file = FileState::Read { sha256: "a".into() };
        let out = run(&inv, &expected(None, &[(GXP, "~> 0.1")]));
        assert_eq!(out[0].1, Status::Failed);
        assert!(out[0].2.contains("development override"), "{}", out[0].2);
    }

    #[test]
    fn unreadable_sources_and_unknown_versions_are_errors() {
        let e = expected(Some(">= 1.9"), &[(GXP, "= 0.1.0")]);
        let mut inv = inventory();
        inv.lock_file = FileState::Malformed {
            error: "not valid HCL".into(),
        };
        inv.terraform_version = String::new();
        let out = run(&inv, &e);
        assert_eq!(out.len(), 2, "{out:#?}");
        assert!(out.iter().all(|(_, s, _)| *s == Status::Error));
        let mut inv = inventory();
        inv.terraform_version = "dev".into();
        assert_eq!(run(&inv, &e)[0].1, Status::Error);
    }
}
