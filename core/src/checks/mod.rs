//! Check evaluation: pure functions from observations to outcomes.
//!
//! Every OQ/PQ check is a unit ([`Check`], e.g. `checks/s3/versioning.rs`): its definition,
//! its evaluator and its unit tests in one file, registered by one line in
//! [`registry::CHECKS`]. [`evaluate`] decides a missing or unknown resource and a resource type
//! the check does not apply to, and runs the registered evaluator otherwise. The IQ checks
//! ([`iq`], registered in [`registry::IQ_CHECKS`]) compare the specification with what is
//! deployed and are evaluated by the piece of the run they belong to.

pub mod backup;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod config;
pub mod dynamodb;
pub mod ec2;
pub mod efs;
pub mod elb;
pub mod guardduty;
pub mod iam;
pub mod iq;
pub mod kms;
pub mod lambda;
pub mod logs;
pub mod organizations;
pub mod rds;
pub mod registry;
pub mod s3;
pub mod secretsmanager;
pub mod securityhub;
pub mod sns;
pub mod sqs;
#[cfg(test)]
pub(crate) mod testing;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::catalog::{self, CheckDef, ParamError, ParamValue};
use crate::observe::{Existence, Observation};

/// One check: its catalog entry and its evaluator, defined together in one file.
#[derive(Debug)]
pub struct Check {
    /// The catalog entry (id, title, stage, service, resource types, controls, ...).
    pub def: CheckDef,
    /// Evaluates an observation of a resource that exists ([`evaluate`] decides a missing
    /// or unknown resource before).
    pub evaluate: fn(&Observation, &Params) -> Outcome,
    /// Its unit fixtures, which the registry's coverage test runs for every check.
    #[cfg(test)]
    pub fixtures: UnitFixtures,
}

/// The unit fixtures every registered check must have. The registry's coverage test runs
/// them for every check.
#[cfg(test)]
#[derive(Debug)]
pub enum UnitFixtures {
    /// Observed properties (JSON, with the catalog's default parameters) on which the check
    /// passes and fails, and the property whose read error makes it `error`.
    Properties {
        pass: &'static str,
        fail: &'static str,
        unreadable: &'static str,
    },
    /// The check is decided by existence alone (e.g. `cloudtrail.exists`): it passes on an
    /// existing resource with no properties, fails on a missing one and errors when existence
    /// is unknown.
    Existence,
}

/// Result status of one check on one resource.
#[derive(
    Serialize,
    Deserialize,
    schemars::JsonSchema,
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Passed,
    Failed,
    /// The check could not be evaluated (access denied, timeout, unsupported, ...).
    Error,
    /// Deliberately not applied, with an approved, unexpired suppression.
    Suppressed,
}

impl Status {
    /// `passed`, `failed`, `error`, `suppressed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::Error => "error",
            Status::Suppressed => "suppressed",
        }
    }
}

/// What a check found.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Outcome {
    pub status: Status,
    /// Expected value, human-readable (e.g. `Enabled`).
    pub expected: String,
    /// Actual value, human-readable (e.g. `Suspended`, `not configured`).
    pub actual: String,
    /// Extra explanation (error message, which rule matched, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// For a check that covers every principal of the account (every IAM user, access key,
    /// policy): one outcome per principal, each reported as its own result naming it. The
    /// outcome itself then sums them up. Empty for checks of one resource.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<SubjectOutcome>,
}

/// The outcome of a check on one principal (the subject: a user ARN, an access key, a
/// policy ARN), for checks that cover every principal.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct SubjectOutcome {
    /// Who or what: an ARN, or `ARN (detail)` (e.g. an access key of a user).
    pub subject: String,
    pub outcome: Outcome,
}

impl Outcome {
    /// Passed or failed depending on `ok`.
    pub fn verdict(ok: bool, expected: impl Into<String>, actual: impl Into<String>) -> Self {
        Outcome {
            status: if ok { Status::Passed } else { Status::Failed },
            expected: expected.into(),
            actual: actual.into(),
            detail: None,
            subjects: Vec::new(),
        }
    }

    /// Could not be evaluated.
    pub fn error(expected: impl Into<String>, message: impl Into<String>) -> Self {
        let message = message.into();
        Outcome {
            status: Status::Error,
            expected: expected.into(),
            actual: "could not be evaluated".into(),
            detail: Some(message),
            subjects: Vec::new(),
        }
    }

