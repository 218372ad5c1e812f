#!/usr/bin/env bash
# npm test: install what is missing (npm packages, the build, the example's venv), run every test.
# The last line is "N passed, N failed, N skipped".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/ensure-node.sh || { echo "0 passed, 1 failed"; exit 1; }
bash scripts/ensure-venv.sh || { echo "0 passed, 1 failed"; exit 1; }
mkdir -p test-output
mapfile -t files < <(find test -name '*.test.ts' | sort)
if [ "$#" -gt 0 ]; then files=("$@"); fi
node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=./test/support/summary-reporter.mjs --test-reporter-destination=test-output/summary.txt \
  "${files[@]}"
status=$?
summary="$(tail -n 1 test-output/summary.txt 2>/dev/null || echo '0 passed, 1 failed')"
echo
echo "$summary"
exit $status
