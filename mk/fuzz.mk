# Fuzzing (issue 4): libFuzzer and AFL++ over the targets in harness/fuzz/, the corpus in corpus/.
#   make fuzz          both engines, FUZZ_SECONDS per target each (default 60), progress shown
#   make fuzz-smoke    libFuzzer + ASan + UBSan, FUZZ_SMOKE_SECONDS per target; zero findings, negative target caught
#   make fuzz-ossfuzz  runs .clusterfuzzlite/build.sh with OSS-Fuzz's environment and checks what it leaves in $OUT
#   make fuzz-merge    adds what the grown corpora cover beyond the seeds to corpus/<target>.in (named by SHA-256)
#   make fuzz-campaign HOURS=N   N hours over every target on FUZZ_JOBS cores, niced; merges, records, reports
#   make fuzz-throughput         exec/s of every target (FUZZ_SECONDS each, inputs cut at FUZZ_MAX_LEN if set)
# make check runs fuzz-smoke and fuzz-ossfuzz (CHECK_EXTRA); make coverage replays the corpus (COVERAGE_EXTRA).
# The replay targets themselves are ctests labelled `fuzz` in the dev and asan builds.
.PHONY: fuzz fuzz-smoke fuzz-libfuzzer fuzz-afl fuzz-ossfuzz fuzz-merge fuzz-build-libfuzzer fuzz-build-afl \
	coverage-fuzz-corpus fuzz-campaign fuzz-throughput

FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 6
FUZZ_JOBS ?= 2
# Build trees and the working directory (grown corpora, findings, logs); the seeds in corpus/ are never written.
FUZZ_LIBFUZZER_BUILD ?= build/libfuzzer
FUZZ_AFL_BUILD ?= build/afl
FUZZ_WORK ?= build/fuzz
FUZZ_COVERAGE_BUILD ?= build/coverage
FUZZ_RUN := ./harness/fuzz/run.sh

# Configure needs the project's build dependencies; the engines and the differential target need these.
FUZZ_PKGS_BUILD := cmake make gcc pkg-config libgnutls28-dev nettle-dev libgmp-dev libjansson-dev
FUZZ_PKGS_LIBFUZZER := clang libclang-rt-14-dev libssl-dev libnghttp2-dev
FUZZ_PKGS_AFL := afl++ libssl-dev libnghttp2-dev
FUZZ_PKGS_OSSFUZZ := clang libclang-rt-14-dev libssl-dev libnghttp2-dev zip unzip

CHECK_EXTRA += fuzz-smoke fuzz-ossfuzz
COVERAGE_EXTRA += coverage-fuzz-corpus

# configure-and-build PRESET DIR: only the fuzz targets, quietly; the whole log on failure.
define fuzz_build
	@mkdir -p $(2)
	@cmake --preset $(1) -B $(2) >$(2)/fuzz-configure.log 2>&1 || { cat $(2)/fuzz-configure.log; exit 1; }
	@cmake --build $(2) --target fuzz-targets -j$(FUZZ_JOBS) >$(2)/fuzz-build.log 2>&1 || \
	  { cat $(2)/fuzz-build.log; echo "fuzz: build in $(2) failed" >&2; exit 1; }
	@echo "built fuzz targets in $(2): $$(cat $(2)/harness/fuzz/targets.txt $(2)/harness/fuzz/negative.txt | tr '\n' ' ')"
endef

fuzz-build-libfuzzer:
	@$(ENSURE) $(FUZZ_PKGS_BUILD) $(FUZZ_PKGS_LIBFUZZER)
	$(call fuzz_build,libfuzzer,$(FUZZ_LIBFUZZER_BUILD))

