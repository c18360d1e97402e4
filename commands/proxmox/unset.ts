import {withWatchdog} from '../../src/proxmox/config-file.js'
import {replaceFile} from '../../src/proxmox/replace-file.js'
import {readInput} from '../../src/source/read.js'
import {WdCommand} from '../_shared/base.js'
import {configPath, proxmoxDirFlag, proxmoxTarget} from '../_shared/proxmox.js'

export default class ProxmoxUnset extends WdCommand<typeof ProxmoxUnset> {
  static override summary = "Remove a Proxmox VE guest's watchdog line (main section only; every other byte kept)."

  static override examples = ['<%= config.bin %> <%= command.id %> 101']

  static override args = proxmoxTarget

  static override flags = proxmoxDirFlag

  public async run(): Promise<{file: string; changed: boolean}> {
    const path = configPath(this.args.target, this.flags.dir)
    const input = await readInput(path, 1024 * 1024)
    const text = withWatchdog(input.text, undefined)
    const changed = text !== input.text
    if (changed) await replaceFile(path, input.text, text)
    this.log(`${path}: ${changed ? 'watchdog removed' : 'had no watchdog'}`)
    return {file: path, changed}
  }
}
