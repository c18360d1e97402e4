import {afterAll, beforeAll, describe, expect} from '@jest/globals'
import type {FastifyInstance} from 'fastify'
import type {Connection} from '../../src/openstack/connection.js'
import {loadPolicy} from '../../src/policy/load.js'
import {wdJson} from '../helpers/cli.js'
import {door} from '../helpers/door.js'
import {keystoneService} from '../helpers/service.js'
import {expectPublished} from '../helpers/schemas.js'
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
  outlive,
  shortLivedToken,
  openstackSkipped,
  osEnv,
  revokeToken,
  unique,
} from '../helpers/openstack.js'
import {live} from '../helpers/gates.js'

// wd serve in-process, its Keystone the real one of test/env/openstack (WD_SKIP_OPENSTACK=1 opts out).

const service = (policyText?: string, ttl = 60, authUrl?: string): Promise<FastifyInstance> =>
  keystoneService(
    {ttl, ...(authUrl !== undefined && {account: {auth_url: authUrl}})},
    policyText === undefined ? {} : {policy: loadPolicy(policyText, 'policy.yaml')},
  )

const tokenOf = async (c: Connection) => (await c.token()).value
const revoke = (token: string) => revokeToken(connectAs('admin'), token)

const resolveAs = (
  app: FastifyInstance,
  token: string | undefined,
  body: object = {flavorSpecs: {'hw:watchdog_action': 'reset'}},
) =>
  app.inject({
    method: 'POST',
    url: '/v1/resolve',
    payload: body,
    headers: token === undefined ? {} : {'x-auth-token': token},
  })

let app: FastifyInstance
let demo: Connection
let admin: Connection
const cleanup: (() => Promise<void>)[] = []

beforeAll(async () => {
  if (openstackSkipped) return
  app = await service()
  demo = connectAs('demo')
  admin = connectAs('admin')
})
afterAll(async () => {
  if (openstackSkipped) return
  // last made, first removed: servers before their images and flavors
  for (const c of cleanup.reverse()) await c()
  await app.close()
})

describe('wd serve: Keystone tokens', () => {
  live('a valid token is served; none, garbage and revoked ones get 401', async () => {
    const ok = await resolveAs(app, await tokenOf(demo))
    expect(ok.statusCode).toBe(200)
    const none = await resolveAs(app, undefined)
    expect([none.statusCode, none.json<{error: {code: string; message: string}}>().error]).toEqual([
      401,
      expect.objectContaining({code: 'WD_AUTH', message: 'an X-Auth-Token header is needed'}),
    ])
    expect((await resolveAs(app, 'not a token!')).statusCode).toBe(401)
    expect((await resolveAs(app, 'gAAAAABnotarealfernettoken')).statusCode).toBe(401)
    const doomed = await tokenOf(connectAs('demo'))
    await revoke(doomed)
    const revoked = await resolveAs(app, doomed)
    expect([revoked.statusCode, revoked.json<{error: {message: string}}>().error.message]).toEqual([
      401,
      'the token is invalid, expired or revoked',
    ])
    const metrics = (await app.inject({method: 'GET', url: '/metrics'})).body
    expect(metrics).toMatch(/^wd_serve_auth_failures_total\{reason="invalid"\} [3-9]/m)
    expect(metrics).toMatch(/^wd_serve_auth_failures_total\{reason="missing"\} [1-9]/m)
  })

  live('a cached token revoked later is refused once the cache time is up (here: no caching)', async () => {
    const uncached = await service(undefined, 0)
    try {
      const t = await tokenOf(connectAs('demo'))
      expect((await resolveAs(uncached, t)).statusCode).toBe(200)
      await revoke(t)
      expect((await resolveAs(uncached, t)).statusCode).toBe(401)
    } finally {
      await uncached.close()
    }
  })

  live(
    'an expired token is served while it lasts and refused from the moment it expires, cached or not',
    async () => {
      const short = await shortLivedToken(demo, 6)
      expect(Date.parse(short.expiresAt!)).toBeLessThanOrEqual(Date.now() + 6000)
      expect((await resolveAs(app, short.value)).statusCode).toBe(200) // now in the service's cache (ttl 60 s)
      await outlive(short)
      const expired = await resolveAs(app, short.value)
      expect([expired.statusCode, expired.json<{error: {message: string}}>().error.message]).toEqual([
        401,
        'the token is invalid, expired or revoked',
      ])
    },
    30_000,
  )

  live(
    'Keystone down when wd serve first logs in: refused while down, served once it is back, without a restart',
    async () => {
      const keystone = await door(cloud().OS_AUTH_URL!)
      const down = await service(undefined, 60, keystone.url)
      try {
        const ready = () => down.inject({method: 'GET', url: '/readyz'})
        expect((await ready()).statusCode).toBe(503)
        const token = await tokenOf(demo)
        expect((await resolveAs(down, token)).statusCode).toBe(502)
        await keystone.open() // Keystone is started
        let answer = await ready()
        for (const end = Date.now() + 40_000; answer.statusCode !== 200 && Date.now() < end; answer = await ready()) {
          await new Promise((r) => setTimeout(r, 250))
        }
        expect(answer.json()).toEqual({status: 'ok', keystone: 'reachable'})
        expect((await resolveAs(down, token)).statusCode).toBe(200)
      } finally {
        await down.close()
        await keystone.shut()
      }
    },
    60_000,
  )

  live('readyz says Keystone is reachable', async () => {
    expect((await app.inject({method: 'GET', url: '/readyz'})).json()).toEqual({status: 'ok', keystone: 'reachable'})
  })
})

