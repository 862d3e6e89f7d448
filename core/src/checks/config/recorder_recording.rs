//! `config.recorder_recording`: AWS Config recorder recording all resources. Definition,
//! evaluator and unit tests.

use super::{is_failure, Findings};
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::{boolean, string};
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `config.recorder_recording` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "config.recorder_recording",
        title: "AWS Config recorder recording all resources",
        description: "PQ. Calls AWS Config DescribeConfigurationRecorderStatus and DescribeConfigurationRecorders. \
            Passes when the recorder's status has recording = true and lastStatus is not FAILURE, and its \
            recordingGroup has allSupported = true and, when include_global_resource_types is true, \
            includeGlobalResourceTypes = true.",
        stage: Stage::Pq,
        service: "config",
        resource_types: &["AWS::Config::ConfigurationRecorder"],
        severity: SeverityClass::Security,
        iam_actions: &["config:DescribeConfigurationRecorders", "config:DescribeConfigurationRecorderStatus"],
        controls: &["21CFR11.10(k)", "21CFR11.10(e)", "Annex11-10", "Annex11-11"],
        remediation: "Terraform aws_config_configuration_recorder recording_group { all_supported = true, \
            include_global_resource_types = true } plus aws_config_configuration_recorder_status is_enabled = \
            true; CloudFormation RecordingGroup.AllSupported / IncludeGlobalResourceTypes; or AWS Config \
            PutConfigurationRecorder and StartConfigurationRecorder.",
        remediation_code: Remediation {
            terraform: "resource \"aws_config_configuration_recorder\" \"main\" {\n  role_arn = aws_iam_role.config.arn\n  recording_group {\n    all_supported                 = true\n    include_global_resource_types = true\n  }\n}\n\nresource \"aws_config_configuration_recorder_status\" \"main\" {\n  name       = aws_config_configuration_recorder.main.name\n  is_enabled = true\n  depends_on = [aws_config_delivery_channel.main]\n}",
            cloudformation: "RecordingGroup:\n  AllSupported: true\n  IncludeGlobalResourceTypes: true",
            cli: "aws configservice put-configuration-recorder --configuration-recorder name=default,roleARN=ROLE_ARN \\\n  --recording-group allSupported=true,includeGlobalResourceTypes=true\naws configservice start-configuration-recorder --configuration-recorder-name default",
        },
        related: Related {
            prowler: &["config_recorder_all_regions_enabled"],
            aws_config: &[],
        },
        params: &[CheckParam {
            name: "include_global_resource_types",
            description: "\"true\" or \"false\": whether global resource types (IAM) must be recorded. Set \
                \"false\" in secondary regions when one home region records them.",
            default: Some("true"),
            kind: ParamKind::Boolean,
        }],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"Name": "default", "RecordingGroup": {"AllSupported": true, "IncludeGlobalResourceTypes": true, "ResourceTypes": []}, "Recording": true, "LastStatus": "SUCCESS"}"#,
        fail: r#"{"Name": "default", "RecordingGroup": {"AllSupported": true, "IncludeGlobalResourceTypes": true, "ResourceTypes": []}, "Recording": false, "LastStatus": "SUCCESS"}"#,
        unreadable: "Recording",
    },
};

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
    recorder_recording(obs, params).unwrap_or_else(|early| early)
}

