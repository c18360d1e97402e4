/**
 * The diff of a catalog against a cloud, by Nova's rules (../../README.md, "Converging a cloud"): pure, the cloud as
 * data. Each flavor is created, updated in place (extra specs, description, access of a private flavor), replaced
 * (anything else Nova cannot change: its fields, its id), or left; flavors no catalog lists are unmanaged (deleted
 * only with prune); flavors outside the scope are not managed at all. Images are matched by id or name (wd never
 * uploads one) and only the properties the catalog lists are set or removed, never Glance's own fields.
 * src/operations/catalog-plan.ts reads the cloud and calls this; src/operations/saved-plan.ts re-derives a saved plan
 * with the same functions. Unit tests of every rule: test/unit/catalog-diff.test.ts.
 */
import picomatch from 'picomatch'
import {WdError} from '../errors.js'
import {imageProperties, isGlanceField, type Image} from '../api/glance.js'
import type {Flavor} from '../api/nova.js'
import {BLUEPRINT_KEY, FLAVOR_KEY} from '../vocab/nova.js'
import {own} from '../untrusted.js'
import type {CatalogFlavor, CatalogImage, FlavorFields} from './model.js'

export type PlanAction = 'create' | 'update' | 'replace' | 'delete' | 'unmanaged' | 'unchanged'

export interface Change {
  /** `vcpus`, `description`, `extra_specs`, `access`, `properties`, … */
  field: string
  /** the extra spec, property or project the change is about */
  key?: string
  /** null: there was none (or, for `to`, it is removed) */
  from: string | number | boolean | null
  to: string | number | boolean | null
}

/** A flavor as wd compares it: Nova's fields under the catalog's names, the extra specs, the access list. */
export interface FlavorState {
  id: string
  name: string
  fields: Required<Omit<FlavorFields, 'description'>> & {description: string | null}
  extraSpecs: Record<string, string>
  /** the projects of a private flavor; null for a public one */
  access: string[] | null
}

export interface FlavorPlanItem {
  kind: 'flavor'
  action: PlanAction
  name: string
  /** the flavor's id in the cloud (for a create, the catalog's, or null for Nova's choice) */
  id: string | null
  changes: Change[]
  /** why a replace is one, why an unmanaged flavor stays */
  reasons: string[]
  /** the servers on a flavor that is replaced or deleted (all projects) */
  servers?: {count: number; first: string[]}
  /** what the cloud is to hold (create, update, replace) */
  desired?: FlavorState
  /** what the cloud held when the plan was made (every item but a create) */
  observed?: FlavorState
}

export interface ImagePlanItem {
  kind: 'image'
  action: 'update' | 'unchanged'
  name: string
  id: string
  changes: Change[]
  set: Record<string, string>
  remove: string[]
  /** the values of the properties the plan touches, as they were */
  observed: Record<string, string | null>
}

export type PlanItem = FlavorPlanItem | ImagePlanItem

export interface PlanOptions {
  /** only the cloud's flavors whose name matches this glob are managed (the others are neither unmanaged nor pruned) */
  scope?: string
  /** unmanaged flavors are deleted */
  prune?: boolean
  /** extra specs the catalog does not list are left (merge only) */
  keepUnlistedSpecs?: boolean
  /** the blueprint's `watchdog` key and `hw:watchdog_action` on images are removed */
  migrateLegacy?: boolean
}

/** The fields Nova cannot change on a flavor (only `description` can be, from 2.55): a difference is a replace. */
const IMMUTABLE = ['vcpus', 'ram', 'disk', 'ephemeral', 'swap', 'rxtx_factor', 'is_public'] as const

export function flavorState(f: Flavor, access: string[] | null): FlavorState {
  return {
    id: f.id,
    name: f.name,
    fields: {
      vcpus: f.vcpus ?? 0,
      ram: f.ram ?? 0,
      disk: f.disk ?? 0,
      ephemeral: f['OS-FLV-EXT-DATA:ephemeral'] ?? 0,
      // before 2.75 Nova says '' for no swap
      swap: f.swap === '' || f.swap === undefined ? 0 : f.swap,
      rxtx_factor: f.rxtx_factor ?? 1,
      is_public: f['os-flavor-access:is_public'] ?? true,
      description: f.description ?? null,
    },
    extraSpecs: f.extra_specs,
    access: (f['os-flavor-access:is_public'] ?? true) ? null : [...access!].sort(),
  }
}

