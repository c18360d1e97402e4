/**
 * A target is something that holds a watchdog setting: a Nova flavor, a Glance image, a Proxmox guest config, a
 * libvirt domain XML file. Each is one implementation of this small interface, and every command and route that
 * shows or changes a watchdog goes through `showWatchdog` and `changeWatchdog`, so all four answer in one shape
 * (schemas/watchdog-state.schema.json, schemas/watchdog-change.schema.json).
 */
import {isWdError, type WdErrorCode, type SourcePosition} from '../errors.js'
import type {Finding} from '../engine/findings.js'
import type {System} from '../vocab/systems.js'

export type TargetKind = 'flavor' | 'image' | 'proxmox-guest' | 'libvirt-domain'

/** What a target holds, as data. */
export interface WatchdogState {
  target: {kind: TargetKind; id: string; name: string | null}
  /** the stored value as written: the extra spec, the image property, the Proxmox `watchdog:` value; null for none */
  stored: string | null
  /** the device this target gives on its own, in `system`'s words (an image's: only when it overrides) */
  device: {model: string; action?: string} | null
  system: System
  /** false when the target system refuses the stored value */
  valid: boolean
  /** Nova's checks of a flavor's extra specs or an image's properties (rule ids as in `wd resolve`) */
  findings: Finding[]
  /** a stored value that cannot be read at all (a Proxmox line Proxmox refuses), with its place */
  problem?: {code: WdErrorCode; message: string; hint?: string; location?: SourcePosition}
  /** the target's other facts (a flavor's vcpus, an image's owner, a guest's pending change) */
  attributes: Record<string, string | number | boolean | null>
  /** every extra spec (flavor) or property (image) */
  properties?: Record<string, string>
}

/** A change of one target: the state before and after, whether anything differs, whether it was written. */
export interface WatchdogChange {
  target: WatchdogState['target']
  before: WatchdogState
  after: WatchdogState
  changed: boolean
  written: boolean
  dryRun: boolean
  /** what the target system does beside the change (libvirt's implicit q35 watchdog) */
  warnings: string[]
}

export interface Planned<T> {
  after: T
  changed: boolean
  warnings?: string[]
}

/** One kind of target. `V` is the setting in the target's own words; null removes the watchdog. */
export interface Target<T, V> {
  readonly kind: TargetKind
  /** the target named by `ref` (a name, an id, a VMID, a path), read as it is now */
  find(ref: string): Promise<T>
  describe(current: T): WatchdogState
  /** what the target would be with `value`, computed without writing */
  plan(current: T, value: V | null): Planned<T>
  /** writes the planned state; refuses when the target changed since `find` where the target can tell */
  write(current: T, planned: T): Promise<T>
  /**
   * Runs a whole change (find, plan, write) under the lock the target's owner takes for its own changes, so the
   * target is read under it (a Proxmox guest config: qemu-server's flock)
   */
  exclusive?<R>(ref: string, work: () => Promise<R>): Promise<R>
}

/** One target's state, and the target as it was read (for callers that print more of it). */
export async function showTarget<T, V>(target: Target<T, V>, ref: string): Promise<{state: WatchdogState; current: T}> {
  const current = await target.find(ref)
  return {state: target.describe(current), current}
}

export async function showWatchdog<T, V>(target: Target<T, V>, ref: string): Promise<WatchdogState> {
  return (await showTarget(target, ref)).state
}

export interface ChangeOptions {
  /** plan only: look everything up, write nothing */
  dryRun?: boolean
  /**
   * false: the caller hands the changed target on itself (`wd xml patch` prints the domain): nothing is written
   * back, and it is no dry run
   */
  writeBack?: boolean
}

/** Sets (or, for null, removes) the watchdog of one target; the result, and the target after, for callers that print it. */
export async function changeWatchdog<T, V>(
  target: Target<T, V>,
  ref: string,
  value: V | null,
  options: ChangeOptions = {},
): Promise<{change: WatchdogChange; after: T}> {
  const dryRun = options.dryRun ?? false
  const change = async () => {
    const current = await target.find(ref)
    const planned = target.plan(current, value)
    const write = planned.changed && !dryRun && options.writeBack !== false
    const after = write ? await target.write(current, planned.after) : planned.after
    const before = target.describe(current)
    return {
      change: {
        target: before.target,
        before,
        after: target.describe(after),
        changed: planned.changed,
        written: write,
        dryRun,
        warnings: planned.warnings ?? [],
      },
      after,
    }
  }
  // a dry run writes nothing, and takes no lock from the owner's own changes
  return target.exclusive && !dryRun ? target.exclusive(ref, change) : change()
}

/** A stored value read with `read`, or the reason it cannot be (kept as data, so a change can still replace it). */
export function readStored<D>(read: () => D): {device: D | null; problem?: WatchdogState['problem']} {
  try {
    return {device: read()}
  } catch (e) {
    if (!isWdError(e)) throw e
    const {code, message, hint, location} = e.toJSON()
    return {device: null, problem: {code, message, ...(hint && {hint}), ...(location && {location})}}
  }
}
