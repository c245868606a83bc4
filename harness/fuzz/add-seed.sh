#!/bin/sh
# Adds standard input as a seed of a fuzz target, named by its SHA-256: add-seed.sh TARGET [in|repro]
set -eu
target=$1
kind=${2:-in}
dir=$(dirname "$0")/../../corpus/$target.$kind
mkdir -p "$dir"
tmp=$(mktemp)
cat >"$tmp"
name=$(sha256sum "$tmp" | cut -d' ' -f1)
mv "$tmp" "$dir/$name"
chmod 644 "$dir/$name"
echo "$dir/$name"
