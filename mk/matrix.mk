# The interoperability matrix (issue 7, issue 17, issue 18): alpncheck against real TLS servers and clients of many
# stacks, and through real HTTP CONNECT proxies (Squid, tinyproxy, Privoxy, Apache httpd's mod_proxy_connect).
#   make matrix             installs the peers (Debian packages), builds, runs harness/matrix/run.sh (peers in
#                           parallel, MATRIX_JOBS at a time), and writes reports/matrix.{json,md,html},
#                           reports/findings.md and README.md's matrix block; peer logs go to reports/matrix-logs/,
#                           each peer's wall time to build/matrix/timing.tsv
#   make matrix-readme      README.md's matrix block and reports/findings.md again from reports/matrix.json
#   make matrix-html-check  headless Chromium loads reports/matrix.html: rows and columns as in matrix.json, no
#                           script errors; screenshot in build/matrix/matrix.png (make check runs it)
.PHONY: matrix matrix-readme matrix-html-check

MATRIX_PKGS := openssl gnutls-bin nginx haproxy h2o nghttp2-proxy nghttp2-client caddy curl golang-go libnss3-tools botan \
	iproute2 default-jdk-headless nodejs node-acorn node-cjs-module-lexer node-undici erlang-nox erlang-ssl python3 python3-jsonschema \
	apache2 lighttpd lighttpd-mod-openssl lighttpd-mod-gnutls lighttpd-mod-wolfssl lighttpd-mod-mbedtls lighttpd-mod-nss \
	trafficserver squid tinyproxy privoxy wget
# The peers on TLS libraries and the client programs of harness/matrix/peers-libs.sh (issue 17): what builds ours
# (harness/peers/libpeers.mk) and the clients; tests/integration_libpeers.sh (make check) starts them too.
LIBPEERS_PKGS := make gcc android-libboringssl-dev libwolfssl-dev libmbedtls-dev cargo librust-rustls-dev \
	librust-rustls-pemfile-dev wget2 nghttp2-client python3-httpx python3-h2 golang-go default-jdk-headless libbctls-java
PKGS_CHECK += $(LIBPEERS_PKGS)
MATRIX_OUT := build/matrix
MATRIX_LOGS := reports/matrix-logs
MATRIX_TOOL := build/dev/harness/matrix/alpnmatrix

matrix: build/dev/.built
	@$(ENSURE) $(MATRIX_PKGS) $(LIBPEERS_PKGS) $(PKGS_QUIC) $(if $(filter 1,$(MATRIX_QUINN)),$(PKGS_QUINN))
	@# Debian's nodejs for the Node.js rows, fetched here: the run itself has no network (its own namespace).
	@bash -c '. harness/peers.sh && debian_node $(MATRIX_OUT)/debian-node >/dev/null' || \
	  echo "matrix: Debian's nodejs could not be fetched; the Node.js rows will say so" >&2
	@./harness/matrix/run.sh $(ALPNCHECK) $(MATRIX_OUT) $(MATRIX_LOGS)
	@$(MATRIX_TOOL) --manifest $(MATRIX_OUT)/manifest.tsv --root . \
	  --platform "$$(. /etc/os-release && echo "$$PRETTY_NAME"), $$(uname -m)" \
	  --json reports/matrix.json --md reports/matrix.md --html reports/matrix.html --findings reports/findings.md \
	  --readme README.md
	@/usr/bin/python3 -c 'import json, sys, jsonschema; \
	  jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' \
	  reports/matrix.json reports/schema/matrix-1.schema.json
	@echo "matrix: reports/matrix.json, reports/matrix.md, reports/matrix.html, reports/findings.md, README.md" \
	  "(logs: $(MATRIX_LOGS)/)"

matrix-readme: build/dev/.built
	@$(MATRIX_TOOL) --from reports/matrix.json --findings reports/findings.md --readme README.md

matrix-html-check:
	@$(ENSURE) chromium python3
	@./harness/matrix/html_check.sh reports/matrix.html reports/matrix.json $(MATRIX_OUT)

CHECK_EXTRA += matrix-html-check

# The web servers whose matrix rows tests/integration_matrix_servers.sh checks (make check installs them; run by hand
# from private configurations, never as services).
# The proxy rows and the clients through a proxy, tests/integration_matrix_proxies.sh (Go is in PKGS_QUIC).
PKGS_CHECK += squid tinyproxy privoxy wget
PKGS_CHECK += apache2 lighttpd lighttpd-mod-openssl lighttpd-mod-gnutls lighttpd-mod-wolfssl lighttpd-mod-mbedtls \
	lighttpd-mod-nss trafficserver
