/**
 * Following QEMU's QMP WATCHDOG events on a unix socket: greeting, `qmp_capabilities`, then one JSON object a line.
 * The socket may vanish (QEMU restarted, or powered off by the watchdog itself): the follower reconnects with
 * backoff until stopped. Whatever arrives is untrusted: a line that is not JSON, too long, or a WATCHDOG event that
 * does not match schemas/qmp-watchdog-event.schema.json is reported in one line and skipped, never fatal.
 */
import net from 'node:net'
import {validator} from '../schema/validator.js'
import {clip} from '../text/clip.js'
import {barkId, type Bark} from './bark.js'
import {BoundedLines} from './lines.js'
import {isObject} from '../untrusted.js'
import {Backoff, sleep} from '../backoff.js'

export interface FollowOptions {
  vm: string
  signal: AbortSignal
  /** called in the order barks arrive; the follower does not wait for it (the caller queues) */
  onBark: (bark: Bark) => void
  onProblem?: (message: string) => void
  /** first reconnect delay; doubles up to 5 s */
  retryMs?: number
}

interface WatchdogEvent {
  event: 'WATCHDOG'
  data: {action: string}
  timestamp: {seconds: number; microseconds: number}
}

/** A WATCHDOG event as a bark; undefined (and a problem said) for one that does not match the schema. */
export function qmpBark(msg: unknown, socket: string, vm: string, problem: (m: string) => void): Bark | undefined {
  const valid = validator('qmp-watchdog-event')
  if (!valid(msg)) {
    const e = valid.errors?.[0]
    problem(
      `malformed WATCHDOG event (${e ? `${e.instancePath || '/'} ${e.message}` : 'invalid'}): ${clip(JSON.stringify(msg))}`,
    )
    return undefined
  }
  const {data, timestamp: ts} = msg as WatchdogEvent
  const time = new Date(ts.seconds * 1000 + Math.floor(ts.microseconds / 1000)).toISOString()
  const source = `qmp:${socket}`
  return {
    id: barkId(source, vm, `${ts.seconds}.${ts.microseconds}`, data.action),
    time,
    vm,
    action: data.action,
    source,
  }
}

/** One QMP session; resolves when the socket closes, with whether QEMU greeted. */
function session(socket: string, o: FollowOptions): Promise<boolean> {
  return new Promise((done) => {
    const conn = net.createConnection(socket)
    let greeted = false
    const stop = () => conn.destroy()
    const problem = (m: string) => o.onProblem?.(`qmp ${socket}: ${m}`)
    o.signal.addEventListener('abort', stop, {once: true})
    const lines = new BoundedLines({
      overlong: (n, max) => problem(`line ${n} is longer than ${max} bytes; dropped`),
      line: (raw) => {
        const line = raw.trim()
        if (line === '') return
        let msg: unknown
        try {
          msg = JSON.parse(line)
        } catch {
          problem(`not JSON: ${clip(line)}`)
          return
        }
        if (!isObject(msg)) {
          problem(`not a QMP message: ${clip(line)}`)
          return
        }
        if (!greeted && msg.QMP !== undefined) {
          greeted = true
          conn.write('{"execute":"qmp_capabilities"}\n')
        } else if (msg.event === 'WATCHDOG') {
          const bark = qmpBark(msg, socket, o.vm, problem)
          if (bark) o.onBark(bark)
        }
      },
    })
    conn.on('data', (chunk: Buffer) => lines.push(chunk))
    conn.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT' && e.code !== 'ECONNREFUSED') problem(e.message)
    })
    conn.on('close', () => {
      o.signal.removeEventListener('abort', stop)
      done(greeted)
    })
  })
}

export async function followQmp(socket: string, o: FollowOptions): Promise<void> {
  // compiled now, not at the first bark: compiling takes tens of milliseconds, and that bark is the one that matters
  validator('qmp-watchdog-event')
  const backoff = new Backoff(o.retryMs ?? 200, 5000)
  while (!o.signal.aborted) {
    const connected = await session(socket, o)
    if (o.signal.aborted) return
    if (connected) backoff.reset()
    await sleep(backoff.next(), o.signal)
  }
}
