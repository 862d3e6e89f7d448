//! Provider configuration: schema, Terraform form, and conversion to typed settings.
//!
//! Names follow the hashicorp/aws provider where the concept is the same.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tf_provider::schema::{NestedBlock, Schema};
use tf_provider::value::Value;
use tf_provider::AttributePath;

use super::schema_builder::*;
use crate::convert::diagnostics::Problem;
use crate::convert::values::{non_empty_string as text, non_empty_strings as texts, Str, StrList};
use gxp_core::approval::{self, allowed_signers, KmsSigner, SignerTrust};
use gxp_core::aws::context::{AssumeRole, AwsSettings, Service};
use gxp_core::qualification::filing::{StoreChoice, StoreSettings};
use gxp_core::util::parse_duration;

/// Provider configuration as Terraform hands it over.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct ProviderConfig {
    pub region: Str,
    pub profile: Str,
    pub shared_config_files: StrList,
    pub shared_credentials_files: StrList,
    pub access_key: Str,
    pub secret_key: Str,
    pub token: Str,
    pub s3_use_path_style: Value<bool>,
    pub skip_credentials_validation: Value<bool>,
    pub skip_requesting_account_id: Value<bool>,
    pub max_retries: Value<i64>,
    pub assume_role: Value<Vec<AssumeRoleConfig>>,
    pub endpoints: Value<Vec<BTreeMap<String, Str>>>,
    pub evidence_store: Value<Vec<EvidenceStoreConfig>>,
    pub report_labels: Value<Vec<ReportLabelsConfig>>,
    pub electronic_signatures: Value<Vec<ElectronicSignaturesConfig>>,
}

/// `electronic_signatures` block: who may sign specifications, with which key.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct ElectronicSignaturesConfig {
    pub allowed_signers: Str,
    pub kms_signer: Value<Vec<KmsSignerConfig>>,
}

/// `kms_signer` block: one signer's KMS key.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct KmsSignerConfig {
    pub signer: Str,
    pub key_id: Str,
    pub public_key: Str,
}

/// The trust list of the `electronic_signatures` block (`None` without the block), or its
/// problems at their attribute paths: unreadable entries, keys listed for two people.
pub fn signer_trust(cfg: &ProviderConfig) -> Result<Option<SignerTrust>, Vec<Problem>> {
    let Some(block) = cfg
        .electronic_signatures
        .as_ref_option()
        .and_then(|b| b.first())
    else {
        return Ok(None);
    };
    let root = || AttributePath::new("electronic_signatures").index(0);
    let mut problems = Vec::new();
    let mut trust = SignerTrust::default();
    if let Some(text) = text(&block.allowed_signers) {
        match allowed_signers::parse(&text) {
            Ok(parsed) => trust.ssh = parsed.signers,
            Err(errors) => {
                for (line, e) in errors {
                    problems.push(Problem {
                        path: root().attribute("allowed_signers"),
                        summary: "Invalid allowed_signers entry".into(),
                        detail: format!("Line {line}: {e}."),
                    });
                }
            }
        }
    }
    for (i, k) in block
        .kms_signer
        .as_ref_option()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let p = || root().attribute("kms_signer").index(i as i64);
        let key_id = text(&k.key_id).unwrap_or_default();
        if !gxp_core::spec::validate::is_arn(&key_id)
            || !key_id.contains(":kms:")
            || !key_id.contains(":key/")
        {
            problems.push(Problem {
                path: p().attribute("key_id"),
                summary: "KMS key must be a key ARN".into(),
                detail: format!("`{key_id}` is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID); an alias can be repointed to another person's key."),
            });
        }
        let public_key = match text(&k.public_key) {
            None => None,
            Some(pem) => match approval::kms::public_key_der(&pem) {
                Ok(der) => Some(der),
                Err(e) => {
                    problems.push(Problem {
                        path: p().attribute("public_key"),
                        summary: "Invalid KMS public key".into(),
                        detail: format!("{e}."),
                    });
                    None
                }
            },
        };
        trust.kms.push(KmsSigner {
            signer: text(&k.signer).unwrap_or_default(),
            key_id,
            public_key,
        });
    }
    let (ssh, kms) = trust.shared_keys();
    for (_, e) in ssh {
        problems.push(Problem {
            path: root().attribute("allowed_signers"),
            summary: "Signing key listed for two people".into(),
            detail: format!("{e} (21 CFR 11.100)."),
        });
    }
    for (i, e) in kms {
        problems.push(Problem {
            path: root()
                .attribute("kms_signer")
                .index(i as i64)
                .attribute("key_id"),
            summary: "Signing key listed for two people".into(),
            detail: format!("{e} (21 CFR 11.100)."),
        });
    }
    if problems.is_empty() {
        Ok(Some(trust))
    } else {
        Err(problems)
    }
}