# AFL++ with AddressSanitizer in the instrumented binaries (AFL_USE_ASAN), so that over-reads are findings here too.
fuzz-build-afl:
	@$(ENSURE) $(FUZZ_PKGS_BUILD) $(FUZZ_PKGS_AFL)
	@mkdir -p $(FUZZ_AFL_BUILD)
	@AFL_USE_ASAN=1 AFL_QUIET=1 cmake --preset afl -B $(FUZZ_AFL_BUILD) \
	  >$(FUZZ_AFL_BUILD)/fuzz-configure.log 2>&1 || { cat $(FUZZ_AFL_BUILD)/fuzz-configure.log; exit 1; }
	@AFL_USE_ASAN=1 AFL_QUIET=1 cmake --build $(FUZZ_AFL_BUILD) --target fuzz-targets -j$(FUZZ_JOBS) \
	  >$(FUZZ_AFL_BUILD)/fuzz-build.log 2>&1 || { cat $(FUZZ_AFL_BUILD)/fuzz-build.log; exit 1; }
	@echo "built AFL++ fuzz targets in $(FUZZ_AFL_BUILD)"

fuzz-libfuzzer: fuzz-build-libfuzzer
	@$(FUZZ_RUN) libfuzzer $(FUZZ_LIBFUZZER_BUILD) $(FUZZ_SECONDS) $(FUZZ_WORK)

fuzz-afl: fuzz-build-afl
	@$(FUZZ_RUN) afl $(FUZZ_AFL_BUILD) $(FUZZ_SECONDS) $(FUZZ_WORK)

# Both engines; the second runs even when the first found something, and the target fails if either did.
fuzz:
	@st=0; $(MAKE) --no-print-directory fuzz-libfuzzer || st=1; \
	  $(MAKE) --no-print-directory fuzz-afl || st=1; exit $$st

# A smoke run that could not run is a failure, never a skip: make check must not pass without it.
fuzz-smoke:
	@$(ENSURE) $(FUZZ_PKGS_BUILD) $(FUZZ_PKGS_LIBFUZZER)
	@command -v clang >/dev/null 2>&1 || \
	  { echo "fuzz-smoke: FAILED: clang is not installed (packages: $(FUZZ_PKGS_LIBFUZZER))" >&2; exit 1; }
	@$(MAKE) --no-print-directory fuzz-build-libfuzzer
	@$(FUZZ_RUN) smoke $(FUZZ_LIBFUZZER_BUILD) $(FUZZ_SMOKE_SECONDS) $(FUZZ_WORK)/smoke

fuzz-ossfuzz:
	@$(ENSURE) $(FUZZ_PKGS_BUILD) $(FUZZ_PKGS_OSSFUZZ)
	@echo "== OSS-Fuzz build script (.clusterfuzzlite/build.sh) with OSS-Fuzz's environment"
	@./tests/fuzz_ossfuzz_build.sh

fuzz-merge: fuzz-build-libfuzzer
	@$(FUZZ_RUN) merge $(FUZZ_LIBFUZZER_BUILD) 0 $(FUZZ_WORK)

# make coverage: the corpus (seeds, reproducers, and what make fuzz grew in $(FUZZ_WORK)) through the replay binaries
# of build/coverage, before the report. The negative target touches no library code and is left out.
coverage-fuzz-corpus:
	@echo "== fuzz corpus replay ($(FUZZ_COVERAGE_BUILD))"
	@for t in $$(cat $(FUZZ_COVERAGE_BUILD)/harness/fuzz/targets.txt); do \
	  printf '  %-20s ' $$t; \
	  $(FUZZ_COVERAGE_BUILD)/harness/fuzz/$$t corpus/$$t.in corpus/$$t.repro $(FUZZ_WORK)/corpus/$$t \
	    $(FUZZ_WORK)/smoke/corpus/$$t || exit 1; \
	done

