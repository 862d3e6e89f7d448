//! Schema of `gxp_qualification`.

use std::collections::HashMap;

use tf_provider::schema::{AttributeType, NestedBlock, Schema};

use crate::provider::config::evidence_store_block;
use crate::provider::schema_builder::*;

/// Current schema version. 2: `results` is a map keyed by `CHECK_ID@TARGET[#PROPERTY]`
/// (a list in 1; see `state::upgrade_results_list`). 3: `results_in_state` (states of
/// earlier versions hold every result: `all`; see `state::upgrade_results_in_state`).
pub const SCHEMA_VERSION: i64 = 3;

/// Attribute names of one entry of `results`.
pub const RESULT_FIELDS: [(&str, &str); 10] = [
    ("check_id", "Catalog check id."),
    ("target", "Spec key of the resource (`stack:NAME` for stacks, `discovered:ARN` for discovered resources)."),
    ("resource_type", "CloudFormation type of the resource."),
    ("identifier", "Physical id or ARN of the resource."),
    ("property", "Property path for `iq.resource_properties`, else null."),
    ("stage", "`IQ`, `OQ` or `PQ`."),
    ("severity", "`security`, `functional` or `cosmetic`."),
    ("status", "`passed`, `failed`, `error` or `suppressed`."),
    ("expected", "Expected value."),
    ("actual", "Actual value."),
];

/// The `discovery` block (also taken by `gxp_requalification`, so the same values can be
/// passed to both).
pub fn discovery_block() -> tf_provider::schema::Block {
    use Mode::*;
    block(
        "Tag-based discovery: resources carrying all these tags (Resource Groups Tagging API) are qualified too, each with the catalog's OQ/PQ checks for its type.",
        [
            ("tags", string_map(Required, "Tags every discovered resource must carry, e.g. `{ Application = \"lims\", Environment = \"prod\" }`.")),
            ("exclude_checks", string_set(Optional, "Catalog check ids (OQ/PQ checks of types discovery finds) that discovered resources do not get, e.g. `[\"backup.resource_protected\"]`: a class of discovered resources deliberately out of a check's scope. Recorded in the report (`qualification.discovery_exclude_checks`); a change is a scope change that requalifies.")),
            ("enumerate_types", string_set(Optional, "CloudFormation types the Resource Groups Tagging API does not list, enumerated through their own service: `AWS::Config::DeliveryChannel` (AWS Config DescribeDeliveryChannels; needs `config:DescribeDeliveryChannels`). Every resource of the type in the provider's account and Region is qualified like a discovered resource (the OQ/PQ checks of its type but `exclude_checks`): those carrying all `tags` where the service reads tags, every one where the type has no tags (a delivery channel: the report's notes say so for each). A type the tagging API lists (e.g. `AWS::S3::Bucket`, a tagged `AWS::Config::ConfigurationRecorder`) is refused at plan. A failed enumeration is an `iq.scope` error on target `discovery:<TYPE>`, never a pass. Recorded in the report (`qualification.discovery_enumerate_types`); a change is a scope change that requalifies.")),
        ],
        [],
    )
}

