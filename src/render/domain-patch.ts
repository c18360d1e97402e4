/**
 * Puts a watchdog into an existing libvirt domain XML by splicing text at the offsets a real XML parser reports,
 * so every byte outside the watchdog (comments, quoting, indentation, other devices) stays as it was.
 */
import {SaxesParser, type SaxesTagPlain} from 'saxes'
import {WdError} from '../errors.js'
import type {Device} from '../vocab/systems.js'
import {clip} from '../text/clip.js'
import {renderLibvirtElement} from './libvirt.js'
import {parseLibvirtElement} from '../parse/libvirt-element.js'

interface Span {
  start: number
  end: number
}

interface WatchdogSpan extends Span {
  model: string
  /** end of the open tag; equals `end` for `<watchdog …/>` */
  openEnd: number
}

interface DomainShape {
  devices?: Span & {openEnd: number; closeStart: number; selfClosing: boolean}
  domainCloseStart: number
  watchdogs: WatchdogSpan[]
  /** start of each direct child of <devices>, to copy its indentation */
  deviceChildStarts: number[]
  machine?: string
}

export interface PatchResult {
  xml: string
  warnings: string[]
}

function scan(xml: string, name: string): DomainShape {
  const parser = new SaxesParser({position: true, xmlns: false})
  const stack: string[] = []
  const starts: number[] = []
  const shape: DomainShape = {domainCloseStart: -1, watchdogs: [], deviceChildStarts: []}
  let openStart = 0
  parser.on('opentagstart', () => {
    openStart = xml.lastIndexOf('<', parser.position - 1)
  })
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const parent = stack.join('/')
    if (stack.length === 0 && tag.name !== 'domain') {
      throw new WdError('WD_SYNTAX', `the root element is <${tag.name}>, not a libvirt <domain>`)
    }
    if (parent === 'domain/devices') shape.deviceChildStarts.push(openStart)
    if (parent === 'domain' && tag.name === 'devices') {
      const selfClosing = tag.isSelfClosing
      shape.devices = {start: openStart, openEnd: parser.position, closeStart: -1, end: -1, selfClosing}
    }
    if (parent === 'domain/os' && tag.name === 'type') {
      const machine = tag.attributes.machine
      if (typeof machine === 'string') shape.machine = machine
    }
    stack.push(tag.name)
    starts.push(openStart)
    if (parent === 'domain/devices' && tag.name === 'watchdog') {
      const model = String(tag.attributes.model ?? '')
      shape.watchdogs.push({start: openStart, openEnd: parser.position, end: -1, model})
    }
  })
  parser.on('closetag', (tag: SaxesTagPlain) => {
    const path = stack.join('/')
    stack.pop()
    starts.pop()
    const closeStart = tag.isSelfClosing ? -1 : xml.lastIndexOf('</', parser.position - 1)
    if (path === 'domain/devices/watchdog') shape.watchdogs.at(-1)!.end = parser.position
    if (path === 'domain/devices' && shape.devices) {
      shape.devices.end = parser.position
      shape.devices.closeStart = tag.isSelfClosing ? shape.devices.start : closeStart
    }
    if (path === 'domain') shape.domainCloseStart = closeStart
  })
  try {
    parser.write(xml).close()
  } catch (e) {
    if (e instanceof WdError) throw e
    // saxes puts its own "line:col: " in front of the reason; the location says it once, with the file
    const reason = (e as Error).message.replace(/^[^:]*:?\d+:\d+: /, '')
    throw new WdError('WD_SYNTAX', `the domain XML is not well-formed: ${clip(reason)}`, {
      location: {file: name, line: parser.line, col: parser.column},
      cause: e,
    })
  }
  if (shape.domainCloseStart < 0) {
    throw new WdError('WD_SYNTAX', 'no libvirt <domain> element', {location: {file: name, line: 1, col: 1}})
  }
  return shape
}

/** Where the line `pos` is on starts: after the previous LF, or CR in a file of lone-CR line ends. */
const lineStartOf = (xml: string, pos: number) =>
  Math.max(xml.lastIndexOf('\n', pos - 1), xml.lastIndexOf('\r', pos - 1)) + 1

/** The file's own line end (the first one it has), so an inserted line matches its neighbours. */
function lineEnd(xml: string): string {
  const m = /\r\n|\n|\r/.exec(xml)
  return m ? m[0] : '\n'
}

/** The whitespace that starts the line `pos` is on, when only whitespace precedes `pos` there. */
function indentAt(xml: string, pos: number): string | undefined {
  const lineStart = lineStartOf(xml, pos)
  const lead = xml.slice(lineStart, pos)
  return /^[ \t]*$/.test(lead) ? lead : undefined
}

