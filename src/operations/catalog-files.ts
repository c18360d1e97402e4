/**
 * The catalogs a plan or an apply is made from, read and validated as `wd catalog validate` does (same inputs:
 * files, directories, globs, '-'): a catalog with errors, or a policy violation, stops everything before the cloud
 * is asked anything.
 */
import {WdError} from '../errors.js'
import {expandInputs} from '../fs/expand-inputs.js'
import {loadCatalog, type Catalog} from '../catalog/load.js'
import {validateCatalog} from '../catalog/validate.js'
import {MAX_CATALOG_BYTES} from '../limits.js'
import type {Policy} from '../policy/policy.js'
import type {FileResult} from '../catalog/result.js'
import {summarize} from '../catalog/result.js'
import {readInput} from '../fs/read-input.js'

export interface CatalogInputs {
  catalogs: Catalog[]
  /** each file's findings, for the report that says why a catalog is refused */
  results: FileResult[]
  /** false when a finding is an error: nothing may be planned from these catalogs */
  valid: boolean
}

export async function readCatalogs(args: readonly string[], policy?: Policy): Promise<CatalogInputs> {
  const {files, missing} = await expandInputs(args)
  const [gone] = missing
  if (gone) throw new WdError('WD_NOT_FOUND', `${gone.arg}: ${gone.reason}`)
  const catalogs: Catalog[] = []
  const results: FileResult[] = []
  for (const file of files) {
    const input = await readInput(file, MAX_CATALOG_BYTES)
    const catalog = loadCatalog(input.text, input.name)
    const result = validateCatalog(catalog, input.text, {...(policy && {policy})})
    results.push(result)
    if (!result.skipped) catalogs.push(catalog)
  }
  return {catalogs, results, valid: summarize(results).errors === 0}
}
