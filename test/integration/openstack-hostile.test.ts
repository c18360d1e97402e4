/**
 * Issue 22 items 3, 4, 5, 11 and 13: what wd does with API answers a real Nova, Glance or Keystone does not give on
 * demand — a next link that loops, a new marker on every page, a body trickled a byte at a time, malformed and huge
 * answers, a write Nova answers that the flavor read back does not hold (item 7). A tampering proxy (test/helpers/door.ts) sits in front of the real service and rewrites only the answer
 * under test; everything else is the test cloud's own.
 */
import {afterAll, beforeAll, describe, expect} from '@jest/globals'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import type {FastifyInstance} from 'fastify'
import {isWdError} from '../../src/errors.js'
import {loadCloudConfig} from '../../src/openstack/cloud-config.js'
import {connect, type Connection} from '../../src/openstack/connection.js'
import {listImages} from '../../src/openstack/glance.js'
import {httpClient} from '../../src/openstack/http.js'
import {listAllServers, listFlavors} from '../../src/openstack/nova.js'
import {allPages} from '../../src/openstack/pager.js'
import {buildApp} from '../../src/service/app.js'
import {tokenValidator} from '../../src/service/tokens.js'
import {until} from '../helpers/barks.js'
import {wdAsync} from '../helpers/cli.js'
import {tamperingProxy, type Seen, type Tampered} from '../helpers/door.js'
import {live, tempDir} from '../helpers/gates.js'
import {
  activateImage,
  cloud,
  connectAs,
  createFlavor,
  createImage,
  createServer,
  deleteFlavor,
  deleteImage,
  deleteServer,
  openstackSkipped,
  osEnv,
  serviceAccount,
  unique,
} from '../helpers/openstack.js'

let demo: Connection
let admin: Connection
const made: {flavor?: string; image?: string; server?: string} = {}
/** what the proxies do now: each test sets it */
let tamper: (seen: Seen) => Tampered | undefined = () => undefined
let nova: Awaited<ReturnType<typeof tamperingProxy>>
let glance: Awaited<ReturnType<typeof tamperingProxy>>
let keystone: Awaited<ReturnType<typeof tamperingProxy>>

beforeAll(async () => {
  if (openstackSkipped) return
  admin = connectAs('admin')
  demo = connectAs('demo')
  // one server, so the server list has something to tamper with
  made.flavor = await createFlavor(admin, unique('hostile-api'), {'hw:watchdog_action': 'reset'})
  made.image = await createImage(demo, unique('hostile-api'), {})
  await activateImage(demo, made.image)
  made.server = await createServer(demo, unique('hostile-api'), made.image, made.flavor)
  const through = (seen: Seen) => tamper(seen)
  nova = await tamperingProxy(cloud().WD_NOVA_URL!, through)
  glance = await tamperingProxy(cloud().WD_GLANCE_URL!, through)
  keystone = await tamperingProxy(cloud().OS_AUTH_URL!, (seen) => {
    // the catalog Keystone gives points identity calls back through this proxy
    if (seen.url.endsWith('/auth/tokens') && seen.method === 'POST')
      return {body: seen.body.toString().replaceAll(new URL(cloud().OS_AUTH_URL!).origin, new URL(keystone.url).origin)}
    return tamper(seen)
  })
})

afterAll(async () => {
  if (openstackSkipped) return
  await Promise.all([nova?.close(), glance?.close(), keystone?.close()])
  if (made.server) await deleteServer(demo, made.server)
  if (made.image) await deleteImage(demo, made.image)
  if (made.flavor) await deleteFlavor(admin, made.flavor)
})

/** The admin account, reaching Nova, Glance and Keystone through the proxies; `timeout` seconds per request. */
const env = (timeout = 30) => ({
  ...osEnv('admin'),
  OS_AUTH_URL: keystone.url,
  OS_COMPUTE_ENDPOINT_OVERRIDE: nova.url,
  OS_IMAGE_ENDPOINT_OVERRIDE: glance.url,
  OS_API_TIMEOUT: String(timeout),
})
const through = (timeout = 30) => connect(loadCloudConfig({}, {env: env(timeout), cwd: '/nonexistent'}))

/** The WdError a promise rejects with (a test fails on anything else). */
async function refusal(p: Promise<unknown>): Promise<{code: string; message: string}> {
  const e = await p.then(
    () => new Error('it did not fail'),
    (e: unknown) => e,
  )
  if (!isWdError(e)) throw e
  return {code: e.code, message: e.message}
}

const page = (seen: Seen, path: RegExp) => seen.method === 'GET' && path.test(seen.url)
const edit = (seen: Seen, change: (body: Record<string, unknown>) => unknown): Tampered => ({
  status: 200,
  body: JSON.stringify(change(JSON.parse(seen.body.toString()) as Record<string, unknown>)),
})

