/** Validating one catalog text: load, check, and keep the text for the report's source lines. */
import type {FileResult} from '../report/catalog/model.js'
import type {Policy} from '../policy/policy.js'
import {checkCatalog} from './check.js'
import {loadCatalog} from './load.js'

export function validateCatalogText(text: string, name: string, policy?: Policy): FileResult {
  return {file: name, findings: checkCatalog(loadCatalog(text, name), policy), text}
}
