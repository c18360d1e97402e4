/**
 * The whole chain on the test cloud's compute half (test/env/openstack/compute.sh): Nova boots what wd configured,
 * its libvirt driver writes the domain, the guest barks, Nova's metadata API asks wd serve for vendordata, and the
 * audit follows living instances. WD_SKIP_COMPUTE=1 opts out.
 */
import {afterAll, beforeAll, describe, expect, jest} from '@jest/globals'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import type {Connection} from '../../src/openstack/connection.js'
import type {AuditReport} from '../../src/operations/audit.js'
import {firstBarks, journalOf, startWatcher, stopWatcher, until} from '../helpers/barks.js'
import {wd} from '../helpers/cli.js'
import {
  BARKS,
  IDLE,
  active,
  boot,
  buildFailure,
  compute,
  computeEnv,
  connectCompute,
  domainWatchdog,
  guestFlavor,
  guestImage,
  guestKernel,
  metadata,
  named,
  removeServer,
  serverOf,
  settle,
  vendordataService,
  virsh,
  type GuestKernel,
  type Server,
} from '../helpers/compute.js'
import {optedOut, owned, tempDir, withCompute, withComputeGuests} from '../helpers/gates.js'
import {cloudInitView} from '../helpers/cloud-init.js'
import {isNovaSetting} from '../../src/vocab/nova.js'
import {osloListener} from '../helpers/rabbitmq.js'
import {stateDir} from '../env/openstack/state.mjs'

// guests boot under TCG; a resize copies a disk
jest.setTimeout(300_000)

const skipped = optedOut('WD_SKIP_COMPUTE')
let admin: Connection
let kernel: GuestKernel
const cleanup: (() => Promise<unknown>)[] = []
beforeAll(async () => {
  if (skipped) return
  admin = connectCompute('admin')
  kernel = await guestKernel(admin)
  cleanup.push(
    () => admin.call('image', 'DELETE', `/images/${kernel.kernel}`, {accept: [404]}),
    () => admin.call('image', 'DELETE', `/images/${kernel.ramdisk}`, {accept: [404]}),
  )
})
afterAll(async () => {
  // last made, first removed: servers before their images and flavors
  for (const c of cleanup.reverse()) await c().catch(() => undefined)
})

const env = () => computeEnv('admin')
/** A flavor for the guest, its watchdog written by `wd flavor set` (or, for what wd refuses, by the API at 2.85). */
async function flavorWith(action: string | undefined): Promise<string> {
  const id = await guestFlavor(admin, named('flavor'))
  cleanup.push(() => admin.call('compute', 'DELETE', `/flavors/${id}`, {accept: [404]}))
  if (action === undefined) return id
  if (isNovaSetting(action)) {
    const r = wd(['flavor', 'set', id, '--action', action], undefined, env())
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
  } else {
    // what older clouds stored: Nova refuses it from 2.86 on
    await admin.call('compute', 'POST', `/flavors/${id}/os-extra_specs`, {
      body: {extra_specs: {'hw:watchdog_action': action}},
      headers: {'OpenStack-API-Version': 'compute 2.85'},
    })
  }
  return id
}
async function imageWith(action: string | undefined, cmdline = IDLE): Promise<string> {
  const id = await guestImage(admin, kernel, cmdline)
  cleanup.push(() => admin.call('image', 'DELETE', `/images/${id}`, {accept: [404]}))
  if (action === undefined) return id
  if (isNovaSetting(action)) {
    const r = wd(['image', 'set', id, '--action', action], undefined, env())
    expect(r.status).toBe(0)
  } else {
    // Glance checks nothing: any owner can store this
    await admin.call('image', 'PATCH', `/images/${id}`, {
      body: [{op: 'add', path: '/hw_watchdog_action', value: action}],
      headers: {'Content-Type': 'application/openstack-images-v2.1-json-patch'},
    })
  }
  return id
}
/** The domain's state and reason, as libvirt has it, of a Nova server ('' before Nova has defined it). */
async function domainState(server: string): Promise<string> {
  const name = (await serverOf(admin, server))['OS-EXT-SRV-ATTR:instance_name']!
  try {
    return virsh('domstate', name, '--reason')
  } catch {
    return ''
  }
}
async function bootOwned(name: string, image: string, flavor: string): Promise<string> {
  const id = await boot(admin, named(name), image, flavor)
  cleanup.push(() => removeServer(admin, id))
  return id
}

