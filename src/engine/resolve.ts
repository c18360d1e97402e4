/**
 * The effective watchdog of an instance, exactly as Nova's libvirt driver computes it
 * (nova/virt/libvirt/driver.py _guest_add_watchdog_action):
 *
 *   action = flavor.extra_specs.get('hw:watchdog_action') or 'disabled'
 *   action = image_meta.properties.get('hw_watchdog_action', action)
 *   'disabled' → no device; a Nova action → <watchdog model='i6300esb' action=…/>; anything else → refused
 */
import {DEFAULT_MODEL, type Device} from '../vocab/systems.js'
import {FLAVOR_KEY, IMAGE_KEY, isNovaAction} from '../vocab/nova.js'
import {errorsOf, warningsOf, type Finding} from './findings.js'
import {checkProperties, type Properties} from './nova-checks.js'
import {clip} from '../text/clip.js'

export type DecidedBy = 'flavor' | 'image' | 'default'

export interface ResolveInput {
  /** the flavor's extra specs, as stored in Nova */
  flavor?: Properties
  /** the image's properties, as stored in Glance */
  image?: Properties
}

export interface Resolution {
  /** the device Nova adds, or null for none */
  device: Device<'nova'> | null
  decidedBy: DecidedBy
  /** what Nova refuses (at the API or at spawn): the setting cannot be used as it is */
  errors: Finding[]
  /** what Nova silently ignores or what looks like a mistake; never changes the result */
  warnings: Finding[]
  /** each step of the resolution, in words */
  trace: string[]
}

export function resolve(input: ResolveInput): Resolution {
  const flavor = input.flavor ?? {}
  const image = input.image ?? {}
  const findings = [...checkProperties('flavor', flavor), ...checkProperties('image', image)]
  const trace: string[] = []

  const fromFlavor = flavor[FLAVOR_KEY]
  let setting = 'disabled'
  let decidedBy: DecidedBy = 'default'
  if (fromFlavor === undefined) {
    trace.push(`flavor has no ${FLAVOR_KEY}: Nova starts from 'disabled'`)
  } else if (fromFlavor === '') {
    trace.push(`flavor ${FLAVOR_KEY} is '': Nova's 'or' turns an empty value into 'disabled'`)
  } else {
    setting = fromFlavor
    decidedBy = 'flavor'
    trace.push(`flavor ${FLAVOR_KEY}='${clip(fromFlavor)}'`)
  }

  const fromImage = image[IMAGE_KEY]
  if (fromImage === undefined) {
    trace.push(`image has no ${IMAGE_KEY}: the ${decidedBy === 'flavor' ? "flavor's" : 'default'} value stands`)
  } else {
    setting = fromImage
    decidedBy = 'image'
    trace.push(`image ${IMAGE_KEY}='${clip(fromImage)}' wins over the flavor (any image value does, 'disabled' too)`)
  }

  let device: Device<'nova'> | null = null
  if (setting === 'disabled') {
    trace.push(`'disabled': Nova adds no watchdog device`)
  } else if (isNovaAction(setting)) {
    device = {model: DEFAULT_MODEL, action: setting}
    trace.push(
      `'${clip(setting)}' is a Nova watchdog action: Nova adds model '${DEFAULT_MODEL}' (its only model) with it`,
    )
  } else {
    trace.push(`'${clip(setting)}' is not a Nova watchdog action: Nova refuses the instance, no device`)
  }
  for (const f of findings) trace.push(`${f.severity}: ${f.message}`)

  return {device, decidedBy, errors: errorsOf(findings), warnings: warningsOf(findings), trace}
}
