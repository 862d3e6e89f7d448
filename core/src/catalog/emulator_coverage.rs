//! What the emulators of the end-to-end tests cannot exercise: per check, which emulator
//! (moto 5.2, LocalStack 2026.3 community) cannot make which branch of it happen, why, and
//! where that branch is tested instead ([`GAPS`]). The one list of these limits: the
//! end-to-end catalog-fixture test reads it (a check without a pass-and-fail fixture needs an
//! entry here), the account fixtures derive from it which account checks are `error` on
//! which emulator, and the coverage page renders it ([`super::docs::coverage_page`]). Pure
//! data.

/// An AWS emulator the end-to-end tests run against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Emulator {
    /// The moto server, 5.2 (the default backend).
    Moto,
    /// LocalStack's community runtime, 2026.3 (`GXP_TEST_BACKEND=localstack`).
    LocalStack,
}

impl Emulator {
    /// Both emulators.
    pub const ALL: [Emulator; 2] = [Emulator::Moto, Emulator::LocalStack];

    /// `moto 5.2` or `LocalStack 2026.3 (community)`.
    pub fn label(self) -> &'static str {
        match self {
            Emulator::Moto => "moto 5.2",
            Emulator::LocalStack => "LocalStack 2026.3 (community)",
        }
    }
}

/// The branch of a check an emulator cannot exercise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Branch {
    /// A compliant resource cannot be built or is misreported: the check cannot pass.
    Pass,
    /// A weakened resource cannot be built: the check cannot fail.
    Fail,
    /// The calls the check makes are missing: it cannot pass or fail (it is `error`).
    Both,
    /// One part of the evaluation (e.g. a parameter's comparison), described; the rest of
    /// the check passes and fails on the emulator.
    Part(&'static str),
}

impl Branch {
    /// Whether a check on a resource (or account) whose settings are `compliant` reaches this
    /// branch, whatever its parameters: `Part` never does.
    pub fn covers(self, compliant: bool) -> bool {
        match self {
            Branch::Pass => compliant,
            Branch::Fail => !compliant,
            Branch::Both => true,
            Branch::Part(_) => false,
        }
    }

    /// The branch in words: `passing`, `failing`, `passing and failing`, or the part.
    pub fn describe(self) -> &'static str {
        match self {
            Branch::Pass => "passing",
            Branch::Fail => "failing",
            Branch::Both => "passing and failing",
            Branch::Part(part) => part,
        }
    }
}

/// The checks a [`Gap`] concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checks {
    /// These check ids.
    Ids(&'static [&'static str]),
    /// Every check of a service (`CheckDef::service`), where the emulator lacks the service.
    Service(&'static str),
}

/// One limit of one or both emulators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gap {
    pub checks: Checks,
    /// The emulators that cannot exercise the branch.
    pub emulators: &'static [Emulator],
    pub branch: Branch,
    /// Why the emulator cannot (the call or behaviour it lacks).
    pub reason: &'static str,
    /// Where the branch is tested instead (unit tests on recorded answers, other e2e tests).
    pub tested_instead: &'static str,
}

impl Gap {
    /// The check ids of [`Gap::checks`], in catalog order for a service.
    pub fn check_ids(&self) -> Vec<&'static str> {
        match self.checks {
            Checks::Ids(ids) => ids.to_vec(),
            Checks::Service(service) => super::all()
                .iter()
                .filter(|c| c.service == service)
                .map(|c| c.id)
                .collect(),
        }
    }

    /// Whether `check` is one of this gap's checks.
    pub fn concerns(&self, check: &str) -> bool {
        match self.checks {
            Checks::Ids(ids) => ids.contains(&check),
            Checks::Service(service) => super::get(check).is_some_and(|c| c.service == service),
        }
    }

    /// Whether no emulator exercises the branch.
    pub fn on_every_emulator(&self) -> bool {
        Emulator::ALL.iter().all(|e| self.emulators.contains(e))
    }
}

const BOTH: &[Emulator] = &[Emulator::Moto, Emulator::LocalStack];
const MOTO: &[Emulator] = &[Emulator::Moto];
const LOCALSTACK: &[Emulator] = &[Emulator::LocalStack];

