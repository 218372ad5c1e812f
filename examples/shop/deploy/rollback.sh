#!/usr/bin/env bash
# Roll back: point `current` at the release deployed before the current one, restart, wait
# for /healthz. The database is left as it is (there are no down-migrations), so the
# previous release must work with the current schema; `preflight rehearse` checks that.
#
#   rollback.sh                 back to the release deployed before the current one
#   rollback.sh --to RELEASE    to a given release (e.g. the one `supervise.sh current` printed);
#                               when it is already current, make sure it runs and is healthy
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The release deployed before the last deploy of release $1 (from history.log).
previous_of() {
  [ -f "$HISTORY" ] || return 0
  awk -v cur="$1" '
    $2 == "deploy" { n++; seq[n] = $3; if ($3 == cur) last = n }
    END { for (i = last - 1; i >= 1; i--) if (seq[i] != cur) { print seq[i]; exit } }
  ' "$HISTORY"
}

main() {
  local target="" current started=$SECONDS
  case "${1:-}" in
    --to)
      [ $# -eq 2 ] || die "usage: $0 [--to RELEASE]"
      target="$2"
      ;;
    "") ;;
    *) die "usage: $0 [--to RELEASE]" ;;
  esac
  init_root
  take_lock
  current="$(current_release)"
  if [ -z "$target" ]; then
    [ -n "$current" ] || die "nothing is deployed under $ROOT"
    target="$(previous_of "$current")"
    [ -n "$target" ] || die "no release was deployed before $current: nothing to roll back to"
  fi
  release_ok "$target" || die "release $target is not in $RELEASES (pruned, or never built)"
  if [ "$target" = "$current" ]; then
    if "$DEPLOY_DIR/supervise.sh" status >/dev/null 2>&1; then
      log "already on release $target, running and healthy"
      return
    fi
    log "already on release $target; it is not healthy: restarting"
  else
    switch_to "$target"
    record_history rollback "$target"
    log "current -> releases/$target (was ${current:-nothing})"
  fi
  "$DEPLOY_DIR/supervise.sh" restart || die "release $target did not start"
  log "now on release $target ($((SECONDS - started)) s)"
}

main "$@"
