/**
 * Issue 22 on the real Nova and Glance of test/env/openstack: saved plans edited as an attacker would (item 1), a
 * flavor that gained a server after the plan (6), ids and keys `..` (7), extra-spec keys that are JavaScript method
 * names (9), an empty catalog with --prune (10). What the cloud holds afterwards is read with raw API calls. Every
 * flavor is named with this run's prefix and plan and apply are scoped to it, so no other test's flavor is touched.
 */
import {afterAll, beforeAll, describe, expect, jest} from '@jest/globals'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {json, type Connection} from '../../src/openstack/connection.js'
import {segment} from '../../src/openstack/http.js'
import {listFlavors} from '../../src/openstack/nova.js'
import type {Plan} from '../../src/operations/catalog-plan.js'
import {planDigest} from '../../src/operations/plan-digest.js'
import {wd, wdJson} from '../helpers/cli.js'
import {live, tempDir} from '../helpers/gates.js'
import {
  activateImage,
  connectAs,
  createFlavor,
  createImage,
  createServer,
  deleteFlavor,
  deleteImage,
  deleteServer,
  flavorSpecs,
  imageOf,
  openstackSkipped,
  osEnv,
  unique,
} from '../helpers/openstack.js'

jest.setTimeout(240_000)

let admin: Connection
let demo: Connection
const prefix = unique('hostile')
const images: string[] = []
const servers: string[] = []
const asAdmin = () => osEnv('admin')

beforeAll(() => {
  if (openstackSkipped) return
  admin = connectAs('admin')
  demo = connectAs('demo')
})

afterAll(async () => {
  if (openstackSkipped) return
  for (const id of servers) await deleteServer(demo, id)
  for (const f of (await listFlavors(admin, true)).filter((x) => x.name.startsWith(prefix)))
    await admin.call('compute', 'DELETE', `/flavors/${segment(f.id)}`, {accept: [404]})
  for (const id of images) await deleteImage(demo, id)
})

const write = (name: string, text: string) => {
  const path = join(tempDir('wd-hostile-'), name)
  writeFileSync(path, text)
  return path
}

/** `wd catalog plan CATALOG -o PLAN.json` within `scope`; the plan as written. */
function savedPlan(catalog: string, scope: string, ...more: string[]): {path: string; plan: Plan} {
  const path = join(tempDir('wd-hostile-'), 'plan.json')
  const r = wd(['catalog', 'plan', catalog, '--flavors', scope, '-o', path, ...more], undefined, asAdmin())
  expect([r.status, r.stderr]).toEqual([0, expect.any(String)])
  return {path, plan: JSON.parse(readFileSync(path, 'utf8')) as Plan}
}

/** The plan written back as an attacker would: edited, and (`digest`) with its digest, if it has one, computed again. */
function edited(path: string, plan: Plan, digest = true): string {
  writeFileSync(path, JSON.stringify(digest && plan.digest !== undefined ? {...plan, digest: planDigest(plan)} : plan))
  return path
}

const applyError = (path: string) =>
  wdJson<{error: {code: string; message: string}}>(['catalog', 'apply', path, '--yes'], {status: 2, env: asAdmin()})
    .error

const flavorGone = async (id: string) =>
  (await admin.call('compute', 'GET', `/flavors/${segment(id)}`, {accept: [404]})).status === 404

