/**
 * ajv errors turned into one plain problem per place: a path into the document, whether it is about a key or a
 * value, and a message that says what is allowed. anyOf/oneOf branches are folded into a single problem.
 */
import type {ErrorObject} from 'ajv'
import {didYouMean} from '../engine/suggest.js'
import type {Path} from '../source/yaml-source.js'

export interface SchemaProblem {
  path: Path
  on: 'key' | 'value'
  /** the ajv keyword, e.g. `type`, `enum`, `additionalProperties`, for the rule id */
  keyword: string
  message: string
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

function describe(e: ErrorObject, branches: ErrorObject[]): string {
  const p = e.params as Record<string, unknown>
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty)
      const mean = didYouMean(key, allowedKeys(e))
      return `unknown key '${key}'` + (mean ? `; did you mean '${mean}'?` : `; allowed: ${allowedKeys(e).join(', ')}`)
    }
    case 'enum':
      return `must be one of: ${(p.allowedValues as unknown[]).join(', ')} (got ${JSON.stringify(e.data)})`
    case 'type':
      return `must be ${String(p.type)} (got ${JSON.stringify(e.data)})`
    case 'required':
      return `missing required key '${String(p.missingProperty)}'`
    case 'anyOf':
    case 'oneOf': {
      if (branches.length > 0 && branches.every((b) => b.keyword === 'required')) {
        return `needs one of the keys: ${branches.map((b) => String((b.params as {missingProperty: string}).missingProperty)).join(', ')}`
      }
      if (branches.length > 0 && branches.every((b) => b.keyword === 'type')) {
        return `must be ${branches.map((b) => String((b.params as {type: string}).type)).join(' or ')} (got ${JSON.stringify(e.data)})`
      }
      return `does not match any allowed form`
    }
    case 'pattern':
      if (e.propertyName !== undefined) return `key '${e.propertyName}' does not match ${String(p.pattern)}`
      return `must match ${String(p.pattern)}`
    default:
      return e.message ?? 'is invalid'
  }
}

export function schemaProblems(errors: readonly ErrorObject[] | null | undefined): SchemaProblem[] {
  const all = errors ?? []
  const folds = all.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
  const branchOf = (e: ErrorObject) =>
    folds.find((f) => f !== e && f.instancePath === e.instancePath && e.schemaPath.startsWith(f.schemaPath + '/'))
  const problems: SchemaProblem[] = []
  for (const e of all) {
    if (e.keyword === 'propertyNames' || e.keyword === 'if') continue // the inner error says it better
    if (branchOf(e)) continue
    const path = toPath(e.instancePath)
    const p = e.params as Record<string, unknown>
    const branches = all.filter((b) => branchOf(b) === e)
    if (e.keyword === 'additionalProperties') path.push(String(p.additionalProperty))
    if (e.propertyName !== undefined) path.push(e.propertyName)
    const on = e.keyword === 'additionalProperties' || e.propertyName !== undefined ? 'key' : 'value'
    problems.push({path, on, keyword: e.keyword, message: describe(e, branches)})
  }
  return problems
}
