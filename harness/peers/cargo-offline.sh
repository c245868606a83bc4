#!/bin/sh
# cargo-offline.sh CRATE OUT NAME [CARGO-BUILD-ARGUMENT...]: builds our Rust peer in directory CRATE the one way the
# project allows: Debian's cargo (/usr/bin/cargo, never a rustup one), offline, its only source the crates Debian
# ships in /usr/share/cargo/registry. A private CARGO_HOME (OUT/cargo-home) points crates-io there; the crate is
# copied to OUT/NAME-src first (cargo writes Cargo.lock beside Cargo.toml); the build goes to OUT/NAME-target; the
# environment is empty but for PATH=/usr/bin:/bin, so no rustup toolchain or RUSTFLAGS reaches it. Used by
# harness/peers/libpeers.mk (rustls) and harness/peers.sh (quinn_build).
set -eu
[ $# -ge 3 ] || { echo "usage: cargo-offline.sh CRATE OUT NAME [CARGO-BUILD-ARGUMENT...]" >&2; exit 2; }
crate=$1 name=$3
mkdir -p "$2/cargo-home"
out=$(cd "$2" && pwd)
shift 3
printf '%s\n' '[source.crates-io]' 'replace-with = "debian"' '[source.debian]' \
    'directory = "/usr/share/cargo/registry"' '[net]' 'offline = true' >"$out/cargo-home/config.toml"
rm -rf "$out/$name-src"
mkdir -p "$out/$name-src"
cp -pr "$crate/Cargo.toml" "$crate/src" "$out/$name-src/"
exec env -i PATH=/usr/bin:/bin HOME="$out" CARGO_HOME="$out/cargo-home" CARGO_TARGET_DIR="$out/$name-target" \
    /usr/bin/cargo build --offline --manifest-path "$out/$name-src/Cargo.toml" "$@"
