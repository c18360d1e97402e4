import {Args, Flags, ux} from '@oclif/core'
import {WdError} from '../../src/errors.js'
import {MAX_CATALOG_BYTES} from '../../src/limits.js'
import {applyPlan, assertCurrent, DEFAULT_PARALLEL, type ApplyResult} from '../../src/operations/catalog-apply.js'
import {pending, planCatalogs, type Plan} from '../../src/operations/catalog-plan.js'
import {checkPlan, savedPlan} from '../../src/operations/saved-plan.js'
import {applyText, planText} from '../../src/report/plan.js'
import {readInput} from '../../src/fs/read-input.js'
import {WdCommand} from '../_shared/base.js'
import {planFlags, planOptionsOf, validCatalogs} from '../_shared/catalog.js'
import {connectFromFlags, openstackFlags} from '../_shared/openstack.js'
import {policyFlag, readPolicy} from '../_shared/policy.js'

export default class CatalogApply extends WdCommand<typeof CatalogApply> {
  static override summary = 'Make the cloud match its catalogs (or carry out a saved plan).'

  static override description = `With catalogs, plans as wd catalog plan does and applies that plan: on a terminal \
it shows the plan and asks; without one it needs --yes. With a saved plan (PLAN.json from plan -o) it applies exactly \
that plan, and refuses (exit 2, nothing written) when anything the plan would change is no longer as it was, or when \
the plan does not do what it shows (it is re-derived from what it observed; --policy checks its values too). \
Replacements (delete, then create with the same id) and deleting flavors that servers use need --allow-replace; \
without it they are reported as not attempted. It prints the plan first (asked or not, so a CI log says what was \
about to change); at most --parallel changes run at once; at the end one line per item says applied, failed (with \
the cloud's own words) or not attempted, with the fields it changed. Applying again converges: a second plan shows no \
changes.

Exit status: 0 all applied, 1 an item failed or was not attempted (or an invalid catalog), 2 usage, environment or a \
stale plan.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> catalog.yaml --os-cloud prod',
    '<%= config.bin %> <%= command.id %> plan.json --yes',
    '<%= config.bin %> <%= command.id %> catalogs/ --yes --parallel 8 --allow-replace --prune',
  ]

  static override resultSchema = 'catalog-apply'

  static override strict = false

  static override args = {
    catalog: Args.string({description: 'Catalog files, directories, globs, or one saved PLAN.json.', required: true}),
  }

  static override flags = {
    yes: Flags.boolean({char: 'y', description: 'Apply without asking (needed without a terminal).'}),
    parallel: Flags.integer({description: 'Changes at once.', default: DEFAULT_PARALLEL, min: 1, max: 64}),
    'allow-replace': Flags.boolean({description: 'Replace flavors, and delete flavors that servers use.'}),
    policy: policyFlag,
    ...planFlags,
    ...openstackFlags,
  }

  /** A single argument that holds a saved plan is that plan; anything else is catalogs. */
  private async saved(): Promise<{plan: Plan; name: string} | undefined> {
    if (this.rest.length !== 1 || !this.rest[0]!.endsWith('.json')) return undefined
    const input = await readInput(this.rest[0]!, MAX_CATALOG_BYTES)
    const plan = await savedPlan(input.text, input.name)
    return plan && {plan, name: input.name}
  }

  private async confirm(plan: Plan): Promise<void> {
    if (this.flags.yes) return
    if (!process.stdin.isTTY || !process.stderr.isTTY) {
      throw new WdError('WD_USAGE', 'without a terminal to ask on, apply needs --yes', {
        hint: 'look at the plan first: wd catalog plan (or plan -o PLAN.json, then apply PLAN.json --yes)',
      })
    }
    // the plan went to stdout; shown again where the question is asked when stdout goes elsewhere
    if (!process.stdout.isTTY) this.logToStderr(planText(plan))
    const {createInterface} = await import('node:readline/promises')
    const rl = createInterface({input: process.stdin, output: process.stderr})
    const answer = await rl.question('Apply these changes? Only "yes" is accepted: ')
    rl.close()
    if (answer.trim() !== 'yes') throw new WdError('WD_USAGE', 'not applied (the answer was not "yes")')
  }

  public async run(): Promise<ApplyResult> {
    const f = this.flags
    const conn = await connectFromFlags(f)
    const policy = await readPolicy(f.policy)
    const saved = await this.saved()
    let plan: Plan
    if (saved) {
      const shaping = ['flavors', 'prune', 'prune-all', 'keep-unlisted-specs', 'migrate-legacy'].filter(
        (k) => f[k as keyof typeof f] !== undefined && f[k as keyof typeof f] !== false,
      )
      if (shaping.length > 0) {
        throw new WdError(
          'WD_USAGE',
          `a saved plan is applied as it was made: --${shaping.join(', --')} cannot change it`,
          {
            hint: 'give them to wd catalog plan instead',
          },
        )
      }
      plan = saved.plan
      checkPlan(plan, saved.name, policy)
      await assertCurrent(conn, plan)
    } else {
      const catalogs = await validCatalogs(this.rest, policy, (t) => this.logToStderr(t))
      plan = await planCatalogs(conn, catalogs, planOptionsOf(f))
    }
    // the plan first, as Terraform's apply shows it: a CI log says what was about to change, asked or not
    this.log(planText(plan))
    if (pending(plan)) await this.confirm(plan)
    // a progress display only where someone watches it: a terminal, and not --json
    const progress = process.stderr.isTTY && !this.jsonEnabled()
    if (progress) ux.action.start('applying', `0 of ${plan.items.length}`)
    const result = await applyPlan(conn, plan, {
      parallel: f.parallel,
      allowReplace: f['allow-replace'],
      ...(progress && {onItem: (done: number, total: number) => (ux.action.status = `${done} of ${total}`)}),
    })
    if (progress) ux.action.stop()
    this.log(applyText(result))
    if (result.summary.failed + result.summary['not-attempted'] > 0) this.findings()
    return result
  }
}
