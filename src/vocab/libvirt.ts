/** libvirt's watchdog vocabulary (docs/formatdomain.rst "Watchdog devices"; domaincommon.rng `watchdog`). */

export const LIBVIRT_MODELS = ['i6300esb', 'ib700', 'diag288', 'itco'] as const
export type LibvirtModel = (typeof LIBVIRT_MODELS)[number]

export const LIBVIRT_ACTIONS = ['reset', 'shutdown', 'poweroff', 'pause', 'none', 'dump', 'inject-nmi'] as const
export type LibvirtAction = (typeof LIBVIRT_ACTIONS)[number]

/** libvirt fills this in when `action` is absent. */
export const LIBVIRT_DEFAULT_ACTION: LibvirtAction = 'reset'
