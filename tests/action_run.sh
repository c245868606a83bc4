#!/bin/bash
# The GitHub action's entry script (tools/action-run) against real openssl s_server and s_client on loopback, with
# its inputs given as GitHub gives them (INPUT_* environment variables, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY):
#   - a conforming server (s_server with -alpn h2,http/1.1): exit 0, a JUnit file that is XML with testcases;
#   - a server with a finding (gnutls-serv without --alpn-fatal: no alert 120 when nothing overlaps): its FAILs
#     give exit 1; a known-failures file covering them gives 0 (INPUT_KNOWN-FAILURES, GitHub's spelling); one that
#     also lists a passing check gives 1 (XPASS);
#   - an unreachable server: 2; a bad mode or an empty target: 2 with a message;
#   - client mode with openssl s_client through --exec: 0.
# Also that action.yml passes every input to the script and builds a preset that exists.
#   usage: action_run.sh ALPNCHECK SOURCE_DIR
set -u
# shellcheck source=itest.sh
. "$2/tests/itest.sh"
itest_start action "$(realpath "$1")" "$2"
itest_peers
itest_cert

# run_action NAME VAR=VALUE...: tools/action-run in $work/NAME (the workspace) with only these INPUT_* variables;
# sets rc; output in $work/NAME.out, GITHUB_OUTPUT in $work/NAME.gh, GITHUB_STEP_SUMMARY in $work/NAME.md.
run_action() {
    local name=$1
    shift
    mkdir -p "$work/$name"
    (cd "$work/$name" && env -i PATH="$PATH" HOME="$work" ALPNCHECK="$ALPNCHECK" GITHUB_OUTPUT="$work/$name.gh" \
        GITHUB_STEP_SUMMARY="$work/$name.md" "$@" "$SRC/tools/action-run") >"$work/$name.out" 2>&1
    rc=$?
}

# junit_counts FILE: "TESTCASES FAILURES" of a JUnit file (failure and error elements), or "none (why)" when it
# does not parse as XML.
junit_counts() {
    "$PY" -c 'import sys, xml.etree.ElementTree as ET
try:
    r = ET.parse(sys.argv[1]).getroot()
except Exception as e:
    print("none (not XML: %s)" % e); sys.exit(0)
print(len(r.findall(".//testcase")), len(r.findall(".//testcase/failure")) + len(r.findall(".//testcase/error")))' "$1"
}

# --- a conforming server ----------------------------------------------------------------------------------------
p1=$(free_port)
start_openssl "$p1"
wait_port "$p1" || fail "openssl s_server (-alpn h2,http/1.1) did not start"
run_action good INPUT_MODE=server INPUT_TARGET="127.0.0.1:$p1" INPUT_ALPN=h2,http/1.1 \
    INPUT_JUNIT=reports/alpncheck.xml "INPUT_ARGS=--tls 1.3 -q --skip 'SRV-0RTT-ALPN,SRV-0RTT-TICKET-FRESH,SRV-0RTT-ALPN-ADDED,SRV-0RTT-ALPN-OMITTED'"
expect "conforming server: exit 0 (got $rc): $(tail -n 3 "$work/good.out")" test "$rc" -eq 0
counts=$(junit_counts "$work/good/reports/alpncheck.xml")
expect "conforming server: JUnit in the workspace, XML with over 10 testcases and no failure ($counts)" \
    grep -qxE '([1-9][0-9]|[1-9][0-9][0-9]+) 0' <<<"$counts"
expect "conforming server: the ARGS words reached alpncheck (--skip: no 0-RTT testcase)" \
    test "$(grep -c 'SRV-0RTT' "$work/good/reports/alpncheck.xml")" -eq 0
expect "conforming server: GITHUB_OUTPUT exit-code=0" grep -qx 'exit-code=0' "$work/good.gh"
expect "conforming server: GITHUB_OUTPUT junit=reports/alpncheck.xml" grep -qx 'junit=reports/alpncheck.xml' "$work/good.gh"
expect "conforming server: Markdown report in the step summary" grep -q 'SRV-SELECT-OFFERED' "$work/good.md"

# --- a server with a finding: gnutls-serv without --alpn-fatal completes the handshake when nothing overlaps -----------
command -v gnutls-serv >/dev/null || { echo "FAIL: gnutls-serv is not installed (package gnutls-bin)"; exit 1; }
p2=$(free_port)
start_gnutls "$p2"
wait_port "$p2" || fail "gnutls-serv did not start"
only="--only SRV-SELECT-OFFERED,SRV-NO-OVERLAP-ALERT,SRV-NO-UNSOLICITED"
run_action finding INPUT_TARGET="127.0.0.1:$p2" INPUT_ALPN=h2,http/1.1 INPUT_ARGS="$only"
expect "server with a finding: exit 1 (got $rc): $(tail -n 2 "$work/finding.out")" test "$rc" -eq 1
counts=$(junit_counts "$work/finding/alpncheck-junit.xml")
expect "server with a finding: default JUnit path, 6 testcases, 2 failures ($counts)" test "$counts" = "6 2"
expect "server with a finding: GITHUB_OUTPUT exit-code=1" grep -qx 'exit-code=1' "$work/finding.gh"

