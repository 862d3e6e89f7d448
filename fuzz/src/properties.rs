//! Target `properties`: `iq.resource_properties`, expected properties against live ones
//! ([`gxp_core::checks::iq::compare_properties`]).
//!
//! Asserts:
//! - reflexive: live properties equal to the expected ones pass every expected leaf;
//! - one outcome per expected leaf, each `passed` exactly when the live value at that place
//!   matches as documented (objects recurse, arrays by index, scalars loosely, `null` means
//!   not configured) — checked against an independent walk;
//! - a property whose read failed is `error` at every leaf below it, never `passed`, and
//!   leaves the other properties' outcomes unchanged;
//! - a missing resource fails every leaf, a resource of unknown existence errors every leaf;
//! - a non-object expectation is one `error`.

use std::collections::BTreeMap;

use arbitrary::{Result, Unstructured};
use serde_json::{Map, Value as Json};

use gxp_core::checks::iq::compare_properties;
use gxp_core::checks::{Outcome, Status};
use gxp_core::observe::{Existence, Observation};

use super::gen;

/// Run the target on fuzzer bytes.
pub fn run(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let _ = check(&mut u);
}

fn observation(properties: Map<String, Json>) -> Observation {
    Observation {
        key: "bucket".into(),
        resource_type: "AWS::S3::Bucket".into(),
        identifier: "my-bucket".into(),
        arn: None,
        existence: Existence::Exists,
        properties,
        errors: BTreeMap::new(),
        observed_at: None,
    }
}

fn statuses(outcomes: &[(String, Outcome)]) -> Vec<Status> {
    outcomes.iter().map(|(_, o)| o.status).collect()
}

fn check(u: &mut Unstructured) -> Result<()> {
    let expected = gen::json_object(u, 1)?;
    let want = Json::Object(expected.clone());

    // Reflexive.
    let same = compare_properties(&want, &observation(expected.clone()));
    let leaves = oracle_leaves(&want);
    assert_eq!(
        same.len(),
        leaves.len(),
        "one outcome per expected leaf: {same:?}"
    );
    for (path, o) in &same {
        assert_eq!(
            o.status,
            Status::Passed,
            "{path} differs from itself: {o:?}"
        );
    }

    // Against other live values: the expected ones with changes, or anything.
    let live = if u.ratio(2, 3)? {
        mutate(u, &expected)?
    } else {
        gen::json_object(u, 1)?
    };
    let outcomes = compare_properties(&want, &observation(live.clone()));
    let verdicts = oracle(&want, &live);
    assert_eq!(outcomes.len(), verdicts.len(), "{outcomes:?}");
    for ((path, o), (top, ok)) in outcomes.iter().zip(&verdicts) {
        assert!(path.starts_with(top.as_str()), "{path} is not below {top}");
        let status = if *ok { Status::Passed } else { Status::Failed };
        assert_eq!(o.status, status, "{path}: {o:?} (live {live:?})");
    }

    // Read errors on some top-level properties.
    let mut obs = observation(live.clone());
    for name in expected.keys() {
        if u.ratio(1, 2)? {
            obs.error(name, "AccessDenied");
        }
    }
    let with_errors = compare_properties(&want, &obs);
    assert_eq!(with_errors.len(), outcomes.len());
    for (((path, o), (_, clean)), (top, _)) in with_errors.iter().zip(&outcomes).zip(&verdicts) {
        if obs.errors.contains_key(top) {
            assert_eq!(
                o.status,
                Status::Error,
                "{path} below unreadable {top}: {o:?}"
            );
        } else {
            assert_eq!(
                o, clean,
                "{path}: a read error elsewhere changed this outcome"
            );
        }
    }

    // Existence.
    let mut missing = observation(live.clone());
    missing.existence = Existence::Missing;
    let gone = compare_properties(&want, &missing);
    assert_eq!(gone.len(), leaves.len());
    assert!(
        statuses(&gone).iter().all(|s| *s == Status::Failed),
        "{gone:?}"
    );
    let mut unknown = observation(live);
    unknown.existence = Existence::Unknown("throttled".into());
    let unsure = compare_properties(&want, &unknown);
    assert!(
        statuses(&unsure).iter().all(|s| *s == Status::Error),
        "{unsure:?}"
    );

    // A non-object expectation.
    let scalar = gen::json_scalar(u)?;
    let odd = compare_properties(&scalar, &observation(expected));
    assert_eq!(statuses(&odd), vec![Status::Error]);
    Ok(())
}

