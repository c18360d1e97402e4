/**
 * The catalog diff by Nova's rules (src/catalog/diff.ts), without a cloud: the cloud is given as Nova's and Glance's
 * API answers. Nova lets a flavor's extra specs (os-extra_specs), its description (PUT /flavors/{id}, from 2.55) and
 * the access list of a private flavor (addTenantAccess/removeTenantAccess) change; every other field, and the id, is
 * fixed once the flavor exists, so a difference there is a replace (delete, then create). The same rules against the
 * real Nova and Glance: test/integration/catalog.test.ts.
 */
import {describe, expect, it} from '@jest/globals'
import type {Image} from '../../src/api/glance.js'
import type {Flavor} from '../../src/api/nova.js'
import {
  assertUniqueEntries,
  diffCatalog,
  flavorState,
  type FlavorPlanItem,
  type ImagePlanItem,
  type PlanOptions,
} from '../../src/catalog/diff.js'
import {loadCatalog} from '../../src/catalog/load.js'

/** A flavor as Nova's GET /flavors/detail answers it (2.61: extra specs included). */
const nova = (name: string, id: string, over: Partial<Flavor> = {}): Flavor => ({
  id,
  name,
  vcpus: 1,
  ram: 64,
  disk: 1,
  'OS-FLV-EXT-DATA:ephemeral': 0,
  swap: 0,
  rxtx_factor: 1,
  'os-flavor-access:is_public': true,
  description: null,
  extra_specs: {},
  ...over,
})

const options = (o: PlanOptions = {}): Required<PlanOptions> => ({
  scope: '**',
  prune: false,
  keepUnlistedSpecs: false,
  migrateLegacy: false,
  ...o,
})

/** The diff of a catalog (YAML text) against a cloud of flavors (with the access lists of private ones) and images. */
function diff(catalog: string, flavors: Flavor[], o: PlanOptions = {}, images: Image[] = [], access = {}) {
  const c = loadCatalog(catalog, 'c.yaml')
  const cloud = flavors.map((f) =>
    flavorState(
      f,
      (access as Record<string, string[]>)[f.id] ?? (f['os-flavor-access:is_public'] === false ? [] : null),
    ),
  )
  return diffCatalog(c, {flavors: cloud, images}, options(o))
}
const flavorItem = (catalog: string, flavors: Flavor[], o: PlanOptions = {}, access = {}) =>
  diff(catalog, flavors, o, [], access).items[0] as FlavorPlanItem
const imageItem = (catalog: string, images: Image[], o: PlanOptions = {}) =>
  diff(catalog, [], o, images).items[0] as ImagePlanItem
const thrown = (f: () => unknown) => {
  try {
    f()
  } catch (e) {
    return e as {code: string; message: string}
  }
  return undefined
}

const M1 = 'flavors:\n  - {name: m1, id: f1, vcpus: 1, ram: 64, disk: 1}\n'

describe('flavors the cloud does not have are created', () => {
  it('create: every field Nova stores (its defaults for what the catalog leaves out), the specs, the catalog id', () => {
    const item = flavorItem(
      'flavors:\n  - {name: m2, id: f2, vcpus: 2, ram: 128, extra_specs: {hw:watchdog_action: pause}}\n',
      [],
    )
    expect(item).toMatchObject({action: 'create', name: 'm2', id: 'f2', reasons: []})
    expect(item.observed).toBeUndefined()
    expect(item.changes).toEqual([
      {field: 'vcpus', from: null, to: 2},
      {field: 'ram', from: null, to: 128},
      {field: 'disk', from: null, to: 0},
      {field: 'ephemeral', from: null, to: 0},
      {field: 'swap', from: null, to: 0},
      {field: 'rxtx_factor', from: null, to: 1},
      {field: 'is_public', from: null, to: true},
      {field: 'extra_specs', key: 'hw:watchdog_action', from: null, to: 'pause'},
    ])
  })

  it('create without an id: Nova chooses it (id null); a private one is given its projects', () => {
    const item = flavorItem('flavors:\n  - {name: m2, vcpus: 1, ram: 64, is_public: false, access: [p2, p1]}\n', [])
    expect(item).toMatchObject({action: 'create', id: null, desired: {id: '', access: ['p1', 'p2']}})
    expect(item.changes.filter((c) => c.field === 'access')).toEqual([
      {field: 'access', key: 'p1', from: null, to: 'p1'},
      {field: 'access', key: 'p2', from: null, to: 'p2'},
    ])
  })

  it('create without vcpus or ram: refused (Nova needs both), before anything is planned', () => {
    expect(thrown(() => diff('flavors:\n  - {name: m2, ram: 64}\n', []))).toMatchObject({
      code: 'WD_CATALOG_INVALID',
      message: 'flavor m2 is not in the cloud, and the catalog gives no vcpus and ram to create it with',
    })
  })
})

