"""Build (or drift) the quickstart's small landing zone in the emulator with boto3.

Usage: demo_landing_zone.py create|drift   (AWS_ENDPOINT_URL must point at the emulator)

create: KMS key (rotation on, alias/lz-records), access-log bucket, evidence bucket (Object
Lock COMPLIANCE, versioning, SSE-KMS, public access blocked, access logging; no TLS-only
policy, because the emulator is plain HTTP and the provider files reports into it), records
bucket (versioning, SSE-KMS, public access blocked, TLS-only policy, access logging), a
multi-region CloudTrail trail with log-file validation, KMS, CloudWatch Logs and S3 data
events, and the CloudFormation stack lz-core from templates/lz-core.json.
drift: suspends versioning on the records bucket (a security-relevant console change).
"""

import json
import os
import sys
import time

import boto3

REGION = os.environ.get("AWS_REGION", "us-east-1")
HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATE = os.path.join(HERE, "..", "examples", "quickstart", "templates", "lz-core.json")


def client(name):
    return boto3.client(name, region_name=REGION, endpoint_url=os.environ["AWS_ENDPOINT_URL"])


def tls_only(bucket):
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }],
    })


def secure_bucket(s3, name, key_arn, lock=False, tls_only_policy=True):
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=lock)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn},
        "BucketKeyEnabled": True}]})
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    if tls_only_policy:
        s3.put_bucket_policy(Bucket=name, Policy=tls_only(name))
    s3.put_bucket_logging(Bucket=name, BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": "lz-access-logs", "TargetPrefix": f"{name}/"}})
    if lock:
        s3.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1}}})


def create():
    kms, s3, trail, logs, cfn = (client(n) for n in ("kms", "s3", "cloudtrail", "logs", "cloudformation"))
    key = kms.create_key(Description="Landing zone records key")["KeyMetadata"]
    kms.enable_key_rotation(KeyId=key["KeyId"])
    kms.create_alias(AliasName="alias/lz-records", TargetKeyId=key["KeyId"])
    s3.create_bucket(Bucket="lz-access-logs", ACL="log-delivery-write")
    # The emulator speaks plain HTTP and enforces bucket policies: a TLS-only policy would
    # refuse the provider's evidence writes, so the demo's evidence bucket has none.
    secure_bucket(s3, "lz-evidence", key["Arn"], lock=True, tls_only_policy=False)
    secure_bucket(s3, "lz-records", key["Arn"])
    logs.create_log_group(logGroupName="lz-audit-trail", kmsKeyId=key["Arn"])
    logs.put_retention_policy(logGroupName="lz-audit-trail", retentionInDays=365)
    group_arn = logs.describe_log_groups(logGroupNamePrefix="lz-audit-trail")["logGroups"][0]["arn"]
    s3.create_bucket(Bucket="lz-trail-logs")
    trail.create_trail(
        Name="lz-audit-trail", S3BucketName="lz-trail-logs", IsMultiRegionTrail=True,
        EnableLogFileValidation=True, KmsKeyId=key["Arn"], CloudWatchLogsLogGroupArn=group_arn,
        CloudWatchLogsRoleArn="arn:aws:iam::123456789012:role/lz-trail-to-logs")
    trail.put_event_selectors(TrailName="lz-audit-trail", EventSelectors=[{
        "ReadWriteType": "All", "IncludeManagementEvents": True,
        "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::lz-records/"]}]}])
    trail.start_logging(Name="lz-audit-trail")
    with open(TEMPLATE, encoding="utf-8") as f:
        body = f.read()
    cfn.create_stack(StackName="lz-core", TemplateBody=body,
                     Parameters=[{"ParameterKey": "Environment", "ParameterValue": "validation"}])
    for _ in range(60):
        status = cfn.describe_stacks(StackName="lz-core")["Stacks"][0]["StackStatus"]
        if status.endswith("_COMPLETE"):
            break
        time.sleep(0.5)
    print(json.dumps({"kms_key_arn": key["Arn"], "trail": "lz-audit-trail", "stack": "lz-core", "stack_status": status}))


def drift():
    client("s3").put_bucket_versioning(Bucket="lz-records", VersioningConfiguration={"Status": "Suspended"})
    print("suspended versioning on bucket lz-records (outside Terraform)")


if __name__ == "__main__":
    {"create": create, "drift": drift}[sys.argv[1] if len(sys.argv) > 1 else "create"]()
