/**
 * QEMU command-line arguments for a watchdog. `-action watchdog=` (QEMU ≥ 6.0) replaces the older
 * `-watchdog-action`; both are read back. The action is one per VM in QEMU, so one pair of arguments says it all.
 */
import {WdError} from '../errors.js'
import {QEMU_DEFAULT_ACTION, QEMU_MODELS} from '../vocab/qemu.js'
import type {Device} from '../vocab/systems.js'
import {assertDevice} from '../vocab/translate.js'

export function renderQemuArgs(device: Device<'qemu'>): string[] {
  return ['-device', device.model, '-action', `watchdog=${device.action}`]
}

/** The driver named by a `-device` value, in either the `driver,prop=…` or the JSON form. */
function deviceDriver(value: string): string | undefined {
  if (value.trimStart().startsWith('{')) {
    try {
      const parsed = JSON.parse(value) as {driver?: unknown}
      return typeof parsed.driver === 'string' ? parsed.driver : undefined
    } catch {
      return undefined
    }
  }
  const first = value.split(',')[0] ?? ''
  return first.startsWith('driver=') ? first.slice('driver='.length) : first
}

/** Finds the watchdog in a QEMU argument vector; QEMU lower-cases actions given on the command line. */
export function parseQemuArgs(args: readonly string[]): Device<'qemu'> {
  let model: string | undefined
  let action: string | undefined
  for (let i = 0; i < args.length - 1; i++) {
    const [opt, value] = [args[i]!.replace(/^--/, '-'), args[i + 1]!]
    if (opt === '-device') {
      const driver = deviceDriver(value)
      if (driver !== undefined && (QEMU_MODELS as readonly string[]).includes(driver)) model = driver
    } else if (opt === '-watchdog-action') {
      action = value.toLowerCase()
    } else if (opt === '-action') {
      for (const part of value.split(',')) {
        const [k, v] = part.split('=')
        if (k === 'watchdog' && v !== undefined) action = v.toLowerCase()
      }
    }
  }
  if (model === undefined) throw new WdError('WD_NOT_FOUND', 'no watchdog -device in the QEMU arguments')
  return assertDevice('qemu', {model, action: action ?? QEMU_DEFAULT_ACTION})
}
