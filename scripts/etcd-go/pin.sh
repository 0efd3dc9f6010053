#!/usr/bin/env bash
# Writes pins/<VERSION>/{server,tools}/go.{mod,sum}: the wrapper modules that
# build etcd (server) and etcdctl + etcdutl (tools) from etcd's official Go
# modules at one version. Run it when adding an etcd version; commit the result.
# The etcd modules' own go.mod files carry replace directives that only work
# inside etcd's repository, hence wrapper modules of ours rather than
# `go install pkg@version`.
#
# Usage: scripts/etcd-go/pin.sh VERSION [TOOLS_VERSION]
#   TOOLS_VERSION: etcdctl/etcdutl version when the module proxy lacks VERSION
#   for those modules (the server, and so `etcd --version`, stays at VERSION).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
v=${1:?usage: pin.sh VERSION [TOOLS_VERSION]}
tv=${2:-$v}
export GOTOOLCHAIN=local GOFLAGS=-mod=mod

# Copies the wrapper mains of one part into a scratch module, then lets go
# resolve and tidy exactly what they import.
pin() { # part, its mains, then the modules it needs at their versions
  local part=$1 mains=$2; shift 2
  local tmp m dest=$here/pins/$v/$part
  tmp=$(mktemp -d)
  for m in $mains; do cp -r "$here/main/$m" "$tmp/"; done
  "$here/with-version-files.sh" "$tmp" "$tv"
  (cd "$tmp" && go mod init "charmed-etcd.local/etcd-$part" >/dev/null 2>&1 && go mod edit -go=1.24 && go get "$@" && go mod tidy)
  mkdir -p "$dest"
  cp "$tmp/go.mod" "$tmp/go.sum" "$dest/"
  rm -rf "$tmp"
}
pin server etcd "go.etcd.io/etcd/server/v3@v$v"
pin tools "etcdctl etcdutl" "go.etcd.io/etcd/etcdctl/v3@v$tv" "go.etcd.io/etcd/etcdutl/v3@v$tv"
echo "pinned etcd $v (etcdctl/etcdutl $tv) in $here/pins/$v"
