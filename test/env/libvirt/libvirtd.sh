#!/bin/bash
# wd's test libvirtd (adapted from the project's proven reference recipe): a monolithic libvirtd started by hand,
# no systemd, polkit, virtlogd, AppArmor or cgroups. Debian 12 (libvirt 9.0) ships only the monolithic libvirtd.
# usage: libvirtd.sh start|stop|status      (as root; state and logs in $WD_LIBVIRT_STATE, default .work/libvirt)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
STATE=${WD_LIBVIRT_STATE:-$HERE/../../../.work/libvirt}
mkdir -p "$STATE"; STATE=$(cd "$STATE" && pwd)
PIDF=$STATE/libvirtd.pid
MARK='# wd test sandbox'
install_packages() {
  local p missing=()
  for p in libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >&2
}
write_conf() {
  # the privileged driver's qemu.conf path is compiled in; no installed package owns it without libvirt-daemon-system
  mkdir -p /etc/libvirt
  if [ -f /etc/libvirt/qemu.conf ] && ! grep -q "$MARK" /etc/libvirt/qemu.conf; then
    echo "libvirtd.sh: refusing to overwrite a foreign /etc/libvirt/qemu.conf" >&2; exit 1
  fi
  cat > /etc/libvirt/qemu.conf <<CONF
$MARK
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
stdio_handler = "file"
CONF
  cat > "$STATE/libvirtd.conf" <<CONF
$MARK
unix_sock_group = "root"
unix_sock_rw_perms = "0700"
auth_unix_ro = "none"
auth_unix_rw = "none"
log_outputs = "3:file:$STATE/libvirtd.log"
CONF
}
case ${1:-status} in
  start)
    if [ -f "$PIDF" ] && kill -0 "$(cat "$PIDF")" 2>/dev/null; then exit 0; fi
    install_packages
    write_conf
    # libvirt 9.0 resolves its compiled-in user before reading qemu.conf: the account must exist
    getent group libvirt-qemu >/dev/null || groupadd --system libvirt-qemu
    getent passwd libvirt-qemu >/dev/null || useradd --system -g libvirt-qemu -d /var/lib/libvirt -s /usr/sbin/nologin libvirt-qemu
    mkdir -p /var/log/libvirt/qemu /var/lib/libvirt /run/libvirt
    libvirtd -d -f "$STATE/libvirtd.conf" -p "$PIDF" 2>>"$STATE/libvirtd.stderr"
    for _ in $(seq 1 300); do virsh -c qemu:///system version >/dev/null 2>&1 && break; sleep 0.1; done
    virsh -c qemu:///system version >/dev/null ;;
  stop)
    if [ -f "$PIDF" ]; then p=$(cat "$PIDF"); kill "$p" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done; rm -f "$PIDF"; fi ;;
  status)
    [ -f "$PIDF" ] && kill -0 "$(cat "$PIDF")" 2>/dev/null && echo "running pid $(cat "$PIDF")" || echo "not running" ;;
esac
