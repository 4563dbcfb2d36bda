# nordbid build and check targets. `make test` is what CI runs.
.PHONY: build test

build:
	CGO_ENABLED=0 go build -o bin/nordbid ./cmd/nordbid

test:
	bash scripts/test.sh