/// `assume_role` block.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct AssumeRoleConfig {
    pub role_arn: Str,
    pub session_name: Str,
    pub external_id: Str,
    pub duration: Str,
}

/// `evidence_store` block: where qualification reports are filed by default.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct EvidenceStoreConfig {
    pub s3_bucket: Str,
    pub s3_prefix: Str,
    pub kms_key_id: Str,
    pub local_directory: Str,
    pub allow_unprotected_store: Value<bool>,
}

/// The store an `evidence_store` block names (an S3 bucket before a local directory), if any.
pub fn store_settings(block: &EvidenceStoreConfig) -> Option<StoreSettings> {
    let choice = if let Some(bucket) = text(&block.s3_bucket) {
        StoreChoice::S3 {
            bucket,
            prefix: text(&block.s3_prefix),
            kms_key_id: text(&block.kms_key_id),
        }
    } else {
        StoreChoice::Local {
            directory: text(&block.local_directory)?,
        }
    };
    Some(StoreSettings {
        choice,
        allow_unprotected: matches!(block.allow_unprotected_store.as_ref_option(), Some(true)),
    })
}

/// `report_labels` block: labels of every report, in place of the specification's `system`
/// application id and environment.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct ReportLabelsConfig {
    pub application: Str,
    pub environment: Str,
}

/// Default maximum number of retries of an AWS call (throttling, transient errors).
pub const DEFAULT_MAX_RETRIES: i64 = 5;

/// Evidence store block schema, shared with `gxp_qualification`.
pub fn evidence_store_block(description: &str) -> tf_provider::schema::Block {
    use Mode::*;
    block(
        description,
        [
            ("s3_bucket", string(Optional, "S3 bucket that receives reports. It must have versioning and Object Lock unless `allow_unprotected_store` is set. Conflicts with `local_directory`.")),
            ("s3_prefix", string(Optional, "Key prefix inside the bucket (default `gxp-evidence/`).")),
            ("kms_key_id", string(Optional, "KMS key id or ARN for SSE-KMS encryption of filed reports.")),
            ("local_directory", string(Optional, "Local directory that receives reports, for offline use. Conflicts with `s3_bucket`.")),
            ("allow_unprotected_store", boolean(Optional, "Accept a bucket without versioning or Object Lock. The report states that the store was unprotected. Default `false`.")),
        ],
        [],
    )
}

