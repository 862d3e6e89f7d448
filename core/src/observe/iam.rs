//! IAM's account facets: what the IAM checks read about the account (see
//! [`super::account`]). IAM has no resource target of its own; each facet is read only when
//! the account target runs one of its checks.
//!
//! | Property | Read with | Checks |
//! |---|---|---|
//! | `IamAccountSummary` | GetAccountSummary | `iam.root_mfa`, `iam.root_no_access_keys` |
//! | `IamVirtualMfaDevices` | ListVirtualMFADevices (assigned) | `iam.root_mfa` (hardware) |
//! | `IamPasswordPolicy` | GetAccountPasswordPolicy (`NoSuchEntity`: not configured) | `iam.password_policy` |
//! | `IamCredentialReport`, `IamCredentialUsage` | GenerateCredentialReport (polled, bounded), GetCredentialReport | `iam.user_console_mfa`, `iam.unused_credentials` |
//! | `IamAccessKeys` | ListUsers, ListAccessKeys | `iam.access_keys_rotated` |
//! | `IamUserPolicies` | ListUsers, ListAttachedUserPolicies, ListUserPolicies | `iam.user_no_direct_policies` |
//! | `IamPolicyDocuments` | ListPolicies (Scope=Local), GetPolicyVersion; ListUsers/ListGroups/ListRoles with List/Get{User,Group,Role}Policy | `iam.no_admin_policies`, `iam.no_kms_decrypt_on_all_keys` |
//!
//! The last-use dates of the credential report are kept apart (`IamCredentialUsage`,
//! cosmetic) so that a user logging in is no drift; who has which credential and MFA is.

use std::time::Duration;

use aws_sdk_iam::Client;
use serde_json::{json, Map, Value as Json};

use super::services::{AccountFacet, FacetProperties, Service};
use super::{Existence, Observation};
use crate::aws::{classify, AwsContext, AwsErrorKind};
use crate::catalog::SeverityClass;

/// Account summary (root MFA, root access keys).
pub const SUMMARY: &str = "IamAccountSummary";
/// Assigned virtual MFA devices: serial number and user ARN.
pub const VIRTUAL_MFA: &str = "IamVirtualMfaDevices";
/// The account password policy, in CloudFormation-like names.
pub const PASSWORD_POLICY: &str = "IamPasswordPolicy";
/// Credential report rows (without last-use dates).
pub const CREDENTIAL_REPORT: &str = "IamCredentialReport";
/// Last-use dates of the credential report, per user ARN.
pub const CREDENTIAL_USAGE: &str = "IamCredentialUsage";
/// Users with their access keys.
pub const ACCESS_KEYS: &str = "IamAccessKeys";
/// Users with their attached and inline policies.
pub const USER_POLICIES: &str = "IamUserPolicies";
/// Customer managed and inline policy documents.
pub const POLICY_DOCUMENTS: &str = "IamPolicyDocuments";

/// How often and how long GenerateCredentialReport is polled for a complete report.
const REPORT_POLLS: u32 = 20;
const REPORT_POLL_INTERVAL: Duration = Duration::from_millis(500);

/// The IAM registration: account facets only.
pub const SERVICE: Service = Service {
    name: "iam",
    sdk_client: "aws-sdk-iam",
    iam_actions: &[],
    resource_types: &[],
    collect: |_, target| {
        Box::pin(async move {
            Observation::with_existence(
                target,
                Existence::Unknown("IAM observes the account only".into()),
            )
        })
    },
    discover: |_, _| None,
    property_classes: &[],
    account_facets: &[
        AccountFacet {
            properties: &[(SUMMARY, SeverityClass::Security)],
            checks: &["iam.root_mfa", "iam.root_no_access_keys"],
            read: |aws| Box::pin(read_summary(aws)),
        },
        AccountFacet {
            properties: &[(VIRTUAL_MFA, SeverityClass::Security)],
            checks: &["iam.root_mfa"],
            read: |aws| Box::pin(read_virtual_mfa(aws)),
        },
        AccountFacet {
            properties: &[(PASSWORD_POLICY, SeverityClass::Security)],
            checks: &["iam.password_policy"],
            read: |aws| Box::pin(read_password_policy(aws)),
        },
        AccountFacet {
            properties: &[
                (CREDENTIAL_REPORT, SeverityClass::Security),
                (CREDENTIAL_USAGE, SeverityClass::Cosmetic),
            ],
            checks: &["iam.user_console_mfa", "iam.unused_credentials"],
            read: |aws| Box::pin(read_credential_report(aws)),
        },
        AccountFacet {
            properties: &[(ACCESS_KEYS, SeverityClass::Security)],
            checks: &["iam.access_keys_rotated"],
            read: |aws| Box::pin(read_access_keys(aws)),
        },
        AccountFacet {
            properties: &[(USER_POLICIES, SeverityClass::Security)],
            checks: &["iam.user_no_direct_policies"],
            read: |aws| Box::pin(read_user_policies(aws)),
        },
        AccountFacet {
            properties: &[(POLICY_DOCUMENTS, SeverityClass::Security)],
            checks: &["iam.no_admin_policies", "iam.no_kms_decrypt_on_all_keys"],
            read: |aws| Box::pin(read_policy_documents(aws)),
        },
    ],
};

