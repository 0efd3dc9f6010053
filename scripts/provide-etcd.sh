#!/usr/bin/env bash
# Provides real etcd binaries (etcd, etcdctl, etcdutl where shipped) for the
# simulator's snap store, in a cache outside the repository:
#   $CHARMED_ETCD_CACHE/etcd/<version>/{etcd,etcdctl,etcdutl}
# Sources:
# - 3.6 and 3.7: built from etcd's official Go modules through the Go module
#   proxy, with the wrapper modules pinned in scripts/etcd-go/pins/<version>
#   (`go build -trimpath`, static). Where the proxy lacks etcdctl/etcdutl at
#   a server version, the pin names the nearest later patch of the same minor
#   for those two tools (3.6.13: tools 3.6.14); `etcd --version` is exact.
# - 3.4 and 3.5: Debian's etcd-server/etcd-client packages (3.4.23 from
#   bookworm, 3.5.16 from trixie, 3.5.30 from sid), fetched with `apt-get
#   download` through a temporary sources list that reuses this machine's
#   Debian mirror, and unpacked with `dpkg -x`. The Go binaries are static.
# With ETCD_UPSTREAM_URL set (a base URL holding etcd-v<V>-linux-<arch>.tar.gz),
# release tarballs are tried first.
#
# Usage: scripts/provide-etcd.sh [VERSION ...]   (default: every version the tests use)
# Prints the cache directory on the last line.
set -euo pipefail

cache="${CHARMED_ETCD_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/charmed-etcd}/etcd"
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(3.4.23 3.5.16 3.5.30 3.6.13 3.6.16 3.7.3)
here=$(cd "$(dirname "$0")" && pwd)

suite_for() {
  case "$1" in
    3.4.23) echo bookworm ;;
    3.5.16) echo trixie ;;
    3.5.30) echo sid ;;
    *) echo "provide-etcd: etcd $1 has neither a pin in scripts/etcd-go/pins nor a known Debian suite (3.4.23 3.5.16 3.5.30)" >&2; return 1 ;;
  esac
}

# Captures the whole output first: `grep -q` in a pipe could end early and SIGPIPE etcd.
have() {
  [ -x "$cache/$1/etcd" ] && [ -x "$cache/$1/etcdctl" ] || return 1
  local out
  out=$("$cache/$1/etcd" --version 2>/dev/null) || return 1
  [[ "$out" == *"etcd Version: $1"* ]]
}

from_upstream() {
  local v=$1 dest=$2 arch tmp
  [ -n "${ETCD_UPSTREAM_URL:-}" ] || return 1
  case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) return 1 ;; esac
  tmp=$(mktemp -d)
  if curl -fsSL --connect-timeout 10 "$ETCD_UPSTREAM_URL/etcd-v$v-linux-$arch.tar.gz" | tar -xz -C "$tmp" --strip-components=1; then
    install -m 0755 "$tmp"/etcd "$tmp"/etcdctl "$dest"/
    [ -x "$tmp/etcdutl" ] && install -m 0755 "$tmp/etcdutl" "$dest"/
    rm -rf "$tmp"; return 0
  fi
  rm -rf "$tmp"; return 1
}

