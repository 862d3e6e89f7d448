//! The human-readable report as a document: titled sections of fields, tables and
//! paragraphs, laid out like the AWS IQ/OQ report. The HTML and PDF renderers both draw this
//! one document, so the two always carry the same content.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::catalog::Stage;
use crate::checks::Status;
use crate::observe::Existence;

use crate::approval::{SignatureRecord, SignatureStatus};

use super::{CheckResult, Report, TraceRow};

/// A rendered report: a title block and sections.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub title: String,
    /// Title block: label → value (application, environment, report id, ...).
    pub header: Vec<(String, String)>,
    /// Overall status, shown in the title block.
    pub status: Status,
    pub sections: Vec<Section>,
}

/// One section, with a stable id (the HTML `id`).
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    pub id: &'static str,
    pub title: String,
    pub blocks: Vec<Block>,
}

/// A piece of a section.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Heading(String),
    Paragraph(String),
    /// Label → value pairs.
    Fields(Vec<(String, String)>),
    Table(Table),
    /// Blank sign-off lines for people to sign on a printed copy: one row per role (e.g.
    /// `Reviewed by (quality unit)`), each with the [`SIGNOFF_FIELDS`] left blank.
    SignOff(Vec<String>),
}

/// The blank fields of each sign-off row: printed name, handwritten signature, date and time.
pub const SIGNOFF_FIELDS: [&str; 3] = ["Printed name", "Signature", "Date and time"];

/// A table; each row has one cell per column.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// Shown instead of an empty table.
    pub empty: String,
    /// Anchor of each row (the HTML `id` of its `<tr>`), or empty for a table without anchors.
    pub row_ids: Vec<String>,
}

/// A table column: its heading and relative width (for page layouts).
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub title: &'static str,
    pub width: f32,
}

/// A table cell; text may hold line breaks.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    /// A check status, drawn as a coloured label.
    Status(Status),
    /// References to anchored rows elsewhere in the document, one per line (links in HTML).
    Links(Vec<Link>),
}

/// A reference to an anchored table row: a result of the results table.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// The row's anchor (see [`Table::row_ids`]).
    pub anchor: String,
    pub text: String,
    /// Status of what is referenced, when it has one (for colour).
    pub status: Option<Status>,
}

impl Cell {
    /// The cell as text.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(t) => Cow::Borrowed(t),
            Cell::Status(s) => Cow::Borrowed(status_label(*s)),
            Cell::Links(links) => Cow::Owned(
                links
                    .iter()
                    .map(|l| l.text.as_str())
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        }
    }
}

/// Anchor of the result at `index` of the report's results: `result-INDEX`.
pub fn result_anchor(index: u64) -> String {
    format!("result-{index}")
}

/// Label of a status for people: `PASS`, `FAIL`, `ERROR`, `SUPPRESSED`.
pub fn status_label(status: Status) -> &'static str {
    match status {
        Status::Passed => "PASS",
        Status::Failed => "FAIL",
        Status::Error => "ERROR",
        Status::Suppressed => "SUPPRESSED",
    }
}

/// One-sentence summary of the counts, e.g. `5 checks: 2 passed, 1 failed, 1 error, 1 suppressed.`
pub fn summary_sentence(report: &Report) -> String {
    let s = &report.summary;
    format!(
        "{} checks: {} passed, {} failed, {} error, {} suppressed.",
        s.total, s.passed, s.failed, s.error, s.suppressed
    )
}

fn t(text: impl Into<String>) -> Cell {
    Cell::Text(text.into())
}

fn col(title: &'static str, width: f32) -> Column {
    Column { title, width }
}

fn table(columns: Vec<Column>, rows: Vec<Vec<Cell>>, empty: &str) -> Block {
    Block::Table(Table {
        columns,
        rows,
        empty: empty.to_string(),
        row_ids: vec![],
    })
}

fn field(label: &str, value: impl Into<String>) -> (String, String) {
    (label.to_string(), value.into())
}

