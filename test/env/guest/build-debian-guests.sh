#!/usr/bin/env bash
# build-debian-guests.sh - the real guests of the guest-half tests (adapted from the project's proven reference recipe):
# Debian 12 root file systems made from Debian's packages with mmdebstrap (systemd, udev, cloud-init 22.4 from
# bookworm, no network), each as a compressed qcow2 disk (ext4, no partition table: root=/dev/vda) with its kernel and
# initrd beside it, for Nova's kernel_id/ramdisk_id images or QEMU's direct kernel boot:
#   std    linux-image-amd64: the standard kernel, whose i6300esb driver is a module; and the watchdog package, as
#          Debian installs it (its daemon opens no device until configured), for the guest half's daemon feeder
#   cloud  linux-image-cloud-amd64: Debian's cloud kernel, built without the i6300esb driver (genericcloud images)
# Cached in $GI (default .work/guests), rebuilt when this script changes. Root is needed (mmdebstrap's root mode).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
GI=${GI:-$HERE/../../../.work/guests}
mkdir -p "$GI"; GI="$(cd "$GI" && pwd)"
[ "$(id -u)" = 0 ] || { echo "build-debian-guests.sh: must run as root (mmdebstrap's root mode)" >&2; exit 1; }
missing=()
for p in mmdebstrap qemu-utils genisoimage e2fsprogs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
  --no-install-recommends "${missing[@]}" >&2
STAMP=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)
# the host's Debian mirror (the only one this machine reaches), as apt has it
MIRROR=$(cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
  sed -n 's/^URIs: *//p; s/^deb \(http[^ ]*\) bookworm .*/\1/p' | grep -v security | head -1 || true)
MIRROR=${MIRROR:-http://deb.debian.org/debian}

guest() { # guest NAME PACKAGES (the kernel first)
  local d=$GI/$1
  [ "$(cat "$d/stamp" 2>/dev/null)" = "$STAMP" ] && [ -s "$d/disk.qcow2" ] && return 0
  local t0=$SECONDS
  rm -rf --one-file-system "$d"; mkdir -p "$d/root"
  # ifupdown: cloud-init's network renderer on Debian; everything else is what a cloud image has
  # the initrd holds only what mounts the root (virtio, ext4) and finds the config drive early (the CD-ROM on a pc
  # machine's IDE, ata_piix, or a q35's AHCI, ahci; ISO 9660: cloud-init looks for it before udev has loaded more),
  # as a cloud image's MODULES=dep initrd does: the default
  # (most) is 35 MB, which TCG takes a minute to unpack after a watchdog reset
  mmdebstrap --variant=minbase --include="$2,systemd-sysv,udev,cloud-init,kmod,procps,util-linux,ifupdown" \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --aptopt='Acquire::Retries "3"' \
    --customize-hook='sed -i "s/^MODULES=.*/MODULES=list/" "$1/etc/initramfs-tools/initramfs.conf"' \
    --customize-hook='printf "virtio_pci\nvirtio_blk\next4\nata_piix\nahci\nsr_mod\nisofs\n" >>"$1/etc/initramfs-tools/modules"' \
    --customize-hook='chroot "$1" update-initramfs -u -k all' \
    bookworm "$d/rootfs.tar" "$MIRROR" >"$d/build.log" 2>&1 || { tail -20 "$d/build.log" >&2; return 1; }
  tar -C "$d/root" -xf "$d/rootfs.tar" && rm -f "$d/rootfs.tar"
  echo '/dev/vda / ext4 defaults 0 1' >"$d/root/etc/fstab"
  echo guest >"$d/root/etc/hostname"
  rm -rf "$d/root/var/lib/apt/lists/"* "$d/root/var/cache/apt/"*.bin
  # drivers a VM never has (graphics, sound, wireless, media, InfiniBand, staging): half the modules' size; the
  # watchdog, virtio, block and file system drivers stay, and the initrd (made before) is untouched
  local mods; mods=$(echo "$d"/root/usr/lib/modules/*)
  rm -rf "$mods"/kernel/drivers/{gpu,media,infiniband,staging,net/wireless,net/ethernet,bluetooth,iio,hid,usb,input/touchscreen,isdn} "$mods"/kernel/sound
  chroot "$d/root" depmod "$(basename "$mods")"
  cp "$d"/root/boot/vmlinuz-* "$d/vmlinuz"; cp "$d"/root/boot/initrd.img-* "$d/initrd.img"
  truncate -s 2G "$d/disk.raw"
  mke2fs -q -t ext4 -d "$d/root" -L root "$d/disk.raw"
  rm -rf --one-file-system "$d/root"
  qemu-img convert -c -O qcow2 "$d/disk.raw" "$d/disk.qcow2" && rm -f "$d/disk.raw"
  echo "$STAMP" >"$d/stamp"
  echo "guest $1 ($2): $(du -h "$d/disk.qcow2" | cut -f1) in $((SECONDS - t0)) s" >&2
}

guest std linux-image-amd64,watchdog
guest cloud linux-image-cloud-amd64
