/** What the tests need of QEMU: the arguments of a small TCG guest, and a one-shot QMP client for their own questions. */
import net from 'node:net'

/** A small guest under TCG (KVM does not boot these guests here), no devices but what a test adds. */
export const QEMU_TCG = [
  ...['-accel', 'tcg', '-machine', 'pc', '-m', '256', '-smp', '1'],
  ...['-nodefaults', '-no-user-config', '-display', 'none'],
]

/**
 * Greets, negotiates and asks one command, as any QMP client does; the answer. Rejects on a socket error, or when
 * QEMU has not answered within `timeoutMs` (a monitor busy with another client does not even greet).
 */
export function qmpCommand(socket: string, execute: string, timeoutMs = 10_000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const conn = net.createConnection(socket)
    const timer = setTimeout(() => {
      conn.destroy()
      reject(new Error(`no answer from ${socket} within ${timeoutMs} ms`))
    }, timeoutMs)
    let buffer = ''
    let step = 0
    conn.setEncoding('utf8')
    conn.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    conn.on('data', (chunk: string) => {
      buffer += chunk
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const msg = JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>
        buffer = buffer.slice(nl + 1)
        if (msg.event) continue
        if (step === 0) conn.write('{"execute":"qmp_capabilities"}\n')
        else if (step === 1) conn.write(JSON.stringify({execute}) + '\n')
        else {
          clearTimeout(timer)
          conn.end()
          resolve(msg)
        }
        step++
      }
    })
  })
}