describe('item 3 and 4: one pager, bounded whatever the next links say', () => {
  live(
    "Glance's next link that loops: refused after two pages",
    async () => {
      // each page new images, and the same next link
      let n = 0
      tamper = (seen) =>
        page(seen, /^\/v2\/images\?/)
          ? {
              status: 200,
              body: JSON.stringify({images: [{id: `img-${n++}`}], next: '/v2/images?limit=200&marker=loop'}),
            }
          : undefined
      const before = glance.requests()
      expect(await refusal(listImages(through()))).toEqual({
        code: 'WD_BAD_ANSWER',
        message: expect.stringMatching(/^glance: the images list links back to a page it gave before/),
      })
      expect(glance.requests() - before).toBe(2)
    },
    30_000,
  )

  live(
    "Nova's new marker on every page over the same servers: refused at the second page",
    async () => {
      let n = 0
      let first: Seen | undefined
      tamper = (seen) =>
        page(seen, /\/servers\/detail\?/)
          ? edit((first ??= seen), (b) => ({
              ...b,
              servers_links: [{rel: 'next', href: `${nova.url}/servers/detail?all_tenants=1&marker=m${n++}`}],
            }))
          : undefined
      const before = nova.requests()
      expect(await refusal(listAllServers(through()))).toEqual({
        code: 'WD_BAD_ANSWER',
        message: 'nova: the servers list repeats items it gave before, page after page',
      })
      expect(nova.requests() - before).toBeLessThanOrEqual(3)
    },
    30_000,
  )

  live(
    'new items on every page: the page cap and the total-items cap stop it',
    async () => {
      let n = 0
      tamper = (seen) =>
        page(seen, /\/flavors\/detail/)
          ? {
              status: 200,
              body: JSON.stringify({
                flavors: Array.from({length: 10}, () => ({id: `fake-${n++}`, name: 'x', extra_specs: {}})),
                flavors_links: [{rel: 'next', href: `${nova.url}/flavors/detail?marker=fake-${n}`}],
              }),
            }
          : undefined
      const conn = through()
      const pages = (caps: {pages: number; items: number}) =>
        allPages(
          {
            what: 'nova: the flavors list',
            first: '/flavors/detail',
            get: (path, maxBytes) => conn.call('compute', 'GET', path, {maxBytes}),
            read: (p) => ({
              items: p.flavors,
              next: (p.flavors_links as {href: string}[])[0]!.href.split('/v2.1')[1],
            }),
          },
          caps,
        )
      expect(await refusal(pages({pages: 5, items: 1000}))).toEqual({
        code: 'WD_BAD_ANSWER',
        message: 'nova: the flavors list goes on past 5 pages; wd stops there',
      })
      expect(await refusal(pages({pages: 1000, items: 25}))).toEqual({
        code: 'WD_BAD_ANSWER',
        message: 'nova: the flavors list holds more than 25 items; wd stops there',
      })
    },
    30_000,
  )
})

describe('item 5: a deadline for the whole exchange', () => {
  live(
    'a body trickled a byte at a time ends at api_timeout, as a timeout',
    async () => {
      tamper = (seen) => (page(seen, /\/flavors\/detail/) ? {body: seen.body, trickleMs: 50} : undefined)
      const started = Date.now()
      expect(await refusal(listFlavors(through(2), true))).toEqual({
        code: 'WD_UNREACHABLE',
        message: expect.stringMatching(/^nova: cannot reach http:\/\/127\.0\.0\.1:\d+: timed out$/),
      })
      // bounded by the 2 s deadline (and the login before it), not by the body's length at 20 bytes/s
      expect(Date.now() - started).toBeLessThan(10_000)
    },
    60_000,
  )

  live(
    'wd serve: an audit that overstays its interval is counted failed, wd_watchdog_audit_up 0',
    async () => {
      tamper = () => undefined
      const config = serviceAccount({compute_endpoint_override: nova.url})
      const http = httpClient(config)
      const service = connect(config, http)
      const app: FastifyInstance = await buildApp({
        version: 'test',
        keystone: {config, http, service, validator: tokenValidator(service, 60)},
        auditIntervalSeconds: 2,
      })
      const sample = async (name: string) => {
        const line = (await app.inject({method: 'GET', url: '/metrics'})).body
          .split('\n')
          .find((l) => l.startsWith(`${name} `))
        return line === undefined ? undefined : Number(line.slice(name.length + 1))
      }
      try {
        await app.ready()
        await until(async () => (await sample('wd_watchdog_audit_up')) === 1, 60, 'a first audit')
        // from now on Nova's server list comes a byte at a time: the next audit hangs (within its 30 s api_timeout)
        tamper = (seen) => (page(seen, /\/servers\/detail/) ? {body: seen.body, trickleMs: 100} : undefined)
        await until(async () => (await sample('wd_watchdog_audit_up')) === 0, 15, 'wd_watchdog_audit_up 0')
        expect(await sample('wd_watchdog_audit_failures_total')).toBeGreaterThanOrEqual(1)
      } finally {
        tamper = () => undefined
        await app.close()
      }
    },
    120_000,
  )
})

