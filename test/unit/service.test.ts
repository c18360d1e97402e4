import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import type {FastifyInstance} from 'fastify'
import {readFileSync} from 'node:fs'
import {buildApp} from '../../src/service/app.js'
import {vendordataFor} from '../../src/operations/guest-half.js'
import {serviceConfig} from '../../src/service/config.js'
import {WdError} from '../../src/errors.js'
import {strictOpenMetrics} from '../helpers/openmetrics.js'

let app: FastifyInstance
beforeAll(async () => {
  app = await buildApp({version: 'test', bodyLimit: 64 * 1024})
})
afterAll(async () => app.close())

const post = (url: string, payload: unknown, type = 'application/json') =>
  app.inject({
    method: 'POST',
    url,
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    headers: {'content-type': type},
  })

describe('wd serve without a cloud (inline input only)', () => {
  it('POST /v1/resolve answers as wd resolve -f json, plus the libvirt element and the Proxmox line', async () => {
    const r = await post('/v1/resolve', {
      flavorSpecs: {'hw:watchdog_action': 'reset'},
      imageProperties: {hw_watchdog_action: 'poweroff'},
    })
    expect(r.statusCode).toBe(200)
    expect(r.json()).toMatchObject({
      device: {model: 'i6300esb', action: 'poweroff'},
      decidedBy: 'image',
      valid: true,
      libvirt: "<watchdog model='i6300esb' action='poweroff'/>",
      proxmox: 'watchdog: model=i6300esb,action=poweroff',
    })
    const bad = await post('/v1/resolve', {flavorSpecs: {'hw:watchdog_action': 'Reset'}})
    expect(bad.json()).toMatchObject({
      valid: false,
      libvirt: null,
      findings: [{rule: 'nova/invalid-action', fix: 'hw:watchdog_action=reset'}],
    })
  })

  it('refuses requests that do not match the schema, too large bodies, and live lookups it cannot do', async () => {
    const unknown = await post('/v1/resolve', {flavorspecs: {}})
    expect([unknown.statusCode, unknown.json<{error: {code: string}}>().error.code]).toEqual([400, 'WD_USAGE'])
    const wrongType = await post('/v1/resolve', {flavorSpecs: {'hw:watchdog_action': 5}})
    expect(wrongType.statusCode).toBe(400)
    const huge = await post('/v1/resolve', {flavorSpecs: {k: 'x'.repeat(70 * 1024)}})
    expect([huge.statusCode, huge.json<{error: {code: string}}>().error.code]).toEqual([413, 'WD_FILE_TOO_LARGE'])
    const live = await post('/v1/resolve', {flavor: 'm1.small'})
    expect(live.statusCode).toBe(400)
    expect(live.json<{error: {message: string}}>().error.message).toMatch(/no cloud configured/)
    expect((await app.inject({method: 'GET', url: '/v1/flavors/x/watchdog'})).statusCode).toBe(400)
    expect((await post('/v1/vendordata', {'instance-id': 'x'})).statusCode).toBe(400)
  })

  it('POST /v1/validate takes YAML or JSON text and answers with positioned findings', async () => {
    const yaml = await post(
      '/v1/validate',
      'flavors:\n  - name: a\n    extra_specs:\n      hw:watchdog_action: Reset\n',
      'application/yaml',
    )
    expect(yaml.statusCode).toBe(200)
    expect(yaml.json()).toMatchObject({
      files: [{file: 'request', findings: [{rule: 'nova/invalid-action', position: {line: 4, col: 27}}]}],
      summary: {errors: 1},
    })
    const json = await post(
      '/v1/validate',
      readFileSync(new URL('../fixtures/catalogs/valid.json', import.meta.url), 'utf8'),
    )
    expect(json.json()).toMatchObject({summary: {files: 1, errors: 0, warnings: 0}})
  })

  it('serves health, readiness, Prometheus metrics and an OpenAPI 3.1 document', async () => {
    expect((await app.inject({method: 'GET', url: '/healthz'})).json()).toEqual({status: 'ok'})
    expect((await app.inject({method: 'GET', url: '/readyz'})).json()).toEqual({
      status: 'ok',
      keystone: 'not configured',
    })
    await post('/v1/resolve', {flavorSpecs: {'hw:watchdog_action': 'pause'}})
    const metrics = (await app.inject({method: 'GET', url: '/metrics'})).body
    expect(metrics).toMatch(/^wd_serve_resolutions_total\{action="pause"\} [1-9]/m)
    expect(metrics).toMatch(/^wd_serve_requests_total\{method="POST",route="\/v1\/resolve",status="200"\} [1-9]/m)
    expect(metrics).toMatch(/^wd_serve_request_duration_seconds_bucket/m)
    const doc = (await app.inject({method: 'GET', url: '/v1/openapi.json'})).json<{openapi: string; paths: object}>()
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/v1/flavors/{id}/watchdog',
      '/v1/images/{id}/watchdog',
      '/v1/resolve',
      '/v1/validate',
      '/v1/vendordata',
    ])
  })
})