describe('item 1: a saved plan is applied only when it does what it shows', () => {
  live('desired edited (prompt still shows poweroff): refused with and without a recomputed digest', async () => {
    const id = await createFlavor(admin, `${prefix}-p1`, {'hw:watchdog_action': 'reset'})
    const catalog = write(
      'c.yaml',
      `flavors:\n  - {name: ${prefix}-p1, id: ${id}, extra_specs: {hw:watchdog_action: poweroff}}\n`,
    )
    const {path, plan} = savedPlan(catalog, `${prefix}-p1`)
    const item = plan.items.find((i) => i.id === id)!
    expect(item.changes).toEqual([{field: 'extra_specs', key: 'hw:watchdog_action', from: 'reset', to: 'poweroff'}])
    if (item.kind !== 'flavor') throw new Error('a flavor item')
    item.desired!.extraSpecs = {'hw:watchdog_action': 'disabled', 'hw:cpu_policy': 'dedicated'}
    expect(applyError(edited(path, plan, false))).toMatchObject({
      code: 'WD_PLAN_INVALID',
      message: expect.stringMatching(/digest does not match/),
    })
    expect(applyError(edited(path, plan))).toMatchObject({
      code: 'WD_PLAN_INVALID',
      message: expect.stringMatching(/item \d+ \(flavor .*-p1\): what it would send is not what it shows/),
    })
    expect(await flavorSpecs(admin, id)).toEqual({'hw:watchdog_action': 'reset'})
    // the plan as written applies
    edited(path, JSON.parse(JSON.stringify({...plan, items: savedPlan(catalog, `${prefix}-p1`).plan.items})) as Plan)
    expect(wd(['catalog', 'apply', path, '--yes'], undefined, asAdmin()).status).toBe(0)
    expect(await flavorSpecs(admin, id)).toEqual({'hw:watchdog_action': 'poweroff'})
  })

  live("an image set: a value plan refuses, Glance's own fields; nothing sent", async () => {
    const image = await createImage(demo, `${prefix}-img`, {hw_watchdog_action: 'reset'})
    images.push(image)
    const catalog = write(
      'i.yaml',
      `images:\n  - {name: ${prefix}-img, id: ${image}, properties: {hw_watchdog_action: poweroff}}\n`,
    )
    const {path, plan} = savedPlan(catalog, `${prefix}-none-*`)
    const item = plan.items.find((i) => i.id === image)!
    if (item.kind !== 'image') throw new Error('an image item')
    // consistent in itself: what it shows is what it sends
    item.set = {hw_watchdog_action: 'Reset'}
    item.changes = [{field: 'properties', key: 'hw_watchdog_action', from: 'reset', to: 'Reset'}]
    expect(applyError(edited(path, plan))).toMatchObject({
      code: 'WD_PLAN_INVALID',
      message: expect.stringMatching(/it writes what plan refuses: .*'Reset' is not a Nova watchdog action/),
    })
    item.set = {visibility: 'public', owner: 'someone-else', name: 'renamed'}
    item.observed = {visibility: null, owner: null, name: null}
    item.changes = Object.entries(item.set).map(([key, to]) => ({field: 'properties', key, from: null, to}))
    expect(applyError(edited(path, plan))).toMatchObject({
      code: 'WD_PLAN_INVALID',
      message: expect.stringMatching(/'visibility' is one of Glance's own fields/),
    })
    expect(await imageOf(demo, image)).toMatchObject({
      name: `${prefix}-img`,
      visibility: 'private',
      hw_watchdog_action: 'reset',
    })
  })

  live('a create never in changes, and one item 1,000 times: refused, nothing sent', async () => {
    const id = await createFlavor(admin, `${prefix}-p2`, {'hw:watchdog_action': 'reset'})
    const catalog = write(
      'c.yaml',
      `flavors:\n  - {name: ${prefix}-p2, id: ${id}, extra_specs: {hw:watchdog_action: pause}}\n`,
    )
    const {path, plan} = savedPlan(catalog, `${prefix}-p2`)
    const item = plan.items.find((i) => i.id === id)!
    if (item.kind !== 'flavor') throw new Error('a flavor item')
    const sneaked = {
      ...item,
      action: 'create' as const,
      name: `${prefix}-sneaked`,
      id: null,
      changes: [],
      desired: {...item.desired!, id: '', name: `${prefix}-sneaked`},
      observed: undefined,
    }
    const withCreate = {...plan, items: [...plan.items, sneaked]}
    expect(applyError(edited(path, {...withCreate, summary: {...plan.summary, create: 1}}))).toMatchObject({
      code: 'WD_PLAN_INVALID',
      message: expect.stringMatching(/\(flavor .*-sneaked\): what it would send is not what it shows/),
    })
    const repeated = {...plan, items: Array.from({length: 1000}, () => item)}
    expect(applyError(edited(path, {...repeated, summary: {...plan.summary, update: 1000}}))).toMatchObject({
      code: 'WD_PLAN_INVALID',
      message: expect.stringMatching(/item 1: a second item for the flavor/),
    })
    expect((await listFlavors(admin, true)).some((f) => f.name === `${prefix}-sneaked`)).toBe(false)
    expect(await flavorSpecs(admin, id)).toEqual({'hw:watchdog_action': 'reset'})
  })
})

describe('item 6: the delete guard asks Nova at apply time', () => {
  live('a flavor that gained a server after the plan is not deleted', async () => {
    const keep = await createFlavor(admin, `${prefix}-g-keep`, {})
    const used = await createFlavor(admin, `${prefix}-g-used`, {})
    const catalog = write('c.yaml', `flavors:\n  - {name: ${prefix}-g-keep, id: ${keep}}\n`)
    const {path, plan} = savedPlan(catalog, `${prefix}-g-*`, '--prune')
    expect(plan.items.find((i) => i.id === used)).toMatchObject({action: 'delete', servers: {count: 0}})
    const image = await createImage(demo, `${prefix}-g-img`, {})
    images.push(image)
    await activateImage(demo, image)
    servers.push(await createServer(demo, `${prefix}-g-server`, image, used))
    const r = wdJson<{results: {id: string; status: string; reason?: string}[]}>(['catalog', 'apply', path, '--yes'], {
      status: 1,
      env: asAdmin(),
    })
    expect(r.results.find((x) => x.id === used)).toMatchObject({
      status: 'not-attempted',
      reason: expect.stringMatching(/^1 server\(s\) use it now; --allow-replace deletes it anyway$/),
    })
    expect(await flavorGone(used)).toBe(false)
  })
})

describe('item 7: ids and keys `..` stay data', () => {
  live("the extra spec '..' is removed, and the flavor with id '..' is pruned, each for real", async () => {
    const keep = await createFlavor(admin, `${prefix}-d-keep`, {})
    await admin.call('compute', 'POST', '/flavors', {
      body: {flavor: {name: `${prefix}-d-dots`, id: '..', ram: 64, vcpus: 1, disk: 1}},
    })
    await admin.call('compute', 'POST', `/flavors/${segment('..')}/os-extra_specs`, {
      body: {extra_specs: {'..': 'x', '.': 'y', 'hw:watchdog_action': 'reset'}},
    })
    const catalog = write(
      'c.yaml',
      `flavors:\n  - {name: ${prefix}-d-dots, id: '..', extra_specs: {hw:watchdog_action: reset}}\n` +
        `  - {name: ${prefix}-d-keep, id: ${keep}}\n`,
    )
    const r = wd(['catalog', 'apply', catalog, '--yes', '--flavors', `${prefix}-d-*`, '--debug'], undefined, asAdmin())
    expect(r.stdout).toMatch(/^applied +update +flavor .*-d-dots \(\.\.\)$/m)
    expect(r.stderr).toMatch(/http: DELETE http:\/\/127\.0\.0\.1:\d+\/v2\.1\/flavors\/%2E%2E\/os-extra_specs\/%2E%2E /)
    const specs = json<{extra_specs: Record<string, string>}>(
      await admin.call('compute', 'GET', `/flavors/${segment('..')}/os-extra_specs`),
    ).extra_specs
    expect(specs).toEqual({'hw:watchdog_action': 'reset'})
    // now pruned: the catalog lists only the other flavor
    const only = write('k.yaml', `flavors:\n  - {name: ${prefix}-d-keep, id: ${keep}}\n`)
    const pruned = wd(
      ['catalog', 'apply', only, '--yes', '--prune', '--flavors', `${prefix}-d-*`],
      undefined,
      asAdmin(),
    )
    expect(pruned.stdout).toMatch(/^applied +delete +flavor .*-d-dots \(\.\.\)$/m)
    expect(await flavorGone('..')).toBe(true)
    expect(await flavorGone(keep)).toBe(false)
  })
})

describe('item 9: extra-spec keys that are JavaScript method names', () => {
  live("a cloud's are planned for removal and removed; a catalog's print as themselves", async () => {
    const res = await admin.call('compute', 'POST', '/flavors', {
      body: {flavor: {name: `${prefix}-m1`, ram: 64, vcpus: 1, disk: 1}},
    })
    const id = json<{flavor: {id: string}}>(res).flavor.id
    // as text: a JavaScript object literal cannot hold an own __proto__ key
    await admin.call('compute', 'POST', `/flavors/${id}/os-extra_specs`, {
      body: '{"extra_specs": {"toString": "a", "constructor": "b", "valueOf": "c", "__proto__": "d", "hw:watchdog_action": "reset"}}',
    })
    const catalog = write(
      'c.yaml',
      `flavors:\n  - {name: ${prefix}-m1, id: ${id}, extra_specs: {hw:watchdog_action: reset}}\n`,
    )
    const plan = wdJson<Plan>(['catalog', 'plan', catalog, '--flavors', `${prefix}-m1`], {env: asAdmin()})
    const removed = plan.items
      .find((i) => i.id === id)!
      .changes.filter((c) => c.to === null)
      .map((c) => c.key)
    expect(removed.sort()).toEqual(['__proto__', 'constructor', 'toString', 'valueOf'])
    expect(wd(['catalog', 'apply', catalog, '--yes', '--flavors', `${prefix}-m1`], undefined, asAdmin()).status).toBe(0)
    expect(await flavorSpecs(admin, id)).toEqual({'hw:watchdog_action': 'reset'})
    const adds = write(
      'a.yaml',
      `flavors:\n  - {name: ${prefix}-m1, id: ${id}, extra_specs: {hw:watchdog_action: reset, toString: x}}\n`,
    )
    const text = wd(['catalog', 'plan', adds, '--flavors', `${prefix}-m1`], undefined, asAdmin()).stdout
    expect(text).toContain("extra_specs toString: (not set) → 'x'")
    expect(text).not.toContain('native code')
  })
})

describe('item 10: --prune with catalogs that list no flavor', () => {
  live.each([
    ['an empty file', ''],
    ['null', 'null\n'],
    ['images: []', 'images: []\n'],
  ])('%s: refused without --prune-all, nothing deleted', async (_, text) => {
    const id = await createFlavor(admin, `${prefix}-e-${text.length}`, {})
    const catalog = write('empty.yaml', text)
    const r = wdJson<{error: {code: string; message: string}}>(
      ['catalog', 'apply', catalog, '--yes', '--prune', '--flavors', `${prefix}-e-*`],
      {status: 2, env: asAdmin()},
    )
    expect(r.error).toMatchObject({
      code: 'WD_USAGE',
      message: expect.stringMatching(/list no flavor: --prune would delete/),
    })
    expect(await flavorGone(id)).toBe(false)
    await deleteFlavor(admin, id)
  })

  live('--prune-all says it is meant: the plan deletes them', async () => {
    const id = await createFlavor(admin, `${prefix}-a-1`, {})
    const plan = wdJson<Plan>(
      ['catalog', 'plan', write('e.yaml', ''), '--prune', '--prune-all', '--flavors', `${prefix}-a-*`],
      {
        env: asAdmin(),
      },
    )
    expect(plan.items.map((i) => [i.id, i.action])).toEqual([[id, 'delete']])
  })
})
