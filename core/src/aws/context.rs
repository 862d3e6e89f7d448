//! Build the AWS SDK configuration from provider settings, validate credentials, hand out
//! service clients with per-service endpoint overrides.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_config::imds::region::ImdsRegionProvider;
use aws_config::meta::region::RegionProviderChain;
use aws_config::profile::region::ProfileFileRegionProvider;
use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_types::origin::Origin;
use aws_types::os_shim_internal::{Env, Fs};

use super::calls::CallRecorder;
use super::errors::{classify, AwsErrorKind};
use super::wellformed::{RetryMalformed, WellFormedAnswers};
use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::retries::classifiers::{ClassifyRetry, RetryAction};

/// AWS services the provider talks to; names as in the hashicorp/aws `endpoints` block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Service {
    Backup,
    CloudFormation,
    CloudTrail,
    CloudWatch,
    ConfigService,
    DynamoDb,
    Ec2,
    Efs,
    Elbv2,
    GuardDuty,
    Iam,
    Kms,
    Lambda,
    Logs,
    Organizations,
    Rds,
    ResourceGroupsTaggingApi,
    S3,
    S3Control,
    SecretsManager,
    SecurityHub,
    Sns,
    Sqs,
    Sts,
}

impl Service {
    /// Every service, in `endpoints` block order.
    pub const ALL: [Service; 24] = [
        Service::Backup,
        Service::CloudFormation,
        Service::CloudTrail,
        Service::CloudWatch,
        Service::ConfigService,
        Service::DynamoDb,
        Service::Ec2,
        Service::Efs,
        Service::Elbv2,
        Service::GuardDuty,
        Service::Iam,
        Service::Kms,
        Service::Lambda,
        Service::Logs,
        Service::Organizations,
        Service::Rds,
        Service::ResourceGroupsTaggingApi,
        Service::S3,
        Service::S3Control,
        Service::SecretsManager,
        Service::SecurityHub,
        Service::Sns,
        Service::Sqs,
        Service::Sts,
    ];

