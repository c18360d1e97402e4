/** Putting the service together from its configuration: policy, Keystone connection, token cache, TLS, listening. */
import type {FastifyInstance} from 'fastify'
import {readFileSync} from 'node:fs'
import {WdError} from '../errors.js'
import {connect} from '../openstack/connection.js'
import {httpClient} from '../openstack/http.js'
import {loadPolicy} from '../policy/load.js'
import {readInput} from '../source/read.js'
import {buildApp} from './app.js'
import type {ServiceConfig} from './config.js'
import {tokenValidator} from './tokens.js'

export async function startService(
  config: ServiceConfig,
  version: string,
): Promise<{app: FastifyInstance; url: string}> {
  const policy = config.policy
    ? await readInput(config.policy, 1024 * 1024).then((i) => loadPolicy(i.text, i.name))
    : undefined
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
  })
  const url = await app.listen({host: config.host, port: config.port})
  return {app, url}
}
