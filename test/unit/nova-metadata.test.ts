/**
 * Reading a libvirt domain's uuid and Nova's `<nova:instance>` metadata, from XML that Nova's own config classes
 * wrote (test/fixtures/nova-domain.xml), and from XML anyone who can define a domain could write.
 */
import {describe, expect, it} from '@jest/globals'
import {MAX_XML_DEPTH} from '../../src/limits.js'
import {readFileSync} from 'node:fs'
import {domainFacts} from '../../src/parse/nova-metadata.js'
import {loggerArgs} from '../../src/events/syslog.js'
import {fixture} from '../helpers/cli.js'
import {NOVA_INSTANCE} from '../helpers/nova-fixture.js'

const nova = readFileSync(fixture('nova-domain.xml'), 'utf8')

describe("a domain's Nova instance", () => {
  it("reads what Nova's libvirt driver wrote: the uuid, name, owner, flavor and image", () => {
    expect(domainFacts(nova)).toEqual({
      uuid: '4e737acc-239a-4b2a-a779-6e24ec97dbea',
      nova: NOVA_INSTANCE,
    })
  })

  it('reads the older 1.0 namespace too, and no Nova facts where there is no Nova metadata', () => {
    expect(domainFacts(nova.replace('/nova/1.1', '/nova/1.0')).nova?.projectName).toBe('demo')
    const plain = "<domain type='qemu'><name>vm</name><uuid>0d6c3b2a-1111-4222-8333-444455556666</uuid></domain>"
    expect(domainFacts(plain)).toEqual({uuid: '0d6c3b2a-1111-4222-8333-444455556666'})
    // the same element names in another namespace, or outside /domain/metadata, are not Nova's
    expect(domainFacts(nova.replaceAll('openstack.org/xmlns/libvirt/nova', 'example.com/nova')).nova).toBeUndefined()
    expect(
      domainFacts(nova.replace('<metadata>', '<devices>').replace('</metadata>', '</devices>')).nova,
    ).toBeUndefined()
  })

  it('hostile XML: no entities or DTD, values clipped, malformed XML gives nothing', () => {
    const bomb = `<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>${nova.replace('alice', '&b;')}`
    expect(domainFacts(bomb)).toEqual({})
    expect(domainFacts(nova.replace('</domain>', ''))).toEqual({})
    const long = domainFacts(nova.replace('alice', 'x'.repeat(100_000)))
    expect(long.nova!.userName!.length).toBeLessThanOrEqual(256)
  })

  it('issue 22 item 16: nesting past MAX_XML_DEPTH is not read (the parse is bounded by the cap, not the depth)', () => {
    const nested = (depth: number) =>
      nova.replace('<metadata>', `<metadata>${'<x>'.repeat(depth)}${'</x>'.repeat(depth)}`)
    // at the cap the facts are read; one level past it nothing is, however deep the rest goes
    // <domain><metadata> are two levels: the nested elements start at the third
    expect(domainFacts(nested(MAX_XML_DEPTH - 2)).uuid).toBe('4e737acc-239a-4b2a-a779-6e24ec97dbea')
    expect(domainFacts(nested(MAX_XML_DEPTH - 1))).toEqual({})
    expect(domainFacts(nested(5000))).toEqual({})
  })
})

describe('a bark of a Nova instance in syslog', () => {
  it("carries the instance's facts as structured data, escaped", () => {
    const args = loggerArgs(
      {
        id: 'libvirt:qemu:///system|instance-0000002a|2026-11-22T04:00:00.000Z|reset',
        time: '2026-11-22T04:00:00.000Z',
        vm: 'instance-0000002a',
        action: 'reset',
        source: 'libvirt:qemu:///system',
        instance: '4e737acc-239a-4b2a-a779-6e24ec97dbea',
        nova: domainFacts(nova).nova!,
      },
      '/dev/log',
    )
    const params = args.flatMap((a, i) => (args[i - 1] === '--sd-param' ? [a] : []))
    expect(params).toEqual(
      expect.arrayContaining([
        'instance="4e737acc-239a-4b2a-a779-6e24ec97dbea"',
        'novaName="web-01 <\\"prod\\">"',
        'novaProjectName="demo"',
        'novaFlavor="m1.small"',
      ]),
    )
  })
})
