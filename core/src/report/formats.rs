//! Report output formats: one entry point, [`render`], for every format a report is filed or
//! shown in.
//!
//! | Format | For | Extension | Content type |
//! |---|---|---|---|
//! | [`Format::Json`] | the evidence record (canonical JSON, what the SHA-256 covers) | `json` | `application/json` |
//! | [`Format::Html`] | QA review in a browser, printable | `html` | `text/html; charset=utf-8` |
//! | [`Format::Pdf`] | QA sign-off, archiving | `pdf` | `application/pdf` |
//! | [`Format::Junit`] | CI test reports | `junit.xml` | `application/xml` |
//! | [`Format::Csv`] | spreadsheets; the columns of cdk-nag's compliance reports | `csv` | `text/csv; charset=utf-8; header=present` |
//! | [`Format::Jsonl`] | bulk query (Athena, Spark): one result per line | `jsonl` | `application/x-ndjson` |

use std::fmt;

use super::Report;

/// An output format of a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Json,
    Html,
    Pdf,
    Junit,
    Csv,
    Jsonl,
}

impl Format {
    /// Every format, the evidence record first.
    pub const ALL: [Format; 6] = [
        Format::Json,
        Format::Html,
        Format::Pdf,
        Format::Junit,
        Format::Csv,
        Format::Jsonl,
    ];

    /// The format's name as configured: `json`, `html`, `pdf`, `junit`, `csv`, `jsonl`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Junit => "junit",
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
        }
    }

    /// Parse a format name (case-insensitive, surrounding whitespace ignored).
    pub fn parse(name: &str) -> Result<Format, String> {
        let name = name.trim();
        Format::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                format!(
                    "unknown report format `{name}` (expected one of: {})",
                    Format::ALL.map(Format::as_str).join(", ")
                )
            })
    }

    /// File extension, without the leading dot (`junit.xml` for JUnit).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Junit => "junit.xml",
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
        }
    }

    /// MIME content type to file the rendered report with.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Html => "text/html; charset=utf-8",
            Format::Pdf => "application/pdf",
            Format::Junit => "application/xml",
            Format::Csv => "text/csv; charset=utf-8; header=present",
            Format::Jsonl => "application/x-ndjson",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Render a report in a format. JSON is the canonical form ([`super::canonical_bytes`]).
pub fn render(report: &Report, format: Format) -> Result<Vec<u8>, String> {
    let rendered = match format {
        Format::Json => Ok(super::canonical_bytes(report)),
        Format::Html => Ok(super::html::render(report).into_bytes()),
        Format::Pdf => super::pdf::render(report),
        Format::Junit => super::junit::render(report),
        Format::Csv => super::csv::render(report),
        Format::Jsonl => super::jsonl::render(report),
    };
    rendered.map_err(|e| format!("rendering the {format} report failed: {e}"))
}

