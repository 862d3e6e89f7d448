//! `ec2.ebs_default_encryption`: new EBS volumes are encrypted by default in the region,
//! optionally with the expected KMS key. Definition, evaluator and unit tests.

use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::{boolean, kms_key_matches, string};
use crate::checks::{Check, Outcome, Params};
use crate::observe::account::ACCOUNT_TYPE;
use crate::observe::ec2::{EBS_DEFAULT_KMS_KEY_ID, EBS_ENCRYPTION_BY_DEFAULT};
use crate::observe::Observation;

/// The `ec2.ebs_default_encryption` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "ec2.ebs_default_encryption",
        title: "EBS encryption by default on (with the expected key)",
        description: "OQ. Calls EC2 GetEbsEncryptionByDefault and GetEbsDefaultKmsKeyId for the region. \
            Passes when encryption by default is enabled and, when kms_key_id is set, the default key \
            is that key (a key id matches an ARN ending in key/<id>). Disabled fails whatever the key.",
        stage: Stage::Oq,
        service: "ec2",
        resource_types: &[ACCOUNT_TYPE],
        severity: SeverityClass::Security,
        iam_actions: &["ec2:GetEbsEncryptionByDefault", "ec2:GetEbsDefaultKmsKeyId"],
        controls: &["21CFR11.10(c)", "21CFR11.10(g)", "21CFR11.30", "Annex11-7.1"],
        remediation: "Terraform aws_ebs_encryption_by_default { enabled = true } with \
            aws_ebs_default_kms_key (the account-baseline module); or EC2 EnableEbsEncryptionByDefault \
            and ModifyEbsDefaultKmsKeyId.",
        remediation_code: Remediation {
            terraform: "resource \"aws_ebs_default_kms_key\" \"this\" {\n  key_arn = aws_kms_key.ebs.arn\n}\n\nresource \"aws_ebs_encryption_by_default\" \"this\" {\n  enabled = true\n}",
            cloudformation: "# No CloudFormation resource sets EBS encryption by default: use Terraform or the CLI.",
            cli: "aws ec2 enable-ebs-encryption-by-default && aws ec2 modify-ebs-default-kms-key-id --kms-key-id KEY_ARN",
        },
        related: Related {
            prowler: &["ec2_ebs_default_encryption"],
            aws_config: &["ec2-ebs-encryption-by-default"],
        },
        params: &[CheckParam {
            name: "kms_key_id",
            description: "Expected default KMS key (key id, key ARN or alias ARN). When unset, any \
                default key passes.",
            default: None,
            kind: ParamKind::KmsKey,
        }],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"EbsEncryptionByDefault": true, "EbsDefaultKmsKeyId": "arn:aws:kms:eu-west-1:123456789012:alias/aws/ebs"}"#,
        fail: r#"{"EbsEncryptionByDefault": false, "EbsDefaultKmsKeyId": "arn:aws:kms:eu-west-1:123456789012:alias/aws/ebs"}"#,
        unreadable: "EbsEncryptionByDefault",
    },
};

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
    let key = params.text("kms_key_id");
    let expected = match key {
        Some(k) => format!("enabled with key {k}"),
        None => "enabled".to_string(),
    };
    match boolean(obs, EBS_ENCRYPTION_BY_DEFAULT, &expected) {
        Err(e) => return e,
        Ok(Some(true)) => {}
        Ok(_) => return Outcome::verdict(false, expected, "disabled"),
    }
    let Some(key) = key else {
        return Outcome::verdict(true, expected, "enabled");
    };
    match string(obs, EBS_DEFAULT_KMS_KEY_ID, &expected) {
        Err(e) => e,
        Ok(None) => Outcome::verdict(false, expected, "enabled, default key not reported"),
        Ok(Some(actual)) => Outcome::verdict(
            kms_key_matches(actual, key),
            expected,
            format!("enabled with key {actual}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{observation, run};
    use crate::checks::Status;
    use serde_json::json;

    const ID: &str = "ec2.ebs_default_encryption";
    const KEY: &str = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    fn account(props: serde_json::Value) -> crate::observe::Observation {
        observation("AWS::::Account", "123456789012/eu-west-1", props)
    }

    #[test]
    fn enabled_passes_and_the_expected_key_is_compared() {
        let o = account(json!({"EbsEncryptionByDefault": true, "EbsDefaultKmsKeyId": KEY}));
        assert_eq!(run(ID, &o, &[]).status, Status::Passed);
        let r = run(
            ID,
            &o,
            &[("kms_key_id", "1234abcd-12ab-34cd-56ef-1234567890ab")],
        );
        assert_eq!(r.status, Status::Passed, "{r:?}");
        let other = "arn:aws:kms:eu-west-1:123456789012:key/00000000-12ab-34cd-56ef-1234567890ab";
        let r = run(ID, &o, &[("kms_key_id", other)]);
        assert_eq!(
            (r.status, r.actual.as_str()),
            (Status::Failed, &*format!("enabled with key {KEY}"))
        );
    }

    #[test]
    fn disabled_fails_whatever_the_key() {
        let o = account(json!({"EbsEncryptionByDefault": false, "EbsDefaultKmsKeyId": KEY}));
        let r = run(ID, &o, &[("kms_key_id", KEY)]);
        assert_eq!((r.status, r.actual.as_str()), (Status::Failed, "disabled"));
    }

    #[test]
    fn an_unreadable_key_is_an_error_only_when_a_key_is_expected() {
        let mut o = account(json!({"EbsEncryptionByDefault": true}));
        o.error(
            "EbsDefaultKmsKeyId",
            "EC2 GetEbsDefaultKmsKeyId: not implemented by the endpoint",
        );
        assert_eq!(run(ID, &o, &[]).status, Status::Passed);
        assert_eq!(run(ID, &o, &[("kms_key_id", KEY)]).status, Status::Error);
    }
}
