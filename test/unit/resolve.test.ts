import {describe, expect, it} from '@jest/globals'
import fc from 'fast-check'
import {resolve} from '../../src/engine/resolve.js'

/**
 * Nova's own code, transcribed line by line from nova/virt/libvirt/driver.py _guest_add_watchdog_action
 * (the reference's §1.1), as the oracle the engine must agree with.
 */
function novaOracle(flavor: Record<string, string>, image: Record<string, string>): string | null {
  let action = flavor['hw:watchdog_action'] || 'disabled' // Python `or`
  if ('hw_watchdog_action' in image) action = image['hw_watchdog_action']! // ImageMetaProps.get(name, default)
  if (action === 'disabled') return null
  return ['none', 'pause', 'poweroff', 'reset', 'disabled'].includes(action) ? action : 'InvalidWatchdogAction'
}

describe('resolve: the truth table of Nova 26 (reference §1.2)', () => {
  const table: [string | undefined, string | undefined, string | null, string][] = [
    // flavor hw:watchdog_action, image hw_watchdog_action, device action, decided by
    [undefined, undefined, null, 'default'],
    ['', undefined, null, 'default'],
    ['reset', undefined, 'reset', 'flavor'],
    ['reset', 'disabled', null, 'image'],
    [undefined, 'pause', 'pause', 'image'],
    ['none', 'pause', 'pause', 'image'],
    ['none', undefined, 'none', 'flavor'],
    ['disabled', undefined, null, 'flavor'],
    ['poweroff', 'reset', 'reset', 'image'],
    ['', 'poweroff', 'poweroff', 'image'],
  ]
  it.each(table)('flavor %p, image %p → %p (decided by %p)', (f, i, action, decidedBy) => {
    const r = resolve({
      flavor: f === undefined ? {} : {'hw:watchdog_action': f},
      image: i === undefined ? {} : {hw_watchdog_action: i},
    })
    expect(r.device).toEqual(action === null ? null : {model: 'i6300esb', action})
    expect(r.decidedBy).toBe(decidedBy)
  })

  it('treats an empty flavor value as disabled but reports it invalid (Nova ≥ 2.86 refuses to store it)', () => {
    const r = resolve({flavor: {'hw:watchdog_action': ''}})
    expect(r.device).toBeNull()
    expect(r.errors.map((e) => e.rule)).toEqual(['nova/empty-flavor-action'])
    expect(r.errors[0]!.fix).toBe('hw:watchdog_action=disabled')
  })

  it('is case-sensitive and does not trim, with a did-you-mean', () => {
    for (const [value, meant] of [
      ['Reset', 'reset'],
      ['reset ', 'reset'],
      [' POWEROFF', 'poweroff'],
      ['pasue', 'pause'],
    ]) {
      const r = resolve({flavor: {'hw:watchdog_action': value!}})
      expect(r.device).toBeNull()
      expect(r.errors).toHaveLength(1)
      const e = r.errors[0]!
      expect(e.rule).toBe('nova/invalid-action')
      expect(e.message).toContain(`'${value}'`)
      expect(e.message).toContain('hw:watchdog_action')
      expect(e.message).toContain('none, pause, poweroff, reset, disabled')
      expect(e.message).toContain(`Did you mean '${meant}'?`)
      expect(e.fix).toBe(`hw:watchdog_action=${meant}`)
    }
  })

  it('names libvirt-only actions as such: shutdown, dump and inject-nmi are not Nova values', () => {
    for (const value of ['shutdown', 'dump', 'inject-nmi']) {
      const r = resolve({image: {hw_watchdog_action: value}})
      expect(r.errors[0]!.message).toContain('libvirt watchdog action that Nova does not offer')
      expect(r.errors[0]!.message).toContain('HTTP 400')
      expect(r.errors[0]!.fix).toBeUndefined()
    }
    expect(resolve({image: {hw_watchdog_action: 'debug'}}).errors[0]!.message).toContain('QEMU watchdog action')
  })

  it('an empty image value is invalid: it still wins, and nova-api refuses it', () => {
    const r = resolve({flavor: {'hw:watchdog_action': 'reset'}, image: {hw_watchdog_action: ''}})
    expect(r.decidedBy).toBe('image')
    expect(r.device).toBeNull()
    expect(r.errors.map((e) => e.rule)).toEqual(['nova/invalid-action'])
  })

  it('an invalid flavor value is an error even when a valid image value decides', () => {
    const r = resolve({flavor: {'hw:watchdog_action': 'reboot'}, image: {hw_watchdog_action: 'reset'}})
    expect(r.device).toEqual({model: 'i6300esb', action: 'reset'})
    expect(r.errors.map((e) => [e.subject, e.rule])).toEqual([['flavor', 'nova/invalid-action']])
  })

  it('agrees with Nova on any flavor and image (property)', () => {
    const value = fc.oneof(
      fc.constantFrom('none', 'pause', 'poweroff', 'reset', 'disabled', '', 'Reset', 'shutdown', ' reset'),
      fc.string({maxLength: 8}),
    )
    const props = (key: string) => fc.option(value, {nil: undefined}).map((v) => (v === undefined ? {} : {[key]: v}))
    const noise = fc.dictionary(
      fc.constantFrom('hw:cpu_policy', 'hw_rng_model', 'watchdog', 'hw_watchdog_action'),
      value,
    )
    fc.assert(
      fc.property(props('hw:watchdog_action'), props('hw_watchdog_action'), noise, noise, (f, i, fn, inoise) => {
        const flavor = {...fn, ...f}
        const image = {...inoise, ...i}
        const expected = novaOracle(flavor, image)
        const r = resolve({flavor, image})
        if (expected === 'InvalidWatchdogAction') {
          expect(r.device).toBeNull()
          expect(r.errors.some((e) => e.rule === 'nova/invalid-action')).toBe(true)
        } else {
          expect(r.device?.action ?? null).toBe(expected)
          expect(r.device?.model ?? 'i6300esb').toBe('i6300esb')
        }
      }),
      {numRuns: 2000},
    )
  })
})