    /// Attribute name in the `endpoints` block.
    pub const fn config_name(self) -> &'static str {
        match self {
            Service::CloudFormation => "cloudformation",
            Service::CloudTrail => "cloudtrail",
            Service::CloudWatch => "cloudwatch",
            Service::ConfigService => "configservice",
            Service::Ec2 => "ec2",
            Service::Elbv2 => "elbv2",
            Service::GuardDuty => "guardduty",
            Service::Iam => "iam",
            Service::Kms => "kms",
            Service::Logs => "logs",
            Service::Organizations => "organizations",
            Service::Rds => "rds",
            Service::ResourceGroupsTaggingApi => "resourcegroupstaggingapi",
            Service::S3 => "s3",
            Service::S3Control => "s3control",
            Service::SecurityHub => "securityhub",
            Service::Sns => "sns",
            Service::Sts => "sts",
            Service::Sqs => "sqs",
            Service::SecretsManager => "secretsmanager",
            Service::Lambda => "lambda",
            Service::Efs => "efs",
            Service::DynamoDb => "dynamodb",
            Service::Backup => "backup",
        }
    }

    /// Suffix of the `AWS_ENDPOINT_URL_<SERVICE>` environment variable.
    pub const fn env_suffix(self) -> &'static str {
        match self {
            Service::CloudFormation => "CLOUDFORMATION",
            Service::CloudTrail => "CLOUDTRAIL",
            Service::CloudWatch => "CLOUDWATCH",
            Service::ConfigService => "CONFIG_SERVICE",
            Service::Ec2 => "EC2",
            Service::Elbv2 => "ELASTIC_LOAD_BALANCING_V2",
            Service::GuardDuty => "GUARDDUTY",
            Service::Iam => "IAM",
            Service::Kms => "KMS",
            Service::Logs => "CLOUDWATCH_LOGS",
            Service::Organizations => "ORGANIZATIONS",
            Service::Rds => "RDS",
            Service::ResourceGroupsTaggingApi => "RESOURCE_GROUPS_TAGGING_API",
            Service::S3 => "S3",
            Service::S3Control => "S3_CONTROL",
            Service::SecurityHub => "SECURITYHUB",
            Service::Sns => "SNS",
            Service::Sts => "STS",
            Service::Sqs => "SQS",
            Service::SecretsManager => "SECRETS_MANAGER",
            Service::Lambda => "LAMBDA",
            Service::Efs => "EFS",
            Service::DynamoDb => "DYNAMODB",
            Service::Backup => "BACKUP",
        }
    }

    /// Description of the endpoint attribute.
    pub const fn endpoint_description(self) -> &'static str {
        match self {
            Service::CloudFormation => "Endpoint URL for CloudFormation (`AWS_ENDPOINT_URL_CLOUDFORMATION`).",
            Service::CloudTrail => "Endpoint URL for CloudTrail (`AWS_ENDPOINT_URL_CLOUDTRAIL`).",
            Service::CloudWatch => "Endpoint URL for CloudWatch alarms (`AWS_ENDPOINT_URL_CLOUDWATCH`).",
            Service::ConfigService => "Endpoint URL for AWS Config (`AWS_ENDPOINT_URL_CONFIG_SERVICE`).",
            Service::Ec2 => "Endpoint URL for EC2/VPC (`AWS_ENDPOINT_URL_EC2`).",
            Service::Elbv2 => "Endpoint URL for Elastic Load Balancing v2 (`AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2`).",
            Service::GuardDuty => "Endpoint URL for GuardDuty (`AWS_ENDPOINT_URL_GUARDDUTY`).",
            Service::Iam => "Endpoint URL for IAM (`AWS_ENDPOINT_URL_IAM`).",
            Service::Kms => "Endpoint URL for KMS (`AWS_ENDPOINT_URL_KMS`).",
            Service::Logs => "Endpoint URL for CloudWatch Logs (`AWS_ENDPOINT_URL_CLOUDWATCH_LOGS`).",
            Service::Organizations => "Endpoint URL for AWS Organizations (`AWS_ENDPOINT_URL_ORGANIZATIONS`).",
            Service::Rds => "Endpoint URL for RDS (`AWS_ENDPOINT_URL_RDS`).",
            Service::ResourceGroupsTaggingApi => "Endpoint URL for the Resource Groups Tagging API (`AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API`).",
            Service::S3 => "Endpoint URL for S3 (`AWS_ENDPOINT_URL_S3`).",
            Service::S3Control => "Endpoint URL for S3 Control (`AWS_ENDPOINT_URL_S3_CONTROL`), called as given: the account id is not prefixed to its host.",
            Service::SecurityHub => "Endpoint URL for Security Hub (`AWS_ENDPOINT_URL_SECURITYHUB`).",
            Service::Sns => "Endpoint URL for SNS (`AWS_ENDPOINT_URL_SNS`).",
            Service::Sts => "Endpoint URL for STS (`AWS_ENDPOINT_URL_STS`).",
            Service::Sqs => "Endpoint URL for SQS (`AWS_ENDPOINT_URL_SQS`).",
            Service::SecretsManager => "Endpoint URL for Secrets Manager (`AWS_ENDPOINT_URL_SECRETS_MANAGER`).",
            Service::Lambda => "Endpoint URL for Lambda (`AWS_ENDPOINT_URL_LAMBDA`).",
            Service::Efs => "Endpoint URL for Amazon EFS (`AWS_ENDPOINT_URL_EFS`).",
            Service::DynamoDb => "Endpoint URL for DynamoDB (`AWS_ENDPOINT_URL_DYNAMODB`).",
            Service::Backup => "Endpoint URL for AWS Backup (`AWS_ENDPOINT_URL_BACKUP`).",
        }
    }

    /// The service for an `endpoints` attribute name.
    pub fn from_config_name(name: &str) -> Option<Service> {
        Service::ALL.into_iter().find(|s| s.config_name() == name)
    }
}

/// Role to assume.
#[derive(Debug, Clone, PartialEq)]
pub struct AssumeRole {
    pub role_arn: String,
    pub session_name: String,
    pub external_id: Option<String>,
    pub duration: Option<Duration>,
}

