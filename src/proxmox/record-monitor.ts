/**
 * A QMP monitor of wd's own in a Proxmox VE guest's `args:` line. QEMU's QMP socket server serves one client at a
 * time, and Proxmox's tools (qm, pvestatd, backups) connect to /var/run/qemu-server/<vmid>.qmp for every command: a
 * watcher that held that socket would starve them. So wd asks QEMU for a second monitor, on a socket of its own:
 *
 *   args: -chardev socket,id=wd-qmp,path=/run/wd/qmp/<vmid>.sock,server=on,wait=off -mon chardev=wd-qmp,mode=control
 *
 * The operator's own arguments on the line stay exactly as written; only wd's two options are added or removed.
 * QEMU creates the socket at the guest's next start (not before), in a directory that must exist then.
 */
import {WdError} from '../errors.js'

/** The chardev id wd's monitor uses: how wd finds its own options among the operator's. */
const MONITOR_ID = 'wd-qmp'
/** The directory wd's sockets go in unless told otherwise (a tmpfs: the watcher or its unit creates it at boot). */
export const DEFAULT_QMP_DIR = '/run/wd/qmp'
/** The config key QEMU arguments are added with. */
export const ARGS_KEY = 'args'

// wd's two options, wherever they stand in the line, with the blank before them
const OWN = new RegExp(`(^|\\s+)(-chardev\\s+socket,id=${MONITOR_ID},\\S*|-mon\\s+chardev=${MONITOR_ID},\\S*)`, 'g')
/** What a socket path may hold: QEMU's option parser splits at commas, Proxmox's argument splitter at blanks and quotes. */
const SAFE_PATH = /^\/[A-Za-z0-9._/-]+$/
/** sun_path holds 108 bytes, the last a NUL. */
const MAX_SOCKET_PATH = 107

export const socketFor = (dir: string, vmid: string): string => `${dir.replace(/\/+$/, '')}/${vmid}.sock`

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
