import {Args, Flags} from '@oclif/core'
import {pending, planCatalogs, type Plan} from '../../src/operations/catalog-plan.js'
import {planMarkdown, planText} from '../../src/report/plan.js'
import {WdCommand} from '../_shared/base.js'
import {planFlags, planOptionsOf, validCatalogs} from '../_shared/catalog.js'
import {connectFromFlags, openstackFlags} from '../_shared/openstack.js'
import {policyFlag, readPolicy} from '../_shared/policy.js'

/** `--detailed-exitcode`: changes are pending. Not 1 or 2, which are wd's findings and usage statuses. */
export const CHANGES_PENDING = 3

export default class CatalogPlan extends WdCommand<typeof CatalogPlan> {
  static override summary = 'Show what it takes to make the cloud match its catalogs; write nothing.'

  static override description = `The catalogs are validated first (as wd catalog validate, with --policy); an error \
stops the plan. Flavors are matched by id, else by name (with a warning). Each change is one of: create; update in \
place (extra specs, description, access of a private flavor); replace (anything else Nova cannot change on a \
flavor, listed with the servers that run on it); delete (with --prune). Flavors no catalog lists are shown as \
unmanaged. The catalog is authoritative for the extra specs of the flavors it lists (--keep-unlisted-specs merges \
only); images are matched by id or name, and only the properties the catalog lists are set (null removes one).

Exit status: 0 planned, 1 an invalid catalog or policy, 2 usage or environment; with --detailed-exitcode, \
${CHANGES_PENDING} when the plan has changes.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> catalog.yaml --os-cloud prod',
    '<%= config.bin %> <%= command.id %> catalogs/ --policy policy.yaml -o plan.json -f markdown > plan.md',
    '<%= config.bin %> <%= command.id %> catalog.yaml --detailed-exitcode || { [ $? -eq 3 ] && echo "changes pending"; }',
  ]

  static override resultSchema = 'catalog-plan'

  static override strict = false

  static override args = {
    catalog: Args.string({description: "Catalog files, directories, globs, or '-'.", required: true}),
  }

  static override flags = {
    policy: policyFlag,
    format: Flags.string({
      char: 'f',
      description: 'Output format.',
      options: ['text', 'json', 'markdown'] as const,
      default: 'text',
    }),
    output: Flags.string({
      char: 'o',
      description: 'Save the plan (JSON) for wd catalog apply.',
      helpValue: 'PLAN.json',
    }),
    'detailed-exitcode': Flags.boolean({description: `Exit ${CHANGES_PENDING} when there are changes.`}),
    ...planFlags,
    ...openstackFlags,
  }

  public async run(): Promise<Plan> {
    const f = this.flags
    const catalogs = await validCatalogs(this.rest, await readPolicy(f.policy), (t) => this.logToStderr(t))
    const plan = await planCatalogs(await connectFromFlags(f), catalogs, planOptionsOf(f))
    if (f.output !== undefined) {
      const {writeFileAtomically} = await import('../../src/fs/replace-file.js')
      await writeFileAtomically(f.output, Buffer.from(`${JSON.stringify(plan, null, 2)}\n`))
    }
    if (f.format === 'json') this.log(JSON.stringify(plan, null, 2))
    else this.log(f.format === 'markdown' ? planMarkdown(plan) : planText(plan))
    if (f['detailed-exitcode'] && pending(plan)) process.exitCode = CHANGES_PENDING
    return plan
  }
}
