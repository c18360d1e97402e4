/**
 * Where a bark goes once seen, for both `wd events watch` (one host's hypervisor) and `wd events consume` (the
 * fleet's barks off the bus): into the journal first (once, by id), then marked when it is part of a reset loop,
 * counted in the textfile, and handed to syslog and a webhook. Barks are handled one at a time in arrival order, so
 * a burst is recorded whole; syslog and the webhook have queues of their own, so neither holds up the journal.
 */
import {createHash} from 'node:crypto'
import type {HttpClient} from '../openstack/http.js'
import {clip} from '../text/clip.js'
import type {Bark} from './bark.js'
import {openJournal, type ProblemSink} from './journal.js'
import {LoopDetector, type LoopRule} from './loops.js'
import {postWebhook, Textfile} from './sinks.js'
import {sendSyslog} from './syslog.js'

export interface RecorderOptions {
  journal: string
  textfile?: string
  /** label the textfile's series by host as well: the journal holds a fleet's barks */
  fleet?: boolean
  /** a URL and the client that POSTs to it */
  webhook?: {url: string; http: HttpClient}
  /** a syslog socket */
  syslog?: string
  loopRule: LoopRule
  onProblem: ProblemSink
  /** a bark that went into the journal (not one it already held) */
  onRecorded?: (bark: Bark) => void
}

export interface Recorder {
  /** Resolves once the bark went into the journal, was there already, or could not be written (said); never rejects. */
  record(bark: Bark): Promise<'recorded' | 'known' | 'failed'>
  /** Reopens the journal (after a rotation moved it away); barks keep their order around it. */
  reopen(): Promise<void>
  /** the journal file written now */
  journalFile(): Promise<{dev: number; ino: number}>
  /** Waits for every bark and every sink, writes the textfile a last time and closes the journal. */
  close(): Promise<void>
}

/** A queue of one sink: deliveries in order, a failure said (the bark is in the journal either way). */
function queued(what: string, deliver: (bark: Bark) => Promise<string | undefined>, onProblem: ProblemSink) {
  let tail = Promise.resolve()
  return {
    push: (bark: Bark) => {
      tail = tail.then(async () => {
        const failed = await deliver(bark)
        if (failed) onProblem(`${what}: ${failed} (the bark is in the journal)`)
      })
    },
    drained: () => tail,
  }
}

/**
 * What a bark says, in a few bytes: on the bus anyone may send a message under a real bark's id, so a second message
 * with a known id is compared with what was recorded under it, not dropped unseen.
 */
const content = (b: Bark): string =>
  createHash('sha256')
    .update(JSON.stringify([b.host ?? '', b.vm, b.action, b.time, b.source, b.instance ?? '']))
    .digest('base64')
    .slice(0, 16)

export async function openRecorder(o: RecorderOptions): Promise<Recorder> {
  const textfile = o.textfile ? new Textfile(o.textfile, o.fleet) : undefined
  const loops = new LoopDetector(o.loopRule)
  // a fleet's journal is fed by the bus: what each id holds, to tell a copy from a forgery (see `content`)
  const held = o.fleet ? new Map<string, string>() : undefined
  // the journal's barks, in order, give the counts and the loops their past
  const journal = await openJournal(o.journal, o.onProblem, (b) => {
    held?.set(b.id, content(b))
    textfile?.count(b, loops.observe(b)?.entered)
  })
  if (textfile) await textfile.flush()
  const {syslog, webhook} = o
  const sinks = [
    ...(syslog ? [queued(`syslog ${syslog}`, (b) => sendSyslog(b, syslog), o.onProblem)] : []),
    ...(webhook ? [queued('webhook', (b) => postWebhook(webhook.http, webhook.url, b), o.onProblem)] : []),
  ]
  const handle = async (seen: Bark) => {
    if (journal.has(seen.id)) {
      const kept = held?.get(seen.id)
      if (kept !== undefined && kept !== content(seen)) {
        o.onProblem(
          `bark ${clip(seen.id)} from ${clip(seen.host ?? '?')}: not recorded: the journal holds a different bark under ` +
            'this id (a copy would be the same); one of the two was forged, or a watcher misbehaves',
        )
      }
      return 'known' as const
    }
    const verdict = loops.observe(seen)
    const bark = verdict ? {...seen, loop: verdict.loop} : seen
    if (!(await journal.append(bark))) return 'known' as const
    held?.set(bark.id, content(bark))
    o.onRecorded?.(bark)
    if (textfile) {
      textfile.count(bark, verdict?.entered)
      // coalesced: a burst does not wait for one write per bark
      textfile.flush().catch((e: Error) => o.onProblem(`textfile ${o.textfile}: ${e.message}`))
    }
    for (const sink of sinks) sink.push(bark)
    return 'recorded' as const
  }
  let queue: Promise<unknown> = Promise.resolve()
  return {
    record(bark) {
      const done = queue.then(() =>
        handle(bark).catch((e: Error) => {
          o.onProblem(`bark ${bark.id} not recorded: ${e.message}`)
          return 'failed' as const
        }),
      )
      queue = done
      return done
    },
    reopen() {
      const done = queue.then(() => journal.reopen())
      queue = done.catch(() => undefined)
      return done
    },
    journalFile: () => journal.file(),
    async close() {
      await queue
      await Promise.all(sinks.map((s) => s.drained()))
      if (textfile) await textfile.flush()
      await journal.close()
    },
  }
}
