/** Validating one catalog text: load, check, cap what is listed, and keep the text for the report's source lines. */
import type {CatalogFinding} from './check.js'
import type {FileResult} from './result.js'
import type {Policy} from '../policy/policy.js'
import {checkCatalog} from './check.js'
import {loadCatalog, type Catalog} from './load.js'
import {isObject} from '../untrusted.js'

/** Findings listed per file unless told otherwise; the rest are counted in one closing finding. */
export const DEFAULT_MAX_FINDINGS = 1000

export interface ValidateOptions {
  policy?: Policy
  /** findings listed per file (the rest are counted); 0 lists all */
  maxFindings?: number
}

/** The top-level keys of a wd policy file (schemas/policy.schema.json): such a file in a catalog directory is skipped. */
const POLICY_KEYS = new Set(['allowedActions', 'imageOverride', 'require', 'access'])

const isPolicy = (data: unknown) =>
  isObject(data) && Object.keys(data).length > 0 && Object.keys(data).every((k) => POLICY_KEYS.has(k))

export function validateCatalogText(text: string, name: string, options: ValidateOptions = {}): FileResult {
  return validateCatalog(loadCatalog(text, name), text, options)
}

/** The findings of a loaded catalog (its text kept for the report's source lines). */
export function validateCatalog(catalog: Catalog, text: string, options: ValidateOptions = {}): FileResult {
  const name = catalog.source.name
  if (catalog.source.data.length === 1 && isPolicy(catalog.source.data[0])) {
    return {file: name, findings: [], skipped: 'a wd policy file, not a catalog (give it with --policy)'}
  }
  const max = options.maxFindings ?? DEFAULT_MAX_FINDINGS
  const {findings, omitted} = checkCatalog(catalog, options.policy, max)
  if (findings.length === 0 && catalog.flavors.length === 0 && catalog.images.length === 0) {
    findings.push({
      rule: 'catalog/empty',
      severity: 'warning',
      message: 'no flavors and no images: nothing to check',
      position: {file: name, line: 1, col: 1},
    })
  }
  const rest = omitted.errors + omitted.warnings
  if (rest === 0) return {file: name, findings, text}
  const more: CatalogFinding = {
    rule: 'catalog/more-findings',
    severity: omitted.errors > 0 ? 'error' : 'warning',
    message: `and ${rest} more findings (${omitted.errors} errors, ${omitted.warnings} warnings), not listed`,
    position: findings.at(-1)!.position,
    fix: `raise --max-findings (now ${max}; 0 lists all)`,
  }
  return {file: name, findings: [...findings, more], text, omitted}
}
