/** wd serve answers everything in its own envelope, and says what is wrong with a hostile request. */
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import type {FastifyInstance} from 'fastify'
import http from 'node:http'
import type {AddressInfo} from 'node:net'
import {buildApp} from '../../src/service/app.js'

let app: FastifyInstance
let port: number
beforeAll(async () => {
  app = await buildApp({version: 'test'})
  await app.listen({host: '127.0.0.1', port: 0})
  port = (app.server.address() as AddressInfo).port
})
afterAll(async () => app.close())

/** A raw request: the path goes out as written (fetch would resolve %2e%2e itself). */
function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  return new Promise<{status: number; json: unknown}>((resolve, reject) => {
    const req = http.request({host: '127.0.0.1', port, method, path, headers}, (res) => {
      let text = ''
      res.on('data', (d: Buffer) => (text += String(d)))
      res.on('end', () => resolve({status: res.statusCode!, json: JSON.parse(text) as unknown}))
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('wd serve: edges', () => {
  it("refuses '.' and '..' as flavor and image ids before any lookup", async () => {
    for (const path of ['/v1/flavors/%2e%2e/watchdog', '/v1/flavors/./watchdog', '/v1/images/%2E/watchdog']) {
      const r = await raw('GET', path)
      expect(r).toEqual({
        status: 400,
        json: {error: {code: 'WD_USAGE', message: "'.' and '..' are no flavor or image ids (they are path segments)"}},
      })
    }
  })

  it("answers Fastify's own 404, 413 and 431 in wd's envelope", async () => {
    expect(await raw('GET', '/nope')).toEqual({
      status: 404,
      json: {error: {code: 'WD_NOT_FOUND', message: 'no route GET /nope'}},
    })
    const big = await raw('POST', '/v1/resolve', {'content-type': 'application/json'}, `{"x":"${'y'.repeat(2 << 20)}"}`)
    expect(big).toMatchObject({status: 413, json: {error: {code: 'WD_FILE_TOO_LARGE'}}})
    const headers = await raw('GET', '/healthz', {'x-big': 'y'.repeat(40000)})
    expect(headers).toEqual({
      status: 431,
      json: {error: {code: 'WD_USAGE', message: 'the request headers are larger than the server accepts'}},
    })
  })

  it("says what is wrong with a body that has a '__proto__' key, or is not JSON", async () => {
    const json = {'content-type': 'application/json'}
    expect(await raw('POST', '/v1/resolve', json, '{"flavorSpecs": {"__proto__": {"polluted": "yes"}}}')).toEqual({
      status: 400,
      json: {
        error: {
          code: 'WD_USAGE',
          message: "the body has a key '__proto__', which wd refuses (it could change object prototypes)",
        },
      },
    })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    const broken = await raw('POST', '/v1/resolve', json, '{"flavorSpecs": ')
    expect(broken).toMatchObject({
      status: 400,
      json: {
        error: {code: 'WD_USAGE', message: expect.stringMatching(/^the body is not valid JSON: /) as unknown as string},
      },
    })
  })
})
