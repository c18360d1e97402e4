/**
 * Reading a catalog file: parse with positions, tell the layout (wd's own, or osism flavor-manager's
 * reference/mandatory/recommended), validate each document against its schema, and lift out the flavors and images.
 */
import {WdError} from '../errors.js'
import {schemaProblems, type SchemaProblem} from '../schema/problems.js'
import {validator, type SchemaName} from '../schema/validator.js'
import type {Path} from '../data-path.js'
import {parseSource, type SourceFile} from '../source/yaml-source.js'
import {clip} from '../text/clip.js'
import type {CatalogFlavor, CatalogImage, FlavorFields, Layout} from './model.js'
import {isObject} from '../untrusted.js'
import {MAX_CATALOG_BYTES, MiB} from '../limits.js'

/** Larger files are refused before parsing: a catalog of 50,000 flavors is about 12 MB. */

/** Flavor fields of the osism layout; every other key of a flavor is an extra spec there. */
const OSISM_FIELDS = new Set(['name', 'id', 'flavorid', 'cpus', 'ram', 'disk', 'public', 'disabled'])
const OSISM_LISTS = ['mandatory', 'recommended'] as const

interface LocatedSchemaProblem extends SchemaProblem {
  doc: number
}

export interface Catalog {
  source: SourceFile
  flavors: CatalogFlavor[]
  images: CatalogImage[]
  schemaProblems: LocatedSchemaProblem[]
}

type Obj = Record<string, unknown>

/** Scalar values as Nova/Glance store them; anything else is left to the schema to report. */
function strings(o: Obj, skip?: Set<string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(o)) {
    if (skip?.has(k)) continue
    if (typeof v === 'string' || typeof v === 'number') out[k] = String(v)
  }
  return out
}

function layoutOf(data: unknown): Layout | undefined {
  if (!isObject(data)) return undefined
  return 'mandatory' in data || 'recommended' in data || 'reference' in data ? 'osism' : 'wd'
}

const NUMBER_FIELDS = ['vcpus', 'ram', 'disk', 'ephemeral', 'swap', 'rxtx_factor'] as const
/** The osism layout's names for Nova's flavor fields. */
const OSISM_NAMES: Record<string, keyof FlavorFields> = {cpus: 'vcpus', ram: 'ram', disk: 'disk', public: 'is_public'}

/** The flavor fields an item gives, with the types Nova takes (the schema reports anything else). */
function fieldsOf(item: Obj, layout: Layout): FlavorFields {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(item)) {
    const field = layout === 'osism' ? OSISM_NAMES[k] : k
    if (field === 'is_public' && typeof v === 'boolean') out[field] = v
    else if (field === 'description' && typeof v === 'string') out[field] = v
    else if ((NUMBER_FIELDS as readonly string[]).includes(field ?? '') && typeof v === 'number') out[field!] = v
  }
  return out
}

function lift(catalog: Catalog, doc: number, data: Obj, layout: Layout): void {
  const flavorAt = (item: unknown, path: Path, propsPath: Path, specs: Record<string, string>) => {
    if (!isObject(item) || typeof item.name !== 'string') return
    const id = typeof item.id === 'string' ? item.id : typeof item.flavorid === 'string' ? item.flavorid : undefined
    const access = Array.isArray(item.access) ? item.access.filter((a) => typeof a === 'string') : undefined
    catalog.flavors.push({
      name: item.name,
      ...(id && {id}),
      extraSpecs: specs,
      fields: fieldsOf(item, layout),
      ...(access && {access}),
      origin: {doc, path, propsPath},
    })
  }
  if (layout === 'osism') {
    for (const list of OSISM_LISTS) {
      const items = Array.isArray(data[list]) ? (data[list] as unknown[]) : []
      items.forEach((item, i) => {
        if (isObject(item)) flavorAt(item, [list, i], [list, i], strings(item, OSISM_FIELDS))
      })
    }
    return
  }
  const flavors = Array.isArray(data.flavors) ? (data.flavors as unknown[]) : []
  flavors.forEach((item, i) => {
    if (!isObject(item)) return
    const specs = isObject(item.extra_specs) ? strings(item.extra_specs) : {}
    flavorAt(item, ['flavors', i], ['flavors', i, 'extra_specs'], specs)
  })
  const images = Array.isArray(data.images) ? (data.images as unknown[]) : []
  images.forEach((item, i) => {
    if (!isObject(item) || typeof item.name !== 'string') return
    const properties = isObject(item.properties) ? strings(item.properties) : {}
    const remove = isObject(item.properties)
      ? Object.entries(item.properties)
          .filter(([, v]) => v === null)
          .map(([k]) => k)
      : []
    const origin = {doc, path: ['images', i], propsPath: ['images', i, 'properties']}
    const id = typeof item.id === 'string' ? {id: item.id} : {}
    catalog.images.push({name: item.name, ...id, properties, remove, origin})
  })
}

