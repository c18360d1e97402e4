/**
 * `wd audit` on the real test cloud: every situation the audit reports is made for real (flavors, images of an
 * admin and of a non-admin project, servers), and the audit's answer is checked against what the test states and
 * against raw API reads. The test cloud runs no compute service, so servers stay build requests; the two states it
 * cannot reach through the API (ACTIVE but paused, booted from a volume) are set in Nova's own API database.
 */
import {afterAll, beforeAll, describe, expect} from '@jest/globals'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import type {AuditReport} from '../../src/operations/audit.js'
import type {AuditFinding, AuditServer} from '../../src/audit/model.js'
import {json, type Connection} from '../../src/openstack/connection.js'
import {wd, wdJson} from '../helpers/cli.js'
import {
  activateImage,
  connectAs,
  createFlavor,
  createImage,
  createServer,
  deleteFlavor,
  deleteImage,
  deleteServer,
  openstackSkipped,
  osEnv,
  setBuildRequest,
  unique,
} from '../helpers/openstack.js'
import {openFile} from '../helpers/browser.js'
import {live, liveInBrowser, tempDir} from '../helpers/gates.js'
import {expectPublished} from '../helpers/schemas.js'

let admin: Connection
let demo: Connection
let demoProject: string
const made = {
  flavors: [] as string[],
  images: [] as {conn: Connection; id: string}[],
  servers: [] as {conn: Connection; id: string}[],
}

async function flavor(specs: Record<string, string>, microversion?: string) {
  const name = unique('audit-flavor')
  const id = await createFlavor(admin, name, {})
  made.flavors.push(id)
  if (Object.keys(specs).length)
    await admin.call('compute', 'POST', `/flavors/${id}/os-extra_specs`, {
      body: {extra_specs: specs},
      ...(microversion && {headers: {'OpenStack-API-Version': `compute ${microversion}`}}),
    })
  return {name, id}
}

async function image(owner: Connection, props: Record<string, string>) {
  const name = unique('audit-image')
  const id = await createImage(owner, name, props)
  made.images.push({conn: owner, id})
  await activateImage(owner, id)
  return {name, id}
}

async function server(owner: Connection, imageId: string, flavorId: string, name = unique('audit-server')) {
  const id = await createServer(owner, name, imageId, flavorId)
  made.servers.push({conn: owner, id})
  return {name, id}
}

/** The situations, made once for every test in this file. */
let s: Record<string, {name: string; id: string}>
let report: AuditReport
let exitStatus: number | null
let dir: string

beforeAll(async () => {
  if (openstackSkipped) return
  admin = connectAs('admin')
  demo = connectAs('demo')
  demoProject = (await demo.token()).project!.id
  const fReset = await flavor({'hw:watchdog_action': 'reset', 'hw:cpu_policy': 'shared'})
  const fPause = await flavor({'hw:watchdog_action': 'pause'})
  const fChanged = await flavor({'hw:watchdog_action': 'reset'})
  const fImageKey = await flavor({hw_watchdog_action: 'reset'})
  // written with microversion 2.85, which does not validate extra specs: what an older Nova stored
  const fInvalid = await flavor({'hw:watchdog_action': 'Reset'}, '2.85')
  const iPlain = await image(admin, {})
  const iDisabled = await image(demo, {hw_watchdog_action: 'disabled'})
  const iNone = await image(admin, {hw_watchdog_action: 'none'})
  const iQ35 = await image(admin, {hw_machine_type: 'q35'})
  const iArm = await image(admin, {hw_architecture: 'aarch64', hw_watchdog_action: 'reset'})
  const iLater = await image(admin, {})
  s = {fReset, fPause, fChanged, fImageKey, fInvalid, iPlain, iDisabled, iNone, iQ35, iArm, iLater}
  s.protectedByFlavor = await server(admin, iPlain.id, fReset.id)
  s.disabledByImage = await server(demo, iDisabled.id, fReset.id)
  s.weakenedByImage = await server(admin, iNone.id, fReset.id)
  s.flavorChanged = await server(admin, iPlain.id, fChanged.id)
  s.imageKeyOnly = await server(admin, iPlain.id, fImageKey.id)
  s.paused = await server(admin, iPlain.id, fPause.id)
  s.volume = await server(admin, iPlain.id, fReset.id)
  s.onQ35 = await server(admin, iQ35.id, fImageKey.id)
  s.imageLater = await server(admin, iLater.id, fReset.id)
  // a name is anyone's input: the HTML report must show it as text, never run it
  s.hostileName = await server(
    admin,
    iPlain.id,
    fReset.id,
    `<img src=x onerror=alert(1)></td><script>alert(2)</script>${unique('x')}`,
  )
  // the flavor changes after its server booted
  await admin.call('compute', 'POST', `/flavors/${fChanged.id}/os-extra_specs`, {
    body: {extra_specs: {'hw:watchdog_action': 'pause'}},
  })
  // the image changes after its server booted (a second later: Glance and Nova keep whole seconds)
  await new Promise((r) => setTimeout(r, 1100))
  await admin.call('image', 'PATCH', `/images/${iLater.id}`, {
    headers: {'Content-Type': 'application/openstack-images-v2.1-json-patch'},
    body: [{op: 'add', path: '/os_distro', value: 'debian'}],
  })
  // set in Nova's API database: the test cloud has no compute service to run a guest that a pause bark stops, and
  // no Cinder to boot from a volume
  setBuildRequest(s.paused.id, {vm_state: 'active', power_state: 3, task_state: null})
  setBuildRequest(s.volume.id, {image_ref: ''})

  dir = tempDir('wd-audit-')
  writeFileSync(join(dir, 'policy.yaml'), 'imageOverride: deny\nallowedActions: [reset, poweroff, pause]\n')
  writeFileSync(
    join(dir, 'catalog.yaml'),
    `flavors:\n  - name: ${fReset.name}\n    id: ${fReset.id}\n    vcpus: 1\n    ram: 64\n    disk: 1\n    extra_specs:\n      hw:watchdog_action: poweroff\n      hw:cpu_policy: shared\n`,
  )
  const run = wd(
    ['audit', '--json', '--policy', join(dir, 'policy.yaml'), '--catalog', join(dir, 'catalog.yaml')],
    undefined,
    osEnv('admin'),
  )
  exitStatus = run.status
  report = JSON.parse(run.stdout) as AuditReport
}, 120000)

