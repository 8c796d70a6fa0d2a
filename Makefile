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
STAGE ?= dev
LOCAL_ADDR ?= 127.0.0.1:8083
EDGE_ADDR ?= 127.0.0.1:4566

.PHONY: synth test race check demo render lint deploy deploy-local up smoke diff bootstrap deps clean

## synth: install the tools, build, synthesize every stack into cdk.out with cdk-nag enforced, summarize
synth: deps
	rm -f cdk.out/*-NagReport.csv # reports of renamed stacks would linger
	$(CDK) synth --quiet
	$(GO) run ./cmd/sfnkit summary cdk.out

## test: unit, conformance, differential (against aws-local-stepfunctions), synthesis and behaviour tests; then examples/, a module of its own that uses this one as a library, synthesized with cdk-nag (the developer loop)
test: deps
	SFNKIT_REQUIRE_DIFFERENTIAL=1 $(GO) test ./...
	cd examples && $(GO) test ./...

## race: the engine, the local stand-ins, the handlers and the in-memory store under the race detector
race: deps
	$(GO) test -race ./asl/... ./local/... ./lambdas/... ./internal/memstore/

## check: what CI runs: lint, test, and the checks slow by nature (race, demo, deploy-local)
check: lint test race demo deploy-local

## demo: synthesize, then play every workflow's sample scenarios on the synthesized state machines and print each path
demo: synth
	$(GO) run ./cmd/sfnkit demo cdk.out

## render: synthesize, then write each workflow's readable ASL, Mermaid chart and SVG beside its code (commit them)
render: synth
	$(GO) run ./cmd/sfnkit render --svg cdk.out

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
deploy-local: synth
	$(GO) build -o .build/sfnkit ./cmd/sfnkit
	@.build/sfnkit serve --assembly cdk.out --addr $(LOCAL_ADDR) --edge-addr off & server=$$!; \
	trap 'kill $$server 2>/dev/null; wait $$server 2>/dev/null' EXIT; \
	.build/sfnkit smoke --endpoint-url http://$(LOCAL_ADDR) --create --all --assembly cdk.out

## up: synthesize, build and run the whole app locally until Ctrl-C: the state machines created, their triggers running on a virtual clock, the fake AWS services on the edge port $(EDGE_ADDR), printing the commands to use them (README: Run it locally)
up: synth
	$(GO) build -o .build/sfnkit ./cmd/sfnkit
	.build/sfnkit serve --assembly cdk.out --addr $(LOCAL_ADDR) --edge-addr $(EDGE_ADDR) --clock virtual

## smoke: after make deploy, run the scenarios a fresh deployment can run against the deployed STAGE
smoke: deps
	$(GO) run ./cmd/sfnkit smoke --stage $(STAGE) --assembly cdk.out

## bootstrap: prepare the account and region for CDK deployments (once per account/region)
bootstrap: deps
	$(CDK) bootstrap

deps: node_modules/.installed .build/go-modules.stamp

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

.build/go-modules.stamp: go.mod go.sum tools/go.mod tools/go.sum
	$(GO) mod download
	$(GO) mod download -modfile=tools/go.mod
	mkdir -p .build && touch $@

clean:
	rm -rf cdk.out .build
