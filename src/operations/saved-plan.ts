/**
 * A saved plan (`plan -o PLAN.json`) is a file anyone may have edited: it is applied only when what it does is what it
 * shows. `changes` is what the prompt, the pull-request comment and reviewers see; `desired`, `observed`, `set` and
 * `remove` are what apply sends. So every item is re-derived from what it observed and what it asks (the functions
 * plan itself uses), and any difference from what it shows is refused, as are duplicate items, a summary that does
 * not count the items, values `plan` would refuse (the catalog checks, and the policy when one is given), and image
 * keys that are Glance's own fields. The digest (plan-digest.ts) catches a hand edit first. Nothing is written on a
 * refusal: WD_PLAN_INVALID.
 */
import {WdError} from '../errors.js'
import {checkCatalog} from '../catalog/check.js'
import {loadCatalog} from '../catalog/load.js'
import {isGlanceField} from '../api/glance.js'
import {isObject} from '../untrusted.js'
import type {Policy} from '../policy/policy.js'
import {clip, oneLine} from '../text/clip.js'
import {
  flavorChanges,
  idChange,
  imageChanges,
  summaryOf,
  type Change,
  type FlavorPlanItem,
  type FlavorState,
  type ImagePlanItem,
  type PlanItem,
} from '../catalog/diff.js'
import type {Plan} from './catalog-plan.js'
import {planDigest} from './plan-digest.js'

const HINT = 'nothing was written; make the plan again with wd catalog plan -o PLAN.json, and do not edit it'

const refuse = (name: string, why: string) =>
  new WdError('WD_PLAN_INVALID', `${name}: ${oneLine(clip(why, 400))}`, {hint: HINT})

/**
 * The saved plan in `text`, not yet checked (checkPlan does that), or undefined when the text is no plan (a catalog
 * in JSON, say, or text that does not parse: the catalog's loader says where it breaks). It is read by the one
 * document loader, so a plan that does not match schemas/catalog-plan.schema.json is refused (WD_SCHEMA) at its
 * file:line:col, in the wording every file's schema problems have.
 */
export async function savedPlan(text: string, name: string): Promise<Plan | undefined> {
  const {assertSchema, readDocument} = await import('../source/config-document.js')
  let doc
  try {
    doc = readDocument(text, name, 'WD_SCHEMA')
  } catch (e) {
    if (e instanceof WdError) return undefined
    throw e
  }
  if (!isObject(doc.data) || !('version' in doc.data) || !('items' in doc.data)) return undefined
  try {
    assertSchema(doc, 'catalog-plan', 'WD_SCHEMA')
  } catch (e) {
    if (!(e instanceof WdError)) throw e
    throw new WdError(e.code, `no wd plan: ${e.message}`, {
      ...(e.location && {location: e.location}),
      hint: 'make one with wd catalog plan -o PLAN.json',
    })
  }
  return doc.data as unknown as Plan
}

/** Refuses (WD_PLAN_INVALID) a plan that does not do what it shows; see the module's comment. */
export function checkPlan(plan: Plan, name: string, policy?: Policy): void {
  if (plan.digest === undefined) throw refuse(name, 'the plan has no digest: it was not written by wd catalog plan')
  if (plan.digest !== planDigest(plan))
    throw refuse(name, 'the plan was changed after wd catalog plan wrote it (its digest does not match)')
  const seen = new Set<string>()
  for (const [i, item] of plan.items.entries()) {
    const key = `${item.kind} ${item.id ?? `named ${item.name}`}`
    if (seen.has(key)) throw refuse(name, `item ${i}: a second item for the ${key}`)
    seen.add(key)
    const why = item.kind === 'flavor' ? flavorMismatch(item, plan) : imageMismatch(item)
    if (why) throw refuse(name, `item ${i} (${item.kind} ${item.name}): ${why}`)
  }
  const counted = summaryOf(plan.items)
  if (JSON.stringify(counted) !== JSON.stringify(plan.summary))
    throw refuse(name, 'its summary does not count its items')
  assertValid(plan, name, policy)
}

/** The changes as a set: the same changes in any order are the same. */
const asSet = (changes: readonly Change[]) =>
  changes
    .map((c) => JSON.stringify([c.field, c.key ?? null, c.from, c.to]))
    .sort()
    .join('\n')

