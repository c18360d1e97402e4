/**
 * Carrying out a plan (catalog-plan.ts): each item that changes something is one task, run at most `parallel` at a
 * time; each ends applied, failed (with the cloud's own words) or not attempted (with the reason). Within a flavor
 * new extra specs are set before old ones are removed, so it is never without its watchdog between two requests.
 * A create that fails without an answer (a dropped connection) or because the flavor now exists (another apply
 * made it) is not retried blindly: the flavor is looked up, and the rest of its changes go on from what is there.
 * Nothing is reported applied that the cloud does not hold: a flavor is read back after its writes (one request),
 * a deleted one must be gone, an image's patch answer must hold the properties. Whether servers use a flavor that is
 * to be deleted is asked at apply time, never taken from the plan.
 */
import {WdError, isWdError, type WdErrorCode} from '../errors.js'
import {own} from '../untrusted.js'
import {clip, oneLine} from '../text/clip.js'
import type {Connection} from '../openstack/connection.js'
import {listImages, patchImageProperties} from '../openstack/glance.js'
import {pool} from './pool.js'
import {
  changeFlavorAccess,
  createFlavor,
  flavorAccess,
  deleteFlavor,
  getFlavorById,
  listFlavors,
  serversOnFlavor,
  setExtraSpecs,
  setFlavorDescription,
  unsetExtraSpec,
} from '../openstack/nova.js'
import type {Flavor} from '../api/nova.js'
import {flavorState, type Change, type FlavorPlanItem, type FlavorState, type PlanItem} from '../catalog/diff.js'
import {readFlavors, type Plan} from './catalog-plan.js'

export interface ApplyOptions {
  /** tasks at once (default 4) */
  parallel?: number
  /** replace flavors (delete, then create with the same id), and delete flavors servers use */
  allowReplace?: boolean
  /** told of each item as it ends, for a progress display */
  onItem?: (done: number, total: number) => void
}

export type ItemStatus = 'applied' | 'failed' | 'not-attempted'

export interface ItemResult {
  kind: PlanItem['kind']
  action: PlanItem['action']
  name: string
  id: string | null
  status: ItemStatus
  /** the changes the item makes (made, when applied), as the plan shows them */
  changes: Change[]
  /** why it failed (the cloud's own words) or was not attempted */
  reason?: string
  code?: WdErrorCode
}

export interface ApplyResult {
  results: ItemResult[]
  summary: Record<ItemStatus, number>
}

export const DEFAULT_PARALLEL = 4

/** The flavor a create meant to make, if it is there after all. */
async function existing(conn: Connection, d: FlavorState): Promise<Flavor | undefined> {
  if (d.id) return getFlavorById(conn, d.id)
  return (await listFlavors(conn, true)).find((f) => f.name === d.name)
}

/** Creates the flavor; `made` is false when it was there already (see the module's comment). */
async function create(conn: Connection, d: FlavorState): Promise<{id: string; made: boolean}> {
  const {vcpus, ram, disk, ephemeral, swap, rxtx_factor, is_public, description} = d.fields
  const body = {
    name: d.name,
    ...(d.id && {id: d.id}),
    vcpus,
    ram,
    disk,
    ephemeral,
    swap,
    rxtx_factor,
    is_public,
    ...(description !== null && {description}),
  }
  try {
    return {id: (await createFlavor(conn, body)).id, made: true}
  } catch (e) {
    const unanswered = isWdError(e) && e.code === 'WD_UNREACHABLE'
    const exists = isWdError(e) && e.code === 'WD_CONFLICT'
    const there = unanswered || exists ? await existing(conn, d) : undefined
    if (!there) throw e
    return {id: there.id, made: false}
  }
}

