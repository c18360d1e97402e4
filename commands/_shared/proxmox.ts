/** The VMID-or-file argument and the directory flag of the `wd proxmox` commands. */
import {Args, Flags} from '@oclif/core'
import {PROXMOX_CONFIG_DIR, PROXMOX_LOCK_DIR} from '../../src/operations/targets/proxmox-guest.js'
import {DEFAULT_QMP_DIR} from '../../src/proxmox/record-monitor.js'
import {PROXMOX_RUN_DIR} from '../../src/proxmox/running.js'

export const proxmoxTarget = {
  target: Args.string({description: 'A VMID (resolved under --dir) or the path of a config file.', required: true}),
}

export const proxmoxDirFlag = {
  dir: Flags.string({description: 'Where VMID.conf files are.', default: PROXMOX_CONFIG_DIR, helpValue: 'DIR'}),
}

/** Where wd's own QMP sockets go (`--record`): the directory `wd events watch --qmp-dir` follows. */
export const qmpDirFlag = {
  'qmp-dir': Flags.string({
    description:
      "Directory of wd's own QMP sockets (wd-VMID.qmp), for --record: qemu-server's own run directory exists whenever a guest can start.",
    default: DEFAULT_QMP_DIR,
    helpValue: 'DIR',
  }),
}

/** What `set` and `unset` need of the node, as qemu-server has it: its lock and run directories, and --skiplock. */
export const proxmoxNodeFlags = {
  skiplock: Flags.boolean({
    description:
      'Change a guest that has a lock: line (backup, migrate, snapshot…) anyway, as qm set --skiplock (root only).',
  }),
  'lock-dir': Flags.string({
    description: `qemu-server's lock directory: the change is made under its flock on lock-VMID.conf [default: ${PROXMOX_LOCK_DIR}, when it exists].`,
    helpValue: 'DIR',
    helpGroup: 'PROXMOX NODE',
  }),
  'run-dir': Flags.string({
    description:
      "qemu-server's run directory: a guest whose VMID.pid names its live QEMU is running, and gets the change in [PENDING].",
    default: PROXMOX_RUN_DIR,
    helpValue: 'DIR',
    helpGroup: 'PROXMOX NODE',
  }),
}

/** The target options of those flags. */
export const nodeOptions = (f: {skiplock: boolean; 'lock-dir'?: string; 'run-dir': string}) => ({
  ...(f.skiplock && {skiplock: true}),
  ...(f['lock-dir'] !== undefined && {lockDir: f['lock-dir']}),
  runDir: f['run-dir'],
})
