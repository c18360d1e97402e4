/**
 * The guest half: the watchdog device does nothing until something in the guest opens it and feeds it. This renders
 * one POSIX shell script that works offline and whatever the instance's own user-data is (it is a vendor *script*:
 * cloud-init runs it from scripts_vendor, apart from the user's runcmd/bootcmd/write_files/packages, which a
 * cloud-config part would lose to the user's same keys). Run once, it installs itself as /usr/local/sbin/wd-guest
 * with systemd units that, at every boot, load the driver explicitly (a modprobe.d blacklist, as Ubuntu ships for
 * every watchdog module, stops only automatic loading), pick the device by its driver's identity (a q35 guest also
 * has the chipset's iTCO), have the feeder feed it, and say what happened in one console line (src/guest/status.ts
 * reads it): `wd-guest: armed …` or `wd-guest: not-armed … reason=…`.
 *
 * Feeders: `systemd` (the default) is PID 1's runtime watchdog: no package, so it arms offline on every systemd
 * distribution; it catches a hung kernel and a hung PID 1, which is what the hypervisor's watchdog is for. The
 * device is set again at each boot (its number can change) in /run and systemd reads it on reload (≥ 246) or
 * re-exec (older; systemd < 248 also never opens a device whose module was loaded after it started, systemd#17838,
 * which the reload covers). `watchdog-daemon` is the watchdog package's daemon, run by a unit of wd's own with a
 * configuration of wd's own (Debian's /etc/default/watchdog and RHEL's /etc/sysconfig/watchdog stay the guest's):
 * it can also act on load, memory or a test command, but the package must be in the image (no package is installed
 * at boot: no mirror may be there, and apt would race the user's own packages); without it systemd feeds, and the
 * line says so.
 */
import {WdError} from '../errors.js'
import {GUEST_DRIVERS, type Feeder} from '../vocab/guest.js'
import type {Device} from '../vocab/systems.js'

export interface GuestHalfOptions {
  /** seconds without a feed before the hypervisor acts */
  timeout: number
  feeder: Feeder
}

export const GUEST_TIMEOUT = {default: 30, min: 5, max: 600} as const
export const DEFAULT_GUEST_HALF: GuestHalfOptions = {timeout: GUEST_TIMEOUT.default, feeder: 'systemd'}

/** A shell word in single quotes (every value set into the script is one). */
const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`

/** How the script begins after its #! line: how a file is known to be wd's guest half (a Proxmox snippet). */
export const GUEST_SCRIPT_MARK = "# wd's guest half: "

/**
 * The script for a device, in libvirt's words (Nova's) or Proxmox's: the model picks the driver; the action is only
 * named in the console line.
 */
export function guestScript(
  device: Device<'libvirt'> | {model: Device<'proxmox'>['model']; action: string},
  options: GuestHalfOptions = DEFAULT_GUEST_HALF,
): string {
  const driver = GUEST_DRIVERS[device.model]
  if (!driver) {
    throw new WdError('WD_UNTRANSLATABLE', `no guest half for the watchdog model '${device.model}'`, {
      hint: `the guest half knows: ${Object.keys(GUEST_DRIVERS).join(', ')}`,
    })
  }
  const {timeout, feeder} = options
  if (!Number.isInteger(timeout) || timeout < GUEST_TIMEOUT.min || timeout > GUEST_TIMEOUT.max) {
    throw new WdError(
      'WD_USAGE',
      `the guest's watchdog timeout must be whole seconds from ${GUEST_TIMEOUT.min} to ${GUEST_TIMEOUT.max}`,
    )
  }
  const settings = [
    `MODEL=${sq(device.model)}`,
    `ACTION=${sq(device.action)}`,
    `MODULE=${sq(driver.module)}`,
    `IDENTITY=${sq(driver.identity)}`,
    `PCI=${sq(driver.pci ?? '')}`,
    `TIMEOUT=${timeout}`,
    `FEEDER=${sq(feeder)}`,
  ]
  return [
    '#!/bin/sh',
    `${GUEST_SCRIPT_MARK}this instance has an ${device.model} watchdog whose action is '${device.action}'. It does nothing`,
    '# until something in the guest feeds it. Run once as root (cloud-init runs it as a vendor script), this installs',
    '# /usr/local/sbin/wd-guest and wd-guest.service, which at every boot load the driver, pick the device by its',
    "# identity, have the feeder feed it, and say what happened in one console line: 'wd-guest: armed ...' or",
    "# 'wd-guest: not-armed ... reason=...'. Usage: wd-guest [install|arm|status|remove]",
    ...settings,
    BODY,
  ].join('\n')
}

