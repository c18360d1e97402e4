/** `GET /v1/flavors/{id}/watchdog` and `GET /v1/images/{id}/watchdog`: the targets' states, with the caller's token. */
import type {FastifyInstance} from 'fastify'
import {showWatchdog} from '../../operations/target.js'
import {flavorTarget} from '../../operations/targets/flavor.js'
import {imageTarget} from '../../operations/targets/image.js'
import * as s from '../schemas.js'

export async function lookupRoutes(app: FastifyInstance): Promise<void> {
  app.get<{Params: {id: string}}>(
    '/v1/flavors/:id/watchdog',
    {schema: s.lookup('flavor'), onRequest: app.guard('read')},
    async (req) => showWatchdog(flavorTarget(app.asCaller(req)), req.params.id),
  )
  app.get<{Params: {id: string}}>(
    '/v1/images/:id/watchdog',
    {schema: s.lookup('image'), onRequest: app.guard('read')},
    async (req) => showWatchdog(imageTarget(app.asCaller(req)), req.params.id),
  )
}
