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
import type {Path} from '../data-path.js'
import {clip} from '../text/clip.js'
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
  /** a string, a schema problem (worded when read), or wording that needs the place of `refers` */
  message: string | {readonly message: string} | ((refersAt: SourcePosition) => string)
  doc: number
  path: Path
  on: 'key' | 'value'
  fix?: string
  /** the first use a duplicate points back to */
  refers?: {doc: number; path: Path}
}

export interface CheckResult {
  /** the listed findings, in file order */
  findings: CatalogFinding[]
  /** the findings past `maxFindings`, counted */
  omitted: {errors: number; warnings: number}
}

const pathKey = (doc: number, path: Path) => `${doc}:${path.map(String).join('\u0000')}`

function fromEngine(entry: CatalogFlavor | CatalogImage, f: Finding): Unplaced {
  return {
    rule: f.rule,
    severity: f.severity,
    message: `${clip(entry.name)}: ${f.message}`,
    doc: entry.origin.doc,
    path: [...entry.origin.propsPath, f.key],
    on: f.on,
    ...(f.fix !== undefined && {fix: f.fix}),
  }
}

/** Second and later uses of a name or id, each pointing back at the first. */
function duplicates(
  entries: readonly (CatalogFlavor | CatalogImage)[],
  keyOf: (e: CatalogFlavor | CatalogImage) => string | undefined,
  field: 'name' | 'id',
  rule: RuleId,
  what: string,
  out: Unplaced[],
): void {
  const seen = new Map<string, CatalogFlavor | CatalogImage>()
  for (const e of entries) {
    const k = keyOf(e)
    if (k === undefined) continue
    const first = seen.get(k)
    if (first === undefined) {
      seen.set(k, e)
      continue
    }
    out.push({
      rule,
      severity: 'error',
      message: (at) => `${what} '${clip(k)}' is already used at line ${at.line}`,
      doc: e.origin.doc,
      path: [...e.origin.path, field],
      on: 'value',
      refers: {doc: first.origin.doc, path: [...first.origin.path, field]},
    })
  }
}

/**
 * Which findings to place and word: all when they fit the cap; else those in the first items of the file (found
 * from the document order of their paths, without placing them), enough to fill the cap. Placing and wording is what
 * costs; counting the rest does not, so a file with half a million findings is answered in bounded time.
 */
function listed(catalog: Catalog, findings: readonly Unplaced[], max: number): readonly Unplaced[] {
  if (max <= 0 || findings.length <= max) return findings
  const ranks = catalog.source.data.map((d) =>
    typeof d === 'object' && d !== null ? new Map(Object.keys(d).map((k, i) => [k, i])) : new Map<string, number>(),
  )
  // doc, top-level key, item index: the order of the file up to the order inside one item
  const coarse = (f: Unplaced) =>
    (f.doc * 1024 + (ranks[f.doc]?.get(String(f.path[0])) ?? 0)) * 2 ** 32 +
    (typeof f.path[1] === 'number' ? f.path[1] + 1 : 0)
  const keys = Float64Array.from(findings, coarse)
  const threshold = Float64Array.from(keys).sort()[max - 1]!
  return findings.filter((_, i) => keys[i]! <= threshold)
}

export function checkCatalog(catalog: Catalog, policy?: Policy, maxFindings = 0): CheckResult {
  const findings: Unplaced[] = []
  for (const f of catalog.flavors)
    for (const x of checkProperties('flavor', f.extraSpecs)) findings.push(fromEngine(f, x))
  for (const i of catalog.images)
    for (const x of checkProperties('image', i.properties)) findings.push(fromEngine(i, x))

  // A schema problem where the engine already speaks (a bad watchdog value) would say the same thing less well.
  const said = new Set(findings.map((f) => pathKey(f.doc, f.path)))
  for (const p of catalog.schemaProblems) {
    if (said.size > 0 && said.has(pathKey(p.doc, p.path))) continue
    findings.push({rule: schemaRule(p.keyword), severity: 'error', message: p, doc: p.doc, path: p.path, on: p.on})
  }

  duplicates(catalog.flavors, (e) => e.name, 'name', 'catalog/duplicate-flavor-name', 'flavor name', findings)
  duplicates(catalog.flavors, (e) => e.id, 'id', 'catalog/duplicate-flavor-id', 'flavor id', findings)
  duplicates(catalog.images, (e) => e.name, 'name', 'catalog/duplicate-image-name', 'image name', findings)

  if (policy) {
    const named = catalog.flavors.map((f) => ({name: f.name, props: f.extraSpecs}))
    for (const f of catalog.flavors) {
      for (const x of evaluateFlavor(policy, {name: f.name, props: f.extraSpecs})) findings.push(fromEngine(f, x))
    }
    for (const i of catalog.images) {
      for (const x of evaluateImage(policy, {name: i.name, props: i.properties}, named)) findings.push(fromEngine(i, x))
    }
  }

  // One walk of the file places the chosen findings and the first uses their duplicates point back to.
  const chosen = listed(catalog, findings, maxFindings)
  const refers = chosen.filter((f) => f.refers).map((f) => ({...f.refers!, on: 'value' as const}))
  const positions = catalog.source.place([...chosen, ...refers])
  let r = chosen.length
  const placed: CatalogFinding[] = catalog.source.problems.map((p) => ({
    rule: `yaml/${p.code}` as RuleId,
    severity: 'error',
    message: p.message,
    position: p.position,
  }))
  chosen.forEach((f, i) => {
    const m = f.message
    const message = typeof m === 'string' ? m : typeof m === 'function' ? m(positions[r++]!) : m.message
    placed.push({rule: f.rule, severity: f.severity, message, position: positions[i]!, ...(f.fix && {fix: f.fix})})
  })
  placed.sort((a, b) => a.position.line - b.position.line || a.position.col - b.position.col)
  const kept = maxFindings > 0 ? placed.slice(0, maxFindings) : placed
  const total = {errors: placed.length - chosen.length, warnings: 0}
  for (const f of findings) total[f.severity === 'error' ? 'errors' : 'warnings']++
  for (const f of kept) total[f.severity === 'error' ? 'errors' : 'warnings']--
  return {findings: kept, omitted: total}
}
