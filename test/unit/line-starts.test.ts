/**
 * Lines of a big text without a string per line (src/text/line-starts.ts), which a finding's place and its source
 * line in the text report use: the same lines as String.split, and the same line and column as counting by hand.
 */
import {describe, expect, it} from '@jest/globals'
import fc from 'fast-check'
import {lineAt, lineStarts, lineText} from '../../src/text/line-starts.js'

// texts made of few characters, line ends among them, so that empty lines, a leading or a trailing \n, and CRLF occur
const text = fc.string({unit: fc.constantFrom('a', ' ', '\n', '\r', 'é', '😀'), maxLength: 60})

describe('line starts', () => {
  it('every line, and none past the last, as String.split gives them', () => {
    fc.assert(
      fc.property(text, (t) => {
        const split = t.split('\n')
        const starts = lineStarts(t)
        expect(starts).toHaveLength(split.length)
        for (let n = 1; n <= split.length + 1; n++) expect(lineText(t, starts, n)).toBe(split[n - 1])
        expect(lineText(t, starts, 0)).toBeUndefined()
      }),
    )
  })

  it('each offset lies on the line that counting line ends before it gives, and lineAt finds it', () => {
    fc.assert(
      fc.property(text, (t) => {
        const starts = lineStarts(t)
        for (let offset = 0; offset <= t.length; offset++) {
          const line = t.slice(0, offset).split('\n').length
          expect(lineAt(starts, offset)).toBe(line)
          expect(starts[line - 1]).toBeLessThanOrEqual(offset)
          if (line < starts.length) expect(starts[line]).toBeGreaterThan(offset)
        }
      }),
    )
  })
})
