/**
 * One ajv (JSON Schema 2020-12) holding every published schema in schemas/, with the options wd validates by. The
 * build makes ajv's standalone code from it (scripts/standalone-validators.mjs); running from sources, and as a
 * library, compiles from it at first use (compiled-validators.ts).
 */
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {Ajv2020} from 'ajv/dist/2020.js'
import {schemasDir} from '../paths.js'

/** `standalone`: keep each validator's source, for ajv/dist/standalone to write out. */
export function schemaCompiler(standalone = false): Ajv2020 {
  // verbose: errors carry their parentSchema, which names the keys an object allows (for "did you mean")
  // Relaxed strictness the schemas use on purpose: "one of these keys" as anyOf of required, union types, and
  // hw:watchdog_action named in properties although it also matches the extra-spec pattern.
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    allowMatchingProperties: true,
    verbose: true,
    ...(standalone && {code: {source: true}}),
  })
  for (const {schema} of publishedSchemas()) ajv.addSchema(schema)
  return ajv
}

/** A published schema as far as its id and parts go. */
interface PublishedSchema {
  $id: string
  $defs?: Record<string, unknown>
}

/**
 * Every schema in schemas/, with its file's name less `.schema.json`.
 *
 * @public scripts/standalone-validators.mjs reads it from the build (dist/), which knip cannot follow when it runs
 * before the build (CI lints while building), so the tag keeps knip from calling it unused.
 */
export function publishedSchemas(): {name: string; schema: PublishedSchema}[] {
  return readdirSync(schemasDir())
    .filter((f) => f.endsWith('.schema.json'))
    .map((file) => ({
      name: file.replace(/\.schema\.json$/, ''),
      schema: JSON.parse(readFileSync(join(schemasDir(), file), 'utf8')) as PublishedSchema,
    }))
}