describe('flavors the cloud has: updated in place only where Nova can', () => {
  it('the same: unchanged', () => {
    expect(flavorItem(M1, [nova('m1', 'f1')])).toMatchObject({action: 'unchanged', changes: [], reasons: []})
  })

  it('extra specs: changed, added and removed in place (an update, never a replace)', () => {
    const item = flavorItem(
      'flavors:\n  - {name: m1, id: f1, extra_specs: {hw:watchdog_action: poweroff, hw:cpu_policy: shared}}\n',
      [nova('m1', 'f1', {extra_specs: {'hw:watchdog_action': 'reset', 'quota:vif_inbound_average': '1000'}})],
    )
    expect(item).toMatchObject({action: 'update', id: 'f1', reasons: []})
    expect(item.changes).toEqual([
      {field: 'extra_specs', key: 'hw:watchdog_action', from: 'reset', to: 'poweroff'},
      {field: 'extra_specs', key: 'hw:cpu_policy', from: null, to: 'shared'},
      {field: 'extra_specs', key: 'quota:vif_inbound_average', from: '1000', to: null},
    ])
  })

  it('--keep-unlisted-specs: the specs the catalog does not list stay, and are what the flavor is to hold', () => {
    const item = flavorItem(
      'flavors:\n  - {name: m1, id: f1, extra_specs: {hw:watchdog_action: poweroff}}\n',
      [nova('m1', 'f1', {extra_specs: {'hw:watchdog_action': 'reset', 'hw:cpu_policy': 'shared'}})],
      {keepUnlistedSpecs: true},
    )
    expect(item.changes).toEqual([{field: 'extra_specs', key: 'hw:watchdog_action', from: 'reset', to: 'poweroff'}])
    expect(item.desired!.extraSpecs).toEqual({'hw:watchdog_action': 'poweroff', 'hw:cpu_policy': 'shared'})
  })

  it('description: updated in place (Nova ≥ 2.55 changes it)', () => {
    const item = flavorItem('flavors:\n  - {name: m1, id: f1, description: small}\n', [nova('m1', 'f1')])
    expect(item).toMatchObject({action: 'update', changes: [{field: 'description', from: null, to: 'small'}]})
  })

  it('the access list of a private flavor: projects added and removed in place', () => {
    const item = flavorItem(
      'flavors:\n  - {name: m1, id: f1, is_public: false, access: [p2, p3]}\n',
      [nova('m1', 'f1', {'os-flavor-access:is_public': false})],
      {},
      {f1: ['p1', 'p2']},
    )
    expect(item).toMatchObject({action: 'update', reasons: []})
    expect(item.changes).toEqual([
      {field: 'access', key: 'p3', from: null, to: 'p3'},
      {field: 'access', key: 'p1', from: 'p1', to: null},
    ])
  })

  it('fields the catalog leaves out are not compared: the cloud keeps its values', () => {
    const item = flavorItem('flavors:\n  - {name: m1, id: f1, extra_specs: {hw:watchdog_action: reset}}\n', [
      nova('m1', 'f1', {
        vcpus: 8,
        ram: 4096,
        disk: 40,
        swap: 512,
        rxtx_factor: 2,
        description: 'big',
        extra_specs: {'hw:watchdog_action': 'reset'},
      }),
    ])
    expect(item).toMatchObject({action: 'unchanged', changes: []})
    expect(item.desired!.fields).toMatchObject({vcpus: 8, ram: 4096, disk: 40, swap: 512, description: 'big'})
  })

  it("Nova before 2.75 says '' for no swap: the same as 0", () => {
    const item = flavorItem('flavors:\n  - {name: m1, id: f1, swap: 0}\n', [nova('m1', 'f1', {swap: ''})])
    expect(item.action).toBe('unchanged')
  })
})

