/**
 * Nova's watchdog vocabulary (nova/objects/fields.py WatchdogAction; nova/virt/libvirt/driver.py
 * _guest_add_watchdog_action; nova/virt/libvirt/config.py LibvirtConfigGuestWatchdog).
 */

/** Values Nova accepts for `hw:watchdog_action` / `hw_watchdog_action`. `disabled` means: no device. */
export const NOVA_SETTINGS = ['none', 'pause', 'poweroff', 'reset', 'disabled'] as const
export type NovaSetting = (typeof NOVA_SETTINGS)[number]

/** The actions a Nova-created device can carry (every setting but `disabled`). */
export const NOVA_ACTIONS = ['none', 'pause', 'poweroff', 'reset'] as const
export type NovaAction = (typeof NOVA_ACTIONS)[number]

/** Nova has no model knob: the config class hard-codes it. */
export const NOVA_MODELS = ['i6300esb'] as const
export type NovaModel = (typeof NOVA_MODELS)[number]

/** The flavor extra spec Nova reads (scoped `hw:` since Kilo). */
export const FLAVOR_KEY = 'hw:watchdog_action'
/** The image property Nova reads; it wins over the flavor. */
export const IMAGE_KEY = 'hw_watchdog_action'
/** The original blueprint's spelling (wiki LibvirtWatchdog, 2013): never read by any Nova release. */
export const BLUEPRINT_KEY = 'watchdog'
/** The microversion from which Nova validates known extra specs when they are written. */
export const EXTRA_SPEC_VALIDATION_MICROVERSION = '2.86'

export function isNovaSetting(v: string): v is NovaSetting {
  return (NOVA_SETTINGS as readonly string[]).includes(v)
}

/** A setting that gives a device: every setting but 'disabled'. */
export const isNovaAction = (v: string): v is NovaAction => v !== 'disabled' && isNovaSetting(v)

/**
 * Namespaces Nova ≥ 2.86 validates (api-ref rest_api_version_history 2.86): an unknown key inside one of them is
 * refused at the API; a key outside them (or with no namespace) is stored and ignored.
 */
export const VALIDATED_NAMESPACES = [
  'accel',
  'aggregate_instance_extra_specs',
  'capabilities',
  'hw',
  'hw_rng',
  'hw_video',
  'os',
  'pci_passthrough',
  'powervm',
  'quota',
  'resources',
  'trait',
  'vmware',
] as const
