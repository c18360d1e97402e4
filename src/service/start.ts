/** Putting the service together from its configuration: policy, Keystone connection, token cache, TLS, listening. */
import type {FastifyInstance} from 'fastify'
import {readFileSync} from 'node:fs'
import {WdError} from '../errors.js'
import {connect} from '../openstack/connection.js'
import {httpClient} from '../openstack/http.js'
import {readPolicyFile} from '../operations/policy-file.js'
import type {Policy} from '../policy/policy.js'
import {buildApp} from './app.js'
import type {ServiceConfig} from './config.js'
import {tokenValidator} from './tokens.js'

/** The policy the configuration names, read and checked (undefined without one). */
export async function loadServicePolicy(config: ServiceConfig): Promise<Policy | undefined> {
  if (!config.policy) return undefined
  return readPolicyFile(config.policy)
}

export async function startService(
  config: ServiceConfig,
  version: string,
): Promise<{app: FastifyInstance; url: string}> {
  const policy = await loadServicePolicy(config)
  let keystone
  if (config.keystone) {
    const http = httpClient(config.keystone)
    const service = connect(config.keystone, http)
    const validator = tokenValidator(service, config.tokenCacheSeconds, config.tokenCacheEntries)
    keystone = {config: config.keystone, http, service, validator}
  }
  let https
  if (config.tls) {
    try {
      https = {cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key)}
    } catch (e) {
      throw new WdError('WD_CONFIG', `tls: ${(e as Error).message}`)
    }
  }
  const app = await buildApp({
    version,
    ...(policy && {policy}),
    ...(keystone && {keystone}),
    bodyLimit: config.bodyLimit,
    logger: config.logLevel === 'silent' ? false : {level: config.logLevel},
    ...(https && {https}),
    ...(config.auditIntervalSeconds !== undefined && {auditIntervalSeconds: config.auditIntervalSeconds}),
    ...(config.metricsToken !== undefined && {metricsToken: config.metricsToken}),
    guest: config.guest,
  })
  const url = await app.listen({host: config.host, port: config.port})
  return {app, url}
}
