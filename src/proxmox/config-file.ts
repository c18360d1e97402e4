/**
 * A Proxmox VE guest config (`/etc/pve/qemu-server/<vmid>.conf`) edited the way a careful person would: only the main
 * section's `watchdog:` line changes; `[PENDING]`, `[special:…]` and snapshot sections, comments (the description)
 * and every other byte stay as they were. Layout as qemu-server's parse_vm_config/write_vm_config read and write it.
 *
 * The file is handled as bytes: it is read as latin1 (one character per byte, so any byte, UTF-8 or not, comes back
 * exactly) and the only text wd writes is ASCII. What is no Proxmox config is refused before anything is touched.
 */
import {WdError, type SourcePosition} from '../errors.js'
import {parseProxmoxValue, renderProxmoxLine, type ProxmoxWatchdog} from '../render/proxmox.js'
import {PROXMOX_KEY} from '../vocab/proxmox.js'

const KEY_LINE = /^([a-z][a-z_-]*\d*):(\s*)(.*?)\s*$/
const SECTION = /^\[([^\]]+)\]\s*$/
/** A UTF-8 byte order mark, as latin1 reads it. */
const BOM = '\u00ef\u00bb\u00bf'

interface Line {
  text: string
  /** the end of line as written: '\n', '\r\n' or '' for a last line without one */
  eol: string
  section: string | undefined
  key?: string
  value?: string
  /** where the value starts in `text` (1-based), for messages */
  valueCol?: number
}

export interface ProxmoxConfig {
  name: string
  lines: Line[]
  /** index of the main section's watchdog line */
  watchdogAt?: number
  /** sections after the main one, as named in the file */
  sections: string[]
}

/** The bytes of a config as wd edits them (latin1), or WD_FILE_REFUSED for what is no Proxmox config. */
export function decodeConfig(bytes: Buffer, name: string): string {
  const text = bytes.toString('latin1')
  // Proxmox writes text: control bytes other than tab and line ends mean a binary or foreign file
  // eslint-disable-next-line no-control-regex -- finding control bytes is the point
  const bad = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|\r(?!\n)/.exec(text)
  if (bad) {
    const before = text.slice(0, bad.index)
    const line = before.split('\n').length
    const col = bad.index - before.lastIndexOf('\n')
    const what =
      bad[0] === '\r'
        ? 'a carriage return that ends no line (lone CR line ends: Proxmox reads lines ending in LF)'
        : bad[0] === '\u0000'
          ? 'a NUL byte (binary data)'
          : `the control byte 0x${bad[0].charCodeAt(0).toString(16).padStart(2, '0')}`
    throw new WdError('WD_FILE_REFUSED', `not a Proxmox VE config: ${what}; the file is left untouched`, {
      location: {file: name, line, col},
    })
  }
  return text
}

export const encodeConfig = (text: string): Buffer => Buffer.from(text, 'latin1')

export function parseConfig(text: string, name = 'config'): ProxmoxConfig {
  const lines: Line[] = []
  const sections: string[] = []
  let section: string | undefined
  let watchdogAt: number | undefined
  for (let start = 0; start < text.length;) {
    const nl = text.indexOf('\n', start)
    const end = nl < 0 ? text.length : nl
    const cr = end > start && text[end - 1] === '\r'
    const raw = text.slice(start, cr ? end - 1 : end)
    const eol = nl < 0 ? '' : cr ? '\r\n' : '\n'
    start = nl < 0 ? text.length : nl + 1
    // a BOM before the first key is not part of it
    const lead = lines.length === 0 && raw.startsWith(BOM) ? BOM.length : 0
    const body = raw.slice(lead)
    const head = SECTION.exec(body)
    if (head) {
      section = head[1]
      sections.push(section!)
    }
    const kv = head ? null : KEY_LINE.exec(body)
    const line: Line = {text: raw, eol, section}
    if (kv) {
      line.key = kv[1]
      line.value = kv[3]
      line.valueCol = lead + kv[1]!.length + 1 + kv[2]!.length + 1
    }
    if (section === undefined && line.key === PROXMOX_KEY) {
      if (watchdogAt !== undefined) {
        throw new WdError('WD_SYNTAX', `the main section has two '${PROXMOX_KEY}:' lines`, {
          location: {file: name, line: lines.length + 1, col: 1},
        })
      }
      watchdogAt = lines.length
    }
    lines.push(line)
  }
  return {name, lines, sections, ...(watchdogAt !== undefined && {watchdogAt})}
}