/** The catalog entry as the cloud is to hold it; `base` fills what the catalog leaves out (Nova's defaults else). */
function desiredState(c: CatalogFlavor, id: string | null, base: FlavorState | undefined): FlavorState {
  const f = c.fields
  const isPublic = f.is_public ?? base?.fields.is_public ?? true
  return {
    id: id ?? '',
    name: c.name,
    fields: {
      vcpus: f.vcpus ?? base?.fields.vcpus ?? 0,
      ram: f.ram ?? base?.fields.ram ?? 0,
      disk: f.disk ?? base?.fields.disk ?? 0,
      ephemeral: f.ephemeral ?? base?.fields.ephemeral ?? 0,
      swap: f.swap ?? base?.fields.swap ?? 0,
      rxtx_factor: f.rxtx_factor ?? base?.fields.rxtx_factor ?? 1,
      is_public: isPublic,
      description: f.description ?? base?.fields.description ?? null,
    },
    extraSpecs: c.extraSpecs,
    access: isPublic ? null : [...(c.access ?? base?.access ?? [])].sort(),
  }
}

const invalid = (message: string, hint?: string) => new WdError('WD_CATALOG_INVALID', message, hint ? {hint} : {})

/** Two catalog entries for one flavor (or one image) is an error before anything is planned. */
function assertUnique<T extends {name: string; id?: string}>(entries: readonly T[], what: string): void {
  const seen = new Map<string, string>()
  for (const e of entries) {
    const key = e.id !== undefined ? `id ${e.id}` : `name ${e.name}`
    const names = [key, ...(e.id !== undefined ? [`name ${e.name}`] : [])]
    for (const k of names) {
      if (seen.has(k)) throw invalid(`two catalog entries for the ${what} with ${k}`, `keep one of them`)
      seen.set(k, e.name)
    }
  }
}

function specChanges(desired: Record<string, string>, current: Record<string, string>, keep: boolean): Change[] {
  const out: Change[] = []
  for (const [key, to] of Object.entries(desired)) {
    const from = own(current, key)
    if (from !== to) out.push({field: 'extra_specs', key, from: from ?? null, to})
  }
  if (!keep) {
    for (const [key, from] of Object.entries(current)) {
      if (!Object.hasOwn(desired, key)) out.push({field: 'extra_specs', key, from, to: null})
    }
  }
  return out
}

function accessChanges(desired: string[] | null, current: string[] | null): Change[] {
  if (desired === null || current === null) return []
  return [
    ...desired.filter((p) => !current.includes(p)).map((key) => ({field: 'access', key, from: null, to: key})),
    ...current.filter((p) => !desired.includes(p)).map((key) => ({field: 'access', key, from: key, to: null})),
  ]
}

/**
 * The changes that take a flavor from `current` (undefined: it is to be created) to `desired`, and the fields that
 * make it a replace: what a plan shows, and what apply does. A saved plan is checked against this (saved-plan.ts).
 */
export function flavorChanges(
  desired: FlavorState,
  current: FlavorState | undefined,
  keepUnlistedSpecs: boolean,
): {changes: Change[]; replaced: string[]} {
  if (!current) {
    const changes: Change[] = [
      ...IMMUTABLE.map((field) => ({field, from: null, to: desired.fields[field]})),
      ...(desired.fields.description !== null
        ? [{field: 'description', from: null, to: desired.fields.description}]
        : []),
      ...specChanges(desired.extraSpecs, {}, true),
      ...accessChanges(desired.access, []),
    ]
    return {changes, replaced: []}
  }
  const replaced = IMMUTABLE.filter((f) => desired.fields[f] !== current.fields[f])
  const changes: Change[] = [
    ...replaced.map((field) => ({field, from: current.fields[field], to: desired.fields[field]})),
    ...(desired.fields.description !== current.fields.description
      ? [{field: 'description', from: current.fields.description, to: desired.fields.description}]
      : []),
    ...specChanges(desired.extraSpecs, current.extraSpecs, keepUnlistedSpecs),
    ...(replaced.length === 0 ? accessChanges(desired.access, current.access) : []),
  ]
  return {changes, replaced}
}

