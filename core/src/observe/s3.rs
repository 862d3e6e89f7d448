//! Collector for `AWS::S3::Bucket`.
//!
//! HeadBucket establishes existence (and the bucket's region: a bucket in another region is
//! read through a client for that region); the configuration reads then run concurrently
//! and are recorded in CloudFormation shape. "Not configured" answers
//! (`ServerSideEncryptionConfigurationNotFoundError`, `NoSuchPublicAccessBlockConfiguration`,
//! `ObjectLockConfigurationNotFoundError`, `NoSuchBucketPolicy`,
//! `ReplicationConfigurationNotFoundError`, `OwnershipControlsNotFoundError`,
//! `NoSuchLifecycleConfiguration`, `NoSuchTagSet`)
//! leave the property absent.
//!
//! Facts CloudFormation keeps elsewhere or not at all:
//! - `BucketPolicy`: the parsed policy document (CloudFormation: `AWS::S3::BucketPolicy`).
//! - `MfaDelete`: `Enabled` / `Disabled` from GetBucketVersioning, when reported.
//! - `KmsKeyAliases`: KMS alias → key ARN (DescribeKey), for every alias named by the
//!   bucket's default encryption or by the `s3.encryption.kms_key_id` check parameter, so
//!   that the pure `s3.encryption` check can compare aliases with keys.

use aws_sdk_s3::types::{
    LifecycleRule, LoggingEnabled, ObjectLockConfiguration, OwnershipControls,
    PublicAccessBlockConfiguration, ReplicationRule, ServerSideEncryptionConfiguration,
};
use aws_sdk_s3::Client;
use serde_json::{json, Map, Value as Json};

use crate::aws::{classify, AwsContext, AwsErrorKind, ClassifiedError};
use crate::catalog::SeverityClass;
use crate::observe::services::{AccountFacet, FacetProperties};
use crate::observe::{kms, Existence, Observation, Target};

const BUCKET: &str = "AWS::S3::Bucket";

/// Drift classification of the properties this collector records.
pub const PROPERTY_CLASSES: &[(&str, &str, SeverityClass)] = &[
    (BUCKET, "BucketEncryption", SeverityClass::Security),
    (BUCKET, "KmsKeyAliases", SeverityClass::Security),
    (BUCKET, "VersioningConfiguration", SeverityClass::Security),
    (BUCKET, "MfaDelete", SeverityClass::Security),
    (
        BUCKET,
        "PublicAccessBlockConfiguration",
        SeverityClass::Security,
    ),
    (BUCKET, "ObjectLockEnabled", SeverityClass::Security),
    (BUCKET, "ObjectLockConfiguration", SeverityClass::Security),
    (BUCKET, "LoggingConfiguration", SeverityClass::Security),
    (BUCKET, "BucketPolicy", SeverityClass::Security),
    (BUCKET, "OwnershipControls", SeverityClass::Security),
    (BUCKET, "LifecycleConfiguration", SeverityClass::Security),
    (
        BUCKET,
        "ReplicationConfiguration",
        SeverityClass::Functional,
    ),
    (BUCKET, "Tags", SeverityClass::Cosmetic),
];

/// The s3 registration (see [`crate::observe::services`]).
pub const SERVICE: crate::observe::services::Service = crate::observe::services::Service {
    name: "s3",
    sdk_client: "aws-sdk-s3",
    iam_actions: &["s3:ListBucket", "s3:GetBucketTagging"],
    resource_types: &[BUCKET],
    collect: |aws, target| Box::pin(collect(aws, target)),
    discover,
    property_classes: PROPERTY_CLASSES,
    account_facets: ACCOUNT_FACETS,
};

/// Tag-based discovery: `arn:aws:s3:::NAME` is the bucket NAME.
pub fn discover(_arn: &str, rest: &str) -> Option<(&'static str, String)> {
    (!rest.is_empty() && !rest.contains(['/', ':'])).then(|| (BUCKET, rest.to_string()))
}

/// Check parameter whose KMS alias the collector resolves for `s3.encryption`.
const KMS_KEY_PARAM: &str = "s3.encryption.kms_key_id";

/// The bucket name of an identifier: a name, or an `arn:PARTITION:s3:::NAME` ARN.
pub fn bucket_name(identifier: &str) -> &str {
    let id = identifier.trim();
    match id.split_once(":::") {
        Some((prefix, rest)) if prefix.starts_with("arn:") => {
            rest.split('/').next().unwrap_or(rest)
        }
        _ => id,
    }
}

/// The bucket ARN of an identifier (partition kept when the identifier is an ARN).
pub fn bucket_arn(identifier: &str) -> String {
    let id = identifier.trim();
    let partition = match id.split_once(":::") {
        Some((prefix, _)) if prefix.starts_with("arn:") => {
            prefix.split(':').nth(1).unwrap_or("aws")
        }
        _ => "aws",
    };
    format!("arn:{partition}:s3:::{}", bucket_name(id))
}

/// The configuration reads of a bucket, in the order [`collect`] makes them: the S3 API and
/// the top-level properties it yields (a read error is recorded on each of them).
pub const READS: &[(&str, &[&str])] = &[
    ("GetBucketEncryption", &["BucketEncryption"]),
    (
        "GetBucketVersioning",
        &["VersioningConfiguration", "MfaDelete"],
    ),
    ("GetPublicAccessBlock", &["PublicAccessBlockConfiguration"]),
    (
        "GetObjectLockConfiguration",
        &["ObjectLockEnabled", "ObjectLockConfiguration"],
    ),
    ("GetBucketLogging", &["LoggingConfiguration"]),
    ("GetBucketReplication", &["ReplicationConfiguration"]),
    ("GetBucketPolicy", &["BucketPolicy"]),
    ("GetBucketOwnershipControls", &["OwnershipControls"]),
    (
        "GetBucketLifecycleConfiguration",
        &["LifecycleConfiguration"],
    ),
    ("GetBucketTagging", &["Tags"]),
];

