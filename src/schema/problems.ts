/**
 * ajv errors turned into one plain problem per place: a path into the document, whether it is about a key or a
 * value, and a message that says what is allowed. anyOf/oneOf branches are folded into a single problem.
 * Linear in the number of errors: a hostile document can make ajv report hundreds of thousands.
 */
import type {ErrorObject} from 'ajv'
import {didYouMean} from '../engine/suggest.js'
import type {Path} from '../data-path.js'
import {clip, preview} from '../text/clip.js'

export interface SchemaProblem {
  path: Path
  on: 'key' | 'value'
  /** the ajv keyword, e.g. `type`, `enum`, `additionalProperties`, for the rule id */
  keyword: string
  /** made when read: a file may have hundreds of thousands of problems, and only the listed ones are read */
  readonly message: string
}

class Problem implements SchemaProblem {
  constructor(
    readonly path: Path,
    readonly on: 'key' | 'value',
    readonly keyword: string,
    private readonly error: ErrorObject,
    private readonly branches: readonly ErrorObject[],
  ) {}

  get message(): string {
    return describe(this.error, this.branches)
  }
}

function toPath(pointer: string): (string | number)[] {
  if (pointer === '') return []
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s))
}

function allowedKeys(e: ErrorObject): string[] {
  const props = (e.parentSchema as {properties?: object} | undefined)?.properties
  return props ? Object.keys(props) : []
}

function describe(e: ErrorObject, branches: readonly ErrorObject[]): string {
  const p = e.params as Record<string, unknown>
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty)
      const mean = didYouMean(key, allowedKeys(e))
      return (
        `unknown key '${clip(key)}'` + (mean ? `; did you mean '${mean}'?` : `; allowed: ${allowedKeys(e).join(', ')}`)
      )
    }
    case 'enum':
      return `must be one of: ${(p.allowedValues as unknown[]).join(', ')} (got ${preview(e.data)})`
    case 'type':
      return `must be ${String(p.type)} (got ${preview(e.data)})`
    case 'required':
      return `missing required key '${String(p.missingProperty)}'`
    case 'maximum':
    case 'minimum':
    case 'exclusiveMaximum':
    case 'exclusiveMinimum':
      return `${e.message ?? 'is out of range'} (got ${preview(e.data)})`
    case 'anyOf':
    case 'oneOf': {
      if (branches.length > 0 && branches.every((b) => b.keyword === 'required')) {
        return `needs one of the keys: ${branches.map((b) => String((b.params as {missingProperty: string}).missingProperty)).join(', ')}`
      }
      if (branches.length > 0 && branches.every((b) => b.keyword === 'type')) {
        return `must be ${branches.map((b) => String((b.params as {type: string}).type)).join(' or ')} (got ${preview(e.data)})`
      }
      return `does not match any allowed form`
    }
    case 'pattern':
      if (e.propertyName !== undefined) return `key '${clip(e.propertyName)}' does not match ${String(p.pattern)}`
      return `must match ${String(p.pattern)}`
    default:
      return e.message ?? 'is invalid'
  }
}

/** The problems of one validation; `prefix` is the path of the validated value inside its document. */
export function schemaProblems(errors: readonly ErrorObject[] | null | undefined, prefix: Path = []): SchemaProblem[] {
  const all = errors ?? []
  // Folds by the place they are about: an error is a branch of a fold at the same place whose schema path encloses
  // its own. ajv reports a fold after its branches, so the index is built first.
  const foldsAt = new Map<string, ErrorObject[]>()
  for (const e of all) {
    if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf') continue
    const list = foldsAt.get(e.instancePath)
    if (list) list.push(e)
    else foldsAt.set(e.instancePath, [e])
  }
  const branchOf = (e: ErrorObject) =>
    foldsAt.get(e.instancePath)?.find((f) => f !== e && e.schemaPath.startsWith(f.schemaPath + '/'))
  const branches = new Map<ErrorObject, ErrorObject[]>()
  const folded = new Set<ErrorObject>()
  for (const e of all) {
    const fold = branchOf(e)
    if (!fold) continue
    folded.add(e)
    const list = branches.get(fold)
    if (list) list.push(e)
    else branches.set(fold, [e])
  }
  const problems: SchemaProblem[] = []
  for (const e of all) {
    if (e.keyword === 'propertyNames' || e.keyword === 'if') continue // the inner error says it better
    if (folded.has(e)) continue
    const path = [...prefix, ...toPath(e.instancePath)]
    const p = e.params as Record<string, unknown>
    if (e.keyword === 'additionalProperties') path.push(String(p.additionalProperty))
    if (e.propertyName !== undefined) path.push(e.propertyName)
    const on = e.keyword === 'additionalProperties' || e.propertyName !== undefined ? 'key' : 'value'
    problems.push(new Problem(path, on, e.keyword, e, branches.get(e) ?? []))
  }
  return problems
}
