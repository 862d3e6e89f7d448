#!/usr/bin/env bash
# End-to-end demo of terraform-provider-gxp on a fresh machine (run by `make demo`, after
# `make tools`). Everything happens locally: no AWS account, no registry download.
#
#   1. build the provider and install it into a private filesystem mirror
#      (.scratch/demo/mirror) with `make install`; a private CLI config makes
#      `terraform init` find source = "gxp/gxp" there (no dev_overrides);
#   2. start the local AWS emulator (moto_server from .venv) on a free loopback port;
#   3. create a small landing zone in the emulator (KMS key, evidence, records and access-log
#      buckets, CloudTrail trail, log group, CloudFormation stack: demo_landing_zone.py);
#   4. copy examples/quickstart into .scratch/demo/work, init and apply it: the specification
#      and its qualification, which files its report in the evidence bucket;
#   5. plan again: it must show no changes;
#   6. suspend versioning on the records bucket outside Terraform and plan: the plan shows
#      the pending requalification and its reason;
#   7. print a summary (spec digest and revision, qualification status, report location).
#
# Environment:
#   DEMO_VERBOSE=1   stream Terraform's own output instead of only the summary
#   CARGO            cargo executable (default: cargo)
# Logs of every step are kept in .scratch/demo/logs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEMO_DIR="$ROOT/.scratch/demo"
MIRROR_DIR="$DEMO_DIR/mirror"
WORK_DIR="$DEMO_DIR/work"
LOG_DIR="$DEMO_DIR/logs"
CLI_CONFIG="$DEMO_DIR/terraform.rc"
EXAMPLE_DIR="$ROOT/examples/quickstart"
VENV="$ROOT/.venv"
CARGO="${CARGO:-cargo}"
DEMO_VERBOSE="${DEMO_VERBOSE:-0}"

EMULATOR_PID=""
EMULATOR_URL=""
PROVIDER_BINARY=""
TF=""

if [ -t 1 ]; then BOLD=$'\033[1m' PLAIN=$'\033[0m'; else BOLD="" PLAIN=""; fi
say() { printf '%sdemo:%s %s\n' "$BOLD" "$PLAIN" "$*"; }
die() {
    printf 'demo: error: %s\n' "$*" >&2
    exit 1
}

# Run a command with its output in LOG_DIR/<name>.log (streamed too when DEMO_VERBOSE=1).
# On failure, show the end of the log and stop.
logged() {
    local name="$1"
    shift
    local log="$LOG_DIR/$name.log"
    local rc=0
    if [ "$DEMO_VERBOSE" = 1 ]; then
        "$@" 2>&1 | tee "$log" || rc=$?
    else
        "$@" >"$log" 2>&1 || rc=$?
    fi
    if [ "$rc" != 0 ]; then
        printf 'demo: "%s" failed (exit %s); last lines of %s:\n' "$*" "$rc" "$log" >&2
        tail -n 40 "$log" >&2
        exit "$rc"
    fi
}

tf() { "$TF" -chdir="$WORK_DIR" "$@"; }

stop_emulator() {
    if [ -n "$EMULATOR_PID" ] && kill -0 "$EMULATOR_PID" 2>/dev/null; then
        kill "$EMULATOR_PID" 2>/dev/null || true
        wait "$EMULATOR_PID" 2>/dev/null || true
    fi
    EMULATOR_PID=""
}

cleanup() { stop_emulator; }

prepare() {
    [ -x "$VENV/bin/moto_server" ] || die "no $VENV/bin/moto_server; run 'make tools' first"
    TF="$(bash "$ROOT/scripts/terraform.sh")" || die "no Terraform CLI; run 'make tools' first"
    rm -rf "$DEMO_DIR"
    mkdir -p "$LOG_DIR"
    # No update/telemetry calls from Terraform; no user CLI config, plugin cache or profile.
    export CHECKPOINT_DISABLE=1
    unset TF_PLUGIN_CACHE_DIR TF_DATA_DIR TF_WORKSPACE TF_LOG
    say "terraform: $TF ($("$TF" version 2>/dev/null | head -n1))"
}

