#!/usr/bin/env bash
# Builds target/gowarden.jar when any source changed since the last build; quiet when up to date.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
jar=target/gowarden.jar
if [ -f "$jar" ] && [ -z "$(find src pom.xml scripts/build-bpf.sh -newer "$jar" -print -quit)" ]; then
  exit 0
fi
echo "gowarden: building ..." >&2
if ! mvn -B -q -DskipTests package >target-build.log 2>&1; then
  cat target-build.log >&2
  echo "gowarden: build failed (log above, also in target-build.log)" >&2
  exit 1
fi
rm -f target-build.log
# Train the JDK's AOT cache on a symbols lookup so short commands start faster; optional, never fatal.
# A stripped copy of the demo takes the path of stripped binaries (text start from moduledata, no .symtab),
# and an anchored exact-name filter the path of `symbols BINARY --filter '^pkg\.Name$'`.
rm -f target/gowarden.aot
if ./demo/build.sh >/dev/null 2>&1; then
  train=demo/demo
  if strip -o target/demo-stripped demo/demo 2>/dev/null; then
    train=target/demo-stripped
  fi
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData \
    -XX:AOTCacheOutput=target/gowarden.aot -Xlog:aot=off -Xlog:cds=off \
    -jar target/gowarden.jar symbols "$train" --filter '^main\.greet$' >/dev/null 2>&1 || rm -f target/gowarden.aot
  rm -f target/demo-stripped
fi
