#!/usr/bin/env bash
# RUSTC_WRAPPER of the fuzz build (scripts/fuzz.sh): compiles the AWS SDK service crates
# (aws_sdk_*) without libFuzzer's coverage instrumentation and with many codegen units.
#
# The fuzz targets link the SDK clients (gxp-core holds the AWS access layer) but never call
# them, so coverage inside them is worthless; instrumented, aws-sdk-ec2 alone took 40
# minutes and 14 GB in one rustc. cargo-fuzz puts its flags in RUSTFLAGS, which apply to
# every crate, and cargo's profile overrides (fuzz/Cargo.toml: opt-level 0, no debug info)
# cannot remove flags; this wrapper drops them for those crates only. Every other crate is
# compiled exactly as cargo-fuzz asks.
#
# Usage (by cargo): fuzz-rustc.sh RUSTC ARGS...; an outer wrapper (e.g. sccache) set in
# GXP_FUZZ_INNER_WRAPPER is kept.
set -euo pipefail

rustc="$1"
shift

crate=""
prev=""
for a in "$@"; do
    if [ "$prev" = "--crate-name" ]; then
        crate="$a"
        break
    fi
    prev="$a"
done

args=("$@")
case "$crate" in
    aws_sdk_*)
        args=()
        for a in "$@"; do
            case "$a" in
                -Cpasses=sancov-module | -Cllvm-args=-sanitizer-coverage-* | -Ccodegen-units=*) ;;
                -Cinstrument-coverage) ;;
                *) args+=("$a") ;;
            esac
        done
        args+=(-Ccodegen-units=16)
        ;;
esac

if [ -n "${GXP_FUZZ_INNER_WRAPPER:-}" ]; then
    exec "$GXP_FUZZ_INNER_WRAPPER" "$rustc" "${args[@]}"
fi
exec "$rustc" "${args[@]}"
