import {describe, expect, it} from '@jest/globals'
import {readFileSync} from 'node:fs'
import {patchDomainXml} from '../../src/render/domain-patch.js'
import {parseLibvirtElement} from '../../src/parse/libvirt-element.js'
import {expectValidDomain} from '../helpers/libvirt-rng.js'

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')

/** The input with `removed` lines taken out and `added` lines put in must equal the output: nothing else moved. */
function lineDiff(before: string, after: string) {
  const a = before.split('\n')
  const b = after.split('\n')
  return {removed: a.filter((l) => !b.includes(l)), added: b.filter((l) => !a.includes(l))}
}

describe('xml patch', () => {
  it('inserts a watchdog as the last device, indented like its siblings, every other byte kept', () => {
    const before = fixture('domain-pc.xml')
    const {xml, warnings} = patchDomainXml(before, {model: 'i6300esb', action: 'reset'})
    expect(warnings).toEqual([])
    expect(lineDiff(before, xml)).toEqual({removed: [], added: ["    <watchdog model='i6300esb' action='reset'/>"]})
    expect(xml.indexOf('<watchdog')).toBeGreaterThan(xml.indexOf('<memballoon'))
    expect(xml.indexOf('<watchdog')).toBeLessThan(xml.indexOf('</devices>'))
    expectValidDomain(xml)
  })

  it('replaces an existing watchdog of the same model in place, keeping its alias and address', () => {
    const before = fixture('domain-watchdog.xml')
    const {xml} = patchDomainXml(before, {model: 'i6300esb', action: 'poweroff'})
    expect(lineDiff(before, xml)).toEqual({
      removed: ["    <watchdog model='i6300esb' action='reset'>"],
      added: ["    <watchdog model='i6300esb' action='poweroff'>"],
    })
    expectValidDomain(xml)
  })

  it('replaces the whole element when the model changes (an ISA ib700 cannot keep a PCI address)', () => {
    const {xml} = patchDomainXml(fixture('domain-watchdog.xml'), {model: 'ib700', action: 'pause'})
    expect(xml).toContain("    <watchdog model='ib700' action='pause'/>\n    <memballoon")
    expect(xml).not.toContain('<address')
    expectValidDomain(xml)
  })

  it('removes the watchdog, leaving no blank line', () => {
    const before = fixture('domain-watchdog.xml')
    const {xml} = patchDomainXml(before, null)
    expect(xml).not.toContain('watchdog')
    expect(lineDiff(before, xml).added).toEqual([])
    expect(xml).toContain('</emulator>\n    <memballoon')
    expectValidDomain(xml)
  })

  it('is idempotent', () => {
    const once = patchDomainXml(fixture('domain-pc.xml'), {model: 'i6300esb', action: 'none'}).xml
    expect(patchDomainXml(once, {model: 'i6300esb', action: 'none'}).xml).toBe(once)
  })

  it('opens a self-closing <devices/> and warns about the implicit q35 iTCO watchdog', () => {
    const {xml, warnings} = patchDomainXml(fixture('domain-q35.xml'), {model: 'i6300esb', action: 'pause'})
    expect(xml).toContain("  <devices>\n    <watchdog model='i6300esb' action='pause'/>\n  </devices>")
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/q35.*libvirt ≥ 9\.1.*itco.*'pause'/)
    expectValidDomain(xml)
  })

  it("aligns an implicit itco watchdog's action: libvirt requires one action for all watchdogs", () => {
    const q35 = fixture('domain-q35.xml').replace(
      '<devices/>',
      "<devices>\n    <watchdog model='itco' action='reset'/>\n  </devices>",
    )
    const {xml} = patchDomainXml(q35, {model: 'i6300esb', action: 'poweroff'})
    expect(xml).toContain("<watchdog model='itco' action='poweroff'/>")
    expect(xml).toContain("<watchdog model='i6300esb' action='poweroff'/>")
    // Debian 12's libvirt 9.0 RNG predates itco, so this one is checked element by element instead
    for (const el of xml.match(/<watchdog[^>]*\/>/g)!) expect(parseLibvirtElement(el).action).toBe('poweroff')
  })

  it('refuses what libvirt refuses: ib700 on q35, itco off q35', () => {
    expect(() => patchDomainXml(fixture('domain-q35.xml'), {model: 'ib700', action: 'reset'})).toThrow(/i440fx/)
    expect(() => patchDomainXml(fixture('domain-pc.xml'), {model: 'itco', action: 'reset'})).toThrow(/q35/)
  })

  it('adds <devices> to a domain without one', () => {
    const bare =
      "<domain type='kvm'>\n  <name>x</name>\n  <memory>262144</memory>\n  <os><type>hvm</type></os>\n</domain>\n"
    const {xml} = patchDomainXml(bare, {model: 'i6300esb', action: 'reset'})
    expect(xml).toContain("  <devices>\n    <watchdog model='i6300esb' action='reset'/>\n  </devices>\n</domain>")
    expectValidDomain(xml)
  })

  it('refuses XML that is not a well-formed libvirt domain, saying why', () => {
    expect(() => patchDomainXml('<domain><devices></domain>', null)).toThrow(/not well-formed/)
    expect(() => patchDomainXml('<network/>', null)).toThrow(/root element is <network>/)
  })
})