# Build the provider and install it into the private filesystem mirror; point Terraform at
# that mirror for gxp/gxp through a CLI configuration file.
install_provider() {
    say "building the provider (cargo build -p terraform-provider-gxp)..."
    "$CARGO" build -p terraform-provider-gxp
    logged install make --no-print-directory -C "$ROOT" install CARGO="$CARGO" MIRROR_DIR="$MIRROR_DIR"
    PROVIDER_BINARY="$(sed -n 's/^installed //p' "$LOG_DIR/install.log" | tail -n1)"
    if [ -z "$PROVIDER_BINARY" ] || [ ! -x "$PROVIDER_BINARY" ]; then
        die "make install did not report the installed binary"
    fi
    say "installed ${PROVIDER_BINARY#"$ROOT"/}"
    cat >"$CLI_CONFIG" <<EOF
# Written by scripts/demo.sh: gxp/gxp comes from the demo's filesystem mirror.
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR_DIR"
    include = ["registry.terraform.io/gxp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/gxp/*"]
  }
}
EOF
    export TF_CLI_CONFIG_FILE="$CLI_CONFIG"
}

free_port() {
    "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Start moto_server on a free loopback port and wait until it answers; point the AWS SDK
# (and so the provider) at it with static test credentials.
start_emulator() {
    local port
    port="$(free_port)"
    EMULATOR_URL="http://127.0.0.1:$port"
    "$VENV/bin/moto_server" -H 127.0.0.1 -p "$port" >"$LOG_DIR/emulator.log" 2>&1 &
    EMULATOR_PID=$!
    if ! "$VENV/bin/python" - "$EMULATOR_URL" <<'EOF'; then
import sys, time, urllib.request
url = sys.argv[1] + "/moto-api/"
deadline = time.time() + 30
while time.time() < deadline:
    try:
        urllib.request.urlopen(url, timeout=1).read()
        sys.exit(0)
    except Exception:
        time.sleep(0.2)
sys.exit(1)
EOF
        tail -n 20 "$LOG_DIR/emulator.log" >&2
        die "the emulator did not answer at $EMULATOR_URL within 30s"
    fi
    kill -0 "$EMULATOR_PID" 2>/dev/null || die "the emulator exited; see $LOG_DIR/emulator.log"
    export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
    export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
    export AWS_ENDPOINT_URL="$EMULATOR_URL"
    export AWS_EC2_METADATA_DISABLED=true
    unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN
    say "AWS emulator (moto) listening at $EMULATOR_URL (pid $EMULATOR_PID)"
}

# Apply examples/quickstart in a fresh working directory, then check that a second plan is empty.
run_quickstart() {
    rm -rf "$WORK_DIR"
    mkdir -p "$WORK_DIR"
    cp -R "$EXAMPLE_DIR"/. "$WORK_DIR"/
    # A rebuilt provider has a new hash: never reuse a lock file.
    rm -f "$WORK_DIR/.terraform.lock.hcl"

    say "terraform init (examples/quickstart in ${WORK_DIR#"$ROOT"/})..."
    logged init tf init -input=false -no-color
    grep -h -E '^- Installed gxp/gxp' "$LOG_DIR/init.log" | sed 's/^- /demo:   /' || true

    say "terraform apply..."
    logged apply tf apply -input=false -auto-approve -no-color
    grep -h -E '^gxp_(expected_spec|qualification)\.[a-z_]+: Creat|^Apply complete' "$LOG_DIR/apply.log" | sed 's/^/demo:   /' || true
    say "qualification $(tf output -raw qualification_status): report filed at $(tf output -raw report_location)"

    say "terraform plan -detailed-exitcode (expect no changes)..."
    local rc=0
    tf plan -input=false -detailed-exitcode -no-color >"$LOG_DIR/plan.log" 2>&1 || rc=$?
    case "$rc" in
        0) grep -h -E '^No changes' "$LOG_DIR/plan.log" | sed 's/^/demo:   /' || true ;;
        2)
            cat "$LOG_DIR/plan.log" >&2
            die "the plan after apply shows changes; the specification is not stable"
            ;;
        *)
            tail -n 40 "$LOG_DIR/plan.log" >&2
            die "terraform plan failed (exit $rc)"
            ;;
    esac
}