fn one(property: &'static str, value: Result<Option<Json>, String>) -> FacetProperties {
    vec![(property, value)]
}

fn failed<E>(
    api: &str,
    e: &aws_sdk_iam::error::SdkError<E, aws_smithy_runtime_api::http::Response>,
) -> String
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata
        + std::error::Error
        + Send
        + Sync
        + 'static,
{
    format!("IAM {api}: {}", classify(e))
}

fn date(d: Option<&aws_smithy_types::DateTime>) -> Json {
    d.and_then(|d| d.fmt(aws_smithy_types::date_time::Format::DateTime).ok())
        .map_or(Json::Null, Json::String)
}

async fn read_summary(aws: &AwsContext) -> FacetProperties {
    let value = match aws.iam().get_account_summary().send().await {
        Ok(out) => {
            let map = out.summary_map();
            let get = |k: &str| {
                map.and_then(|m| {
                    m.iter()
                        .find(|(key, _)| key.as_str() == k)
                        .map(|(_, v)| json!(v))
                })
            };
            match (get("AccountMFAEnabled"), get("AccountAccessKeysPresent")) {
                (Some(mfa), Some(keys)) => Ok(Some(json!({
                    "AccountMFAEnabled": mfa,
                    "AccountAccessKeysPresent": keys,
                }))),
                _ => Err("IAM GetAccountSummary: the summary has no AccountMFAEnabled or AccountAccessKeysPresent".into()),
            }
        }
        Err(e) => Err(failed("GetAccountSummary", &e)),
    };
    one(SUMMARY, value)
}

async fn read_virtual_mfa(aws: &AwsContext) -> FacetProperties {
    let mut devices = Vec::new();
    let mut pages = aws
        .iam()
        .list_virtual_mfa_devices()
        .assignment_status(aws_sdk_iam::types::AssignmentStatusType::Assigned)
        .into_paginator()
        .items()
        .send();
    while let Some(item) = pages.next().await {
        match item {
            Ok(d) => devices.push(json!({
                "SerialNumber": d.serial_number(),
                "User": d.user().map(|u| u.arn()),
            })),
            Err(e) => return one(VIRTUAL_MFA, Err(failed("ListVirtualMFADevices", &e))),
        }
    }
    one(VIRTUAL_MFA, Ok(Some(Json::Array(devices))))
}

async fn read_password_policy(aws: &AwsContext) -> FacetProperties {
    let value = match aws.iam().get_account_password_policy().send().await {
        Ok(out) => match out.password_policy() {
            Some(p) => Ok(Some(password_policy_json(p))),
            None => Err("IAM GetAccountPasswordPolicy: answer without PasswordPolicy".into()),
        },
        Err(e) => {
            let c = classify(&e);
            if c.code.as_deref() == Some("NoSuchEntity") || c.kind == AwsErrorKind::NotFound {
                Ok(None)
            } else {
                Err(format!("IAM GetAccountPasswordPolicy: {c}"))
            }
        }
    };
    one(PASSWORD_POLICY, value)
}

/// The password policy in the names of `AWS::IAM::AccountPasswordPolicy`-like settings.
pub fn password_policy_json(p: &aws_sdk_iam::types::PasswordPolicy) -> Json {
    let mut m = Map::new();
    let mut put = |k: &str, v: Json| {
        if !v.is_null() {
            m.insert(k.into(), v);
        }
    };
    put("MinimumPasswordLength", json!(p.minimum_password_length()));
    put("RequireSymbols", json!(p.require_symbols()));
    put("RequireNumbers", json!(p.require_numbers()));
    put(
        "RequireUppercaseCharacters",
        json!(p.require_uppercase_characters()),
    );
    put(
        "RequireLowercaseCharacters",
        json!(p.require_lowercase_characters()),
    );
    put(
        "AllowUsersToChangePassword",
        json!(p.allow_users_to_change_password()),
    );
    put("ExpirePasswords", json!(p.expire_passwords()));
    put("MaxPasswordAge", json!(p.max_password_age()));
    put(
        "PasswordReusePrevention",
        json!(p.password_reuse_prevention()),
    );
    put("HardExpiry", json!(p.hard_expiry()));
    Json::Object(m)
}

