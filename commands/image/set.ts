import {Args, Flags} from '@oclif/core'
import {assertSetting} from '../../src/engine/nova-checks.js'
import {findImage, setImageWatchdog} from '../../src/openstack/glance.js'
import {hasLegacyKey, imageRecord} from '../../src/openstack/records.js'
import {NOVA_SETTINGS} from '../../src/vocab/nova.js'
import {WdCommand} from '../_shared/base.js'
import {connectFromFlags, openstackFlags, outputFlags, printRecord} from '../_shared/openstack.js'

export default class ImageSet extends WdCommand<typeof ImageSet> {
  static override summary =
    "Set an image's watchdog action (property hw_watchdog_action), which overrides every flavor's."

  static override description = `Glance stores any string, and Nova refuses a bad one only when an instance boots, \
so wd checks the value first (${NOVA_SETTINGS.join(', ')}; case-sensitive). Only hw_watchdog_action is written; \
other properties stay as they are. An image that still carries the 2013 blueprint's key 'watchdog' (which Nova never \
read) is pointed out; --migrate-legacy removes that key in the same change.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> debian-12 --action poweroff',
    '<%= config.bin %> <%= command.id %> old-appliance --action reset --migrate-legacy',
  ]

  static override completions = {action: NOVA_SETTINGS}

  static override args = {image: Args.string({description: 'Image name or id.', required: true})}

  static override flags = {
    action: Flags.string({description: `Watchdog action: ${NOVA_SETTINGS.join(', ')}.`, required: true}),
    'migrate-legacy': Flags.boolean({description: "Also remove the blueprint's 'watchdog' property."}),
    ...outputFlags,
    ...openstackFlags,
  }

  public async run(): Promise<Record<string, unknown>> {
    const value = assertSetting('image', this.flags.action)
    const conn = await connectFromFlags(this.flags)
    const image = await findImage(conn, this.args.image)
    const after = await setImageWatchdog(conn, image, value, this.flags['migrate-legacy'])
    if (hasLegacyKey(after)) {
      this.warning(
        `image ${after.name ?? after.id} still has the blueprint property 'watchdog', which Nova ignores; --migrate-legacy removes it`,
      )
    }
    const record = imageRecord(after)
    await printRecord((s) => this.log(s), record, this.flags)
    return record
  }
}