/** A flavor the catalog gives a new id while its name is taken: recreated under the catalog's id. */
export const idChange = (desired: FlavorState, sameName: FlavorState): Change[] => [
  {field: 'id', from: sameName.id, to: desired.id},
]

/** The changes that take an image's `observed` properties to the plan's `set` and `remove`. */
export function imageChanges(
  set: Record<string, string>,
  remove: readonly string[],
  observed: Record<string, string | null>,
): Change[] {
  return [
    ...Object.entries(set).map(([key, to]) => ({field: 'properties', key, from: own(observed, key) ?? null, to})),
    ...remove.map((key) => ({field: 'properties', key, from: own(observed, key) ?? null, to: null})),
  ]
}

function planFlavor(
  c: CatalogFlavor,
  current: FlavorState | undefined,
  sameName: FlavorState | undefined,
  o: Required<PlanOptions>,
): FlavorPlanItem {
  if (!current) {
    const id = c.id ?? null
    const desired = desiredState(c, id, undefined)
    if (c.fields.vcpus === undefined || c.fields.ram === undefined) {
      throw invalid(`flavor ${c.name} is not in the cloud, and the catalog gives no vcpus and ram to create it with`)
    }
    // a catalog id that is new while the name is taken: the flavor is recreated under the catalog's id
    if (sameName) {
      return {
        kind: 'flavor',
        action: 'replace',
        name: c.name,
        id,
        changes: idChange(desired, sameName),
        reasons: [`the catalog gives id ${id}; the cloud's ${c.name} has id ${sameName.id}, and Nova cannot change it`],
        desired,
        observed: sameName,
      }
    }
    const {changes} = flavorChanges(desired, undefined, true)
    return {kind: 'flavor', action: 'create', name: c.name, id, changes, reasons: [], desired}
  }
  const desired = desiredState(c, current.id, current)
  const {changes, replaced} = flavorChanges(desired, current, o.keepUnlistedSpecs)
  // merging, the specs the catalog does not list stay as the cloud has them
  if (o.keepUnlistedSpecs) desired.extraSpecs = {...current.extraSpecs, ...desired.extraSpecs}
  const base = {kind: 'flavor' as const, name: c.name, id: current.id, desired, observed: current}
  if (replaced.length > 0) {
    const reasons = replaced.map((f) => `Nova cannot change ${f} on a flavor`)
    return {...base, action: 'replace', changes, reasons}
  }
  return {...base, action: changes.length > 0 ? 'update' : 'unchanged', changes, reasons: []}
}

function planImage(c: CatalogImage, image: Image, o: Required<PlanOptions>): ImagePlanItem {
  const props = imageProperties(image)
  const set: Record<string, string> = {}
  for (const [key, to] of Object.entries(c.properties)) {
    assertProperty(c.name, key)
    if (own(props, key) !== to) set[key] = to
  }
  const legacy = o.migrateLegacy ? [BLUEPRINT_KEY, FLAVOR_KEY] : []
  const remove = [...new Set([...c.remove, ...legacy])].filter(
    (k) => assertProperty(c.name, k) && own(props, k) !== undefined && !Object.hasOwn(set, k),
  )
  const touched = [...Object.keys(set), ...remove]
  const observed = Object.fromEntries(touched.map((k) => [k, own(props, k) ?? null]))
  const changes = imageChanges(set, remove, observed)
  return {
    kind: 'image',
    action: changes.length > 0 ? 'update' : 'unchanged',
    name: c.name,
    id: image.id,
    changes,
    set,
    remove,
    observed,
  }
}

/** A property a catalog may set or remove: never one of Glance's own fields (visibility, owner, name, …). */
function assertProperty(image: string, key: string): true {
  if (isGlanceField(key)) {
    throw invalid(
      `image ${image}: '${key}' is one of Glance's own fields, not a property: wd catalogs set properties only`,
      'remove it from the catalog (change it with glance or the openstack CLI if you mean to)',
    )
  }
  return true
}

