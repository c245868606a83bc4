# Shared by the integration test scripts (sourced, bash): assertion counters and readers of alpncheck's JSON report.
# The caller sets SRC (the source tree) first.
PY=/usr/bin/python3
failures=0
checks=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { checks=$((checks + 1)); }
expect() { # expect DESCRIPTION COMMAND...: the command must succeed
    local what=$1
    shift
    if "$@"; then ok; else fail "$what"; fi
}

# verdict REPORT ID TLS: the verdict(s) of check ID for TLS version in a JSON report.
verdict() {
    "$PY" -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(" ".join(x["verdict"] for x in r["results"] if x["id"] == sys.argv[2] and x["tls"] == sys.argv[3]))' "$@"
}

# validate REPORT: the JSON report against reports/schema/report-1.schema.json.
validate() {
    "$PY" -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' "$1" "$SRC/reports/schema/report-1.schema.json"
}

# junit_consumers JUNIT JSON: the JUnit report validates with xmllint against both consumers' schemas (our
# restatements of Jenkins xunit's junit-10.xsd and of the Ant JUnit schema, reports/schema/junit-*.xsd), and a real
# consumer (python3-junitparser, tests/check_junit.py) counts what the JSON report of the same run counts.
junit_consumers() {
    local xsd out
    for xsd in junit-xunit.xsd junit-ant.xsd; do
        out=$(xmllint --noout --schema "$SRC/reports/schema/$xsd" "$1" 2>&1) || {
            echo "$xsd: $(echo "$out" | head -n 5)"
            return 1
        }
    done
    "$PY" "$SRC/tests/check_junit.py" "$1" "$2"
}

# itest_end [NAME]: the summary line; the script's status (0 when nothing failed).
itest_end() {
    echo "${1:+$1: }$checks passed, $failures failed"
    [ "$failures" -eq 0 ]
}

# itest_need PROGRAM PACKAGE: a peer program that is missing fails the test with its name, never a silent skip.
itest_need() {
    command -v "$1" >/dev/null && return 0
    echo "FAIL: $1 is not installed (Debian package $2; 'make check' installs it)"
    exit 1
}