/**
 * Boots a server and waits until it is ACTIVE. The rig has one compute host: a build that fails for a reason of the
 * host's own ends in ERROR at once, where a cloud would reschedule it to another host. Such a build is tried once
 * more (its reason on stderr); one that fails over the watchdog, what these tests look at, is never retried.
 */
async function bootActive(name: string, image: string, flavor: string, what = 'ACTIVE'): Promise<Server> {
  const server = await bootOwned(name, image, flavor)
  try {
    return await settle(admin, server, active, 180, what)
  } catch (e) {
    const why = buildFailure(server)
    if (why === undefined || /watchdog/i.test(why)) throw e
    process.stderr.write(`nova-compute could not build ${server} (${why}): booting it once more\n`)
    return await settle(admin, await bootOwned(name, image, flavor), active, 180, what)
  }
}

interface Prediction {
  libvirt: string | null
  valid: boolean
  findings: {rule: string; message: string}[]
}
const predict = (flavor: string, image: string) => {
  const r = wd(['resolve', '--flavor', flavor, '--image', image, '-f', 'json'], undefined, env())
  return JSON.parse(r.stdout) as Prediction
}

/** A small seeded generator: the sample differs from run to run, and a failing run names its seed. */
function sampler(seed: number) {
  let x = seed >>> 0 || 1
  return <T>(from: readonly T[]): T => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return from[(x >>> 0) % from.length]!
  }
}

describe('Nova on a real compute node (libvirt driver, QEMU/TCG)', () => {
  withCompute(
    "Nova's domain has the watchdog wd predicted, for a random sample of flavor and image values",
    async () => {
      const seed = Number(process.env.WD_NOVA_SEED ?? Date.now() % 1_000_000)
      const pick = sampler(seed)
      const values = [undefined, 'none', 'pause', 'poweroff', 'reset', 'disabled'] as const
      // always: the default, a flavor that disables, an empty value stored before 2.86, an image that overrides
      const pairs: [string | undefined, string | undefined][] = [
        [undefined, undefined],
        ['disabled', undefined],
        ['', undefined],
        ['reset', 'disabled'],
        ['poweroff', 'pause'],
      ]
      for (let i = 0; i < 4; i++) pairs.push([pick(values), pick(values)])
      // one at a time, each guest removed before the next boots: TCG guests on two cores
      for (const [f, i] of pairs) {
        const flavor = await flavorWith(f)
        const image = await imageWith(i)
        const what = `seed ${seed}: flavor ${JSON.stringify(f)}, image ${JSON.stringify(i)}`
        const s = await bootActive('predict', image, flavor, `ACTIVE (${what})`)
        const predicted = predict(flavor, image)
        expect({what, watchdog: domainWatchdog(s['OS-EXT-SRV-ATTR:instance_name']!)}).toEqual({
          what,
          watchdog: predicted.libvirt,
        })
        await removeServer(admin, s.id)
      }
    },
  )

  withCompute(
    'values stored before 2.86 fail as wd said: the flavor at every spawn, the image at nova-api',
    async () => {
      const flavor = await flavorWith('Reset')
      const image = await imageWith(undefined)
      const said = predict(flavor, image)
      expect(said.valid).toBe(false)
      expect(said.findings.map((f) => f.rule)).toEqual(['nova/invalid-action'])
      expect(said.findings[0]!.message).toMatch(/every spawn fail/)
      const server = await bootOwned('invalid', image, flavor)
      const s = await settle(admin, server, (x) => x.status === 'ERROR', 180, 'ERROR')
      expect(s.fault?.message).toMatch(/Exhausted all hosts available for retrying build failures/)
      // the reason is in nova-compute's log only (the API shows the scheduler's last word)
      const log = readFileSync(join(stateDir, 'log', 'nova-compute.log'), 'utf8')
      expect(log).toContain(`[instance: ${server}] Instance failed to spawn: nova.exception.InvalidWatchdogAction`)
      expect(log).toContain('InvalidWatchdogAction: Provided watchdog action (Reset) is not supported.')
      // what bootActive reads to tell the host's faults from the watchdog's
      expect(buildFailure(server)).toBe('Provided watchdog action (Reset) is not supported.')

      const good = await flavorWith('reset')
      const badImage = await imageWith('Pause')
      const saidImage = predict(good, badImage)
      expect(saidImage.findings.map((f) => f.rule)).toEqual(['nova/invalid-action'])
      expect(saidImage.findings[0]!.message).toMatch(/nova-api refuses to boot from such an image \(HTTP 400\)/)
      const refused = await admin
        .call('compute', 'POST', '/servers', {
          body: {server: {name: named('refused'), imageRef: badImage, flavorRef: good, networks: 'none'}},
          headers: {'OpenStack-API-Version': 'compute 2.37'},
        })
        .then(
          () => undefined,
          (e: Error) => e.message,
        )
      expect(refused).toMatch(/HTTP 400 .*Invalid image metadata\. Error: Field value Pause is invalid/)
    },
  )
})

