#!/usr/bin/env python3
"""Paired wall-time and peak-RSS measurement of whole commands.

    measure.py RUNS NAME=CMD... (CMD is a shell-quoted command line; the first one is the reference)

Runs every command once to warm the page cache, then RUNS rounds in which each command runs once, in turn, so that
a change in machine load hits all of them alike. Wall time comes from a monotonic clock around fork+exec+wait
(sub-millisecond, unlike /usr/bin/time's 10 ms steps), peak RSS from the kernel's rusage of that very child.
Prints, per command: median and minimum wall time, peak RSS, and the median of its per-round ratio to the reference.
"""
import os
import shlex
import statistics
import subprocess
import sys
import time


def run_once(argv):
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"measure.py: {' '.join(argv)} exited with {proc.returncode}")
    return wall, usage.ru_maxrss  # KiB on Linux


def main():
    runs = int(sys.argv[1])
    named = [arg.split("=", 1) for arg in sys.argv[2:]]
    commands = [(name, shlex.split(cmd)) for name, cmd in named]
    for _, argv in commands:
        run_once(argv)
    walls = {name: [] for name, _ in commands}
    rss = {name: 0 for name, _ in commands}
    for _ in range(runs):
        for name, argv in commands:
            wall, maxrss = run_once(argv)
            walls[name].append(wall)
            rss[name] = max(rss[name], maxrss)
    reference = commands[0][0]
    for name, _ in commands:
        ratio = statistics.median(a / b for a, b in zip(walls[name], walls[reference]))
        print(f"{name:<18} median wall {statistics.median(walls[name]) * 1000:6.1f} ms   min {min(walls[name]) * 1000:6.1f} ms"
              f"   peak RSS {rss[name] / 1024:6.1f} MB   ratio to {reference} {ratio:4.2f}   ({runs} runs)")


if __name__ == "__main__":
    main()
