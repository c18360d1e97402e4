import {Args, Flags} from '@oclif/core'
import {findImage, unsetImageWatchdog} from '../../src/openstack/glance.js'
import {imageRecord} from '../../src/openstack/records.js'
import {WdCommand} from '../_shared/base.js'
import {connectFromFlags, openstackFlags, outputFlags, printRecord} from '../_shared/openstack.js'

export default class ImageUnset extends WdCommand<typeof ImageUnset> {
  static override summary = "Remove an image's watchdog action, so the flavor's applies again."

  static override examples = [
    '<%= config.bin %> <%= command.id %> debian-12',
    '<%= config.bin %> <%= command.id %> old-appliance --migrate-legacy',
  ]

  static override args = {image: Args.string({description: 'Image name or id.', required: true})}

  static override flags = {
    'migrate-legacy': Flags.boolean({description: "Also remove the blueprint's 'watchdog' property."}),
    ...outputFlags,
    ...openstackFlags,
  }

  public async run(): Promise<Record<string, unknown>> {
    const conn = await connectFromFlags(this.flags)
    const image = await findImage(conn, this.args.image)
    const after = await unsetImageWatchdog(conn, image, this.flags['migrate-legacy'])
    if (!after) this.logToStderr(`image ${image.name ?? image.id} had no hw_watchdog_action`)
    const record = imageRecord(after ?? image)
    await printRecord((s) => this.log(s), record, this.flags)
    return record
  }
}