# Build the small landing zone (key, buckets, trail, log group, stack) in the emulator.
create_landing_zone() {
    say "creating the landing zone in the emulator (scripts/demo_landing_zone.py)..."
    logged landing-zone "$VENV/bin/python" scripts/demo_landing_zone.py create
    sed 's/^/demo:   /' "$LOG_DIR/landing-zone.log"
}

# Change one security-relevant property outside Terraform and show the pending requalification.
drift_and_plan() {
    say "drift: $("$VENV/bin/python" scripts/demo_landing_zone.py drift)"
    say "terraform plan (expect a pending requalification with its reason)..."
    local rc=0
    tf plan -input=false -detailed-exitcode -no-color >"$LOG_DIR/plan-drift.log" 2>&1 || rc=$?
    [ "$rc" = 2 ] || { tail -n 40 "$LOG_DIR/plan-drift.log" >&2; die "expected a pending requalification (exit 2), got exit $rc"; }
    grep -h -E 'will be updated in-place|requalification_reasons|"drift |Plan:' "$LOG_DIR/plan-drift.log" | sed 's/^/demo:   /'
    DRIFT_REASON="$(grep -h -o '"drift [^"]*"' "$LOG_DIR/plan-drift.log" | head -n 1)"
}

summary() {
    local name digest revision counts requirements resources stacks
    name="$(tf output -raw spec_name)"
    digest="$(tf output -raw spec_digest)"
    revision="$(tf output -raw spec_revision)"
    # Counts from the applied state: the canonical JSON the digest is computed over.
    counts="$(tf show -json | "$VENV/bin/python" -c '
import json, sys
state = json.load(sys.stdin)
for r in state["values"]["root_module"]["resources"]:
    if r["type"] == "gxp_expected_spec":
        spec = json.loads(r["values"]["canonical_json"])["spec"]
        print(len(spec.get("requirements", [])), len(spec.get("resources", [])), len(spec.get("stacks", [])))
        break
')"
    read -r requirements resources stacks <<<"$counts"
    echo
    say "summary"
    printf '  applied           gxp_expected_spec.landing_zone "%s" (%s requirements, %s expected resources, %s expected stack)\n' \
        "$name" "$requirements" "$resources" "$stacks"
    printf '  spec digest       %s\n' "$digest"
    printf '  spec revision     %s\n' "$revision"
    printf '  second plan       no changes\n'
    printf '  qualification     %s (%s)\n' "$(tf output -raw qualification_status)" "$(tf output -json qualification_counts | tr -d '\n ')"
    printf '  report            %s\n' "$(tf output -raw report_location)"
    printf '  report sha256     %s\n' "$(tf output -raw report_sha256)"
    printf '  after drift       pending requalification: %s\n' "${DRIFT_REASON:-none}"
    printf '  provider          %s\n' "${PROVIDER_BINARY#"$ROOT"/}"
    printf '  emulator          moto at %s (stopped on exit)\n' "$EMULATOR_URL"
    printf '  working directory %s (logs in %s)\n' "${WORK_DIR#"$ROOT"/}" "${LOG_DIR#"$ROOT"/}"
    printf '  elapsed           %ss\n' "$SECONDS"
}

main() {
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    cd "$ROOT"
    prepare
    install_provider
    start_emulator
    create_landing_zone
    run_quickstart
    drift_and_plan
    summary
}

main "$@"
