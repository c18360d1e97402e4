/** The published schemas in schemas/ by name, and their validators. */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import type {ValidateFunction} from 'ajv/dist/2020.js'
import {findValidator} from './compiled-validators.js'
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

/**
 * The validator of a published schema, or of one of its parts (`fragment`, a JSON pointer such as `/$defs/flavor`;
 * the bundled CLI has those of `/$defs/NAME` only: compiled-validators.ts).
 */
export function validator(name: SchemaName, fragment = ''): ValidateFunction {
  const v = findValidator(schemaId(name) + (fragment && `#${fragment}`))
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
