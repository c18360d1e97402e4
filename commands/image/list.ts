import {listImages} from '../../src/openstack/glance.js'
import {describeImage} from '../../src/operations/targets/image.js'
import {IMAGE_COLUMNS, imageRow} from '../../src/report/watchdog.js'
import {WdCommand} from '../_shared/base.js'
import {connectFromFlags, openstackFlags} from '../_shared/openstack.js'
import {listFlags, printList} from '../_shared/output.js'

export default class ImageList extends WdCommand<typeof ImageList> {
  static override summary = 'List the images this project sees, with the watchdog each sets.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> -f value -c Name -c Watchdog',
  ]

  static override resultSchema = 'watchdog-state'

  static override flags = {...listFlags, ...openstackFlags}

  public async run() {
    const conn = await connectFromFlags(this.flags)
    const images = await listImages(conn)
    const states = images.map(describeImage)
    const rows = states.map((s, i) => imageRow(s, images[i]!))
    await printList((s) => this.log(s), rows, IMAGE_COLUMNS, this.flags)
    return states
  }
}
