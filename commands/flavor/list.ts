import {Flags} from '@oclif/core'
import {listFlavors} from '../../src/openstack/nova.js'
import {describeFlavor} from '../../src/operations/targets/flavor.js'
import {FLAVOR_COLUMNS, flavorRow} from '../../src/report/watchdog.js'
import {WdCommand} from '../_shared/base.js'
import {connectFromFlags, openstackFlags} from '../_shared/openstack.js'
import {listFlags, printList} from '../_shared/output.js'

export default class FlavorList extends WdCommand<typeof FlavorList> {
  static override summary = 'List flavors with the watchdog each gives.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --all -f json',
  ]

  static override resultSchema = 'watchdog-state'

  static override flags = {
    all: Flags.boolean({description: 'Private flavors too (all flavors, for an admin).'}),
    ...listFlags,
    ...openstackFlags,
  }

  public async run() {
    const conn = await connectFromFlags(this.flags)
    const flavors = await listFlavors(conn, this.flags.all)
    const states = flavors.map(describeFlavor)
    const rows = states.map((s, i) => flavorRow(s, flavors[i]!))
    await printList((s) => this.log(s), rows, FLAVOR_COLUMNS, this.flags)
    return states
  }
}
