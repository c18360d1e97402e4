/**
 * Issue 24 item 2: every finding of `wd audit`, in every human format, names the object it is about: its kind, its
 * name and its id (the JSON has them as `subject`; the text, the HTML and the SARIF message must say them too).
 */
import {describe, expect, it} from '@jest/globals'
import {judgeCloud} from '../../src/audit/judge.js'
import type {AuditReport} from '../../src/operations/audit.js'
import type {Flavor, Server} from '../../src/api/nova.js'
import {loadPolicy} from '../../src/policy/load.js'
import {auditHtml} from '../../src/report/audit/html.js'
import {auditSarif} from '../../src/report/audit/sarif.js'
import {auditText} from '../../src/report/audit/text.js'

const flavor = (id: string, name: string, specs: Record<string, string>): Flavor => ({id, name, extra_specs: specs})

/** A cloud with a finding of every family: nova/* on a flavor and an image, policy/*, audit/* on a server. */
function cloud(): AuditReport {
  const server = {
    id: 'srv-1',
    name: 'web-01',
    tenant_id: 'p1',
    image: {id: 'img-1'},
    flavor: {original_name: 'm1.bad', extra_specs: {'hw:watchdog_action': 'Reset'}},
  } as unknown as Server
  const policy = loadPolicy('allowedActions: [reset]\nrequire:\n  - flavors: "m1.*"\n', 'policy.yaml')
  return {
    version: 1,
    generatedAt: '2026-12-02T00:00:00.000Z',
    cloud: {name: 'prod', region: 'RegionOne', authUrl: 'https://keystone.example/v3'},
    project: null,
    requests: 4,
    ...judgeCloud(
      {
        flavors: [
          flavor('f-bad', 'm1.bad', {'hw:watchdog_action': 'Reset'}),
          flavor('f-legacy', 'm1.legacy', {hw_watchdog_action: 'reset'}),
        ],
        images: [{id: 'img-1', name: 'debian', owner: 'p1', 'hw:watchdog_action': 'pause', hw_watchdog_action: 'none'}],
        servers: [server],
        projects: new Map([['p1', 'demo']]),
      },
      policy,
    ),
  }
}

const label = (f: AuditReport['findings'][number]) => [f.subject.kind, `'${f.subject.name}'`, `(${f.subject.id})`]

describe('wd audit: every finding names its object', () => {
  const r = cloud()

  it('has findings of the nova/*, policy/* and audit/* families to check', () => {
    const families = new Set(r.findings.map((f) => f.rule.split('/')[0]))
    expect([...families].sort()).toEqual(['audit', 'nova', 'policy'])
  })

  it('text: the line of each finding says the kind, the name and the id of its object', () => {
    const lines = auditText(r).split('\n')
    for (const f of r.findings) {
      const line = lines.find((l) => l.includes(` ${f.rule} `) && l.includes(`(${f.subject.id})`))
      expect([f.rule, f.subject.id, line]).toEqual([f.rule, f.subject.id, expect.any(String)])
      for (const part of label(f)) expect([f.rule, line]).toEqual([f.rule, expect.stringContaining(part)])
    }
    expect(lines).toContainEqual(expect.stringMatching(/^error +nova\/invalid-action +flavor 'm1\.bad' \(f-bad\): /))
  })

  it('SARIF: each result message names its object (a viewer shows the message, not always the logical location)', () => {
    const sarif = auditSarif(r, 'test') as {runs: {results: {ruleId: string; message: {text: string}}[]}[]}
    const results = sarif.runs[0]!.results
    r.findings.forEach((f, i) => {
      for (const part of label(f))
        expect([f.rule, results[i]!.message.text]).toEqual([f.rule, expect.stringContaining(part)])
    })
  })

  it('HTML: each finding row holds its object', () => {
    const rows = auditHtml(r, 'test')
      .split('\n')
      .filter((l) => l.startsWith('<tr><td class="') && l.includes('/'))
    for (const f of r.findings) {
      const row = rows.find((l) => l.includes(`>${f.rule}<`) && l.includes(f.subject.id))
      expect([f.rule, row]).toEqual([f.rule, expect.stringContaining(f.subject.name!)])
    }
  })
})
