/**
 * A Proxmox VE guest config as a target: its `watchdog:` line (and wd's monitor in `args:`), changed by the rules
 * qemu-server follows when it changes the same file, every other byte kept:
 * - the change is made under qemu-server's own lock (flock on /var/lock/qemu-server/lock-VMID.conf, 10 s), and the
 *   file is read under it; a guest with a `lock:` (backup, migrate, snapshot…) is refused unless --skiplock (root);
 * - a running guest gets the change in [PENDING], as `qm set` leaves it (neither option is hot-pluggable);
 * - in a pmxcfs layout, a guest of another node is read but not written, and what pmxcfs would refuse (no quorum,
 *   past 1 MiB) is refused first.
 * The write is atomic and refused if the file changed since it was read (mode, owner and symlinks kept).
 */
import {stat} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'
import {withFlock} from '../../fs/flock.js'
import {replaceFile} from '../../fs/replace-file.js'
import {MAX_PROXMOX_CONFIG_BYTES} from '../../limits.js'
import {WdError} from '../../errors.js'
import {assertLocal, assertWritable, nodesHolding, placeOf, rootOf, type ClusterPlace} from '../../proxmox/cluster.js'
import {
  decodeConfig,
  encodeConfig,
  mainValue,
  parseConfig,
  pendingWatchdog,
  readWatchdog,
} from '../../proxmox/config-file.js'
import {pendingOption, setOption} from '../../proxmox/qm-set.js'
import {ARGS_KEY, DEFAULT_QMP_DIR, recordedSocket, socketFor, withMonitor} from '../../proxmox/record-monitor.js'
import {runningPid} from '../../proxmox/running.js'
import {renderProxmoxValue, type ProxmoxWatchdog} from '../../render/proxmox.js'
import {readBytes} from '../../fs/read-input.js'
import {vendorPart} from '../../proxmox/cicustom.js'
import type {GuestHalfOptions} from '../../render/guest-half.js'
import {
  addGuestHalf,
  applySnippet,
  guestHalfContext,
  removeGuestHalf,
  type GuestHalfContext,
  type SnippetChange,
} from './proxmox-guest-half.js'
import {PROXMOX_KEY} from '../../vocab/proxmox.js'
import {readStored, type Target, type WatchdogState} from '../target.js'

export const PROXMOX_CONFIG_DIR = '/etc/pve/qemu-server'
/** qemu-server's lock files (PVE::QemuConfig's $lock_dir), and how long it waits for one (lock_config). */
export const PROXMOX_LOCK_DIR = '/var/lock/qemu-server'
const LOCK_TIMEOUT_SECONDS = 10

export interface GuestConfig {
  path: string
  bytes: Buffer
  text: string
  /** from the file's name, as Proxmox names configs (VMID.conf) */
  vmid: string | undefined
  /** where it lies in a pmxcfs layout */
  place: ClusterPlace | undefined
  /** its QEMU runs on this node (qemu-server's check_running) */
  running: boolean
  /** what adding or removing the guest half needs, when the change does */
  guestHalf?: GuestHalfContext
  /** the guest half's snippet, as a planned change writes or removes it */
  snippet?: SnippetChange
}

const vmidOf = (path: string) => /^(\d+)\.conf$/.exec(basename(path))?.[1]

/** A VMID names `<dir>/<vmid>.conf`, or in a pmxcfs layout the one node's directory that has it; else a path. */
async function locate(ref: string, dir = PROXMOX_CONFIG_DIR): Promise<string> {
  if (!/^\d+$/.test(ref)) return ref
  const path = join(dir, `${ref}.conf`)
  const found = await stat(path).then(
    () => true,
    () => false,
  )
  if (found) return path
  const root = await rootOf(dir)
  const [node, ...more] = root === undefined ? [] : await nodesHolding(root, ref)
  return node !== undefined && more.length === 0 ? join(root!, 'nodes', node, 'qemu-server', `${ref}.conf`) : path
}

