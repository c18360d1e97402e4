/**
 * Issue 22 item 2's last way out: a message whose handling throws (a fault no real journal gives on demand, injected
 * where the consumer hands a bark to its recorder) is rejected to the dead-letter exchange the operator gave wd's
 * queue by a RabbitMQ policy, as the README says to, and the barks sent around it are recorded: nothing is left
 * unsettled. On a real RabbitMQ of its own (test/env/rabbitmq/rabbitmq.sh); WD_SKIP_RABBITMQ=1 opts out.
 */
import {describe, expect} from '@jest/globals'
import {connect} from 'amqplib'
import {consumeBarks} from '../../src/events/consume.js'
import {until} from '../helpers/barks.js'
import {withRabbit} from '../helpers/gates.js'
import {barkNotification, brokerDir, queueExists, rabbitmq, rabbitmqctl} from '../helpers/rabbitmq.js'

const payload = (vm: string) =>
  `{"host": "cmp-a", "vm": "${vm}", "action": "reset", "source": "qmp:/run/${vm}.sock", "time": "2026-12-07T10:00:00Z"}`

describe('events consume: the dead-letter exchange', () => {
  withRabbit(
    "a message whose handling throws is rejected to the queue's dead-letter exchange; the barks around it are recorded",
    async () => {
      const dir = brokerDir()
      // a broker of its own, on a port no other test or bench uses
      const url = rabbitmq('start', dir, 5677)
      // the operator's dead-letter exchange for wd's queue, given as the README says
      rabbitmqctl(
        dir,
        'set_policy',
        'wd-dead',
        '^wd-barks$',
        '{"dead-letter-exchange":"wd-dead"}',
        '--apply-to',
        'queues',
      )
      const conn = await connect(url.replace(/^rabbit:/, 'amqp:'))
      const ch = await conn.createConfirmChannel()
      await ch.assertExchange('wd-dead', 'fanout', {durable: false})
      await ch.assertQueue('dead-letters', {durable: false})
      await ch.bindQueue('dead-letters', 'wd-dead', '')
      const recorded: string[] = []
      const problems: string[] = []
      const stop = new AbortController()
      const consuming = consumeBarks({
        bus: {url, exchange: 'openstack', topic: 'notifications', durable: false},
        queue: 'wd-barks',
        signal: stop.signal,
        onBark: (bark) => {
          if (bark.vm === 'poison') return Promise.reject(new Error('a fault the journal never says'))
          recorded.push(bark.vm)
          return Promise.resolve('recorded')
        },
        onProblem: (p) => problems.push(p),
      })
      try {
        await until(() => queueExists(url, 'wd-barks'), 30, "the consumer's queue")
        for (const vm of ['before', 'poison', 'after'])
          ch.publish('openstack', 'notifications.warn', barkNotification(vm, payload(vm)), {messageId: vm})
        await ch.waitForConfirms()
        await until(async () => (await ch.checkQueue('dead-letters')).messageCount === 1, 30, 'the dead letter')
        await until(() => recorded.length === 2, 30, 'the barks around it')
        stop.abort()
        expect(await consuming).toEqual({received: 3, others: 0, bad: 1})
        expect(recorded).toEqual(['before', 'after'])
        const dead = await ch.get('dead-letters', {noAck: true})
        expect(dead && dead.properties.messageId).toBe('poison')
        expect(dead && (dead.properties.headers?.['x-death'] as unknown[])[0]).toMatchObject({
          reason: 'rejected',
          queue: 'wd-barks',
        })
        expect(problems).toContainEqual(
          expect.stringMatching(
            /message poison on notifications\.warn not read \(a fault the journal never says\): rejected to the dead-letter exchange$/,
          ),
        )
        // nothing left unsettled: wd's queue is empty once the consumer is gone
        expect((await ch.checkQueue('wd-barks')).messageCount).toBe(0)
      } finally {
        // a failed wait must not leave the consumer holding the test open
        stop.abort()
        await consuming.catch(() => undefined)
        await conn.close()
      }
    },
    120_000,
  )
})
