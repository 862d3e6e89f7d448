//! Check catalog: the metadata of every qualification check the provider knows (pure data).
//!
//! Each [`CheckDef`] says what is verified (precisely, including the AWS API call the
//! evaluator makes), at which qualification stage ([`Stage`]), which CloudFormation
//! resource types it applies to, how a failure is classified ([`SeverityClass`]), which
//! regulatory controls it supports, how to remediate a failure, and which tuning
//! parameters it accepts. The definitions live with their evaluators, one file per check
//! (`checks/iq/<check>.rs`, `checks/<service>/<check>.rs`), registered in
//! [`crate::checks::registry`]; the catalog is built from the registries ([`all`]). Nothing
//! here calls AWS.
//!
//! # Writing a definition
//! Control references follow the primer's "Control mapping": Part 11 §11.10(a) validation,
//! (c) record protection, (d)/(g) access limitation and authority checks, (e) audit trails,
//! (k) systems documentation / change history, §11.30 open systems; Annex 11 §4 validation,
//! §7 data storage and backup (§7.2 backups), §9 audit trails, §10 change and configuration
//! management, §11 periodic evaluation, §12 security; HIPAA 164.312(a)(2)(iv) encryption,
//! (b) audit controls, (e)(1) transmission security.
//!
//! Every description starts with its stage (`IQ.`, `OQ.` or `PQ.`) and names the API call(s)
//! the evaluator makes. Keep ids stable: they are referenced from specifications,
//! suppressions and filed evidence.
//!
//! # Stages
//! - **IQ** (installation qualification): the deployed state equals the approved
//!   specification (CloudFormation stack status, template hash, resources, outputs,
//!   parameters, drift, live resource properties).
//! - **OQ** (operational qualification): security- and compliance-relevant
//!   *configuration* of a resource, read back through the service API after deployment.
//! - **PQ** (performance qualification): the resource is *operating* in production
//!   conditions (trail logging, recorder recording, replication active, flow logs
//!   active, Multi-AZ on, VPC endpoints available).
//!
//! # Control reference formats
//! [`is_known_control`] accepts exactly these shapes (no surrounding whitespace):
//!
//! | Framework | Shape | Examples |
//! |---|---|---|
//! | 21 CFR Part 11 | `21CFR11.<section>` then zero or more parenthesised subsections; the first is lowercase letters, later ones lowercase letters or digits (each 1–6 chars) | `21CFR11.30`, `21CFR11.10(a)`, `21CFR11.10(k)(1)`, `21CFR11.300(b)` |
//! | EU GMP Annex 11 | `Annex11-<n>` with an optional `.<m>` | `Annex11-9`, `Annex11-4.8` |
//! | HIPAA Security Rule | `HIPAA-164.<3 digits>` then zero or more parenthesised groups of lowercase letters or digits (1–6 chars) | `HIPAA-164.312(b)`, `HIPAA-164.312(a)(2)(iv)`, `HIPAA-164.308` |
//! | MHRA GxP Data Integrity Guidance | `MHRA-DIG-<word>` | `MHRA-DIG-AuditTrail` |
//! | ISO 13485 | `ISO13485-<n>` followed by zero or more `.<m>` | `ISO13485-4`, `ISO13485-4.2.5` |
//! | GAMP 5 | `GAMP5-<word>` | `GAMP5-Category1` |
//!
//! `<section>`, `<n>`, `<m>` are one or more ASCII digits; `<word>` is one or more ASCII
//! letters, digits or underscores. Anything else (`21CFR11`, `Annex 11-9`,
//! `HIPAA164.312`, `21CFR11.10(`, the empty string) is rejected.

pub mod docs;
pub mod emulator_coverage;
pub mod params;
pub mod sections;

pub use params::{ParamError, ParamKind, ParamValue};

use std::fmt;
use std::str::FromStr;

/// Version of the catalog content; bumped when check semantics change.
pub const CATALOG_VERSION: &str = "1";

/// Qualification stage a check belongs to.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum Stage {
    /// Installation qualification: installed as specified.
    Iq,
    /// Operational qualification: configured to operate within its parameters.
    Oq,
    /// Performance qualification: performing in production conditions.
    Pq,
}

