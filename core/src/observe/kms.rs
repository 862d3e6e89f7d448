//! Collector for `AWS::KMS::Key`: DescribeKey, GetKeyRotationStatus and ListResourceTags.
//!
//! The identifier may be a key id, a key ARN, `alias/NAME` or an alias ARN. A key (or alias)
//! ARN in another region is read through a client for that region.

use aws_sdk_kms::types::KeyMetadata;
use serde_json::{json, Value as Json};

use crate::aws::{classify, AwsContext, AwsErrorKind, ClassifiedError};
use crate::catalog::SeverityClass;
use crate::observe::{Existence, Observation, Target};

const KEY: &str = "AWS::KMS::Key";

/// Drift classification of the properties this collector records.
pub const PROPERTY_CLASSES: &[(&str, &str, SeverityClass)] = &[
    (KEY, "KeyId", SeverityClass::Functional),
    (KEY, "Arn", SeverityClass::Functional),
    (KEY, "Enabled", SeverityClass::Functional),
    (KEY, "KeyState", SeverityClass::Functional),
    (KEY, "KeyUsage", SeverityClass::Functional),
    (KEY, "KeySpec", SeverityClass::Functional),
    (KEY, "Origin", SeverityClass::Functional),
    (KEY, "MultiRegion", SeverityClass::Functional),
    (KEY, "EnableKeyRotation", SeverityClass::Security),
    (KEY, "RotationPeriodInDays", SeverityClass::Security),
    (KEY, "Description", SeverityClass::Cosmetic),
    (KEY, "Tags", SeverityClass::Cosmetic),
];

/// The kms registration (see [`crate::observe::services`]).
pub const SERVICE: crate::observe::services::Service = crate::observe::services::Service {
    name: "kms",
    sdk_client: "aws-sdk-kms",
    iam_actions: &["kms:DescribeKey", "kms:ListResourceTags"],
    resource_types: &[KEY],
    collect: |aws, target| Box::pin(collect(aws, target)),
    discover,
    property_classes: PROPERTY_CLASSES,
    account_facets: &[],
};

/// Tag-based discovery: `arn:aws:kms:R:A:key/ID` is key ID.
pub fn discover(_arn: &str, rest: &str) -> Option<(&'static str, String)> {
    crate::observe::services::single_id(rest, "key/").map(|id| (KEY, id))
}

/// The region named in a KMS ARN (`arn:PARTITION:kms:REGION:ACCOUNT:key/ID`), if any.
fn arn_region(key_ref: &str) -> Option<&str> {
    let mut parts = key_ref.splitn(6, ':');
    (parts.next()? == "arn").then_some(())?;
    parts.next()?;
    (parts.next()? == "kms").then_some(())?;
    parts.next().filter(|r| !r.is_empty())
}

/// A KMS client for the region of `key_ref` when it is an ARN, else for `region` when
/// given, else the configured region.
pub fn client_for(aws: &AwsContext, key_ref: &str, region: Option<&str>) -> aws_sdk_kms::Client {
    let client = aws.kms();
    let wanted = arn_region(key_ref).or(region);
    match wanted {
        Some(r) if Some(r) != client.config().region().map(|cr| cr.as_ref()) => {
            let conf = client
                .config()
                .to_builder()
                .region(aws_sdk_kms::config::Region::new(r.to_string()))
                .build();
            aws_sdk_kms::Client::from_conf(conf)
        }
        _ => client,
    }
}

/// KMS DescribeKey on a key id, key ARN, alias name or alias ARN.
pub async fn describe_key(
    client: &aws_sdk_kms::Client,
    key_ref: &str,
) -> Result<KeyMetadata, ClassifiedError> {
    let out = client
        .describe_key()
        .key_id(key_ref)
        .send()
        .await
        .map_err(|e| classify(&e))?;
    out.key_metadata.ok_or_else(|| ClassifiedError {
        kind: AwsErrorKind::Other,
        code: None,
        message: format!("DescribeKey for {key_ref} returned no KeyMetadata"),
    })
}

/// The key ARN an alias (or key id) refers to, via DescribeKey; `region` as in [`client_for`].
pub async fn resolve_key_arn(
    aws: &AwsContext,
    key_ref: &str,
    region: Option<&str>,
) -> Result<String, ClassifiedError> {
    let client = client_for(aws, key_ref, region);
    let meta = describe_key(&client, key_ref).await?;
    Ok(meta
        .arn()
        .map(str::to_string)
        .unwrap_or_else(|| meta.key_id().to_string()))
}

