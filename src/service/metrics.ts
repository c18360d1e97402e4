/**
 * The service's Prometheus metrics: requests, latencies, resolutions by action, auth failures. In the OpenMetrics
 * format (what Prometheus asks for first), which the strict parser of the Prometheus project reads.
 */
import {Counter, Histogram, Registry, collectDefaultMetrics, type OpenMetricsContentType} from 'prom-client'

export function serviceMetrics() {
  const registry = new Registry<OpenMetricsContentType>()
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE)
  collectDefaultMetrics({register: registry, prefix: 'wd_serve_'})
  return {
    registry,
    requests: new Counter({
      name: 'wd_serve_requests_total',
      help: 'HTTP requests, by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'wd_serve_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['method', 'route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    resolutions: new Counter({
      name: 'wd_serve_resolutions_total',
      help: 'Resolutions, by resulting action (disabled: no device; invalid: Nova refuses the input)',
      labelNames: ['action'],
      registers: [registry],
    }),
    authFailures: new Counter({
      name: 'wd_serve_auth_failures_total',
      help: 'Refused requests: missing, invalid or forbidden',
      labelNames: ['reason'],
      registers: [registry],
    }),
  }
}

export type ServiceMetrics = ReturnType<typeof serviceMetrics>
