import {Flags} from '@oclif/core'
import {WdError} from '../../src/errors.js'
import {deviceFor, type DeviceRequest} from '../../src/operations/device.js'
import {changeWatchdog} from '../../src/operations/target.js'
import {proxmoxGuestTarget} from '../../src/operations/targets/proxmox-guest.js'
import type {ProxmoxWatchdog} from '../../src/render/proxmox.js'
import {guestSetLine} from '../../src/report/watchdog.js'
import {DEFAULT_MODEL, SYSTEMS, type System} from '../../src/vocab/systems.js'
import {WdCommand} from '../_shared/base.js'
import {dryRunFlag, guestHalfFlags, guestHalfOptionsOf, keyValues} from '../_shared/flags.js'
import {nodeOptions, proxmoxDirFlag, proxmoxNodeFlags, proxmoxTarget, qmpDirFlag} from '../_shared/proxmox.js'
import {PROXMOX_ACTIONS, PROXMOX_MODELS} from '../../src/vocab/proxmox.js'

export default class ProxmoxSet extends WdCommand<typeof ProxmoxSet> {
  static override summary = "Set a Proxmox VE guest's watchdog, editing only the main section's watchdog: line."

  static override description = `Every other byte of the file stays as it was ([PENDING], [special:…] and snapshot \
sections, the description comments). The write is atomic (temp file and rename in the same directory) and refused if \
the file changed meanwhile; mode, owner and symlinks are kept (a symlink's target is edited). What is no Proxmox \
config (binary data, NUL bytes, lone CR line ends) is refused and left untouched (exit 2). The action can be given in another system's words (--vocabulary) or come from a Nova \
flavor and image (--from-flavor / --from-image, resolved as Nova does); what Proxmox has no equivalent for is refused \
with the reason. --json gives schemas/watchdog-change.schema.json.

The change follows qemu-server's rules: it is made under qemu-server's own lock (flock on \
/var/lock/qemu-server/lock-VMID.conf, waiting up to 10 s) with the file read under it; a guest with a lock: line \
(backup, migrate, snapshot…) is refused unless --skiplock (root only); a running guest (its pid file names its live \
QEMU) gets the change in [PENDING], as qm set leaves it, applied at its next start; a stopped one in the main \
section, replacing a pending change to the same option. In /etc/pve, a VMID of another node is refused with that \
node's name (run wd there), and a node without quorum (read-only files) is said as such.

--record gives the guest a QMP monitor of wd's own (added to its args: line, the operator's own arguments kept), on \
--qmp-dir/VMID.sock, for wd events watch --qmp-dir: Proxmox's own socket (/var/run/qemu-server/VMID.qmp) serves one \
client at a time, and a watcher holding it would starve qm, pvestatd and backups. It takes effect at the guest's \
next start; --record alone leaves the watchdog line as it is.

--guest gives the guest wd's guest half (the script Nova's vendordata target serves): written as the snippet \
wd-guest-VMID.sh into --guest-storage's snippets directory, and named as the vendor part of the guest's cicustom: \
(its own user=, network= and meta= parts kept). Proxmox's cloud-init drive carries it to the guest as its \
vendor-data at the next start; at every boot it loads the driver, feeds the device and says 'wd-guest: armed' on the \
console. Refused, with the reason, for a guest without a cloud-init drive or a watchdog, with a vendor snippet of its \
own, or HA-managed with the snippet on one node's storage.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> 101 --action reset',
    '<%= config.bin %> <%= command.id %> 101 --action poweroff --model ib700',
    '<%= config.bin %> <%= command.id %> 101 --action reset --record   # and a QMP monitor for wd events watch --qmp-dir',
    '<%= config.bin %> <%= command.id %> 101 --action reset --guest --guest-storage cephfs   # and the guest half, as a snippet',
    '<%= config.bin %> <%= command.id %> 101 --from-flavor hw:watchdog_action=reset --from-image hw_watchdog_action=pause',
    '<%= config.bin %> <%= command.id %> ./101.conf --action inject-nmi --vocabulary libvirt   # refused: Proxmox has no inject-nmi',
  ]

  static override completions = {action: PROXMOX_ACTIONS, model: PROXMOX_MODELS}

  static override resultSchema = 'watchdog-change'

  static override args = proxmoxTarget

  static override flags = {
    ...proxmoxDirFlag,
    ...dryRunFlag,
    ...qmpDirFlag,
    ...proxmoxNodeFlags,
    record: Flags.boolean({description: "Add a QMP monitor of wd's own to the guest (args:), for wd events watch."}),
    guest: Flags.boolean({
      description:
        "Give the guest wd's guest half: a cloud-init vendor snippet (cicustom: vendor=) that arms its watchdog at every boot.",
    }),
    'guest-storage': Flags.string({
      description: 'The storage that keeps the snippet (its content must include snippets).',
      default: 'local',
      helpValue: 'STORAGE',
    }),
    ...guestHalfFlags,
    action: Flags.string({
      description: 'Watchdog action (Proxmox words unless --vocabulary).',
      exclusive: ['from-flavor', 'from-image'],
    }),
    model: Flags.string({description: `Watchdog model [default: ${DEFAULT_MODEL}].`}),
    vocabulary: Flags.string({
      description: 'Whose words --action and --model are in.',
      options: [...SYSTEMS],
      default: 'proxmox',
    }),
    'from-flavor': Flags.string({
      description: "A Nova flavor's extra spec KEY=VALUE (repeatable).",
      multiple: true,
      helpValue: 'KEY=VALUE',
    }),
    'from-image': Flags.string({
      description: "A Glance image's property KEY=VALUE (repeatable).",
      multiple: true,
      helpValue: 'KEY=VALUE',
    }),
  }

  private async watchdog(): Promise<ProxmoxWatchdog | null> {
    const f = this.flags
    const {action} = f
    let request: DeviceRequest
    if (f['from-flavor'] || f['from-image']) {
      request = {
        resolve: {
          flavorSpecs: keyValues('from-flavor', f['from-flavor']),
          imageProperties: keyValues('from-image', f['from-image']),
        },
      }
    } else if (action === undefined) {
      throw new WdError('WD_USAGE', 'say which watchdog: --action, or --from-flavor / --from-image (or --record alone)')
    } else {
      request = {given: {action, ...(f.model !== undefined && {model: f.model})}, vocabulary: f.vocabulary as System}
    }
    const {device, warnings} = await deviceFor(request, 'proxmox')
    for (const w of warnings) this.warning(w.message)
    return device
  }

  public async run() {
    const f = this.flags
    // --record or --guest alone changes the monitor or the guest half and leaves the watchdog line
    const keepWatchdog = (f.record || f.guest) && f.action === undefined && !f['from-flavor'] && !f['from-image']
    const watchdog = keepWatchdog ? undefined : await this.watchdog()
    const target = proxmoxGuestTarget({
      dir: f.dir,
      ...nodeOptions(f),
      ...(f.record && {record: f['qmp-dir']}),
      ...(f.guest && {guest: {storage: f['guest-storage'], options: guestHalfOptionsOf(f)}}),
      ...(keepWatchdog && {keepWatchdog}),
    })
    const {change} = await changeWatchdog(target, this.args.target, watchdog ?? null, {dryRun: this.flags['dry-run']})
    this.log(guestSetLine(change))
    for (const w of change.warnings) this.warning(w)
    return change
  }
}
