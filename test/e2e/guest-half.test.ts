/**
 * The guest half for real, pulled through Nova: real Debian 12 guests (test/env/guest/build-debian-guests.sh) booted
 * by the compute half's Nova with a config drive, wd serve as Nova's vendordata target `cloud-init`, and user-data of
 * the user's own (write_files, packages, runcmd) that crashes the kernel after boot. The guest with Debian's
 * standard kernel arms its i6300esb; the crash is caught with the flavor's action (reset: it boots and arms again;
 * poweroff: Nova shows SHUTOFF); the watcher records each bark with its instance and the bus carries it; the audit
 * reads the guests' words from their consoles. The guest with Debian's cloud kernel says it has no driver, and stays
 * hung. WD_SKIP_COMPUTE=1 or WD_SKIP_GUESTS=1 opts out.
 */
import {afterAll, beforeAll, describe, expect, jest} from '@jest/globals'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {stateDir} from '../env/openstack/state.mjs'
import type {Connection} from '../../src/openstack/connection.js'
import type {AuditReport} from '../../src/operations/audit.js'
import {FEEDER_KEY} from '../../src/operations/vendordata.js'
import {journalOf, startWatcher, stopWatcher, until, type Watcher} from '../helpers/barks.js'
import {wd} from '../helpers/cli.js'
import {
  boot,
  compute,
  computeEnv,
  connectCompute,
  debianGuest,
  named,
  removeServer,
  serverOf,
  settle,
  vendordataService,
  type Service,
} from '../helpers/compute.js'
import {optedOut, owned, tempDir, withComputeGuests} from '../helpers/gates.js'
import {osloListener} from '../helpers/rabbitmq.js'

// three TCG guests boot at once on two cores, crash and come back
jest.setTimeout(420_000)

const skipped = optedOut('WD_SKIP_COMPUTE') || optedOut('WD_SKIP_GUESTS')
/**
 * The guest's watchdog timeout wd serve sets (seconds): wd's default. Shorter is a risk on two cores shared by three
 * TCG guests: a starved guest's PID 1, busy reloading, once missed 10 s and was reset while arming, again and again
 * (the guest half now arms with twice the timeout after such a reset).
 */
const TIMEOUT = 30
/**
 * The user's own cloud-config, with more files to write (`- path: …` entries). It crashes the kernel once: cloud-init
 * runs runcmd again after a boot whose record of it a crash lost.
 */
const userData = (files = '') => `#cloud-config
write_files:
  - path: /etc/motd
    content: "a user's own file\\n"
${files}packages: [htop]
runcmd:
  - [sh, -c, 'echo "the user runcmd ran" > /dev/console; [ -e /var/tmp/crashed ] || { touch /var/tmp/crashed; sync; (sleep 5; echo c > /proc/sysrq-trigger) & }']
`
/** What a reset while arming with 15 s leaves on the guest's disk (the guest half's marker, which outlives the reset). */
const RESET_WHILE_ARMING = `  - path: /var/lib/wd-guest/arming\n    content: "${TIMEOUT / 2}\\n"\n`
/** What a guest of the standard kernel says once armed, by the feeder it uses. */
const armedBy = (feeder: string) =>
  new RegExp(
    `^wd-guest: armed model=i6300esb action=(reset|poweroff) device=/dev/watchdog\\d+ identity="i6300ESB timer" driver=i6300esb timeout=${TIMEOUT} feeder=${feeder} kernel=\\S+-amd64(?: note="([^"]*)")?$`,
    'm',
  )
const ARMED = armedBy('systemd')
const NO_DRIVER =
  /^wd-guest: not-armed model=i6300esb action=reset reason=no-driver kernel=(\S+-cloud-amd64) detail="no driver for i6300esb in kernel \1 \(the device is there\)"$/m

let admin: Connection
let service: Service
let watcher: Watcher
let listener: Awaited<ReturnType<typeof osloListener>>
let journal: string
const servers: Record<'reset' | 'poweroff' | 'cloud', string> = {reset: '', poweroff: '', cloud: ''}
const cleanup: (() => Promise<unknown>)[] = []
const env = () => computeEnv('admin')

