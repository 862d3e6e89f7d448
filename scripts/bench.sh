#!/usr/bin/env bash
# make bench: qualification apply and plan refresh over 100, 500 and 2000 buckets in moto,
# as ratios against a raw SDK baseline measured in the same run. See bench/src/main.rs.
# GXP_BENCH_PROFILE=dev skips the release build (ratios then compare debug builds).
set -euo pipefail
cd "$(dirname "$0")/.."

profile="${GXP_BENCH_PROFILE:-release}"
case "$profile" in
  dev) dir=debug ;;
  *) dir="$profile" ;;
esac
echo "bench: building ($profile)"
cargo build --profile "$profile" -p terraform-provider-gxp -p gxp-bench

TERRAFORM="$(scripts/terraform.sh)"
export TERRAFORM
export GXP_PROVIDER_BIN="$PWD/target/$dir/terraform-provider-gxp"
export GXP_MOTO_SERVER="$PWD/.venv/bin/moto_server"
mkdir -p bench-results
export GXP_BENCH_OUT="$PWD/bench-results/latest.json"
echo "bench: terraform $("$TERRAFORM" version | head -n1), provider $GXP_PROVIDER_BIN"
"target/$dir/gxp-bench" "$@"
