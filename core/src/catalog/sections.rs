//! The sections of 21 CFR Part 11 and EU GMP Annex 11 that the coverage page
//! ([`super::docs::coverage_page`]) lists, each with its control reference in the catalog's
//! form (`21CFR11.10(h)`, `Annex11-7`, see [`super::is_known_control`]) and what of the
//! provider other than a check supports it. Which checks support a section comes from the
//! checks' `controls` ([`Section::supported_by`]), never from this list.

/// One section of a regulation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Section {
    /// Control reference as the catalog writes it: `21CFR11.10(a)`, `21CFR11.300`, `Annex11-9`.
    pub control: &'static str,
    /// What the section requires, in a few words.
    pub title: &'static str,
    /// What the provider does for the section besides its checks; empty when nothing.
    pub provider: &'static str,
}

impl Section {
    /// Whether control reference `reference` (from a check's `controls`) is this section or
    /// one of its subsections: `21CFR11.300(b)` is under `21CFR11.300`, `21CFR11.10(k)(1)`
    /// under `21CFR11.10(k)`, `Annex11-7.2` under `Annex11-7` — but `21CFR11.300` is not
    /// under `21CFR11.30`.
    pub fn covers(&self, reference: &str) -> bool {
        match reference.strip_prefix(self.control) {
            Some("") => true,
            Some(rest) => rest.starts_with(if self.control.starts_with("Annex11-") {
                '.'
            } else {
                '('
            }),
            None => false,
        }
    }

    /// The checks of `checks` that support this section, each with its matching control
    /// references, in catalog order.
    pub fn supported_by<'a>(
        &self,
        checks: &[&'a super::CheckDef],
    ) -> Vec<(&'a super::CheckDef, Vec<&'static str>)> {
        checks
            .iter()
            .filter_map(|c| {
                let refs: Vec<&'static str> = c
                    .controls
                    .iter()
                    .copied()
                    .filter(|r| self.covers(r))
                    .collect();
                (!refs.is_empty()).then_some((*c, refs))
            })
            .collect()
    }
}

const EVIDENCE: &str = "Reports are filed write-once (S3 Object Lock and `If-None-Match`, or read-only local files), each with its SHA-256, chained by `previous_report_sha256`, optionally signed with a KMS key; `terraform-provider-gxp verify` detects an altered or missing report.";

/// §11.10(h): what device checks are in AWS and why no check supports them yet.
const DEVICE_CHECKS: &str = "None yet. In AWS, device checks (the validity of the source of data input or operational instruction) are the identity and state of the instances and endpoints that submit data: Prowler's Part 11 mapping names only `ec2_instance_managed_by_ssm` and `ssm_managed_compliant_patching` for §11.10(h) (AWS Config: `ec2-instance-managed-by-systems-manager`, `ec2-managedinstance-patch-compliance-status-check`), which need a Systems Manager collector the provider does not have yet. No catalog check names §11.10(h): `ec2.instance_imdsv2` (instance credentials only through session-bound metadata requests) is mapped to §11.10(d) and (g), `ec2.vpc_endpoints_available` (requests reach AWS through the VPC's own endpoints) to §11.10(d) and §11.30.";