describe('what Nova cannot change on a flavor is a replace', () => {
  it.each<[string, string, Partial<Flavor>, number | boolean, number | boolean]>([
    ['vcpus', 'vcpus: 2', {}, 1, 2],
    ['ram', 'ram: 128', {}, 64, 128],
    ['disk', 'disk: 5', {}, 1, 5],
    ['ephemeral', 'ephemeral: 10', {}, 0, 10],
    ['swap', 'swap: 256', {}, 0, 256],
    ['rxtx_factor', 'rxtx_factor: 2', {}, 1, 2],
    ['is_public', 'is_public: true', {'os-flavor-access:is_public': false}, false, true],
  ])('%s', (field, yaml, over, from, to) => {
    const item = flavorItem(`flavors:\n  - {name: m1, id: f1, ${yaml}}\n`, [nova('m1', 'f1', over)], {}, {f1: ['p1']})
    expect(item).toMatchObject({
      action: 'replace',
      id: 'f1',
      changes: [{field, from, to}],
      reasons: [`Nova cannot change ${field} on a flavor`],
    })
    expect(item.observed!.id).toBe('f1')
  })

  it('a replace also carries the spec changes, and no access changes (the new flavor is created with its list)', () => {
    const item = flavorItem(
      'flavors:\n  - {name: m1, id: f1, vcpus: 2, is_public: false, access: [p2], extra_specs: {hw:watchdog_action: pause}}\n',
      [nova('m1', 'f1', {'os-flavor-access:is_public': false, extra_specs: {'hw:watchdog_action': 'reset'}})],
      {},
      {f1: ['p1']},
    )
    expect(item.action).toBe('replace')
    expect(item.changes).toEqual([
      {field: 'vcpus', from: 1, to: 2},
      {field: 'extra_specs', key: 'hw:watchdog_action', from: 'reset', to: 'pause'},
    ])
    expect(item.desired!.access).toEqual(['p2'])
  })

  it("a catalog id new to the cloud while its name is taken: a replace under the catalog's id (Nova cannot change an id)", () => {
    const item = flavorItem('flavors:\n  - {name: m1, id: f9, vcpus: 1, ram: 64}\n', [nova('m1', 'f1')])
    expect(item).toMatchObject({
      action: 'replace',
      id: 'f9',
      changes: [{field: 'id', from: 'f1', to: 'f9'}],
      reasons: ["the catalog gives id f9; the cloud's m1 has id f1, and Nova cannot change it"],
      observed: {id: 'f1'},
      desired: {id: 'f9'},
    })
  })
})

describe('matching catalog entries to flavors', () => {
  it('by id when the catalog gives one (another flavor of the same name is left to the scope)', () => {
    const {items} = diff(M1, [nova('m1', 'f0'), nova('m1', 'f1')])
    expect(items.map((i) => [i.id, i.action])).toEqual([
      ['f1', 'unchanged'],
      ['f0', 'unmanaged'],
    ])
  })

  it('by name otherwise, with one warning that counts them', () => {
    const {items, warnings} = diff('flavors:\n  - {name: m1}\n  - {name: m2, vcpus: 1, ram: 64}\n', [nova('m1', 'f1')])
    expect(items.map((i) => [i.name, i.action, i.id])).toEqual([
      ['m1', 'unchanged', 'f1'],
      ['m2', 'create', null],
    ])
    expect(warnings).toEqual([
      expect.stringMatching(/^2 flavors have no id in the catalog: matched by name .*: m1, m2$/),
    ])
  })

  it('a name two flavors have, without an id: refused, with their ids', () => {
    expect(thrown(() => diff('flavors:\n  - {name: m1}\n', [nova('m1', 'f1'), nova('m1', 'f2')]))).toMatchObject({
      code: 'WD_CATALOG_INVALID',
      message: 'more than one flavor in the cloud is named m1',
    })
  })

  it('two catalog entries for one flavor (by name, or by id) or one image: refused', () => {
    for (const text of [
      'flavors:\n  - {name: m1}\n  - {name: m1}\n',
      'flavors:\n  - {name: m1, id: f1}\n  - {name: m2, id: f1}\n',
      'images:\n  - {name: i1}\n  - {name: i1}\n',
    ]) {
      expect(thrown(() => assertUniqueEntries(loadCatalog(text, 'c.yaml')))).toMatchObject({code: 'WD_CATALOG_INVALID'})
    }
  })
})