/// Typed AWS settings of the provider.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AwsSettings {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub shared_config_files: Vec<String>,
    pub shared_credentials_files: Vec<String>,
    pub access_key: Option<String>,
    pub secret_key: Option<String>,
    pub token: Option<String>,
    pub assume_role: Option<AssumeRole>,
    pub endpoints: BTreeMap<Service, String>,
    pub s3_use_path_style: bool,
    pub max_retries: u32,
    pub validate_credentials: bool,
    pub request_account_id: bool,
}

/// Who the provider acts as.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallerIdentity {
    pub arn: Option<String>,
    pub account: Option<String>,
    pub user_id: Option<String>,
}

/// Why the provider could not be configured.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigError {
    NoRegion,
    /// The selected profile is in none of the shared files.
    ProfileNotFound {
        profile: String,
        /// Where the name came from: the `profile` argument or `AWS_PROFILE`.
        selected_by: String,
        /// The files that were read.
        files: String,
    },
    Unreachable {
        endpoint: String,
        detail: String,
    },
    NoCredentials(String),
    CredentialsRejected(String),
    Other(String),
}

impl ConfigError {
    /// Summary and detail for a diagnostic.
    pub fn diagnostic(&self) -> (String, String) {
        match self {
            ConfigError::NoRegion => (
                "No AWS region configured".into(),
                "Set `region` in the provider block, or AWS_REGION / AWS_DEFAULT_REGION, or a region in the selected profile.".into(),
            ),
            ConfigError::ProfileNotFound { profile, selected_by, files } => (
                format!("AWS profile not found: {profile}"),
                format!("The profile `{profile}` selected by {selected_by} is not defined in the shared configuration and credentials files ({files}). Check the name, `shared_config_files` and `shared_credentials_files`, or AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE."),
            ),
            ConfigError::Unreachable { endpoint, detail } => (
                format!("AWS endpoint unreachable: {endpoint}"),
                format!("The provider could not connect to {endpoint} to validate credentials (STS GetCallerIdentity). Check `endpoints`, AWS_ENDPOINT_URL and the network, or set skip_credentials_validation = true.\n\n{detail}"),
            ),
            ConfigError::NoCredentials(detail) => (
                "No AWS credentials found".into(),
                format!("Configure credentials through the default chain (environment, profile, SSO, instance role) or `access_key`/`secret_key`.\n\n{detail}"),
            ),
            ConfigError::CredentialsRejected(detail) => (
                "AWS rejected the credentials".into(),
                format!("STS GetCallerIdentity refused the configured credentials. Check the access key, secret, session token and profile.\n\n{detail}"),
            ),
            ConfigError::Other(detail) => ("Cannot configure AWS access".into(), detail.clone()),
        }
    }
}

/// A configured AWS context: SDK configuration plus per-service endpoints.
#[derive(Debug, Clone)]
pub struct AwsContext {
    pub sdk: SdkConfig,
    pub endpoints: BTreeMap<Service, String>,
    pub s3_path_style: bool,
    pub identity: CallerIdentity,
    /// Records the operations every client of this context calls (tests), when set.
    pub calls: Option<CallRecorder>,
    /// Account-wide reads made once per run ([`AwsContext::for_run`]).
    pub run: super::run_cache::RunCache,
}

/// Time allowed to open a connection to an AWS endpoint.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Time allowed for one attempt of STS GetCallerIdentity (an endpoint that accepts the
/// connection but never answers would otherwise hold `configure` for minutes).
const IDENTITY_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(8);
/// Attempts of STS GetCallerIdentity that may end without an answer (connection refused or
/// reset, attempt timed out): an endpoint that cannot be reached fails `configure` fast,
/// whatever `max_retries` allows for answers (throttling, 5xx).
const IDENTITY_UNANSWERED_ATTEMPTS: u32 = 2;

