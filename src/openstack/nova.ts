/**
 * Flavors and their watchdog extra spec in Nova. Only the one key is ever written or deleted, so the flavor's other
 * extra specs are never touched. Flavor lists follow Nova's `flavors_links` pages (its `[api] max_limit`, 1,000 by
 * default, caps a page).
 *
 * Microversions: wd asks for 2.86 (from 2.61 flavors carry their extra specs; from 2.86 Nova validates known extra
 * specs on write). A Nova older than that answers 406; wd then reads its version document once and uses the highest
 * microversion it offers: reads need 2.61, and writes go ahead below 2.86 with a warning that this Nova does not
 * validate (wd has checked the value itself). `--os-compute-api-version` fixes the microversion instead.
 */
import type {Flavor, NewFlavor, Server} from '../api/nova.js'
import {isUuid} from '../api/uuid.js'
import {WdError} from '../errors.js'
import {EXTRA_SPEC_VALIDATION_MICROVERSION, FLAVOR_KEY} from '../vocab/nova.js'
import {bad, json, type CallOptions, type Connection} from './connection.js'
import {segment, serverMessage} from './http.js'
import {allPages} from './pager.js'
import {isObject} from '../untrusted.js'
import {clip, oneLine} from '../text/clip.js'

/** From this microversion flavors carry their extra specs. */
const EXTRA_SPECS_INLINE = '2.61'

const flavorPath = (id: string) => `/flavors/${segment(id)}`

const FORBIDDEN_HINT = (status: number) =>
  status === 403 ? 'changing flavor extra specs is admin-only in Nova by default; use an admin account' : undefined

const newer = (a: string, b: string) => {
  const [am, an] = a.split('.').map(Number)
  const [bm, bn] = b.split('.').map(Number)
  return am! > bm! || (am === bm && an! > bn!)
}

/** The microversion each connection speaks, once negotiated (or as configured). */
const negotiated = new WeakMap<Connection, string>()

async function negotiate(conn: Connection): Promise<string> {
  const doc = json<{version?: {version?: string}}>(await conn.call('compute', 'GET', '/'))
  const max = doc.version?.version
  if (!max || !/^\d+\.\d+$/.test(max)) {
    throw new WdError('WD_UNREACHABLE', 'nova: its version document names no microversion')
  }
  if (newer(EXTRA_SPECS_INLINE, max)) {
    throw new WdError(
      'WD_UNREACHABLE',
      `nova offers compute microversions up to ${max}; wd needs ${EXTRA_SPECS_INLINE}`,
      {
        hint: 'this Nova predates Rocky; its flavors do not carry their extra specs',
      },
    )
  }
  negotiated.set(conn, max)
  return max
}

/** A compute call at the connection's microversion, negotiating it on a 406. */
async function compute(conn: Connection, method: string, path: string, options: CallOptions = {}, write = false) {
  const fixed = conn.config.computeApiVersion
  const version = fixed ?? negotiated.get(conn) ?? EXTRA_SPEC_VALIDATION_MICROVERSION
  const send = (v: string) =>
    conn.call('compute', method, path, {
      ...options,
      headers: {...options.headers, 'OpenStack-API-Version': `compute ${v}`},
      accept: [...(options.accept ?? []), ...(fixed ? [] : [406])],
    })
  let res = await send(version)
  if (res.status === 406 && !fixed) res = await send(await negotiate(conn))
  const used = fixed ?? negotiated.get(conn)
  if (write && used && newer(EXTRA_SPEC_VALIDATION_MICROVERSION, used)) {
    conn.warn(
      `this Nova offers compute ${used}: it does not validate extra specs (2.86 does); wd checked the value itself`,
    )
  }
  if (res.status === 406)
    throw new WdError('WD_API_REFUSED', `nova: HTTP 406 on ${method} ${path} at compute ${version}`)
  return res
}

export async function getFlavorById(conn: Connection, id: string): Promise<Flavor | undefined> {
  const res = await compute(conn, 'GET', flavorPath(id), {accept: [404]})
  if (res.status === 404) return undefined
  const body = json<unknown>(res)
  if (!isObject(body) || !isObject(body.flavor) || typeof body.flavor.id !== 'string') throw bad(res, 'no flavor')
  return body.flavor as unknown as Flavor
}

