/** The four systems as data, so translation, schemas and docs read one table. */
import {LIBVIRT_ACTIONS, LIBVIRT_MODELS, type LibvirtAction, type LibvirtModel} from './libvirt.js'
import {NOVA_ACTIONS, NOVA_MODELS, type NovaAction, type NovaModel} from './nova.js'
import {PROXMOX_ACTIONS, PROXMOX_MODELS, type ProxmoxAction, type ProxmoxModel} from './proxmox.js'
import {QEMU_ACTIONS, QEMU_MODELS, type QemuAction, type QemuModel} from './qemu.js'

export const SYSTEMS = ['nova', 'libvirt', 'qemu', 'proxmox'] as const

/** The model every system has, and Nova's only one: what a watchdog is where no model is given. */
export const DEFAULT_MODEL = 'i6300esb' satisfies NovaModel & LibvirtModel & QemuModel & ProxmoxModel
export type System = (typeof SYSTEMS)[number]

export interface Vocabulary {
  models: readonly string[]
  actions: readonly string[]
}

export const VOCABULARY: Record<System, Vocabulary> = {
  nova: {models: NOVA_MODELS, actions: NOVA_ACTIONS},
  libvirt: {models: LIBVIRT_MODELS, actions: LIBVIRT_ACTIONS},
  qemu: {models: QEMU_MODELS, actions: QEMU_ACTIONS},
  proxmox: {models: PROXMOX_MODELS, actions: PROXMOX_ACTIONS},
}

interface DeviceTypes {
  nova: {model: NovaModel; action: NovaAction}
  libvirt: {model: LibvirtModel; action: LibvirtAction}
  qemu: {model: QemuModel; action: QemuAction}
  proxmox: {model: ProxmoxModel; action: ProxmoxAction}
}

/** A watchdog device in one system's own words. */
export type Device<S extends System> = DeviceTypes[S]