/// Every known limit, IQ checks first, then by service.
pub static GAPS: &[Gap] = &[
    Gap {
        checks: Checks::Ids(&["iq.stack_status"]),
        emulators: BOTH,
        branch: Branch::Fail,
        reason: "neither emulator leaves a stack in a ROLLBACK or FAILED state for a template that deploys",
        tested_instead: "passes on every stack of the e2e tests; failing states unit-tested in gxp-core checks::iq::stack_status",
    },
    Gap {
        checks: Checks::Ids(&["iq.stack_drift"]),
        emulators: BOTH,
        branch: Branch::Both,
        reason: "neither emulator detects stack drift (DetectStackDrift); the result is left out there",
        tested_instead: "evaluator unit-tested in gxp-core checks::iq::stack_drift",
    },
    Gap {
        checks: Checks::Ids(&["iam.root_mfa"]),
        emulators: BOTH,
        branch: Branch::Pass,
        reason: "GetAccountSummary reports AccountMFAEnabled 0 always (LocalStack's IAM likewise) and root MFA cannot be set through the SDK",
        tested_instead: "fails in e2e expected_account_gives_one_result_per_principal_and_requalifies_on_a_weakened_policy; passes (also with hardware = true) on recorded GetAccountSummary / ListVirtualMFADevices answers in checks::iam::root_mfa and the golden added-checks run",
    },
    Gap {
        checks: Checks::Ids(&["iam.root_no_access_keys"]),
        emulators: BOTH,
        branch: Branch::Fail,
        reason: "root access keys cannot be created through the SDK",
        tested_instead: "passes in e2e expected_account_gives_one_result_per_principal_and_requalifies_on_a_weakened_policy; fails on recorded GetAccountSummary answers (unit tests, golden added-checks)",
    },
    Gap {
        checks: Checks::Ids(&["iam.access_keys_rotated"]),
        emulators: BOTH,
        branch: Branch::Fail,
        reason: "the emulator dates a key at its creation and cannot backdate it",
        tested_instead: "the new key passes in e2e expected_account_gives_one_result_per_principal_and_requalifies_on_a_weakened_policy; old keys fail on recorded ListAccessKeys answers (checks::iam::access_keys_rotated, golden added-checks)",
    },
    Gap {
        checks: Checks::Ids(&["iam.unused_credentials"]),
        emulators: BOTH,
        branch: Branch::Fail,
        reason: "the emulator reports every password and key as just set and cannot age them",
        tested_instead: "passes in e2e expected_account_gives_one_result_per_principal_and_requalifies_on_a_weakened_policy; idle credentials fail on recorded credential-report rows (checks::iam::unused_credentials, golden added-checks)",
    },
    Gap {
        checks: Checks::Ids(&["iam.user_console_mfa", "iam.unused_credentials"]),
        emulators: LOCALSTACK,
        branch: Branch::Both,
        reason: "GenerateCredentialReport answers InternalError (HTTP 500) in the account-baseline account (a password policy with a maximum age, no IAM user)",
        tested_instead: "`error`, never `passed`, asserted on LocalStack in e2e modules_account_baseline_*; on moto in e2e expected_account_* and modules_account_baseline_*",
    },
    Gap {
        checks: Checks::Ids(&["securityhub.enabled"]),
        emulators: MOTO,
        branch: Branch::Pass,
        reason: "moto has DescribeHub but no GetEnabledStandards (HTTP 500): an enabled hub is `error`",
        tested_instead: "a disabled hub fails on moto in e2e account_checks_pass_on_a_hardened_account_then_fail_each_weakened_check; a READY standard passes and a PENDING one or none fails on recorded DescribeHub / GetEnabledStandards answers (gxp-core observe::securityhub, golden added-checks)",
    },
    Gap {
        checks: Checks::Ids(&[
            "s3.account_public_access_block",
            "guardduty.enabled",
            "securityhub.enabled",
            "organizations.account_member",
        ]),
        emulators: LOCALSTACK,
        branch: Branch::Both,
        reason: "the community runtime has no GuardDuty, Security Hub or Organizations, and its S3 Control implements only tagging (no GetPublicAccessBlock): always `error`",
        tested_instead: "on moto in e2e account_checks_*; recorded answers in the facets' fake-endpoint tests (gxp-core observe::{s3,guardduty,securityhub,organizations})",
    },
    Gap {
        checks: Checks::Ids(&["ec2.ebs_default_encryption"]),
        emulators: BOTH,
        branch: Branch::Part("the expected-key comparison (`kms_key_id` set)"),
        reason: "neither emulator has GetEbsDefaultKmsKeyId (LocalStack serves EC2 through moto): with `kms_key_id` the check is `error`",
        tested_instead: "without a key in e2e account_checks_*; `error` with a key in modules_account_baseline_*; the key comparison passes and fails on recorded answers (gxp-core observe::ec2 fake-endpoint tests, golden added-checks)",
    },
    Gap {
        checks: Checks::Ids(&["ec2.instance_profile_attached"]),
        emulators: BOTH,
        branch: Branch::Pass,
        reason: "DescribeInstances does not report IamInstanceProfile for an instance launched with a profile (LocalStack serves EC2 through moto)",
        tested_instead: "pass on a recorded AWS DescribeInstances answer (gxp-core observe::ec2 an_instance_answer_with_a_profile_is_evaluated), fail in the unit tests",
    },
    Gap {
        checks: Checks::Ids(&["config.delivery_channel"]),
        emulators: BOTH,
        branch: Branch::Pass,
        reason: "neither has AWS Config DescribeDeliveryChannelStatus (moto HTTP 500, LocalStack HTTP 501): a compliant channel is `error`",
        tested_instead: "a wrong or missing bucket fails on moto (e2e catalog_fixtures_config_recorder_and_channel_fail_when_weakened, collect_trail_config_logs); the delivery status passes and fails in the unit tests of gxp-core checks::config::delivery_channel",
    },
    Gap {
        checks: Checks::Ids(&[
            "backup.recovery_point_encrypted",
            "backup.recovery_point_min_retention",
        ]),
        emulators: MOTO,
        branch: Branch::Both,
        reason: "moto has no recovery points (ListRecoveryPointsByBackupVault answers HTTP 404 without an error code; StartBackupJob is not implemented): `error`",
        tested_instead: "`error` asserted in e2e catalog_fixtures_efs_and_backup_each_check_fails_on_its_fixture; pass and fail on recorded ListRecoveryPointsByBackupVault answers in gxp-core observe::backup and checks::backup",
    },
    Gap {
        checks: Checks::Ids(&["backup.resource_protected"]),
        emulators: MOTO,
        branch: Branch::Pass,
        reason: "moto cannot create or list backup selections (CreateBackupSelection and ListBackupSelections answer HTTP 500): fails without a plan, `error` with one",
        tested_instead: "e2e backup_protected_tables_and_buckets_against_the_account_s_selections (EBS volumes, Aurora clusters and their member instances in backup_protected_ebs_volumes_and_aurora_clusters_by_their_arns); selected and passing on recorded answers in gxp-core observe::backup_selections and checks::backup::resource_protected",
    },
    Gap {
        checks: Checks::Service("backup"),
        emulators: LOCALSTACK,
        branch: Branch::Both,
        reason: "the community runtime has no AWS Backup",
        tested_instead: "on moto (e2e catalog_fixtures_efs_and_backup_*, backup_protected_*)",
    },
    Gap {
        checks: Checks::Service("cloudtrail"),
        emulators: LOCALSTACK,
        branch: Branch::Both,
        reason: "the community runtime has no CloudTrail",
        tested_instead: "on moto (e2e catalog_fixtures_cloudtrail_and_logs_*, account_checks_*)",
    },
    Gap {
        checks: Checks::Service("rds"),
        emulators: LOCALSTACK,
        branch: Branch::Both,
        reason: "the community runtime has no RDS (\"not included in your current license plan\")",
        tested_instead: "on moto (e2e catalog_fixtures_ec2_and_rds_*)",
    },
    Gap {
        checks: Checks::Service("dynamodb"),
        emulators: LOCALSTACK,
        branch: Branch::Both,
        reason: "LocalStack runs DynamoDB Local, a Java program it downloads at start: offline every table call answers InternalError",
        tested_instead: "on moto (e2e catalog_fixtures_dynamodb_and_secrets_*)",
    },
    Gap {
        checks: Checks::Ids(&["secretsmanager.rotation"]),
        emulators: LOCALSTACK,
        branch: Branch::Pass,
        reason: "rotation needs a rotation Lambda, which LocalStack cannot run without Docker",
        tested_instead: "on moto, which turns rotation on without a Lambda (e2e catalog_fixtures_dynamodb_and_secrets_*)",
    },
    Gap {
        checks: Checks::Service("efs"),
        emulators: LOCALSTACK,
        branch: Branch::Both,
        reason: "the community runtime has no EFS",
        tested_instead: "on moto (e2e catalog_fixtures_efs_and_backup_*)",
    },
    Gap {
        checks: Checks::Service("elb"),
        emulators: LOCALSTACK,
        branch: Branch::Both,
        reason: "the community runtime has no Elastic Load Balancing v2 (LocalStack Pro only)",
        tested_instead: "on moto (e2e catalog_fixtures_elb_each_check_fails_on_its_fixture)",
    },
    Gap {
        checks: Checks::Service("cloudwatch"),
        emulators: MOTO,
        branch: Branch::Both,
        reason: "moto 5.2 does not serve the Smithy RPC v2 CBOR protocol, the only one the CloudWatch SDK speaks",
        tested_instead: "on LocalStack (e2e catalog_fixtures_cloudwatch_alarm_fails_without_actions)",
    },
];

