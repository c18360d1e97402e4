/**
 * Following a directory of QMP sockets (wd's own monitors, `wd proxmox set --record`): every socket in it is followed
 * as guests start (QEMU creates it) and let go as they stop (the file goes), the VM named by the file (a VMID on
 * Proxmox). The directory is watched (inotify) and also read again every few seconds, since a watch can miss an
 * event; it is created if missing, as QEMU will not start a guest whose monitor socket has no directory.
 *
 * Proxmox's own sockets (/var/run/qemu-server/VMID.qmp) are not for wd: QEMU's QMP server serves one client at a
 * time, and Proxmox's tools connect there for every command.
 */
import {mkdir, readdir} from 'node:fs/promises'
import {watch} from 'node:fs'
import {basename, join, resolve} from 'node:path'
import {WdError} from '../errors.js'
import {sleep} from '../backoff.js'
import {followQmp, type FollowOptions} from './qmp.js'

/** Where Proxmox's qemu-server keeps its own QMP sockets (/var/run is a link to /run). */
const PROXMOX_SOCKET_DIRS = ['/var/run/qemu-server/', '/run/qemu-server/']
/** How often the directory is read again, beside the watch. */
const RESCAN_MS = 2000
const SOCKET_NAME = /\.(sock|qmp|socket)$/

/** The VM a QMP socket belongs to: `<vmid>.sock` (wd's) or `<vmid>.qmp` (Proxmox's) names a Proxmox guest. */
export function vmOf(socket: string): {vm: string; instance?: string} {
  const name = basename(socket).replace(SOCKET_NAME, '')
  return /^\d+$/.test(name) ? {vm: name, instance: `proxmox:${name}`} : {vm: name}
}

/** Refuses a socket of Proxmox's own (or their directory), unless the caller knowingly allows it. */
export function assertNotProxmoxSocket(
  socket: string,
  allowed: boolean,
  what: 'socket' | 'directory' = 'socket',
): void {
  const path = `${resolve(socket)}${what === 'directory' ? '/' : ''}`
  if (allowed || !PROXMOX_SOCKET_DIRS.some((d) => path.startsWith(d))) return
  throw new WdError(
    'WD_USAGE',
    what === 'socket'
      ? `${socket} is Proxmox's own QMP socket: while wd holds it, qm, pvestatd and backups get no answer from QEMU`
      : `${socket} holds Proxmox's own QMP sockets: while wd holds one, qm, pvestatd and backups get no answer from QEMU`,
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
  assertNotProxmoxSocket(dir, false, 'directory')
  await mkdir(dir, {recursive: true, mode: 0o750})
  const followed = new Map<string, {stop: AbortController; done: Promise<void>}>()
  const scan = async () => {
    let names: string[]
    try {
      names = (await readdir(dir)).filter((n) => SOCKET_NAME.test(n))
    } catch (e) {
      o.onProblem?.(`qmp-dir ${dir}: ${(e as Error).message}`)
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
  const watcher = watch(dir, {signal: o.signal}, () => rescan())
  watcher.on('error', (e) => o.onProblem?.(`qmp-dir ${dir}: ${e.message}`))
  rescan()
  while (!o.signal.aborted) {
    await sleep(RESCAN_MS, o.signal)
    rescan()
  }
  await scanning
  await Promise.all([...followed.values()].map((f) => f.done))
}
