/** Flavors and images as the rows `wd flavor …` and `wd image …` print: the stored value and what Nova makes of it. */
import {resolve} from '../engine/resolve.js'
import type {Row} from '../report/records.js'
import {BLUEPRINT_KEY, FLAVOR_KEY, IMAGE_KEY} from '../vocab/nova.js'
import {imageProperties, type Image} from './glance.js'
import type {Flavor} from './nova.js'

/** The device a flavor gives on its own (no image override), in words. */
function watchdogOf(r: ReturnType<typeof resolve>): string {
  if (r.errors.length > 0 && !r.device) return 'invalid: Nova refuses it'
  return r.device ? `${r.device.model}, ${r.device.action}` : 'none'
}

export function flavorRecord(f: Flavor): Row {
  const r = resolve({flavor: f.extra_specs})
  return {
    id: f.id,
    name: f.name,
    vcpus: f.vcpus ?? null,
    ram: f.ram ?? null,
    disk: f.disk ?? null,
    is_public: f['os-flavor-access:is_public'] ?? null,
    [FLAVOR_KEY]: f.extra_specs[FLAVOR_KEY] ?? null,
    watchdog: watchdogOf(r),
    findings: [...r.errors, ...r.warnings].map((x) => `${x.severity}: ${x.message}`),
    properties: f.extra_specs,
  }
}

export const FLAVOR_COLUMNS = ['ID', 'Name', 'vCPUs', 'RAM', 'Disk', 'Is Public', 'Watchdog']

export function flavorRow(f: Flavor): Row {
  const rec = flavorRecord(f)
  return {
    ID: rec.id,
    Name: rec.name,
    vCPUs: rec.vcpus,
    RAM: rec.ram,
    Disk: rec.disk,
    'Is Public': rec.is_public,
    Watchdog: rec.watchdog,
  }
}

export function imageRecord(i: Image): Row {
  const props = imageProperties(i)
  const r = resolve({image: props})
  const value = props[IMAGE_KEY]
  return {
    id: i.id,
    name: i.name,
    owner: i.owner ?? null,
    visibility: i.visibility ?? null,
    [IMAGE_KEY]: value ?? null,
    watchdog: value === undefined ? "the flavor's" : `${watchdogOf(r)} (overrides every flavor's)`,
    findings: [...r.errors, ...r.warnings].map((x) => `${x.severity}: ${x.message}`),
    properties: props,
  }
}

export const IMAGE_COLUMNS = ['ID', 'Name', 'Visibility', 'Watchdog']

export function imageRow(i: Image): Row {
  const rec = imageRecord(i)
  return {ID: rec.id, Name: rec.name, Visibility: rec.visibility, Watchdog: rec.watchdog}
}

/** Whether the image still carries the blueprint's key, which Nova never reads. */
export function hasLegacyKey(i: Image): boolean {
  return typeof i[BLUEPRINT_KEY] === 'string'
}
