/**
 * A Proxmox VE guest config (`/etc/pve/qemu-server/<vmid>.conf`) edited the way a careful person would: only the main
 * section's `watchdog:` line changes; `[PENDING]`, `[special:…]` and snapshot sections, comments (the description)
 * and every other byte stay as they were. Layout as qemu-server's parse_vm_config/write_vm_config read and write it.
 */
import {parseProxmoxValue, renderProxmoxLine, type ProxmoxWatchdog} from '../render/proxmox.js'
import {WdError} from '../errors.js'
import {PROXMOX_KEY} from '../vocab/proxmox.js'

const KEY_LINE = /^([a-z][a-z_-]*\d*):\s*(.*?)\s*$/
const SECTION = /^\[([^\]]+)\]\s*$/

interface Line {
  text: string
  /** the end of line as written: '\n', '\r\n' or '' for a last line without one */
  eol: string
  section: string | undefined
  key?: string
  value?: string
}

export interface ProxmoxConfig {
  lines: Line[]
  /** index of the main section's watchdog line */
  watchdogAt?: number
  /** sections after the main one, as named in the file */
  sections: string[]
}

export function parseConfig(text: string): ProxmoxConfig {
  const lines: Line[] = []
  const sections: string[] = []
  let section: string | undefined
  let watchdogAt: number | undefined
  for (const m of text.matchAll(/([^\r\n]*)(\r\n|\n|$)/g)) {
    if (m[0] === '' && m.index === text.length) break
    const [, body = '', eol = ''] = m
    const head = SECTION.exec(body)
    if (head) {
      section = head[1]
      sections.push(section!)
    }
    const kv = head ? null : KEY_LINE.exec(body)
    const line: Line = {text: body, eol, section, ...(kv && {key: kv[1], value: kv[2]})}
    if (section === undefined && line.key === PROXMOX_KEY) {
      if (watchdogAt !== undefined) throw new WdError('WD_SYNTAX', `the main section has two '${PROXMOX_KEY}:' lines`)
      watchdogAt = lines.length
    }
    lines.push(line)
  }
  return {lines, sections, ...(watchdogAt !== undefined && {watchdogAt})}
}

export function readWatchdog(config: ProxmoxConfig): ProxmoxWatchdog | undefined {
  if (config.watchdogAt === undefined) return undefined
  return parseProxmoxValue(config.lines[config.watchdogAt]!.value ?? '')
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
export function withWatchdog(text: string, watchdog: ProxmoxWatchdog | undefined): string {
  const config = parseConfig(text)
  const lines = [...config.lines]
  const at = config.watchdogAt
  if (watchdog === undefined) {
    if (at !== undefined) lines.splice(at, 1)
    return serialize(lines)
  }
  const rendered = renderProxmoxLine(watchdog)
  if (at !== undefined) {
    lines[at] = {...lines[at]!, text: rendered}
    return serialize(lines)
  }
  // Proxmox writes the main section's keys sorted: the new line goes where write_vm_config would put it
  const main = lines.map((l, i) => ({l, i})).filter(({l}) => l.section === undefined && l.key !== undefined)
  const after = main.find(({l}) => l.key! > PROXMOX_KEY)
  let index = after ? after.i : main.length ? main.at(-1)!.i + 1 : lines.findIndex((l) => l.section !== undefined)
  // before the blank line that separates the main section from the first section header
  if (!after && main.length === 0 && index > 0 && lines[index - 1]!.text === '') index--
  const insertAt = index < 0 ? lines.length : index
  const eol = lines.find((l) => l.eol !== '')?.eol ?? '\n'
  const previous = lines[insertAt - 1]
  // a last line without a newline gets one before the new line follows it
  if (previous && previous.eol === '' && insertAt === lines.length) lines[insertAt - 1] = {...previous, eol}
  lines.splice(insertAt, 0, {text: rendered, eol, section: undefined, key: PROXMOX_KEY})
  return serialize(lines)
}
