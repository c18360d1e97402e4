/** The libvirt `<watchdog>` element, formatted the way libvirt itself prints it (model first, single quotes). */
import type {Device} from '../vocab/systems.js'

export function renderLibvirtElement(device: Device<'libvirt'>): string {
  return `<watchdog model='${device.model}' action='${device.action}'/>`
}
