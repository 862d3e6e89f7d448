//! The policy document: statements from grants, their order and their bytes.
//!
//! Every grant on `*` goes to one statement `GxpRead`; the others are grouped by Sid. An
//! action granted on `*` is left out of every other statement (it adds nothing there), and
//! an empty statement is dropped. Statements are sorted by Sid, actions and resources sorted
//! and de-duplicated, a single resource written as a string. Serialized from structs in field
//! order (`Sid`, `Effect`, `Action`, `Resource`), so equal inputs give equal bytes.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::Grant;

/// The Sid of the statement holding every grant on `*`.
pub const ANY_SID: &str = "GxpRead";

/// An IAM policy document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PolicyDocument {
    #[serde(rename = "Version")]
    pub version: &'static str,
    #[serde(rename = "Statement")]
    pub statements: Vec<Statement>,
}

/// One `Allow` statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Statement {
    #[serde(rename = "Sid")]
    pub sid: String,
    #[serde(rename = "Effect")]
    pub effect: &'static str,
    #[serde(rename = "Action")]
    pub actions: Vec<String>,
    #[serde(rename = "Resource")]
    pub resources: Resources,
}

/// The resources of a statement: one is written as a string.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Resources {
    One(String),
    Many(Vec<String>),
}

impl Resources {
    /// The resources, as a list.
    pub fn as_vec(&self) -> Vec<&str> {
        match self {
            Resources::One(r) => vec![r.as_str()],
            Resources::Many(rs) => rs.iter().map(String::as_str).collect(),
        }
    }
}

impl PolicyDocument {
    /// The document of `grants`.
    pub fn of(grants: &[Grant]) -> PolicyDocument {
        let on_any: BTreeSet<&str> = grants
            .iter()
            .filter(|g| g.resource == "*")
            .map(|g| g.action.as_str())
            .collect();
        let mut by_sid: BTreeMap<&str, (BTreeSet<&str>, BTreeSet<&str>)> = BTreeMap::new();
        for g in grants {
            if g.resource == "*" {
                let entry = by_sid.entry(ANY_SID).or_default();
                entry.0.insert(&g.action);
                entry.1.insert("*");
            } else if !on_any.contains(g.action.as_str()) {
                let entry = by_sid.entry(g.sid).or_default();
                entry.0.insert(&g.action);
                entry.1.insert(&g.resource);
            }
        }
        let statements = by_sid
            .into_iter()
            .filter(|(_, (actions, _))| !actions.is_empty())
            .map(|(sid, (actions, resources))| {
                let mut resources: Vec<String> = resources.into_iter().map(String::from).collect();
                Statement {
                    sid: sid.to_string(),
                    effect: "Allow",
                    actions: actions.into_iter().map(String::from).collect(),
                    resources: if resources.len() == 1 {
                        Resources::One(resources.remove(0))
                    } else {
                        Resources::Many(resources)
                    },
                }
            })
            .collect();
        PolicyDocument {
            version: "2012-10-17",
            statements,
        }
    }

    /// The minified JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The statement with Sid `sid`.
    pub fn statement(&self, sid: &str) -> Option<&Statement> {
        self.statements.iter().find(|s| s.sid == sid)
    }
}