describe('wd serve: roles from the policy file', () => {
  live('access.read limits who may resolve; the 403 says which roles are needed', async () => {
    const strict = await service('access:\n  read: [admin]\n')
    try {
      const denied = await resolveAs(strict, await tokenOf(demo))
      expect(denied.statusCode).toBe(403)
      expect(denied.json<{error: {message: string; hint: string}}>().error).toMatchObject({
        message: 'this needs one of the roles: admin',
        hint: expect.stringMatching(/the token has: .*member/) as unknown,
      })
      expect((await resolveAs(strict, await tokenOf(admin))).statusCode).toBe(200)
    } finally {
      await strict.close()
    }
  })

  live('vendordata (any project) needs access.anyProject (default admin): a member gets 403', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/v1/vendordata',
      payload: {'instance-id': 'x', 'project-id': 'y'},
      headers: {'x-auth-token': await tokenOf(demo)},
    })
    expect(r.statusCode).toBe(403)
  })

  /** What Nova's DynamicJSON provider posts (nova/api/metadata/vendordata_dynamic.py), for one instance. */
  const novaPost = (instance: string, image: string, project: string) => ({
    'project-id': project,
    'instance-id': instance,
    'image-id': image,
    'user-data': null,
    hostname: 'vm',
    metadata: {},
    'boot-roles': 'member,reader',
  })

  live(
    'vendordata for real instances: the guest half for the one Nova gives a watchdog, null for the other',
    async () => {
      const flavorId = await createFlavor(admin, unique('vd-flavor'), {'hw:watchdog_action': 'poweroff'})
      cleanup.push(() => deleteFlavor(admin, flavorId))
      const plain = await createImage(demo, unique('vd-plain'), {})
      const off = await createImage(demo, unique('vd-off'), {hw_watchdog_action: 'disabled'})
      cleanup.push(
        () => deleteImage(demo, plain),
        () => deleteImage(demo, off),
      )
      await activateImage(demo, plain)
      await activateImage(demo, off)
      const watched = await createServer(demo, unique('vd-watched'), plain, flavorId)
      const unwatched = await createServer(demo, unique('vd-unwatched'), off, flavorId)
      cleanup.push(
        () => deleteServer(demo, watched),
        () => deleteServer(demo, unwatched),
      )
      const project = (await demo.token()).project!.id
      const ask = async (instance: string, image: string, metadata = {}) =>
        app.inject({
          method: 'POST',
          url: '/v1/vendordata',
          payload: {...novaPost(instance, image, project), metadata},
          headers: {'x-auth-token': await tokenOf(admin)},
        })

      // a JSON string (Nova json.loads the answer and puts it under the target's name, cloud-init)
      const yes = await ask(watched, plain)
      expect(yes.statusCode).toBe(200)
      expect(yes.headers['content-type']).toMatch(/^application\/json/)
      const script = yes.json<string>()
      // the flavor's action, as Nova embedded it in the instance; wd serve's default feeder
      expect(script).toMatch(/^#!\/bin\/sh\n/)
      expect(script).toMatch(/^ACTION='poweroff'$/m)
      expect(script).toMatch(/^FEEDER='systemd'$/m)
      // the user's own choice of feeder, from the instance's metadata; a value wd does not know is passed over
      expect((await ask(watched, plain, {'wd:feeder': 'watchdog-daemon'})).json<string>()).toMatch(
        /^FEEDER='watchdog-daemon'$/m,
      )
      expect((await ask(watched, plain, {'wd:feeder': 'softdog'})).json<string>()).toMatch(/^FEEDER='systemd'$/m)
      const no = await ask(unwatched, off)
      expect(no.statusCode).toBe(200)
      expect(no.json()).toBeNull()
    },
  )

  live("vendordata for an instance Nova does not know: Nova's own 404, passed on", async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/v1/vendordata',
      payload: novaPost('00000000-0000-0000-0000-000000000000', '', 'p'),
      headers: {'x-auth-token': await tokenOf(admin)},
    })
    expect(r.statusCode).toBe(404)
    expect(r.json<{error: {message: string}}>().error.message).toMatch(
      /^nova: HTTP 404 on GET \/v2\.1\/servers\/00000000-0000-0000-0000-000000000000: Instance .* could not be found\./,
    )
  })

  live(
    "issue 22 item 7: vendordata for instance-id '..' asks Nova for that id, not for /v2.1/ (was a 500)",
    async () => {
      const r = await app.inject({
        method: 'POST',
        url: '/v1/vendordata',
        payload: novaPost('..', '', 'p'),
        headers: {'x-auth-token': await tokenOf(admin)},
      })
      expect(r.statusCode).toBe(404)
      expect(r.json<{error: {message: string}}>().error.message).toMatch(
        /^nova: HTTP 404 on GET \/v2\.1\/servers\/%2E%2E: /,
      )
    },
  )
})