/**
 * The lists of each layout whose items are validated one by one. ajv gathers the errors of a referenced schema with
 * an array concat per call, so validating a list of 40,000 bad items in one call is quadratic (25 s measured); item
 * by item it is linear, and the paths are put back together here.
 */
const ITEMS: Record<'catalog' | 'osism-flavors', Record<string, [SchemaName, string]>> = {
  catalog: {flavors: ['flavor', ''], images: ['image', '']},
  'osism-flavors': {mandatory: ['osism-flavors', '/$defs/flavor'], recommended: ['osism-flavors', '/$defs/flavor']},
}

function documentProblems(schema: 'catalog' | 'osism-flavors', data: unknown): SchemaProblem[] {
  const out: SchemaProblem[] = []
  // the document with its lists emptied, so the whole-document check does not walk their items again
  const shell: unknown = isObject(data) ? {...data} : data
  for (const [key, [name, fragment]] of Object.entries(ITEMS[schema])) {
    const list = isObject(data) ? data[key] : undefined
    if (!Array.isArray(list)) continue
    ;(shell as Obj)[key] = []
    const validate = validator(name, fragment)
    list.forEach((item, i) => {
      if (!validate(item)) out.push(...schemaProblems(validate.errors, [key, i]))
    })
  }
  const validate = validator(schema)
  if (!validate(shell)) out.push(...schemaProblems(validate.errors))
  return out
}

export function loadCatalog(text: string, name: string): Catalog {
  if (text.length > MAX_CATALOG_BYTES) {
    throw new WdError('WD_FILE_TOO_LARGE', `${name} is larger than ${MAX_CATALOG_BYTES / MiB} MiB`)
  }
  const source = parseSource(text, name)
  const catalog: Catalog = {source, flavors: [], images: [], schemaProblems: []}
  source.data.forEach((data, doc) => {
    const layout = layoutOf(data)
    if (data === undefined || data === null) return // a syntax problem, or an empty document
    const schema = layout === 'osism' ? 'osism-flavors' : 'catalog'
    // assigned, not spread: a spread would make every problem's message now
    for (const p of documentProblems(schema, data)) catalog.schemaProblems.push(Object.assign(p, {doc}))
    if (layout) lift(catalog, doc, data as Obj, layout)
  })
  return catalog
}

/** An entry by name, else by id; the error lists what the catalog does have. */
function findEntry<T extends {name: string; id?: string}>(
  catalog: Catalog,
  kind: 'flavor' | 'image',
  list: T[],
  ref: string,
): T {
  const hit = list.find((x) => x.name === ref) ?? list.find((x) => x.id === ref)
  if (hit) return hit
  const names = list.slice(0, 20).map((x) => clip(x.name))
  throw new WdError('WD_NOT_FOUND', `${catalog.source.name} has no ${kind} '${clip(ref)}'`, {
    hint: `${kind}s: ${names.join(', ') || 'none'}${list.length > 20 ? `, and ${list.length - 20} more` : ''}`,
  })
}

export const findFlavor = (catalog: Catalog, ref: string): CatalogFlavor =>
  findEntry(catalog, 'flavor', catalog.flavors, ref)
export const findImage = (catalog: Catalog, ref: string): CatalogImage =>
  findEntry(catalog, 'image', catalog.images, ref)
