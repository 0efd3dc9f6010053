#!/usr/bin/env bash
# Validates charmcraft.yaml, metadata.yaml, config.yaml and actions.yaml with
# the real charmcraft (from PyPI, pinned below; no LXD, snapd or network
# needed once installed), then runs charmcraft's linters on the charm that
# scripts/pack.mjs makes of build/charm (run `npm run build` first).
# See scripts/check_charmcraft.py for what is checked.
#
# Usage: bash scripts/check-charmcraft.sh [--yaml-only|--install-only] [PROJECT_DIR]
#   PROJECT_DIR     the directory with the four YAML files (default: this repository)
#   --yaml-only     only the YAML checks (no build/charm needed)
#   --install-only  only make the venv (CI does it beside the TypeScript checks)
#
# charmcraft lives in a venv outside the repository, made on first use and
# reused while it holds the pinned version:
#   ${CHARMCRAFT_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/charmed-etcd/charmcraft-venv}
# PYTHON (default python3, >= 3.10 as charmcraft requires) makes the venv.
set -euo pipefail

CHARMCRAFT_VERSION=4.5.0

root="$(cd "$(dirname "$0")/.." && pwd)"
yaml_only=false
install_only=false
project=""
for arg in "$@"; do
  case "$arg" in
    --yaml-only) yaml_only=true ;;
    --install-only) install_only=true ;;
    -*) echo "usage: bash scripts/check-charmcraft.sh [--yaml-only|--install-only] [PROJECT_DIR]" >&2; exit 2 ;;
    *) project="$arg" ;;
  esac
done
project="$(cd "${project:-$root}" && pwd)"

venv="${CHARMCRAFT_VENV:-${XDG_CACHE_HOME:-${HOME:?is not set: set XDG_CACHE_HOME or CHARMCRAFT_VENV}/.cache}/charmed-etcd/charmcraft-venv}"
python="${PYTHON:-python3}"
marker="$venv/.charmcraft-$CHARMCRAFT_VERSION"

mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
flock 9
if [ ! -e "$marker" ] || ! "$venv/bin/python" -c "import charmcraft" 2>/dev/null; then
  if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
    echo "check-charmcraft: charmcraft $CHARMCRAFT_VERSION needs Python >= 3.10; $python is: $("$python" --version 2>&1 || true)" >&2
    exit 1
  fi
  echo "check-charmcraft: installing charmcraft $CHARMCRAFT_VERSION from PyPI into $venv"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "charmcraft==$CHARMCRAFT_VERSION"
  touch "$marker"
fi
flock -u 9
[ "$install_only" = false ] || exit 0

check=("$venv/bin/python" "$root/scripts/check_charmcraft.py" "$project")
if [ "$yaml_only" = false ]; then
  if [ "$project" != "$root" ]; then
    echo "check-charmcraft: scripts/pack.mjs packs this repository only; pass --yaml-only for $project" >&2
    exit 2
  fi
  if [ ! -f "$project/build/charm/dist/charm.js" ]; then
    echo "check-charmcraft: $project/build/charm is not built; run \`npm run build\` first (or pass --yaml-only)" >&2
    exit 1
  fi
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  node "$root/scripts/pack.mjs" --build "$project/build/charm" --out "$tmp/charmed-etcd_amd64.charm" >/dev/null
  check+=(--charm "$tmp/charmed-etcd_amd64.charm")
fi
"${check[@]}"
