# The project's commands. Every target installs what it needs first, from
# the pinned versions in go.mod and package-lock.json, so a fresh machine
# needs nothing but Go, Node/npm and make.
#
# The pinned Node (node_modules/.bin/node, v22) goes first on PATH: the CDK
# CLI runs on it, and so does the jsii kernel that the Go app spawns as
# "node".

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := synth

export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
export CDK_DISABLE_CLI_TELEMETRY := true

GO    ?= go
CDK   := $(CURDIR)/node_modules/.bin/cdk
# SFNKIT is the sfnkit CLI, built by the cli target.
SFNKIT := .build/sfnkit
STAGE ?= dev
LOCAL_ADDR ?= 127.0.0.1:8083
EDGE_ADDR ?= 127.0.0.1:4566

.PHONY: synth cli test slow race determinism bench-smoke localapp check demo render lint deploy deploy-local up browser smoke diff bootstrap deps clean

## synth: install the tools, build, synthesize every stack into cdk.out with cdk-nag enforced, summarize
synth:
	rm -f cdk.out/*-NagReport.csv # reports of renamed stacks would linger
	@# On a fresh machine the app waits minutes for the CDK bindings to compile:
	@# npm installs the CDK CLI meanwhile (it waits on the network), and the
	@# handlers and the summary compile beside the app. Each go build downloads
	@# the modules it needs (only those: not the tests' or the linters'). cdk
	@# synth then finds the app built (cdk.json's go build links nothing new).
	$(MAKE) -s --no-print-directory node_modules/.installed & npm=$$!; \
	( $(GO) build -o .build/prebuild ./internal/gobuild/prebuild && .build/prebuild ./lambdas/cmd/... ) & handlers=$$!; \
	$(GO) build -o .build/summarize ./internal/review/summary/summarize & summarize=$$!; \
	$(GO) build -o .build/sfnkit-app . || { wait; exit 1; }; \
	wait $$npm || { wait; exit 1; }; \
	$(CDK) synth --quiet || { wait; exit 1; }; \
	wait $$handlers || true; wait $$summarize
	.build/summarize cdk.out

## cli: build the sfnkit CLI into .build/sfnkit (go build skips an up-to-date binary, where go run would link it again on every call)
cli: deps
	$(GO) build -o $(SFNKIT) ./cmd/sfnkit

## test: unit, conformance, differential (against aws-local-stepfunctions), synthesis and behaviour tests with -short (what is slow by nature is make check's); then examples/, a module of its own that uses this one as a library, synthesized with cdk-nag (the developer loop)
test: deps
	@# examples/ runs beside the module's packages, its output printed after theirs.
	@# -ldflags=-w links the test binaries without DWARF (a fifth of the link,
	@# which is much of the loop); run go test without it to debug a test.
	@# One package more than cores runs at once: several tests spend their
	@# time waiting on processes they start (the AWS CLI, sfnkit serve).
	@# GOGC=400 (unless set) has the compiler, the linker and the tests collect
	@# garbage a quarter as often: a tenth less CPU for some hundreds of MB.
	export GOGC=$${GOGC:-400}; \
	out=$$(mktemp); (cd examples && $(GO) test -short -ldflags=-w ./... >"$$out" 2>&1) & examples=$$!; \
	SFNKIT_REQUIRE_DIFFERENTIAL=1 $(GO) test -short -ldflags=-w -p $$(( $$(nproc) + 1 )) ./... || { wait $$examples; cat "$$out"; rm -f "$$out"; exit 1; }; \
	status=0; wait $$examples || status=$$?; echo "examples/:"; cat "$$out"; rm -f "$$out"; exit $$status

## slow: the tests that -short skips, slow by nature (every scenario through serve with each function a process; CDK's template validator run for real)
slow: deps
	$(GO) test -count=1 ./test/behaviour/ ./constructs/cdkapp/

## race: the engine, the local stand-ins, the handlers and the in-memory store under the race detector
race: deps
	$(GO) test -race ./asl/... ./local/... ./lambdas/... ./internal/memstore/

## determinism: synthesize twice with `cdk synth`, the second in a copy of the module with the handler builds and the Go build cache empty, and require byte-identical templates, asset hashes and renderings (minutes: it compiles every handler from scratch)
determinism: deps
	SFNKIT_DETERMINISM=1 $(GO) test -count=1 -run TestSynthesisIsByteIdentical ./test/reproducible/

## bench-smoke: every Go benchmark once (so none rots), and the thumbnail worst case at 50 megapixels in every format (bench/images.sh; installs its Debian tools with apt when missing)
bench-smoke: synth
	$(GO) test -run '^$$' -bench . -benchtime 1x ./asl/... ./lambdas/... ./local/... ./bench/...
	@command -v heif-enc >/dev/null && command -v avifenc >/dev/null && command -v cwebp >/dev/null && command -v convert-im6.q16 >/dev/null && [ -f /usr/share/backgrounds/mate/nature/LadyBird.jpg ] || \
	{ sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; $$sudo apt-get update && $$sudo apt-get install -y mate-backgrounds imagemagick webp libavif-bin libheif-examples; }
	bench/images.sh

## localapp: the whole app served as `make up` serves it, driven with the AWS CLI, signed API calls and the virtual clock, and the README's walkthrough run word for word
localapp: deps
	@python3 -c 'import awscli' 2>/dev/null || command -v aws >/dev/null || { sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; $$sudo apt-get update && $$sudo apt-get install -y awscli; }
	SFNKIT_LOCALAPP=1 $(GO) test -count=1 ./test/localapp/

## check: what CI runs: lint, test, and the checks slow by nature (slow, race, determinism, bench-smoke, demo, deploy-local, localapp, browser)
check: lint test slow race determinism bench-smoke demo deploy-local localapp browser

## demo: synthesize, then play every workflow's sample scenarios on the synthesized state machines and print each path
demo: synth cli
	$(SFNKIT) demo cdk.out

## render: synthesize, then write each workflow's readable ASL, Mermaid chart and SVG beside its code (commit them)
render: synth cli
	$(SFNKIT) render --svg cdk.out

## lint: gofmt, go vet, staticcheck and actionlint (the GitHub workflows, their scripts through shellcheck when it is installed) must be clean; the linters are pinned in tools/go.mod, so the module's users do not inherit them
lint: deps
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool -modfile=tools/go.mod staticcheck ./...
	cd examples && $(GO) vet ./... && $(GO) tool -modfile=../tools/go.mod staticcheck ./...
	@command -v shellcheck >/dev/null || echo "lint: shellcheck is not installed, so actionlint does not check the workflows' run scripts (Debian: apt-get install shellcheck)"
	$(GO) tool -modfile=tools/go.mod actionlint

## deploy: deploy every stack of STAGE (dev or prod) to the account of your AWS credentials (after `make bootstrap`)
deploy: deps
	$(CDK) deploy --all -c stage=$(STAGE) --require-approval broadening

## diff: compare every stack of STAGE with what is deployed
diff: deps
	$(CDK) diff --all -c stage=$(STAGE)

## deploy-local: synthesize, start sfnkit serve (each Lambda its own process behind a local Lambda Runtime API), create every state machine from cdk.out, run every workflow's scenarios through the AWS SDK, print results and paths, stop the server
deploy-local: synth cli
	@$(SFNKIT) serve --assembly cdk.out --addr $(LOCAL_ADDR) --edge-addr off & server=$$!; \
	trap 'kill $$server 2>/dev/null; wait $$server 2>/dev/null' EXIT; \
	$(SFNKIT) smoke --endpoint-url http://$(LOCAL_ADDR) --create --all --assembly cdk.out

## up: synthesize, then run the whole app of cdk.out in the foreground until Ctrl-C: every state machine created, its triggers on a virtual clock, its fake AWS services and APIs on the edge port $(EDGE_ADDR) (the names and commands to use them printed), the Step Functions API and the web console at http://$(LOCAL_ADDR)/console/ (README: The whole app, locally)
up: synth cli
	$(SFNKIT) serve --assembly cdk.out --addr $(LOCAL_ADDR) --edge-addr $(EDGE_ADDR) --clock virtual

## browser: the console's test in headless Chromium (installed with apt when missing) on the synthesized assembly
browser: synth
	@command -v chromium >/dev/null || { sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; $$sudo apt-get update && $$sudo apt-get install -y chromium; }
	SFNKIT_BROWSER=1 $(GO) test -count=1 ./test/console/

## smoke: after make deploy, run the scenarios a fresh deployment can run against the deployed STAGE
smoke: cli
	$(SFNKIT) smoke --stage $(STAGE) --assembly cdk.out

## bootstrap: prepare the account and region for CDK deployments (once per account/region)
bootstrap: deps
	$(CDK) bootstrap

## deps: install the pinned npm packages and download the Go modules, both at once (each mostly waits on the network)
deps:
	$(MAKE) -s --no-print-directory node_modules/.installed & npm=$$!; \
	$(MAKE) -s --no-print-directory .build/go-modules.stamp || { wait; exit 1; }; \
	wait $$npm

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

.build/go-modules.stamp: go.mod go.sum tools/go.mod tools/go.sum
	$(GO) mod download
	$(GO) mod download -modfile=tools/go.mod
	mkdir -p .build && touch $@

clean:
	rm -rf cdk.out .build
