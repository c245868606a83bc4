# Builds the small peers on other TLS libraries (issue 17) into O, each only when its sources changed:
#   make -f harness/peers/libpeers.mk O=DIR [all | DIR/<lib>-server | DIR/<lib>-client | DIR/go-net-http-client]
# C peers: BoringSSL (android-libboringssl-dev), wolfSSL (libwolfssl-dev), mbedTLS (libmbedtls-dev), with
# common/peer_net.c. rustls: Debian's cargo (/usr/bin/cargo, never a rustup one), offline, its only source the
# crates Debian ships in /usr/share/cargo/registry (librust-rustls-dev), with a private CARGO_HOME under O. Beside
# them the Go net/http client (go/nethttp_client.go, with go/clientlib.go).
PEERS := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
O ?= .
LIBS := boringssl wolfssl mbedtls rustls
ALL := $(foreach l,$(LIBS),$(O)/$(l)-server $(O)/$(l)-client) $(O)/go-net-http-client
CC := /usr/bin/gcc
CFLAGS := -std=c11 -O2 -g -Wall -Wextra -I$(PEERS)/common
COMMON := $(PEERS)/common/peer_net.c $(PEERS)/common/peer_net.h
MULTIARCH := $(shell $(CC) -print-multiarch)
# Debian installs BoringSSL beside OpenSSL under its own directories; the rpath finds its libssl.so.0 at run time.
BORINGSSL_DIR := /usr/lib/$(MULTIARCH)/android
CPPFLAGS_boringssl := -I/usr/include/android
LDLIBS_boringssl := -L$(BORINGSSL_DIR) -Wl,-rpath,$(BORINGSSL_DIR) -lssl -lcrypto
LDLIBS_wolfssl := -lwolfssl
LDLIBS_mbedtls := -lmbedtls -lmbedx509 -lmbedcrypto

.PHONY: all
all: $(ALL)

define c_peer
$(O)/$(1)-%: $(PEERS)/$(1)/%.c $(COMMON) $(wildcard $(PEERS)/$(1)/*.h) | $(O)
	$$(CC) $$(CFLAGS) $$(CPPFLAGS_$(1)) -o $$@ $$< $(PEERS)/common/peer_net.c $$(LDLIBS_$(1))
endef
$(foreach l,boringssl wolfssl mbedtls,$(eval $(call c_peer,$(l))))

RUSTLS_SRC := $(PEERS)/rustls/Cargo.toml $(wildcard $(PEERS)/rustls/src/*.rs $(PEERS)/rustls/src/bin/*.rs)
# One cargo run makes both (a grouped target, GNU make 4.3).
$(O)/rustls-server $(O)/rustls-client &: $(RUSTLS_SRC) $(PEERS)/cargo-offline.sh | $(O)
	$(PEERS)/cargo-offline.sh $(PEERS)/rustls $(O) rustls --release --quiet
	cp $(O)/rustls-target/release/rustls-server $(O)/rustls-target/release/rustls-client $(O)/

# The Go net/http client, offline, from the standard library only (as run.sh builds the crypto/tls peers).
$(O)/go-net-http-client: $(PEERS)/go/nethttp_client.go $(PEERS)/go/clientlib.go | $(O)
	env GOCACHE=$(abspath $(O))/go-cache GOPATH=$(abspath $(O))/gopath GO111MODULE=off GOFLAGS= GOTOOLCHAIN=local \
	  go build -o $@ $^

$(O):
	mkdir -p $@
