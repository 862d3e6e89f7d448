//! Enumeration: the resources of types the Resource Groups Tagging API does not list, read
//! through their own service when the qualification names the type
//! (`discovery.enumerate_types`). Each such type has one [`Enumerator`], declared with its
//! collector (`observe/<service>.rs`: the service knows its own API) and listed once in
//! [`ENUMERATORS`]; [`enumerate`] runs them and turns what they list into discovered targets.
//!
//! The tagging API's GetResources lists every resource type that carries tags (IAM users and
//! roles and Auto Scaling groups aside), so only types that cannot carry tags need an
//! enumerator here: of the types the provider observes, the Config delivery channel (no ARN,
//! no tags). A type whose service reads tags keeps only the resources carrying every
//! discovery tag; a type without tags gives every resource of the type in the provider's
//! account and Region, and the run's notes say so for each. A listing that fails, or tags
//! that cannot be read, is an enumeration failure (an `iq.scope` error), never a guess.

use std::collections::{BTreeMap, BTreeSet};

use futures::future::BoxFuture;

use super::{config, Target, TargetOrigin};
use crate::aws::AwsContext;
use crate::catalog;

/// Whether the service of an enumerated type reads its resources' tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagSupport {
    /// Tags are read for each resource: only those carrying every discovery tag are kept.
    Read,
    /// The type cannot carry tags (why): every resource of the type is kept.
    None(&'static str),
}

/// One resource an enumerator listed.
#[derive(Debug, Clone, PartialEq)]
pub struct Enumerated {
    /// The identifier its collector expects (a name, an id).
    pub identifier: String,
    /// Its ARN, when the type has one.
    pub arn: Option<String>,
    /// Its tags (empty for a type without tags), or why they could not be read.
    pub tags: Result<BTreeMap<String, String>, String>,
}

/// Lists every resource of one type in the provider's account and Region. Never panics.
pub type List = for<'a> fn(&'a AwsContext) -> BoxFuture<'a, Result<Vec<Enumerated>, String>>;

/// How the resources of one type the tagging API does not list are enumerated.
#[derive(Debug)]
pub struct Enumerator {
    /// CloudFormation type.
    pub resource_type: &'static str,
    /// Why the tagging API's GetResources never lists it.
    pub missed_by_tagging_api: &'static str,
    /// The service call that lists them, for messages (`AWS Config DescribeDeliveryChannels`).
    pub source: &'static str,
    /// The IAM actions `list` calls.
    pub iam_actions: &'static [&'static str],
    /// Whether tags are read.
    pub tags: TagSupport,
    /// The listing.
    pub list: List,
}

/// Every enumerator, one per type.
pub const ENUMERATORS: &[&Enumerator] = &[&config::CHANNEL_ENUMERATOR];

/// The enumerator of CloudFormation type `resource_type`.
pub fn for_type(resource_type: &str) -> Option<&'static Enumerator> {
    ENUMERATORS
        .iter()
        .copied()
        .find(|e| e.resource_type == resource_type)
}

/// Why `resource_type` cannot be in `discovery.enumerate_types`, or `None` when it can.
pub fn type_problem(resource_type: &str) -> Option<String> {
    let enumerable = || {
        ENUMERATORS
            .iter()
            .map(|e| e.resource_type)
            .collect::<Vec<_>>()
            .join(", ")
    };
    if resource_type.is_empty() {
        return Some("`enumerate_types` has an empty type".into());
    }
    if for_type(resource_type).is_some() {
        return None;
    }
    if resource_type == super::account::ACCOUNT_TYPE {
        return Some(format!(
            "`{resource_type}` is the account and Region of the provider: qualify it with the specification's `expected_account` block (types to enumerate: {})",
            enumerable()
        ));
    }
    if super::discovery::discoverable_types().any(|t| t == resource_type) {
        return Some(format!(
            "`{resource_type}` is already found by tags through the Resource Groups Tagging API; remove it (types to enumerate: {})",
            enumerable()
        ));
    }
    Some(format!(
        "`{resource_type}` is not a type the provider observes (types to enumerate: {})",
        enumerable()
    ))
}

/// The IAM actions enumerating `types` calls (sorted).
pub fn iam_actions<'a>(types: impl IntoIterator<Item = &'a String>) -> Vec<&'static str> {
    let actions: BTreeSet<&'static str> = types
        .into_iter()
        .filter_map(|t| for_type(t))
        .flat_map(|e| e.iam_actions.iter().copied())
        .collect();
    actions.into_iter().collect()
}

