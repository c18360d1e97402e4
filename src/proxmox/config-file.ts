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
  /** a section header (`[PENDING]`, `[special:cloudinit]`, `[snapshot]`): its own section is the one it opens */
  header?: boolean
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
    const line: Line = {text: raw, eol, section, ...(head && {header: true})}
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
  const value = valueIn(config, 'pending', PROXMOX_KEY)
  if (value !== undefined) return `set to '${value}'`
  return pendingDeletes(config).includes(PROXMOX_KEY) ? 'deleted' : undefined
}

/** Where a key lives: the main section (what the guest runs with) or [PENDING] (what it gets at its next start). */
export type Part = 'main' | 'pending'

const inPart = (l: Line, part: Part) =>
  part === 'main' ? l.section === undefined : l.section?.toUpperCase() === 'PENDING'

/** The value of a key in a part (the first, if the file has it twice), or undefined. */
export function valueIn(config: ProxmoxConfig, part: Part, key: string): string | undefined {
  return config.lines.find((l) => inPart(l, part) && !l.header && l.key === key)?.value
}

/** The value of a key of the main section, or undefined. */
export const mainValue = (config: ProxmoxConfig, key: string) => valueIn(config, 'main', key)

/** The keys [PENDING] deletes at the next start (`delete: a,!b`: `!` forces; split as qemu-server's parse_pending_delete). */
export function pendingDeletes(config: ProxmoxConfig): string[] {
  const line = valueIn(config, 'pending', 'delete') ?? ''
  return line
    .split(/[,;\s]+/)
    .filter(Boolean)
    .map((k) => k.replace(/^!/, ''))
}

const serialize = (lines: readonly Line[]) => lines.map((l) => l.text + l.eol).join('')

/** The file's own line end, for lines wd adds. */
const eolOf = (lines: readonly Line[]) => lines.find((l) => l.eol !== '')?.eol ?? '\n'

/** The text with the main section's watchdog set (or, for undefined, removed); nothing else changes. */
export const withWatchdog = (text: string, watchdog: ProxmoxWatchdog | undefined): string =>
  withKey(text, 'main', PROXMOX_KEY, watchdog && renderProxmoxLine(watchdog))

/**
 * The text with one key of a part set to `line` (a whole `key: value` line) or, for undefined, removed; nothing else
 * changes. A new line goes where qemu-server's write_vm_config would put it (keys sorted); a [PENDING] section is
 * made where it writes one (after the main section) and goes when nothing is left in it.
 */
export function withKey(text: string, part: Part, key: string, line: string | undefined): string {
  const lines = [...parseConfig(text).lines]
  if (part === 'pending') return serialize(withPendingKey(lines, key, line))
  const found = lines.findIndex((l) => inPart(l, 'main') && l.key === key)
  const at = found < 0 ? undefined : found
  if (line === undefined) {
    if (at === undefined) return text
    removeLines(lines, at, 1)
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
  // a BOM stays first in the file
  if (insertAt === 0 && lines[0]?.text.startsWith(BOM)) {
    lines[0] = {...lines[0], text: lines[0].text.slice(BOM.length)}
    lines.splice(0, 0, {text: BOM + line, eol: eolOf(lines), section: undefined, key})
    return serialize(lines)
  }
  insertLines(lines, insertAt, [{text: line, section: undefined, key}])
  return serialize(lines)
}

/**
 * Inserts lines at `at` with the file's line end. At the end of a file whose last line has no newline, that line
 * gets one and the new last line goes without, as the file did (so removing them gives the file back).
 */
function insertLines(lines: Line[], at: number, added: Omit<Line, 'eol'>[]): void {
  const eol = eolOf(lines)
  const made = added.map((l) => ({...l, eol}))
  const previous = lines[at - 1]
  if (previous && previous.eol === '' && at === lines.length) {
    lines[at - 1] = {...previous, eol}
    made[made.length - 1]!.eol = ''
  }
  lines.splice(at, 0, ...made)
}

/** Removes `count` lines at `at`; when they were the file's last and it had no final newline, neither has it now. */
function removeLines(lines: Line[], at: number, count: number): void {
  const removed = lines.splice(at, count)
  if (removed.at(-1)!.eol === '' && at === lines.length && at > 0) lines[at - 1] = {...lines[at - 1]!, eol: ''}
}

function withPendingKey(lines: Line[], key: string, line: string | undefined): Line[] {
  const head = lines.findIndex((l) => l.header && inPart(l, 'pending'))
  if (head < 0) {
    if (line === undefined) return lines
    // write_vm_config: the main section, then "\n[PENDING]\n" and its keys, then the other sections
    const first = lines.findIndex((l) => l.header)
    const at = first < 0 ? lines.length : first > 0 && lines[first - 1]!.text === '' ? first - 1 : first
    insertLines(lines, at, [
      {text: '', section: undefined},
      {text: '[PENDING]', section: 'PENDING', header: true},
      {text: line, section: 'PENDING', key},
    ])
    return lines
  }
  const next = lines.findIndex((l, i) => i > head && l.header)
  const end = next < 0 ? lines.length : next
  const keys = lines.map((l, i) => ({l, i})).filter(({l, i}) => i > head && i < end && l.key !== undefined)
  const at = keys.find(({l}) => l.key === key)?.i
  const section = lines[head]!.section
  if (line !== undefined) {
    if (at !== undefined) lines[at] = {...lines[at]!, text: line}
    else {
      const after = keys.find(({l}) => l.key! > key)
      insertLines(lines, after ? after.i : keys.length ? keys.at(-1)!.i + 1 : head + 1, [{text: line, section, key}])
    }
    return lines
  }
  if (at === undefined) return lines
  removeLines(lines, at, 1)
  // a [PENDING] with nothing left in it goes (qemu-server writes none), with the blank line before its header; a
  // blank line after it is the next section's
  if (lines.slice(head + 1, end - 1).every((l) => l.text.trim() === '')) {
    const from = head > 0 && lines[head - 1]!.text === '' ? head - 1 : head
    removeLines(lines, from, head - from + 1)
  }
  return lines
}

/**
 * The text with `key` added to or taken from [PENDING]'s `delete:` line (made or removed as needed); the other keys
 * keep their order and force marks, a new one goes where the sorted line has it.
 */
export function withPendingDelete(text: string, key: string, present: boolean): string {
  const config = parseConfig(text)
  const tokens = (valueIn(config, 'pending', 'delete') ?? '').split(/[,;\s]+/).filter(Boolean)
  const has = tokens.some((t) => t.replace(/^!/, '') === key)
  if (has === present) return text
  const next = present
    ? [...tokens.filter((t) => t.replace(/^!/, '') < key), key, ...tokens.filter((t) => t.replace(/^!/, '') > key)]
    : tokens.filter((t) => t.replace(/^!/, '') !== key)
  return withKey(text, 'pending', 'delete', next.length ? `delete: ${next.join(',')}` : undefined)
}
