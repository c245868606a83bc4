#!/bin/bash
# Loads the published matrix page in headless Chromium: the rendered DOM must hold the rows and columns that
# matrix.json has, with no script errors; a screenshot is kept as a build artefact. First proves that the check can
# fail: a copy of the page with a peer row removed and a throwing script added must be rejected.
#   usage: html_check.sh MATRIX-HTML MATRIX-JSON OUT-DIR     (screenshot: OUT-DIR/matrix.png)
set -euo pipefail
html=$(realpath "$1")
json=$(realpath "$2")
out=$(mkdir -p "$3" && realpath "$3")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/alpncheck-html-XXXXXX)
trap 'rm -rf "$work"' EXIT

# chromium_run PAGE ARGS...: a fresh profile each time, no network beyond the file, console on stderr.
chromium_run() {
    local page=$1
    shift
    local sandbox=()
    [ "$(id -u)" -ne 0 ] || sandbox=(--no-sandbox)
    timeout 90 chromium --headless "${sandbox[@]}" --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --disable-extensions \
        --user-data-dir="$(mktemp -d "$work/profile-XXXXXX")" --enable-logging=stderr --v=0 "$@" "file://$page"
}

# The negative control: one peer row fewer and a script error must both be caught.
/usr/bin/python3 - "$html" "$work/broken.html" <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
page = re.sub(r'<tr class="peer"[^\n]*\n', "", page, count=1)
page = page.replace("</body>", "<script>throw new Error('matrix self-test')</script></body>")
open(sys.argv[2], "w", encoding="utf-8").write(page)
PY
chromium_run "$work/broken.html" --dump-dom >"$work/broken.dom" 2>"$work/broken.console"
if /usr/bin/python3 "$here/dom_check.py" "$work/broken.dom" "$json" "$work/broken.console" >"$work/broken.out"; then
    echo "matrix-html-check: the check accepted a broken page" >&2
    exit 1
fi
grep -q 'peer rows rendered' "$work/broken.out" && grep -q 'matrix self-test' "$work/broken.out" || {
    echo "matrix-html-check: the broken page was rejected for the wrong reasons:" >&2
    cat "$work/broken.out" >&2
    exit 1
}

chromium_run "$html" --dump-dom >"$work/matrix.dom" 2>"$work/console.log"
cp "$work/console.log" "$out/matrix-console.log"
/usr/bin/python3 "$here/dom_check.py" "$work/matrix.dom" "$json" "$work/console.log"
chromium_run "$html" --hide-scrollbars --window-size=1600,1400 --screenshot="$out/matrix.png" \
    >/dev/null 2>>"$out/matrix-console.log"
[ -s "$out/matrix.png" ] || { echo "matrix-html-check: no screenshot" >&2; exit 1; }
echo "matrix-html-check: screenshot $out/matrix.png ($(stat -c %s "$out/matrix.png") bytes)"