fn or_none(value: &Option<String>, none: &str) -> String {
    value.clone().unwrap_or_else(|| none.to_string())
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// Build the document of a report.
pub fn build(report: &Report) -> Document {
    let header = vec![
        field("Application", &report.system.application),
        field("Environment", &report.system.environment),
        field("Qualification", &report.qualification.name),
        field(
            "Specification",
            format!("{} {}", report.spec.name, report.spec.version),
        ),
        field("Report id", &report.report_id),
        field("Finished at", &report.run.finished_at),
        field("Result", summary_sentence(report)),
    ];
    Document {
        title: format!(
            "{} qualification report — {} / {}",
            stages_text(&report.qualification.stages),
            report.system.application,
            report.system.environment
        ),
        header,
        status: report.summary.status,
        sections: vec![
            application(report),
            iq(report),
            oq(report),
            results(report),
            summary(report),
            traceability(report),
            suppressions(report),
            drift(report),
            notes(report),
            integrity(report),
            signatures(report),
        ],
    }
}

fn stages_text(stages: &[Stage]) -> String {
    if stages.is_empty() {
        return "IQ/OQ/PQ".into();
    }
    stages
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join("/")
}

fn application(r: &Report) -> Section {
    let gamp = r
        .system
        .gamp_category
        .map(|c| c.to_string())
        .unwrap_or_else(|| "not stated".into());
    let enforce = if r.qualification.enforce {
        "yes — failed or unevaluable checks fail the apply"
    } else {
        "no — results are reported only"
    };
    Section {
        id: "application",
        title: "Application information".into(),
        blocks: vec![
            Block::Heading("System".into()),
            Block::Fields(vec![
                field("Application", &r.system.application),
                field("Environment", &r.system.environment),
                field("GAMP category", gamp),
                field("Risk class", or_none(&r.system.risk_class, "not stated")),
            ]),
            Block::Heading("Specification".into()),
            Block::Fields(vec![
                field("Name", &r.spec.name),
                field("Version", &r.spec.version),
                field("Digest (SHA-256)", &r.spec.digest),
                field("Approved by", &r.spec.approval.approved_by),
                field("Approved at", &r.spec.approval.approved_at),
                field("Change reference", &r.spec.approval.change_reference),
                field("Approval reason", or_none(&r.spec.approval.reason, "—")),
            ]),
            Block::Heading("Qualification run".into()),
            Block::Fields(
                [
                    field("Qualification", &r.qualification.name),
                    field("Sequence", r.qualification.sequence.to_string()),
                    field("Stages", stages_text(&r.qualification.stages)),
                    field("Enforced", enforce),
                    field("Reasons", r.qualification.reasons.join("; ")),
                ]
                .into_iter()
                .chain(enumerated_field(r))
                .chain([
                    field("Started at", &r.run.started_at),
                    field("Finished at", &r.run.finished_at),
                    field("Run by", or_none(&r.run.caller_arn, "unknown")),
                    field("Account", or_none(&r.run.account, "unknown")),
                    field("Region", &r.run.region),
                    field("Provider version", &r.run.provider_version),
                    field("Terraform version", &r.run.terraform_version),
                    field(
                        "Configuration commit",
                        or_none(&r.run.configuration_commit, "not given"),
                    ),
                ])
                .collect(),
            ),
            Block::Heading("Evidence store".into()),
            Block::Fields(vec![
                field("Location", &r.evidence_store.location),
                field("Protected", yes_no(r.evidence_store.protected)),
                field("Protection", &r.evidence_store.protection),
                field(
                    "Unprotected store accepted",
                    yes_no(r.evidence_store.unprotected_store_allowed),
                ),
            ]),
        ],
    }
}

/// The "Enumerated types" line of a qualification with `discovery.enumerate_types`: each type,
/// the call that lists it and whether its resources are filtered by the discovery tags.
fn enumerated_field(r: &Report) -> Option<(String, String)> {
    let types = &r.qualification.discovery_enumerate_types;
    if types.is_empty() {
        return None;
    }
    let lines: Vec<String> = types
        .iter()
        .map(|ty| match crate::observe::enumeration::for_type(ty) {
            Some(e) => match e.tags {
                crate::observe::enumeration::TagSupport::None(why) => {
                    format!("{ty} through {} (no tag filter: {why})", e.source)
                }
                crate::observe::enumeration::TagSupport::Read => {
                    format!("{ty} through {} (carrying every discovery tag)", e.source)
                }
            },
            None => format!("{ty} (no enumerator in this provider version)"),
        })
        .collect();
    Some(field("Enumerated types", lines.join("; ")))
}

fn key_values(map: &BTreeMap<String, String>) -> Vec<Vec<Cell>> {
    map.iter().map(|(k, v)| vec![t(k), t(v)]).collect()
}

fn iq(r: &Report) -> Section {
    let mut blocks = vec![Block::Paragraph(
        "Installation qualification: the CloudFormation stacks and the expected resources as \
         installed, and the installation checks run on them."
            .into(),
    )];
    if r.stacks.is_empty() {
        blocks.push(Block::Paragraph(
            "No CloudFormation stack is part of the specification.".into(),
        ));
    }
    for s in &r.stacks {
        blocks.push(Block::Heading(format!("Stack {}", s.name)));
        let drift = match (&s.cfn_drift_status, &s.cfn_drift_note) {
            (Some(status), _) => status.clone(),
            (None, Some(note)) => format!("not detected: {note}"),
            (None, None) => "not detected".into(),
        };
        let mut fields = vec![
            field("Status", or_none(&s.status, "does not exist")),
            field("Stack id", or_none(&s.stack_id, "—")),
            field("Template SHA-256", or_none(&s.template_sha256, "—")),
            field("Last updated", or_none(&s.last_updated, "—")),
            field("CloudFormation drift", drift),
        ];
        for (part, err) in &s.errors {
            fields.push(field(&format!("Read error ({part})"), err));
        }
        blocks.push(Block::Fields(fields));
        blocks.push(table(
            vec![col("Output", 1.0), col("Value", 3.0)],
            key_values(&s.outputs),
            "No outputs.",
        ));
        blocks.push(table(
            vec![col("Parameter", 1.0), col("Value", 3.0)],
            key_values(&s.parameters),
            "No parameters.",
        ));
        blocks.push(table(
            vec![
                col("Logical id", 1.0),
                col("Type", 1.0),
                col("Physical id", 2.0),
            ],
            s.resources
                .iter()
                .map(|(id, (ty, phys))| vec![t(id), t(ty), t(phys)])
                .collect(),
            "No resources.",
        ));
    }
    blocks.push(Block::Heading("Expected resources".into()));
    blocks.push(table(
        vec![
            col("Key", 1.2),
            col("Type", 1.2),
            col("Identifier", 2.0),
            col("ARN", 2.0),
            col("Existence", 1.0),
            col("Unreadable properties", 2.0),
        ],
        r.observations
            .iter()
            .map(|o| {
                let existence = match &o.existence {
                    Existence::Exists => "exists".to_string(),
                    Existence::Missing => "missing".to_string(),
                    Existence::Unknown(why) => format!("unknown: {why}"),
                };
                let errors: Vec<String> =
                    o.errors.iter().map(|(p, e)| format!("{p}: {e}")).collect();
                vec![
                    t(&o.key),
                    t(&o.resource_type),
                    t(&o.identifier),
                    t(or_none(&o.arn, "—")),
                    t(existence),
                    t(if errors.is_empty() {
                        "—".to_string()
                    } else {
                        errors.join("\n")
                    }),
                ]
            })
            .collect(),
        "No resources were observed.",
    ));
    if let Some(soup) = &r.soup {
        blocks.extend(soup_blocks(soup));
    }
    blocks.push(Block::Heading("Installation checks".into()));
    blocks.push(table(
        vec![
            col("Check", 1.6),
            col("Title", 1.8),
            col("Target", 1.4),
            col("Property", 1.4),
            col("Expected", 3.0),
        ],
        r.results
            .iter()
            .filter(|x| x.stage == Stage::Iq)
            .map(|x| {
                vec![
                    t(&x.check_id),
                    t(&x.title),
                    t(&x.target),
                    t(x.property.clone().unwrap_or_else(|| "—".into())),
                    t(&x.expected),
                ]
            })
            .collect(),
        "No installation checks were run.",
    ));
    Section {
        id: "iq",
        title: "IQ build specification".into(),
        blocks,
    }
}

/// The SOUP subsection of the IQ section: Terraform, the lock file, providers and modules.
fn soup_blocks(soup: &crate::soup::SoupInventory) -> Vec<Block> {
    let mut fields = vec![
        field(
            "Terraform version",
            if soup.terraform_version.is_empty() {
                "not given by Terraform"
            } else {
                &soup.terraform_version
            },
        ),
        field("Working directory", &soup.working_directory),
        field("Lock file (.terraform.lock.hcl)", soup.lock_file.describe()),
        field("Module manifest", soup.modules_manifest.describe()),
    ];
    if let Some(e) = &soup.installed_error {
        fields.push(field("Installed providers", format!("unreadable: {e}")));
    }
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    vec![
        Block::Heading("Software of unknown provenance (SOUP)".into()),
        Block::Fields(fields),
        table(
            vec![
                col("Source", 2.2),
                col("Locked version", 1.0),
                col("Constraints", 1.0),
                col("Installed", 1.4),
                col("Hashes", 2.2),
                col("Note", 1.6),
            ],
            soup.providers
                .iter()
                .map(|p| {
                    let hashes = match p.hashes.iter().find(|h| h.starts_with("h1:")) {
                        Some(h1) => format!("{}: {h1}", p.hashes.len()),
                        None => p.hashes.len().to_string(),
                    };
                    let mut note = Vec::new();
                    if p.this_provider {
                        note.push(format!(
                            "this provider{}",
                            p.running_version
                                .as_ref()
                                .map(|v| format!(", running {v}"))
                                .unwrap_or_default()
                        ));
                    }
                    note.extend(p.note.clone());
                    vec![
                        t(&p.source),
                        t(dash(&p.locked_version)),
                        t(dash(&p.constraints)),
                        t(if p.installed.is_empty() {
                            "—".to_string()
                        } else {
                            p.installed.join("\n")
                        }),
                        t(hashes),
                        t(if note.is_empty() {
                            "—".to_string()
                        } else {
                            note.join("; ")
                        }),
                    ]
                })
                .collect(),
            "No provider.",
        ),
        table(
            vec![col("Module", 1.2), col("Source", 3.0), col("Version", 1.0)],
            soup.modules
                .iter()
                .map(|m| vec![t(&m.key), t(&m.source), t(dash(&m.version))])
                .collect(),
            "No module installed by terraform init.",
        ),
    ]
}

fn oq(r: &Report) -> Section {
    let mut blocks = vec![Block::Paragraph(
        "Operational (OQ) and performance (PQ) qualification: the checks run on each resource \
         after the build, with the configuration each expects."
            .into(),
    )];
    let mut targets: Vec<(&str, Vec<&CheckResult>)> = Vec::new();
    for x in r.results.iter().filter(|x| x.stage != Stage::Iq) {
        match targets.iter_mut().find(|(k, _)| *k == x.target) {
            Some((_, list)) => list.push(x),
            None => targets.push((&x.target, vec![x])),
        }
    }
    if targets.is_empty() {
        blocks.push(Block::Paragraph("No OQ or PQ checks were run.".into()));
    }
    for (target, list) in targets {
        let first = list[0];
        blocks.push(Block::Heading(format!(
            "{target} — {} {}",
            first.resource_type, first.identifier
        )));
        blocks.push(table(
            vec![
                col("Check", 1.6),
                col("Stage", 0.5),
                col("Title", 1.8),
                col("Expected", 2.6),
                col("Severity", 0.8),
                col("Controls", 1.4),
            ],
            list.iter()
                .enumerate()
                // A check of every principal is listed once, not once per principal.
                .filter(|(i, x)| {
                    x.subject.is_none()
                        || !list[..*i]
                            .iter()
                            .any(|y| y.subject.is_some() && y.check_id == x.check_id)
                })
                .map(|(_, x)| {
                    vec![
                        t(&x.check_id),
                        t(x.stage.as_str()),
                        t(&x.title),
                        t(&x.expected),
                        t(x.severity.as_str()),
                        t(x.controls.join("\n")),
                    ]
                })
                .collect(),
            "",
        ));
    }
    Section {
        id: "oq",
        title: "OQ post-build specification".into(),
        blocks,
    }
}

fn results(r: &Report) -> Section {
    let rows = r
        .results
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let mut actual = x.actual.clone();
            if let Some(d) = &x.detail {
                actual.push('\n');
                actual.push_str(d);
            }
            // A failed check says how to put it right; an error is not a finding to remedy.
            if x.status == Status::Failed {
                actual.push_str(&format!("\nremediation: {}", x.remediation));
            }
            if let Some(s) = &x.suppression {
                actual.push_str(&format!("\nsuppressed: {}", s.reason));
            }
            vec![
                t(i.to_string()),
                t(&x.check_id),
                t(&x.title),
                t(x.stage.as_str()),
                t(&x.target),
                t(match &x.subject {
                    Some(who) => format!("{}\nprincipal: {who}", x.identifier),
                    None => x.identifier.clone(),
                }),
                t(x.property.clone().unwrap_or_else(|| "—".into())),
                t(&x.expected),
                t(actual),
                Cell::Status(x.status),
                t(x.controls.join("\n")),
            ]
        })
        .collect();
    Section {
        id: "results",
        title: "Expected vs actual".into(),
        blocks: vec![
            Block::Paragraph(
                "Every check on every resource: the expected value, the actual value and the \
                 result. # is the result's index in the JSON report (`results/#`), which the \
                 traceability matrix refers to."
                    .into(),
            ),
            Block::Table(Table {
                columns: vec![
                    col("#", 0.35),
                    col("Check", 1.55),
                    col("Title", 1.3),
                    col("Stage", 0.45),
                    col("Target", 1.1),
                    col("Identifier", 1.4),
                    col("Property", 1.0),
                    col("Expected", 1.6),
                    col("Actual", 1.6),
                    col("Status", 0.85),
                    col("Controls", 1.15),
                ],
                rows,
                empty: "No checks were run.".into(),
                row_ids: (0..r.results.len() as u64).map(result_anchor).collect(),
            }),
        ],
    }
}

