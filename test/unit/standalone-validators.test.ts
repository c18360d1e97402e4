/**
 * The bundled CLI validates with ajv's standalone code made at build time (scripts/standalone-validators.mjs), the
 * tests and the library with ajv compiling the same schemas: both must say the same, errors and all (problems.ts
 * words them from their params and parentSchema). Reads the build's output: run `npm run build` first.
 */
import {describe, expect, it} from '@jest/globals'
import type {ValidateFunction} from 'ajv/dist/2020.js'
import fc from 'fast-check'
import {existsSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {CORE_SCHEMA, loadAll} from 'js-yaml'
import {findValidator} from '../../src/schema/compiled-validators.js'
import {SCHEMA_NAMES, schemaDocument} from '../../src/schema/validator.js'
import {editedCatalog, shapedCatalog} from '../helpers/catalog-arbitraries.js'

type Find = (id: string) => ValidateFunction | undefined
const generated = new URL('../../dist/gen/standalone-validators.mjs', import.meta.url)

async function standalone(): Promise<Find> {
  if (!existsSync(fileURLToPath(generated))) throw new Error(`no ${fileURLToPath(generated)}: run npm run build`)
  return ((await import(generated.href)) as {findValidator: Find}).findValidator
}

const ids = SCHEMA_NAMES.flatMap((name) => {
  const id = `urn:wd:schemas:v1:${name}`
  const defs = Object.keys((schemaDocument(name) as {$defs?: object}).$defs ?? {})
  return [id, ...defs.map((d) => `${id}#/$defs/${d}`)]
})

/** Same verdict, same errors, from the standalone and the compiled validator of `id`. */
function same(find: Find, id: string, data: unknown): void {
  const built = find(id)!
  const compiled = findValidator(id)!
  expect(built(data)).toBe(compiled(data))
  expect(built.errors).toEqual(compiled.errors)
}

/** The data of a text, when it loads. */
function loaded(text: string): unknown[] {
  try {
    return loadAll(text, {schema: CORE_SCHEMA})
  } catch {
    return []
  }
}

const catalogIds = ['catalog', 'flavor', 'image', 'osism-flavors', 'osism-flavors#/$defs/flavor'].map(
  (s) => `urn:wd:schemas:v1:${s}`,
)

describe('standalone validators (build) and compiled ones (ajv at run time)', () => {
  it('every published schema and each of its $defs has one', async () => {
    const find = await standalone()
    expect(ids.filter((id) => typeof find(id) !== 'function')).toEqual([])
    expect(find('urn:wd:schemas:v1:nope')).toBeUndefined()
  })

  it('the fuzz corpus of catalogs: the same verdict and errors for the catalog, its items, the osism layout', async () => {
    const find = await standalone()
    const check = (data: unknown) => {
      for (const id of catalogIds) same(find, id, data)
      const items = (data as {flavors?: unknown})?.flavors
      for (const item of Array.isArray(items) ? items : []) {
        same(find, 'urn:wd:schemas:v1:flavor', item)
        same(find, 'urn:wd:schemas:v1:osism-flavors#/$defs/flavor', item)
      }
      if (Array.isArray(items)) same(find, 'urn:wd:schemas:v1:osism-flavors', {mandatory: items, recommended: items})
    }
    fc.assert(
      fc.property(editedCatalog, (text) => loaded(text).forEach(check)),
      {numRuns: 300},
    )
    fc.assert(fc.property(shapedCatalog, check), {numRuns: 300})
  })

  it('any JSON value against every schema and $defs entry', async () => {
    const find = await standalone()
    fc.assert(
      fc.property(fc.constantFrom(...ids), fc.jsonValue({maxDepth: 4}), (id, data) => same(find, id, data)),
      {numRuns: 1000},
    )
  })
})
