import {afterAll, beforeAll, describe, expect} from '@jest/globals'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {httpClient} from '../../src/openstack/http.js'
import type {Connection} from '../../src/openstack/connection.js'
import {wd, wdJson} from '../helpers/cli.js'
import {droppingProxy} from '../helpers/door.js'
import {
  applicationCredential,
  cloud,
  connectAs,
  createFlavor,
  createImage,
  deleteFlavor,
  deleteImage,
  federation,
  flavorSpecs,
  imageOf,
  openstackSkipped,
  osEnv,
  revokeToken,
  unique,
} from '../helpers/openstack.js'
import {live, tempDir} from '../helpers/gates.js'

// Every test here talks to the real Keystone, Nova and Glance of test/env/openstack (WD_SKIP_OPENSTACK=1 opts out).
/** A record as `-f json` prints it (the openstack CLI's layout, not the --json result) */
const record = (r: {stdout: string}) => JSON.parse(r.stdout) as Record<string, unknown>

let admin: Connection
let demo: Connection
const flavors: string[] = []
const images: {conn: Connection; id: string}[] = []

beforeAll(async () => {
  if (openstackSkipped) return
  admin = connectAs('admin')
  demo = connectAs('demo')
  await admin.token()
})

afterAll(async () => {
  if (openstackSkipped) return
  for (const id of flavors) await deleteFlavor(admin, id)
  for (const i of images) await deleteImage(i.conn, i.id)
})

async function flavor(specs: Record<string, string>) {
  const name = unique('flavor')
  flavors.push(await createFlavor(admin, name, specs))
  return {name, id: flavors.at(-1)!}
}

async function image(owner: Connection, props: Record<string, string>, visibility = 'private') {
  const name = unique('image')
  const id = await createImage(owner, name, props, visibility)
  images.push({conn: owner, id})
  return {name, id}
}

