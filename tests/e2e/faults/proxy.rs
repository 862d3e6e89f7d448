//! The fault proxy itself, through the AWS SDK: each fault reaches the client as intended
//! (the error the SDK classifies), budgets and counters hold, a cut body is cut.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;

use super::Bench;
use crate::harness::faults::{Action, Fault, Rule, Times};

const BUCKET: &str = "proxy-probe";
const BODY: &str = "0123456789abcdefghij";

/// How an S3 call through the proxy ended.
#[derive(Debug, PartialEq)]
enum Seen {
    Ok(String),
    Service(u16, Option<String>),
    Io,
    Timeout,
    Response,
    Other(String),
}

fn seen<E: ProvideErrorMetadata + std::fmt::Debug>(
    e: &SdkError<E, aws_smithy_runtime_api::http::Response>,
) -> Seen {
    match e {
        SdkError::ServiceError(se) => Seen::Service(
            se.raw().status().as_u16(),
            se.err().code().map(str::to_string),
        ),
        SdkError::DispatchFailure(d) if d.is_io() => Seen::Io,
        SdkError::DispatchFailure(d) if d.is_timeout() => Seen::Timeout,
        SdkError::TimeoutError(_) => Seen::Timeout,
        SdkError::ResponseError(_) => Seen::Response,
        other => Seen::Other(format!("{other:?}")),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn faults_proxy_each_fault_reaches_the_sdk_as_intended() {
    let Some(bench) = Bench::start(&[]).await else {
        return;
    };
    let direct = bench.emu.s3_client().await;
    direct.create_bucket().bucket(BUCKET).send().await.unwrap();
    direct
        .put_object()
        .bucket(BUCKET)
        .key("k")
        .body(ByteStream::from_static(BODY.as_bytes()))
        .send()
        .await
        .unwrap();
    let through = |attempts: u32| {
        let conf = aws_sdk_s3::config::Builder::from(&bench.sdk)
            .endpoint_url(&bench.proxy.url)
            .force_path_style(true)
            .retry_config(RetryConfig::standard().with_max_attempts(attempts))
            .timeout_config(
                TimeoutConfig::builder()
                    .operation_attempt_timeout(Duration::from_secs(1))
                    .build(),
            )
            .build();
        aws_sdk_s3::Client::from_conf(conf)
    };
    let once = through(1);
    let get = || async {
        match once.get_object().bucket(BUCKET).key("k").send().await {
            Ok(out) => Seen::Ok(
                String::from_utf8(out.body.collect().await.map_or_else(
                    |e| format!("body error {e}").into_bytes(),
                    |b| b.into_bytes().to_vec(),
                ))
                .unwrap(),
            ),
            Err(e) => seen(&e),
        }
    };
    assert_eq!(get().await, Seen::Ok(BODY.into()), "no rule: forwarded");

    let cases: Vec<(Fault, Seen)> = vec![
        (Fault::Throttle, Seen::Service(503, Some("SlowDown".into()))),
        (
            Fault::Http500,
            Seen::Service(500, Some("InternalError".into())),
        ),
        (
            Fault::Http503,
            Seen::Service(503, Some("ServiceUnavailable".into())),
        ),
        (
            Fault::AccessDenied,
            Seen::Service(403, Some("AccessDenied".into())),
        ),
        // The S3 SDK names an empty-bodied 404 `NotFound` itself (HEAD answers have no body).
        (
            Fault::Http404Bare,
            Seen::Service(404, Some("NotFound".into())),
        ),
        (Fault::ResetBefore, Seen::Io),
        (Fault::ResetAfter, Seen::Io),
        (Fault::Hold(3), Seen::Timeout),
        // Ten bytes with a matching length: the SDK's response checksum check (moto sends
        // `x-amz-checksum-*`) fails the body; without it the body would be the ten bytes.
        (
            Fault::TruncatedWithLength(50),
            Seen::Ok("body error streaming error".into()),
        ),
    ];
    for (fault, expected) in cases {
        bench.proxy.clear_rules();
        bench.proxy.add(
            Rule::new("s3", fault)
                .op("GetObject")
                .times(Times::First(1)),
        );
        let mark = bench.proxy.mark();
        let got = get().await;
        assert_eq!(got, expected, "{}", fault.name());
        let calls = bench.proxy.calls_since(mark);
        assert_eq!(calls.len(), 1, "{}: {calls:?}", fault.name());
        assert_eq!(calls[0].fault, Some(fault));
        assert!(!calls[0].answered());
        let reached = calls[0].upstream_status.is_some();
        let should_reach = matches!(
            fault,
            Fault::ResetAfter | Fault::Hold(_) | Fault::TruncatedWithLength(_)
        );
        assert_eq!(reached, should_reach, "{}: emulator reached", fault.name());
    }
    // A short body then a closed connection: the body cannot be read.
    bench.proxy.clear_rules();
    bench.proxy.add(
        Rule::new("s3", Fault::TruncatedShort(50))
            .op("GetObject")
            .times(Times::First(1)),
    );
    match get().await {
        Seen::Ok(body) => assert!(body.starts_with("body error"), "{body}"),
        other => assert!(
            matches!(other, Seen::Response | Seen::Io),
            "short body: {other:?}"
        ),
    }

    // Nothing to cut in a HEAD answer: not injected, budget kept for the next call.
    bench.proxy.clear_rules();
    bench
        .proxy
        .add(Rule::new("s3", Fault::TruncatedWithLength(50)).times(Times::First(1)));
    let mark = bench.proxy.mark();
    once.head_bucket().bucket(BUCKET).send().await.unwrap();
    assert!(bench.proxy.injected_since(mark).is_empty());
    assert_eq!(get().await, Seen::Ok("body error streaming error".into()));
    assert_eq!(bench.proxy.injected_since(mark).len(), 1);

    // Transient: each distinct call's first attempt fails, the retry succeeds.
    bench.proxy.clear_rules();
    bench.proxy.add(
        Rule::new("s3", Fault::ResetBefore)
            .op("GetObject")
            .times(Times::FirstAttempts(1)),
    );
    let mark = bench.proxy.mark();
    let retried = through(3)
        .get_object()
        .bucket(BUCKET)
        .key("k")
        .send()
        .await
        .expect("the retry recovers");
    assert_eq!(
        retried.body.collect().await.unwrap().into_bytes().as_ref(),
        BODY.as_bytes()
    );
    let calls = bench.proxy.calls_since(mark);
    assert_eq!(
        calls.iter().map(|c| c.fault).collect::<Vec<_>>(),
        [Some(Fault::ResetBefore), None]
    );
    assert!(calls[1].answered());

    // Persistent, with a needle: only the matching key.
    bench.proxy.clear_rules();
    bench
        .proxy
        .add(Rule::new("s3", Fault::AccessDenied).needle("/k2"));
    assert_eq!(get().await, Seen::Ok(BODY.into()));

    // Barrier: two calls wait for each other; hooks run before forwarding.
    bench.proxy.clear_rules();
    let hooked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = hooked.clone();
    bench.proxy.add(
        Rule::new(
            "s3",
            Action::Hook(std::sync::Arc::new(move |_| {
                counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            })),
        )
        .op("HeadBucket"),
    );
    bench.proxy.add(
        Rule::new(
            "s3",
            Action::Barrier {
                parties: 2,
                timeout: Duration::from_secs(10),
            },
        )
        .op("GetObject"),
    );
    let began = std::time::Instant::now();
    let (a, b) = tokio::join!(get(), get());
    assert_eq!((a, b), (Seen::Ok(BODY.into()), Seen::Ok(BODY.into())));
    assert!(began.elapsed() < Duration::from_secs(5));
    once.head_bucket().bucket(BUCKET).send().await.unwrap();
    assert_eq!(hooked.load(std::sync::atomic::Ordering::SeqCst), 1);
}