# Builds from the pinned wrapper modules; -mod=readonly: go.sum must already
# hold every module, so a build can never resolve something else.
from_go_modules() {
  local v=$1 dest=$2 pins=$here/etcd-go/pins/$1 tmp tv
  [ -d "$pins" ] || return 1
  command -v go >/dev/null || { echo "provide-etcd: etcd $v is built from Go modules, and go is not installed" >&2; exit 1; }
  tmp=$(mktemp -d)
  mkdir -p "$tmp/server" "$tmp/tools"
  cp "$pins/server/go.mod" "$pins/server/go.sum" "$tmp/server/"
  cp "$pins/tools/go.mod" "$pins/tools/go.sum" "$tmp/tools/"
  cp -r "$here/etcd-go/main/etcd" "$tmp/server/"
  cp -r "$here/etcd-go/main/etcdctl" "$here/etcd-go/main/etcdutl" "$tmp/tools/"
  tv=$(awk '$1 == "go.etcd.io/etcd/etcdutl/v3" {sub(/^v/, "", $2); print $2}' "$pins/tools/go.mod")
  "$here/etcd-go/with-version-files.sh" "$tmp/tools" "$tv"
  (
    export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=readonly
    cd "$tmp/server" && go build -trimpath -ldflags='-s -w' -o "$dest/etcd" ./etcd
    cd "$tmp/tools" && go build -trimpath -ldflags='-s -w' -o "$dest/" ./etcdctl ./etcdutl
  ) || { rm -rf "$tmp"; echo "provide-etcd: building etcd $v from Go modules failed" >&2; exit 1; }
  rm -rf "$tmp"
}

apt_dir=""
apt_opts=()
setup_apt() {
  [ -z "$apt_dir" ] || return 0
  command -v apt-get >/dev/null || { echo "provide-etcd: apt-get not found; set ETCD_UPSTREAM_URL or put binaries in $cache/<version>/" >&2; exit 1; }
  # Reuse the mirror this machine already uses for bookworm.
  local mirror
  mirror=$(apt-cache policy base-files 2>/dev/null | awk '$2 ~ /^https?:/ && $3 ~ /^bookworm/ {print $2; exit}')
  if [ -z "$mirror" ]; then
    apt-get update -qq >/dev/null
    mirror=$(apt-cache policy base-files | awk '$2 ~ /^https?:/ && $3 ~ /^bookworm/ {print $2; exit}')
  fi
  [ -n "$mirror" ] || { echo "provide-etcd: cannot find this machine's Debian mirror in apt's configuration" >&2; exit 1; }
  apt_dir=$(mktemp -d)
  mkdir -p "$apt_dir/lists/partial"
  for s in bookworm trixie sid; do
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $s main"
  done >"$apt_dir/sources.list"
  apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=/dev/null" -o "Dir::State::Lists=$apt_dir/lists" -o "APT::Sandbox::User=root")
  apt-get "${apt_opts[@]}" update -qq >/dev/null
}

from_debian() {
  local v=$1 dest=$2 suite pkg ver tmp
  suite=$(suite_for "$v")
  setup_apt
  tmp=$(mktemp -d)
  for pkg in etcd-server etcd-client; do
    # Newest Debian revision of this upstream version in that suite.
    ver=$(apt-cache "${apt_opts[@]}" madison "$pkg" | awk -v s="$suite" -v v="$v" '$3 ~ "^"v"-" && $0 ~ " "s"/" {print $3; exit}')
    [ -n "$ver" ] || { echo "provide-etcd: $pkg $v not found in Debian $suite" >&2; rm -rf "$tmp"; return 1; }
    (cd "$tmp" && apt-get "${apt_opts[@]}" download -qq "$pkg=$ver" >/dev/null)
  done
  for deb in "$tmp"/*.deb; do dpkg -x "$deb" "$tmp/root"; done
  install -m 0755 "$tmp/root/usr/bin/etcd" "$tmp/root/usr/bin/etcdctl" "$dest"/
  [ -x "$tmp/root/usr/bin/etcdutl" ] && install -m 0755 "$tmp/root/usr/bin/etcdutl" "$dest"/
  rm -rf "$tmp"
}

for v in "${versions[@]}"; do
  if have "$v"; then continue; fi
  dest="$cache/$v"
  mkdir -p "$dest"
  echo "provide-etcd: providing etcd $v" >&2
  from_upstream "$v" "$dest" || from_go_modules "$v" "$dest" || from_debian "$v" "$dest"
  have "$v" || { echo "provide-etcd: etcd $v in $dest does not report version $v" >&2; exit 1; }
done
[ -z "$apt_dir" ] || rm -rf "$apt_dir"
echo "$cache"
