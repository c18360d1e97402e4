/**
 * Proxmox VE's `watchdog:` option: a property string `[[model=]<model>][,action=<action>]`
 * (qemu-server `$watchdog_fmt`, model is the default key). Without an action QEMU's default (reset) applies.
 */
import {WdError} from '../errors.js'
import {didYouMean} from '../engine/suggest.js'
import {clip} from '../text/clip.js'
import {PROXMOX_ACTIONS, PROXMOX_DEFAULT_MODEL, PROXMOX_KEY, PROXMOX_MODELS} from '../vocab/proxmox.js'
import type {ProxmoxAction, ProxmoxModel} from '../vocab/proxmox.js'

export interface ProxmoxWatchdog {
  model: ProxmoxModel
  /** absent: Proxmox passes no -watchdog-action and QEMU resets */
  action?: ProxmoxAction
}

/** The value of a `watchdog:` line, as `qm set --watchdog` takes it. */
export function renderProxmoxValue(w: ProxmoxWatchdog): string {
  return w.action === undefined ? `model=${w.model}` : `model=${w.model},action=${w.action}`
}

export function renderProxmoxLine(w: ProxmoxWatchdog): string {
  return `${PROXMOX_KEY}: ${renderProxmoxValue(w)}`
}

function oneOf<T extends string>(key: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T
  const mean = didYouMean(value, allowed)
  throw new WdError(
    'WD_INVALID_VALUE',
    `Proxmox watchdog ${key} '${clip(value)}' is not one of: ${allowed.join(', ')}` +
      (mean ? `; did you mean '${mean}'?` : ''),
    mean ? {hint: `write ${key}=${mean} (Proxmox is case-sensitive)`} : {},
  )
}

/** Parses the value of a `watchdog:` line as Proxmox's property-string parser does. */
export function parseProxmoxValue(value: string): ProxmoxWatchdog {
  // Proxmox's own parser refuses an empty value ("watchdog: " alone): it is no watchdog, and no valid config either
  if (value.trim() === '') throw new WdError('WD_INVALID_VALUE', 'the watchdog line has no value; Proxmox refuses it')
  const seen: Record<string, string> = {}
  for (const part of value.split(',')) {
    if (/^\s*$/.test(part)) continue
    const eq = part.indexOf('=')
    const [key, v] = eq > 0 ? [part.slice(0, eq), part.slice(eq + 1)] : ['model', part]
    if (key !== 'model' && key !== 'action') {
      throw new WdError('WD_INVALID_VALUE', `Proxmox watchdog option '${clip(key)}' is unknown (known: model, action)`)
    }
    if (seen[key] !== undefined) throw new WdError('WD_INVALID_VALUE', `Proxmox watchdog option '${key}' is repeated`)
    seen[key] = v
  }
  const model = oneOf('model', seen.model ?? PROXMOX_DEFAULT_MODEL, PROXMOX_MODELS)
  return seen.action === undefined ? {model} : {model, action: oneOf('action', seen.action, PROXMOX_ACTIONS)}
}

/** Parses a whole `watchdog: …` config line. */
export function parseProxmoxLine(line: string): ProxmoxWatchdog {
  const m = /^watchdog:\s*(.+?)\s*$/.exec(line)
  if (!m?.[1]) throw new WdError('WD_SYNTAX', `not a Proxmox watchdog line: '${line}'`)
  return parseProxmoxValue(m[1])
}
