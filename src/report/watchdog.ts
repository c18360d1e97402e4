/**
 * Watchdog states and changes (src/operations/target.ts) as people read them: the openstack-CLI-style records and
 * rows of `wd flavor …` and `wd image …`, and the lines `wd proxmox …` and `wd xml patch` print. Data in, text out.
 */
import type {WatchdogChange, WatchdogState} from '../operations/target.js'
import {renderProxmoxLine, type ProxmoxWatchdog} from '../render/proxmox.js'
import {FLAVOR_KEY, IMAGE_KEY} from '../vocab/nova.js'
import type {Row} from './records.js'
import {oneLine} from '../text/clip.js'
import {own} from '../is-object.js'
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

export function flavorRecord(s: WatchdogState): Row {
  const a = s.attributes
  return {
    id: s.target.id,
    name: s.target.name,
    vcpus: a.vcpus ?? null,
    ram: a.ram ?? null,
    disk: a.disk ?? null,
    is_public: a.is_public ?? null,
    [FLAVOR_KEY]: s.stored,
    watchdog: deviceWords(s),
    findings: findingLines(s),
    properties: s.properties ?? {},
  }
}

/** `wd flavor list`'s columns, each from the record's field (as the openstack CLI names them). */
const FLAVOR_LIST = {
  ID: 'id',
  Name: 'name',
  vCPUs: 'vcpus',
  RAM: 'ram',
  Disk: 'disk',
  'Is Public': 'is_public',
  Watchdog: 'watchdog',
}
const IMAGE_LIST = {ID: 'id', Name: 'name', Visibility: 'visibility', Watchdog: 'watchdog'}

export const FLAVOR_COLUMNS = Object.keys(FLAVOR_LIST)
export const IMAGE_COLUMNS = Object.keys(IMAGE_LIST)

const columns = (record: Row, list: Record<string, string>): Row =>
  Object.fromEntries(Object.entries(list).map(([column, field]) => [column, record[field]]))

export const flavorRow = (s: WatchdogState): Row => columns(flavorRecord(s), FLAVOR_LIST)
export const imageRow = (s: WatchdogState): Row => columns(imageRecord(s), IMAGE_LIST)

const imageWatchdog = (s: WatchdogState) =>
  s.stored === null ? "the flavor's" : `${deviceWords(s)} (overrides every flavor's)`

export function imageRecord(s: WatchdogState): Row {
  return {
    id: s.target.id,
    name: s.target.name,
    owner: s.attributes.owner ?? null,
    visibility: s.attributes.visibility ?? null,
    [IMAGE_KEY]: s.stored,
    watchdog: imageWatchdog(s),
    findings: findingLines(s),
    properties: s.properties ?? {},
  }
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

/** `wd proxmox show`: the guest's watchdog and any pending change, in words. */
export function guestText(s: WatchdogState): string {
  const d = s.device as ProxmoxWatchdog | null
  const lines = [
    d ? `watchdog: model ${d.model}, action ${d.action ?? 'reset (QEMU default)'}` : 'watchdog: no watchdog device',
  ]
  if (s.attributes.pending) lines.push(`pending: watchdog ${s.attributes.pending} (applied at the next cold start)`)
  if (s.attributes.record) lines.push(`recorded by wd: its own QMP monitor on ${s.attributes.record}`)
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

/** `wd proxmox set`: the line written (or that would be). */
export function guestSetLine(c: WatchdogChange): string {
  const d = c.after.device as ProxmoxWatchdog | null
  if (!c.changed) return `${c.target.id}: unchanged`
  const monitor = monitorLine(c)
  const watchdogChanged = c.before.stored !== c.after.stored
  const line = d ? renderProxmoxLine(d) : 'watchdog removed (Nova would give no watchdog)'
  const watchdog = watchdogChanged || !monitor ? `${c.target.id}: ${c.dryRun ? 'would write ' : ''}${line}` : undefined
  return [watchdog, monitor].filter(Boolean).join('\n')
}

/** `wd proxmox unset`: whether the line went. */
export function guestUnsetLine(c: WatchdogChange, what: 'watchdog' | 'monitor' = 'watchdog'): string {
  if (what === 'monitor') return monitorLine(c) ?? `${c.target.id}: had no QMP monitor of wd's`
  if (!c.changed) return `${c.target.id}: had no watchdog`
  return `${c.target.id}: ${c.dryRun ? 'would remove the watchdog' : 'watchdog removed'}`
}

/** `wd xml patch --in-place`: whether the file changed. */
export const domainChangeLine = (c: WatchdogChange): string =>
  `${c.target.id}: ${c.changed ? (c.written ? 'written' : 'would change') : 'unchanged'}`
