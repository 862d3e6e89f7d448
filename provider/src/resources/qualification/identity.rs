//! Identity of `gxp_qualification` (Terraform 1.12 and later): its name and the application
//! and environment its reports are filed under — the chain of reports it continues in the
//! evidence store. Import by identity takes the latest report of that chain.

use tf_provider::schema::IdentitySchema;
use tf_provider::value::{Value, ValueAny};
use tf_provider::{Diagnostics, IdentityData};

use crate::resources::identity::{self, known_string, value_of};
use crate::resources::qualification::state::QualificationState;
use gxp_core::integrity::sequence::ChainId;
use gxp_core::qualification::ReportLabels;
use gxp_core::report::Report;
use gxp_core::spec::canonical::from_canonical_json;

/// Identity attribute: the qualification's name.
pub const NAME: &str = "name";
/// Identity attribute: the application of its reports.
pub const APPLICATION: &str = "application";
/// Identity attribute: the environment of its reports.
pub const ENVIRONMENT: &str = "environment";

/// The identity schema of `gxp_qualification`.
pub fn schema() -> IdentitySchema {
    identity::string_schema(&[
        (NAME, "Name of the qualification (its `name` attribute)."),
        (APPLICATION, "Application of its reports: the provider's `report_labels.application`, else the specification's `system.application_id` (the `application=` partition of the evidence store)."),
        (ENVIRONMENT, "Environment of its reports: the provider's `report_labels.environment`, else the specification's `system.environment` (the `environment=` partition of the evidence store)."),
    ])
}

/// A complete qualification identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualificationIdentity {
    pub name: String,
    pub application: String,
    pub environment: String,
}

impl QualificationIdentity {
    /// The identity of the qualification that filed `report`.
    pub fn of_report(report: &Report) -> Self {
        QualificationIdentity {
            name: report.qualification.name.clone(),
            application: report.system.application.clone(),
            environment: report.system.environment.clone(),
        }
    }

    /// The identity given to import (`identity = { ... }` of an `import` block): every
    /// attribute a non-empty string, else an error per attribute and `None`.
    pub fn from_given(diags: &mut Diagnostics, given: &IdentityData) -> Option<Self> {
        let [name, application, environment] = identity::required_strings(
            diags,
            given,
            [NAME, APPLICATION, ENVIRONMENT],
            "Give the qualification's name and the application and environment of its reports, e.g. `identity = { name = \"lims-prod-iq\", application = \"lims\", environment = \"prod\" }`.",
        )?;
        Some(QualificationIdentity {
            name,
            application,
            environment,
        })
    }

    /// As identity data.
    pub fn data(&self) -> IdentityData {
        identity::data([
            (NAME, ValueAny::String(self.name.clone())),
            (APPLICATION, ValueAny::String(self.application.clone())),
            (ENVIRONMENT, ValueAny::String(self.environment.clone())),
        ])
    }

    /// The chain of reports this identity names.
    pub fn chain(&self) -> ChainId {
        ChainId {
            qualification: self.name.clone(),
            application: self.application.clone(),
            environment: self.environment.clone(),
        }
    }

    /// `name`, `application` and `environment`, for messages.
    pub fn describe(&self) -> String {
        format!(
            "name `{}`, application `{}`, environment `{}`",
            self.name, self.application, self.environment
        )
    }
}

/// The application and environment of the reports of a qualification of the canonical
/// specification `spec_document`, with the provider's `labels`: each label, else the
/// specification's `system`. `None` when the document is not a canonical specification.
pub fn system_of(spec_document: &str, labels: &ReportLabels) -> Option<(String, String)> {
    let spec = from_canonical_json(spec_document).ok()?;
    Some((
        labels
            .application
            .clone()
            .unwrap_or(spec.system.application_id),
        labels
            .environment
            .clone()
            .unwrap_or(spec.system.environment),
    ))
}

/// The application and environment of a `known` identity of the qualification `name`
/// (`None` when it is incomplete or names another qualification).
fn known_system(known: Option<&IdentityData>, name: &Value<String>) -> Option<(String, String)> {
    let known = known?;
    let Value::Value(name) = name else {
        return None;
    };
    if known_string(known, NAME) != Some(name.as_str()) {
        return None;
    }
    Some((
        known_string(known, APPLICATION)?.to_string(),
        known_string(known, ENVIRONMENT)?.to_string(),
    ))
}

