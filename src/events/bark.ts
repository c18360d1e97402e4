/** A watchdog bark as wd records it: once, with when, which VM, what the hypervisor did, and who told us. */
import type {Loop} from './loops.js'
import type {NovaInstance} from '../parse/nova-metadata.js'

export interface Bark {
  /** stable across restarts of the watcher: the same event read twice has the same id */
  id: string
  /** when the hypervisor reported it (ISO 8601) */
  time: string
  vm: string
  /** the action taken, in the words of the source (QEMU reports libvirt's `dump` as `pause`) */
  action: string
  /** `qmp:<socket>` or `libvirt:<uri>` */
  source: string
  /** the host whose watcher recorded it (its hostname, or `wd events watch --host`) */
  host?: string
  /** Nova instance uuid / Proxmox vmid, when the source knows them */
  instance?: string
  /** this bark is part of a reset loop (N barks of the VM within a window) */
  loop?: Loop
  /** a Nova instance's name, project, user, flavor and image, from its domain's <nova:instance> metadata */
  nova?: NovaInstance
}

export function barkId(source: string, vm: string, time: string, action: string): string {
  return `${source}|${vm}|${time}|${action}`
}

/**
 * Whether an ISO 8601 UTC time (as the bark schema's pattern has it) names a real moment: 2026-99-99T99:99:99Z has
 * the shape and no moment, and would sort and match every `--since` wrongly.
 */
export function isRealTime(iso: string): boolean {
  const ms = Date.parse(iso)
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 19) === iso.slice(0, 19)
}
