import {Args} from '@oclif/core'
import {findFlavor, unsetFlavorWatchdog} from '../../src/openstack/nova.js'
import {flavorRecord} from '../../src/openstack/records.js'
import {FLAVOR_KEY} from '../../src/vocab/nova.js'
import {WdCommand} from '../_shared/base.js'
import {connectFromFlags, dryRunFlag, openstackFlags, outputFlags} from '../_shared/openstack.js'
import {recordsFor} from '../_shared/targets.js'

export default class FlavorUnset extends WdCommand<typeof FlavorUnset> {
  static override summary = "Remove flavors' watchdog action (the flavor then gives no watchdog)."

  static override description = `Deletes only the extra spec hw:watchdog_action; a flavor without it is fine and \
the command says so. Several flavors may be named. Needs an admin account (Nova's default policy).`

  static override examples = [
    '<%= config.bin %> <%= command.id %> m1.small',
    '<%= config.bin %> <%= command.id %> m1.small m1.large --dry-run',
  ]

  static override strict = false

  static override args = {flavor: Args.string({description: 'Flavor names or ids.', required: true})}

  static override flags = {...dryRunFlag, ...outputFlags, ...openstackFlags}

  public async run(): Promise<Record<string, unknown> | Record<string, unknown>[]> {
    const conn = await connectFromFlags(this.flags)
    const dryRun = this.flags['dry-run']
    const out = {say: (l: string) => this.logToStderr(l), log: (t: string) => this.log(t), flags: this.flags}
    return recordsFor(this.rest, out, async (ref) => {
      const flavor = await findFlavor(conn, ref)
      const had = flavor.extra_specs[FLAVOR_KEY] !== undefined
      if (dryRun) this.logToStderr(`dry run: would ${had ? 'remove' : 'leave'} ${FLAVOR_KEY} on flavor ${flavor.name}`)
      else if (!(await unsetFlavorWatchdog(conn, flavor)))
        this.logToStderr(`flavor ${flavor.name} had no ${FLAVOR_KEY}`)
      const rest = Object.fromEntries(Object.entries(flavor.extra_specs).filter(([k]) => k !== FLAVOR_KEY))
      return flavorRecord({...flavor, extra_specs: rest})
    })
  }
}
