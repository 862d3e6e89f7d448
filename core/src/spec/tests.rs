//! Unit tests of the pure specification logic.

use std::collections::BTreeMap;

use super::canonical::{canonical_json, digest, from_canonical_json};
use super::draft::*;
use super::path::Path;
use super::validate::{validate, Problem};

fn s(v: &str) -> Text {
    Field::Known(v.to_string())
}

fn list(items: &[&str]) -> TextList {
    Field::Known(items.iter().map(|i| s(i)).collect())
}

fn map(items: &[(&str, &str)]) -> TextMap {
    Field::Known(
        items
            .iter()
            .map(|(k, v)| (k.to_string(), s(v)))
            .collect::<BTreeMap<_, _>>(),
    )
}

fn now() -> time::OffsetDateTime {
    crate::util::parse_time("2026-06-01T00:00:00Z").unwrap()
}

/// A complete, valid specification.
fn sample() -> SpecDraft {
    SpecDraft {
        name: s("lims-prod"),
        version: s("1.0"),
        description: s("LIMS production infrastructure"),
        system: Field::Known(SystemDraft {
            application_id: s("lims"),
            environment: s("prod"),
            gamp_category: Field::Known(1),
            risk_class: s("high"),
        }),
        approval: Field::Known(ApprovalDraft {
            approved_by: s("qa.lead@example.com"),
            approved_at: s("2026-05-01T09:30:00Z"),
            change_reference: s("CR-2026-014"),
            reason: Field::Null,
            signature: Field::Null,
        }),
        requirement: Field::Known(vec![
            RequirementDraft {
                id: s("URS-001"),
                text: s("Evidence is retained unaltered"),
                controls: list(&["21CFR11.10(c)", "Annex11-7"]),
                severity: s("security"),
            },
            RequirementDraft {
                id: s("URS-002"),
                text: s("Audit trail is on"),
                controls: list(&["21CFR11.10(e)"]),
                severity: s("security"),
            },
        ]),
        expected_resource: Field::Known(vec![
            ExpectedResourceDraft {
                key: s("evidence_bucket"),
                resource_type: s("AWS::S3::Bucket"),
                identifier: s("lims-evidence"),
                properties: s(r#"{"VersioningConfiguration":{"Status":"Enabled"}}"#),
                checks: list(&["s3.versioning", "s3.encryption"]),
                check_parameters: map(&[("s3.encryption.kms_key_id", "alias/evidence")]),
                requirements: list(&["URS-001"]),
                ..Default::default()
            },
            ExpectedResourceDraft {
                key: s("trail"),
                resource_type: s("AWS::CloudTrail::Trail"),
                identifier: s("arn:aws:cloudtrail:us-east-1:123456789012:trail/org"),
                checks: list(&["cloudtrail.logging"]),
                requirements: list(&["URS-002"]),
                ..Default::default()
            },
        ]),
        expected_stack: Field::Known(vec![ExpectedStackDraft {
            name: s("lims-core"),
            template_body: s("{\"Resources\":{}}"),
            outputs: map(&[("BucketName", "lims-evidence")]),
            resources: map(&[("EvidenceBucket", "AWS::S3::Bucket")]),
            ..Default::default()
        }]),
        suppression: Field::Known(vec![SuppressionDraft {
            check: s("s3.encryption"),
            resource_key: s("evidence_bucket"),
            reason: s("Key rollout pending under CR-2026-020"),
            approved_by: s("qa.lead@example.com"),
            expires: s("2026-12-31"),
        }]),
        required_signatures: Field::Null,
        expected_account: Field::Null,
        expected_soup: Field::Null,
    }
}

/// The sample with an `expected_account` block.
fn with_account(account: ExpectedAccountDraft) -> SpecDraft {
    SpecDraft {
        expected_account: Field::Known(account),
        ..sample()
    }
}

fn problems(cfg: &SpecDraft) -> Vec<Problem> {
    validate(cfg, now())
}

fn single_problem(cfg: &SpecDraft) -> Problem {
    let p = problems(cfg);
    assert_eq!(p.len(), 1, "expected one problem, got {p:#?}");
    p.into_iter().next().unwrap()
}

fn path(steps: &[&str]) -> Path {
    let mut p = Path::root();
    for step in steps {
        match step.parse::<i64>() {
            Ok(i) => {
                p.add_index(i);
            }
            Err(_) => {
                p.add_attribute(step.to_string());
            }
        }
    }
    p
}

#[test]
fn the_sample_is_valid() {
    assert_eq!(problems(&sample()), vec![]);
}

#[test]
fn digest_ignores_block_and_list_order() {
    let a = sample();
    let mut b = sample();
    if let Field::Known(r) = &mut b.requirement {
        r.reverse();
    }
    if let Field::Known(r) = &mut b.expected_resource {
        r.reverse();
        r[1].checks = list(&["s3.encryption", "s3.versioning", "s3.versioning"]);
        r[1].properties = s(r#"{ "VersioningConfiguration" : { "Status" : "Enabled" } }"#);
    }
    let da = digest(&to_model(&a).unwrap());
    let db = digest(&to_model(&b).unwrap());
    assert_eq!(da, db);
    assert_eq!(da.len(), 64);
}

#[test]
fn digest_changes_with_content() {
    let a = sample();
    let mut b = sample();
    b.version = s("1.1");
    assert_ne!(
        digest(&to_model(&a).unwrap()),
        digest(&to_model(&b).unwrap())
    );
}

#[test]
fn digest_is_stable_across_runs_for_a_fixed_spec() {
    // The canonical bytes must not depend on hash-map order, time or machine. The
    // expected document was written by hand from the rules in
    // docs/resources/expected_spec.md ("Canonical form and digest"): members sorted at
    // every depth, `reason`, `stack_name`, `logical_id` and empty values omitted, sets
    // sorted, the template body replaced by its SHA-256; the digest was computed
    // independently (`printf %s "$EXPECTED" | sha256sum`).
    const TEMPLATE_SHA256: &str =
        "ff1f86057e3b2b2a8dc5b8fb3b8f8d02e4689d05ed8db2c1b8f8779e2b0ef011";
    let expected = [
        r#"{"format":"gxp.spec/v1","spec":{"#,
        r#""approval":{"approved_at":"2026-05-01T09:30:00Z","approved_by":"qa.lead@example.com","change_reference":"CR-2026-014"},"#,
        r#""description":"LIMS production infrastructure","#,
        r#""name":"lims-prod","#,
        r#""requirements":[{"controls":["21CFR11.10(c)","Annex11-7"],"id":"URS-001","severity":"security","text":"Evidence is retained unaltered"},"#,
        r#"{"controls":["21CFR11.10(e)"],"id":"URS-002","severity":"security","text":"Audit trail is on"}],"#,
        r#""resources":[{"check_parameters":{"s3.encryption.kms_key_id":"alias/evidence"},"checks":["s3.encryption","s3.versioning"],"identifier":"lims-evidence","key":"evidence_bucket","properties":{"VersioningConfiguration":{"Status":"Enabled"}},"requirements":["URS-001"],"type":"AWS::S3::Bucket"},"#,
        r#"{"checks":["cloudtrail.logging"],"identifier":"arn:aws:cloudtrail:us-east-1:123456789012:trail/org","key":"trail","requirements":["URS-002"],"type":"AWS::CloudTrail::Trail"}],"#,
        r#""stacks":[{"name":"lims-core","outputs":{"BucketName":"lims-evidence"},"resources":{"EvidenceBucket":"AWS::S3::Bucket"},"template_sha256":""#,
        TEMPLATE_SHA256,
        r#""}],"#,
        r#""suppressions":[{"approved_by":"qa.lead@example.com","check":"s3.encryption","expires":"2026-12-31","reason":"Key rollout pending under CR-2026-020","resource_key":"evidence_bucket"}],"#,
        r#""system":{"application_id":"lims","environment":"prod","gamp_category":1,"risk_class":"high"},"#,
        r#""version":"1.0"}}"#,
    ]
    .concat();
    assert_eq!(
        crate::util::sha256_hex(b"{\"Resources\":{}}"),
        TEMPLATE_SHA256
    );
    let model = to_model(&sample()).unwrap();
    assert_eq!(canonical_json(&model), expected);
    assert_eq!(
        digest(&model),
        "5030d6bbacb0ce5e7af97e77f05fa61fbc3f27d32dbf6246ce492d8fbe87826d"
    );
}

#[test]
fn template_body_is_digested_as_its_sha256() {
    let mut a = sample();
    let body_hash = crate::util::sha256_hex(b"{\"Resources\":{}}");
    let da = digest(&to_model(&a).unwrap());
    if let Field::Known(st) = &mut a.expected_stack {
        st[0].template_body = Field::Null;
        st[0].template_sha256 = s(&body_hash.to_uppercase());
    }
    assert_eq!(da, digest(&to_model(&a).unwrap()));
}

#[test]
fn canonical_form_round_trips() {
    let model = to_model(&sample()).unwrap();
    let back = from_canonical_json(&canonical_json(&model)).unwrap();
    assert_eq!(back, model);
    assert!(from_canonical_json(r#"{"format":"other","spec":{}}"#).is_err());
}

#[test]
fn unknown_values_make_the_model_incomplete() {
    let mut cfg = sample();
    cfg.version = Field::Unknown;
    assert_eq!(to_model(&cfg), Err(Incomplete::Unknown));
    // and validation skips them
    assert_eq!(problems(&cfg), vec![]);
}

#[test]
fn duplicate_requirement_id_is_reported_at_its_path() {
    let mut cfg = sample();
    if let Field::Known(r) = &mut cfg.requirement {
        r[1].id = s("URS-001");
    }
    // URS-002 is now undefined as well: the trail traces to it.
    let p = problems(&cfg);
    assert!(p
        .iter()
        .any(|p| p.summary == "Duplicate requirement id"
            && p.path == path(&["requirement", "1", "id"])));
}

#[test]
fn duplicate_resource_key_is_reported() {
    let mut cfg = sample();
    if let Field::Known(r) = &mut cfg.expected_resource {
        r[1].key = s("evidence_bucket");
    }
    let p = problems(&cfg);
    assert!(
        p.iter().any(|p| p.summary == "Duplicate resource key"
            && p.path == path(&["expected_resource", "1", "key"])),
        "{p:#?}"
    );
}

#[test]
fn trace_to_undefined_requirement_is_reported() {
    let mut cfg = sample();
    if let Field::Known(r) = &mut cfg.expected_resource {
        r[0].requirements = list(&["URS-001", "URS-999"]);
    }
    let p = single_problem(&cfg);
    assert_eq!(p.summary, "Expectation traces to an undefined requirement");
    assert_eq!(
        p.path,
        path(&["expected_resource", "0", "requirements", "1"])
    );
}

#[test]
fn unknown_check_id_is_reported() {
    let mut cfg = sample();
    if let Field::Known(r) = &mut cfg.expected_resource {
        r[1].checks = list(&["cloudtrail.logging", "cloudtrail.teleport"]);
    }
    let p = single_problem(&cfg);
    assert_eq!(p.summary, "Unknown check id");
    assert_eq!(p.path, path(&["expected_resource", "1", "checks", "1"]));
}

#[test]
fn check_for_another_type_is_reported() {
    let mut cfg = sample();
    if let Field::Known(r) = &mut cfg.expected_resource {
        r[1].checks = list(&["s3.versioning"]);
    }
    assert_eq!(
        single_problem(&cfg).summary,
        "Check does not apply to this resource type"
    );
}

#[test]
fn malformed_type_and_arn_are_reported() {
    let mut cfg = sample();
    if let Field::Known(r) = &mut cfg.expected_resource {
        r[0].resource_type = s("S3 bucket");
        r[1].identifier = s("arn:aws:cloudtrail:useast1:12345:trail");
    }
    let p = problems(&cfg);
    assert!(p.iter().any(|p| p.summary == "Malformed resource type"
        && p.path == path(&["expected_resource", "0", "type"])));
    assert!(p.iter().any(|p| p.summary == "Malformed ARN"
        && p.path == path(&["expected_resource", "1", "identifier"])));
}

#[test]
fn suppression_without_reason_is_reported() {
    let mut cfg = sample();
    if let Field::Known(sp) = &mut cfg.suppression {
        sp[0].reason = s("  ");
    }
    let p = single_problem(&cfg);
    assert_eq!(p.summary, "Suppression without a reason");
    assert_eq!(p.path, path(&["suppression", "0", "reason"]));
}

#[test]
fn approval_in_the_future_is_reported() {
    let mut cfg = sample();
    if let Field::Known(a) = &mut cfg.approval {
        a.approved_at = s("2027-01-01T00:00:00Z");
    }
    let p = single_problem(&cfg);
    assert_eq!(p.summary, "Approval dated in the future");
    assert_eq!(p.path, path(&["approval", "approved_at"]));
}

#[test]
fn malformed_values_are_reported() {
    let mut cfg = sample();
    if let Field::Known(r) = &mut cfg.requirement {
        r[0].controls = list(&["21 CFR 11"]);
        r[0].severity = s("catastrophic");
    }
    if let Field::Known(st) = &mut cfg.expected_stack {
        st[0].template_sha256 = s("abc");
    }
    if let Field::Known(r) = &mut cfg.expected_resource {
        r[0].properties = s("[1,2]");
        r[0].check_parameters = map(&[("s3.encryption.colour", "red")]);
    }
    let summaries: Vec<String> = problems(&cfg).into_iter().map(|p| p.summary).collect();
    for expected in [
        "Unknown regulatory control reference",
        "Invalid severity class",
        "Conflicting template expectations",
        "Malformed template SHA-256",
        "Invalid expected properties",
        "Unknown check parameter",
    ] {
        assert!(
            summaries.iter().any(|s| s == expected),
            "{expected} missing from {summaries:?}"
        );
    }
}

#[test]
fn resources_need_a_locator_and_known_stacks() {
    let mut cfg = sample();
    if let Field::Known(r) = &mut cfg.expected_resource {
        r[0].identifier = Field::Null;
        r[1].identifier = Field::Null;
        r[1].stack_name = s("nope");
        r[1].logical_id = s("Trail");
    }
    let summaries: Vec<String> = problems(&cfg).into_iter().map(|p| p.summary).collect();
    assert!(summaries.contains(&"Resource cannot be located".to_string()));
    assert!(summaries.contains(&"Reference to an undefined stack".to_string()));
}

#[test]
fn suppression_of_undefined_resource_or_check_is_reported() {
    let mut cfg = sample();
    if let Field::Known(sp) = &mut cfg.suppression {
        sp[0].resource_key = s("ghost");
        sp[0].check = s("s3.nothing");
    }
    let summaries: Vec<String> = problems(&cfg).into_iter().map(|p| p.summary).collect();
    assert!(summaries.contains(&"Suppression of an undefined resource".to_string()));
    assert!(summaries.contains(&"Unknown check id".to_string()));
}

#[test]
fn unparsable_check_parameter_values_are_reported_with_the_parameter_and_form() {
    let at = |k: &str| {
        Path::new("expected_resource")
            .index(0)
            .attribute("check_parameters")
            .key(k.to_string())
    };
    for (check, key, value, form) in [
        (
            "s3.object_lock",
            "s3.object_lock.min_retention_days",
            "2555d",
            "expected a whole number of days from 1 to 36500",
        ),
        (
            "s3.object_lock",
            "s3.object_lock.mode",
            "LEGAL_HOLD",
            "expected one of COMPLIANCE, GOVERNANCE",
        ),
        (
            "s3.encryption",
            "s3.encryption.kms_key_id",
            "my key",
            "expected a KMS key id, key ARN, alias/NAME or alias ARN",
        ),
    ] {
        let mut cfg = sample();
        if let Field::Known(r) = &mut cfg.expected_resource {
            r[0].checks = list(&["s3.encryption", "s3.versioning", check]);
            r[0].check_parameters = map(&[(key, value)]);
        }
        let p = single_problem(&cfg);
        assert_eq!(p.summary, "Invalid check parameter value");
        assert_eq!(p.path, at(key));
        assert!(
            p.detail
                .contains(&format!("`{value}` is not a valid value for `{key}`"))
                && p.detail.contains(form),
            "{}",
            p.detail
        );
        // A valid value passes.
        let mut cfg = sample();
        if let Field::Known(r) = &mut cfg.expected_resource {
            r[0].checks = list(&["s3.encryption", "s3.versioning", "s3.object_lock"]);
            r[0].check_parameters = map(&[
                ("s3.object_lock.min_retention_days", "2555"),
                ("s3.object_lock.mode", "governance"),
            ]);
        }
        assert!(problems(&cfg).is_empty(), "{:?}", problems(&cfg));
    }
}

#[test]
fn dot_specification_names_are_refused() {
    for name in [".", ".."] {
        let mut cfg = sample();
        cfg.name = s(name);
        let p = single_problem(&cfg);
        assert_eq!(p.summary, "Invalid specification name");
        assert_eq!(p.path, path(&["name"]));
    }
}

#[test]
fn an_empty_identifier_is_reported_at_its_attribute() {
    for empty in ["", "  "] {
        let mut cfg = sample();
        if let Field::Known(r) = &mut cfg.expected_resource {
            r[0].identifier = s(empty);
        }
        let p = single_problem(&cfg);
        assert_eq!(p.summary, "Empty identifier");
        assert_eq!(
            p.path,
            Path::new("expected_resource")
                .index(0)
                .attribute("identifier")
        );
    }
}

#[test]
fn refused_identifiers_get_their_true_reason() {
    use super::validate::identifier_problem;
    for (text, reason) in [
        ("lims prod", "contains a space"),
        ("lims\tprod", "contains whitespace (U+0009)"),
        ("lims\0prod", "contains the control character U+0000"),
        ("lïms", "contains the non-ASCII character `ï` (U+00EF)"),
        ("URS–001", "contains the non-ASCII character `–` (U+2013)"),
        ("a#b", "contains `#`"),
        ("-x", "must start with an ASCII letter or digit, not `-`"),
        (
            "é",
            "must start with an ASCII letter or digit, not the non-ASCII character `é`",
        ),
        ("", "is empty"),
    ] {
        let why = identifier_problem(text).unwrap_or_else(|| panic!("{text:?} accepted"));
        assert!(why.contains(reason), "{text:?}: {why}");
        assert!(
            !why.contains("no spaces") || text.contains(' '),
            "{text:?}: {why}"
        );
    }
    assert_eq!(identifier_problem("URS-001"), None);
    assert_eq!(identifier_problem("arn:aws:s3:::b/x.y_z"), None);

    // Through validation: the requirement id and the resource key say why.
    let mut cfg = sample();
    if let Field::Known(r) = &mut cfg.requirement {
        r[0].id = s("URS\u{0}001");
    }
    if let Field::Known(r) = &mut cfg.expected_resource {
        r[0].key = s("bücket");
    }
    let found = problems(&cfg);
    let detail = |summary: &str| {
        found
            .iter()
            .find(|p| p.summary == summary)
            .map(|p| p.detail.clone())
            .unwrap_or_else(|| panic!("no {summary}: {found:?}"))
    };
    assert!(detail("Invalid requirement id").contains("control character U+0000"));
    assert!(detail("Invalid resource key").contains("non-ASCII character `ü` (U+00FC)"));
}

/// A well-formed SSH signature block (alice's fixture signature).
fn ssh_signature() -> SignatureDraft {
    SignatureDraft {
        signer: s("alice@example.com"),
        printed_name: s("Alice Example"),
        meaning: s("reviewed"),
        signed_at: s("2026-03-01T09:30:00Z"),
        method: s("ssh"),
        spec_digest: s("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
        value: s(include_str!("../approval/testdata/alice.sig")),
        ..Default::default()
    }
}

fn with_signatures(signatures: Vec<SignatureDraft>) -> SpecDraft {
    let mut cfg = sample();
    if let Field::Known(a) = &mut cfg.approval {
        a.signature = Field::Known(signatures);
    }
    cfg
}

#[test]
fn well_formed_signatures_are_valid_and_their_order_does_not_matter() {
    let kms = SignatureDraft {
        signer: s("bob@example.com"),
        meaning: s("approved"),
        method: s("kms"),
        key_id: s("arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
        algorithm: s("ECDSA_SHA_256"),
        value: s("MEUCIQDx"),
        ..ssh_signature()
    };
    let a = with_signatures(vec![ssh_signature(), kms.clone()]);
    let mut b = with_signatures(vec![kms, ssh_signature()]);
    b.required_signatures = list(&["reviewed", "approved"]);
    let mut a2 = a.clone();
    a2.required_signatures = list(&["approved", "reviewed"]);
    assert!(problems(&b).is_empty(), "{:#?}", problems(&b));
    let (ma, mb) = (to_model(&a2).unwrap(), to_model(&b).unwrap());
    assert_eq!(digest(&ma), digest(&mb), "block and list order");
    assert_eq!(ma.signatures[0].meaning, "approved", "sorted by meaning");
    let unsigned = to_model(&sample()).unwrap();
    assert_eq!(
        super::canonical::signing_digest(&to_model(&a).unwrap()),
        digest(&unsigned),
        "signatures are not part of what they sign"
    );
    assert!(
        !canonical_json(&unsigned).contains("signatures"),
        "omitted when none"
    );
    let mut twice = a.clone();
    twice.required_signatures = list(&["reviewed", "reviewed"]);
    assert_eq!(
        to_model(&twice).unwrap().required_signatures,
        ["reviewed", "reviewed"]
    );
}

#[test]
fn each_signature_problem_is_reported_at_its_attribute() {
    let sig = |f: fn(&mut SignatureDraft)| {
        let mut g = ssh_signature();
        f(&mut g);
        g
    };
    let cases: Vec<(SignatureDraft, &str, &str)> = vec![
        (
            sig(|g| g.meaning = s("liked")),
            "meaning",
            "Unknown signature meaning",
        ),
        (
            sig(|g| g.method = s("pgp")),
            "method",
            "Unknown signature method",
        ),
        (
            sig(|g| {
                g.method = s("kms");
                g.value = s("AAAA");
            }),
            "key_id",
            "Missing KMS key",
        ),
        (
            sig(|g| {
                g.method = s("kms");
                g.value = s("AAAA");
                g.key_id = s("alias/qa");
            }),
            "key_id",
            "KMS key must be a key ARN",
        ),
        (
            sig(|g| g.key_id = s("arn:aws:kms:eu-west-1:111122223333:key/k")),
            "key_id",
            "key_id is for kms signatures",
        ),
        (
            sig(|g| g.algorithm = s("ECDSA_SHA_256")),
            "algorithm",
            "Unknown signing algorithm",
        ),
        (
            sig(|g| g.signed_at = s("2026-03-01")),
            "signed_at",
            "Invalid signature time",
        ),
        (
            sig(|g| g.signed_at = s("2027-01-01T00:00:00Z")),
            "signed_at",
            "Signature dated in the future",
        ),
        (
            sig(|g| g.spec_digest = s("abc")),
            "spec_digest",
            "Invalid signed digest",
        ),
        (
            sig(|g| g.value = s("not a signature")),
            "value",
            "Malformed SSH signature",
        ),
        (
            sig(|g| g.value = s(include_str!("../approval/testdata/alice_git.sig"))),
            "value",
            "Malformed SSH signature",
        ),
        (
            sig(|g| {
                g.method = s("kms");
                g.key_id = s("arn:aws:kms:eu-west-1:111122223333:key/k");
                g.value = s("!!");
            }),
            "value",
            "Malformed KMS signature",
        ),
        (
            sig(|g| g.printed_name = s("Alice\nsigner: mallory")),
            "printed_name",
            "Multi-line value",
        ),
        (
            sig(|g| g.signer = s("")),
            "signer",
            "Missing signature signer",
        ),
    ];
    for (g, attr, summary) in cases {
        let p = single_problem(&with_signatures(vec![g]));
        assert_eq!(p.summary, summary);
        assert_eq!(
            p.path,
            path(&["approval", "signature", "0", attr]),
            "{summary}"
        );
    }
    let mut other = ssh_signature();
    other.meaning = s("approved");
    let p = single_problem(&with_signatures(vec![ssh_signature(), other]));
    assert_eq!(p.summary, "Signature reused");
    assert_eq!(p.path, path(&["approval", "signature", "1"]));
    let mut same_identity = ssh_signature();
    same_identity.value = s(include_str!("../approval/testdata/bob.sig"));
    let p = single_problem(&with_signatures(vec![ssh_signature(), same_identity]));
    assert_eq!(p.summary, "Signature reused");
    let mut cfg = sample();
    cfg.required_signatures = list(&["reviewed", "liked"]);
    let p = single_problem(&cfg);
    assert_eq!(
        (p.summary.as_str(), p.path),
        (
            "Unknown signature meaning",
            path(&["required_signatures", "1"])
        )
    );
}

#[test]
fn an_account_block_is_canonical_and_changes_the_digest_only_when_given() {
    let without = to_model(&sample()).unwrap();
    assert!(without.account.is_none());
    assert!(!canonical_json(&without).contains("\"account\""));
    let account = with_account(ExpectedAccountDraft {
        checks: list(&["iam.root_mfa", "iam.password_policy", "iam.root_mfa"]),
        check_parameters: map(&[("iam.password_policy.min_length", "16")]),
        requirements: list(&["URS-001"]),
    });
    assert_eq!(problems(&account), vec![]);
    let model = to_model(&account).unwrap();
    let text = canonical_json(&model);
    assert!(
        text.contains(r#""account":{"check_parameters":{"iam.password_policy.min_length":"16"},"checks":["iam.password_policy","iam.root_mfa"],"requirements":["URS-001"]}"#),
        "{text}"
    );
    assert_ne!(digest(&model), digest(&without));
    assert_eq!(from_canonical_json(&text).unwrap(), model);
    // An empty block is an account target without checks: `{}`, not absent.
    let empty = to_model(&with_account(ExpectedAccountDraft::default())).unwrap();
    assert!(canonical_json(&empty).contains(r#""account":{}"#));
    let mut unknown = sample();
    unknown.expected_account = Field::Unknown;
    assert_eq!(to_model(&unknown), Err(Incomplete::Unknown));
}

#[test]
fn account_checks_parameters_and_traces_are_validated_at_their_paths() {
    let bad = with_account(ExpectedAccountDraft {
        checks: list(&["iam.root_mfa", "s3.versioning", "iam.nope", "iq.scope"]),
        check_parameters: map(&[
            ("iam.password_policy.min_length", "16"),
            ("iam.root_mfa.hardware", "yes"),
        ]),
        requirements: list(&["URS-404"]),
    });
    let found: Vec<(Path, String)> = problems(&bad)
        .into_iter()
        .map(|p| (p.path, p.summary))
        .collect();
    let at = |steps: &[&str], summary: &str| (path(steps), summary.to_string());
    for want in [
        at(
            &["expected_account", "checks", "1"],
            "Check does not apply to this resource type",
        ),
        at(&["expected_account", "checks", "2"], "Unknown check id"),
        at(
            &["expected_account", "checks", "3"],
            "Check does not apply to this resource type",
        ),
        at(
            &["expected_account", "requirements", "0"],
            "Expectation traces to an undefined requirement",
        ),
    ] {
        assert!(found.contains(&want), "{want:?} not in {found:#?}");
    }
    let param =
        path(&["expected_account", "check_parameters"]).key("iam.password_policy.min_length");
    assert!(
        found.contains(&(param, "Unknown check parameter".into())),
        "{found:#?}"
    );
    let param = path(&["expected_account", "check_parameters"]).key("iam.root_mfa.hardware");
    assert!(
        found.contains(&(param, "Invalid check parameter value".into())),
        "{found:#?}"
    );
    // An account check on a resource is refused there.
    let mut on_bucket = sample();
    if let Field::Known(r) = &mut on_bucket.expected_resource {
        r[1].checks = list(&["iam.root_mfa"]);
    }
    let p = single_problem(&on_bucket);
    assert_eq!(p.summary, "Check does not apply to this resource type");
}

#[test]
fn suppressions_name_the_account_only_when_it_is_a_target() {
    let suppress = |cfg: &mut SpecDraft| {
        cfg.suppression = Field::Known(vec![SuppressionDraft {
            check: s("iam.root_mfa"),
            resource_key: s("account"),
            reason: s("Root MFA in the safe under CR-1"),
            approved_by: s("qa.lead@example.com"),
            expires: Field::Null,
        }]);
    };
    let mut without = sample();
    suppress(&mut without);
    let p = single_problem(&without);
    assert_eq!(p.summary, "Suppression of an undefined resource");
    assert!(
        p.detail.contains("no expected_account block"),
        "{}",
        p.detail
    );
    let mut with = with_account(ExpectedAccountDraft {
        checks: list(&["iam.root_mfa"]),
        ..Default::default()
    });
    suppress(&mut with);
    assert_eq!(problems(&with), vec![]);
    // The account's key is reserved while the block is given.
    if let Field::Known(r) = &mut with.expected_resource {
        r[1].key = s("account");
    }
    let found: Vec<String> = problems(&with).into_iter().map(|p| p.summary).collect();
    assert!(
        found.contains(&"Resource key reserved for the account".to_string()),
        "{found:?}"
    );
}

/// The sample with an `expected_soup` block.
fn with_soup(soup: ExpectedSoupDraft) -> SpecDraft {
    SpecDraft {
        expected_soup: Field::Known(soup),
        ..sample()
    }
}

#[test]
fn expected_soup_is_absent_from_the_digest_unless_given_and_short_sources_are_normalised() {
    let without = to_model(&sample()).unwrap();
    assert_eq!(without.soup, None);
    assert!(!canonical_json(&without).contains("soup"));
    let given = with_soup(ExpectedSoupDraft {
        terraform_version: s(">= 1.9, < 2.0"),
        providers: map(&[
            ("hashicorp/aws", "5.100.0"),
            ("registry.terraform.io/gxp/gxp", "~> 0.1"),
        ]),
        requirements: list(&["URS-001"]),
    });
    assert_eq!(problems(&given), vec![]);
    let model = to_model(&given).unwrap();
    let soup = model.soup.clone().unwrap();
    assert_eq!(soup.terraform_version.as_deref(), Some(">= 1.9, < 2.0"));
    let keys: Vec<&str> = soup.providers.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "registry.terraform.io/gxp/gxp",
            "registry.terraform.io/hashicorp/aws"
        ]
    );
    assert_ne!(digest(&model), digest(&without));
    let text = canonical_json(&model);
    assert_eq!(from_canonical_json(&text).unwrap(), model);
    let mut unknown = sample();
    unknown.expected_soup = Field::Unknown;
    assert_eq!(to_model(&unknown), Err(Incomplete::Unknown));
}

#[test]
fn expected_soup_constraints_sources_and_traces_are_validated_at_their_paths() {
    let bad = with_soup(ExpectedSoupDraft {
        terraform_version: s(">= one"),
        providers: map(&[
            ("aws", "5.0"),
            ("hashicorp/aws", "~>"),
            ("registry.terraform.io/hashicorp/aws", "5.100.0"),
        ]),
        requirements: list(&["URS-404"]),
    });
    let found: Vec<(Path, String)> = problems(&bad)
        .into_iter()
        .map(|p| (p.path, p.summary))
        .collect();
    let key = |k: &str| {
        Path::root()
            .attribute("expected_soup")
            .attribute("providers")
            .key(k)
    };
    let want = vec![
        (
            path(&["expected_soup", "terraform_version"]),
            "Invalid version constraint".to_string(),
        ),
        (key("aws"), "Invalid provider source".into()),
        (key("hashicorp/aws"), "Invalid version constraint".into()),
        (
            key("registry.terraform.io/hashicorp/aws"),
            "Duplicate provider source".into(),
        ),
        (
            path(&["expected_soup", "requirements", "0"]),
            "Expectation traces to an undefined requirement".into(),
        ),
    ];
    assert_eq!(found, want);
}