/// The S3 API whose answer a top-level bucket property comes from: its read in [`READS`];
/// `KmsKeyAliases` is resolved from the key of `BucketEncryption`; anything else (existence,
/// the ARN) rests on HeadBucket.
pub fn api_of_property(property: &str) -> &'static str {
    if property == "KmsKeyAliases" {
        return "GetBucketEncryption";
    }
    READS
        .iter()
        .find(|(_, properties)| properties.contains(&property))
        .map_or("HeadBucket", |(api, _)| api)
}

/// The properties one S3 read yields, or why it failed.
type Read = Result<Vec<(&'static str, Json)>, ClassifiedError>;

/// One configuration read: the API, the properties it covers, its result.
struct Part {
    api: &'static str,
    properties: &'static [&'static str],
    result: Read,
}

/// `Ok(nothing)` when the error code says "not configured", else the error.
fn absent_on(err: ClassifiedError, not_configured: &str) -> Read {
    if err.code.as_deref() == Some(not_configured) {
        Ok(Vec::new())
    } else {
        Err(err)
    }
}

/// Observe a bucket.
pub async fn collect(aws: &AwsContext, target: &Target) -> Observation {
    let name = bucket_name(&target.identifier).to_string();
    let mut client = aws.s3();
    let mut head = head(&client, &name).await;
    if let Err((_, Some(region))) = &head {
        client = regional(&client, region);
        head = head_again(&client, &name).await;
    }
    let head_error = match head {
        Ok(Some(region)) => {
            client = regional(&client, &region);
            None
        }
        Ok(None) => None,
        Err((e, _)) if e.kind == AwsErrorKind::NotFound => {
            return Observation::with_existence(target, Existence::Missing)
        }
        Err((e, _)) if matches!(e.kind, AwsErrorKind::AccessDenied | AwsErrorKind::Other) => {
            // HeadBucket needs s3:ListBucket; the configuration reads may still be allowed.
            Some(e)
        }
        Err((e, _)) => {
            return Observation::with_existence(
                target,
                Existence::Unknown(format!("S3 HeadBucket: {e}")),
            )
        }
    };

    let (enc, ver, pab, lock, log, rep, pol, own, life, tags) = futures::join!(
        read_encryption(&client, &name),
        read_versioning(&client, &name),
        read_public_access_block(&client, &name),
        read_object_lock(&client, &name),
        read_logging(&client, &name),
        read_replication(&client, &name),
        read_policy(&client, &name),
        read_ownership_controls(&client, &name),
        read_lifecycle(&client, &name),
        read_tags(&client, &name),
    );
    let results: [Read; READS.len()] = [enc, ver, pab, lock, log, rep, pol, own, life, tags];
    let parts: Vec<Part> = READS
        .iter()
        .zip(results)
        .map(|(&(api, properties), result)| Part {
            api,
            properties,
            result,
        })
        .collect();

    let answered = parts.iter().any(|p| p.result.is_ok());
    let no_bucket = parts
        .iter()
        .any(|p| matches!(&p.result, Err(e) if e.code.as_deref() == Some("NoSuchBucket")));
    if !answered && no_bucket {
        return Observation::with_existence(target, Existence::Missing);
    }
    let mut obs = match head_error {
        Some(e) if !answered => {
            return Observation::with_existence(
                target,
                Existence::Unknown(format!("S3 HeadBucket: {e}")),
            )
        }
        _ => Observation::exists(target),
    };
    obs.arn = Some(bucket_arn(&target.identifier));
    for part in parts {
        match part.result {
            Ok(values) => {
                for (property, value) in values {
                    obs.set(property, value);
                }
            }
            Err(e) => {
                for property in part.properties {
                    obs.error(property, format!("S3 {}: {e}", part.api));
                }
            }
        }
    }
    let region = client.config().region().map(|r| r.to_string());
    resolve_aliases(aws, target, region.as_deref(), &mut obs).await;
    obs
}

/// HeadBucket: `Ok(region)` when it exists; on error, the error and the region the bucket
/// lives in when S3 redirected the request.
async fn head(
    client: &Client,
    name: &str,
) -> Result<Option<String>, (ClassifiedError, Option<String>)> {
    match client.head_bucket().bucket(name).send().await {
        Ok(out) => Ok(out.bucket_region().map(str::to_string)),
        Err(e) => {
            let redirect = match &e {
                aws_sdk_s3::error::SdkError::ServiceError(se) => se
                    .raw()
                    .headers()
                    .get("x-amz-bucket-region")
                    .map(str::to_string),
                _ => None,
            };
            let current = client.config().region().map(|r| r.to_string());
            let redirect = redirect.filter(|r| Some(r) != current.as_ref());
            Err((classify(&e), redirect))
        }
    }
}

/// HeadBucket after a redirect (no further redirects followed).
async fn head_again(
    client: &Client,
    name: &str,
) -> Result<Option<String>, (ClassifiedError, Option<String>)> {
    head(client, name).await.map_err(|(e, _)| (e, None))
}

/// The client for `region` (the same client when already there).
fn regional(client: &Client, region: &str) -> Client {
    if client.config().region().map(|r| r.as_ref()) == Some(region) {
        return client.clone();
    }
    let conf = client
        .config()
        .to_builder()
        .region(aws_sdk_s3::config::Region::new(region.to_string()))
        .build();
    Client::from_conf(conf)
}

async fn read_encryption(client: &Client, name: &str) -> Read {
    match client.get_bucket_encryption().bucket(name).send().await {
        Ok(out) => Ok(out
            .server_side_encryption_configuration()
            .and_then(encryption_json)
            .map(|v| vec![("BucketEncryption", v)])
            .unwrap_or_default()),
        Err(e) => absent_on(
            classify(&e),
            "ServerSideEncryptionConfigurationNotFoundError",
        ),
    }
}

/// `BucketEncryption` in CloudFormation shape; `None` without rules.
pub fn encryption_json(conf: &ServerSideEncryptionConfiguration) -> Option<Json> {
    let rules: Vec<Json> = conf
        .rules()
        .iter()
        .map(|rule| {
            let mut r = Map::new();
            if let Some(by_default) = rule.apply_server_side_encryption_by_default() {
                let mut d = Map::new();
                d.insert(
                    "SSEAlgorithm".into(),
                    json!(by_default.sse_algorithm().as_str()),
                );
                if let Some(key) = by_default.kms_master_key_id() {
                    d.insert("KMSMasterKeyID".into(), json!(key));
                }
                r.insert("ServerSideEncryptionByDefault".into(), Json::Object(d));
            }
            if let Some(bucket_key) = rule.bucket_key_enabled() {
                r.insert("BucketKeyEnabled".into(), json!(bucket_key));
            }
            Json::Object(r)
        })
        .collect();
    (!rules.is_empty()).then(|| json!({ "ServerSideEncryptionConfiguration": rules }))
}

