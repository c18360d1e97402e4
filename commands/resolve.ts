import {Flags} from '@oclif/core'
import {resolveRequest, type ResolutionResult} from '../src/operations/resolution.js'
import {qemuCommandLine, resolutionText} from '../src/report/resolution.js'
import {WdCommand} from './_shared/base.js'
import {
  guestHalfFlags,
  guestHalfOptionsOf,
  resolutionCompletions,
  resolutionFlags,
  resolveRequestOf,
} from './_shared/flags.js'
import {connectFromFlags, openstackFlags} from './_shared/openstack.js'
import {policyFlag, readPolicy} from './_shared/policy.js'

export default class Resolve extends WdCommand<typeof Resolve> {
  static override completions = resolutionCompletions

  static override summary = 'Predict the watchdog Nova gives an instance of a flavor and an image.'

  static override description = `Resolution is Nova's own (libvirt driver, _guest_add_watchdog_action): the flavor's \
hw:watchdog_action, overridden by any image hw_watchdog_action (even 'disabled'); missing or '' means disabled; \
the model is always i6300esb. Keys Nova ignores (hw_watchdog_action on a flavor, hw:watchdog_action on an image, \
the blueprint's watchdog=) are warned about and never change the result.

--json (and -f json) gives schemas/resolution.schema.json, the same value as the service's POST /v1/resolve.

-f cloud-init prints the guest half: the shell script that arms the device inside the guest (it loads the driver, \
picks the device by its identity and has the feeder feed it at every boot, and says 'wd-guest: armed' or \
'wd-guest: not-armed' on the console). It is what wd serve answers Nova as vendordata; use it as static \
vendordata, as user-data, or run it once as root in an image you bake.

Exit status: 0 resolved (warnings allowed), 1 an input value Nova refuses, 2 usage error.`

  static override examples = [
    {
      description: 'A flavor that resets hung guests:',
      command: '<%= config.bin %> <%= command.id %> --flavor-spec hw:watchdog_action=reset',
    },
    {
      description: "An image that overrides the flavor, as JSON with the resolution's steps:",
      command:
        '<%= config.bin %> <%= command.id %> --flavor-spec hw:watchdog_action=reset --image-prop hw_watchdog_action=poweroff -f json --explain',
    },
    {
      description: 'What an instance of a flavor and an image of the live cloud gets:',
      command: '<%= config.bin %> <%= command.id %> --flavor m1.small --image debian-12 --os-cloud prod',
    },
    {
      description: 'The guest half for an instance of a catalog flavor, to bake into an image (run it once as root):',
      command:
        '<%= config.bin %> <%= command.id %> --catalog examples/catalog.yaml --flavor m1.small --image debian-12 -f cloud-init > wd-guest.sh',
    },
    {
      description: 'The libvirt element for a flavor and image of a catalog file:',
      command:
        '<%= config.bin %> <%= command.id %> --catalog examples/catalog.yaml --flavor m1.small --image debian-12 -f libvirt',
    },
  ]

  static override resultSchema = 'resolution'

  static override flags = {
    ...resolutionFlags,
    format: Flags.string({
      char: 'f',
      description: 'Output format.',
      options: ['text', 'json', 'yaml', 'libvirt', 'proxmox', 'qemu', 'cloud-init'] as const,
      default: 'text',
    }),
    ...guestHalfFlags,
    explain: Flags.boolean({description: 'Show each step of the resolution.'}),
    policy: policyFlag,
    ...openstackFlags,
  }

  public async run(): Promise<ResolutionResult> {
    const policy = await readPolicy(this.flags.policy)
    const format = this.flags.format
    const guestHalf = format === 'cloud-init' ? guestHalfOptionsOf(this.flags) : undefined
    const result = await resolveRequest(
      {...resolveRequestOf(this.flags), ...(guestHalf && {guestHalf})},
      {
        ...(policy && {policy}),
        connection: () => connectFromFlags(this.flags),
      },
    )
    if (!result.valid) this.findings()
    if (format === 'text') this.log(resolutionText(result))
    else if (format === 'json') this.log(JSON.stringify(result, null, 2))
    else if (format === 'yaml') this.log((await import('../src/report/yaml.js')).yamlText(result).trimEnd())
    else {
      // Device formats print only the device (nothing for none); what is wrong goes to stderr.
      for (const e of result.errors) this.logToStderr(`error: ${e}`)
      for (const w of result.warnings) this.logToStderr(`warning: ${w}`)
      if (!result.device && result.valid)
        this.logToStderr(`no watchdog device (from ${result.decidedBy}); nothing to print as ${format}`)
      if (result.device && format === 'libvirt') this.log(result.libvirt!)
      if (result.device && format === 'proxmox') this.log(result.proxmox!)
      if (result.device && format === 'qemu') this.log(qemuCommandLine(result.device))
      if (result.guestHalf) this.log(result.guestHalf.trimEnd())
    }
    return result
  }
}