/// Observe a KMS key.
pub async fn collect(aws: &AwsContext, target: &Target) -> Observation {
    let key_ref = target.identifier.trim();
    let client = client_for(aws, key_ref, None);
    let meta = match describe_key(&client, key_ref).await {
        Ok(meta) => meta,
        Err(e) if e.kind == AwsErrorKind::NotFound => {
            return Observation::with_existence(target, Existence::Missing)
        }
        Err(e) => {
            return Observation::with_existence(
                target,
                Existence::Unknown(format!("KMS DescribeKey: {e}")),
            )
        }
    };
    let mut obs = Observation::exists(target);
    record_metadata(&mut obs, &meta);
    // Later calls do not accept aliases: address the key by ARN (or id).
    let key = meta.arn().unwrap_or(meta.key_id()).to_string();
    let (rotation, tags) = futures::join!(
        client.get_key_rotation_status().key_id(&key).send(),
        list_tags(&client, &key),
    );
    match rotation {
        Ok(out) => {
            obs.set("EnableKeyRotation", json!(out.key_rotation_enabled()));
            if let Some(days) = out.rotation_period_in_days() {
                obs.set("RotationPeriodInDays", json!(days));
            }
        }
        Err(e) => obs.error(
            "EnableKeyRotation",
            format!("KMS GetKeyRotationStatus: {}", classify(&e)),
        ),
    }
    match tags {
        Ok(tags) if tags.is_empty() => {}
        Ok(tags) => obs.set("Tags", Json::Array(tags)),
        Err(e) => obs.error("Tags", format!("KMS ListResourceTags: {e}")),
    }
    obs
}

/// Record the DescribeKey facts (CloudFormation names where CloudFormation has them).
fn record_metadata(obs: &mut Observation, meta: &KeyMetadata) {
    obs.set("KeyId", json!(meta.key_id()));
    if let Some(arn) = meta.arn() {
        obs.arn = Some(arn.to_string());
        obs.set("Arn", json!(arn));
    }
    obs.set("Enabled", json!(meta.enabled()));
    if let Some(state) = meta.key_state() {
        obs.set("KeyState", json!(state.as_str()));
    }
    if let Some(usage) = meta.key_usage() {
        obs.set("KeyUsage", json!(usage.as_str()));
    }
    if let Some(spec) = meta.key_spec() {
        obs.set("KeySpec", json!(spec.as_str()));
    }
    if let Some(origin) = meta.origin() {
        obs.set("Origin", json!(origin.as_str()));
    }
    if let Some(multi) = meta.multi_region() {
        obs.set("MultiRegion", json!(multi));
    }
    if let Some(desc) = meta.description().filter(|d| !d.is_empty()) {
        obs.set("Description", json!(desc));
    }
}

/// All resource tags of a key as `{"Key","Value"}` objects sorted by key.
async fn list_tags(client: &aws_sdk_kms::Client, key: &str) -> Result<Vec<Json>, ClassifiedError> {
    let mut pairs = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let out = client
            .list_resource_tags()
            .key_id(key)
            .set_marker(marker.take())
            .send()
            .await
            .map_err(|e| classify(&e))?;
        pairs.extend(
            out.tags()
                .iter()
                .map(|t| (t.tag_key().to_string(), t.tag_value().to_string())),
        );
        match out.next_marker() {
            Some(m) if out.truncated() && !m.is_empty() => marker = Some(m.to_string()),
            _ => break,
        }
    }
    pairs.sort();
    Ok(pairs
        .into_iter()
        .map(|(k, v)| json!({"Key": k, "Value": v}))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_is_read_from_kms_arns_only() {
        assert_eq!(
            arn_region("arn:aws:kms:eu-west-1:111122223333:key/abcd"),
            Some("eu-west-1")
        );
        assert_eq!(
            arn_region("arn:aws-cn:kms:cn-north-1:111122223333:alias/x"),
            Some("cn-north-1")
        );
        assert_eq!(arn_region("alias/x"), None);
        assert_eq!(arn_region("1234abcd-12ab-34cd-56ef-1234567890ab"), None);
        assert_eq!(arn_region("arn:aws:s3:::bucket"), None);
    }
}
