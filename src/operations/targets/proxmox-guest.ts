/**
 * A Proxmox VE guest config as a target: the main section's `watchdog:` line, every other byte kept. The file is
 * read once; the write is atomic and refused if the file changed since (mode, owner and symlinks kept).
 */
import {basename, join} from 'node:path'
import {replaceFile} from '../../fs/replace-file.js'
import {MAX_PROXMOX_CONFIG_BYTES} from '../../limits.js'
import {WdError} from '../../errors.js'
import {
  decodeConfig,
  encodeConfig,
  mainValue,
  parseConfig,
  pendingWatchdog,
  readWatchdog,
  withMainKey,
  withWatchdog,
} from '../../proxmox/config-file.js'
import {ARGS_KEY, recordedSocket, socketFor, withMonitor} from '../../proxmox/record-monitor.js'
import type {ProxmoxWatchdog} from '../../render/proxmox.js'
import {readBytes} from '../../source/read.js'
import {readStored, type Target, type WatchdogState} from '../target.js'

export const PROXMOX_CONFIG_DIR = '/etc/pve/qemu-server'

export interface GuestConfig {
  path: string
  bytes: Buffer
  text: string
}

/** A VMID names `<dir>/<vmid>.conf`; anything else is a path. */
const guestConfigPath = (ref: string, dir = PROXMOX_CONFIG_DIR): string =>
  /^\d+$/.test(ref) ? join(dir, `${ref}.conf`) : ref

export function describeGuest(g: GuestConfig): WatchdogState {
  const config = parseConfig(g.text, g.path)
  const {device, problem} = readStored(() => readWatchdog(config) ?? null)
  const line = config.watchdogAt === undefined ? undefined : config.lines[config.watchdogAt]
  const vmid = /^(\d+)\.conf$/.exec(basename(g.path))?.[1]
  return {
    target: {kind: 'proxmox-guest', id: g.path, name: vmid ?? null},
    stored: line ? (line.value ?? '') : null,
    device,
    system: 'proxmox',
    valid: problem === undefined,
    findings: [],
    ...(problem && {problem}),
    attributes: {pending: pendingWatchdog(config) ?? null, record: recordedSocket(mainValue(config, ARGS_KEY)) ?? null},
  }
}

export interface GuestOptions {
  /** where VMID.conf files are */
  dir?: string
  /** wd's own QMP monitor: added with its sockets in this directory (a string), removed (null), or left (undefined) */
  record?: string | null
  /** the watchdog line is left as it is, whatever value a change gives (a change of the monitor alone) */
  keepWatchdog?: boolean
}

/** The args: line with wd's monitor as `record` says, for the guest at `path`; the text unchanged for undefined. */
function withRecord(text: string, path: string, record: string | null | undefined): string {
  if (record === undefined) return text
  const vmid = /^(\d+)\.conf$/.exec(basename(path))?.[1]
  if (vmid === undefined && record !== null) {
    throw new WdError('WD_USAGE', `${path} is not named VMID.conf: wd's QMP socket is named by the VMID`, {
      hint: 'name the guest by its VMID (with --dir), as Proxmox names its configs',
    })
  }
  const args = withMonitor(
    mainValue(parseConfig(text, path), ARGS_KEY),
    record === null ? null : socketFor(record, vmid!),
  )
  return withMainKey(text, ARGS_KEY, args === undefined ? undefined : `${ARGS_KEY}: ${args}`)
}

export function proxmoxGuestTarget(options: GuestOptions = {}): Target<GuestConfig, ProxmoxWatchdog> {
  return {
    kind: 'proxmox-guest',
    async find(ref) {
      const input = await readBytes(guestConfigPath(ref, options.dir), MAX_PROXMOX_CONFIG_BYTES, undefined, {
        editing: true,
      })
      return {path: input.name, bytes: input.bytes, text: decodeConfig(input.bytes, input.name)}
    },
    describe: describeGuest,
    plan(current, value) {
      const watchdog = options.keepWatchdog ? current.text : withWatchdog(current.text, value ?? undefined)
      const text = withRecord(watchdog, current.path, options.record)
      const before = recordedSocket(mainValue(parseConfig(current.text, current.path), ARGS_KEY))
      const after = recordedSocket(mainValue(parseConfig(text, current.path), ARGS_KEY))
      const warnings =
        before === after
          ? []
          : after === undefined
            ? [`wd's QMP monitor (${before}) goes at the guest's next start`]
            : [
                `wd's QMP monitor takes effect at the guest's next start: QEMU then creates ${after}. ` +
                  `Its directory must exist, or QEMU does not start: wd events watch --qmp-dir creates it (the unit's RuntimeDirectory too)`,
              ]
      return {after: {...current, text, bytes: encodeConfig(text)}, changed: text !== current.text, warnings}
    },
    async write(current, planned) {
      await replaceFile(current.path, current.bytes, planned.bytes)
      return planned
    },
  }
}
