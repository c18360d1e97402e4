import {Args, Flags} from '@oclif/core'
import {assertSetting} from '../../src/engine/nova-checks.js'
import {findImage, setImageWatchdog, type Image} from '../../src/openstack/glance.js'
import {hasLegacyKey, imageRecord} from '../../src/openstack/records.js'
import {BLUEPRINT_KEY, IMAGE_KEY, NOVA_SETTINGS} from '../../src/vocab/nova.js'
import {WdCommand} from '../_shared/base.js'
import {connectFromFlags, dryRunFlag, openstackFlags, outputFlags} from '../_shared/openstack.js'
import {recordsFor} from '../_shared/targets.js'

export default class ImageSet extends WdCommand<typeof ImageSet> {
  static override summary = "Set images' watchdog action (property hw_watchdog_action), which overrides every flavor's."

  static override description = `Glance stores any string, and Nova refuses a bad one only when an instance boots, \
so wd checks the value first (${NOVA_SETTINGS.join(', ')}; case-sensitive). Only hw_watchdog_action is written; \
other properties stay as they are. An image that still carries the 2013 blueprint's key 'watchdog' (which Nova never \
read) is pointed out; --migrate-legacy removes that key in the same change. Several images may be named.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> debian-12 --action poweroff',
    '<%= config.bin %> <%= command.id %> debian-12 ubuntu-24.04 --action reset --dry-run',
    '<%= config.bin %> <%= command.id %> old-appliance --action reset --migrate-legacy',
  ]

  static override completions = {action: NOVA_SETTINGS}

  static override strict = false

  static override args = {image: Args.string({description: 'Image names or ids.', required: true})}

  static override flags = {
    action: Flags.string({description: `Watchdog action: ${NOVA_SETTINGS.join(', ')}.`, required: true}),
    'migrate-legacy': Flags.boolean({description: "Also remove the blueprint's 'watchdog' property."}),
    ...dryRunFlag,
    ...outputFlags,
    ...openstackFlags,
  }

  public async run(): Promise<Record<string, unknown> | Record<string, unknown>[]> {
    const value = assertSetting('image', this.flags.action)
    const conn = await connectFromFlags(this.flags)
    const migrate = this.flags['migrate-legacy']
    const dryRun = this.flags['dry-run']
    const out = {say: (l: string) => this.logToStderr(l), log: (t: string) => this.log(t), flags: this.flags}
    return recordsFor(this.rest, out, async (ref) => {
      const image = await findImage(conn, ref)
      let after: Image
      if (dryRun) {
        this.logToStderr(
          `dry run: would set ${IMAGE_KEY}=${value} on image ${image.name ?? image.id} (now: ${typeof image[IMAGE_KEY] === 'string' ? image[IMAGE_KEY] : 'unset'})`,
        )
        after = {...image, [IMAGE_KEY]: value}
        if (migrate) delete after[BLUEPRINT_KEY]
      } else after = await setImageWatchdog(conn, image, value, migrate)
      if (hasLegacyKey(after)) {
        this.warning(
          `image ${after.name ?? after.id} still has the blueprint property 'watchdog', which Nova ignores; --migrate-legacy removes it`,
        )
      }
      return imageRecord(after)
    })
  }
}
