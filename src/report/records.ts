/**
 * Output as the openstack CLI (cliff) prints it: `-f table` (a Field/Value table for one record, columns for a list),
 * `json`, `yaml`, `value` (bare values), `shell` (one record as `name="value"` lines to eval), `csv` (a list, strings
 * quoted as cliff's default `--quote nonnumeric` does), `-c` to pick columns (matched without case and with `_` for
 * spaces) and `--sort-column`. Mappings show as `k='v', …` in table and value output, and as objects in json and yaml.
 * Widths are found in loops, not spread into Math.max: a list of a million rows must not overflow the stack.
 * Values come from clouds and buses: in every human format (table, value, shell, csv) their control characters are
 * escaped (oneLine), so a name cannot add a row, split one, or send the terminal an escape sequence.
 */
import {yamlText} from './yaml.js'
import {WdError} from '../errors.js'
import type {ListFormat, RecordFormat} from './record-formats.js'
import {oneLine} from '../text/clip.js'

export type Row = Record<string, unknown>

const norm = (c: string) => c.toLowerCase().replaceAll(' ', '_')

function human(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (Array.isArray(v)) return v.map(human).join('\n')
  if (typeof v === 'object') {
    return Object.entries(v)
      .map(([k, x]) => `${oneLine(k)}='${human(x)}'`)
      .join(', ')
  }
  return typeof v === 'string' ? oneLine(v) : JSON.stringify(v) // numbers and booleans print as themselves
}

/** The columns `-c` asked for, in the order asked; an unknown one is a usage error naming the known ones. */
function pickColumns(all: readonly string[], wanted?: readonly string[], flag = '-c'): string[] {
  if (!wanted || wanted.length === 0) return [...all]
  return wanted.map((w) => {
    const hit = all.find((c) => norm(c) === norm(w))
    if (hit === undefined)
      throw new WdError('WD_USAGE', `${flag}: no column '${w}'`, {hint: `columns: ${all.join(', ')}`})
    return hit
  })
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h) => h.length)
  const cells = (r: string[]) => r.map((c) => c.split('\n'))
  for (const r of rows) {
    r.forEach((c, i) => {
      for (const l of c.split('\n')) if (l.length > widths[i]!) widths[i] = l.length
    })
  }
  const rule = '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+'
  const out = [rule]
  const line = (r: string[][]) => {
    let height = 1
    for (const c of r) if (c.length > height) height = c.length
    for (let k = 0; k < height; k++)
      out.push('| ' + r.map((c, i) => (c[k] ?? '').padEnd(widths[i]!)).join(' | ') + ' |')
  }
  line(cells(header))
  out.push(rule)
  for (const r of rows) line(cells(r))
  if (rows.length) out.push(rule)
  return out.join('\n')
}

function pick(row: Row, columns: string[]): Row {
  return Object.fromEntries(columns.map((c) => [c, row[c] ?? null]))
}

/** cliff's shell formatter: a variable name per field, the value in double quotes. */
const shellName = (c: string) => c.toLowerCase().replace(/[^a-z0-9_]/g, '_')
const shellValue = (v: string) => `"${v.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`

const csvCell = (v: unknown) =>
  typeof v === 'number' || typeof v === 'boolean' ? String(v) : `"${human(v).replaceAll('"', '""')}"`

/** One record (`show`): a Field/Value table, or the record itself. */
export function formatRecord(record: Row, format: RecordFormat, wanted?: readonly string[]): string {
  const columns = pickColumns(Object.keys(record), wanted)
  const picked = pick(record, columns)
  if (format === 'json') return JSON.stringify(picked, null, 2)
  if (format === 'yaml') return yamlText(picked).trimEnd()
  if (format === 'value') return columns.map((c) => human(picked[c])).join('\n')
  if (format === 'shell') return columns.map((c) => `${shellName(c)}=${shellValue(human(picked[c]))}`).join('\n')
  return table(
    ['Field', 'Value'],
    columns.map((c) => [c, human(picked[c])]),
  )
}

export interface ListOptions {
  columns?: readonly string[]
  /** `--sort-column`, each `NAME` or `NAME:desc`; later columns break ties */
  sort?: readonly string[]
}

function sorted(rows: readonly Row[], all: readonly string[], sort: readonly string[]): readonly Row[] {
  const keys = sort.map((s) => {
    const [name = '', dir] = s.split(':')
    if (dir !== undefined && dir !== 'asc' && dir !== 'desc') {
      throw new WdError('WD_USAGE', `--sort-column '${s}': the direction is asc or desc`)
    }
    return {column: pickColumns(all, [name], '--sort-column')[0]!, sign: dir === 'desc' ? -1 : 1}
  })
  const cmp = (a: unknown, b: unknown) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : human(a).localeCompare(human(b), 'en', {numeric: true})
  return [...rows].sort((a, b) => {
    for (const k of keys) {
      const d = cmp(a[k.column], b[k.column])
      if (d !== 0) return d * k.sign
    }
    return 0
  })
}

/** Many records (`list`): columns, one row each. */
export function formatList(
  rows: readonly Row[],
  all: readonly string[],
  format: ListFormat,
  options: ListOptions = {},
): string {
  const columns = pickColumns(all, options.columns)
  const ordered = options.sort?.length ? sorted(rows, all, options.sort) : rows
  const picked = ordered.map((r) => pick(r, columns))
  if (format === 'json') return JSON.stringify(picked, null, 2)
  if (format === 'yaml') return yamlText(picked).trimEnd()
  if (format === 'value') return picked.map((r) => columns.map((c) => human(r[c])).join(' ')).join('\n')
  if (format === 'csv') {
    return [columns.map(csvCell).join(','), ...picked.map((r) => columns.map((c) => csvCell(r[c])).join(','))].join(
      '\n',
    )
  }
  return table(
    columns,
    picked.map((r) => columns.map((c) => human(r[c]))),
  )
}
