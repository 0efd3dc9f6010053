#!/usr/bin/env bash
# Turns the copied wrapper mains in DIR into the ones for etcd VERSION: files
# named *_<major>_<minor>.go.in hold code for that minor and later.
set -euo pipefail
dir=$1 v=$2
minor=${v#*.}; minor=${minor%%.*}
for f in "$dir"/*/*.go.in; do
  [ -e "$f" ] || continue
  want=${f##*_}; want=${want%.go.in}
  if [ "$minor" -ge "$want" ]; then mv "$f" "${f%.go.in}.go"; else rm -f "$f"; fi
done