/// A hand-made report with one result of every status, stacks, suppressions, drift and text
/// that needs escaping in every format. Shared by the renderer tests.
#[cfg(any(test, feature = "testing"))]
pub fn sample_report() -> Report {
    use std::collections::BTreeMap;

    use super::*;
    use crate::catalog::{SeverityClass, Stage};
    use crate::checks::Status;
    use crate::observe::{Existence, Observation, StackObservation};
    use crate::spec::model::Approval;

    let bucket = "lims-prod-evidence-123456789012";
    #[allow(clippy::too_many_arguments)]
    fn result(
        check_id: &str,
        title: &str,
        stage: Stage,
        severity: SeverityClass,
        target: &str,
        resource_type: &str,
        identifier: &str,
        status: Status,
        expected: &str,
        actual: &str,
        controls: &[&str],
    ) -> CheckResult {
        CheckResult {
            check_id: check_id.into(),
            title: title.into(),
            stage,
            severity,
            target: target.into(),
            resource_type: resource_type.into(),
            identifier: identifier.into(),
            property: None,
            status,
            expected: expected.into(),
            actual: actual.into(),
            detail: None,
            controls: controls.iter().map(|c| c.to_string()).collect(),
            requirements: vec!["URS-001".into()],
            remediation: "Fix the configuration and re-apply.".into(),
            suppression: None,
            subject: None,
        }
    }
    let object_lock_suppression = SuppressionRecord {
        check: "s3.object_lock".into(),
        resource_key: "evidence_bucket".into(),
        reason: "Retention enforced by the archive account; see CAPA-17 \"lock\" <plan> & memo"
            .into(),
        approved_by: "QA Lead <qa@example.com>".into(),
        expires: Some("2031-01-01".into()),
        state: "applied".into(),
    };
    let mut stack_status = result(
        "iq.stack_status",
        "Stack is in a complete state",
        Stage::Iq,
        SeverityClass::Functional,
        "stack:lims-core",
        "AWS::CloudFormation::Stack",
        "lims-core",
        Status::Passed,
        "CREATE_COMPLETE or UPDATE_COMPLETE",
        "UPDATE_COMPLETE",
        &["21CFR11.10(a)", "Annex11-4"],
    );
    stack_status.requirements = vec!["URS-002".into()];
    let mut property = result(
        "iq.resource_properties",
        "Live properties equal the specification",
        Stage::Iq,
        SeverityClass::Functional,
        "evidence_bucket",
        "AWS::S3::Bucket",
        bucket,
        Status::Passed,
        "{\"Status\":\"Enabled\"}",
        "{\"Status\":\"Enabled\"}",
        &["21CFR11.10(a)"],
    );
    property.property = Some("VersioningConfiguration".into());
    let encryption = result(
        "s3.encryption",
        "Default encryption with KMS",
        Stage::Oq,
        SeverityClass::Security,
        "evidence_bucket",
        "AWS::S3::Bucket",
        bucket,
        Status::Failed,
        "aws:kms with key arn:aws:kms:eu-west-1:123456789012:key/0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6",
        "AES256 (S3-managed keys) — <not KMS> & \"unmanaged\", région ü",
        &["21CFR11.10(c)", "21CFR11.30", "HIPAA-164.312(a)(2)(iv)"],
    );
    let mut logging = result(
        "cloudtrail.logging",
        "Trail is logging",
        Stage::Pq,
        SeverityClass::Security,
        "audit_trail",
        "AWS::CloudTrail::Trail",
        "arn:aws:cloudtrail:eu-west-1:123456789012:trail/org-trail",
        Status::Error,
        "IsLogging = true",
        "could not be read",
        &["21CFR11.10(e)", "Annex11-9"],
    );
    logging.detail = Some(
        "AccessDenied: User is not authorized to perform cloudtrail:GetTrailStatus\non the trail"
            .into(),
    );
    let mut object_lock = result(
        "s3.object_lock",
        "Object Lock in compliance mode",
        Stage::Oq,
        SeverityClass::Security,
        "evidence_bucket",
        "AWS::S3::Bucket",
        bucket,
        Status::Suppressed,
        "Enabled, COMPLIANCE mode, at least 365 days",
        "not configured",
        &["21CFR11.10(c)"],
    );
    object_lock.suppression = Some(object_lock_suppression.clone());
    let results = vec![stack_status, property, encryption, logging, object_lock];
    let summary = Summary::of(&results);
    let location = "s3://gxp-evidence/application=lims/environment=prod/date=2025-03-04/lims-prod/20250304T101112Z-1a2b3c4d.json";
    let mut errors = BTreeMap::new();
    errors.insert(
        "IsLogging".to_string(),
        "AccessDenied: cloudtrail:GetTrailStatus".to_string(),
    );
    let mut properties = serde_json::Map::new();
    properties.insert(
        "VersioningConfiguration".into(),
        serde_json::json!({"Status": "Enabled"}),
    );
    let traced = |requirement: &str| -> Vec<TraceResult> {
        results
            .iter()
            .enumerate()
            .filter(|(_, r)| r.requirements.iter().any(|q| q == requirement))
            .map(|(i, r)| TraceResult::of(i, r, location))
            .collect()
    };
    Report {
        format: REPORT_FORMAT.into(),
        report_id: "20250304T101112Z-1a2b3c4d".into(),
        qualification: QualificationInfo {
            name: "lims-prod".into(),
            stages: vec![Stage::Iq, Stage::Oq, Stage::Pq],
            enforce: true,
            reasons: vec![
                "initial qualification".into(),
                "specification changed".into(),
            ],
            sequence: 2,
            sequenced_at: None,
            discovery_tags: Default::default(),
            discovery_exclude_checks: Default::default(),
            discovery_enumerate_types: Default::default(),
        },
        spec: SpecInfo {
            name: "LIMS production".into(),
            version: "1.4.0".into(),
            digest: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
            approval: Approval {
                approved_by: "Jane Doe (QA)".into(),
                approved_at: "2025-03-01T09:00:00Z".into(),
                change_reference: "CHG-2025-0042".into(),
                reason: Some("Annual review & re-approval".into()),
            },
            signing_digest: None,
            signatures: vec![],
            required_signatures: vec![],
            signature_policy_met: None,
        },
        system: SystemInfo {
            application: "lims".into(),
            environment: "prod".into(),
            gamp_category: Some(4),
            risk_class: Some("high".into()),
        },
        run: RunInfo {
            started_at: "2025-03-04T10:11:02Z".into(),
            finished_at: "2025-03-04T10:11:12Z".into(),
            caller_arn: Some("arn:aws:sts::123456789012:assumed-role/ci-deployer/gh-actions".into()),
            account: Some("123456789012".into()),
            region: "eu-west-1".into(),
            provider_version: "0.1.0".into(),
            terraform_version: "1.9.8".into(),
            configuration_commit: Some("4b825dc642cb6eb9a060e54bf8d69288fbee4904".into()),
        },
        evidence_store: StoreInfo {
            location: location.into(),
            protected: true,
            protection: "versioning enabled; Object Lock COMPLIANCE 3650 days; SSE-KMS".into(),
            unprotected_store_allowed: false,
        },
        stacks: vec![StackObservation {
            name: "lims-core".into(),
            status: Some("UPDATE_COMPLETE".into()),
            stack_id: Some("arn:aws:cloudformation:eu-west-1:123456789012:stack/lims-core/6a1b".into()),
            template_sha256: Some(
                "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae".into(),
            ),
            outputs: [("BucketName".to_string(), bucket.to_string())].into(),
            parameters: [("Environment".to_string(), "prod".to_string())].into(),
            resources: [(
                "EvidenceBucket".to_string(),
                ("AWS::S3::Bucket".to_string(), bucket.to_string()),
            )]
            .into(),
            last_updated: Some("2025-03-02T08:00:00Z".into()),
            cfn_drift_status: None,
            cfn_drift_note: Some("DetectStackDrift is not supported by the endpoint".into()),
            errors: BTreeMap::new(),
        }],
        traceability: vec![
            TraceRow {
                requirement: "URS-001".into(),
                text: "Evidence is encrypted & retained <10 years>".into(),
                controls: vec!["21CFR11.10(c)".into()],
                checks: vec![
                    "iq.resource_properties@evidence_bucket".into(),
                    "s3.encryption@evidence_bucket".into(),
                    "s3.object_lock@evidence_bucket".into(),
                    "cloudtrail.logging@audit_trail".into(),
                ],
                status: Status::Failed,
                evidence: location.into(),
                results: traced("URS-001"),
            },
            TraceRow {
                requirement: "URS-002".into(),
                text: "Installed as specified".into(),
                controls: vec!["21CFR11.10(a)".into()],
                checks: vec!["iq.stack_status@stack:lims-core".into()],
                status: Status::Passed,
                evidence: location.into(),
                results: traced("URS-002"),
            },
        ],
        results,
        summary,
        suppressions: vec![object_lock_suppression],
        drift: vec![DriftItem {
            target: "evidence_bucket".into(),
            resource_type: "AWS::S3::Bucket".into(),
            identifier: bucket.into(),
            property: "BucketEncryption".into(),
            class: SeverityClass::Security,
            qualified: "{\"SSEAlgorithm\":\"aws:kms\"}".into(),
            current: "{\"SSEAlgorithm\":\"AES256\"}".into(),
        }],
        previous_report_sha256: Some(
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".into(),
        ),
        targets: vec![],
        observations: vec![
            Observation {
                key: "evidence_bucket".into(),
                resource_type: "AWS::S3::Bucket".into(),
                identifier: bucket.into(),
                arn: Some(format!("arn:aws:s3:::{bucket}")),
                existence: Existence::Exists,
                properties,
                errors: BTreeMap::new(),
                observed_at: None,
            },
            Observation {
                key: "audit_trail".into(),
                resource_type: "AWS::CloudTrail::Trail".into(),
                identifier: "arn:aws:cloudtrail:eu-west-1:123456789012:trail/org-trail".into(),
                arn: None,
                existence: Existence::Unknown("AccessDenied".into()),
                properties: serde_json::Map::new(),
                errors,
                observed_at: None,
            },
        ],
        notes: vec![
            "Discovered AWS::Lambda::Function arn:aws:lambda:eu-west-1:123456789012:function:x has no checks".into(),
        ],
        soup: None,
    }
}

