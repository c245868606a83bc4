# alpncheck front door. Every build and test target installs the Debian packages it needs, then configures and
# builds with the CMake presets in CMakePresets.json (build trees under build/<preset>).
.PHONY: all demo check unit coverage deps clean format help bench readme
.DEFAULT_GOAL := help

PKGS_BUILD := cmake make gcc pkg-config libcriterion-dev libgnutls28-dev nettle-dev libgmp-dev libjansson-dev libssl-dev libnghttp2-dev
PKGS_FUZZ := clang libclang-rt-14-dev
PKGS_AFL := afl++
PKGS_COVERAGE := gcovr
# Every program the demo, the tests and the bench start: the peers (openssl s_server/s_client, gnutls-serv/cli, curl),
# pgrep/pkill (procps) and script(1) (bsdutils) of the integration scripts.
PKGS_PEERS := openssl gnutls-bin curl procps bsdutils
# The QUIC peers (harness/peers.sh, tests/integration_quic_peers.sh): Caddy's HTTP/3, ngtcp2's gtlsserver and
# gtlsclient, our quic-go peers built offline (Go 1.19; quic-go 0.29 and the qtls-go1-19 sources it builds on).
PKGS_QUIC := caddy ngtcp2-server ngtcp2-client golang-go golang-github-lucas-clemente-quic-go-dev \
	golang-github-marten-seemann-qtls-go1-19-dev
# Our quinn 0.9 peer, built offline by Debian's cargo from Debian's crates: only for -DALPN_QUINN_TESTS=ON and the
# matrix, since it pulls in rustc and some hundred crates.
PKGS_QUINN := cargo librust-quinn-dev
# Peers only the test suite starts (tests/integration_caddy.sh and integration_altsvc.sh, the CONNECT proxies of
# tests/integration_proxy.sh, integration_quic_peers.sh and test_quic_probe.c); always run by hand from private
# configs, never as a service.
PKGS_PEERS_CHECK := $(sort caddy squid tinyproxy privoxy apache2 $(PKGS_QUIC))
PKGS_ADAPTERS := libssl-dev libnghttp2-dev
PKGS_SCHEMA := python3 python3-jsonschema
# Real consumers of the reports, for the renderer and integration tests: xmllint validates the JUnit XML against
# reports/schema/junit-*.xsd, python3-junitparser reads it, cmark-gfm and python3-markdown render the Markdown.
PKGS_REPORTS := libxml2-utils python3-junitparser cmark-gfm python3-markdown
PKGS_CHECK := $(PKGS_BUILD) $(PKGS_FUZZ) $(PKGS_PEERS) $(PKGS_PEERS_CHECK) $(PKGS_ADAPTERS) $(PKGS_SCHEMA) $(PKGS_REPORTS)

ENSURE := ./tools/ensure-packages
# Builds a preset quietly; on failure prints the whole build log.
QUIET_BUILD := ./tools/build-preset
ALPNCHECK := build/dev/harness/cli/alpncheck

help:
	@echo "alpncheck - ALPN conformance suite"
	@echo "  make demo      install, build, and run alpncheck on embedded samples and real servers and clients on loopback"
	@echo "  make check     install, build, and run the whole test suite (gcc -Werror and ASan+UBSan builds)"
	@echo "  make coverage  line and branch coverage of src/ (gcovr)"
	@echo "  make bench     libalpn beside OpenSSL and nghttp2, full server runs (TCP, QUIC), fuzzing rates; reports/bench.md"
	@echo "  make fuzz      libFuzzer then AFL++ on every target, FUZZ_SECONDS each (see mk/fuzz.mk)"
	@echo "  make docs      regenerate docs/CHECKS.md from the check catalogue (harness/checks/catalogue.c)"
	@echo "  make readme    regenerate the help texts quoted in README.md from the binary"
	@echo "  make install   build the release preset and install it into PREFIX (default /usr/local), DESTDIR honoured"
	@echo "  make deb       Debian packages alpncheck, libalpn0, libalpn-dev in build/deb/ (lintian: no errors)"
	@echo "  make deb-check  make deb, unpack the packages and run the extracted alpncheck and libalpn"
	@echo "  make format    clang-format every C file in place"
	@echo "  make clean     remove build/"

