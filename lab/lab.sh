#!/usr/bin/env bash
# The kernel lab: runs a command as root inside Debian's 6.1 cloud kernel, booted by QEMU (software emulation) from
# an initramfs holding busybox, a jlink'ed JDK 25 (java.base), libbpf and gowarden. That kernel has what the host's
# lacks: kprobes, fentry/fmod_ret and BPF LSM (booted with lsm=...,bpf).
#   lab/lab.sh [--file PATH]... [--classpath CP] -- COMMAND [ARG]...
# Inside: `gowarden` runs target/gowarden.jar, or with --classpath (jars and class folders, ':'-separated; what
# the test JVM runs from, before any jar is packaged) dev.gowarden.cli.Main from those; files given with --file are
# in /lab; tracefs/bpffs/securityfs are mounted.
# Output: the guest's console; the exit status is the command's. Builds its base image once (target/lab/base.cpio.gz).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
lab=$repo/target/lab
JDK=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
files=()
classpath=
while [ $# -gt 0 ]; do
  case $1 in
    --file) files+=("$2"); shift 2 ;;
    --classpath) classpath=$2; shift 2 ;;
    --) shift; break ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "usage: lab/lab.sh [--file PATH]... -- COMMAND [ARG]..." >&2; exit 2; }

need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
command -v cpio >/dev/null || need+=(cpio)
[ -e /usr/lib/x86_64-linux-gnu/libbpf.so.1 ] || need+=(libbpf1)
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed' || need+=(busybox-static)
ls /boot/vmlinuz-6.1.0-*-cloud-amd64 >/dev/null 2>&1 || need+=(linux-image-cloud-amd64)
if [ ${#need[@]} -gt 0 ]; then
  echo "lab: installing ${need[*]} ..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/tmp/gowarden-lab-apt.log 2>&1 || {
    apt-get update -qq >>/tmp/gowarden-lab-apt.log 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >>/tmp/gowarden-lab-apt.log 2>&1 || {
      echo "lab: apt-get install ${need[*]} failed; see /tmp/gowarden-lab-apt.log" >&2; exit 1; }
  }
fi
kernel=$(ls /boot/vmlinuz-6.1.0-*-cloud-amd64 | sort -V | tail -1)
jar=$repo/target/gowarden.jar
[ -n "$classpath" ] || [ -f "$jar" ] || { echo "lab: $jar missing: build first (./gowarden --version)" >&2; exit 1; }
mkdir -p "$lab"

# The base image: busybox, the JDK runtime, the shared libraries java and libbpf load. Rebuilt when lab.sh, the JDK or
# libbpf changes.
base=$lab/base.cpio.gz
if [ ! -f "$base" ] || [ "$0" -nt "$base" ] || [ "$JDK/release" -nt "$base" ] || [ /usr/lib/x86_64-linux-gnu/libbpf.so.1 -nt "$base" ]; then
  echo "lab: building the base image ..." >&2
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  mkdir -p "$root"/{bin,dev,proc,sys,tmp,root,lab,etc} "$root"/lib/x86_64-linux-gnu "$root"/lib64
  cp /bin/busybox "$root/bin/busybox"
  "$JDK/bin/jlink" --add-modules java.base --strip-debug --no-man-pages --no-header-files --generate-cds-archive \
    --output "$root/jdk" >/dev/null
  for lib in $( (ldd "$root/jdk/bin/java"; ldd "$root"/jdk/lib/server/libjvm.so; ldd /usr/lib/x86_64-linux-gnu/libbpf.so.1) \
                | awk '/=>/ {print $3} /ld-linux/ {print $1}' | sort -u); do
    cp -L "$lib" "$root/lib/x86_64-linux-gnu/"
  done
  cp -L /usr/lib/x86_64-linux-gnu/libbpf.so.1 "$root/lib/x86_64-linux-gnu/"
  cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
  cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t bpf bpf /sys/fs/bpf
mount -t securityfs securityfs /sys/kernel/security
mount -t tracefs tracefs /sys/kernel/tracing
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
export PATH=/bin:/jdk/bin LD_LIBRARY_PATH=/lib/x86_64-linux-gnu HOME=/root LANG=C.UTF-8
cd /lab
# the markers carry this run's nonce (kernel command line), so output of the command cannot fake them
nonce=$(sed -n 's/.*gowarden.nonce=\([0-9a-f]*\).*/\1/p' /proc/cmdline)
echo "GOWARDEN-LAB-BEGIN-$nonce"
sh /lab/run.sh
echo "GOWARDEN-LAB-EXIT-$nonce $?"
poweroff -f
INIT
  chmod +x "$root/init"
  (cd "$root" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$base.tmp"
  mv "$base.tmp" "$base"
  rm -rf "$root"
  trap - EXIT
fi

# The run's own files, appended as a second archive (the kernel unpacks concatenated archives in turn).
run=$(mktemp -d)
trap 'rm -rf "$run"' EXIT
mkdir -p "$run/lab" "$run/bin"
for f in "${files[@]}"; do cp -L "$f" "$run/lab/"; done
if [ -n "$classpath" ]; then
  mkdir -p "$run/lab/cp"
  guest_cp=
  i=0
  IFS=: read -r -a entries <<<"$classpath"
  for e in "${entries[@]}"; do
    [ -e "$e" ] || continue
    cp -rL "$e" "$run/lab/cp/$i"
    guest_cp=${guest_cp:+$guest_cp:}/lab/cp/$i
    i=$((i + 1))
  done
  launch="-cp $guest_cp dev.gowarden.cli.Main"
else
  cp "$jar" "$run/lab/gowarden.jar"
  launch="-jar /lab/gowarden.jar"
fi
cat >"$run/bin/gowarden" <<GW
#!/bin/sh
exec /jdk/bin/java --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:-UsePerfData -XX:TieredStopAtLevel=1 \\
  -Dstdout.encoding=UTF-8 -Dstderr.encoding=UTF-8 $launch "\$@"
GW
chmod +x "$run/bin/gowarden"
printf '%q ' "$@" >"$run/lab/run.sh"
echo >>"$run/lab/run.sh"
(cd "$run" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$run/overlay.cpio.gz"
cat "$base" "$run/overlay.cpio.gz" >"$run/initrd.gz"

# Software emulation: this host is itself a guest without usable KVM. The markers delimit the command's output.
code_file=$run/exit-code
nonce=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
timeout "${LAB_TIMEOUT:-300}" qemu-system-x86_64 -accel tcg,thread=multi -cpu max -smp 2 -m 2048 -nographic -no-reboot \
  -kernel "$kernel" -initrd "$run/initrd.gz" \
  -append "console=ttyS0 quiet panic=-1 lsm=lockdown,capability,landlock,bpf gowarden.nonce=$nonce" </dev/null 2>&1 | tr -d '\r' \
  | awk -v codefile="$code_file" -v begin="GOWARDEN-LAB-BEGIN-$nonce" -v done="GOWARDEN-LAB-EXIT-$nonce " '
         index($0, begin) {on=1; next}
         on && index($0, done) {code=substr($0, index($0, done) + length(done)); sub(/[^0-9].*/, "", code); on=0; next}
         on {print; fflush()}
         END {if (code != "") print code > codefile}' || true
if [ ! -s "$code_file" ]; then
  echo "lab: the guest did not report an exit status (boot failure, or more than ${LAB_TIMEOUT:-300} s)" >&2
  exit 125
fi
exit "$(cat "$code_file")"
