/** The fuzz corpus of catalogs (fast-check): a real catalog with random edits, and catalog-shaped data of any type. */
import fc from 'fast-check'
import {readFileSync} from 'node:fs'

const validCatalog = readFileSync(new URL('../fixtures/catalogs/valid.yaml', import.meta.url), 'utf8')

/** `base` with one to six random edits: at a random place, up to `deleted` characters out and an `inserted` in. */
export const editsOf = (base: string, inserted: fc.Arbitrary<string>, deleted: number) =>
  fc.array(fc.tuple(fc.nat(base.length), fc.nat(deleted), inserted), {minLength: 1, maxLength: 6}).map((edits) => {
    let text = base
    for (const [at, del, ins] of edits) text = text.slice(0, at) + ins + text.slice(at + del)
    return text
  })

/** test/fixtures/catalogs/valid.yaml with one to six random edits (deletions and binary insertions). */
export const editedCatalog = editsOf(validCatalog, fc.string({maxLength: 6, unit: 'binary'}), 8)

/** A wd-layout catalog whose flavors have some right, some wrong, keys with values of any JSON type. */
export const shapedCatalog = fc.record({
  flavors: fc.array(
    fc.dictionary(fc.constantFrom('name', 'vcpus', 'extra_specs', 'ram', 'x'), fc.jsonValue({maxDepth: 4})),
    {maxLength: 4},
  ),
})
