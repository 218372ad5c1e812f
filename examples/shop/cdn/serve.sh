#!/usr/bin/env bash
# Start the example shop behind nginx acting as a CDN (proxy_cache), for the cache check:
#
#   examples/shop/cdn/serve.sh good|leaky
#
# good:  nginx follows the shop's Cache-Control (good.conf);
# leaky: nginx caches /me, /cart and /orders whatever the shop says (leaky.conf).
#
# The first line of output is the CDN's base URL, e.g. http://127.0.0.1:41234; use it as
#   SHOP_CDN_URL=... npx preflight run --plan examples/shop/preflight.yaml --only cache
# The shop runs under uvicorn with a fresh SQLite database; nginx uses its own config, cache,
# logs and pid file; all live in one temp dir. Runs until SIGTERM or SIGINT, then stops both
# and removes the temp dir. Needs nginx (Debian: apt-get install nginx) and the shop's venv
# (created by scripts/ensure-venv.sh when missing; its output goes to stderr).
set -euo pipefail

mode="${1:-}"
case "$mode" in
  good | leaky) ;;
  *)
    echo "usage: $0 good|leaky" >&2
    exit 2
    ;;
esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
shop="$(dirname "$here")"
python="$shop/.venv/bin/python"
nginx_bin="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
ensure_venv="$shop/../../scripts/ensure-venv.sh"
if [ ! -x "$python" ] && [ -f "$ensure_venv" ]; then bash "$ensure_venv" >&2 || true; fi
[ -x "$python" ] || { echo "serve.sh: $python is missing; run: bash scripts/ensure-venv.sh" >&2; exit 3; }
[ -x "$nginx_bin" ] || { echo "serve.sh: nginx is not installed (Debian: apt-get install nginx)" >&2; exit 3; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/shop-cdn-XXXXXX")"
uvicorn_pid=""
nginx_pid=""

# Stop a process: SIGTERM, then SIGKILL after 5 s.
stop() {
  local pid="$1"
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  trap - EXIT INT TERM
  stop "$nginx_pid"
  stop "$uvicorn_pid"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

fail() {
  echo "serve.sh: $1" >&2
  for log in "$tmp/uvicorn.log" "$tmp/error.log"; do
    [ -s "$log" ] && { echo "--- $(basename "$log"):" >&2; tail -n 20 "$log" >&2; }
  done
  exit 3
}

# Two free ports on 127.0.0.1, held at once so they differ.
read -r app_port cdn_port < <("$python" -c '
import socket
a, b = socket.socket(), socket.socket()
a.bind(("127.0.0.1", 0)); b.bind(("127.0.0.1", 0))
print(a.getsockname()[1], b.getsockname()[1])')

# Wait until URL answers 2xx, while process PID lives.
wait_ready() {
  local url="$1" pid="$2"
  for _ in $(seq 150); do
    kill -0 "$pid" 2>/dev/null || return 1
    "$python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' "$url" \
      2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}

cd "$shop"
DATABASE_URL="sqlite:///$tmp/shop.db" SHOP_LOG_LEVEL=WARNING \
  "$shop/.venv/bin/uvicorn" shop.main:app --host 127.0.0.1 --port "$app_port" >"$tmp/uvicorn.log" 2>&1 &
uvicorn_pid=$!
wait_ready "http://127.0.0.1:$app_port/healthz" "$uvicorn_pid" || fail "the shop did not start on port $app_port"

user_line=""
if [ "$(id -u)" = 0 ]; then user_line="user root root;"; fi
sed -e "s#__UPSTREAM__#127.0.0.1:$app_port#g" -e "s#__LISTEN__#127.0.0.1:$cdn_port#g" \
  -e "s#__CACHE__#$tmp/cache#g" "$here/$mode.conf" >"$tmp/site.conf"
cat >"$tmp/nginx.conf" <<EOF
$user_line
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/error.log warn;
events { worker_connections 256; }
http {
    access_log $tmp/access.log;
    default_type application/octet-stream;
    client_body_temp_path $tmp/client_body;
    proxy_temp_path $tmp/proxy;
    fastcgi_temp_path $tmp/fastcgi;
    uwsgi_temp_path $tmp/uwsgi;
    scgi_temp_path $tmp/scgi;
    include $tmp/site.conf;
}
EOF
"$nginx_bin" -e "$tmp/error.log" -p "$tmp" -c "$tmp/nginx.conf" -g 'daemon off;' >>"$tmp/error.log" 2>&1 &
nginx_pid=$!
wait_ready "http://127.0.0.1:$cdn_port/healthz" "$nginx_pid" || fail "nginx did not start on port $cdn_port"

# The stderr line first: a reader that sees the URL on stdout can already find the temp dir.
echo "serve.sh: shop ($mode cache) on http://127.0.0.1:$cdn_port, origin on port $app_port, files in $tmp" >&2
echo "http://127.0.0.1:$cdn_port"

# Until a signal (which runs cleanup), or until one of the two exits on its own.
set +e
wait -n "$uvicorn_pid" "$nginx_pid"
fail "the shop or nginx exited on its own"