fn env_nonempty(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Shared config and credentials files given in the provider block, if any.
fn profile_files(settings: &AwsSettings) -> Option<EnvConfigFiles> {
    if settings.shared_config_files.is_empty() && settings.shared_credentials_files.is_empty() {
        return None;
    }
    let mut files = EnvConfigFiles::builder();
    if settings.shared_config_files.is_empty() {
        files = files.include_default_config_file(true);
    }
    if settings.shared_credentials_files.is_empty() {
        files = files.include_default_credentials_file(true);
    }
    for f in &settings.shared_config_files {
        files = files.with_file(EnvConfigFileKind::Config, f);
    }
    for f in &settings.shared_credentials_files {
        files = files.with_file(EnvConfigFileKind::Credentials, f);
    }
    Some(files.build())
}

/// The shared files read for profiles, for messages.
fn profile_files_description(settings: &AwsSettings) -> String {
    let describe = |given: &[String], variable: &str, default: &str| {
        if given.is_empty() {
            env_nonempty(variable).unwrap_or_else(|| default.to_string())
        } else {
            given.join(", ")
        }
    };
    format!(
        "config: {}; credentials: {}",
        describe(
            &settings.shared_config_files,
            "AWS_CONFIG_FILE",
            "~/.aws/config"
        ),
        describe(
            &settings.shared_credentials_files,
            "AWS_SHARED_CREDENTIALS_FILE",
            "~/.aws/credentials"
        )
    )
}

/// Checks that the selected profile (the `profile` setting, else `AWS_PROFILE`) exists.
///
/// aws-config, like the other AWS SDKs, silently ignores a profile that is not defined
/// (other credential sources then apply); like the hashicorp/aws provider, a named profile
/// that does not exist is a configuration error here.
async fn check_profile_exists(
    settings: &AwsSettings,
    files: Option<&EnvConfigFiles>,
) -> Result<(), ConfigError> {
    let (profile, selected_by) = match (&settings.profile, env_nonempty("AWS_PROFILE")) {
        (Some(p), _) => (p.clone(), "the `profile` argument"),
        (None, Some(p)) => (p, "AWS_PROFILE"),
        (None, None) => return Ok(()),
    };
    let files = files.cloned().unwrap_or_default();
    let profiles = aws_config::profile::load(&Fs::real(), &Env::real(), &files, None)
        .await
        .map_err(|e| {
            ConfigError::Other(format!(
                "The shared configuration files could not be read ({}): {e}",
                profile_files_description(settings)
            ))
        })?;
    if profiles.get_profile(&profile).is_some() {
        return Ok(());
    }
    Err(ConfigError::ProfileNotFound {
        profile,
        selected_by: selected_by.into(),
        files: profile_files_description(settings),
    })
}

/// The region source replacing aws-config's default chain: the `region` setting or a
/// non-empty region variable; when a region variable is set but empty, the profile then
/// IMDS; otherwise `None` (the default chain).
///
/// aws-config takes a set-but-empty `AWS_REGION` as the region and stops looking; like the
/// hashicorp/aws provider, an empty variable counts as unset here, so `AWS_DEFAULT_REGION`,
/// the profile and IMDS still apply.
fn region_override(
    settings: &AwsSettings,
    files: Option<EnvConfigFiles>,
) -> Option<RegionProviderChain> {
    if let Some(region) = settings
        .region
        .clone()
        .or_else(|| env_nonempty("AWS_REGION"))
        .or_else(|| env_nonempty("AWS_DEFAULT_REGION"))
    {
        return Some(RegionProviderChain::first_try(Region::new(region)));
    }
    if std::env::var_os("AWS_REGION").is_none() && std::env::var_os("AWS_DEFAULT_REGION").is_none()
    {
        return None;
    }
    let mut profile = ProfileFileRegionProvider::builder();
    if let Some(name) = &settings.profile {
        profile = profile.profile_name(name);
    }
    if let Some(files) = files {
        profile = profile.profile_files(files);
    }
    Some(
        RegionProviderChain::first_try(profile.build())
            .or_else(ImdsRegionProvider::builder().build()),
    )
}

impl AwsContext {
    /// Load the SDK configuration and, unless skipped, validate the credentials.
    pub async fn load(settings: &AwsSettings) -> Result<AwsContext, ConfigError> {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(RetryConfig::standard().with_max_attempts(settings.max_retries + 1))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(CONNECT_TIMEOUT)
                    .operation_attempt_timeout(Duration::from_secs(60))
                    .build(),
            );
        if let Some(profile) = &settings.profile {
            loader = loader.profile_name(profile);
        }
        let profile_files = profile_files(settings);
        check_profile_exists(settings, profile_files.as_ref()).await?;
        if let Some(files) = &profile_files {
            loader = loader.profile_files(files.clone());
        }
        if let Some(region) = region_override(settings, profile_files.clone()) {
            loader = loader.region(region);
        }
        if let (Some(ak), Some(sk)) = (&settings.access_key, &settings.secret_key) {
            loader = loader.credentials_provider(Credentials::new(
                ak.clone(),
                sk.clone(),
                settings.token.clone(),
                None,
                "gxp-provider-static",
            ));
        }
        let mut sdk = loader.load().await;
        if sdk.region().map(|r| r.as_ref().is_empty()).unwrap_or(true) {
            return Err(ConfigError::NoRegion);
        }
        // A `profile` argument selects the profile's credentials even when AWS_ACCESS_KEY_ID
        // is set, as in the hashicorp/aws provider (aws-config's default chain would take
        // the environment variables first). AWS_PROFILE keeps the SDK's order.
        if let (Some(profile), None) = (&settings.profile, &settings.access_key) {
            let mut from_profile = ProfileFileCredentialsProvider::builder()
                .configure(&ProviderConfig::without_region().with_region(sdk.region().cloned()))
                .profile_name(profile);
            if let Some(files) = &profile_files {
                from_profile = from_profile.profile_files(files.clone());
            }
            sdk = sdk
                .to_builder()
                .credentials_provider(SharedCredentialsProvider::new(from_profile.build()))
                .build();
        }
        if let Some(role) = &settings.assume_role {
            let Some(base) = sdk.credentials_provider() else {
                return Err(ConfigError::NoCredentials(
                    "assume_role needs base credentials to call STS AssumeRole".into(),
                ));
            };
            // AssumeRole goes to the same STS endpoint as GetCallerIdentity. Marked as set in
            // code, the URL wins over AWS_ENDPOINT_URL(_STS) as it does for the service clients.
            let sts_config = match settings.endpoints.get(&Service::Sts) {
                Some(url) => {
                    let mut b = sdk.to_builder();
                    b.set_endpoint_url(Some(url.clone()));
                    b.insert_origin("endpoint_url", Origin::shared_config());
                    b.build()
                }
                None => sdk.clone(),
            };
            let mut builder = aws_config::sts::AssumeRoleProvider::builder(role.role_arn.clone())
                .session_name(role.session_name.clone())
                .configure(&sts_config);
            if let Some(ext) = &role.external_id {
                builder = builder.external_id(ext.clone());
            }
            if let Some(d) = role.duration {
                builder = builder.session_length(d);
            }
            let provider = builder.build_from_provider(base).await;
            sdk = sdk
                .to_builder()
                .credentials_provider(SharedCredentialsProvider::new(provider))
                .build();
        }
        let mut ctx = AwsContext {
            sdk,
            endpoints: settings.endpoints.clone(),
            s3_path_style: settings.s3_use_path_style,
            identity: CallerIdentity::default(),
            calls: None,
            run: Default::default(),
        };
        if settings.validate_credentials || settings.request_account_id {
            match ctx.caller_identity().await {
                Ok(identity) => {
                    ctx.identity = identity;
                    if !settings.request_account_id {
                        ctx.identity.account = None;
                    }
                }
                Err(e) if settings.validate_credentials => return Err(e),
                Err(_) => {}
            }
        }
        Ok(ctx)
    }

    /// A context from a ready SDK configuration (tests, tools): no credential validation.
    pub fn from_sdk_config(sdk: SdkConfig, s3_path_style: bool) -> AwsContext {
        AwsContext {
            sdk,
            endpoints: BTreeMap::new(),
            s3_path_style,
            identity: CallerIdentity::default(),
            calls: None,
            run: Default::default(),
        }
    }

    /// The same context with a fresh memo of account-wide reads
    /// ([`super::run_cache::RunCache`]): one run (a qualification's observation) reads each
    /// account-wide answer once, and the next run reads it again.
    pub fn for_run(&self) -> AwsContext {
        AwsContext {
            run: Default::default(),
            ..self.clone()
        }
    }

    /// The same context, with every client it builds recording the operations it calls in
    /// `recorder` (as IAM actions, see [`super::calls`]).
    pub fn with_call_recorder(mut self, recorder: &CallRecorder) -> AwsContext {
        self.calls = Some(recorder.clone());
        self
    }

    /// The endpoint a service is called at, when not the AWS default.
    pub fn endpoint(&self, service: Service) -> Option<String> {
        self.endpoints
            .get(&service)
            .cloned()
            .or_else(|| env_nonempty(&format!("AWS_ENDPOINT_URL_{}", service.env_suffix())))
            .or_else(|| self.sdk.endpoint_url().map(str::to_string))
    }

    /// The region.
    pub fn region(&self) -> String {
        self.sdk.region().map(|r| r.to_string()).unwrap_or_default()
    }

    /// The ARN partition the provider acts in: that of the caller's ARN when known, else
    /// that of the region ([`partition_of_region`]).
    pub fn partition(&self) -> String {
        self.identity
            .arn
            .as_deref()
            .and_then(|arn| arn.strip_prefix("arn:"))
            .and_then(|rest| rest.split(':').next())
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| partition_of_region(&self.region()).to_string())
    }

    /// Call STS GetCallerIdentity. Throttling and other retryable answers are retried up to
    /// `max_retries` (the SDK configuration's attempts); attempts without an answer at most
    /// [`IDENTITY_UNANSWERED_ATTEMPTS`] times, each within [`IDENTITY_ATTEMPT_TIMEOUT`].
    pub async fn caller_identity(&self) -> Result<CallerIdentity, ConfigError> {
        let client = self.sts();
        let result = client
            .get_caller_identity()
            .customize()
            .config_override(
                aws_sdk_sts::config::Builder::default()
                    .retry_classifier(UnansweredAttempts::new(IDENTITY_UNANSWERED_ATTEMPTS))
                    .timeout_config(
                        TimeoutConfig::builder()
                            .connect_timeout(CONNECT_TIMEOUT)
                            .operation_attempt_timeout(IDENTITY_ATTEMPT_TIMEOUT)
                            .build(),
                    ),
            )
            .send()
            .await;
        match result {
            Ok(out) => Ok(CallerIdentity {
                arn: out.arn,
                account: out.account,
                user_id: out.user_id,
            }),
            Err(err) => {
                let c = classify(&err);
                // GetCallerIdentity needs no permission, so a 401/403 whose error code could
                // not be parsed (moto answers `<ErrorResponse><Errors><Error>`) is a rejection.
                let status = err.raw_response().map(|r| r.status().as_u16());
                let kind = match (c.kind, status) {
                    (AwsErrorKind::Other, Some(401 | 403)) => AwsErrorKind::CredentialsRejected,
                    (kind, _) => kind,
                };
                let endpoint = self
                    .endpoint(Service::Sts)
                    .unwrap_or_else(|| format!("https://sts.{}.amazonaws.com", self.region()));
                Err(match kind {
                    AwsErrorKind::Unreachable | AwsErrorKind::Timeout => ConfigError::Unreachable {
                        endpoint,
                        detail: c.message,
                    },
                    AwsErrorKind::NoCredentials => ConfigError::NoCredentials(c.message),
                    AwsErrorKind::CredentialsRejected | AwsErrorKind::AccessDenied => {
                        ConfigError::CredentialsRejected(c.to_string())
                    }
                    _ => ConfigError::Other(format!("STS GetCallerIdentity: {c}")),
                })
            }
        }
    }
}

