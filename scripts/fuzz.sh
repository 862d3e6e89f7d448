#!/usr/bin/env bash
# make fuzz: build the cargo-fuzz targets of fuzz/ and run each one for a set time, then
# print the executions and findings of every target.
#
#   scripts/fuzz.sh              run every target FUZZ_SECONDS seconds, one after the other
#   scripts/fuzz.sh --build      only build the targets
#   scripts/fuzz.sh --minimize   rewrite fuzz/corpus/TARGET as the smallest set of inputs that
#                                covers what the committed corpus and the last runs covered
#                                (libFuzzer -set_cover_merge); regression-* inputs are kept
#
# cargo-fuzz drives libFuzzer through rustc flags that only nightly accepts. These machines
# have stable Rust only, so the script sets RUSTC_BOOTSTRAP=1 (stable rustc then accepts
# the nightly flags) unless the compiler is a nightly. cargo-fuzz itself is installed into
# .tools/bin from crates.io on first use.
#
# Inputs a run adds are kept in target/fuzz/corpus/TARGET (not committed); the committed
# seeds in fuzz/corpus/TARGET are read, never written. A failing input is saved as
# fuzz/artifacts/TARGET/crash-* (not committed): fix the cause, add a unit test, and copy
# the input to fuzz/corpus/TARGET/regression-NAME so `make test` replays it for good.
#
# Environment:
#   FUZZ_SECONDS    seconds per target (default 60)
#   FUZZ_TARGETS    space-separated targets (default: every fuzz/fuzz_targets/*.rs)
#   FUZZ_SANITIZER  none (default; the code under test is safe Rust) or address, leak, ...
#   FUZZ_MAX_LEN    largest input in bytes (default 8192)
#   FUZZ_CODEGEN_UNITS  codegen units per instrumented crate (default 8; cargo-fuzz's own
#                   default, 1, builds slower for little gain). The AWS SDK crates are
#                   built uninstrumented, unoptimised, with 16 (scripts/fuzz-rustc.sh,
#                   fuzz/Cargo.toml).
#   FUZZ_KEEP_GOING 1: keep fuzzing after a failing input (libFuzzer -fork=1 -ignore_crashes=1)
#   FUZZ_ARGS       extra libFuzzer arguments
# Exit status: non-zero when a target found a failing input or could not be built.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CARGO="${CARGO:-cargo}"
CARGO_FUZZ_VERSION="0.13.2"
FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
FUZZ_SANITIZER="${FUZZ_SANITIZER:-none}"
FUZZ_MAX_LEN="${FUZZ_MAX_LEN:-8192}"
FUZZ_KEEP_GOING="${FUZZ_KEEP_GOING:-0}"
FUZZ_CODEGEN_UNITS="${FUZZ_CODEGEN_UNITS:-8}"
FUZZ_DIR="$ROOT/fuzz"
WORK="$ROOT/target/fuzz"
export PATH="$ROOT/.tools/bin:$PATH"

say() { printf 'fuzz: %s\n' "$*"; }
die() { printf 'fuzz: error: %s\n' "$*" >&2; exit 2; }

minimize=0
build_only=0
case "${1:-}" in
    --minimize) minimize=1 ;;
    --build) build_only=1 ;;
    "") ;;
    *) die "unknown argument $1 (use --build, --minimize or nothing)" ;;
esac

# --- cargo-fuzz ----------------------------------------------------------------------
if ! "$CARGO" fuzz --version >/dev/null 2>&1; then
    say "installing cargo-fuzz $CARGO_FUZZ_VERSION into .tools/bin (first run, ~2 min)"
    "$CARGO" install cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION" --root "$ROOT/.tools" \
        || die "cargo install cargo-fuzz failed"
fi
if ! rustc -V | grep -q nightly; then
    export RUSTC_BOOTSTRAP=1
fi
# The AWS SDK crates are built without coverage instrumentation (scripts/fuzz-rustc.sh).
if [ -n "${RUSTC_WRAPPER:-}" ] && [ "$RUSTC_WRAPPER" != "$ROOT/scripts/fuzz-rustc.sh" ]; then
    export GXP_FUZZ_INNER_WRAPPER="$RUSTC_WRAPPER"
fi
export RUSTC_WRAPPER="$ROOT/scripts/fuzz-rustc.sh"

