/**
 * Issue 24 item 9: what --dry-run says. A change that changes nothing says "no change", never "would set … (now: the
 * same)"; a change says exactly which keys it would set and remove; a dry run's table says it is one. And `wd xml
 * patch` without --dry-run is no dry run (it prints the patched domain; it writes no file).
 */
import {describe, expect, it} from '@jest/globals'
import {copyFileSync} from 'node:fs'
import {join} from 'node:path'
import type {WatchdogChange} from '../../src/operations/target.js'
import {describeFlavor} from '../../src/operations/targets/flavor.js'
import {describeImage} from '../../src/operations/targets/image.js'
import type {Image} from '../../src/api/glance.js'
import {dryRunCaption, dryRunLine} from '../../src/report/watchdog.js'
import {fixture, wdJson} from '../helpers/cli.js'
import {tempDir} from '../helpers/gates.js'
import {aFlavor as flavor} from '../helpers/shapes.js'

function change<T>(
  describe: (x: T) => WatchdogChange['before'],
  before: T,
  after: T,
  changed: boolean,
): WatchdogChange {
  const b = describe(before)
  return {target: b.target, before: b, after: describe(after), changed, written: false, dryRun: true, warnings: []}
}

describe('--dry-run of wd flavor|image set|unset', () => {
  it('a value already there: no change, not "would set … (now: the same)"', () => {
    const same = flavor({'hw:watchdog_action': 'reset'})
    const line = dryRunLine(change(describeFlavor, same, same, false))
    expect(line).toBe('dry run: no change: flavor m1.small already has hw:watchdog_action=reset')
    const none = flavor({})
    expect(dryRunLine(change(describeFlavor, none, none, false))).toBe(
      'dry run: no change: flavor m1.small has no hw:watchdog_action',
    )
  })

  it('a change says what it would set and remove, and what is there now', () => {
    const set = change(
      describeFlavor,
      flavor({'hw:watchdog_action': 'poweroff'}),
      flavor({'hw:watchdog_action': 'reset'}),
      true,
    )
    expect(dryRunLine(set)).toBe('dry run: would set hw:watchdog_action=reset on flavor m1.small (now: poweroff)')
    const unset = change(describeFlavor, flavor({'hw:watchdog_action': 'pause'}), flavor({}), true)
    expect(dryRunLine(unset)).toBe('dry run: would remove hw:watchdog_action from flavor m1.small (now: pause)')
  })

  it("--migrate-legacy of an image that has the action already: it would remove the blueprint's key, and set nothing", () => {
    const before: Image = {id: 'i1', name: 'old-appliance', hw_watchdog_action: 'reset', watchdog: 'reset'}
    const after: Image = {id: 'i1', name: 'old-appliance', hw_watchdog_action: 'reset'}
    expect(dryRunLine(change(describeImage, before, after, true))).toBe(
      'dry run: would remove watchdog from image old-appliance (now: reset)',
    )
  })

  it('the table a dry run prints says it is one', () => {
    expect(dryRunCaption(2)).toBe('dry run: as they would be; nothing was written')
    expect(dryRunCaption(1)).toBe('dry run: as it would be; nothing was written')
  })
})

describe('wd xml patch --json', () => {
  it('to stdout: no dry run (and no file written); --in-place --dry-run is one', () => {
    const dir = tempDir('wd-xml-')
    const file = join(dir, 'guest.xml')
    copyFileSync(fixture('domain-pc.xml'), file)
    const out = wdJson<{dryRun: boolean; written: boolean; changed: boolean}>([
      'xml',
      'patch',
      file,
      '--flavor-spec',
      'hw:watchdog_action=reset',
    ])
    expect(out).toMatchObject({dryRun: false, written: false, changed: true})
    const dry = wdJson<{dryRun: boolean; written: boolean}>([
      'xml',
      'patch',
      file,
      '--flavor-spec',
      'hw:watchdog_action=reset',
      '--in-place',
      '--dry-run',
    ])
    expect(dry).toMatchObject({dryRun: true, written: false})
  })
})
