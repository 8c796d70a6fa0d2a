#!/usr/bin/env bash
# What a newcomer waits for on the first `make synth`: a fresh clone of this
# repository with empty Go module and build caches and an empty npm cache,
# each part of `make synth` timed on its own, then `make synth` as it runs,
# every cache empty again, for the total.
#
#   bench/coldstart.sh
#
# It downloads every npm package and Go module again (into a temporary
# directory, removed at the end), so it needs the registries and a few
# minutes.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
export GOMODCACHE=$work/gomodcache GOCACHE=$work/gocache npm_config_cache=$work/npm CDK_DISABLE_CLI_TELEMETRY=true

# phase NAME CMD...: runs CMD quietly and prints its wall and CPU seconds.
total=0
phase() {
	local name=$1
	shift
	/usr/bin/time -f "%e %U %S" -o "$work/time" "$@" >"$work/out" 2>&1 || {
		cat "$work/out" >&2
		echo "bench/coldstart.sh: $name failed" >&2
		exit 1
	}
	read -r w u s <"$work/time"
	total=$(awk -v t="$total" -v w="$w" 'BEGIN { print t + w }')
	printf '| %-52s | %7.1f s | %7.1f s |\n' "$name" "$w" "$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')"
}

git clone -q "$repo" "$work/app"
cd "$work/app"
echo "cold start on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) at the start"
echo
printf '| %-52s | %9s | %9s |\n' "part of the first make synth" "wall" "CPU"
printf '|%s|%s|%s|\n' "------------------------------------------------------" "-----------" "-----------"
phase "npm ci (CDK CLI, Node 22, asl-validator): download" npm ci --no-audit --no-fund
export PATH="$PWD/node_modules/.bin:$PATH"
phase "Go modules: download" bash -c 'go mod download && go mod download -modfile=tools/go.mod'
mkdir -p .build && touch node_modules/.installed .build/go-modules.stamp
bindings=$(go list -deps . | grep -E '^github.com/aws/(aws-cdk-go|jsii-runtime-go|constructs-go)/' | tr '\n' ' ')
# shellcheck disable=SC2086 # one argument per package
phase "compile the CDK bindings (jsii, awscdk)" go build $bindings
phase "compile the app (constructs, stacks, workflows)" go build -o .build/sfnkit-app .
phase "compile the handlers (linux/arm64, in parallel)" \
	env GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -trimpath -tags lambda.norpc "-ldflags=-s -w -buildid=" -buildvcs=false -o "$work/handlers/" ./lambdas/cmd/...
phase "compile the summary command" go build -o .build/summarize ./internal/review/summary/summarize
phase "cdk synth (jsii, nag, validation; handlers linked)" cdk synth --quiet
phase "summary" .build/summarize cdk.out
printf '| %-52s | %7.1f s | %9s |\n' "sum of the parts" "$total" ""
phase "(not make synth: make cli, the whole sfnkit CLI)" go build -o .build/sfnkit ./cmd/sfnkit

# make synth itself, as a newcomer runs it: a second fresh clone, every
# cache emptied again. The Makefile overlaps the parts above (npm installs
# and Go downloads at once, the handlers compile beside the CDK bindings),
# so the total is less than their sum.
chmod -R u+w "$GOMODCACHE" 2>/dev/null || true
rm -rf "$GOCACHE" "$GOMODCACHE" "$npm_config_cache"
git clone -q "$repo" "$work/again"
cd "$work/again"
echo
/usr/bin/time -f "%e %U %S" -o "$work/time" make --no-print-directory synth >"$work/out" 2>&1 || {
	cat "$work/out" >&2
	exit 1
}
read -r w u s <"$work/time"
printf 'make synth on a fresh clone, every cache empty: %.1f s wall, %.1f s CPU\n' "$w" "$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')"
