/**
 * `audit` in the service's configuration: the service audits the cloud with its own credentials every `interval`
 * and exposes the same gauges as `wd audit -f openmetrics` on /metrics, so Prometheus shows coverage over time. A
 * failed audit keeps the last figures, says so in `wd_watchdog_audit_up` (0) and the failures counter, and is logged;
 * the next one runs on schedule. Audits never overlap: the next is timed from the end of the last. An audit that
 * runs longer than its interval (a cloud that answers at a trickle) is counted as failed then, and again at each
 * interval it goes on; its figures, if it ends at all, are not used.
 */
import type {FastifyInstance} from 'fastify'
import fp from 'fastify-plugin'
import {isWdError} from '../../errors.js'
import type {Connection} from '../../openstack/connection.js'
import {auditCloud} from '../../operations/audit.js'
import type {Policy} from '../../policy/policy.js'
import {auditGauges} from '../../report/audit/metrics.js'
import type {AuditFigures} from '../metrics.js'

/** What the service's scheduled audits run with (one audit's own options are operations/audit.ts' AuditOptions). */
export interface ScheduledAuditOptions {
  service: Connection
  intervalSeconds: number
  policy?: Policy
}

async function auditPlugin(app: FastifyInstance, options: ScheduledAuditOptions): Promise<void> {
  // no gauges before the first success: there are no figures to show
  const figures: AuditFigures = {up: 0, lastSuccessSeconds: 0, failures: 0, gauges: []}
  app.metrics.audit = figures
  let timer: NodeJS.Timeout | undefined
  let closed = false

  const failed = (code: string, message: string) => {
    figures.up = 0
    figures.failures++
    app.log.warn({code}, `audit failed: ${message}`)
  }
  let running: Promise<void> | undefined
  const runOnce = async () => {
    if (running) return failed('WD_UNREACHABLE', `the last audit is still running, past its interval`)
    let overdue = false
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<void>((done) => {
      timer = setTimeout(() => {
        overdue = true
        failed('WD_UNREACHABLE', `the audit has run longer than its interval (${options.intervalSeconds} s)`)
        done()
      }, options.intervalSeconds * 1000)
    })
    running = (async () => {
      try {
        const report = await auditCloud(options.service, options.policy ? {policy: options.policy} : {})
        if (overdue) return
        figures.gauges = auditGauges(report)
        figures.up = 1
        figures.lastSuccessSeconds = Date.now() / 1000
      } catch (e) {
        if (!overdue) failed(isWdError(e) ? e.code : 'WD_INTERNAL', (e as Error).message)
      } finally {
        clearTimeout(timer)
        running = undefined
      }
    })()
    await Promise.race([running, deadline])
  }
  const schedule = () => {
    if (closed) return
    timer = setTimeout(() => void runOnce().then(schedule), options.intervalSeconds * 1000)
  }
  app.addHook('onReady', async () => {
    // the first audit starts once the service is up, and does not hold up listening
    void runOnce().then(schedule)
  })
  app.addHook('onClose', async () => {
    closed = true
    clearTimeout(timer)
  })
}

export const audit = fp(auditPlugin, {name: 'wd-audit', dependencies: ['wd-metrics']})
