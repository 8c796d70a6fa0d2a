#!/usr/bin/env bash
# Executions per second of the order workflow's synthesized definition on
# the asl engine (in-process) and on aws-local-stepfunctions 3.0.0 (Node 22),
# with the same definition, input and recorded task responses, side by side.
#
#   bench/engines.sh [--duration 5s] [--concurrency 64]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
make --no-print-directory deps >/dev/null
if [ ! -f cdk.out/SfnkitOrderFulfillment.template.json ]; then
  make --no-print-directory synth >/dev/null
fi
go run ./bench/engines "$@"