describe('wd flavor on real Nova', () => {
  live('set, show and unset hw:watchdog_action, leaving the other extra specs as they were', async () => {
    const f = await flavor({
      'hw:cpu_policy': 'shared',
      'quota:disk_read_bytes_sec': '10240',
      'hw:watchdog_action': 'none',
    })
    const set = wd(['flavor', 'set', f.name, '--action', 'reset', '-f', 'json'], undefined, osEnv('admin'))
    expect(set.status).toBe(0)
    expect(record(set)).toMatchObject({name: f.name, 'hw:watchdog_action': 'reset', watchdog: 'i6300esb, reset'})
    expect(await flavorSpecs(admin, f.id)).toEqual({
      'hw:cpu_policy': 'shared',
      'quota:disk_read_bytes_sec': '10240',
      'hw:watchdog_action': 'reset',
    })
    const show = wd(['flavor', 'show', f.id, '-f', 'value', '-c', 'watchdog'], undefined, osEnv('demo'))
    expect([show.status, show.stdout]).toEqual([0, 'i6300esb, reset\n'])
    expect(wd(['flavor', 'unset', f.name, '-f', 'json'], undefined, osEnv('admin')).status).toBe(0)
    expect(await flavorSpecs(admin, f.id)).toEqual({'hw:cpu_policy': 'shared', 'quota:disk_read_bytes_sec': '10240'})
    const again = wd(['flavor', 'unset', f.name], undefined, osEnv('admin'))
    expect(again.status).toBe(0)
    expect(again.stderr).toContain('had no hw:watchdog_action')
  })

  live("refuses an invalid value before Nova sees it, with Nova's own allowed values", async () => {
    const f = await flavor({})
    const r = wd(['flavor', 'set', f.name, '--action', 'shutdown'], undefined, osEnv('admin'))
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/^wd: flavor extra spec hw:watchdog_action='shutdown' is a libvirt watchdog action/)
    expect(await flavorSpecs(admin, f.id)).toEqual({})
  })

  live("a non-admin gets Nova's 403 with its policy message, in one line", async () => {
    const f = await flavor({})
    const r = wd(['flavor', 'set', f.name, '--action', 'reset'], undefined, osEnv('demo'))
    expect(r.status).toBe(2)
    expect(r.stderr).toBe(
      `wd: nova: HTTP 403 on POST /v2.1/flavors/${f.id}/os-extra_specs: Policy doesn't allow os_compute_api:os-flavor-extra-specs:create to be performed.\n` +
        'hint: changing flavor extra specs is admin-only in Nova by default; use an admin account\n',
    )
  })

  live('lists flavors with the effective watchdog; -f value -c picks columns', async () => {
    const f = await flavor({'hw:watchdog_action': 'pause'})
    const r = wd(['flavor', 'list', '-f', 'value', '-c', 'Name', '-c', 'Watchdog'], undefined, osEnv('admin'))
    expect(r.stdout.split('\n')).toContain(`${f.name} i6300esb, pause`)
    const t = wd(['flavor', 'list'], undefined, osEnv('admin'))
    expect(t.stdout).toMatch(/^\| ID +\| Name +\| RAM \| Disk \| Ephemeral \| VCPUs \| Is Public \| Watchdog +\|$/m)
  })

  live(
    'finds a flavor by id, by a name that could be an id (both asked), and by one that cannot (only listed)',
    async () => {
      const plain = await flavor({'hw:watchdog_action': 'pause'})
      // not a flavor id by Nova's pattern (letters, digits, '.', '_', '-', ' '): no lookup by id is made
      const odd = {name: `${unique('flavor')} ünï/çode`, id: ''}
      flavors.push((odd.id = await createFlavor(admin, odd.name, {'hw:watchdog_action': 'reset'})))
      /** The flavor found, and which Nova paths were read for it (the list's pages as one) */
      const asked = (ref: string) => {
        const r = wd(['flavor', 'show', ref, '-f', 'value', '-c', 'ID', '--debug'], undefined, osEnv('admin'))
        expect(r.status).toBe(0)
        const gets = [...r.stderr.matchAll(/^http: GET \S+\/v2\.1(\/flavors\S*)/gm)].map((m) =>
          m[1]!.replace(/[?&](limit|marker)=[^&]*/g, ''),
        )
        return {id: r.stdout.trim(), gets: [...new Set(gets)].sort()}
      }
      // Nova made a UUID id: asked by id alone
      expect(asked(plain.id)).toEqual({id: plain.id, gets: [`/flavors/${plain.id}`]})
      expect(asked(plain.name)).toEqual({
        id: plain.id,
        gets: ['/flavors/detail?is_public=None', `/flavors/${encodeURIComponent(plain.name)}`],
      })
      expect(asked(odd.name)).toEqual({id: odd.id, gets: ['/flavors/detail?is_public=None']})
    },
  )

  live('an unknown flavor is exit 2 and says so', () => {
    const r = wd(['flavor', 'show', 'no-such-flavor'], undefined, osEnv('admin'))
    expect([r.status, r.stderr]).toEqual([2, "wd: no flavor 'no-such-flavor' (by id or name)\n"])
  })
})

