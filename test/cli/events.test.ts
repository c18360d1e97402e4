import {describe, expect, it} from '@jest/globals'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {wd} from '../helpers/cli.js'
import {tempDir} from '../helpers/gates.js'

describe('wd events list', () => {
  it('filters the journal by time (a duration back, or a time) and by VM', () => {
    const journal = join(tempDir('wd-list-'), 'barks.jsonl')
    const old = new Date(Date.now() - 3 * 3600 * 1000).toISOString()
    const recent = new Date(Date.now() - 60 * 1000).toISOString()
    const line = (time: string, vm: string, action: string) =>
      JSON.stringify({id: `${vm}|${time}`, time, vm, action, source: `qmp:/run/${vm}.qmp`})
    writeFileSync(
      journal,
      [line(old, '101', 'reset'), line(recent, '101', 'pause'), line(recent, '102', 'poweroff')].join('\n') + '\n',
    )
    const rows = (args: string[]) =>
      (
        JSON.parse(wd(['events', 'list', '--journal', journal, '-f', 'json', ...args]).stdout) as {
          VM: string
          Action: string
        }[]
      ).map((r) => `${r.VM} ${r.Action}`)
    expect(rows([])).toEqual(['101 reset', '101 pause', '102 poweroff'])
    expect(rows(['--since', '2h'])).toEqual(['101 pause', '102 poweroff'])
    expect(rows(['--since', old, '--vm', '101'])).toEqual(['101 reset', '101 pause'])
    const bad = wd(['events', 'list', '--journal', journal, '--since', 'yesterday-ish'])
    expect([bad.status, bad.stderr]).toEqual([
      2,
      "wd: --since 'yesterday-ish' is neither a time nor a duration like 2h\n",
    ])
  })
})
