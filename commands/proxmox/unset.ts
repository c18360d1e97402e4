import {WdCommand} from '../_shared/base.js'
import {configPath, dryRunFlag, editConfig, proxmoxDirFlag, proxmoxTarget} from '../_shared/proxmox.js'

export default class ProxmoxUnset extends WdCommand<typeof ProxmoxUnset> {
  static override summary = "Remove a Proxmox VE guest's watchdog line (main section only; every other byte kept)."

  static override examples = [
    '<%= config.bin %> <%= command.id %> 101',
    '<%= config.bin %> <%= command.id %> 101 --dry-run',
  ]

  static override args = proxmoxTarget

  static override flags = {...proxmoxDirFlag, ...dryRunFlag}

  public async run(): Promise<{file: string; changed: boolean; dryRun?: boolean}> {
    const path = configPath(this.args.target, this.flags.dir)
    const dryRun = this.flags['dry-run']
    const {changed} = await editConfig(path, undefined, dryRun)
    this.log(`${path}: ${changed ? (dryRun ? 'would remove the watchdog' : 'watchdog removed') : 'had no watchdog'}`)
    return {file: path, changed, ...(dryRun && {dryRun})}
  }
}
