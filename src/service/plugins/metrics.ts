/** Requests and latencies by route for every answer, and `GET /metrics` in Prometheus' text format. */
import type {FastifyInstance} from 'fastify'
import fp from 'fastify-plugin'
import type {ServiceMetrics} from '../metrics.js'

declare module 'fastify' {
  interface FastifyInstance {
    metrics: ServiceMetrics
  }
}

async function metricsPlugin(app: FastifyInstance, {metrics}: {metrics: ServiceMetrics}): Promise<void> {
  app.decorate('metrics', metrics)
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unknown'
    metrics.requests.inc({method: req.method, route, status: reply.statusCode})
    metrics.latency.observe({method: req.method, route}, reply.elapsedTime / 1000)
  })
  app.get('/metrics', {schema: {hide: true}}, async (_req, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  )
}

export const metrics = fp(metricsPlugin, {name: 'wd-metrics'})
