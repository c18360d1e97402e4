/**
 * wd catalog export, plan and apply against the real Nova and Glance of test/env/openstack. What the cloud holds
 * afterwards is read with raw API calls, not with wd. Every flavor here is named with this run's prefix, and plan
 * and apply are scoped to it (--flavors), so other test files' flavors are never unmanaged or pruned.
 */
import {afterAll, beforeAll, describe, expect, jest} from '@jest/globals'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {json, type Connection} from '../../src/openstack/connection.js'
import {listFlavors} from '../../src/openstack/nova.js'
import {wd, wdAsync, wdJson} from '../helpers/cli.js'
import {faultyProxy} from '../helpers/door.js'
import {live, tempDir} from '../helpers/gates.js'
import {
  activateImage,
  cloud,
  connectAs,
  createServer,
  deleteServer,
  createFlavor,
  createImage,
  deleteFlavor,
  deleteImage,
  flavorSpecs,
  imageOf,
  openstackSkipped,
  osEnv,
  unique,
} from '../helpers/openstack.js'

jest.setTimeout(180_000)

let admin: Connection
let demo: Connection
const images: string[] = []
const others: string[] = []
const prefix = unique('cat')
const scope = `${prefix}-*`
const asAdmin = () => osEnv('admin')

beforeAll(async () => {
  if (openstackSkipped) return
  admin = connectAs('admin')
  demo = connectAs('demo')
})

/** Every flavor of this run (whatever a test left), then the images. */
afterAll(async () => {
  if (openstackSkipped) return
  for (const f of (await listFlavors(admin, true)).filter((x) => x.name.startsWith(prefix)))
    await deleteFlavor(admin, f.id)
  for (const id of others) await deleteFlavor(admin, id)
  for (const id of images) await deleteImage(demo, id)
})

const raw = async (path: string) => json<Record<string, unknown>>(await admin.call('compute', 'GET', path))
const rawFlavor = async (id: string) =>
  (
    json<{flavor: Record<string, unknown>}>(
      await admin.call('compute', 'GET', `/flavors/${id}`, {
        accept: [404],
        headers: {'OpenStack-API-Version': 'compute 2.61'},
      }),
    ) ?? {}
  ).flavor
const gone = async (id: string) =>
  (await admin.call('compute', 'GET', `/flavors/${id}`, {accept: [404]})).status === 404
const accessOf = async (id: string) =>
  ((await raw(`/flavors/${id}/os-flavor-access`)).flavor_access as {tenant_id: string}[]).map((a) => a.tenant_id).sort()

async function projectId(name: string): Promise<string> {
  const res = await admin.call('identity', 'GET', `/projects?name=${encodeURIComponent(name)}`)
  return json<{projects: {id: string}[]}>(res).projects[0]!.id
}

async function privateFlavor(name: string, projects: string[]): Promise<string> {
  const res = await admin.call('compute', 'POST', '/flavors', {
    body: {flavor: {name, ram: 64, vcpus: 1, disk: 1, 'os-flavor-access:is_public': false}},
  })
  const id = json<{flavor: {id: string}}>(res).flavor.id
  for (const tenant of projects) {
    await admin.call('compute', 'POST', `/flavors/${id}/action`, {body: {addTenantAccess: {tenant}}})
  }
  return id
}

const write = (dir: string, name: string, text: string) => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

interface PlanJson {
  items: {kind: string; action: string; name: string; id: string | null; changes: object[]}[]
  summary: Record<string, number>
}
const plan = (args: string[], within = scope) =>
  wdJson<PlanJson>(['catalog', 'plan', ...args, '--flavors', within], {env: asAdmin()})
const byName = (p: PlanJson) => Object.fromEntries(p.items.map((i) => [i.name, i]))

