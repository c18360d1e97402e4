/** The flags naming where on the OpenStack message bus barks go (watch --notify) and come from (consume --amqp). */
import {Flags} from '@oclif/core'
import {brokers, DEFAULT_EXCHANGE, DEFAULT_TOPIC, type BusOptions} from '../../src/events/bus-address.js'

const bus = (description: string) => ({description, helpGroup: 'BUS'})

export const busFlags = {
  exchange: Flags.string({
    ...bus("The exchange: the cloud's [DEFAULT] control_exchange."),
    helpValue: 'NAME',
    default: DEFAULT_EXCHANGE,
  }),
  topic: Flags.string({
    ...bus(
      'The notifications topic: [oslo_messaging_notifications] topics. Barks go to TOPIC.warn, loops to TOPIC.error.',
    ),
    default: DEFAULT_TOPIC,
    helpValue: 'TOPIC',
  }),
  'amqp-durable': Flags.boolean({
    ...bus(
      'Declare the exchange and queues durable, as a cloud with [oslo_messaging_rabbit] amqp_durable_queues does.',
    ),
    // amqplib declares durable unless told false
    default: false,
  }),
}

/** The bus the flags name; an address that is none is refused before anything is opened. */
export function busOptions(url: string, f: {exchange: string; topic: string; 'amqp-durable': boolean}): BusOptions {
  brokers(url)
  return {url, exchange: f.exchange, topic: f.topic, durable: f['amqp-durable']}
}
