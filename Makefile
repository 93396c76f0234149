# dirclust — build, test, reproduce.
# `make reproduce` and `make test` are all the set-up a fresh Debian 12 machine needs.

SWIFT       ?= swift
# One configuration for everything (tests run optimised: the numeric tests are heavy in debug).
SWIFT_FLAGS ?= -c release -Xswiftc -enable-testing
BIN          = $(shell $(SWIFT) build $(SWIFT_FLAGS) --show-bin-path)/dirclust
APT_PACKAGES = libsndfile1-dev libfftw3-dev libfluidsynth-dev fluid-soundfont-gm timgm6mb-soundfont pkg-config

.PHONY: deps build test clean

## deps: install the system libraries and SoundFonts (skips what is already installed)
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "deps: all present"; fi

## build: the dirclust command (release)
build:
	$(SWIFT) build $(SWIFT_FLAGS) --product dirclust

## test: unit, property and golden-vector tests, then the SDR regression of configs/ci.json against results/ci/
test: deps
	$(SWIFT) build $(SWIFT_FLAGS) --build-tests
	$(SWIFT) test $(SWIFT_FLAGS) --skip-build
	$(BIN) run --config configs/ci.json --out $(CI_RUN) --fresh --quiet
	$(BIN) compare --baseline results/ci/trials.csv --candidate $(CI_RUN)/trials.csv --tolerance 0.05

clean:
	rm -rf .build

.PHONY: bench bench-grid
## bench: throughput of STFT, clusterers, BSS Eval and NMF, with ratios to the Python references when installed,
##        then bench-grid (`dirclust-bench clustering [N] [iterations] [methods…]` times the clusterers alone)
bench: build
	$(SWIFT) run $(SWIFT_FLAGS) dirclust-bench
	$(MAKE) --no-print-directory bench-grid

BENCH_GRID = .build/bench-grid
# The grid issue 14 measures: configs/paper.json as it was before the statistics design (6 chorales, 2 conditions,
# 1 seed, 1 start = 48 scenes, 240 fits), so the figure stays comparable across versions.
BENCH_GRID_SET = --set 'pieces=["bwv66.6","bwv267","bwv347","bwv4.8","bwv40.8","bwv65.7"]' --set 'seeds=[1]' \
  --set em.restarts=1 --set 'conditions=[{"name":"overK","noise":false},{"name":"noise","noise":true,"snrDb":[0]}]' \
  --set report.demoPieces=0
## bench-grid: wall time of the issue-14 grid (configs/paper.json with 6 chorales, 2 conditions, 1 seed, 1 start:
##             48 scenes, --jobs 2, fresh) and its fit share
bench-grid: build
	@start=$$(date +%s.%N); $(BIN) run --config configs/paper.json $(BENCH_GRID_SET) --out $(BENCH_GRID) --jobs 2 --fresh --quiet || exit 1; \
	end=$$(date +%s.%N); \
	awk -F, -v wall="$$(awk "BEGIN { print $$end - $$start }")" 'NR == 1 { for (i = 1; i <= NF; i++) if ($$i == "fit_seconds") c = i; next } \
	  $$c != "" { fit += $$c; n++ } END { printf "paper grid  %.1f s wall (--jobs 2; load average %s at the end), %d fits, %.1f s fit in total\n", wall, "'"$$(cut -d' ' -f1 /proc/loadavg)"'", n, fit }' \
	  $(BENCH_GRID)/trials.csv

CI_RUN = .build/ci-run
.PHONY: reproduce reproduce-sweeps baseline
## reproduce: run configs/paper.json into results/ (trials.csv, summary.md/csv, pairs.md/csv, figure.svg, provenance.json, report.html,
##            demo/; ≈ 6.5 min on 2 idle cores) and configs/hybrid.json, the NMF stages, into results/hybrid/ (≈ 1 min)
reproduce: deps build
	$(BIN) reproduce
	$(BIN) run --config configs/hybrid.json --out results/hybrid --fresh

SWEEPS = snr weighting k angle
## reproduce-sweeps: run configs/sweeps/{snr,weighting,k,angle}.json into results/sweeps/ (≈ 5 min on 2 idle cores)
reproduce-sweeps: deps build
	for s in $(SWEEPS); do $(BIN) run --config configs/sweeps/$$s.json --out results/sweeps/$$s --fresh || exit 1; done

## baseline: regenerate the CI regression baseline results/ci/ from configs/ci.json (commit it, saying why)
baseline: deps build
	$(BIN) run --config configs/ci.json --out results/ci --fresh --quiet

.PHONY: report-check
## report-check: open results/report.html and results/hybrid/report.html in headless Chromium (apt-installed if missing): screenshot docs/report.png, every <audio> must report a duration > 0
report-check:
	scripts/report_check.sh results/report.html docs/report.png
	REPORT_CHECK_WIDTH=1760 scripts/report_check.sh results/hybrid/report.html docs/report-hybrid.png

SLURM_PACKAGES = slurmctld slurmd slurm-client munge
.PHONY: slurm-check
## slurm-check: run configs/sweeps/slurm-check.json under a one-node SLURM started here (apt-installed if missing;
##              needs root, ≈ 3 min on 2 cores): job array via scripts/slurm/submit.sh, one task cancelled and
##              requeued, dependent merge, merged trials.csv = unsharded run's. Not part of make test.
slurm-check: deps build
	@$(MAKE) --no-print-directory deps APT_PACKAGES="$(SLURM_PACKAGES)"
	DIRCLUST=$(BIN) scripts/slurm/check.sh
