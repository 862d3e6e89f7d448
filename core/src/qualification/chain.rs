//! Phase: find the chain head. Where this run's report continues its qualification's chain,
//! read before any check runs: a run whose report could not take its place in the chain is
//! not started. The report is sealed at that place for now; its place is claimed when it is
//! filed ([`super::filing`]): a concurrent writer of the same name may take this one
//! meanwhile, and the report then takes the next.

use crate::integrity::head;
use crate::integrity::sequence::{ChainId, Place};

use super::settle::Settled;
use super::Message;

/// The tentative place of this run's report: after the chain's head in the store (or the
/// spool's, when later). When the store refuses the report anyway (it is spooled and takes
/// its place when it is filed), after the spooled reports or the prior state's last report
/// (`prior`: the place after it), whichever is later.
pub async fn place(settled: &Settled, chain: &ChainId, prior: Place) -> Result<Place, Message> {
    let store = settled.store.as_ref();
    match head::find(store, &settled.waiting, chain, settled.refused.as_ref()).await {
        Ok(c) if c.store_unread.is_none() => Ok(c.place()),
        Ok(c) => Ok(c.place().later(prior)),
        Err(e) => Err(Message::error(
            "The report chain could not be read",
            format!("{e}\n\nThe report of qualification `{}` must take its place in the chain of its reports in {}, so no check was run and nothing was filed. Allow listing and reading the store's objects (s3:ListBucket and s3:GetObject), then apply again.", chain.qualification, store.describe()),
        )),
    }
}
