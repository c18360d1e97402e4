/**
 * Output as the openstack CLI (cliff) prints it: `-f table` (a Field/Value table for one record, columns for a list),
 * `json`, `yaml`, `value` (bare values), and `-c` to pick columns, matched without case and with `_` for spaces.
 * Mappings show as `k='v', …` in table and value output, and as objects in json and yaml.
 */
import {dump} from 'js-yaml'
import {WdError} from '../errors.js'

import type {RecordFormat} from './record-formats.js'
export type Row = Record<string, unknown>

const norm = (c: string) => c.toLowerCase().replaceAll(' ', '_')

function human(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (Array.isArray(v)) return v.map(human).join('\n')
  if (typeof v === 'object') {
    return Object.entries(v)
      .map(([k, x]) => `${k}='${human(x)}'`)
      .join(', ')
  }
  return typeof v === 'string' ? v : JSON.stringify(v) // numbers and booleans print as themselves
}

/** The columns `-c` asked for, in the order asked; an unknown one is a usage error naming the known ones. */
export function pickColumns(all: readonly string[], wanted?: readonly string[]): string[] {
  if (!wanted || wanted.length === 0) return [...all]
  return wanted.map((w) => {
    const hit = all.find((c) => norm(c) === norm(w))
    if (hit === undefined) throw new WdError('WD_USAGE', `no column '${w}'`, {hint: `columns: ${all.join(', ')}`})
    return hit
  })
}

function table(header: string[], rows: string[][]): string {
  const cells = [header, ...rows].map((r) => r.map((c) => c.split('\n')))
  const widths = header.map((_, i) => Math.max(...cells.map((r) => Math.max(...r[i]!.map((l) => l.length)))))
  const rule = '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+'
  const line = (r: string[][]) => {
    const height = Math.max(...r.map((c) => c.length))
    return Array.from(
      {length: height},
      (_, k) => '| ' + r.map((c, i) => (c[k] ?? '').padEnd(widths[i]!)).join(' | ') + ' |',
    )
  }
  return [rule, ...line(cells[0]!), rule, ...cells.slice(1).flatMap(line), ...(rows.length ? [rule] : [])].join('\n')
}

function pick(row: Row, columns: string[]): Row {
  return Object.fromEntries(columns.map((c) => [c, row[c] ?? null]))
}

/** One record (`show`): a Field/Value table, or the record itself. */
export function formatRecord(record: Row, format: RecordFormat, wanted?: readonly string[]): string {
  const columns = pickColumns(Object.keys(record), wanted)
  const picked = pick(record, columns)
  if (format === 'json') return JSON.stringify(picked, null, 2)
  if (format === 'yaml') return dump(picked).trimEnd()
  if (format === 'value') return columns.map((c) => human(picked[c])).join('\n')
  return table(
    ['Field', 'Value'],
    columns.map((c) => [c, human(picked[c])]),
  )
}

/** Many records (`list`): columns, one row each. */
export function formatList(
  rows: readonly Row[],
  all: readonly string[],
  format: RecordFormat,
  wanted?: readonly string[],
): string {
  const columns = pickColumns(all, wanted)
  const picked = rows.map((r) => pick(r, columns))
  if (format === 'json') return JSON.stringify(picked, null, 2)
  if (format === 'yaml') return dump(picked).trimEnd()
  if (format === 'value') return picked.map((r) => columns.map((c) => human(r[c])).join(' ')).join('\n')
  return table(
    columns,
    picked.map((r) => columns.map((c) => human(r[c]))),
  )
}
