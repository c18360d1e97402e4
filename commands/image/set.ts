import {imageTarget} from '../../src/operations/targets/image.js'
import {imageRecord} from '../../src/report/watchdog.js'
import {BLUEPRINT_KEY, NOVA_SETTINGS} from '../../src/vocab/nova.js'
import {WdCommand} from '../_shared/base.js'
import {dryRunFlag} from '../_shared/flags.js'
import {connectFromFlags, openstackFlags} from '../_shared/openstack.js'
import {outputFlags} from '../_shared/output.js'
import {changeEach, migrateLegacyFlag, namesArg, settingFlags, settingOf, cloudNamesOf} from '../_shared/targets.js'

export default class ImageSet extends WdCommand<typeof ImageSet> {
  static override summary = "Set images' watchdog action (property hw_watchdog_action), which overrides every flavor's."

  static override description = `Glance stores any string, and Nova refuses a bad one only when an instance boots, \
so wd checks the value first (${NOVA_SETTINGS.join(', ')}; case-sensitive). Only hw_watchdog_action is written; \
other properties stay as they are. An image that still carries the 2013 blueprint's key 'watchdog' (which Nova never \
read) is pointed out; --migrate-legacy removes that key in the same change. Several images may be named. --json \
gives each change as schemas/watchdog-change.schema.json.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> debian-12 --action poweroff',
    '<%= config.bin %> <%= command.id %> debian-12 ubuntu-24.04 --action reset --dry-run',
    '<%= config.bin %> <%= command.id %> old-appliance --action reset --migrate-legacy',
  ]

  static override completions = {action: NOVA_SETTINGS, ...cloudNamesOf('image')}

  static override resultSchema = 'watchdog-change'

  static override strict = false

  static override args = namesArg('image', true)

  static override flags = {
    ...settingFlags('image'),
    ...migrateLegacyFlag,
    ...dryRunFlag,
    ...outputFlags,
    ...openstackFlags,
  }

  public async run() {
    const value = settingOf('image', this.flags)
    const target = imageTarget(await connectFromFlags(this.flags), {migrateLegacy: this.flags['migrate-legacy']})
    return changeEach(this.rest, this.output(), target, value, {
      dryRun: this.flags['dry-run'],
      record: imageRecord,
      note: (c) => {
        if (c.after.properties?.[BLUEPRINT_KEY] === undefined) return
        this.warning(
          `image ${c.target.name ?? c.target.id} still has the blueprint property 'watchdog', which Nova ignores; --migrate-legacy removes it`,
        )
      },
    })
  }
}
