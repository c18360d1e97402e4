/**
 * The guest half, as cloud-init configuration: the watchdog daemon pointed at /dev/watchdog, and the driver loaded
 * explicitly at every boot. Ubuntu blacklists every watchdog module (LP #1432837); a blacklist only stops automatic
 * loading, so an explicit modprobe is the robust way round it (a same-named /etc file would have to follow each kernel).
 * The timeout is the daemon's own: it programs the device with it.
 */
import type {Device} from '../vocab/systems.js'

/** How long the guest may hang before the hypervisor acts; the daemon feeds the device every INTERVAL seconds. */
const GUEST_TIMEOUT_SECONDS = 30
const INTERVAL_SECONDS = 5

/** The kernel driver of each watchdog model. */
const DRIVER: Record<string, string> = {
  i6300esb: 'i6300esb',
  ib700: 'ib700wdt',
  diag288: 'diag288_wdt',
  itco: 'iTCO_wdt',
}

export function cloudConfig(device: Device<'libvirt'>): string {
  const driver = DRIVER[device.model] ?? device.model
  return [
    '#cloud-config',
    `# wd: this instance has a ${device.model} watchdog whose action is '${device.action}';`,
    '# the daemon below feeds it, so only a hung guest makes the hypervisor act.',
    'packages: [watchdog]',
    'bootcmd:',
    `  - [modprobe, ${driver}]`,
    'write_files:',
    '  - path: /etc/watchdog.conf',
    '    content: |',
    '      watchdog-device = /dev/watchdog',
    `      watchdog-timeout = ${GUEST_TIMEOUT_SECONDS}`,
    `      interval = ${INTERVAL_SECONDS}`,
    '      realtime = yes',
    '      priority = 1',
    '  - path: /etc/default/watchdog',
    '    content: |',
    '      run_watchdog=1',
    '      run_wd_keepalive=1',
    `      watchdog_module="${driver}"`,
    'runcmd:',
    '  - [systemctl, enable, --now, watchdog]',
    '',
  ].join('\n')
}