describe('vendordata', () => {
  it('answers the guest half as a script for an instance Nova gives a watchdog, null for one it gives none', () => {
    const {answer} = vendordataFor(
      {'hw:watchdog_action': 'reset'},
      {hw_watchdog_action: 'poweroff'},
      {timeout: 20, feeder: 'watchdog-daemon'},
    )
    expect(answer).toMatch(/^#!\/bin\/sh\n/)
    // the image's action, as Nova resolves it, and the options given
    expect(answer).toMatch(/^ACTION='poweroff'$/m)
    expect(answer).toMatch(/^TIMEOUT=20$/m)
    expect(answer).toMatch(/^FEEDER='watchdog-daemon'$/m)
    expect(vendordataFor({'hw:watchdog_action': 'reset'}, {hw_watchdog_action: 'disabled'}).answer).toBeNull()
    expect(vendordataFor({}, {}).answer).toBeNull()
  })
})

describe('service configuration', () => {
  it('has defaults, and refuses a wrong file with its position', () => {
    expect(serviceConfig(undefined)).toMatchObject({host: '127.0.0.1', port: 8787, tokenCacheSeconds: 60})
    const c = serviceConfig(
      'listen: {port: 9000}\nkeystone:\n  auth_url: http://127.0.0.1:5000/v3\n  username: nova\n  password: x\n  project_name: service\n',
    )
    expect(c.keystone).toMatchObject({authType: 'password', auth: {username: 'nova', project_name: 'service'}})
    expect(() => serviceConfig('listen: {prot: 9000}\n', 'serve.yaml')).toThrow(WdError)
    try {
      serviceConfig('listen: {prot: 9000}\n', 'serve.yaml')
    } catch (e) {
      expect((e as WdError).reason).toBe("serve.yaml:1:10: unknown key 'prot'; did you mean 'port'?")
    }
  })

  it("the guest half: wd's defaults, what the file sets, and a feeder or timeout wd does not know refused", () => {
    expect(serviceConfig(undefined).guest).toEqual({timeout: 30, feeder: 'systemd'})
    expect(serviceConfig('guest: {timeout: 60, feeder: watchdog-daemon}\n').guest).toEqual({
      timeout: 60,
      feeder: 'watchdog-daemon',
    })
    const refusal = (text: string) => {
      try {
        serviceConfig(text, 'serve.yaml')
      } catch (e) {
        return (e as WdError).reason
      }
      return undefined
    }
    expect(refusal('guest: {feeder: softdog}\n')).toMatch(/^serve\.yaml:1:17: .*systemd, watchdog-daemon/)
    expect(refusal('guest: {timeout: 2}\n')).toMatch(/^serve\.yaml:1:18: /)
  })
})

describe('issue 22 items 17 and 18: GET /metrics', () => {
  it('item 18: what /metrics answers passes the strict OpenMetrics parser', async () => {
    await post('/v1/resolve', {flavorSpecs: {'hw:watchdog_action': 'pause'}})
    const res = await app.inject({method: 'GET', url: '/metrics'})
    const families = strictOpenMetrics(res.rawPayload)
    expect(families.find((f) => f.name === 'wd_serve_requests')).toMatchObject({type: 'counter'})
    expect(res.headers['content-type']).toMatch(/^application\/openmetrics-text; version=1\.0\.0/)
    // the latency histogram as the parser reads it: the resolve route's buckets, the last of them its count
    const latency = families.find((f) => f.name === 'wd_serve_request_duration_seconds')!
    expect(latency.type).toBe('histogram')
    const resolve = latency.samples.filter(([, l]) => l.route === '/v1/resolve' && l.method === 'POST')
    const count = resolve.find(([n]) => n === 'wd_serve_request_duration_seconds_count')![2]
    expect(count).toBeGreaterThanOrEqual(1)
    expect(resolve.filter(([n]) => n.endsWith('_bucket')).map(([, l]) => l.le)).toEqual([
      ...['0.0005', '0.001', '0.0025', '0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5'],
      '+Inf',
    ])
    expect(resolve.find(([n, l]) => n.endsWith('_bucket') && l.le === '+Inf')![2]).toBe(count)
    expect(families.find((f) => f.name === 'wd_serve_resolutions')!.samples).toContainEqual([
      'wd_serve_resolutions_total',
      {action: 'pause'},
      expect.any(Number),
    ])
  })

  it('item 17: with a metrics token, /metrics needs it as a bearer token; the rest of the service does not', async () => {
    const token = 'scrape-token-0123456789'
    const guarded = await buildApp({version: 'test', metricsToken: token})
    try {
      const get = (authorization?: string) =>
        guarded.inject({method: 'GET', url: '/metrics', ...(authorization && {headers: {authorization}})})
      for (const wrong of [undefined, 'Bearer nope', `Basic ${token}`, `Bearer ${token}x`]) {
        const r = await get(wrong)
        expect([wrong, r.statusCode, r.json<{error: {code: string}}>().error.code]).toEqual([wrong, 401, 'WD_AUTH'])
      }
      const ok = await get(`Bearer ${token}`)
      expect(ok.statusCode).toBe(200)
      expect(strictOpenMetrics(ok.rawPayload).find((f) => f.name === 'wd_serve_auth_failures')!.samples).toEqual([
        ['wd_serve_auth_failures_total', {reason: 'missing'}, 2],
        ['wd_serve_auth_failures_total', {reason: 'invalid'}, 2],
      ])
      expect((await guarded.inject({method: 'GET', url: '/healthz'})).statusCode).toBe(200)
    } finally {
      await guarded.close()
    }
  })

  it('item 17: the configuration: audit needs a metrics token, or metrics public said knowingly', () => {
    const keystone = 'keystone: {auth_url: http://127.0.0.1:5000/v3, username: u, password: p, project_name: p}\n'
    expect(() => serviceConfig(`${keystone}audit: {}\n`, 'serve.yaml')).toThrow(
      /with audit, \/metrics shows every project's name and servers/,
    )
    expect(serviceConfig(`${keystone}audit: {}\nmetrics: {token: abcdefghijklmnop}\n`).metricsToken).toBe(
      'abcdefghijklmnop',
    )
    expect(serviceConfig(`${keystone}audit: {}\nmetrics: {public: true}\n`).metricsToken).toBeUndefined()
    expect(() => serviceConfig('metrics: {token: short}\n')).toThrow(WdError)
  })
})
