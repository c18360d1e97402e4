import {listImages} from '../../src/openstack/glance.js'
import {IMAGE_COLUMNS, imageRow} from '../../src/openstack/records.js'
import {WdCommand} from '../_shared/base.js'
import {connectFromFlags, openstackFlags, listFlags, printList} from '../_shared/openstack.js'

export default class ImageList extends WdCommand<typeof ImageList> {
  static override summary = 'List the images this project sees, with the watchdog each sets.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> -f value -c Name -c Watchdog',
  ]

  static override flags = {...listFlags, ...openstackFlags}

  public async run(): Promise<Record<string, unknown>[]> {
    const conn = await connectFromFlags(this.flags)
    const rows = (await listImages(conn)).map(imageRow)
    await printList((s) => this.log(s), rows, IMAGE_COLUMNS, this.flags)
    return rows
  }
}
