/** What `wd proxmox list` finds in a cluster's guests: the one rule table the list, the README and the tests read. */
import type {AuditSeverity} from '../audit/rules.js'

export const PROXMOX_RULES = {
  'proxmox/invalid-watchdog': {
    summary: 'A watchdog: line Proxmox refuses: the guest starts without a watchdog.',
    level: 'error',
  },
  'proxmox/ha-pause': {
    summary:
      'An HA-managed guest whose watchdog pauses it: HA sees a paused guest as running, so a hung guest is never recovered.',
    level: 'error',
  },
  'proxmox/no-watchdog': {summary: 'A guest without a watchdog device: a hung guest stays hung.', level: 'warning'},
  'proxmox/action-none': {
    summary: 'A watchdog whose action is none: the device fires and nothing happens.',
    level: 'warning',
  },
  'proxmox/monitor-directory': {
    summary:
      "wd's QMP monitor in a directory of its own: QEMU does not start the guest while that directory is missing (after a reboot, on a node without wd).",
    level: 'warning',
  },
  'proxmox/locked': {
    summary: 'A guest with a lock: (backup, migrate, snapshot…): Proxmox and wd refuse changes until it goes.',
    level: 'warning',
  },
  'proxmox/q35-itco': {
    summary:
      "A q35 guest: its chipset also has QEMU's iTCO watchdog; a guest that loads iTCO_wdt first feeds that one, and both act as the watchdog's action says.",
    level: 'info',
  },
  'proxmox/change-pending': {
    summary: 'A change to the watchdog or to wd’s monitor waits in [PENDING] until the guest’s next start.',
    level: 'info',
  },
} as const satisfies Record<string, {summary: string; level: AuditSeverity}>

export type ProxmoxRuleId = keyof typeof PROXMOX_RULES