async function flavor(action: string): Promise<string> {
  // 1 GiB for systemd and cloud-init under TCG; the disk holds the 2 GiB root file system
  const res = await admin.call('compute', 'POST', '/flavors', {
    body: {flavor: {name: named(`guest-${action}`), ram: 1024, vcpus: 1, disk: 3}},
  })
  const id = (JSON.parse(res.data as string) as {flavor: {id: string}}).flavor.id
  cleanup.push(() => admin.call('compute', 'DELETE', `/flavors/${id}`, {accept: [404]}))
  expect(wd(['flavor', 'set', id, '--action', action], undefined, env()).status).toBe(0)
  return id
}

beforeAll(async () => {
  if (skipped) return
  admin = connectCompute('admin')
  const dir = tempDir('wd-guest-half-')
  service = await vendordataService(dir)
  const [std, cloudKernel] = await Promise.all([debianGuest(admin, 'std'), debianGuest(admin, 'cloud')])
  for (const id of [...std.all, ...cloudKernel.all])
    cleanup.push(() => admin.call('image', 'DELETE', `/images/${id}`, {accept: [404]}))
  const [reset, poweroff] = [await flavor('reset'), await flavor('poweroff')]
  const bus = compute().WD_COMPUTE_TRANSPORT_URL!
  // a pool of its own: the compute half's bus is the cloud's, where other listeners may share the topic's queue
  listener = await osloListener(bus, 'openstack', 'notifications', `wd-guest-half-${process.pid}`)
  journal = join(dir, 'barks.jsonl')
  watcher = owned(
    startWatcher(['--libvirt', 'qemu:///system', '--notify', bus, '--host', compute().WD_COMPUTE_HOST!], journal),
  )
  await new Promise((r) => setTimeout(r, 1000)) // the watcher follows libvirt before the guests start
  // all three at once: each boots, arms (or says why not) and crashes on its own time
  for (const [key, image, f] of [
    ['reset', std.image, reset],
    ['poweroff', std.image, poweroff],
    ['cloud', cloudKernel.image, reset],
  ] as const) {
    // the poweroff guest's user chose the watchdog daemon of their image, through the server's metadata; and its disk
    // holds what a reset while arming with half the timeout leaves, so the guest half arms with twice that
    const [own, files] = key === 'poweroff' ? [{[FEEDER_KEY]: 'watchdog-daemon'}, RESET_WHILE_ARMING] : [undefined, '']
    servers[key] = await boot(admin, named(`guest-${key}`), image, f, userData(files), own)
    cleanup.push(() => removeServer(admin, servers[key]))
    note(`${key}: ${servers[key]} booting`)
  }
})

afterAll(async () => {
  if (skipped) return
  await stopWatcher(watcher)
  listener.stop()
  service.stop()
  for (const c of cleanup.reverse()) await c().catch(() => undefined)
})

const t0 = Date.now()
/** Milestones on stderr, so a slow CI run shows where the time went. */
const note = (what: string) => process.stderr.write(`[guest-half +${Math.round((Date.now() - t0) / 1000)} s] ${what}\n`)

/**
 * A guest's whole console, boot by boot (each from its kernel banner): the log Nova's libvirt driver keeps for it
 * (Nova's API gives only its last 100 KiB, which two boots outgrow).
 */
function bootsOf(server: string): string[] {
  const file = join(stateDir, 'compute', 'instances', server, 'console.log')
  const text = existsSync(file) ? readFileSync(file, 'latin1').replace(/\r/g, '') : ''
  return text.split(/(?=\[ *[0-9.]+\] Linux version )/).filter((b) => /^\[ *[0-9.]+\] Linux version /.test(b))
}

/** Waits until the server's console in its `boot`th boot (1: the first) matches `pattern`; returns that boot's. */
async function consoleSays(server: string, pattern: RegExp, seconds: number, what: string, boot = 1): Promise<string> {
  let text = ''
  await until(() => pattern.test((text = bootsOf(server)[boot - 1] ?? '')), seconds, `${what} on ${server}'s console`)
  note(`${server}: ${what}`)
  return text
}

const barksOf = async (server: string) => (await journalOf(journal)).filter((b) => b.instance === server)

/** One server's row and findings of `wd audit -f json` on the compute half. */
function audited(id: string) {
  const report = JSON.parse(wd(['audit', '-f', 'json'], undefined, env()).stdout) as AuditReport
  return {row: report.servers.find((s) => s.id === id)!, findings: report.findings.filter((f) => f.subject.id === id)}
}