/// Counts of one group of results: total, passed, failed, error, suppressed.
fn counts<'a>(results: impl Iterator<Item = &'a CheckResult>) -> [i64; 5] {
    let mut c = [0; 5];
    for r in results {
        c[0] += 1;
        c[match r.status {
            Status::Passed => 1,
            Status::Failed => 2,
            Status::Error => 3,
            Status::Suppressed => 4,
        }] += 1;
    }
    c
}

fn summary(r: &Report) -> Section {
    let mut stages: Vec<Stage> = r.qualification.stages.clone();
    for x in &r.results {
        if !stages.contains(&x.stage) {
            stages.push(x.stage);
        }
    }
    stages.sort();
    let row = |label: &str, c: [i64; 5]| {
        let mut cells = vec![t(label)];
        cells.extend(c.iter().map(|n| t(n.to_string())));
        cells
    };
    let mut rows: Vec<Vec<Cell>> = stages
        .iter()
        .map(|s| {
            row(
                s.as_str(),
                counts(r.results.iter().filter(|x| x.stage == *s)),
            )
        })
        .collect();
    let s = &r.summary;
    rows.push(row(
        "All stages",
        [s.total, s.passed, s.failed, s.error, s.suppressed],
    ));
    Section {
        id: "summary",
        title: "Summary".into(),
        blocks: vec![
            Block::Paragraph(summary_sentence(r)),
            Block::Fields(vec![field("Overall result", status_label(s.status))]),
            table(
                vec![
                    col("Stage", 1.5),
                    col("Total", 1.0),
                    col("Passed", 1.0),
                    col("Failed", 1.0),
                    col("Error", 1.0),
                    col("Suppressed", 1.0),
                ],
                rows,
                "",
            ),
        ],
    }
}

