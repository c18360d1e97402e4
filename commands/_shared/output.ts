/** -f and -c as the openstack CLI has them, and printing records and lists in the chosen format. */
import {Flags} from '@oclif/core'
import {LIST_FORMATS, RECORD_FORMATS, type ListFormat, type RecordFormat} from '../../src/report/record-formats.js'

const columnFlag = Flags.string({
  char: 'c',
  description: 'Show only this column (repeatable).',
  multiple: true,
  helpValue: 'COLUMN',
})

/** -f and -c of a command that prints one record (the openstack CLI's ShowOne formats, `shell` included). */
export const outputFlags = {
  format: Flags.string({char: 'f', description: 'Output format.', options: [...RECORD_FORMATS], default: 'table'}),
  column: columnFlag,
}

/** -f, -c and --sort-column of a command that prints many records (the openstack CLI's Lister formats). */
export const listFlags = {
  format: Flags.string({char: 'f', description: 'Output format.', options: [...LIST_FORMATS], default: 'table'}),
  column: columnFlag,
  'sort-column': Flags.string({
    description: 'Sort by this column, NAME or NAME:desc (repeatable: later columns break ties).',
    multiple: true,
    helpValue: 'COLUMN',
  }),
}

/** Prints one record in the chosen -f/-c (nothing in --json mode, where oclif prints the returned data). */
export async function printRecord(
  log: (s: string) => void,
  row: Record<string, unknown>,
  flags: {format: string; column?: string[]},
) {
  const {formatRecord} = await import('../../src/report/records.js')
  log(formatRecord(row, flags.format as RecordFormat, flags.column))
}

export async function printList(
  log: (s: string) => void,
  rows: Record<string, unknown>[],
  columns: string[],
  flags: {format: string; column?: string[]; 'sort-column'?: string[]},
) {
  const {formatList} = await import('../../src/report/records.js')
  log(formatList(rows, columns, flags.format as ListFormat, {columns: flags.column, sort: flags['sort-column']}))
}

/** Several records (one per flavor or image named): one JSON or YAML list, else one block each. */
export async function printRecords(
  log: (s: string) => void,
  rows: Record<string, unknown>[],
  flags: {format: string; column?: string[]},
) {
  if (rows.length === 1) return printRecord(log, rows[0]!, flags)
  const {formatRecord} = await import('../../src/report/records.js')
  if (flags.format === 'json' || flags.format === 'yaml') {
    const picked = rows.map((r) => JSON.parse(formatRecord(r, 'json', flags.column)) as unknown)
    log(
      flags.format === 'json'
        ? JSON.stringify(picked, null, 2)
        : (await import('../../src/report/yaml.js')).yamlText(picked).trimEnd(),
    )
    return
  }
  // value is one line a record, as the openstack CLI's list is; tables and shell blocks are set apart by a blank line
  const between = flags.format === 'value' ? '\n' : '\n\n'
  log(rows.map((r) => formatRecord(r, flags.format as RecordFormat, flags.column)).join(between))
}
