#!/usr/bin/env bash
# Fail when a Terraform file under modules/ or examples/ is not formatted
# (`terraform fmt -check -recursive`), listing the files. `make test` (scripts/test.sh)
# calls this script after `cargo test --workspace`, which runs the modules' `terraform test`
# suites (tests/terraform_native).
#
# Fix formatting with `make fmt` (or `terraform fmt -recursive modules examples`).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TF="$(bash "$ROOT/scripts/terraform.sh")"

dirs=()
for d in modules examples; do
    if [ -d "$d" ]; then
        dirs+=("$d")
    fi
done
if [ "${#dirs[@]}" -eq 0 ]; then
    echo "check-tf-fmt: no modules/ or examples/ directory, nothing to check"
else
    errors="$(mktemp)"
    trap 'rm -f "$errors"' EXIT
    status=0
    unformatted="$("$TF" fmt -check -recursive -list=true "${dirs[@]}" 2>"$errors")" || status=$?
    if [ "$status" -ne 0 ]; then
        if [ -n "$unformatted" ]; then
            echo "check-tf-fmt: these Terraform files are not formatted (run 'make fmt'):" >&2
            sed 's/^/  /' <<<"$unformatted" >&2
            # Exit code 3 means "not formatted"; anything else also had errors (e.g. syntax).
            if [ "$status" -ne 3 ]; then
                cat "$errors" >&2
            fi
        else
            echo "check-tf-fmt: terraform fmt failed (exit $status):" >&2
            cat "$errors" >&2
        fi
        exit 1
    fi
    echo "check-tf-fmt: ${dirs[*]} formatted"
fi

