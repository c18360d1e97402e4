/** Requests and latencies by route for every answer, and `GET /metrics` in the OpenMetrics format. */
import {createHash, timingSafeEqual} from 'node:crypto'
import type {FastifyInstance, FastifyRequest} from 'fastify'
import fp from 'fastify-plugin'
import {WdError} from '../../errors.js'
import {OPENMETRICS_CONTENT_TYPE, type ServiceMetrics} from '../metrics.js'

declare module 'fastify' {
  interface FastifyInstance {
    metrics: ServiceMetrics
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest()

/** A guard for /metrics when a token is configured: `Authorization: Bearer <token>`, compared in constant time. */
function bearer(token: string, metrics: ServiceMetrics) {
  const want = digest(token)
  return async (req: FastifyRequest) => {
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')
    if (!m || !timingSafeEqual(digest(m[1]!), want)) {
      metrics.authFailure(m ? 'invalid' : 'missing')
      throw new WdError('WD_AUTH', '/metrics needs the metrics token (Authorization: Bearer …)')
    }
  }
}

async function metricsPlugin(
  app: FastifyInstance,
  {metrics, token}: {metrics: ServiceMetrics; token?: string},
): Promise<void> {
  app.decorate('metrics', metrics)
  // the label sets are bounded: routes are the registered ones (or 'unknown'), statuses the few HTTP ones
  app.addHook('onResponse', (req, reply, done) => {
    metrics.request(req.method, req.routeOptions.url ?? 'unknown', reply.statusCode, reply.elapsedTime / 1000)
    done()
  })
  app.get('/metrics', {schema: {hide: true}, onRequest: token ? [bearer(token, metrics)] : []}, async (_req, reply) =>
    reply.type(OPENMETRICS_CONTENT_TYPE).send(metrics.text()),
  )
}

export const metrics = fp(metricsPlugin, {name: 'wd-metrics'})
