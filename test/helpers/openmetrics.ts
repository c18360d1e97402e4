/**
 * The Prometheus project's own parsers, Debian's python3-prometheus-client, fed the bytes as wd wrote them: the strict
 * OpenMetrics one (prometheus_client.openmetrics.parser) for `wd audit -f openmetrics` and wd serve's /metrics, which
 * refuses what Prometheus would (a series twice, a family split, a counter's TYPE on its `_total` name, no `# EOF`);
 * the text format's (prometheus_client.parser) for the bark textfile, node_exporter's format (test/cli/node-exporter
 * hands both to node_exporter itself).
 */
import {spawnSync} from 'node:child_process'

const PARSE = `
import json, math, sys
if sys.argv[1] == 'text':
    from prometheus_client.parser import text_string_to_metric_families
else:
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

/** The families the strict OpenMetrics parser reads from `text`; throws with its own words when it refuses it. */
export const strictOpenMetrics = (text: string | Buffer): ParsedFamily[] => parsed('openmetrics', text)

/** The families the text format's parser reads from `text`; throws with its own words when it refuses it. */
export const textFormat = (text: string | Buffer): ParsedFamily[] => parsed('text', text)

function parsed(format: 'openmetrics' | 'text', text: string | Buffer): ParsedFamily[] {
  // Debian's python3 (the parser is a Debian package), whatever python3 comes first on PATH
  const r = spawnSync('/usr/bin/python3', ['-c', PARSE, format], {
    input: text,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  })
  if (r.status !== 0) throw new Error(`the ${format} parser refused it: ${r.stderr.trim().split('\n').at(-1)}`)
  return JSON.parse(r.stdout) as ParsedFamily[]
}
