/**
 * Whether a guest runs on this node, decided as qemu-server's check_running decides it (vm_running_locally): its
 * pid file (/var/run/qemu-server/VMID.pid) holds one number, that process is a QEMU (its command is `…kvm` or
 * `…/qemu-…`) started with exactly this pid file (`-pidfile`), and it is no zombie. Its QMP socket is not asked:
 * QEMU serves one QMP client at a time, and Proxmox's own tools are the ones that ask there.
 *
 * Every file read is untrusted and bounded; anything that does not add up is "not running", as for qemu-server.
 */
import {open} from 'node:fs/promises'
import {join} from 'node:path'
import {MAX_CMDLINE, MAX_PID_FILE, MAX_STAT} from '../limits.js'

/** Where qemu-server keeps its pid files and sockets (the path its -pidfile arguments spell). */
export const PROXMOX_RUN_DIR = '/var/run/qemu-server'

/** The first `max` bytes of a file, or undefined when it cannot be read. */
async function head(path: string, max: number): Promise<Buffer | undefined> {
  let fh
  try {
    fh = await open(path, 'r')
    const buf = Buffer.alloc(max)
    const {bytesRead} = await fh.read(buf, 0, max, 0)
    return buf.subarray(0, bytesRead)
  } catch {
    return undefined
  } finally {
    await fh?.close()
  }
}

/** The value of an option (`-pidfile X` or `--pidfile X`) in a QEMU command line, as qemu-server's parse_cmdline reads it. */
function optionValue(args: readonly string[], name: string): string | undefined {
  let value: string | undefined
  for (let i = 1; i < args.length; i++) {
    const m = /^--?(.*)$/.exec(args[i]!)
    if (!m) continue
    const next = args[i + 1]
    if (m[1] === name) value = next !== undefined && !next.startsWith('-') ? next : undefined
  }
  return value
}

/** The pid of the guest's QEMU when it runs on this node (`runDir` holds its pid file), else undefined. */
export async function runningPid(vmid: string, runDir = PROXMOX_RUN_DIR): Promise<number | undefined> {
  const pidfile = join(runDir, `${vmid}.pid`)
  const text = (await head(pidfile, MAX_PID_FILE))?.toString('latin1')
  const pid = /^(\d{1,10})\n?$/.exec(text ?? '')?.[1]
  if (pid === undefined || Number(pid) === 0) return undefined
  const cmdline = (await head(`/proc/${pid}/cmdline`, MAX_CMDLINE))?.toString('utf8').split('\0')
  const command = cmdline?.[0]
  if (!cmdline || !command || !(/kvm$/.test(command) || /(?:^|\/)qemu-[^/]+$/.test(command))) return undefined
  if (optionValue(cmdline, 'pidfile') !== pidfile) return undefined
  // the state follows the command name in parentheses, which may itself hold ') '
  const stat = (await head(`/proc/${pid}/stat`, MAX_STAT))?.toString('latin1') ?? ''
  const state = stat.slice(stat.lastIndexOf(') ') + 2, stat.lastIndexOf(') ') + 3)
  return state === '' || state === 'Z' ? undefined : Number(pid)
}
