/**
 * The Prometheus files wd writes for node_exporter's textfile collector, read by node_exporter itself (Debian's
 * prometheus-node-exporter, on a port of its own, reading only a temp dir): the bark textfile `wd events watch
 * --textfile` keeps, and `wd audit -f openmetrics -o …`, as the README tells operators to set them up.
 * WD_SKIP_NODE_EXPORTER=1 opts out.
 */
import {describe, expect} from '@jest/globals'
import {spawn} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {join} from 'node:path'
import {judgeCloud} from '../../src/audit/judge.js'
import {Textfile} from '../../src/events/sinks.js'
import type {Server} from '../../src/api/nova.js'
import {auditOpenMetrics} from '../../src/report/audit/metrics.js'
import {until} from '../helpers/barks.js'
import {owned, tempDir, withNodeExporter} from '../helpers/gates.js'

const freePort = () =>
  new Promise<number>((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const {port} = s.address() as {port: number}
      s.close(() => done(port))
    })
  })

/** What node_exporter serves after reading the textfiles of `dir`. */
async function scraped(dir: string): Promise<string> {
  const port = await freePort()
  const exporter = owned(
    spawn(
      '/usr/bin/prometheus-node-exporter',
      [
        `--web.listen-address=127.0.0.1:${port}`,
        '--collector.disable-defaults',
        '--collector.textfile',
        `--collector.textfile.directory=${dir}`,
      ],
      {stdio: 'ignore'},
    ),
  )
  try {
    let text = ''
    await until(
      async () =>
        (text = await fetch(`http://127.0.0.1:${port}/metrics`).then(
          (r) => r.text(),
          () => '',
        )) !== '',
      20,
      'node_exporter',
    )
    return text
  } finally {
    exporter.kill()
  }
}

describe("node_exporter's textfile collector reads what wd writes for it", () => {
  withNodeExporter('the bark textfile: counters, typed, with hostile VM names escaped', async () => {
    const dir = tempDir('wd-textfile-')
    const t = new Textfile(join(dir, 'wd.prom'))
    const bark = (vm: string, action: string) => ({
      id: vm,
      time: '2026-12-07T00:00:00.000Z',
      vm,
      action,
      source: 'qmp:/x',
    })
    t.count(bark('101', 'reset'), true)
    t.count(bark('101', 'reset'))
    t.count(bark('web "1"\nwd_forged 1', 'pause'))
    await t.flush()
    const text = await scraped(dir)
    expect(text).toMatch(/^node_textfile_scrape_error 0$/m)
    expect(text).toMatch(/^# TYPE wd_watchdog_barks_total counter$/m)
    expect(text).toMatch(/^wd_watchdog_barks_total\{action="reset",vm="101"\} 2$/m)
    expect(text).toMatch(/^wd_watchdog_barks_total\{action="pause",vm="web \\"1\\"\\nwd_forged 1"\} 1$/m)
    expect(text).toMatch(/^# TYPE wd_watchdog_bark_loops_total counter$/m)
    expect(text).not.toMatch(/^wd_forged/m)
  })

  withNodeExporter('the audit in OpenMetrics: gauges, typed', async () => {
    const dir = tempDir('wd-textfile-')
    const server = {id: 's1', name: 's1', tenant_id: 'p1', status: 'ACTIVE', image: '', flavor: {extra_specs: {}}}
    const report = {
      version: 1 as const,
      generatedAt: '2026-12-07T00:00:00.000Z',
      cloud: {name: 'prod', region: 'RegionOne', authUrl: 'https://keystone.example/v3'},
      project: null,
      requests: 4,
      ...judgeCloud({flavors: [], images: [], servers: [server as unknown as Server], projects: new Map()}),
    }
    writeFileSync(join(dir, 'wd_audit.prom'), auditOpenMetrics(report))
    const text = await scraped(dir)
    expect(text).toMatch(/^node_textfile_scrape_error 0$/m)
    expect(text).toMatch(/^# TYPE wd_watchdog_coverage_ratio gauge$/m)
    expect(text).toMatch(/^wd_watchdog_coverage_ratio{cloud="prod",region="RegionOne"} 0$/m)
    expect(text).toMatch(
      /^wd_watchdog_servers\{action="unknown",cloud="prod",project="p1",project_name="",region="RegionOne"\} 1$/m,
    )
  })
})
