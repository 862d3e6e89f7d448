//! The stand-in, through real Terraform: what hashicorp/aws rejects at validate is rejected,
//! with the attribute's line; a real plan is refused with a clear diagnostic.

use libtest_mimic::Trial;

use crate::{outcome, setup};

const PROVIDERS: &str = "terraform {\n  required_providers {\n    aws = { source = \"hashicorp/aws\", version = \"~> 5.0\" }\n  }\n}\n";

/// `(test name, configuration, expected diagnostic summary, expected text in the output)`.
const REJECTED: &[(&str, &str, &str, &str)] = &[
    (
        "rejects_a_computed_only_attribute_that_is_set",
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n  arn    = \"arn:aws:s3:::b\"\n}\n",
        "Error: Computed attribute cannot be set",
        "arn    = \"arn:aws:s3:::b\"",
    ),
    (
        "rejects_a_computed_only_attribute_of_a_data_source",
        "data \"aws_caller_identity\" \"me\" {\n  account_id = \"123456789012\"\n}\n",
        "Error: Computed attribute cannot be set",
        "account_id = \"123456789012\"",
    ),
    (
        "rejects_a_computed_only_attribute_inside_a_block",
        "resource \"aws_s3_bucket_versioning\" \"v\" {\n  bucket = \"b\"\n  versioning_configuration {\n    status = \"Enabled\"\n  }\n}\nresource \"aws_cloudtrail\" \"t\" {\n  name           = \"t\"\n  s3_bucket_name = \"b\"\n  home_region    = \"eu-west-1\"\n}\n",
        "Error: Computed attribute cannot be set",
        "home_region    = \"eu-west-1\"",
    ),
    (
        "rejects_an_unknown_argument",
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket             = \"b\"\n  versioning_enabled = true\n}\n",
        "Error: Unsupported argument",
        "versioning_enabled",
    ),
    (
        "rejects_a_value_of_the_wrong_type",
        "resource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = [\"yes\"]\n}\n",
        "Error: Incorrect attribute value type",
        "enable_key_rotation",
    ),
    (
        "rejects_a_missing_required_argument",
        "resource \"aws_cloudtrail\" \"t\" {\n  name = \"t\"\n}\n",
        "Error: Missing required argument",
        "s3_bucket_name",
    ),
    (
        "rejects_a_missing_required_block",
        "resource \"aws_s3_bucket_versioning\" \"v\" {\n  bucket = \"b\"\n}\n",
        "versioning_configuration",
        "Insufficient versioning_configuration blocks",
    ),
    (
        "rejects_too_many_blocks",
        "resource \"aws_s3_bucket_versioning\" \"v\" {\n  bucket = \"b\"\n  versioning_configuration {\n    status = \"Enabled\"\n  }\n  versioning_configuration {\n    status = \"Suspended\"\n  }\n}\n",
        "Error: Too many versioning_configuration blocks",
        "versioning_configuration",
    ),
    (
        "rejects_an_argument_written_as_a_block",
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n  tags {\n    Name = \"b\"\n  }\n}\n",
        "Error: Unsupported block type",
        "tags",
    ),
    (
        "rejects_a_missing_argument_in_a_nested_block",
        "data \"aws_iam_policy_document\" \"p\" {\n  statement {\n    actions   = [\"s3:GetObject\"]\n    resources = [\"*\"]\n    principals {\n      type = \"AWS\"\n    }\n  }\n}\n",
        "Error: Missing required argument",
        "identifiers",
    ),
    (
        "rejects_an_unknown_provider_argument",
        "provider \"aws\" {\n  regoin = \"eu-west-1\"\n}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n}\n",
        "Error: Unsupported argument",
        "regoin",
    ),
];

fn validate_output(name: &str, config: &str) -> Result<(bool, String), String> {
    let env = setup::env()?;
    let dir = env.scratch(&format!("stand-in-{name}"));
    std::fs::write(dir.join("main.tf"), format!("{PROVIDERS}{config}"))
        .map_err(|e| e.to_string())?;
    let init = env.terraform(
        &dir,
        &["init", "-backend=false", "-input=false", "-no-color"],
    );
    if !init.success {
        return Err(format!("terraform init failed:\n{}", init.output));
    }
    let run = env.terraform(&dir, &["validate", "-no-color"]);
    Ok((run.success, run.output))
}

pub fn trials() -> Vec<Trial> {
    let mut trials: Vec<Trial> = REJECTED
        .iter()
        .map(|&(name, config, summary, detail)| {
            Trial::test(format!("stand_in::{name}"), move || {
                outcome((|| {
                    let (success, output) = validate_output(name, config)?;
                    if success || !output.contains(summary) || !output.contains(detail) {
                        return Err(format!(
                            "expected validation to fail with `{summary}` mentioning `{detail}`; success = {success}:\n{output}"
                        ));
                    }
                    Ok(())
                })())
            })
        })
        .collect();

    trials.push(Trial::test(
        "stand_in::accepts_a_valid_configuration_with_values_known_only_at_apply",
        || {
            outcome((|| {
                let config = "variable \"name\" {\n  type = string\n}\ndata \"aws_partition\" \"p\" {}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket              = coalesce(null, \"${var.name}-logs\")\n  object_lock_enabled = true\n  tags                = { Name = var.name }\n}\nresource \"aws_s3_bucket_versioning\" \"v\" {\n  bucket = aws_s3_bucket.b.id\n  versioning_configuration {\n    status = \"Enabled\"\n  }\n}\ndata \"aws_iam_policy_document\" \"p\" {\n  statement {\n    actions   = [\"s3:*\"]\n    resources = [aws_s3_bucket.b.arn, \"arn:${data.aws_partition.p.partition}:s3:::x/*\"]\n    principals {\n      type        = \"*\"\n      identifiers = [\"*\"]\n    }\n  }\n}\nresource \"aws_default_security_group\" \"d\" {\n  vpc_id  = \"vpc-1\"\n  ingress = []\n  egress  = []\n}\n";
                let (success, output) = validate_output("valid", config)?;
                if !success {
                    return Err(format!("expected a valid configuration:\n{output}"));
                }
                Ok(())
            })())
        },
    ));

    trials.push(Trial::test("stand_in::refuses_to_plan_a_real_resource", || {
        outcome((|| {
            let env = setup::env()?;
            let dir = env.scratch("stand-in-plan");
            std::fs::write(
                dir.join("main.tf"),
                format!("{PROVIDERS}provider \"aws\" {{\n  region = \"eu-west-1\"\n}}\nresource \"aws_s3_bucket\" \"b\" {{\n  bucket = \"b\"\n}}\n"),
            )
            .map_err(|e| e.to_string())?;
            let init = env.terraform(&dir, &["init", "-backend=false", "-input=false", "-no-color"]);
            if !init.success {
                return Err(init.output);
            }
            let plan = env.terraform(&dir, &["plan", "-no-color", "-refresh=false"]);
            if plan.success
                || !plan.output.contains("hashicorp/aws stand-in cannot plan aws_s3_bucket")
                || !plan.output.contains("mock_provider \"aws\"")
            {
                return Err(format!("expected the plan to be refused:\n{}", plan.output));
            }
            Ok(())
        })())
    }));

    trials.push(Trial::test(
        "stand_in::refuses_to_read_a_data_source",
        || {
            outcome((|| {
                let env = setup::env()?;
                let dir = env.scratch("stand-in-read");
                std::fs::write(
                    dir.join("main.tf"),
                    format!("{PROVIDERS}data \"aws_caller_identity\" \"me\" {{}}\n"),
                )
                .map_err(|e| e.to_string())?;
                let init = env.terraform(
                    &dir,
                    &["init", "-backend=false", "-input=false", "-no-color"],
                );
                if !init.success {
                    return Err(init.output);
                }
                let plan = env.terraform(&dir, &["plan", "-no-color"]);
                if plan.success
                    || !plan.output.contains(
                        "hashicorp/aws stand-in cannot read data source aws_caller_identity",
                    )
                {
                    return Err(format!("expected the read to be refused:\n{}", plan.output));
                }
                Ok(())
            })())
        },
    ));

    trials.push(Trial::test(
        "stand_in::no_lock_file_in_modules_or_examples",
        || {
            outcome((|| {
                let root = setup::repo_root();
                let mut found = Vec::new();
                for tree in ["modules", "examples"] {
                    let mut stack = vec![root.join(tree)];
                    while let Some(dir) = stack.pop() {
                        for e in std::fs::read_dir(&dir).map_err(|e| e.to_string())?.flatten() {
                            let p = e.path();
                            if p.is_dir() {
                                stack.push(p);
                            } else if e.file_name() == ".terraform.lock.hcl" {
                                found.push(p.display().to_string());
                            }
                        }
                    }
                }
                let ignore = std::fs::read_to_string(root.join(".gitignore")).unwrap_or_default();
                if !found.is_empty() {
                    return Err(format!(
                        "lock files would pin the test-only stand-in (or a local gxp build): {found:?}"
                    ));
                }
                if !ignore.lines().any(|l| l.trim() == ".terraform.lock.hcl") {
                    return Err(".gitignore must exclude .terraform.lock.hcl".into());
                }
                Ok(())
            })())
        },
    ));
    trials
}
