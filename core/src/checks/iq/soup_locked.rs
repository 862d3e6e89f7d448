//! `iq.soup_locked`: Providers in use are pinned in the dependency lock file. Definition,
//! evaluator (the run's SOUP inventory) and unit tests.

use super::{IqCheck, IqEvaluator, Outcomes, SoupScope};
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::Outcome;
use crate::soup::collect::LOCK_FILE;
use crate::soup::{FileState, SoupInventory, SoupProvider};

/// The `iq.soup_locked` check.
pub static CHECK: IqCheck = IqCheck {
    def: CheckDef {
        id: "iq.soup_locked",
        title: "Providers in use are pinned in the dependency lock file",
        description: "IQ. Reads the dependency lock file `.terraform.lock.hcl` of the working directory Terraform \
            runs in and the providers `terraform init` installed in its data directory (`TF_DATA_DIR`, default \
            `.terraform`). One result per provider in use (installed, and this provider), sub-item its source \
            address: passes when the lock file pins it at the installed version with at least one hash; fails when \
            it is not in the lock file, is locked at another version than installed or running, has no hashes, or \
            is this provider run from a development override. Without a lock file, every installed provider \
            fails; with nothing installed either (a development override), there is no result and the report \
            notes it, unless the specification has `expected_soup`, which then fails. Error when the lock file or \
            the providers directory cannot be read or parsed.",
        stage: Stage::Iq,
        service: "any",
        resource_types: &[],
        severity: SeverityClass::Functional,
        iam_actions: &[],
        controls: &["21CFR11.10(a)", "21CFR11.10(k)", "Annex11-4", "Annex11-10"],
        remediation: "Run `terraform init` (or `terraform providers lock`) and commit `.terraform.lock.hcl`; \
            never run regulated qualifications from a development override.",
        remediation_code: Remediation {
            terraform: "terraform {\n  required_providers {\n    gxp = {\n      source  = \"gxp/gxp\"\n      version = \"= 0.1.0\"\n    }\n  }\n}",
            cloudformation: "",
            cli: "terraform init\nterraform providers lock -platform=linux_amd64 -platform=darwin_arm64",
        },
        related: Related {
            prowler: &[],
            aws_config: &[],
        },
        params: &[],
    },
    evaluate: IqEvaluator::Soup(evaluate),
};

/// The report note of a run with neither a lock file nor an installed provider and no
/// `expected_soup` (a development override): `iq.soup_locked` had nothing to check.
pub fn nothing_to_check_note(inv: &SoupInventory, expected: bool) -> Option<String> {
    let nothing = inv.lock_file == FileState::Absent
        && inv.installed_error.is_none()
        && inv.providers.iter().all(|p| p.installed.is_empty());
    (nothing && !expected).then(|| {
        format!(
            "No dependency lock file and no provider installed by terraform init in {}: iq.soup_locked had nothing to check",
            inv.working_directory
        )
    })
}

const EXPECTED: &str = "locked in .terraform.lock.hcl at the version in use, with hashes";

fn locked(p: &SoupProvider) -> Outcome {
    let Some(version) = &p.locked_version else {
        let actual = if p.this_provider && p.installed.is_empty() {
            "not in the lock file: run from a development override or an unmanaged binary"
                .to_string()
        } else {
            "not in the lock file".to_string()
        };
        return Outcome::verdict(false, EXPECTED, actual);
    };
    let installed = p.installed_versions();
    if !installed.is_empty() && !installed.contains(&version.as_str()) {
        return Outcome::verdict(
            false,
            EXPECTED,
            format!(
                "installed {}, locked {version}: run terraform init",
                installed.join(", ")
            ),
        );
    }
    if let Some(running) = p.running_version.as_ref().filter(|r| *r != version) {
        return Outcome::verdict(
            false,
            EXPECTED,
            format!("running {running}, locked {version}"),
        );
    }
    if p.hashes.is_empty() {
        return Outcome::verdict(false, EXPECTED, format!("locked {version} without hashes"));
    }
    Outcome::verdict(
        true,
        EXPECTED,
        format!("locked {version} with {} hash(es)", p.hashes.len()),
    )
}

