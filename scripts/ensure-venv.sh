#!/usr/bin/env bash
# Idempotently create examples/shop/.venv and install examples/shop/requirements.txt.
# Quiet when nothing changed; skips pip when the requirements hash is unchanged.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
SHOP_DIR="$REPO_ROOT/examples/shop"
VENV="$SHOP_DIR/.venv"
REQS="$SHOP_DIR/requirements.txt"
STAMP="$VENV/.requirements.sha256"
PYTHON="${PYTHON:-python3}"

die() { echo "ensure-venv: $*" >&2; exit 1; }

[ -f "$REQS" ] || die "missing $REQS"
command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found"

want="$(sha256sum "$REQS" | cut -d' ' -f1)"

if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  exit 0
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

if [ ! -x "$VENV/bin/python" ]; then
  echo "ensure-venv: creating $VENV" >&2
  rm -rf "$VENV"
  if ! "$PYTHON" -m venv "$VENV" >"$log" 2>&1; then
    cat "$log" >&2
    die "python -m venv failed"
  fi
fi

echo "ensure-venv: installing $REQS" >&2
rm -f "$STAMP"
if ! "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -q -r "$REQS" >"$log" 2>&1; then
  cat "$log" >&2
  die "pip install failed"
fi

printf '%s\n' "$want" >"$STAMP"
echo "ensure-venv: ready ($VENV)" >&2
