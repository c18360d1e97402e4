import {describe, expect, it} from '@jest/globals'
import fc from 'fast-check'
import {validateCatalogText} from '../../src/catalog/validate.js'
import {WdError} from '../../src/errors.js'
import {editedCatalog, shapedCatalog} from '../helpers/catalog-arbitraries.js'

/** Runs the validator on anything: it may refuse with a WdError, never crash; every finding is placed in the text. */
function survives(text: string): void {
  let findings
  try {
    findings = validateCatalogText(text, 'fuzz.yaml').findings
  } catch (e) {
    expect(e).toBeInstanceOf(WdError)
    return
  }
  const lines = text.split('\n').length
  for (const f of findings) {
    expect(f.position.line).toBeGreaterThanOrEqual(1)
    expect(f.position.line).toBeLessThanOrEqual(lines)
    expect(f.position.col).toBeGreaterThanOrEqual(1)
    expect(f.message.length).toBeGreaterThan(0)
  }
}

describe('catalog validate under malformed input', () => {
  it('survives random edits of a real catalog (property)', () => {
    fc.assert(fc.property(editedCatalog, survives), {numRuns: 400})
  })

  it('survives arbitrary text and arbitrary data of wrong types (property)', () => {
    fc.assert(fc.property(fc.string({maxLength: 200, unit: 'grapheme'}), survives), {numRuns: 300})
    fc.assert(
      fc.property(shapedCatalog, (doc) => survives(JSON.stringify(doc, null, 2))),
      {numRuns: 300},
    )
  })

  it('deep nesting is a positioned syntax finding, not a stack overflow', () => {
    const block = Array.from({length: 5000}, (_, i) => ' '.repeat(i) + `k${i}:`).join('\n') + ' 1'
    for (const text of ['['.repeat(100000), block]) {
      const [f, ...rest] = validateCatalogText(text, 'deep.yaml').findings
      expect(rest).toEqual([])
      expect(f!.rule).toBe('yaml/syntax')
      expect(f!.message).toMatch(/maxDepth/)
    }
  })

  it('an alias bomb is not expanded', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdefghij'.split('').map(
        (c, i) =>
          `${c}: &${c} [${Array(10)
            .fill('*' + 'abcdefghij'[i])
            .join(', ')}]`,
      ),
    ].join('\n')
    const t0 = Date.now()
    survives(bomb)
    expect(Date.now() - t0).toBeLessThan(5000)
  })
})
