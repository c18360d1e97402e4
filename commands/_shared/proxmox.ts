/** VMID-or-file arguments and the directory and --dry-run flags of the `wd proxmox` commands, and their one edit. */
import {Args, Flags} from '@oclif/core'
import {join} from 'node:path'
import {replaceFile} from '../../src/fs/replace-file.js'
import {decodeConfig, encodeConfig, withWatchdog} from '../../src/proxmox/config-file.js'
import type {ProxmoxWatchdog} from '../../src/render/proxmox.js'
import {readBytes} from '../../src/source/read.js'

/** qemu-server configs are a few KiB; a larger file is no guest config. */
export const MAX_CONFIG_BYTES = 1024 * 1024

export const proxmoxTarget = {
  target: Args.string({description: 'A VMID (resolved under --dir) or the path of a config file.', required: true}),
}

export const proxmoxDirFlag = {
  dir: Flags.string({description: 'Where VMID.conf files are.', default: '/etc/pve/qemu-server', helpValue: 'DIR'}),
}

export const dryRunFlag = {
  'dry-run': Flags.boolean({description: 'Say what would change, and write nothing.'}),
}

export function configPath(target: string, dir: string): string {
  return /^\d+$/.test(target) ? join(dir, `${target}.conf`) : target
}

/** Sets (or removes) the watchdog line of a config file, byte for byte elsewhere; the text after, and whether it changed. */
export async function editConfig(
  path: string,
  watchdog: ProxmoxWatchdog | undefined,
  dryRun: boolean,
): Promise<{text: string; changed: boolean}> {
  const input = await readBytes(path, MAX_CONFIG_BYTES)
  const before = decodeConfig(input.bytes, input.name)
  const text = withWatchdog(before, watchdog)
  const changed = text !== before
  if (changed && !dryRun) await replaceFile(path, input.bytes, encodeConfig(text))
  return {text, changed}
}
