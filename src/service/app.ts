/**
 * The policy service: the same application layer as the CLI (src/operations) behind a small versioned HTTP API,
 * put together from plugins: errors, JSON bodies, metrics, auth, then one plugin per route group. Stateless (token
 * cache aside), so several instances behind a load balancer scale it out. Every /v1 call needs a Keystone token
 * when a cloud is configured; without one it answers inline /v1/resolve and /v1/validate only.
 */
import swagger from '@fastify/swagger'
import Fastify, {type FastifyInstance} from 'fastify'
import {DEFAULT_BODY_LIMIT} from '../limits.js'
import type {Policy} from '../policy/policy.js'
import type {GuestHalfOptions} from '../render/guest-half.js'
import {serviceMetrics} from './metrics.js'
import {withPublishedSchemas} from './openapi.js'
import {audit} from './plugins/audit.js'
import {authPlugin, type Keystone} from './plugins/auth.js'
import {clientErrorHandler, errorsPlugin} from './plugins/errors.js'
import {jsonBodyPlugin} from './plugins/json-body.js'
import {metrics} from './plugins/metrics.js'
import {healthRoutes} from './routes/health.js'
import {lookupRoutes} from './routes/lookups.js'
import {resolveRoutes} from './routes/resolve.js'
import {validateRoutes} from './routes/validate.js'
import {vendordataRoutes} from './routes/vendordata.js'

export interface ServiceOptions {
  version: string
  policy?: Policy
  keystone?: Keystone
  bodyLimit?: number
  logger?: boolean | {level: string}
  https?: {cert: Buffer; key: Buffer}
  /** audit the cloud with the service's own credentials every this many seconds (needs keystone) */
  auditIntervalSeconds?: number
  /** what the vendordata's guest half sets up in the guest (default: systemd feeds a 30 s watchdog) */
  guest?: GuestHalfOptions
  /** the bearer token GET /metrics needs (none: open) */
  metricsToken?: string
}

export async function buildApp(options: ServiceOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.https && {https: options.https}),
    clientErrorHandler,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // fastify's defaults would drop unknown keys and turn 5 into "5": a request that is wrong is refused instead
    ajv: {customOptions: {removeAdditional: false, coerceTypes: false, allErrors: true}},
    logger:
      options.logger === false || options.logger === undefined
        ? false
        : {
            ...(typeof options.logger === 'object' ? options.logger : {}),
            // tokens never reach a log line
            redact: ['req.headers["x-auth-token"]', 'req.headers["x-subject-token"]', 'req.headers.authorization'],
          },
  })
  const {keystone, policy} = options
  const service = keystone?.service
  // Every answer is a value of a published schema (the tests check each against it), so the route schemas only
  // document: JSON.stringify writes the value as it is, faster than a serializer compiled from a schema that gives
  // no types (measured: the compiled one cost POST /v1/resolve several µs per request).
  app.setSerializerCompiler(() => (data) => JSON.stringify(data))
  await app.register(errorsPlugin)
  await app.register(jsonBodyPlugin)
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {title: 'wd policy service', version: options.version, description: 'KVM watchdog resolution and policy'},
      components: {securitySchemes: {keystone: {type: 'apiKey', in: 'header', name: 'X-Auth-Token'}}},
    },
    transformObject: (d) =>
      withPublishedSchemas(('openapiObject' in d ? d.openapiObject : d.swaggerObject) as Record<string, unknown>),
  })
  await app.register(metrics, {
    metrics: serviceMetrics(),
    ...(options.metricsToken !== undefined && {token: options.metricsToken}),
  })
  await app.register(authPlugin, {metrics: app.metrics, ...(keystone && {keystone}), ...(policy && {policy})})
  await app.register(resolveRoutes, {...(policy && {policy})})
  await app.register(validateRoutes, {...(policy && {policy})})
  await app.register(lookupRoutes)
  await app.register(vendordataRoutes, {...(service && {service}), ...(options.guest && {guest: options.guest})})
  await app.register(healthRoutes, {...(service && {service})})
  if (service && options.auditIntervalSeconds !== undefined)
    await app.register(audit, {service, intervalSeconds: options.auditIntervalSeconds, ...(policy && {policy})})
  return app
}