/** Makes flavor `id` hold `d`'s extra specs, description and access, from `from` (what it holds now). */
async function converge(conn: Connection, id: string, d: FlavorState, from: FlavorState): Promise<void> {
  const set = Object.fromEntries(Object.entries(d.extraSpecs).filter(([k, v]) => own(from.extraSpecs, k) !== v))
  if (Object.keys(set).length > 0) await setExtraSpecs(conn, id, set)
  const unset = Object.keys(from.extraSpecs).filter((k) => !Object.hasOwn(d.extraSpecs, k))
  for (const key of unset) await unsetExtraSpec(conn, id, key)
  if (d.fields.description !== from.fields.description) await setFlavorDescription(conn, id, d.fields.description)
  if (d.access && from.access) {
    for (const p of d.access) if (!from.access.includes(p)) await changeFlavorAccess(conn, id, p, true)
    for (const p of from.access) if (!d.access.includes(p)) await changeFlavorAccess(conn, id, p, false)
  }
  if (Object.keys(set).length > 0 || unset.length > 0 || d.fields.description !== from.fields.description)
    await readBack(conn, id, d)
}

/** Fails (never `applied`) when Nova answered the writes but the flavor does not hold what they wrote. */
async function readBack(conn: Connection, id: string, d: FlavorState): Promise<void> {
  const now = await getFlavorById(conn, id)
  if (!now) throw notDone(`flavor ${id} is gone after its writes`)
  const specs = now.extra_specs ?? {}
  const wrong = [
    ...Object.keys(d.extraSpecs).filter((k) => own(specs, k) !== d.extraSpecs[k]),
    ...Object.keys(specs).filter((k) => !Object.hasOwn(d.extraSpecs, k)),
  ]
  if (wrong.length > 0)
    throw notDone(
      `Nova answered every write, but flavor ${id} does not hold extra spec ${wrong.map((k) => `'${k}'`).join(', ')} as written`,
    )
  if ((now.description ?? null) !== d.fields.description && now.description !== undefined)
    throw notDone(`Nova answered every write, but flavor ${id} does not hold the description as written`)
}

const notDone = (message: string) =>
  new WdError('WD_BAD_ANSWER', oneLine(clip(message, 400)), {hint: 'read the flavor and its extra specs in Nova'})

/** What a flavor just created from `d` holds: its fields and description, no extra specs, no access yet. */
const fresh = (d: FlavorState, id: string): FlavorState => ({...d, id, extraSpecs: {}, access: d.access && []})

/** Servers asked for when a flavor is to be deleted: one is enough to refuse, a few name them. */
const SERVERS_ASKED = 5
const count = (ids: string[]) =>
  ids.length >= SERVERS_ASKED ? `${SERVERS_ASKED} or more servers` : `${ids.length} server(s)`

async function applyFlavor(conn: Connection, item: FlavorPlanItem, o: ApplyOptions): Promise<string | undefined> {
  const d = item.desired
  if (item.action === 'delete') {
    // asked now: a saved plan's count is what it was (and a file's to edit)
    const now = await serversOnFlavor(conn, item.id!, SERVERS_ASKED)
    if (now.length > 0 && !o.allowReplace) return `${count(now)} use it now; --allow-replace deletes it anyway`
    await deleteFlavor(conn, item.id!)
    if (await getFlavorById(conn, item.id!))
      throw notDone(`Nova answered the delete, but flavor ${item.id!} is still there`)
    return undefined
  }
  if (!d) throw new WdError('WD_INTERNAL', `plan item ${item.name} has nothing to apply`)
  if (item.action === 'update') {
    await converge(conn, item.id!, d, item.observed!)
    return undefined
  }
  if (item.action === 'replace') {
    if (!o.allowReplace) return `${item.reasons.join('; ')}: a replace needs --allow-replace`
    await deleteFlavor(conn, item.observed!.id)
    if (await getFlavorById(conn, item.observed!.id))
      throw notDone(`Nova answered the delete, but flavor ${item.observed!.id} is still there`)
  }
  // create, or the second half of a replace: the same id as before unless the catalog gives another
  const want = item.action === 'replace' && !d.id ? {...d, id: item.observed!.id} : d
  const {id, made} = await create(conn, want)
  const there = made ? undefined : await getFlavorById(conn, id)
  const from = there
    ? flavorState(there, there['os-flavor-access:is_public'] === false ? await flavorAccess(conn, id) : [])
    : fresh(want, id)
  await converge(conn, id, want, from)
  return undefined
}

