import {Flags} from '@oclif/core'
import type {PropertyProtections} from '../../src/policy/glance-protections.js'
import {WdCommand} from '../_shared/base.js'
import {readPolicy} from '../_shared/policy.js'

export default class PolicyExport extends WdCommand<typeof PolicyExport> {
  static override summary = "Enforce the policy's imageOverride in Glance: print a property-protections file."

  static override description = `Nova cannot stop an image owner from switching the operator's watchdog off (any \
image value wins over the flavor's); Glance can, with property protections. From a policy with imageOverride: deny \
(or same-or-stricter, of which Glance can enforce only deny), this prints the file that lets only the roles you name \
create, update and delete every watchdog property while everyone keeps read (Nova reads images with the user's \
token), followed by the catch-all section Glance needs. Its comments say how to merge it and what it cannot cover \
(snapshots, volume-backed servers, imports).`

  static override examples = [
    '<%= config.bin %> <%= command.id %> --glance-property-protections --policy policy.yaml > /etc/glance/property-protections.conf',
    '<%= config.bin %> <%= command.id %> --glance-property-protections --policy policy.yaml --role admin --role image-admin',
    '<%= config.bin %> <%= command.id %> --glance-property-protections --policy policy.yaml --rule-format policies --rule context_is_admin',
  ]

  static override resultSchema = 'cli-results#/$defs/propertyProtections'

  static override flags = {
    'glance-property-protections': Flags.boolean({
      description: "Print Glance's property-protections file (the one export there is).",
      required: true,
    }),
    policy: Flags.string({description: 'Operator policy file (YAML or JSON).', helpValue: 'FILE', required: true}),
    'rule-format': Flags.string({
      description: "Glance's property_protection_rule_format.",
      options: ['roles', 'policies'],
      default: 'roles',
    }),
    role: Flags.string({
      description: 'A role that may write the watchdog properties (repeatable; roles format) [default: admin].',
      multiple: true,
      helpValue: 'ROLE',
    }),
    rule: Flags.string({
      description:
        "The policy in Glance's policy.yaml that may write them (policies format) [default: context_is_admin].",
      helpValue: 'NAME',
    }),
  }

  public async run(): Promise<PropertyProtections> {
    const f = this.flags
    const [{glanceProtections}, {protectionsIni}] = await Promise.all([
      import('../../src/policy/glance-protections.js'),
      import('../../src/report/glance-protections.js'),
    ])
    const protections = glanceProtections((await readPolicy(f.policy))!, {
      ruleFormat: f['rule-format'] as 'roles' | 'policies',
      ...(f.role && {roles: f.role}),
      ...(f.rule !== undefined && {rule: f.rule}),
    })
    if (protections.imageOverride === 'same-or-stricter') {
      this.warning(
        'Glance can enforce only deny of same-or-stricter: the file denies the watchdog properties to image owners',
      )
    }
    this.log(protectionsIni(protections, this.config.version))
    return protections
  }
}
