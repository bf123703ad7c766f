#!/usr/bin/env bash
# Benchmark: `gowarden symbols BINARY --filter '^os\.Getenv$'` end to end (JVM start included) against a Go program
# that finds the same function with Go's own debug/elf + debug/gosym (gosym-lookup/main.go), on the same file.
# Reports the median wall time of RUNS runs (after one warm-up) and the peak RSS, both from /usr/bin/time -v;
# uses hyperfine for the wall times when it is installed.
#   bench/symbols/run.sh [BINARY] [RUNS]        (defaults: /usr/local/bin/terraform, 10)
# Environment: JAR (default target/gowarden.jar), JAVA_HOME (default temurin 25), JAVA_OPTS (extra JVM flags).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
bin=${1:-/usr/local/bin/terraform}
runs=${2:-10}
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
jar=${JAR:-$repo/target/gowarden.jar}
[ -f "$jar" ] || { echo "no $jar: build it first (./gowarden --version, or mvn -DskipTests package)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$here/gosym-lookup" && GO111MODULE=off GOCACHE="$work/gocache" go build -o "$work/gosym-lookup" ./main.go)

java_cmd=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC ${JAVA_OPTS:-} -jar "$jar"
          symbols "$bin" --filter '^os\.Getenv$')
go_cmd=("$work/gosym-lookup" "$bin" os.Getenv)

echo "gowarden: $("${java_cmd[@]}" | tail -1)"
echo "go:       $("${go_cmd[@]}")"

measure() { # name, command...: prints median wall seconds and max peak RSS (KB) over $runs runs
  local name=$1; shift
  "$@" >/dev/null 2>&1 || true   # warm-up (page cache, JIT-less start either way)
  local walls=() rss=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -v -o "$work/t" "$@" >/dev/null 2>&1
    local w r
    w=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$work/t")
    r=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/t")
    walls+=("$w"); [ "$r" -gt "$rss" ] && rss=$r
  done
  local median
  median=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
  printf '%-10s median wall %6.3f s   peak RSS %7.1f MB   (%d runs)\n' "$name" "$median" "$(echo "$rss/1024" | bc -l)" "$runs"
}
measure gowarden "${java_cmd[@]}"
measure go "${go_cmd[@]}"
if command -v hyperfine >/dev/null; then
  hyperfine -N -w 2 -r "$runs" "$(printf '%q ' "${java_cmd[@]}")" "$(printf '%q ' "${go_cmd[@]}")"
fi
