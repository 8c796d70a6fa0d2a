#!/usr/bin/env bash
# The speed table of the project, measured in one run on this machine:
#   - the developer loop, `make test` with every test re-run (-count=1):
#     with the shared syntheses made afresh (as after a change to the
#     app's code) and reused (as after a change to a test only);
#   - `make synth` against the floor: the smallest Go CDK app with one
#     state machine (a Pass state), which this script writes itself, with
#     the same pinned CDK library, Node and CDK CLI, cdk.json's context and
#     CDK's template validation on, set up as `cdk init app --language go`
#     sets up an app (`go run`), synthesized with `cdk synth` in the same
#     run; both are synthesized once first, so neither pays for compiling;
#   - the engine: bench/engines.sh, against aws-local-stepfunctions.
#
#   bench/speed.sh [--skip-tests]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$root/node_modules/.bin:$PATH" CDK_DISABLE_CLI_TELEMETRY=true
make --no-print-directory deps >/dev/null
skip_tests=${1:-}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# measure NAME CMD...: runs CMD quietly, records wall and CPU seconds.
declare -A wall cpu
measure() {
	local name=$1
	shift
	/usr/bin/time -f "%e %U %S" -o "$work/time" "$@" >"$work/out" 2>&1 || {
		cat "$work/out" >&2
		echo "bench/speed.sh: $name failed" >&2
		exit 1
	}
	read -r w u s <"$work/time"
	wall[$name]=$w
	cpu[$name]=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.1f", u + s }')
	printf '  %-34s %7.1f s wall %7.1f s CPU\n' "$name" "$w" "${cpu[$name]}" >&2
}

# The floor app, pinned to this module's versions of the CDK bindings.
floor=$work/floor
mkdir -p "$floor"
cat >"$floor/floor.go" <<'EOF'
package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/jsii-runtime-go"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Floor"), nil)
	awsstepfunctions.NewStateMachine(stack, jsii.String("Machine"), &awsstepfunctions.StateMachineProps{
		DefinitionBody: awsstepfunctions.DefinitionBody_FromChainable(awsstepfunctions.NewPass(stack, jsii.String("Pass"), nil)),
	})
	app.Synth(nil)
}
EOF
{
	printf 'module floor\n\ngo %s\n\nrequire (\n' "$(go mod edit -json | python3 -c 'import json,sys; print(json.load(sys.stdin)["Go"])')"
	go list -m -f '	{{.Path}} {{.Version}}' github.com/aws/aws-cdk-go/awscdk/v2 github.com/aws/jsii-runtime-go github.com/aws/constructs-go/constructs/v10
	printf ')\n'
} >"$floor/go.mod"
cp go.sum "$floor/go.sum"
python3 - "$floor/cdk.json" <<'EOF'
import json, sys
context = json.load(open("cdk.json"))["context"]
json.dump({"app": "go run floor.go", "context": context}, open(sys.argv[1], "w"), indent=1)
EOF
(cd "$floor" && GOFLAGS=-mod=mod go mod tidy >/dev/null 2>&1)

echo "measuring (2 cores: $(nproc) here; load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
if [ "$skip_tests" != --skip-tests ]; then
	rm -rf .build/synthtest
	measure "make test, syntheses afresh" env GOFLAGS=-count=1 make --no-print-directory test
	measure "make test, syntheses reused" env GOFLAGS=-count=1 make --no-print-directory test
fi

(cd "$floor" && cdk synth --quiet -o "$work/floor.out" >/dev/null 2>&1) # compile once
make --no-print-directory synth >/dev/null 2>&1                          # compile once
measure "floor: cdk synth" bash -c "cd '$floor' && cdk synth --quiet -o '$work/floor.out'"
measure "make synth" make --no-print-directory synth

echo "  engine: bench/engines.sh" >&2
bench/engines.sh >"$work/engines" 2>&1
ratio=$(awk '/^ratio/ { print $2, $3 }' "$work/engines")

echo
printf '| %-44s | %-34s | %-16s |\n' "what" "measured" "target"
printf '|%s|%s|%s|\n' "----------------------------------------------" "------------------------------------" "------------------"
if [ "$skip_tests" != --skip-tests ]; then
	printf '| %-44s | %-34s | %-16s |\n' "make test, tests re-run, syntheses afresh" "${wall["make test, syntheses afresh"]} s wall, ${cpu["make test, syntheses afresh"]} s CPU" "(after a change)"
	printf '| %-44s | %-34s | %-16s |\n' "make test, tests re-run, syntheses reused" "${wall["make test, syntheses reused"]} s wall, ${cpu["make test, syntheses reused"]} s CPU" "<= 60 s wall"
fi
synth_ratio=$(awk -v a="${wall["make synth"]}" -v b="${wall["floor: cdk synth"]}" 'BEGIN { printf "%.2f", a / b }')
printf '| %-44s | %-34s | %-16s |\n' "make synth vs the floor app (cdk synth)" "${wall["make synth"]} s vs ${wall["floor: cdk synth"]} s: ${synth_ratio}x" "<= 1.5x"
read -r seq conc <<<"$ratio"
printf '| %-44s | %-34s | %-16s |\n' "engine vs aws-local-stepfunctions" "${seq} sequential, ${conc} concurrent" ">= 10x, both"
echo
sed 's/^/    /' "$work/engines"
