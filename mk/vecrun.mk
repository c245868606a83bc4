# Test vectors against real implementations (issue 3, issue 18): the adapters of harness/adapters/ over every vector
# file.
#   make vectors-adapters   builds alpncheck and the adapters, runs `alpncheck vectors --exec` with each, and writes
#                           reports/vectors/<adapter>.json (the --json summary) and reports/vectors/<adapter>.md
# VECTORS_DIR picks another directory of vector files (default: vectors/ of this tree).
# Compiled adapters (build/dev/harness/adapters/alpn-adapter-NAME): OpenSSL and nghttp2 (ALPN selection). Script
# adapters (harness/adapters/alpn-adapter-NAME.py): dnspython, BIND 9 and ldns (SVCB alpn), curl (Alt-Svc).
.PHONY: vectors-adapters

VECRUN_ADAPTERS := openssl nghttp2
VECRUN_SCRIPTS := dnspython bind9 ldns curl
VECRUN_OUT := reports/vectors
VECTORS_DIR ?= $(CURDIR)/vectors
# What the script adapters run (and the ctest integration_vec_adapters with them).
PKGS_VECRUN := python3 python3-dnspython bind9-utils ldnsutils curl openssl
PKGS_CHECK += $(PKGS_VECRUN)

vectors-adapters:
	@$(ENSURE) $(PKGS_BUILD) $(PKGS_ADAPTERS) $(PKGS_VECRUN)
	@cmake --preset dev >/dev/null
	@$(QUIET_BUILD) dev
	@mkdir -p $(VECRUN_OUT)
	@for a in $(VECRUN_ADAPTERS) $(VECRUN_SCRIPTS); do \
	  bin=build/dev/harness/adapters/alpn-adapter-$$a; \
	  case " $(VECRUN_SCRIPTS) " in *" $$a "*) bin=harness/adapters/alpn-adapter-$$a.py;; esac; \
	  [ -x $$bin ] || { echo "vectors-adapters: $$bin was not built (pkg-config did not find its library)" >&2; \
	    exit 2; }; \
	  echo "== $$a"; \
	  ALPNCHECK_VECTORS_DIR=$(VECTORS_DIR) $(ALPNCHECK) vectors --quiet --exec $$bin \
	    --json $(VECRUN_OUT)/$$a.json.tmp 2>$(VECRUN_OUT)/$$a.log.tmp; st=$$?; \
	  [ $$st -le 1 ] || { tail -n 5 $(VECRUN_OUT)/$$a.log.tmp >&2; rm -f $(VECRUN_OUT)/$$a.json.tmp \
	    $(VECRUN_OUT)/$$a.log.tmp; exit $$st; }; \
	  rm -f $(VECRUN_OUT)/$$a.log.tmp; \
	  mv $(VECRUN_OUT)/$$a.json.tmp $(VECRUN_OUT)/$$a.json; \
	  /usr/bin/python3 harness/vectors/report_md.py $(VECRUN_OUT)/$$a.json > $(VECRUN_OUT)/$$a.md || exit 1; \
	done
	@echo "vectors-adapters: $(foreach a,$(VECRUN_ADAPTERS) $(VECRUN_SCRIPTS),$(VECRUN_OUT)/$(a).md)"
