/**
 * The validator of a schema id (`urn:wd:schemas:v1:NAME`, or with a `#/$defs/...` fragment), compiled by ajv at
 * first use. This is how tests and the library run; the bundled CLI has ajv's standalone code of every schema and
 * every $defs entry in this module's place instead (scripts/standalone-validators.mjs, scripts/bundle.mjs), so wd
 * compiles no schema when it starts.
 */
import type {Ajv2020, ValidateFunction} from 'ajv/dist/2020.js'
import {schemaCompiler} from './compiler.js'

let ajv: Ajv2020 | undefined

export function findValidator(id: string): ValidateFunction | undefined {
  ajv ??= schemaCompiler()
  return ajv.getSchema(id)
}
