/** The fuzz corpus of catalogs (fast-check): a real catalog with random edits, and catalog-shaped data of any type. */
import fc from 'fast-check'
import {readFileSync} from 'node:fs'

const validCatalog = readFileSync(new URL('../fixtures/catalogs/valid.yaml', import.meta.url), 'utf8')

/** test/fixtures/catalogs/valid.yaml with one to six random edits (deletions and binary insertions). */
export const editedCatalog = fc
  .array(fc.tuple(fc.nat(validCatalog.length), fc.nat(8), fc.string({maxLength: 6, unit: 'binary'})), {
    minLength: 1,
    maxLength: 6,
  })
  .map((edits) => {
    let text = validCatalog
    for (const [at, del, ins] of edits) text = text.slice(0, at) + ins + text.slice(at + del)
    return text
  })

/** A wd-layout catalog whose flavors have some right, some wrong, keys with values of any JSON type. */
export const shapedCatalog = fc.record({
  flavors: fc.array(
    fc.dictionary(fc.constantFrom('name', 'vcpus', 'extra_specs', 'ram', 'x'), fc.jsonValue({maxDepth: 4})),
    {maxLength: 4},
  ),
})
