# Test vectors against real implementations (issue 3): the adapters of harness/adapters/ over every vector file.
#   make vectors-adapters   builds alpncheck and the adapters, runs `alpncheck vectors --exec` with each, and writes
#                           reports/vectors/<adapter>.json (the --json summary) and reports/vectors/<adapter>.md
# VECTORS_DIR picks another directory of vector files (default: vectors/ of this tree).
.PHONY: vectors-adapters

VECRUN_ADAPTERS := openssl nghttp2
VECRUN_OUT := reports/vectors
VECTORS_DIR ?= $(CURDIR)/vectors

vectors-adapters:
	@$(ENSURE) $(PKGS_BUILD) $(PKGS_ADAPTERS) python3
	@cmake --preset dev >/dev/null
	@$(QUIET_BUILD) dev
	@mkdir -p $(VECRUN_OUT)
	@for a in $(VECRUN_ADAPTERS); do \
	  bin=build/dev/harness/adapters/alpn-adapter-$$a; \
	  [ -x $$bin ] || { echo "vectors-adapters: $$bin was not built (pkg-config did not find its library)" >&2; \
	    exit 2; }; \
	  echo "== $$a"; \
	  ALPNCHECK_VECTORS_DIR=$(VECTORS_DIR) $(ALPNCHECK) vectors --quiet --exec $$bin \
	    --json $(VECRUN_OUT)/$$a.json.tmp; st=$$?; \
	  [ $$st -le 1 ] || { rm -f $(VECRUN_OUT)/$$a.json.tmp; exit $$st; }; \
	  mv $(VECRUN_OUT)/$$a.json.tmp $(VECRUN_OUT)/$$a.json; \
	  python3 harness/vectors/report_md.py $(VECRUN_OUT)/$$a.json > $(VECRUN_OUT)/$$a.md || exit 1; \
	done
	@echo "vectors-adapters: $(foreach a,$(VECRUN_ADAPTERS),$(VECRUN_OUT)/$(a).md)"