async fn read_credential_report(aws: &AwsContext) -> FacetProperties {
    let both = |v: Result<(Json, Json), String>| match v {
        Ok((report, usage)) => vec![
            (CREDENTIAL_REPORT, Ok(Some(report))),
            (CREDENTIAL_USAGE, Ok(Some(usage))),
        ],
        Err(e) => vec![
            (CREDENTIAL_REPORT, Err(e.clone())),
            (CREDENTIAL_USAGE, Err(e)),
        ],
    };
    both(credential_report(&aws.iam()).await)
}

/// Generate the credential report (polled up to [`REPORT_POLLS`] times) and read it.
async fn credential_report(client: &Client) -> Result<(Json, Json), String> {
    let mut complete = false;
    for attempt in 0..REPORT_POLLS {
        match client.generate_credential_report().send().await {
            Ok(out) => {
                if matches!(
                    out.state(),
                    Some(aws_sdk_iam::types::ReportStateType::Complete)
                ) {
                    complete = true;
                    break;
                }
            }
            Err(e) => return Err(failed("GenerateCredentialReport", &e)),
        }
        if attempt + 1 < REPORT_POLLS {
            tokio::time::sleep(REPORT_POLL_INTERVAL).await;
        }
    }
    if !complete {
        return Err(format!(
            "IAM GenerateCredentialReport: the report was not complete after {REPORT_POLLS} polls ({} s)",
            (REPORT_POLL_INTERVAL * REPORT_POLLS).as_secs()
        ));
    }
    let out = client
        .get_credential_report()
        .send()
        .await
        .map_err(|e| failed("GetCredentialReport", &e))?;
    let content = out
        .content()
        .ok_or("IAM GetCredentialReport: answer without Content")?;
    parse_credential_report(content.as_ref())
}

/// Columns of a credential report row kept as `IamCredentialReport` (who has what).
const REPORT_COLUMNS: &[&str] = &[
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_changed",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_2_active",
    "access_key_2_last_rotated",
];
/// Columns kept as `IamCredentialUsage` (when it was last used).
const USAGE_COLUMNS: &[&str] = &[
    "password_last_used",
    "access_key_1_last_used_date",
    "access_key_2_last_used_date",
];

/// Parse a credential report (CSV with a header row) into its two properties: the rows'
/// credential columns, and per ARN their last-use columns. A report without the expected
/// columns is an error, never an empty list.
pub fn parse_credential_report(csv_text: &[u8]) -> Result<(Json, Json), String> {
    let mut reader = csv::ReaderBuilder::new().from_reader(csv_text);
    let headers = reader
        .headers()
        .map_err(|e| format!("IAM credential report: not CSV: {e}"))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let mut missing: Vec<&str> = REPORT_COLUMNS
        .iter()
        .chain(USAGE_COLUMNS)
        .copied()
        .filter(|c| col(c).is_none())
        .collect();
    if !missing.is_empty() {
        missing.sort_unstable();
        return Err(format!(
            "IAM credential report: columns missing: {}",
            missing.join(", ")
        ));
    }
    let mut rows = Vec::new();
    let mut usage = Map::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("IAM credential report: malformed row: {e}"))?;
        let field = |name: &str| col(name).and_then(|i| record.get(i)).unwrap_or_default();
        let mut row = Map::new();
        for c in REPORT_COLUMNS {
            row.insert((*c).into(), Json::String(field(c).into()));
        }
        let mut used = Map::new();
        for c in USAGE_COLUMNS {
            used.insert((*c).into(), Json::String(field(c).into()));
        }
        usage.insert(field("arn").into(), Json::Object(used));
        rows.push(Json::Object(row));
    }
    Ok((Json::Array(rows), Json::Object(usage)))
}

/// Every IAM user: (name, ARN).
async fn users(client: &Client) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut pages = client.list_users().into_paginator().items().send();
    while let Some(item) = pages.next().await {
        let u = item.map_err(|e| failed("ListUsers", &e))?;
        out.push((u.user_name().to_string(), u.arn().to_string()));
    }
    Ok(out)
}

async fn read_access_keys(aws: &AwsContext) -> FacetProperties {
    one(ACCESS_KEYS, access_keys(&aws.iam()).await.map(Some))
}

