#!/usr/bin/env bash
# Compiles every src/main/bpf/*.bpf.c into OUT/<name>.bpf.o: clang -target bpf, DWARF stripped, BTF kept.
set -euo pipefail
shopt -s nullglob
src=$1 out=$2
mkdir -p "$out"
arch=$(uname -m); case "$arch" in x86_64) target=x86;; aarch64) target=arm64;; *) target=$arch;; esac
for c in "$src"/*.bpf.c; do
  name=$(basename "$c" .c)
  obj="$out/$name.o"
  if [ -f "$obj" ] && [ -z "$(find "$src" -newer "$obj" -print -quit)" ]; then continue; fi
  clang -O2 -g -Wall -Werror -target bpf -D__TARGET_ARCH_$target \
    -I"$src" -I/usr/include/"$arch"-linux-gnu -c "$c" -o "$obj.tmp"
  llvm-strip -g "$obj.tmp"
  mv "$obj.tmp" "$obj"
done