    /// One outcome per principal, summed up: `failed` when one failed, else `error` when one
    /// could not be evaluated, else `passed`. With no principal at all (`principals`, e.g.
    /// `IAM users`, names what there is none of) the check passes with actual `no
    /// PRINCIPALS`: nothing can be non-compliant, and the report says so.
    pub fn per_subject(
        expected: impl Into<String>,
        principals: &str,
        subjects: Vec<SubjectOutcome>,
    ) -> Self {
        let expected = expected.into();
        if subjects.is_empty() {
            return Outcome::verdict(true, expected, format!("no {principals}")).with_detail(
                format!("the account has no {principals}: none is non-compliant"),
            );
        }
        let count = |status: Status| {
            subjects
                .iter()
                .filter(|s| s.outcome.status == status)
                .count()
        };
        let (failed, errored) = (count(Status::Failed), count(Status::Error));
        let status = if failed > 0 {
            Status::Failed
        } else if errored > 0 {
            Status::Error
        } else {
            Status::Passed
        };
        let mut actual = format!("{failed} of {} {principals} non-compliant", subjects.len());
        if errored > 0 {
            actual.push_str(&format!(", {errored} could not be evaluated"));
        }
        Outcome {
            status,
            expected,
            actual,
            detail: None,
            subjects,
        }
    }

    /// This outcome for `subject`.
    pub fn on(self, subject: impl Into<String>) -> SubjectOutcome {
        SubjectOutcome {
            subject: subject.into(),
            outcome: self,
        }
    }

    /// Attach a detail.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

/// Parameters of a check, parsed: defaults from the catalog, overridden by `CHECK_ID.PARAM`
/// values. Built by [`Params::resolve`], which refuses a value that does not parse (the
/// check is then `error`; a malformed value never becomes the default).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params(BTreeMap<&'static str, ParamValue>);

impl Params {
    /// Resolve and parse the parameters of `def` from a target's `CHECK_ID.PARAM` map.
    pub fn resolve(
        def: &CheckDef,
        overrides: &BTreeMap<String, String>,
    ) -> Result<Params, ParamError> {
        let mut map = BTreeMap::new();
        for p in def.params {
            let raw = overrides
                .get(&format!("{}.{}", def.id, p.name))
                .map(String::as_str)
                .or(p.default);
            if let Some(raw) = raw {
                map.insert(p.name, p.parse(def.id, raw)?);
            }
        }
        Ok(Params(map))
    }

    /// A parsed value.
    pub fn get(&self, name: &str) -> Option<&ParamValue> {
        self.0.get(name)
    }

    /// A text value (key, bucket, digest); `None` when unset.
    pub fn text(&self, name: &str) -> Option<&str> {
        match self.get(name)? {
            ParamValue::Text(t) => Some(t),
            _ => None,
        }
    }

    /// A number of days; `None` when unset.
    pub fn days(&self, name: &str) -> Option<i64> {
        match self.get(name)? {
            ParamValue::Days(d) => Some(*d),
            _ => None,
        }
    }

    /// A whole number ([`crate::catalog::ParamKind::Count`]); `None` when unset.
    pub fn count(&self, name: &str) -> Option<i64> {
        match self.get(name)? {
            ParamValue::Count(n) => Some(*n),
            _ => None,
        }
    }

    /// One of a parameter's allowed values; `None` when unset.
    pub fn choice(&self, name: &str) -> Option<&'static str> {
        match self.get(name)? {
            ParamValue::Choice(c) => Some(c),
            _ => None,
        }
    }

    /// A boolean; `None` when unset.
    pub fn boolean(&self, name: &str) -> Option<bool> {
        match self.get(name)? {
            ParamValue::Boolean(b) => Some(*b),
            _ => None,
        }
    }

    /// Port ranges; `None` when unset.
    pub fn ports(&self, name: &str) -> Option<&[(u16, u16)]> {
        match self.get(name)? {
            ParamValue::Ports(p) => Some(p),
            _ => None,
        }
    }
}

/// Helpers shared by the service evaluators.
pub mod support {
    use super::*;

