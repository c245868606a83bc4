#!/bin/sh
# The man page says what --help says: for every command that `alpncheck --help` lists, the long options that begin an
# option line of `alpncheck COMMAND --help` are exactly those that begin a .TP paragraph in the man page's subsection
# titled "alpncheck COMMAND ..."; the long options the top-level help names are those of the OPTIONS section; and the
# .TH line carries the version `alpncheck --version` prints. Each difference is reported on its own line.
# Then it proves that it can fail: a copy of the man page with an option line removed and one invented must be
# rejected with exactly those two differences.
#   usage: man_page.sh ALPNCHECK MANPAGE
set -u
export LC_ALL=C
ALPNCHECK=$1
MAN=$2
work=$(mktemp -d /tmp/alpncheck-man-XXXXXX)
trap 'rm -rf "$work"' EXIT

# Long options that begin an option line of a --help text on stdin ("  --json FILE  ...", "  -q, --quiet  ...").
help_options() {
    sed -n -E 's/^ +(-[A-Za-z0-9], )?(--[a-z0-9][a-z0-9-]*).*/\2/p' | sort -u
}

# man_options FILE CMD: the long options on the first line of each .TP paragraph in the subsection "alpncheck CMD ..."
# (CMD empty: in the OPTIONS section).
man_options() {
    awk -v cmd="$2" '
        /^\.SH/ { t = $0; gsub(/"/, "", t); insec = (cmd == "" && t == ".SH OPTIONS"); tp = 0; next }
        /^\.SS/ { t = $0; gsub(/\\f[BIRP]/, "", t); gsub(/"/, "", t); split(t, w, " ")
                  insec = (cmd != "" && w[2] == "alpncheck" && w[3] == cmd); tp = 0; next }
        insec && /^\.TP/ { tp = 1; next }
        insec && tp && !/^\.\\"/ {
            tp = 0; l = $0; gsub(/\\-/, "-", l)
            while (match(l, /--[a-z0-9][a-z0-9-]*/)) { print substr(l, RSTART, RLENGTH); l = substr(l, RSTART + RLENGTH) }
        }' "$1" | sort -u
}

# man_commands FILE: the commands that have a subsection "alpncheck CMD ...".
man_commands() {
    awk '/^\.SS/ { t = $0; gsub(/\\f[BIRP]/, "", t); gsub(/"/, "", t); split(t, w, " ")
                   if (w[2] == "alpncheck") print w[3] }' "$1" | sort -u
}

# say TEMPLATE ITEM: prints TEMPLATE with ITEM in place of every @@.
say() {
    t=$1
    out=
    while :; do
        case $t in
        *@@*)
            out=$out${t%%@@*}$2
            t=${t#*@@}
            ;;
        *) break ;;
        esac
    done
    printf '%s\n' "$out$t"
}

# both_ways A B ONLY_IN_A ONLY_IN_B: says ONLY_IN_A for every line only in sorted file A, ONLY_IN_B for every line
# only in B. Sets bad=1 when there is any.
both_ways() {
    for x in $(comm -23 "$1" "$2"); do
        say "$3" "$x"
        bad=1
    done
    for x in $(comm -13 "$1" "$2"); do
        say "$4" "$x"
        bad=1
    done
}

# check FILE: prints one line per difference between FILE and alpncheck's help; status 1 when there is one.
check() {
    man=$1
    bad=0
    "$ALPNCHECK" --help >"$work/top.txt" 2>&1 || { echo "alpncheck --help exited with $?"; return 1; }
    awk '/^Commands:/ { c = 1; next } c && /^$/ { exit } c { print $1 }' "$work/top.txt" | sort -u >"$work/commands"
    if [ ! -s "$work/commands" ]; then
        echo "alpncheck --help lists no commands (no 'Commands:' block)"
        return 1
    fi
    man_commands "$man" >"$work/man-commands"
    both_ways "$work/commands" "$work/man-commands" \
        "command '@@' (listed by alpncheck --help) has no subsection .SS \"alpncheck @@ ...\" in $man" \
        "$man has a subsection for command '@@', which alpncheck --help does not list"
    for c in $(cat "$work/commands"); do
        if ! "$ALPNCHECK" "$c" --help >"$work/help-$c.txt" 2>&1; then
            echo "alpncheck $c --help failed: $(head -n 1 "$work/help-$c.txt")"
            bad=1
            continue
        fi
        help_options <"$work/help-$c.txt" >"$work/h-$c"
        man_options "$man" "$c" >"$work/m-$c"
        both_ways "$work/h-$c" "$work/m-$c" \
            "alpncheck $c: option @@ is in 'alpncheck $c --help' but not in $man (no .TP entry in subsection \"alpncheck $c\")" \
            "alpncheck $c: option @@ is in $man (subsection \"alpncheck $c\") but not in 'alpncheck $c --help'"
    done
    grep -o -- '--[a-z][a-z0-9-]*' "$work/top.txt" | sort -u >"$work/h-top"
    man_options "$man" "" >"$work/m-top"
    both_ways "$work/h-top" "$work/m-top" \
        "alpncheck: option @@ is named in 'alpncheck --help' but has no .TP entry in the OPTIONS section of $man" \
        "alpncheck: option @@ is in the OPTIONS section of $man but 'alpncheck --help' does not name it"
    version=$("$ALPNCHECK" --version)
    if ! grep -q "^\.TH ALPNCHECK 1 [0-9-]* \"$version\"" "$man"; then
        echo "the .TH line of $man does not carry \"$version\" (what alpncheck --version prints): $(grep '^\.TH' "$man")"
        bad=1
    fi
    return $bad
}

[ -r "$MAN" ] || { echo "man_page: cannot read $MAN"; exit 1; }
if ! check "$MAN" >"$work/out"; then
    echo "man_page: $MAN is not in step with alpncheck's --help:"
    sed 's/^/  /' "$work/out"
    exit 1
fi
n_cmd=$(wc -l <"$work/commands")
n_opt=$(cat "$work"/h-* | wc -l)

# The check must catch a forgotten option and an invented one: drop the .TP entry of --exec-0rtt (client), add
# --frobnicate to decode.
awk 'skip { if ($0 ~ /^\.(TP|PP|SS|SH)/) skip = 0; else next }
     /^\.TP$/ { held = $0; next }
     held != "" { if ($0 ~ /^\.BI \\-\\-exec\\-0rtt /) { skip = 1; held = ""; next } print held; held = "" }
     { print }
     /^\.SS "alpncheck decode/ { print ".TP"; print ".B \\-\\-frobnicate"; print "Invented." }' \
    "$MAN" >"$work/broken.1"
check "$work/broken.1" >"$work/broken.out"
st=$?
expect1="alpncheck client: option --exec-0rtt is in 'alpncheck client --help' but not in $work/broken.1 (no .TP entry in subsection \"alpncheck client\")"
expect2="alpncheck decode: option --frobnicate is in $work/broken.1 (subsection \"alpncheck decode\") but not in 'alpncheck decode --help'"
if [ "$st" -eq 0 ] || ! grep -qxF "$expect1" "$work/broken.out" || ! grep -qxF "$expect2" "$work/broken.out" ||
    [ "$(wc -l <"$work/broken.out")" -ne 2 ]; then
    echo "man_page: the check did not report exactly the two differences of a broken copy (status $st):"
    sed 's/^/  /' "$work/broken.out"
    exit 1
fi
echo "man_page: $n_cmd commands, $n_opt long options in step with $MAN; a forgotten and an invented option are caught"
