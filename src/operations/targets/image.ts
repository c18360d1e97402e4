/**
 * A Glance image as a target: its `hw_watchdog_action` property, which overrides every flavor's; with
 * `migrateLegacy` the 2013 blueprint's `watchdog` key (which Nova never read) goes in the same change.
 */
import {resolve} from '../../engine/resolve.js'
import type {Connection} from '../../openstack/connection.js'
import {findImage, setImageWatchdog, unsetImageWatchdog} from '../../openstack/glance.js'
import {imageProperties, type Image} from '../../api/glance.js'
import {BLUEPRINT_KEY, IMAGE_KEY} from '../../vocab/nova.js'
import type {Target, WatchdogState} from '../target.js'

export function describeImage(i: Image): WatchdogState {
  const props = imageProperties(i)
  const r = resolve({image: props})
  return {
    target: {kind: 'image', id: i.id, name: i.name},
    stored: props[IMAGE_KEY] ?? null,
    device: r.device,
    system: 'nova',
    valid: r.errors.length === 0,
    findings: [...r.errors, ...r.warnings],
    attributes: {owner: i.owner ?? null, visibility: i.visibility ?? null},
    properties: props,
  }
}

const hasLegacyKey = (i: Image): boolean => typeof i[BLUEPRINT_KEY] === 'string'

export function imageTarget(conn: Connection, options: {migrateLegacy?: boolean} = {}): Target<Image, string> {
  const migrate = options.migrateLegacy ?? false
  return {
    kind: 'image',
    find: (ref) => findImage(conn, ref),
    describe: describeImage,
    plan(current, value) {
      const after: Image = {...current}
      if (value === null) delete after[IMAGE_KEY]
      else after[IMAGE_KEY] = value
      const dropLegacy = migrate && hasLegacyKey(current)
      if (dropLegacy) delete after[BLUEPRINT_KEY]
      return {after, changed: dropLegacy || after[IMAGE_KEY] !== current[IMAGE_KEY]}
    },
    write: (current, planned) => {
      const value = planned[IMAGE_KEY]
      return typeof value === 'string'
        ? setImageWatchdog(conn, current, value, migrate)
        : unsetImageWatchdog(conn, current, migrate)
    },
  }
}
