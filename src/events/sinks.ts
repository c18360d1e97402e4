/** Where a recorded bark goes besides the journal: a Prometheus textfile, and a webhook (retried). */
import {rename, writeFile} from 'node:fs/promises'
import type {HttpClient} from '../openstack/http.js'
import type {Bark} from './bark.js'

const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')

/** node_exporter's textfile collector format, written atomically (it reads the file at any moment). */
export async function writeTextfile(path: string, barks: readonly Bark[]): Promise<void> {
  const counts = new Map<string, number>()
  for (const b of barks) {
    const k = `vm="${esc(b.vm)}",action="${esc(b.action)}"`
    counts.set(k, (counts.get(k) ?? 0) + 1)
  }
  const body = [
    '# HELP wd_watchdog_barks_total Watchdog barks recorded by wd, by VM and action.',
    '# TYPE wd_watchdog_barks_total counter',
    ...[...counts].sort().map(([labels, n]) => `wd_watchdog_barks_total{${labels}} ${n}`),
    '',
  ].join('\n')
  const temp = `${path}.${process.pid}.tmp`
  await writeFile(temp, body)
  await rename(temp, path)
}

/** POSTs the bark as JSON; retried with backoff on failure. Resolves to the last error, or undefined. */
export async function postWebhook(
  http: HttpClient,
  url: string,
  bark: Bark,
  attempts = 4,
  backoffMs = 500,
): Promise<string | undefined> {
  let last: string | undefined
  for (let i = 0; i < attempts; i++) {
    try {
      const res = await http.send({
        method: 'POST',
        url,
        body: bark,
        headers: {'Content-Type': 'application/json'},
        service: 'webhook',
      })
      if (res.status < 300) return undefined
      last = `HTTP ${res.status}`
    } catch (e) {
      last = (e as Error).message
    }
    await new Promise((r) => setTimeout(r, backoffMs * 2 ** i))
  }
  return last
}
