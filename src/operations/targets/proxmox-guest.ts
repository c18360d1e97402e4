/**
 * A Proxmox VE guest config as a target: the main section's `watchdog:` line, every other byte kept. The file is
 * read once; the write is atomic and refused if the file changed since (mode, owner and symlinks kept).
 */
import {basename, join} from 'node:path'
import {replaceFile} from '../../fs/replace-file.js'
import {MAX_PROXMOX_CONFIG_BYTES} from '../../limits.js'
import {
  decodeConfig,
  encodeConfig,
  parseConfig,
  pendingWatchdog,
  readWatchdog,
  withWatchdog,
} from '../../proxmox/config-file.js'
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
    attributes: {pending: pendingWatchdog(config) ?? null},
  }
}

export function proxmoxGuestTarget(options: {dir?: string} = {}): Target<GuestConfig, ProxmoxWatchdog> {
  return {
    kind: 'proxmox-guest',
    async find(ref) {
      const input = await readBytes(guestConfigPath(ref, options.dir), MAX_PROXMOX_CONFIG_BYTES)
      return {path: input.name, bytes: input.bytes, text: decodeConfig(input.bytes, input.name)}
    },
    describe: describeGuest,
    plan(current, value) {
      const text = withWatchdog(current.text, value ?? undefined)
      return {after: {...current, text, bytes: encodeConfig(text)}, changed: text !== current.text}
    },
    async write(current, planned) {
      await replaceFile(current.path, current.bytes, planned.bytes)
      return planned
    },
  }
}