/// One line per result of a traceability row: `#INDEX CHECK @ TARGET [PROPERTY]: STATUS`.
fn trace_links(row: &TraceRow) -> Cell {
    Cell::Links(
        row.results
            .iter()
            .map(|x| {
                let property = x
                    .property
                    .as_deref()
                    .map(|p| format!(" {p}"))
                    .unwrap_or_default();
                let subject = x
                    .subject
                    .as_deref()
                    .map(|who| format!(" ({who})"))
                    .unwrap_or_default();
                Link {
                    anchor: result_anchor(x.result_index),
                    text: format!(
                        "#{} {} @ {}{subject}{property}: {}",
                        x.result_index,
                        x.check_id,
                        x.target,
                        status_label(x.status)
                    ),
                    status: Some(x.status),
                }
            })
            .collect(),
    )
}

fn traceability(r: &Report) -> Section {
    Section {
        id: "traceability",
        title: "Traceability matrix".into(),
        blocks: vec![
            Block::Paragraph(
                "Each requirement of the specification, the regulatory controls it addresses, \
                 every result of the checks that verify it (# refers to the row of the expected \
                 vs actual table and to `results/#` in the JSON report), their combined result \
                 and where the evidence is filed."
                    .into(),
            ),
            table(
                vec![
                    col("Requirement", 0.9),
                    col("Text", 1.8),
                    col("Controls", 1.1),
                    col("Results", 3.0),
                    col("Status", 0.8),
                    col("Evidence", 2.1),
                ],
                r.traceability
                    .iter()
                    .map(|x| {
                        let results = if x.results.is_empty() && !x.checks.is_empty() {
                            // A report written before results were traced: the checks only.
                            t(x.checks.join("\n"))
                        } else if x.results.is_empty() {
                            t("no check traces to this requirement")
                        } else {
                            trace_links(x)
                        };
                        vec![
                            t(&x.requirement),
                            t(&x.text),
                            t(x.controls.join("\n")),
                            results,
                            Cell::Status(x.status),
                            t(&x.evidence),
                        ]
                    })
                    .collect(),
                "The specification states no requirements.",
            ),
        ],
    }
}

