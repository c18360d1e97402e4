import {WdError} from '../../src/errors.js'
import {showWatchdog} from '../../src/operations/target.js'
import {proxmoxGuestTarget} from '../../src/operations/targets/proxmox-guest.js'
import {guestText} from '../../src/report/watchdog.js'
import {WdCommand} from '../_shared/base.js'
import {proxmoxDirFlag, proxmoxNodeFlags, proxmoxTarget} from '../_shared/proxmox.js'

export default class ProxmoxShowCommand extends WdCommand<typeof ProxmoxShowCommand> {
  static override summary = "Show a Proxmox VE guest's watchdog (the main section's watchdog: line)."

  static override description = `The watchdog the guest runs with and what [PENDING] changes at its next start, \
wd's QMP monitor (both), whether the guest runs on this node, its lock: and, in /etc/pve, its node (a VMID of \
another node is read there). An invalid watchdog line (a value Proxmox refuses, an empty value) is an error at \
its file:line:col, with a suggestion where one is close (exit 1). --json gives schemas/watchdog-state.schema.json.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> 101',
    '<%= config.bin %> <%= command.id %> ./101.conf --json',
  ]

  static override resultSchema = 'watchdog-state'

  static override args = proxmoxTarget

  static override flags = {...proxmoxDirFlag, 'run-dir': proxmoxNodeFlags['run-dir']}

  public async run() {
    const state = await showWatchdog(
      proxmoxGuestTarget({dir: this.flags.dir, runDir: this.flags['run-dir']}),
      this.args.target,
    )
    const p = state.problem
    if (p)
      throw new WdError(p.code, p.message, {...(p.hint && {hint: p.hint}), ...(p.location && {location: p.location})})
    this.log(guestText(state))
    return state
  }
}