describe('wd image on real Glance', () => {
  live('set --action poweroff and unset, leaving the other properties as they were', async () => {
    const i = await image(demo, {os_distro: 'debian', hw_rng_model: 'virtio'})
    const r = wd(['image', 'set', i.name, '--action', 'poweroff', '-f', 'json'], undefined, osEnv('demo'))
    expect(r.status).toBe(0)
    expect(record(r)).toMatchObject({hw_watchdog_action: 'poweroff'})
    expect(await imageOf(demo, i.id)).toMatchObject({
      os_distro: 'debian',
      hw_rng_model: 'virtio',
      hw_watchdog_action: 'poweroff',
    })
    // add again over an existing value (Glance's add upserts)
    expect(wd(['image', 'set', i.id, '--action', 'reset'], undefined, osEnv('demo')).status).toBe(0)
    expect(wd(['image', 'unset', i.id], undefined, osEnv('demo')).status).toBe(0)
    const after = await imageOf(demo, i.id)
    expect(after).toMatchObject({os_distro: 'debian', hw_rng_model: 'virtio'})
    expect(after).not.toHaveProperty('hw_watchdog_action')
  })

  live("points out the blueprint's 'watchdog' key and removes it with --migrate-legacy", async () => {
    const i = await image(demo, {watchdog: 'poweroff', os_distro: 'debian'})
    const keep = wd(['image', 'set', i.name, '--action', 'poweroff'], undefined, osEnv('demo'))
    expect(keep.stderr).toMatch(
      /^warning: image .* still has the blueprint property 'watchdog', which Nova ignores; --migrate-legacy removes it$/m,
    )
    const show = record(wd(['image', 'show', i.name, '-f', 'json'], undefined, osEnv('demo')))
    expect(show.findings).toEqual([expect.stringContaining("'watchdog' is the 2013 blueprint's spelling")])
    expect(
      wd(['image', 'set', i.name, '--action', 'poweroff', '--migrate-legacy'], undefined, osEnv('demo')).status,
    ).toBe(0)
    const after = await imageOf(demo, i.id)
    expect(after).not.toHaveProperty('watchdog')
    expect(after).toMatchObject({hw_watchdog_action: 'poweroff', os_distro: 'debian'})
  })

  live("a non-owner cannot see a private image (404), nor change a public one (Glance's 403)", async () => {
    const priv = await image(demo, {})
    const r = wd(['image', 'set', priv.id, '--action', 'reset'], undefined, osEnv('alt'))
    expect([r.status, r.stderr]).toEqual([2, `wd: no image '${priv.id}' (by id or name) visible to this project\n`])
    const pub = await image(admin, {}, 'public')
    const p = wd(['image', 'set', pub.id, '--action', 'reset'], undefined, osEnv('demo'))
    expect(p.status).toBe(2)
    expect(p.stderr).toMatch(
      new RegExp(`^wd: glance: HTTP 403 on PATCH /v2/images/${pub.id}: .*You do not own this image`),
    )
    expect(p.stderr).toContain("hint: only the image's owner (or an admin) may change its properties")
  })

  live('Glance would store any string: wd refuses a bad value first', async () => {
    const i = await image(demo, {})
    const r = wd(['image', 'set', i.id, '--action', 'Poweroff'], undefined, osEnv('demo'))
    expect(r.status).toBe(1)
    expect(r.stderr).toContain("Did you mean 'poweroff'?")
    expect(await imageOf(demo, i.id)).not.toHaveProperty('hw_watchdog_action')
  })
})

describe('the Glance metadef namespace', () => {
  live('wd schema export --glance-metadef is accepted by real Glance and reads back as exported', async () => {
    const exported = wdJson(['schema', 'export', '--glance-metadef'])
    const ns = encodeURIComponent(String(exported.namespace))
    // the test Glance loads no default metadefs; one left by an interrupted run goes first (unprotect, delete)
    const drop = async () => {
      const seen = await admin.call('image', 'GET', `/metadefs/namespaces/${ns}`, {accept: [404]})
      if (seen.status === 404) return
      await admin.call('image', 'PUT', `/metadefs/namespaces/${ns}`, {body: {...exported, protected: false}})
      await admin.call('image', 'DELETE', `/metadefs/namespaces/${ns}`)
    }
    await drop()
    try {
      const made = await admin.call('image', 'POST', '/metadefs/namespaces', {body: exported})
      expect(made.status).toBe(201)
      const back = JSON.parse(
        (await admin.call('image', 'GET', `/metadefs/namespaces/${ns}/properties/watchdog_action`)).data as string,
      ) as {enum: string[]}
      expect(back.enum).toEqual(['none', 'pause', 'poweroff', 'reset', 'disabled'])
      const types = JSON.parse((await admin.call('image', 'GET', `/metadefs/namespaces/${ns}`)).data as string) as {
        resource_type_associations: {name: string; prefix: string}[]
      }
      expect(types.resource_type_associations.map((r) => [r.name, r.prefix]).sort()).toEqual([
        ['OS::Cinder::Volume', 'hw_'],
        ['OS::Glance::Image', 'hw_'],
        ['OS::Nova::Flavor', 'hw:'],
      ])
    } finally {
      await drop()
    }
  })
})