/// [`sample_report`] with three electronic signatures of its specification (a verified SSH
/// review, a verified KMS approval and a stale approval) and a met `reviewed, approved` policy.
#[cfg(any(test, feature = "testing"))]
pub fn signed_sample_report() -> Report {
    use crate::approval::{SignatureRecord, SignatureStatus};

    let mut report = sample_report();
    let signing = "3b4c2a0d6e1f8a9b7c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b";
    let record = |printed_name: &str, signer: &str, meaning: &str, method: &str| SignatureRecord {
        signer: signer.into(),
        printed_name: printed_name.into(),
        meaning: meaning.into(),
        signed_at: "2025-03-02T08:15:00Z".into(),
        method: method.into(),
        key: "ssh-ed25519 SHA256:q7Xy0VbW1pZ3kT9sR2uN5mL8jH4gF6dC0aE1bS2cD3e".into(),
        algorithm: None,
        spec_digest: signing.into(),
        statement_sha256: "5d41402abc4b2a76b9719d911017c592ae2fa4a1b2c3d4e5f60718293a4b5c6d".into(),
        status: SignatureStatus::Verified,
        verified_by: "allowed_signers (offline)".into(),
        detail: None,
        value: "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----".into(),
    };
    let alice = record("Alice Example", "alice@example.com", "reviewed", "ssh");
    let bob = SignatureRecord {
        key: "arn:aws:kms:eu-west-1:123456789012:key/0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6".into(),
        algorithm: Some("ECDSA_SHA_256".into()),
        verified_by: "KMS Verify".into(),
        value: "MEUCIQDxk2".into(),
        ..record("Bob Builder", "bob@example.com", "approved", "kms")
    };
    let stale = SignatureRecord {
        signed_at: "2025-02-01T16:40:00+01:00".into(),
        spec_digest: "0000aaaa1111bbbb2222cccc3333dddd4444eeee5555ffff6666aaaa7777bbbb".into(),
        status: SignatureStatus::Stale,
        verified_by: "allowed_signers (offline)".into(),
        detail: Some(format!(
            "signed digest 0000aaaa1111bbbb2222cccc3333dddd4444eeee5555ffff6666aaaa7777bbbb; \
             the specification has changed since (now {signing}): re-sign"
        )),
        value: "-----BEGIN SSH SIGNATURE-----\nU1NIU0lI\n-----END SSH SIGNATURE-----".into(),
        ..record("Carol Quality", "carol@example.com", "approved", "ssh")
    };
    report.spec.signing_digest = Some(signing.into());
    report.spec.signatures = vec![bob, stale, alice];
    report.spec.required_signatures = vec!["approved".into(), "reviewed".into()];
    report.spec.signature_policy_met = Some(true);
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_and_describe_themselves() {
        for f in Format::ALL {
            assert_eq!(Format::parse(f.as_str()), Ok(f));
            assert_eq!(Format::parse(&f.as_str().to_uppercase()), Ok(f));
            assert!(f.extension().ends_with(match f {
                Format::Junit => "xml",
                other => other.as_str(),
            }));
            assert!(!f.content_type().is_empty());
        }
        assert_eq!(Format::parse(" pdf "), Ok(Format::Pdf));
        let err = Format::parse("docx").unwrap_err();
        assert!(err.contains("docx") && err.contains("jsonl"), "{err}");
        assert_eq!(Format::Junit.extension(), "junit.xml");
        assert_eq!(Format::Pdf.content_type(), "application/pdf");
    }

    #[test]
    fn json_is_the_canonical_report() {
        let report = sample_report();
        let json = render(&report, Format::Json).unwrap();
        assert_eq!(json, super::super::canonical_bytes(&report));
        let back: Report = serde_json::from_slice(&json).unwrap();
        assert_eq!(back, report);
    }

    #[test]
    fn every_format_renders_the_sample() {
        let report = sample_report();
        for f in Format::ALL {
            let bytes = render(&report, f).unwrap_or_else(|e| panic!("{f}: {e}"));
            assert!(!bytes.is_empty(), "{f}");
            assert!(
                f == Format::Csv
                    || bytes
                        .windows(report.report_id.len())
                        .any(|w| w == report.report_id.as_bytes()),
                "{f} does not name the report"
            );
        }
    }
}
