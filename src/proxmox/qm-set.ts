/**
 * One option changed the way `qm set` changes it (qemu-server's update_vm_api, for that one option): the change is
 * written to [PENDING], emptied of what changes nothing (cleanup_pending), then applied — at once on a stopped guest
 * (vmconfig_apply_pending: into the main section), and on a running one only if the option can be hot-plugged
 * (vmconfig_hotplug_pending). `watchdog` and `args` cannot (a QEMU device and QEMU's command line): on a running
 * guest they stay in [PENDING] until its next start, which is what Proxmox's GUI and API show as pending, and what a
 * live migration does not take along (the target starts from the main section).
 *
 * Only the one option is touched: what else is pending stays pending (qm set would apply it too on a stopped guest;
 * wd leaves that to Proxmox).
 */
import {parseConfig, pendingDeletes, valueIn, withKey, withPendingDelete, type ProxmoxConfig} from './config-file.js'

/**
 * The text with `key` set to `value` (or, for undefined, deleted) as qm set leaves that key, on a running or a
 * stopped guest; nothing else changes.
 */
export function setOption(text: string, key: string, value: string | undefined, running: boolean): string {
  const config = parseConfig(text)
  const line = value === undefined ? undefined : `${key}: ${value}`
  if (!running) {
    // applied at once: the main section has it, and nothing about it is left pending
    return withPendingDelete(withKey(withKey(text, 'main', key, line), 'pending', key, undefined), key, false)
  }
  const current = valueIn(config, 'main', key)
  if (value === undefined) {
    // qm set --delete: nothing to delete is no change; a value only pending just goes; a current one is deleted at
    // the next start
    if (current === undefined && valueIn(config, 'pending', key) === undefined) return text
    return withPendingDelete(withKey(text, 'pending', key, undefined), key, current !== undefined)
  }
  // cleanup_pending: a pending value equal to the current one changes nothing and is not kept
  return withPendingDelete(withKey(text, 'pending', key, value === current ? undefined : line), key, false)
}

/** What [PENDING] does to `key` at the next start: its new value, null (deleted), or undefined (nothing). */
export function pendingOption(text: string | ProxmoxConfig, key: string): string | null | undefined {
  const config = typeof text === 'string' ? parseConfig(text) : text
  const value = valueIn(config, 'pending', key)
  if (value !== undefined) return value
  return pendingDeletes(config).includes(key) ? null : undefined
}