// The script's body. Shell, in a template literal: `\${` is the shell's `${`, `\\` its backslash.
const BODY = `set -u
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
SELF=/usr/local/sbin/wd-guest
UNITS=/etc/systemd/system
SYSTEMD_CONF=/run/systemd/system.conf.d/90-wd-guest.conf
DAEMON_CONF=/run/wd-guest/watchdog.conf
# there while an arm is under way: a boot that finds it was reset before its arm finished
ARMING=/var/lib/wd-guest/arming

# A value as the line's grammar has it: bare, or in double quotes with \\ and " escaped; always one line.
val() {
  v=$(printf '%s' "$1" | tr '\\n\\r\\t' '   ')
  case $v in
    '' | *[!A-Za-z0-9_.,:/+@-]*) printf '"%s"' "$(printf '%s' "$v" | sed 's/[\\\\"]/\\\\&/g')" ;;
    *) printf '%s' "$v" ;;
  esac
}

# The one line on the console (what wd audit reads through Nova), and in the journal.
say() {
  line="wd-guest: $1"
  shift
  for kv in "$@"; do line="$line \${kv%%=*}=$(val "\${kv#*=}")"; done
  # on a line of its own on the console (a getty's login prompt ends without a newline); on stderr when there is no
  # console: stdout may be a caller's $(...)
  { printf '\\n%s\\n' "$line" >/dev/console; } 2>/dev/null || printf '%s\\n' "$line" >&2
  logger -t wd-guest -- "$line" 2>/dev/null || true
}

not_armed() { # REASON DETAIL
  say not-armed "model=$MODEL" "action=$ACTION" "reason=$1" "kernel=$(uname -r)" "detail=$2"
  return 1
}

armed() { # DEVICE FEEDER, and $note when there is something to say
  say armed "model=$MODEL" "action=$ACTION" "device=/dev/$1" \\
    "identity=$(cat "/sys/class/watchdog/$1/identity" 2>/dev/null || printf '%s' "$IDENTITY")" "driver=$MODULE" \\
    "timeout=$(cat "/sys/class/watchdog/$1/timeout" 2>/dev/null || printf '%s' "$TIMEOUT")" "feeder=$2" \\
    "kernel=$(uname -r)" \${note:+"note=$note"}
}

pci_id() { # a sysfs PCI device dir: vendor:device as in PCI
  printf '%s:%s' "$(sed 's/^0x//' "$1/vendor" 2>/dev/null)" "$(sed 's/^0x//' "$1/device" 2>/dev/null)"
}

# The model's watchdog class device (watchdogN), by its driver's identity; on a kernel without the watchdog sysfs
# attributes, by the PCI id of the device under it. Never "the first /dev/watchdog".
device() {
  for d in /sys/class/watchdog/watchdog*; do
    [ -e "$d" ] || continue
    if [ -r "$d/identity" ]; then
      [ "$(cat "$d/identity" 2>/dev/null)" = "$IDENTITY" ] && { printf '%s\\n' "\${d##*/}"; return 0; }
    elif [ -n "$PCI" ] && [ "$(pci_id "$d/device")" = "$PCI" ]; then
      printf '%s\\n' "\${d##*/}"
      return 0
    fi
  done
  return 1
}

pci_present() {
  [ -n "$PCI" ] || return 1
  for p in /sys/bus/pci/devices/*; do [ "$(pci_id "$p")" = "$PCI" ] && return 0; done
  return 1
}

has_driver() {
  modinfo -n "$MODULE" >/dev/null 2>&1 || grep -q "/$MODULE\\.ko" "/lib/modules/$(uname -r)/modules.builtin" 2>/dev/null
}

holder() { # DEVICE_PATH: the pid that has it open, if any (PID 1 first)
  find /proc/1/fd /proc/[0-9]*/fd -maxdepth 1 -lname "$1" 2>/dev/null | head -n 1 | cut -d/ -f3
}

wait_holder() { # DEVICE_PATH PID|COMM TENTHS
  n=0
  while [ "$n" -lt "$3" ]; do
    p=$(holder "$1")
    [ -n "$p" ] && { [ "$p" = "$2" ] || [ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$2" ]; } && return 0
    n=$((n + 1))
    sleep 0.1
  done
  return 1
}

systemd_feeds() { # DEVICE_PATH
  [ -d /run/systemd/system ] || { not_armed no-systemd "systemd is not this guest's init"; return 1; }
  mkdir -p "\${SYSTEMD_CONF%/*}"
  printf '# wd-guest: PID 1 feeds the %s watchdog\\n[Manager]\\nRuntimeWatchdogSec=%ss\\nWatchdogDevice=%s\\n' \\
    "$MODEL" "$timeout" "$1" >"$SYSTEMD_CONF"
  # systemd >= 246 reads its configuration again on reload; an older one when it re-executes
  systemctl daemon-reload
  wait_holder "$1" 1 50 && return 0
  systemctl daemon-reexec
  wait_holder "$1" 1 100 && return 0
  rm -f "$SYSTEMD_CONF"
  systemctl daemon-reload
  not_armed feeder-failed "systemd did not open $1"
}

daemon_feeds() { # DEVICE_PATH
  mkdir -p "\${DAEMON_CONF%/*}"
  printf 'watchdog-device = %s\\nwatchdog-timeout = %s\\ninterval = 1\\nrealtime = yes\\npriority = 1\\n' \\
    "$1" "$timeout" >"$DAEMON_CONF"
  systemctl restart wd-guest-feeder.service
  wait_holder "$1" watchdog 100 && return 0
  systemctl stop wd-guest-feeder.service
  not_armed feeder-failed "the watchdog daemon did not open $1"
}

# What the guest has: the device's name, or not-armed with the reason.
find_device() {
  if ! has_driver; then
    if pci_present; then where='the device is there'; else where='no such device either'; fi
    not_armed no-driver "no driver for $MODEL in kernel $(uname -r) ($where)"
    return 1
  fi
  n=0
  until dev=$(device); do
    n=$((n + 1))
    [ "$n" -ge 50 ] && { not_armed no-device "no $MODEL watchdog in this guest"; return 1; }
    sleep 0.1
  done
  printf '%s\\n' "$dev"
}

# The timeout to arm with. A guest must never fail to boot because of its watchdog: if the last arm did not finish
# (the feeder was too slow to feed in time, as PID 1 can be while it reloads on a starved vCPU, and the hypervisor
# reset the guest), this one arms with twice that timeout, up to 600 s, so a reset loop ends by itself.
arm_timeout() {
  timeout=$TIMEOUT
  note=''
  last=$(cat "$ARMING" 2>/dev/null) || return 0
  case $last in '' | *[!0-9]*) last=$TIMEOUT ;; esac
  timeout=$((last * 2))
  [ "$timeout" -gt 600 ] && timeout=600
  note="the guest was reset while arming with $last s: armed with $timeout s"
}

arm() {
  [ "$(id -u)" = 0 ] || { not_armed not-root 'wd-guest arm needs root'; return 1; }
  arm_timeout
  mkdir -p "\${ARMING%/*}"
  echo "$timeout" >"$ARMING" && sync
  arm_now
  rc=$?
  # armed or not, this boot's arm is over (written at once: it is what the next boot goes by)
  rm -f "$ARMING" && sync
  return $rc
}

arm_now() {
  # explicitly, at every boot: a blacklist only stops automatic loading
  if has_driver && ! err=$(modprobe "$MODULE" 2>&1); then not_armed driver-failed "modprobe $MODULE: $err"; return 1; fi
  dev=$(find_device) || return 1
  p=$(holder "/dev/$dev")
  if [ -n "$p" ] && [ "$p" != 1 ]; then
    # the guest's own feeder has it (a watchdog daemon of its own): armed, and not wd's to change
    armed "$dev" "other:$(cat "/proc/$p/comm" 2>/dev/null)"
    return 0
  fi
  if [ "$FEEDER" = watchdog-daemon ]; then
    if [ -x /usr/sbin/watchdog ]; then
      daemon_feeds "/dev/$dev" || return 1
      armed "$dev" watchdog-daemon
      return 0
    fi
    systemd_feeds "/dev/$dev" || return 1
    note="\${note:+$note; }the watchdog daemon is not installed"
    armed "$dev" systemd
    return 0
  fi
  systemd_feeds "/dev/$dev" || return 1
  armed "$dev" systemd
}

# What is so now, changing nothing (the timer says it again now and then, so the console's tail has it).
status() {
  note=''
  dev=$(find_device) || return 1
  p=$(holder "/dev/$dev")
  case $p in
    '') not_armed feeder-failed "nothing feeds /dev/$dev" ;;
    1) armed "$dev" systemd ;;
    *) c=$(cat "/proc/$p/comm" 2>/dev/null)
       if [ "$c" = watchdog ] && [ "$FEEDER" = watchdog-daemon ]; then armed "$dev" watchdog-daemon; else armed "$dev" "other:$c"; fi ;;
  esac
}

unit() { # NAME: the file's text on stdin
  cat >"$UNITS/$1.tmp" && mv -f "$UNITS/$1.tmp" "$UNITS/$1"
}

install_units() {
  [ "$(id -u)" = 0 ] || { not_armed not-root 'installing wd-guest needs root'; return 1; }
  [ -d /run/systemd/system ] || { not_armed no-systemd "systemd is not this guest's init"; return 1; }
  if [ "$0" != "$SELF" ]; then
    [ -r "$0" ] || { echo "wd-guest: save this script to a file and run that file" >&2; return 2; }
    mkdir -p "\${SELF%/*}"
    cp "$0" "$SELF.tmp" && chmod 0755 "$SELF.tmp" && mv -f "$SELF.tmp" "$SELF"
  fi
  unit wd-guest.service <<EOF
[Unit]
Description=wd: feed the $MODEL watchdog the hypervisor gave this guest
After=systemd-modules-load.service systemd-udevd.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=$SELF arm
TimeoutStartSec=90

[Install]
WantedBy=multi-user.target
EOF
  unit wd-guest-feeder.service <<EOF
[Unit]
Description=wd: the watchdog daemon feeding the $MODEL watchdog (started by wd-guest.service)

[Service]
# -f: the package's own watchdog.service may run too (Debian enables it, with no device unless configured), and its
# PID file would stop a second daemon; this one's configuration is wd's, and sane
ExecStart=/usr/sbin/watchdog -F -f -c $DAEMON_CONF
Restart=on-failure
EOF
  unit wd-guest-status.service <<EOF
[Unit]
Description=wd: say on the console whether the $MODEL watchdog is fed

[Service]
Type=oneshot
ExecStart=$SELF status
EOF
  unit wd-guest-status.timer <<EOF
[Unit]
Description=wd: say on the console now and then whether the watchdog is fed

[Timer]
OnUnitActiveSec=12h
OnBootSec=12h

[Install]
WantedBy=timers.target
EOF
  systemctl daemon-reload
  systemctl enable wd-guest.service wd-guest-status.timer >/dev/null 2>&1
  systemctl start wd-guest-status.timer
  # the line comes from the unit, as at every boot
  systemctl restart wd-guest.service
}

remove() {
  systemctl disable --now wd-guest-status.timer wd-guest.service wd-guest-feeder.service >/dev/null 2>&1
  rm -f "$UNITS/wd-guest.service" "$UNITS/wd-guest-feeder.service" "$UNITS/wd-guest-status.service" \\
    "$UNITS/wd-guest-status.timer" "$SYSTEMD_CONF" "$DAEMON_CONF" "$SELF"
  systemctl daemon-reload
}

case \${1:-install} in
  install) install_units || true ;;
  arm) arm ;;
  status) status ;;
  remove) remove ;;
  *) echo "usage: wd-guest [install|arm|status|remove]" >&2; exit 2 ;;
esac
`
