/**
 * `wd events consume` against what anyone with a login on the bus can publish, on a real RabbitMQ of its own
 * (test/env/rabbitmq/rabbitmq.sh): messages that cannot be read at all must not stop the consumer (issue 22 item 2),
 * an impossible time is no bark, and a message sent under a recorded bark's id with other content is said, not
 * dropped unseen (item 14). WD_SKIP_RABBITMQ=1 opts out.
 */
import {describe, expect} from '@jest/globals'
import {spawn} from 'node:child_process'
import {join} from 'node:path'
import {connect} from 'amqplib'
import {journalOf, until} from '../helpers/barks.js'
import {root} from '../helpers/cli.js'
import {owned, tempDir, withRabbit} from '../helpers/gates.js'
import {barkNotification as notification, brokerDir, queueExists, rabbitmq} from '../helpers/rabbitmq.js'

const T0 = 1795320000
const iso = (s: number) => new Date((T0 + s) * 1000).toISOString()

const bark = (host: string, vm: string, s: number) =>
  `{"host": "${host}", "vm": "${vm}", "action": "reset", "source": "qmp:/run/${vm}.sock", "time": "${iso(s)}"}`

/** The payload of the issue: `vm` nested 100,000 arrays deep (~200 KB), under the 256 KiB bound. */
const DEEP = `{"host": "x", "vm": ${'['.repeat(100_000)}${']'.repeat(100_000)}, "action": "reset", "source": "s", "time": "${iso(0)}"}`

describe('events consume: hostile messages on a real RabbitMQ', () => {
  withRabbit(
    'item 2: 300 messages nested 100,000 deep (more than the prefetch window), then barks: every bark is recorded; ' +
      'item 14: an impossible time is passed, another bark under a recorded id is said',
    async () => {
      const dir = tempDir('wd-consume-hostile-')
      // a broker of its own, on a port no other test or bench uses (5673, 5674: events-notify; 5675: bench/barks-bus.mjs)
      const url = rabbitmq('start', brokerDir(), 5676)
      const fleet = join(dir, 'fleet.jsonl')
      const consumer = owned(
        spawn(process.execPath, [join(root, 'bin/run.js'), 'events', 'consume', '--journal', fleet, '--json'], {
          env: {...process.env, NODE_OPTIONS: '', WD_TRANSPORT_URL: url},
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      )
      let out = ''
      let said = ''
      consumer.stdout.on('data', (d: Buffer) => (out += String(d)))
      consumer.stderr.on('data', (d: Buffer) => (said += String(d)))
      await until(() => queueExists(url, 'wd-barks'), 30, "the consumer's queue")
      const conn = await connect(url.replace(/^rabbit:/, 'amqp:'))
      const ch = await conn.createConfirmChannel()
      const put = (body: Buffer, messageId: string) => ch.publish('openstack', 'notifications.warn', body, {messageId})
      for (let i = 0; i < 300; i++) put(notification(`deep-${i}`, DEEP), `deep-${i}`)
      put(notification('impossible-time', bark('x', 'v', 0).replace(iso(0), '2026-99-99T99:99:99Z')), 'impossible-time')
      for (let i = 0; i < 20; i++) put(notification(`real-${i}`, bark('cmp-a', `vm-${i}`, i)), `real-${i}`)
      // a forgery under real-0's id: other VM, other time
      put(notification('real-0', bark('cmp-a', 'vm-forged', 999)), 'real-0')
      // and a copy of real-1, as a watcher that publishes again sends it: the same bark, said nowhere
      put(notification('real-1', bark('cmp-a', 'vm-1', 1)), 'real-1')
      await ch.waitForConfirms()
      await conn.close()
      try {
        await until(async () => (await journalOf(fleet)).length === 20, 90, 'the 20 barks behind the flood')
        await until(() => /real-0/.test(said), 30, 'the forged duplicate said')
      } finally {
        const gone = new Promise((r) => consumer.once('exit', r))
        consumer.kill('SIGTERM')
        await gone
      }
      const records = await journalOf(fleet)
      expect(records.map((b) => b.vm).sort()).toEqual(Array.from({length: 20}, (_, i) => `vm-${i}`).sort())
      expect(records.find((b) => b.id === 'real-0')).toMatchObject({vm: 'vm-0', time: iso(0)})
      expect(said).toMatch(/message deep-0 on notifications\.warn passed: deep-0: not a bark/)
      expect(said).toMatch(/message impossible-time on notifications\.warn passed: .*no real time/)
      expect(said).toMatch(/bark real-0 from cmp-a: not recorded: the journal holds a different bark under this id/)
      expect(said).not.toMatch(/bark real-1 from/)
      const result = JSON.parse(out.slice(out.indexOf('{'))) as Record<string, number>
      expect(result).toEqual({recorded: 20, received: 22, others: 0, bad: 301})
    },
    240_000,
  )
})