build/dev/.built: FORCE
	@$(ENSURE) $(PKGS_BUILD)
	@cmake --preset dev >/dev/null
	@$(QUIET_BUILD) dev
	@touch $@

build/asan/.built: FORCE
	@$(ENSURE) $(PKGS_BUILD)
	@cmake --preset asan >/dev/null
	@$(QUIET_BUILD) asan
	@touch $@

.PHONY: FORCE
FORCE:

all: build/dev/.built

demo: build/dev/.built
	@$(ENSURE) $(PKGS_PEERS) $(PKGS_SCHEMA)
	@./harness/demo.sh $(ALPNCHECK)

# The whole suite: unit and integration tests in the -Werror build, again under ASan+UBSan, then whatever the
# included fragments add to CHECK_EXTRA (fuzz smoke, vector checks, ...).
check: deps-check build/dev/.built build/asan/.built
	@echo "== tests (gcc -Werror build)"
	@ctest --preset dev
	@echo "== tests (ASan + UBSan build)"
	@ctest --preset asan
	@$(MAKE) --no-print-directory $(CHECK_EXTRA) check-summary

deps-check:
	@$(ENSURE) $(PKGS_CHECK)

check-summary:
	@echo "make check: all stages passed"

coverage:
	@$(ENSURE) $(PKGS_BUILD) $(PKGS_COVERAGE) $(PKGS_REPORTS)
	@rm -rf build/coverage/src && find build/coverage -name '*.gcda' -delete 2>/dev/null || true
	@cmake --preset coverage >/dev/null
	@cmake --build --preset coverage
	@ctest --preset coverage
	@$(MAKE) --no-print-directory $(COVERAGE_EXTRA) coverage-report

coverage-report:
	@mkdir -p build/coverage/report
	@gcovr --root . --filter 'src/' --object-directory build/coverage --exclude-unreachable-branches \
	  --exclude-throw-branches --branches --print-summary --html-details build/coverage/report/index.html \
	  --txt build/coverage/report/branches.txt
	@cat build/coverage/report/branches.txt
	@echo "HTML report: build/coverage/report/index.html"

# Benchmarks: numbers go to reports/bench.md with the machine and versions they were measured on.
bench: build/dev/.built
	@$(ENSURE) $(PKGS_BUILD) $(PKGS_ADAPTERS)
	@cmake --preset dev >/dev/null && $(QUIET_BUILD) dev
	@$(ENSURE) $(PKGS_PEERS) $(PKGS_SCHEMA) $(PKGS_FUZZ) ngtcp2-server ngtcp2-client
	@$(ENSURE) $(MATRIX_PKGS)
	@{ build/dev/harness/bench/alpnbench && ./harness/bench/server_run.sh $(ALPNCHECK) && \
	   ./harness/bench/server_run.sh $(ALPNCHECK) 20 quic && ./harness/bench/client_run.sh $(ALPNCHECK) 10 && \
	   ./harness/bench/fuzz_rate.sh && ./harness/matrix/bench.sh $(ALPNCHECK) && ./tools/machine-info; } \
	  > reports/bench.md.tmp
	@mv reports/bench.md.tmp reports/bench.md
	@cat reports/bench.md

# README's quoted help texts (<!-- help: alpncheck ARGS --> blocks) regenerated from the binary; make check fails
# when they are stale.
readme: build/dev/.built
	@$(ENSURE) python3
	@./tools/readme-help $(ALPNCHECK) README.md

format:
	@$(ENSURE) clang-format
	@find src harness tests vectors -name '*.[ch]' -print0 | xargs -0 clang-format -i

clean:
	rm -rf build

-include mk/*.mk
