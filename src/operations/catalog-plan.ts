/**
 * What it takes to make a cloud match its catalog: the cloud read (one flavor list, one image list, and one request
 * per private managed flavor (its access list) and per flavor to be replaced or deleted (the servers on it): never
 * one request per flavor), then the pure diff of src/catalog/diff.ts, by Nova's rules.
 *
 * A plan is data (schemas/catalog-plan.schema.json): every change with its old and new value, and what was observed
 * of each object, so a saved plan can be refused when the cloud changed since.
 */
import {WdError} from '../errors.js'
import type {Catalog} from '../catalog/load.js'
import {
  assertUniqueEntries,
  diffCatalog,
  flavorState,
  summaryOf,
  type FlavorState,
  type PlanAction,
  type PlanItem,
  type PlanOptions,
} from '../catalog/diff.js'
import type {Connection} from '../openstack/connection.js'
import {listImages} from '../openstack/glance.js'
import type {Image} from '../api/glance.js'
import {flavorAccess, listFlavors, serversOnFlavor} from '../openstack/nova.js'
import type {Flavor} from '../api/nova.js'
import {pool, READS_AT_ONCE} from './pool.js'
import {planDigest} from './plan-digest.js'

/** What planning is told besides the options a plan records. */
export interface PlanGuards {
  /** prune even when the catalogs list no flavor at all (every flavor in scope is then deleted) */
  pruneAll?: boolean
}

export interface Plan {
  version: 1
  options: Required<PlanOptions>
  items: PlanItem[]
  summary: Record<PlanAction, number>
  /** what the operator should know (flavors matched by name) */
  warnings: string[]
  /**
   * `sha256:` and the hex digest of the rest of the plan (plan-digest.ts): a saved plan edited by hand no longer
   * matches it. Not a signature: anyone can compute it; what apply does is re-derived from the plan regardless.
   */
  digest: string
}

const SERVERS_LISTED = 5

async function serversOf(conn: Connection, id: string): Promise<{count: number; first: string[]}> {
  const ids = await serversOnFlavor(conn, id)
  return {count: ids.length, first: ids.slice(0, SERVERS_LISTED)}
}

/** The cloud's flavors as wd compares them, with the access lists of the private ones `wanted` names. */
export async function readFlavors(
  conn: Connection,
  wanted: (f: Flavor) => boolean,
  listed?: readonly Flavor[],
): Promise<FlavorState[]> {
  const flavors = listed ?? (await listFlavors(conn, true))
  return pool(
    flavors.map((f) => async () => {
      const isPrivate = f['os-flavor-access:is_public'] === false
      return flavorState(f, isPrivate && wanted(f) ? await flavorAccess(conn, f.id) : [])
    }),
    READS_AT_ONCE,
  )
}

/** What a caller already read of the cloud (every flavor, private ones too; every image), so it is not read again. */
export interface CloudRead {
  flavors: readonly Flavor[]
  images: readonly Image[]
}

export async function planCatalogs(
  conn: Connection,
  catalogs: readonly Catalog[],
  options: PlanOptions & PlanGuards = {},
  read?: CloudRead,
): Promise<Plan> {
  const o: Required<PlanOptions> = {
    scope: options.scope ?? '**',
    prune: options.prune ?? false,
    keepUnlistedSpecs: options.keepUnlistedSpecs ?? false,
    migrateLegacy: options.migrateLegacy ?? false,
  }
  const entries = catalogs.flatMap((c) => c.flavors)
  const imageEntries = catalogs.flatMap((c) => c.images)
  // an empty catalog (a 0-byte file, `null`, `images: []`) would prune every flavor in scope
  if (o.prune && entries.length === 0 && !options.pruneAll) {
    throw new WdError(
      'WD_USAGE',
      `the catalogs list no flavor: --prune would delete every flavor matching ${o.scope}`,
      {
        hint: 'add --prune-all if that is what you mean; check the catalog paths otherwise',
      },
    )
  }
  assertUniqueEntries({flavors: entries, images: imageEntries})
  const ids = new Set(entries.flatMap((e) => (e.id ? [e.id] : [])))
  const names = new Set(entries.map((e) => e.name))
  const [flavors, images] = await Promise.all([
    readFlavors(conn, (f) => ids.has(f.id) || names.has(f.name), read?.flavors),
    read ? read.images : imageEntries.length > 0 ? listImages(conn) : Promise.resolve([]),
  ])
  const {items, warnings} = diffCatalog({flavors: entries, images: imageEntries}, {flavors, images}, o)
  // the servers a replace or a delete would leave on a flavor that is gone
  await pool(
    items.map((item) => async () => {
      if (item.kind === 'flavor' && (item.action === 'replace' || item.action === 'delete') && item.observed) {
        item.servers = await serversOf(conn, item.observed.id)
      }
    }),
    READS_AT_ONCE,
  )
  const plan = {version: 1 as const, options: o, items, summary: summaryOf(items), warnings}
  return {...plan, digest: planDigest(plan)}
}

export const pending = (plan: Plan): boolean =>
  plan.items.some((i) => i.action !== 'unchanged' && i.action !== 'unmanaged')
