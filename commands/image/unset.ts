import {Args, Flags} from '@oclif/core'
import {findImage, unsetImageWatchdog} from '../../src/openstack/glance.js'
import {imageRecord} from '../../src/openstack/records.js'
import {IMAGE_KEY} from '../../src/vocab/nova.js'
import {WdCommand} from '../_shared/base.js'
import {connectFromFlags, dryRunFlag, openstackFlags, outputFlags} from '../_shared/openstack.js'
import {recordsFor} from '../_shared/targets.js'

export default class ImageUnset extends WdCommand<typeof ImageUnset> {
  static override summary = "Remove images' watchdog action, so the flavor's applies again."

  static override examples = [
    '<%= config.bin %> <%= command.id %> debian-12',
    '<%= config.bin %> <%= command.id %> old-appliance --migrate-legacy',
    '<%= config.bin %> <%= command.id %> debian-12 ubuntu-24.04 --dry-run',
  ]

  static override strict = false

  static override args = {image: Args.string({description: 'Image names or ids.', required: true})}

  static override flags = {
    'migrate-legacy': Flags.boolean({description: "Also remove the blueprint's 'watchdog' property."}),
    ...dryRunFlag,
    ...outputFlags,
    ...openstackFlags,
  }

  public async run(): Promise<Record<string, unknown> | Record<string, unknown>[]> {
    const conn = await connectFromFlags(this.flags)
    const dryRun = this.flags['dry-run']
    const out = {say: (l: string) => this.logToStderr(l), log: (t: string) => this.log(t), flags: this.flags}
    return recordsFor(this.rest, out, async (ref) => {
      const image = await findImage(conn, ref)
      const name = image.name ?? image.id
      if (dryRun) {
        this.logToStderr(
          `dry run: would ${typeof image[IMAGE_KEY] === 'string' ? 'remove' : 'leave'} ${IMAGE_KEY} on image ${name}`,
        )
        const rest = {...image}
        delete rest[IMAGE_KEY]
        return imageRecord(rest)
      }
      const after = await unsetImageWatchdog(conn, image, this.flags['migrate-legacy'])
      if (!after) this.logToStderr(`image ${name} had no ${IMAGE_KEY}`)
      return imageRecord(after ?? image)
    })
  }
}
