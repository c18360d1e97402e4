#!/bin/bash
# wd's end-to-end test guest (adapted from the project's proven reference recipe).
# Build a tiny watchdog test guest:  vmlinuz + initramfs.cpio.gz in $OUT (default .work/guest)
#  - kernel + watchdog modules are extracted (dpkg -x, NOT installed) from Debian's linux-image-amd64 dependency
#  - userland = busybox-static
#  - /init arms the watchdog and then stops petting it (mode chosen on the kernel cmdline, see below)
# Needs: busybox-static cpio gzip python3 (apt-get download works without network-less tricks: Debian mirror only)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT=${OUT:-$HERE/../../../.work/guest}
mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"; cd "$OUT"
# packages the guest is made of, and QEMU to run it (TCG: KVM does not boot guests on these machines)
for p in busybox-static cpio xz-utils qemu-system-x86; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' && continue
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends busybox-static cpio xz-utils qemu-system-x86 >&2
  break
done

# 1. kernel package: resolve the real image package behind the linux-image-amd64 metapackage
KPKG=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/{print $2; exit}')
DEB=$(ls ${KPKG}_*.deb 2>/dev/null | head -1 || true)
if [ -z "$DEB" ]; then apt-get download "$KPKG" >/dev/null 2>&1; DEB=$(ls ${KPKG}_*.deb | head -1); fi
if [ ! -d kpkg/boot ]; then rm -rf kpkg; mkdir kpkg; dpkg -x "$DEB" kpkg; fi
KVER=$(ls kpkg/lib/modules | head -1)
cp -f kpkg/boot/vmlinuz-"$KVER" vmlinuz
echo "kernel: $KPKG ($DEB) KVER=$KVER"

# 2. initramfs tree
R=$OUT/rootfs; rm -rf "$R"; mkdir -p "$R"/{bin,dev,proc,sys,tmp,lib/modules}
cp /bin/busybox "$R"/bin/busybox          # busybox-static
file_ok() { python3 - "$1" <<'EOF'
import sys; d=open(sys.argv[1],'rb').read(4); sys.exit(0 if d==b'\x7fELF' else 1)
EOF
}
file_ok "$R"/bin/busybox || { echo "busybox is not an ELF?"; exit 1; }
MODDIR=kpkg/lib/modules/$KVER/kernel
for m in drivers/watchdog/watchdog.ko drivers/watchdog/i6300esb.ko drivers/watchdog/ib700wdt.ko \
         drivers/mfd/lpc_ich.ko drivers/mfd/intel_pmc_bxt.ko drivers/watchdog/iTCO_vendor_support.ko \
         drivers/watchdog/iTCO_wdt.ko; do
  src=$MODDIR/$m
  if   [ -f "$src" ];    then cp "$src" "$R"/lib/modules/
  elif [ -f "$src.xz" ]; then xz -dc "$src.xz" > "$R"/lib/modules/$(basename "$m")   # trixie+ ships .ko.xz
  else echo "missing module $m"; exit 1; fi
done

cat > "$R"/init <<'INIT'
#!/bin/busybox sh
# Kernel cmdline knobs (all optional):
#   wdt=i6300esb|ib700|itco        which driver to load        (default i6300esb)
#   wdt_arm=ioctl|param|sysrq|plain|none  ioctl: busybox watchdog -T <timeout> (WDIOC_SETTIMEOUT), then kill -9 it
#                                   param: load module with heartbeat=<timeout>, write one byte & close w/o 'V'
#                                   sysrq: like ioctl, but then crash the kernel (echo c > /proc/sysrq-trigger)
#                                   plain: write one byte & close w/o 'V' with the driver's default heartbeat (30 s)
#   wdt_timeout=N (default 2)   wdt_hold=S seconds of healthy petting before the "hang" (default 1)
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
up() { cut -d' ' -f1 /proc/uptime; }
log() { echo "GUEST[$(up)]: $*"; }
WDT=i6300esb; ARM=ioctl; T=2; HOLD=1
for a in $(cat /proc/cmdline); do case $a in
  wdt=*) WDT=${a#*=};; wdt_arm=*) ARM=${a#*=};; wdt_timeout=*) T=${a#*=};; wdt_hold=*) HOLD=${a#*=};; esac; done
log "init start wdt=$WDT arm=$ARM timeout=$T hold=$HOLD"
HB=""; [ "$ARM" = param ] && HB="heartbeat=$T"
insmod /lib/modules/watchdog.ko 2>/dev/null
case $WDT in
  i6300esb) insmod /lib/modules/i6300esb.ko $HB ;;
  ib700)    [ "$ARM" = param ] && HB="timeout=$T"; insmod /lib/modules/ib700wdt.ko $HB ;;
  itco)     insmod /lib/modules/intel_pmc_bxt.ko; insmod /lib/modules/iTCO_vendor_support.ko
            insmod /lib/modules/lpc_ich.ko; insmod /lib/modules/iTCO_wdt.ko $([ "$ARM" = param ] && echo heartbeat=$T) ;;
esac
dmesg | grep -i -E 'i6300|ib700|iTCO|watchdog' | grep -v -E 'command line|wdt=' | sed 's/^/GUEST-dmesg: /'
ls -l /dev/watchdog* 2>&1 | sed 's/^/GUEST: /'
for f in identity timeout bootstatus state; do
  [ -r /sys/class/watchdog/watchdog0/$f ] && log "sysfs watchdog0/$f=$(cat /sys/class/watchdog/watchdog0/$f)"; done
BS=$(cat /sys/class/watchdog/watchdog0/bootstatus 2>/dev/null || echo 0)
if [ $((BS & 32)) -ne 0 ]; then
  log "WDT-REBOOT-DETECTED: bootstatus=$BS (WDIOF_CARDRESET) -> previous boot was reset by the watchdog; powering off"
  poweroff -f
fi
[ -c /dev/watchdog ] || { log "NO /dev/watchdog"; sleep 3600; }
case $ARM in
  ioctl|sysrq)
    watchdog -T "$T" -t 1 /dev/watchdog              # daemonizes; sets WDIOC_SETTIMEOUT=$T, pets every 1 s
    sleep 0.3; log "armed via busybox watchdog -T $T; sysfs timeout=$(cat /sys/class/watchdog/watchdog0/timeout 2>/dev/null)"
    sleep "$HOLD"
    P=$(pidof watchdog); kill -9 $P; log "HANG: killed petting daemon pid $P (no magic close) -> expect bark ~${T}s"
    if [ "$ARM" = sysrq ]; then log "HANG: crashing kernel via sysrq-c"; echo c > /proc/sysrq-trigger; fi ;;
  param)
    echo -n 1 > /dev/watchdog                       # open+ping+close without 'V' = "unexpected close", stays armed
    log "HANG: armed via module param ($HB), closed without magic char -> expect bark ~${T}s" ;;
  plain)
    echo -n 1 > /dev/watchdog                       # driver default heartbeat (i6300esb: 30 s)
    log "HANG: armed with driver default timeout=$(cat /sys/class/watchdog/watchdog0/timeout 2>/dev/null), closed without magic char" ;;
  none) log "not arming" ;;
esac
i=0; while :; do sleep 1; i=$((i+1)); log "still alive t+$i s"; done
INIT
chmod +x "$R"/init
(cd "$R" && find . | cpio -o -H newc --quiet | gzip -9) > initramfs.cpio.gz
ls -l vmlinuz initramfs.cpio.gz
