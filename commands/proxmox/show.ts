import {decodeConfig, parseConfig, pendingWatchdog, readWatchdog} from '../../src/proxmox/config-file.js'
import {readBytes} from '../../src/source/read.js'
import {WdCommand} from '../_shared/base.js'
import {configPath, MAX_CONFIG_BYTES, proxmoxDirFlag, proxmoxTarget} from '../_shared/proxmox.js'

export interface ProxmoxShow {
  file: string
  watchdog: {model: string; action?: string} | null
  pending?: string
}

export default class ProxmoxShowCommand extends WdCommand<typeof ProxmoxShowCommand> {
  static override summary = "Show a Proxmox VE guest's watchdog (the main section's watchdog: line)."

  static override description = `An invalid watchdog line (a value Proxmox refuses, an empty value) is an error at \
its file:line:col, with a suggestion where one is close (exit 1).`

  static override examples = [
    '<%= config.bin %> <%= command.id %> 101',
    '<%= config.bin %> <%= command.id %> ./101.conf --json',
  ]

  static override args = proxmoxTarget

  static override flags = proxmoxDirFlag

  public async run(): Promise<ProxmoxShow> {
    const input = await readBytes(configPath(this.args.target, this.flags.dir), MAX_CONFIG_BYTES)
    const config = parseConfig(decodeConfig(input.bytes, input.name), input.name)
    const watchdog = readWatchdog(config) ?? null
    const pending = pendingWatchdog(config)
    this.log(
      watchdog
        ? `watchdog: model ${watchdog.model}, action ${watchdog.action ?? 'reset (QEMU default)'}`
        : 'watchdog: no watchdog device',
    )
    if (pending) this.log(`pending: watchdog ${pending} (applied at the next cold start)`)
    return {file: input.name, watchdog, ...(pending && {pending})}
  }
}