/// The schema.
pub fn schema() -> Schema {
    use Mode::*;
    let result_type = AttributeType::Map(Box::new(AttributeType::Object(
        RESULT_FIELDS
            .iter()
            .map(|(n, _)| (n.to_string(), AttributeType::String))
            .collect::<HashMap<_, _>>(),
    )));
    let discovery = discovery_block();
    let mut root = block(
        "Qualifies deployed AWS infrastructure against an approved `gxp_expected_spec`: apply runs IQ (deployed state vs spec), OQ and PQ (live configuration checks), writes a report, files it as evidence and fails on failed checks. `terraform plan` shows a pending requalification, with its reasons, when the specification changed, the infrastructure drifted, a stack was updated, the review period elapsed or the last run failed. Destroy removes the resource from state and never deletes evidence.",
        [
            ("id", string(Computed, "Identifier of the qualification (its name).")),
            ("name", string(Required, "Name of the qualification, e.g. `lims-prod`. Reports of one qualification form one chain. Changing it starts a new qualification.")),
            ("spec_id", string(Required, "`id` of the `gxp_expected_spec` qualified against.")),
            ("spec_digest", string(Required, "`digest` of the `gxp_expected_spec`; must equal the SHA-256 of `spec_document`.")),
            ("spec_document", string(Required, "`canonical_json` of the `gxp_expected_spec`.")),
            ("stages", string_list(OptionalComputed, "Stages to run: any of `IQ`, `OQ`, `PQ` (default all three).")),
            ("requalify_after", string(Optional, "Periodic review interval, e.g. `90d`, `12w`, `2160h`. When it has elapsed since the last qualification, the plan shows a pending requalification.")),
            ("enforce", boolean(OptionalComputed, "Fail the apply when a check fails or cannot be evaluated (default `true`). With `false` the apply succeeds but warns once per failed or unevaluable check (same cap as the errors) and with a summary of the counts. The report is filed and the state records the run either way.")),
            ("requalify_on", string_list(OptionalComputed, "Drift classes that trigger requalification: `security`, `functional`, `cosmetic` (default `security` and `functional`).")),
            ("concurrency", number(OptionalComputed, "Maximum number of resources observed at once (default 16).")),
            ("configuration_commit", string(Optional, "Commit of the configuration being applied (e.g. from CI), recorded in the report.")),
            ("spool_directory", string(Optional, "Local directory for reports that could not be filed (default `.gxp-spool` in the working directory). The next apply files them first.")),
            ("report_formats", string_list(Optional, "Formats filed beside the JSON report (which is always filed): `html` (self-contained, for QA), `pdf`, `junit`, `csv` (cdk-nag columns), `jsonl` (one line per result, for bulk query).")),
            ("signing_key_id", string(Optional, "KMS asymmetric key (key usage SIGN_VERIFY) that signs each report's SHA-256; the signature is filed beside the report as `.sig`.")),
            ("notify_topic_arn", string(Optional, "SNS topic that receives the summary and the report location after each run.")),
            ("required_signatures", string_list(Optional, "Signature meanings the specification must carry verified signatures for, from distinct signers, e.g. `[\"reviewed\", \"approved\"]` (merged with the specification's own `required_signatures`, the larger count per meaning). A missing, invalid, unknown-key, stale or reused signature is then a plan-time error.")),
            ("status", string(Computed, "Result of the last qualification: `passed`, `failed` or `error`.")),
            ("total_count", number(Computed, "Number of check results in the last qualification.")),
            ("passed_count", number(Computed, "Number of passed results.")),
            ("failed_count", number(Computed, "Number of failed results.")),
            ("error_count", number(Computed, "Number of results that could not be evaluated.")),
            ("suppressed_count", number(Computed, "Number of results suppressed by the specification.")),
            ("results_in_state", string(OptionalComputed, "Which results of the last qualification `results` keeps: `failures` (default) keeps the `failed` and `error` (not evaluable) results, `all` every result. The filed report keeps every result either way, and the counts, `status`, `observed_fingerprint` and the report's place stay in state: a qualification of thousands of resources keeps a state that grows with its failures, not with its scope (Terraform reads and writes the whole state on every command). A switch to `failures` cuts the state at the next apply without a qualification run; a switch to `all` fills it at the next qualification run. States written by provider versions before `results_in_state` keep `all`.")),
            ("results", attr(result_type, Computed, "The check results of the last qualification that `results_in_state` keeps (by default the failed and unevaluable ones), keyed by `CHECK_ID@TARGET` (`CHECK_ID@TARGET#PROPERTY` for property checks, `CHECK_ID@TARGET[SUBJECT]` for the results of one principal of the account, e.g. `iam.user_console_mfa@account[arn:aws:iam::123456789012:user/alice]`), e.g. `results[\"s3.versioning@records_bucket\"].status`: `check_id`, `target`, `resource_type`, `identifier`, `property`, `stage`, `severity`, `status`, `expected`, `actual`.")),
            ("qualified_at", string(Computed, "When the last qualification finished (RFC 3339).")),
            ("qualified_spec_digest", string(Computed, "Digest of the specification the last qualification ran against.")),
            ("observed_fingerprint", string(Computed, "SHA-256 of what the checks observed; refresh recomputes it, so a change means drift.")),
            ("report_id", string(Computed, "Id of the last report.")),
            ("report_location", string(Computed, "Where the last report is filed (`s3://BUCKET/KEY` or a path); a spool path when filing failed.")),
            ("report_sha256", string(Computed, "SHA-256 of the last report's canonical JSON (also filed beside it as `.sha256`).")),
            ("report_sequence", number(Computed, "Position of the last report in this qualification's chain (1 for the first). With `report_sha256`, the chain head the pipeline knows.")),
            ("verify_arguments", string_list(Computed, "Arguments for the verifier that make a chain cut short after this run a finding: `[\"--qualification\", NAME, \"--expect-head\", report_sha256, \"--min-sequence\", report_sequence]`. Use as `terraform-provider-gxp verify ${join(\" \", …)} s3://BUCKET/PREFIX`.")),
            ("requalification_reasons", string_list(Computed, "Why the pending (or last) qualification runs: specification changed, drift (with class, resource and property), stack updated, review period elapsed, last run failed. Known at plan time.")),
            ("drift", string_list(Computed, "Drift found by the last refresh since the last qualification, every class, as `CLASS: TARGET (TYPE ID) PROPERTY: QUALIFIED -> CURRENT`. Empty after an apply that qualified: that run's observations are the new baseline, and what had drifted since the previous qualification is recorded in its report's `drift`.")),
        ],
        [
            ("discovery", NestedBlock::Optional(discovery)),
            ("evidence_store", NestedBlock::Optional(evidence_store_block("Where this qualification files its reports; defaults to the provider's `evidence_store`."))),
        ],
    );
    root.version = SCHEMA_VERSION;
    Schema {
        version: SCHEMA_VERSION,
        block: root,
    }
}
