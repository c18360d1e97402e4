/**
 * A door in front of a real service: a loopback port that refuses connections while shut (what a stopped service
 * looks like to its clients) and forwards them to the real service while open. It injects only the outage.
 */
import net from 'node:net'

export interface Door {
  /** the door's URL for the service's `url` (same path, the door's port) */
  url: string
  open(): Promise<void>
  shut(): Promise<void>
}

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
        server = net.createServer((client) => {
          const upstream = net.connect(Number(target.port || 80), target.hostname)
          conns.add(client).add(upstream)
          client.pipe(upstream).pipe(client)
          upstream.on('error', () => client.destroy())
          client.on('error', () => upstream.destroy())
        })
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

/** A proxy in front of a real service that drops the first `drops` connections without a word (what uwsgi does). */
export async function droppingProxy(serviceUrl: string, drops: number) {
  const target = new URL(serviceUrl)
  let seen = 0
  const server = net.createServer((client) => {
    if (seen++ < drops) {
      client.destroy()
      return
    }
    const upstream = net.connect(Number(target.port), target.hostname)
    client.pipe(upstream).pipe(client)
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}${target.pathname.replace(/\/$/, '')}`,
    close: () => server.close(),
    seen: () => seen,
  }
}

/**
 * A proxy in front of a real service that injects faults on a share of connections (wd opens one per request):
 * every `dropEvery`-th is closed without a word, every `failEvery`-th answered 503 without reaching the service.
 */
export async function faultyProxy(serviceUrl: string, o: {dropEvery: number; failEvery: number}) {
  const target = new URL(serviceUrl)
  let seen = 0
  let faults = 0
  const server = net.createServer((client) => {
    seen++
    client.on('error', () => undefined)
    if (seen % o.dropEvery === 0) {
      faults++
      client.destroy()
      return
    }
    if (seen % o.failEvery === 0) {
      faults++
      // answered once the request has started to arrive (an answer before it is no answer to a client)
      client.once('data', () =>
        client.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'),
      )
      return
    }
    const upstream = net.connect(Number(target.port), target.hostname)
    client.pipe(upstream).pipe(client)
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}${target.pathname.replace(/\/$/, '')}`,
    close: () => server.close(),
    faults: () => faults,
  }
}