describe("the cloud's own refusals, explained in one line", () => {
  live("Nova's 400 (a value wd would have refused first) and Glance's 409 carry the server's words", async () => {
    const {findFlavor, setFlavorWatchdog} = await import('../../src/openstack/nova.js')
    const f = await flavor({})
    await expect(setFlavorWatchdog(admin, await findFlavor(admin, f.id), 'shutdown')).rejects.toMatchObject({
      code: 'WD_API_REFUSED',
      exit: 1,
      message: `nova: HTTP 400 on POST /v2.1/flavors/${f.id}/os-extra_specs: Validation failed; 'shutdown' is not one of: none, pause, poweroff, reset, disabled.`,
    })
    const i = await image(demo, {})
    const remove = demo.call('image', 'PATCH', `/images/${i.id}`, {
      headers: {'Content-Type': 'application/openstack-images-v2.1-json-patch'},
      body: [{op: 'remove', path: '/hw_watchdog_action'}],
    })
    await expect(remove).rejects.toMatchObject({
      code: 'WD_CONFLICT',
      exit: 2,
      message: expect.stringMatching(
        /^glance: HTTP 409 on PATCH \/v2\/images\/.*Property hw_watchdog_action does not exist/,
      ) as unknown,
    })
  })
})

describe('wd resolve against the live cloud', () => {
  live('predicts the watchdog of a flavor and image, with the same output as the offline form', async () => {
    const f = await flavor({'hw:watchdog_action': 'reset'})
    const i = await image(demo, {hw_watchdog_action: 'poweroff'})
    const live = wdJson(['resolve', '--flavor', f.name, '--image', i.name], {env: osEnv('demo')})
    const offline = wdJson([
      'resolve',
      '--flavor-spec',
      'hw:watchdog_action=reset',
      '--image-prop',
      'hw_watchdog_action=poweroff',
    ])
    expect(live).toEqual(offline)
    expect(live).toMatchObject({device: {model: 'i6300esb', action: 'poweroff'}, decidedBy: 'image'})
  })
})