fn suppressions(r: &Report) -> Section {
    Section {
        id: "suppressions",
        title: "Suppressions".into(),
        blocks: vec![table(
            vec![
                col("Check", 1.4),
                col("Resource", 1.2),
                col("Reason", 2.8),
                col("Approved by", 1.4),
                col("Expires", 0.9),
                col("State", 0.7),
            ],
            r.suppressions
                .iter()
                .map(|s| {
                    vec![
                        t(&s.check),
                        t(&s.resource_key),
                        t(&s.reason),
                        t(&s.approved_by),
                        t(or_none(&s.expires, "never")),
                        t(&s.state),
                    ]
                })
                .collect(),
            "The specification has no suppressions.",
        )],
    }
}

fn drift(r: &Report) -> Section {
    Section {
        id: "drift",
        title: "Drift".into(),
        blocks: vec![
            Block::Paragraph(
                "Properties that changed since the previous qualification, by class \
                 (security: CAPA; functional: review; cosmetic: log)."
                    .into(),
            ),
            table(
                vec![
                    col("Target", 1.0),
                    col("Type", 1.1),
                    col("Identifier", 1.5),
                    col("Property", 1.2),
                    col("Class", 0.8),
                    col("Qualified", 1.7),
                    col("Current", 1.7),
                ],
                r.drift
                    .iter()
                    .map(|d| {
                        vec![
                            t(&d.target),
                            t(&d.resource_type),
                            t(&d.identifier),
                            t(&d.property),
                            t(d.class.as_str()),
                            t(&d.qualified),
                            t(&d.current),
                        ]
                    })
                    .collect(),
                "No drift was recorded for this run.",
            ),
        ],
    }
}

fn notes(r: &Report) -> Section {
    let blocks = if r.notes.is_empty() {
        vec![Block::Paragraph("None.".into())]
    } else {
        r.notes
            .iter()
            .map(|n| Block::Paragraph(n.clone()))
            .collect()
    };
    Section {
        id: "notes",
        title: "Notes".into(),
        blocks,
    }
}

