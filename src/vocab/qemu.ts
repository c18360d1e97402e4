/** QEMU's watchdog vocabulary (qapi/run-state.json WatchdogAction; hw/watchdog). */

/** User-creatable watchdog devices libvirt also knows; the q35 iTCO is part of ICH9-LPC, not a -device. */
export const QEMU_MODELS = ['i6300esb', 'ib700', 'diag288'] as const
export type QemuModel = (typeof QEMU_MODELS)[number]

export const QEMU_ACTIONS = ['reset', 'shutdown', 'poweroff', 'pause', 'debug', 'none', 'inject-nmi'] as const
export type QemuAction = (typeof QEMU_ACTIONS)[number]

export const QEMU_DEFAULT_ACTION: QemuAction = 'reset'
