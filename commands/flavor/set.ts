import {Args, Flags} from '@oclif/core'
import {assertSetting} from '../../src/engine/nova-checks.js'
import {findFlavor, setFlavorWatchdog} from '../../src/openstack/nova.js'
import {flavorRecord} from '../../src/openstack/records.js'
import {FLAVOR_KEY, NOVA_SETTINGS} from '../../src/vocab/nova.js'
import {WdCommand} from '../_shared/base.js'
import {connectFromFlags, dryRunFlag, openstackFlags, outputFlags} from '../_shared/openstack.js'
import {recordsFor} from '../_shared/targets.js'

export default class FlavorSet extends WdCommand<typeof FlavorSet> {
  static override summary = "Set flavors' watchdog action (extra spec hw:watchdog_action)."

  static override description = `wd checks the value before Nova does (${NOVA_SETTINGS.join(', ')}; case-sensitive) \
and sends compute microversion 2.86, so Nova validates it as well. Only hw:watchdog_action is written: the \
flavor's other extra specs stay as they are. Several flavors may be named: each is reported, a failed one does not \
stop the rest. Needs an admin account (Nova's default policy).`

  static override examples = [
    '<%= config.bin %> <%= command.id %> m1.small --action reset',
    '<%= config.bin %> <%= command.id %> m1.small m1.large --action reset --dry-run',
    '<%= config.bin %> <%= command.id %> 2a7e9a3c-5b1d-4f0e-8c6a-1d2e3f4a5b6c --action poweroff --os-cloud prod -f json',
  ]

  static override completions = {action: NOVA_SETTINGS}

  static override strict = false

  static override args = {flavor: Args.string({description: 'Flavor names or ids.', required: true})}

  static override flags = {
    action: Flags.string({description: `Watchdog action: ${NOVA_SETTINGS.join(', ')}.`, required: true}),
    ...dryRunFlag,
    ...outputFlags,
    ...openstackFlags,
  }

  public async run(): Promise<Record<string, unknown> | Record<string, unknown>[]> {
    const value = assertSetting('flavor', this.flags.action)
    const conn = await connectFromFlags(this.flags)
    const dryRun = this.flags['dry-run']
    const out = {say: (l: string) => this.logToStderr(l), log: (t: string) => this.log(t), flags: this.flags}
    return recordsFor(this.rest, out, async (ref) => {
      const flavor = await findFlavor(conn, ref)
      if (dryRun)
        this.logToStderr(
          `dry run: would set ${FLAVOR_KEY}=${value} on flavor ${flavor.name} (now: ${flavor.extra_specs[FLAVOR_KEY] ?? 'unset'})`,
        )
      else await setFlavorWatchdog(conn, flavor, value)
      // Nova wrote exactly this key and nothing else: no need to read the flavor back
      return flavorRecord({...flavor, extra_specs: {...flavor.extra_specs, [FLAVOR_KEY]: value}})
    })
  }
}