/// The provider schema.
pub fn schema() -> Schema {
    use Mode::*;
    let assume_role = block(
        "Assume an IAM role before making AWS calls.",
        [
            ("role_arn", string(Required, "ARN of the role to assume.")),
            (
                "session_name",
                string(Optional, "Session name (default `terraform-provider-gxp`)."),
            ),
            (
                "external_id",
                string(Optional, "External id required by the role's trust policy."),
            ),
            (
                "duration",
                string(
                    Optional,
                    "Session duration such as `1h` or `15m` (15 minutes to 12 hours; default 1h).",
                ),
            ),
        ],
        [],
    );
    let endpoints = block(
        "Custom endpoint URLs per service (e.g. a local emulator). Unset services use `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`, then AWS.",
        Service::ALL.map(|s| (s.config_name(), string(Optional, s.endpoint_description()))),
        [],
    );
    let labels = block(
        "Application and environment labels of every qualification report: its `system.application` and `system.environment` and the `application=`/`environment=` partitions of its evidence-store key. An unset label falls back to the specification's `system` block.",
        [
            (
                "application",
                string(Optional, "Application name or id (e.g. `lims`); replaces the specification's `system.application_id` on reports."),
            ),
            (
                "environment",
                string(Optional, "Environment name (e.g. `prod`); replaces the specification's `system.environment` on reports."),
            ),
        ],
        [],
    );
    let kms_signer = block(
        "The KMS key of one signer.",
        [
            ("signer", string(Required, "The signer's identity, as `approval.signature` blocks name it in `signer`.")),
            ("key_id", string(Required, "ARN of the signer's asymmetric KMS key (key usage SIGN_VERIFY); not an alias, which can be repointed.")),
            ("public_key", string(Optional, "The key's public key, PEM SubjectPublicKeyInfo (from `aws kms get-public-key`). When set, signatures are verified offline with it; otherwise with `kms:Verify`.")),
        ],
        [],
    );
    let electronic_signatures = block(
        "Who may sign specifications (`approval.signature` blocks of `gxp_expected_spec`), with which key. It sits on the provider, not in the specification, so the people who edit a specification cannot add their own key beside their signature. A key may belong to one person only (21 CFR 11.100).",
        [
            ("allowed_signers", string(Optional, "SSH signers in the OpenSSH allowed_signers format (`principals [options] keytype base64`, ssh-keygen(1)), e.g. `file(\"${path.module}/allowed_signers\")`. Entries whose `namespaces` exclude `gxp-spec` are ignored; `cert-authority` is refused.")),
        ],
        [("kms_signer", NestedBlock::List(kms_signer))],
    );
    Schema {
        version: 1,
        block: block(
            "The GxP provider qualifies AWS infrastructure against an approved specification and files the evidence. AWS settings follow the hashicorp/aws provider.",
            [
                ("region", string(Optional, "AWS region. Falls back to `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile.")),
                ("profile", string(Optional, "Named profile of the shared configuration files; its credentials take precedence over `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`. Falls back to `AWS_PROFILE`. A profile defined in none of the files is an error.")),
                ("shared_config_files", string_list(Optional, "Paths of shared config files (default `~/.aws/config`).")),
                ("shared_credentials_files", string_list(Optional, "Paths of shared credentials files (default `~/.aws/credentials`).")),
                ("access_key", secret(Optional, "Static access key id. Requires `secret_key`. Prefer the default credential chain.")),
                ("secret_key", secret(Optional, "Static secret access key. Requires `access_key`.")),
                ("token", secret(Optional, "Session token for temporary static credentials.")),
                ("s3_use_path_style", boolean(Optional, "Address S3 buckets by path (`endpoint/bucket`) instead of virtual host; needed by most emulators. Default `false`.")),
                ("skip_credentials_validation", boolean(Optional, "Do not call STS GetCallerIdentity when the provider is configured. Default `false`.")),
                ("skip_requesting_account_id", boolean(Optional, "Do not look up the account id (reports then omit it). Default `false`.")),
                ("max_retries", number(Optional, "Maximum retries of an AWS call on throttling or transient errors, with exponential backoff. Default 5.")),
            ],
            [
                ("assume_role", NestedBlock::Optional(assume_role)),
                ("endpoints", NestedBlock::Optional(endpoints)),
                ("evidence_store", NestedBlock::Optional(evidence_store_block("Default evidence store of qualifications: an S3 bucket with versioning and Object Lock, or a local directory."))),
                ("report_labels", NestedBlock::Optional(labels)),
                ("electronic_signatures", NestedBlock::Optional(electronic_signatures)),
            ],
        ),
    }
}

/// Whether any value of the configuration is unknown (not known until apply).
pub fn has_unknowns(cfg: &ProviderConfig) -> bool {
    let json = serde_json::to_string(cfg).unwrap_or_default();
    // Unknown values serialize as the msgpack extension placeholder `_ExtStruct`.
    json.contains("_ExtStruct")
}