describe("wd serve: live lookups with the caller's token", () => {
  live('flavors and images as the caller sees them; resolve by name', async () => {
    const a = connectAs('admin')
    const flavorName = unique('svc-flavor')
    const flavorId = await createFlavor(a, flavorName, {'hw:watchdog_action': 'reset', 'hw:cpu_policy': 'shared'})
    cleanup.push(() => deleteFlavor(a, flavorId))
    const imageName = unique('svc-image')
    const imageId = await createImage(demo, imageName, {hw_watchdog_action: 'disabled'})
    cleanup.push(() => deleteImage(demo, imageId))
    const demoToken = await tokenOf(demo)

    const f = await app.inject({
      method: 'GET',
      url: `/v1/flavors/${flavorId}/watchdog`,
      headers: {'x-auth-token': demoToken},
    })
    expect(f.json()).toMatchObject({
      target: {kind: 'flavor', id: flavorId, name: flavorName},
      device: {model: 'i6300esb', action: 'reset'},
      properties: {'hw:cpu_policy': 'shared'},
    })
    expectPublished('watchdog-state', f.json())
    const i = await app.inject({
      method: 'GET',
      url: `/v1/images/${imageId}/watchdog`,
      headers: {'x-auth-token': demoToken},
    })
    expect(i.json()).toMatchObject({target: {kind: 'image', name: imageName}, stored: 'disabled', device: null})
    expectPublished('watchdog-state', i.json())
    // one answer, two faces: the CLI with the same account's token sees the same values
    const asDemo = osEnv('demo')
    expect(wdJson(['flavor', 'show', flavorId], {env: asDemo})).toEqual(f.json())
    expect(wdJson(['image', 'show', imageId], {env: asDemo})).toEqual(i.json())
    // another project does not see demo's private image
    const alt = await app.inject({
      method: 'GET',
      url: `/v1/images/${imageId}/watchdog`,
      headers: {'x-auth-token': await tokenOf(connectAs('alt'))},
    })
    expect(alt.statusCode).toBe(404)

    const r = await resolveAs(app, demoToken, {flavor: flavorName, image: imageName, explain: true})
    expect(r.json()).toMatchObject({device: null, decidedBy: 'image', valid: true, libvirt: null})
    const cli = ['resolve', '--flavor', flavorName, '--image', imageName, '--explain']
    expect(wdJson(cli, {env: asDemo})).toEqual(r.json())
    const policy = await service('imageOverride: same-or-stricter\n')
    try {
      const p = await resolveAs(policy, demoToken, {flavor: flavorName, image: imageName})
      expect(p.json()).toMatchObject({valid: false, findings: [{rule: 'policy/image-weakens-flavor'}]})
    } finally {
      await policy.close()
    }
  })
})
