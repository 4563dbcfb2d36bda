# Developer entry points. The lead may add targets; keep each one a thin
# wrapper around a script or a go command.

GO ?= go
# VERSION is what `nordbid version` prints: the commit, "-dirty" when the
# tree has changes.
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo devel)

.PHONY: build test peers bench bench-quick microbench

# build makes bin/nordbid, the binary the interface contract names: static
# (no cgo), stripped of debug data (profiles still symbolize), stamped with
# VERSION. The container image is built the same way.
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-s -w -X main.version=$(VERSION)" \
		-o bin/nordbid ./cmd/nordbid

# test runs gofmt, vet, every test and each fuzz target briefly (CI's
# command).
test:
	bash scripts/test.sh

# peers builds the reference bidders into bin/peers (see ../shared/peers).
peers:
	../shared/bench/build-peers.sh bin/peers

# bench runs the side-by-side benchmark and rewrites BENCHMARKS.md and
# bench-report.html; it takes about 30 minutes and stops by itself.
bench:
	scripts/bench.sh

# bench-quick runs every step of bench briefly, to check the setup.
bench-quick:
	BENCH_QUICK=1 BENCH_OUT=bench-out/quick scripts/bench.sh

# microbench runs the in-process Go benchmarks with allocation counts.
microbench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
