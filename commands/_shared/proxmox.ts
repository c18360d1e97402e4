/** The VMID-or-file argument and the directory flag of the `wd proxmox` commands. */
import {Args, Flags} from '@oclif/core'
import {PROXMOX_CONFIG_DIR} from '../../src/operations/targets/proxmox-guest.js'

export const proxmoxTarget = {
  target: Args.string({description: 'A VMID (resolved under --dir) or the path of a config file.', required: true}),
}

export const proxmoxDirFlag = {
  dir: Flags.string({description: 'Where VMID.conf files are.', default: PROXMOX_CONFIG_DIR, helpValue: 'DIR'}),
}
