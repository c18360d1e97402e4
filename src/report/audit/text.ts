/** The audit for a terminal: the summary first (servers, by project, by flavor), then the findings worst first. */
import type {AuditReport} from '../../operations/audit.js'
import {formatList} from '../records.js'
import {NOVA_ACTIONS} from '../../vocab/nova.js'

const COUNT_COLUMNS = ['servers', 'protected', 'unprotected', 'unknown']

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

/** "3 protected (reset 2, pause 1)": the actions that occur, in Nova's order. */
export function coverageLine(r: AuditReport): string {
  const s = r.summary.servers
  // a device whose action is none protects nothing: it is counted with the unprotected
  const actions = NOVA_ACTIONS.filter((a) => a !== 'none' && s.byAction[a] > 0).map((a) => `${a} ${s.byAction[a]}`)
  const idle = s.byAction.none > 0 ? ` (${s.byAction.none} with action none)` : ''
  return (
    `${plural(s.total, 'server')}: ${s.protected} protected${actions.length ? ` (${actions.join(', ')})` : ''}, ` +
    `${s.unprotected} unprotected${idle}, ${s.unknown} unknown`
  )
}

export function auditText(r: AuditReport): string {
  const out = [`wd audit: ${coverageLine(r)}`]
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
    out.push(`${x.severity.padEnd(7)} ${x.rule}  ${x.message}`)
    if (x.fix) out.push(`        fix: ${x.fix}`)
  }
  return out.join('\n')
}
