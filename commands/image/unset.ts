import {oneLine} from '../../src/text/clip.js'
import {imageTarget} from '../../src/operations/targets/image.js'
import {imageRecord} from '../../src/report/watchdog.js'
import {IMAGE_KEY} from '../../src/vocab/nova.js'
import {WdCommand} from '../_shared/base.js'
import {dryRunFlag} from '../_shared/flags.js'
import {connectFromFlags, openstackFlags} from '../_shared/openstack.js'
import {outputFlags} from '../_shared/output.js'
import {
  changeEach,
  migrateLegacyFlag,
  checkUnsetProperty,
  namesArg,
  unsetPropertyFlag,
  cloudNamesOf,
} from '../_shared/targets.js'

export default class ImageUnset extends WdCommand<typeof ImageUnset> {
  static override summary = "Remove images' watchdog action, so the flavor's applies again."

  static override examples = [
    '<%= config.bin %> <%= command.id %> debian-12',
    '<%= config.bin %> <%= command.id %> old-appliance --migrate-legacy',
    '<%= config.bin %> <%= command.id %> debian-12 ubuntu-24.04 --dry-run',
  ]

  static override resultSchema = 'watchdog-change'

  static override strict = false

  static override completions = cloudNamesOf('image')

  static override args = namesArg('image', true)

  static override flags = {
    ...unsetPropertyFlag('image'),
    ...migrateLegacyFlag,
    ...dryRunFlag,
    ...outputFlags,
    ...openstackFlags,
  }

  public async run() {
    checkUnsetProperty('image', this.flags.property)
    const target = imageTarget(await connectFromFlags(this.flags), {migrateLegacy: this.flags['migrate-legacy']})
    const dryRun = this.flags['dry-run']
    return changeEach(this.rest, this.output(), target, null, {
      dryRun,
      record: imageRecord,
      note: (c) => {
        if (!dryRun && !c.changed)
          this.logToStderr(`image ${oneLine(c.target.name ?? c.target.id)} had no ${IMAGE_KEY}`)
      },
    })
  }
}
