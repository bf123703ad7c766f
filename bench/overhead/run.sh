#!/usr/bin/env bash
# Per-call overhead of tracing main.f(s string, n int) in a tight Go loop: untraced, traced by gowarden, traced by
# bpftrace printing the same two arguments. Each traced run writes its output to a file whose lines are counted,
# so lost events show up. Prints a Markdown table.
#   bench/overhead/run.sh [CALLS] [RUNS]      (defaults: 1000000, 3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
calls=${1:-1000000}
runs=${2:-3}
work=$repo/bench/work
mkdir -p "$work"
(cd "$here" && GO111MODULE=off GOCACHE="$work/gocache" go build -o "$work/overhead" ./main.go)
bin=$work/overhead
command -v bpftrace >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bpftrace >/dev/null

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
loop() { for _ in $(seq "$runs"); do "$bin" -n "$calls"; done | median; }
wait_for() { # file, pattern
  for _ in $(seq 300); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "timed out waiting for '$2' in $1" >&2; cat "$1" >&2; return 1
}

base=$(loop)

"$repo/gowarden" --version >/dev/null   # builds if needed, outside the timing
rm -f "$work"/gowarden*.out "$work"/gowarden*.err "$work"/bpftrace.*

# measure NAME GOWARDEN-ARGS...: runs gowarden in the background while the loop runs, then stops it (SIGTERM: a
# script's background jobs ignore SIGINT); sets NAME_ns (median ns per call), NAME_lines, NAME_dropped.
measure() {
  local name=$1; shift
  "$repo/gowarden" "$@" >"$work/gowarden-$name.out" 2>"$work/gowarden-$name.err" &
  local gw=$!
  wait_for "$work/gowarden-$name.err" "Ctrl-C"
  printf -v "${name}_ns" '%s' "$(loop)"
  sleep 1
  kill -TERM $gw; wait $gw || true
  printf -v "${name}_lines" '%s' "$(wc -l <"$work/gowarden-$name.out")"
  printf -v "${name}_dropped" '%s' "$(sed -n 's/.* \([0-9]*\) dropped.*/\1/p' "$work/gowarden-$name.err")"
}

measure gw trace "$bin" 'main.f(s string, n int)'
# returns: a silent entry probe keeps the start time, a probe on the RET reports the result and the duration
measure gwr trace "$bin" 'main.f(s string, n int) int' --returns-only
# a policy whose selector keeps one call in four in the kernel (s Prefix "alpha"): the cost of evaluating it
cat >"$work/policy.yaml" <<POLICY
apiVersion: cilium.io/v1alpha1
kind: TracingPolicy
metadata:
  name: bench-alpha
spec:
  uprobes:
  - path: $bin
    symbols: [main.f]
    args: [{index: 0, type: go_string, label: s}, {index: 1, type: int, label: n}]
    selectors:
    - matchArgs: [{index: 0, operator: Prefix, values: [alpha]}]
POLICY
measure gwp policy run "$work/policy.yaml"

bpftrace -e "uprobe:$bin:main.f { printf(\"%s %d\\n\", str(reg(\"ax\"), reg(\"bx\")), reg(\"cx\")); }" >"$work/bpftrace.out" 2>"$work/bpftrace.err" &
bt=$!
wait_for "$work/bpftrace.out" "Attaching"
bt_ns=$(loop)
sleep 1
kill -TERM $bt; wait $bt || true
bt_lines=$(($(grep -c . "$work/bpftrace.out") - 1))
bt_lost=$( (grep -ho "Lost [0-9]* events" "$work/bpftrace.out" "$work/bpftrace.err" || true) | awk "{s+=\$2} END {print s+0}")

expected=$((calls * runs))
printf '| loop of %d calls to main.f(s string, n int) | ns per call (median of %d) | overhead per call | events written / calls | lost |\n' "$calls" "$runs"
printf '|---|---|---|---|---|\n'
printf '| untraced | %s | - | - | - |\n' "$base"
printf '| gowarden trace | %s | %.0f ns | %d / %d | %s dropped |\n' "$gw_ns" "$(echo "$gw_ns - $base" | bc)" "$gw_lines" "$expected" "${gw_dropped:-?}"
printf '| gowarden trace --returns-only (entry + RET probe, result and duration) | %s | %.0f ns | %d / %d | %s dropped |\n' "$gwr_ns" "$(echo "$gwr_ns - $base" | bc)" "$gwr_lines" "$expected" "${gwr_dropped:-?}"
printf '| gowarden policy run, selector s Prefix "alpha" in the kernel (1 call in 4 posted) | %s | %.0f ns | %d / %d | %s dropped |\n' "$gwp_ns" "$(echo "$gwp_ns - $base" | bc)" "$gwp_lines" "$((expected / 4))" "${gwp_dropped:-?}"
printf '| bpftrace 0.17 printf(str(ax,bx), cx) | %s | %.0f ns | %d / %d | %s lost |\n' "$bt_ns" "$(echo "$bt_ns - $base" | bc)" "$bt_lines" "$expected" "$bt_lost"
head -2 "$work/gowarden-gw.out" | sed 's/^/    gowarden: /' >&2
head -2 "$work/gowarden-gwr.out" | sed 's/^/    gowarden --returns-only: /' >&2
sed -n 2,3p "$work/bpftrace.out" | sed 's/^/    bpftrace: /' >&2
