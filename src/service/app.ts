/**
 * The policy service: the same library as the CLI behind a small versioned HTTP API. Stateless (token cache aside),
 * so several instances behind a load balancer scale it out. Every /v1 call needs a Keystone token when a cloud is
 * configured; without one it answers inline /v1/resolve and /v1/validate only.
 */
import swagger from '@fastify/swagger'
import Fastify, {type FastifyInstance, type FastifyReply, type FastifyRequest} from 'fastify'
import {validateCatalogText} from '../catalog/validate.js'
import {WdError, isWdError} from '../errors.js'
import {resolve} from '../engine/resolve.js'
import type {CloudConfig} from '../openstack/cloud-config.js'
import {connect, json, type Connection} from '../openstack/connection.js'
import type {HttpClient} from '../openstack/http.js'
import {findImage, imageProperties} from '../openstack/glance.js'
import {findFlavor, type Flavor} from '../openstack/nova.js'
import {flavorRecord, imageRecord} from '../openstack/records.js'
import {withPolicy} from '../policy/evaluate.js'
import {DEFAULT_ACCESS, type Policy} from '../policy/policy.js'
import {cloudConfig} from '../render/cloud-init.js'
import {renderLibvirtElement} from '../render/libvirt.js'
import {renderProxmoxLine} from '../render/proxmox.js'
import {jsonReport} from '../report/catalog/json.js'
import {resolutionView} from '../report/resolution.js'
import {clip} from '../text/clip.js'
import {translate} from '../vocab/translate.js'
import {serviceMetrics} from './metrics.js'
import * as s from './schemas.js'
import type {Principal, TokenValidator} from './tokens.js'

export interface ServiceOptions {
  version: string
  policy?: Policy
  /** the service's own connection; `http` is shared by the connections made with callers' tokens */
  keystone?: {config: CloudConfig; http: HttpClient; service: Connection; validator: TokenValidator}
  bodyLimit?: number
  logger?: boolean | {level: string}
  https?: {cert: Buffer; key: Buffer}
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal
  }
}

type Need = 'read' | 'anyProject'

/** What Nova hands the instance as vendordata: cloud-init for the guest half when Nova gives it a watchdog, else {}. */
export function vendordataFor(specs: Record<string, string>, props: Record<string, string>) {
  const resolution = resolve({flavor: specs, image: props})
  const answer = resolution.device ? {'cloud-init': cloudConfig(translate(resolution.device, 'nova', 'libvirt'))} : {}
  return {answer, resolution}
}

/** An answer in wd's envelope, for the places Fastify answers before any route (written to the raw socket). */
const envelope = (code: string, message: string) => JSON.stringify({error: {code, message}})

/**
 * A JSON body, parsed with the keys that could change object prototypes refused by name (`__proto__`, and a
 * `constructor` holding a `prototype`): the caller learns what is wrong, not only that something is.
 */
function parseJsonBody(text: string): unknown {
  if (text === '') throw new WdError('WD_USAGE', 'the body is empty; a JSON object is expected')
  try {
    return JSON.parse(text, (key, value: unknown) => {
      if (
        key === '__proto__' ||
        (key === 'constructor' && typeof value === 'object' && value !== null && 'prototype' in value)
      ) {
        throw new WdError(
          'WD_USAGE',
          `the body has a key '${key}', which wd refuses (it could change object prototypes)`,
        )
      }
      return value
    })
  } catch (e) {
    if (e instanceof WdError) throw e
    throw new WdError('WD_USAGE', `the body is not valid JSON: ${clip((e as Error).message)}`)
  }
}

