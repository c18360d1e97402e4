import {flavorTarget} from '../../src/operations/targets/flavor.js'
import {flavorRecord} from '../../src/report/watchdog.js'
import {WdCommand} from '../_shared/base.js'
import {connectFromFlags, openstackFlags} from '../_shared/openstack.js'
import {outputFlags} from '../_shared/output.js'
import {namesArg, showOne, cloudNamesOf} from '../_shared/targets.js'

export default class FlavorShow extends WdCommand<typeof FlavorShow> {
  static override summary = "Show a flavor's watchdog: the stored value, what Nova makes of it, and its extra specs."

  static override examples = [
    '<%= config.bin %> <%= command.id %> m1.small',
    '<%= config.bin %> <%= command.id %> m1.small -f value -c watchdog',
  ]

  static override resultSchema = 'watchdog-state'

  static override completions = cloudNamesOf('flavor')

  static override args = namesArg('flavor', false)

  static override flags = {...outputFlags, ...openstackFlags}

  public async run() {
    const target = flavorTarget(await connectFromFlags(this.flags), {access: true})
    return showOne(target, this.args.flavor, this.output(), flavorRecord)
  }
}
