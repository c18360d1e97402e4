/** VMID-or-file arguments and the directory flag of the `wd proxmox` commands. */
import {Args, Flags} from '@oclif/core'
import {join} from 'node:path'

export const proxmoxTarget = {
  target: Args.string({description: 'A VMID (resolved under --dir) or the path of a config file.', required: true}),
}

export const proxmoxDirFlag = {
  dir: Flags.string({description: 'Where VMID.conf files are.', default: '/etc/pve/qemu-server', helpValue: 'DIR'}),
}

export function configPath(target: string, dir: string): string {
  return /^\d+$/.test(target) ? join(dir, `${target}.conf`) : target
}
