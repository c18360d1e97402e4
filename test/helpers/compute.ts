/**
 * The compute half of the test cloud (test/env/openstack/compute.sh): region RegionTwo of the same Keystone, a Nova
 * whose instances boot (nova-conductor, nova-scheduler, nova-compute with the libvirt driver on QEMU/TCG against the
 * rig's libvirtd) and Nova's metadata API. Instances boot the tiny guest of test/env/guest (its kernel and initramfs
 * as Glance aki/ari images, the kernel command line as the image's os_command_line). WD_SKIP_COMPUTE=1 opts out.
 */
import {createHmac} from 'node:crypto'
import {execFileSync, spawn} from 'node:child_process'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {loadCloudConfig} from '../../src/openstack/cloud-config.js'
import {connect, json, type Connection} from '../../src/openstack/connection.js'
import {readStateEnv, stateDir} from '../env/openstack/state.mjs'
import {root} from './cli.js'
import {cloud, osEnv, unique, type Account} from './openstack.js'
import {until} from './barks.js'
import {owned} from './gates.js'

export function compute(): Record<string, string> {
  try {
    return readStateEnv('compute.env')
  } catch {
    throw new Error(
      'the compute half of the test cloud is not there: bash test/env/openstack/compute.sh start (up.sh starts it ' +
        'unless WD_OS_API_ONLY=1), or set WD_SKIP_COMPUTE=1',
    )
  }
}

/** OS_* variables for one of the test accounts, in the compute half's region. */
export function computeEnv(account: Account): Record<string, string> {
  return {...osEnv(account), OS_REGION_NAME: compute().WD_COMPUTE_REGION!}
}

export function connectCompute(account: Account): Connection {
  return connect(loadCloudConfig({}, {env: computeEnv(account), cwd: '/nonexistent'}))
}