impl Stage {
    /// All stages in qualification order.
    pub const ALL: [Stage; 3] = [Stage::Iq, Stage::Oq, Stage::Pq];

    /// `"IQ"`, `"OQ"` or `"PQ"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Iq => "IQ",
            Stage::Oq => "OQ",
            Stage::Pq => "PQ",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Stage {
    type Err = ParseCatalogEnumError;

    /// Case-insensitive: `iq`, `IQ`, `Iq` all parse.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Stage::ALL
            .into_iter()
            .find(|st| st.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| ParseCatalogEnumError {
                kind: "stage",
                value: s.to_string(),
                expected: "IQ, OQ, PQ",
            })
    }
}

/// Drift/severity class (GxP practice): security -> CAPA, functional -> review, cosmetic -> log.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum SeverityClass {
    /// Encryption off, port opened, public access, audit trail lost: immediate action and a CAPA.
    Security,
    /// Resource deleted, configuration changed: human review.
    Functional,
    /// Tags, descriptions: log only.
    Cosmetic,
}

impl SeverityClass {
    /// All classes, most severe first.
    pub const ALL: [SeverityClass; 3] = [
        SeverityClass::Security,
        SeverityClass::Functional,
        SeverityClass::Cosmetic,
    ];

    /// `"security"`, `"functional"` or `"cosmetic"`.
    pub fn as_str(self) -> &'static str {
        match self {
            SeverityClass::Security => "security",
            SeverityClass::Functional => "functional",
            SeverityClass::Cosmetic => "cosmetic",
        }
    }
}

impl fmt::Display for SeverityClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SeverityClass {
    type Err = ParseCatalogEnumError;

    /// Case-insensitive.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SeverityClass::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| ParseCatalogEnumError {
                kind: "severity class",
                value: s.to_string(),
                expected: "security, functional, cosmetic",
            })
    }
}

/// Error parsing a [`Stage`] or [`SeverityClass`] from text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseCatalogEnumError {
    kind: &'static str,
    value: String,
    expected: &'static str,
}

impl fmt::Display for ParseCatalogEnumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown {} {:?} (expected one of: {})",
            self.kind, self.value, self.expected
        )
    }
}

impl std::error::Error for ParseCatalogEnumError {}

/// A tuning parameter of a check. Values are passed as strings of the form `kind` declares
/// (parsed by [`ParamKind::parse`]); `default` is used when unset (`None`: the parameter is
/// optional and the check behaves as described when it is absent). A set value that does not
/// parse is refused at plan time and makes the check `error`, never the default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CheckParam {
    pub name: &'static str,
    pub description: &'static str,
    pub default: Option<&'static str>,
    pub kind: ParamKind,
}

/// Metadata of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CheckDef {
    /// Stable id, `<service-or-stage>.<name>`, e.g. `s3.versioning`.
    pub id: &'static str,
    pub title: &'static str,
    /// What is verified, precisely, including which API call; states the stage.
    pub description: &'static str,
    pub stage: Stage,
    /// `s3`, `cloudtrail`, `kms`, `config`, `ec2`, `logs`, `rds`, `cloudformation`, or `any`.
    pub service: &'static str,
    /// CloudFormation type names it applies to; empty for account-level or type-generic checks.
    pub resource_types: &'static [&'static str],
    pub severity: SeverityClass,
    /// The IAM actions the collector calls to read what this check evaluates (e.g.
    /// `s3:GetBucketVersioning`), beyond those its service's collector calls for every
    /// resource; [`crate::observe::services::required_iam_actions`] gives both.
    pub iam_actions: &'static [&'static str],
    /// Regulatory control references (formats: see the module documentation).
    pub controls: &'static [&'static str],
    /// How to remediate a failure, in one paragraph (the text reports carry).
    pub remediation: &'static str,
    /// The remediation as code, per tool (the generated catalog page shows it).
    pub remediation_code: Remediation,
    /// Checks of other catalogs that verify the same thing.
    pub related: Related,
    pub params: &'static [CheckParam],
}

