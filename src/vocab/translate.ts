/**
 * Moving a watchdog device between systems. Names that mean the same thing carry over; what has no equivalent is
 * refused with the reason, never approximated (an approximation would silently change what happens on a hang).
 */
import {WdError} from '../errors.js'
import {VOCABULARY, type Device, type System} from './systems.js'

/** Why a name cannot cross into a system that lacks it: facts from each system's sources. */
const WHY_MISSING: Record<string, string> = {
  'action:dump':
    "'dump' is libvirt's own: QEMU only pauses and libvirt writes the core dump to auto_dump_path, which nothing else does",
  'action:debug': "'debug' only makes QEMU print 'watchdog: timer fired'; libvirt and Nova have no such action",
  'action:inject-nmi': "'inject-nmi' injects an NMI into the guest; Nova and Proxmox do not offer it",
  'action:shutdown': "'shutdown' asks the guest to power down over ACPI, which a hung guest cannot do; Nova omits it",
  'model:itco':
    "'itco' is the q35 chipset's built-in TCO watchdog (ICH9-LPC), not a device one adds; only libvirt models it",
  'model:diag288': "'diag288' is the s390x watchdog; Proxmox and Nova have no s390x guests",
  'model:ib700': "Nova always creates an 'i6300esb'; it has no model setting",
}

function refuse(kind: 'model' | 'action', value: string, from: System, to: System): never {
  const allowed = VOCABULARY[to][kind === 'model' ? 'models' : 'actions'].join(', ')
  const why = WHY_MISSING[`${kind}:${value}`] ?? `${to} has no watchdog ${kind} '${value}'`
  throw new WdError('WD_UNTRANSLATABLE', `${from} ${kind} '${value}' has no ${to} equivalent: ${why}`, {
    hint: `${to} accepts the ${kind}s: ${allowed}`,
  })
}

/** Checks that a device is in `system`'s vocabulary; the error names the allowed values. */
export function assertDevice<S extends System>(system: S, device: {model: string; action: string}): Device<S> {
  const v = VOCABULARY[system]
  if (!v.models.includes(device.model)) {
    throw new WdError('WD_INVALID_VALUE', `${system} has no watchdog model '${device.model}'`, {
      hint: `allowed models: ${v.models.join(', ')}`,
    })
  }
  if (!v.actions.includes(device.action)) {
    throw new WdError('WD_INVALID_VALUE', `${system} has no watchdog action '${device.action}'`, {
      hint: `allowed actions: ${v.actions.join(', ')}`,
    })
  }
  return device as Device<S>
}

export function translate<F extends System, T extends System>(device: Device<F>, from: F, to: T): Device<T> {
  const target = VOCABULARY[to]
  if (!target.models.includes(device.model)) refuse('model', device.model, from, to)
  if (!target.actions.includes(device.action)) refuse('action', device.action, from, to)
  return {model: device.model, action: device.action} as Device<T>
}
