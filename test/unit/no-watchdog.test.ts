/**
 * Issue 24 item 3: "none" is one of Nova's actions (a device that does nothing on expiry), so no output may use it
 * for "no device" or "not set" as well: flavor and image records and rows, the plan, the audit's messages and HTML,
 * the service's resolution counter.
 */
import {describe, expect, it} from '@jest/globals'
import {judgeCloud} from '../../src/audit/judge.js'
import type {AuditReport} from '../../src/operations/audit.js'
import type {Plan} from '../../src/operations/catalog-plan.js'
import {describeFlavor} from '../../src/operations/targets/flavor.js'
import {describeImage} from '../../src/operations/targets/image.js'
import type {Flavor, Server} from '../../src/api/nova.js'
import {auditHtml} from '../../src/report/audit/html.js'
import {planText} from '../../src/report/plan.js'
import {flavorRecord, flavorRow, imageRecord} from '../../src/report/watchdog.js'
import {buildApp} from '../../src/service/app.js'
import {aFlavor as flavor} from '../helpers/shapes.js'

describe('no watchdog is never said as none', () => {
  it('wd flavor list/show: a flavor without a device and one whose action is none read differently', () => {
    const row = (f: Flavor) => flavorRow(describeFlavor(f), f)
    const without = row(flavor({}))
    const idle = row(flavor({'hw:watchdog_action': 'none'}))
    expect(without.Watchdog).toBe('no watchdog')
    expect(idle.Watchdog).toBe('i6300esb, none')
    const disabled = flavor({'hw:watchdog_action': 'disabled'})
    expect(flavorRecord(describeFlavor(disabled), {flavor: disabled, access: null}).watchdog).toBe('no watchdog')
  })

  it("wd image show: an image's disabled is no watchdog, overriding the flavor's", () => {
    const image = {id: 'i1', name: 'img', hw_watchdog_action: 'disabled'}
    expect(imageRecord(describeImage(image), image).watchdog).toBe("no watchdog (overrides every flavor's)")
  })

  it('the plan says a value that is not there is not set (the value none is quoted)', () => {
    const plan = {
      version: 1,
      options: {},
      items: [
        {
          kind: 'flavor',
          action: 'update',
          name: 'm1.small',
          id: 'f1',
          changes: [{field: 'extra_specs', key: 'hw:watchdog_action', from: null, to: 'none'}],
          reasons: [],
        },
      ],
      summary: {create: 0, update: 1, replace: 0, delete: 0, unmanaged: 0, unchanged: 0},
      warnings: [],
    } as unknown as Plan
    expect(planText(plan)).toContain("extra_specs hw:watchdog_action: (not set) → 'none'")
  })

  it('the audit: a flavor changed after boot says its value was not set; the HTML flavor table too', () => {
    const server = {
      id: 's1',
      name: 's1',
      tenant_id: 'p1',
      image: {id: 'i1'},
      flavor: {original_name: 'm1.small', extra_specs: {}},
    } as unknown as Server
    const r: AuditReport = {
      version: 1,
      generatedAt: '2026-12-02T00:00:00.000Z',
      cloud: {name: 'prod', region: 'RegionOne', authUrl: 'https://keystone.example/v3'},
      project: null,
      requests: 4,
      ...judgeCloud({
        flavors: [flavor({'hw:watchdog_action': 'reset'}), {...flavor({}), id: 'f2', name: 'm1.plain'}],
        images: [{id: 'i1', name: 'img'}],
        servers: [server],
        projects: new Map(),
      }),
    }
    const changed = r.findings.find((f) => f.rule === 'audit/flavor-changed-after-boot')!
    expect(changed.message).toContain("was not set; the flavor now says 'reset'")
    expect(changed.message).not.toMatch(/\bwas none\b/)
    const html = auditHtml(r, 'test')
    expect(html).not.toContain('(none)')
    expect(html).toContain('<td>(not set)</td>')
  })

  it('wd serve counts a resolution without a device as disabled, not as the action none', async () => {
    const app = await buildApp({version: 'test', bodyLimit: 64 * 1024})
    try {
      for (const flavorSpecs of [{}, {'hw:watchdog_action': 'none'}]) {
        const res = await app.inject({method: 'POST', url: '/v1/resolve', payload: {flavorSpecs}})
        expect(res.statusCode).toBe(200)
      }
      const metrics = (await app.inject({method: 'GET', url: '/metrics'})).body
      expect(metrics).toMatch(/^wd_serve_resolutions_total\{action="disabled"\} 1$/m)
      expect(metrics).toMatch(/^wd_serve_resolutions_total\{action="none"\} 1$/m)
    } finally {
      await app.close()
    }
  })
})