/** Widens a span to its whole line when it stands alone on it, so a removal leaves no blank line. */
function wholeLine(xml: string, span: Span): Span {
  const lineStart = lineStartOf(xml, span.start)
  const eol = /\r\n|\n|\r/g
  eol.lastIndex = span.end
  const m = eol.exec(xml)
  const nl = m ? m.index : xml.length
  const rest = xml.slice(span.end, nl)
  if (!/^[ \t]*$/.test(xml.slice(lineStart, span.start)) || !/^[ \t]*$/.test(rest)) return span
  return {start: lineStart, end: m ? nl + m[0].length : xml.length}
}

function constraints(device: Device<'libvirt'>, q35: boolean): void {
  // libvirt's own checks (src/qemu/qemu_validate.c), so the patched domain also defines.
  if (device.model === 'ib700' && q35) {
    throw new WdError(
      'WD_INVALID_VALUE',
      "model 'ib700' is an ISA device that libvirt allows on i440fx machines only",
      {
        hint: "use model 'i6300esb' on q35",
      },
    )
  }
  if (device.model === 'itco' && !q35) {
    throw new WdError('WD_INVALID_VALUE', "model 'itco' is part of the q35 chipset; this domain is not q35")
  }
}

interface Edit extends Span {
  text: string
}

/** The domain's first explicit watchdog (as `patchDomainXml` would replace it), or null when it has none. */
export function domainWatchdog(xml: string, name = 'domain.xml'): Device<'libvirt'> | null {
  const {watchdogs} = scan(xml, name)
  const first = watchdogs.find((w) => w.model !== 'itco') ?? watchdogs[0]
  return first ? parseLibvirtElement(xml.slice(first.start, first.end)) : null
}

/**
 * Inserts, replaces or (device null) removes the domain's explicit watchdog. Implicit q35 iTCO watchdogs stay, with
 * their action aligned: libvirt requires one action for all watchdogs of a domain.
 */
export function patchDomainXml(xml: string, device: Device<'libvirt'> | null, name = 'domain.xml'): PatchResult {
  const shape = scan(xml, name)
  const q35 = /q35/.test(shape.machine ?? '')
  const warnings: string[] = []
  if (device) constraints(device, q35)
  const edits: Edit[] = []
  const explicit = shape.watchdogs.filter((w) => w.model !== 'itco' || device?.model === 'itco')
  const implicit = shape.watchdogs.filter((w) => !explicit.includes(w))

  explicit.forEach((w, i) => {
    if (i === 0 && device) {
      // Same model: keep the children libvirt added (<alias>, <address>); another model may not fit that address.
      const keepChildren = w.model === device.model && w.openEnd !== w.end
      const text = keepChildren
        ? `<watchdog model='${device.model}' action='${device.action}'>`
        : renderLibvirtElement(device)
      edits.push({start: w.start, end: keepChildren ? w.openEnd : w.end, text})
    } else {
      edits.push({...wholeLine(xml, w), text: ''})
    }
  })
  if (device) {
    for (const w of implicit) {
      const open = xml.slice(w.start, w.openEnd)
      const text = /\saction=(['"])[^'"]*\1/.test(open)
        ? open.replace(/(\saction=)(['"])[^'"]*\2/, `$1'${device.action}'`)
        : open.replace(/^<watchdog/, `<watchdog action='${device.action}'`)
      edits.push({start: w.start, end: w.openEnd, text})
    }
  }
  if (device && explicit.length === 0) edits.push(insertion(xml, shape, renderLibvirtElement(device)))
  if (q35) {
    const action = device?.action ?? 'reset'
    warnings.push(
      `the domain is q35: libvirt ≥ 9.1 adds an implicit <watchdog model='itco'/> that takes the same action ('${action}')` +
        (device ? '' : ', so the guest keeps a watchdog even without this one'),
    )
  }
  let out = xml
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end)
  return {xml: out, warnings}
}

function insertion(xml: string, shape: DomainShape, element: string): Edit {
  const nl = lineEnd(xml)
  const devices = shape.devices
  if (!devices) {
    const at = shape.domainCloseStart
    const indent = indentAt(xml, at)
    const inner = (indent ?? '') + '  '
    const text =
      indent === undefined
        ? `<devices>${element}</devices>`
        : `${inner}<devices>${nl}${inner}  ${element}${nl}${inner}</devices>${nl}`
    return indent === undefined
      ? {start: at, end: at, text}
      : {start: at - indent.length, end: at - indent.length, text}
  }
  const closingIndent = devices.selfClosing ? indentAt(xml, devices.start) : indentAt(xml, devices.closeStart)
  const lastChild = shape.deviceChildStarts.at(-1)
  const childIndent = (lastChild !== undefined ? indentAt(xml, lastChild) : undefined) ?? (closingIndent ?? '') + '  '
  if (devices.selfClosing) {
    const text = `<devices>${nl}${childIndent}${element}${nl}${closingIndent ?? ''}</devices>`
    return {start: devices.start, end: devices.end, text}
  }
  if (closingIndent === undefined) return {start: devices.closeStart, end: devices.closeStart, text: element}
  const lineStart = devices.closeStart - closingIndent.length
  return {start: lineStart, end: lineStart, text: `${childIndent}${element}${nl}`}
}
