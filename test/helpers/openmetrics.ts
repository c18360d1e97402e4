/**
 * The strict OpenMetrics parser every OpenMetrics writer of wd is tested with: the Prometheus project's own, Debian's
 * python3-prometheus-client (prometheus_client.openmetrics.parser), fed the bytes as wd wrote them. It refuses what
 * Prometheus would (a series twice, a family split, a counter's TYPE on its `_total` name, no `# EOF`).
 */
import {spawnSync} from 'node:child_process'

const PARSE = `
import json, math, sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
text = sys.stdin.buffer.read().decode('utf-8')
out = []
for f in text_string_to_metric_families(text):
    out.append({'name': f.name, 'type': f.type, 'samples': [[s.name, s.labels, s.value if math.isfinite(s.value) else str(s.value)] for s in f.samples]})
print(json.dumps(out))
`

export interface ParsedFamily {
  name: string
  type: string
  /** name, labels, value (NaN and infinities as the strings 'nan', 'inf', '-inf') */
  samples: [string, Record<string, string>, number | string][]
}

/** The families the strict parser reads from `text`; throws with the parser's own words when it refuses it. */
export function strictOpenMetrics(text: string | Buffer): ParsedFamily[] {
  // Debian's python3 (the parser is a Debian package), whatever python3 comes first on PATH
  const r = spawnSync('/usr/bin/python3', ['-c', PARSE], {input: text, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024})
  if (r.status !== 0) throw new Error(`the strict OpenMetrics parser refused it: ${r.stderr.trim().split('\n').at(-1)}`)
  return JSON.parse(r.stdout) as ParsedFamily[]
}
