/**
 * Reset loops: N barks of one VM within a window are one loop, in the record, the textfile's
 * wd_watchdog_bark_loops_total, the webhook's payload and `wd events list --loops`; a restart of the watcher reads
 * the loops' past from the journal. The barks come from a fake QMP server (a real guest would take minutes per bark).
 */
import {describe, expect, it} from '@jest/globals'
import http from 'node:http'
import {readFileSync} from 'node:fs'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'
import {LoopDetector} from '../../src/events/loops.js'
import {journalOf, startWatcher, stopWatcher, until} from '../helpers/barks.js'
import {wd} from '../helpers/cli.js'
import {fakeQmp, watchdogLine} from '../helpers/fake-qmp.js'
import {owned, tempDir} from '../helpers/gates.js'

const T0 = 1795320000
const at = (s: number) => ({vm: '101', source: 'qmp:x', time: new Date((T0 + s) * 1000).toISOString()})

describe('the loop detector', () => {
  it('marks the Nth bark within the window and every one after it while the window holds N; a gap ends the loop', () => {
    const d = new LoopDetector({barks: 3, windowSeconds: 600})
    const verdicts = [0, 60, 120, 180, 2000, 2010, 2020].map((s) => d.observe(at(s)))
    expect(verdicts.map((v) => v && [v.loop.barks, v.entered, v.loop.since])).toEqual([
      undefined,
      undefined,
      [3, true, at(0).time],
      [4, false, at(60).time],
      undefined,
      undefined,
      [3, true, at(2000).time],
    ])
    // another VM, and the same VM of another source, are other loops
    expect(d.observe({...at(2030), vm: '102'})).toBeUndefined()
    expect(d.observe({...at(2030), source: 'qmp:y'})).toBeUndefined()
  })

  it('holds memory for the VMs barking now only (100,000 VMs barking once each, then one VM)', () => {
    const d = new LoopDetector({barks: 3, windowSeconds: 60})
    for (let i = 0; i < 100_000; i++) d.observe({...at(i), vm: `vm${i}`})
    const size = (d as unknown as {recent: Map<string, unknown>}).recent.size
    expect(size).toBeLessThan(2100)
  })
})

describe('events watch: reset loops', () => {
  it('in the journal, the textfile, the webhook and events list --loops; a restart keeps the past', async () => {
    const dir = tempDir('wd-loops-')
    const socket = join(dir, '101.qmp')
    const journal = join(dir, 'barks.jsonl')
    const prom = join(dir, 'wd.prom')
    const posted: Record<string, unknown>[] = []
    const hook = http.createServer((req, res) => {
      let body = ''
      req.on('data', (c: Buffer) => (body += String(c)))
      req.on('end', () => {
        posted.push(JSON.parse(body) as Record<string, unknown>)
        res.end()
      })
    })
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/bark`
    let send = [0, 60, 120, 180, 2000, 2010, 2020]
    const qmp = await fakeQmp(socket, (c) => c.write(send.map((s) => watchdogLine(T0 + s)).join('')))
    try {
      const args = ['--qmp', socket, '--textfile', prom, '--webhook', url, '--loop-barks', '3', '--loop-window', '10m']
      let w = owned(startWatcher(args, journal))
      await until(async () => (await journalOf(journal)).length === 7 && posted.length === 7, 30, '7 barks')
      await stopWatcher(w)
      const loops = (await journalOf(journal)).map((b) => b.loop?.barks ?? null)
      expect(loops).toEqual([null, null, 3, 4, null, null, 3])
      expect(posted.find((p) => p.time === at(120).time)).toMatchObject({
        loop: {barks: 3, since: at(0).time, windowSeconds: 600},
      })
      expect(readFileSync(prom, 'utf8')).toMatch(/^wd_watchdog_bark_loops_total\{vm="101"\} 2$/m)

      // a restart: the journal gives the loops their past, so the next bark continues the second loop
      send = [2030]
      w = owned(startWatcher(args, journal))
      await until(async () => (await journalOf(journal)).length === 8, 30, 'the 8th bark')
      await stopWatcher(w)
      expect((await journalOf(journal)).at(-1)!.loop).toEqual({barks: 4, since: at(2010).time, windowSeconds: 600})
      expect(readFileSync(prom, 'utf8')).toMatch(/^wd_watchdog_bark_loops_total\{vm="101"\} 2$/m)

      const list = wd(['events', 'list', '--journal', journal, '--loops', '-f', 'value', '-c', 'Time', '-c', 'Loop'])
      expect(list.stdout.trim().split('\n')).toEqual([
        `${at(120).time} 3 since ${at(0).time}`,
        `${at(180).time} 4 since ${at(60).time}`,
        `${at(2020).time} 3 since ${at(2000).time}`,
        `${at(2030).time} 4 since ${at(2010).time}`,
      ])
    } finally {
      await qmp.close()
      await new Promise((r) => hook.close(r))
    }
  })

  it('refuses a window that is no duration', () => {
    const r = wd(['events', 'watch', '--qmp', '/tmp/x.qmp', '--journal', '/dev/null', '--loop-window', '10 minutes'])
    expect([r.status, r.stderr]).toEqual([
      2,
      expect.stringMatching(/^wd: --loop-window '10 minutes' is not a duration/),
    ])
  })
})
