/**
 * Issue 22 item 1, the rules a saved plan is held to, without a cloud: a plan as `wd catalog plan` writes it passes;
 * each way of making it do something other than it shows is refused by name (WD_PLAN_INVALID), the digest set
 * right each time (it is no signature: the re-derivation is what holds). The same plans applied to the real Nova and
 * Glance: test/integration/catalog-hostile.test.ts.
 */
import {describe, expect, it} from '@jest/globals'
import type {FlavorPlanItem, FlavorState} from '../../src/catalog/diff.js'
import type {Plan} from '../../src/operations/catalog-plan.js'
import {planDigest} from '../../src/operations/plan-digest.js'
import {checkPlan, savedPlan} from '../../src/operations/saved-plan.js'
import {loadPolicy} from '../../src/policy/load.js'

const state = (specs: Record<string, string>, id = 'f1'): FlavorState => ({
  id,
  name: 'm1',
  fields: {vcpus: 1, ram: 64, disk: 1, ephemeral: 0, swap: 0, rxtx_factor: 1, is_public: true, description: null},
  extraSpecs: specs,
  access: null,
})

/** One update, reset → poweroff, with the cloud's other spec kept (keepUnlistedSpecs) or removed. */
function plan(keep = false, edit: (i: FlavorPlanItem, p: Plan) => void = () => undefined): Plan {
  const observed = state({'hw:cpu_policy': 'shared', 'hw:watchdog_action': 'reset'})
  const desired = state(
    keep ? {'hw:cpu_policy': 'shared', 'hw:watchdog_action': 'poweroff'} : {'hw:watchdog_action': 'poweroff'},
  )
  const item: FlavorPlanItem = {
    kind: 'flavor',
    action: 'update',
    name: 'm1',
    id: 'f1',
    changes: [
      {field: 'extra_specs', key: 'hw:watchdog_action', from: 'reset', to: 'poweroff'},
      ...(keep ? [] : [{field: 'extra_specs', key: 'hw:cpu_policy', from: 'shared', to: null}]),
    ],
    reasons: [],
    desired,
    observed,
  }
  const p = {
    version: 1 as const,
    options: {scope: '**', prune: false, keepUnlistedSpecs: keep, migrateLegacy: false},
    items: [item],
    summary: {create: 0, update: 1, replace: 0, delete: 0, unmanaged: 0, unchanged: 0},
    warnings: [],
    digest: '',
  }
  edit(item, p)
  return {...p, digest: planDigest(p)}
}

const refusal = (p: Plan, policy?: Parameters<typeof checkPlan>[2]) => {
  try {
    checkPlan(p, 'plan.json', policy)
  } catch (e) {
    return e as {code: string; message: string}
  }
  return undefined
}

describe('a saved plan does what it shows, or is refused', () => {
  it('as plan writes it: accepted (the merged specs of --keep-unlisted-specs too)', () => {
    expect(refusal(plan())).toBeUndefined()
    expect(refusal(plan(true))).toBeUndefined()
  })

  it.each<[string, (i: FlavorPlanItem, p: Plan) => void, RegExp]>([
    ['desired edited', (i) => (i.desired!.extraSpecs['hw:watchdog_action'] = 'disabled'), /not what it shows/],
    ['a change hidden', (i) => i.changes.pop(), /not what it shows/],
    ['observed edited', (i) => (i.observed!.extraSpecs = {}), /not what it shows/],
    ['another flavor changed', (i) => (i.desired!.id = 'f2'), /changes another flavor than it names/],
    ['a replace shown as an update', (i) => (i.desired!.fields.vcpus = 64), /it is no update/],
    [
      'a delete without --prune',
      (i, p) => {
        Object.assign(i, {action: 'delete', desired: undefined, changes: []})
        p.summary = {...p.summary, update: 0, delete: 1}
      },
      /a delete without --prune/,
    ],
    ['a summary that hides an item', (_, p) => (p.summary = {...p.summary, update: 0, unchanged: 1}), /summary/],
    [
      'an invalid value, shown as such',
      (i) => {
        i.desired!.extraSpecs['hw:watchdog_action'] = 'Reset'
        i.changes[0]!.to = 'Reset'
      },
      /writes what plan refuses: .*'Reset' is not a Nova watchdog action/,
    ],
  ])('%s', (_, edit, why) => {
    expect(refusal(plan(false, edit))).toMatchObject({code: 'WD_PLAN_INVALID', message: expect.stringMatching(why)})
  })

  it('the digest: a plan whose digest does not match, or that has none, is refused', () => {
    const p = plan()
    expect(refusal({...p, warnings: ['edited']})).toMatchObject({
      message: expect.stringMatching(/digest does not match/),
    })
    const none: Partial<Plan> = {...p}
    delete none.digest
    expect(refusal(none as Plan)).toMatchObject({message: expect.stringMatching(/has no digest/)})
  })

  it('with --policy, the values the plan writes are held to it', () => {
    const policy = loadPolicy('allowedActions: [reset]\n', 'policy.yaml')
    expect(refusal(plan(), policy)).toMatchObject({
      code: 'WD_PLAN_INVALID',
      message: expect.stringMatching(/writes what plan refuses: .*poweroff/),
    })
  })
})

describe('a saved plan is read by the one document loader', () => {
  /** Line and column of `needle` in `text` (1-based), found by plain search: independent of the code under test. */
  const at = (text: string, needle: string) => {
    const before = text.slice(0, text.indexOf(needle))
    return {line: before.split('\n').length, col: before.length - before.lastIndexOf('\n')}
  }
  const loaded = async (text: string) => {
    try {
      return await savedPlan(text, 'plan.json')
    } catch (e) {
      const {code, message, location} = e as {code: string; message: string; location?: object}
      return {code, message, location}
    }
  }

  it('as plan -o writes it: the plan, as it was written', async () => {
    const p = plan()
    expect(await loaded(JSON.stringify(p, null, 2))).toEqual(p)
  })

  it("a plan that does not match its schema: WD_SCHEMA at the value's file:line:col, in every file's wording", async () => {
    const text = JSON.stringify({...plan(), options: {...plan().options, prune: 'yes'}}, null, 2)
    expect(await loaded(text)).toMatchObject({
      code: 'WD_SCHEMA',
      message: 'no wd plan: must be boolean (got "yes")',
      location: {file: 'plan.json', ...at(text, '"yes"')},
    })
  })

  it('no plan (a catalog in JSON, or text that does not parse): undefined, for the catalog loader to read', async () => {
    expect(await loaded('{"flavors": []}')).toBeUndefined()
    expect(await loaded('{"version": 1, "items": [')).toBeUndefined()
  })
})