describe('wd catalog on real Nova and Glance', () => {
  live('export plans to no change; every class of change is planned as such and applied, then converges', async () => {
    const [demoProject, altProject] = [
      await projectId(cloud().WD_DEMO_PROJECT!),
      await projectId(cloud().WD_ALT_PROJECT!),
    ]
    const keep = await createFlavor(admin, `${prefix}-keep`, {'hw:watchdog_action': 'none', 'hw:cpu_policy': 'shared'})
    const priv = await privateFlavor(`${prefix}-private`, [demoProject])
    const resize = await createFlavor(admin, `${prefix}-resize`, {'hw:watchdog_action': 'reset'})
    const extra = await createFlavor(admin, `${prefix}-extra`, {})
    const image = await createImage(demo, `${prefix}-image`, {hw_watchdog_action: 'pause', os_distro: 'debian'})
    images.push(image)
    // outside the plan's scope: never unmanaged, never pruned
    const outside = await createFlavor(admin, unique('outside-cat'), {})
    others.push(outside)

    // export → validate → plan: nothing to do
    const dir = tempDir('wd-catalog-')
    const exported = join(dir, 'exported.yaml')
    const ex = wd(
      ['catalog', 'export', '--flavors', scope, '--images', `${prefix}-*`, '-o', exported],
      undefined,
      asAdmin(),
    )
    expect(ex.status).toBe(0)
    expect(wd(['catalog', 'validate', exported]).status).toBe(0)
    expect(plan([exported]).summary).toEqual({create: 0, update: 0, replace: 0, delete: 0, unmanaged: 0, unchanged: 5})

    // a catalog written by hand (not by wd): one of each class of change
    const catalog = write(
      dir,
      'catalog.yaml',
      `flavors:
  - name: ${prefix}-keep
    id: ${keep}
    description: kept, specs changed
    extra_specs: {hw:watchdog_action: reset, quota:disk_read_iops_sec: 500}
  - name: ${prefix}-private
    id: ${priv}
    is_public: false
    access: [${altProject}]
  - name: ${prefix}-resize
    id: ${resize}
    vcpus: 2
    ram: 64
    disk: 1
    extra_specs: {hw:watchdog_action: reset}
  - name: ${prefix}-new
    id: ${prefix}-new-id
    vcpus: 1
    ram: 128
    disk: 2
    extra_specs: {hw:watchdog_action: poweroff}
images:
  - name: ${prefix}-image
    properties: {hw_watchdog_action: reset, os_distro: null}
`,
    )
    const p = byName(plan([catalog]))
    expect(p[`${prefix}-keep`]).toMatchObject({
      action: 'update',
      changes: [
        {field: 'description', from: null, to: 'kept, specs changed'},
        {field: 'extra_specs', key: 'hw:watchdog_action', from: 'none', to: 'reset'},
        {field: 'extra_specs', key: 'quota:disk_read_iops_sec', from: null, to: '500'},
        {field: 'extra_specs', key: 'hw:cpu_policy', from: 'shared', to: null},
      ],
    })
    expect(p[`${prefix}-private`]).toMatchObject({
      action: 'update',
      changes: [
        {field: 'access', key: altProject, from: null, to: altProject},
        {field: 'access', key: demoProject, from: demoProject, to: null},
      ],
    })
    expect(p[`${prefix}-resize`]).toMatchObject({
      action: 'replace',
      id: resize,
      changes: [{field: 'vcpus', from: 1, to: 2}],
      reasons: ['Nova cannot change vcpus on a flavor'],
      servers: {count: 0, first: []},
    })
    expect(p[`${prefix}-new`]).toMatchObject({action: 'create', id: `${prefix}-new-id`})
    expect(p[`${prefix}-extra`]).toMatchObject({action: 'unmanaged', id: extra})
    expect(p[`${prefix}-image`]).toMatchObject({
      action: 'update',
      changes: [
        {field: 'properties', key: 'hw_watchdog_action', from: 'pause', to: 'reset'},
        {field: 'properties', key: 'os_distro', from: 'debian', to: null},
      ],
    })
    // nothing was written by planning
    expect(await flavorSpecs(admin, keep)).toEqual({'hw:watchdog_action': 'none', 'hw:cpu_policy': 'shared'})

    // without --allow-replace: everything else is done, the replace is not attempted, exit 1
    const first = wdJson<{results: {name: string; status: string; reason?: string}[]}>(
      ['catalog', 'apply', catalog, '--yes', '--flavors', scope],
      {status: 1, env: asAdmin()},
    )
    expect(Object.fromEntries(first.results.map((r) => [r.name, r.status]))).toEqual({
      [`${prefix}-keep`]: 'applied',
      [`${prefix}-private`]: 'applied',
      [`${prefix}-resize`]: 'not-attempted',
      [`${prefix}-new`]: 'applied',
      [`${prefix}-image`]: 'applied',
    })
    expect((await rawFlavor(resize)).vcpus).toBe(1)

    // with it, and --prune: the replacement keeps the id; the unmanaged flavor goes
    const second = wd(
      ['catalog', 'apply', catalog, '--yes', '--allow-replace', '--prune', '--flavors', scope],
      undefined,
      asAdmin(),
    )
    expect(second.status).toBe(0)
    expect(second.stdout).toMatch(new RegExp(`^applied +replace +flavor ${prefix}-resize \\(${resize}\\)$`, 'm'))

    // the cloud, read raw
    expect(await flavorSpecs(admin, keep)).toEqual({'hw:watchdog_action': 'reset', 'quota:disk_read_iops_sec': '500'})
    expect(await accessOf(priv)).toEqual([altProject])
    expect(await rawFlavor(resize)).toMatchObject({id: resize, vcpus: 2, extra_specs: {'hw:watchdog_action': 'reset'}})
    expect(await rawFlavor(`${prefix}-new-id`)).toMatchObject({
      ram: 128,
      disk: 2,
      extra_specs: {'hw:watchdog_action': 'poweroff'},
    })
    expect(await gone(extra)).toBe(true)
    expect(await gone(outside)).toBe(false)
    const img = await imageOf(demo, image)
    expect([img.hw_watchdog_action, 'os_distro' in img]).toEqual(['reset', false])

    // converged: no changes planned, and an apply sends no write
    expect(plan([catalog]).summary).toMatchObject({create: 0, update: 0, replace: 0, delete: 0})
    const again = wd(['catalog', 'apply', catalog, '--yes', '--flavors', scope, '--debug'], undefined, asAdmin())
    expect(again.status).toBe(0)
    // (the one POST is the login at Keystone)
    expect(again.stderr.match(/^http: (POST|PUT|PATCH|DELETE) (?!\S*\/v3\/auth\/tokens )/gm)).toBeNull()
    expect(again.stderr).toMatch(/^http: GET \S*\/flavors\/detail/m)
  })

  live(
    'a replace lists the servers on the old flavor, and a delete of a used flavor waits for --allow-replace',
    async () => {
      const id = await createFlavor(admin, `${prefix}-used`, {'hw:watchdog_action': 'reset'})
      const image = await createImage(demo, `${prefix}-boot`, {})
      images.push(image)
      await activateImage(demo, image)
      const server = await createServer(demo, `${prefix}-vm`, image, id)
      try {
        const dir = tempDir('wd-catalog-')
        const catalog = write(
          dir,
          'c.yaml',
          `flavors:\n  - {name: ${prefix}-used, id: ${id}, vcpus: 4, ram: 64, disk: 1}\n`,
        )
        const p = byName(plan([catalog], `${prefix}-used`))
        expect(p[`${prefix}-used`]).toMatchObject({action: 'replace', servers: {count: 1, first: [server]}})
        const text = wd(['catalog', 'plan', catalog, '--flavors', `${prefix}-used`], undefined, asAdmin()).stdout
        expect(text).toContain(`1 server(s) run on it (${server})`)
        const empty = write(dir, 'empty.yaml', 'images: []\n')
        const r = wdJson<{results: {status: string; reason?: string}[]}>(
          // a catalog that lists no flavor prunes only when --prune-all says so (issue 22 item 10)
          ['catalog', 'apply', empty, '--yes', '--prune', '--prune-all', '--flavors', `${prefix}-used`],
          {status: 1, env: asAdmin()},
        )
        expect(r.results).toEqual([
          expect.objectContaining({
            status: 'not-attempted',
            reason: '1 server(s) use it now; --allow-replace deletes it anyway',
          }),
        ])
        expect(await gone(id)).toBe(false)
      } finally {
        await deleteServer(demo, server)
      }
    },
  )

  live(
    '--keep-unlisted-specs merges, --migrate-legacy removes the ignored spellings, -f markdown for a PR',
    async () => {
      const id = await createFlavor(admin, `${prefix}-merge`, {'hw:cpu_policy': 'shared', 'hw:watchdog_action': 'none'})
      const image = await createImage(demo, `${prefix}-legacy`, {watchdog: 'reset', 'hw:watchdog_action': 'reset'})
      images.push(image)
      const dir = tempDir('wd-catalog-')
      const catalog = write(
        dir,
        'c.yaml',
        `flavors:\n  - {name: ${prefix}-merge, id: ${id}, extra_specs: {hw:watchdog_action: reset}}\n` +
          `images:\n  - {name: ${prefix}-legacy, properties: {hw_watchdog_action: reset}}\n`,
      )
      const within = ['--flavors', `${prefix}-merge`]
      const md = wd(
        ['catalog', 'plan', catalog, ...within, '--keep-unlisted-specs', '--migrate-legacy', '-f', 'markdown'],
        undefined,
        asAdmin(),
      )
      expect(md.status).toBe(0)
      expect(md.stdout).toContain(
        '| ~ | update in place | flavor ' +
          `${prefix}-merge (${id})` +
          " | extra_specs hw:watchdog_action: 'none' → 'reset' |",
      )
      expect(md.stdout).toMatch(
        /properties watchdog: 'reset' → \(not set\)<br>properties hw:watchdog_action: 'reset' → \(not set\)/,
      )
      // apply without --yes and without a terminal: refused, nothing written
      const asked = wd(['catalog', 'apply', catalog, ...within], undefined, asAdmin())
      expect([asked.status, asked.stderr.split('\n')[0]]).toEqual([
        2,
        'wd: without a terminal to ask on, apply needs --yes',
      ])
      expect(await flavorSpecs(admin, id)).toEqual({'hw:cpu_policy': 'shared', 'hw:watchdog_action': 'none'})
      const r = wd(
        ['catalog', 'apply', catalog, ...within, '--keep-unlisted-specs', '--migrate-legacy', '--yes'],
        undefined,
        asAdmin(),
      )
      expect(r.status).toBe(0)
      expect(await flavorSpecs(admin, id)).toEqual({'hw:cpu_policy': 'shared', 'hw:watchdog_action': 'reset'})
      const img = await imageOf(demo, image)
      expect([img.hw_watchdog_action, 'watchdog' in img, 'hw:watchdog_action' in img]).toEqual(['reset', false, false])
    },
  )

  live('a saved plan is refused, and nothing written, when the cloud changed since', async () => {
    const id = await createFlavor(admin, `${prefix}-saved`, {'hw:watchdog_action': 'none'})
    const dir = tempDir('wd-catalog-')
    const catalog = write(
      dir,
      'c.yaml',
      `flavors:\n  - {name: ${prefix}-saved, id: ${id}, extra_specs: {hw:watchdog_action: reset}}\n`,
    )
    const saved = join(dir, 'plan.json')
    expect(
      wd(['catalog', 'plan', catalog, '--flavors', `${prefix}-saved`, '-o', saved], undefined, asAdmin()).status,
    ).toBe(0)
    // another client changes the flavor between plan and apply
    await admin.call('compute', 'POST', `/flavors/${id}/os-extra_specs`, {
      body: {extra_specs: {'hw:cpu_policy': 'dedicated'}},
    })
    const r = wd(['catalog', 'apply', saved, '--yes'], undefined, asAdmin())
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(
      new RegExp(`^wd: the cloud changed since the plan was made: flavor ${prefix}-saved \\(${id}\\) changed$`, 'm'),
    )
    expect(await flavorSpecs(admin, id)).toEqual({'hw:watchdog_action': 'none', 'hw:cpu_policy': 'dedicated'})
    // a fresh plan applies
    expect(
      wd(['catalog', 'apply', catalog, '--yes', '--flavors', `${prefix}-saved`], undefined, asAdmin()).status,
    ).toBe(0)
    expect(await flavorSpecs(admin, id)).toEqual({'hw:watchdog_action': 'reset'})
  })

  live('200 flavors through dropped connections and 503s: every item accounted for, a rerun converges', async () => {
    const dir = tempDir('wd-catalog-')
    const n = 200
    const lines = Array.from(
      {length: n},
      (_, i) =>
        `  - {name: ${prefix}-bulk-${i}, vcpus: 1, ram: 64, disk: 1, extra_specs: {hw:watchdog_action: reset, hw:cpu_policy: shared, quota:cpu_shares: '${i}'}}`,
    )
    const catalog = write(dir, 'bulk.yaml', `flavors:\n${lines.join('\n')}\n`)
    const bulk = `${prefix}-bulk-*`
    // an unrelated extra spec on a flavor the catalog does not list must survive
    const bystander = await createFlavor(admin, `${prefix}-bystander`, {'hw:cpu_policy': 'dedicated'})
    const proxy = await faultyProxy(cloud().WD_NOVA_URL!, {dropEvery: 9, failEvery: 13})
    try {
      const env = {...asAdmin(), OS_COMPUTE_ENDPOINT_OVERRIDE: proxy.url}
      // not spawnSync: the proxy lives in this process and must keep forwarding while wd runs
      const run = await wdAsync(
        ['catalog', 'apply', catalog, '--yes', '--flavors', bulk, '--parallel', '8', '--json'],
        env,
      )
      expect(run.status).toBe(1)
      const r = JSON.parse(run.stdout) as {results: {status: string}[]; summary: {applied: number; failed: number}}
      expect(r.results).toHaveLength(n)
      expect(r.summary.applied + r.summary.failed).toBe(n)
      expect(r.summary.failed).toBeGreaterThan(0)
      expect(proxy.faults()).toBeGreaterThan(0)
    } finally {
      proxy.close()
    }
    // again, without faults: everything converges
    expect(
      wd(['catalog', 'apply', catalog, '--yes', '--flavors', bulk, '--parallel', '8'], undefined, asAdmin()).status,
    ).toBe(0)
    const p = plan([catalog], bulk)
    expect(p.summary).toMatchObject({create: 0, update: 0, replace: 0, delete: 0, unmanaged: 0, unchanged: n})
    expect(await flavorSpecs(admin, bystander)).toEqual({'hw:cpu_policy': 'dedicated'})
  })

  live('two applies of one catalog at once end converged, with no duplicate flavor', async () => {
    const dir = tempDir('wd-catalog-')
    const lines = Array.from(
      {length: 20},
      (_, i) => `  - {name: ${prefix}-twin-${i}, vcpus: 1, ram: 64, disk: 1, extra_specs: {hw:watchdog_action: pause}}`,
    )
    const catalog = write(dir, 'twin.yaml', `flavors:\n${lines.join('\n')}\n`)
    const twice = ['catalog', 'apply', catalog, '--yes', '--flavors', `${prefix}-twin-*`]
    const both = await Promise.all([wdAsync(twice, asAdmin()), wdAsync(twice, asAdmin())])
    expect(both.every((r) => r.status === 0 || r.status === 1)).toBe(true)
    expect(
      wd(['catalog', 'apply', catalog, '--yes', '--flavors', `${prefix}-twin-*`], undefined, asAdmin()).status,
    ).toBe(0)
    const twins = (await listFlavors(admin, true)).filter((f) => f.name.startsWith(`${prefix}-twin-`))
    expect(twins).toHaveLength(20)
    expect(plan([catalog], `${prefix}-twin-*`).summary.unchanged).toBe(20)
  })
})
