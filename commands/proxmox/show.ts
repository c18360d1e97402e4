import {parseConfig, pendingWatchdog, readWatchdog} from '../../src/proxmox/config-file.js'
import {readInput} from '../../src/source/read.js'
import {WdCommand} from '../_shared/base.js'
import {configPath, proxmoxDirFlag, proxmoxTarget} from '../_shared/proxmox.js'

export interface ProxmoxShow {
  file: string
  watchdog: {model: string; action?: string} | null
  pending?: string
}

export default class ProxmoxShowCommand extends WdCommand<typeof ProxmoxShowCommand> {
  static override summary = "Show a Proxmox VE guest's watchdog (the main section's watchdog: line)."

  static override examples = [
    '<%= config.bin %> <%= command.id %> 101',
    '<%= config.bin %> <%= command.id %> ./101.conf --json',
  ]

  static override args = proxmoxTarget

  static override flags = proxmoxDirFlag

  public async run(): Promise<ProxmoxShow> {
    const input = await readInput(configPath(this.args.target, this.flags.dir), 1024 * 1024)
    const config = parseConfig(input.text)
    const watchdog = readWatchdog(config) ?? null
    const pending = pendingWatchdog(config)
    this.log(
      watchdog
        ? `watchdog: model ${watchdog.model}, action ${watchdog.action ?? 'reset (QEMU default)'}`
        : 'watchdog: none',
    )
    if (pending) this.log(`pending: watchdog ${pending} (applied at the next cold start)`)
    return {file: input.name, watchdog, ...(pending && {pending})}
  }
}
