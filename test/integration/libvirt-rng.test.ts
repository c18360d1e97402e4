import {describe, expect, it} from '@jest/globals'
import {renderLibvirtElement} from '../../src/render/libvirt.js'
import {VOCABULARY, type Device} from '../../src/vocab/systems.js'
import {translate} from '../../src/vocab/translate.js'
import {domainWith, rngSkipped, validateDomain} from '../helpers/libvirt-rng.js'

// Debian 12 ships libvirt 9.0, whose RNG predates the q35 'itco' model (added in 9.1) and s390x-only diag288 needs
// an s390x domain: both are checked by the parser tests instead.
const X86_MODELS = ['i6300esb', 'ib700'] as const

describe('libvirt RNG (virt-xml-validate)', () => {
  it('is available, or explicitly skipped with WD_SKIP_LIBVIRT_RNG=1', () => {
    if (rngSkipped) return
    expect(validateDomain(domainWith('')).ok).toBe(true)
  })

  it.each(VOCABULARY.nova.actions.map((a) => [a]))('accepts the element wd renders for Nova action %s', (action) => {
    if (rngSkipped) return
    const device = translate({model: 'i6300esb', action} as Device<'nova'>, 'nova', 'libvirt')
    const r = validateDomain(domainWith(renderLibvirtElement(device)))
    expect(r.ok).toBe(true)
    expect(r.output).toContain('validates')
  })

  it('accepts every libvirt action with each x86 model', () => {
    if (rngSkipped) return
    for (const model of X86_MODELS) {
      for (const action of VOCABULARY.libvirt.actions) {
        const xml = domainWith(renderLibvirtElement({model, action} as Device<'libvirt'>))
        expect([model, action, validateDomain(xml).ok]).toEqual([model, action, true])
      }
    }
  })

  it.each([
    ["<watchdog model='i6300esb' action='reboot'/>", 'an unknown action'],
    ["<watchdog model='i6300esb' action='Reset'/>", 'a capitalised action'],
    ["<watchdog model='i6300esb' action='debug'/>", "QEMU's debug action"],
    ["<watchdog model='i6301esb' action='reset'/>", 'an unknown model'],
    ["<watchdog action='reset'/>", 'a missing model'],
  ])('rejects %s (%s)', (element) => {
    if (rngSkipped) return
    const r = validateDomain(domainWith(element))
    expect(r.ok).toBe(false)
    expect(r.output).toMatch(/fails to validate/)
  })
})
