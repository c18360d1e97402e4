/** The routes a load balancer and an operator use: liveness, readiness (Keystone reachable), the OpenAPI document. */
import type {FastifyInstance} from 'fastify'
import {isWdError} from '../../errors.js'
import type {Connection} from '../../openstack/connection.js'

export async function healthRoutes(app: FastifyInstance, {service}: {service?: Connection}): Promise<void> {
  app.get('/v1/openapi.json', {schema: {hide: true}}, async () => app.swagger())
  app.get('/healthz', {schema: {hide: true}}, async () => ({status: 'ok'}))
  app.get('/readyz', {schema: {hide: true}}, async (_req, reply) => {
    if (!service) return {status: 'ok', keystone: 'not configured'}
    try {
      await service.call('identity', 'GET', '')
      return {status: 'ok', keystone: 'reachable'}
    } catch (e) {
      return reply.code(503).send({status: 'unavailable', keystone: isWdError(e) ? e.message : 'unreachable'})
    }
  })
}