async fn read_versioning(client: &Client, name: &str) -> Read {
    let out = match client.get_bucket_versioning().bucket(name).send().await {
        Ok(out) => out,
        Err(e) => {
            return crate::aws::s3_compat::misnamed_versioning_answer(&e)
                .map(|v| versioning_values(v.status.as_deref(), v.mfa_delete.as_deref()))
                .ok_or_else(|| classify(&e))
        }
    };
    Ok(versioning_values(
        out.status().map(|s| s.as_str()),
        out.mfa_delete().map(|m| m.as_str()),
    ))
}

fn versioning_values(status: Option<&str>, mfa_delete: Option<&str>) -> Vec<(&'static str, Json)> {
    let mut values = Vec::new();
    if let Some(status) = status {
        values.push(("VersioningConfiguration", json!({ "Status": status })));
    }
    if let Some(mfa) = mfa_delete {
        values.push(("MfaDelete", json!(mfa)));
    }
    values
}

async fn read_public_access_block(client: &Client, name: &str) -> Read {
    match client.get_public_access_block().bucket(name).send().await {
        Ok(out) => Ok(out
            .public_access_block_configuration()
            .map(|c| {
                vec![(
                    "PublicAccessBlockConfiguration",
                    public_access_block_json(c),
                )]
            })
            .unwrap_or_default()),
        Err(e) => absent_on(classify(&e), "NoSuchPublicAccessBlockConfiguration"),
    }
}

/// `PublicAccessBlockConfiguration` in CloudFormation shape (unset flags are false, as in S3).
pub fn public_access_block_json(c: &PublicAccessBlockConfiguration) -> Json {
    json!({
        "BlockPublicAcls": c.block_public_acls().unwrap_or(false),
        "BlockPublicPolicy": c.block_public_policy().unwrap_or(false),
        "IgnorePublicAcls": c.ignore_public_acls().unwrap_or(false),
        "RestrictPublicBuckets": c.restrict_public_buckets().unwrap_or(false),
    })
}

async fn read_ownership_controls(client: &Client, name: &str) -> Read {
    match client
        .get_bucket_ownership_controls()
        .bucket(name)
        .send()
        .await
    {
        Ok(out) => Ok(out
            .ownership_controls()
            .map(|c| vec![("OwnershipControls", ownership_controls_json(c))])
            .unwrap_or_default()),
        Err(e) => absent_on(classify(&e), "OwnershipControlsNotFoundError"),
    }
}

/// `OwnershipControls` in CloudFormation shape: `{"Rules": [{"ObjectOwnership": ...}]}`.
pub fn ownership_controls_json(c: &OwnershipControls) -> Json {
    let rules: Vec<Json> = c
        .rules()
        .iter()
        .map(|r| json!({ "ObjectOwnership": r.object_ownership().as_str() }))
        .collect();
    json!({ "Rules": rules })
}

async fn read_lifecycle(client: &Client, name: &str) -> Read {
    match client
        .get_bucket_lifecycle_configuration()
        .bucket(name)
        .send()
        .await
    {
        Ok(out) => Ok(lifecycle_json(out.rules())
            .map(|c| vec![("LifecycleConfiguration", c)])
            .unwrap_or_default()),
        Err(e) => absent_on(classify(&e), "NoSuchLifecycleConfiguration"),
    }
}

/// `LifecycleConfiguration` in CloudFormation shape (`{"Rules": [...]}`); `None` without
/// rules. The rule filter's prefix, tags and object sizes are recorded at rule level, as
/// CloudFormation has them.
pub fn lifecycle_json(rules: &[LifecycleRule]) -> Option<Json> {
    let date = |d: &aws_smithy_types::DateTime| {
        d.fmt(aws_smithy_types::date_time::Format::DateTime)
            .unwrap_or_else(|_| d.secs().to_string())
    };
    let rules: Vec<Json> = rules
        .iter()
        .map(|rule| {
            let mut r = Map::new();
            if let Some(id) = rule.id() {
                r.insert("Id".into(), json!(id));
            }
            r.insert("Status".into(), json!(rule.status().as_str()));
            let filter = rule.filter();
            let and = filter.and_then(|f| f.and());
            #[allow(deprecated)]
            let prefix = rule
                .prefix()
                .or(filter.and_then(|f| f.prefix()))
                .or(and.and_then(|a| a.prefix()));
            if let Some(prefix) = prefix.filter(|p| !p.is_empty()) {
                r.insert("Prefix".into(), json!(prefix));
            }
            let tags: Vec<Json> = filter
                .and_then(|f| f.tag())
                .into_iter()
                .chain(and.map_or(&[][..], |a| a.tags()))
                .map(|t| json!({"Key": t.key(), "Value": t.value()}))
                .collect();
            if !tags.is_empty() {
                r.insert("TagFilters".into(), Json::Array(tags));
            }
            let sizes = [
                (
                    "ObjectSizeGreaterThan",
                    filter
                        .and_then(|f| f.object_size_greater_than())
                        .or(and.and_then(|a| a.object_size_greater_than())),
                ),
                (
                    "ObjectSizeLessThan",
                    filter
                        .and_then(|f| f.object_size_less_than())
                        .or(and.and_then(|a| a.object_size_less_than())),
                ),
            ];
            for (key, size) in sizes {
                if let Some(size) = size {
                    r.insert(key.into(), json!(size.to_string()));
                }
            }
            if let Some(exp) = rule.expiration() {
                if let Some(days) = exp.days() {
                    r.insert("ExpirationInDays".into(), json!(days));
                }
                if let Some(d) = exp.date() {
                    r.insert("ExpirationDate".into(), json!(date(d)));
                }
                if let Some(marker) = exp.expired_object_delete_marker() {
                    r.insert("ExpiredObjectDeleteMarker".into(), json!(marker));
                }
            }
            if let Some(nve) = rule.noncurrent_version_expiration() {
                let mut n = Map::new();
                if let Some(days) = nve.noncurrent_days() {
                    n.insert("NoncurrentDays".into(), json!(days));
                }
                if let Some(newer) = nve.newer_noncurrent_versions() {
                    n.insert("NewerNoncurrentVersions".into(), json!(newer));
                }
                r.insert("NoncurrentVersionExpiration".into(), Json::Object(n));
            }
            let transitions: Vec<Json> = rule
                .transitions()
                .iter()
                .map(|t| {
                    let mut m = Map::new();
                    if let Some(class) = t.storage_class() {
                        m.insert("StorageClass".into(), json!(class.as_str()));
                    }
                    if let Some(days) = t.days() {
                        m.insert("TransitionInDays".into(), json!(days));
                    }
                    if let Some(d) = t.date() {
                        m.insert("TransitionDate".into(), json!(date(d)));
                    }
                    Json::Object(m)
                })
                .collect();
            if !transitions.is_empty() {
                r.insert("Transitions".into(), Json::Array(transitions));
            }
            let noncurrent: Vec<Json> = rule
                .noncurrent_version_transitions()
                .iter()
                .map(|t| {
                    let mut m = Map::new();
                    if let Some(class) = t.storage_class() {
                        m.insert("StorageClass".into(), json!(class.as_str()));
                    }
                    if let Some(days) = t.noncurrent_days() {
                        m.insert("TransitionInDays".into(), json!(days));
                    }
                    if let Some(newer) = t.newer_noncurrent_versions() {
                        m.insert("NewerNoncurrentVersions".into(), json!(newer));
                    }
                    Json::Object(m)
                })
                .collect();
            if !noncurrent.is_empty() {
                r.insert(
                    "NoncurrentVersionTransitions".into(),
                    Json::Array(noncurrent),
                );
            }
            if let Some(days) = rule
                .abort_incomplete_multipart_upload()
                .and_then(|a| a.days_after_initiation())
            {
                r.insert(
                    "AbortIncompleteMultipartUpload".into(),
                    json!({ "DaysAfterInitiation": days }),
                );
            }
            Json::Object(r)
        })
        .collect();
    (!rules.is_empty()).then(|| json!({ "Rules": rules }))
}

