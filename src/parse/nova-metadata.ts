/**
 * What a libvirt domain says of the Nova instance it runs: its uuid (Nova makes the domain's uuid the instance's),
 * and the `<nova:instance>` metadata Nova's libvirt driver writes (nova/virt/libvirt/config.py,
 * LibvirtConfigGuestMetaNovaInstance, namespace http://openstack.org/xmlns/libvirt/nova/1.x): the instance's name,
 * its project and user, its flavor and the image it booted from. Domain XML is anyone's who can define a domain:
 * it is parsed without entities or a DTD, every value is clipped, and nesting deeper than MAX_XML_DEPTH is not
 * read at all (the namespace-aware parser's work per tag grows with the depth: 50,000 levels took 24 s).
 */
import {SaxesParser} from 'saxes'
import {MAX_XML_DEPTH} from '../limits.js'
import {clip} from '../text/clip.js'

export interface NovaInstance {
  name?: string
  projectId?: string
  projectName?: string
  userId?: string
  userName?: string
  flavor?: string
  /** the image it booted from ('' type=volume roots have none) */
  image?: string
}

export interface DomainFacts {
  uuid?: string
  nova?: NovaInstance
}

/** Nova's metadata namespaces: 1.0 (to Rocky) and 1.1; anything under this prefix is Nova's. */
const NOVA_NS = 'http://openstack.org/xmlns/libvirt/nova/'
const VALUE_MAX = 256

/** The domain's uuid and Nova's metadata from `virsh dumpxml`; {} for XML that does not parse. */
export function domainFacts(xml: string): DomainFacts {
  const parser = new SaxesParser({xmlns: true})
  const path: string[] = []
  const facts: DomainFacts = {}
  const nova: NovaInstance = {}
  let text = ''
  let inNova = false
  parser.on('opentag', (tag) => {
    path.push(tag.local)
    text = ''
    if (path.length > MAX_XML_DEPTH) throw new Error(`nested deeper than ${MAX_XML_DEPTH}`)
    const isNova = tag.uri.startsWith(NOVA_NS)
    if (isNova && tag.local === 'instance' && path.at(-2) === 'metadata' && path.length === 3) inNova = true
    if (!inNova || !isNova) return
    const attr = (name: string) => {
      const v = tag.attributes[name]
      return typeof v === 'object' && v.value !== '' ? clip(v.value, VALUE_MAX) : undefined
    }
    if (tag.local === 'flavor') nova.flavor = attr('name') ?? nova.flavor
    if (tag.local === 'project') nova.projectId = attr('uuid')
    if (tag.local === 'user') nova.userId = attr('uuid')
    if (tag.local === 'root' && attr('type') === 'image') nova.image = attr('uuid')
  })
  parser.on('text', (t) => {
    if (text.length < VALUE_MAX * 4) text += t
  })
  parser.on('closetag', (tag) => {
    const value = text.trim() === '' ? undefined : clip(text.trim(), VALUE_MAX)
    if (path.length === 2 && tag.local === 'uuid') facts.uuid = value
    if (inNova && tag.uri.startsWith(NOVA_NS)) {
      if (tag.local === 'name' && path.at(-2) === 'instance') nova.name = value
      if (tag.local === 'project') nova.projectName = value
      if (tag.local === 'user') nova.userName = value
      if (tag.local === 'instance') inNova = false
    }
    path.pop()
    text = ''
  })
  try {
    parser.write(xml).close()
  } catch {
    return {}
  }
  const found = Object.fromEntries(Object.entries(nova).filter(([, v]) => v !== undefined)) as NovaInstance
  return {...facts, ...(Object.keys(found).length > 0 && {nova: found})}
}
