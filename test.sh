#!/usr/bin/env bash
# Runs the whole test suite (unit, BPF on this kernel, end-to-end) and ends with "N passed, N failed".
# Tests that need root/BPF fail rather than skip when the machine cannot run them.
set -uo pipefail
cd "$(dirname "$0")"
./scripts/setup.sh || exit 1
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
rm -rf target/surefire-reports
mvn -B -ntp test "$@" 2>&1 | grep -v -E '^\[INFO\] (Download|Running|Tests run:.*-- in )' 
mvn_rc=${PIPESTATUS[0]}
python3 - <<'PY'
import glob, xml.etree.ElementTree as ET
t=f=e=s=0
for p in glob.glob('target/surefire-reports/TEST-*.xml'):
    r=ET.parse(p).getroot()
    t+=int(r.get('tests',0)); f+=int(r.get('failures',0)); e+=int(r.get('errors',0)); s+=int(r.get('skipped',0))
    for tc in r.iter('testcase'):
        if tc.find('skipped') is not None:
            print(f"SKIPPED (counted as failed): {tc.get('classname')}.{tc.get('name')}")
print(f"Surefire: tests={t} failures={f} errors={e} skipped={s}")
open('target/.test-summary','w').write(f"{t-f-e-s} {f+e+s}\n")
PY
read -r passed failed < target/.test-summary 2>/dev/null || { passed=0; failed=1; }
if [ "$mvn_rc" != 0 ] && [ "$failed" = 0 ]; then failed=1; echo "maven exited with $mvn_rc before tests could report"; fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$mvn_rc" = 0 ]