/// A check's remediation as code, per tool (like Prowler's `Remediation.Code`): a Terraform
/// (hashicorp/aws) snippet, a CloudFormation resource or property fragment (YAML) and AWS
/// CLI commands. An empty string: no snippet for that tool (said in the generated docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Remediation {
    pub terraform: &'static str,
    pub cloudformation: &'static str,
    pub cli: &'static str,
}

/// Checks of other catalogs that verify the same thing as a check (empty when none is known).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Related {
    /// Prowler check ids, e.g. `s3_bucket_object_versioning`.
    pub prowler: &'static [&'static str],
    /// AWS Config managed rule identifiers, e.g. `s3-bucket-versioning-enabled`.
    pub aws_config: &'static [&'static str],
}

impl Related {
    /// No related checks known.
    pub const NONE: Related = Related {
        prowler: &[],
        aws_config: &[],
    };
}

impl CheckDef {
    /// The parameter called `name`, if the check has one.
    pub fn param(&self, name: &str) -> Option<&'static CheckParam> {
        self.params.iter().find(|p| p.name == name)
    }

    /// Whether the check applies to CloudFormation type `cfn_type`.
    pub fn applies_to(&self, cfn_type: &str) -> bool {
        self.resource_types.contains(&cfn_type)
    }
}

/// Every check in the catalog, in a stable order: the IQ checks
/// ([`crate::checks::registry::IQ_CHECKS`]), then the OQ/PQ checks
/// ([`crate::checks::registry::CHECKS`]).
pub fn all() -> &'static [CheckDef] {
    static ALL: std::sync::LazyLock<Vec<CheckDef>> = std::sync::LazyLock::new(|| {
        use crate::checks::registry::{CHECKS, IQ_CHECKS};
        let iq = IQ_CHECKS.iter().map(|c| c.def);
        iq.chain(CHECKS.iter().map(|c| c.def)).collect()
    });
    &ALL
}

/// The check with id `id`.
pub fn get(id: &str) -> Option<&'static CheckDef> {
    all().iter().find(|c| c.id == id)
}

/// OQ and PQ checks that apply to CloudFormation type `cfn_type` (used for tag-based
/// discovery: each discovered resource gets these checks). IQ checks are not included.
pub fn for_resource_type(cfn_type: &str) -> impl Iterator<Item = &'static CheckDef> + '_ {
    all()
        .iter()
        .filter(move |c| c.stage != Stage::Iq && c.applies_to(cfn_type))
}

/// Whether `reference` has the shape of a known regulatory control reference
/// (see the module documentation for the accepted formats). Checks the format only.
pub fn is_known_control(reference: &str) -> bool {
    if let Some(rest) = reference.strip_prefix("21CFR11.") {
        let rest = match take_digits(rest) {
            Some(r) => r,
            None => return false,
        };
        paren_groups(rest, true)
    } else if let Some(rest) = reference.strip_prefix("Annex11-") {
        match take_digits(rest) {
            Some("") => true,
            Some(r) => matches!(r.strip_prefix('.').map(take_digits), Some(Some(""))),
            None => false,
        }
    } else if let Some(rest) = reference.strip_prefix("HIPAA-164.") {
        let b = rest.as_bytes();
        b.len() >= 3 && b[..3].iter().all(u8::is_ascii_digit) && paren_groups(&rest[3..], false)
    } else if let Some(rest) = reference.strip_prefix("MHRA-DIG-") {
        is_word(rest)
    } else if let Some(rest) = reference.strip_prefix("GAMP5-") {
        is_word(rest)
    } else if let Some(rest) = reference.strip_prefix("ISO13485-") {
        let mut rest = match take_digits(rest) {
            Some(r) => r,
            None => return false,
        };
        while !rest.is_empty() {
            rest = match rest.strip_prefix('.').and_then(take_digits) {
                Some(r) => r,
                None => return false,
            };
        }
        true
    } else {
        false
    }
}

/// Strip one or more leading ASCII digits; `None` when there are none.
fn take_digits(s: &str) -> Option<&str> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    (n > 0).then(|| &s[n..])
}

