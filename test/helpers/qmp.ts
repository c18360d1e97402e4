/** A one-shot QMP client for the tests' own questions to QEMU (query-status), on a second monitor socket. */
import net from 'node:net'

export function qmpCommand(socket: string, execute: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const conn = net.createConnection(socket)
    let buffer = ''
    let step = 0
    conn.setEncoding('utf8')
    conn.on('error', reject)
    conn.on('data', (chunk: string) => {
      buffer += chunk
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const msg = JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>
        buffer = buffer.slice(nl + 1)
        if (msg.event) continue
        if (step === 0) conn.write('{"execute":"qmp_capabilities"}\n')
        else if (step === 1) conn.write(JSON.stringify({execute}) + '\n')
        else {
          conn.end()
          resolve(msg)
        }
        step++
      }
    })
  })
}