async fn access_keys(client: &Client) -> Result<Json, String> {
    let mut list = Vec::new();
    for (name, arn) in users(client).await? {
        let mut keys = Vec::new();
        let mut pages = client
            .list_access_keys()
            .user_name(&name)
            .into_paginator()
            .items()
            .send();
        while let Some(item) = pages.next().await {
            let k = item.map_err(|e| failed("ListAccessKeys", &e))?;
            keys.push(json!({
                "AccessKeyId": k.access_key_id(),
                "Status": k.status().map(|s| s.as_str()),
                "CreateDate": date(k.create_date()),
            }));
        }
        list.push(json!({"UserName": name, "Arn": arn, "AccessKeys": keys}));
    }
    Ok(Json::Array(list))
}

async fn read_user_policies(aws: &AwsContext) -> FacetProperties {
    one(USER_POLICIES, user_policies(&aws.iam()).await.map(Some))
}

async fn user_policies(client: &Client) -> Result<Json, String> {
    let mut list = Vec::new();
    for (name, arn) in users(client).await? {
        let mut attached = Vec::new();
        let mut pages = client
            .list_attached_user_policies()
            .user_name(&name)
            .into_paginator()
            .items()
            .send();
        while let Some(item) = pages.next().await {
            let p = item.map_err(|e| failed("ListAttachedUserPolicies", &e))?;
            attached.push(json!(p.policy_arn()));
        }
        let mut inline = Vec::new();
        let mut pages = client
            .list_user_policies()
            .user_name(&name)
            .into_paginator()
            .items()
            .send();
        while let Some(item) = pages.next().await {
            inline.push(json!(item.map_err(|e| failed("ListUserPolicies", &e))?));
        }
        list.push(json!({
            "UserName": name,
            "Arn": arn,
            "AttachedPolicies": attached,
            "InlinePolicies": inline,
        }));
    }
    Ok(Json::Array(list))
}

async fn read_policy_documents(aws: &AwsContext) -> FacetProperties {
    one(
        POLICY_DOCUMENTS,
        policy_documents(&aws.iam()).await.map(Some),
    )
}

/// A policy document as IAM returns it: URL-encoded JSON (GetPolicyVersion, Get*Policy), or
/// plain JSON. Kept as text when it is not JSON (the checks are then `error` on it).
pub fn document_json(text: &str) -> Json {
    let decoded = percent_decode(text);
    serde_json::from_str(&decoded)
        .or_else(|_| serde_json::from_str(text))
        .unwrap_or(Json::String(text.to_string()))
}

/// RFC 3986 percent-decoding (`+` stays `+`: IAM encodes spaces as `%20`).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn policy_entry(subject: String, kind: &str, attachments: Option<i32>, document: Json) -> Json {
    let mut m = Map::new();
    m.insert("Subject".into(), Json::String(subject));
    m.insert("Kind".into(), Json::String(kind.into()));
    if let Some(n) = attachments {
        m.insert("AttachmentCount".into(), json!(n));
    }
    m.insert("Document".into(), document);
    Json::Object(m)
}

