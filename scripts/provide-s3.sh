#!/usr/bin/env bash
# Provides a real S3 server for the tests: Versity's S3 gateway (versitygw,
# Apache-2.0) with its posix backend, built from its official Go module
# through the Go module proxy at one pinned version, into a cache outside the
# repository:
#   $CHARMED_ETCD_CACHE/s3/versitygw-<version>/versitygw
# `go install module@version` verifies every dependency against the module's
# own go.sum (and Go's checksum database), so a build cannot resolve anything
# else. The build is static (CGO off) and stamped with its version, which is
# how a cached binary is recognised. Prints the binary's path on the last line
# and, when it had to build, the build time on stderr.
#
# Usage: scripts/provide-s3.sh
set -euo pipefail

version=v1.8.0
cache="${CHARMED_ETCD_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/charmed-etcd}/s3"
dest="$cache/versitygw-${version#v}"
bin="$dest/versitygw"

have() {
  [ -x "$bin" ] || return 1
  local out
  out=$("$bin" --version 2>/dev/null) || return 1
  [[ "$out" == *"Version  : $version"* ]]
}

if ! have; then
  command -v go >/dev/null || { echo "provide-s3: versitygw is built from its Go module, and go is not installed" >&2; exit 1; }
  echo "provide-s3: building versitygw $version" >&2
  start=$SECONDS
  mkdir -p "$dest"
  tmp=$(mktemp -d)
  (
    export CGO_ENABLED=0 GOTOOLCHAIN=local GOBIN="$tmp" GOFLAGS=-mod=readonly
    go install -trimpath -ldflags="-s -w -X main.Version=$version" "github.com/versity/versitygw/cmd/versitygw@$version"
  ) || { rm -rf "$tmp"; echo "provide-s3: building versitygw $version failed" >&2; exit 1; }
  # Moved in whole, so a build killed half-way never leaves a binary behind.
  mv "$tmp/versitygw" "$bin.tmp" && mv "$bin.tmp" "$bin"
  rm -rf "$tmp"
  echo "provide-s3: built versitygw $version in $((SECONDS - start)) s" >&2
  have || { echo "provide-s3: $bin does not report version $version" >&2; exit 1; }
fi
echo "$bin"
