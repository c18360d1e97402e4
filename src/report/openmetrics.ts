/** Gauges as data, and the OpenMetrics text of them (which node_exporter's textfile collector also reads). */

export interface Gauge {
  name: string
  help: string
  labelNames: readonly string[]
  samples: {labels: Record<string, string>; value: number}[]
}

/** A label value as the exposition formats quote it. */
const quote = (v: string) => v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')

export function openMetricsText(gauges: readonly Gauge[]): string {
  const lines: string[] = []
  for (const g of gauges) {
    lines.push(`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} gauge`)
    for (const s of g.samples) {
      const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${quote(v)}"`)
      lines.push(`${g.name}${labels.length ? `{${labels.join(',')}}` : ''} ${s.value}`)
    }
  }
  lines.push('# EOF')
  return lines.join('\n')
}

/** Findings counted by their labels (rule and severity, and whatever else a caller names). */
export function countBy<T>(items: readonly T[], labels: (item: T) => Record<string, string>): Gauge['samples'] {
  const counts = new Map<string, Gauge['samples'][number]>()
  for (const item of items) {
    const l = labels(item)
    const key = JSON.stringify(l)
    const c = counts.get(key)
    if (c) c.value++
    else counts.set(key, {labels: l, value: 1})
  }
  return [...counts.values()]
}
