/** The VMID-or-file argument and the directory flag of the `wd proxmox` commands. */
import {Args, Flags} from '@oclif/core'
import {PROXMOX_CONFIG_DIR} from '../../src/operations/targets/proxmox-guest.js'
import {DEFAULT_QMP_DIR} from '../../src/proxmox/record-monitor.js'

export const proxmoxTarget = {
  target: Args.string({description: 'A VMID (resolved under --dir) or the path of a config file.', required: true}),
}

export const proxmoxDirFlag = {
  dir: Flags.string({description: 'Where VMID.conf files are.', default: PROXMOX_CONFIG_DIR, helpValue: 'DIR'}),
}

/** Where wd's own QMP sockets go (`--record`): the directory `wd events watch --qmp-dir` follows. */
export const qmpDirFlag = {
  'qmp-dir': Flags.string({
    description: "Directory of wd's own QMP sockets (VMID.sock), for --record.",
    default: DEFAULT_QMP_DIR,
    helpValue: 'DIR',
  }),
}
