/**
 * The watchdog a change writes, in the words of the system it is written to (`wd xml patch`, `wd proxmox set`):
 * given in some system's words, or resolved from a flavor and an image as `wd resolve` resolves them. A resolution
 * that finds an error refuses the change with the first error, placed in its file when it came from one.
 */
import {WdError} from '../errors.js'
import type {Finding} from '../engine/findings.js'
import {DEFAULT_MODEL, type Device, type System} from '../vocab/systems.js'
import {assertDevice, translate} from '../vocab/translate.js'
import type {ResolveContext, ResolveRequest} from './resolution.js'

export type DeviceRequest =
  /** a model (DEFAULT_MODEL when none) and an action, in `vocabulary`'s words */
  | {given: {model?: string; action: string}; vocabulary: System}
  /** a flavor and an image, resolved as Nova does */
  | {resolve: ResolveRequest}

export interface DeviceChoice<S extends System> {
  /** null: no device (the resolution decides there is none) */
  device: Device<S> | null
  /** the resolution's warnings, for the face to show */
  warnings: Finding[]
}

export async function deviceFor<S extends System>(
  request: DeviceRequest,
  system: S,
  ctx: ResolveContext = {},
): Promise<DeviceChoice<S>> {
  if ('given' in request) {
    const {given, vocabulary} = request
    const device = assertDevice(vocabulary, {model: given.model ?? DEFAULT_MODEL, action: given.action})
    return {device: translate(device, vocabulary, system), warnings: []}
  }
  // loaded on demand, as before: a device given in words needs no resolution (nor the policy's picomatch)
  const {resolveEngine} = await import('./resolution.js')
  const r = await resolveEngine(request.resolve, ctx)
  const [first] = r.errors
  if (first) throw new WdError('WD_INVALID_VALUE', first.message, first.position && {location: first.position})
  return {device: r.device && translate(r.device, 'nova', system), warnings: r.warnings}
}
