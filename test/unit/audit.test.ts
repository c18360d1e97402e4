/**
 * The audit's judging and writers on API answers a cloud (or something in front of it) could send: fields missing,
 * of the wrong type, hostile names, `__proto__` keys, and a large cloud. Nothing throws, nothing is guessed: what
 * cannot be read is unknown; every name is escaped where it lands.
 */
import {describe, expect, it} from '@jest/globals'
import {judgeCloud, type CloudState} from '../../src/audit/judge.js'
import type {AuditReport} from '../../src/operations/audit.js'
import type {Flavor, Server} from '../../src/openstack/nova.js'
import type {Image} from '../../src/openstack/glance.js'
import {auditHtml} from '../../src/report/audit/html.js'
import {auditOpenMetrics} from '../../src/report/audit/metrics.js'
import {auditText} from '../../src/report/audit/text.js'
import {expectPublished} from '../helpers/schemas.js'

const IMAGE = '11111111-2222-4333-8444-555555555555'
const flavor = (name: string, specs: unknown): Flavor => ({id: `id-${name}`, name, extra_specs: specs}) as Flavor
const image = (props: Record<string, unknown> = {}): Image => ({id: IMAGE, name: 'img', owner: 'p1', ...props})
const server = (id: string, fields: Record<string, unknown>): Server =>
  ({id, name: id, tenant_id: 'p1', image: {id: IMAGE}, ...fields}) as unknown as Server

const report = (state: Partial<CloudState>): AuditReport => ({
  version: 1,
  generatedAt: '2026-12-02T00:00:00.000Z',
  requests: 4,
  ...judgeCloud({flavors: [], images: [], servers: [], projects: new Map(), ...state}),
})

describe('the audit on hostile API answers', () => {
  it('shapes that are not what Nova sends make a server unknown, never an exception', () => {
    const r = report({
      images: [image()],
      servers: [
        server('no-flavor', {flavor: null}),
        server('flavor-is-a-string', {flavor: 'm1.small'}),
        server('specs-not-a-map', {flavor: {original_name: 'x', extra_specs: ['hw:watchdog_action', 'reset']}}),
        server('image-is-a-number', {flavor: {original_name: 'x', extra_specs: {}}, image: 42}),
        server('power-state-text', {flavor: {extra_specs: {}}, 'OS-EXT-STS:power_state': '__proto__'}),
      ],
    })
    expectPublished('audit-report', r)
    expect(r.servers.map((s) => [s.id, s.protected, s.why])).toEqual([
      ['no-flavor', null, 'extra-specs-hidden'],
      ['flavor-is-a-string', null, 'extra-specs-hidden'],
      ['specs-not-a-map', null, 'extra-specs-hidden'],
      ['image-is-a-number', null, 'volume-backed'],
      ['power-state-text', false, 'no-watchdog'],
    ])
    expect(r.servers[4]!.powerState).toBeNull()
  })

  it("values that are not strings are not Nova's to read; __proto__ keys change nothing", () => {
    const specs = JSON.parse('{"hw:watchdog_action": 5, "__proto__": {"hw:watchdog_action": "reset"}}') as unknown
    const r = report({
      flavors: [flavor('f', specs), flavor('hidden', undefined)],
      images: [image(JSON.parse('{"__proto__": {"hw_watchdog_action": "reset"}}') as Record<string, unknown>)],
      servers: [server('s', {flavor: {original_name: 'f', extra_specs: specs}})],
    })
    expectPublished('audit-report', r)
    expect(r.servers[0]).toMatchObject({device: null, protected: false, why: 'no-watchdog'})
    expect(r.flavors.map((f) => [f.name, f.setting])).toEqual([
      ['f', null],
      ['hidden', null],
    ])
    expect(({} as Record<string, unknown>)['hw:watchdog_action']).toBeUndefined()
  })

  it('hostile names stay text in HTML, OpenMetrics and text', () => {
    const evil = '</td><script>alert(1)</script>"\n\\'
    const r = report({
      flavors: [flavor(evil, {'hw:watchdog_action': 'reset'})],
      images: [image({name: evil, hw_watchdog_action: 'disabled'})],
      servers: [
        server(evil, {name: evil, flavor: {original_name: evil, extra_specs: {'hw:watchdog_action': 'reset'}}}),
      ],
      projects: new Map([['p1', evil]]),
    })
    const html = auditHtml(r, 'test')
    expect(html).not.toContain('<script>alert')
    expect(html).toContain('&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt;&quot;')
    // the only scripts are wd's own: one inline block
    expect(html.match(/<script/g)).toHaveLength(1)
    const metrics = auditOpenMetrics(r)
    expect(metrics).toContain('project_name="</td><script>alert(1)</script>\\"\\n\\\\"')
    // every sample line is one line: a newline in a name cannot start a new series
    for (const line of metrics.split('\n'))
      expect(line).toMatch(/^(# (HELP|TYPE|EOF)|wd_watchdog_[a-z_]+(\{.*\})? -?[\d.e+-]+$)/)
    expect(auditText(r).split('\n')[0]).toBe('wd audit: 1 server: 0 protected, 1 unprotected, 0 unknown')
  })

  it('a large cloud is judged in one pass (20,000 servers)', () => {
    const flavors = Array.from({length: 200}, (_, i) => flavor(`f${i}`, {'hw:watchdog_action': 'reset'}))
    const servers = Array.from({length: 20000}, (_, i) =>
      server(`s${i}`, {
        tenant_id: `p${i % 50}`,
        flavor: {original_name: `f${i % 200}`, extra_specs: {'hw:watchdog_action': 'reset'}},
      }),
    )
    const r = report({flavors, images: [image()], servers})
    expect(r.summary.servers).toMatchObject({total: 20000, protected: 20000})
    expect(r.summary.byProject).toHaveLength(50)
    expect(r.findings).toEqual([])
  })
})
