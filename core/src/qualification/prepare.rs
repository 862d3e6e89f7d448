//! Phase: prepare. A run's settings become what it works on: the approved specification,
//! checked against its digest, and the evidence store it files in.

use crate::spec::canonical::from_canonical_json;
use crate::spec::model::Spec;
use crate::util::sha256_hex;

use super::filing::{self, StoreSettings};
use super::{Message, RunSettings};

/// What a run works on.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub spec: Spec,
    pub store: StoreSettings,
}

/// The specification and store of a run, or why it cannot start.
pub fn prepare(s: &RunSettings) -> Result<Prepared, Message> {
    if sha256_hex(s.spec_document.as_bytes()) != s.spec_digest {
        return Err(Message::error(
            "Specification digest mismatch",
            "`spec_digest` is not the SHA-256 of `spec_document`.",
        ));
    }
    let spec = from_canonical_json(&s.spec_document)
        .map_err(|e| Message::error("Invalid specification document", e))?;
    let store = filing::choose(s.evidence_store.clone(), s.default_store.clone())
        .map_err(|e| Message::error("No evidence store", e))?;
    Ok(Prepared { spec, store })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qualification::filing::StoreChoice;
    use crate::spec::canonical::canonical_json;

    fn settings(document: &str, digest: &str) -> RunSettings {
        RunSettings {
            spec_document: document.into(),
            spec_digest: digest.into(),
            default_store: Some(StoreSettings {
                choice: StoreChoice::Local {
                    directory: "/e".into(),
                },
                allow_unprotected: false,
            }),
            ..RunSettings::default()
        }
    }

    #[test]
    fn a_document_that_is_not_its_digest_or_not_a_spec_does_not_start() {
        let doc = canonical_json(&Spec::default());
        let ok = prepare(&settings(&doc, &sha256_hex(doc.as_bytes()))).unwrap();
        assert_eq!(ok.spec, Spec::default());
        let e = prepare(&settings(&doc, "00")).unwrap_err();
        assert_eq!(e.summary, "Specification digest mismatch");
        let e = prepare(&settings("{}", &sha256_hex(b"{}"))).unwrap_err();
        assert_eq!(e.summary, "Invalid specification document");
        let mut none = settings(&doc, &sha256_hex(doc.as_bytes()));
        none.default_store = None;
        assert_eq!(prepare(&none).unwrap_err().summary, "No evidence store");
    }
}
