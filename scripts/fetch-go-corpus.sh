#!/usr/bin/env bash
# Fetches prebuilt Go binaries from the npm registry (esbuild's per-platform packages, built by many Go releases)
# into DEST, for the pclntab tests of dev.gowarden.golang. Binaries are never committed; this runs on demand and
# re-uses what is already there. Prints one line per binary: "<label> <path>".
#   scripts/fetch-go-corpus.sh DEST
# The label names the package; the Go version is not assumed here: tests read it with `go version`.
set -euo pipefail
dest=${1:?usage: fetch-go-corpus.sh DEST}
mkdir -p "$dest/npm-cache"
# package@version               (Go release it was built with, as `go version` reports, for orientation only)
specs=(
  esbuild-linux-64@0.5.26        # go1.14.2, not stripped
  esbuild-linux-64@0.7.22        # go1.15
  esbuild-linux-64@0.11.23       # go1.16.3
  esbuild-linux-64@0.12.29       # go1.17.1
  esbuild-linux-64@0.14.54       # go1.19
  @esbuild/linux-x64@0.19.0      # go1.20.7
  @esbuild/linux-x64@0.24.0      # go1.23.1
  @esbuild/linux-arm64@0.24.0    # go1.23.1 arm64
  @esbuild/linux-x64@0.27.0      # go1.25.4, no build info
  @esbuild/linux-x64@0.28.2      # go1.26.5, no build info, header textStart 0
  esbuild-linux-arm64@0.8.46     # go1.15.7 arm64, stripped (stack ABI prologues)
  esbuild-linux-arm64@0.13.15    # go1.17.2 arm64, stripped (stack ABI prologues)
)
for spec in "${specs[@]}"; do
  label=$(echo "$spec" | sed -e 's/^@//' -e 's#/#-#' -e 's/@/-/')
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
