/** The audit for a terminal: the summary first (servers, by project, by flavor), then the findings worst first. */
import type {AuditReport} from '../../operations/audit.js'
import {formatList} from '../records.js'
import {NOVA_ACTIONS, type NovaAction} from '../../vocab/nova.js'
import type {AuditSubject} from '../../audit/model.js'
import {clip, oneLine} from '../../text/clip.js'

const COUNT_COLUMNS = ['servers', 'protected', 'unprotected', 'unknown']

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

/** The protected servers by their device's action (a server is protected when its device acts and its guest armed it). */
export function protectedByAction(r: AuditReport): Record<NovaAction, number> {
  const out = Object.fromEntries(NOVA_ACTIONS.map((a) => [a, 0])) as Record<NovaAction, number>
  for (const s of r.servers) if (s.protected && s.device) out[s.device.action]++
  return out
}

/** "3 protected (reset 2, pause 1), 2 unprotected (1 with action none, 1 not armed by its guest), 1 unknown": in Nova's order. */
export function coverageLine(r: AuditReport): string {
  const s = r.summary.servers
  const by = protectedByAction(r)
  const actions = NOVA_ACTIONS.filter((a) => by[a] > 0).map((a) => `${a} ${by[a]}`)
  // a device whose action is none protects nothing: it is counted with the unprotected
  const idle = [
    ...(s.byAction.none > 0 ? [`${s.byAction.none} with action none`] : []),
    ...(s.guests['not-armed'] > 0 ? [`${s.guests['not-armed']} not armed by its guest`] : []),
  ]
  const silent = s.guests.unknown
  return (
    `${plural(s.total, 'server')}: ${s.protected} protected${actions.length ? ` (${actions.join(', ')})` : ''}, ` +
    `${s.unprotected} unprotected${idle.length ? ` (${idle.join(', ')})` : ''}, ${s.unknown} unknown` +
    (silent > 0 ? ` (${silent} whose guest has not said)` : '')
  )
}

/** A finding's object as every human format of the audit names it: its kind, its name and its id. */
export function objectLabel(s: AuditSubject): string {
  const name = s.name ? ` '${clip(s.name)}'` : ''
  // an object a catalog would create has no id in the cloud yet
  return oneLine(`${s.kind}${name}${s.id ? ` (${s.id})` : ''}`)
}

/**
 * Which cloud and projects the report covers, and with one project what it cannot see: "cloud prod, region
 * RegionOne (https://keystone/v3): every project".
 */
export function scopeLine(r: AuditReport): string {
  const c = r.cloud
  const where = oneLine(
    `cloud ${clip(c.name)}${c.region ? `, region ${clip(c.region)}` : ''}${c.authUrl ? ` (${clip(c.authUrl)})` : ''}`,
  )
  if (!r.project) return `${where}: every project`
  const p = oneLine(clip(r.project.name ?? r.project.id))
  return `${where}: project ${p} only (not seen: other projects' servers, the flavors and images not shared with ${p})`
}

export function auditText(r: AuditReport): string {
  const out = [`wd audit: ${coverageLine(r)}`, scopeLine(r)]
  const counts = (c: {total: number; protected: number; unprotected: number; unknown: number}) => ({
    servers: c.total,
    protected: c.protected,
    unprotected: c.unprotected,
    unknown: c.unknown,
  })
  if (r.summary.byProject.length > 0) {
    out.push('', 'by project:')
    out.push(
      formatList(
        r.summary.byProject.map((p) => ({project: p.name ?? p.project ?? '-', ...counts(p)})),
        ['project', ...COUNT_COLUMNS],
        'table',
      ),
    )
    out.push('by flavor (as the servers booted with it):')
    out.push(
      formatList(
        r.summary.byFlavor.map((f) => ({flavor: f.flavor ?? '-', ...counts(f)})),
        ['flavor', ...COUNT_COLUMNS],
        'table',
      ),
    )
  }
  if (r.catalog) {
    const c = r.catalog.summary
    out.push(
      `catalog drift: ${c.create} to create, ${c.update} to update, ${c.replace} to replace, ${c.delete} to delete, ` +
        `${c.unchanged} unchanged, ${c.unmanaged} unmanaged`,
    )
  }
  const f = r.summary.findings
  out.push(
    '',
    `${plural(f.error, 'error')}, ${plural(f.warning, 'warning')}, ${f.info} info (${plural(r.requests, 'request')} to the cloud)`,
  )
  for (const x of r.findings) {
    // messages name images, flavors and projects, which their owners name as they like
    out.push(`${x.severity.padEnd(7)} ${x.rule}  ${objectLabel(x.subject)}: ${oneLine(x.message)}`)
    if (x.fix) out.push(`        fix: ${oneLine(x.fix)}`)
  }
  return out.join('\n')
}