# A campaign (harness/fuzz/campaign.py): HOURS of wall time, the most to the targets with the fewest CPU-hours so far, libFuzzer -fork=FUZZ_JOBS
# (ASan + UBSan); coverage of src/ and harness/wire/ after every round from a gcc --coverage replay build; the grown
# corpora merged back into corpus/ (minimised); the result appended to reports/fuzzing.json and reports/fuzzing.md.
# Everything runs under nice -n 19, so it takes only idle CPU. Ctrl-C (or SIGTERM) stops it and keeps the partial
# record. Fails when a target found something (WORK/findings/<target>/).
HOURS ?= 1
FUZZ_CAMPAIGN_WORK ?= $(FUZZ_WORK)/campaign
# Build trees of its own: a campaign runs for hours, and fork mode starts the binaries again for every job, so a
# rebuild of build/libfuzzer meanwhile (make fuzz, make check) must not swap them under it.
FUZZ_CAMPAIGN_BUILD ?= build/fuzz-campaign
FUZZ_CAMPAIGN_COVERAGE_BUILD ?= build/fuzz-coverage
# Where the record goes (a test run can point these elsewhere and add FUZZ_CAMPAIGN_FLAGS=--no-merge).
FUZZ_CAMPAIGN_RECORD ?= reports/fuzzing.json
FUZZ_CAMPAIGN_REPORT ?= reports/fuzzing.md
FUZZ_CAMPAIGN_FLAGS ?=
# The coverage tree configures the whole project, whose CMakeLists needs Criterion too (a fresh machine had none).
FUZZ_PKGS_CAMPAIGN := python3 gcovr libcriterion-dev

fuzz-campaign:
	@$(ENSURE) $(FUZZ_PKGS_BUILD) $(FUZZ_PKGS_LIBFUZZER) $(FUZZ_PKGS_CAMPAIGN)
	@nice -n 19 $(MAKE) --no-print-directory fuzz-build-libfuzzer FUZZ_LIBFUZZER_BUILD=$(FUZZ_CAMPAIGN_BUILD)
	@# A fresh coverage tree each time: objects and .gcno files of sources since renamed or moved stay behind in an
	@# incremental build, and gcovr's merge of their stale line numbers with the new ones fails (campaign 3).
	@rm -rf $(FUZZ_CAMPAIGN_COVERAGE_BUILD) && mkdir -p $(FUZZ_CAMPAIGN_COVERAGE_BUILD)
	@nice -n 19 cmake --preset coverage -B $(FUZZ_CAMPAIGN_COVERAGE_BUILD) \
	  >$(FUZZ_CAMPAIGN_COVERAGE_BUILD)/fuzz-configure.log 2>&1 || \
	  { cat $(FUZZ_CAMPAIGN_COVERAGE_BUILD)/fuzz-configure.log; exit 1; }
	@nice -n 19 cmake --build $(FUZZ_CAMPAIGN_COVERAGE_BUILD) --target fuzz-targets -j$(FUZZ_JOBS) \
	  >$(FUZZ_CAMPAIGN_COVERAGE_BUILD)/fuzz-build.log 2>&1 || \
	  { cat $(FUZZ_CAMPAIGN_COVERAGE_BUILD)/fuzz-build.log; exit 1; }
	@nice -n 19 /usr/bin/python3 harness/fuzz/campaign.py --hours $(HOURS) --jobs $(FUZZ_JOBS) \
	  --build $(FUZZ_CAMPAIGN_BUILD) --coverage-build $(FUZZ_CAMPAIGN_COVERAGE_BUILD) --work $(FUZZ_CAMPAIGN_WORK) \
	  --record $(FUZZ_CAMPAIGN_RECORD) --report $(FUZZ_CAMPAIGN_REPORT) $(FUZZ_CAMPAIGN_FLAGS)

# exec/s of every target (per CPU-second of the process, and per wall second), FUZZ_SECONDS each from a scratch copy
# of its seeds, inputs cut at FUZZ_MAX_LEN when set (else the target's .options). Records nothing.
FUZZ_MAX_LEN ?=
fuzz-throughput: fuzz-build-libfuzzer
	@/usr/bin/python3 harness/fuzz/campaign.py --throughput --seconds $(FUZZ_SECONDS) --build $(FUZZ_LIBFUZZER_BUILD) \
	  --work $(FUZZ_WORK) --max-len "$(FUZZ_MAX_LEN)"
