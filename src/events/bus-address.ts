/**
 * Where on the bus barks go, without the AMQP client (a command checks its flags without loading amqplib). The
 * address is oslo.messaging's `transport_url` as it stands in nova.conf
 * (`rabbit://user:pass@host1:5672,user:pass@host2:5672/vhost`, the brokers of a cluster, tried in turn) or a plain
 * `amqp://` / `amqps://` URL. It holds a password: it is shown only as `shownBus` gives it.
 */
import type {Options} from 'amqplib'
import {WdError} from '../errors.js'

export interface BusOptions {
  /** transport_url or amqp(s) URL; it holds a password: never shown whole */
  url: string
  exchange: string
  topic: string
  /** oslo's amqp_durable_queues: the exchange and queues must be declared as the cloud's services declare them */
  durable: boolean
}

/** oslo.messaging's defaults: `[DEFAULT] control_exchange` and `[oslo_messaging_notifications] topics`. */
export const DEFAULT_EXCHANGE = 'openstack'
export const DEFAULT_TOPIC = 'notifications'

/** A dead broker behind a half-open connection is noticed within two heartbeats. */
const HEARTBEAT_SECONDS = 15

export interface Broker {
  options: Options.Connect
  /** how it may be shown: no user, no password */
  shown: string
}

/**
 * A `%`-escaped part of the URL, decoded; a bad escape is a usage error that says where it is (the URL holds a
 * password: its text is never quoted).
 */
function decoded(url: string, part: string, from = 0): string {
  try {
    return decodeURIComponent(part)
  } catch {
    const bad = /%(?![0-9a-f]{2})|(?:%[0-9a-f]{2})+/i.exec(part)
    const start = url.indexOf(part, from)
    const where = start < 0 ? '' : ` at character ${start + (bad?.index ?? 0) + 1}`
    throw new WdError('WD_USAGE', `the bus URL has a bad % escape${where}`, {
      hint: 'write a % in a user name or password as %25, and other bytes as %XX of their UTF-8',
    })
  }
}

/** The brokers a transport_url names, in order; WD_USAGE for one that is not such a URL. */
export function brokers(url: string): Broker[] {
  const m = /^(rabbit|amqp|amqps):\/\/([^/?#]*)(\/[^?#]*)?(\?[^#]*)?$/.exec(url)
  if (!m) {
    throw new WdError('WD_USAGE', 'the bus is not an amqp:// or rabbit:// URL', {
      hint: 'give the transport_url of nova.conf, e.g. rabbit://user:pass@controller:5672/, or amqp://…',
    })
  }
  const [, scheme, hosts, path, query] = m
  const tls = scheme === 'amqps' || /[?&]ssl=(1|true)\b/i.test(query ?? '')
  const vhost = decoded(url, (path ?? '/').slice(1), scheme!.length + 3 + hosts!.length) || '/'
  return hosts!.split(',').map((entry) => {
    let u: URL
    try {
      u = new URL(`amqp://${entry}`)
      if (!u.hostname) throw new Error('no host')
    } catch {
      throw new WdError('WD_USAGE', 'a broker of the bus URL is not user:password@host:port')
    }
    const port = Number(u.port || (tls ? 5671 : 5672))
    return {
      options: {
        protocol: tls ? 'amqps' : 'amqp',
        hostname: u.hostname.replace(/^\[|\]$/g, ''),
        port,
        username: decoded(url, u.username || 'guest', scheme!.length + 3),
        password: decoded(url, u.password || 'guest', scheme!.length + 3),
        vhost,
        heartbeat: HEARTBEAT_SECONDS,
      },
      shown: `${tls ? 'amqps' : 'amqp'}://${u.host}/${vhost === '/' ? '' : encodeURIComponent(vhost)}`,
    }
  })
}

/** The bus as it may be shown in a message or a log: its brokers without credentials. */
export const shownBus = (url: string): string =>
  brokers(url)
    .map((b) => b.shown)
    .join(',')