describe('authentication', () => {
  live('clouds.yaml + secure.yaml (found in the working directory), and OS_CLIENT_CONFIG_FILE', () => {
    const c = cloud()
    const dir = tempDir('wd-clouds-')
    const cloudsYaml = `clouds:\n  test:\n    auth:\n      auth_url: ${c.OS_AUTH_URL}\n      username: demo\n      project_name: demo\n      user_domain_name: Default\n      project_domain_name: Default\n    region_name: RegionOne\n`
    writeFileSync(join(dir, 'clouds.yaml'), cloudsYaml)
    writeFileSync(join(dir, 'secure.yaml'), `clouds:\n  test:\n    auth:\n      password: ${c.WD_DEMO_PASSWORD}\n`)
    expect(wd(['flavor', 'list', '--os-cloud', 'test', '-f', 'json'], undefined, {}, dir).status).toBe(0)
    expect(wd(['flavor', 'list', '-f', 'json'], undefined, {OS_CLOUD: 'test'}, dir).status).toBe(0)
    // without secure.yaml's password, keystone refuses: proof that it was read
    const other = tempDir('wd-clouds-')
    writeFileSync(join(other, 'mine.yaml'), cloudsYaml)
    const r = wd(
      ['flavor', 'list', '--os-cloud', 'test'],
      undefined,
      {OS_CLIENT_CONFIG_FILE: join(other, 'mine.yaml')},
      other,
    )
    expect([r.status, r.stderr]).toEqual([2, 'wd: password auth needs a password (--os-password or OS_PASSWORD)\n'])
    const unknown = wd(['flavor', 'list', '--os-cloud', 'nope'], undefined, {}, dir)
    expect(unknown.stderr).toMatch(/^wd: no cloud 'nope' in .*clouds\.yaml\nhint: clouds: test\n$/)
  })

  live('a wrong password is exit 2 with Keystone 401, and the password is never printed', () => {
    const r = wd(['flavor', 'list', '--os-password', 'not-the-password'], undefined, osEnv('demo'))
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(
      /^wd: keystone: HTTP 401 on POST \/v3\/auth\/tokens: The request you have made requires authentication\./,
    )
    expect(r.stdout + r.stderr).not.toContain('not-the-password')
    const debug = wd(['flavor', 'list', '--os-password', 'not-the-password', '--debug'], undefined, osEnv('demo'))
    expect(debug.stdout + debug.stderr).not.toContain('not-the-password')
  })

  live('--debug shows every HTTP exchange, with no token, password or body in it', () => {
    const r = wd(['flavor', 'list', '--debug'], undefined, osEnv('demo'))
    expect(r.status).toBe(0)
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('http: '))
    expect(lines[0]).toMatch(
      /^http: POST http:\/\/127\.0\.0\.1:5000\/v3\/auth\/tokens \{.*\} body \d+ bytes \(not shown\) -> 201 in \d+ ms/,
    )
    expect(lines[1]).toMatch(
      /^http: GET http:\/\/127\.0\.0\.1:8774\/v2\.1\/flavors\/detail\S* \{.*X-Auth-Token: <redacted>.*\} -> 200 in/,
    )
    expect(r.stderr).not.toContain(osEnv('demo').OS_PASSWORD)
    expect(r.stderr).not.toMatch(/gAAAAA/) // a Fernet token
  })

  live(
    'v3applicationcredential: works; a wrong secret and an expired credential are refused at Keystone',
    async () => {
      const expiresAt = new Date(Date.now() + 5000)
      const cred = await applicationCredential(demo, expiresAt)
      const env = {
        OS_AUTH_URL: cloud().OS_AUTH_URL!,
        OS_AUTH_TYPE: 'v3applicationcredential',
        OS_APPLICATION_CREDENTIAL_ID: cred.id,
        OS_APPLICATION_CREDENTIAL_SECRET: cred.secret,
      }
      expect(wd(['flavor', 'list', '-f', 'json'], undefined, env).status).toBe(0)
      const bad = wd(['flavor', 'list'], undefined, {...env, OS_APPLICATION_CREDENTIAL_SECRET: 'wrong'})
      expect(bad.status).toBe(2)
      expect(bad.stderr).toMatch(/^wd: keystone: HTTP 401/)
      // (a token issued from an application credential cannot be rescoped, so OS_TOKEN cannot carry one: Keystone's 403
      // "Using a delegated token to create another token is not allowed"; wd serve's tests take the expired token itself)
      await new Promise((r) => setTimeout(r, expiresAt.getTime() - Date.now() + 1000))
      const expired = wd(['flavor', 'list'], undefined, env)
      expect(expired.status).toBe(2)
      expect(expired.stderr).toMatch(/^wd: keystone: HTTP 401 on POST \/v3\/auth\/tokens: /)
      expect(expired.stdout + expired.stderr).not.toContain(cred.secret)
    },
    30_000,
  )

  live('token: a valid one works; a revoked one is refused at Keystone; a garbage one too', async () => {
    const issued = await connectAs('demo').token()
    const env = {
      OS_AUTH_URL: cloud().OS_AUTH_URL!,
      OS_AUTH_TYPE: 'token',
      OS_TOKEN: issued.value,
      OS_PROJECT_NAME: 'demo',
      OS_PROJECT_DOMAIN_NAME: 'Default',
    }
    expect(wd(['flavor', 'list', '-f', 'json'], undefined, env).status).toBe(0)
    await revokeToken(admin, issued.value)
    const revoked = wd(['flavor', 'list'], undefined, env)
    expect(revoked.status).toBe(2)
    expect(revoked.stderr).toMatch(/^wd: keystone: HTTP (401|404) on POST \/v3\/auth\/tokens/)
    expect(revoked.stdout + revoked.stderr).not.toContain(issued.value)
    const garbage = wd(['flavor', 'list'], undefined, {...env, OS_TOKEN: 'gAAAAAgarbage'})
    expect(garbage.status).toBe(2)
  })

  live('a token revoked in the middle of a command: one new token, and the call goes through', async () => {
    const conn = connectAs('demo')
    const first = await conn.token()
    await revokeToken(admin, first.value)
    const res = await conn.call('compute', 'GET', '/flavors')
    expect(res.status).toBe(200)
    expect((await conn.token()).value).not.toBe(first.value)
  })

  live('OIDC federation: client credentials and password grants, and a ready access token', async () => {
    const fed = federation()
    const env = {
      OS_AUTH_URL: fed.WD_FED_AUTH_URL!.replace(/\/OS-FEDERATION\/.*$/, ''),
      OS_IDENTITY_PROVIDER: fed.WD_FED_IDP!,
      OS_PROTOCOL: fed.WD_FED_PROTOCOL!,
      OS_CLIENT_ID: fed.WD_OIDC_CLIENT_ID!,
      OS_CLIENT_SECRET: fed.WD_OIDC_CLIENT_SECRET!,
      OS_DISCOVERY_ENDPOINT: `${fed.WD_OIDC_ISSUER}/.well-known/openid-configuration`,
      OS_CACERT: fed.WD_OIDC_CA_FILE!,
      OS_OPENID_SCOPE: 'openid',
      OS_PROJECT_NAME: 'demo',
      OS_PROJECT_DOMAIN_NAME: 'Default',
    }
    const cc = wd(['flavor', 'list', '-f', 'json'], undefined, {...env, OS_AUTH_TYPE: 'v3oidcclientcredentials'})
    expect([cc.status, cc.stderr]).toEqual([0, ''])
    const pw = {
      ...env,
      OS_AUTH_TYPE: 'v3oidcpassword',
      OS_USERNAME: fed.WD_OIDC_USERNAME!,
      OS_PASSWORD: fed.WD_OIDC_PASSWORD!,
    }
    expect(wd(['flavor', 'list', '-f', 'json'], undefined, pw).status).toBe(0)
    const wrong = wd(['flavor', 'list'], undefined, {...pw, OS_PASSWORD: 'nope'})
    expect([wrong.status, wrong.stderr]).toEqual([
      2,
      'wd: identity provider: invalid_grant: grant request is invalid\n',
    ])
    // an access token fetched beforehand (v3oidcaccesstoken): straight to Keystone
    const res = await httpClient({verify: true, cacert: fed.WD_OIDC_CA_FILE!, timeout: 30}).send({
      method: 'POST',
      url: fed.WD_OIDC_TOKEN_URL!,
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${Buffer.from(`${fed.WD_OIDC_CLIENT_ID}:${fed.WD_OIDC_CLIENT_SECRET}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials&scope=openid',
      service: 'identity provider',
    })
    const access = (JSON.parse(res.data as string) as {access_token: string}).access_token
    const at = {...env, OS_AUTH_TYPE: 'v3oidcaccesstoken', OS_ACCESS_TOKEN: access}
    expect(wd(['flavor', 'list', '-f', 'json'], undefined, at).status).toBe(0)
    const bad = wd(['flavor', 'list'], undefined, {...at, OS_ACCESS_TOKEN: 'not-a-token'})
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(
      /^wd: keystone: HTTP 401 on POST \/v3\/OS-FEDERATION\/identity_providers\/wdidp\/protocols\/openid\/auth/,
    )
  })
})

describe('the network in between', () => {
  live('an unreachable endpoint: retried, then one line', () => {
    const r = wd(['flavor', 'list'], undefined, {...osEnv('demo'), OS_AUTH_URL: 'http://127.0.0.1:9/v3'})
    expect(r.status).toBe(2)
    // POST /v3/auth/tokens is not idempotent, so it is tried once
    expect(r.stderr).toBe('wd: keystone: cannot reach http://127.0.0.1:9: ECONNREFUSED\n')
  })

  const droppingNova = (drops: number) => droppingProxy(cloud().WD_NOVA_URL!, drops)

  live('idempotent requests are retried after a dropped connection; others are not', async () => {
    const token = (await demo.token()).value
    const http = httpClient({verify: true, timeout: 10}, 10)
    const proxy = await droppingNova(2)
    try {
      const get = await http.send({
        method: 'GET',
        url: `${proxy.url}/flavors`,
        headers: {'X-Auth-Token': token},
        service: 'nova',
      })
      expect(get.status).toBe(200)
      expect(proxy.seen()).toBe(3)
    } finally {
      proxy.close()
    }
    const once = await droppingNova(1)
    try {
      const post = http.send({
        method: 'POST',
        url: `${once.url}/flavors`,
        headers: {'X-Auth-Token': token, 'Content-Type': 'application/json'},
        body: {flavor: {name: 'x', ram: 64, vcpus: 1, disk: 0}},
        service: 'nova',
      })
      await expect(post).rejects.toThrow(/^nova: cannot reach/)
      expect(once.seen()).toBe(1)
    } finally {
      once.close()
    }
  })
})
