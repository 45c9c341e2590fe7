GO ?= go
BIN := bin/manifold
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
COMMIT ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null)
LDFLAGS := -X github.com/manifold-dev/manifold/internal/version.version=$(VERSION) -X github.com/manifold-dev/manifold/internal/version.commit=$(COMMIT)
PKGS := ./...
FUZZTIME ?= 30s

.PHONY: build test vet lint bench load demo fuzz mutate screenshots clean

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/manifold

vet:
	$(GO) vet $(PKGS)
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { gofmt -l .; echo 'gofmt: run gofmt -w on the files above'; exit 1; }

lint: vet
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 $(PKGS)

# test: vet, then every test with the race detector on.
test: vet
	$(GO) test -race -count=1 -timeout 20m $(PKGS)

bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

# load: 50 concurrent tag listings of 10,000 tags each against an in-process
# registry; prints peak memory and the time to the first and last page.
load:
	MANIFOLD_LOAD=1 $(GO) test -run 'TestLoad' -count=1 -v ./registry/

demo: build
	./$(BIN) demo

fuzz:
	./scripts/fuzz.sh $(FUZZTIME)

# mutate: the hand-made mutations of scripts/mutations.txt, one at a time,
# against the tests of the package they belong to; prints the score per
# package and the survivors. Not run in CI (minutes, not seconds).
#   make mutate MUTATE_PKGS=registry,internal/stagestore
#   make mutate MUTATE_ARGS='-only auth-host-scope -v'
mutate:
	$(GO) run ./scripts/mutate $(if $(MUTATE_PKGS),-pkg $(MUTATE_PKGS)) $(MUTATE_ARGS)

screenshots: build
	./scripts/screenshots.sh

clean:
	rm -rf bin
