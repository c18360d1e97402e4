import {Flags} from '@oclif/core'
import {auditCloud, auditFailed, type AuditReport, type FailOn} from '../src/operations/audit.js'
import {WdCommand} from './_shared/base.js'
import {validCatalogs} from './_shared/catalog.js'
import {connectFromFlags, openstackFlags} from './_shared/openstack.js'
import {policyFlag, readPolicy} from './_shared/policy.js'

const FORMATS = ['text', 'json', 'sarif', 'html', 'openmetrics'] as const

export default class Audit extends WdCommand<typeof Audit> {
  static override summary = 'Which running servers are really protected: the watchdog Nova gave each, and why not.'

  static override description = `Reads every flavor (private ones too), every image you can see and every server \
of every project (admin credentials; a few paged requests, not one per server). For each server it computes the \
watchdog Nova gave it from the flavor it booted with (embedded since compute 2.47) and its image's properties, \
exactly as Nova's libvirt driver does. Findings: unprotected servers and why; flavors with values Nova refuses or \
ignores; images that disable or weaken the flavor's watchdog (with their owner); servers whose flavor changed \
after boot; servers ACTIVE but paused (what a pause bark leaves); q35 images without a watchdog (libvirt adds an \
iTCO one that resets); images for architectures without i6300esb; with --policy every violation, with --catalog \
the drift from the catalog.

A device protects only when the guest feeds it: for each running server whose device acts on expiry, the audit \
reads the tail of its console (one request per server, 8 at once) for the guest half's line, 'wd-guest: armed' or \
'wd-guest: not-armed … reason=…'. A server is protected when its device acts and its guest armed it; a guest that \
said nothing is unknown, never protected. --no-console skips the reads (the guests are then unknown).

Formats: text (summary, then findings worst first), json (schemas/audit-report.schema.json), sarif, html (one \
self-contained page), openmetrics (for node_exporter's textfile collector).

Which cloud: every report names it (its clouds.yaml name, region and Keystone), and, with --project, the one \
project it covers. Without admin, Nova lists only your own project's servers: --project NAME (your token's \
project) audits them; the report then says what it cannot see.

Exit status: 0 no error-level finding, 1 at least one, 2 usage or environment: a validator's convention (as \
kubeconform's and ajv-cli's), for CI. -f openmetrics follows the textfile collector's instead: 0 once the file is \
written, since the findings are in the metrics (a systemd timer then fails only when the audit could not run); \
--fail-on error (or warning) makes it fail on findings too, --fail-on never makes any format succeed.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> --os-cloud prod',
    '<%= config.bin %> <%= command.id %> -f html -o coverage.html --policy policy.yaml',
    '<%= config.bin %> <%= command.id %> -f openmetrics -o /var/lib/node_exporter/textfile/wd_audit.prom',
    '<%= config.bin %> <%= command.id %> --catalog catalog.yaml -f sarif -o audit.sarif',
    '<%= config.bin %> <%= command.id %> --project demo',
  ]

  static override resultSchema = 'audit-report'

  static override flags = {
    catalog: Flags.string({
      description: 'Catalog files, directories or globs: report drift between them and the cloud (repeatable).',
      multiple: true,
      helpValue: 'FILE',
    }),
    policy: policyFlag,
    format: Flags.string({char: 'f', description: 'Output format.', options: [...FORMATS], default: 'text'}),
    console: Flags.boolean({
      description: "Read each watched server's console for its guest's wd-guest line (--no-console: skip it).",
      default: true,
      allowNo: true,
    }),
    'fail-on': Flags.string({
      description:
        'Exit 1 on findings at this level or worse (never: exit 0 whatever it found). Default: error; never with -f openmetrics.',
      options: ['error', 'warning', 'never'],
    }),
    project: Flags.string({
      description: "Audit only this project's servers (name or id); your token's own project needs no admin.",
      helpValue: 'PROJECT',
    }),
    output: Flags.string({
      char: 'o',
      description: 'Write the report to this file (atomically) instead of stdout.',
      helpValue: 'FILE',
    }),
    ...openstackFlags,
  }

  public async run(): Promise<AuditReport> {
    const f = this.flags
    const policy = await readPolicy(f.policy)
    const catalogs = f.catalog ? await validCatalogs(f.catalog, policy, (t) => this.logToStderr(t)) : undefined
    const report = await auditCloud(await connectFromFlags(f), {
      ...(policy && {policy}),
      ...(catalogs && {catalogs}),
      consoles: f.console,
      ...(f.project !== undefined && {project: f.project}),
    })
    const failOn = (f['fail-on'] ?? (f.format === 'openmetrics' ? 'never' : 'error')) as FailOn
    if (auditFailed(report, failOn)) this.findings()
    if (f.output === undefined) {
      // with --json, oclif prints the returned report
      if (!this.jsonEnabled())
        this.document(await render(report, f.format as (typeof FORMATS)[number], this.config.version))
    } else {
      const text = await render(report, f.format as (typeof FORMATS)[number], this.config.version)
      const [{writeFileAtomically}, {coverageLine}] = await Promise.all([
        import('../src/fs/replace-file.js'),
        import('../src/report/audit/text.js'),
      ])
      await writeFileAtomically(f.output, Buffer.from(text.endsWith('\n') ? text : `${text}\n`))
      this.logToStderr(`wd audit: ${coverageLine(report)}; ${f.format} written to ${f.output}`)
    }
    return report
  }
}

/** The report in one format; each writer is loaded only when asked for. */
async function render(r: AuditReport, format: (typeof FORMATS)[number], version: string): Promise<string> {
  switch (format) {
    case 'json':
      return JSON.stringify(r, null, 2)
    case 'sarif':
      return JSON.stringify((await import('../src/report/audit/sarif.js')).auditSarif(r, version), null, 2)
    case 'html':
      return (await import('../src/report/audit/html.js')).auditHtml(r, version)
    case 'openmetrics':
      return (await import('../src/report/audit/metrics.js')).auditOpenMetrics(r)
    default:
      return (await import('../src/report/audit/text.js')).auditText(r)
  }
}
