/**
 * The one writer of the OpenMetrics text format (https://prometheus.io/docs/specs/om/open_metrics_spec/), for every
 * file wd writes in it: `wd audit -f openmetrics` and the bark textfile. Label values come from clouds and buses:
 * a lone UTF-16 surrogate cannot be written in UTF-8 (it becomes U+FFFD on the way out), so two values that differ
 * only there would be two series with one name and one label set, which a strict parser refuses. Values are made
 * well-formed first and series that then coincide are added up, so each series is written once.
 */

export interface Sample {
  labels: Record<string, string>
  value: number
}

export interface Family {
  /** the family's name; a counter's samples are written as `<name>_total` */
  name: string
  type: 'gauge' | 'counter'
  help: string
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
    const key = labelSet(labels)
    const seen = bySet.get(key)
    if (seen) seen.value += s.value
    else bySet.set(key, {labels, value: s.value})
  }
  return [...bySet.values()]
}

const number = (n: number) => (Number.isNaN(n) ? 'NaN' : n === Infinity ? '+Inf' : n === -Infinity ? '-Inf' : String(n))

/** The families as OpenMetrics text, each series once, ending with `# EOF`. */
export function openMetricsText(families: readonly Family[]): string {
  const lines: string[] = []
  for (const f of families) {
    lines.push(
      `# HELP ${f.name} ${f.help.replaceAll('\\', '\\\\').replaceAll('\n', '\\n')}`,
      `# TYPE ${f.name} ${f.type}`,
    )
    const sample = f.type === 'counter' ? `${f.name}_total` : f.name
    for (const s of mergeSeries(f.samples)) lines.push(`${sample}${labelSet(s.labels)} ${number(s.value)}`)
  }
  lines.push('# EOF')
  return lines.join('\n')
}
