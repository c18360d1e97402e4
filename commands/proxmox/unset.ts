import {changeWatchdog} from '../../src/operations/target.js'
import {proxmoxGuestTarget} from '../../src/operations/targets/proxmox-guest.js'
import {guestUnsetLine} from '../../src/report/watchdog.js'
import {WdCommand} from '../_shared/base.js'
import {dryRunFlag} from '../_shared/flags.js'
import {Flags} from '@oclif/core'
import {nodeOptions, proxmoxDirFlag, proxmoxNodeFlags, proxmoxTarget} from '../_shared/proxmox.js'

export default class ProxmoxUnset extends WdCommand<typeof ProxmoxUnset> {
  static override summary = "Remove a Proxmox VE guest's watchdog line (every other byte kept)."

  static override description = `As qm set --delete watchdog: under qemu-server's lock, refused for a locked guest \
unless --skiplock; a running guest gets 'delete: watchdog' in [PENDING], applied at its next start. See wd proxmox \
set --help.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> 101',
    '<%= config.bin %> <%= command.id %> 101 --dry-run',
    "<%= config.bin %> <%= command.id %> 101 --record   # only wd's QMP monitor goes; the watchdog stays",
    "<%= config.bin %> <%= command.id %> 101 --guest   # only wd's guest half goes (the guest's own cicustom parts stay)",
  ]

  static override resultSchema = 'watchdog-change'

  static override args = proxmoxTarget

  static override flags = {
    ...proxmoxDirFlag,
    ...dryRunFlag,
    ...proxmoxNodeFlags,
    record: Flags.boolean({description: "Remove only wd's QMP monitor (args:); the watchdog line stays."}),
    guest: Flags.boolean({
      description:
        "Remove only wd's guest half (its vendor part of cicustom:, and its snippet); the watchdog line stays.",
    }),
  }

  public async run() {
    const {record, guest} = this.flags
    const target = proxmoxGuestTarget({
      dir: this.flags.dir,
      ...nodeOptions(this.flags),
      ...(record && {record: null}),
      ...(guest && {guest: null}),
      ...((record || guest) && {keepWatchdog: true}),
    })
    const {change} = await changeWatchdog(target, this.args.target, null, {dryRun: this.flags['dry-run']})
    const parts = [...(record ? (['monitor'] as const) : []), ...(guest ? (['guest'] as const) : [])]
    this.log((parts.length ? parts : (['watchdog'] as const)).map((p) => guestUnsetLine(change, p)).join('\n'))
    for (const w of change.warnings) this.warning(w)
    return change
  }
}
