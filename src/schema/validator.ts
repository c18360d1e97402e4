/** One ajv (JSON Schema 2020-12) over the published schemas in schemas/, built on first use. */
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {Ajv2020, type ValidateFunction} from 'ajv/dist/2020.js'
import {WdError} from '../errors.js'
import {schemasDir} from '../paths.js'

export const SCHEMA_NAMES = [
  'watchdog',
  'flavor',
  'image',
  'catalog',
  'osism-flavors',
  'policy',
  'resolution',
  'service-config',
  'qmp-watchdog-event',
  'bark',
  'watchdog-state',
  'watchdog-change',
  'catalog-report',
  'cli-results',
  'catalog-plan',
  'catalog-apply',
  'audit-report',
  'guest-report',
  'proxmox-list',
] as const
export type SchemaName = (typeof SCHEMA_NAMES)[number]

const schemaId = (name: SchemaName): string => `urn:wd:schemas:v1:${name}`

let ajv: Ajv2020 | undefined

function instance(): Ajv2020 {
  if (ajv) return ajv
  // verbose: errors carry their parentSchema, which names the keys an object allows (for "did you mean")
  // Relaxed strictness the schemas use on purpose: "one of these keys" as anyOf of required, union types, and
  // hw:watchdog_action named in properties although it also matches the extra-spec pattern.
  ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    allowMatchingProperties: true,
    verbose: true,
  })
  for (const file of readdirSync(schemasDir()).filter((f) => f.endsWith('.schema.json'))) {
    ajv.addSchema(JSON.parse(readFileSync(join(schemasDir(), file), 'utf8')) as object)
  }
  return ajv
}

/** The validator of a published schema, or of one of its parts (`fragment`, a JSON pointer such as `/$defs/flavor`). */
export function validator(name: SchemaName, fragment = ''): ValidateFunction {
  const v = instance().getSchema(schemaId(name) + (fragment && `#${fragment}`))
  if (!v) throw new WdError('WD_NOT_FOUND', `no schema '${name}${fragment && `#${fragment}`}'`)
  return v
}

/** The published schema document itself. */
export function schemaDocument(name: string): object {
  if (!(SCHEMA_NAMES as readonly string[]).includes(name)) {
    throw new WdError('WD_NOT_FOUND', `no schema '${name}'`, {hint: `schemas: ${SCHEMA_NAMES.join(', ')}`})
  }
  return JSON.parse(readFileSync(join(schemasDir(), `${name}.schema.json`), 'utf8')) as object
}
