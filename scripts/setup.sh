#!/usr/bin/env bash
# Installs what gowarden needs on a Debian machine and mounts the kernel file systems it uses.
# Idempotent: does nothing (and prints nothing) when everything is already in place.
set -euo pipefail

JDK=/usr/lib/jvm/temurin-25-jdk-amd64
packages=(clang llvm libbpf-dev libbpf1 bpftool golang-go maven binutils gcc)
commands=(clang llvm-strip "" "" bpftool go mvn objdump gcc)

missing=()
for i in "${!packages[@]}"; do
  pkg=${packages[$i]} cmd=${commands[$i]}
  if [ -n "$cmd" ]; then
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
  else
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  fi
done
# Optional extras for benchmarks / the kernel lab are installed by their own scripts.
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "gowarden: missing Debian packages: ${missing[*]}; run as root or: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "gowarden: installing ${missing[*]} ..." >&2
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/tmp/gowarden-apt.log 2>&1; then
    apt-get update -qq >>/tmp/gowarden-apt.log 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >>/tmp/gowarden-apt.log 2>&1 || {
      echo "gowarden: apt-get install ${missing[*]} failed; see /tmp/gowarden-apt.log" >&2; exit 1; }
  fi
fi

if [ ! -x "$JDK/bin/java" ]; then
  echo "gowarden: JDK 25 not found at $JDK (Temurin 25 is expected there)" >&2
  exit 1
fi

# tracefs and bpffs are not mounted on a fresh machine.
if [ "$(id -u)" = 0 ]; then
  if ! mountpoint -q /sys/kernel/tracing 2>/dev/null; then
    mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || echo "gowarden: could not mount tracefs at /sys/kernel/tracing" >&2
  fi
  if ! mountpoint -q /sys/fs/bpf 2>/dev/null; then
    mount -t bpf bpf /sys/fs/bpf 2>/dev/null || echo "gowarden: could not mount bpffs at /sys/fs/bpf" >&2
  fi
fi
exit 0