describe('flavors no catalog lists', () => {
  it('in scope: unmanaged, and left; with prune: deleted; out of scope: not in the plan at all', () => {
    const cloud = [nova('m1', 'f1'), nova('x.extra', 'f2'), nova('other', 'f3')]
    const plain = diff(M1, cloud, {scope: 'x.*'}).items
    expect(plain.map((i) => [i.name, i.action])).toEqual([
      ['m1', 'unchanged'],
      ['x.extra', 'unmanaged'],
    ])
    expect(plain[1]).toMatchObject({
      changes: [],
      reasons: ['no catalog lists it; --prune deletes it'],
      observed: {id: 'f2'},
    })
    const pruned = diff(M1, cloud, {scope: 'x.*', prune: true}).items
    expect(pruned[1]).toMatchObject({action: 'delete', id: 'f2', reasons: ['no catalog lists it (--prune)']})
    expect(pruned[1]).not.toHaveProperty('desired')
  })

  it('the flavor a replace under a new id observes is not also unmanaged', () => {
    const {items} = diff('flavors:\n  - {name: m1, id: f9, vcpus: 1, ram: 64}\n', [nova('m1', 'f1')], {prune: true})
    expect(items.map((i) => i.action)).toEqual(['replace'])
  })
})

describe('images: only the properties the catalog lists', () => {
  const image = (over: Record<string, unknown> = {}): Image => ({
    id: 'i1',
    name: 'debian',
    status: 'active',
    visibility: 'public',
    hw_watchdog_action: 'pause',
    os_distro: 'debian',
    ...over,
  })

  it('set what differs, remove what the catalog gives as null (if there), leave the rest', () => {
    const item = imageItem(
      'images:\n  - {name: debian, properties: {hw_watchdog_action: reset, os_distro: null, hw_qemu_guest_agent: null, os_type: linux}}\n',
      [image()],
    )
    expect(item).toMatchObject({
      action: 'update',
      id: 'i1',
      set: {hw_watchdog_action: 'reset', os_type: 'linux'},
      remove: ['os_distro'],
      observed: {hw_watchdog_action: 'pause', os_type: null, os_distro: 'debian'},
    })
    expect(item.changes).toEqual([
      {field: 'properties', key: 'hw_watchdog_action', from: 'pause', to: 'reset'},
      {field: 'properties', key: 'os_type', from: null, to: 'linux'},
      {field: 'properties', key: 'os_distro', from: 'debian', to: null},
    ])
  })

  it('the same: unchanged', () => {
    expect(
      imageItem('images:\n  - {name: debian, properties: {hw_watchdog_action: pause}}\n', [image()]),
    ).toMatchObject({action: 'unchanged', changes: [], set: {}, remove: []})
  })

  it('--migrate-legacy removes the blueprint key and the flavor spelling on the image', () => {
    const item = imageItem(
      'images:\n  - {name: debian, properties: {}}\n',
      [image({watchdog: 'reset', 'hw:watchdog_action': 'reset'})],
      {migrateLegacy: true},
    )
    expect(item).toMatchObject({action: 'update', remove: ['watchdog', 'hw:watchdog_action']})
    expect(imageItem('images:\n  - {name: debian, properties: {}}\n', [image({watchdog: 'reset'})]).action).toBe(
      'unchanged',
    )
  })

  it('matched by id, or by a name exactly one image has; wd never uploads one', () => {
    expect(imageItem('images:\n  - {name: other, id: i1, properties: {}}\n', [image()]).id).toBe('i1')
    expect(thrown(() => diff('images:\n  - {name: nope, properties: {}}\n', [], {}, [image()]))).toMatchObject({
      code: 'WD_CATALOG_INVALID',
      message: 'no image nope in the cloud (wd never uploads images)',
    })
    expect(
      thrown(() => diff('images:\n  - {name: debian, properties: {}}\n', [], {}, [image(), image({id: 'i2'})])),
    ).toMatchObject({code: 'WD_CATALOG_INVALID', message: 'more than one image is named debian'})
  })

  it("Glance's own fields are no properties: refused, set or removed", () => {
    for (const props of ['{visibility: private}', '{owner: null}', '{os_glance_import_task: x}']) {
      expect(
        thrown(() => diff(`images:\n  - {name: debian, properties: ${props}}\n`, [], {}, [image()])),
      ).toMatchObject({code: 'WD_CATALOG_INVALID', message: expect.stringMatching(/one of Glance's own fields/)})
    }
  })
})
