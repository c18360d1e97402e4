/**
 * A plan (src/operations/catalog-plan.ts) as a person reads it at a glance, in a terminal (`+ create`, `~ update in
 * place`, `-/+ replace`, `- delete`, each changed key old → new) or as Markdown for a pull-request comment; and the
 * one line per item that apply ends with.
 */
import type {ApplyResult} from '../operations/catalog-apply.js'
import type {Change, PlanAction, PlanItem} from '../catalog/diff.js'
import type {Plan} from '../operations/catalog-plan.js'
import {oneLine} from '../text/clip.js'
import {NOT_SET} from './words.js'

const SIGN: Record<PlanAction, string> = {
  create: '+',
  update: '~',
  replace: '-/+',
  delete: '-',
  unmanaged: '?',
  unchanged: ' ',
}
const VERB: Record<PlanAction, string> = {
  create: 'create',
  update: 'update in place',
  replace: 'replace',
  delete: 'delete',
  unmanaged: 'unmanaged',
  unchanged: 'unchanged',
}

const value = (v: Change['from']) =>
  v === null ? `(${NOT_SET})` : typeof v === 'string' ? `'${oneLine(v)}'` : String(v)

function changeLine(c: Change): string {
  const what = c.key === undefined ? c.field : `${c.field} ${oneLine(c.key)}`
  if (c.field === 'access') return `${c.to === null ? '-' : '+'} access ${oneLine(c.key ?? '')}`
  return `${what}: ${value(c.from)} → ${value(c.to)}`
}

const reasons = (i: PlanItem) => (i.kind === 'flavor' ? i.reasons.map(oneLine) : [])

// names and ids are the cloud's and the catalog's: escaped wherever they are printed
const title = (i: {kind: string; name: string; id: string | null}) =>
  `${i.kind} ${oneLine(i.name)}${i.id ? ` (${oneLine(i.id)})` : ''}`

function serversNote(i: PlanItem): string[] {
  if (i.kind !== 'flavor' || !i.servers || i.servers.count === 0) return []
  const first = i.servers.first.map(oneLine).join(', ')
  const more = i.servers.count > i.servers.first.length ? ', …' : ''
  return [
    `${i.servers.count} server(s) run on it (${first}${more}). They keep the flavor embedded at boot (compute 2.47):`,
    `nothing changes for them until a resize (which moves them to a flavor as it is now) or a rebuild (which keeps`,
    `the embedded flavor and takes the image's current properties).`,
  ]
}

function counts(plan: Plan): string {
  const s = plan.summary
  return (
    `Plan: ${s.create} to create, ${s.update} to update in place, ${s.replace} to replace, ${s.delete} to delete; ` +
    `${s.unmanaged} unmanaged, ${s.unchanged} unchanged.`
  )
}

export function planText(plan: Plan): string {
  const lines: string[] = []
  for (const i of plan.items) {
    if (i.action === 'unchanged') continue
    lines.push(`${SIGN[i.action]} ${VERB[i.action]} ${title(i)}`)
    for (const c of i.changes) lines.push(`    ${changeLine(c)}`)
    for (const r of reasons(i)) lines.push(`    why: ${r}`)
    for (const n of serversNote(i)) lines.push(`    ${n}`)
  }
  for (const w of plan.warnings) lines.push(`warning: ${oneLine(w)}`)
  lines.push(counts(plan))
  return lines.join('\n')
}

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ')

export function planMarkdown(plan: Plan): string {
  const rows = plan.items.filter((i) => i.action !== 'unchanged')
  const out = ['### wd catalog plan', '', counts(plan), '']
  if (rows.length > 0) {
    out.push('| | action | object | changes |', '|---|---|---|---|')
    for (const i of rows) {
      const details = [...i.changes.map(changeLine), ...reasons(i).map((r) => `why: ${r}`)]
      out.push(`| ${SIGN[i.action]} | ${VERB[i.action]} | ${cell(title(i))} | ${cell(details.join('<br>'))} |`)
    }
  }
  const notes = rows.flatMap((i) => (serversNote(i).length ? [`- ${cell(title(i))}: ${serversNote(i).join(' ')}`] : []))
  if (notes.length > 0) out.push('', ...notes)
  if (plan.warnings.length > 0)
    out.push(
      '',
      '<details><summary>warnings</summary>',
      '',
      ...plan.warnings.map((w) => `- ${oneLine(w)}`),
      '',
      '</details>',
    )
  return out.join('\n')
}

/** One line per item, then the fields it changed (or was to change), indented as in the plan. */
export function applyText(r: ApplyResult): string {
  const lines = r.results.flatMap((i) => [
    `${i.status.padEnd(13)} ${i.action.padEnd(9)} ${title(i)}${i.reason ? `: ${oneLine(i.reason)}` : ''}`,
    ...i.changes.map((c) => `    ${changeLine(c)}`),
  ])
  const s = r.summary
  lines.push(`Apply: ${s.applied} applied, ${s.failed} failed, ${s['not-attempted']} not attempted.`)
  return lines.join('\n')
}
