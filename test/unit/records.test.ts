import {describe, expect, it} from '@jest/globals'
import {formatList, formatRecord} from '../../src/report/records.js'

const rows = (n: number) => Array.from({length: n}, (_, i) => ({ID: `id-${i}`, Name: `f${n - i}`, RAM: (i % 7) * 512}))

describe('records as the openstack CLI prints them', () => {
  it('a table of 200,000 rows (a big cloud, a long journal) does not overflow the stack', () => {
    const out = formatList(rows(200000), ['ID', 'Name', 'RAM'], 'table')
    const lines = out.split('\n')
    expect(lines).toHaveLength(200000 + 4)
    expect(lines[1]).toBe('| ID        | Name    | RAM  |')
    expect(lines[3]).toBe('| id-0      | f200000 | 0    |')
  })

  it('csv as cliff writes it: a header, strings quoted, numbers bare', () => {
    const out = formatList([{ID: 'a"1', Name: 'x, y', RAM: 512}], ['ID', 'Name', 'RAM'], 'csv')
    expect(out).toBe('"ID","Name","RAM"\n"a""1","x, y",512')
  })

  it('shell as cliff writes it: one name="value" per field, safe to eval', () => {
    const out = formatRecord({id: 'f1', 'hw:watchdog_action': 'reset', name: 'a "b" $(x)'}, 'shell')
    expect(out).toBe('id="f1"\nhw_watchdog_action="reset"\nname="a \\"b\\" \\$(x)"')
  })

  it('--sort-column: ascending, NAME:desc, ties broken by the next column; a wrong column is named', () => {
    const data = [
      {Name: 'b', RAM: 2},
      {Name: 'a', RAM: 2},
      {Name: 'c', RAM: 1},
    ]
    const order = (sort: string[]) =>
      formatList(data, ['Name', 'RAM'], 'value', {sort})
        .split('\n')
        .map((l) => l.split(' ')[0])
    expect(order(['RAM', 'Name'])).toEqual(['c', 'a', 'b'])
    expect(order(['RAM:desc', 'Name:desc'])).toEqual(['b', 'a', 'c'])
    expect(() => order(['Colour'])).toThrow("--sort-column: no column 'Colour'")
  })
})

describe('issue 22 item 8: names from a cloud or a bus cannot forge lines or reach the terminal raw', () => {
  const evil = 'evil\nerror audit/FORGED \u001b[8mhidden\u009b2J\u202eright-to-left'
  const rows = [{Host: evil, VM: 'vm\r\n1', Action: 'reset'}]

  it.each(['table', 'value', 'csv'] as const)('-f %s: one row per record, no control character printed', (format) => {
    const out = formatList(rows, ['Host', 'VM', 'Action'], format)
    // eslint-disable-next-line no-control-regex -- what must not be printed
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/)
    const lines = out.split('\n')
    expect(lines).toHaveLength(format === 'table' ? 5 : format === 'csv' ? 2 : 1)
    expect(lines.some((l) => l.startsWith('error audit/FORGED'))).toBe(false)
    expect(out).toContain('evil\\nerror audit/FORGED \\u001b[8mhidden\\u009b2J\\u202eright-to-left')
  })

  it('a record (show): Field/Value table and shell', () => {
    for (const format of ['table', 'shell', 'value'] as const) {
      // eslint-disable-next-line no-control-regex -- what must not be printed
      expect(formatRecord({name: evil}, format)).not.toMatch(/[\u001b\u009b\u202e]|\nerror/)
    }
  })
})

describe('issue 26 item 4: one YAML writer (src/report/yaml.ts) for -f yaml and wd catalog export', () => {
  const description = 'a flavor for the batch queue, '.repeat(6).trim()
  const shared = {'hw:watchdog_action': 'reset'}

  it('keeps a long value on its line, as wd catalog export always did', () => {
    expect(formatRecord({name: 'm1', description}, 'yaml')).toBe(`name: m1\ndescription: ${description}`)
    expect(formatList([{name: 'm1', description}], ['name', 'description'], 'yaml')).toBe(
      `- name: m1\n  description: ${description}`,
    )
  })

  it('writes a value met twice twice, with no anchor or alias', () => {
    const out = formatList(
      [
        {name: 'a', specs: shared},
        {name: 'b', specs: shared},
      ],
      ['name', 'specs'],
      'yaml',
    )
    expect(out).toBe(
      '- name: a\n  specs:\n    hw:watchdog_action: reset\n- name: b\n  specs:\n    hw:watchdog_action: reset',
    )
  })
})
