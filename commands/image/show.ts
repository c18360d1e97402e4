import {imageTarget} from '../../src/operations/targets/image.js'
import {imageRecord} from '../../src/report/watchdog.js'
import {WdCommand} from '../_shared/base.js'
import {connectFromFlags, openstackFlags} from '../_shared/openstack.js'
import {outputFlags} from '../_shared/output.js'
import {namesArg, showOne, cloudNamesOf} from '../_shared/targets.js'

export default class ImageShow extends WdCommand<typeof ImageShow> {
  static override summary = "Show an image's watchdog property, what Nova makes of it, and its other properties."

  static override examples = [
    '<%= config.bin %> <%= command.id %> debian-12',
    '<%= config.bin %> <%= command.id %> debian-12 -f json',
  ]

  static override resultSchema = 'watchdog-state'

  static override completions = cloudNamesOf('image')

  static override args = namesArg('image', false)

  static override flags = {...outputFlags, ...openstackFlags}

  public async run() {
    const target = imageTarget(await connectFromFlags(this.flags))
    return showOne(target, this.args.image, this.output(), imageRecord)
  }
}