describe('item 11 and 13: answers that are not what the API documents', () => {
  // not spawnSync: the proxies answer from this process
  const audit = async () => {
    const r = await wdAsync(['audit', '--no-console', '--json'], env())
    expect(r.status).toBe(2)
    return (JSON.parse(r.stdout) as {error: {code: string; message: string}}).error
  }

  live.each([
    [
      'a server whose image is null',
      (seen: Seen) =>
        page(seen, /\/servers\/detail/)
          ? edit(seen, (b) => ({...b, servers: (b.servers as object[]).map((s) => ({...s, image: null}))}))
          : undefined,
      /^nova: the servers list holds server \S+ whose image is null, neither '' nor an object$/,
    ],
    [
      'null in the image list',
      (seen: Seen) => (page(seen, /^\/v2\/images\?/) ? edit(seen, (b) => ({...b, images: [null]})) : undefined),
      /^glance: GET \/v2\/images\?limit=200: the answer is item 0 of the list: not an object with an id$/,
    ],
    [
      'projects that are no list',
      (seen: Seen) => (page(seen, /\/v3\/projects$/) ? edit(seen, (b) => ({...b, projects: {}})) : undefined),
      /^keystone: GET \/v3\/projects: the answer is without a list of projects$/,
    ],
    [
      'a truncated flavor list',
      (seen: Seen) =>
        page(seen, /\/flavors\/detail/) ? {body: seen.body.subarray(0, seen.body.length >> 1)} : undefined,
      /^nova: GET \/v2\.1\/flavors\/detail\?is_public=None: the answer is not JSON \(/,
    ],
  ])(
    '%s: WD_BAD_ANSWER naming the answer, exit 2',
    async (_, how, message) => {
      tamper = how
      expect(await audit()).toMatchObject({code: 'WD_BAD_ANSWER', message: expect.stringMatching(message)})
    },
    60_000,
  )

  live(
    'item 13: an answer past its cap is cut off and refused',
    async () => {
      tamper = (seen) =>
        page(seen, /\/flavors\/detail/)
          ? {body: `{"flavors": [], "pad": "${'x'.repeat(65 * 1024 * 1024)}"}`}
          : undefined
      expect(await refusal(listFlavors(through(), true))).toEqual({
        code: 'WD_BAD_ANSWER',
        message:
          'nova: the answer to GET /v2.1/flavors/detail?is_public=None is larger than 64 MiB, the most wd reads of it',
      })
    },
    60_000,
  )
})

describe('item 8: names from the cloud reach the terminal escaped', () => {
  live(
    "wd audit's text: an image named to forge a line and hide the rest prints as one escaped line",
    async () => {
      const evil = `${unique('evil')}\nerror audit/FORGED all servers protected \u001b[8m`
      const image = await createImage(demo, evil, {hw_watchdog_action: 'disabled'})
      try {
        const r = await wdAsync(['audit', '--no-console'], osEnv('admin'))
        expect(r.status).not.toBe(2)
        expect(r.stdout).toContain('\\nerror audit/FORGED all servers protected \\u001b[8m')
        // eslint-disable-next-line no-control-regex -- what must not be printed
        expect(r.stdout).not.toMatch(/\u001b/)
        expect(r.stdout.split('\n').some((l) => l.startsWith('error audit/FORGED'))).toBe(false)
      } finally {
        await deleteImage(demo, image)
      }
    },
    120_000,
  )
})

describe('item 7: nothing is reported applied that the cloud does not hold', () => {
  live(
    "Nova answers the extra spec's write, but the flavor read back still holds the old value: failed, never applied",
    async () => {
      const name = unique('read-back')
      const id = await createFlavor(admin, name, {'hw:watchdog_action': 'reset'})
      try {
        const catalog = join(tempDir('wd-read-back-'), 'catalog.yaml')
        writeFileSync(
          catalog,
          `flavors:\n  - {name: ${name}, id: ${id}, extra_specs: {hw:watchdog_action: poweroff}}\n`,
        )
        let written = false
        tamper = (seen) => {
          if (seen.method === 'POST' && seen.url.endsWith(`/flavors/${id}/os-extra_specs`)) written = true
          // after the write, the flavor as it was before it: what a write that did not happen looks like
          return written && page(seen, new RegExp(`/flavors/${id}$`))
            ? edit(seen, (b) => ({flavor: {...(b.flavor as object), extra_specs: {'hw:watchdog_action': 'reset'}}}))
            : undefined
        }
        const r = await wdAsync(['catalog', 'apply', catalog, '--flavors', name, '--yes', '--json'], env())
        expect(written).toBe(true)
        const out = JSON.parse(r.stdout) as {results: {id: string; status: string; code?: string; reason?: string}[]}
        expect(out.results).toEqual([
          expect.objectContaining({
            id,
            status: 'failed',
            code: 'WD_BAD_ANSWER',
            reason: `Nova answered every write, but flavor ${id} does not hold extra spec 'hw:watchdog_action' as written`,
          }),
        ])
        expect(r.status).toBe(1)
      } finally {
        tamper = () => undefined
        await deleteFlavor(admin, id)
      }
    },
    120_000,
  )
})
