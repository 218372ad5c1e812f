# The release's virtualenv (sourced by deploy.sh).
#
# Releases with the same requirements.txt share one venv, shared/venvs/<hash of the file>;
# releases/<id>/.venv links to it. A new venv is made in the first way that works:
#   1. SHOP_VENV_SEED (default: the .venv next to the deploy scripts, if any) already has
#      every pinned version: a venv without pip whose site-packages points at the seed's
#      (about a second, no network; how the tests and the local rehearsal deploy);
#   2. SHOP_WHEELHOUSE is set: pip install --no-index --find-links "$SHOP_WHEELHOUSE";
#   3. otherwise: pip install -r requirements.txt from the package index (a normal VPS).
# In every case the pinned versions are verified before the venv is used.

# Exit 0 when python $1 has every `name==version` pin of requirements file $2.
pins_satisfied() {
  "$1" - "$2" <<'PY'
import re, sys
from importlib import metadata
missing = []
for raw in open(sys.argv[1], encoding="utf-8"):
    line = raw.split("#", 1)[0].strip()
    m = re.match(r"^([A-Za-z0-9_.-]+)(\[[^\]]*\])?\s*==\s*([^\s;]+)", line)
    if not m:
        continue
    name, want = m.group(1), m.group(3)
    try:
        have = metadata.version(name)
    except metadata.PackageNotFoundError:
        have = None
    if have != want:
        missing.append(f"{name}=={want} (have {have or 'none'})")
if missing:
    print("not satisfied: " + ", ".join(missing), file=sys.stderr)
    sys.exit(1)
PY
}

# Make (or reuse) the venv for release directory $1 and link $1/.venv to it.
ensure_venv() {
  local dir="$1" req="$1/requirements.txt" hash venv seed="${SHOP_VENV_SEED:-$APP_DIR/.venv}"
  [ -f "$req" ] || die "the release has no requirements.txt"
  hash="$(sha256sum "$req" | cut -c1-16)"
  venv="$SHARED/venvs/$hash"
  if [ ! -f "$venv/.complete" ]; then
    rm -rf "$venv"
    if [ -x "$seed/bin/python" ] && pins_satisfied "$seed/bin/python" "$req" 2>/dev/null; then
      log "venv: $venv from the installed packages of $seed"
      "$seed/bin/python" -m venv --without-pip "$venv"
      local site
      site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
      "$seed/bin/python" -c 'import sysconfig; print("import site; site.addsitedir(%r)" % sysconfig.get_paths()["purelib"])' \
        >"$site/_seed.pth"
    elif [ -n "${SHOP_WHEELHOUSE:-}" ]; then
      log "venv: $venv from the wheels in $SHOP_WHEELHOUSE"
      python3 -m venv "$venv"
      "$venv/bin/pip" install -q --no-index --find-links "$SHOP_WHEELHOUSE" -r "$req"
    else
      log "venv: $venv from the package index"
      python3 -m venv "$venv"
      "$venv/bin/pip" install -q --disable-pip-version-check -r "$req"
    fi
    pins_satisfied "$venv/bin/python" "$req" || die "the venv $venv does not have the pinned versions"
    touch "$venv/.complete"
  fi
  ln -sfn "$venv" "$dir/.venv"
}
