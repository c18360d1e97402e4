/**
 * The audit's figures as gauges, made in one place for both faces: the OpenMetrics text `wd audit -f openmetrics`
 * writes for node_exporter's textfile collector, and the gauges `wd serve` exposes on /metrics after each audit.
 */
import type {AuditReport} from '../../operations/audit.js'
import type {AuditServer} from '../../audit/model.js'
import {NOVA_ACTIONS} from '../../vocab/nova.js'
import {countBy, gaugesText, mergeSeries, type Gauge} from '../openmetrics.js'

/** What a server's watchdog does, as the `action` label says it: Nova's action, disabled (no device), or unknown. */
const ACTION_LABELS = [...NOVA_ACTIONS, 'disabled', 'unknown'] as const
type GuestState = NonNullable<AuditServer['guest']>['state']
const GUEST_STATES: readonly GuestState[] = ['armed', 'not-armed', 'unknown']

/**
 * Every series carries the cloud and region it is about (`cloud`: the clouds.yaml name, `region`: '' when the
 * catalog has none), so several clouds' audits can sit in one Prometheus.
 */
export function auditGauges(r: AuditReport): Gauge[] {
  const where = {cloud: r.cloud.name, region: r.cloud.region ?? ''}
  return gaugesOf(r).map((g) => ({
    ...g,
    labelNames: ['cloud', 'region', ...g.labelNames],
    samples: mergeSeries(g.samples.map((s) => ({...s, labels: {...where, ...s.labels}}))),
  }))
}

function gaugesOf(r: AuditReport): Gauge[] {
  const byProject = new Map<
    string,
    {name: string; counts: Record<string, number>; guests: Record<GuestState, number>}
  >()
  for (const s of r.servers) {
    const project = s.project ?? ''
    let p = byProject.get(project)
    if (!p) {
      p = {
        name: s.projectName ?? '',
        counts: Object.fromEntries(ACTION_LABELS.map((a) => [a, 0])),
        guests: {armed: 0, 'not-armed': 0, unknown: 0},
      }
      byProject.set(project, p)
    }
    // unknown: wd cannot tell the device (a guest that has not said is in wd_watchdog_guests)
    p.counts[s.device ? s.device.action : s.protected === null ? 'unknown' : 'disabled']!++
    if (s.guest) p.guests[s.guest.state]++
  }
  const total = r.summary.servers.total
  return [
    {
      name: 'wd_watchdog_servers',
      help: 'Servers by project and by what their device does on expiry (disabled: no device; unknown: wd cannot tell)',
      labelNames: ['project', 'project_name', 'action'],
      samples: [...byProject].flatMap(([project, p]) =>
        ACTION_LABELS.map((action) => ({labels: {project, project_name: p.name, action}, value: p.counts[action]!})),
      ),
    },
    {
      name: 'wd_watchdog_guests',
      help: "Servers whose device acts on expiry, by project and by whether their guest armed it (its console's wd-guest line)",
      labelNames: ['project', 'project_name', 'state'],
      samples: [...byProject].flatMap(([project, p]) =>
        GUEST_STATES.map((state) => ({labels: {project, project_name: p.name, state}, value: p.guests[state]})),
      ),
    },
    {
      name: 'wd_watchdog_coverage_ratio',
      help: 'Protected servers (a device that acts, armed by the guest) over all servers (1 when there are none)',
      labelNames: [],
      samples: [{labels: {}, value: total === 0 ? 1 : r.summary.servers.protected / total}],
    },
    {
      name: 'wd_watchdog_findings',
      help: 'Audit findings by rule and severity',
      labelNames: ['rule', 'severity'],
      samples: countBy(r.findings, (f) => ({rule: f.rule, severity: f.severity})),
    },
    {
      name: 'wd_watchdog_audit_timestamp_seconds',
      help: 'When the audit these figures come from ran',
      labelNames: [],
      samples: [{labels: {}, value: Date.parse(r.generatedAt) / 1000}],
    },
  ]
}

/** The gauges in the OpenMetrics text format (which node_exporter's textfile collector also reads). */
export const auditOpenMetrics = (r: AuditReport): string => gaugesText(auditGauges(r))
