//! Phase: find the chain head. Where this run's report continues its qualification's chain,
//! settled before any check runs: a run whose report could not be chained is not started.

use crate::integrity::head::{self, ChainOf};

use super::settle::Settled;
use super::Message;

/// Where the report links into its chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub sequence: i64,
    pub previous_report_sha256: Option<String>,
}

/// A new (or replaced) qualification (`continue_chain`) continues the chain of its reports
/// already in the store or spooled for it, so a report never claims a sequence twice; an
/// existing one continues from its prior state (`prior`). Returns the link and a warning when
/// only the spool could be read.
pub async fn link(
    settled: &Settled,
    of: &ChainOf<'_>,
    continue_chain: bool,
    prior: Link,
) -> Result<(Link, Option<Message>), Message> {
    if !continue_chain {
        return Ok((prior, None));
    }
    let store = settled.store.as_ref();
    match head::find(store, &settled.waiting, of, settled.refused.as_ref()).await {
        Ok(c) => {
            let warning = c.store_unread.as_ref().map(|why| {
                Message::warning(
                    "The report chain was read from the spool only",
                    format!("{why}\n\nThis run's report will be spooled; it continues the chain of the reports spooled for {}.", store.describe()),
                )
            });
            let link = Link {
                sequence: c.next_sequence(),
                previous_report_sha256: c.previous_sha256(),
            };
            Ok((link, warning))
        }
        Err(e) => Err(Message::error(
            "The report chain could not be read",
            format!("{e}\n\nThe report of qualification `{}` must continue the chain of its reports in {}, so no check was run and nothing was filed. Allow listing and reading the store's reports, then apply again.", of.qualification, store.describe()),
        )),
    }
}