// In the order the guests get there: the cloud kernel's says it cannot arm first (its vendor script runs last in
// cloud-init), the poweroff one is off after its crash, the reset one needs a second boot.
describe('the guest half in real Debian guests that Nova boots', () => {
  withComputeGuests(
    "Debian's cloud kernel: the guest says it has no driver for the device, the audit says so, and a crash stays a hang",
    async () => {
      const id = servers.cloud
      await consoleSays(id, NO_DRIVER, 300, 'wd-guest: not-armed')
      const {row, findings} = audited(id)
      expect(row).toMatchObject({
        protected: false,
        why: 'flavor',
        guest: {state: 'not-armed', report: {state: 'not-armed', reason: 'no-driver'}},
      })
      expect(findings).toEqual([
        expect.objectContaining({
          rule: 'audit/guest-no-driver',
          message: expect.stringMatching(/no driver for i6300esb in kernel \S+-cloud-amd64/),
          fix: expect.stringMatching(/linux-image-amd64/),
        }),
      ])
      await consoleSays(id, /sysrq triggered crash/, 60, 'the crash')
      // nothing feeds the device, so nothing barks: the guest stays hung
      await new Promise((r) => setTimeout(r, (TIMEOUT + 10) * 1000))
      expect(await barksOf(id)).toEqual([])
      // a hung TCG guest spins a core the others need
      await removeServer(admin, id)
    },
  )

  withComputeGuests(
    "the user's own choice, the watchdog daemon: it feeds, the crash powers the guest off, and Nova shows it SHUTOFF",
    async () => {
      const id = servers.poweroff
      const byDaemon = armedBy('watchdog-daemon')
      const said = await consoleSays(id, byDaemon, 300, 'wd-guest: armed by the watchdog daemon')
      expect(said.match(byDaemon)!.slice(1)).toEqual([
        'poweroff',
        `the guest was reset while arming with ${TIMEOUT / 2} s: armed with ${TIMEOUT} s`,
      ])
      await until(async () => (await barksOf(id)).length > 0, 120, 'a bark of the crashed guest')
      expect((await barksOf(id))[0]).toMatchObject({action: 'poweroff', instance: id})
      const off = await settle(admin, id, (x) => x.status === 'SHUTOFF' && !x['OS-EXT-STS:task_state'], 120, 'SHUTOFF')
      expect(off['OS-EXT-STS:power_state']).toBe(4)
      // not running: what its guest would say now is unknown, never protected
      expect(audited(id).row).toMatchObject({protected: null, guest: {state: 'unknown', unknown: 'not-running'}})
    },
  )

  withComputeGuests(
    "Debian's standard kernel: the guest arms its i6300esb whatever the user's data, a crash is reset and it arms again",
    async () => {
      const id = servers.reset
      const armed = await consoleSays(id, ARMED, 300, 'wd-guest: armed')
      expect(armed.match(ARMED)!.slice(1)).toEqual(['reset', undefined])
      // the user's own cloud-config was applied too: wd's part is a vendor script, apart from the user's runcmd
      await consoleSays(id, /^the user runcmd ran/m, 60, "the user's runcmd")
      await until(async () => (await barksOf(id)).length > 0, 120, 'a bark of the crashed guest')
      note(`${id}: barked`)
      const [bark] = await barksOf(id)
      expect(bark).toMatchObject({action: 'reset', instance: id, host: compute().WD_COMPUTE_HOST})
      // it reached the cloud's bus, as oslo.messaging's own listener reads it
      await until(() => listener.received().some((n) => n.payload.instance_uuid === id), 60, 'the notification')
      expect(listener.received().find((n) => n.payload.instance_uuid === id)).toMatchObject({
        event_type: 'wd.watchdog.bark',
        payload: {instance_uuid: id, action: 'reset'},
      })
      await consoleSays(id, /Kernel panic - not syncing: sysrq triggered crash/, 30, 'the crash')
      // reset: the same domain boots again, and the guest half arms at this boot too (its unit, not cloud-init)
      await consoleSays(id, ARMED, 300, 'wd-guest: armed after the reset', 2)
      expect((await serverOf(admin, id)).status).toBe('ACTIVE')
      // the audit reads it through Nova's console API: armed, at this boot
      expect(audited(id)).toMatchObject({
        row: {
          protected: true,
          why: 'flavor',
          guest: {state: 'armed', report: {feeder: 'systemd', identity: 'i6300ESB timer', timeout: TIMEOUT}},
        },
        findings: [],
      })
    },
  )
})