/// 21 CFR Part 11, Subparts B and C.
pub static PART11: &[Section] = &[
    Section {
        control: "21CFR11.10(a)",
        title: "Validation of systems: accuracy, reliability, consistent intended performance, and the ability to discern invalid or altered records",
        provider: "The qualification itself (IQ/OQ/PQ against the approved specification on every apply, `requalify_after`); the report hash chain and `verify` discern altered or removed reports.",
    },
    Section {
        control: "21CFR11.10(b)",
        title: "Accurate and complete copies of records in human-readable and electronic form for inspection",
        provider: "Every report in JSON (with schema) and, per `report_formats`, HTML, PDF, JUnit, CSV and JSONL, under Hive-style partitions that Athena and Spark read.",
    },
    Section {
        control: "21CFR11.10(c)",
        title: "Protection of records to enable their accurate and ready retrieval throughout the retention period",
        provider: EVIDENCE,
    },
    Section {
        control: "21CFR11.10(d)",
        title: "Limiting system access to authorized individuals",
        provider: "",
    },
    Section {
        control: "21CFR11.10(e)",
        title: "Secure, computer-generated, time-stamped audit trails of operator entries and actions",
        provider: "Each report records when it ran (`started_at`, `finished_at`), who ran it (`caller_arn`), the account and region, the provider and Terraform versions and the `configuration_commit`; the drift between two qualifications is recorded with its class.",
    },
    Section {
        control: "21CFR11.10(f)",
        title: "Operational system checks to enforce permitted sequencing of steps and events",
        provider: "",
    },
    Section {
        control: "21CFR11.10(g)",
        title: "Authority checks: only authorized individuals can use the system, sign, alter records or perform operations",
        provider: "",
    },
    Section {
        control: "21CFR11.10(h)",
        title: "Device (e.g. terminal) checks to determine the validity of the source of data input or operational instruction",
        provider: DEVICE_CHECKS,
    },
    Section {
        control: "21CFR11.10(i)",
        title: "Persons who develop, maintain or use the systems have the education, training and experience for their tasks",
        provider: "",
    },
    Section {
        control: "21CFR11.10(j)",
        title: "Written policies holding individuals accountable for actions initiated under their electronic signatures",
        provider: "",
    },
    Section {
        control: "21CFR11.10(k)",
        title: "Controls over systems documentation: distribution, access, revision and change control",
        provider: "The specification is versioned (`version`, revision counter, digest) and approved with a change reference; a changed specification or drift shows as a requalification reason in the plan.",
    },
    Section {
        control: "21CFR11.30",
        title: "Controls for open systems: encryption and digital signature standards to ensure authenticity, integrity and confidentiality",
        provider: "Reports can be encrypted with SSE-KMS (`kms_key_id`) and signed with an asymmetric KMS key (`signing_key_id`).",
    },
    Section {
        control: "21CFR11.50",
        title: "Signature manifestation: printed name, date and time, and meaning of the signature",
        provider: "Electronic signatures of the specification (`approval.signature`: SSH or KMS) sign a statement holding the printed name, time and meaning with the signing digest; every report lists each signature with its verification result (see the electronic signatures guide).",
    },
    Section {
        control: "21CFR11.70",
        title: "Signature/record linking: signatures cannot be excised, copied or transferred to falsify a record",
        provider: "A specification signature signs the specification's name and signing digest: one copied from another specification or kept after a change does not verify or is stale, and is refused where `required_signatures` applies. The approval is part of the canonical form and digest every report carries; a KMS report signature covers the report's SHA-256.",
    },
    Section {
        control: "21CFR11.100",
        title: "Electronic signatures are unique to one individual and the identity is verified",
        provider: "The provider's `electronic_signatures` trust list refuses a key listed for two people; each signature names its signer and key, and required meanings need distinct signers. Verifying the person's identity before listing the key is the organisation's procedure.",
    },
    Section {
        control: "21CFR11.200",
        title: "Electronic signature components and controls: at least two distinct identification components (e.g. identification code and password)",
        provider: "Specification signatures are made with an SSH private key (file plus passphrase, hardware key or agent) or an IAM identity allowed to call `kms:Sign` (with MFA by policy); the provider verifies the signature, not key custody.",
    },
    Section {
        control: "21CFR11.300",
        title: "Controls for identification codes and passwords: uniqueness, periodic revision, loss management, safeguards against unauthorized use",
        provider: "",
    },
];