fn evaluate(scope: &SoupScope<'_>) -> Outcomes {
    let inv = scope.inventory;
    if let Some(e) = inv.lock_file.error() {
        return vec![(None, Outcome::error("a readable dependency lock file", e))];
    }
    if let Some(e) = &inv.installed_error {
        return vec![(
            None,
            Outcome::error("a readable list of the installed providers", e),
        )];
    }
    let in_use = inv.providers.iter().filter(|p| p.in_use());
    match inv.lock_file {
        FileState::Read { .. } => in_use
            .map(|p| (Some(p.source.clone()), locked(p)))
            .collect(),
        _ => {
            let no_lock = format!("no {LOCK_FILE} in {}", inv.working_directory);
            let installed: Outcomes = in_use
                .filter(|p| !p.installed.is_empty())
                .map(|p| {
                    (
                        Some(p.source.clone()),
                        Outcome::verdict(false, EXPECTED, no_lock.clone()),
                    )
                })
                .collect();
            if installed.is_empty() && scope.expected.is_some() {
                return vec![(
                    None,
                    Outcome::verdict(
                        false,
                        "a dependency lock file pinning every provider",
                        no_lock,
                    ),
                )];
            }
            installed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::iq::fixtures::soup::{inventory, AWS, GXP};
    use crate::checks::Status;
    use crate::spec::model::ExpectedSoup;

    fn run(inv: &SoupInventory, expected: Option<&ExpectedSoup>) -> Outcomes {
        evaluate(&SoupScope {
            inventory: inv,
            expected,
        })
    }

    fn status_of(out: &Outcomes, source: &str) -> (Status, String) {
        let o = &out
            .iter()
            .find(|(s, _)| s.as_deref() == Some(source))
            .unwrap_or_else(|| panic!("{source} in {out:#?}"))
            .1;
        (o.status, o.actual.clone())
    }

    #[test]
    fn providers_locked_at_the_installed_version_with_hashes_pass() {
        let out = run(&inventory(), None);
        assert_eq!(out.len(), 2);
        for (s, o) in &out {
            assert_eq!(o.status, Status::Passed, "{s:?}: {o:?}");
        }
        assert_eq!(status_of(&out, AWS).1, "locked 5.100.0 with 2 hash(es)");
    }

    #[test]
    fn unlocked_other_version_no_hashes_and_development_override_fail() {
        let mut inv = inventory();
        inv.providers[1].locked_version = Some("5.99.0".into());
        inv.providers[0].hashes.clear();
        inv.providers.push(SoupProvider {
            source: "registry.terraform.io/example/extra".into(),
            installed: vec!["1.0.0 linux_amd64".into()],
            ..Default::default()
        });
        let out = run(&inv, None);
        assert_eq!(
            status_of(&out, AWS),
            (
                Status::Failed,
                "installed 5.100.0, locked 5.99.0: run terraform init".into()
            )
        );
        assert_eq!(
            status_of(&out, GXP),
            (Status::Failed, "locked 0.1.0 without hashes".into())
        );
        assert_eq!(
            status_of(&out, "registry.terraform.io/example/extra"),
            (Status::Failed, "not in the lock file".into())
        );

        // This provider from a development override beside a lock file of others.
        let mut inv = inventory();
        inv.providers.remove(0);
        inv.providers.push(SoupProvider {
            source: "gxp".into(),
            this_provider: true,
            running_version: Some("0.1.0".into()),
            ..Default::default()
        });
        let (status, actual) = status_of(&run(&inv, None), "gxp");
        assert_eq!(status, Status::Failed);
        assert!(actual.contains("development override"), "{actual}");

        // The binary running is not the one locked.
        let mut inv = inventory();
        inv.providers[0].running_version = Some("0.2.0".into());
        inv.providers[0].installed.clear();
        assert_eq!(
            status_of(&run(&inv, None), GXP),
            (Status::Failed, "running 0.2.0, locked 0.1.0".into())
        );
    }

    #[test]
    fn without_a_lock_file_installed_providers_fail_and_nothing_installed_is_noted() {
        let mut inv = inventory();
        inv.lock_file = FileState::Absent;
        let out = run(&inv, None);
        assert_eq!(out.len(), 2);
        assert!(out.iter().all(|(_, o)| o.status == Status::Failed
            && o.actual == "no .terraform.lock.hcl in /work/app"));
        assert_eq!(nothing_to_check_note(&inv, false), None);

        let dev = crate::soup::collect::unknown_directory("x", "1", "0.1.0");
        let dev = SoupInventory {
            lock_file: FileState::Absent,
            installed_error: None,
            working_directory: "/work/dev".into(),
            ..dev
        };
        assert_eq!(run(&dev, None), vec![]);
        let note = nothing_to_check_note(&dev, false).unwrap();
        assert!(
            note.contains("/work/dev") && note.contains("nothing to check"),
            "{note}"
        );
        assert_eq!(nothing_to_check_note(&dev, true), None);
        let out = run(&dev, Some(&ExpectedSoup::default()));
        assert_eq!(out.len(), 1);
        assert_eq!((out[0].0.clone(), out[0].1.status), (None, Status::Failed));
    }

    #[test]
    fn an_unreadable_lock_file_or_providers_directory_is_an_error() {
        for (lock, installed_error) in [
            (
                FileState::Unreadable {
                    error: "EACCES".into(),
                },
                None,
            ),
            (
                FileState::Malformed {
                    error: "not valid HCL".into(),
                },
                None,
            ),
            (
                FileState::Read { sha256: "a".into() },
                Some("EIO".to_string()),
            ),
        ] {
            let mut inv = inventory();
            inv.lock_file = lock;
            inv.installed_error = installed_error;
            let out = run(&inv, None);
            assert_eq!(out.len(), 1, "{out:#?}");
            assert_eq!(out[0].1.status, Status::Error);
            assert!(out[0].1.detail.is_some());
        }
    }
}
