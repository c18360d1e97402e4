import {describe, expect, it} from '@jest/globals'
import fc from 'fast-check'
import {WdError} from '../../src/errors.js'
import {renderLibvirtElement} from '../../src/render/libvirt.js'
import {parseLibvirtElement} from '../../src/parse/libvirt-element.js'
import {parseProxmoxLine, parseProxmoxValue, renderProxmoxLine} from '../../src/render/proxmox.js'
import {parseQemuArgs, renderQemuArgs} from '../../src/render/qemu.js'
import {SYSTEMS, VOCABULARY, type Device, type System} from '../../src/vocab/systems.js'
import {translate} from '../../src/vocab/translate.js'

const deviceOf = (s: System) =>
  fc.record({model: fc.constantFrom(...VOCABULARY[s].models), action: fc.constantFrom(...VOCABULARY[s].actions)})

function refusal(fn: () => unknown): WdError {
  try {
    fn()
  } catch (e) {
    if (e instanceof WdError) return e
    throw e
  }
  throw new Error('expected a refusal')
}

describe('translate', () => {
  it('refuses what has no equivalent, with the reason', () => {
    const debug = refusal(() => translate({model: 'i6300esb', action: 'debug'}, 'proxmox', 'libvirt'))
    expect(debug.code).toBe('WD_UNTRANSLATABLE')
    expect(debug.message).toBe(
      "proxmox action 'debug' has no libvirt equivalent: 'debug' only makes QEMU print 'watchdog: timer fired'; libvirt and Nova have no such action",
    )
    expect(debug.hint).toBe('libvirt accepts the actions: reset, shutdown, poweroff, pause, none, dump, inject-nmi')
    const dump = refusal(() => translate({model: 'i6300esb', action: 'dump'}, 'libvirt', 'proxmox'))
    expect(dump.message).toMatch(/^libvirt action 'dump' has no proxmox equivalent: .*auto_dump_path/)
    expect(refusal(() => translate({model: 'itco', action: 'reset'}, 'libvirt', 'qemu')).message).toMatch(/q35/)
    expect(refusal(() => translate({model: 'ib700', action: 'reset'}, 'libvirt', 'nova')).message).toMatch(/i6300esb/)
    expect(refusal(() => translate({model: 'i6300esb', action: 'inject-nmi'}, 'qemu', 'proxmox')).message).toMatch(
      /Proxmox do not offer it/,
    )
  })

  it('every Nova device has an equivalent in every other system', () => {
    for (const action of VOCABULARY.nova.actions) {
      for (const to of SYSTEMS) {
        expect(translate({model: 'i6300esb', action} as Device<'nova'>, 'nova', to)).toEqual({
          model: 'i6300esb',
          action,
        })
      }
    }
  })

  it('round-trips: whatever translates from A to B translates back to the same device (property)', () => {
    const pair = fc.tuple(fc.constantFrom(...SYSTEMS), fc.constantFrom(...SYSTEMS))
    fc.assert(
      fc.property(
        pair.chain(([from, to]) => fc.tuple(fc.constant(from), fc.constant(to), deviceOf(from))),
        ([from, to, device]) => {
          let there: Device<System>
          try {
            there = translate(device as Device<typeof from>, from, to)
          } catch (e) {
            // a refusal is only allowed when B really lacks the name
            expect(e).toBeInstanceOf(WdError)
            const v = VOCABULARY[to]
            expect(v.models.includes(device.model) && v.actions.includes(device.action)).toBe(false)
            return
          }
          expect(translate(there, to, from)).toEqual(device)
        },
      ),
    )
  })
})

describe('render and parse round-trip (property)', () => {
  it('libvirt element', () => {
    fc.assert(
      fc.property(deviceOf('libvirt'), (d) => {
        const xml = renderLibvirtElement(d as Device<'libvirt'>)
        expect(xml).toBe(`<watchdog model='${d.model}' action='${d.action}'/>`)
        expect(parseLibvirtElement(xml)).toEqual(d)
      }),
    )
  })

  it('proxmox line', () => {
    fc.assert(
      fc.property(deviceOf('proxmox'), fc.boolean(), (d, withAction) => {
        const w = withAction ? (d as Device<'proxmox'>) : {model: d.model as Device<'proxmox'>['model']}
        const line = renderProxmoxLine(w)
        expect(line).toMatch(/^watchdog: model=[a-z0-9]+(,action=[a-z-]+)?$/)
        expect(parseProxmoxLine(line)).toEqual(w)
      }),
    )
  })

  it('qemu arguments', () => {
    fc.assert(
      fc.property(deviceOf('qemu'), (d) => {
        expect(parseQemuArgs(renderQemuArgs(d as Device<'qemu'>))).toEqual(d)
      }),
    )
  })
})

describe('parsers read what others write', () => {
  it("Proxmox's shorthand and option order, and refuses what Proxmox refuses", () => {
    expect(parseProxmoxValue('i6300esb')).toEqual({model: 'i6300esb'})
    expect(parseProxmoxValue('action=poweroff,model=ib700')).toEqual({model: 'ib700', action: 'poweroff'})
    expect(parseProxmoxValue('action=pause')).toEqual({model: 'i6300esb', action: 'pause'})
    expect(() => parseProxmoxValue('model=i6300esb,action=inject-nmi')).toThrow(/action 'inject-nmi' is not one of/)
    expect(() => parseProxmoxValue('model=itco')).toThrow(/model 'itco'/)
    expect(() => parseProxmoxValue('model=ib700,model=i6300esb')).toThrow(/repeated/)
    expect(() => parseProxmoxValue('foo=bar')).toThrow(/unknown/)
  })

  it("QEMU's older -watchdog-action and libvirt's JSON -device form", () => {
    const libvirtArgv = [
      '-device',
      '{"driver":"i6300esb","id":"watchdog0","bus":"pci.0","addr":"0x3"}',
      '-watchdog-action',
      'reset',
    ]
    expect(parseQemuArgs(libvirtArgv)).toEqual({model: 'i6300esb', action: 'reset'})
    expect(parseQemuArgs(['-device', 'ib700', '-action', 'reboot=shutdown,watchdog=PAUSE'])).toEqual({
      model: 'ib700',
      action: 'pause',
    })
    expect(parseQemuArgs(['-device', 'i6300esb,bus=pci.0,addr=0x4'])).toEqual({model: 'i6300esb', action: 'reset'})
    expect(() => parseQemuArgs(['-device', 'virtio-rng-pci'])).toThrow(/no watchdog -device/)
  })

  it('a libvirt element without action is libvirt’s default, reset; bad ones are refused', () => {
    expect(parseLibvirtElement(`<watchdog model="ib700"/>`)).toEqual({model: 'ib700', action: 'reset'})
    expect(() => parseLibvirtElement(`<watchdog model='i6300esb' action='reboot'/>`)).toThrow(
      /no watchdog action 'reboot'/,
    )
    expect(() => parseLibvirtElement(`<watchdog action='reset'/>`)).toThrow(/no model/)
    expect(() => parseLibvirtElement(`<watchdog model='i6300esb'`)).toThrow(/not well-formed/)
  })
})