/// The gaps concerning `check`, in [`GAPS`] order.
pub fn gaps_of(check: &str) -> impl Iterator<Item = &'static Gap> + '_ {
    GAPS.iter().filter(move |g| g.concerns(check))
}

/// The gap making `check` unanswerable on `emulator` for settings that are `compliant`
/// (the check is then `error` or gives the other outcome, never the expected one); `None`
/// when the emulator exercises that branch (a [`Branch::Part`] never counts).
pub fn blocking(emulator: Emulator, check: &str, compliant: bool) -> Option<&'static Gap> {
    gaps_of(check).find(|g| g.emulators.contains(&emulator) && g.branch.covers(compliant))
}

/// Whether some branch of `check` is exercised on no emulator: a part no emulator reaches,
/// or the passing or the failing branch blocked on every emulator.
pub fn unexercised_on_every_emulator(check: &str) -> bool {
    gaps_of(check).any(|g| matches!(g.branch, Branch::Part(_)) && g.on_every_emulator())
        || [true, false].into_iter().any(|compliant| {
            Emulator::ALL
                .iter()
                .all(|e| blocking(*e, check, compliant).is_some())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_gap_names_registered_checks_once_with_reasons() {
        let mut seen = std::collections::BTreeSet::new();
        for g in GAPS {
            let ids = g.check_ids();
            assert!(!ids.is_empty(), "{:?} names no registered check", g.checks);
            if let Checks::Ids(ids) = g.checks {
                for id in ids {
                    assert!(
                        super::super::get(id).is_some(),
                        "{id} is not a catalog check"
                    );
                }
            }
            assert!(!g.emulators.is_empty(), "{:?}", g.checks);
            let mut emulators = g.emulators.to_vec();
            emulators.dedup();
            assert_eq!(emulators.len(), g.emulators.len(), "{:?}", g.checks);
            assert!(g.reason.len() > 20, "{:?}: reason", g.checks);
            assert!(
                g.tested_instead.len() > 10,
                "{:?}: tested instead",
                g.checks
            );
            for id in ids {
                for e in g.emulators {
                    // One entry per check, emulator and branch.
                    assert!(
                        seen.insert((id, *e, g.branch.describe())),
                        "{id} on {e:?} ({}) listed twice",
                        g.branch.describe()
                    );
                }
            }
        }
    }

    #[test]
    fn gaps_apply_to_their_emulator_and_branch_only() {
        let sh = "securityhub.enabled";
        assert!(blocking(Emulator::Moto, sh, true).is_some());
        assert!(blocking(Emulator::Moto, sh, false).is_none());
        assert!(blocking(Emulator::LocalStack, sh, false).is_some());
        let ebs = "ec2.ebs_default_encryption";
        assert!(blocking(Emulator::Moto, ebs, true).is_none());
        assert!(unexercised_on_every_emulator(ebs));
        assert!(blocking(Emulator::LocalStack, "rds.multi_az", true).is_some());
        assert!(blocking(Emulator::Moto, "rds.multi_az", true).is_none());
        assert!(!unexercised_on_every_emulator("rds.multi_az"));
        assert!(!unexercised_on_every_emulator("s3.versioning"));
        assert!(!unexercised_on_every_emulator("cloudwatch.alarm_actions"));
        assert!(unexercised_on_every_emulator(sh));
        assert!(unexercised_on_every_emulator(
            "backup.recovery_point_encrypted"
        ));
        assert!(unexercised_on_every_emulator("iq.stack_drift"));
    }
}