if [ -n "${FUZZ_TARGETS:-}" ]; then
    read -r -a targets <<<"$FUZZ_TARGETS"
else
    targets=()
    for f in "$FUZZ_DIR"/fuzz_targets/*.rs; do
        targets+=("$(basename "$f" .rs)")
    done
fi

fuzz_flags=(--fuzz-dir "$FUZZ_DIR" --target-dir "$WORK/build" --sanitizer "$FUZZ_SANITIZER"
    --debug-assertions --codegen-units "$FUZZ_CODEGEN_UNITS")

say "building ${#targets[@]} targets (release, debug assertions, sanitizer $FUZZ_SANITIZER)"
"$CARGO" fuzz build "${fuzz_flags[@]}" || die "cargo fuzz build failed"
[ "$build_only" = 1 ] && exit 0

# --- minimise the committed corpus ----------------------------------------------------
if [ "$minimize" = 1 ]; then
    for t in "${targets[@]}"; do
        seeds="$FUZZ_DIR/corpus/$t"
        fresh="$WORK/minimized/$t"
        rm -rf "$fresh"
        mkdir -p "$fresh" "$seeds" "$WORK/corpus/$t"
        "$CARGO" fuzz run "${fuzz_flags[@]}" "$t" "$fresh" "$seeds" "$WORK/corpus/$t" -- \
            -set_cover_merge=1 -max_len="$FUZZ_MAX_LEN" >"$WORK/minimize-$t.log" 2>&1 \
            || { tail -n 20 "$WORK/minimize-$t.log" >&2; die "minimising $t failed"; }
        find "$seeds" -maxdepth 1 -type f ! -name 'regression-*' -delete
        cp "$fresh"/* "$seeds"/ 2>/dev/null || true
        say "$t: corpus minimised to $(find "$seeds" -maxdepth 1 -type f | wc -l) files"
    done
    exit 0
fi

# --- run ------------------------------------------------------------------------------
total_execs=0
total_findings=0
report=()
for t in "${targets[@]}"; do
    corpus="$WORK/corpus/$t"
    artifacts="$FUZZ_DIR/artifacts/$t"
    mkdir -p "$corpus" "$artifacts"
    log="$WORK/run-$t.log"
    stamp="$WORK/.stamp-$t"
    touch "$stamp"
    extra=()
    if [ "$FUZZ_KEEP_GOING" = 1 ]; then
        extra+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
    fi
    say "$t: running ${FUZZ_SECONDS}s"
    # shellcheck disable=SC2086 # FUZZ_ARGS is a list of arguments
    "$CARGO" fuzz run "${fuzz_flags[@]}" "$t" "$corpus" "$FUZZ_DIR/corpus/$t" -- \
        -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
        -max_len="$FUZZ_MAX_LEN" -artifact_prefix="$artifacts/" "${extra[@]}" ${FUZZ_ARGS:-} \
        >"$log" 2>&1
    status=$?
    execs="$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n1)"
    if [ -z "$execs" ]; then
        # Fork mode and some crashes print no final stats: take the last progress line.
        execs="$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$log" | tail -n1)"
    fi
    execs="${execs:-0}"
    mapfile -t found < <(find "$artifacts" -maxdepth 1 -type f -newer "$stamp" | sort)
    rm -f "$stamp"
    if [ "$status" -ne 0 ] && [ "${#found[@]}" -eq 0 ]; then
        tail -n 30 "$log" >&2
        found=("(run failed with status $status; log: $log)")
    fi
    total_execs=$((total_execs + execs))
    total_findings=$((total_findings + ${#found[@]}))
    line="$t: $execs executions, ${#found[@]} findings, corpus $(find "$corpus" "$FUZZ_DIR/corpus/$t" -maxdepth 1 -type f | wc -l) inputs"
    report+=("$line")
    say "$line"
    for f in "${found[@]}"; do
        say "  finding: ${f#"$ROOT"/}"
        grep -m1 -E "panicked at|ERROR: libFuzzer|SUMMARY" "$log" | sed 's/^/fuzz:    /' || true
    done
done

echo
for line in "${report[@]}"; do
    say "$line"
done
say "total: ${#targets[@]} targets, $total_execs executions, $total_findings findings"
[ "$total_findings" -eq 0 ]
