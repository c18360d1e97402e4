/** The `wd serve` configuration file (schemas/service-config.schema.json), as plain settings. */
import {normalize, type CloudConfig} from '../openstack/cloud-config.js'
import {loadConfigDocument} from '../source/config-document.js'
import {DEFAULT_BODY_LIMIT} from '../limits.js'

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

const DEFAULT_PORT = 8787

export function serviceConfig(text: string | undefined, name = 'service config'): ServiceConfig {
  const f = (text === undefined ? {} : loadConfigDocument(text, name, 'service-config')) as File
  return {
    host: f.listen?.host ?? '127.0.0.1',
    port: f.listen?.port ?? DEFAULT_PORT,
    ...(f.tls && {tls: f.tls}),
    ...(f.keystone && {keystone: normalize('keystone', f.keystone)}),
    tokenCacheSeconds: f.tokenCache?.seconds ?? 60,
    tokenCacheEntries: f.tokenCache?.entries ?? 10000,
    ...(f.policy && {policy: f.policy}),
    bodyLimit: f.bodyLimit ?? DEFAULT_BODY_LIMIT,
    logLevel: f.logLevel ?? 'info',
  }
}