/// EU GMP Annex 11 (EudraLex Volume 4), sections 1 to 17.
pub static ANNEX11: &[Section] = &[
    Section {
        control: "Annex11-1",
        title: "Risk management",
        provider: "Every result has a severity class (security, functional, cosmetic); `requalify_on` chooses which drift classes call for requalification.",
    },
    Section {
        control: "Annex11-2",
        title: "Personnel",
        provider: "",
    },
    Section {
        control: "Annex11-3",
        title: "Suppliers and service providers",
        provider: "",
    },
    Section {
        control: "Annex11-4",
        title: "Validation",
        provider: "The qualification (IQ/OQ/PQ) against the approved specification, with traceability from each requirement to its results and evidence.",
    },
    Section {
        control: "Annex11-5",
        title: "Data: built-in checks for the correct and secure entry and processing of data exchanged electronically",
        provider: "",
    },
    Section {
        control: "Annex11-6",
        title: "Accuracy checks for critical data entered manually",
        provider: "",
    },
    Section {
        control: "Annex11-7",
        title: "Data storage: protection against damage (7.1) and regular back-ups (7.2)",
        provider: EVIDENCE,
    },
    Section {
        control: "Annex11-8",
        title: "Printouts: clear printed copies of electronically stored data",
        provider: "HTML and PDF reports with the expected-vs-actual table, the summary and the traceability matrix.",
    },
    Section {
        control: "Annex11-9",
        title: "Audit trails: a record of all GxP-relevant changes and deletions",
        provider: "The report chain records every qualification and the drift between them.",
    },
    Section {
        control: "Annex11-10",
        title: "Change and configuration management",
        provider: "A changed specification or drifted infrastructure shows as a requalification reason in `terraform plan`; each specification version is approved with a change reference.",
    },
    Section {
        control: "Annex11-11",
        title: "Periodic evaluation",
        provider: "`requalify_after` makes the plan call for requalification when the review interval has passed.",
    },
    Section {
        control: "Annex11-12",
        title: "Security: physical and logical controls restricting access to authorized persons",
        provider: "",
    },
    Section {
        control: "Annex11-13",
        title: "Incident management",
        provider: "`notify_topic_arn` sends each run's summary to SNS; failed and unevaluable checks fail the apply (`enforce`).",
    },
    Section {
        control: "Annex11-14",
        title: "Electronic signature",
        provider: "Approvers sign the specification electronically (SSH or KMS), linked to its signing digest and with printed name, time and meaning; `required_signatures` makes a qualification wait for them (see 21 CFR 11.50/11.70).",
    },
    Section {
        control: "Annex11-15",
        title: "Batch release",
        provider: "",
    },
    Section {
        control: "Annex11-16",
        title: "Business continuity",
        provider: "",
    },
    Section {
        control: "Annex11-17",
        title: "Archiving",
        provider: EVIDENCE,
    },
];

#[cfg(test)]
mod tests {
    use super::{ANNEX11, PART11};
    use crate::catalog::is_known_control;

    #[test]
    fn sections_are_well_formed_and_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for s in PART11.iter().chain(ANNEX11) {
            assert!(is_known_control(s.control), "{}", s.control);
            assert!(seen.insert(s.control), "{} twice", s.control);
            assert!(!s.title.is_empty(), "{}", s.control);
        }
        for required in ["21CFR11.10(h)", "21CFR11.200", "21CFR11.300"] {
            assert!(seen.contains(required), "{required} missing");
        }
        let device = PART11
            .iter()
            .find(|s| s.control == "21CFR11.10(h)")
            .unwrap();
        assert!(device.provider.contains("ec2_instance_managed_by_ssm"));
    }

    #[test]
    fn the_device_check_statement_matches_the_catalog() {
        use crate::catalog::{all, get};
        let device = PART11
            .iter()
            .find(|s| s.control == "21CFR11.10(h)")
            .unwrap();
        assert!(
            !all()
                .iter()
                .any(|c| c.controls.iter().any(|r| device.covers(r))),
            "a check names 21CFR11.10(h): update DEVICE_CHECKS"
        );
        let controls = |id| get(id).unwrap().controls;
        for c in ["21CFR11.10(d)", "21CFR11.10(g)"] {
            assert!(controls("ec2.instance_imdsv2").contains(&c), "{c}");
        }
        for c in ["21CFR11.10(d)", "21CFR11.30"] {
            assert!(controls("ec2.vpc_endpoints_available").contains(&c), "{c}");
        }
    }

    #[test]
    fn a_section_covers_itself_and_its_subsections_only() {
        let s = |c| {
            PART11
                .iter()
                .chain(ANNEX11)
                .find(|s| s.control == c)
                .unwrap()
        };
        assert!(s("21CFR11.300").covers("21CFR11.300"));
        assert!(s("21CFR11.300").covers("21CFR11.300(b)"));
        assert!(!s("21CFR11.30").covers("21CFR11.300"));
        assert!(s("21CFR11.10(k)").covers("21CFR11.10(k)(1)"));
        assert!(!s("21CFR11.10(a)").covers("21CFR11.10(e)"));
        assert!(s("Annex11-7").covers("Annex11-7.2"));
        assert!(!s("Annex11-1").covers("Annex11-12"));
        assert!(!s("Annex11-1").covers("Annex11-10"));
        assert!(s("Annex11-1").covers("Annex11-1"));
    }
}