async fn policy_documents(client: &Client) -> Result<Json, String> {
    let mut list = Vec::new();
    // Customer managed policies: their default version.
    let mut pages = client
        .list_policies()
        .scope(aws_sdk_iam::types::PolicyScopeType::Local)
        .into_paginator()
        .items()
        .send();
    let mut managed = Vec::new();
    while let Some(item) = pages.next().await {
        let p = item.map_err(|e| failed("ListPolicies", &e))?;
        managed.push((
            p.arn().unwrap_or_default().to_string(),
            p.default_version_id().unwrap_or_default().to_string(),
            p.attachment_count(),
        ));
    }
    for (arn, version, attachments) in managed {
        let out = client
            .get_policy_version()
            .policy_arn(&arn)
            .version_id(&version)
            .send()
            .await
            .map_err(|e| failed("GetPolicyVersion", &e))?;
        let document = out
            .policy_version()
            .and_then(|v| v.document())
            .map(document_json)
            .ok_or(format!(
                "IAM GetPolicyVersion: {arn} {version} has no Document"
            ))?;
        list.push(policy_entry(arn, "customer_managed", attachments, document));
    }
    // Inline policies of users, groups and roles.
    for (name, arn) in users(client).await? {
        let mut names = Vec::new();
        let mut pages = client
            .list_user_policies()
            .user_name(&name)
            .into_paginator()
            .items()
            .send();
        while let Some(item) = pages.next().await {
            names.push(item.map_err(|e| failed("ListUserPolicies", &e))?);
        }
        for policy in names {
            let out = client
                .get_user_policy()
                .user_name(&name)
                .policy_name(&policy)
                .send()
                .await
                .map_err(|e| failed("GetUserPolicy", &e))?;
            let doc = document_json(out.policy_document());
            list.push(policy_entry(
                format!("{arn} (inline policy {policy})"),
                "inline",
                None,
                doc,
            ));
        }
    }
    let mut groups = Vec::new();
    let mut pages = client.list_groups().into_paginator().items().send();
    while let Some(item) = pages.next().await {
        let g = item.map_err(|e| failed("ListGroups", &e))?;
        groups.push((g.group_name().to_string(), g.arn().to_string()));
    }
    for (name, arn) in groups {
        let mut names = Vec::new();
        let mut pages = client
            .list_group_policies()
            .group_name(&name)
            .into_paginator()
            .items()
            .send();
        while let Some(item) = pages.next().await {
            names.push(item.map_err(|e| failed("ListGroupPolicies", &e))?);
        }
        for policy in names {
            let out = client
                .get_group_policy()
                .group_name(&name)
                .policy_name(&policy)
                .send()
                .await
                .map_err(|e| failed("GetGroupPolicy", &e))?;
            let doc = document_json(out.policy_document());
            list.push(policy_entry(
                format!("{arn} (inline policy {policy})"),
                "inline",
                None,
                doc,
            ));
        }
    }
    let mut roles = Vec::new();
    let mut pages = client.list_roles().into_paginator().items().send();
    while let Some(item) = pages.next().await {
        let r = item.map_err(|e| failed("ListRoles", &e))?;
        roles.push((r.role_name().to_string(), r.arn().to_string()));
    }
    for (name, arn) in roles {
        let mut names = Vec::new();
        let mut pages = client
            .list_role_policies()
            .role_name(&name)
            .into_paginator()
            .items()
            .send();
        while let Some(item) = pages.next().await {
            names.push(item.map_err(|e| failed("ListRolePolicies", &e))?);
        }
        for policy in names {
            let out = client
                .get_role_policy()
                .role_name(&name)
                .policy_name(&policy)
                .send()
                .await
                .map_err(|e| failed("GetRolePolicy", &e))?;
            let doc = document_json(out.policy_document());
            list.push(policy_entry(
                format!("{arn} (inline policy {policy})"),
                "inline",
                None,
                doc,
            ));
        }
    }
    Ok(Json::Array(list))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_encoded_and_plain_documents_parse_alike() {
        let plain = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%7D";
        assert_eq!(document_json(plain), document_json(encoded));
        assert_eq!(document_json(plain)["Statement"]["Action"], "*");
        assert_eq!(document_json("not json"), Json::String("not json".into()));
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("%41%20b%"), "A b%");
    }

    /// The credential report as AWS documents it (header and a root and a user row).
    const REPORT: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n\
<root_account>,arn:aws:iam::123456789012:root,2014-09-01T22:28:48+00:00,not_supported,2026-05-01T10:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n\
alice,arn:aws:iam::123456789012:user/alice,2025-01-01T00:00:00+00:00,true,2026-05-30T08:00:00+00:00,2025-01-01T00:00:00+00:00,N/A,false,true,2025-01-01T00:00:00+00:00,2026-05-31T00:00:00+00:00,eu-west-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n";

    #[test]
    fn credential_reports_split_into_credentials_and_their_use() {
        let (rows, usage) = parse_credential_report(REPORT.as_bytes()).unwrap();
        assert_eq!(rows.as_array().unwrap().len(), 2);
        assert_eq!(rows[1]["arn"], "arn:aws:iam::123456789012:user/alice");
        assert_eq!(rows[1]["mfa_active"], "false");
        assert!(rows[1].get("password_last_used").is_none());
        assert_eq!(
            usage["arn:aws:iam::123456789012:user/alice"]["password_last_used"],
            "2026-05-30T08:00:00+00:00"
        );
    }

    #[test]
    fn a_credential_report_without_its_columns_is_an_error() {
        let e =
            parse_credential_report(b"user,arn\nalice,arn:aws:iam::1:user/alice\n").unwrap_err();
        assert!(e.contains("columns missing"), "{e}");
        // Cut short anywhere in the header: an error, never an empty report.
        let header_end = REPORT.find('\n').unwrap();
        for cut in [0, 10, header_end / 2] {
            assert!(
                parse_credential_report(&REPORT.as_bytes()[..cut]).is_err(),
                "{cut}"
            );
        }
    }
}
