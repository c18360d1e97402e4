/**
 * Watchdog states and changes (src/operations/target.ts) as people read them: the openstack-CLI-style records and
 * rows of `wd flavor …` and `wd image …`, and the lines `wd proxmox …` and `wd xml patch` print. Data in, text out.
 */
import type {WatchdogChange, WatchdogState} from '../operations/target.js'
import {isWdVendor} from '../proxmox/cicustom.js'
import type {HeldFlavor} from '../operations/targets/flavor.js'
import type {Flavor} from '../api/nova.js'
import type {Image} from '../api/glance.js'
import {renderProxmoxLine, type ProxmoxWatchdog} from '../render/proxmox.js'
import {FLAVOR_KEY, IMAGE_KEY} from '../vocab/nova.js'
import type {Row} from './records.js'
import {oneLine} from '../text/clip.js'
import {own} from '../untrusted.js'
import {NO_WATCHDOG, NOT_SET} from './words.js'

/**
 * The device a flavor (or an overriding image) gives on its own, in words; never 'none' for no device, since none
 * is also an action (a device that does nothing on expiry).
 */
function deviceWords(s: WatchdogState): string {
  if (!s.valid && !s.device) return 'invalid: Nova refuses it'
  return s.device ? `${s.device.model}, ${s.device.action}` : NO_WATCHDOG
}

const findingLines = (s: WatchdogState) => s.findings.map((x) => `${x.severity}: ${x.message}`)

/**
 * A flavor as `openstack flavor show -f json` prints it (python-openstackclient's ShowFlavor: the SDK's names for
 * Nova's fields, sorted), then wd's own columns. The SDK reads flavors at compute 2.61, where Nova says '' for no
 * swap; wd reads at 2.86, where it says 0: shown as the openstack CLI shows it.
 */
export function flavorRecord(s: WatchdogState, {flavor: f, access}: HeldFlavor): Row {
  const isPublic = f['os-flavor-access:is_public'] ?? true
  return {
    'OS-FLV-DISABLED:disabled': f['OS-FLV-DISABLED:disabled'] ?? false,
    'OS-FLV-EXT-DATA:ephemeral': f['OS-FLV-EXT-DATA:ephemeral'] ?? 0,
    access_project_ids: isPublic ? null : access,
    description: f.description ?? null,
    disk: f.disk ?? null,
    id: f.id,
    name: f.name,
    'os-flavor-access:is_public': isPublic,
    properties: f.extra_specs,
    ram: f.ram ?? null,
    rxtx_factor: f.rxtx_factor ?? null,
    swap: f.swap === 0 ? '' : (f.swap ?? ''),
    vcpus: f.vcpus ?? null,
    ...watchdogColumns(s, FLAVOR_KEY, deviceWords(s)),
  }
}

/** wd's own columns after the openstack CLI's: the stored value, what Nova makes of it, the findings. */
const watchdogColumns = (s: WatchdogState, key: string, watchdog: string): Row => ({
  [key]: s.stored,
  watchdog,
  findings: findingLines(s),
})

/** `wd flavor list`: `openstack flavor list`'s columns, then the watchdog. */
export function flavorRow(s: WatchdogState, f: Flavor): Row {
  return {
    ID: f.id,
    Name: f.name,
    RAM: f.ram ?? null,
    Disk: f.disk ?? null,
    Ephemeral: f['OS-FLV-EXT-DATA:ephemeral'] ?? 0,
    VCPUs: f.vcpus ?? null,
    'Is Public': f['os-flavor-access:is_public'] ?? true,
    Watchdog: deviceWords(s),
  }
}
export const FLAVOR_COLUMNS = ['ID', 'Name', 'RAM', 'Disk', 'Ephemeral', 'VCPUs', 'Is Public', 'Watchdog']

const imageWatchdog = (s: WatchdogState) =>
  s.stored === null ? "the flavor's" : `${deviceWords(s)} (overrides every flavor's)`

