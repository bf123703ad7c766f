#!/usr/bin/env bash
# Builds the demo Go program (demo/demo) with the machine's Go when main.go changed.
set -euo pipefail
cd "$(dirname "$0")"
if [ -x demo ] && [ demo -nt main.go ]; then exit 0; fi
GOFLAGS=-mod=mod CGO_ENABLED=0 go build -o demo . 
