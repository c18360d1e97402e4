import {describe, expect, it} from '@jest/globals'
import {appendFileSync, readFileSync} from 'node:fs'
import net from 'node:net'
import {join} from 'node:path'
import type {Bark} from '../../src/events/bark.js'
import {openJournal} from '../../src/events/journal.js'
import {parseVirshEvent} from '../../src/events/libvirt.js'
import {followQmp} from '../../src/events/qmp.js'
import {Textfile} from '../../src/events/sinks.js'
import {journalOf} from '../helpers/barks.js'
import {tempDir} from '../helpers/gates.js'
import {textFormat} from '../helpers/openmetrics.js'

const bark = (n: number, action = 'reset'): Bark => ({
  id: `qmp:s|vm|${n}|${action}`,
  time: new Date(n * 1000).toISOString(),
  vm: 'vm',
  action,
  source: 'qmp:s',
})

describe('the bark journal', () => {
  it('records each bark once, also across a restart, and survives a torn last line', async () => {
    const path = join(tempDir('wd-journal-'), 'barks.jsonl')
    const j = await openJournal(path)
    expect(await Promise.all([j.append(bark(1)), j.append(bark(1)), j.append(bark(2))])).toEqual([true, false, true])
    await j.close()
    appendFileSync(path, '{"id":"torn') // the watcher died mid-write
    const again = await openJournal(path)
    expect(await again.append(bark(2))).toBe(false)
    expect(await again.append(bark(3))).toBe(true)
    await again.close()
    expect((await journalOf(path)).map((b) => b.id)).toEqual([bark(1).id, bark(2).id, bark(3).id])
  })

  it('counts barks in a Prometheus textfile', async () => {
    const path = join(tempDir('wd-prom-'), 'wd.prom')
    const t = new Textfile(path)
    for (const b of [bark(1), bark(2), bark(3, 'pause')]) t.count(b)
    await t.flush()
    expect(readFileSync(path, 'utf8')).toContain(
      'wd_watchdog_barks_total{vm="vm",action="pause"} 1\nwd_watchdog_barks_total{vm="vm",action="reset"} 2\n',
    )
  })
})

describe('libvirt events', () => {
  it("reads virsh's watchdog lines (verbatim from libvirt 9.0) and nothing else", () => {
    const b = parseVirshEvent(
      "2026-11-22 04:13:49.750+0000: event 'watchdog' for domain 'wdt-bark-reset-1742': reset",
      'qemu:///system',
    )
    expect(b).toMatchObject({
      vm: 'wdt-bark-reset-1742',
      action: 'reset',
      time: '2026-11-22T04:13:49.750Z',
      source: 'libvirt:qemu:///system',
    })
    expect(parseVirshEvent("2026-11-22 04:13:49.751+0000: event 'reboot' for domain 'x'", 'u')).toBeUndefined()
  })
})

describe('the QMP follower under faults a real QEMU does not produce on demand', () => {
  it('skips malformed lines and events, and reconnects when the socket goes away and comes back', async () => {
    const socket = join(tempDir('wd-qmp-'), 'vm.qmp')
    const lines = [
      'this is not json',
      '{"event": "WATCHDOG", "data": {}, "timestamp": {"seconds": 1, "microseconds": 0}}',
      '{"event": "WATCHDOG", "data": {"action": "reset"}, "timestamp": {"seconds": 1795320717, "microseconds": 661122}}',
    ]
    const serve = () =>
      new Promise<net.Server>((ready) => {
        const server = net.createServer((c) => {
          // the follower may hang up first (reconnect, abort): a reset here is the expected end of a session
          c.on('error', () => undefined)
          c.write('{"QMP": {"version": {}, "capabilities": []}}\n')
          c.once('data', () => {
            c.write(lines.join('\n') + '\n')
            setTimeout(() => c.destroy(), 50)
          })
        })
        server.listen(socket, () => ready(server))
      })
    const barks: Bark[] = []
    const problems: string[] = []
    const stop = new AbortController()
    const following = followQmp(socket, {
      vm: 'vm',
      signal: stop.signal,
      retryMs: 20,
      onBark: (b) => void barks.push(b),
      onProblem: (p) => problems.push(p),
    })
    await new Promise((r) => setTimeout(r, 100)) // no socket yet: the follower keeps trying
    let server = await serve()
    await new Promise((r) => setTimeout(r, 300))
    server.close()
    const before = barks.length
    server = await serve() // QEMU came back
    await new Promise((r) => setTimeout(r, 300))
    stop.abort()
    server.close()
    await following
    expect(before).toBeGreaterThan(0)
    expect(barks.length).toBeGreaterThan(before)
    // every session delivered the one valid event; its id is the same each time, so the journal keeps it once
    expect(new Set(barks.map((b) => JSON.stringify([b.id, b.action, b.time])))).toEqual(
      new Set([JSON.stringify(['qmp:' + socket + '|vm|1795320717.661122|reset', 'reset', '2026-11-22T04:11:57.661Z'])]),
    )
    expect(problems.some((p) => p.includes('not JSON'))).toBe(true)
    expect(problems.some((p) => p.includes('malformed WATCHDOG'))).toBe(true)
  })
})

