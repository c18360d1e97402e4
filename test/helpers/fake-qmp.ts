/**
 * A QMP server that says what a test tells it to: the faults a real QEMU cannot be made to produce on demand
 * (malformed events, huge lines, bursts of thousands of barks). It greets, waits for qmp_capabilities, then writes.
 */
import net from 'node:net'

export interface FakeQmp {
  close(): Promise<void>
}

export function fakeQmp(socket: string, send: (conn: net.Socket) => void): Promise<FakeQmp> {
  return new Promise((ready) => {
    const conns = new Set<net.Socket>()
    const server = net.createServer((c) => {
      conns.add(c)
      // the follower may hang up first: a reset is the expected end of a session
      c.on('error', () => undefined)
      c.on('close', () => conns.delete(c))
      c.write('{"QMP": {"version": {}, "capabilities": []}}\n')
      c.once('data', () => {
        c.write('{"return": {}}\n')
        send(c)
      })
    })
    server.listen(socket, () =>
      ready({
        close: () =>
          new Promise((done) => {
            for (const c of conns) c.destroy()
            server.close(() => done())
          }),
      }),
    )
  })
}

/** A WATCHDOG event line as QEMU writes it. */
export const watchdogLine = (seconds: number, action = 'reset', microseconds = 0) =>
  JSON.stringify({event: 'WATCHDOG', data: {action}, timestamp: {seconds, microseconds}}) + '\n'
