#!/usr/bin/env bash
# Deploy a release of the shop on this machine (a single VPS, or a staging box).
#
#   deploy.sh REF          REF: a git ref (tag, branch, commit) of the repository holding the app,
#                          WORKTREE (the working tree, uncommitted changes included),
#                          or a directory holding a copy of the app
#   deploy.sh --from DIR   the same as a directory REF
#
# Steps: build releases/<id> (code + venv) -> run the migrations against the shared
# database -> switch `current` atomically -> restart the app -> wait for /healthz.
# The old release keeps serving until the switch, so migrations must not break it.
# Environment: SHOP_DEPLOY_ROOT (default /srv/shop), SHOP_PORT (8081), SHOP_ENVIRONMENT
# (staging: the release's deploy/staging.env is loaded), SHOP_READY_TIMEOUT (30 s),
# SHOP_VENV_SEED (see venv.sh), SHOP_WHEELHOUSE (pip --find-links, for offline hosts).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=venv.sh
. "$DEPLOY_DIR/venv.sh"

usage() {
  echo "usage: $0 REF | --from DIR   (REF: a git ref, WORKTREE, or a directory)" >&2
  exit 2
}

# Files of a source directory: what git tracks and does not ignore, else everything but
# local state (venvs, caches, databases, preflight's runs).
list_files() {
  local dir="$1"
  if git -C "$dir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$dir" ls-files -z --cached --others --exclude-standard -- . |
      while IFS= read -r -d '' f; do [ -f "$dir/$f" ] && printf '%s\0' "$f"; done
  else
    (cd "$dir" && find . \( -name .venv -o -name .git -o -name __pycache__ -o -name .preflight \
      -o -name .pytest_cache -o -name .ruff_cache -o -name launches \) -prune -o \
      -type f ! -name '*.db' ! -name '*.db-*' -print0 | sed -z 's|^\./||')
  fi
}

# A directory source: the release id is a hash of its files, so the same tree is one release.
build_from_dir() {
  local dir="$1" files hash
  files="$(mktemp)"
  list_files "$dir" | LC_ALL=C sort -z >"$files"
  [ -s "$files" ] || die "no files to deploy in $dir"
  hash="$(cd "$dir" && xargs -0 sha256sum <"$files" | sha256sum | cut -c1-12)"
  RELEASE="wt-$hash"
  if ! release_ok "$RELEASE"; then
    BUILD="$RELEASES/.build-$RELEASE-$$"
    mkdir -p "$BUILD"
    (cd "$dir" && tar -c --null -T "$files") | tar -x -C "$BUILD"
  fi
  rm -f "$files"
}

# A git source: `git archive` of the app's directory at REF; the id is the commit.
build_from_git() {
  local ref="$1" top prefix commit
  top="$(git -C "$APP_DIR" rev-parse --show-toplevel 2>/dev/null)" ||
    die "$APP_DIR is not in a git repository: pass WORKTREE or a directory instead of $ref"
  prefix="$(git -C "$APP_DIR" rev-parse --show-prefix)"
  commit="$(git -C "$top" rev-parse --verify --quiet "$ref^{commit}")" || die "unknown git ref: $ref"
  RELEASE="$(git -C "$top" rev-parse --short=12 "$commit")"
  if ! release_ok "$RELEASE"; then
    BUILD="$RELEASES/.build-$RELEASE-$$"
    mkdir -p "$BUILD"
    git -C "$top" archive --format=tar "$commit:${prefix%/}" | tar -x -C "$BUILD"
  fi
}

# Run the release's migrations against the shared database, with the app's environment.
migrate() {
  local dir="$RELEASES/$RELEASE"
  build_app_env "$dir"
  # The app's own runner first: it also adopts a database made before Alembic.
  if [ -f "$dir/shop/migrate.py" ]; then
    (cd "$dir" && env -i "${APP_ENV[@]}" "$dir/.venv/bin/python" -m shop.migrate)
  elif [ -f "$dir/alembic.ini" ]; then
    log "migrations: alembic upgrade head"
    (cd "$dir" && env -i "${APP_ENV[@]}" "$dir/.venv/bin/python" -m alembic upgrade head)
  else
    log "migrations: none in this release (tables are created at start-up)"
  fi
}

# Server-only settings: created once, with a random SHOP_SECRET_KEY, readable by the owner only.
ensure_shared_env() {
  [ -f "$SHARED/env" ] && return 0
  (
    umask 077
    printf '# Server-only settings and secrets of this deployment (not in git).\nSHOP_SECRET_KEY=%s\n' \
      "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$SHARED/env"
  )
  log "created $SHARED/env with a new SHOP_SECRET_KEY"
}

# Keep the newest $SHOP_KEEP_RELEASES releases, and always the current one.
prune() {
  local keep current old
  current="$(current_release)"
  keep=0
  while IFS= read -r old; do
    keep=$((keep + 1))
    if [ "$keep" -gt "$SHOP_KEEP_RELEASES" ] && [ "$old" != "$current" ]; then
      rm -rf "${RELEASES:?}/$old"
      log "pruned release $old"
    fi
  done < <(ls -1t "$RELEASES")
}

main() {
  [ $# -ge 1 ] || usage
  local source="$1" started=$SECONDS previous
  if [ "$source" = "--from" ]; then
    [ $# -eq 2 ] || usage
    source="$2"
  fi
  init_root
  take_lock
  BUILD=""
  trap '[ -z "$BUILD" ] || rm -rf "$BUILD"' EXIT
  if [ "$source" = WORKTREE ]; then
    build_from_dir "$APP_DIR"
  elif [ -d "$source" ]; then
    build_from_dir "$(cd "$source" && pwd)"
  else
    build_from_git "$source"
  fi
  if [ -n "$BUILD" ]; then
    log "building release $RELEASE from $source"
    ensure_venv "$BUILD"
    date -u +%Y-%m-%dT%H:%M:%SZ >"$BUILD/.release"
    mv -T "$BUILD" "$RELEASES/$RELEASE"
    BUILD=""
  else
    log "release $RELEASE is already built"
  fi
  ensure_shared_env
  migrate
  previous="$(current_release)"
  switch_to "$RELEASE"
  record_history deploy "$RELEASE"
  log "current -> releases/$RELEASE (was ${previous:-nothing})"
  "$DEPLOY_DIR/supervise.sh" restart ||
    die "release $RELEASE did not start; current points at it: run rollback.sh to go back to ${previous:-an earlier release}"
  prune
  log "deployed release $RELEASE in $((SECONDS - started)) s"
}

main "$@"
