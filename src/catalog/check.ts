/**
 * Everything wrong with one catalog file, each finding placed at file:line:col: syntax, schema, what Nova refuses
 * or ignores, duplicates, and (with a policy) what the operator forbids.
 */
import type {SourcePosition} from '../errors.js'
import {checkProperties} from '../engine/nova-checks.js'
import {schemaRule, type RuleId} from '../engine/rules.js'
import type {Finding, Severity} from '../engine/findings.js'
import {evaluateFlavor, evaluateImage} from '../policy/evaluate.js'
import type {Policy} from '../policy/policy.js'
import type {Path} from '../source/yaml-source.js'
import type {Catalog} from './load.js'
import type {CatalogFlavor, CatalogImage} from './model.js'

export interface CatalogFinding {
  rule: RuleId
  severity: Severity
  message: string
  position: SourcePosition
  fix?: string
}

interface Unplaced {
  rule: RuleId
  severity: Severity
  message: string | ((placed: (i: number) => SourcePosition) => string)
  doc: number
  path: Path
  on: 'key' | 'value'
  fix?: string
}

const pathKey = (doc: number, path: Path) => `${doc}:${path.map(String).join('\u0000')}`

function fromEngine(entry: CatalogFlavor | CatalogImage, f: Finding): Unplaced {
  return {
    rule: f.rule as RuleId,
    severity: f.severity,
    message: `${entry.name}: ${f.message}`,
    doc: entry.origin.doc,
    path: [...entry.origin.propsPath, f.key],
    on: f.on,
    ...(f.fix !== undefined && {fix: f.fix}),
  }
}

/** Second and later uses of a name or id; the first use is placed only when something points back at it. */
function duplicates(
  entries: readonly (CatalogFlavor | CatalogImage)[],
  keyOf: (e: CatalogFlavor | CatalogImage) => string | undefined,
  field: 'name' | 'id',
  rule: RuleId,
  what: string,
  out: Unplaced[],
  firsts: Unplaced[],
): void {
  const seen = new Map<string, {entry: CatalogFlavor | CatalogImage; index?: number}>()
  for (const e of entries) {
    const k = keyOf(e)
    if (k === undefined) continue
    const first = seen.get(k)
    if (first === undefined) {
      seen.set(k, {entry: e})
      continue
    }
    if (first.index === undefined) {
      first.index = firsts.length
      const {doc, path} = first.entry.origin
      firsts.push({rule, severity: 'error', message: '', doc, path: [...path, field], on: 'value'})
    }
    const index = first.index
    out.push({
      rule,
      severity: 'error',
      message: (placed) => `${what} '${k}' is already used at line ${placed(index).line}`,
      doc: e.origin.doc,
      path: [...e.origin.path, field],
      on: 'value',
    })
  }
}

export function checkCatalog(catalog: Catalog, policy?: Policy): CatalogFinding[] {
  const findings: Unplaced[] = []
  for (const f of catalog.flavors)
    for (const x of checkProperties('flavor', f.extraSpecs)) findings.push(fromEngine(f, x))
  for (const i of catalog.images)
    for (const x of checkProperties('image', i.properties)) findings.push(fromEngine(i, x))

  // A schema problem where the engine already speaks (a bad watchdog value) would say the same thing less well.
  const said = new Set(findings.map((f) => pathKey(f.doc, f.path)))
  for (const p of catalog.schemaProblems) {
    if (said.has(pathKey(p.doc, p.path))) continue
    findings.push({
      rule: schemaRule(p.keyword),
      severity: 'error',
      message: p.message,
      doc: p.doc,
      path: p.path,
      on: p.on,
    })
  }

  const firsts: Unplaced[] = []
  duplicates(catalog.flavors, (e) => e.name, 'name', 'catalog/duplicate-flavor-name', 'flavor name', findings, firsts)
  duplicates(catalog.flavors, (e) => e.id, 'id', 'catalog/duplicate-flavor-id', 'flavor id', findings, firsts)
  duplicates(catalog.images, (e) => e.name, 'name', 'catalog/duplicate-image-name', 'image name', findings, firsts)

  if (policy) {
    const named = catalog.flavors.map((f) => ({name: f.name, props: f.extraSpecs}))
    for (const f of catalog.flavors) {
      for (const x of evaluateFlavor(policy, {name: f.name, props: f.extraSpecs})) findings.push(fromEngine(f, x))
    }
    for (const i of catalog.images) {
      for (const x of evaluateImage(policy, {name: i.name, props: i.properties}, named)) findings.push(fromEngine(i, x))
    }
  }

  // One walk of the file places every finding (and the first occurrences duplicates point back to).
  const positions = catalog.source.place([...findings, ...firsts])
  const firstAt = (i: number) => positions[findings.length + i]!
  const placed: CatalogFinding[] = catalog.source.problems.map((p) => ({
    rule: p.code === 'duplicate-key' ? 'yaml/duplicate-key' : 'yaml/syntax',
    severity: 'error',
    message: p.message,
    position: p.position,
  }))
  findings.forEach((f, i) => {
    const message = typeof f.message === 'string' ? f.message : f.message(firstAt)
    placed.push({rule: f.rule, severity: f.severity, message, position: positions[i]!, ...(f.fix && {fix: f.fix})})
  })
  return placed.sort((a, b) => a.position.line - b.position.line || a.position.col - b.position.col)
}
