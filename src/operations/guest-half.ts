/**
 * The guest half as a use case: the script a guest runs to arm the watchdog the hypervisor gave it
 * (src/render/guest-half.ts), for a device Nova gives (the vendordata target of `wd serve`, `wd resolve -f cloud-init`)
 * or Proxmox's (`wd proxmox set --guest`).
 *
 * Nova's contract: a DynamicJSON target's answer lands in vendor_data2.json under the target's name, and cloud-init
 * (its OpenStack and ConfigDrive datasources, `sources.convert_vendordata`) reads only the key `cloud-init` there,
 * as a string or a list of parts (a dict under it is an error). So the target is named `cloud-init` and answers the
 * script as a JSON string; for an instance without a watchdog it answers null, which cloud-init reads as no
 * vendordata. The answer for an instance of the live cloud is ./vendordata.ts (it reaches the cloud; this does not).
 */
import {resolve, type Resolution} from '../engine/resolve.js'
import {DEFAULT_GUEST_HALF, guestScript, type GuestHalfOptions} from '../render/guest-half.js'
import {translate} from '../vocab/translate.js'

/** The guest half of a resolution's device; null when Nova gives no device. */
export function guestHalfOf(
  device: Resolution['device'],
  options: GuestHalfOptions = DEFAULT_GUEST_HALF,
): string | null {
  return device ? guestScript(translate(device, 'nova', 'libvirt'), options) : null
}

/** What Nova's DynamicJSON target `cloud-init` answers for an instance: the script, or null. */
export interface Vendordata {
  answer: string | null
  resolution: Resolution
}

/** The answer for flavor extra specs and image properties as Nova resolves them. */
export function vendordataFor(
  specs: Record<string, string>,
  props: Record<string, string>,
  options: GuestHalfOptions = DEFAULT_GUEST_HALF,
): Vendordata {
  const resolution = resolve({flavor: specs, image: props})
  return {answer: guestHalfOf(resolution.device, options), resolution}
}