/// The identity of the qualification in `state`, `labels` being the provider's report
/// labels (`None` while they are not known) and `known` the identity Terraform holds.
///
/// Application and environment come from the state's specification document with the
/// labels; without either (an imported state has no document yet) from `known`, so a
/// refresh keeps the identity; else from the document alone. `None` (no identity) when
/// none of these gives them, e.g. while the document is unknown on create: the apply
/// returns it.
pub fn of_state(
    state: &QualificationState,
    labels: Option<&ReportLabels>,
    known: Option<&IdentityData>,
) -> Option<IdentityData> {
    let document = state.spec_document.as_ref_option();
    let system = document
        .zip(labels)
        .and_then(|(doc, labels)| system_of(doc, labels))
        .or_else(|| known_system(known, &state.name))
        .or_else(|| document.and_then(|doc| system_of(doc, &ReportLabels::default())))?;
    if !state.name.is_value() {
        return None;
    }
    Some(identity::data([
        (NAME, value_of(&state.name)),
        (APPLICATION, ValueAny::String(system.0)),
        (ENVIRONMENT, ValueAny::String(system.1)),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use gxp_core::report::formats::sample_report;

    /// A canonical specification document of application `app` in `env`.
    fn document(app: &str, env: &str) -> String {
        let spec = gxp_core::spec::model::Spec {
            name: "lims-spec".into(),
            system: gxp_core::spec::model::System {
                application_id: app.into(),
                environment: env.into(),
                ..Default::default()
            },
            ..Default::default()
        };
        gxp_core::spec::canonical::canonical_json(&spec)
    }

    fn state(name: &str, doc: Value<String>) -> QualificationState {
        QualificationState {
            name: Value::Value(name.into()),
            spec_document: doc,
            ..Default::default()
        }
    }

    fn id(name: &str, app: &str, env: &str) -> QualificationIdentity {
        QualificationIdentity {
            name: name.into(),
            application: app.into(),
            environment: env.into(),
        }
    }

    #[test]
    fn the_identity_is_the_chain_the_reports_are_filed_in() {
        let s = state("q", Value::Value(document("lims", "prod")));
        let none = ReportLabels::default();
        assert_eq!(
            of_state(&s, Some(&none), None),
            Some(id("q", "lims", "prod").data())
        );
        // Report labels win over the specification's system, as in the report.
        let labels = ReportLabels {
            application: Some("lims-eu".into()),
            environment: None,
        };
        assert_eq!(
            of_state(&s, Some(&labels), None),
            Some(id("q", "lims-eu", "prod").data())
        );
    }

    #[test]
    fn a_refresh_of_an_imported_state_keeps_the_identity_it_was_imported_with() {
        // Imported: no specification document yet.
        let s = state("q", Value::Null);
        let known = id("q", "lims", "prod").data();
        assert_eq!(
            of_state(&s, Some(&ReportLabels::default()), Some(&known)),
            Some(known.clone())
        );
        // An identity of another name is not this qualification's.
        assert_eq!(
            of_state(&state("other", Value::Null), None, Some(&known)),
            None
        );
        // Nothing to go on: no identity rather than a wrong one.
        assert_eq!(of_state(&s, Some(&ReportLabels::default()), None), None);
    }

    #[test]
    fn an_unknown_document_keeps_the_prior_identity_or_gives_none() {
        let s = state("q", Value::Unknown);
        let prior = id("q", "lims", "prod").data();
        assert_eq!(
            of_state(&s, Some(&ReportLabels::default()), Some(&prior)),
            Some(prior)
        );
        // On create (no prior identity) the apply gives it.
        assert_eq!(of_state(&s, Some(&ReportLabels::default()), None), None);
        // Unknown name: no identity.
        let mut unknown_name = state("q", Value::Value(document("lims", "prod")));
        unknown_name.name = Value::Unknown;
        assert_eq!(
            of_state(&unknown_name, Some(&ReportLabels::default()), None),
            None
        );
    }

    #[test]
    fn without_provider_labels_the_known_identity_wins_over_the_document() {
        let s = state("q", Value::Value(document("lims", "prod")));
        let known = id("q", "lims-eu", "prod").data();
        assert_eq!(of_state(&s, None, Some(&known)), Some(known));
        assert_eq!(
            of_state(&s, None, None),
            Some(id("q", "lims", "prod").data())
        );
    }

    #[test]
    fn an_imported_report_gives_its_chain() {
        let report = sample_report();
        let found = QualificationIdentity::of_report(&report);
        assert_eq!(found.name, report.qualification.name);
        assert_eq!(found.application, report.system.application);
        assert_eq!(found.chain(), ChainId::of(&report));
    }

    #[test]
    fn a_given_identity_needs_all_three_attributes() {
        let mut diags = Diagnostics::default();
        let complete = id("q", "lims", "prod");
        assert_eq!(
            QualificationIdentity::from_given(&mut diags, &complete.data()),
            Some(complete)
        );
        let mut partial = id("q", "lims", "prod").data();
        partial.insert(ENVIRONMENT.into(), ValueAny::Null);
        assert_eq!(
            QualificationIdentity::from_given(&mut diags, &partial),
            None
        );
        assert_eq!(diags.errors.len(), 1);
        assert!(diags.errors[0]
            .detail
            .contains("`identity.environment` is not set"));
    }

    #[test]
    fn the_schema_has_the_three_attributes_required_for_import() {
        let s = schema();
        let names: Vec<&str> = s.attributes.keys().map(String::as_str).collect();
        assert_eq!(names, [APPLICATION, ENVIRONMENT, NAME]);
        assert!(s.attributes.values().all(|a| a.required_for_import));
    }
}
