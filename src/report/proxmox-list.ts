/**
 * `wd proxmox list` for people and programs: one record a guest (the openstack CLI's list formats), the summary
 * line that comes first, the findings with their fixes, and the figures as OpenMetrics gauges.
 */
import type {ProxmoxListReport} from '../operations/proxmox-list.js'
import type {ProxmoxGuest} from '../proxmox/guest-record.js'
import {PROXMOX_ACTIONS} from '../vocab/proxmox.js'
import {countBy, gaugesText} from './openmetrics.js'
import type {Row} from './records.js'

export const PROXMOX_LIST_COLUMNS = [
  'node',
  'vmid',
  'name',
  'watchdog',
  'action',
  'pending',
  'monitor',
  'guest_half',
  'ha_state',
  'ha_group',
  'lock',
  'findings',
]

export function proxmoxRow(g: ProxmoxGuest): Row {
  return {
    node: g.node,
    vmid: Number(g.vmid),
    name: g.name,
    watchdog: g.watchdog,
    action: g.action,
    pending: g.pending,
    monitor: g.monitor,
    guest_half: g.vendor,
    ha_state: g.ha?.state ?? null,
    ha_group: g.ha?.group ?? null,
    lock: g.lock,
    findings: g.findings.map((f) => f.rule),
  }
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

/** "12 guests on 3 nodes: 8 with a watchdog that acts (reset 6, pause 2), 1 with action none, 3 without; …" */
export function proxmoxSummaryLine(r: ProxmoxListReport): string {
  const s = r.summary
  const acting = PROXMOX_ACTIONS.filter((a) => (s.byAction[a] ?? 0) > 0)
  const acts = acting.reduce((n, a) => n + s.byAction[a]!, 0)
  const none = s.guests - acts - s.without
  const f = s.findings
  return (
    `${plural(s.guests, 'guest')} on ${plural(r.nodes.length, 'node')}: ${acts} with a watchdog that acts` +
    (acting.length ? ` (${acting.map((a) => `${a} ${s.byAction[a]}`).join(', ')})` : '') +
    `, ${none} with action none, ${s.without} without; ${s.pending} with a change pending, ${s.ha} HA-managed, ` +
    `${s.recorded} recorded by wd, ${s.guestHalf} with wd's guest half; ` +
    `${plural(f.error, 'error')}, ${plural(f.warning, 'warning')}, ${f.info} info`
  )
}

/** The findings worst first, each with its fix, as the table's text follows them. */
export function proxmoxFindingsText(r: ProxmoxListReport): string {
  const order = {error: 0, warning: 1, info: 2}
  const all = r.guests.flatMap((g) => g.findings).sort((a, b) => order[a.severity] - order[b.severity])
  return all
    .flatMap((x) => [`${x.severity.padEnd(7)} ${x.rule}  ${x.message}`, ...(x.fix ? [`        fix: ${x.fix}`] : [])])
    .join('\n')
}

/** What node_exporter's textfile collector reads: guests by node and action, and findings by node and rule. */
export function proxmoxOpenMetrics(r: ProxmoxListReport): string {
  return gaugesText([
    {
      name: 'wd_proxmox_guests',
      help: 'Guests by node and by what their watchdog does on expiry (disabled: no device)',
      labelNames: ['node', 'action'],
      samples: countBy(r.guests, (g) => ({node: g.node, action: g.action ?? 'disabled'})),
    },
    {
      name: 'wd_proxmox_findings',
      help: 'Findings of wd proxmox list by node, rule and severity',
      labelNames: ['node', 'rule', 'severity'],
      samples: countBy(
        r.guests.flatMap((g) => g.findings.map((f) => ({node: g.node, ...f}))),
        (f) => ({node: f.node, rule: f.rule, severity: f.severity}),
      ),
    },
  ])
}
