/** Where a recorded bark goes besides the journal: a Prometheus textfile, and a webhook (retried). */
import {writeFileAtomically} from '../fs/replace-file.js'
import type {HttpClient} from '../openstack/http.js'
import type {Bark} from './bark.js'
import {Backoff, sleep} from '../backoff.js'

const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')

/**
 * node_exporter's textfile collector format: wd_watchdog_barks_total{vm,action} ({host,vm,action} for a fleet), kept as counts (not as the barks)
 * and written atomically (the collector reads the file at any moment). Writes never overlap: a burst of barks while
 * one write is under way is coalesced into one more write with the newest counts.
 */
export class Textfile {
  private readonly counts = new Map<string, number>()
  private readonly loops = new Map<string, number>()
  private writing: Promise<void> | undefined
  private again = false

  /** `byHost`: labelled by host too (a fleet's journal, where VM names repeat across hosts) */
  constructor(
    private readonly path: string,
    private readonly byHost = false,
  ) {}

  /** One bark more; `loopBegun`: with it the VM entered a reset loop (wd_watchdog_bark_loops_total{vm}). */
  count(bark: Bark, loopBegun = false): void {
    const host = this.byHost ? `host="${esc(bark.host ?? '')}",` : ''
    const k = `${host}vm="${esc(bark.vm)}",action="${esc(bark.action)}"`
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1)
    if (!loopBegun) return
    const v = `${host}vm="${esc(bark.vm)}"`
    this.loops.set(v, (this.loops.get(v) ?? 0) + 1)
  }

  /** Resolves once a write that includes every count so far is on disk. */
  flush(): Promise<void> {
    if (this.writing) {
      this.again = true
      return this.writing
    }
    this.writing = (async () => {
      try {
        do {
          this.again = false
          await this.write()
        } while (this.again)
      } finally {
        this.writing = undefined
      }
    })()
    return this.writing
  }

  private async write(): Promise<void> {
    const body = [
      '# HELP wd_watchdog_barks_total Watchdog barks recorded by wd, by VM and action.',
      '# TYPE wd_watchdog_barks_total counter',
      ...[...this.counts].sort().map(([labels, n]) => `wd_watchdog_barks_total{${labels}} ${n}`),
      '# HELP wd_watchdog_bark_loops_total Reset loops (N barks of one VM within a window) wd saw begin, by VM.',
      '# TYPE wd_watchdog_bark_loops_total counter',
      ...[...this.loops].sort().map(([labels, n]) => `wd_watchdog_bark_loops_total{${labels}} ${n}`),
      '',
    ].join('\n')
    await writeFileAtomically(this.path, Buffer.from(body))
  }
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
  const backoff = new Backoff(backoffMs)
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await sleep(backoff.next())
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
  }
  return last
}