async function applyItem(conn: Connection, item: PlanItem, o: ApplyOptions): Promise<ItemResult> {
  const base = {kind: item.kind, action: item.action, name: item.name, id: item.id, changes: item.changes}
  try {
    if (item.kind === 'image') {
      const now = await patchImageProperties(
        conn,
        {id: item.id, name: item.name, ...item.observed},
        item.set,
        item.remove,
      )
      // Glance answers a patch with the image as it now is: it must hold what was written
      const wrong = [
        ...Object.keys(item.set).filter((k) => own(now, k) !== item.set[k]),
        ...item.remove.filter((k) => own(now, k) !== undefined),
      ]
      if (wrong.length > 0)
        throw notDone(`Glance answered the patch, but image ${item.id} does not hold ${wrong.join(', ')} as written`)
      return {...base, status: 'applied'}
    }
    const skipped = await applyFlavor(conn, item, o)
    return skipped ? {...base, status: 'not-attempted', reason: skipped} : {...base, status: 'applied'}
  } catch (e) {
    if (!isWdError(e)) throw e
    return {...base, status: 'failed', reason: e.message, code: e.code}
  }
}

const changes = (i: PlanItem) => i.action !== 'unchanged' && i.action !== 'unmanaged'

/**
 * Refuses a saved plan when any object it would change is not as the plan observed it: nothing is written then.
 * Reads the cloud as the plan did (one flavor list, the access lists of the private flavors it observed with one,
 * one image list).
 */
export async function assertCurrent(conn: Connection, plan: Plan): Promise<void> {
  const todo = plan.items.filter(changes)
  const flavorItems = todo.filter((i): i is FlavorPlanItem => i.kind === 'flavor')
  const withAccess = new Set(flavorItems.flatMap((i) => (i.observed?.access?.length ? [i.observed.id] : [])))
  const [flavors, images] = await Promise.all([
    flavorItems.length > 0 ? readFlavors(conn, (f) => withAccess.has(f.id)) : Promise.resolve([]),
    todo.some((i) => i.kind === 'image') ? listImages(conn) : Promise.resolve([]),
  ])
  const stale: string[] = []
  for (const item of flavorItems) {
    if (!item.observed) {
      if (flavors.some((f) => f.name === item.name || (item.id !== null && f.id === item.id))) {
        stale.push(`flavor ${item.name} exists now`)
      }
      continue
    }
    const now = flavors.find((f) => f.id === item.observed!.id)
    if (JSON.stringify(now) !== JSON.stringify(item.observed)) {
      stale.push(`flavor ${item.name} (${item.observed.id}) ${now ? 'changed' : 'is gone'}`)
    }
  }
  for (const item of todo) {
    if (item.kind !== 'image') continue
    const image = images.find((i) => i.id === item.id)
    const value = (k: string) => (typeof image?.[k] === 'string' ? image[k] : null)
    const now = Object.fromEntries(Object.keys(item.observed).map((k) => [k, value(k)]))
    if (!image || JSON.stringify(now) !== JSON.stringify(item.observed)) {
      stale.push(`image ${item.name} (${item.id}) changed`)
    }
  }
  if (stale.length === 0) return
  const more = stale.length > 3 ? ` and ${stale.length - 3} more` : ''
  throw new WdError(
    'WD_PLAN_STALE',
    `the cloud changed since the plan was made: ${stale.slice(0, 3).join('; ')}${more}`,
    {
      hint: 'nothing was written; run wd catalog plan again',
    },
  )
}

export async function applyPlan(conn: Connection, plan: Plan, options: ApplyOptions = {}): Promise<ApplyResult> {
  const todo = plan.items.filter(changes)
  let done = 0
  const results = await pool(
    todo.map((item) => async () => {
      const r = await applyItem(conn, item, options)
      options.onItem?.(++done, todo.length)
      return r
    }),
    options.parallel ?? DEFAULT_PARALLEL,
  )
  const summary = {applied: 0, failed: 0, 'not-attempted': 0}
  for (const r of results) summary[r.status]++
  return {results, summary}
}
