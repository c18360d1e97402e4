/**
 * The audit's judging and writers on API answers a cloud (or something in front of it) could send: fields missing,
 * of the wrong type, hostile names, `__proto__` keys, and a large cloud. Nothing throws, nothing is guessed: what
 * cannot be read is unknown; every name is escaped where it lands.
 */
import {describe, expect, it} from '@jest/globals'
import {guestsToCheck, judgeCloud} from '../../src/audit/judge.js'
import type {CloudState, GuestObservation} from '../../src/audit/model.js'
import type {AuditReport} from '../../src/operations/audit.js'
import type {Flavor, Server} from '../../src/api/nova.js'
import type {Image} from '../../src/api/glance.js'
import {auditHtml} from '../../src/report/audit/html.js'
import {auditOpenMetrics} from '../../src/report/audit/metrics.js'
import {auditText} from '../../src/report/audit/text.js'
import {expectPublished} from '../helpers/schemas.js'
import {strictOpenMetrics} from '../helpers/openmetrics.js'

const IMAGE = '11111111-2222-4333-8444-555555555555'
const flavor = (name: string, specs: unknown): Flavor => ({id: `id-${name}`, name, extra_specs: specs}) as Flavor
const image = (props: Record<string, unknown> = {}): Image => ({id: IMAGE, name: 'img', owner: 'p1', ...props})
const server = (id: string, fields: Record<string, unknown>): Server =>
  ({id, name: id, tenant_id: 'p1', image: {id: IMAGE}, ...fields}) as unknown as Server

const report = (state: Partial<CloudState>): AuditReport => ({
  version: 1,
  generatedAt: '2026-12-02T00:00:00.000Z',
  cloud: {name: 'prod', region: 'RegionOne', authUrl: 'https://keystone.example/v3'},
  project: null,
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
    for (const line of metrics.trimEnd().split('\n'))
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
    const armed: GuestObservation = {state: 'armed', report: {state: 'armed', feeder: 'systemd'}}
    const r = report({flavors, images: [image()], servers, guests: new Map(servers.map((s) => [s.id, armed]))})
    expect(r.summary.servers).toMatchObject({total: 20000, protected: 20000})
    expect(r.summary.byProject).toHaveLength(50)
    expect(r.findings).toEqual([])
  })
})