export function describeGuest(g: GuestConfig): WatchdogState {
  const config = parseConfig(g.text, g.path)
  const {device, problem} = readStored(() => readWatchdog(config) ?? null)
  const line = config.watchdogAt === undefined ? undefined : config.lines[config.watchdogAt]
  const pendingArgs = pendingOption(config, ARGS_KEY)
  return {
    target: {kind: 'proxmox-guest', id: g.path, name: g.vmid ?? null},
    stored: line ? (line.value ?? '') : null,
    device,
    system: 'proxmox',
    valid: problem === undefined,
    findings: [],
    ...(problem && {problem}),
    attributes: {
      pending: pendingWatchdog(config) ?? null,
      record: recordedSocket(mainValue(config, ARGS_KEY)) ?? null,
      // what [PENDING] does to wd's monitor at the next start: its socket then, or '' for none
      recordPending: pendingArgs === undefined ? null : (recordedSocket(pendingArgs ?? undefined) ?? ''),
      running: g.running,
      lock: mainValue(config, 'lock') ?? null,
      node: g.place?.node ?? null,
      // the cloud-init vendor snippet: wd's guest half when it is STORAGE:snippets/wd-guest-VMID.sh
      vendor: vendorPart(mainValue(config, 'cicustom')) ?? null,
    },
  }
}

export interface GuestOptions {
  /** where VMID.conf files are */
  dir?: string
  /** wd's own QMP monitor: added with its sockets in this directory (a string), removed (null), or left (undefined) */
  record?: string | null
  /** the watchdog line is left as it is, whatever value a change gives (a change of the monitor alone) */
  keepWatchdog?: boolean
  /** qemu-server's lock directory; by default /var/lock/qemu-server, used when it exists (no qemu-server: no lock) */
  lockDir?: string
  /** qemu-server's run directory (pid files) */
  runDir?: string
  /** change a guest that has a `lock:` anyway (qm set --skiplock; root only) */
  skiplock?: boolean
  /** wd's guest half: added as a snippet in this storage (an object), removed (null), or left (undefined) */
  guest?: {storage: string; options: GuestHalfOptions} | null
}

/** The args: value with wd's monitor as `record` says, from what the guest gets at its next start. */
function withRecord(text: string, path: string, record: string | null, running: boolean): string {
  const vmid = vmidOf(path)
  if (vmid === undefined && record !== null) {
    throw new WdError('WD_USAGE', `${path} is not named VMID.conf: wd's QMP socket is named by the VMID`, {
      hint: 'name the guest by its VMID (with --dir), as Proxmox names its configs',
    })
  }
  const pending = pendingOption(text, ARGS_KEY)
  const base = pending === undefined ? mainValue(parseConfig(text, path), ARGS_KEY) : (pending ?? undefined)
  const args = withMonitor(base, record === null ? null : socketFor(record, vmid!))
  return setOption(text, ARGS_KEY, args, running)
}

/** What a change leaves for the operator to know: where it waits, what it replaced, when wd's monitor comes. */
function changeWarnings(current: GuestConfig, text: string): string[] {
  const [before, after] = [parseConfig(current.text, current.path), parseConfig(text, current.path)]
  const warnings: string[] = []
  if (current.running && text !== current.text) {
    warnings.push(
      `VM ${current.vmid} is running: the change waits in [PENDING], as qm set leaves it, and Proxmox applies it at ` +
        `the guest's next start (watchdog and args are not hot-pluggable)`,
    )
  }
  const replaced = pendingWatchdog(before)
  if (!current.running && replaced && !pendingWatchdog(after))
    warnings.push(`the pending change to the watchdog (${replaced}) is replaced by this one, as qm set replaces it`)
  const [was, is] = [before, after].map((c) => recordedSocket(mainValue(c, ARGS_KEY)))
  if (!current.running && was !== is)
    warnings.push(is === undefined ? `wd's QMP monitor (${was}) goes at the guest's next start` : monitorComes(is))
  return warnings
}

/** When wd's monitor comes, and whether its directory will be there then. */
function monitorComes(socket: string): string {
  const dir = dirname(socket)
  const start = `wd's QMP monitor takes effect at the guest's next start: QEMU then creates ${socket}`
  return dir === DEFAULT_QMP_DIR
    ? `${start}, in qemu-server's own run directory (there whenever a guest can start); wd events watch --qmp-dir ${dir} follows it`
    : `${start}. QEMU does not start the guest while ${dir} is missing (after a reboot, on a node without it): ` +
        `the default, ${DEFAULT_QMP_DIR}, is there whenever a guest can start`
}

