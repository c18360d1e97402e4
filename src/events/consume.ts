/**
 * Reading the fleet's barks off the bus: one queue of wd's own (so Ceilometer's or anyone's queues keep their copies),
 * bound to the notifications topic's warn and error routing keys on the exchange, declared again after every
 * reconnect (a restarted broker forgets a non-durable exchange and its bindings). A message is acknowledged only once
 * its bark is in the journal (or the journal has it: dedup by message id), so a consumer that dies loses nothing;
 * a message that is no wd bark is acknowledged and passed, one that is malformed is said and passed, and one that
 * cannot be read at all (whatever it holds) is said and rejected to the dead-letter exchange: none is left unsettled.
 */
import type {Channel, ConsumeMessage} from 'amqplib'
import {sleep} from '../backoff.js'
import {clip, oneLine} from '../text/clip.js'
import {exchangeOptions, lost, onBus, queueOptions, shownBus, type BusOptions} from './amqp.js'
import type {Bark} from './bark.js'
import type {ProblemSink} from './journal.js'
import {PRIORITIES, readNotification} from './notification.js'

/** Messages in flight to the journal at once: the journal's fsync per record is the pace. */
const PREFETCH = 256

export interface ConsumeOptions {
  bus: BusOptions
  /** wd's queue on the exchange */
  queue: string
  signal: AbortSignal
  /** Resolves once the bark is in the journal, was there, or could not be written ('failed': redelivered later). */
  onBark: (bark: Bark) => Promise<'recorded' | 'known' | 'failed'>
  onProblem: ProblemSink
}

export interface ConsumeResult {
  /** wd barks read off the bus, duplicates included */
  received: number
  /** other services' notifications on the same routing keys */
  others: number
  /** messages that were neither */
  bad: number
}

export async function consumeBarks(o: ConsumeOptions): Promise<ConsumeResult> {
  const shown = shownBus(o.bus.url)
  const result: ConsumeResult = {received: 0, others: 0, bad: 0}

  const said = (msg: ConsumeMessage, what: string) => {
    const id = typeof msg.properties.messageId === 'string' ? ` ${oneLine(clip(msg.properties.messageId))}` : ''
    o.onProblem(`bus ${shown}: message${id} on ${oneLine(clip(msg.fields.routingKey))} ${what}`)
  }

  /** What becomes of one message: acked (recorded, known, passed or refused), requeued, or dead-lettered. */
  const verdict = async (msg: ConsumeMessage): Promise<'ack' | 'requeue'> => {
    const got = readNotification(msg.content)
    if (got.kind === 'other') result.others++
    if (got.kind === 'bad') {
      result.bad++
      said(msg, `passed: ${got.problem}`)
    }
    if (got.kind !== 'bark') return 'ack'
    result.received++
    const done = await o.onBark(got.bark)
    // a bark the journal could not take goes back to the queue, and comes again a little later
    if (done === 'failed') await sleep(1000, o.signal)
    return done === 'failed' ? 'requeue' : 'ack'
  }

  // Every message ends in exactly one of ack, requeue or nack to the dead-letter exchange (the queue's, if the
  // operator gave it one; else the broker drops it): a message left unsettled would hold a prefetch slot for good,
  // and 256 of them would stop the consumer.
  const handle = async (ch: Channel, msg: ConsumeMessage) => {
    let end: 'ack' | 'requeue' | 'dead'
    try {
      end = await verdict(msg)
    } catch (e) {
      result.bad++
      said(msg, `not read (${oneLine(clip((e as Error).message ?? String(e)))}): rejected to the dead-letter exchange`)
      end = 'dead'
    }
    try {
      if (end === 'ack') ch.ack(msg)
      else ch.nack(msg, false, end === 'requeue')
    } catch {
      // the channel is gone: the broker gives the message to a consumer again, and onBus reconnects
    }
  }

  await onBus(
    o.bus.url,
    o.signal,
    o.onProblem,
    {down: 'trying again', back: `reading ${o.queue} again`},
    async ({conn, ready}) => {
      const ch = await conn.createChannel()
      const broken = lost(conn, ch)
      const stopped = new Promise<void>((done) => o.signal.addEventListener('abort', () => done(), {once: true}))
      const declare = async () => {
        await ch.assertExchange(o.bus.exchange, 'topic', exchangeOptions(o.bus))
        await ch.assertQueue(o.queue, queueOptions(o.bus))
        for (const p of PRIORITIES) await ch.bindQueue(o.queue, o.bus.exchange, `${o.bus.topic}.${p}`)
        await ch.prefetch(PREFETCH)
      }
      await Promise.race([declare(), broken])
      // in arrival order: a burst of one host's barks is journaled in the order it was sent
      let order = Promise.resolve()
      await ch.consume(o.queue, (msg) => {
        if (!msg) return
        order = order.then(() => handle(ch, msg))
      })
      ready()
      try {
        await Promise.race([stopped, broken])
      } finally {
        await order
      }
    },
  )
  return result
}