describe('a real bark through the whole chain', () => {
  withCompute(
    "the guest Nova booted stops feeding its watchdog: wd records Nova's instance, the bus carries it, Nova shows it off",
    async () => {
      const dir = tempDir('wd-nova-bark-')
      const flavor = await flavorWith('poweroff')
      const image = await imageWith(undefined, BARKS)
      const bus = compute().WD_COMPUTE_TRANSPORT_URL!
      const listener = await osloListener(bus)
      const journal = join(dir, 'barks.jsonl')
      const host = compute().WD_COMPUTE_HOST!
      const watcher = owned(startWatcher(['--libvirt', 'qemu:///system', '--notify', bus, '--host', host], journal))
      try {
        await new Promise((r) => setTimeout(r, 1000)) // the watcher follows libvirt before the guest starts
        const name = named('barker')
        const server = await boot(admin, name, image, flavor)
        cleanup.push(() => removeServer(admin, server))
        const [bark] = await firstBarks(journal, 120)
        const s = await serverOf(admin, server)
        const project = (await admin.token()).project!
        expect(bark).toMatchObject({
          vm: s['OS-EXT-SRV-ATTR:instance_name'],
          action: 'poweroff',
          host,
          instance: server,
          nova: {
            name,
            projectId: project.id,
            projectName: project.name,
            flavor: (s.flavor as {original_name: string}).original_name,
            image,
          },
        })
        // its own: the bus is the cloud's, and may hold other tests' barks
        const ours = () => listener.received().find((n) => n.payload.instance_uuid === server)
        await until(() => ours() !== undefined, 30, 'the notification')
        expect(ours()).toMatchObject({
          event_type: 'wd.watchdog.bark',
          publisher_id: `wd.${host}`,
          payload: {instance_uuid: server, display_name: name, project_id: project.id, action: 'poweroff', host},
        })
        // Nova learns of the stop from libvirt's lifecycle event (acted on after 15 s) and stops the instance
        const off = await settle(
          admin,
          server,
          (x) => x.status === 'SHUTOFF' && !x['OS-EXT-STS:task_state'],
          90,
          'SHUTOFF',
        )
        expect({vm: off['OS-EXT-STS:vm_state'], power: off['OS-EXT-STS:power_state']}).toEqual({
          vm: 'stopped',
          power: 4,
        })
        // and leaves it off: no restart of its own (a minute of Nova's power-state sync, every 5 s here)
        await new Promise((r) => setTimeout(r, 15_000))
        expect((await serverOf(admin, server)).status).toBe('SHUTOFF')
        expect(await journalOf(journal)).toHaveLength(1)
      } finally {
        await stopWatcher(watcher)
        listener.stop()
      }
    },
  )
})