/// What enumeration gave in one run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Enumeration {
    /// Discovered targets of the enumerated types, sorted by key, with every OQ/PQ check of
    /// their type (the caller takes out `exclude_checks`).
    pub targets: Vec<Target>,
    /// (type, why): the types whose resources could not all be enumerated, sorted by type;
    /// each is an `iq.scope` error. No target of such a type is made up.
    pub failed: Vec<(String, String)>,
    /// What the report should say: targets kept without a tag filter.
    pub notes: Vec<String>,
}

/// The key of an enumerated resource: `discovered:<ARN>` when it has an ARN (the key the
/// tagging API would give it, so a resource found both ways is one target), else
/// `discovered:<TYPE>/<identifier>`.
pub fn key_of(resource_type: &str, item: &Enumerated) -> String {
    match &item.arn {
        Some(arn) => format!("discovered:{arn}"),
        None => format!("discovered:{resource_type}/{}", item.identifier),
    }
}

/// The resources of `e`'s type to qualify among `items`, given the discovery `tags`: with
/// [`TagSupport::Read`], those carrying every pair of `tags` (exact key and value); with
/// [`TagSupport::None`], all of them. Items whose tags could not be read are neither kept nor
/// dropped: they are the `Err` (one message naming each).
pub fn select(
    e: &Enumerator,
    items: Vec<Enumerated>,
    tags: &BTreeMap<String, String>,
) -> (Vec<Target>, Result<(), String>) {
    let mut targets = Vec::new();
    let mut unreadable = Vec::new();
    for item in items {
        let keep = match (&e.tags, &item.tags) {
            (TagSupport::None(_), _) => true,
            (TagSupport::Read, Ok(have)) => tags.iter().all(|(k, v)| have.get(k) == Some(v)),
            (TagSupport::Read, Err(why)) => {
                unreadable.push(format!("{} {}: {why}", e.resource_type, item.identifier));
                false
            }
        };
        if keep {
            targets.push(Target {
                key: key_of(e.resource_type, &item),
                resource_type: e.resource_type.to_string(),
                identifier: item.identifier,
                origin: TargetOrigin::Discovered,
                checks: catalog::for_resource_type(e.resource_type)
                    .map(|c| c.id.to_string())
                    .collect(),
                params: BTreeMap::new(),
                expected_properties: None,
                requirements: Vec::new(),
            });
        }
    }
    let failed = if unreadable.is_empty() {
        Ok(())
    } else {
        Err(unreadable.join("; "))
    };
    (targets, failed)
}

