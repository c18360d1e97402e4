/** A Nova flavor as a target: its `hw:watchdog_action` extra spec, every other extra spec left as it is. */
import {resolve} from '../../engine/resolve.js'
import type {Connection} from '../../openstack/connection.js'
import {findFlavor, flavorAccess, setFlavorWatchdog, unsetFlavorWatchdog, withoutKey} from '../../openstack/nova.js'
import type {Flavor} from '../../api/nova.js'
import {FLAVOR_KEY} from '../../vocab/nova.js'
import type {Target, WatchdogState} from '../target.js'

/** A flavor as Nova holds it, and the projects a private one is given to (null: public, or not asked for). */
export interface HeldFlavor {
  flavor: Flavor
  access: string[] | null
}

export function describeFlavor(f: Flavor): WatchdogState {
  const r = resolve({flavor: f.extra_specs})
  return {
    target: {kind: 'flavor', id: f.id, name: f.name},
    stored: f.extra_specs[FLAVOR_KEY] ?? null,
    device: r.device,
    system: 'nova',
    valid: r.errors.length === 0,
    findings: [...r.errors, ...r.warnings],
    attributes: {
      vcpus: f.vcpus ?? null,
      ram: f.ram ?? null,
      disk: f.disk ?? null,
      is_public: f['os-flavor-access:is_public'] ?? null,
    },
    properties: f.extra_specs,
  }
}

export interface FlavorTargetOptions {
  /** read a private flavor's access list too (one request more; the openstack CLI's show prints it) */
  access?: boolean
}

/** `value` is a Nova setting (checked by the caller with assertSetting); null removes the extra spec. */
export function flavorTarget(conn: Connection, options: FlavorTargetOptions = {}): Target<HeldFlavor, string> {
  return {
    kind: 'flavor',
    async find(ref) {
      const flavor = await findFlavor(conn, ref)
      const access =
        options.access && flavor['os-flavor-access:is_public'] === false ? await flavorAccess(conn, flavor.id) : null
      return {flavor, access}
    },
    describe: (held) => describeFlavor(held.flavor),
    plan({flavor, access}, value) {
      const specs = flavor.extra_specs
      const after = value === null ? withoutKey(specs, FLAVOR_KEY) : {...specs, [FLAVOR_KEY]: value}
      return {
        after: {flavor: {...flavor, extra_specs: after}, access},
        changed: after[FLAVOR_KEY] !== specs[FLAVOR_KEY],
      }
    },
    async write({flavor, access}, planned) {
      const value = planned.flavor.extra_specs[FLAVOR_KEY]
      const now =
        value === undefined ? await unsetFlavorWatchdog(conn, flavor) : await setFlavorWatchdog(conn, flavor, value)
      return {flavor: now, access}
    },
  }
}
