/**
 * A libvirt domain XML file (or standard input) as a target: its explicit `<watchdog>`, every byte outside it kept
 * (any encoding but UTF-16, the file's own line ends). The write is atomic and refused if the file changed since.
 */
import {WdError} from '../../errors.js'
import {replaceFile} from '../../fs/replace-file.js'
import {MAX_DOMAIN_XML_BYTES} from '../../limits.js'
import {domainWatchdog, patchDomainXml} from '../../render/domain-patch.js'
import {renderLibvirtElement} from '../../render/libvirt.js'
import {readBytes} from '../../fs/read-input.js'
import {decodeText, type DecodedText} from '../../source/text-bytes.js'
import type {Device} from '../../vocab/systems.js'
import {readStored, type Target, type WatchdogState} from '../target.js'

export interface DomainFile {
  /** the path, or '<stdin>' */
  name: string
  bytes: Buffer
  decoded: DecodedText
}

export function describeDomain(d: DomainFile): WatchdogState {
  const {device, problem} = readStored(() => domainWatchdog(d.decoded.text, d.name))
  return {
    target: {kind: 'libvirt-domain', id: d.name, name: null},
    stored: device ? renderLibvirtElement(device) : null,
    device,
    system: 'libvirt',
    valid: problem === undefined,
    findings: [],
    ...(problem && {problem}),
    attributes: {},
  }
}

/** `inPlace`: the file is to be rewritten, so it must be a regular file (a FIFO or device is refused unread). */
export function libvirtDomainTarget(options: {inPlace?: boolean} = {}): Target<DomainFile, Device<'libvirt'>> {
  return {
    kind: 'libvirt-domain',
    async find(ref) {
      const input = await readBytes(ref, MAX_DOMAIN_XML_BYTES, undefined, {editing: options.inPlace ?? false})
      return {name: input.name, bytes: input.bytes, decoded: decodeText(input.bytes, input.name, 'domain XML')}
    },
    describe: describeDomain,
    plan(current, value) {
      const {xml, warnings} = patchDomainXml(current.decoded.text, value, current.name)
      const bytes = current.decoded.encode(xml)
      const after = {...current, bytes, decoded: {...current.decoded, text: xml}}
      return {after, changed: !bytes.equals(current.bytes), warnings}
    },
    async write(current, planned) {
      if (current.name === '<stdin>') throw new WdError('WD_USAGE', 'standard input cannot be written back')
      await replaceFile(current.name, current.bytes, planned.bytes)
      return planned
    },
  }
}
