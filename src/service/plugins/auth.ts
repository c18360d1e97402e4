/**
 * Who is asking: every /v1 route names what it needs (`read`, or `anyProject` for Nova's service user), and the
 * guard checks the caller's Keystone token and roles before the route runs. Without a configured cloud there is
 * nobody to ask, and nothing live: the guard lets inline requests through and `asCaller` refuses.
 */
import type {FastifyInstance, FastifyRequest} from 'fastify'
import fp from 'fastify-plugin'
import {WdError, isWdError} from '../../errors.js'
import type {CloudConfig} from '../../openstack/cloud-config.js'
import {connect, type Connection} from '../../openstack/connection.js'
import type {HttpClient} from '../../openstack/http.js'
import {DEFAULT_ACCESS, type Policy} from '../../policy/policy.js'
import type {ServiceMetrics} from '../metrics.js'
import type {Principal, TokenValidator} from '../tokens.js'

export interface Keystone {
  config: CloudConfig
  /** shared by the connections made with callers' tokens */
  http: HttpClient
  /** the service's own connection */
  service: Connection
  validator: TokenValidator
}

type Need = 'read' | 'anyProject'

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal
  }
  interface FastifyInstance {
    /** the onRequest hooks that check the caller's token and roles: none when there is no cloud to ask */
    guard(need: Need): ((req: FastifyRequest) => Promise<void>)[]
    /** the cloud as the caller sees it: their own token, their own project's view */
    asCaller(req: FastifyRequest): Connection
  }
}

interface AuthOptions {
  keystone?: Keystone
  policy?: Policy
  metrics: ServiceMetrics
}

async function auth(app: FastifyInstance, {keystone, policy, metrics}: AuthOptions): Promise<void> {
  app.decorateRequest('principal', undefined)
  app.decorate('guard', (need: Need) => (keystone ? [async (req: FastifyRequest) => check(keystone, need, req)] : []))
  async function check(keystone: Keystone, need: Need, req: FastifyRequest): Promise<void> {
    const subject = req.headers['x-auth-token']
    if (typeof subject !== 'string' || subject === '') {
      metrics.authFailure('missing')
      throw new WdError('WD_AUTH', 'an X-Auth-Token header is needed')
    }
    try {
      req.principal = await keystone.validator.validate(subject)
    } catch (e) {
      if (isWdError(e) && e.code === 'WD_AUTH') metrics.authFailure('invalid')
      throw e
    }
    const access = policy?.access ?? DEFAULT_ACCESS
    const roles = need === 'read' ? access.read : access.anyProject
    if (roles && !roles.some((r) => req.principal!.roles.includes(r))) {
      metrics.authFailure('forbidden')
      throw new WdError('WD_FORBIDDEN', `this needs one of the roles: ${roles.join(', ')}`, {
        hint: `the token has: ${req.principal.roles.join(', ') || 'no roles'}`,
      })
    }
  }
  app.decorate('asCaller', (req: FastifyRequest): Connection => {
    if (!keystone) throw new WdError('WD_USAGE', 'this service has no cloud configured: only inline input is answered')
    return connect(keystone.config, keystone.http, req.principal!.token)
  })
}

export const authPlugin = fp(auth, {name: 'wd-auth'})
