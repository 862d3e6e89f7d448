//! The signature policy (`required_signatures`): meanings that must carry verified
//! signatures from distinct signers. A meaning listed twice needs two signers.

use std::collections::BTreeMap;

use super::{SignatureRecord, SignatureStatus};

/// Why a policy is not met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyProblem {
    /// No verified signature has `meaning` at all; `slot` is its index in the policy.
    Missing { meaning: String, slot: usize },
    /// Verified signatures of `meaning` exist, but their `signers` are needed by other slots.
    NotDistinct {
        meaning: String,
        slot: usize,
        signers: Vec<String>,
    },
}

/// Whether the policy is met, and why not.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PolicyOutcome {
    pub met: bool,
    pub problems: Vec<PolicyProblem>,
}

/// The policy of a specification and a qualification: per meaning the larger count.
pub fn merge(a: &[String], b: &[String]) -> Vec<String> {
    let count = |l: &[String]| {
        let mut m: BTreeMap<String, usize> = BTreeMap::new();
        for x in l {
            *m.entry(x.clone()).or_default() += 1;
        }
        m
    };
    let (ca, cb) = (count(a), count(b));
    let mut out = Vec::new();
    for meaning in ca
        .keys()
        .chain(cb.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let n = ca
            .get(meaning)
            .copied()
            .unwrap_or(0)
            .max(cb.get(meaning).copied().unwrap_or(0));
        out.extend(std::iter::repeat_n(meaning.clone(), n));
    }
    out
}

/// Assign distinct signers of verified signatures to the required slots (bipartite
/// matching, Kuhn's algorithm: there are a handful of slots).
pub fn evaluate(records: &[SignatureRecord], required: &[String]) -> PolicyOutcome {
    let verified: Vec<&SignatureRecord> = records
        .iter()
        .filter(|r| r.status == SignatureStatus::Verified)
        .collect();
    let mut signers: Vec<&str> = verified.iter().map(|r| r.signer.as_str()).collect();
    signers.sort();
    signers.dedup();
    // candidates[slot] = indices into `signers` who verified-signed the slot's meaning.
    let candidates: Vec<Vec<usize>> = required
        .iter()
        .map(|m| {
            signers
                .iter()
                .enumerate()
                .filter(|(_, s)| verified.iter().any(|r| &r.meaning == m && r.signer == **s))
                .map(|(i, _)| i)
                .collect()
        })
        .collect();
    let mut owner: Vec<Option<usize>> = vec![None; signers.len()];
    fn augment(
        slot: usize,
        cand: &[Vec<usize>],
        owner: &mut [Option<usize>],
        seen: &mut [bool],
    ) -> bool {
        for &s in &cand[slot] {
            if seen[s] {
                continue;
            }
            seen[s] = true;
            if owner[s].is_none_or(|other| augment(other, cand, owner, seen)) {
                owner[s] = Some(slot);
                return true;
            }
        }
        false
    }
    let mut problems = Vec::new();
    for (slot, meaning) in required.iter().enumerate() {
        let mut seen = vec![false; signers.len()];
        if augment(slot, &candidates, &mut owner, &mut seen) {
            continue;
        }
        if candidates[slot].is_empty() {
            problems.push(PolicyProblem::Missing {
                meaning: meaning.clone(),
                slot,
            });
        } else {
            problems.push(PolicyProblem::NotDistinct {
                meaning: meaning.clone(),
                slot,
                signers: candidates[slot]
                    .iter()
                    .map(|&i| signers[i].to_string())
                    .collect(),
            });
        }
    }
    PolicyOutcome {
        met: problems.is_empty(),
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::approval::record::sample_record as rec;

    fn req(m: &[&str]) -> Vec<String> {
        m.iter().map(|s| s.to_string()).collect()
    }

    use SignatureStatus::*;

    #[test]
    fn distinct_signers_meet_the_policy() {
        let rs = [
            rec("alice", "reviewed", Verified),
            rec("bob", "approved", Verified),
        ];
        assert!(evaluate(&rs, &req(&["reviewed", "approved"])).met);
        assert!(evaluate(&rs, &[]).met);
    }

    #[test]
    fn one_signer_cannot_fill_two_slots_but_the_matching_finds_a_way() {
        let alone = [
            rec("alice", "reviewed", Verified),
            rec("alice", "approved", Verified),
        ];
        let o = evaluate(&alone, &req(&["approved", "reviewed"]));
        assert!(!o.met);
        assert!(
            matches!(&o.problems[..], [PolicyProblem::NotDistinct { meaning, slot: 1, .. }] if meaning == "reviewed"),
            "{o:?}"
        );
        let with_bob = [
            rec("alice", "reviewed", Verified),
            rec("alice", "approved", Verified),
            rec("bob", "approved", Verified),
        ];
        // Greedy would give alice `approved` first; the matching moves her to `reviewed`.
        assert!(evaluate(&with_bob, &req(&["approved", "reviewed"])).met);
        let two = [
            rec("alice", "reviewed", Verified),
            rec("bob", "reviewed", Verified),
        ];
        assert!(evaluate(&two, &req(&["reviewed", "reviewed"])).met);
        assert!(!evaluate(&two[..1], &req(&["reviewed", "reviewed"])).met);
    }

    #[test]
    fn missing_meanings_and_unverified_signatures() {
        let rs = [
            rec("alice", "reviewed", Verified),
            rec("bob", "approved", Invalid),
        ];
        let o = evaluate(&rs, &req(&["reviewed", "approved", "authored"]));
        assert_eq!(
            o.problems,
            vec![
                PolicyProblem::Missing {
                    meaning: "approved".into(),
                    slot: 1
                },
                PolicyProblem::Missing {
                    meaning: "authored".into(),
                    slot: 2
                },
            ]
        );
        assert_eq!(
            merge(
                &req(&["reviewed", "approved"]),
                &req(&["reviewed", "reviewed"])
            ),
            req(&["approved", "reviewed", "reviewed"])
        );
    }
}
