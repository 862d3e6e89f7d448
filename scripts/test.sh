#!/usr/bin/env bash
# make test: the offline test suite, then the Terraform format check.
#
#   1. cargo test --workspace (unit, docs, module-structure and emulator end-to-end tests, and
#      the Terraform-native tests: `terraform validate` of every module, example and docs
#      snippet, and every `terraform test` run, with the schema-only hashicorp/aws stand-in)
#   2. Python unit tests of the tooling (scripts/test_*.py, e.g. the aws schema converter)
#   3. scripts/check-tf-fmt.sh   (`terraform fmt -check -recursive modules examples`)
#
# Every step runs even when an earlier one failed, so one run reports everything. The last
# line sums up all of them: "summary: N passed, N failed, N skipped" (cargo's ignored
# tests count as skipped). Exit status is non-zero when any step failed.
#
# Environment: CARGO (default cargo), CARGO_FLAGS (e.g. --locked), TEST_THREADS (default 2).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CARGO="${CARGO:-cargo}"
TEST_THREADS="${TEST_THREADS:-2}"
LOG_DIR="$(mktemp -d)"
trap 'rm -rf "$LOG_DIR"' EXIT

status=0

# shellcheck disable=SC2086 # CARGO_FLAGS is a list of flags
"$CARGO" test ${CARGO_FLAGS:-} --workspace -- --test-threads="$TEST_THREADS" 2>&1 | tee "$LOG_DIR/cargo.log"
cargo_status="${PIPESTATUS[0]}"
[ "$cargo_status" -eq 0 ] || status=1

# Python unit tests of the tooling scripts (the venv comes from `make tools`).
"$ROOT/.venv/bin/python" -m unittest discover -s scripts -p 'test_*.py' 2>&1 | tee "$LOG_DIR/python.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

if ! bash scripts/check-tf-fmt.sh; then
    status=1
fi

# cargo: "test result: ok. 223 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; ..."
read -r passed failed skipped < <(
    sed -n 's/^test result: [A-Za-z]*\. \([0-9]*\) passed; \([0-9]*\) failed; \([0-9]*\) ignored;.*/\1 \2 \3/p' \
        "$LOG_DIR/cargo.log" | awk '{p += $1; f += $2; s += $3} END {print p + 0, f + 0, s + 0}'
)
# A cargo run that failed before printing its results (a build error) counts as one failure.
if [ "$cargo_status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1
fi
# unittest: "Ran 18 tests in 1.7s" then "OK", "OK (skipped=1)" or "FAILED (failures=1, errors=2)"
read -r py_passed py_failed py_skipped < <(
    awk '/^Ran [0-9]+ tests? in/ {ran = $2}
         /^(OK|FAILED)/ {
             for (i = 1; i <= NF; i++) {
                 if (match($i, /failures=[0-9]+/)) f += substr($i, RSTART + 9, RLENGTH - 9)
                 if (match($i, /errors=[0-9]+/)) f += substr($i, RSTART + 7, RLENGTH - 7)
                 if (match($i, /skipped=[0-9]+/)) s += substr($i, RSTART + 8, RLENGTH - 8)
             }
             done = 1
         }
         END {if (!done) f = (f > 0 ? f : 1); p = ran - f - s; print (p < 0 ? 0 : p), f + 0, s + 0}' \
        "$LOG_DIR/python.log"
)
passed=$((passed + py_passed))
failed=$((failed + py_failed))
skipped=$((skipped + py_skipped))
if [ "$skipped" -gt 0 ]; then
    echo "make test: $skipped test(s) skipped; the lines above say which and why" >&2
fi
echo "summary: $passed passed, $failed failed, $skipped skipped"
exit "$status"