type Links = {rel?: string; href?: string}[]

/** The path (from /flavors or /servers on) of Nova's next-page link, or undefined on the last page. */
function nextPage(links: Links | undefined, collection: 'flavors' | 'servers'): string | undefined {
  const href = Array.isArray(links) ? links.find((l) => isObject(l) && l.rel === 'next')?.href : undefined
  if (typeof href !== 'string') return undefined
  if (!href) return undefined
  const url = new URL(href, 'http://nova.invalid')
  const at = url.pathname.lastIndexOf(`/${collection}`)
  return at < 0 ? undefined : url.pathname.slice(at) + url.search
}

/** Every item of a paged Nova collection, following its `<collection>_links` (see pager.ts for what is refused). */
async function listPaged<T extends {id: string}>(
  conn: Connection,
  collection: 'flavors' | 'servers',
  first: string,
  hint?: CallOptions['hint'],
): Promise<T[]> {
  return allPages<T>({
    what: `nova: the ${collection} list`,
    first,
    get: (path, maxBytes) => compute(conn, 'GET', path, {maxBytes, ...(hint && {hint})}),
    read: (page) => ({
      items: page[collection],
      next: nextPage(page[`${collection}_links`] as Links | undefined, collection),
    }),
  })
}

export async function listFlavors(conn: Connection, all = false): Promise<Flavor[]> {
  // is_public=None: every flavor the caller may see, private ones too (admins see all)
  return listPaged<Flavor>(conn, 'flavors', `/flavors/detail${all ? '?is_public=None' : ''}`)
}

/** What Nova takes as a flavor id (nova/api/validation/parameter_types.py, flavor_id): anything else is a name. */
const FLAVOR_ID = /^(?! )[a-zA-Z0-9. _-]{1,255}(?<! )$/

/**
 * A flavor by id or by name, as the openstack CLI finds one (the id first); an ambiguous name is an error that lists
 * the ids. A UUID is asked by id, and listed only when it is none; a reference that could be an id but looks like a
 * name (m1.small) is asked both ways at once, so a name costs one round trip, not two; one that cannot be an id is
 * only looked up by name.
 */
export async function findFlavor(conn: Connection, ref: string): Promise<Flavor> {
  let byName: Promise<Flavor[]> | undefined
  if (FLAVOR_ID.test(ref)) {
    // an id of the shape Nova makes when none is given (api/uuid.ts) is almost surely one
    if (!isUuid(ref)) {
      byName = listFlavors(conn, true)
      // the list's own failure is not this flavor's when the id answers
      byName.catch(() => undefined)
    }
    const byId = await getFlavorById(conn, ref)
    if (byId) return byId
  }
  byName ??= listFlavors(conn, true)
  const matches = (await byName).filter((f) => f.name === ref)
  if (matches.length === 1) return matches[0]!
  if (matches.length > 1) {
    throw new WdError('WD_USAGE', `more than one flavor is named '${ref}'`, {
      hint: `use an id: ${matches.map((f) => f.id).join(', ')}`,
    })
  }
  throw new WdError('WD_NOT_FOUND', `no flavor '${ref}' (by id or name)`)
}

/** Sets the watchdog extra spec and nothing else; the flavor as Nova now holds it. */
export async function setFlavorWatchdog(conn: Connection, flavor: Flavor, value: string): Promise<Flavor> {
  await compute(
    conn,
    'POST',
    `${flavorPath(flavor.id)}/os-extra_specs`,
    {body: {extra_specs: {[FLAVOR_KEY]: value}}, hint: FORBIDDEN_HINT},
    true,
  )
  // Nova wrote exactly this key: no need to read the flavor back
  return {...flavor, extra_specs: {...flavor.extra_specs, [FLAVOR_KEY]: value}}
}

