/** The `wd serve` configuration file (schemas/service-config.schema.json), as plain settings. */
import {normalize, type CloudConfig} from '../openstack/cloud-config.js'
import {loadConfigDocument} from '../source/config-document.js'
import {DEFAULT_BODY_LIMIT} from '../limits.js'
import {WdError} from '../errors.js'
import {DEFAULT_GUEST_HALF, type GuestHalfOptions} from '../render/guest-half.js'
import type {Feeder} from '../vocab/guest.js'

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
  /** seconds between two audits of the cloud; undefined: no audit */
  auditIntervalSeconds?: number
  /** the bearer token GET /metrics needs; undefined: none */
  metricsToken?: string
  /** what the vendordata's guest half sets up in the guest */
  guest: GuestHalfOptions
}

interface File {
  listen?: {host?: string; port?: number}
  tls?: {cert: string; key: string}
  keystone?: Record<string, unknown>
  tokenCache?: {seconds?: number; entries?: number}
  policy?: string
  bodyLimit?: number
  logLevel?: string
  audit?: {interval?: number}
  metrics?: {token?: string; public?: boolean}
  guest?: {timeout?: number; feeder?: Feeder}
}

const DEFAULT_PORT = 8787
/** Fifteen minutes: a cloud's coverage changes with boots and image edits, not by the second. */
const DEFAULT_AUDIT_INTERVAL = 900

export function serviceConfig(text: string | undefined, name = 'service config'): ServiceConfig {
  const f = (text === undefined ? {} : loadConfigDocument(text, name, 'service-config')) as File
  if (f.audit && !f.keystone) {
    throw new WdError('WD_CONFIG', `${name}: audit needs the service's own credentials (keystone)`, {
      hint: 'add a keystone section with an admin account, or remove audit',
    })
  }
  // the audit's gauges name every project and count its servers: not for whoever reaches the port, unless said
  if (f.audit && f.metrics?.token === undefined && f.metrics?.public !== true) {
    throw new WdError('WD_CONFIG', `${name}: with audit, /metrics shows every project's name and servers`, {
      hint: 'give metrics: {token: …} (Prometheus sends it as Authorization: Bearer), or metrics: {public: true}',
    })
  }
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
    ...(f.audit && {auditIntervalSeconds: f.audit.interval ?? DEFAULT_AUDIT_INTERVAL}),
    ...(f.metrics?.token !== undefined && {metricsToken: f.metrics.token}),
    guest: {
      timeout: f.guest?.timeout ?? DEFAULT_GUEST_HALF.timeout,
      feeder: f.guest?.feeder ?? DEFAULT_GUEST_HALF.feeder,
    },
  }
}