describe("vendordata from Nova's own metadata API", () => {
  withComputeGuests(
    "Nova's metadata API serves wd's guest half under cloud-init, and cloud-init's own code takes it as a vendor script",
    async () => {
      const dir = tempDir('wd-nova-vendordata-')
      const service = await vendordataService(dir)
      try {
        const flavor = await flavorWith('reset')
        const plain = await imageWith(undefined)
        const off = await imageWith('disabled')
        const [{id: watched}, {id: unwatched}] = await Promise.all([
          bootActive('vd-watched', plain, flavor),
          bootActive('vd-unwatched', off, flavor),
        ])
        const project = (await admin.token()).project!.id

        const ask = async (id: string) => {
          const r = await metadata('/openstack/latest/vendor_data2.json', id, project)
          expect(r.status).toBe(200)
          return await r.json()
        }
        // what cloud-init makes of vendor_data2.json as Nova serves it: one vendor script, wd's guest half for the
        // flavor and image (the user's own cloud-config, with runcmd, is checked by cloud-init's schema beside it)
        const yes = cloudInitView(await ask(watched), '#cloud-config\nruncmd: [[echo, user]]\n')
        const script = wd(
          ['resolve', '--flavor', flavor, '--image', plain, '-f', 'cloud-init'],
          undefined,
          env(),
        ).stdout
        expect(yes).toEqual({
          vendordata: [{type: 'text/x-shellscript', payload: script}],
          errors: [],
          schema: [],
        })
        expect(cloudInitView(await ask(unwatched))).toEqual({vendordata: [], errors: [], schema: []})

        // both reached wd serve with Nova's service token (Keystone accepted it: 200, no refusal) ...
        const metrics = await (await fetch(`${service.base}/metrics`)).text()
        expect(metrics).toMatch(/^wd_serve_requests_total\{method="POST",route="\/v1\/vendordata",status="200"\} 2$/m)
        expect(metrics).not.toMatch(/^wd_serve_auth_failures_total\{[^}]*\} [1-9]/m)
        // ... which its log never shows (a Fernet token starts gAAAAA)
        expect(service.said()).toMatch(/vendordata/)
        expect(service.said()).not.toMatch(/gAAAAA/)
      } finally {
        service.stop()
      }
    },
  )
})

describe('the audit on living instances', () => {
  withCompute(
    'paused by a real pause bark, its flavor changed after boot, then resized: the findings follow',
    async () => {
      const flavor = await flavorWith('pause')
      const bigger = await flavorWith('reset')
      const image = await imageWith(undefined, BARKS)
      const server = await bootOwned('audited', image, flavor)
      const audit = () => {
        const r = wd(['audit', '-f', 'json'], undefined, env())
        const report = JSON.parse(r.stdout) as AuditReport
        const row = report.servers.find((x) => x.id === server)!
        return {
          device: row.device,
          why: row.why,
          findings: report.findings.filter((f) => f.subject.id === server).map((f) => `${f.rule}: ${f.message}`),
        }
      }
      // the guest barks; libvirt pauses it; Nova records the power state and keeps the instance ACTIVE
      await until(async () => (await domainState(server)) === 'paused (watchdog)', 120, 'the pause bark')
      await settle(admin, server, (x) => x['OS-EXT-STS:power_state'] === 3, 60, 'power state paused')
      const paused = audit()
      expect(paused.device).toEqual({model: 'i6300esb', action: 'pause'})
      // the tiny guest runs no guest half: its console has no wd-guest line
      expect(paused.findings).toEqual([
        expect.stringMatching(/^audit\/server-paused: .*409/),
        expect.stringMatching(/^audit\/guest-unknown: .*no wd-guest line/),
      ])

      // the flavor now says reset: the running instance keeps the pause it booted with
      expect(wd(['flavor', 'set', flavor, '--action', 'reset'], undefined, env()).status).toBe(0)
      const changed = audit()
      expect(changed.device).toEqual({model: 'i6300esb', action: 'pause'})
      expect(changed.findings).toEqual([
        expect.stringMatching(/^audit\/server-paused: /),
        expect.stringMatching(/^audit\/flavor-changed-after-boot: .*was 'pause'; the flavor now says 'reset'/),
        expect.stringMatching(/^audit\/guest-unknown: /),
      ])

      // what brings the flavor's watchdog: stop (a paused ACTIVE instance cannot be unpaused), resize, confirm
      await admin.call('compute', 'POST', `/servers/${server}/action`, {body: {'os-stop': null}})
      await settle(admin, server, (x) => x.status === 'SHUTOFF' && !x['OS-EXT-STS:task_state'], 90, 'SHUTOFF')
      await admin.call('compute', 'POST', `/servers/${server}/action`, {body: {resize: {flavorRef: bigger}}})
      await settle(admin, server, (x) => x.status === 'VERIFY_RESIZE', 180, 'VERIFY_RESIZE')
      await admin.call('compute', 'POST', `/servers/${server}/action`, {body: {confirmResize: null}})
      await settle(admin, server, (x) => x.status === 'SHUTOFF' && !x['OS-EXT-STS:task_state'], 90, 'SHUTOFF')
      const resized = audit()
      expect(resized.device).toEqual({model: 'i6300esb', action: 'reset'})
      expect(resized.findings).toEqual([])
      const domain = (await serverOf(admin, server))['OS-EXT-SRV-ATTR:instance_name']!
      expect(domainWatchdog(domain)).toBe("<watchdog model='i6300esb' action='reset'/>")
    },
  )
})
