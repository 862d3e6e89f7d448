//! Read back a filed report: the start of an imported qualification.

use crate::aws::AwsContext;
use crate::observe::{Target, TargetOrigin};
use crate::report::Report;
use crate::util::sha256_hex;

use super::snapshot::{SnapStack, SnapTarget, Snapshot};

/// Read bytes from `s3://BUCKET/KEY` or a local path.
pub async fn read_location(aws: Option<&AwsContext>, location: &str) -> Result<Vec<u8>, String> {
    if let Some(rest) = location.strip_prefix("s3://") {
        let (bucket, key) = rest
            .split_once('/')
            .ok_or_else(|| format!("`{location}` has no key"))?;
        let aws = aws.ok_or("AWS access is not configured")?;
        let out = aws
            .s3()
            .get_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| crate::aws::classify(&e).to_string())?;
        let body = out.body.collect().await.map_err(|e| e.to_string())?;
        Ok(body.into_bytes().to_vec())
    } else {
        std::fs::read(location).map_err(|e| format!("cannot read {location}: {e}"))
    }
}

/// Parse a filed report, checking it against the `.sha256` filed beside it when present.
pub async fn read_report(
    aws: Option<&AwsContext>,
    location: &str,
) -> Result<(Report, String), String> {
    let bytes = read_location(aws, location).await?;
    let sha = sha256_hex(&bytes);
    if let Ok(side) = read_location(aws, &format!("{location}.sha256")).await {
        let recorded = String::from_utf8_lossy(&side)
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string();
        if recorded != sha {
            return Err(format!("the report's SHA-256 is {sha} but {location}.sha256 records {recorded}: the report was altered"));
        }
    }
    let report: Report = serde_json::from_slice(&bytes)
        .map_err(|e| format!("{location} is not a qualification report: {e}"))?;
    Ok((report, sha))
}

/// What a report records as observed, as the snapshot a refresh compares with.
pub fn snapshot_of(report: &Report) -> Snapshot {
    let targets = report
        .observations
        .iter()
        .map(|o| {
            let t = report
                .targets
                .iter()
                .find(|t| t.key == o.key)
                .cloned()
                .unwrap_or_else(|| Target {
                    key: o.key.clone(),
                    resource_type: o.resource_type.clone(),
                    identifier: o.identifier.clone(),
                    origin: if o.key.starts_with("discovered:") {
                        TargetOrigin::Discovered
                    } else {
                        TargetOrigin::Spec
                    },
                    checks: vec![],
                    params: Default::default(),
                    expected_properties: None,
                    requirements: vec![],
                });
            SnapTarget::of(&t, o)
        })
        .collect();
    Snapshot {
        targets,
        stacks: report.stacks.iter().map(SnapStack::of).collect(),
        discovery_tags: report.qualification.discovery_tags.clone(),
        discovery_exclude_checks: report.qualification.discovery_exclude_checks.clone(),
    }
}