/// `s` is zero or more `(<1-6 lowercase ASCII letters or digits>)` groups and nothing else.
/// With `first_alpha`, the first group must be letters only (Part 11 paragraph letters).
fn paren_groups(mut s: &str, first_alpha: bool) -> bool {
    let mut first = true;
    while !s.is_empty() {
        let Some(inner_and_rest) = s.strip_prefix('(') else {
            return false;
        };
        let Some(close) = inner_and_rest.find(')') else {
            return false;
        };
        let inner = &inner_and_rest[..close];
        let ok_len = (1..=6).contains(&inner.len());
        let ok_chars = if first && first_alpha {
            inner.bytes().all(|b| b.is_ascii_lowercase())
        } else {
            inner
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        };
        if !ok_len || !ok_chars {
            return false;
        }
        s = &inner_and_rest[close + 1..];
        first = false;
    }
    true
}

/// One or more ASCII letters, digits or underscores.
fn is_word(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_unique_and_well_formed() {
        let re = regex::Regex::new(r"^[a-z0-9]+\.[a-z0-9_]+$").unwrap();
        let mut seen = HashSet::new();
        for c in all() {
            assert!(re.is_match(c.id), "malformed id {}", c.id);
            assert!(seen.insert(c.id), "duplicate id {}", c.id);
        }
    }

    /// The ids of the first catalog, pinned with the full golden run (`tests/golden/full.checks`).
    fn pinned_ids() -> Vec<&'static str> {
        include_str!("../../../tests/golden/full.checks")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    }

    /// Ids are permanent: every id of the first catalog is still there; the catalog is the IQ
    /// checks and then every registered check, in registry order.
    #[test]
    fn required_ids_present() {
        let pinned = pinned_ids();
        assert!(pinned.len() >= 37, "{pinned:?}");
        for id in pinned {
            assert!(get(id).is_some(), "missing check {id}");
        }
        let registered: Vec<&str> = crate::checks::registry::CHECKS
            .iter()
            .map(|c| c.def.id)
            .collect();
        let oq_pq: Vec<&str> = all()
            .iter()
            .filter(|c| c.stage != Stage::Iq)
            .map(|c| c.id)
            .collect();
        assert_eq!(oq_pq, registered);
        assert!(all().iter().take_while(|c| c.stage == Stage::Iq).count() >= 9);
    }

    #[test]
    fn get_finds_each_id() {
        for c in all() {
            assert_eq!(get(c.id).map(|d| d.id), Some(c.id));
        }
        assert!(get("s3.nonexistent").is_none());
        assert!(get("").is_none());
    }

    #[test]
    fn every_check_has_part11_and_annex11() {
        for c in all() {
            assert!(
                c.controls.iter().any(|r| r.starts_with("21CFR11.")),
                "{} lacks a Part 11 control",
                c.id
            );
            assert!(
                c.controls.iter().any(|r| r.starts_with("Annex11-")),
                "{} lacks an Annex 11 control",
                c.id
            );
        }
    }

    #[test]
    fn every_control_is_known_and_unique_per_check() {
        for c in all() {
            let mut seen = HashSet::new();
            for r in c.controls {
                assert!(is_known_control(r), "{}: malformed control {r:?}", c.id);
                assert!(seen.insert(*r), "{}: duplicate control {r}", c.id);
            }
        }
    }

    #[test]
    fn control_format_accepts_documented_shapes() {
        for ok in [
            "21CFR11.10(a)",
            "21CFR11.10(e)",
            "21CFR11.30",
            "21CFR11.300(b)",
            "21CFR11.10(k)(1)",
            "Annex11-9",
            "Annex11-4.8",
            "Annex11-12",
            "HIPAA-164.312(a)(2)(iv)",
            "HIPAA-164.312(b)",
            "HIPAA-164.312(e)(1)",
            "HIPAA-164.308",
            "MHRA-DIG-AuditTrail",
            "MHRA-DIG-ALCOA_plus",
            "ISO13485-4",
            "ISO13485-4.2",
            "ISO13485-4.2.5",
            "GAMP5-Category1",
        ] {
            assert!(is_known_control(ok), "should accept {ok:?}");
        }
    }

    #[test]
    fn control_format_rejects_malformed() {
        for bad in [
            "21CFR11",
            "Annex 11-9",
            "HIPAA164.312",
            "",
            "21CFR11.10(",
            "21CFR11.",
            "21CFR11.10()",
            "21CFR11.10(A)",
            "21CFR11.10(1)",
            "21CFR11.10(a",
            "21CFR11.10a",
            "21CFR11.10(a) ",
            " 21CFR11.10(a)",
            "21 CFR 11.10(a)",
            "21CFR11.10(a)(",
            "21CFR11.10(toolong)",
            "Annex11-",
            "Annex11-9.",
            "Annex11-4.8.1",
            "Annex11-x",
            "annex11-9",
            "HIPAA-164.31",
            "HIPAA-164.312(",
            "HIPAA-164.312()",
            "HIPAA-164.3121",
            "HIPAA-164.312(IV)",
            "MHRA-DIG-",
            "MHRA-DIG-Audit Trail",
            "MHRA-DIG-a-b",
            "ISO13485-",
            "ISO13485-4.",
            "ISO13485-4..2",
            "ISO13485-a",
            "GAMP5-",
            "GAMP5-Cat 1",
            "SOX-404",
        ] {
            assert!(!is_known_control(bad), "should reject {bad:?}");
        }
    }

    /// A bucket gets every registered check on buckets: the S3 checks but the account's
    /// (`s3.account_public_access_block`; at least the first catalog's) and those of other
    /// services on buckets (`backup.resource_protected`), in catalog order.
    #[test]
    fn s3_bucket_gets_every_registered_s3_check() {
        let ids: Vec<_> = for_resource_type("AWS::S3::Bucket").map(|c| c.id).collect();
        let registered: Vec<_> = crate::checks::registry::CHECKS
            .iter()
            .filter(|c| {
                (c.def.service == "s3" && !c.def.applies_to(crate::observe::account::ACCOUNT_TYPE))
                    || c.def.applies_to("AWS::S3::Bucket")
            })
            .map(|c| c.def.id)
            .collect();
        assert_eq!(ids, registered);
        for id in pinned_ids().into_iter().filter(|id| id.starts_with("s3.")) {
            assert!(ids.contains(&id), "{id}");
        }
        assert!(ids.len() >= 7, "{ids:?}");
        assert_eq!(for_resource_type("AWS::Nope::Nothing").count(), 0);
    }

    #[test]
    fn for_resource_type_excludes_iq_and_covers_typed_checks() {
        for c in all() {
            for t in c.resource_types {
                let found = for_resource_type(t).any(|d| d.id == c.id);
                assert_eq!(found, c.stage != Stage::Iq, "{} / {t}", c.id);
            }
        }
    }

    #[test]
    fn metadata_is_complete_and_consistent() {
        // A registered service's, the stack checks' or a type-generic check's.
        let services: Vec<&str> = crate::observe::services::SERVICES
            .iter()
            .map(|s| s.name)
            .chain(["cloudformation", "any"])
            .collect();
        for c in all() {
            assert!(!c.title.trim().is_empty(), "{} title", c.id);
            assert!(!c.description.trim().is_empty(), "{} description", c.id);
            assert!(!c.remediation.trim().is_empty(), "{} remediation", c.id);
            assert!(
                services.contains(&c.service),
                "{} service {}",
                c.id,
                c.service
            );
            assert!(
                c.description.starts_with(&format!("{}.", c.stage.as_str())),
                "{}: description must start by naming its stage",
                c.id
            );
            let prefix = c.id.split('.').next().unwrap();
            if prefix != "iq" {
                assert_eq!(prefix, c.service, "{}: id prefix vs service", c.id);
                assert!(
                    !c.resource_types.is_empty(),
                    "{}: OQ/PQ check without a resource type",
                    c.id
                );
            } else {
                assert_eq!(c.stage, Stage::Iq, "{}", c.id);
            }
            for t in c.resource_types {
                let parts: Vec<_> = t.split("::").collect();
                assert!(
                    parts.len() == 3 && parts[0] == "AWS",
                    "{}: bad CloudFormation type {t}",
                    c.id
                );
            }
            let mut names = HashSet::new();
            for p in c.params {
                assert!(names.insert(p.name), "{}: duplicate param {}", c.id, p.name);
                assert!(
                    !p.description.trim().is_empty(),
                    "{}.{} description",
                    c.id,
                    p.name
                );
            }
        }
    }

    #[test]
    fn param_defaults_parse() {
        for c in all() {
            for p in c.params {
                if let Some(d) = p.default {
                    p.parse(c.id, d)
                        .unwrap_or_else(|e| panic!("default of {}.{}: {e}", c.id, p.name));
                }
            }
        }
        let value = |id: &str, name: &str| {
            let p = get(id).unwrap().param(name).unwrap();
            p.default.map(|d| p.parse(id, d).unwrap())
        };
        assert_eq!(
            value("logs.retention", "min_days"),
            Some(ParamValue::Days(365))
        );
        assert_eq!(
            value("rds.backup_retention", "min_days"),
            Some(ParamValue::Days(7))
        );
        assert_eq!(
            value("s3.object_lock", "min_retention_days"),
            Some(ParamValue::Days(1))
        );
        assert_eq!(
            value("ec2.sg_no_admin_ingress", "admin_ports"),
            Some(ParamValue::Ports(vec![(22, 22), (3389, 3389)]))
        );
        assert_eq!(
            value("s3.object_lock", "mode"),
            Some(ParamValue::Choice("COMPLIANCE"))
        );
        assert_eq!(value("s3.encryption", "kms_key_id"), None);
    }

    #[test]
    fn every_parameter_kind_is_used_and_each_refuses_the_issue_examples() {
        let kinds: Vec<ParamKind> = all()
            .iter()
            .flat_map(|c| c.params.iter().map(|p| p.kind))
            .collect();
        for example in [
            ParamKind::Days { min: 1, max: 1 },
            ParamKind::Boolean,
            ParamKind::OneOf(&[]),
            ParamKind::Sha256Hex,
            ParamKind::KmsKey,
            ParamKind::PortList,
            ParamKind::BucketName,
            ParamKind::BucketNameOrArn,
        ] {
            assert!(
                kinds
                    .iter()
                    .any(|k| std::mem::discriminant(k) == std::mem::discriminant(&example)),
                "no parameter is {example:?}"
            );
        }
        let p = |id: &str, name: &str| get(id).unwrap().param(name).unwrap();
        assert!(p("s3.object_lock", "min_retention_days")
            .parse("s3.object_lock", "2555d")
            .is_err());
        assert!(p("logs.retention", "min_days")
            .parse("logs.retention", "abc")
            .is_err());
    }

    #[test]
    fn stages_as_specified() {
        let pq = [
            "cloudtrail.logging",
            "config.recorder_recording",
            "ec2.vpc_endpoints_available",
            "s3.replication",
            "ec2.vpc_flow_logs",
            "rds.multi_az",
            "rds.cluster_multi_az",
        ];
        // The stages of the first catalog's checks (a later check states its stage in its
        // description, see metadata_is_complete_and_consistent).
        let pinned = pinned_ids();
        for c in all().iter().filter(|c| pinned.contains(&c.id)) {
            let expected = if c.id.starts_with("iq.") {
                Stage::Iq
            } else if pq.contains(&c.id) {
                Stage::Pq
            } else {
                Stage::Oq
            };
            assert_eq!(c.stage, expected, "{}", c.id);
        }
    }

    #[test]
    fn enums_round_trip() {
        for s in Stage::ALL {
            assert_eq!(s.as_str().parse::<Stage>(), Ok(s));
            assert_eq!(s.as_str().to_lowercase().parse::<Stage>(), Ok(s));
            assert_eq!(serde_json_string(&s), format!("\"{}\"", s.as_str()));
        }
        assert!("XQ".parse::<Stage>().is_err());
        for c in SeverityClass::ALL {
            assert_eq!(c.as_str().parse::<SeverityClass>(), Ok(c));
            assert_eq!(c.as_str().to_uppercase().parse::<SeverityClass>(), Ok(c));
            assert_eq!(serde_json_string(&c), format!("\"{}\"", c.as_str()));
        }
        assert!("critical".parse::<SeverityClass>().is_err());
        assert_eq!(CATALOG_VERSION, "1");
    }

    fn serde_json_string<T: serde::Serialize>(v: &T) -> String {
        serde_json::to_string(v).unwrap()
    }
}
