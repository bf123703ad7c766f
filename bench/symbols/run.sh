#!/usr/bin/env bash
# Benchmark: `gowarden symbols BINARY --filter '^os\.Getenv$'` end to end (JVM start included) against a Go program
# that finds the same function with Go's own debug/elf + debug/gosym (gosym-lookup/main.go), on the same file.
# Two gowarden figures: through the ./gowarden launcher (what users type: bash, its build check, then the JVM) and
# the JVM command line the launcher runs. measure.py runs the commands in turn RUNS times (after one warm-up each) and
# prints median/min wall time, peak RSS and the median per-round ratio to the Go program.
#   bench/symbols/run.sh [BINARY] [RUNS]        (defaults: /usr/local/bin/terraform, 20)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
bin=${1:-/usr/local/bin/terraform}
runs=${2:-20}
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
"$repo/scripts/build.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$here/gosym-lookup" && GO111MODULE=off GOCACHE="$work/gocache" go build -o "$work/gosym-lookup" ./main.go)

# the JVM command line of the launcher for short commands (see ./gowarden)
java_cmd="$JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData \
-XX:Tier3BackEdgeThreshold=2000 -XX:Tier3InvocationThreshold=100 -XX:Tier3CompileThreshold=500 \
-XX:AOTCache=$repo/target/gowarden.aot -Xlog:aot=off -Xlog:cds=off -Dgowarden.home=$repo -jar $repo/target/gowarden.jar"
filter="'^os\\.Getenv\$'"

echo "gowarden: $("$repo/gowarden" symbols "$bin" --filter '^os\.Getenv$' | tail -1)"
echo "go:       $("$work/gosym-lookup" "$bin" os.Getenv)"
python3 "$here/measure.py" "$runs" \
  "go=$work/gosym-lookup $bin os.Getenv" \
  "gowarden=$repo/gowarden symbols $bin --filter $filter" \
  "gowarden-jvm-only=$java_cmd symbols $bin --filter $filter"
