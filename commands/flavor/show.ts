import {Args} from '@oclif/core'
import {findFlavor} from '../../src/openstack/nova.js'
import {flavorRecord} from '../../src/openstack/records.js'
import {WdCommand} from '../_shared/base.js'
import {connectFromFlags, openstackFlags, outputFlags, printRecord} from '../_shared/openstack.js'

export default class FlavorShow extends WdCommand<typeof FlavorShow> {
  static override summary = "Show a flavor's watchdog: the stored value, what Nova makes of it, and its extra specs."

  static override examples = [
    '<%= config.bin %> <%= command.id %> m1.small',
    '<%= config.bin %> <%= command.id %> m1.small -f value -c watchdog',
  ]

  static override args = {flavor: Args.string({description: 'Flavor name or id.', required: true})}

  static override flags = {...outputFlags, ...openstackFlags}

  public async run(): Promise<Record<string, unknown>> {
    const conn = await connectFromFlags(this.flags)
    const record = flavorRecord(await findFlavor(conn, this.args.flavor))
    await printRecord((s) => this.log(s), record, this.flags)
    return record
  }
}
