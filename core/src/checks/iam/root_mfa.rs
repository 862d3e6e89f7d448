//! `iam.root_mfa`: the root user has MFA (optionally a hardware device). Definition,
//! evaluator and unit tests.

use serde_json::Value as Json;

use super::{list, text, ACCOUNT, SIGNATURE_COMPONENT_CONTROLS};
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::integer;
use crate::checks::{Check, Outcome, Params};
use crate::observe::iam::{SUMMARY, VIRTUAL_MFA};
use crate::observe::Observation;

/// The `iam.root_mfa` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "iam.root_mfa",
        title: "Root user has MFA",
        description: "OQ. Calls IAM GetAccountSummary (and ListVirtualMFADevices with AssignmentStatus \
            Assigned). Passes when AccountMFAEnabled is 1; with hardware = true, also when no assigned virtual \
            MFA device belongs to the root user (the root's MFA is then a hardware device).",
        stage: Stage::Oq,
        service: "iam",
        resource_types: ACCOUNT,
        severity: SeverityClass::Security,
        iam_actions: &["iam:GetAccountSummary", "iam:ListVirtualMFADevices"],
        controls: SIGNATURE_COMPONENT_CONTROLS,
        remediation: "Sign in as the root user and assign an MFA device (IAM console, Security credentials); \
            for hardware = true a FIDO security key or hardware TOTP token. Root MFA cannot be set through \
            Terraform, CloudFormation or the CLI.",
        remediation_code: Remediation {
            terraform: "# Root MFA is assigned by the root user in the console; Terraform cannot set it.\n# Qualify it:\n# expected_account { checks = [\"iam.root_mfa\"] }",
            cloudformation: "# Not settable through CloudFormation: assign the root user's MFA device in the console.",
            cli: "aws iam get-account-summary --query 'SummaryMap.AccountMFAEnabled'",
        },
        related: Related {
            prowler: &["iam_root_mfa_enabled", "iam_root_hardware_mfa_enabled"],
            aws_config: &["root-account-mfa-enabled", "root-account-hardware-mfa-enabled"],
        },
        params: &[CheckParam {
            name: "hardware",
            description: "Require a hardware MFA device (no virtual MFA device assigned to the root user).",
            default: Some("false"),
            kind: ParamKind::Boolean,
        }],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"IamAccountSummary": {"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0}, "IamVirtualMfaDevices": []}"#,
        fail: r#"{"IamAccountSummary": {"AccountMFAEnabled": 0, "AccountAccessKeysPresent": 0}, "IamVirtualMfaDevices": []}"#,
        unreadable: "IamAccountSummary",
    },
};

/// Whether an assigned virtual MFA device is the root user's.
fn is_root_device(device: &Json) -> bool {
    text(device, "User").ends_with(":root")
        || text(device, "SerialNumber").ends_with("/root-account-mfa-device")
}

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
    let hardware = params.boolean("hardware").unwrap_or(false);
    root_mfa(obs, hardware).unwrap_or_else(|early| early)
}

fn root_mfa(obs: &Observation, hardware: bool) -> Result<Outcome, Outcome> {
    let expected = if hardware {
        "root MFA on a hardware device"
    } else {
        "root MFA enabled"
    };
    let enabled = integer(obs, &format!("{SUMMARY}.AccountMFAEnabled"), expected)?
        .ok_or_else(|| Outcome::error(expected, "GetAccountSummary gave no AccountMFAEnabled"))?;
    if enabled != 1 {
        return Ok(Outcome::verdict(false, expected, "root MFA not enabled"));
    }
    if !hardware {
        return Ok(Outcome::verdict(true, expected, "root MFA enabled"));
    }
    let virtual_root = list(obs, VIRTUAL_MFA, expected)?.iter().any(is_root_device);
    Ok(Outcome::verdict(
        !virtual_root,
        expected,
        if virtual_root {
            "root MFA is a virtual device"
        } else {
            "root MFA on a hardware device"
        },
    ))
}

#[cfg(test)]
mod tests {
    use crate::checks::iam::fixtures::{account, run};
    use crate::checks::Status;
    use serde_json::json;

    fn summary(mfa: i64, virtual_devices: serde_json::Value) -> crate::observe::Observation {
        account(json!({
            "IamAccountSummary": {"AccountMFAEnabled": mfa, "AccountAccessKeysPresent": 0},
            "IamVirtualMfaDevices": virtual_devices,
        }))
    }

    #[test]
    fn hardware_mfa_rejects_a_virtual_root_device() {
        let root_virtual = json!([{"SerialNumber": "arn:aws:iam::123456789012:mfa/root-account-mfa-device", "User": "arn:aws:iam::123456789012:root"}]);
        let other = json!([{"SerialNumber": "arn:aws:iam::123456789012:mfa/alice", "User": "arn:aws:iam::123456789012:user/alice"}]);
        let o = summary(1, root_virtual.clone());
        assert_eq!(run("iam.root_mfa", &o, &[]).status, Status::Passed);
        let out = run("iam.root_mfa", &o, &[("hardware", "true")]);
        assert_eq!(out.status, Status::Failed, "{out:?}");
        assert_eq!(out.actual, "root MFA is a virtual device");
        let o = summary(1, other);
        assert_eq!(
            run("iam.root_mfa", &o, &[("hardware", "true")]).status,
            Status::Passed
        );
        assert_eq!(
            run(
                "iam.root_mfa",
                &summary(0, json!([])),
                &[("hardware", "true")]
            )
            .status,
            Status::Failed
        );
    }

    #[test]
    fn unreadable_virtual_devices_only_matter_for_hardware() {
        let mut o = summary(1, json!([]));
        o.properties.remove("IamVirtualMfaDevices");
        o.error("IamVirtualMfaDevices", "AccessDenied");
        assert_eq!(run("iam.root_mfa", &o, &[]).status, Status::Passed);
        assert_eq!(
            run("iam.root_mfa", &o, &[("hardware", "true")]).status,
            Status::Error
        );
    }
}