/// Enumerate every type of `types` that has an enumerator (concurrently), keeping the
/// resources `tags` select ([`select`]). Types without an enumerator are refused at plan
/// time; here they are a failure, never silently skipped.
pub async fn enumerate(
    aws: &AwsContext,
    tags: &BTreeMap<String, String>,
    types: &BTreeSet<String>,
) -> Enumeration {
    let runs = types.iter().map(|ty| async move {
        let Some(e) = for_type(ty) else {
            let why = type_problem(ty).unwrap_or_default();
            return (ty.clone(), None, Err(why));
        };
        match (e.list)(aws).await {
            Ok(items) => {
                let (targets, failed) = select(e, items, tags);
                (ty.clone(), Some((e, targets)), failed)
            }
            Err(why) => (ty.clone(), None, Err(why)),
        }
    });
    let mut out = Enumeration::default();
    for (ty, found, failed) in futures::future::join_all(runs).await {
        if let Some((e, targets)) = found {
            if let TagSupport::None(why) = e.tags {
                for t in &targets {
                    out.notes.push(format!(
                        "{ty} {}: enumerated through {}; no tag filter: {why}",
                        t.identifier, e.source
                    ));
                }
                if targets.is_empty() {
                    out.notes
                        .push(format!("enumeration through {} found no {ty}", e.source));
                }
            }
            out.targets.extend(targets);
        }
        if let Err(why) = failed {
            out.failed.push((ty, why));
        }
    }
    out.targets.sort_by(|a, b| a.key.cmp(&b.key));
    out.targets.dedup_by(|a, b| a.key == b.key);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::fake_endpoint::{Answer, FakeEndpoint, Request};

    fn item(id: &str, arn: Option<&str>, tags: Result<&[(&str, &str)], &str>) -> Enumerated {
        Enumerated {
            identifier: id.into(),
            arn: arn.map(str::to_string),
            tags: tags
                .map(|t| {
                    t.iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect()
                })
                .map_err(str::to_string),
        }
    }

    fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// An enumerator of a taggable type, for the tag filter (no registered type needs one:
    /// the tagging API lists every taggable type the provider observes).
    static TAGGED: Enumerator = Enumerator {
        resource_type: "AWS::Config::ConfigurationRecorder",
        missed_by_tagging_api: "test only",
        source: "AWS Config DescribeConfigurationRecorders",
        iam_actions: &[],
        tags: TagSupport::Read,
        list: |_| Box::pin(async { Ok(vec![]) }),
    };

    #[test]
    fn every_enumerator_is_of_an_observed_type_the_tagging_api_misses() {
        let mut seen = BTreeSet::new();
        for e in ENUMERATORS {
            assert!(seen.insert(e.resource_type), "{} twice", e.resource_type);
            let service = super::super::services::for_resource_type(e.resource_type)
                .unwrap_or_else(|| panic!("{}: no collector", e.resource_type));
            assert!(
                super::super::discovery::NOT_DISCOVERABLE
                    .iter()
                    .any(|(t, _)| *t == e.resource_type),
                "{}: tag-based discovery finds it",
                e.resource_type
            );
            assert!(!e.missed_by_tagging_api.is_empty());
            assert!(!e.iam_actions.is_empty(), "{}", e.resource_type);
            for a in e.iam_actions {
                assert!(
                    service.iam_actions.contains(a),
                    "{}: {a} is not an action of its service",
                    e.resource_type
                );
            }
            assert_eq!(for_type(e.resource_type).map(|f| f.source), Some(e.source));
            assert_eq!(type_problem(e.resource_type), None);
        }
        // Every type tag-based discovery cannot find has an enumerator.
        for (t, why) in super::super::discovery::NOT_DISCOVERABLE {
            assert!(for_type(t).is_some(), "{t} ({why}) has no enumerator");
        }
        assert_eq!(
            iam_actions(&["AWS::Config::DeliveryChannel".to_string(), "x".to_string()]),
            ["config:DescribeDeliveryChannels"]
        );
    }

    #[test]
    fn type_problems_name_the_type_and_what_to_do() {
        let tagged = type_problem("AWS::S3::Bucket").expect("tag-listed");
        assert!(tagged.contains("already found by tags"), "{tagged}");
        // A tagged recorder is listed by GetResources (its ARN maps to the type).
        let recorder = type_problem("AWS::Config::ConfigurationRecorder").expect("recorder");
        assert!(recorder.contains("already found by tags"), "{recorder}");
        let account = type_problem("AWS::::Account").expect("account");
        assert!(account.contains("expected_account"), "{account}");
        let unknown = type_problem("AWS::Foo::Bar").expect("unknown");
        assert!(
            unknown.contains("not a type the provider observes"),
            "{unknown}"
        );
        assert!(
            unknown.contains("AWS::Config::DeliveryChannel"),
            "{unknown}"
        );
        let empty = type_problem("").expect("empty");
        assert!(empty.contains("empty type"), "{empty}");
    }

    #[test]
    fn tag_filter_keeps_resources_carrying_every_tag_with_its_exact_value() {
        let want = tags(&[("gxp:app", "lims"), ("gxp:env", "prod")]);
        let items = vec![
            item(
                "both",
                None,
                Ok(&[("gxp:app", "lims"), ("gxp:env", "prod"), ("x", "y")]),
            ),
            item("one", None, Ok(&[("gxp:app", "lims")])),
            item(
                "other-value",
                None,
                Ok(&[("gxp:app", "lims"), ("gxp:env", "Prod")]),
            ),
            item("untagged", None, Ok(&[])),
        ];
        let (targets, failed) = select(&TAGGED, items, &want);
        assert_eq!(failed, Ok(()));
        let ids: Vec<&str> = targets.iter().map(|t| t.identifier.as_str()).collect();
        assert_eq!(ids, ["both"]);
    }

    #[test]
    fn unreadable_tags_are_a_failure_naming_the_resource_never_kept() {
        let want = tags(&[("gxp:app", "lims")]);
        let items = vec![
            item("default", None, Err("ListTagsForResource: AccessDenied")),
            item("ok", None, Ok(&[("gxp:app", "lims")])),
        ];
        let (targets, failed) = select(&TAGGED, items, &want);
        assert_eq!(
            failed,
            Err(
                "AWS::Config::ConfigurationRecorder default: ListTagsForResource: AccessDenied"
                    .into()
            )
        );
        assert_eq!(targets.len(), 1);
        assert_eq!(targets[0].identifier, "ok");
    }

    #[test]
    fn a_type_without_tags_keeps_every_resource_keyed_by_arn_or_type_and_identifier() {
        let channel = for_type("AWS::Config::DeliveryChannel").unwrap();
        assert!(matches!(channel.tags, TagSupport::None(_)));
        let (targets, failed) = select(
            channel,
            vec![item("default", None, Ok(&[]))],
            &tags(&[("gxp:app", "lims")]),
        );
        assert_eq!(failed, Ok(()));
        let t = &targets[0];
        assert_eq!(t.key, "discovered:AWS::Config::DeliveryChannel/default");
        assert_eq!(t.origin, TargetOrigin::Discovered);
        assert_eq!(t.identifier, "default");
        assert_eq!(t.checks, ["config.delivery_channel"]);
        assert!(super::super::discovered_arn(&t.key).is_none());

        let arn = "arn:aws:config:us-east-1:1:configuration-recorder/default/abc";
        let (targets, _) = select(
            &TAGGED,
            vec![item("default", Some(arn), Ok(&[]))],
            &tags(&[]),
        );
        assert_eq!(targets[0].key, format!("discovered:{arn}"));
        assert_eq!(super::super::discovered_arn(&targets[0].key), Some(arn));
    }

    /// AWS Config (awsJson1.1) answering DescribeDeliveryChannels with `body` (status `status`).
    async fn config_answering(status: u16, body: &'static str) -> (FakeEndpoint, AwsContext) {
        let endpoint = FakeEndpoint::start(move |r: &Request| {
            assert_eq!(
                r.operation(),
                "DescribeDeliveryChannels",
                "only the listing"
            );
            let mut a = Answer::new(status, "application/x-amz-json-1.1", body);
            if status != 200 {
                a.headers
                    .push(("x-amzn-errortype".into(), "AccessDeniedException".into()));
            }
            a
        })
        .await;
        let aws = endpoint.context(1).await;
        (endpoint, aws)
    }

    fn channel_types() -> BTreeSet<String> {
        ["AWS::Config::DeliveryChannel".to_string()].into()
    }

    #[tokio::test]
    async fn recorded_answers_one_channel_none_and_access_denied() {
        let (_one, one) = config_answering(
            200,
            r#"{"DeliveryChannels":[{"name":"default","s3BucketName":"cfg"}]}"#,
        )
        .await;
        let found = enumerate(&one, &tags(&[("gxp:app", "lims")]), &channel_types()).await;
        assert!(found.failed.is_empty(), "{:?}", found.failed);
        let keys: Vec<&str> = found.targets.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(keys, ["discovered:AWS::Config::DeliveryChannel/default"]);
        assert_eq!(found.notes.len(), 1);
        assert!(
            found.notes[0].contains("no tag filter")
                && found.notes[0].contains("DescribeDeliveryChannels"),
            "{:?}",
            found.notes
        );

        let (_none, none) = config_answering(200, r#"{"DeliveryChannels":[]}"#).await;
        let found = enumerate(&none, &BTreeMap::new(), &channel_types()).await;
        assert!(found.targets.is_empty() && found.failed.is_empty());
        assert!(found.notes[0].contains("found no AWS::Config::DeliveryChannel"));

        let (_denied, denied) = config_answering(
            400,
            r#"{"__type":"AccessDeniedException","message":"not authorized"}"#,
        )
        .await;
        let found = enumerate(&denied, &BTreeMap::new(), &channel_types()).await;
        assert!(found.targets.is_empty(), "no target is made up");
        assert_eq!(found.failed.len(), 1);
        let (ty, why) = &found.failed[0];
        assert_eq!(ty, "AWS::Config::DeliveryChannel");
        assert!(
            why.contains("DescribeDeliveryChannels") && why.contains("AccessDenied"),
            "{why}"
        );
    }

    #[tokio::test]
    async fn a_type_without_enumerator_is_a_failure_not_skipped() {
        let aws = AwsContext::from_sdk_config(aws_config::SdkConfig::builder().build(), true);
        let found = enumerate(
            &aws,
            &BTreeMap::new(),
            &["AWS::S3::Bucket".to_string()].into(),
        )
        .await;
        assert!(found.targets.is_empty());
        assert_eq!(found.failed.len(), 1);
        assert!(found.failed[0].1.contains("already found by tags"));
    }
}