async fn read_object_lock(client: &Client, name: &str) -> Read {
    match client
        .get_object_lock_configuration()
        .bucket(name)
        .send()
        .await
    {
        Ok(out) => Ok(out
            .object_lock_configuration()
            .map(object_lock_json)
            .unwrap_or_default()),
        Err(e) => absent_on(classify(&e), "ObjectLockConfigurationNotFoundError"),
    }
}

/// `ObjectLockEnabled` (CloudFormation: boolean) and `ObjectLockConfiguration`.
/// A zero `Days`/`Years` (moto reports `Years: 0` next to `Days`) is left out.
pub fn object_lock_json(c: &ObjectLockConfiguration) -> Vec<(&'static str, Json)> {
    let mut conf = Map::new();
    let mut values = Vec::new();
    if let Some(enabled) = c.object_lock_enabled() {
        conf.insert("ObjectLockEnabled".into(), json!(enabled.as_str()));
        if enabled.as_str() == "Enabled" {
            values.push(("ObjectLockEnabled", json!(true)));
        }
    }
    if let Some(retention) = c.rule().and_then(|r| r.default_retention()) {
        let mut d = Map::new();
        if let Some(mode) = retention.mode() {
            d.insert("Mode".into(), json!(mode.as_str()));
        }
        if let Some(days) = retention.days().filter(|d| *d > 0) {
            d.insert("Days".into(), json!(days));
        }
        if let Some(years) = retention.years().filter(|y| *y > 0) {
            d.insert("Years".into(), json!(years));
        }
        conf.insert("Rule".into(), json!({ "DefaultRetention": d }));
    }
    if !conf.is_empty() {
        values.push(("ObjectLockConfiguration", Json::Object(conf)));
    }
    values
}

async fn read_logging(client: &Client, name: &str) -> Read {
    let out = client
        .get_bucket_logging()
        .bucket(name)
        .send()
        .await
        .map_err(|e| classify(&e))?;
    Ok(out
        .logging_enabled()
        .map(|l| vec![("LoggingConfiguration", logging_json(l))])
        .unwrap_or_default())
}

/// `LoggingConfiguration` in CloudFormation shape.
pub fn logging_json(l: &LoggingEnabled) -> Json {
    let mut m = Map::new();
    m.insert("DestinationBucketName".into(), json!(l.target_bucket()));
    if !l.target_prefix().is_empty() {
        m.insert("LogFilePrefix".into(), json!(l.target_prefix()));
    }
    Json::Object(m)
}

async fn read_replication(client: &Client, name: &str) -> Read {
    match client.get_bucket_replication().bucket(name).send().await {
        Ok(out) => Ok(out
            .replication_configuration()
            .map(|c| {
                let rules: Vec<Json> = c.rules().iter().map(replication_rule_json).collect();
                vec![(
                    "ReplicationConfiguration",
                    json!({ "Role": c.role(), "Rules": rules }),
                )]
            })
            .unwrap_or_default()),
        Err(e) => absent_on(classify(&e), "ReplicationConfigurationNotFoundError"),
    }
}

/// One replication rule in CloudFormation shape.
pub fn replication_rule_json(rule: &ReplicationRule) -> Json {
    let mut r = Map::new();
    if let Some(id) = rule.id() {
        r.insert("Id".into(), json!(id));
    }
    if let Some(priority) = rule.priority() {
        r.insert("Priority".into(), json!(priority));
    }
    // Legacy (V1) rules carry a top-level Prefix; CloudFormation still has the property.
    #[allow(deprecated)]
    if let Some(prefix) = rule.prefix() {
        r.insert("Prefix".into(), json!(prefix));
    }
    if let Some(prefix) = rule
        .filter()
        .and_then(|f| f.prefix())
        .filter(|p| !p.is_empty())
    {
        r.insert("Filter".into(), json!({ "Prefix": prefix }));
    }
    r.insert("Status".into(), json!(rule.status().as_str()));
    if let Some(dest) = rule.destination() {
        let mut d = Map::new();
        d.insert("Bucket".into(), json!(dest.bucket()));
        if let Some(account) = dest.account() {
            d.insert("Account".into(), json!(account));
        }
        if let Some(class) = dest.storage_class() {
            d.insert("StorageClass".into(), json!(class.as_str()));
        }
        r.insert("Destination".into(), Json::Object(d));
    }
    if let Some(status) = rule.delete_marker_replication().and_then(|d| d.status()) {
        r.insert(
            "DeleteMarkerReplication".into(),
            json!({ "Status": status.as_str() }),
        );
    }
    Json::Object(r)
}

