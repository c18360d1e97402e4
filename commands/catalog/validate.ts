import {Args, Flags} from '@oclif/core'
import {DEFAULT_MAX_FINDINGS} from '../../src/catalog/validate.js'
import {jsonReport, type JsonReport} from '../../src/report/catalog/json.js'
import type {FileResult} from '../../src/catalog/result.js'
import {validateCatalogs} from '../../src/operations/catalog-files.js'
import {WdCommand} from '../_shared/base.js'
import {policyFlag, readPolicy} from '../_shared/policy.js'

export default class CatalogValidate extends WdCommand<typeof CatalogValidate> {
  static override resultSchema = 'catalog-report'

  static override summary = 'Check flavor catalogs before they reach Nova: findings at file:line:col, for CI.'

  static override description = `Reads YAML (several documents allowed) and JSON catalogs in wd's layout or osism \
flavor-manager's (reference/mandatory/recommended), directories recursively, globs, and '-' for stdin. Reports YAML \
syntax errors and duplicate keys, schema violations, watchdog values Nova refuses, keys Nova silently ignores, \
duplicate flavor names and ids, and (with --policy) what the operator policy forbids. A file that is a wd policy \
is skipped with a notice; a catalog with nothing in it is a warning. At most --max-findings findings are listed per \
file (default ${DEFAULT_MAX_FINDINGS}); one closing finding counts the rest, and the summary counts them all.

Exit status: 0 no errors (warnings allowed unless --strict), 1 findings, 2 an unreadable file or a usage error.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> catalogs/',
    '<%= config.bin %> <%= command.id %> "catalogs/**/*.yaml" --policy policy.yaml --format github',
    '<%= config.bin %> <%= command.id %> flavors.yaml --format sarif > wd.sarif',
    'cat flavors.yaml | <%= config.bin %> <%= command.id %> -',
  ]

  static override strict = false

  static override args = {
    path: Args.string({description: "Catalog files, directories, globs, or '-' for stdin.", required: true}),
  }

  static override flags = {
    policy: policyFlag,
    format: Flags.string({
      char: 'f',
      description: 'Output format.',
      options: ['text', 'json', 'junit', 'github', 'sarif'] as const,
      default: 'text',
    }),
    strict: Flags.boolean({description: 'Warnings fail too (exit 1).'}),
    'max-findings': Flags.integer({
      description: 'Findings listed per file; the rest are counted in one closing finding (0 lists all).',
      default: DEFAULT_MAX_FINDINGS,
      min: 0,
      helpValue: 'N',
    }),
  }

  public async run(): Promise<JsonReport> {
    const policy = await readPolicy(this.flags.policy)
    const {results, summary} = await validateCatalogs(
      {paths: this.rest},
      {policy, maxFindings: this.flags['max-findings'], unreadable: 'report'},
    )
    await this.print(results)
    const failing = summary.errors > 0 || (this.flags.strict && summary.warnings > 0)
    if (summary.unreadable > 0) process.exitCode = 2
    else if (failing) this.findings()
    return jsonReport(results)
  }

  /** Each format's writer is loaded only when asked for. */
  private async print(results: FileResult[]): Promise<void> {
    const {format, strict} = this.flags
    if (format === 'json') this.log(JSON.stringify(jsonReport(results), null, 2))
    else if (format === 'text') this.log((await import('../../src/report/catalog/text.js')).textReport(results))
    else if (format === 'junit')
      this.log((await import('../../src/report/catalog/junit.js')).junitReport(results, strict))
    else if (format === 'github') {
      this.log((await import('../../src/report/catalog/github.js')).githubReport(results, strict))
    } else {
      const {sarifReport} = await import('../../src/report/catalog/sarif.js')
      this.log(JSON.stringify(sarifReport(results, this.config.version, strict), null, 2))
    }
  }
}
