/** `POST /v1/resolve`: the application layer's resolveRequest, the same value `wd resolve --json` gives. */
import type {FastifyInstance} from 'fastify'
import {resolveRequest, type ResolutionResult} from '../../operations/resolution.js'
import type {Policy} from '../../policy/policy.js'
import * as s from '../schemas.js'

export const countResolution = (app: FastifyInstance, r: Pick<ResolutionResult, 'valid' | 'device'>) =>
  app.metrics.resolution(r.valid ? (r.device?.action ?? 'disabled') : 'invalid')

export async function resolveRoutes(app: FastifyInstance, {policy}: {policy?: Policy}): Promise<void> {
  app.post<{Body: s.ResolveBody}>('/v1/resolve', {schema: s.resolve, onRequest: app.guard('read')}, async (req) => {
    const result = await resolveRequest(req.body, {...(policy && {policy}), connection: () => app.asCaller(req)})
    countResolution(app, result)
    return result
  })
}