describe('resolve: keys Nova ignores are never ignored silently, and never change the result', () => {
  it('hw_watchdog_action on a flavor', () => {
    const r = resolve({flavor: {hw_watchdog_action: 'reset'}})
    expect(r.device).toBeNull()
    // the fix changes nothing (issue 24 item 1); what to write if reset was meant is said, as the change it is
    expect(r.warnings.map((w) => [w.rule, w.fix])).toEqual([['nova/image-key-on-flavor', 'remove hw_watchdog_action']])
    expect(r.warnings[0]!.message).toMatch(/Nova ignores it/)
    expect(r.warnings[0]!.message).toContain(
      "if 'reset' is meant, write hw:watchdog_action=reset instead (that gives the flavor a watchdog)",
    )
    expect(r.errors).toEqual([])
  })

  it('hw:watchdog_action on an image', () => {
    const r = resolve({flavor: {'hw:watchdog_action': 'reset'}, image: {'hw:watchdog_action': 'disabled'}})
    expect(r.device).toEqual({model: 'i6300esb', action: 'reset'})
    // writing hw_watchdog_action=disabled would switch the flavor's reset off: the fix removes the ignored key
    expect(r.warnings.map((w) => [w.rule, w.fix])).toEqual([['nova/flavor-key-on-image', 'remove hw:watchdog_action']])
    expect(r.warnings[0]!.message).toContain("overrides every flavor's watchdog")
  })

  it("the blueprint's watchdog= on a flavor and on an image", () => {
    const r = resolve({flavor: {watchdog: 'poweroff'}, image: {watchdog: 'Reset'}})
    expect(r.device).toBeNull()
    expect(r.warnings.map((w) => [w.subject, w.rule, w.fix])).toEqual([
      ['flavor', 'nova/blueprint-key', 'remove watchdog'],
      ['image', 'nova/blueprint-key', 'remove watchdog'],
    ])
  })

  it('a misspelled hw: key is refused by Nova ≥ 2.86 (error); elsewhere it is ignored (warning)', () => {
    const flavor = resolve({flavor: {'hw:watchdog_actoin': 'reset'}})
    expect(flavor.errors.map((e) => [e.rule, e.fix])).toEqual([['nova/misspelled-key', 'remove hw:watchdog_actoin']])
    expect(flavor.errors[0]!.message).toContain('Did you mean hw:watchdog_action?')
    const unscoped = resolve({flavor: {watchdog_action: 'reset'}})
    expect(unscoped.warnings.map((w) => w.rule)).toEqual(['nova/misspelled-key'])
    const image = resolve({image: {hw_watchdog: 'pause', HW_WATCHDOG_ACTION: 'reset'}})
    expect(image.warnings.map((w) => [w.key, w.fix])).toEqual([
      ['hw_watchdog', 'remove hw_watchdog'],
      ['HW_WATCHDOG_ACTION', 'remove HW_WATCHDOG_ACTION'],
    ])
    expect(image.device).toBeNull()
  })

  it('leaves unrelated keys alone', () => {
    const r = resolve({
      flavor: {'hw:cpu_policy': 'dedicated', 'trait:CUSTOM_WATCHDOG_HOST': 'required', 'scs:cpu-type': 'shared-core'},
      image: {hw_rng_model: 'virtio', os_distro: 'debian'},
    })
    expect([...r.errors, ...r.warnings]).toEqual([])
  })

  it('explains each step', () => {
    const r = resolve({flavor: {'hw:watchdog_action': 'reset'}, image: {hw_watchdog_action: 'disabled'}})
    expect(r.trace.join('\n')).toMatch(
      /flavor hw:watchdog_action='reset'[\s\S]*image hw_watchdog_action='disabled' wins/,
    )
  })
})
