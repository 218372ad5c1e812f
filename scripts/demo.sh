#!/usr/bin/env bash
# npm run demo: install what is missing, run preflight on the example shop, print the verdict and the record.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/ensure-node.sh
bash scripts/ensure-venv.sh
mkdir -p .preflight
set +e
node dist/cli/main.js run --plan examples/shop/preflight.yaml --record --json .preflight/demo-result.json "$@"
status=$?
set -e
echo
echo "demo: exit code $status; JSON result in .preflight/demo-result.json; launch records in examples/shop/launches/"
exit $status
