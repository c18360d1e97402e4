import {Flags} from '@oclif/core'
import {listFailed, listProxmoxGuests, type ProxmoxListReport} from '../../src/operations/proxmox-list.js'
import {PVE_ROOT} from '../../src/proxmox/cluster.js'
import {LIST_FORMATS} from '../../src/report/record-formats.js'
import {WdCommand} from '../_shared/base.js'
import {listFlags, printList} from '../_shared/output.js'

const FORMATS = [...LIST_FORMATS, 'openmetrics'] as const

export default class ProxmoxList extends WdCommand<typeof ProxmoxList> {
  static override summary =
    "Every guest of the Proxmox VE cluster: its watchdog, wd's monitor and guest half, HA, findings."

  static override description = `Reads every guest config of the cluster, as any node holds them \\
(PVE-ROOT/nodes/*/qemu-server/VMID.conf, replicated by pmxcfs), and HA's resources (PVE-ROOT/ha/resources.cfg). \\
For each guest: its node, VMID and name, the watchdog it runs with and the one [PENDING] gives it at its next \\
start, the action, wd's QMP monitor, the cloud-init vendor snippet (wd's guest half), its HA state and group, its \\
lock. Findings, each with its fix (run on the guest's node): no watchdog; a change pending until the next start; \\
action none; an HA-managed guest whose action is pause (HA sees a paused guest as running); a lock; q35, whose \\
chipset has an iTCO watchdog too; wd's monitor in a directory QEMU may not find at start; a watchdog line Proxmox \\
refuses. A config that cannot be read is said and skipped. Reads only.

Formats (-f): table (the summary first, then the guests, then the findings), json, yaml, csv, value (the guests: \\
the summary goes to stderr), openmetrics (for node_exporter's textfile collector). --json gives \\
schemas/proxmox-list.schema.json. Exit status: 0 no error-level finding, 1 at least one, 2 usage or environment.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> -f json -c vmid -c node -c action',
    '<%= config.bin %> <%= command.id %> -f openmetrics > /var/lib/node_exporter/textfile/wd_proxmox.prom',
  ]

  static override resultSchema = 'proxmox-list'

  static override flags = {
    'pve-root': Flags.string({
      description: 'Where the cluster file system is mounted (its nodes/ and ha/).',
      default: PVE_ROOT,
      helpValue: 'DIR',
    }),
    ...listFlags,
    format: Flags.string({char: 'f', description: 'Output format.', options: [...FORMATS], default: 'table'}),
  }

  public async run(): Promise<ProxmoxListReport> {
    const f = this.flags
    const report = await listProxmoxGuests(f['pve-root'], (m) => this.warning(m))
    if (listFailed(report)) this.findings()
    if (this.jsonEnabled()) return report
    const {proxmoxFindingsText, proxmoxOpenMetrics, proxmoxRow, proxmoxSummaryLine, PROXMOX_LIST_COLUMNS} =
      await import('../../src/report/proxmox-list.js')
    if (f.format === 'openmetrics') {
      this.document(proxmoxOpenMetrics(report))
      return report
    }
    const summary = `wd proxmox list: ${proxmoxSummaryLine(report)}`
    // a machine format holds the records alone
    if (f.format === 'table') this.log(summary)
    else this.logToStderr(summary)
    await printList((s) => this.log(s), report.guests.map(proxmoxRow), PROXMOX_LIST_COLUMNS, f)
    const findings = proxmoxFindingsText(report)
    if (f.format === 'table' && findings) this.log(findings)
    return report
  }
}