fn integrity(r: &Report) -> Section {
    Section {
        id: "integrity",
        title: "Integrity".into(),
        blocks: vec![
            Block::Fields(vec![
                field("Report id", &r.report_id),
                field("Report format", &r.format),
                field("Position in chain", r.qualification.sequence.to_string()),
                field("SHA-256 of this report (canonical JSON)", super::sha256(r)),
                field(
                    "SHA-256 of the previous report",
                    or_none(
                        &r.previous_report_sha256,
                        "none — first report of this qualification",
                    ),
                ),
            ]),
            Block::Paragraph(format!(
                "The evidence record is the canonical JSON report filed at {} with its SHA-256 \
                 beside it (.sha256); this document renders that record. Each report names the \
                 SHA-256 of the previous report of its qualification, so a removed or altered \
                 report breaks the chain.",
                r.evidence_store.location
            )),
        ],
    }
}

/// How a signature's verification reads for people: `verified (allowed_signers, offline)`,
/// or `NOT VERIFIED: stale — WHY`.
fn verification_text(s: &SignatureRecord) -> String {
    if s.status == SignatureStatus::Verified {
        let by = s.verified_by.replace(" (", ", ").replace(')', "");
        return if by.is_empty() {
            "verified".into()
        } else {
            format!("verified ({by})")
        };
    }
    let status = s.status.as_str().replace('_', " ");
    match &s.detail {
        Some(why) => format!("NOT VERIFIED: {status} — {why}"),
        None => format!("NOT VERIFIED: {status}"),
    }
}

