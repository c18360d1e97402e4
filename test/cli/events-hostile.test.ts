/**
 * `wd events watch` and `wd events list` under input a real QEMU or journal does not produce on demand: malformed
 * events, huge lines, bursts, journals with non-records and journals past what a string can hold.
 */
import {describe, expect, it} from '@jest/globals'
import {
  appendFileSync,
  closeSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import {join} from 'node:path'
import {journalOf, startWatcher, stopWatcher, until} from '../helpers/barks.js'
import {wd} from '../helpers/cli.js'
import {fakeQmp, watchdogLine} from '../helpers/fake-qmp.js'
import {tempDir} from '../helpers/gates.js'

const tmp = () => tempDir('wd-hostile-')
const record = (n: number) =>
  JSON.stringify({
    id: `qmp:s|vm|${n}|reset`,
    time: new Date(n * 1000).toISOString(),
    vm: 'vm',
    action: 'reset',
    source: 'qmp:s',
  })

/** The peak resident memory of a live process, in MiB. */
const peakMiB = (pid: number) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024

describe('events watch: a malformed QMP line never kills the watcher nor loses a bark', () => {
  it('skips null, impossible timestamps and a bad action, each in one line, and records the barks around them', async () => {
    const dir = tmp()
    const socket = join(dir, 'guest.qmp')
    const journal = join(dir, 'barks.jsonl')
    const qmp = await fakeQmp(socket, (c) =>
      c.write(
        watchdogLine(1795320001) +
          'null\n' +
          '{"event": "WATCHDOG", "data": {"action": "reset"}, "timestamp": {"seconds": 1e20, "microseconds": 0}}\n' +
          '{"event": "WATCHDOG", "data": {"action": "reset"}, "timestamp": {"seconds": 1, "microseconds": "abc"}}\n' +
          watchdogLine(1795320002, 'reset\n') +
          '[1,2]\n' +
          watchdogLine(1795320003, 'poweroff'),
      ),
    )
    const w = startWatcher(['--qmp', socket], journal)
    try {
      await until(() => w.said().split('\n').length > 5, 15, 'warnings')
      await until(
        () =>
          statSync(journal, {throwIfNoEntry: false})?.size !== undefined &&
          readFileSync(journal, 'utf8').split('\n').length > 2,
        15,
        'two barks',
      )
      expect(w.exitCode).toBeNull()
      const barks = await journalOf(journal)
      expect(barks.map((b) => [b.time, b.action])).toEqual([
        ['2026-11-22T04:00:01.000Z', 'reset'],
        ['2026-11-22T04:00:03.000Z', 'poweroff'],
      ])
      const said = w.said().trim().split('\n')
      expect(said.filter((l) => l.includes('malformed WATCHDOG event'))).toHaveLength(3)
      expect(said.filter((l) => l.includes('not a QMP message'))).toHaveLength(2)
      expect(w.said()).not.toMatch(/TypeError|RangeError|\n\s+at /)
    } finally {
      await stopWatcher(w)
      await qmp.close()
    }
  })

  it('drops a 55 MB line with a warning, in bounded memory, and records the bark after it', async () => {
    const dir = tmp()
    const socket = join(dir, 'guest.qmp')
    const journal = join(dir, 'barks.jsonl')
    const qmp = await fakeQmp(socket, (c) => {
      const chunk = Buffer.alloc(1024 * 1024, 'x')
      for (let i = 0; i < 55; i++) c.write(chunk)
      c.write('\n' + watchdogLine(1795320009))
    })
    const w = startWatcher(['--qmp', socket], journal)
    try {
      await until(() => readFileSync(journal, {encoding: 'utf8', flag: 'a+'}).includes('1795320009'), 30, 'the bark')
      expect(w.said()).toMatch(/line 3 is longer than 1048576 bytes; dropped/)
      expect(peakMiB(w.pid!)).toBeLessThan(250)
    } finally {
      await stopWatcher(w)
      await qmp.close()
    }
  })
})

describe('events watch --textfile: a burst of barks', () => {
  it('5,000 distinct barks: 5,000 journal records, textfile counts equal to the journal, a live process', async () => {
    const dir = tmp()
    const socket = join(dir, 'guest.qmp')
    const journal = join(dir, 'barks.jsonl')
    const prom = join(dir, 'wd.prom')
    const qmp = await fakeQmp(socket, (c) => {
      let text = ''
      for (let i = 0; i < 5000; i++) text += watchdogLine(1795320000 + i, i % 2 ? 'reset' : 'pause')
      c.write(text)
    })
    const w = startWatcher(['--qmp', socket, '--textfile', prom], journal)
    const total = () => {
      const m = readFileSync(prom, {encoding: 'utf8', flag: 'a+'}).matchAll(
        /^wd_watchdog_barks_total\{[^}]*\} (\d+)$/gm,
      )
      return [...m].reduce((n, x) => n + Number(x[1]), 0)
    }
    try {
      await until(() => total() === 5000, 60, '5,000 barks in the textfile')
      expect(w.exitCode).toBeNull()
      const barks = await journalOf(journal)
      expect(barks).toHaveLength(5000)
      expect(new Set(barks.map((b) => b.id)).size).toBe(5000)
      expect(readFileSync(prom, 'utf8')).toContain('wd_watchdog_barks_total{vm="guest",action="pause"} 2500\n')
      expect(w.said()).toBe('')
    } finally {
      await stopWatcher(w)
      await qmp.close()
    }
  })
})