async fn read_policy(client: &Client, name: &str) -> Read {
    match client.get_bucket_policy().bucket(name).send().await {
        Ok(out) => match out.policy() {
            None => Ok(Vec::new()),
            Some(text) => match serde_json::from_str::<Json>(text) {
                Ok(doc) => Ok(vec![("BucketPolicy", doc)]),
                Err(e) => Err(ClassifiedError {
                    kind: AwsErrorKind::Other,
                    code: None,
                    message: format!("the bucket policy is not valid JSON: {e}"),
                }),
            },
        },
        Err(e) => absent_on(classify(&e), "NoSuchBucketPolicy"),
    }
}

async fn read_tags(client: &Client, name: &str) -> Read {
    match client.get_bucket_tagging().bucket(name).send().await {
        Ok(out) => {
            let mut pairs: Vec<(&str, &str)> =
                out.tag_set().iter().map(|t| (t.key(), t.value())).collect();
            pairs.sort();
            let tags: Vec<Json> = pairs
                .into_iter()
                .map(|(k, v)| json!({"Key": k, "Value": v}))
                .collect();
            Ok(if tags.is_empty() {
                Vec::new()
            } else {
                vec![("Tags", Json::Array(tags))]
            })
        }
        Err(e) => absent_on(classify(&e), "NoSuchTagSet"),
    }
}

/// Resolve the KMS aliases named by the default encryption or the `s3.encryption` parameter
/// into `KmsKeyAliases`; failures go to the errors of that property.
async fn resolve_aliases(
    aws: &AwsContext,
    target: &Target,
    region: Option<&str>,
    obs: &mut Observation,
) {
    let mut aliases: Vec<String> = obs
        .get("BucketEncryption.ServerSideEncryptionConfiguration")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| r.pointer("/ServerSideEncryptionByDefault/KMSMasterKeyID"))
        .filter_map(Json::as_str)
        .chain(target.params.get(KMS_KEY_PARAM).map(String::as_str))
        .filter(|k| k.contains("alias/"))
        .map(str::to_string)
        .collect();
    aliases.sort();
    aliases.dedup();
    if aliases.is_empty() {
        return;
    }
    let lookups = aliases
        .iter()
        .map(|alias| kms::resolve_key_arn(aws, alias, region));
    let results = futures::future::join_all(lookups).await;
    let mut resolved = Map::new();
    let mut failures = Vec::new();
    for (alias, result) in aliases.iter().zip(results) {
        match result {
            Ok(arn) => {
                resolved.insert(alias.clone(), json!(arn));
            }
            Err(e) => failures.push(format!("KMS DescribeKey {alias}: {e}")),
        }
    }
    if !resolved.is_empty() {
        obs.set("KmsKeyAliases", Json::Object(resolved));
    }
    if !failures.is_empty() {
        obs.error("KmsKeyAliases", failures.join("; "));
    }
}

// ---------------------------------------------------------------- account facet

/// Account property: the account's public access block (S3 Control GetPublicAccessBlock),
/// `{"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"}`;
/// absent when none is set (NoSuchPublicAccessBlockConfiguration).
pub const ACCOUNT_PUBLIC_ACCESS_BLOCK: &str = "AccountPublicAccessBlock";

/// The account facet of `s3.account_public_access_block`.
pub const ACCOUNT_FACETS: &[AccountFacet] = &[AccountFacet {
    properties: &[(ACCOUNT_PUBLIC_ACCESS_BLOCK, SeverityClass::Security)],
    checks: &["s3.account_public_access_block"],
    read: |aws| Box::pin(read_account_public_access_block(aws)),
}];

/// S3 Control GetPublicAccessBlock for the account the provider acts in.
async fn read_account_public_access_block(aws: &AwsContext) -> FacetProperties {
    const API: &str = "S3 Control GetPublicAccessBlock";
    let Some(account) = aws.identity.account.clone() else {
        return vec![(
            ACCOUNT_PUBLIC_ACCESS_BLOCK,
            Err(format!(
                "{API}: the account id is unknown (STS GetCallerIdentity)"
            )),
        )];
    };
    let value = match aws
        .s3control()
        .get_public_access_block()
        .account_id(account)
        .send()
        .await
    {
        Ok(out) => match out.public_access_block_configuration() {
            Some(c) => account_public_access_block_json(c).map(Some),
            None => Err(format!(
                "{API}: answer without PublicAccessBlockConfiguration"
            )),
        },
        Err(e) => match absent_on(classify(&e), "NoSuchPublicAccessBlockConfiguration") {
            Ok(_) => Ok(None),
            Err(err) => Err(format!("{API}: {err}")),
        },
    };
    vec![(ACCOUNT_PUBLIC_ACCESS_BLOCK, value)]
}