const guest = join(root, '.work/guest')
const virshArgs = ['-q', '-c', 'qemu:///system']
export const virsh = (...args: string[]) =>
  execFileSync('virsh', [...virshArgs, ...args], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']}).trim()

let made = 0
/** A name of its own for each object, also for those made in the same millisecond. */
export const named = (what: string) => `${unique(what)}-${++made}`

async function upload(conn: Connection, props: Record<string, string>, bytes: Buffer): Promise<string> {
  const res = await conn.call('image', 'POST', '/images', {body: {visibility: 'private', ...props}})
  const id = json<{id: string}>(res).id
  // bytes, which wd's client (JSON and text only) does not send
  const res2 = await fetch(`${cloud().WD_GLANCE_URL}/v2/images/${id}/file`, {
    method: 'PUT',
    body: bytes,
    headers: {'X-Auth-Token': (await conn.token()).value, 'Content-Type': 'application/octet-stream'},
  })
  if (res2.status !== 204) throw new Error(`glance: HTTP ${res2.status} on the upload of ${id}: ${await res2.text()}`)
  return id
}

export interface GuestKernel {
  kernel: string
  ramdisk: string
}

/** The guest's kernel and initramfs as Glance images of `owner` (Nova's aki/ari, as UEC images carry them). */
export async function guestKernel(owner: Connection): Promise<GuestKernel> {
  if (!existsSync(join(guest, 'vmlinuz')))
    throw new Error('the test guest is missing: run bash test/env/guest/build-guest.sh, or set WD_SKIP_COMPUTE=1')
  const kernel = await upload(
    owner,
    {name: named('kernel'), disk_format: 'aki', container_format: 'aki'},
    readFileSync(join(guest, 'vmlinuz')),
  )
  const ramdisk = await upload(
    owner,
    {name: named('ramdisk'), disk_format: 'ari', container_format: 'ari'},
    readFileSync(join(guest, 'initramfs.cpio.gz')),
  )
  return {kernel, ramdisk}
}

/**
 * A bootable image of the guest: an empty 1 MiB disk, the kernel and initramfs, and `cmdline` for the guest's init
 * (test/env/guest/build-guest.sh: wdt_arm=none idles; wdt_arm=ioctl arms the watchdog and then stops feeding it).
 */
export async function guestImage(owner: Connection, k: GuestKernel, cmdline: string): Promise<string> {
  return upload(
    owner,
    {
      name: named('guest'),
      disk_format: 'raw',
      container_format: 'bare',
      kernel_id: k.kernel,
      ramdisk_id: k.ramdisk,
      os_command_line: `console=ttyS0 panic=0 ${cmdline}`,
    },
    Buffer.alloc(1024 * 1024),
  )
}

/** The guest idles: its watchdog is never armed. */
export const IDLE = 'wdt_arm=none'
/** The guest arms i6300esb (2 s) and stops feeding it after 1 s: a bark soon after boot. */
export const BARKS = 'wdt=i6300esb wdt_arm=ioctl wdt_timeout=2 wdt_hold=1'

/** A flavor small enough for the guest. */
export async function guestFlavor(admin: Connection, name: string): Promise<string> {
  const res = await admin.call('compute', 'POST', '/flavors', {body: {flavor: {name, ram: 128, vcpus: 1, disk: 1}}})
  return json<{flavor: {id: string}}>(res).flavor.id
}

/**
 * Boots a server without a network; with `userData`, a config drive carries it (and Nova's metadata), with
 * `metadata` the server's own properties.
 */
export async function boot(
  owner: Connection,
  name: string,
  imageRef: string,
  flavorRef: string,
  userData?: string,
  metadata?: Record<string, string>,
): Promise<string> {
  const withDrive = userData !== undefined && {config_drive: true, user_data: Buffer.from(userData).toString('base64')}
  const res = await owner.call('compute', 'POST', '/servers', {
    body: {server: {name, imageRef, flavorRef, networks: 'none', ...withDrive, ...(metadata && {metadata})}},
    headers: {'OpenStack-API-Version': 'compute 2.37'},
  })
  return json<{server: {id: string}}>(res).server.id
}

const debianGuests = join(root, '.work/guests')

/**
 * A real Debian 12 guest of test/env/guest/build-debian-guests.sh as Glance images of `owner`: `std` (the standard
 * kernel, which has the i6300esb driver) or `cloud` (Debian's cloud kernel, which has none); its root file system a
 * qcow2 disk (root=/dev/vda), its kernel and initrd as Nova's aki/ari images. Returns the bootable image's id and the
 * ids of all three (to remove them).
 */
export async function debianGuest(owner: Connection, kind: 'std' | 'cloud'): Promise<{image: string; all: string[]}> {
  const dir = join(debianGuests, kind)
  if (!existsSync(join(dir, 'disk.qcow2')))
    throw new Error(
      `the ${kind} Debian guest is missing: run bash test/env/guest/build-debian-guests.sh, or set WD_SKIP_COMPUTE=1`,
    )
  const kernel = await upload(
    owner,
    {name: named(`${kind}-kernel`), disk_format: 'aki', container_format: 'aki'},
    readFileSync(join(dir, 'vmlinuz')),
  )
  const ramdisk = await upload(
    owner,
    {name: named(`${kind}-initrd`), disk_format: 'ari', container_format: 'ari'},
    readFileSync(join(dir, 'initrd.img')),
  )
  const image = await upload(
    owner,
    {
      name: named(`debian-12-${kind}`),
      disk_format: 'qcow2',
      container_format: 'bare',
      kernel_id: kernel,
      ramdisk_id: ramdisk,
      // panic=0: a crashed kernel stays hung, so only the watchdog brings the guest back
      os_command_line: 'root=/dev/vda console=ttyS0 panic=0',
    },
    readFileSync(join(dir, 'disk.qcow2')),
  )
  return {image, all: [image, kernel, ramdisk]}
}

export type Server = Record<string, unknown> & {
  id: string
  status: string
  fault?: {message: string}
  'OS-EXT-SRV-ATTR:instance_name'?: string
  'OS-EXT-STS:task_state'?: string | null
  'OS-EXT-STS:power_state'?: number
  'OS-EXT-STS:vm_state'?: string
}

export async function serverOf(conn: Connection, id: string): Promise<Server> {
  const res = await conn.call('compute', 'GET', `/servers/${id}`, {headers: {'OpenStack-API-Version': 'compute 2.47'}})
  return json<{server: Server}>(res).server
}

/**
 * Why nova-compute gave up building an instance, in its own words: the API shows only the scheduler's last word
 * ("Exceeded maximum number of retries"), the reason is in nova-compute's log. Undefined when the log has none.
 */
export function buildFailure(id: string): string | undefined {
  const log = join(stateDir, 'log', 'nova-compute.log')
  if (!existsSync(log)) return undefined
  const said = `Build of instance ${id} was re-scheduled: `
  const line = readFileSync(log, 'utf8')
    .split('\n')
    .findLast((l) => l.includes(said))
  // the line ends with the function and file that logged it
  return line?.slice(line.indexOf(said) + said.length).replace(/ _do_build_and_run_instance \S+$/, '')
}

/** Polls the server until `done` holds (or it is in ERROR when `done` does not expect that). */
export async function settle(
  conn: Connection,
  id: string,
  done: (s: Server) => boolean,
  seconds = 120,
  what = 'the server to settle',
): Promise<Server> {
  let s: Server | undefined
  try {
    await until(
      async () => {
        s = await serverOf(conn, id)
        if (s.status === 'ERROR' && !done(s)) {
          const why = buildFailure(id)
          throw new Error(`server ${id} went to ERROR: ${s.fault?.message}${why ? `; nova-compute: ${why}` : ''}`)
        }
        return done(s)
      },
      seconds,
      `${what} (${id})`,
    )
  } catch (e) {
    // the state it was last seen in says where it stopped
    throw new Error(`${(e as Error).message}; last seen ${s?.status}/${String(s?.['OS-EXT-STS:task_state'])}`)
  }
  return s!
}

export const active = (s: Server) => s.status === 'ACTIVE' && !s['OS-EXT-STS:task_state']

export async function removeServer(conn: Connection, id: string): Promise<void> {
  await conn.call('compute', 'DELETE', `/servers/${id}`, {accept: [404]})
  await until(
    async () => (await conn.call('compute', 'GET', `/servers/${id}`, {accept: [404]})).status === 404,
    60,
    `server ${id} gone`,
  )
}

/** The `<watchdog>` of a domain as libvirt holds it, reduced to wd's rendering; null when it has none. */
export function domainWatchdog(domain: string): string | null {
  const m = /<watchdog model='([^']*)' action='([^']*)'/.exec(virsh('dumpxml', domain))
  return m ? `<watchdog model='${m[1]}' action='${m[2]}'/>` : null
}

/**
 * GET on Nova's metadata API as Neutron's metadata proxy asks it: the instance and project in headers, the instance
 * signed with the shared secret (HMAC-SHA256, as nova/api/metadata/handler.py checks it).
 */
export async function metadata(path: string, instance: string, project: string): Promise<Response> {
  const secret = readFileSync(join(stateDir, 'run', 'metadata-secret'), 'utf8').trim()
  return fetch(`${compute().WD_COMPUTE_METADATA_URL}${path}`, {
    headers: {
      'X-Instance-ID': instance,
      'X-Tenant-ID': project,
      'X-Instance-ID-Signature': createHmac('sha256', secret).update(instance).digest('hex'),
    },
  })
}

export interface Service {
  base: string
  /** what it logged so far */
  said: () => string
  stop: () => void
}

/**
 * `wd serve` as the compute half's vendordata target (nova.conf names it `cloud-init` at WD_COMPUTE_VENDORDATA_PORT),
 * with Nova's service account, as the README sets it up; `more` is YAML added to its configuration.
 */
export async function vendordataService(dir: string, more = ''): Promise<Service> {
  const port = compute().WD_COMPUTE_VENDORDATA_PORT!
  const config = join(dir, 'serve.yaml')
  writeFileSync(
    config,
    `listen: {host: 127.0.0.1, port: ${port}}\n` +
      `keystone: {auth_url: ${cloud().OS_AUTH_URL}, username: nova, password: service-secret, project_name: service,` +
      ` user_domain_name: Default, project_domain_name: Default, region_name: ${compute().WD_COMPUTE_REGION}}\n` +
      more,
  )
  const serve = owned(
    spawn(process.execPath, [join(root, 'bin/run.js'), 'serve', '--config', config], {
      env: {...process.env, NODE_OPTIONS: ''},
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  )
  let said = ''
  serve.stdout.on('data', (d: Buffer) => (said += String(d)))
  serve.stderr.on('data', (d: Buffer) => (said += String(d)))
  // its own word that it listens: a health check could be answered by another process on the port
  await until(
    () => {
      if (serve.exitCode !== null) throw new Error(`wd serve exited (${serve.exitCode}): ${said}`)
      return said.includes(`listening on http://127.0.0.1:${port}`)
    },
    30,
    'wd serve',
  )
  return {base: `http://127.0.0.1:${port}`, said: () => said, stop: () => serve.kill('SIGTERM')}
}
