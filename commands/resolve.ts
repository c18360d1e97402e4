import {Flags} from '@oclif/core'
import {resolutionText, resolutionView, type ResolutionView} from '../src/report/resolution.js'
import {renderLibvirtElement} from '../src/render/libvirt.js'
import {renderProxmoxLine} from '../src/render/proxmox.js'
import {renderQemuArgs} from '../src/render/qemu.js'
import {translate} from '../src/vocab/translate.js'
import {WdCommand} from './_shared/base.js'
import {resolutionFlags} from './_shared/flags.js'
import {openstackFlags} from './_shared/openstack.js'
import {policyFlag, readPolicy} from './_shared/policy.js'
import {resolveFromFlags} from './_shared/resolution.js'

const shellWord = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`)

export default class Resolve extends WdCommand<typeof Resolve> {
  static override summary = 'Predict the watchdog Nova gives an instance of a flavor and an image.'

  static override description = `Resolution is Nova's own (libvirt driver, _guest_add_watchdog_action): the flavor's \
hw:watchdog_action, overridden by any image hw_watchdog_action (even 'disabled'); missing or '' means disabled; \
the model is always i6300esb. Keys Nova ignores (hw_watchdog_action on a flavor, hw:watchdog_action on an image, \
the blueprint's watchdog=) are warned about and never change the result.

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
      description: 'The libvirt element for a flavor and image of a catalog file:',
      command:
        '<%= config.bin %> <%= command.id %> --catalog examples/catalog.yaml --flavor m1.small --image debian-12 -f libvirt',
    },
  ]

  static override flags = {
    ...resolutionFlags,
    format: Flags.string({
      char: 'f',
      description: 'Output format.',
      options: ['text', 'json', 'yaml', 'libvirt', 'proxmox', 'qemu'] as const,
      default: 'text',
    }),
    explain: Flags.boolean({description: 'Show each step of the resolution.'}),
    policy: policyFlag,
    ...openstackFlags,
  }

  public async run(): Promise<ResolutionView> {
    const policy = await readPolicy(this.flags.policy)
    const view = resolutionView(await resolveFromFlags(this.flags, policy), this.flags.explain)
    if (!view.valid) this.findings()
    const format = this.flags.format
    const device = view.device
    if (format === 'text') this.log(resolutionText(view))
    else if (format === 'json') this.log(JSON.stringify(view, null, 2))
    else if (format === 'yaml') this.log((await import('js-yaml')).dump(view).trimEnd())
    else {
      // Device formats print only the device (nothing for none); what is wrong goes to stderr.
      for (const e of view.errors) this.logToStderr(`error: ${e}`)
      for (const w of view.warnings) this.logToStderr(`warning: ${w}`)
      if (!device && view.valid)
        this.logToStderr(`no watchdog device (from ${view.decidedBy}); nothing to print as ${format}`)
      if (device && format === 'libvirt') this.log(renderLibvirtElement(translate(device, 'nova', 'libvirt')))
      if (device && format === 'proxmox') this.log(renderProxmoxLine(translate(device, 'nova', 'proxmox')))
      if (device && format === 'qemu')
        this.log(
          renderQemuArgs(translate(device, 'nova', 'qemu'))
            .map(shellWord)
            .join(' '),
        )
    }
    return view
  }
}