/// The account's public access block as recorded; a setting missing from the answer makes
/// it an error (AWS answers all four), never a made-up `false` or `true`.
pub fn account_public_access_block_json(
    c: &aws_sdk_s3control::types::PublicAccessBlockConfiguration,
) -> Result<Json, String> {
    let settings = [
        ("BlockPublicAcls", c.block_public_acls()),
        ("IgnorePublicAcls", c.ignore_public_acls()),
        ("BlockPublicPolicy", c.block_public_policy()),
        ("RestrictPublicBuckets", c.restrict_public_buckets()),
    ];
    let missing: Vec<&str> = settings
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(k, _)| *k)
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "S3 Control GetPublicAccessBlock: the answer has no {}",
            missing.join(", ")
        ));
    }
    Ok(Json::Object(
        settings
            .iter()
            .map(|(k, v)| ((*k).to_string(), Json::Bool(v.unwrap_or_default())))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_s3::types::{
        DefaultRetention, Destination, ObjectLockEnabled, ObjectLockRetentionMode, ObjectLockRule,
        ReplicationRuleStatus, ServerSideEncryption, ServerSideEncryptionByDefault,
        ServerSideEncryptionRule,
    };

    #[test]
    fn every_property_names_the_read_it_comes_from() {
        assert_eq!(api_of_property("BucketEncryption"), "GetBucketEncryption");
        assert_eq!(api_of_property("MfaDelete"), "GetBucketVersioning");
        assert_eq!(
            api_of_property("OwnershipControls"),
            "GetBucketOwnershipControls"
        );
        assert_eq!(api_of_property("KmsKeyAliases"), "GetBucketEncryption");
        assert_eq!(api_of_property("Arn"), "HeadBucket");
        // Every read is one a registered check or the service declares (as an IAM action).
        let declared = crate::observe::services::collector_operations(BUCKET);
        for (api, _) in READS {
            assert!(
                declared.contains(&("s3", api)),
                "{api} is not declared: {declared:?}"
            );
        }
    }

    #[test]
    fn bucket_names_and_arns_from_identifiers() {
        assert_eq!(bucket_name("my-bucket"), "my-bucket");
        assert_eq!(bucket_name("arn:aws:s3:::my-bucket"), "my-bucket");
        assert_eq!(bucket_name("arn:aws:s3:::my-bucket/*"), "my-bucket");
        assert_eq!(bucket_arn("my-bucket"), "arn:aws:s3:::my-bucket");
        assert_eq!(
            bucket_arn("arn:aws-us-gov:s3:::b-1"),
            "arn:aws-us-gov:s3:::b-1"
        );
    }

    #[test]
    fn encryption_is_cloudformation_shaped() {
        let conf = ServerSideEncryptionConfiguration::builder()
            .rules(
                ServerSideEncryptionRule::builder()
                    .apply_server_side_encryption_by_default(
                        ServerSideEncryptionByDefault::builder()
                            .sse_algorithm(ServerSideEncryption::AwsKms)
                            .kms_master_key_id("arn:aws:kms:us-east-1:1:key/k")
                            .build()
                            .unwrap(),
                    )
                    .bucket_key_enabled(true)
                    .build(),
            )
            .build()
            .unwrap();
        assert_eq!(
            encryption_json(&conf),
            Some(json!({"ServerSideEncryptionConfiguration": [{
                "ServerSideEncryptionByDefault": {
                    "SSEAlgorithm": "aws:kms",
                    "KMSMasterKeyID": "arn:aws:kms:us-east-1:1:key/k"
                },
                "BucketKeyEnabled": true
            }]}))
        );
    }

    #[test]
    fn object_lock_drops_zero_periods_and_reports_enabled_as_boolean() {
        let conf = ObjectLockConfiguration::builder()
            .object_lock_enabled(ObjectLockEnabled::Enabled)
            .rule(
                ObjectLockRule::builder()
                    .default_retention(
                        DefaultRetention::builder()
                            .mode(ObjectLockRetentionMode::Compliance)
                            .days(1)
                            .years(0)
                            .build(),
                    )
                    .build(),
            )
            .build();
        assert_eq!(
            object_lock_json(&conf),
            vec![
                ("ObjectLockEnabled", json!(true)),
                (
                    "ObjectLockConfiguration",
                    json!({"ObjectLockEnabled": "Enabled",
                           "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1}}})
                ),
            ]
        );
        assert!(object_lock_json(&ObjectLockConfiguration::builder().build()).is_empty());
    }

    #[test]
    fn replication_rule_is_cloudformation_shaped() {
        let rule = ReplicationRule::builder()
            .id("r1")
            .priority(1)
            .status(ReplicationRuleStatus::Enabled)
            .destination(
                Destination::builder()
                    .bucket("arn:aws:s3:::dst")
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        assert_eq!(
            replication_rule_json(&rule),
            json!({"Id": "r1", "Priority": 1, "Status": "Enabled",
                   "Destination": {"Bucket": "arn:aws:s3:::dst"}})
        );
    }

    #[test]
    fn lifecycle_rules_are_cloudformation_shaped() {
        use aws_sdk_s3::types::{
            ExpirationStatus, LifecycleExpiration, LifecycleRuleFilter,
            NoncurrentVersionExpiration, Transition, TransitionStorageClass,
        };
        let rule = LifecycleRule::builder()
            .id("keep")
            .status(ExpirationStatus::Enabled)
            .filter(LifecycleRuleFilter::builder().prefix("records/").build())
            .expiration(LifecycleExpiration::builder().days(3650).build())
            .noncurrent_version_expiration(
                NoncurrentVersionExpiration::builder()
                    .noncurrent_days(2555)
                    .build(),
            )
            .transitions(
                Transition::builder()
                    .days(90)
                    .storage_class(TransitionStorageClass::Glacier)
                    .build(),
            )
            .build()
            .unwrap();
        assert_eq!(
            lifecycle_json(&[rule]),
            Some(json!({"Rules": [{
                "Id": "keep", "Status": "Enabled", "Prefix": "records/",
                "ExpirationInDays": 3650,
                "NoncurrentVersionExpiration": {"NoncurrentDays": 2555},
                "Transitions": [{"StorageClass": "GLACIER", "TransitionInDays": 90}]
            }]}))
        );
        assert_eq!(lifecycle_json(&[]), None);
    }

    #[test]
    fn unset_public_access_flags_are_false() {
        let c = PublicAccessBlockConfiguration::builder()
            .block_public_acls(true)
            .build();
        assert_eq!(
            public_access_block_json(&c),
            json!({"BlockPublicAcls": true, "BlockPublicPolicy": false,
                   "IgnorePublicAcls": false, "RestrictPublicBuckets": false})
        );
    }

    const NS: &str = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";

    /// S3 answers (as documented by AWS) for a bucket that passes the three checks.
    fn versioning_body() -> String {
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<VersioningConfiguration {NS}><Status>Enabled</Status><MfaDelete>Disabled</MfaDelete></VersioningConfiguration>")
    }

    fn encryption_body() -> String {
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ServerSideEncryptionConfiguration {NS}><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab</KMSMasterKeyID></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>")
    }

    fn object_lock_body() -> String {
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ObjectLockConfiguration {NS}><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>COMPLIANCE</Mode><Days>30</Days></DefaultRetention></Rule></ObjectLockConfiguration>")
    }

    fn lifecycle_body() -> String {
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LifecycleConfiguration {NS}><Rule><ID>keep-record-versions</ID><Filter><Prefix>records/</Prefix></Filter><Status>Enabled</Status><Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition><NoncurrentVersionExpiration><NoncurrentDays>2555</NoncurrentDays></NoncurrentVersionExpiration><AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule></LifecycleConfiguration>")
    }

    fn ownership_body() -> String {
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<OwnershipControls {NS}><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>")
    }

    /// A fake S3 answering every configuration read of `lims-data`; the read whose query
    /// contains `cut_query` answers with `cut_answer` instead.
    fn s3_answer(
        request: &crate::aws::fake_endpoint::Request,
        cut_query: &str,
        cut_answer: &crate::aws::fake_endpoint::Answer,
    ) -> crate::aws::fake_endpoint::Answer {
        use crate::aws::fake_endpoint::Answer;
        let query = request.target.split_once('?').map_or("", |(_, q)| q);
        let xml = |body: String| Answer::new(200, "application/xml", body);
        if request.method == "HEAD" {
            return Answer::empty(200);
        }
        if !cut_query.is_empty() && query.contains(cut_query) {
            return cut_answer.clone();
        }
        if query.contains("versioning") {
            xml(versioning_body())
        } else if query.contains("encryption") {
            xml(encryption_body())
        } else if query.contains("object-lock") {
            xml(object_lock_body())
        } else if query.contains("publicAccessBlock") {
            xml(format!("<PublicAccessBlockConfiguration {NS}><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>"))
        } else if query.contains("logging") {
            xml(format!("<BucketLoggingStatus {NS}/>"))
        } else if query.contains("replication") {
            Answer::s3_error(404, "ReplicationConfigurationNotFoundError")
        } else if query.contains("policy") {
            Answer::s3_error(404, "NoSuchBucketPolicy")
        } else if query.contains("ownershipControls") {
            xml(ownership_body())
        } else if query.contains("lifecycle") {
            xml(lifecycle_body())
        } else if query.contains("tagging") {
            Answer::s3_error(404, "NoSuchTagSet")
        } else {
            Answer::s3_error(400, "UnexpectedRequest")
        }
    }

    async fn bucket_outcomes(
        cut_query: &'static str,
        cut_body: String,
    ) -> Vec<(String, crate::checks::Outcome)> {
        let answer = crate::aws::fake_endpoint::Answer::new(200, "application/xml", cut_body);
        bucket_outcomes_answered(cut_query, answer).await
    }

    /// The outcomes of the three checks when the read whose query contains `cut_query` gets
    /// `answer`.
    async fn bucket_outcomes_answered(
        cut_query: &'static str,
        answer: crate::aws::fake_endpoint::Answer,
    ) -> Vec<(String, crate::checks::Outcome)> {
        use crate::aws::fake_endpoint::FakeEndpoint;
        let endpoint = FakeEndpoint::start(move |r| s3_answer(r, cut_query, &answer)).await;
        let target = Target {
            key: "data".into(),
            resource_type: BUCKET.into(),
            identifier: "lims-data".into(),
            origin: crate::observe::TargetOrigin::Spec,
            checks: vec![],
            params: Default::default(),
            expected_properties: None,
            requirements: vec![],
        };
        let obs = collect(&endpoint.context(2).await, &target).await;
        let params = [(
            "s3.object_lock.min_retention_days".to_string(),
            "30".to_string(),
        )]
        .into_iter()
        .collect();
        [
            "s3.versioning",
            "s3.encryption",
            "s3.object_lock",
            "s3.acl_disabled",
            "s3.lifecycle_retention",
        ]
        .iter()
        .map(|id| {
            (
                id.to_string(),
                crate::checks::evaluate_id(id, &obs, &params),
            )
        })
        .collect()
    }

    #[tokio::test]
    async fn s3_answers_cut_short_are_errors_never_made_up_values() {
        use crate::aws::fake_endpoint::{cut, cut_points};
        use crate::checks::Status;
        let cases: [(&str, &str, &str, String); 5] = [
            (
                "versioning",
                "s3.versioning",
                "GetBucketVersioning",
                versioning_body(),
            ),
            (
                "encryption",
                "s3.encryption",
                "GetBucketEncryption",
                encryption_body(),
            ),
            (
                "object-lock",
                "s3.object_lock",
                "GetObjectLockConfiguration",
                object_lock_body(),
            ),
            (
                "ownershipControls",
                "s3.acl_disabled",
                "GetBucketOwnershipControls",
                ownership_body(),
            ),
            (
                "lifecycle",
                "s3.lifecycle_retention",
                "GetBucketLifecycleConfiguration",
                lifecycle_body(),
            ),
        ];
        let mut wrong = Vec::new();
        for (query, check, api, body) in cases {
            for percent in cut_points() {
                let outcomes = bucket_outcomes(query, cut(&body, percent)).await;
                for (id, outcome) in outcomes {
                    let detail = outcome.detail.clone().unwrap_or_default();
                    let named = detail
                        .contains(&format!("S3 {api} answered HTTP 200 with a malformed body"));
                    let right = if id == check {
                        outcome.status == Status::Error && named
                    } else {
                        outcome.status == Status::Passed
                    };
                    if !right {
                        wrong.push(format!(
                            "{id} with {api} cut at {percent:.0}%: {} (actual {:?}; {detail})",
                            outcome.status.as_str(),
                            outcome.actual
                        ));
                    }
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    /// A "not configured" error answer cut short but framed with a matching length: its
    /// error code may survive the cut, but the document is broken, so the code is not trusted
    /// (it would fail `s3.object_lock` on a made-up "not enabled"). Found by the e2e fault
    /// scenarios against LocalStack (a cut `ObjectLockConfigurationNotFoundError` gave
    /// `failed`; cut earlier, `error` without a retry).
    #[tokio::test]
    async fn s3_error_answers_cut_short_are_errors_never_evaluated() {
        use crate::aws::fake_endpoint::{cut, cut_points, Answer};
        use crate::checks::Status;
        let error = Answer::s3_error(404, "ObjectLockConfigurationNotFoundError");
        let whole = String::from_utf8(error.body.clone()).unwrap();
        let outcomes = bucket_outcomes_answered("object-lock", error.clone()).await;
        assert_eq!(outcomes[2].1.status, Status::Failed, "{:?}", outcomes[2]);
        let mut wrong = Vec::new();
        for percent in cut_points() {
            let mut cut_error = error.clone();
            cut_error.body = cut(&whole, percent).into_bytes();
            let outcomes = bucket_outcomes_answered("object-lock", cut_error).await;
            let (_, lock) = &outcomes[2];
            let detail = lock.detail.clone().unwrap_or_default();
            let named = detail
                .contains("S3 GetObjectLockConfiguration answered HTTP 404 with a malformed body");
            if lock.status != Status::Error || !named {
                wrong.push(format!(
                    "cut at {percent:.0}%: {} (actual {:?}; {detail})",
                    lock.status.as_str(),
                    lock.actual
                ));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[tokio::test]
    async fn complete_s3_answers_are_evaluated() {
        use crate::checks::Status;
        for (id, outcome) in bucket_outcomes("", String::new()).await {
            assert_eq!(outcome.status, Status::Passed, "{id}: {outcome:?}");
        }
        let short = lifecycle_body().replace(">2555<", ">30<");
        let outcomes = bucket_outcomes("lifecycle", short).await;
        assert_eq!(outcomes[4].1.status, Status::Failed, "{:?}", outcomes[4]);
        assert_eq!(
            outcomes[4].1.actual,
            "rule \"keep-record-versions\" deletes noncurrent versions after 30 day(s)"
        );
        let none = crate::aws::fake_endpoint::Answer::s3_error(404, "NoSuchLifecycleConfiguration");
        let outcomes = bucket_outcomes_answered("lifecycle", none).await;
        assert_eq!(outcomes[4].1.status, Status::Passed, "{:?}", outcomes[4]);
        assert_eq!(outcomes[4].1.actual, "no lifecycle configuration");
        let denied = crate::aws::fake_endpoint::Answer::s3_error(403, "AccessDenied");
        let outcomes = bucket_outcomes_answered("lifecycle", denied).await;
        assert_eq!(outcomes[4].1.status, Status::Error, "{:?}", outcomes[4]);
        let suspended = versioning_body().replace("Enabled</Status>", "Suspended</Status>");
        let outcomes = bucket_outcomes("versioning", suspended).await;
        assert_eq!(outcomes[0].1.status, Status::Failed, "{:?}", outcomes[0]);
        assert_eq!(outcomes[0].1.actual, "Suspended");
    }
}

/// The account facet against documented S3 Control answers.
#[cfg(test)]
mod account_facet_tests {
    use crate::aws::fake_endpoint::{Answer, Request};
    use crate::checks::Status;
    use crate::observe::account::testing::{outcome, whole_passes_and_cut_short_errors};

    const ID: &str = "s3.account_public_access_block";

    fn block(policy: bool) -> Answer {
        Answer::new(200, "application/xml", format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PublicAccessBlockConfiguration xmlns=\"http://awss3control.amazonaws.com/doc/2018-08-20/\"><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>{policy}</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>"
        ))
    }

    fn control_error(status: u16, code: &str) -> Answer {
        Answer::new(status, "application/xml", format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse><Error><Code>{code}</Code><Message>{code}</Message></Error><RequestId>r</RequestId><HostId>h</HostId></ErrorResponse>"
        ))
    }

    fn all_on(r: &Request) -> Answer {
        // The account id travels in a header, the path is the account's configuration.
        if r.target == "/v20180820/configuration/publicAccessBlock"
            && r.header("x-amz-account-id") == Some("123456789012")
        {
            block(true)
        } else {
            Answer::s3_error(400, "UnexpectedRequest")
        }
    }

    #[tokio::test]
    async fn the_account_block_is_read_from_s3_control_whole_or_not_at_all() {
        whole_passes_and_cut_short_errors(all_on, |_| true, ID, &[]).await;
    }

    #[tokio::test]
    async fn a_setting_off_or_no_block_fails_and_a_denied_read_errors() {
        let out = outcome(|_| block(false), ID, &[]).await;
        assert_eq!(
            (out.status, out.actual.as_str()),
            (Status::Failed, "off: BlockPublicPolicy")
        );
        // S3 Control wraps its errors in `<ErrorResponse>` (unlike S3).
        let none = |_: &Request| control_error(404, "NoSuchPublicAccessBlockConfiguration");
        let out = outcome(none, ID, &[]).await;
        assert_eq!(
            (out.status, out.actual.as_str()),
            (Status::Failed, "not configured")
        );
        for answer in [
            control_error(403, "AccessDenied"),
            control_error(503, "SlowDown"),
            Answer::empty(501),
            // The S3 (unwrapped) form of the "not configured" code is not S3 Control's
            // answer: not trusted as "not configured".
            Answer::s3_error(404, "NoSuchPublicAccessBlockConfiguration"),
        ] {
            let out = outcome(move |_| answer.clone(), ID, &[]).await;
            assert_eq!(out.status, Status::Error, "{out:?}");
        }
        // An answer that leaves a setting out is not evaluated.
        let partial = |_: &Request| {
            Answer::new(200, "application/xml", "<PublicAccessBlockConfiguration xmlns=\"http://awss3control.amazonaws.com/doc/2018-08-20/\"><BlockPublicAcls>true</BlockPublicAcls></PublicAccessBlockConfiguration>")
        };
        let out = outcome(partial, ID, &[]).await;
        assert_eq!(out.status, Status::Error, "{out:?}");
        assert!(
            out.detail.unwrap_or_default().contains("IgnorePublicAcls"),
            "names what is missing"
        );
    }
}