describe("events watch --qmp-dir: what the directory holds is anyone's", () => {
  it('a newline in a socket name stays in its line; non-sockets and a burst of files come and go; the bark is recorded', async () => {
    const dir = tmp()
    const qmpDir = join(dir, 'qmp')
    const journal = join(dir, 'barks.jsonl')
    mkdirSync(qmpDir)
    writeFileSync(join(qmpDir, '1.sock'), 'not a socket')
    const qmp = await fakeQmp(join(qmpDir, 'web\n01.sock'), (c) => c.write(watchdogLine(1795320000)))
    const w = startWatcher(['--qmp-dir', qmpDir], journal)
    try {
      for (let i = 0; i < 500; i++) writeFileSync(join(qmpDir, `burst${i}.sock`), '')
      await until(async () => (await journalOf(journal)).length === 1, 20, 'the bark')
      for (let i = 0; i < 500; i++) rmSync(join(qmpDir, `burst${i}.sock`))
      await until(() => w.said().includes('let go of') && w.said().split('\n').length > 1000, 20, 'the burst let go')
      expect(w.exitCode).toBeNull()
      expect(w.said()).toContain(`following ${qmpDir}/web\\n01.sock\n`)
      for (const line of w.said().trim().split('\n')) expect(line).toMatch(/^(following|let go of) \//)
      expect((await journalOf(journal))[0]).toMatchObject({vm: 'web\n01', action: 'reset'})
    } finally {
      await stopWatcher(w)
      await qmp.close()
    }
  })
})

describe('the journal read as a stream', () => {
  it('skips lines that are JSON but not records (null, {}, 123, []) with a warning; list and watch both work', async () => {
    const dir = tmp()
    const journal = join(dir, 'barks.jsonl')
    writeFileSync(journal, [record(1), 'null', '{}', '123', '[]', record(2), ''].join('\n'))
    const list = wd(['events', 'list', '--journal', journal, '-f', 'json'])
    expect(list.status).toBe(0)
    expect((JSON.parse(list.stdout) as {Time: string}[]).map((b) => b.Time)).toEqual([
      '1970-01-01T00:00:01.000Z',
      '1970-01-01T00:00:02.000Z',
    ])
    expect(list.stderr.trim().split('\n')).toEqual([
      `warning: ${journal}:2: not a bark record, skipped: null`,
      `warning: ${journal}:3: not a bark record, skipped: {}`,
      `warning: ${journal}:4: not a bark record, skipped: 123`,
      `warning: ${journal}:5: not a bark record, skipped: []`,
    ])
    const socket = join(dir, 'none.qmp')
    const w = startWatcher(['--qmp', socket], journal)
    try {
      await until(() => w.said().includes('skipped: []'), 15, 'the watcher reading the journal')
      await new Promise((r) => setTimeout(r, 500))
      expect(w.exitCode).toBeNull()
    } finally {
      await stopWatcher(w)
    }
  })

  it('a journal past 512 MiB (a huge torn region) is listed, and the watcher still starts', async () => {
    const dir = tmp()
    const journal = join(dir, 'barks.jsonl')
    writeFileSync(journal, record(1) + '\n')
    // 600 MiB of NUL bytes without a newline: one line no string can hold (a sparse file: no disk is used)
    const fd = openSync(journal, 'r+')
    ftruncateSync(fd, statSync(journal).size + 600 * 1024 * 1024)
    closeSync(fd)
    appendFileSync(journal, '\n' + record(2) + '\n')
    const list = wd(['events', 'list', '--journal', journal, '-f', 'value', '-c', 'Time'])
    expect([list.status, list.stdout]).toEqual([0, '1970-01-01T00:00:01.000Z\n1970-01-01T00:00:02.000Z\n'])
    expect(list.stderr).toBe(`warning: ${journal}:2: a line longer than 1048576 bytes, skipped\n`)
    const w = startWatcher(['--qmp', join(dir, 'none.qmp')], journal)
    try {
      await until(() => w.said().includes('longer than'), 30, 'the watcher reading the journal')
      await new Promise((r) => setTimeout(r, 500))
      expect(w.exitCode).toBeNull()
    } finally {
      await stopWatcher(w)
    }
  }, 60000)

  it('a journal that does not exist is exit 2, not an empty list', () => {
    const r = wd(['events', 'list', '--journal', join(tmp(), 'nosuch.jsonl')])
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^wd: .*nosuch\.jsonl: no such journal\nhint: /)
  })
})

describe('issue 22 item 8: wd events list prints bus-supplied names escaped', () => {
  it.each(['table', 'value', 'csv'])('-f %s: one row per bark, no control character', (format) => {
    const journal = join(tempDir('wd-list-esc-'), 'fleet.jsonl')
    const record = {
      id: 'm-1',
      time: '2026-12-02T10:00:00.000Z',
      host: 'cmp-1\nforged-host 2026-12-02T10:00:00Z reset',
      vm: 'vm\u001b[8mhidden\u009b2J',
      action: 'reset',
      source: 'qmp:/run/x.sock',
    }
    writeFileSync(journal, `${JSON.stringify(record)}\n`)
    const r = wd(['events', 'list', '--journal', journal, '-f', format])
    expect(r.status).toBe(0)
    // eslint-disable-next-line no-control-regex -- what must not be printed
    expect(r.stdout).not.toMatch(/[\u001b\u009b]/)
    expect(r.stdout).toContain('cmp-1\\nforged-host')
    const rows = r.stdout.trimEnd().split('\n')
    expect(rows).toHaveLength(format === 'table' ? 5 : format === 'csv' ? 2 : 1)
  })
})
