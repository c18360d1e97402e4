/**
 * Issue 24 item 1: a fix never changes what happens on a hang. Over generated flavor/image pairs, applying every fix
 * the findings suggest leaves the resolved device as it was, unless the finding is about the effective value itself
 * (a value of hw:watchdog_action / hw_watchdog_action that Nova refuses, which no fix can leave as it is).
 */
import {describe, expect, it} from '@jest/globals'
import fc from 'fast-check'
import type {Finding} from '../../src/engine/findings.js'
import {resolve} from '../../src/engine/resolve.js'
import {FLAVOR_KEY, IMAGE_KEY, NOVA_SETTINGS} from '../../src/vocab/nova.js'

type Props = Record<string, string>
type Pair = {flavor: Props; image: Props}

const RIGHT = {flavor: FLAVOR_KEY, image: IMAGE_KEY} as const

// every spelling the checks know, a near miss of each, and a key that has nothing to do with the watchdog
const keys = fc.constantFrom(
  FLAVOR_KEY,
  IMAGE_KEY,
  'watchdog',
  'hw:watchdog_actoin',
  'watchdog_action',
  'hw_watchdog',
  'HW_Watchdog_Action',
  'hw:cpu_policy',
)
const values = fc.constantFrom(...NOVA_SETTINGS, 'Reset', ' pause', 'shutdown', 'inject-nmi', 'dump', '', 'weird')
const props = fc.dictionary(keys, values, {maxKeys: 4})
const pairs = fc.record({flavor: props, image: props})

/** The fix as the finding says it: `KEY=VALUE` writes the value, `remove KEY` deletes the key. */
function applyFix(pair: Pair, f: Finding): Pair {
  const on = {...pair[f.subject]}
  const removal = /^remove (.+)$/.exec(f.fix!)
  if (removal) delete on[removal[1]!]
  else {
    const eq = f.fix!.indexOf('=')
    expect(eq).toBeGreaterThan(0)
    on[f.fix!.slice(0, eq)] = f.fix!.slice(eq + 1)
  }
  return {...pair, [f.subject]: on}
}

const findingsOf = (p: Pair) => {
  const r = resolve(p)
  return [...r.errors, ...r.warnings]
}

/** A finding about the effective value itself: the value Nova reads, which it refuses (or reads as '' on a flavor). */
const aboutEffectiveValue = (f: Finding) => f.on === 'value' && f.key === RIGHT[f.subject]

describe('fixes never change what happens on a hang', () => {
  it('applying every fix of a finding not about the effective value leaves the resolved device unchanged', () => {
    fc.assert(
      fc.property(pairs, (pair) => {
        const before = resolve(pair).device
        const fixes = findingsOf(pair).filter((f) => f.fix !== undefined && !aboutEffectiveValue(f))
        for (const f of fixes)
          expect([f.rule, f.fix, resolve(applyFix(pair, f)).device]).toEqual([f.rule, f.fix, before])
        const all = fixes.reduce(applyFix, pair)
        expect(resolve(all).device).toEqual(before)
      }),
      {numRuns: 3000},
    )
  })

  it('a fix never writes over a value Nova takes: only a refused value is corrected', () => {
    fc.assert(
      fc.property(pairs, (pair) => {
        for (const f of findingsOf(pair)) {
          if (f.fix === undefined || f.fix.startsWith('remove ')) continue
          const current = pair[f.subject][RIGHT[f.subject]]
          // the fix writes the effective key, and only where Nova refuses what is there
          expect([f.rule, f.fix.split('=')[0]]).toEqual([f.rule, RIGHT[f.subject]])
          expect([f.rule, current !== undefined && (NOVA_SETTINGS as readonly string[]).includes(current)]).toEqual([
            f.rule,
            false,
          ])
        }
      }),
      {numRuns: 3000},
    )
  })

  it('after every fix is applied, no finding has a fix left (one round converges)', () => {
    fc.assert(
      fc.property(pairs, (pair) => {
        const fixed = findingsOf(pair)
          .filter((f) => f.fix !== undefined)
          .reduce(applyFix, pair)
        expect(findingsOf(fixed).filter((f) => f.fix !== undefined)).toEqual([])
      }),
      {numRuns: 3000},
    )
  })

  it("the issue's cases: an image set to poweroff with the blueprint's watchdog=reset; a flavor at pause with an ignored hw_watchdog_action=reset", () => {
    const image = resolve({image: {[IMAGE_KEY]: 'poweroff', watchdog: 'reset'}})
    expect(image.warnings.map((w) => [w.rule, w.fix])).toEqual([['nova/blueprint-key', 'remove watchdog']])
    expect(image.warnings[0]!.message).not.toMatch(/write hw_watchdog_action=reset/i)
    expect(image.warnings[0]!.message).toContain("hw_watchdog_action='poweroff' decides")
    const flavor = resolve({flavor: {[FLAVOR_KEY]: 'pause', [IMAGE_KEY]: 'reset'}})
    expect(flavor.warnings.map((w) => [w.rule, w.fix])).toEqual([
      ['nova/image-key-on-flavor', 'remove hw_watchdog_action'],
    ])
    expect(flavor.warnings[0]!.message).not.toMatch(/write hw:watchdog_action=reset/i)
  })
})
