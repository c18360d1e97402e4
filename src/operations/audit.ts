/**
 * `wd audit`: which running instances are really protected. Reads, with the caller's (admin) credentials, every
 * flavor (private ones too), every image the caller sees, every server of every project (paged, each with its
 * embedded flavor) and the project names: a handful of requests whatever the number of servers. An image a server
 * uses that the list did not hold is asked for by id, once per image. Then, for each running server whose device
 * acts on expiry, the tail of its console (one request each, a few at once), where the guest half says whether the
 * guest armed it. The judging is src/audit/judge.ts.
 */
import type {Catalog} from '../catalog/load.js'
import type {Connection} from '../openstack/connection.js'
import {WdError} from '../errors.js'
import {endpointRegion, identityBase, type Token} from '../openstack/keystone.js'
import {clip, oneLine} from '../text/clip.js'
import {getImage, listImages} from '../openstack/glance.js'
import type {Image} from '../api/glance.js'
import {consoleOutput, listAllServers, listFlavors} from '../openstack/nova.js'
import {readConsole} from '../guest/status.js'
import {CONSOLE_TAIL_LINES} from '../limits.js'
import {projectNames} from '../openstack/projects.js'
import type {Policy} from '../policy/policy.js'
import {guestsToCheck, judgeCloud} from '../audit/judge.js'
import type {AuditFinding, GuestObservation, Judgement} from '../audit/model.js'
import type {PlanAction} from '../catalog/diff.js'
import {planCatalogs} from './catalog-plan.js'
import {pool, READS_AT_ONCE} from './pool.js'

export interface CatalogDrift {
  /** each plan action with its count, as `wd catalog plan` classifies the cloud against the catalogs */
  summary: Record<PlanAction, number>
  changes: {kind: 'flavor' | 'image'; name: string; id: string | null; action: PlanAction}[]
}

/** Which cloud the report covers: its name in clouds.yaml (envvars: from OS_* variables), region, Keystone. */
interface AuditCloud {
  name: string
  /** the region of the compute endpoint audited (null: the catalog says none) */
  region: string | null
  authUrl: string | null
}

export interface AuditReport extends Judgement {
  version: 1
  generatedAt: string
  cloud: AuditCloud
  /** null: every project's servers; else only this project's (and the flavors and images it can see) */
  project: {id: string; name: string | null} | null
  /** the HTTP requests the audit sent (pages, not one per server) */
  requests: number
  catalog?: CatalogDrift
}

export interface AuditOptions {
  policy?: Policy
  /** validated catalogs: drift between them and the cloud is summarised */
  catalogs?: readonly Catalog[]
  /** false: do not read consoles (the guests are then unknown) */
  consoles?: boolean
  /** audit only this project's servers (name or id): the token's own needs no admin */
  project?: string
}

/** What one server's guest said on its console. */
async function observeGuest(conn: Connection, id: string): Promise<GuestObservation> {
  const got = await consoleOutput(conn, id, CONSOLE_TAIL_LINES)
  if ('status' in got) return {state: 'unknown', unknown: 'no-console', said: got.said}
  const {report, stale} = readConsole(got.output)
  if (report) return {state: report.state, report}
  return {state: 'unknown', unknown: stale ? 'stale' : 'no-line'}
}

/** The guests of the servers whose devices act: running ones asked through their consoles, a few at once. */
async function observeGuests(
  conn: Connection,
  state: Parameters<typeof guestsToCheck>[0],
): Promise<Map<string, GuestObservation>> {
  const check = guestsToCheck(state)
  const seen = await pool(
    check.map(
      ({id, running}) =>
        () =>
          running
            ? observeGuest(conn, id)
            : Promise.resolve<GuestObservation>({state: 'unknown', unknown: 'not-running'}),
    ),
    READS_AT_ONCE,
  )
  return new Map(check.map(({id}, i) => [id, seen[i]!]))
}

/** The connection, counting the requests sent through it. */
function counted(conn: Connection): {conn: Connection; requests: () => number} {
  let n = 0
  return {
    conn: {
      ...conn,
      call: (...args) => {
        n++
        return conn.call(...args)
      },
    },
    requests: () => n,
  }
}

