/** A Nova flavor as a target: its `hw:watchdog_action` extra spec, every other extra spec left as it is. */
import {resolve} from '../../engine/resolve.js'
import type {Connection} from '../../openstack/connection.js'
import {findFlavor, setFlavorWatchdog, unsetFlavorWatchdog, withoutKey} from '../../openstack/nova.js'
import type {Flavor} from '../../api/nova.js'
import {FLAVOR_KEY} from '../../vocab/nova.js'
import type {Target, WatchdogState} from '../target.js'

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

/** `value` is a Nova setting (checked by the caller with assertSetting); null removes the extra spec. */
export function flavorTarget(conn: Connection): Target<Flavor, string> {
  return {
    kind: 'flavor',
    find: (ref) => findFlavor(conn, ref),
    describe: describeFlavor,
    plan(current, value) {
      const specs = current.extra_specs
      const after = value === null ? withoutKey(specs, FLAVOR_KEY) : {...specs, [FLAVOR_KEY]: value}
      return {after: {...current, extra_specs: after}, changed: after[FLAVOR_KEY] !== specs[FLAVOR_KEY]}
    },
    write: (current, planned) => {
      const value = planned.extra_specs[FLAVOR_KEY]
      return value === undefined ? unsetFlavorWatchdog(conn, current) : setFlavorWatchdog(conn, current, value)
    },
  }
}
