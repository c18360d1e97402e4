/**
 * The one writer of the Prometheus exposition formats wd writes: OpenMetrics
 * (https://prometheus.io/docs/specs/om/open_metrics_spec/) for `wd audit -f openmetrics`, `wd proxmox list -f
 * openmetrics` and `wd serve`'s /metrics, and the text format 0.0.4
 * that node_exporter's textfile collector parses (its TextParser) for the bark textfile. They differ for counters: in
 * OpenMetrics the family is `x` and its sample `x_total`; in the text format the family is `x_total` (node_exporter
 * reads an OpenMetrics counter as an untyped `x_total`, and a file without a final newline not at all). Label values
 * come from clouds and buses:
 * a lone UTF-16 surrogate cannot be written in UTF-8 (it becomes U+FFFD on the way out), so two values that differ
 * only there would be two series with one name and one label set, which a strict parser refuses. Values are made
 * well-formed first and series that then coincide are added up, so each series is written once.
 */

export interface Sample {
  labels: Record<string, string>
  value: number
  /** a histogram's sample: `_bucket` (with an `le` label), `_count` or `_sum` after the family's name */
  suffix?: '_bucket' | '_count' | '_sum'
}

export interface Family {
  /** the family's name; a counter's samples are written as `<name>_total` */
  name: string
  type: 'gauge' | 'counter' | 'histogram'
  help: string
  /** a histogram's in its order: each series' buckets by `le` (cumulative, `+Inf` last), its `_count`, its `_sum` */
  samples: Sample[]
}

/** A label value as UTF-8 can carry it: each lone surrogate is U+FFFD, as any UTF-8 encoder would write it. */
const wellFormed = (v: string): string =>
  v.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')

/** A label value as the exposition format quotes it: backslash, double quote and newline escaped. */
const quote = (v: string) => wellFormed(v).replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')

/** `{k="v",…}` for a label set, or '' for none: the series' identity within its family. */
export const labelSet = (labels: Record<string, string>): string => {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${quote(v)}"`)
  return parts.length > 0 ? `{${parts.join(',')}}` : ''
}

/** The samples with each series once: label values made well-formed, samples of the same series added up. */
export function mergeSeries(samples: readonly Sample[]): Sample[] {
  const bySet = new Map<string, Sample>()
  for (const s of samples) {
    const labels = Object.fromEntries(Object.entries(s.labels).map(([k, v]) => [k, wellFormed(v)]))
    const key = `${s.suffix ?? ''}${labelSet(labels)}`
    const seen = bySet.get(key)
    if (seen) seen.value += s.value
    else bySet.set(key, {labels, value: s.value, ...(s.suffix && {suffix: s.suffix})})
  }
  return [...bySet.values()]
}

const number = (n: number) => (Number.isNaN(n) ? 'NaN' : n === Infinity ? '+Inf' : n === -Infinity ? '-Inf' : String(n))

/**
 * The families in one of the formats, each series once: OpenMetrics ends with `# EOF`; both end with a newline (the
 * text format's parser refuses a last line without one).
 */
export function exposition(families: readonly Family[], format: 'openmetrics' | 'text'): string {
  const lines: string[] = []
  for (const f of families) {
    const sample = f.type === 'counter' ? `${f.name}_total` : f.name
    const family = format === 'text' ? sample : f.name
    lines.push(
      `# HELP ${family} ${f.help.replaceAll('\\', '\\\\').replaceAll('\n', '\\n')}`,
      `# TYPE ${family} ${f.type}`,
    )
    for (const s of mergeSeries(f.samples))
      lines.push(`${s.suffix ? f.name + s.suffix : sample}${labelSet(s.labels)} ${number(s.value)}`)
  }
  if (format === 'openmetrics') lines.push('# EOF')
  return `${lines.join('\n')}\n`
}

/** A gauge as data: what `wd serve`'s /metrics shows, and what the files write (gaugesText). */
export interface Gauge {
  name: string
  help: string
  labelNames: readonly string[]
  samples: Sample[]
}

/** A gauge as the family the exposition writes. */
export const gaugeFamily = (g: Gauge): Family => ({name: g.name, type: 'gauge', help: g.help, samples: g.samples})

/** Gauges as OpenMetrics text (`wd audit -f openmetrics`, `wd proxmox list -f openmetrics`). */
export const gaugesText = (gauges: readonly Gauge[]): string => exposition(gauges.map(gaugeFamily), 'openmetrics')

/** Items counted by the labels each is given (findings by rule and severity, guests by node and action). */
export function countBy<T>(items: readonly T[], labels: (item: T) => Record<string, string>): Sample[] {
  const counts = new Map<string, Sample>()
  for (const item of items) {
    const l = labels(item)
    const key = labelSet(l)
    const c = counts.get(key)
    if (c) c.value++
    else counts.set(key, {labels: l, value: 1})
  }
  return [...counts.values()]
}
