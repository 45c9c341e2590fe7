GO ?= go
BIN := bin/manifold
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
COMMIT ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null)
# -s -w: no symbol table and no DWARF (what goreleaser does by default):
# 20.4 MB instead of 28.7 MB; stack traces and `go version -m` still work,
# a debugger does not (build with plain `go build` for one).
LDFLAGS := -s -w -X github.com/manifold-dev/manifold/internal/version.version=$(VERSION) -X github.com/manifold-dev/manifold/internal/version.commit=$(COMMIT)
PKGS := ./...
FUZZTIME ?= 30s

# Release targets: the binaries of `make release`, and the platforms of the
# OCI image of manifold that `make release-image` assembles with manifold.
RELEASE_PLATFORMS := linux/amd64 linux/arm64 linux/arm/v7 darwin/arm64 windows/amd64
CROSS_PLATFORMS := windows/amd64 darwin/arm64 linux/arm64 linux/arm/v7
IMAGE_PLATFORMS := linux-amd64 linux-arm64 linux-arm-v7
DIST := dist

.PHONY: build install test test-windows vet lint bench load demo fuzz mutate screenshots clean cross release release-image

# build: the binary release builds (static: no cgo, like make release;
# that also spares every start the dynamic loader, ~0.5 ms of a 5 ms --help).
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/manifold

# install: the same build, into $(go env GOBIN) or $(go env GOPATH)/bin.
install:
	CGO_ENABLED=0 $(GO) install -trimpath -ldflags "$(LDFLAGS)" ./cmd/manifold

vet:
	$(GO) vet $(PKGS)
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { gofmt -l .; echo 'gofmt: run gofmt -w on the files above'; exit 1; }

lint: vet
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 $(PKGS)

# test: vet, then every test with the race detector on.
test: vet
	$(GO) test -race -count=1 -timeout 20m $(PKGS)

# test-windows: every package's tests, built for windows/amd64 and run
# under Wine (needs wine64 and binutils-mingw-w64-x86-64; see the script).
# TEST_WINDOWS_RUN=REGEXP runs only those tests; TEST_WINDOWS_V=1 logs all;
# TEST_WINDOWS_TIMEOUT (8m) a package; TEST_WINDOWS_RETRY=0 no second run.
test-windows:
	./scripts/wine/test.sh $(if $(filter-out ./...,$(PKGS)),$(PKGS))

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

# cross: build and go vet for every platform CI promises (no cgo anywhere).
cross:
	@for p in $(CROSS_PLATFORMS); do \
		os=$${p%%/*}; rest=$${p#*/}; arch=$${rest%%/*}; arm=; \
		case $$rest in */v*) arm=$${rest##*/v};; esac; \
		echo "cross: $$p"; \
		GOOS=$$os GOARCH=$$arch GOARM=$$arm CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/manifold || exit 1; \
		GOOS=$$os GOARCH=$$arch GOARM=$$arm CGO_ENABLED=0 $(GO) vet $(PKGS) || exit 1; \
	done

# release: one static binary a platform, named manifold-VERSION-OS-ARCH[-VARIANT],
# and SHA256SUMS beside them.
release:
	@rm -rf $(DIST) && mkdir -p $(DIST)
	@for p in $(RELEASE_PLATFORMS); do \
		os=$${p%%/*}; rest=$${p#*/}; arch=$${rest%%/*}; arm=; suffix=$$os-$$arch; ext=; \
		case $$rest in */v*) arm=$${rest##*/v}; suffix=$$suffix-v$$arm;; esac; \
		[ $$os = windows ] && ext=.exe; \
		echo "release: $(DIST)/manifold-$(VERSION)-$$suffix$$ext"; \
		GOOS=$$os GOARCH=$$arch GOARM=$$arm CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" \
			-o $(DIST)/manifold-$(VERSION)-$$suffix$$ext ./cmd/manifold || exit 1; \
	done
	cd $(DIST) && sha256sum manifold-* > SHA256SUMS && cat SHA256SUMS

# release-image: the multi-platform OCI image of manifold, assembled and
# pushed by manifold itself: a demo registry on a free loopback port (or
# REGISTRY=host:port), one image a Linux binary (scripts/releaseimage), then
# manifold create and manifold push, then manifold resolve for each platform.
release-image: release build
	@set -e; tmp=$$(mktemp -d); trap 'kill $$pid 2>/dev/null; rm -rf $$tmp' EXIT; \
	reg="$(REGISTRY)"; \
	if [ -z "$$reg" ]; then \
		MANIFOLD_DATA_DIR=$$tmp ./$(BIN) demo --serve > $$tmp/serve.log 2>/dev/null & pid=$$!; \
		while ! grep -q 'serving at' $$tmp/serve.log 2>/dev/null; do kill -0 $$pid; sleep 0.2; done; \
		reg=$$(sed -n 's/.*serving at \([^ ]*\).*/\1/p' $$tmp/serve.log); \
	fi; \
	echo "release-image: registry $$reg"; \
	refs=$$($(GO) run ./scripts/releaseimage -repo $$reg/manifold -tag $(VERSION) \
		$(foreach p,$(IMAGE_PLATFORMS),$(DIST)/manifold-$(VERSION)-$(p))); \
	export MANIFOLD_DATA_DIR=$$tmp; \
	./$(BIN) create $$reg/manifold:$(VERSION) $$refs; \
	./$(BIN) push $$reg/manifold:$(VERSION); \
	for p in linux/amd64 linux/arm64 linux/arm/v7; do \
		echo "$$p -> $$(./$(BIN) resolve $$reg/manifold:$(VERSION) --platform $$p)"; \
	done; \
	./$(BIN) platforms $$reg/manifold:$(VERSION)

clean:
	rm -rf bin $(DIST)
