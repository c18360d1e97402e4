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
import {getImage, listImages} from '../openstack/glance.js'
import type {Image} from '../api/glance.js'
import {consoleOutput, listAllServers, listFlavors} from '../openstack/nova.js'
import {readConsole} from '../guest/status.js'
import {CONSOLE_TAIL_LINES} from '../limits.js'
import {projectNames} from '../openstack/projects.js'
import type {Policy} from '../policy/policy.js'
import {guestsToCheck, judgeCloud, type AuditFinding, type GuestObservation, type Judgement} from '../audit/judge.js'
import type {PlanAction} from '../catalog/diff.js'
import {planCatalogs} from './catalog-plan.js'
import {pool, READS_AT_ONCE} from './pool.js'

export interface CatalogDrift {
  /** each plan action with its count, as `wd catalog plan` classifies the cloud against the catalogs */
  summary: Record<PlanAction, number>
  changes: {kind: 'flavor' | 'image'; name: string; id: string | null; action: PlanAction}[]
}

export interface AuditReport extends Judgement {
  version: 1
  generatedAt: string
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

export async function auditCloud(connection: Connection, options: AuditOptions = {}): Promise<AuditReport> {
  const {conn, requests} = counted(connection)
  const [flavors, listed, servers, projects] = await Promise.all([
    listFlavors(conn, true),
    listImages(conn),
    listAllServers(conn),
    projectNames(conn),
  ])
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
    requests: requests(),
    ...judged,
    ...(catalog && {catalog}),
  }
}

/** Whether the audit found anything at error level (exit status 1). */
export const auditFailed = (r: AuditReport): boolean => r.summary.findings.error > 0