/** Deletes the watchdog extra spec (none there is no error); the flavor as Nova now holds it. */
export async function unsetFlavorWatchdog(conn: Connection, flavor: Flavor): Promise<Flavor> {
  await compute(
    conn,
    'DELETE',
    `${flavorPath(flavor.id)}/os-extra_specs/${segment(FLAVOR_KEY)}`,
    {accept: [404], hint: FORBIDDEN_HINT},
    true,
  )
  return {...flavor, extra_specs: withoutKey(flavor.extra_specs, FLAVOR_KEY)}
}

export const withoutKey = (props: Record<string, string>, key: string): Record<string, string> =>
  Object.fromEntries(Object.entries(props).filter(([k]) => k !== key))

/** From this microversion a server carries its flavor, extra specs included, as it was at boot. */
const EMBEDDED_FLAVOR = '2.47'

/** A server of any project (the caller needs Nova's admin rights for that), with its embedded flavor. */
export async function getServer(conn: Connection, id: string): Promise<Server> {
  const res = await conn.call('compute', 'GET', `/servers/${segment(id)}`, {
    headers: {'OpenStack-API-Version': `compute ${EMBEDDED_FLAVOR}`},
  })
  const body = json<unknown>(res)
  if (!isObject(body) || !isObject(body.server) || typeof body.server.id !== 'string') throw bad(res, 'no server')
  return body.server as unknown as Server
}

/** Creates a flavor (with the id given, else Nova's); its extra specs are set apart, as Nova's API wants. */
export async function createFlavor(conn: Connection, f: NewFlavor): Promise<Flavor> {
  const body = {
    flavor: {
      name: f.name,
      vcpus: f.vcpus,
      ram: f.ram,
      disk: f.disk,
      ...(f.id !== undefined && {id: f.id}),
      ...(f.ephemeral !== undefined && {'OS-FLV-EXT-DATA:ephemeral': f.ephemeral}),
      ...(f.swap !== undefined && {swap: f.swap}),
      ...(f.rxtx_factor !== undefined && {rxtx_factor: f.rxtx_factor}),
      ...(f.is_public !== undefined && {'os-flavor-access:is_public': f.is_public}),
      ...(f.description !== undefined && {description: f.description}),
    },
  }
  const res = await compute(conn, 'POST', '/flavors', {body, hint: FORBIDDEN_HINT})
  const made = json<unknown>(res)
  if (!isObject(made) || !isObject(made.flavor) || typeof made.flavor.id !== 'string') throw bad(res, 'no flavor')
  return made.flavor as unknown as Flavor
}

/** Deletes a flavor; one already gone is no error. */
export async function deleteFlavor(conn: Connection, id: string): Promise<void> {
  await compute(conn, 'DELETE', flavorPath(id), {accept: [404], hint: FORBIDDEN_HINT})
}

/** The one field Nova changes on a flavor (2.55). */
export async function setFlavorDescription(conn: Connection, id: string, description: string | null): Promise<void> {
  await compute(conn, 'PUT', flavorPath(id), {body: {flavor: {description}}, hint: FORBIDDEN_HINT}, true)
}

/** Sets extra specs (Nova merges them into the flavor's; the others stay). */
export async function setExtraSpecs(conn: Connection, id: string, specs: Record<string, string>): Promise<void> {
  await compute(
    conn,
    'POST',
    `${flavorPath(id)}/os-extra_specs`,
    {body: {extra_specs: specs}, hint: FORBIDDEN_HINT},
    true,
  )
}

/** Removes one extra spec; one already gone is no error. */
export async function unsetExtraSpec(conn: Connection, id: string, key: string): Promise<void> {
  const path = `${flavorPath(id)}/os-extra_specs/${segment(key)}`
  await compute(conn, 'DELETE', path, {accept: [404], hint: FORBIDDEN_HINT}, true)
}

/** The projects a private flavor is given to (Nova has no access list for a public one). */
export async function flavorAccess(conn: Connection, id: string): Promise<string[]> {
  const res = await compute(conn, 'GET', `${flavorPath(id)}/os-flavor-access`, {accept: [404]})
  if (res.status === 404) return []
  const body = json<unknown>(res)
  const access = isObject(body) ? body.flavor_access : undefined
  if (!Array.isArray(access) || !access.every((a) => isObject(a) && typeof a.tenant_id === 'string'))
    throw bad(res, 'no access list of projects')
  return (access as {tenant_id: string}[]).map((a) => a.tenant_id)
}

