/**
 * The OpenAPI document's answers are the published schemas: every response schema that says `x-wd-schema: NAME`
 * becomes a $ref to components.schemas.NAME, and every published schema is there with its `$id`, so the $refs
 * between them (by `urn:wd:schemas:v1:…`) resolve inside the document as JSON Schema 2020-12 bundling says.
 */
import {SCHEMA_NAMES, schemaDocument} from '../schema/validator.js'

type Json = Record<string, unknown>

function refsToPublished(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(refsToPublished)
  if (typeof node !== 'object' || node === null) return node
  const o = node as Json
  const name = o['x-wd-schema']
  if (typeof name === 'string') return {$ref: `#/components/schemas/${name}`}
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, refsToPublished(v)]))
}

export function withPublishedSchemas(doc: Json): Json {
  const components = (doc.components ?? {}) as Json
  const schemas = {...((components.schemas ?? {}) as Json)}
  for (const name of SCHEMA_NAMES) {
    // the document's own dialect (OpenAPI 3.1's, a 2020-12 superset) applies: the $schema keyword goes
    const schema = {...(schemaDocument(name) as Json)}
    delete schema.$schema
    schemas[name] = schema
  }
  return {...(refsToPublished(doc) as Json), components: {...components, schemas}}
}