/// Forbids retrying a call once `limit` attempts ended without an answer (connector errors,
/// attempt timeouts); answers (throttling, 5xx) are left to the other classifiers.
#[derive(Debug, Clone)]
struct UnansweredAttempts {
    limit: u32,
    seen: std::sync::Arc<std::sync::atomic::AtomicU32>,
}

impl UnansweredAttempts {
    fn new(limit: u32) -> Self {
        UnansweredAttempts {
            limit,
            seen: Default::default(),
        }
    }
}

impl ClassifyRetry for UnansweredAttempts {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let unanswered = matches!(
            ctx.output_or_error(),
            Some(Err(e)) if e.is_timeout_error() || e.is_connector_error()
        );
        if !unanswered {
            return RetryAction::NoActionIndicated;
        }
        let seen = self.seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        if seen >= self.limit {
            RetryAction::RetryForbidden
        } else {
            RetryAction::NoActionIndicated
        }
    }

    fn name(&self) -> &'static str {
        "UnansweredAttempts"
    }
}

macro_rules! client {
    ($fn:ident, $krate:ident, $service:expr) => {
        impl AwsContext {
            #[doc = concat!("A `", stringify!($krate), "` client with the configured endpoint.")]
            pub fn $fn(&self) -> $krate::Client {
                let mut b = $krate::config::Builder::from(&self.sdk)
                    .interceptor(WellFormedAnswers { service: $service })
                    .retry_classifier(RetryMalformed);
                if let Some(recorder) = &self.calls {
                    b = b.interceptor(recorder.interceptor($service));
                }
                if let Some(url) = self.endpoints.get(&$service) {
                    b = b.endpoint_url(url.clone());
                }
                $krate::Client::from_conf(client!(@extra $fn, self, b).build())
            }
        }
    };
    (@extra s3, $self:ident, $b:ident) => { $b.force_path_style($self.s3_path_style) };
    // S3 Control's endpoint rules put the account id in front of the host
    // (`ACCOUNT.s3-control.REGION.amazonaws.com`), also of a custom endpoint; an emulator's
    // `http://127.0.0.1:PORT` is called as given instead.
    (@extra s3control, $self:ident, $b:ident) => {
        match $self.endpoint(Service::S3Control) {
            Some(url) => $b.endpoint_resolver(FixedEndpoint(url)),
            None => $b,
        }
    };
    (@extra $other:ident, $self:ident, $b:ident) => { $b };
}

