#!/usr/bin/env bash
# Fetches arm64 esbuild binaries built before Go's arm64 register ABI (Go < 1.18) from the npm registry into DEST,
# for the ABI0 prologue tests of dev.gowarden.golang.CodeAnalyzer (fetch-go-corpus.sh has only a Go 1.23 arm64 one).
# Never committed; re-uses what is already there. Prints one line per binary: "<label> <path>".
#   scripts/fetch-old-arm64-go.sh DEST
set -euo pipefail
dest=${1:?usage: fetch-old-arm64-go.sh DEST}
mkdir -p "$dest/npm-cache"
specs=(
  esbuild-linux-arm64@0.8.46     # go1.15.7, stripped
  esbuild-linux-arm64@0.13.15    # go1.17.2, stripped
)
for spec in "${specs[@]}"; do
  label=$(echo "$spec" | sed -e 's/@/-/')
  out="$dest/$label/esbuild"
  if [ ! -s "$out" ]; then
    tmp=$(mktemp -d "$dest/npm-cache/tmp.XXXXXX")
    tgz=$(cd "$tmp" && npm pack --silent --cache "$dest/npm-cache/npm" "$spec" | tail -1)
    mkdir -p "$dest/$label"
    tar -xzf "$tmp/$tgz" -C "$tmp" package/bin/esbuild
    mv "$tmp/package/bin/esbuild" "$out.part"
    mv "$out.part" "$out"
    rm -rf "$tmp"
  fi
  echo "$label $out"
done
