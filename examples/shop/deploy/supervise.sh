#!/usr/bin/env bash
# The app's supervisor: uvicorn for $SHOP_DEPLOY_ROOT/current on 127.0.0.1:$SHOP_PORT.
#
#   supervise.sh start | stop | restart | status | current | logs
#
# With SHOP_SYSTEMD_UNIT=shop.service (and systemd running), start/stop/restart/status go
# to systemctl; the unit's ExecStart should be this script's `run`. Otherwise a pidfile
# (shared/run/shop.pid) and a new session (setsid) keep the app running after the deploy.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

use_systemd() {
  [ -n "${SHOP_SYSTEMD_UNIT:-}" ] && [ -d /run/systemd/system ]
}

# The pid of the running app, if the pidfile names a live uvicorn.
running_pid() {
  local pid
  [ -f "$PIDFILE" ] || return 1
  pid="$(cat "$PIDFILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q uvicorn || return 1
  echo "$pid"
}

# Run the app in the foreground (systemd's ExecStart, or under start's setsid).
run_app() {
  local release_dir
  release_dir="$(cd -P "$CURRENT" 2>/dev/null && pwd)" || die "nothing deployed: $CURRENT is missing"
  build_app_env "$release_dir"
  cd "$release_dir"
  exec env -i "${APP_ENV[@]}" "$release_dir/.venv/bin/python" -m uvicorn shop.main:app \
    --host 127.0.0.1 --port "$SHOP_PORT" --no-access-log
}

start() {
  local pid
  if use_systemd; then
    systemctl start "$SHOP_SYSTEMD_UNIT"
    wait_healthy || die "$SHOP_SYSTEMD_UNIT did not answer /healthz within ${SHOP_READY_TIMEOUT} s"
    return
  fi
  if pid="$(running_pid)"; then
    log "already running (pid $pid, release $(current_release))"
    return
  fi
  init_root
  printf '\n=== %s start release %s on port %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    "$(current_release)" "$SHOP_PORT" >>"$APP_LOG"
  # A new session, so the app outlives the deploy; fd 9 (the deploy lock) is not inherited.
  setsid "$0" run </dev/null >>"$APP_LOG" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$PIDFILE"
  if ! wait_healthy "$pid"; then
    stop_pid "$pid"
    rm -f "$PIDFILE"
    echo "--- the last lines of $APP_LOG:" >&2
    tail -n 20 "$APP_LOG" >&2
    die "release $(current_release) did not answer /healthz on port $SHOP_PORT within ${SHOP_READY_TIMEOUT} s"
  fi
  log "started release $(current_release) (pid $pid, http://127.0.0.1:$SHOP_PORT)"
}

# SIGTERM the app's process group, SIGKILL after 10 s.
stop_pid() {
  local pid="$1" i
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
}

stop() {
  local pid
  if use_systemd; then
    systemctl stop "$SHOP_SYSTEMD_UNIT"
    return
  fi
  if pid="$(running_pid)"; then
    stop_pid "$pid"
    log "stopped (pid $pid)"
  else
    log "not running"
  fi
  rm -f "$PIDFILE"
}

status() {
  local pid
  if use_systemd; then
    systemctl status --no-pager "$SHOP_SYSTEMD_UNIT"
    return
  fi
  if ! pid="$(running_pid)"; then
    echo "not running (release $(current_release))"
    exit 3
  fi
  if health_ok; then
    echo "running: pid $pid, release $(current_release), healthy on port $SHOP_PORT"
  else
    echo "running: pid $pid, release $(current_release), NOT healthy on port $SHOP_PORT"
    exit 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart)
    stop
    start
    ;;
  status) status ;;
  current) current_release ;;
  logs) tail -n "${2:-50}" "$APP_LOG" ;;
  run) run_app ;;
  *)
    echo "usage: $0 start|stop|restart|status|current|logs [N]" >&2
    exit 2
    ;;
esac