describe('the webhook sink', () => {
  it('POSTs the bark as JSON, retrying after a failure, and says when it gave up', async () => {
    const {postWebhook} = await import('../../src/events/sinks.js')
    const {httpClient} = await import('../../src/openstack/http.js')
    const http = await import('node:http')
    const received: unknown[] = []
    let calls = 0
    const server = http.createServer((req, res) => {
      let body = ''
      req.on('data', (d: Buffer) => (body += String(d)))
      req.on('end', () => {
        calls++
        if (calls === 1) {
          res.writeHead(503).end()
        } else {
          received.push(JSON.parse(body))
          res.writeHead(204).end()
        }
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/barks`
    const client = httpClient({verify: true, timeout: 5}, 1)
    try {
      expect(await postWebhook(client, url, bark(7), 3, 5)).toBeUndefined()
      expect(received).toEqual([bark(7)])
      expect(calls).toBe(2)
    } finally {
      server.close()
    }
    expect(await postWebhook(client, 'http://127.0.0.1:9/barks', bark(8), 2, 5)).toMatch(/cannot reach.*2 attempts/)
  })

  it('tries every attempt on any answer but 2xx, and says the last status', async () => {
    const {postWebhook} = await import('../../src/events/sinks.js')
    const {httpClient} = await import('../../src/openstack/http.js')
    const http = await import('node:http')
    let calls = 0
    const server = http.createServer((req, res) => {
      req.resume()
      req.on('end', () => res.writeHead(calls++ === 0 ? 404 : 500).end())
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/barks`
    try {
      expect(await postWebhook(httpClient({verify: true, timeout: 5}, 1), url, bark(9), 3, 5)).toBe('HTTP 500')
      expect(calls).toBe(3)
    } finally {
      server.close()
    }
  })
})

describe("issue 22 item 18: the bark textfile passes the text format's parser (node_exporter's format)", () => {
  it("counters as node_exporter's text format names them, VMs differing only in lone surrogates one series", async () => {
    const path = join(tempDir('wd-prom-'), 'wd.prom')
    const t = new Textfile(path, true)
    t.count({...bark(1), vm: 'v\uD800', host: 'h"\n'}, true)
    t.count({...bark(2), vm: 'v\uDC00', host: 'h"\n'})
    t.count(bark(3, 'pause'))
    await t.flush()
    const text = readFileSync(path, 'utf8')
    expect(text).toMatch(/^# TYPE wd_watchdog_barks_total counter$/m)
    const families = textFormat(text)
    const rows = (f: (typeof families)[number]) => f.samples.map(([n, l, v]) => [n, l.vm, l.host, v]).sort()
    expect(families.map((f) => [f.name, f.type, rows(f)])).toEqual([
      [
        'wd_watchdog_barks',
        'counter',
        [
          ['wd_watchdog_barks_total', 'vm', '', 1],
          ['wd_watchdog_barks_total', 'v\uFFFD', 'h"\n', 2],
        ],
      ],
      ['wd_watchdog_bark_loops', 'counter', [['wd_watchdog_bark_loops_total', 'v\uFFFD', 'h"\n', 1]]],
    ])
  })
})
