/**
 * A door in front of a real service: a loopback port that refuses connections while shut (what a stopped service
 * looks like to its clients) and forwards them to the real service while open. It injects only the outage.
 */
import http from 'node:http'
import net from 'node:net'

export interface Door {
  /** the door's URL for the service's `url` (same path, the door's port) */
  url: string
  open(): Promise<void>
  shut(): Promise<void>
}

/** Pipes a client's connection to the service; an error at either end closes the other. */
function forward(client: net.Socket, target: URL, conns?: Set<net.Socket>): void {
  const upstream = net.connect(Number(target.port || 80), target.hostname)
  conns?.add(client).add(upstream)
  client.pipe(upstream).pipe(client)
  upstream.on('error', () => client.destroy())
  client.on('error', () => upstream.destroy())
}

/** The proxy's URL for the service's `url`: the same path, the proxy's port. */
const proxyUrl = (serviceUrl: string, port: number) =>
  `http://127.0.0.1:${port}${new URL(serviceUrl).pathname.replace(/\/$/, '')}`

export async function door(serviceUrl: string): Promise<Door> {
  const target = new URL(serviceUrl)
  // a free port, given back at once: nothing listens on it until the door opens
  const probe = net.createServer()
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
  const port = (probe.address() as net.AddressInfo).port
  await new Promise((r) => probe.close(r))
  let server: net.Server | undefined
  const conns = new Set<net.Socket>()
  const url = new URL(serviceUrl)
  url.host = `127.0.0.1:${port}`
  return {
    url: url.href.replace(/\/$/, serviceUrl.endsWith('/') ? '/' : ''),
    open: () =>
      new Promise<void>((ready) => {
        server = net.createServer((client) => forward(client, target, conns))
        server.listen(port, '127.0.0.1', () => ready())
      }),
    shut: () =>
      new Promise<void>((done) => {
        for (const c of conns) c.destroy()
        conns.clear()
        if (server) server.close(() => done())
        else done()
      }),
  }
}

/** What a fault-injecting proxy does with a connection: pass it on, close it without a word, or answer 503 itself. */
type Verdict = 'forward' | 'drop' | 'fail'

/** A TCP proxy in front of a real service; `decide` is told each connection's number (from 1). */
async function tcpProxy(serviceUrl: string, decide: (n: number) => Verdict) {
  const target = new URL(serviceUrl)
  let seen = 0
  let faults = 0
  const server = net.createServer((client) => {
    client.on('error', () => undefined)
    const verdict = decide(++seen)
    if (verdict !== 'forward') faults++
    if (verdict === 'drop') return void client.destroy()
    if (verdict === 'fail')
      // answered once the request has started to arrive (an answer before it is no answer to a client)
      return void client.once('data', () =>
        client.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'),
      )
    forward(client, target)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: proxyUrl(serviceUrl, (server.address() as net.AddressInfo).port),
    close: () => server.close(),
    seen: () => seen,
    faults: () => faults,
  }
}

/** A proxy in front of a real service that drops the first `drops` connections without a word (what uwsgi does). */
export const droppingProxy = (serviceUrl: string, drops: number) =>
  tcpProxy(serviceUrl, (n) => (n <= drops ? 'drop' : 'forward'))

/**
 * A proxy in front of a real service that injects faults on a share of connections (wd opens one per request):
 * every `dropEvery`-th is closed without a word, every `failEvery`-th answered 503 without reaching the service.
 */
export const faultyProxy = (serviceUrl: string, o: {dropEvery: number; failEvery: number}) =>
  tcpProxy(serviceUrl, (n) => (n % o.dropEvery === 0 ? 'drop' : n % o.failEvery === 0 ? 'fail' : 'forward'))

/** An answer of the real service, as a tampering proxy sees it. */
export interface Seen {
  method: string
  /** the path and query as the client sent them */
  url: string
  status: number
  body: Buffer
}

/** What a tampering proxy answers instead (undefined: the real answer as it came). */
export interface Tampered {
  status?: number
  body: string | Buffer
  /** send the body one byte every this many ms */
  trickleMs?: number
}

/**
 * An HTTP proxy in front of a real service that rewrites chosen answers: for the faults a real Nova, Glance or
 * Keystone cannot produce on demand (a next link that loops, a malformed or huge body, a trickled one). Every request
 * reaches the real service; `tamper` sees its answer and may replace it. `requests()` counts what the client sent.
 */
export async function tamperingProxy(serviceUrl: string, tamper: (seen: Seen) => Tampered | undefined) {
  const target = new URL(serviceUrl)
  let requests = 0
  const timers = new Set<NodeJS.Timeout>()
  const server = http.createServer((req, res) => {
    requests++
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const up = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: {...req.headers, host: target.host},
        },
        (answer) => {
          const got: Buffer[] = []
          answer.on('data', (c: Buffer) => got.push(c))
          answer.on('end', () => {
            const seen = {method: req.method!, url: req.url!, status: answer.statusCode!, body: Buffer.concat(got)}
            const t = tamper(seen)
            const body = t === undefined ? seen.body : Buffer.from(t.body)
            const headers = {...answer.headers, 'content-length': String(body.length)}
            delete headers['transfer-encoding']
            res.writeHead(t?.status ?? seen.status, headers)
            if (!t?.trickleMs) return void res.end(body)
            let i = 0
            const tick = setInterval(() => {
              if (i >= body.length || res.destroyed) {
                clearInterval(tick)
                timers.delete(tick)
                return void res.end()
              }
              res.write(body.subarray(i, ++i))
            }, t.trickleMs)
            timers.add(tick)
          })
        },
      )
      up.on('error', () => res.destroy())
      up.end(Buffer.concat(chunks))
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as net.AddressInfo).port
  return {
    /** the proxy's URL for the service's `url` (the same path) */
    url: proxyUrl(serviceUrl, port),
    requests: () => requests,
    close: () =>
      new Promise<void>((done) => {
        for (const t of timers) clearInterval(t)
        server.closeAllConnections()
        server.close(() => done())
      }),
  }
}
