# Shared by deploy.sh, rollback.sh and supervise.sh (sourced, not run).
#
# Layout under $SHOP_DEPLOY_ROOT (default /srv/shop):
#   releases/<id>/     one directory per release: the app's code and .venv (a link into shared/venvs)
#   current            symlink to releases/<id>, switched atomically (ln -sfn + mv -T)
#   shared/env         server-only settings and secrets (dotenv, mode 600; created on first deploy)
#   shared/shop.db     the SQLite database (unless DATABASE_URL says otherwise)
#   shared/venvs/<h>   virtualenvs keyed by the hash of requirements.txt, reused across releases
#   shared/log/shop.log, shared/run/shop.pid   the app's output and pidfile
#   history.log        "<UTC time> deploy|rollback <release>", one line per switch

SHOP_DEPLOY_ROOT="${SHOP_DEPLOY_ROOT:-/srv/shop}"
SHOP_PORT="${SHOP_PORT:-8081}"
SHOP_ENVIRONMENT="${SHOP_ENVIRONMENT:-staging}"
SHOP_READY_TIMEOUT="${SHOP_READY_TIMEOUT:-30}"
SHOP_KEEP_RELEASES="${SHOP_KEEP_RELEASES:-5}"

ROOT="$SHOP_DEPLOY_ROOT"
RELEASES="$ROOT/releases"
SHARED="$ROOT/shared"
CURRENT="$ROOT/current"
HISTORY="$ROOT/history.log"
PIDFILE="$SHARED/run/shop.pid"
APP_LOG="$SHARED/log/shop.log"
DEPLOY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
APP_DIR="$(dirname "$DEPLOY_DIR")"
SCRIPT="$(basename "$0" .sh)"

log() { printf '%s: %s\n' "$SCRIPT" "$*"; }
die() {
  printf '%s: error: %s\n' "$SCRIPT" "$*" >&2
  exit 1
}

# Create the layout (idempotent).
init_root() {
  mkdir -p "$RELEASES" "$SHARED/log" "$SHARED/run" "$SHARED/venvs" || die "cannot create $ROOT"
}

# One deploy or rollback at a time. fd 9 is closed for the app (see supervise.sh).
take_lock() {
  exec 9>"$ROOT/.deploy.lock"
  flock -w 600 9 || die "another deploy or rollback holds $ROOT/.deploy.lock"
}

# The release `current` points at; empty when nothing is deployed.
current_release() {
  if [ -L "$CURRENT" ]; then basename "$(readlink "$CURRENT")"; fi
}

# Point `current` at releases/$1 in one rename, so no request sees a missing link.
switch_to() {
  local tmp="$ROOT/.current.$$"
  ln -sfn "releases/$1" "$tmp"
  mv -T "$tmp" "$CURRENT"
}

# Append "<UTC time> <action> <release>" to the history.
record_history() {
  printf '%s %s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" "$2" >>"$HISTORY"
}

# Whether releases/$1 is a complete release.
release_ok() {
  [ -n "$1" ] && [ -f "$RELEASES/$1/.release" ]
}

# Export KEY=VALUE lines of a dotenv file (no shell evaluation; quotes around a value are removed).
load_dotenv() {
  local file="$1" line key value
  [ -f "$file" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line#"${line%%[![:space:]]*}"}"
    case "$line" in '' | '#'*) continue ;; esac
    line="${line#export }"
    key="${line%%=*}"
    value="${line#*=}"
    [[ "$key" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "$file: not a KEY=VALUE line: $line"
    if [[ "$value" =~ ^\"(.*)\"$ ]] || [[ "$value" =~ ^\'(.*)\'$ ]]; then value="${BASH_REMATCH[1]}"; fi
    APP_ENV+=("$key=$value")
  done <"$file"
}

# APP_ENV: the app's whole environment (it starts with `env -i`, like a systemd unit):
# the release's deploy/$SHOP_ENVIRONMENT.env, then shared/env, then defaults.
build_app_env() {
  local release_dir="$1" entry has_db=""
  APP_ENV=("PATH=/usr/local/bin:/usr/bin:/bin" "HOME=${HOME:-/tmp}" "LANG=C.UTF-8" "PYTHONUNBUFFERED=1")
  load_dotenv "$release_dir/deploy/$SHOP_ENVIRONMENT.env"
  load_dotenv "$SHARED/env"
  for entry in "${APP_ENV[@]}"; do
    case "$entry" in DATABASE_URL=*) has_db=1 ;; esac
  done
  [ -n "$has_db" ] || APP_ENV+=("DATABASE_URL=sqlite:///$SHARED/shop.db")
}

# Wait until GET /healthz answers 200 on $SHOP_PORT, while process $1 (if given) is alive.
wait_healthy() {
  local pid="${1:-}" deadline=$((SECONDS + SHOP_READY_TIMEOUT))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    if health_ok; then return 0; fi
    sleep 0.2
  done
  return 1
}

health_ok() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$SHOP_PORT/healthz" 2>/dev/null
    return
  fi
  python3 - "http://127.0.0.1:$SHOP_PORT/healthz" <<'PY' 2>/dev/null
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
        sys.exit(0 if r.status == 200 else 1)
except Exception:
    sys.exit(1)
PY
}