fn recorder_recording(obs: &Observation, params: &Params) -> Result<Outcome, Outcome> {
    let need_global = params
        .boolean("include_global_resource_types")
        .unwrap_or(true);
    let expected = if need_global {
        "recording all supported resource types including global ones, last status not FAILURE"
    } else {
        "recording all supported resource types, last status not FAILURE"
    };
    let mut f = Findings::default();
    let all = f.read(boolean(obs, "RecordingGroup.AllSupported", expected));
    let global = f.read(boolean(
        obs,
        "RecordingGroup.IncludeGlobalResourceTypes",
        expected,
    ));
    let recording = f.read(boolean(obs, "Recording", expected));
    let last_status = f.read(string(obs, "LastStatus", expected)).flatten();

    match recording {
        Some(Some(true)) | None => {}
        Some(Some(false)) => f.problems.push("not recording".to_string()),
        Some(None) => f.problems.push("recording status not reported".to_string()),
    }
    if let Some(s) = last_status.filter(|s| is_failure(s)) {
        let why = string(obs, "LastErrorCode", expected)
            .ok()
            .flatten()
            .map(|c| format!(" ({c})"))
            .unwrap_or_default();
        f.problems.push(format!("last status {s}{why}"));
    }
    if all.is_some_and(|a| a != Some(true)) {
        f.problems
            .push("not all supported resource types".to_string());
    }
    if need_global && global.is_some_and(|g| g != Some(true)) {
        f.problems
            .push("global resource types excluded".to_string());
    }
    let mut actual = "recording all supported resource types".to_string();
    if global == Some(Some(true)) {
        actual.push_str(" including global ones");
    }
    if let Some(s) = last_status {
        actual.push_str(&format!(", last status {s}"));
    }
    Ok(f.outcome(expected, actual))
}

#[cfg(test)]
mod tests {
    use crate::checks::config::fixtures::{good_recorder, recorder, run};
    use crate::checks::Status;
    use serde_json::json;

    #[test]
    fn recorder_recording() {
        let id = "config.recorder_recording";
        let out = run(id, &recorder(good_recorder()), &[]);
        assert_eq!(out.status, Status::Passed, "{out:?}");

        let mut stopped = good_recorder();
        stopped["Recording"] = json!(false);
        let out = run(id, &recorder(stopped), &[]);
        assert_eq!(out.status, Status::Failed);
        assert_eq!(out.actual, "not recording");

        let mut some = good_recorder();
        some["RecordingGroup"]["AllSupported"] = json!(false);
        let out = run(id, &recorder(some), &[]);
        assert_eq!(out.status, Status::Failed);
        assert!(out.actual.contains("not all supported"));

        let mut no_global = good_recorder();
        no_global["RecordingGroup"]["IncludeGlobalResourceTypes"] = json!(false);
        assert_eq!(
            run(id, &recorder(no_global.clone()), &[]).status,
            Status::Failed
        );
        let relaxed = [("include_global_resource_types", "false")];
        assert_eq!(
            run(id, &recorder(no_global), &relaxed).status,
            Status::Passed
        );

        let mut failing = good_recorder();
        failing["LastStatus"] = json!("Failure");
        failing["LastErrorCode"] = json!("AccessDenied");
        let out = run(id, &recorder(failing), &[]);
        assert_eq!(out.status, Status::Failed);
        assert!(out.actual.contains("AccessDenied"), "{}", out.actual);

        let out = run(id, &recorder(json!({"Name": "default"})), &[]);
        assert_eq!(out.status, Status::Failed);
        assert!(out.actual.contains("recording status not reported"));
    }

    #[test]
    fn recorder_read_error() {
        let mut o = recorder(good_recorder());
        o.properties.remove("Recording");
        o.error(
            "Recording",
            "DescribeConfigurationRecorderStatus: AccessDenied",
        );
        let out = run("config.recorder_recording", &o, &[]);
        assert_eq!(out.status, Status::Error);
        assert!(out.detail.unwrap().contains("AccessDenied"));

        // A readable part that fails decides the check whatever the unread part says.
        o.set(
            "RecordingGroup",
            json!({"AllSupported": false, "IncludeGlobalResourceTypes": false}),
        );
        let out = run("config.recorder_recording", &o, &[]);
        assert_eq!(out.status, Status::Failed);
        assert!(out.actual.contains("not all supported"), "{}", out.actual);
        assert!(out.detail.unwrap().contains("AccessDenied"));
    }
}