/// The expected properties with some leaves changed, removed or nulled.
fn mutate(u: &mut Unstructured, expected: &Map<String, Json>) -> Result<Map<String, Json>> {
    let mut out = Map::new();
    for (k, v) in expected {
        match u.int_in_range(0u8..=9)? {
            0 => {}
            1 => {
                out.insert(k.clone(), Json::Null);
            }
            2 => {
                out.insert(k.clone(), gen::json(u, 2)?);
            }
            _ => {
                out.insert(k.clone(), mutate_value(u, v)?);
            }
        }
    }
    if u.ratio(1, 4)? {
        out.insert(gen::word(u, gen::PROPERTY_NAMES)?, gen::json(u, 2)?);
    }
    Ok(out)
}

fn mutate_value(u: &mut Unstructured, v: &Json) -> Result<Json> {
    Ok(match v {
        Json::Object(m) => Json::Object(mutate(u, m)?),
        Json::Array(items) => {
            let mut items: Vec<Json> = items
                .iter()
                .map(|i| mutate_value(u, i))
                .collect::<Result<_>>()?;
            if u.ratio(1, 4)? {
                items.pop();
            }
            Json::Array(items)
        }
        scalar => match u.int_in_range(0u8..=5)? {
            0 => gen::json_scalar(u)?,
            1 => respell(scalar),
            _ => scalar.clone(),
        },
    })
}

/// The same scalar as CloudFormation might spell it (a string for a number or boolean).
fn respell(v: &Json) -> Json {
    match v {
        Json::Bool(b) => Json::String(if *b { "True".into() } else { "FALSE".into() }),
        Json::Number(n) => Json::String(format!(" {n} ")),
        other => other.clone(),
    }
}

/// One `(top-level name, matches)` per expected leaf, by an independent walk of the
/// documented semantics.
fn oracle(want: &Json, live: &Map<String, Json>) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    if let Json::Object(top) = want {
        for (name, sub) in top {
            let mut verdicts = Vec::new();
            walk(sub, live.get(name), &mut verdicts);
            out.extend(verdicts.into_iter().map(|ok| (name.clone(), ok)));
        }
    }
    out
}

fn oracle_leaves(want: &Json) -> Vec<(String, bool)> {
    oracle(want, &Map::new())
}

fn walk(want: &Json, live: Option<&Json>, out: &mut Vec<bool>) {
    match want {
        Json::Object(m) if !m.is_empty() => {
            let live = live.and_then(Json::as_object);
            for (k, sub) in m {
                walk(sub, live.and_then(|l| l.get(k)), out);
            }
        }
        Json::Array(items) if !items.is_empty() => {
            let live = live.and_then(Json::as_array);
            for (i, sub) in items.iter().enumerate() {
                walk(sub, live.and_then(|l| l.get(i)), out);
            }
        }
        _ => out.push(scalar_matches(want, live.filter(|l| !l.is_null()))),
    }
}

/// Loose scalar typing as documented: a string may spell a boolean (any case) or a number.
fn scalar_matches(want: &Json, live: Option<&Json>) -> bool {
    let Some(live) = live else {
        return want.is_null();
    };
    let number = |v: &Json| -> Option<f64> {
        match v {
            Json::Number(n) => n.as_f64(),
            Json::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    };
    match (want, live) {
        (Json::Null, _) => false,
        (Json::String(a), Json::String(b)) => a == b,
        (Json::Bool(b), Json::String(s)) | (Json::String(s), Json::Bool(b)) => {
            s.to_ascii_lowercase() == b.to_string()
        }
        (Json::Number(_), Json::String(_))
        | (Json::String(_), Json::Number(_))
        | (Json::Number(_), Json::Number(_)) => {
            matches!((number(want), number(live)), (Some(a), Some(b)) if a == b)
        }
        (a, b) => a == b,
    }
}
