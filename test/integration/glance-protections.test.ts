/**
 * `wd policy export --glance-property-protections` on the real Glance: a second Glance API of the test cloud (same
 * database and store) is started with the exported file (test/env/openstack/glance-protected.sh), and a non-admin
 * image owner, an admin and a plain read go through it.
 */
import {afterAll, beforeAll, describe, expect} from '@jest/globals'
import {spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {loadCloudConfig} from '../../src/openstack/cloud-config.js'
import {connect, json, type Connection} from '../../src/openstack/connection.js'
import {root, wd, wdJson} from '../helpers/cli.js'
import {
  cloud,
  connectAs,
  createImage,
  deleteImage,
  openstackSkipped,
  unique,
  type Account,
} from '../helpers/openstack.js'
import {live, tempDir} from '../helpers/gates.js'

const script = join(root, 'test/env/openstack/glance-protected.sh')
let dir: string
let clouds: string
const images: string[] = []
let demo: Connection

/** Starts the protected Glance with a file wd exported; its URL. */
function startGlance(file: string, format: string): string {
  const r = spawnSync('bash', [script, 'start', file, format], {encoding: 'utf8'})
  if (r.status !== 0) throw new Error(`glance-protected.sh start: ${r.stderr}`)
  return r.stdout.trim()
}

/** Writes a clouds.yaml whose image endpoint is the protected Glance, for each test account. */
function cloudsFile(glance: string): string {
  const c = cloud()
  const entry = (a: Account) =>
    `  ${a}:\n    auth:\n      auth_url: ${c.OS_AUTH_URL}\n      username: ${c[`WD_${a.toUpperCase()}_USERNAME`]}\n` +
    `      password: ${c[`WD_${a.toUpperCase()}_PASSWORD`]}\n      project_name: ${c[`WD_${a.toUpperCase()}_PROJECT`]}\n` +
    `      user_domain_name: Default\n      project_domain_name: Default\n    region_name: RegionOne\n` +
    `    image_endpoint_override: ${glance}\n`
  const file = join(dir, 'clouds.yaml')
  writeFileSync(file, `clouds:\n${entry('admin')}${entry('demo')}`)
  return file
}

const as = (account: Account) => ({OS_CLIENT_CONFIG_FILE: clouds, OS_CLOUD: account})
const viaProtected = (account: Account) => connect(loadCloudConfig({}, {env: as(account), cwd: '/nonexistent'}))

function exportFile(policy: string, args: string[]): string {
  const r = wd(['policy', 'export', '--glance-property-protections', '--policy', policy, ...args])
  if (r.status !== 0) throw new Error(r.stderr)
  const file = join(dir, `protections-${args.join('-') || 'roles'}.conf`)
  writeFileSync(file, r.stdout)
  return file
}

beforeAll(() => {
  if (openstackSkipped) return
  dir = tempDir('wd-glance-pp-')
  demo = connectAs('demo')
})

afterAll(async () => {
  if (openstackSkipped) return
  spawnSync('bash', [script, 'stop'])
  for (const id of images) await deleteImage(demo, id)
})

async function demoImage(): Promise<{name: string; id: string}> {
  const name = unique('pp-image')
  const id = await createImage(demo, name, {})
  images.push(id)
  return {name, id}
}

describe('Glance property protections from the policy, on the real Glance', () => {
  live(
    'roles format: the owner cannot switch the watchdog off, the admin can, everything else stays open',
    async () => {
      const policy = join(dir, 'deny.yaml')
      writeFileSync(policy, 'imageOverride: deny\n')
      const exported = wdJson<{sections: {pattern: string}[]}>([
        'policy',
        'export',
        '--glance-property-protections',
        '--policy',
        policy,
      ])
      expect(exported.sections.map((s) => s.pattern)).toEqual(['(?i)watchdog', '.*'])
      clouds = cloudsFile(startGlance(exportFile(policy, []), 'roles'))
      const img = await demoImage()

      const owner = wd(['image', 'set', img.id, '--action', 'disabled'], undefined, as('demo'))
      expect(owner.status).toBe(2)
      expect(owner.stderr).toMatch(
        /^wd: glance: HTTP 403 on PATCH \/v2\/images\/\S+: Attribute 'hw_watchdog_action' is reserved\.$/m,
      )
      expect(owner.stderr).toMatch(/^hint: Glance's property protections .*property_protection_file/m)
      // the blueprint's spelling and misspellings are reserved too
      const sneaky = await viaProtected('demo').call('image', 'PATCH', `/images/${img.id}`, {
        headers: {'Content-Type': 'application/openstack-images-v2.1-json-patch'},
        body: [{op: 'add', path: '/Watchdog', value: 'disabled'}],
        accept: [403],
      })
      expect(sneaky.status).toBe(403)

      const adminSet = wd(['image', 'set', img.id, '--action', 'disabled', '-f', 'json'], undefined, as('admin'))
      expect(adminSet.status).toBe(0)

      // the owner still sets other properties, and still reads the watchdog one (Nova reads with the user's token)
      const other = await viaProtected('demo').call('image', 'PATCH', `/images/${img.id}`, {
        headers: {'Content-Type': 'application/openstack-images-v2.1-json-patch'},
        body: [{op: 'add', path: '/os_distro', value: 'debian'}],
      })
      expect(json<Record<string, unknown>>(other)).toMatchObject({os_distro: 'debian', hw_watchdog_action: 'disabled'})
      const read = json<Record<string, unknown>>(await viaProtected('demo').call('image', 'GET', `/images/${img.id}`))
      expect(read.hw_watchdog_action).toBe('disabled')
      // and cannot remove what the admin set
      const unset = wd(['image', 'unset', img.id], undefined, as('demo'))
      expect([unset.status, unset.stderr]).toEqual([2, expect.stringMatching(/is reserved/)])
    },
    60000,
  )

  live(
    'policies format with same-or-stricter: a warning that Glance enforces only deny, then the same refusal',
    async () => {
      const policy = join(dir, 'stricter.yaml')
      writeFileSync(policy, 'imageOverride: same-or-stricter\n')
      const r = wd([
        'policy',
        'export',
        '--glance-property-protections',
        '--policy',
        policy,
        '--rule-format',
        'policies',
      ])
      expect(r.stderr).toMatch(/^warning: Glance can enforce only deny of same-or-stricter/m)
      expect(r.stdout).toMatch(/^create = context_is_admin$/m)
      clouds = cloudsFile(startGlance(exportFile(policy, ['--rule-format', 'policies']), 'policies'))
      const img = await demoImage()
      expect(wd(['image', 'set', img.id, '--action', 'pause'], undefined, as('demo')).stderr).toMatch(/is reserved/)
      expect(wd(['image', 'set', img.id, '--action', 'pause'], undefined, as('admin')).status).toBe(0)
    },
    60000,
  )

  live('a policy that allows overrides has nothing to enforce', () => {
    const policy = join(dir, 'allow.yaml')
    writeFileSync(policy, 'imageOverride: allow\n')
    const r = wd(['policy', 'export', '--glance-property-protections', '--policy', policy])
    expect([r.status, r.stderr]).toEqual([2, expect.stringMatching(/^wd: the policy .* allows images to override/)])
  })
})