/// Check the configuration for conflicts and malformed values; convert it to settings.
pub fn to_settings(cfg: &ProviderConfig) -> Result<AwsSettings, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut add = |path: AttributePath, summary: &str, detail: String| {
        problems.push(Problem {
            path,
            summary: summary.into(),
            detail,
        })
    };
    let access_key = text(&cfg.access_key);
    let secret_key = text(&cfg.secret_key);
    // The path names the attribute that is set, so Terraform shows its line.
    match (&access_key, &secret_key) {
        (Some(_), None) => add(
            AttributePath::new("access_key"),
            "Incomplete static credentials",
            "`access_key` is set but `secret_key` is not; set both or neither.".into(),
        ),
        (None, Some(_)) => add(
            AttributePath::new("secret_key"),
            "Incomplete static credentials",
            "`secret_key` is set but `access_key` is not; set both or neither.".into(),
        ),
        _ => {}
    }
    if text(&cfg.token).is_some() && access_key.is_none() {
        add(
            AttributePath::new("token"),
            "Conflicting credentials",
            "`token` only applies with `access_key` and `secret_key`.".into(),
        );
    }
    let max_retries = match cfg.max_retries {
        Value::Value(n) if !(0..=100).contains(&n) => {
            add(
                AttributePath::new("max_retries"),
                "Invalid max_retries",
                format!("`max_retries` must be between 0 and 100; got {n}."),
            );
            DEFAULT_MAX_RETRIES
        }
        Value::Value(n) => n,
        _ => DEFAULT_MAX_RETRIES,
    };
    let mut assume_role = None;
    if let Value::Value(blocks) = &cfg.assume_role {
        if let Some(ar) = blocks.first() {
            let p = || AttributePath::new("assume_role").index(0);
            let role_arn = text(&ar.role_arn).unwrap_or_default();
            if !gxp_core::spec::validate::is_arn(&role_arn) || !role_arn.contains(":role/") {
                add(
                    p().attribute("role_arn"),
                    "Malformed role ARN",
                    format!("`{role_arn}` is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)."),
                );
            }
            let duration = match text(&ar.duration) {
                None => None,
                Some(d) => {
                    match parse_duration(&d) {
                        Some(dur) if (900..=43200).contains(&dur.as_secs()) => Some(dur),
                        _ => {
                            add(
                            p().attribute("duration"),
                            "Invalid assume_role duration",
                            format!("`{d}` must be a duration like `1h` or `30m` between 15m and 12h."),
                        );
                            None
                        }
                    }
                }
            };
            assume_role = Some(AssumeRole {
                role_arn,
                session_name: text(&ar.session_name)
                    .unwrap_or_else(|| "terraform-provider-gxp".into()),
                external_id: text(&ar.external_id),
                duration,
            });
        }
    }
    let mut endpoints = BTreeMap::new();
    if let Value::Value(blocks) = &cfg.endpoints {
        if let Some(block) = blocks.first() {
            for (name, url) in block {
                if let (Some(service), Some(url)) = (Service::from_config_name(name), text(url)) {
                    if !(url.starts_with("http://") || url.starts_with("https://")) {
                        add(
                            AttributePath::new("endpoints")
                                .index(0)
                                .attribute(name.clone()),
                            "Malformed endpoint URL",
                            format!("`{url}` must start with http:// or https://."),
                        );
                    }
                    endpoints.insert(service, url);
                }
            }
        }
    }
    if let Value::Value(blocks) = &cfg.evidence_store {
        if let Some(store) = blocks.first() {
            if text(&store.s3_bucket).is_some() && text(&store.local_directory).is_some() {
                add(
                    AttributePath::new("evidence_store")
                        .index(0)
                        .attribute("local_directory"),
                    "Conflicting evidence stores",
                    "Set either `s3_bucket` or `local_directory` in `evidence_store`, not both."
                        .into(),
                );
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(AwsSettings {
        region: text(&cfg.region),
        profile: text(&cfg.profile),
        shared_config_files: texts(&cfg.shared_config_files),
        shared_credentials_files: texts(&cfg.shared_credentials_files),
        access_key,
        secret_key,
        token: text(&cfg.token),
        assume_role,
        endpoints,
        s3_use_path_style: matches!(cfg.s3_use_path_style, Value::Value(true)),
        max_retries: max_retries as u32,
        validate_credentials: !matches!(cfg.skip_credentials_validation, Value::Value(true)),
        request_account_id: !matches!(cfg.skip_requesting_account_id, Value::Value(true)),
    })
}

#[cfg(test)]
mod tests {

    #[test]
    fn an_evidence_store_block_names_a_bucket_before_a_directory() {
        let s = |v: &str| Value::Value(v.to_string());
        let block = EvidenceStoreConfig {
            s3_bucket: s("evidence"),
            s3_prefix: s("gxp/"),
            local_directory: s("/tmp/e"),
            allow_unprotected_store: Value::Value(true),
            ..Default::default()
        };
        assert_eq!(
            store_settings(&block),
            Some(StoreSettings {
                choice: StoreChoice::S3 {
                    bucket: "evidence".into(),
                    prefix: Some("gxp/".into()),
                    kms_key_id: None,
                },
                allow_unprotected: true,
            })
        );
        let local = EvidenceStoreConfig {
            local_directory: s("/tmp/e"),
            ..Default::default()
        };
        assert_eq!(
            store_settings(&local).map(|x| x.choice),
            Some(StoreChoice::Local {
                directory: "/tmp/e".into()
            })
        );
        let empty = EvidenceStoreConfig {
            s3_bucket: s(""),
            ..Default::default()
        };
        assert_eq!(store_settings(&empty), None);
    }

    use super::*;

    fn s(v: &str) -> Str {
        Value::Value(v.to_string())
    }

    #[test]
    fn durations_parse_in_go_style() {
        assert_eq!(parse_duration("1h").unwrap().as_secs(), 3600);
        assert_eq!(parse_duration("1h30m").unwrap().as_secs(), 5400);
        assert_eq!(parse_duration("900s").unwrap().as_secs(), 900);
        assert!(parse_duration("90").is_none());
        assert!(parse_duration("1d").is_none());
        assert!(parse_duration("").is_none());
    }

    #[test]
    fn half_static_credentials_are_a_conflict_with_a_path() {
        let cfg = ProviderConfig {
            access_key: s("AKIA"),
            ..Default::default()
        };
        let problems = to_settings(&cfg).unwrap_err();
        assert_eq!(problems[0].path, AttributePath::new("access_key"));
    }

    #[test]
    fn two_evidence_stores_conflict() {
        let cfg = ProviderConfig {
            evidence_store: Value::Value(vec![EvidenceStoreConfig {
                s3_bucket: s("b"),
                local_directory: s("/tmp/x"),
                ..Default::default()
            }]),
            ..Default::default()
        };
        let problems = to_settings(&cfg).unwrap_err();
        assert_eq!(problems[0].summary, "Conflicting evidence stores");
    }

    #[test]
    fn malformed_role_arn_and_duration_are_reported() {
        let cfg = ProviderConfig {
            assume_role: Value::Value(vec![AssumeRoleConfig {
                role_arn: s("not-an-arn"),
                duration: s("5m"),
                ..Default::default()
            }]),
            ..Default::default()
        };
        let problems = to_settings(&cfg).unwrap_err();
        assert_eq!(problems.len(), 2);
    }

    #[test]
    fn endpoints_map_to_services() {
        let mut ep = BTreeMap::new();
        ep.insert("s3".to_string(), s("http://127.0.0.1:5000"));
        ep.insert("sts".to_string(), Value::Null);
        let cfg = ProviderConfig {
            endpoints: Value::Value(vec![ep]),
            max_retries: Value::Value(3),
            ..Default::default()
        };
        let settings = to_settings(&cfg).unwrap();
        assert_eq!(settings.endpoints.len(), 1);
        assert_eq!(settings.max_retries, 3);
        assert!(settings.validate_credentials);
    }

    fn signatures(allowed: &str, kms: Vec<KmsSignerConfig>) -> ProviderConfig {
        ProviderConfig {
            electronic_signatures: Value::Value(vec![ElectronicSignaturesConfig {
                allowed_signers: s(allowed),
                kms_signer: Value::Value(kms),
            }]),
            ..Default::default()
        }
    }

    const ALICE: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG9XKf2gTP5QlO/OJMTh1LXSxmvzHlcaLcxu1qiu770w";

    #[test]
    fn the_trust_list_is_read_and_its_problems_have_paths() {
        assert_eq!(signer_trust(&ProviderConfig::default()), Ok(None));
        let key = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        let kms = |signer: &str, key_id: &str| KmsSignerConfig {
            signer: s(signer),
            key_id: s(key_id),
            public_key: Value::Null,
        };
        let ok = signer_trust(&signatures(
            &format!("# QA\nalice@example.com {ALICE}\n"),
            vec![kms("bob@example.com", key)],
        ))
        .unwrap()
        .unwrap();
        assert_eq!((ok.ssh.len(), ok.kms.len()), (1, 1));

        let bad = signer_trust(&signatures(
            &format!("alice@example.com {ALICE}\nca cert-authority {ALICE}\n"),
            vec![kms("bob@example.com", "alias/bob")],
        ))
        .unwrap_err();
        let root = AttributePath::new("electronic_signatures").index(0);
        assert_eq!(bad[0].path, root.clone().attribute("allowed_signers"));
        assert!(
            bad[0].detail.starts_with("Line 2: certificate authorities"),
            "{}",
            bad[0].detail
        );
        assert_eq!(bad[1].summary, "KMS key must be a key ARN");
        assert_eq!(
            bad[1].path,
            root.clone()
                .attribute("kms_signer")
                .index(0)
                .attribute("key_id")
        );
    }

    #[test]
    fn a_key_may_belong_to_one_person_only() {
        let key = "arn:aws:kms:eu-west-1:111122223333:key/k";
        let kms = |signer: &str| KmsSignerConfig {
            signer: s(signer),
            key_id: s(key),
            public_key: Value::Null,
        };
        let e = signer_trust(&signatures(
            &format!("alice@example.com {ALICE}\nmallory@example.com {ALICE}\n"),
            vec![kms("bob@example.com"), kms("erin@example.com")],
        ))
        .unwrap_err();
        assert_eq!(e.len(), 2, "{e:#?}");
        assert!(e
            .iter()
            .all(|p| p.summary == "Signing key listed for two people"));
        assert!(e[0].detail.contains("line 2"), "{}", e[0].detail);
        assert_eq!(
            e[1].path,
            AttributePath::new("electronic_signatures")
                .index(0)
                .attribute("kms_signer")
                .index(1)
                .attribute("key_id")
        );
    }
}
