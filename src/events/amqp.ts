/**
 * Reaching the cloud's RabbitMQ the way its services do. The address is oslo.messaging's `transport_url` as it stands
 * in nova.conf (`rabbit://user:pass@host1:5672,user:pass@host2:5672/vhost`, several brokers of a cluster tried in
 * turn) or a plain `amqp://` / `amqps://` URL. The exchange, its durability and the default queue a notifier
 * declares are oslo's: a topic exchange (`openstack` unless the operator names another), durable only when the cloud
 * sets `amqp_durable_queues`, and a queue named by the routing key, so a notification sent before any consumer
 * exists waits for one (impl_rabbit `_publish_and_creates_default_queue`). The AMQP client is amqplib.
 */
import {connect, type Channel, type ChannelModel, type Options} from 'amqplib'
import {Backoff, sleep} from '../backoff.js'
import {WdError} from '../errors.js'
import {oneLine} from '../text/clip.js'
import {brokers, shownBus, type BusOptions} from './bus-address.js'
import type {ProblemSink} from './journal.js'

export {shownBus, type BusOptions} from './bus-address.js'
const CONNECT_TIMEOUT_MS = 5000

/** A connection to the first broker that answers; the error says each one's answer (never a password). */
async function openConnection(url: string): Promise<ChannelModel> {
  const said: string[] = []
  for (const b of brokers(url)) {
    try {
      return await connect(b.options, {timeout: CONNECT_TIMEOUT_MS, clientProperties: {connection_name: 'wd'}})
    } catch (e) {
      said.push(`${b.shown}: ${(e as Error).message}`)
    }
  }
  throw new WdError('WD_UNREACHABLE', `the bus did not answer: ${said.join('; ')}`)
}

/** The exchange, as oslo's notifier declares it. */
export const exchangeOptions = (bus: BusOptions): Options.AssertExchange => ({
  durable: bus.durable,
  autoDelete: false,
})

/** A queue, as oslo declares the notification queues (no arguments: an HA or quorum cloud declares them itself). */
export const queueOptions = (bus: BusOptions): Options.AssertQueue => ({durable: bus.durable, autoDelete: false})

/** Why the broker refused a declaration, and what to do, when it is the durability a cloud chose. */
function declarationHint(e: Error): string | undefined {
  return /PRECONDITION_FAILED/.test(e.message)
    ? 'the cloud declares its exchange and queues otherwise: match [oslo_messaging_rabbit] amqp_durable_queues with --amqp-durable'
    : undefined
}

/** Rejects when the channel or its connection ends; the broker's own words (a refused declaration) when it said any. */
export function lost(conn: ChannelModel, ch: Channel): Promise<never> {
  const ended = new Promise<never>((_, fail) => {
    for (const emitter of [conn, ch]) {
      emitter.on('error', (e: Error) => fail(e))
      emitter.on('close', () => fail(new Error(emitter === conn ? 'the connection closed' : 'the channel closed')))
    }
  })
  ended.catch(() => undefined)
  return ended
}

export interface BusSession {
  conn: ChannelModel
  /** the session is set up: an outage, if one was said, is over */
  ready: () => void
}

/**
 * Runs `session` on a connection to the bus, again after every loss (the shared backoff between attempts), until
 * `signal` aborts; an outage is said once, in `down`'s words, and its end once, in `back`'s. The session ends by
 * returning (stopped) or by throwing (the connection or channel was lost).
 */
export async function onBus(
  url: string,
  signal: AbortSignal,
  onProblem: ProblemSink,
  words: {down: string; back: string},
  session: (s: BusSession) => Promise<void>,
): Promise<void> {
  const shown = shownBus(url)
  const backoff = new Backoff(500, 15000)
  let outage: string | undefined
  while (!signal.aborted) {
    let conn: ChannelModel | undefined
    try {
      conn = await openConnection(url)
      await session({
        conn,
        ready: () => {
          if (outage) onProblem(`bus ${shown}: back; ${words.back}`)
          outage = undefined
          backoff.reset()
        },
      })
    } catch (e) {
      const hint = declarationHint(e as Error)
      const said = oneLine((e as Error).message) + (hint ? ` (${hint})` : '')
      if (said !== outage && !signal.aborted) onProblem(`bus ${shown}: ${said}; ${words.down}`)
      outage = said
    } finally {
      await conn?.close().catch(() => undefined)
    }
    if (!signal.aborted) await sleep(backoff.next(), signal)
  }
}