export function proxmoxGuestTarget(options: GuestOptions = {}): Target<GuestConfig, ProxmoxWatchdog> {
  return {
    kind: 'proxmox-guest',
    async find(ref) {
      // before anything is read, as qemu-server checks its parameters first
      if (options.skiplock && process.getuid?.() !== 0)
        throw new WdError('WD_USAGE', 'only root may use --skiplock (as in Proxmox: root@pam)')
      const path = await locate(ref, options.dir)
      const input = await readBytes(path, MAX_PROXMOX_CONFIG_BYTES, undefined, {editing: true})
      const vmid = vmidOf(path)
      const place = await placeOf(path)
      const here = place?.local === undefined || place.node === place.local
      const running = vmid !== undefined && here && (await runningPid(vmid, options.runDir)) !== undefined
      const text = decodeConfig(input.bytes, path)
      const guestHalf =
        options.guest !== undefined && vmid !== undefined
          ? await guestHalfContext(text, vmid, place, options.guest?.storage ?? null)
          : undefined
      return {path, bytes: input.bytes, text, vmid, place, running, ...(guestHalf && {guestHalf})}
    },
    describe: describeGuest,
    async exclusive(ref, work) {
      const vmid = vmidOf(await locate(ref, options.dir))
      const dir = options.lockDir ?? PROXMOX_LOCK_DIR
      // without qemu-server there is no one to share the lock with (and a config not named VMID.conf has none)
      const present = await stat(dir).then(
        (s) => s.isDirectory(),
        () => false,
      )
      if (!present && options.lockDir !== undefined)
        throw new WdError('WD_NOT_FOUND', `${dir}: no such lock directory`, {
          hint: "qemu-server's is /var/lock/qemu-server",
        })
      if (!present || vmid === undefined) return work()
      return withFlock(join(dir, `lock-${vmid}.conf`), LOCK_TIMEOUT_SECONDS, work)
    },
    plan(current, value) {
      assertLocal(current.place, current.path)
      const lock = mainValue(parseConfig(current.text, current.path), 'lock')
      if (lock !== undefined && !options.skiplock) {
        throw new WdError(
          'WD_CONFLICT',
          `VM ${current.vmid ?? current.path} is locked (${lock}); nothing was written`,
          {
            hint: `Proxmox refuses changes while '${lock}' runs; root may override it with --skiplock, as with qm set --skiplock`,
          },
        )
      }
      let text = current.text
      if (!options.keepWatchdog)
        text = setOption(text, PROXMOX_KEY, value ? renderProxmoxValue(value) : undefined, current.running)
      if (options.record !== undefined) text = withRecord(text, current.path, options.record, current.running)
      const warnings = changeWarnings(current, text)
      let snippet: SnippetChange | undefined
      if (options.guest !== undefined) {
        if (current.vmid === undefined || !current.guestHalf) {
          throw new WdError('WD_USAGE', `${current.path} is not named VMID.conf: wd's snippet is named by the VMID`)
        }
        const half = options.guest
          ? addGuestHalf(text, current.vmid, current.guestHalf, options.guest.options)
          : removeGuestHalf(text, current.vmid, current.guestHalf)
        ;({text, snippet} = half)
        warnings.push(...half.warnings)
      }
      const snippetChanges =
        snippet !== undefined && !(snippet.content && current.guestHalf?.existing?.equals(snippet.content))
      return {
        after: {...current, text, bytes: encodeConfig(text), ...(snippet && {snippet})},
        changed: text !== current.text || snippetChanges,
        warnings,
      }
    },
    async write(current, planned) {
      await assertWritable(current.place, current.path, planned.bytes.length)
      // the snippet is there before the config names it, and goes after the config no longer does
      if (planned.snippet?.content) await applySnippet(planned.snippet)
      if (!planned.bytes.equals(current.bytes)) await replaceFile(current.path, current.bytes, planned.bytes)
      if (planned.snippet && !planned.snippet.content) await applySnippet(planned.snippet)
      return planned
    },
  }
}
