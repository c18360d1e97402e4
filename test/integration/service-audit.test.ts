/**
 * `wd serve` with an `audit` section, in-process, on the real test cloud: the coverage gauges on /metrics are the
 * CLI audit's figures; with Nova unreachable (a door in front of the real Nova, shut) a failed audit keeps the last
 * figures and says so; with the door open again the next audit succeeds, without a restart.
 */
import {afterAll, beforeAll, describe, expect} from '@jest/globals'
import type {FastifyInstance} from 'fastify'
import type {Connection} from '../../src/openstack/connection.js'
import type {AuditReport} from '../../src/operations/audit.js'
import {serviceConfig} from '../../src/service/config.js'
import {wd} from '../helpers/cli.js'
import {door, type Door} from '../helpers/door.js'
import {keystoneService} from '../helpers/service.js'
import {
  activateImage,
  cloud,
  connectAs,
  createFlavor,
  createImage,
  createServer,
  deleteFlavor,
  deleteImage,
  deleteServer,
  openstackSkipped,
  osEnv,
  unique,
} from '../helpers/openstack.js'
import {live} from '../helpers/gates.js'

let demo: Connection
let admin: Connection
let nova: Door
let app: FastifyInstance
const made: {flavor?: string; image?: string; server?: string} = {}

beforeAll(async () => {
  if (openstackSkipped) return
  admin = connectAs('admin')
  demo = connectAs('demo')
  made.flavor = await createFlavor(admin, unique('serve-audit'), {'hw:watchdog_action': 'reset'})
  made.image = await createImage(demo, unique('serve-audit'), {})
  await activateImage(demo, made.image)
  made.server = await createServer(demo, unique('serve-audit'), made.image, made.flavor)
  nova = await door(cloud().WD_NOVA_URL!)
  await nova.open()
  // the service's own account, Nova reached through the door
  app = await keystoneService({account: {compute_endpoint_override: nova.url}}, {auditIntervalSeconds: 1})
  await app.ready()
})

afterAll(async () => {
  if (openstackSkipped) return
  await app?.close()
  await nova?.shut()
  if (made.server) await deleteServer(demo, made.server)
  if (made.image) await deleteImage(demo, made.image)
  if (made.flavor) await deleteFlavor(admin, made.flavor)
})

/** One sample of /metrics: the value of a series whose name and labels (as written there) are given. */
async function sample(series: string): Promise<number | undefined> {
  const text = (await app.inject({method: 'GET', url: '/metrics'})).body
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

async function until(what: () => Promise<boolean>, seconds = 30): Promise<void> {
  for (const end = Date.now() + seconds * 1000; !(await what());) {
    if (Date.now() > end) throw new Error(`not so after ${seconds} s`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

describe('wd serve audits the cloud on an interval', () => {
  live(
    'the gauges equal the CLI audit; an unreachable Nova keeps the last figures and says so; it recovers',
    async () => {
      await until(async () => (await sample('wd_watchdog_audit_up')) === 1)
      const demoProject = (await demo.token()).project!.id
      const cli = JSON.parse(wd(['audit', '--json'], undefined, osEnv('admin')).stdout) as AuditReport
      const reset = cli.servers.filter((s) => s.project === demoProject && s.device?.action === 'reset').length
      expect(reset).toBeGreaterThanOrEqual(1)
      // wd serve's cloud is its config's keystone section
      const where = `cloud="keystone",region="${cli.cloud.region}"`
      const series = `wd_watchdog_servers{${where},project="${demoProject}",project_name="demo",action="reset"}`
      await until(async () => (await sample(series)) === reset)
      const failuresBefore = (await sample('wd_watchdog_audit_failures_total')) ?? 0

      await nova.shut()
      await until(async () => (await sample('wd_watchdog_audit_up')) === 0)
      expect(await sample('wd_watchdog_audit_failures_total')).toBeGreaterThan(failuresBefore)
      expect(await sample(series)).toBe(reset)
      expect((await app.inject({method: 'GET', url: '/healthz'})).statusCode).toBe(200)

      await nova.open()
      await until(async () => (await sample('wd_watchdog_audit_up')) === 1)
      expect(await sample(series)).toBe(reset)
    },
    90_000,
  )

  live('the configuration: audit needs the service credentials; the interval defaults to 15 minutes', () => {
    expect(() => serviceConfig('audit: {interval: 60}\n', 'serve.yaml')).toThrow(
      /audit needs the service's own credentials/,
    )
    const c = serviceConfig(
      `keystone: {auth_url: ${cloud().OS_AUTH_URL}}\naudit: {}\nmetrics: {public: true}\n`,
      'serve.yaml',
    )
    expect(c.auditIntervalSeconds).toBe(900)
  })
})
