#!/usr/bin/env bash
# Install npm packages when missing or stale, then build. Idempotent and quiet when up to date.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
stamp=node_modules/.package-lock.sha256
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "preflight: installing npm packages" >&2
  # npm ci rejects the lock file npm 11 writes (it omits other platforms' optional packages), so install.
  npm install --no-audit --no-fund --loglevel=error >&2
  sha256sum package-lock.json | cut -d" " -f1 > "$stamp"
fi
npm run --silent build >&2
