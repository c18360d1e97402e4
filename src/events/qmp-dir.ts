/**
 * Following a directory of QMP sockets (wd's own monitors, `wd proxmox set --record`): every socket in it is followed
 * as guests start (QEMU creates it) and let go as they stop (the file goes), the VM named by the file (a VMID on
 * Proxmox). The directory is watched (inotify) and also read again every few seconds, since a watch can miss an
 * event. It is never created: QEMU makes the sockets in a directory that exists when the guest starts (on Proxmox
 * qemu-server's own, /var/run/qemu-server), and a directory that is not there yet is waited for.
 *
 * Proxmox's own sockets (/var/run/qemu-server/VMID.qmp) are not for wd: QEMU's QMP server serves one client at a
 * time, and Proxmox's tools connect there for every command. A socket named as Proxmox names its own (`VMID.qmp`)
 * is never followed from a directory, wherever it is: wd's there are `wd-VMID.qmp`.
 */
import {readdir, stat} from 'node:fs/promises'
import {watch, type FSWatcher} from 'node:fs'
import {basename, dirname, join, resolve} from 'node:path'
import {WdError} from '../errors.js'
import {sleep} from '../backoff.js'
import {WD_SOCKET_NAME} from '../proxmox/record-monitor.js'
import {followQmp, type FollowOptions} from './qmp.js'

/** Where Proxmox's qemu-server keeps its own QMP sockets (/var/run is a link to /run). */
const PROXMOX_SOCKET_DIRS = ['/var/run/qemu-server', '/run/qemu-server']
/** How often the directory is read again, beside the watch. */
const RESCAN_MS = 2000
const SOCKET_NAME = /\.(sock|qmp|socket)$/
/** How qemu-server names a guest's own QMP socket. */
const PROXMOX_SOCKET_NAME = /^\d+\.qmp$/

/** A socket of a directory that is followed: any QMP socket but one named as Proxmox's own. */
const followable = (name: string) => SOCKET_NAME.test(name) && !PROXMOX_SOCKET_NAME.test(name)

const inProxmoxDir = (dir: string) => PROXMOX_SOCKET_DIRS.includes(resolve(dir))

/** The VM a QMP socket belongs to: wd's `wd-<vmid>.qmp`, `<vmid>.sock` or Proxmox's `<vmid>.qmp` name a Proxmox guest. */
export function vmOf(socket: string): {vm: string; instance?: string} {
  const own = WD_SOCKET_NAME.exec(basename(socket))?.[1]
  const name = own ?? basename(socket).replace(SOCKET_NAME, '')
  return /^\d+$/.test(name) ? {vm: name, instance: `proxmox:${name}`} : {vm: name}
}

/** Refuses a socket of Proxmox's own (wd's own there are fine), unless the caller knowingly allows it. */
export function assertNotProxmoxSocket(socket: string, allowed: boolean): void {
  if (allowed || !inProxmoxDir(dirname(socket)) || WD_SOCKET_NAME.test(basename(socket))) return
  throw new WdError(
    'WD_USAGE',
    `${socket} is Proxmox's own QMP socket: while wd holds it, qm, pvestatd and backups get no answer from QEMU`,
    {
      hint: `give the guest a monitor of wd's own (wd proxmox set VMID --record) and follow those with --qmp-dir; --allow-proxmox-socket if you must`,
    },
  )
}

export type DirOptions = Omit<FollowOptions, 'vm'> & {
  /** told when a socket is followed or let go (for the operator's log) */
  onChange?: (socket: string, following: boolean) => void
}

export async function followQmpDir(dir: string, o: DirOptions): Promise<void> {
  const followed = new Map<string, {stop: AbortController; done: Promise<void>}>()
  const scan = async () => {
    let names: string[]
    try {
      names = (await readdir(dir)).filter(followable)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') o.onProblem?.(`qmp-dir ${dir}: ${(e as Error).message}`)
      return
    }
    const present = new Set(names.map((n) => join(dir, n)))
    for (const [socket, f] of followed) {
      if (present.has(socket)) continue
      f.stop.abort()
      followed.delete(socket)
      o.onChange?.(socket, false)
    }
    for (const socket of present) {
      if (followed.has(socket)) continue
      const stop = new AbortController()
      const {vm, instance} = vmOf(socket)
      const signal = AbortSignal.any([stop.signal, o.signal])
      const done = followQmp(socket, {...o, vm, signal, onBark: (b) => o.onBark({...b, ...(instance && {instance})})})
      followed.set(socket, {stop, done})
      o.onChange?.(socket, true)
    }
  }
  // scans one at a time: a watch event during a scan asks for one more after it
  let scanning: Promise<void> | undefined
  let again = false
  const rescan = () => {
    if (scanning) {
      again = true
      return
    }
    scanning = (async () => {
      do {
        again = false
        await scan()
      } while (again && !o.signal.aborted)
      scanning = undefined
    })()
  }
  // the watch once the directory is there (a node's /run before qemu-server made its directory has none)
  let watcher: FSWatcher | undefined
  let waiting = false
  const watchIfThere = async () => {
    if (watcher) return
    const there = await stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    )
    if (!there) {
      if (!waiting) o.onProblem?.(`qmp-dir ${dir}: no such directory yet; waiting for it`)
      waiting = true
      return
    }
    watcher = watch(dir, {signal: o.signal}, () => rescan())
    watcher.on('error', (e) => o.onProblem?.(`qmp-dir ${dir}: ${e.message}`))
  }
  await watchIfThere()
  rescan()
  while (!o.signal.aborted) {
    await sleep(RESCAN_MS, o.signal)
    await watchIfThere()
    rescan()
  }
  await scanning
  await Promise.all([...followed.values()].map((f) => f.done))
}
