/**
 * `wd events watch --notify` and `wd events consume` on a real RabbitMQ (test/env/rabbitmq/rabbitmq.sh), read by a
 * real oslo.messaging notification listener (test/env/rabbitmq/oslo-listener.py): what an OpenStack consumer reads
 * is what wd sends. RabbitMQ stopped while barks arrive and started again, with the watcher running through it and
 * with the watcher restarted meanwhile: every bark reaches the listener exactly once, in the journal's order on each
 * priority's queue.
 * WD_SKIP_RABBITMQ=1 opts out.
 */
import {describe, expect} from '@jest/globals'
import {spawn} from 'node:child_process'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import type net from 'node:net'
import {join} from 'node:path'
import {connect} from 'amqplib'
import {journalOf, startWatcher, stopWatcher, until, type Watcher} from '../helpers/barks.js'
import {root, wd} from '../helpers/cli.js'
import {fakeQmp, watchdogLine, type FakeQmp} from '../helpers/fake-qmp.js'
import {owned, tempDir, withRabbit} from '../helpers/gates.js'
import {brokerDir, osloListener, queueExists, rabbitmq} from '../helpers/rabbitmq.js'

const T0 = 1795320000
const iso = (s: number) => new Date((T0 + s) * 1000).toISOString()
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** A QMP socket whose barks the test sends when it likes. */
async function barker(socket: string): Promise<FakeQmp & {bark: (...seconds: number[]) => void}> {
  let conn: net.Socket | undefined
  const qmp = await fakeQmp(socket, (c) => (conn = c))
  return {
    ...qmp,
    bark: (...seconds) => {
      if (!conn || conn.destroyed) throw new Error('no watcher on the socket')
      conn.write(seconds.map((s) => watchdogLine(T0 + s)).join(''))
    },
  }
}

/** Waits for a watcher to be connected to a socket: its first bark is seen. */
async function connected(q: {bark: (...s: number[]) => void}) {
  await until(
    () => {
      try {
        q.bark()
        return true
      } catch {
        return false
      }
    },
    20,
    'a watcher on the QMP socket',
  )
}