afterAll(async () => {
  if (openstackSkipped) return
  for (const x of made.servers) await deleteServer(x.conn, x.id)
  for (const id of made.flavors) await deleteFlavor(admin, id)
  for (const x of made.images) await deleteImage(x.conn, x.id)
})

const serverOf = (id: string): AuditServer => {
  const hit = report.servers.find((x) => x.id === id)
  if (!hit) throw new Error(`the audit lists no server ${id}`)
  return hit
}
const findingsOn = (id: string, rule?: string): AuditFinding[] =>
  report.findings.filter((f) => f.subject.id === id && (rule === undefined || f.rule === rule))

describe('wd audit on the real cloud', () => {
  live('the report is published JSON, and an error-level finding makes the exit status 1', () => {
    expectPublished('audit-report', report)
    expect(exitStatus).toBe(1)
  })

  live('each server: the watchdog Nova gave it, protected or not, and why', () => {
    const view = (id: string) => {
      const x = serverOf(id)
      return {device: x.device, protected: x.protected, why: x.why}
    }
    // the test cloud's servers never run (they are build requests), so no guest has said it armed its device:
    // a device that acts is not yet protection
    expect(view(s.protectedByFlavor!.id)).toEqual({
      device: {model: 'i6300esb', action: 'reset'},
      protected: null,
      why: 'flavor',
    })
    expect(serverOf(s.protectedByFlavor!.id).guest).toEqual({state: 'unknown', unknown: 'not-running'})
    expect(view(s.disabledByImage!.id)).toEqual({device: null, protected: false, why: 'image-disabled'})
    expect(view(s.weakenedByImage!.id)).toEqual({
      device: {model: 'i6300esb', action: 'none'},
      protected: false,
      why: 'action-none',
    })
    // the flavor it booted with said reset; the flavor says pause now: the server keeps reset
    expect(view(s.flavorChanged!.id)).toEqual({
      device: {model: 'i6300esb', action: 'reset'},
      protected: null,
      why: 'flavor',
    })
    // ACTIVE (set so in Nova's database), so its console was asked for: Nova's own refusal is kept
    expect(serverOf(s.paused!.id).guest).toEqual({
      state: 'unknown',
      unknown: 'no-console',
      said: expect.stringMatching(/not ready/) as unknown as string,
    })
    expect(view(s.imageKeyOnly!.id)).toEqual({device: null, protected: false, why: 'no-watchdog'})
    expect(view(s.volume!.id)).toEqual({device: null, protected: null, why: 'volume-backed'})
    expect(serverOf(s.disabledByImage!.id).project).toBe(demoProject)
    expect(serverOf(s.volume!.id).image).toBeNull()
  })

  live('findings: each situation with its rule, severity and object', () => {
    const rules = (id: string) => findingsOn(id).map((f) => `${f.severity} ${f.rule}`)
    expect(rules(s.disabledByImage!.id)).toEqual(['warning audit/server-unprotected'])
    expect(rules(s.imageKeyOnly!.id)).toEqual(['warning audit/server-unprotected'])
    expect(rules(s.paused!.id)).toEqual(['error audit/server-paused', 'info audit/guest-unknown'])
    expect(findingsOn(s.paused!.id, 'audit/guest-unknown')[0]!.message).toMatch(/Nova gave no console: .*not ready/)
    expect(findingsOn(s.paused!.id)[0]!.message).toMatch(/409/)
    expect(rules(s.flavorChanged!.id)).toEqual(['warning audit/flavor-changed-after-boot'])
    expect(findingsOn(s.flavorChanged!.id)[0]!.message).toMatch(/was 'reset'; the flavor now says 'pause'/)
    expect(rules(s.volume!.id)).toEqual(['info audit/server-unknown'])
    expect(rules(s.imageLater!.id)).toEqual(['info audit/image-changed-after-boot'])
    expect(rules(s.protectedByFlavor!.id)).toEqual([])
    // flavors: the invalid value stored with 2.85, the image spelling on a flavor; catalog drift; policy
    expect(rules(s.fInvalid!.id)).toEqual(['error nova/invalid-action'])
    expect(findingsOn(s.fInvalid!.id)[0]!.message).toMatch(/every new spawn on it fails/)
    expect(rules(s.fImageKey!.id)).toEqual(['warning nova/image-key-on-flavor'])
    expect(rules(s.fReset!.id)).toEqual(['warning audit/catalog-drift'])
    expect(report.catalog?.changes).toContainEqual({
      kind: 'flavor',
      name: s.fReset!.name,
      id: s.fReset!.id,
      action: 'update',
    })
    // images: disabled by a non-admin project's image (named with its owner), weakened, q35, an architecture
    expect(rules(s.iDisabled!.id)).toEqual([
      'error policy/image-override-denied',
      'warning audit/image-disables-watchdog',
    ])
    const disables = findingsOn(s.iDisabled!.id, 'audit/image-disables-watchdog')[0]!
    expect(disables.subject.project).toBe(demoProject)
    expect(disables.message).toMatch(/owner: project demo/)
    expect(rules(s.iNone!.id)).toEqual([
      'error policy/action-not-allowed',
      'error policy/image-override-denied',
      'warning audit/image-weakens-watchdog',
    ])
    expect(rules(s.iQ35!.id)).toEqual(['warning audit/q35-implicit-itco'])
    expect(rules(s.iArm!.id)).toEqual(['error audit/arch-without-i6300esb', 'error policy/image-override-denied'])
  })

  live('the summary equals raw reads of the same cloud', async () => {
    const raw = json<{servers: {id: string; tenant_id: string}[]}>(
      await admin.call('compute', 'GET', '/servers/detail?all_tenants=1', {
        headers: {'OpenStack-API-Version': 'compute 2.47'},
      }),
    ).servers
    const sum = report.summary
    expect(sum.servers.total).toBe(raw.length)
    expect(sum.servers.protected + sum.servers.unprotected + sum.servers.unknown).toBe(raw.length)
    const perProject = new Map<string, number>()
    for (const x of raw) perProject.set(x.tenant_id, (perProject.get(x.tenant_id) ?? 0) + 1)
    expect(new Map(sum.byProject.map((p) => [p.project!, p.total]))).toEqual(perProject)
    expect(sum.byProject.find((p) => p.project === demoProject)?.name).toBe('demo')
    const severities = {error: 0, warning: 0, info: 0}
    for (const f of report.findings) severities[f.severity]++
    expect(sum.findings).toEqual(severities)
    // a few pages, not a request per server; a console for each running server whose device acts (the paused one)
    expect(report.requests).toBeLessThan(11)
    // the one line a person reads first: protection by action, a device that does nothing counted as unprotected
    const text = wd(['audit'], undefined, osEnv('admin')).stdout.split('\n')[0]
    expect(text).toMatch(
      /^wd audit: \d+ servers: 0 protected, \d+ unprotected \(1 with action none\), \d+ unknown \(\d+ whose guest has not said\)$/,
    )
  })

  live('sarif places each finding at its object; openmetrics counts servers by project and action', () => {
    const sarif = wd(['audit', '-f', 'sarif'], undefined, osEnv('admin'))
    const results = (
      JSON.parse(sarif.stdout) as {
        runs: {results: {ruleId: string; locations: {logicalLocations: {fullyQualifiedName: string}[]}[]}[]}[]
      }
    ).runs[0]!.results
    expect(results).toContainEqual(
      expect.objectContaining({
        ruleId: 'audit/server-paused',
        locations: [{logicalLocations: [expect.objectContaining({fullyQualifiedName: `servers/${s.paused!.id}`})]}],
      }),
    )
    const file = join(dir, 'wd_audit.prom')
    const run = wd(['audit', '-f', 'openmetrics', '-o', file], undefined, osEnv('admin'))
    expect(run.stderr).toMatch(/openmetrics written to/)
    const text = readFileSync(file, 'utf8')
    expect(text).toMatch(
      new RegExp(
        `^wd_watchdog_servers\\{cloud="envvars",region="RegionOne",project="${demoProject}",project_name="demo",action="disabled"\\} 1$`,
        'm',
      ),
    )
    expect(text).toMatch(
      /^wd_watchdog_findings\{cloud="envvars",region="RegionOne",rule="audit\/server-paused",severity="error"\} [1-9]/m,
    )
    expect(text.trimEnd().endsWith('# EOF')).toBe(true)
  })

  liveInBrowser(
    'the HTML report in Chromium: no console error, no fetch, counts as in the JSON, sorting and filtering',
    async () => {
      const file = join(dir, 'audit.html')
      const run = wd(['audit', '-f', 'html', '-o', file], undefined, osEnv('admin'))
      expect(run.stderr).toMatch(/html written to/)
      const page = await openFile(file)
      try {
        const {page: p} = page
        const text = async (sel: string) => (await p.textContent(sel))?.trim()
        // the same cloud as the JSON report of beforeAll (this file's servers unchanged since)
        const again = JSON.parse(wd(['audit', '--json'], undefined, osEnv('admin')).stdout) as AuditReport
        const sum = again.summary
        expect({
          total: await text('[data-summary="servers-total"]'),
          protected: await text('[data-summary="servers-protected"]'),
          unprotected: await text('[data-summary="servers-unprotected"]'),
          unknown: await text('[data-summary="servers-unknown"]'),
          errors: await text('[data-summary="findings-error"]'),
          warnings: await text('[data-summary="findings-warning"]'),
          serverRows: await p.locator('#servers-table tbody tr').count(),
          findingRows: await p.locator('#findings-table tbody tr').count(),
          flavorRows: await p.locator('#flavors-table tbody tr').count(),
        }).toEqual({
          total: String(sum.servers.total),
          protected: String(sum.servers.protected),
          unprotected: String(sum.servers.unprotected),
          unknown: String(sum.servers.unknown),
          errors: String(sum.findings.error),
          warnings: String(sum.findings.warning),
          serverRows: again.servers.length,
          findingRows: again.findings.length,
          flavorRows: again.flavors.length,
        })
        // the hostile name is text in its cell
        const hostile = p.locator('#servers-table tbody tr', {hasText: s.hostileName!.name})
        expect(await hostile.count()).toBe(1)
        expect(await p.locator('#servers-table script, #servers-table img').count()).toBe(0)

        // sorting: the name column, ascending then descending
        const names = async () => p.locator('#servers-table tbody tr td:first-child').allTextContents()
        await p.click('#servers-table th[data-col="0"]')
        const asc = await names()
        expect(asc).toEqual([...asc].sort((a, b) => a.localeCompare(b, undefined, {numeric: true})))
        await p.click('#servers-table th[data-col="0"]')
        expect(await names()).toEqual([...asc].reverse())
        expect(await p.getAttribute('#servers-table th[data-col="0"]', 'aria-sort')).toBe('descending')

        // filtering: one server by its name; every word must match
        await p.fill('input[data-table="servers-table"]', s.paused!.name)
        expect(await p.locator('#servers-table tbody tr:visible').count()).toBe(1)
        expect(await text('[data-shown="servers-table"]')).toBe('1 shown')
        await p.fill('input[data-table="servers-table"]', 'unprotected')
        expect(await p.locator('#servers-table tbody tr:visible').count()).toBe(sum.servers.unprotected)
        await p.fill('input[data-table="servers-table"]', '')

        await p.screenshot({path: join(dir, 'audit.png'), fullPage: true})
        if (process.env.WD_SCREENSHOT) await p.screenshot({path: process.env.WD_SCREENSHOT, fullPage: true})
        expect(page.errors).toEqual([])
        expect(page.requests).toEqual([])
      } finally {
        await page.browser.close()
      }
    },
  )

  live('a non-admin is told what it cannot see, not given a wrong answer', () => {
    const r = wdJson<{error: {code: string; hint: string}}>(['audit'], {env: osEnv('demo'), status: 2})
    expect(r.error).toMatchObject({code: 'WD_FORBIDDEN', hint: expect.stringMatching(/admin account/)})
  })
})
