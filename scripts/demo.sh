#!/usr/bin/env bash
# Placeholder written by the tools bootstrap; the real demo script replaces this file.
set -euo pipefail
echo "demo not written yet" >&2
exit 1
