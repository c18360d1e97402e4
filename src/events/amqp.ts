/**
 * Reaching the cloud's RabbitMQ the way its services do. The address is oslo.messaging's `transport_url` as it stands
 * in nova.conf (`rabbit://user:pass@host1:5672,user:pass@host2:5672/vhost`, several brokers of a cluster tried in
 * turn) or a plain `amqp://` / `amqps://` URL. The exchange, its durability and the default queue a notifier
 * declares are oslo's: a topic exchange (`openstack` unless the operator names another), durable only when the cloud
 * sets `amqp_durable_queues`, and a queue named by the routing key, so a notification sent before any consumer
 * exists waits for one (impl_rabbit `_publish_and_creates_default_queue`). The AMQP client is amqplib.
 */
import {connect, type ChannelModel, type Options} from 'amqplib'
import {WdError} from '../errors.js'
import {brokers, type BusOptions} from './bus-address.js'

export {shownBus, type BusOptions} from './bus-address.js'
const CONNECT_TIMEOUT_MS = 5000

/** A connection to the first broker that answers; the error says each one's answer (never a password). */
export async function openConnection(url: string): Promise<ChannelModel> {
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
export function declarationHint(e: Error): string | undefined {
  return /PRECONDITION_FAILED/.test(e.message)
    ? 'the cloud declares its exchange and queues otherwise: match [oslo_messaging_rabbit] amqp_durable_queues with --amqp-durable'
    : undefined
}
