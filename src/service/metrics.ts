/**
 * The service's metrics: requests and their latencies by route, resolutions by action, refused requests by reason,
 * the process's own figures and, with `audit` configured, the audit's gauges. Counted as plain numbers on the request
 * path and written at scrape time by the one exposition writer (report/openmetrics.ts) in the OpenMetrics format
 * (what Prometheus asks for first): prom-client's `inc` and `observe` converted, checked and hashed their labels on
 * every request, ~10 µs of a request that a bare route answers in ~50.
 */
import {exposition, gaugeFamily, type Family, type Gauge, type Sample} from '../report/openmetrics.js'

/** What /metrics answers as; what prom-client's OpenMetrics registry answered as. */
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8'

/** The latency histogram's upper bounds, in seconds. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] as const

interface Latency {
  labels: Record<string, string>
  /** per bucket, the requests that fell in it and in no lower one; the last is above every bound */
  counts: number[]
  sum: number
}

/** The scheduled audit's figures (plugins/audit.ts sets them): present once the audit plugin is. */
export interface AuditFigures {
  up: number
  lastSuccessSeconds: number
  failures: number
  /** the last successful audit's gauges, as `wd audit -f openmetrics` writes them */
  gauges: readonly Gauge[]
}

export interface ServiceMetrics {
  /** one answered request: its route as registered (or 'unknown'), its status, how long it took */
  request(method: string, route: string, status: number, seconds: number): void
  /** one resolution by its resulting action ('disabled': no device; 'invalid': Nova refuses the input) */
  resolution(action: string): void
  authFailure(reason: 'missing' | 'invalid' | 'forbidden'): void
  audit?: AuditFigures
  /** every family in the OpenMetrics format */
  text(): string
}

/** A family of one unlabelled sample: the process's figures and the audit's state. */
const single = (name: string, type: Family['type'], help: string, value: number): Family => ({
  name,
  type,
  help,
  samples: [{labels: {}, value}],
})

/** One more under the label set `labels` in `counts`, keyed by `key` (the label values joined). */
function add(counts: Map<string, Sample>, key: string, labels: () => Record<string, string>) {
  const c = counts.get(key)
  if (c) c.value++
  else counts.set(key, {labels: labels(), value: 1})
}

export function serviceMetrics(): ServiceMetrics {
  const requests = new Map<string, Sample>()
  const latencies = new Map<string, Latency>()
  const resolutions = new Map<string, Sample>()
  const authFailures = new Map<string, Sample>()

  const histogram = (): Sample[] =>
    [...latencies.values()].flatMap(({labels, counts, sum}) => {
      let below = 0
      const buckets = counts.map((n, i) => {
        below += n
        const le = i < BUCKETS.length ? String(BUCKETS[i]) : '+Inf'
        return {labels: {...labels, le}, value: below, suffix: '_bucket' as const}
      })
      return [
        ...buckets,
        {labels, value: below, suffix: '_count' as const},
        {labels, value: sum, suffix: '_sum' as const},
      ]
    })

  const processFamilies = (): Family[] => {
    const cpu = process.cpuUsage()
    const memory = process.memoryUsage()
    return [
      single(
        'wd_serve_process_cpu_seconds',
        'counter',
        'CPU time of the process, user and system',
        (cpu.user + cpu.system) / 1e6,
      ),
      single('wd_serve_process_resident_memory_bytes', 'gauge', 'Resident memory of the process', memory.rss),
      single(
        'wd_serve_process_start_time_seconds',
        'gauge',
        'When the process started (Unix time)',
        performance.timeOrigin / 1000,
      ),
      single('wd_serve_nodejs_heap_size_used_bytes', 'gauge', "V8's heap in use", memory.heapUsed),
      single('wd_serve_nodejs_heap_size_total_bytes', 'gauge', "V8's heap", memory.heapTotal),
    ]
  }

  const metrics: ServiceMetrics = {
    request(method, route, status, seconds) {
      add(requests, `${method}\0${route}\0${status}`, () => ({method, route, status: String(status)}))
      const key = `${method}\0${route}`
      let l = latencies.get(key)
      if (!l)
        latencies.set(
          key,
          (l = {labels: {method, route}, counts: new Array<number>(BUCKETS.length + 1).fill(0), sum: 0}),
        )
      let i = 0
      while (i < BUCKETS.length && seconds > BUCKETS[i]!) i++
      l.counts[i]!++
      l.sum += seconds
    },
    resolution: (action) => add(resolutions, action, () => ({action})),
    authFailure: (reason) => add(authFailures, reason, () => ({reason})),
    text() {
      const families: Family[] = [
        ...processFamilies(),
        {
          name: 'wd_serve_requests',
          type: 'counter',
          help: 'HTTP requests, by route and status',
          samples: [...requests.values()],
        },
        {
          name: 'wd_serve_request_duration_seconds',
          type: 'histogram',
          help: 'HTTP request latency',
          samples: histogram(),
        },
        {
          name: 'wd_serve_resolutions',
          type: 'counter',
          help: 'Resolutions, by resulting action (disabled: no device; invalid: Nova refuses the input)',
          samples: [...resolutions.values()],
        },
        {
          name: 'wd_serve_auth_failures',
          type: 'counter',
          help: 'Refused requests: missing, invalid or forbidden',
          samples: [...authFailures.values()],
        },
      ]
      const a = metrics.audit
      if (a)
        families.push(
          single(
            'wd_watchdog_audit_up',
            'gauge',
            'Whether the last audit succeeded (0: the audit figures are from an earlier one)',
            a.up,
          ),
          single(
            'wd_watchdog_audit_last_success_timestamp_seconds',
            'gauge',
            'When the audit the figures come from ended',
            a.lastSuccessSeconds,
          ),
          single(
            'wd_watchdog_audit_failures',
            'counter',
            'Audits that failed (the figures stayed as they were)',
            a.failures,
          ),
          ...a.gauges.map(gaugeFamily),
        )
      return exposition(families, 'openmetrics')
    },
  }
  return metrics
}
