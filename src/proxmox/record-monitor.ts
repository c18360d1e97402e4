/**
 * A QMP monitor of wd's own in a Proxmox VE guest's `args:` line. QEMU's QMP socket server serves one client at a
 * time, and Proxmox's tools (qm, pvestatd, backups) connect to /var/run/qemu-server/<vmid>.qmp for every command: a
 * watcher that held that socket would starve them. So wd asks QEMU for a second monitor, on a socket of its own:
 *
 *   args: -chardev socket,id=wd-qmp,path=/var/run/qemu-server/wd-<vmid>.qmp,server=on,wait=off -mon chardev=wd-qmp,mode=control
 *
 * A guest must never fail to start because of wd: not after a reboot (/run is empty), not on an HA node where wd is
 * not installed, not after wd is removed. So QEMU is the server (it creates the socket and waits for no one:
 * wait=off) in qemu-server's own run directory, which exists whenever a guest can start at all — qemu-server
 * creates it (its tmpfiles.d and at load) and puts the guest's pid file and its own QMP socket there, so if wd's
 * socket could not be made there, the guest could not start anyway; nothing of wd's has to exist at boot. The
 * socket's name (`wd-VMID.qmp`) is none of qemu-server's (it names its files by the VMID first and removes
 * `VMID.{mon,qmp,pid,vnc,qga}` at a stop), and the watcher follows only that name there.
 *
 * Not qmeventd's design (QEMU the client, `reconnect`): the option is `reconnect-ms` since QEMU 9.2 and `reconnect`
 * before, which QEMU 10.2 removed — qemu-server picks one by the QEMU binary at each start, but a static `args:`
 * line on a cluster where nodes run different QEMUs (an upgrade, an HA move) would name one that some node's QEMU
 * refuses, and then the guest does not start there. Nor a directory of wd's own made by tmpfiles.d: a node without
 * wd (an HA target, wd removed) has none, and QEMU does not start a guest whose server socket has no directory.
 *
 * The operator's own arguments on the line stay exactly as written; only wd's two options are added or removed.
 * QEMU creates the socket at the guest's next start (not before).
 */
import {WdError} from '../errors.js'

/** The chardev id wd's monitor uses: how wd finds its own options among the operator's. */
const MONITOR_ID = 'wd-qmp'
/** The directory wd's sockets go in unless told otherwise: qemu-server's run directory (see above). */
export const DEFAULT_QMP_DIR = '/var/run/qemu-server'
/** The config key QEMU arguments are added with. */
export const ARGS_KEY = 'args'

// wd's two options, wherever they stand in the line, with the blank before them
const OWN = new RegExp(`(^|\\s+)(-chardev\\s+socket,id=${MONITOR_ID},\\S*|-mon\\s+chardev=${MONITOR_ID},\\S*)`, 'g')
/** What a socket path may hold: QEMU's option parser splits at commas, Proxmox's argument splitter at blanks and quotes. */
const SAFE_PATH = /^\/[A-Za-z0-9._/-]+$/
/** sun_path holds 108 bytes, the last a NUL. */
const MAX_SOCKET_PATH = 107

/** wd's socket of a guest: `wd-VMID.qmp`, a name qemu-server gives none of its own files. */
export const socketFor = (dir: string, vmid: string): string => `${dir.replace(/\/+$/, '')}/wd-${vmid}.qmp`
/** The VMID in the name of one of wd's sockets. */
export const WD_SOCKET_NAME = /^wd-(\d+)\.qmp$/

/** The QEMU options of wd's monitor on `socket`, refused when QEMU or Proxmox would read the path otherwise. */
export function monitorArgs(socket: string): string {
  if (!SAFE_PATH.test(socket) || socket.includes('/../') || socket.endsWith('/..')) {
    throw new WdError('WD_USAGE', `the QMP socket path '${socket}' is not one QEMU and Proxmox read as it is written`, {
      hint: 'use an absolute path of letters, digits, . _ - and / (no commas, blanks, quotes or ..)',
    })
  }
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
    throw new WdError(
      'WD_USAGE',
      `the QMP socket path is ${Buffer.byteLength(socket)} bytes; a unix socket's is 107 at most`,
    )
  }
  return `-chardev socket,id=${MONITOR_ID},path=${socket},server=on,wait=off -mon chardev=${MONITOR_ID},mode=control`
}

/** The socket of wd's monitor in an `args:` value, or undefined when it has none. */
export function recordedSocket(args: string | undefined): string | undefined {
  return args === undefined
    ? undefined
    : new RegExp(`-chardev\\s+socket,id=${MONITOR_ID},(?:\\S*,)?path=([^,\\s]+)`).exec(args)?.[1]
}

/**
 * The `args:` value with wd's monitor on `socket` (or, for null, without it); the rest of the value as it was.
 * undefined: no arguments are left, and the line goes.
 */
export function withMonitor(args: string | undefined, socket: string | null): string | undefined {
  const own = socket === null ? '' : monitorArgs(socket)
  // already there, both options: the line stays as written, wherever in it they stand
  if (socket !== null && recordedSocket(args) === socket && args!.includes(`-mon chardev=${MONITOR_ID},`)) return args
  const others = (args ?? '').replace(OWN, '').trim()
  const value = [others, own].filter(Boolean).join(' ')
  return value === '' ? undefined : value
}
