import {changeWatchdog} from '../../src/operations/target.js'
import {proxmoxGuestTarget} from '../../src/operations/targets/proxmox-guest.js'
import {guestUnsetLine} from '../../src/report/watchdog.js'
import {WdCommand} from '../_shared/base.js'
import {dryRunFlag} from '../_shared/flags.js'
import {proxmoxDirFlag, proxmoxTarget} from '../_shared/proxmox.js'

export default class ProxmoxUnset extends WdCommand<typeof ProxmoxUnset> {
  static override summary = "Remove a Proxmox VE guest's watchdog line (main section only; every other byte kept)."

  static override examples = [
    '<%= config.bin %> <%= command.id %> 101',
    '<%= config.bin %> <%= command.id %> 101 --dry-run',
  ]

  static override resultSchema = 'watchdog-change'

  static override args = proxmoxTarget

  static override flags = {...proxmoxDirFlag, ...dryRunFlag}

  public async run() {
    const target = proxmoxGuestTarget({dir: this.flags.dir})
    const {change} = await changeWatchdog(target, this.args.target, null, {dryRun: this.flags['dry-run']})
    this.log(guestUnsetLine(change))
    return change
  }
}
