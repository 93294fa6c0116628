# ocopfair: `make run` starts the whole system locally, `make test` runs every test.
# Needs only Go (see go.work for the version); modules come from the Go module proxy.

GO       ?= go
MODULES  := pkg dev services/event services/exhibitor services/gateway services/matchmaking deploy
SERVICES := gateway event exhibitor matchmaking
BIN      := $(CURDIR)/bin
DATA     := $(CURDIR)/data
# Test timeouts are generous for a 2-core machine running with -race.
TESTFLAGS ?= -race -timeout 20m
# axe-core, the accessibility engine the browser tests run inside each console view (from the npm
# registry, checked against its SHA-256).
AXE_VERSION := 4.10.3
AXE_SHA256  := 0f2b4d7dcdf7d1219df8d1959ad68e565f51d14c3f0d88bb71cd59abeb956292
AXE         := $(CURDIR)/.cache/axe-core-$(AXE_VERSION)/package/axe.min.js

.PHONY: all build run api-client test test-gowork-off vet fmt-check tidy-check bench bench-go bench-http clean clean-data deps chromium axe

all: build

deps:
	@for m in $(MODULES); do (cd $$m && $(GO) mod download) || exit 1; done

build:
	@mkdir -p $(BIN)
	@for s in $(SERVICES); do \
		echo "build bin/$$s"; \
		(cd services/$$s && $(GO) build -o $(BIN)/$$s .) || exit 1; \
	done
	@echo "build bin/ocopfair-local bin/ocopfair-nats bin/ocopfair-ferretdb bin/ocopfair-schedule"
	@cd dev && $(GO) build -o $(BIN)/ocopfair-local ./cmd/ocopfair-local
	@cd dev && $(GO) build -o $(BIN)/ocopfair-nats ./cmd/ocopfair-nats
	@cd dev && $(GO) build -o $(BIN)/ocopfair-ferretdb ./cmd/ocopfair-ferretdb
	@cd services/matchmaking && $(GO) build -o $(BIN)/ocopfair-schedule ./cmd/ocopfair-schedule

run: build
	@$(BIN)/ocopfair-local -bin $(BIN) -data $(DATA)

# The Go client in dev/apiclient, generated with oapi-codegen from the gateway's merged OpenAPI
# document of a system started from the built binaries (the test in dev/apiclient fails when the
# committed client is stale).
api-client: build
	@cd dev && $(GO) run ./cmd/ocopfair-apiclient -bin $(BIN) -out apiclient

clean-data:
	rm -rf $(DATA)

clean:
	rm -rf $(BIN) testoutput

vet:
	@for m in $(MODULES); do (cd $$m && $(GO) vet ./...) || exit 1; done

tidy-check:
	@for m in $(MODULES); do (cd $$m && GOWORK=off $(GO) mod tidy -diff) || { echo "go.mod of $$m is not tidy: run (cd $$m && GOWORK=off go mod tidy)"; exit 1; }; done

fmt-check:
	@out=$$(gofmt -l $(MODULES)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# Unit and integration tests of every module with the workspace (go.work), then again with
# GOWORK=off so that each module also builds and tests on its own.
# The browser tests drive Debian's Chromium; install it when it is missing (as root, as CI runs).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Debian's chromium for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core) >/dev/null \
		|| { echo "could not install chromium: apt-get install chromium"; exit 1; }; }

axe:
	@test -f $(AXE) || { \
		echo "fetching axe-core $(AXE_VERSION) for the accessibility checks"; \
		mkdir -p .cache && cd .cache && rm -f axe-core-$(AXE_VERSION).tgz && \
		npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && \
		echo "$(AXE_SHA256)  axe-core-$(AXE_VERSION).tgz" | sha256sum -c --quiet - && \
		mkdir -p axe-core-$(AXE_VERSION) && tar -xzf axe-core-$(AXE_VERSION).tgz -C axe-core-$(AXE_VERSION) && \
		rm -f axe-core-$(AXE_VERSION).tgz; } || { echo "could not fetch axe-core $(AXE_VERSION) (npm pack axe-core@$(AXE_VERSION))"; exit 1; }

test: fmt-check tidy-check vet build chromium axe
	@mkdir -p testoutput
	@for m in $(MODULES); do \
		echo "== go test $$m (go.work)"; \
		(cd $$m && OCOPFAIR_BIN_DIR=$(BIN) OCOPFAIR_AXE=$(AXE) OCOPFAIR_TEST_OUTPUT=$(CURDIR)/testoutput $(GO) test $(TESTFLAGS) ./...) || exit 1; \
	done
	@$(MAKE) --no-print-directory test-gowork-off

test-gowork-off:
	@for m in $(MODULES); do \
		echo "== go test $$m (GOWORK=off)"; \
		(cd $$m && GOWORK=off OCOPFAIR_BIN_DIR=$(BIN) OCOPFAIR_AXE=$(AXE) OCOPFAIR_TEST_OUTPUT=$(CURDIR)/testoutput $(GO) test $(TESTFLAGS) ./...) || exit 1; \
	done

# Benchmarks with the figures the issues ask for: booth allocation (time, rule violations), ranked
# matching over 20,000 products (p50/p99), B2B scheduling per instance beside first fit,
# end-to-end event throughput and latency on one NATS node against a 3-node cluster, and last the
# HTTP section (bench-http: the hot reads through the gateway on the real local stack).
bench: bench-go bench-http

bench-go:
	@cd services/event && $(GO) test -run '^$$' -bench 'Allocate' -benchtime 20x ./internal/allocation/ | grep -E '^Benchmark|^ok'
	@cd services/matchmaking && $(GO) test -run '^$$' -bench 'Match' -benchtime 300x ./internal/match/ | grep -E '^Benchmark|^ok'
	@cd services/matchmaking && $(GO) test -run '^$$' -bench 'Opportunities' -benchtime 300x ./internal/buyer/ | grep -E '^Benchmark|^ok'
	@cd services/matchmaking && $(GO) test -run '^$$' -bench 'Schedule' -benchtime 1x -timeout 30m ./internal/schedule/ | grep -E '^Benchmark|^ok'
	@cd services/matchmaking && $(GO) test -run '^$$' -bench 'HTTP' -benchtime 200x ./internal/matchmakingapp/ | grep -E '^Benchmark|^ok'
	@cd services/matchmaking && $(GO) test -run '^$$' -bench 'StartFromSnapshot' -benchtime 5x ./internal/index/ | grep -E '^Benchmark|^ok'
	@cd pkg && $(GO) test -run '^$$' -bench 'Propagation' -benchtime 3x ./bus/ | grep -E '^Benchmark|^ok' 

# HTTP reads through the gateway: the real local stack on loopback, demo data plus generated
# producers, products and a 500-booth fair, each hot read at a constant rate (open loop), writes
# alongside, write-to-visible staleness and each service's RSS. BENCHFLAGS=-short is a smoke test
# of a few minutes; see `bin/ocopfair-bench -h` for the sizes and rates.
BENCHFLAGS ?=
bench-http: build
	@cd dev && $(GO) build -o $(BIN)/ocopfair-bench ./cmd/ocopfair-bench
	@$(BIN)/ocopfair-bench -bin $(BIN) $(BENCHFLAGS)
