/** An audit's counts: servers by protection, action, guest, project and flavor; findings by severity. */
import {NOVA_ACTIONS, type NovaAction} from '../vocab/nova.js'
import type {AuditFinding, AuditServer, AuditSummary, Counts} from './model.js'

/** Items by key, in the order each key was first seen (the one group-by of the audit). */
export function groupBy<T, K>(items: Iterable<T>, key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>()
  for (const item of items) {
    const k = key(item)
    const g = groups.get(k)
    if (g) g.push(item)
    else groups.set(k, [item])
  }
  return groups
}

const countsOf = (servers: readonly AuditServer[]): Counts => ({
  total: servers.length,
  protected: servers.filter((s) => s.protected === true).length,
  unprotected: servers.filter((s) => s.protected === false).length,
  unknown: servers.filter((s) => s.protected === null).length,
})

const groupCounts = <K>(servers: readonly AuditServer[], key: (s: AuditServer) => K) =>
  [...groupBy(servers, key)].map(([k, g]) => ({key: k, counts: countsOf(g), first: g[0]!}))

export function summarize(servers: readonly AuditServer[], findings: readonly AuditFinding[]): AuditSummary {
  const byAction = Object.fromEntries(NOVA_ACTIONS.map((a) => [a, 0])) as Record<NovaAction, number>
  for (const s of servers) if (s.device) byAction[s.device.action]++
  const guests = {armed: 0, 'not-armed': 0, unknown: 0}
  for (const s of servers) if (s.guest) guests[s.guest.state]++
  const severities = {error: 0, warning: 0, info: 0}
  for (const f of findings) severities[f.severity]++
  return {
    servers: {...countsOf(servers), byAction, guests},
    byProject: groupCounts(servers, (s) => s.project)
      .map(({key, counts, first}) => ({project: key, name: first.projectName, ...counts}))
      .sort((a, b) => b.total - a.total || (a.name ?? a.project ?? '').localeCompare(b.name ?? b.project ?? '')),
    byFlavor: groupCounts(servers, (s) => s.flavor.name)
      .map(({key, counts}) => ({flavor: key, ...counts}))
      .sort((a, b) => b.total - a.total || (a.flavor ?? '').localeCompare(b.flavor ?? '')),
    findings: severities,
  }
}