describe('events watch --notify: OpenStack notifications on a real RabbitMQ', () => {
  withRabbit(
    'an oslo.messaging listener reads each bark; RabbitMQ away and back, watcher running or restarted: each once',
    async () => {
      const dir = tempDir('wd-notify-')
      const rmq = brokerDir()
      const url = rabbitmq('start', rmq)
      const listener = await osloListener(url)
      const journal = join(dir, 'barks.jsonl')
      const socket = join(dir, '101.sock')
      const qmp = await barker(socket)
      const args = ['--qmp', socket, '--notify', url, '--host', 'cmp-a', '--loop-barks', '3']
      let w: Watcher = owned(startWatcher(args, journal))
      try {
        await connected(qmp)
        qmp.bark(0, 1000, 2000, 2010, 2020)
        await until(() => listener.received().length >= 5, 30, 'five notifications').catch((e: Error) => {
          throw new Error(`${e.message}; the watcher said: ${w.said()}; the listener: ${listener.said()}`)
        })
        const got = listener.received()
        // warn and error notifications travel on two queues (notifications.warn, notifications.error): a listener
        // sees each queue in order, not the two interleaved as published
        const times = [0, 1000, 2000, 2010, 2020]
        expect(got.filter((n) => n.priority === 'warn').map((n) => n.payload.time)).toEqual(times.slice(0, 4).map(iso))
        for (const n of got) {
          const s = times.find((t) => iso(t) === n.payload.time)!
          expect(n).toMatchObject({
            event_type: 'wd.watchdog.bark',
            publisher_id: 'wd.cmp-a',
            priority: s === 2020 ? 'error' : 'warn',
            payload: {host: 'cmp-a', vm: '101', vmid: '101', action: 'reset', time: iso(s), source: `qmp:${socket}`},
          })
          expect(n.metadata.message_id).toMatch(UUID)
          // oslo's own timestamp format: Python's str(datetime.utcnow())
          expect(n.metadata.timestamp).toBe(iso(s).replace('T', ' ').replace('Z', '000'))
        }
        expect(got.find((n) => n.priority === 'error')!.payload.loop).toEqual({
          barks: 3,
          since: iso(2000),
          window_seconds: 600,
        })
        expect(new Set(got.map((n) => n.metadata.message_id)).size).toBe(5)

        // the bus goes away while barks arrive: they are journaled, and the watcher says they wait
        rabbitmq('stop', rmq)
        qmp.bark(...Array.from({length: 10}, (_, i) => 10000 + i * 1000))
        await until(async () => (await journalOf(journal)).length === 15, 20, 'fifteen barks in the journal')
        await until(() => /barks wait in the journal/.test(w.said()), 20, 'a warning that barks wait')
        rabbitmq('start', rmq)
        await until(() => listener.received().length >= 15, 90, 'the ten barks that waited')

        // away again, and the watcher stops meanwhile: the next watcher publishes what the last one could not
        rabbitmq('stop', rmq)
        qmp.bark(...Array.from({length: 10}, (_, i) => 30000 + i * 1000))
        await until(async () => (await journalOf(journal)).length === 25, 20, 'twenty-five barks in the journal')
        await stopWatcher(w)
        rabbitmq('start', rmq)
        w = owned(startWatcher(args, journal))
        await connected(qmp)
        qmp.bark(50000, 51000)
        await until(() => listener.received().length >= 27, 90, 'every bark')
        // a duplicate would come right behind: give it the time to
        await new Promise((r) => setTimeout(r, 2000))
        const records = await journalOf(journal)
        expect(records).toHaveLength(27)
        // the listener's threads may print in any order: the same barks, each once
        expect(
          listener
            .received()
            .map((n) => n.payload.bark_id as string)
            .sort(),
        ).toEqual(records.map((b) => b.id).sort())
        expect(new Set(listener.received().map((n) => n.metadata.message_id)).size).toBe(27)
        expect(records.every((b) => b.host === 'cmp-a')).toBe(true)
      } finally {
        await stopWatcher(w)
        listener.stop()
        await qmp.close()
      }
    },
    300_000,
  )

  withRabbit(
    "wd events consume: two hosts' barks in one journal, each once by id; hostile messages passed; --host",
    async () => {
      const dir = tempDir('wd-consume-')
      // a broker of its own: the first test's may still be stopping
      const url = rabbitmq('start', brokerDir(), 5674)
      const fleet = join(dir, 'fleet.jsonl')
      const prom = join(dir, 'wd.prom')
      const consumer = owned(
        spawn(
          process.execPath,
          [join(root, 'bin/run.js'), 'events', 'consume', '--journal', fleet, '--textfile', prom, '--json'],
          {env: {...process.env, NODE_OPTIONS: '', WD_TRANSPORT_URL: url}, stdio: ['ignore', 'pipe', 'pipe']},
        ),
      )
      let out = ''
      let said = ''
      consumer.stdout.on('data', (d: Buffer) => (out += String(d)))
      consumer.stderr.on('data', (d: Buffer) => (said += String(d)))
      const hosts = ['cmp-a', 'cmp-b'].map((host) => ({
        host,
        journal: join(dir, `${host}.jsonl`),
        socket: join(dir, host, '101.sock'),
      }))
      const watchers: Watcher[] = []
      const sockets: Awaited<ReturnType<typeof barker>>[] = []
      try {
        // the consumer's queue exists before the first bark: a queue is only given what comes after it
        await until(() => queueExists(url, 'wd-barks'), 30, "the consumer's queue")
        for (const h of hosts) {
          mkdirSync(join(dir, h.host))
          const q = await barker(h.socket)
          sockets.push(q)
          watchers.push(owned(startWatcher(['--qmp', h.socket, '--notify', url, '--host', h.host], h.journal)))
          await connected(q)
        }
        sockets[0]!.bark(0, 1000, 2000)
        sockets[1]!.bark(0, 5000)
        await until(async () => (await journalOf(fleet)).length === 5, 30, 'five barks in the fleet journal')

        // cmp-a's watcher publishes its whole journal again (its mark set back): the consumer keeps each bark once
        await stopWatcher(watchers[0]!)
        const markPath = `${hosts[0]!.journal}.notified`
        writeFileSync(markPath, JSON.stringify({...JSON.parse(readFileSync(markPath, 'utf8')), offset: 0}))
        watchers[0] = owned(
          startWatcher(['--qmp', hosts[0]!.socket, '--notify', url, '--host', 'cmp-a'], hosts[0]!.journal),
        )
        await connected(sockets[0]!)

        // hostile messages on the same routing key, then a good bark behind them
        const conn = await connect(url.replace(/^rabbit:/, 'amqp:'))
        const ch = await conn.createChannel()
        const put = (body: string | Buffer, messageId?: string) =>
          ch.publish('openstack', 'notifications.warn', Buffer.from(body), messageId ? {messageId} : {})
        put(Buffer.from([0xff, 0xfe, 0x7b]), 'binary-1')
        put(JSON.stringify({'oslo.version': '2.0', 'oslo.message': '{"event_type": "compute.instance.create.end"}'}))
        const bark = (payload: string, messageId: string) =>
          put(
            JSON.stringify({
              'oslo.version': '2.0',
              'oslo.message': `{"message_id": "${messageId}", "event_type": "wd.watchdog.bark", "payload": ${payload}}`,
            }),
            messageId,
          )
        const fields = `"vm": "v", "action": "reset", "source": "s"`
        // a valid bark of a host 'x' whose payload holds a __proto__ key: recorded, and no object is polluted
        bark(`{"__proto__": {"polluted": true}, "host": "x", ${fields}, "time": "${iso(1)}"}`, 'proto')
        bark(`{"host": "x", ${fields}, "time": "yesterday"}`, 'bad-time')
        bark(
          `{"host": "x", "vm": "${'v'.repeat(300_000)}", "action": "reset", "source": "s", "time": "${iso(1)}"}`,
          'huge',
        )
        bark(`{${fields}, "time": "${iso(1)}"}`, 'no-host')
        await ch.close()
        await conn.close()
        sockets[1]!.bark(9000)
        await until(async () => (await journalOf(fleet)).length === 7, 30, 'the bark behind the hostile messages')
        // the republished barks are read (and dropped) too before the consumer stops
        await new Promise((r) => setTimeout(r, 2000))
        const records = await journalOf(fleet)
        expect(records.map((b) => `${b.host} ${b.time}`).sort()).toEqual(
          [
            ...[0, 1000, 2000].map((s) => `cmp-a ${iso(s)}`),
            ...[0, 5000, 9000].map((s) => `cmp-b ${iso(s)}`),
            `x ${iso(1)}`,
          ].sort(),
        )
        expect(records.filter((b) => b.host !== 'x').every((b) => UUID.test(b.id))).toBe(true)
        expect(({} as Record<string, unknown>).polluted).toBeUndefined()
        expect(said).toMatch(/message binary-1 on notifications\.warn passed: not JSON/)
        expect(said).toMatch(/message bad-time on notifications\.warn passed: bad-time: not a bark/)
        expect(said).toMatch(/message huge on notifications\.warn passed: a message of \d+ bytes/)
        expect(said).toMatch(/message no-host on notifications\.warn passed: .*without message_id, payload or host/)
        expect(said).not.toContain('guest:guest')

        const listed = wd(['events', 'list', '--journal', fleet, '--host', 'cmp-b', '-f', 'json'])
        expect(listed.status).toBe(0)
        expect((JSON.parse(listed.stdout) as {Time: string; Host: string}[]).map((r) => `${r.Host} ${r.Time}`)).toEqual(
          [`cmp-b ${iso(0)}`, `cmp-b ${iso(5000)}`, `cmp-b ${iso(9000)}`],
        )
        expect(readFileSync(prom, 'utf8')).toContain(
          'wd_watchdog_barks_total{host="cmp-a",vm="101",action="reset"} 3\n',
        )
        expect(readFileSync(prom, 'utf8')).toContain(
          'wd_watchdog_barks_total{host="cmp-b",vm="101",action="reset"} 3\n',
        )

        const gone = new Promise((r) => consumer.once('exit', r))
        consumer.kill('SIGTERM')
        await gone
        const result = JSON.parse(out.slice(out.indexOf('{'))) as Record<string, number>
        // 3 + 2 + 1 barks, x's, cmp-a's 3 again; one message of another service; four malformed ones
        expect(result).toEqual({recorded: 7, received: 10, others: 1, bad: 4})
      } finally {
        for (const w of watchers) await stopWatcher(w)
        for (const q of sockets) await q.close()
      }
    },
    180_000,
  )
})
