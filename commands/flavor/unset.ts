import {Args} from '@oclif/core'
import {findFlavor, unsetFlavorWatchdog} from '../../src/openstack/nova.js'
import {flavorRecord} from '../../src/openstack/records.js'
import {FLAVOR_KEY} from '../../src/vocab/nova.js'
import {WdCommand} from '../_shared/base.js'
import {connectFromFlags, openstackFlags, outputFlags, printRecord} from '../_shared/openstack.js'

export default class FlavorUnset extends WdCommand<typeof FlavorUnset> {
  static override summary = "Remove a flavor's watchdog action (the flavor then gives no watchdog)."

  static override description = `Deletes only the extra spec hw:watchdog_action; a flavor without it is fine and \
the command says so. Needs an admin account (Nova's default policy).`

  static override examples = ['<%= config.bin %> <%= command.id %> m1.small']

  static override args = {flavor: Args.string({description: 'Flavor name or id.', required: true})}

  static override flags = {...outputFlags, ...openstackFlags}

  public async run(): Promise<Record<string, unknown>> {
    const conn = await connectFromFlags(this.flags)
    const flavor = await findFlavor(conn, this.args.flavor)
    if (!(await unsetFlavorWatchdog(conn, flavor))) this.logToStderr(`flavor ${flavor.name} had no hw:watchdog_action`)
    const rest = Object.fromEntries(Object.entries(flavor.extra_specs).filter(([k]) => k !== FLAVOR_KEY))
    const record = flavorRecord({...flavor, extra_specs: rest})
    await printRecord((s) => this.log(s), record, this.flags)
    return record
  }
}
