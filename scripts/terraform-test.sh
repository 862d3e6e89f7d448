#!/usr/bin/env bash
# Run `terraform test` (modules/<m>/tests/*.tftest.hcl) in every module of modules/.
#
# The tests mock hashicorp/aws and gxp (`mock_provider`), but Terraform still installs both
# to read their schemas. gxp comes from the provider binary Cargo built (a temporary
# filesystem mirror); hashicorp/aws from the registry. When the registry cannot be reached
# the script says so plainly, counts every `run` block as skipped and exits 0 (the structural
# tests in tests/modules_structure.rs and the end-to-end tests in tests/e2e/modules.rs still
# run). The last line is always "terraform test: N passed, N failed, N skipped"; make test
# (scripts/test.sh) adds it to its summary.
#
# Environment: CARGO_TARGET_DIR (default target/), TF_ACC_TERRAFORM_PATH (see terraform.sh).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TF="$(bash "$ROOT/scripts/terraform.sh")"

SKIP_MESSAGE="terraform test skipped: hashicorp/aws provider cannot be installed here (registry unreachable)"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# ---------------------------------------------------------------- gxp from the local build
VERSION="$(sed -n '/^\[package\]/,/^\[/{s/^version[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p;}' "$ROOT/provider/Cargo.toml" | head -n1)"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BINARY="$TARGET_DIR/debug/terraform-provider-gxp"
if [ ! -x "$BINARY" ]; then
    (cd "$ROOT" && cargo build -q -p terraform-provider-gxp)
fi
case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) os="$(uname -s | tr '[:upper:]' '[:lower:]')" ;;
esac
case "$(uname -m)" in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) arch="$(uname -m)" ;;
esac
MIRROR="$WORK/mirror"
PLUGIN_DIR="$MIRROR/registry.terraform.io/gxp/gxp/$VERSION/${os}_${arch}"
mkdir -p "$PLUGIN_DIR"
cp "$BINARY" "$PLUGIN_DIR/terraform-provider-gxp_v$VERSION"

cat >"$WORK/terraform.tfrc" <<CONFIG
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.terraform.io/gxp/gxp"]
  }
  direct {
    exclude = ["registry.terraform.io/gxp/gxp"]
  }
}
disable_checkpoint = true
CONFIG
export TF_CLI_CONFIG_FILE="$WORK/terraform.tfrc"
export TF_PLUGIN_CACHE_DIR="$WORK/plugin-cache"
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
mkdir -p "$TF_PLUGIN_CACHE_DIR"

# ---------------------------------------------------------------- one module at a time
# Work on a copy so no .terraform directory or lock file is left in the repository.
cp -R "$ROOT/modules" "$WORK/modules"

# Number of `run` blocks in the modules' test files: what is skipped when Terraform cannot
# install hashicorp/aws.
total_runs="$(cat "$ROOT"/modules/*/tests/*.tftest.hcl 2>/dev/null | grep -cE '^run[[:space:]]+"' || true)"

failed=()
ran=0
runs_passed=0
runs_failed=0
for dir in "$WORK"/modules/*/; do
    name="$(basename "$dir")"
    compgen -G "$dir/tests/*.tftest.hcl" >/dev/null || continue
    init_log="$WORK/$name-init.log"
    if ! (cd "$dir" && "$TF" init -backend=false -input=false -no-color >"$init_log" 2>&1); then
        if grep -qiE "could not connect to registry|failed to request discovery document|no such host|Failed to query available provider packages.*hashicorp/aws|dial tcp|connection refused|i/o timeout|TLS handshake timeout" "$init_log"; then
            echo "$SKIP_MESSAGE" >&2
            echo "terraform test: 0 passed, 0 failed, ${total_runs:-0} skipped"
            exit 0
        fi
        echo "terraform init failed in modules/$name:" >&2
        cat "$init_log" >&2
        exit 1
    fi
    echo "terraform test: modules/$name"
    test_log="$WORK/$name-test.log"
    if (cd "$dir" && "$TF" test -no-color) 2>&1 | tee "$test_log"; then
        ran=$((ran + 1))
    else
        failed+=("$name")
    fi
    # "Success! 6 passed, 0 failed." / "Failure! 1 passed, 1 failed, 1 skipped."
    counts="$(sed -n 's/^\(Success\|Failure\)! \([0-9]*\) passed, \([0-9]*\) failed.*/\2 \3/p' "$test_log" | tail -n1)"
    counts="${counts:-0 0}"
    runs_passed=$((runs_passed + ${counts% *}))
    runs_failed=$((runs_failed + ${counts#* }))
done

if [ "${#failed[@]}" -ne 0 ]; then
    echo "terraform test failed in: ${failed[*]}" >&2
    [ "$runs_failed" -gt 0 ] || runs_failed=1
    echo "terraform test: $runs_passed passed, $runs_failed failed, 0 skipped"
    exit 1
fi
echo "terraform test passed in $ran module(s)"
echo "terraform test: $runs_passed passed, 0 failed, 0 skipped"