client!(sts, aws_sdk_sts, Service::Sts);
client!(iam, aws_sdk_iam, Service::Iam);
client!(s3, aws_sdk_s3, Service::S3);
client!(
    cloudformation,
    aws_sdk_cloudformation,
    Service::CloudFormation
);
client!(cloudtrail, aws_sdk_cloudtrail, Service::CloudTrail);
client!(kms, aws_sdk_kms, Service::Kms);
client!(config, aws_sdk_config, Service::ConfigService);
client!(ec2, aws_sdk_ec2, Service::Ec2);
client!(rds, aws_sdk_rds, Service::Rds);
client!(
    tagging,
    aws_sdk_resourcegroupstagging,
    Service::ResourceGroupsTaggingApi
);
client!(logs, aws_sdk_cloudwatchlogs, Service::Logs);
client!(sns, aws_sdk_sns, Service::Sns);
client!(dynamodb, aws_sdk_dynamodb, Service::DynamoDb);
client!(
    secretsmanager,
    aws_sdk_secretsmanager,
    Service::SecretsManager
);
client!(sqs, aws_sdk_sqs, Service::Sqs);
client!(lambda, aws_sdk_lambda, Service::Lambda);
client!(efs, aws_sdk_efs, Service::Efs);
client!(backup, aws_sdk_backup, Service::Backup);
client!(cloudwatch, aws_sdk_cloudwatch, Service::CloudWatch);
client!(elbv2, aws_sdk_elasticloadbalancingv2, Service::Elbv2);
client!(s3control, aws_sdk_s3control, Service::S3Control);
client!(guardduty, aws_sdk_guardduty, Service::GuardDuty);
client!(securityhub, aws_sdk_securityhub, Service::SecurityHub);
client!(organizations, aws_sdk_organizations, Service::Organizations);

