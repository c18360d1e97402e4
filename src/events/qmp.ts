/**
 * Following QEMU's QMP WATCHDOG events on a unix socket: greeting, `qmp_capabilities`, then one JSON object a line.
 * The socket may vanish (QEMU restarted, or powered off by the watchdog itself): the follower reconnects with
 * backoff until stopped. A malformed line is reported and skipped, never fatal.
 */
import net from 'node:net'
import {barkId, type Bark} from './bark.js'

export interface FollowOptions {
  vm: string
  signal: AbortSignal
  onBark: (bark: Bark) => void | Promise<void>
  onProblem?: (message: string) => void
  /** first reconnect delay; doubles up to 5 s */
  retryMs?: number
}

interface QmpMessage {
  QMP?: unknown
  event?: string
  data?: {action?: unknown}
  timestamp?: {seconds: number; microseconds: number}
}

/** One QMP session; resolves when the socket closes. */
function session(socket: string, o: FollowOptions): Promise<boolean> {
  return new Promise((done) => {
    const conn = net.createConnection(socket)
    let greeted = false
    let buffer = ''
    const stop = () => conn.destroy()
    o.signal.addEventListener('abort', stop, {once: true})
    conn.setEncoding('utf8')
    conn.on('data', (chunk: string) => {
      buffer += chunk
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl).trim()
        buffer = buffer.slice(nl + 1)
        if (line === '') continue
        let msg: QmpMessage
        try {
          msg = JSON.parse(line) as QmpMessage
        } catch {
          o.onProblem?.(`qmp ${socket}: not JSON: ${line.slice(0, 120)}`)
          continue
        }
        if (!greeted && msg.QMP !== undefined) {
          greeted = true
          conn.write('{"execute":"qmp_capabilities"}\n')
        } else if (msg.event === 'WATCHDOG') {
          const action = typeof msg.data?.action === 'string' ? msg.data.action : undefined
          const ts = msg.timestamp
          if (!action || !ts || typeof ts.seconds !== 'number') {
            o.onProblem?.(`qmp ${socket}: malformed WATCHDOG event: ${line.slice(0, 200)}`)
            continue
          }
          const time = new Date(ts.seconds * 1000 + Math.floor((ts.microseconds ?? 0) / 1000)).toISOString()
          const source = `qmp:${socket}`
          void o.onBark({
            id: barkId(source, o.vm, `${ts.seconds}.${ts.microseconds}`, action),
            time,
            vm: o.vm,
            action,
            source,
          })
        }
      }
    })
    conn.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT' && e.code !== 'ECONNREFUSED') o.onProblem?.(`qmp ${socket}: ${e.message}`)
    })
    conn.on('close', () => {
      o.signal.removeEventListener('abort', stop)
      done(greeted)
    })
  })
}

export async function followQmp(socket: string, o: FollowOptions): Promise<void> {
  const first = o.retryMs ?? 200
  let delay = first
  while (!o.signal.aborted) {
    const connected = await session(socket, o)
    if (o.signal.aborted) return
    delay = connected ? first : Math.min(delay * 2, 5000)
    await new Promise((r) => setTimeout(r, delay))
  }
}
