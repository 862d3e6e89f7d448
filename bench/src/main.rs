//! `make bench`: cost of a qualification apply and of a plan refresh over N fully configured
//! S3 buckets in the emulator, reported as ratios against a baseline measured in the same run:
//! the same API calls made directly by a minimal concurrent SDK client at the same
//! concurrency (the emulator's ceiling). The engine alone (`gxp_core`: discover, observe,
//! evaluate, no Terraform) is measured against the same baseline.
//!
//! Usage: gxp-bench [N ...] (default 100 500 2000). Environment: `TERRAFORM`,
//! `GXP_PROVIDER_BIN`, `GXP_MOTO_SERVER`, `GXP_BENCH_CONCURRENCY` (default 16),
//! `GXP_BENCH_OUT` (JSON results file).

mod baseline;
mod emulator;
mod engine;
mod fixture;
mod terraform;

use std::time::Instant;

use anyhow::{Context, Result};
use serde_json::json;

/// Targets from the issue.
const MIN_APPLY_RATE_RATIO: f64 = 0.8;
const MAX_REFRESH_TIME_RATIO: f64 = 1.25;
const MAX_PEAK_RSS_MIB: f64 = 200.0;

struct Row {
    n: usize,
    raw_ms: f64,
    engine_ms: f64,
    apply_provider_ms: f64,
    apply_wall_ms: f64,
    refresh_provider_ms: f64,
    plan_wall_ms: f64,
    peak_rss_mib: f64,
}

#[tokio::main]
async fn main() -> Result<()> {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![100, 500, 2000]
    } else {
        sizes
    };
    let concurrency: usize = std::env::var("GXP_BENCH_CONCURRENCY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16);
    let mut rows = Vec::new();
    for &n in &sizes {
        eprintln!("== {n} buckets (concurrency {concurrency})");
        let emu = emulator::Moto::start().context("start emulator")?;
        let sdk = emu.sdk_config().await;
        let t = Instant::now();
        let buckets = fixture::create_buckets(&sdk, n, concurrency).await?;
        eprintln!(
            "   fixture: {n} buckets configured in {:.1}s",
            t.elapsed().as_secs_f64()
        );

        // Warm the emulator once so neither side pays first-call costs.
        baseline::raw_calls(&sdk, &buckets, concurrency).await;
        let raw_ms =
            baseline::best_of(3, || baseline::raw_calls(&sdk, &buckets, concurrency)).await;
        eprintln!("   raw SDK baseline: {raw_ms:.0} ms");
        let (engine_ms, results) = engine::qualify(&sdk, concurrency).await;
        eprintln!("   engine (gxp-core observe + evaluate): {engine_ms:.0} ms, {results} results");

        let ws = terraform::Workspace::new(&emu.endpoint, concurrency)?;
        let (apply_wall_ms, apply) = ws.apply()?;
        // The raw baseline is the best of several runs; the plan (a refresh) is the better
        // of two, so both sides get the same allowance for the emulator's noise.
        let (plan_wall_ms, refresh) = {
            let first = ws.plan()?;
            let second = ws.plan()?;
            if second.1.millis < first.1.millis {
                second
            } else {
                first
            }
        };
        let raw_after_ms =
            baseline::best_of(2, || baseline::raw_calls(&sdk, &buckets, concurrency)).await;
        let raw_ms = raw_ms.min(raw_after_ms);
        let row = Row {
            n,
            raw_ms,
            engine_ms,
            apply_provider_ms: apply.millis,
            apply_wall_ms,
            refresh_provider_ms: refresh.millis,
            plan_wall_ms,
            peak_rss_mib: apply.peak_rss_kib.max(refresh.peak_rss_kib) / 1024.0,
        };
        eprintln!(
            "   apply: {:.0} ms in provider ({:.0} ms wall); refresh: {:.0} ms in provider ({:.0} ms plan wall); peak RSS {:.1} MiB",
            row.apply_provider_ms, row.apply_wall_ms, row.refresh_provider_ms, row.plan_wall_ms, row.peak_rss_mib
        );
        rows.push(row);
    }
    report(&rows, concurrency)
}

fn report(rows: &[Row], concurrency: usize) -> Result<()> {
    println!("\nqualification benchmark — S3 buckets in moto, concurrency {concurrency}");
    println!("ratios against the raw SDK baseline measured in the same run (higher apply ratio and lower refresh ratio are better)\n");
    println!(
        "{:>6} {:>9} {:>11} {:>11} {:>11} {:>13} {:>13} {:>10} {:>12}",
        "N",
        "raw ms",
        "engine rate",
        "apply rate",
        "(wall)",
        "refresh time",
        "(plan wall)",
        "peak RSS",
        "apply ms/N"
    );
    let mut out = Vec::new();
    let mut ok = true;
    for r in rows {
        let engine_ratio = r.raw_ms / r.engine_ms;
        let apply_ratio = r.raw_ms / r.apply_provider_ms;
        let apply_wall_ratio = r.raw_ms / r.apply_wall_ms;
        let refresh_ratio = r.refresh_provider_ms / r.raw_ms;
        let plan_ratio = r.plan_wall_ms / r.raw_ms;
        let per = r.apply_provider_ms / r.n as f64;
        println!(
            "{:>6} {:>9.0} {:>10.2}x {:>10.2}x {:>10.2}x {:>12.2}x {:>12.2}x {:>7.1} MiB {:>12.2}",
            r.n,
            r.raw_ms,
            engine_ratio,
            apply_ratio,
            apply_wall_ratio,
            refresh_ratio,
            plan_ratio,
            r.peak_rss_mib,
            per
        );
        ok &= apply_ratio >= MIN_APPLY_RATE_RATIO && refresh_ratio <= MAX_REFRESH_TIME_RATIO;
        if r.n >= 2000 {
            ok &= r.peak_rss_mib < MAX_PEAK_RSS_MIB;
        }
        out.push(json!({
            "n": r.n, "raw_ms": r.raw_ms, "engine_ms": r.engine_ms, "engine_rate_ratio": engine_ratio, "apply_provider_ms": r.apply_provider_ms, "apply_wall_ms": r.apply_wall_ms,
            "refresh_provider_ms": r.refresh_provider_ms, "plan_wall_ms": r.plan_wall_ms, "peak_rss_mib": r.peak_rss_mib,
            "apply_rate_ratio": apply_ratio, "apply_rate_ratio_wall": apply_wall_ratio,
            "refresh_time_ratio": refresh_ratio, "plan_time_ratio_wall": plan_ratio, "apply_ms_per_resource": per,
        }));
    }
    if rows.len() >= 2 {
        let first = &rows[0];
        let last = &rows[rows.len() - 1];
        let growth =
            (last.apply_provider_ms / last.n as f64) / (first.apply_provider_ms / first.n as f64);
        println!(
            "\ncost per resource at N={} relative to N={}: {growth:.2}x (1.0 = linear)",
            last.n, first.n
        );
    }
    println!(
        "\ntargets: apply rate >= {MIN_APPLY_RATE_RATIO}x raw, refresh time <= {MAX_REFRESH_TIME_RATIO}x raw, peak RSS < {MAX_PEAK_RSS_MIB} MiB at 2000: {}",
        if ok { "met" } else { "NOT met" }
    );
    if let Ok(path) = std::env::var("GXP_BENCH_OUT") {
        std::fs::write(&path, serde_json::to_string_pretty(&out)?)?;
        println!("results written to {path}");
    }
    Ok(())
}
