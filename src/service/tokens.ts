/**
 * Callers' tokens, validated against Keystone (GET /v3/auth/tokens with the service's own token) and kept in a
 * bounded cache until they expire, or for at most `ttlSeconds`, so a revoked token is refused again within that time.
 */
import {WdError} from '../errors.js'
import type {Connection} from '../openstack/connection.js'
import {tokenFromBody, type Token} from '../openstack/keystone.js'

export interface Principal {
  token: Token
  userId: string
  projectId?: string
  roles: string[]
}

export interface TokenValidator {
  validate(subject: string): Promise<Principal>
}

export function tokenValidator(service: Connection, ttlSeconds = 60, maxEntries = 10000): TokenValidator {
  // insertion order doubles as age: the first key is the oldest entry
  const cache = new Map<string, {principal: Principal; until: number}>()
  return {
    async validate(subject) {
      if (!/^[\w-]{1,1024}$/.test(subject)) throw new WdError('WD_AUTH', 'the token is malformed')
      const now = Date.now()
      const hit = cache.get(subject)
      if (hit && hit.until > now) return hit.principal
      if (hit) cache.delete(subject)
      const res = await service.call('identity', 'GET', '/auth/tokens', {
        headers: {'X-Subject-Token': subject},
        accept: [401, 404],
      })
      if (res.status === 401 || res.status === 404)
        throw new WdError('WD_AUTH', 'the token is invalid, expired or revoked')
      const token = tokenFromBody(subject, res.data as string)
      const expires = token.expiresAt ? Date.parse(token.expiresAt) : now
      const principal: Principal = {
        token,
        userId: token.user?.id ?? '',
        roles: token.roles,
        ...(token.project && {projectId: token.project.id}),
      }
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!)
      cache.set(subject, {principal, until: Math.min(expires, now + ttlSeconds * 1000)})
      return principal
    },
  }
}