/** `wd image list`: `openstack image list`'s columns, then the visibility and the watchdog. */
export function imageRow(s: WatchdogState, i: Image): Row {
  return {
    ID: i.id,
    Name: i.name,
    Status: i.status ?? null,
    Visibility: i.visibility ?? null,
    Watchdog: imageWatchdog(s),
  }
}
export const IMAGE_COLUMNS = ['ID', 'Name', 'Status', 'Visibility', 'Watchdog']

/** The fields `openstack image show` prints at the top level (python-openstackclient's _format_image). */
const IMAGE_SHOWN = new Set([
  'checksum',
  'container_format',
  'created_at',
  'disk_format',
  'file',
  'id',
  'min_disk',
  'min_ram',
  'name',
  'owner',
  'protected',
  'schema',
  'size',
  'status',
  'updated_at',
  'virtual_size',
  'visibility',
])
/** What the openstack CLI leaves out of `properties`: Glance's link to itself (the SDK drops it), the tags (shown apart). */
const IMAGE_HIDDEN = new Set(['self', 'location', 'tags'])

/**
 * An image as `openstack image show -f json` prints it: Glance's own fields that have a value, its tags, and every
 * other key of the image under `properties` (Glance's os_* fields too), sorted; then wd's own columns. (The SDK reads
 * a few known properties, such as hw_cpu_cores, as numbers or booleans; wd shows Glance's strings.)
 */
export function imageRecord(s: WatchdogState, i: Image): Row {
  const shown: Row = {tags: Array.isArray(i.tags) ? i.tags : []}
  const properties: Row = {}
  for (const [k, v] of Object.entries(i)) {
    // the SDK leaves out what Glance says is null (an image without data has no checksum, no os_hash_value)
    if (v === null || v === undefined || IMAGE_HIDDEN.has(k)) continue
    if (IMAGE_SHOWN.has(k)) shown[k] = v
    else properties[k] = v
  }
  if (Object.keys(properties).length > 0) shown.properties = properties
  const sorted = Object.fromEntries(
    Object.keys(shown)
      .sort()
      .map((k) => [k, shown[k]]),
  )
  return {...sorted, ...watchdogColumns(s, IMAGE_KEY, imageWatchdog(s))}
}

const KEYS: Partial<Record<WatchdogChange['target']['kind'], string>> = {flavor: FLAVOR_KEY, image: IMAGE_KEY}

/**
 * What `--dry-run` of `wd flavor|image set|unset` says of one target: "no change" when nothing would change, else the
 * keys it would set and remove (an image's legacy key too), and the value there now.
 */
export function dryRunLine(c: WatchdogChange): string {
  const key = KEYS[c.target.kind] ?? ''
  const what = `${c.target.kind} ${c.target.name ?? c.target.id}`
  if (!c.changed) {
    const has = c.before.stored === null ? `has no ${key}` : `already has ${key}=${c.before.stored}`
    return oneLine(`dry run: no change: ${what} ${has}`)
  }
  const before = c.before.properties ?? {}
  const after = c.after.properties ?? {}
  const set = Object.keys(after).filter((k) => own(before, k) !== after[k])
  const removed = Object.keys(before).filter((k) => !Object.hasOwn(after, k))
  const verbs = [
    ...(set.length > 0 ? [`set ${set.map((k) => `${k}=${after[k]}`).join(', ')}`] : []),
    ...(removed.length > 0 ? [`remove ${removed.join(', ')}`] : []),
  ]
  const on = set.length > 0 ? 'on' : 'from'
  return oneLine(`dry run: would ${verbs.join(' and ')} ${on} ${what} (now: ${c.before.stored ?? NOT_SET})`)
}

/** The line above the records a dry run prints: they are what the targets would be, not what they are. */
export const dryRunCaption = (targets: number): string =>
  `dry run: as ${targets === 1 ? 'it' : 'they'} would be; nothing was written`