/// An S3 Control endpoint resolver answering one fixed URL (a configured custom endpoint).
#[derive(Debug)]
struct FixedEndpoint(String);

impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for FixedEndpoint {
    fn resolve_endpoint<'a>(
        &'a self,
        _params: &'a aws_sdk_s3control::config::endpoint::Params,
    ) -> aws_sdk_s3control::config::endpoint::EndpointFuture<'a> {
        aws_sdk_s3control::config::endpoint::EndpointFuture::ready(Ok(
            aws_smithy_types::endpoint::Endpoint::builder()
                .url(self.0.clone())
                .build(),
        ))
    }
}

/// The ARN partition of a region: `aws-cn` for `cn-*`, `aws-us-gov` for `us-gov-*`,
/// `aws-iso` for `us-iso-*`, `aws-iso-b` for `us-isob-*`, `aws` otherwise.
pub fn partition_of_region(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else {
        "aws"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::fake_endpoint::{Answer, FakeEndpoint};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    const THROTTLED: &str = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>";
    const IDENTITY: &str = "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ci</Arn><UserId>AIDEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>";

    /// STS answering `Throttling` to the first `throttled` calls, then the identity.
    async fn sts_throttling(throttled: usize) -> FakeEndpoint {
        let calls = Arc::new(AtomicUsize::new(0));
        FakeEndpoint::start(move |_| {
            if calls.fetch_add(1, Ordering::SeqCst) < throttled {
                Answer::new(400, "text/xml", THROTTLED)
            } else {
                Answer::xml(IDENTITY)
            }
        })
        .await
    }

    fn settings(url: &str, max_retries: u32) -> AwsSettings {
        AwsSettings {
            region: Some("us-east-1".into()),
            access_key: Some("AKIDTEST".into()),
            secret_key: Some("secret".into()),
            endpoints: [(Service::Sts, url.to_string())].into_iter().collect(),
            max_retries,
            validate_credentials: true,
            request_account_id: true,
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn credential_validation_retries_throttling_up_to_max_retries() {
        let sts = sts_throttling(2).await;
        let ctx = AwsContext::load(&settings(&sts.url, 2))
            .await
            .expect("two throttled calls are retried with max_retries = 2");
        assert_eq!(ctx.identity.account.as_deref(), Some("123456789012"));
        assert_eq!(sts.requests().len(), 3);

        let sts = sts_throttling(3).await;
        let err = AwsContext::load(&settings(&sts.url, 2)).await.unwrap_err();
        assert!(
            matches!(&err, ConfigError::Other(m) if m.contains("Throttling")),
            "{err:?}"
        );
        assert_eq!(sts.requests().len(), 3, "max_retries = 2: three attempts");
    }

    #[tokio::test]
    async fn an_unreachable_sts_is_given_up_after_two_attempts() {
        // Nothing listens on port 1: the connection is refused, whatever max_retries says.
        let started = std::time::Instant::now();
        let err = AwsContext::load(&settings("http://127.0.0.1:1", 25))
            .await
            .unwrap_err();
        assert!(matches!(err, ConfigError::Unreachable { .. }), "{err:?}");
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn the_partition_is_the_caller_s_else_the_region_s() {
        for (region, partition) in [
            ("eu-west-1", "aws"),
            ("cn-north-1", "aws-cn"),
            ("us-gov-west-1", "aws-us-gov"),
            ("us-iso-east-1", "aws-iso"),
            ("us-isob-east-1", "aws-iso-b"),
            ("", "aws"),
        ] {
            assert_eq!(partition_of_region(region), partition, "{region}");
        }
        let sdk = SdkConfig::builder()
            .region(Region::new("cn-north-1"))
            .build();
        let mut ctx = AwsContext::from_sdk_config(sdk, false);
        assert_eq!(ctx.partition(), "aws-cn");
        ctx.identity.arn = Some("arn:aws-us-gov:iam::123456789012:user/qa".into());
        assert_eq!(ctx.partition(), "aws-us-gov");
    }
}
