/** Where a recorded bark goes besides the journal: a Prometheus textfile, and a webhook (retried). */
import {writeFileAtomically} from '../fs/replace-file.js'
import type {HttpClient} from '../openstack/http.js'
import type {Bark} from './bark.js'
import {exposition, labelSet, type Sample} from '../report/openmetrics.js'

/**
 * The textfile for node_exporter's collector, in the text format its parser reads (one writer, report/openmetrics.ts):
 * wd_watchdog_barks_total{vm,action} ({host,vm,action} for a fleet), kept as counts (not as the barks) and written atomically (the collector reads the file at any moment). Writes never overlap: a burst of barks while
 * one write is under way is coalesced into one more write with the newest counts.
 */
export class Textfile {
  /** counts by series: the key is the label set as written, so two spellings of one series count together */
  private readonly counts = new Map<string, Sample>()
  private readonly loops = new Map<string, Sample>()
  private writing: Promise<void> | undefined
  private again = false

  /** `byHost`: labelled by host too (a fleet's journal, where VM names repeat across hosts) */
  constructor(
    private readonly path: string,
    private readonly byHost = false,
  ) {}

  /** One bark more; `loopBegun`: with it the VM entered a reset loop (wd_watchdog_bark_loops_total{vm}). */
  count(bark: Bark, loopBegun = false): void {
    const host: Record<string, string> = this.byHost ? {host: bark.host ?? ''} : {}
    add(this.counts, {...host, vm: bark.vm, action: bark.action})
    if (loopBegun) add(this.loops, {...host, vm: bark.vm})
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
    const sorted = (m: Map<string, Sample>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s)
    const body = exposition(
      [
        {
          name: 'wd_watchdog_barks',
          type: 'counter',
          help: 'Watchdog barks recorded by wd, by VM and action.',
          samples: sorted(this.counts),
        },
        {
          name: 'wd_watchdog_bark_loops',
          type: 'counter',
          help: 'Reset loops (N barks of one VM within a window) wd saw begin, by VM.',
          samples: sorted(this.loops),
        },
      ],
      'text',
    )
    await writeFileAtomically(this.path, Buffer.from(body))
  }
}

/** One more in the series of `labels` (its key: the label set as written). */
function add(counts: Map<string, Sample>, labels: Record<string, string>): void {
  const key = labelSet(labels)
  const s = counts.get(key)
  if (s) s.value++
  else counts.set(key, {labels, value: 1})
}

/** POSTs the bark as JSON, retried by the HTTP client with its backoff. Resolves to the last error, or undefined. */
export async function postWebhook(
  http: HttpClient,
  url: string,
  bark: Bark,
  attempts = 4,
  backoffMs = 500,
): Promise<string | undefined> {
  try {
    const res = await http.send({
      method: 'POST',
      url,
      body: bark,
      headers: {'Content-Type': 'application/json'},
      service: 'webhook',
      retry: {attempts, backoffMs},
    })
    return res.status < 300 ? undefined : `HTTP ${res.status}`
  } catch (e) {
    return (e as Error).message
  }
}
