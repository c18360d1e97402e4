/** The `wd serve` configuration file (schemas/service-config.schema.json), as plain settings. */
import {WdError} from '../errors.js'
import {normalize, type CloudConfig} from '../openstack/cloud-config.js'
import {schemaProblems} from '../schema/problems.js'
import {validator} from '../schema/validator.js'
import {parseSource} from '../source/yaml-source.js'

export interface ServiceConfig {
  host: string
  port: number
  tls?: {cert: string; key: string}
  keystone?: CloudConfig
  tokenCacheSeconds: number
  tokenCacheEntries: number
  policy?: string
  bodyLimit: number
  logLevel: string
}

interface File {
  listen?: {host?: string; port?: number}
  tls?: {cert: string; key: string}
  keystone?: Record<string, unknown>
  tokenCache?: {seconds?: number; entries?: number}
  policy?: string
  bodyLimit?: number
  logLevel?: string
}

export const DEFAULT_PORT = 8787

export function serviceConfig(text: string | undefined, name = 'service config'): ServiceConfig {
  let f: File = {}
  if (text !== undefined) {
    const source = parseSource(text, name)
    const syntax = source.problems[0]
    if (syntax) throw new WdError('WD_CONFIG', syntax.message, {location: syntax.position})
    const data = source.data[0] ?? {}
    const validate = validator('service-config')
    if (!validate(data)) {
      const [p] = schemaProblems(validate.errors)
      throw new WdError('WD_CONFIG', p!.message, {location: source.locate(0, p!.path, p!.on)})
    }
    f = data
  }
  return {
    host: f.listen?.host ?? '127.0.0.1',
    port: f.listen?.port ?? DEFAULT_PORT,
    ...(f.tls && {tls: f.tls}),
    ...(f.keystone && {keystone: normalize('keystone', f.keystone)}),
    tokenCacheSeconds: f.tokenCache?.seconds ?? 60,
    tokenCacheEntries: f.tokenCache?.entries ?? 10000,
    ...(f.policy && {policy: f.policy}),
    bodyLimit: f.bodyLimit ?? 1024 * 1024,
    logLevel: f.logLevel ?? 'info',
  }
}
