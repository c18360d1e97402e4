/**
 * What Nova's API answers hold, as wd reads them: shapes only, no I/O (src/openstack/nova.ts asks, the pure audit
 * judge and the reports read). Fields are what Nova said and stay untrusted: readers check each before use.
 */
import {asString, isObject} from '../untrusted.js'
export interface Flavor {
  id: string
  name: string
  vcpus?: number
  ram?: number
  disk?: number
  'OS-FLV-EXT-DATA:ephemeral'?: number
  'OS-FLV-DISABLED:disabled'?: boolean
  /** 0 for none (from 2.75; '' before) */
  swap?: number | ''
  rxtx_factor?: number
  'os-flavor-access:is_public'?: boolean
  /** from 2.55 */
  description?: string | null
  extra_specs: Record<string, string>
}

/** A flavor as Nova's create takes it. */
export interface NewFlavor {
  name: string
  id?: string
  vcpus: number
  ram: number
  disk: number
  ephemeral?: number
  swap?: number
  rxtx_factor?: number
  is_public?: boolean
  description?: string
}

/** A server as Nova lists it (from 2.47 with its flavor embedded as it was at boot). */
export interface Server {
  id: string
  name?: string
  /** the project */
  tenant_id?: string
  status?: string
  created?: string
  /** the flavor as it was at boot: `original_name` and the extra specs (admins see them) */
  flavor: {original_name?: string; extra_specs?: Record<string, string>}
  /** '' for a server booted from a volume */
  image: {id?: string} | ''
  'OS-EXT-STS:vm_state'?: string | null
  /** Nova's power state: 0 no state, 1 running, 3 paused, 4 shutdown, 6 crashed, 7 suspended */
  'OS-EXT-STS:power_state'?: number | null
}

/** Nova's power states by number (nova/compute/power_state.py). */
const POWER_STATES: Record<number, string> = {
  0: 'nostate',
  1: 'running',
  3: 'paused',
  4: 'shutdown',
  6: 'crashed',
  7: 'suspended',
}

/** A field that should be a string: the string, or null for anything else (or nothing). */
export const stringOrNull = (v: unknown): string | null => asString(v) ?? null

/** The string entries of what an API said is a map of strings (anything else in it is not Nova's to read). */
function stringsOf(v: unknown): Record<string, string> | undefined {
  if (!isObject(v)) return undefined
  const out: Record<string, string> = {}
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x
  return out
}

/** A server's embedded flavor as wd reads it: its name, and its extra specs (undefined: hidden from the caller). */
export function bootFlavor(s: Server): {name: string | null; specs: Record<string, string> | undefined} {
  const f: unknown = s.flavor
  return isObject(f)
    ? {name: stringOrNull(f.original_name), specs: stringsOf(f.extra_specs)}
    : {name: null, specs: undefined}
}

/** A flavor's extra specs ({} when the caller may not see them). */
export const specsOf = (f: Flavor): Record<string, string> => stringsOf(f.extra_specs) ?? {}

/** The image id a server booted from; null when it booted from a volume (Nova says '' then). */
export function imageIdOf(s: Server): string | null {
  const i: unknown = s.image
  return isObject(i) ? stringOrNull(i.id) : null
}

/** Nova's power state by name; null for one it does not define (or a value that is no number at all). */
export function powerStateOf(s: Server): string | null {
  const n: unknown = s['OS-EXT-STS:power_state']
  return typeof n === 'number' ? (POWER_STATES[n] ?? null) : null
}