export async function buildApp(options: ServiceOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.https && {https: options.https}),
    // what Node's HTTP parser refuses (headers too large, a malformed request) never reaches a route
    clientErrorHandler: (err: NodeJS.ErrnoException, socket) => {
      const tooLarge = err.code === 'HPE_HEADER_OVERFLOW'
      const body = tooLarge
        ? envelope('WD_USAGE', 'the request headers are larger than the server accepts')
        : envelope('WD_USAGE', 'the request is not valid HTTP')
      if (socket.writable) {
        socket.end(
          `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        )
      } else socket.destroy()
    },
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
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
  const metrics = serviceMetrics()
  const {keystone, policy} = options

  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', {parseAs: 'string'}, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string))
    } catch (e) {
      done(e as Error, undefined)
    }
  })
  app.setNotFoundHandler(async (req, reply) =>
    reply.code(404).send({error: {code: 'WD_NOT_FOUND', message: `no route ${req.method} ${clip(req.url)}`}}),
  )

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {title: 'wd policy service', version: options.version, description: 'KVM watchdog resolution and policy'},
      components: {securitySchemes: {keystone: {type: 'apiKey', in: 'header', name: 'X-Auth-Token'}}},
    },
  })

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unknown'
    metrics.requests.inc({method: req.method, route, status: reply.statusCode})
    metrics.latency.observe({method: req.method, route}, reply.elapsedTime / 1000)
  })

  app.setErrorHandler(async (err: Error & {statusCode?: number; validation?: unknown; code?: string}, req, reply) => {
    if (isWdError(err)) return reply.code(err.httpStatus).send({error: err.toJSON()})
    if (err.validation) {
      // the one `not` in the route schemas: an id that is a path segment
      const dots = (err.validation as {keyword?: string}[])[0]?.keyword === 'not'
      const message = dots
        ? "'.' and '..' are no flavor or image ids (they are path segments)"
        : `request ${err.message}`
      return reply.code(400).send({error: {code: 'WD_USAGE', message}})
    }
    if (err.statusCode === 413) return reply.code(413).send({error: {code: 'WD_FILE_TOO_LARGE', message: err.message}})
    if (err.statusCode && err.statusCode < 500) {
      return reply.code(err.statusCode).send({error: {code: 'WD_USAGE', message: err.message}})
    }
    req.log.error({err}, 'internal error')
    return reply.code(500).send({error: new WdError('WD_INTERNAL', 'internal error').toJSON()})
  })

  /** Checks the caller's token and roles; without a configured cloud there is nobody to ask, and nothing live. */
  const guard = (need: Need) => async (req: FastifyRequest) => {
    if (!keystone) return
    const subject = req.headers['x-auth-token']
    if (typeof subject !== 'string' || subject === '') {
      metrics.authFailures.inc({reason: 'missing'})
      throw new WdError('WD_AUTH', 'an X-Auth-Token header is needed')
    }
    try {
      req.principal = await keystone.validator.validate(subject)
    } catch (e) {
      if (isWdError(e) && e.code === 'WD_AUTH') metrics.authFailures.inc({reason: 'invalid'})
      throw e
    }
    const access = policy?.access ?? DEFAULT_ACCESS
    const roles = need === 'read' ? access.read : access.anyProject
    if (roles && !roles.some((r) => req.principal!.roles.includes(r))) {
      metrics.authFailures.inc({reason: 'forbidden'})
      throw new WdError('WD_FORBIDDEN', `this needs one of the roles: ${roles.join(', ')}`, {
        hint: `the token has: ${req.principal.roles.join(', ') || 'no roles'}`,
      })
    }
  }

  /** The cloud as the caller sees it: their own token, their own project's view. */
  const asCaller = (req: FastifyRequest): Connection => {
    if (!keystone) throw new WdError('WD_USAGE', 'this service has no cloud configured: only inline input is answered')
    return connect(keystone.config, keystone.http, req.principal!.token)
  }

  const count = (view: ReturnType<typeof resolutionView>) =>
    metrics.resolutions.inc({action: view.valid ? (view.device?.action ?? 'none') : 'invalid'})

  app.post<{Body: s.ResolveBody}>('/v1/resolve', {schema: s.resolve, onRequest: guard('read')}, async (req) => {
    const b = req.body
    if ((b.flavor && b.flavorSpecs) || (b.image && b.imageProperties)) {
      throw new WdError('WD_USAGE', 'give the flavor (and the image) by name or inline, not both')
    }
    let flavor: Flavor | undefined
    let imageProps = b.imageProperties
    if (b.flavor || b.image) {
      const conn = asCaller(req)
      const [f, i] = await Promise.all([
        b.flavor ? findFlavor(conn, b.flavor) : Promise.resolve(undefined),
        b.image ? findImage(conn, b.image).then(imageProperties) : Promise.resolve(imageProps),
      ])
      flavor = f
      imageProps = i
    }
    const imageName = b.image
    const specs = flavor?.extra_specs ?? b.flavorSpecs
    const resolution = withPolicy(
      resolve({flavor: specs, image: imageProps}),
      policy,
      specs && {name: flavor?.name ?? '', props: specs},
      imageProps && {name: imageName ?? '', props: imageProps},
    )
    const view = resolutionView(resolution, b.explain ?? false)
    count(view)
    const device = view.device
    return {
      ...view,
      libvirt: device ? renderLibvirtElement(translate(device, 'nova', 'libvirt')) : null,
      proxmox: device ? renderProxmoxLine(translate(device, 'nova', 'proxmox')) : null,
    }
  })

  await app.register(async (scoped) => {
    // the catalog arrives as text (YAML or JSON) so findings can name line and column
    scoped.removeAllContentTypeParsers()
    scoped.addContentTypeParser('*', {parseAs: 'string'}, (_req, body, done) => done(null, body))
    scoped.post<{Body: string}>('/v1/validate', {schema: s.validate, onRequest: guard('read')}, async (req, reply) => {
      const report = jsonReport([validateCatalogText(req.body, 'request', {policy})])
      return reply.code(200).send(report)
    })
  })

  app.get<{Params: {id: string}}>(
    '/v1/flavors/:id/watchdog',
    {schema: s.lookup('flavor'), onRequest: guard('read')},
    async (req) => flavorRecord(await findFlavor(asCaller(req), req.params.id)),
  )

  app.get<{Params: {id: string}}>(
    '/v1/images/:id/watchdog',
    {schema: s.lookup('image'), onRequest: guard('read')},
    async (req) => imageRecord(await findImage(asCaller(req), req.params.id)),
  )

  app.post<{Body: s.VendordataBody}>(
    '/v1/vendordata',
    {schema: s.vendordata, onRequest: guard('anyProject')},
    async (req) => {
      if (!keystone) throw new WdError('WD_USAGE', 'vendordata needs a cloud configured')
      // Nova's service user asks about any project's instance: the service's own credentials look it up
      const conn = keystone.service
      const server = json<{server: {flavor: {extra_specs?: Record<string, string>}; image: {id?: string} | ''}}>(
        await conn.call('compute', 'GET', `/servers/${encodeURIComponent(req.body['instance-id'])}`, {
          headers: {'OpenStack-API-Version': 'compute 2.47'},
        }),
      ).server
      const imageId = req.body['image-id'] || (typeof server.image === 'object' ? server.image.id : undefined)
      const props = imageId ? imageProperties(await findImage(conn, imageId)) : {}
      const {answer, resolution} = vendordataFor(server.flavor.extra_specs ?? {}, props)
      count(resolutionView(resolution))
      return answer
    },
  )

  app.get('/v1/openapi.json', {schema: {hide: true}}, async () => app.swagger())
  app.get('/healthz', {schema: {hide: true}}, async () => ({status: 'ok'}))
  app.get('/readyz', {schema: {hide: true}}, async (_req, reply: FastifyReply) => {
    if (!keystone) return {status: 'ok', keystone: 'not configured'}
    try {
      await keystone.service.call('identity', 'GET', '')
      return {status: 'ok', keystone: 'reachable'}
    } catch (e) {
      return reply.code(503).send({status: 'unavailable', keystone: isWdError(e) ? e.message : 'unreachable'})
    }
  })
  app.get('/metrics', {schema: {hide: true}}, async (_req, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  )
  return app
}
