import {flavorTarget} from '../../src/operations/targets/flavor.js'
import {flavorRecord} from '../../src/report/watchdog.js'
import {NOVA_SETTINGS} from '../../src/vocab/nova.js'
import {WdCommand} from '../_shared/base.js'
import {dryRunFlag} from '../_shared/flags.js'
import {connectFromFlags, openstackFlags} from '../_shared/openstack.js'
import {outputFlags} from '../_shared/output.js'
import {changeEach, namesArg, settingFlags, settingOf, cloudNamesOf} from '../_shared/targets.js'

export default class FlavorSet extends WdCommand<typeof FlavorSet> {
  static override summary = "Set flavors' watchdog action (extra spec hw:watchdog_action)."

  static override description = `wd checks the value before Nova does (${NOVA_SETTINGS.join(', ')}; case-sensitive) \
and sends compute microversion 2.86, so Nova validates it as well. Only hw:watchdog_action is written (not at all \
when it already has the value): the flavor's other extra specs stay as they are. Several flavors may be named: each \
is reported, a failed one does not stop the rest. Needs an admin account (Nova's default policy). --json gives each \
change as schemas/watchdog-change.schema.json.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> m1.small --action reset',
    '<%= config.bin %> <%= command.id %> m1.small m1.large --action reset --dry-run',
    '<%= config.bin %> <%= command.id %> 2a7e9a3c-5b1d-4f0e-8c6a-1d2e3f4a5b6c --action poweroff --os-cloud prod -f json',
  ]

  static override completions = {action: NOVA_SETTINGS, ...cloudNamesOf('flavor')}

  static override resultSchema = 'watchdog-change'

  static override strict = false

  static override args = namesArg('flavor', true)

  static override flags = {
    ...settingFlags('flavor'),
    ...dryRunFlag,
    ...outputFlags,
    ...openstackFlags,
  }

  public async run() {
    const value = settingOf('flavor', this.flags)
    const target = flavorTarget(await connectFromFlags(this.flags), {access: true})
    return changeEach(this.rest, this.output(), target, value, {
      dryRun: this.flags['dry-run'],
      record: flavorRecord,
    })
  }
}
