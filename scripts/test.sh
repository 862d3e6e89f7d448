#!/usr/bin/env bash
# make test: the offline test suite, then the Terraform format check.
#
#   1. cargo test --workspace (unit, docs, module-structure and end-to-end tests against moto,
#      and the Terraform-native tests: `terraform validate` of every module, example and docs
#      snippet, and every `terraform test` run, with the schema-only hashicorp/aws stand-in)
#   2. the end-to-end tests again against LocalStack's community runtime on the host
#      (GXP_TEST_BACKEND=localstack cargo test --test e2e); scenarios that need a service
#      LocalStack lacks (CloudTrail, RDS) or that only make sense against moto print a
#      `SKIPPED: <test>: <reason>` line and count as skipped
#   3. Python unit tests of the tooling (scripts/test_*.py, e.g. the aws schema converter)
#   4. scripts/check-tf-fmt.sh   (`terraform fmt -check -recursive modules examples`)
#
# The fault scenarios' counts (scenarios, injected faults by kind, false passes, lost reports)
# are printed per backend ("make test: fault scenarios against ...").
#
# Every step runs even when an earlier one failed, so one run reports everything. The last
# line sums up all of them: "summary: N passed, N failed, N skipped" (cargo's ignored
# tests and the tests that printed a SKIPPED line count as skipped). Exit status is
# non-zero when any step failed.
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

echo "make test: the end-to-end tests again, against LocalStack (GXP_TEST_BACKEND=localstack)"
# shellcheck disable=SC2086
GXP_TEST_BACKEND=localstack "$CARGO" test ${CARGO_FLAGS:-} -p terraform-provider-gxp --test e2e \
    -- --test-threads="$TEST_THREADS" 2>&1 | tee "$LOG_DIR/localstack.log"
localstack_status="${PIPESTATUS[0]}"
[ "$localstack_status" -eq 0 ] || status=1

# Python unit tests of the tooling scripts (the venv comes from `make tools`).
"$ROOT/.venv/bin/python" -m unittest discover -s scripts -p 'test_*.py' 2>&1 | tee "$LOG_DIR/python.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

if ! bash scripts/check-tf-fmt.sh; then
    status=1
fi

# Passed, failed and skipped tests of one cargo log. cargo prints per test binary
# "test result: ok. 223 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; ...";
# a test that returned early after a "SKIPPED: <test>: <reason>" line counts as skipped,
# not passed. A cargo run that failed before printing its results (a build error) counts
# as one failure.
cargo_counts() {
    local log="$1" run_status="$2" p f s early
    read -r p f s < <(
        sed -n 's/^test result: [A-Za-z]*\. \([0-9]*\) passed; \([0-9]*\) failed; \([0-9]*\) ignored;.*/\1 \2 \3/p' \
            "$log" | awk '{p += $1; f += $2; s += $3} END {print p + 0, f + 0, s + 0}'
    )
    early="$(grep -c '^SKIPPED: ' "$log" || true)"
    p=$((p - early))
    s=$((s + early))
    if [ "$run_status" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
    fi
    echo "$p $f $s"
}
# The fault scenarios' counts of one cargo log: every fault scenario test prints
# "FAULTS: <test> backend=<b> scenarios=<n> injected=<n> [<kind>=<n> ...] false_passes=<n>
# reports_lost=<n> verified=<n> barriers=<n> elapsed=<s>s" when it ends (tests/e2e/faults/tally.rs).
fault_counts() {
    awk '
        /^FAULTS: / {
            tests++
            for (i = 3; i <= NF; i++) {
                field = $i
                gsub(/[][]/, "", field)
                eq = index(field, "=")
                if (eq == 0) continue
                key = substr(field, 1, eq - 1)
                value = substr(field, eq + 1)
                sub(/s$/, "", value)
                if (key == "backend") continue
                if (key == "scenarios" || key == "injected" || key == "false_passes" ||
                    key == "reports_lost" || key == "verified" || key == "barriers" ||
                    key == "elapsed") {
                    total[key] += value
                } else {
                    if (!(key in kind)) order[++kinds] = key
                    kind[key] += value
                }
            }
        }
        END {
            if (!tests) { print "no fault scenario ran"; exit }
            list = ""
            for (k = 1; k <= kinds; k++) list = list (k > 1 ? ", " : "") order[k] " " kind[order[k]]
            printf "%d tests, %d scenarios, %d faults injected (%s), false passes %d, reports lost %d, %d verifier runs, %d calls held at barriers, %ds of test time\n",
                tests, total["scenarios"], total["injected"], list, total["false_passes"],
                total["reports_lost"], total["verified"], total["barriers"], total["elapsed"]
        }' "$1"
}
echo "make test: fault scenarios against moto: $(fault_counts "$LOG_DIR/cargo.log")"
echo "make test: fault scenarios against LocalStack: $(fault_counts "$LOG_DIR/localstack.log")"

read -r passed failed skipped < <(cargo_counts "$LOG_DIR/cargo.log" "$cargo_status")
read -r ls_passed ls_failed ls_skipped < <(cargo_counts "$LOG_DIR/localstack.log" "$localstack_status")
echo "make test: end-to-end against LocalStack: $ls_passed passed, $ls_failed failed, $ls_skipped skipped"
if [ "$ls_skipped" -gt 0 ]; then
    echo "make test: not run against LocalStack:"
    sed -n 's/^SKIPPED: /  /p' "$LOG_DIR/localstack.log"
fi
passed=$((passed + ls_passed))
failed=$((failed + ls_failed))
skipped=$((skipped + ls_skipped))
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
