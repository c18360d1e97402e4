/**
 * Following libvirt's watchdog domain events of every domain through `virsh event --event watchdog --loop --timestamp` (Debian
 * ships no maintained Node binding for libvirt). When virsh exits (libvirtd went away) it is started again with
 * backoff. The domain's UUID is recorded too (for a Nova instance it is the instance's uuid), and for a Nova instance
 * what its `<nova:instance>` metadata says: name, project, user, flavor, image.
 */
import {execFile, spawn} from 'node:child_process'
import {MAX_DUMPXML_BYTES} from '../limits.js'
import {clip} from '../text/clip.js'
import {QEMU_ACTIONS} from '../vocab/qemu.js'
import {barkId, type Bark} from './bark.js'
import {domainFacts, type DomainFacts} from '../parse/nova-metadata.js'
import {BoundedLines} from './lines.js'
import type {FollowOptions} from './qmp.js'
import {Backoff, sleep} from '../backoff.js'

const LINE = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)([+-]\d\d)(\d\d): event 'watchdog' for domain '(.+)': (\S+)$/

/**
 * A virsh event line as a bark (without the uuid), or undefined for any other line, or for one whose time is no time
 * or whose action is none of libvirt's watchdog event actions (VIR_DOMAIN_EVENT_WATCHDOG_*, which are QEMU's names).
 */
export function parseVirshEvent(line: string, uri: string): Omit<Bark, 'instance'> | undefined {
  const m = LINE.exec(line.trim())
  if (!m) return undefined
  const [, day, clock, tzh, tzm, vm, action] = m
  const t = new Date(`${day}T${clock}${tzh}:${tzm}`)
  if (Number.isNaN(t.getTime()) || !(QEMU_ACTIONS as readonly string[]).includes(action!)) return undefined
  const time = t.toISOString()
  const source = `libvirt:${uri}`
  return {id: barkId(source, vm!, time, action!), time, vm: vm!, action: action!, source}
}

function facts(uri: string, vm: string): Promise<DomainFacts> {
  return new Promise((done) =>
    execFile(
      'virsh',
      ['-q', '-c', uri, 'dumpxml', '--', vm],
      {timeout: 5000, maxBuffer: MAX_DUMPXML_BYTES},
      (err, out) => done(err ? {} : domainFacts(out)),
    ),
  )
}

export async function followLibvirt(uri: string, o: Omit<FollowOptions, 'vm'>): Promise<void> {
  const backoff = new Backoff(o.retryMs ?? 500, 10000)
  while (!o.signal.aborted) {
    const started = Date.now()
    const child = spawn('virsh', ['-q', '-c', uri, 'event', '--event', 'watchdog', '--loop', '--timestamp'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    // virsh missing or not runnable: said like any other end of virsh, and tried again
    child.on('error', (e) => (said = e.message))
    const stop = () => child.kill('SIGTERM')
    o.signal.addEventListener('abort', stop, {once: true})
    // barks keep their order while each waits for its domain's uuid
    let order = Promise.resolve()
    const lines = new BoundedLines({
      overlong: (_n, max) => o.onProblem?.(`libvirt ${uri}: a line of virsh longer than ${max} bytes; dropped`),
      line: (line) => {
        const bark = parseVirshEvent(line, uri)
        if (!bark) {
          if (line.trim() !== '') o.onProblem?.(`libvirt ${uri}: unexpected line: ${clip(line)}`)
          return
        }
        const known = facts(uri, bark.vm)
        order = order.then(async () => {
          const {uuid, nova} = await known
          o.onBark({...bark, ...(uuid && {instance: uuid}), ...(nova && {nova})})
        })
      },
    })
    child.stdout.on('data', (chunk: Buffer) => lines.push(chunk))
    let said = ''
    child.stderr.on('data', (d) => (said = clip(said + String(d), 1000)))
    const code = await new Promise<number | null>((r) => child.once('close', r))
    o.signal.removeEventListener('abort', stop)
    if (o.signal.aborted) return
    o.onProblem?.(`libvirt ${uri}: virsh event ended (${code}): ${said.trim().split('\n')[0] ?? ''}; retrying`)
    // virsh that ran a while was connected: libvirtd just went away, so look for its return quickly again
    if (Date.now() - started > 10000) backoff.reset()
    await sleep(backoff.next(), o.signal)
  }
}