/** What would make the item do something other than it shows, or undefined. */
function flavorMismatch(item: FlavorPlanItem, plan: Plan): string | undefined {
  const {desired: d, observed: o} = item
  const shows = (changes: Change[]) =>
    asSet(changes) === asSet(item.changes) ? undefined : 'what it would send is not what it shows (its changes)'
  switch (item.action) {
    case 'unchanged':
    case 'unmanaged':
      return item.changes.length > 0 ? `an ${item.action} item with changes` : undefined
    case 'delete':
      if (d || !o || item.id !== o.id) return 'a delete is of the flavor it observed, and nothing else'
      if (!plan.options.prune) return 'a delete without --prune'
      return item.changes.length > 0 ? 'a delete with changes' : undefined
    case 'create': {
      if (o || !d) return 'a create observes nothing and has what it creates'
      if (d.name !== item.name || d.id !== (item.id ?? '')) return 'it creates another flavor than it names'
      return shows(flavorChanges(d, undefined, true).changes)
    }
    case 'update':
    case 'replace': {
      if (!o || !d) return `an ${item.action} has what it observed and what it makes`
      if (d.name !== item.name || d.id !== (item.id ?? '')) return 'it changes another flavor than it names'
      if (item.action === 'replace' && d.id !== o.id) return shows(idChange(d, o))
      if (d.id !== o.id) return 'it changes another flavor than it observed'
      const {changes, replaced} = flavorChanges(d, o, plan.options.keepUnlistedSpecs)
      if (replaced.length > 0 !== (item.action === 'replace')) return `it is no ${item.action}`
      return shows(changes) ?? (changes.length === 0 ? 'an update that changes nothing' : undefined)
    }
  }
}

function imageMismatch(item: ImagePlanItem): string | undefined {
  const keys = [...Object.keys(item.set), ...item.remove]
  const glance = keys.find(isGlanceField)
  if (glance !== undefined) return `'${glance}' is one of Glance's own fields, not a property`
  if (new Set(keys).size !== keys.length) return 'a property both set and removed, or removed twice'
  if ([...keys].sort().join('\n') !== Object.keys(item.observed).sort().join('\n'))
    return 'what it observed is not what it changes'
  if (item.remove.some((k) => item.observed[k] === null)) return 'it removes a property it did not observe'
  const changes = imageChanges(item.set, item.remove, item.observed)
  if (asSet(changes) !== asSet(item.changes)) return 'what it would send is not what it shows (its changes)'
  if (changes.length > 0 !== (item.action === 'update')) return `it is no ${item.action}`
  return undefined
}

/** The catalog entry a flavor state is (what `plan` validated it as). */
const entryOf = (d: FlavorState) => ({
  name: d.name,
  ...(d.id !== '' && {id: d.id}),
  ...d.fields,
  ...(d.fields.description === null && {description: undefined}),
  extra_specs: d.extraSpecs,
  ...(d.access !== null && {access: d.access}),
})

/**
 * Every value the plan would write, checked as `plan` checks a catalog (schemas, Nova's rules, and the policy when
 * one is given): the plan's flavors and images written as one catalog.
 */
function assertValid(plan: Plan, name: string, policy?: Policy): void {
  const flavors = plan.items.flatMap((i: PlanItem) =>
    i.kind === 'flavor' && i.desired && i.action !== 'unchanged' ? [entryOf(i.desired)] : [],
  )
  const images = plan.items.flatMap((i: PlanItem) =>
    i.kind === 'image' && i.action === 'update'
      ? [{name: i.name, id: i.id, properties: {...i.set, ...Object.fromEntries(i.remove.map((k) => [k, null]))}}]
      : [],
  )
  if (flavors.length === 0 && images.length === 0) return
  const text = JSON.stringify({...(flavors.length > 0 && {flavors}), ...(images.length > 0 && {images})})
  const {findings} = checkCatalog(loadCatalog(text, name), policy, 3)
  const errors = findings.filter((f) => f.severity === 'error')
  if (errors.length > 0) throw refuse(name, `it writes what plan refuses: ${errors.map((f) => f.message).join('; ')}`)
}
