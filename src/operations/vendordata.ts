/**
 * The vendordata of one instance of the live cloud (`wd serve`'s POST /v1/vendordata): the guest half
 * (./guest-half.ts) for the flavor and image Nova booted it with. Apart from guest-half.ts because it reaches the
 * cloud: `wd resolve -f cloud-init` needs only the script, and importing the cloud's modules there loaded axios
 * (and, through its fetch adapter, Node's undici) at every `wd resolve`.
 */
import {imageProperties} from '../api/glance.js'
import type {Connection} from '../openstack/connection.js'
import {findImage} from '../openstack/glance.js'
import {getServer} from '../openstack/nova.js'
import {DEFAULT_GUEST_HALF, type GuestHalfOptions} from '../render/guest-half.js'
import {isFeeder} from '../vocab/guest.js'
import {vendordataFor, type Vendordata} from './guest-half.js'

/**
 * The answer for one instance, looked up with the service's own credentials (Nova's service user asks about any
 * project's instance): its embedded flavor, as at boot, and its image.
 */
export async function instanceVendordata(
  service: Connection,
  instance: {id: string; imageId?: string; metadata?: Record<string, unknown>},
  options: GuestHalfOptions = DEFAULT_GUEST_HALF,
): Promise<Vendordata> {
  const server = await getServer(service, instance.id)
  const image = instance.imageId || (typeof server.image === 'object' ? server.image.id : undefined)
  const props = image ? imageProperties(await findImage(service, image)) : {}
  return vendordataFor(server.flavor.extra_specs ?? {}, props, withOwnFeeder(options, instance.metadata))
}

/** The server property by which an instance's user chooses its feeder (`openstack server create --property wd:feeder=…`). */
export const FEEDER_KEY = 'wd:feeder'

/**
 * The instance's own choice of feeder, from its metadata: the user knows their image (whether it has the watchdog
 * package). A value wd does not know is passed over.
 */
function withOwnFeeder(options: GuestHalfOptions, metadata: Record<string, unknown> = {}): GuestHalfOptions {
  const own = Object.hasOwn(metadata, FEEDER_KEY) ? metadata[FEEDER_KEY] : undefined
  return typeof own === 'string' && isFeeder(own) ? {...options, feeder: own} : options
}
