import {Args} from '@oclif/core'
import {findImage} from '../../src/openstack/glance.js'
import {imageRecord} from '../../src/openstack/records.js'
import {WdCommand} from '../_shared/base.js'
import {connectFromFlags, openstackFlags, outputFlags, printRecord} from '../_shared/openstack.js'

export default class ImageShow extends WdCommand<typeof ImageShow> {
  static override summary = "Show an image's watchdog property, what Nova makes of it, and its other properties."

  static override examples = [
    '<%= config.bin %> <%= command.id %> debian-12',
    '<%= config.bin %> <%= command.id %> debian-12 -f json',
  ]

  static override args = {image: Args.string({description: 'Image name or id.', required: true})}

  static override flags = {...outputFlags, ...openstackFlags}

  public async run(): Promise<Record<string, unknown>> {
    const conn = await connectFromFlags(this.flags)
    const record = imageRecord(await findImage(conn, this.args.image))
    await printRecord((s) => this.log(s), record, this.flags)
    return record
  }
}