function driftOf(plan: Awaited<ReturnType<typeof planCatalogs>>): {drift: CatalogDrift; findings: AuditFinding[]} {
  const changes = plan.items
    .filter((i) => i.action !== 'unchanged' && i.action !== 'unmanaged')
    .map((i) => ({kind: i.kind, name: i.name, id: i.id, action: i.action}))
  const findings = changes.map((c): AuditFinding => ({
    rule: 'audit/catalog-drift',
    severity: 'warning',
    subject: {kind: c.kind, id: c.id ?? '', name: c.name},
    message: `differs from the catalog: wd catalog plan says ${c.action}`,
    fix: 'wd catalog plan CATALOG shows each change; wd catalog apply makes it',
  }))
  return {drift: {summary: plan.summary, changes}, findings}
}

/** The region of the compute endpoint the audit reads (an endpoint override may have none in the catalog). */
function regionOf(token: Token, config: Connection['config']): string | null {
  try {
    return endpointRegion(token, 'compute', config)
  } catch {
    return config.regionName ?? null
  }
}

/** The project `ref` names (id or name): the token's own, else one Keystone lists (admins). */
async function projectScope(
  conn: Connection,
  token: Token,
  ref: string,
): Promise<{id: string; name: string | null; own: boolean}> {
  const own = token.project
  if (own && (own.id === ref || own.name === ref)) return {...own, own: true}
  const names = await projectNames(conn)
  const found = [...names].find(([id, name]) => id === ref || name === ref)
  if (found) return {id: found[0], name: found[1], own: false}
  throw new WdError('WD_NOT_FOUND', `no project '${clip(oneLine(ref))}' that this account can see`, {
    hint: `without admin, wd audits the project its token is scoped to${own ? ` (${own.name})` : ''}: --os-project-name ${clip(oneLine(ref))} --project ${clip(oneLine(ref))}`,
  })
}

export async function auditCloud(connection: Connection, options: AuditOptions = {}): Promise<AuditReport> {
  const {conn, requests} = counted(connection)
  const token = await conn.token()
  const scope = options.project === undefined ? undefined : await projectScope(conn, token, options.project)
  const forbidden =
    "listing every project's servers is admin-only in Nova by default: use an admin account" +
    (token.project ? `, or audit your own project's servers: wd audit --project ${token.project.name}` : '')
  const [flavors, listed, servers, names] = await Promise.all([
    listFlavors(conn, true),
    listImages(conn),
    listAllServers(conn, {...(scope && {project: scope}), forbidden}),
    projectNames(conn),
  ])
  // a non-admin may not list projects: its own is still named
  const projects = new Map(names)
  if (token.project && !projects.has(token.project.id)) projects.set(token.project.id, token.project.name)
  const known = new Set(listed.map((i) => i.id))
  const missing = [
    ...new Set(servers.flatMap((s) => (s.image !== '' && s.image.id && !known.has(s.image.id) ? [s.image.id] : []))),
  ]
  const found = await pool(
    missing.map((id) => () => getImage(conn, id)),
    READS_AT_ONCE,
  )
  const images = [...listed, ...found.filter((i): i is Image => i !== undefined)]
  const drift =
    options.catalogs && options.catalogs.length > 0
      ? driftOf(await planCatalogs(conn, options.catalogs, {}, {flavors, images: listed}))
      : undefined
  const state = {flavors, images, servers, projects}
  const guests = options.consoles === false ? undefined : await observeGuests(conn, state)
  const judged = judgeCloud({...state, ...(guests && {guests})}, options.policy, drift?.findings)
  const catalog = drift?.drift
  return {
    version: 1,
    generatedAt: new Date().toISOString(),
    cloud: {
      name: conn.config.name,
      region: regionOf(token, conn.config),
      authUrl: conn.config.auth.auth_url === undefined ? null : identityBase(conn.config.auth.auth_url),
    },
    project: scope ? {id: scope.id, name: scope.name} : null,
    requests: requests(),
    ...judged,
    ...(catalog && {catalog}),
  }
}

/** What makes the audit fail (exit status 1): a finding at error level, at warning level or worse, or nothing. */
export type FailOn = 'error' | 'warning' | 'never'

/** Whether the audit found anything at `failOn` level or worse (exit status 1). */
export const auditFailed = (r: AuditReport, failOn: FailOn = 'error'): boolean =>
  failOn === 'never' ? false : r.summary.findings.error > 0 || (failOn === 'warning' && r.summary.findings.warning > 0)