/** `wd proxmox show`: the guest's watchdog now and at its next start, wd's monitor, its state, in words. */
export function guestText(s: WatchdogState): string {
  const d = s.device as ProxmoxWatchdog | null
  const a = s.attributes
  const lines = [
    d ? `watchdog: model ${d.model}, action ${d.action ?? 'reset (QEMU default)'}` : 'watchdog: no watchdog device',
  ]
  if (a.pending) lines.push(`pending: watchdog ${a.pending} (applied at the next cold start)`)
  if (a.record) lines.push(`recorded by wd: its own QMP monitor on ${a.record}`)
  if (typeof a.recordPending === 'string')
    lines.push(
      `pending: wd's QMP monitor ${a.recordPending ? `on ${a.recordPending}` : 'removed'} (applied at the next cold start)`,
    )
  if (typeof a.vendor === 'string')
    lines.push(`cloud-init vendor snippet: ${a.vendor}${isWdVendor(a.vendor) ? " (wd's guest half)" : ''}`)
  const where = [a.running ? 'running on this node' : 'not running on this node', ...(a.node ? [`node ${a.node}`] : [])]
  lines.push(`state: ${where.join(', ')}${a.lock ? `; locked (${a.lock})` : ''}`)
  return lines.join('\n')
}

/** What a change did to wd's QMP monitor (`--record`), or undefined when it left it. */
function monitorLine(c: WatchdogChange): string | undefined {
  const [was, is] = [c.before.attributes.record, c.after.attributes.record]
  if (was === is) return undefined
  const would = c.dryRun ? 'would be ' : ''
  return is
    ? `${c.target.id}: wd's QMP monitor on ${is} ${would}added (args:)`
    : `${c.target.id}: wd's QMP monitor on ${was} ${would}removed (args:)`
}

/** What a change did to the guest half (`--guest`): the cloud-init vendor snippet; undefined when it left it. */
function guestHalfLine(c: WatchdogChange): string | undefined {
  const [was, is] = [c.before.attributes.vendor, c.after.attributes.vendor]
  const would = c.dryRun ? 'would be ' : ''
  if (was === is) return c.changed && is ? `${c.target.id}: wd's guest half ${is} ${would}rewritten` : undefined
  return is
    ? `${c.target.id}: wd's guest half ${is} ${would}added (cicustom: vendor=)`
    : `${c.target.id}: wd's guest half ${was} ${would}removed (cicustom: vendor=)`
}

/** `wd proxmox set`: the line written (or that would be). */
export function guestSetLine(c: WatchdogChange): string {
  const d = c.after.device as ProxmoxWatchdog | null
  if (!c.changed) return `${c.target.id}: unchanged`
  const others = [monitorLine(c), guestHalfLine(c)].filter(Boolean)
  const watchdogChanged = c.before.stored !== c.after.stored
  const line = d ? renderProxmoxLine(d) : 'watchdog removed (Nova would give no watchdog)'
  const watchdog =
    watchdogChanged || others.length === 0 ? `${c.target.id}: ${c.dryRun ? 'would write ' : ''}${line}` : undefined
  return [watchdog, ...others].filter(Boolean).join('\n')
}

/** `wd proxmox unset`: whether the line went. */
export function guestUnsetLine(c: WatchdogChange, what: 'watchdog' | 'monitor' | 'guest' = 'watchdog'): string {
  if (what === 'monitor') return monitorLine(c) ?? `${c.target.id}: had no QMP monitor of wd's`
  if (what === 'guest') return guestHalfLine(c) ?? `${c.target.id}: had no guest half of wd's`
  if (!c.changed) return `${c.target.id}: had no watchdog`
  return `${c.target.id}: ${c.dryRun ? 'would remove the watchdog' : 'watchdog removed'}`
}

/** `wd xml patch --in-place`: whether the file changed. */
export const domainChangeLine = (c: WatchdogChange): string =>
  `${c.target.id}: ${c.changed ? (c.written ? 'written' : 'would change') : 'unchanged'}`
