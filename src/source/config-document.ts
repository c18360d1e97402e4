/**
 * The one document loader: a file's text → its data with positions → its schema → a WdError at file:line:col.
 * Exactly one YAML or JSON document (a second is refused rather than silently ignored); a schema problem is told in
 * the wording every file gets (schema/problems.ts). Configuration files (policy, `wd serve --config`, clouds.yaml)
 * fail as WD_CONFIG; a saved plan (operations/saved-plan.ts) as WD_SCHEMA.
 */
import {WdError, type WdErrorCode} from '../errors.js'
import {schemaProblems} from '../schema/problems.js'
import {validator, type SchemaName} from '../schema/validator.js'
import {parseSource, type SourceFile} from './yaml-source.js'

export interface Document {
  data: unknown
  source: SourceFile
}

/** The one document `text` holds; a syntax error or a second document is a `code` error at its place. */
export function readDocument(text: string, name: string, code: WdErrorCode = 'WD_CONFIG'): Document {
  const source = parseSource(text, name)
  const syntax = source.problems[0]
  if (syntax) throw new WdError(code, syntax.message, {location: syntax.position})
  if (source.data.length > 1) {
    throw new WdError(code, `${name} holds ${source.data.length} YAML documents; wd reads exactly one`, {
      location: source.locate(1, []),
      hint: "remove the '---' and what follows it, or merge the documents",
    })
  }
  return {data: source.data[0] ?? {}, source}
}

/** The document checked against its schema: the first problem is a `code` error at its file:line:col. */
export function assertSchema(doc: Document, schema: SchemaName, code: WdErrorCode = 'WD_CONFIG'): void {
  const validate = validator(schema)
  if (validate(doc.data)) return
  const [p] = schemaProblems(validate.errors)
  throw new WdError(code, p!.message, {location: doc.source.locate(0, p!.path, p!.on)})
}

export function loadConfigDocument(text: string, name: string, schema?: SchemaName): unknown {
  const doc = readDocument(text, name)
  if (schema) assertSchema(doc, schema)
  return doc.data
}
