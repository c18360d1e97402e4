import {Args, Flags} from '@oclif/core'
import {WdError} from '../../src/errors.js'
import {deviceFor, type DeviceRequest} from '../../src/operations/device.js'
import {changeWatchdog, type WatchdogChange} from '../../src/operations/target.js'
import {libvirtDomainTarget} from '../../src/operations/targets/libvirt-domain.js'
import {domainChangeLine} from '../../src/report/watchdog.js'
import {DEFAULT_MODEL, type Device} from '../../src/vocab/systems.js'
import {WdCommand} from '../_shared/base.js'
import {resolutionCompletions, resolutionFlags, resolveRequestOf} from '../_shared/flags.js'
import {LIBVIRT_ACTIONS, LIBVIRT_MODELS} from '../../src/vocab/libvirt.js'

export default class XmlPatch extends WdCommand<typeof XmlPatch> {
  static override summary = 'Insert, replace or remove the watchdog in a libvirt domain XML, keeping everything else.'

  static override description = `The watchdog comes from a flavor and image (as with 'wd resolve') or from --model and \
--action in libvirt's own words. Every byte outside the watchdog element is kept. An existing watchdog of the same \
model keeps its <alias> and <address>. On q35, libvirt's implicit itco watchdog is kept and given the same action, \
since libvirt requires one action for all watchdogs of a domain. The file's bytes are kept (any encoding but UTF-16, \
its own line ends); --in-place writes atomically, keeps mode, owner and symlinks, and refuses a file that changed \
while wd worked on it. --json gives schemas/watchdog-change.schema.json.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> guest.xml --flavor-spec hw:watchdog_action=reset > guest-new.xml',
    '<%= config.bin %> <%= command.id %> guest.xml --action poweroff --in-place',
    'virsh dumpxml guest | <%= config.bin %> <%= command.id %> - --model i6300esb --action pause | virsh define /dev/stdin',
  ]

  static override completions = {action: LIBVIRT_ACTIONS, model: LIBVIRT_MODELS, ...resolutionCompletions}

  static override resultSchema = 'watchdog-change'

  static override args = {
    file: Args.string({description: "Domain XML file, or '-' for standard input.", required: true}),
  }

  static override flags = {
    ...resolutionFlags,
    action: Flags.string({
      description: 'libvirt watchdog action (instead of a flavor/image).',
      exclusive: ['flavor-spec', 'image-prop', 'catalog', 'remove'],
    }),
    model: Flags.string({
      description: `libvirt watchdog model, with --action [default: ${DEFAULT_MODEL}].`,
      dependsOn: ['action'],
    }),
    remove: Flags.boolean({description: 'Remove the watchdog.', exclusive: ['flavor-spec', 'image-prop', 'catalog']}),
    'in-place': Flags.boolean({char: 'i', description: 'Rewrite the file atomically instead of printing.'}),
    'dry-run': Flags.boolean({
      description: 'With --in-place: say whether the file would change, write nothing.',
      dependsOn: ['in-place'],
    }),
  }

  private async device(): Promise<Device<'libvirt'> | null> {
    const f = this.flags
    if (f.remove) return null
    if (f.action === undefined && !f['flavor-spec'] && !f['image-prop'] && !f.catalog) {
      throw new WdError('WD_USAGE', 'say which watchdog: --action, --remove, or a flavor/image as for wd resolve')
    }
    const request: DeviceRequest =
      f.action === undefined
        ? {resolve: resolveRequestOf(f)}
        : {given: {action: f.action, ...(f.model !== undefined && {model: f.model})}, vocabulary: 'libvirt'}
    const {device, warnings} = await deviceFor(request, 'libvirt')
    for (const w of warnings) this.warning(w.message)
    return device
  }

  public async run(): Promise<WatchdogChange> {
    const {file} = this.args
    const inPlace = this.flags['in-place']
    if (inPlace && file === '-') throw new WdError('WD_USAGE', '--in-place needs a file, not stdin')
    const device = await this.device()
    // without --in-place the patched domain is the output: nothing is written back, and it is no dry run
    const {change, after} = await changeWatchdog(libvirtDomainTarget({inPlace}), file, device, {
      dryRun: this.flags['dry-run'],
      writeBack: inPlace === true,
    })
    for (const w of change.warnings) this.warning(w)
    if (inPlace) this.logToStderr(domainChangeLine(change))
    else if (!this.jsonEnabled()) process.stdout.write(after.bytes) // byte for byte, no newline added
    return change
  }
}