/// The signature page: the specification's electronic signatures as verified, who executed
/// the run, and blank lines for the quality unit to review and approve the printed report.
fn signatures(r: &Report) -> Section {
    let spec = &r.spec;
    let mut blocks = vec![Block::Heading("Specification signatures".into())];
    if !spec.signatures.is_empty() {
        blocks.push(Block::Paragraph(format!(
            "Each signer signed the statement {} over the specification's signing digest {} \
             (see the Electronic signatures and approval guide).",
            crate::approval::statement::FORMAT,
            spec.signing_digest.as_deref().unwrap_or(&spec.digest)
        )));
    }
    blocks.push(table(
        vec![
            col("Printed name", 1.3),
            col("Signer", 1.4),
            col("Meaning", 0.8),
            col("Signed at", 1.2),
            col("Method", 0.6),
            col("Key", 1.8),
            col("Verification", 1.4),
        ],
        spec.signatures
            .iter()
            .map(|s| {
                let key = match &s.algorithm {
                    Some(a) => format!("{}\n{a}", s.key),
                    None => s.key.clone(),
                };
                vec![
                    t(&s.printed_name),
                    t(&s.signer),
                    t(&s.meaning),
                    t(&s.signed_at),
                    t(&s.method),
                    t(key),
                    t(verification_text(s)),
                ]
            })
            .collect(),
        &format!(
            "The specification carries no electronic signatures; its approval is recorded as \
             approved by {} at {} (change {}).",
            spec.approval.approved_by, spec.approval.approved_at, spec.approval.change_reference
        ),
    ));
    let required = if spec.required_signatures.is_empty() {
        "none".to_string()
    } else {
        spec.required_signatures.join(", ")
    };
    let met = match spec.signature_policy_met {
        Some(b) => yes_no(b),
        None => "—",
    };
    blocks.push(Block::Fields(vec![
        field("Required signatures", required),
        field("Policy met", met),
    ]));
    blocks.push(Block::Heading("Executed by".into()));
    blocks.push(Block::Fields(vec![
        field("Run by", or_none(&r.run.caller_arn, "unknown")),
        field("Account", or_none(&r.run.account, "unknown")),
        field("Region", &r.run.region),
        field(
            "Configuration commit",
            or_none(&r.run.configuration_commit, "not given"),
        ),
        field("Terraform version", &r.run.terraform_version),
        field("Provider version", &r.run.provider_version),
        field("Started at", &r.run.started_at),
        field("Finished at", &r.run.finished_at),
    ]));
    blocks.push(Block::Heading("Quality unit review and approval".into()));
    blocks.push(Block::Paragraph(format!(
        "Sign below on the printed copy; the signed copy is filed with report {} (SHA-256 of \
         the canonical JSON report {}).",
        r.report_id,
        super::sha256(r)
    )));
    blocks.push(Block::SignOff(vec![
        "Reviewed by (quality unit)".into(),
        "Approved by (quality unit)".into(),
    ]));
    Section {
        id: "signatures",
        title: "Signatures and approval".into(),
        blocks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::formats::{sample_report, signed_sample_report};

    fn section<'a>(doc: &'a Document, id: &str) -> &'a Section {
        doc.sections.iter().find(|s| s.id == id).unwrap()
    }

    fn tables(s: &Section) -> Vec<&Table> {
        s.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(tb) => Some(tb),
                _ => None,
            })
            .collect()
    }

    fn fields_of(s: &Section) -> Vec<(String, String)> {
        s.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Fields(f) => Some(f.clone()),
                _ => None,
            })
            .flatten()
            .collect()
    }

    fn value<'a>(fields: &'a [(String, String)], label: &str) -> &'a str {
        &fields
            .iter()
            .find(|(l, _)| l == label)
            .unwrap_or_else(|| panic!("no field {label}"))
            .1
    }

    #[test]
    fn document_has_every_section_once_in_order() {
        let doc = build(&sample_report());
        let ids: Vec<&str> = doc.sections.iter().map(|s| s.id).collect();
        assert_eq!(
            ids,
            [
                "application",
                "iq",
                "oq",
                "results",
                "summary",
                "traceability",
                "suppressions",
                "drift",
                "notes",
                "integrity",
                "signatures"
            ]
        );
        assert_eq!(doc.status, Status::Failed);
    }

    #[test]
    fn tables_are_rectangular_and_results_complete() {
        let report = sample_report();
        let doc = build(&report);
        for s in &doc.sections {
            for b in &s.blocks {
                if let Block::Table(tb) = b {
                    for row in &tb.rows {
                        assert_eq!(row.len(), tb.columns.len(), "section {}", s.id);
                    }
                }
            }
        }
        let results = doc.sections.iter().find(|s| s.id == "results").unwrap();
        let Some(Block::Table(tb)) = results.blocks.iter().find(|b| matches!(b, Block::Table(_)))
        else {
            panic!("no results table")
        };
        assert_eq!(tb.rows.len(), report.results.len());
        let statuses: Vec<Cow<str>> = tb.rows.iter().map(|r| r[9].text()).collect();
        assert_eq!(statuses, ["PASS", "PASS", "FAIL", "ERROR", "SUPPRESSED"]);
        // The error detail and the suppression reason travel with the actual value.
        assert!(tb.rows[3][8].text().contains("AccessDenied"));
        assert!(tb.rows[4][8].text().contains("suppressed: Retention"));
        // Failed rows, and only they, carry the check's remediation.
        assert!(tb.rows[2][8]
            .text()
            .ends_with("\nremediation: Fix the configuration and re-apply."));
        for i in [0, 1, 3, 4] {
            assert!(!tb.rows[i][8].text().contains("remediation:"), "row {i}");
        }
        // Rows are numbered and anchored by their index in the report's results.
        let numbers: Vec<Cow<str>> = tb.rows.iter().map(|r| r[0].text()).collect();
        assert_eq!(numbers, ["0", "1", "2", "3", "4"]);
        assert_eq!(tb.row_ids[2], "result-2");
        assert_eq!(tb.row_ids.len(), tb.rows.len());
    }

    #[test]
    fn summary_counts_per_stage() {
        let report = sample_report();
        let doc = build(&report);
        let summary = doc.sections.iter().find(|s| s.id == "summary").unwrap();
        let Some(Block::Table(tb)) = summary.blocks.iter().find(|b| matches!(b, Block::Table(_)))
        else {
            panic!("no summary table")
        };
        let text: Vec<Vec<String>> = tb
            .rows
            .iter()
            .map(|r| r.iter().map(|c| c.text().into_owned()).collect())
            .collect();
        assert_eq!(
            text,
            [
                ["IQ", "2", "2", "0", "0", "0"],
                ["OQ", "2", "0", "1", "0", "1"],
                ["PQ", "1", "0", "0", "1", "0"],
                ["All stages", "5", "2", "1", "1", "1"],
            ]
        );
        assert_eq!(
            summary_sentence(&report),
            "5 checks: 2 passed, 1 failed, 1 error, 1 suppressed."
        );
    }

    #[test]
    fn traceability_rows_link_each_result_to_its_anchored_row() {
        let report = sample_report();
        let doc = build(&report);
        let table_of = |id: &str| -> Table {
            let section = doc.sections.iter().find(|s| s.id == id).unwrap();
            section
                .blocks
                .iter()
                .find_map(|b| match b {
                    Block::Table(tb) => Some(tb.clone()),
                    _ => None,
                })
                .unwrap()
        };
        let results = table_of("results");
        let trace = table_of("traceability");
        assert_eq!(trace.rows.len(), report.traceability.len());
        for (row, trace_row) in trace.rows.iter().zip(&report.traceability) {
            assert_eq!(row.len(), trace.columns.len());
            let Cell::Links(links) = &row[3] else {
                panic!("results cell of {} is not links", trace_row.requirement)
            };
            assert_eq!(links.len(), trace_row.results.len());
            for (link, x) in links.iter().zip(&trace_row.results) {
                let i = results
                    .row_ids
                    .iter()
                    .position(|id| *id == link.anchor)
                    .unwrap_or_else(|| panic!("{} names no result row", link.anchor));
                assert_eq!(i as u64, x.result_index);
                assert_eq!(results.rows[i][1].text(), x.check_id);
                assert_eq!(results.rows[i][4].text(), x.target);
                assert_eq!(link.status, Some(x.status));
                assert!(link
                    .text
                    .starts_with(&format!("#{i} {} @ {}", x.check_id, x.target)));
            }
            assert_eq!(row[5].text(), trace_row.evidence);
        }
        let urs1 = trace.rows[0][3].text();
        assert!(
            urs1.contains("#2 s3.encryption @ evidence_bucket: FAIL"),
            "{urs1}"
        );
        assert!(
            urs1.contains(
                "#1 iq.resource_properties @ evidence_bucket VersioningConfiguration: PASS"
            ),
            "{urs1}"
        );
    }

    #[test]
    fn signature_page_shows_each_manifestation_and_its_verification() {
        let report = signed_sample_report();
        let doc = build(&report);
        let page = section(&doc, "signatures");
        assert_eq!(page.title, "Signatures and approval");
        let tb = tables(page)[0];
        let titles: Vec<&str> = tb.columns.iter().map(|c| c.title).collect();
        assert_eq!(
            titles,
            [
                "Printed name",
                "Signer",
                "Meaning",
                "Signed at",
                "Method",
                "Key",
                "Verification"
            ]
        );
        let rows: Vec<Vec<String>> = tb
            .rows
            .iter()
            .map(|r| r.iter().map(|c| c.text().into_owned()).collect())
            .collect();
        assert_eq!(rows.len(), 3);
        // In the report's (canonical) order: Bob's KMS approval, Carol's stale one, Alice's review.
        assert_eq!(
            rows[0][..5],
            [
                "Bob Builder",
                "bob@example.com",
                "approved",
                "2025-03-02T08:15:00Z",
                "kms"
            ]
        );
        assert!(rows[0][5].ends_with("\nECDSA_SHA_256"), "{}", rows[0][5]);
        assert_eq!(rows[0][6], "verified (KMS Verify)");
        assert_eq!(rows[1][0], "Carol Quality");
        assert_eq!(
            rows[1][3], "2025-02-01T16:40:00+01:00",
            "the time as signed"
        );
        assert!(
            rows[1][6].starts_with("NOT VERIFIED: stale — signed digest 0000aaaa"),
            "{}",
            rows[1][6]
        );
        assert_eq!(
            rows[2][..3],
            ["Alice Example", "alice@example.com", "reviewed"]
        );
        assert_eq!(rows[2][6], "verified (allowed_signers, offline)");
        let Some(Block::Paragraph(intro)) = page.blocks.get(1) else {
            panic!("no statement paragraph")
        };
        assert!(intro.contains("gxp.spec-signature/v1"), "{intro}");
        assert!(intro.contains(report.spec.signing_digest.as_deref().unwrap()));
        let fields = fields_of(page);
        assert_eq!(value(&fields, "Required signatures"), "approved, reviewed");
        assert_eq!(value(&fields, "Policy met"), "yes");
    }

    #[test]
    fn signature_page_names_who_executed_the_run_and_leaves_lines_for_the_quality_unit() {
        let report = sample_report();
        let doc = build(&report);
        let page = section(&doc, "signatures");
        let headings: Vec<&str> = page
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading(h) => Some(h.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(
            headings,
            [
                "Specification signatures",
                "Executed by",
                "Quality unit review and approval"
            ]
        );
        // No signatures: the table says how the specification was approved instead.
        let tb = tables(page)[0];
        assert!(tb.rows.is_empty());
        assert_eq!(
            tb.empty,
            "The specification carries no electronic signatures; its approval is recorded as \
             approved by Jane Doe (QA) at 2025-03-01T09:00:00Z (change CHG-2025-0042)."
        );
        let fields = fields_of(page);
        assert_eq!(value(&fields, "Required signatures"), "none");
        assert_eq!(value(&fields, "Policy met"), "—");
        assert_eq!(
            value(&fields, "Run by"),
            "arn:aws:sts::123456789012:assumed-role/ci-deployer/gh-actions"
        );
        assert_eq!(value(&fields, "Account"), "123456789012");
        assert_eq!(
            value(&fields, "Configuration commit"),
            report
                .run
                .configuration_commit
                .as_deref()
                .unwrap_or("not given")
        );
        assert_eq!(value(&fields, "Started at"), report.run.started_at);
        let signoff: Vec<&Vec<String>> = page
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::SignOff(roles) => Some(roles),
                _ => None,
            })
            .collect();
        assert_eq!(
            signoff,
            [&vec![
                "Reviewed by (quality unit)".to_string(),
                "Approved by (quality unit)".to_string()
            ]]
        );
        let Some(Block::Paragraph(filed)) = page.blocks.iter().rev().nth(1) else {
            panic!("no filing paragraph before the sign-off lines")
        };
        assert!(filed.contains(&report.report_id), "{filed}");
        assert!(filed.contains(&crate::report::sha256(&report)), "{filed}");
    }
}