/** A catalog's entries: every catalog's flavors and images, in order. */
export interface CatalogEntries {
  flavors: readonly CatalogFlavor[]
  images: readonly CatalogImage[]
}

/** What was read of the cloud: its flavors as wd compares them (readFlavors), its images. */
export interface CloudState {
  flavors: readonly FlavorState[]
  images: readonly Image[]
}

/** Two catalog entries for one flavor or one image: an error before the cloud is read. */
export function assertUniqueEntries(entries: CatalogEntries): void {
  assertUnique(entries.flavors, 'flavor')
  assertUnique(entries.images, 'image')
}

/**
 * The plan's items and warnings: every catalog flavor (create, update, replace, unchanged), every flavor in scope no
 * catalog lists (unmanaged, or delete with prune), every catalog image (update, unchanged). The servers on a flavor
 * to be replaced or deleted are the caller's to read.
 */
export function diffCatalog(
  entries: CatalogEntries,
  cloud: CloudState,
  o: Required<PlanOptions>,
): {items: PlanItem[]; warnings: string[]} {
  const {flavors, images} = cloud
  const warnings: string[] = []
  const nameOnly: string[] = []
  const matched = new Set<string>()
  const items: PlanItem[] = []
  for (const c of entries.flavors) {
    const byName = flavors.filter((f) => f.name === c.name)
    if (c.id === undefined && byName.length > 1) {
      throw invalid(
        `more than one flavor in the cloud is named ${c.name}`,
        `give its id in the catalog: ${byName.map((f) => f.id).join(', ')}`,
      )
    }
    if (c.id === undefined) nameOnly.push(c.name)
    const current = c.id !== undefined ? flavors.find((f) => f.id === c.id) : byName[0]
    const sameName = current ? undefined : byName[0]
    const item = planFlavor(c, current, sameName, o)
    for (const f of [current, sameName]) if (f) matched.add(f.id)
    items.push(item)
  }
  // said once, with the count: a catalog of names alone is common, and a warning per flavor on every run is noise
  if (nameOnly.length > 0) warnings.push(nameOnlyWarning(nameOnly))
  const inScope = picomatch(o.scope)
  for (const f of flavors) {
    if (matched.has(f.id) || !inScope(f.name)) continue
    items.push({
      kind: 'flavor',
      action: o.prune ? 'delete' : 'unmanaged',
      name: f.name,
      id: f.id,
      changes: [],
      reasons: o.prune ? ['no catalog lists it (--prune)'] : ['no catalog lists it; --prune deletes it'],
      observed: f,
    })
  }
  for (const c of entries.images) {
    const hits = c.id !== undefined ? images.filter((i) => i.id === c.id) : images.filter((i) => i.name === c.name)
    if (hits.length === 0) throw invalid(`no image ${c.id ?? c.name} in the cloud (wd never uploads images)`)
    if (hits.length > 1)
      throw invalid(`more than one image is named ${c.name}`, `give its id: ${hits.map((i) => i.id).join(', ')}`)
    items.push(planImage(c, hits[0]!, o))
  }
  return {items, warnings}
}

/** Names listed in the warning about flavors matched by name; the rest are counted. */
const NAMES_LISTED = 5

function nameOnlyWarning(names: readonly string[]): string {
  const n = names.length
  const more = n > NAMES_LISTED ? `, and ${n - NAMES_LISTED} more` : ''
  return (
    `${n} ${n === 1 ? 'flavor has' : 'flavors have'} no id in the catalog: matched by name (after a rename a name ` +
    `could match another flavor; wd catalog export writes the ids): ${names.slice(0, NAMES_LISTED).join(', ')}${more}`
  )
}

/** How many items of each action a plan holds. */
export function summaryOf(items: readonly PlanItem[]): Record<PlanAction, number> {
  const summary = {create: 0, update: 0, replace: 0, delete: 0, unmanaged: 0, unchanged: 0}
  for (const item of items) summary[item.action]++
  return summary
}