printf '# what this server is known to get wrong\nSRV-NO-OVERLAP-ALERT\n' >"$work/known.txt"
run_action known INPUT_TARGET="127.0.0.1:$p2" INPUT_ALPN=h2,http/1.1 INPUT_ARGS="$only" \
    "INPUT_KNOWN-FAILURES=$work/known.txt"
expect "server with a finding, its failures known: exit 0 (got $rc): $(tail -n 2 "$work/known.out")" test "$rc" -eq 0
counts=$(junit_counts "$work/known/alpncheck-junit.xml")
expect "server with a finding, its failures known: 6 testcases ($counts)" test "${counts%% *}" = 6

cp "$work/known.txt" "$work/stale.txt"
echo SRV-NO-UNSOLICITED >>"$work/stale.txt"
run_action stale INPUT_TARGET="127.0.0.1:$p2" INPUT_ALPN=h2,http/1.1 INPUT_ARGS="$only" \
    INPUT_KNOWN_FAILURES="$work/stale.txt"
expect "a known failure that passes (XPASS): exit 1 (got $rc): $(tail -n 2 "$work/stale.out")" test "$rc" -eq 1

# --- errors ---------------------------------------------------------------------------------------------------------
p3=$(free_port)
run_action unreachable INPUT_TARGET="127.0.0.1:$p3" INPUT_ALPN=h2 INPUT_ARGS="--timeout 2000"
expect "unreachable server: exit 2 (got $rc)" test "$rc" -eq 2
run_action badmode INPUT_MODE=proxy INPUT_TARGET="127.0.0.1:$p1"
expect "mode 'proxy': exit 2 (got $rc)" test "$rc" -eq 2
expect "mode 'proxy': says why" grep -q "the input 'mode' must be server or client, not 'proxy'" "$work/badmode.out"
run_action notarget INPUT_MODE=server
expect "no target: exit 2 (got $rc)" test "$rc" -eq 2
expect "no target: GITHUB_OUTPUT exit-code=2" grep -qx 'exit-code=2' "$work/notarget.gh"

# --- client mode ----------------------------------------------------------------------------------------------------
run_action client INPUT_MODE=client \
    INPUT_TARGET='openssl s_client -connect {host}:{port} -CAfile {ca} -alpn {alpn} </dev/null' \
    INPUT_ALPN=h2,http/1.1 INPUT_JUNIT=client.xml "INPUT_ARGS=--tls 1.3 --only CLI-REJECT-UNOFFERED,CLI-OFFER-WELLFORMED"
expect "client mode (openssl s_client): exit 0 (got $rc): $(tail -n 2 "$work/client.out")" test "$rc" -eq 0
expect "client mode: 2 testcases, no failure ($(junit_counts "$work/client/client.xml"))" \
    test "$(junit_counts "$work/client/client.xml")" = "2 0"

# --- action.yml: every input reaches the script, and the build preset exists -----------------------------------------
"$PY" - "$SRC/action.yml" "$SRC/CMakePresets.json" >"$work/yml.out" 2>&1 <<'EOF'
import json, re, sys
import yaml
action = yaml.safe_load(open(sys.argv[1]))
presets = json.load(open(sys.argv[2]))
problems = []
inputs = set(action["inputs"])
steps = action["runs"]["steps"]
run = [s for s in steps if "action-run" in s.get("run", "")]
if len(run) != 1:
    problems.append("no single step runs tools/action-run")
else:
    env = run[0].get("env", {})
    for name in sorted(inputs):
        var = "INPUT_" + name.upper().replace("-", "_")
        if env.get(var) != "${{ inputs.%s }}" % name:
            problems.append("input %s is not passed as %s" % (name, var))
    for var in sorted(env):
        if var.startswith("INPUT_") and var[6:].lower().replace("_", "-") not in inputs:
            problems.append("%s passes no declared input" % var)
used = set(re.findall(r"--preset (\w+)", " ".join(s.get("run", "") for s in steps)))
known = {p["name"] for p in presets["configurePresets"]} & {p["name"] for p in presets["buildPresets"]}
problems += ["preset %s is not in CMakePresets.json" % p for p in sorted(used - known)]
if not used:
    problems.append("no step builds with a preset")
if problems:
    print("\n".join(problems))
    sys.exit(1)
EOF
expect "action.yml: $(tr '\n' ';' <"$work/yml.out")" test ! -s "$work/yml.out"

itest_end action_run