/** The main section's watchdog; an invalid value is an error at its file:line:col. */
export function readWatchdog(config: ProxmoxConfig): ProxmoxWatchdog | undefined {
  if (config.watchdogAt === undefined) return undefined
  const line = config.lines[config.watchdogAt]!
  const location: SourcePosition = {file: config.name, line: config.watchdogAt + 1, col: line.valueCol ?? 1}
  try {
    return parseProxmoxValue(line.value ?? '')
  } catch (e) {
    if (e instanceof WdError) throw new WdError(e.code, e.message, {location, ...(e.hint && {hint: e.hint})})
    throw e
  }
}

/** The pending (not yet applied) change to the watchdog, if the [PENDING] section has one. */
export function pendingWatchdog(config: ProxmoxConfig): string | undefined {
  for (const l of config.lines) {
    if (l.section?.toUpperCase() !== 'PENDING') continue
    if (l.key === PROXMOX_KEY) return `set to '${l.value}'`
    if (l.key === 'delete' && (l.value ?? '').split(/[,;\s]+/).some((k) => k.replace(/^!/, '') === PROXMOX_KEY))
      return 'deleted'
  }
  return undefined
}

const serialize = (lines: readonly Line[]) => lines.map((l) => l.text + l.eol).join('')

/** The text with the main section's watchdog set (or, for undefined, removed); nothing else changes. */
export const withWatchdog = (text: string, watchdog: ProxmoxWatchdog | undefined): string =>
  withMainKey(text, PROXMOX_KEY, watchdog && renderProxmoxLine(watchdog))

/** The value of a key of the main section (the first, if the file has it twice), or undefined. */
export function mainValue(config: ProxmoxConfig, key: string): string | undefined {
  return config.lines.find((l) => l.section === undefined && l.key === key)?.value
}

/**
 * The text with one key of the main section set to `line` (a whole `key: value` line) or, for undefined, removed;
 * nothing else changes. A new line goes where qemu-server's write_vm_config would put it (keys sorted).
 */
export function withMainKey(text: string, key: string, line: string | undefined): string {
  const config = parseConfig(text)
  const lines = [...config.lines]
  const found = lines.findIndex((l) => l.section === undefined && l.key === key)
  const at = found < 0 ? undefined : found
  if (line === undefined) {
    if (at === undefined) return text
    const [removed] = lines.splice(at, 1)
    // the last line had no newline: neither has the line that is last now (so set-then-unset gives the file back)
    if (removed!.eol === '' && at === lines.length && at > 0) lines[at - 1] = {...lines[at - 1]!, eol: ''}
    return serialize(lines)
  }
  if (at !== undefined) {
    const old = lines[at]!
    lines[at] = {...old, text: (at === 0 && old.text.startsWith(BOM) ? BOM : '') + line}
    return serialize(lines)
  }
  // Proxmox writes the main section's keys sorted: the new line goes where write_vm_config would put it
  const main = lines.map((l, i) => ({l, i})).filter(({l}) => l.section === undefined && l.key !== undefined)
  const after = main.find(({l}) => l.key! > key)
  let index = after ? after.i : main.length ? main.at(-1)!.i + 1 : lines.findIndex((l) => l.section !== undefined)
  // before the blank line that separates the main section from the first section header
  if (!after && main.length === 0 && index > 0 && lines[index - 1]!.text === '') index--
  const insertAt = index < 0 ? lines.length : index
  const eol = lines.find((l) => l.eol !== '')?.eol ?? '\n'
  const previous = lines[insertAt - 1]
  // after a last line without a newline: it gets one, and the new last line goes without, as the file did
  if (previous && previous.eol === '' && insertAt === lines.length) {
    lines[insertAt - 1] = {...previous, eol}
    lines.push({text: line, eol: '', section: undefined, key})
    return serialize(lines)
  }
  // a BOM stays first in the file
  if (insertAt === 0 && lines[0]?.text.startsWith(BOM)) {
    lines[0] = {...lines[0], text: lines[0].text.slice(BOM.length)}
    lines.splice(0, 0, {text: BOM + line, eol, section: undefined, key})
    return serialize(lines)
  }
  lines.splice(insertAt, 0, {text: line, eol, section: undefined, key})
  return serialize(lines)
}
