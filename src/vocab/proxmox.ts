/** Proxmox VE's watchdog vocabulary (qemu-server src/PVE/QemuServer.pm `$watchdog_fmt`). */

export const PROXMOX_MODELS = ['i6300esb', 'ib700'] as const
export type ProxmoxModel = (typeof PROXMOX_MODELS)[number]

export const PROXMOX_ACTIONS = ['reset', 'shutdown', 'poweroff', 'pause', 'debug', 'none'] as const
export type ProxmoxAction = (typeof PROXMOX_ACTIONS)[number]

/** `model` is the property string's default key: `watchdog: ib700` means model=ib700. */
export const PROXMOX_DEFAULT_MODEL: ProxmoxModel = 'i6300esb'
/** The config key in `/etc/pve/qemu-server/<vmid>.conf`. */
export const PROXMOX_KEY = 'watchdog'
