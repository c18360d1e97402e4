/** Requests and latencies by route for every answer, and `GET /metrics` in Prometheus' text format. */
import {createHash, timingSafeEqual} from 'node:crypto'
import type {FastifyInstance, FastifyRequest} from 'fastify'
import fp from 'fastify-plugin'
import {WdError} from '../../errors.js'
import type {Counter, Histogram} from 'prom-client'
import type {ServiceMetrics} from '../metrics.js'

declare module 'fastify' {
  interface FastifyInstance {
    metrics: ServiceMetrics
  }
}

/**
 * The labelled children of a metric, made once per label set: prom-client hashes the labels on every `inc` and
 * `observe` otherwise, and that (with an async hook's promise) was a fifth of a bare route's throughput.
 */
function children<T>(make: (...labels: string[]) => T): (...labels: string[]) => T {
  const made = new Map<string, T>()
  return (...labels) => {
    const key = labels.join('\u0000')
    let child = made.get(key)
    if (child === undefined) made.set(key, (child = make(...labels)))
    return child
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest()

/** A guard for /metrics when a token is configured: `Authorization: Bearer <token>`, compared in constant time. */
function bearer(token: string, metrics: ServiceMetrics) {
  const want = digest(token)
  return async (req: FastifyRequest) => {
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')
    if (!m || !timingSafeEqual(digest(m[1]!), want)) {
      metrics.authFailures.inc({reason: m ? 'invalid' : 'missing'})
      throw new WdError('WD_AUTH', '/metrics needs the metrics token (Authorization: Bearer …)')
    }
  }
}

async function metricsPlugin(
  app: FastifyInstance,
  {metrics, token}: {metrics: ServiceMetrics; token?: string},
): Promise<void> {
  app.decorate('metrics', metrics)
  const requests = children((...l) => (metrics.requests as Counter<string>).labels(...l))
  const latency = children((...l) => (metrics.latency as Histogram<string>).labels(...l))
  // the label sets are bounded: routes are the registered ones (or 'unknown'), statuses the few HTTP ones
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unknown'
    requests(req.method, route, String(reply.statusCode)).inc()
    latency(req.method, route).observe(reply.elapsedTime / 1000)
    done()
  })
  app.get('/metrics', {schema: {hide: true}, onRequest: token ? [bearer(token, metrics)] : []}, async (_req, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  )
}

export const metrics = fp(metricsPlugin, {name: 'wd-metrics'})
