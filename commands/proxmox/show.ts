import {WdError} from '../../src/errors.js'
import {showWatchdog} from '../../src/operations/target.js'
import {proxmoxGuestTarget} from '../../src/operations/targets/proxmox-guest.js'
import {guestText} from '../../src/report/watchdog.js'
import {WdCommand} from '../_shared/base.js'
import {proxmoxDirFlag, proxmoxTarget} from '../_shared/proxmox.js'

export default class ProxmoxShowCommand extends WdCommand<typeof ProxmoxShowCommand> {
  static override summary = "Show a Proxmox VE guest's watchdog (the main section's watchdog: line)."

  static override description = `An invalid watchdog line (a value Proxmox refuses, an empty value) is an error at \
its file:line:col, with a suggestion where one is close (exit 1). --json gives schemas/watchdog-state.schema.json.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> 101',
    '<%= config.bin %> <%= command.id %> ./101.conf --json',
  ]

  static override resultSchema = 'watchdog-state'

  static override args = proxmoxTarget

  static override flags = proxmoxDirFlag

  public async run() {
    const state = await showWatchdog(proxmoxGuestTarget({dir: this.flags.dir}), this.args.target)
    const p = state.problem
    if (p)
      throw new WdError(p.code, p.message, {...(p.hint && {hint: p.hint}), ...(p.location && {location: p.location})})
    this.log(guestText(state))
    return state
  }
}