/** Gives a private flavor to a project, or takes it back; what is already so is no error. */
export async function changeFlavorAccess(conn: Connection, id: string, project: string, give: boolean): Promise<void> {
  const body = give ? {addTenantAccess: {tenant: project}} : {removeTenantAccess: {tenant: project}}
  await compute(conn, 'POST', `${flavorPath(id)}/action`, {body, accept: [409, 404], hint: FORBIDDEN_HINT})
}

/** Servers of every project on a flavor: how many (up to `limit`), and their ids. */
export async function serversOnFlavor(conn: Connection, flavorId: string, limit = 1000): Promise<string[]> {
  const q = `all_tenants=1&flavor=${encodeURIComponent(flavorId)}&limit=${limit}`
  const res = await compute(conn, 'GET', `/servers/detail?${q}`)
  const body = json<unknown>(res)
  const servers = isObject(body) ? body.servers : undefined
  if (!Array.isArray(servers) || !servers.every((x) => isObject(x) && typeof x.id === 'string'))
    throw bad(res, 'no list of servers with ids')
  return (servers as {id: string}[]).map((x) => x.id)
}

/** How many servers one page of the server list asks for (Nova's `[api] max_limit`, 1,000 by default, caps it). */
const SERVER_PAGE = 1000

/**
 * Every server of every project (admin only), each with its embedded flavor: pages of `limit` servers, following
 * Nova's `servers_links` markers, so a cloud's servers take a few requests, not one each.
 */
/**
 * The servers of every project; of one (`project`): the token's own (`own`, no admin needed), or another's (admin).
 * `forbidden` is the hint when Nova refuses.
 */
export async function listAllServers(
  conn: Connection,
  scope: {project?: {id: string; own: boolean}; forbidden?: string} = {},
): Promise<Server[]> {
  const p = scope.project
  const query = p?.own ? '' : `all_tenants=1&${p ? `project_id=${encodeURIComponent(p.id)}&` : ''}`
  const forbidden =
    scope.forbidden ?? "listing every project's servers is admin-only in Nova by default; use an admin account"
  const servers = await listPaged<Server>(conn, 'servers', `/servers/detail?${query}limit=${SERVER_PAGE}`, (status) =>
    status === 403 ? forbidden : undefined,
  )
  // Nova says '' for a server booted from a volume and an object otherwise: anything else is no answer of Nova's
  const odd = servers.find((s) => s.image !== '' && !isObject(s.image))
  if (odd) {
    throw new WdError(
      'WD_BAD_ANSWER',
      `nova: the servers list holds server ${clip(oneLine(odd.id))} whose image is ${clip(oneLine(String(JSON.stringify(odd.image))))}, neither '' nor an object`,
      {
        hint: "the cloud's API (or something in front of it) answered what its API does not document: tell its operator",
      },
    )
  }
  return servers
}

/**
 * The last `lines` lines of a server's console log (os-getConsoleOutput; Nova strips control characters but the
 * newline and tab); else the status and Nova's own words: 403 (policy), 404 (no console, or the server is
 * gone), 409 (not ready: building, or stopped on a driver that reads a live console), 501 (the driver has none).
 */
export async function consoleOutput(
  conn: Connection,
  id: string,
  lines: number,
): Promise<{output: string} | {status: number; said: string}> {
  const res = await conn.call('compute', 'POST', `/servers/${segment(id)}/action`, {
    body: {'os-getConsoleOutput': {length: lines}},
    accept: [403, 404, 409, 501],
  })
  if (res.status !== 200) return {status: res.status, said: clip(serverMessage(res.data) || `HTTP ${res.status}`, 200)}
  const body = json<unknown>(res)
  const output = isObject(body) ? body.output : undefined
  if (typeof output !== 'string')
    throw new WdError('WD_BAD_ANSWER', `nova: the console of server ${clip(id)} is no text`)
  return {output}
}
