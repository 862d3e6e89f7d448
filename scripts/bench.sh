#!/usr/bin/env bash
# Placeholder written by the tools bootstrap; the real bench script replaces this file.
set -euo pipefail
echo "bench not written yet" >&2
exit 1
