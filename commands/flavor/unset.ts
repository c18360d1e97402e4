import {oneLine} from '../../src/text/clip.js'
import {flavorTarget} from '../../src/operations/targets/flavor.js'
import {flavorRecord} from '../../src/report/watchdog.js'
import {FLAVOR_KEY} from '../../src/vocab/nova.js'
import {WdCommand} from '../_shared/base.js'
import {dryRunFlag} from '../_shared/flags.js'
import {connectFromFlags, openstackFlags} from '../_shared/openstack.js'
import {outputFlags} from '../_shared/output.js'
import {changeEach, checkUnsetProperty, namesArg, unsetPropertyFlag, cloudNamesOf} from '../_shared/targets.js'

export default class FlavorUnset extends WdCommand<typeof FlavorUnset> {
  static override summary = "Remove flavors' watchdog action (the flavor then gives no watchdog)."

  static override description = `Deletes only the extra spec hw:watchdog_action; a flavor without it is fine and \
the command says so. Several flavors may be named. Needs an admin account (Nova's default policy).`

  static override examples = [
    '<%= config.bin %> <%= command.id %> m1.small',
    '<%= config.bin %> <%= command.id %> m1.small m1.large --dry-run',
  ]

  static override resultSchema = 'watchdog-change'

  static override strict = false

  static override completions = cloudNamesOf('flavor')

  static override args = namesArg('flavor', true)

  static override flags = {
    ...unsetPropertyFlag('flavor'),
    ...dryRunFlag,
    ...outputFlags,
    ...openstackFlags,
  }

  public async run() {
    checkUnsetProperty('flavor', this.flags.property)
    const target = flavorTarget(await connectFromFlags(this.flags), {access: true})
    const dryRun = this.flags['dry-run']
    return changeEach(this.rest, this.output(), target, null, {
      dryRun,
      record: flavorRecord,
      note: (c) => {
        if (!dryRun && !c.changed)
          this.logToStderr(`flavor ${oneLine(c.target.name ?? c.target.id)} had no ${FLAVOR_KEY}`)
      },
    })
  }
}