describe("the guest's own words: a device protects only when the guest armed it", () => {
  const reset = {original_name: 'f', extra_specs: {'hw:watchdog_action': 'reset'}}
  const state = (guests?: Record<string, GuestObservation>): Partial<CloudState> => ({
    flavors: [flavor('f', {'hw:watchdog_action': 'reset'})],
    images: [image()],
    servers: [
      server('armed', {flavor: reset, status: 'ACTIVE'}),
      server('no-driver', {flavor: reset, status: 'ACTIVE'}),
      server('feeder', {flavor: reset, status: 'ACTIVE'}),
      server('silent', {flavor: reset, status: 'ACTIVE'}),
      server('off', {flavor: reset, status: 'SHUTOFF'}),
      server('none', {flavor: {original_name: 'n', extra_specs: {'hw:watchdog_action': 'none'}}, status: 'ACTIVE'}),
    ],
    ...(guests && {guests: new Map(Object.entries(guests))}),
  })
  const said = {
    armed: {state: 'armed', report: {state: 'armed', feeder: 'systemd', device: '/dev/watchdog0'}},
    'no-driver': {
      state: 'not-armed',
      report: {
        state: 'not-armed',
        reason: 'no-driver',
        detail: 'no driver for i6300esb in kernel 6.1.0-57-cloud-amd64',
      },
    },
    feeder: {
      state: 'not-armed',
      report: {state: 'not-armed', reason: 'feeder-failed', detail: 'systemd did not open /dev/watchdog0'},
    },
    silent: {state: 'unknown', unknown: 'no-line'},
    off: {state: 'unknown', unknown: 'not-running'},
  } satisfies Record<string, GuestObservation>

  it('only servers whose device acts are asked, and only running ones through their consoles', () => {
    expect(guestsToCheck({flavors: [], projects: new Map(), images: [image()], servers: state().servers!})).toEqual([
      {id: 'armed', running: true},
      {id: 'no-driver', running: true},
      {id: 'feeder', running: true},
      {id: 'silent', running: true},
      {id: 'off', running: false},
    ])
  })

  it('armed is protected; not armed is not, with the rule and fix for its reason; unknown is unknown', () => {
    const r = report(state(said))
    expectPublished('audit-report', r)
    expect(r.servers.map((s) => [s.id, s.protected, s.why, s.guest?.state ?? null])).toEqual([
      ['armed', true, 'flavor', 'armed'],
      ['no-driver', false, 'flavor', 'not-armed'],
      ['feeder', false, 'flavor', 'not-armed'],
      ['silent', null, 'flavor', 'unknown'],
      ['off', null, 'flavor', 'unknown'],
      ['none', false, 'action-none', null],
    ])
    expect(r.summary.servers).toMatchObject({
      protected: 1,
      unprotected: 3,
      unknown: 2,
      guests: {armed: 1, 'not-armed': 2, unknown: 2},
    })
    const rules = r.findings.map((f) => [f.subject.id, f.rule])
    expect(rules).toEqual(
      expect.arrayContaining([
        ['no-driver', 'audit/guest-no-driver'],
        ['feeder', 'audit/guest-not-armed'],
        ['silent', 'audit/guest-unknown'],
      ]),
    )
    // a server that does not run cannot hang: no finding about its guest
    expect(rules.filter(([id]) => id === 'off')).toEqual([])
    const noDriver = r.findings.find((f) => f.subject.id === 'no-driver')!
    expect(noDriver.message).toContain("no driver for i6300esb in kernel 6.1.0-57-cloud-amd64 (the guest's words)")
    expect(noDriver.fix).toMatch(/linux-image-amd64, not .*linux-image-cloud-amd64/)
    expect(auditText(r).split('\n')[0]).toBe(
      'wd audit: 6 servers: 1 protected (reset 1), 3 unprotected (1 with action none, 2 not armed by its guest), 2 unknown (2 whose guest has not said)',
    )
    const metrics = auditOpenMetrics(r)
    expect(metrics).toContain(
      'wd_watchdog_guests{cloud="prod",region="RegionOne",project="p1",project_name="",state="not-armed"} 2',
    )
    expect(metrics).toContain('wd_watchdog_coverage_ratio{cloud="prod",region="RegionOne"} 0.16666666666666666')
    expect(auditHtml(r, 'test')).toContain('not armed: no-driver')
  })

  it('consoles not read: every guest is unknown, never protected', () => {
    const r = report(state())
    expect(r.servers.filter((s) => s.guest).map((s) => [s.protected, s.guest!.unknown])).toEqual(
      Array.from({length: 5}, () => [null, 'not-checked']),
    )
    expect(r.findings.find((f) => f.rule === 'audit/guest-unknown')!.message).toMatch(/--no-console/)
  })
})

describe('issue 22 item 18: every OpenMetrics writer passes the strict parser', () => {
  it('wd audit -f openmetrics: projects whose names differ only in lone surrogates are one series each', () => {
    const r = report({
      images: [image()],
      servers: [
        server('a', {tenant_id: 'p\uD800', flavor: {original_name: 'x', extra_specs: {'hw:watchdog_action': 'reset'}}}),
        server('b', {tenant_id: 'p1', flavor: {original_name: 'x', extra_specs: {}}}),
        server('c', {tenant_id: 'p\uDC00', flavor: {original_name: 'x', extra_specs: {'hw:watchdog_action': 'reset'}}}),
      ],
      projects: new Map([
        ['p\uD800', 'n\uDBFF'],
        ['p\uDC00', 'n\uDFFF'],
      ]),
    })
    const families = strictOpenMetrics(auditOpenMetrics(r))
    const servers = families.find((f) => f.name === 'wd_watchdog_servers')!
    // the two projects are one series (what any UTF-8 writer makes of them): its counts add up
    const reset = servers.samples.filter(([, l]) => l.project === 'p\uFFFD' && l.action === 'reset')
    expect(reset.map(([, , v]) => v)).toEqual([2])
    expect(families.map((f) => f.name)).toEqual([
      'wd_watchdog_servers',
      'wd_watchdog_guests',
      'wd_watchdog_coverage_ratio',
      'wd_watchdog_findings',
      'wd_watchdog_audit_timestamp_seconds',
    ])
  })
})