    /// The property at `path`, or an error outcome when it could not be read.
    /// `Ok(None)` means: readable, not configured.
    pub fn property<'a>(
        obs: &'a Observation,
        path: &str,
        expected: &str,
    ) -> Result<Option<&'a Json>, Outcome> {
        if let Some(err) = obs.error_for(path) {
            return Err(Outcome::error(expected, err.to_string()));
        }
        Ok(obs.get(path))
    }

    /// A JSON array property, or an error outcome when it could not be read, was not read
    /// or is not a list (never an empty list made up).
    pub fn list<'a>(
        obs: &'a Observation,
        name: &str,
        expected: &str,
    ) -> Result<&'a [Json], Outcome> {
        match property(obs, name, expected)? {
            Some(Json::Array(items)) => Ok(items),
            Some(_) => Err(Outcome::error(expected, format!("{name} is not a list"))),
            None => Err(Outcome::error(expected, format!("{name} was not read"))),
        }
    }

    /// A string property; `Ok(None)` when not configured.
    pub fn string<'a>(
        obs: &'a Observation,
        path: &str,
        expected: &str,
    ) -> Result<Option<&'a str>, Outcome> {
        Ok(property(obs, path, expected)?.and_then(Json::as_str))
    }

    /// A boolean property (`true`/`false` or `"true"`/`"false"`); `Ok(None)` when not configured.
    pub fn boolean(obs: &Observation, path: &str, expected: &str) -> Result<Option<bool>, Outcome> {
        Ok(property(obs, path, expected)?.and_then(|v| match v {
            Json::Bool(b) => Some(*b),
            Json::String(s) => s.parse().ok(),
            _ => None,
        }))
    }

    /// A number property; `Ok(None)` when not configured.
    pub fn integer(obs: &Observation, path: &str, expected: &str) -> Result<Option<i64>, Outcome> {
        Ok(property(obs, path, expected)?.and_then(|v| match v {
            Json::Number(n) => n.as_i64(),
            Json::String(s) => s.parse().ok(),
            _ => None,
        }))
    }

    /// Display a JSON value compactly for expected/actual columns.
    pub fn show(v: Option<&Json>) -> String {
        match v {
            None | Some(Json::Null) => "not configured".into(),
            Some(Json::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        }
    }

    /// Whether a KMS key reference (id, alias or ARN) matches `expected` (id, alias or ARN).
    /// A bare key id matches an ARN ending in `key/<id>`; an alias matches `alias/<name>`.
    pub fn kms_key_matches(actual: &str, expected: &str) -> bool {
        if actual == expected {
            return true;
        }
        let tail = |s: &str| s.rsplit(':').next().unwrap_or(s).to_string();
        let norm = |s: &str| {
            let t = tail(s);
            t.strip_prefix("key/").map(str::to_string).unwrap_or(t)
        };
        norm(actual) == norm(expected)
    }
}

/// Evaluate one catalog check on an observation.
///
/// A missing resource fails every check; a resource whose existence is unknown errors.
pub fn evaluate(def: &CheckDef, obs: &Observation, params: &Params) -> Outcome {
    match &obs.existence {
        Existence::Missing => {
            return Outcome::verdict(false, "resource exists", "resource not found");
        }
        Existence::Unknown(err) => return Outcome::error("resource exists", err.clone()),
        Existence::Exists => {}
    }
    let id = def.id;
    match registry::get(id) {
        // A check on a type it does not apply to is an error, never a vacuous pass.
        Some(check) if def.resource_types.is_empty() || def.applies_to(&obs.resource_type) => {
            (check.evaluate)(obs, params)
        }
        _ => Outcome::error(
            def.title,
            format!("check `{id}` has no evaluator for {}", obs.resource_type),
        ),
    }
}

/// Evaluate a check with a target's `CHECK_ID.PARAM` values. A value that does not parse
/// makes the check `error` (it is not evaluated, with the default or otherwise).
pub fn evaluate_with(
    def: &CheckDef,
    obs: &Observation,
    overrides: &BTreeMap<String, String>,
) -> Outcome {
    match Params::resolve(def, overrides) {
        Ok(params) => evaluate(def, obs, &params),
        Err(e) => Outcome::error(
            def.title,
            format!("{e}; the check was not evaluated (a malformed parameter never becomes its default)"),
        ),
    }
}

/// Evaluate a check by id (convenience for tests and the runner).
pub fn evaluate_id(id: &str, obs: &Observation, overrides: &BTreeMap<String, String>) -> Outcome {
    match catalog::get(id) {
        Some(def) => evaluate_with(def, obs, overrides),
        None => Outcome::error(id, format!("unknown check `{id}`")),
    }
}
