//! `ec2.ebs_snapshot_not_public`: EBS snapshot not restorable by everyone. Definition,
//! evaluator and unit tests.

use super::field;
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::property;
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `ec2.ebs_snapshot_not_public` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "ec2.ebs_snapshot_not_public",
        title: "EBS snapshot not public",
        description: "OQ. Calls EC2 DescribeSnapshots and DescribeSnapshotAttribute (Attribute = \
            createVolumePermission). Fails when a CreateVolumePermissions entry has Group all (any AWS account \
            can create a volume from the snapshot); passes otherwise, naming the accounts it is shared with. \
            The type AWS::EC2::Snapshot is the catalog's name for the tagging API's ec2:snapshot (CloudFormation \
            has no snapshot resource).",
        stage: Stage::Oq,
        service: "ec2",
        resource_types: &["AWS::EC2::Snapshot"],
        severity: SeverityClass::Security,
        iam_actions: &["ec2:DescribeSnapshots", "ec2:DescribeSnapshotAttribute"],
        controls: &["21CFR11.10(c)", "21CFR11.10(d)", "21CFR11.10(g)", "21CFR11.10(k)", "Annex11-12"],
        remediation: "Remove the public permission: EC2 ModifySnapshotAttribute --attribute createVolumePermission \
            --operation-type remove --group-names all; share with named accounts only (Terraform \
            aws_snapshot_create_volume_permission with account_id). Turn on EBS snapshot block public access \
            for the account.",
        remediation_code: Remediation {
            terraform: "# Share with named accounts only; never group \"all\":\nresource \"aws_snapshot_create_volume_permission\" \"dr\" {\n  snapshot_id = aws_ebs_snapshot.data.id\n  account_id  = \"210987654321\"\n}\nresource \"aws_ebs_snapshot_block_public_access\" \"this\" {\n  state = \"block-all-sharing\"\n}",
            cloudformation: "# CloudFormation has no EBS snapshot permission resource; use the CLI.",
            cli: "aws ec2 modify-snapshot-attribute --snapshot-id SNAPSHOT_ID --attribute createVolumePermission \\\n  --operation-type remove --group-names all",
        },
        related: Related {
            prowler: &["ec2_ebs_public_snapshot"],
            aws_config: &["ebs-snapshot-public-restorable-check"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"CreateVolumePermissions": [{"UserId": "210987654321"}]}"#,
        fail: r#"{"CreateVolumePermissions": [{"Group": "all"}]}"#,
        unreadable: "CreateVolumePermissions",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    let expected = "no createVolumePermission for group all";
    let perms = match property(obs, "CreateVolumePermissions", expected) {
        Err(e) => return e,
        // The collector records the attribute whenever it was read (an empty list when private).
        Ok(None) => return Outcome::error(expected, "createVolumePermission was not read"),
        Ok(Some(p)) => p.as_array().cloned().unwrap_or_default(),
    };
    if perms
        .iter()
        .any(|p| field(p, "Group").eq_ignore_ascii_case("all"))
    {
        return Outcome::verdict(false, expected, "public: any AWS account can restore it");
    }
    let accounts: Vec<&str> = perms
        .iter()
        .map(|p| field(p, "UserId"))
        .filter(|u| !u.is_empty())
        .collect();
    let actual = if accounts.is_empty() {
        "private".to_string()
    } else {
        format!("private (shared with accounts {})", accounts.join(", "))
    };
    Outcome::verdict(true, expected, actual)
}

#[cfg(test)]
mod tests {
    use crate::checks::ec2::fixtures::{obs, run};
    use crate::checks::Status;
    use serde_json::json;

    const ID: &str = "ec2.ebs_snapshot_not_public";

    #[test]
    fn public_snapshot_fails_private_and_shared_pass() {
        let snap = |p| {
            obs(
                "AWS::EC2::Snapshot",
                json!({ "CreateVolumePermissions": p }),
            )
        };
        let o = run(ID, &snap(json!([{"Group": "all"}, {"UserId": "1"}])));
        assert_eq!(o.status, Status::Failed);
        let o = run(ID, &snap(json!([])));
        assert_eq!((o.status, o.actual.as_str()), (Status::Passed, "private"));
        let o = run(ID, &snap(json!([{"UserId": "1"}, {"UserId": "2"}])));
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Passed, "private (shared with accounts 1, 2)")
        );
    }

    #[test]
    fn an_unread_attribute_is_an_error_never_private() {
        assert_eq!(
            run(ID, &obs("AWS::EC2::Snapshot", json!({"Encrypted": true}))).status,
            Status::Error
        );
    }
}
