/**
 * Checking catalogs, the one loop of `wd catalog validate`, `POST /v1/validate`, and the catalogs a plan or an apply
 * is made from (same inputs: files, directories, globs, '-'; or a text in hand, a request's body). Each face keeps
 * its error policy: validate reports a file it cannot read and goes on with the others; plan, apply and the service
 * stop at it. For plan and apply a catalog with errors, or a policy violation, stops everything before the cloud is
 * asked anything.
 */
import {WdError} from '../errors.js'
import {expandInputs} from '../fs/expand-inputs.js'
import {loadCatalog, type Catalog} from '../catalog/load.js'
import {validateCatalog, type ValidateOptions} from '../catalog/validate.js'
import {MAX_CATALOG_BYTES} from '../limits.js'
import type {Policy} from '../policy/policy.js'
import type {FileResult, Summary} from '../catalog/result.js'
import {summarize} from '../catalog/result.js'
import {readInput, type Input} from '../fs/read-input.js'

/** Where catalogs come from: paths as a user gives them (files, directories, globs, '-'), or texts in hand. */
export type CatalogSources = {paths: readonly string[]} | {texts: readonly Input[]}

export interface CheckOptions extends ValidateOptions {
  /**
   * A file that cannot be read (or names nothing): 'report' makes it a result of its own and goes on (wd catalog
   * validate); 'throw' (the default) stops everything with its error.
   */
  unreadable?: 'report' | 'throw'
}

export interface CatalogCheck {
  /** each file's findings (and unreadable or skipped files), in the order of the inputs, missing ones first */
  results: FileResult[]
  summary: Summary
}

export interface CatalogInputs {
  catalogs: Catalog[]
  /** each file's findings, for the report that says why a catalog is refused */
  results: FileResult[]
  /** false when a finding is an error: nothing may be planned from these catalogs */
  valid: boolean
}

/** One input's turn: the catalog loaded and its result, or (reported) why it could not be read. */
type Turn = {catalog: Catalog; result: FileResult} | {catalog?: undefined; result: FileResult}

async function* checked(from: CatalogSources, options: CheckOptions): AsyncGenerator<Turn> {
  const {unreadable = 'throw', ...validate} = options
  const check = (input: Input): Turn => {
    const catalog = loadCatalog(input.text, input.name)
    return {catalog, result: validateCatalog(catalog, input.text, validate)}
  }
  if ('texts' in from) {
    for (const input of from.texts) yield check(input)
    return
  }
  const {files, missing} = await expandInputs(from.paths)
  if (unreadable === 'throw') {
    const [gone] = missing
    if (gone) throw new WdError('WD_NOT_FOUND', `${gone.arg}: ${gone.reason}`)
  }
  for (const m of missing) yield {result: {file: m.arg, findings: [], unreadable: m.reason}}
  for (const file of files) {
    let turn: Turn
    try {
      turn = check(await readInput(file, MAX_CATALOG_BYTES))
    } catch (e) {
      if (unreadable === 'throw' || !(e instanceof WdError) || e.exit !== 2) throw e
      turn = {result: {file, findings: [], unreadable: e.message}}
    }
    yield turn
  }
}

/** `wd catalog validate` and `POST /v1/validate`: every file's findings and their counts. */
export async function validateCatalogs(from: CatalogSources, options: CheckOptions = {}): Promise<CatalogCheck> {
  const results: FileResult[] = []
  for await (const {result} of checked(from, options)) results.push(result)
  return {results, summary: summarize(results)}
}

/** The catalogs a plan or an apply is made from, validated as `wd catalog validate` does; nothing unreadable. */
export async function readCatalogs(args: readonly string[], policy?: Policy): Promise<CatalogInputs> {
  const catalogs: Catalog[] = []
  const results: FileResult[] = []
  for await (const {catalog, result} of checked({paths: args}, {...(policy && {policy})})) {
    results.push(result)
    if (catalog && !result.skipped) catalogs.push(catalog)
  }
  return {catalogs, results, valid: summarize(results).errors === 0}
}
