/**
 * Flavors and their watchdog extra spec in Nova. Writes send compute microversion 2.86 so Nova validates the value
 * too; only the one key is ever written or deleted, so the flavor's other extra specs are never touched.
 */
import {WdError} from '../errors.js'
import {EXTRA_SPEC_VALIDATION_MICROVERSION, FLAVOR_KEY} from '../vocab/nova.js'
import {json, type Connection} from './connection.js'

// From 2.86 Nova validates known extra specs on write (and from 2.61 flavors carry their extra specs).
const VERSION_HEADERS = {'OpenStack-API-Version': `compute ${EXTRA_SPEC_VALIDATION_MICROVERSION}`}

export interface Flavor {
  id: string
  name: string
  vcpus?: number
  ram?: number
  disk?: number
  'os-flavor-access:is_public'?: boolean
  extra_specs: Record<string, string>
}

const FORBIDDEN_HINT = (status: number) =>
  status === 403 ? 'changing flavor extra specs is admin-only in Nova by default; use an admin account' : undefined

export async function getFlavorById(conn: Connection, id: string): Promise<Flavor | undefined> {
  // '.' and '..' are path segments, not ids: the URL would climb out of /flavors/
  if (id === '.' || id === '..') return undefined
  const res = await conn.call('compute', 'GET', `/flavors/${encodeURIComponent(id)}`, {
    headers: VERSION_HEADERS,
    accept: [404],
  })
  return res.status === 404 ? undefined : json<{flavor: Flavor}>(res).flavor
}

export async function listFlavors(conn: Connection, all = false): Promise<Flavor[]> {
  // is_public=None: every flavor the caller may see, private ones too (admins see all)
  const query = all ? '?is_public=None' : ''
  const res = await conn.call('compute', 'GET', `/flavors/detail${query}`, {headers: VERSION_HEADERS})
  return json<{flavors: Flavor[]}>(res).flavors
}

/** A flavor by id or by name, as the openstack CLI finds one; an ambiguous name is an error that lists the ids. */
export async function findFlavor(conn: Connection, ref: string): Promise<Flavor> {
  const byId = await getFlavorById(conn, ref)
  if (byId) return byId
  const matches = (await listFlavors(conn, true)).filter((f) => f.name === ref)
  if (matches.length === 1) return matches[0]!
  if (matches.length > 1) {
    throw new WdError('WD_USAGE', `more than one flavor is named '${ref}'`, {
      hint: `use an id: ${matches.map((f) => f.id).join(', ')}`,
    })
  }
  throw new WdError('WD_NOT_FOUND', `no flavor '${ref}' (by id or name)`)
}

export async function setFlavorWatchdog(conn: Connection, flavor: Flavor, value: string): Promise<void> {
  await conn.call('compute', 'POST', `/flavors/${encodeURIComponent(flavor.id)}/os-extra_specs`, {
    headers: VERSION_HEADERS,
    body: {extra_specs: {[FLAVOR_KEY]: value}},
    hint: FORBIDDEN_HINT,
  })
}

/** Deletes the watchdog extra spec; false when there was none. */
export async function unsetFlavorWatchdog(conn: Connection, flavor: Flavor): Promise<boolean> {
  const res = await conn.call(
    'compute',
    'DELETE',
    `/flavors/${encodeURIComponent(flavor.id)}/os-extra_specs/${FLAVOR_KEY}`,
    {
      headers: VERSION_HEADERS,
      accept: [404],
      hint: FORBIDDEN_HINT,
    },
  )
  return res.status !== 404
}
