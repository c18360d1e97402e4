/**
 * The journal is the outbox: barks are published to the bus from the journal, in its order, and a mark beside it
 * (`<journal>.notified`: how far the broker has confirmed) is moved only after the broker confirmed them (publisher
 * confirms). So the bus may be down for as long as it likes: the watcher goes on recording, and what it recorded
 * meanwhile is published when the bus is back, none lost. A bark is sent a second time only when the watcher stops
 * between the broker's confirm and the mark's write, or the connection breaks before a confirm arrives; it then has
 * the same message id (notification.ts), so a consumer that dedups by id (wd events consume does) keeps it once.
 * Nothing here ever holds up the watcher: it is told that the journal grew, and publishes in its own time.
 *
 * The mark names its file (device and inode), so a rotation loses nothing: the rotated file the mark is in is
 * published to its end first (it keeps its inode when moved, and stays uncompressed until the next rotation), and
 * only once the writer appends to another file (it reopened the journal) does the mark move to that file's start.
 */
import {stat, readFile} from 'node:fs/promises'
import type {ConfirmChannel, ChannelModel} from 'amqplib'
import {once} from 'node:events'
import {sleep} from '../backoff.js'
import {writeFileAtomically} from '../fs/replace-file.js'
import {isObject} from '../untrusted.js'
import {exchangeOptions, lost, onBus, queueOptions, type BusOptions} from './amqp.js'
import {journalFiles, readJournalSlice, type ProblemSink} from './journal.js'
import {barkNotification, PRIORITIES} from './notification.js'

/** Barks published between two confirms and marks: a burst goes out in few round trips. */
const BATCH = 500

interface Mark {
  /** the journal file the offset belongs to: a journal replaced by another starts from its beginning */
  dev: number
  ino: number
  offset: number
}

export interface OutboxOptions {
  journal: string
  bus: BusOptions
  /** the publisher's host, for barks whose record names none */
  host: string
  onProblem: ProblemSink
  /** the file the journal's writer appends to now (default: the one at the journal's path) */
  writing?: () => Promise<{dev: number; ino: number}>
}

export interface Outbox {
  /** the journal grew */
  kick(): void
  /** Stops, after publishing what it can within `graceMs`; what is left goes out at the next start. */
  close(graceMs?: number): Promise<{published: number}>
}

const sameFile = (a: {dev: number; ino: number}, b: {dev: number; ino: number}) => a.dev === b.dev && a.ino === b.ino

/** The path of the journal file the mark belongs to: the journal, or a rotated one not yet compressed. */
async function fileOf(mark: Mark, journal: string): Promise<string | undefined> {
  const at = async (file: string) => {
    const s = await stat(file).catch(() => undefined)
    return s !== undefined && sameFile(s, mark)
  }
  // the journal itself, but after a rotation
  if (await at(journal)) return journal
  for (const file of (await journalFiles(journal)).reverse())
    if (file !== journal && !file.endsWith('.gz') && (await at(file))) return file
  return undefined
}

async function readMark(path: string, journal: string, onProblem: ProblemSink): Promise<Mark> {
  const j = await stat(journal)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    // a first start publishes barks from now on, not the journal's whole past
    return {dev: j.dev, ino: j.ino, offset: j.size}
  }
  let m: unknown
  try {
    m = JSON.parse(text)
  } catch {
    m = undefined
  }
  const offset = isObject(m) && Number.isSafeInteger(m.offset) ? (m.offset as number) : -1
  if (isObject(m) && offset >= 0 && typeof m.dev === 'number' && typeof m.ino === 'number') {
    const mark = {dev: m.dev, ino: m.ino, offset}
    // the journal, or the rotated file it was moved to (published to its end first)
    const file = await fileOf(mark, journal)
    if (file !== undefined && offset <= (await stat(file)).size) return mark
  }
  onProblem(
    `${path}: ${offset >= 0 ? 'the journal was replaced or cut' : 'not a mark'}; publishing the journal from its start ` +
      '(consumers keep each bark once, by its id)',
  )
  return {dev: j.dev, ino: j.ino, offset: 0}
}

export async function openOutbox(o: OutboxOptions): Promise<Outbox> {
  const markPath = `${o.journal}.notified`
  const mark = await readMark(markPath, o.journal, o.onProblem)
  const writing = o.writing ?? (() => stat(o.journal))
  const saveMark = () => writeFileAtomically(markPath, Buffer.from(JSON.stringify(mark) + '\n'), 0o640)
  await saveMark()
  const stopping = new AbortController()
  let published = 0
  let current: ChannelModel | undefined
  let wake: (() => void) | undefined
  let pending = true
  const kicked = () =>
    new Promise<void>((r) => {
      if (pending || stopping.signal.aborted) return r()
      wake = r
    })

  const declare = async (ch: ConfirmChannel) => {
    await ch.assertExchange(o.bus.exchange, 'topic', exchangeOptions(o.bus))
    // as oslo's notifier: a queue per routing key, so notifications wait for a consumer that is not there yet
    for (const p of PRIORITIES) {
      const key = `${o.bus.topic}.${p}`
      await ch.assertQueue(key, queueOptions(o.bus))
      await ch.bindQueue(key, o.bus.exchange, key)
    }
  }

  /** Publishes from the mark to the journal's end, again each time it grows, until the connection breaks. */
  const pump = async (ch: ConfirmChannel, broken: Promise<never>) => {
    for (;;) {
      pending = false
      const file = await fileOf(mark, o.journal)
      const slice = file
        ? await readJournalSlice(file, mark.offset, BATCH, o.onProblem)
        : {records: [], end: mark.offset}
      if (slice.end === mark.offset) {
        // all of the mark's file is out: once the writer appends to another (a rotation), that one is next
        const now = await writing().catch(() => undefined)
        if (now && !sameFile(now, mark)) {
          if (!file) o.onProblem(`${o.journal}: the file the mark is in is gone; publishing the journal from its start`)
          Object.assign(mark, {dev: now.dev, ino: now.ino, offset: 0})
          await saveMark()
          continue
        }
        if (stopping.signal.aborted) return
        await Promise.race([kicked(), broken])
        continue
      }
      for (const {bark} of slice.records) {
        const n = barkNotification(bark, o.host, o.bus.topic)
        const room = ch.publish(o.bus.exchange, n.routingKey, n.body, {
          messageId: n.messageId,
          contentType: 'application/json',
          contentEncoding: 'utf-8',
          persistent: true,
        })
        if (!room) await Promise.race([once(ch, 'drain'), broken])
      }
      await Promise.race([ch.waitForConfirms(), broken])
      mark.offset = slice.end
      await saveMark()
      published += slice.records.length
      pending = true
    }
  }

  const run = () =>
    onBus(
      o.bus.url,
      stopping.signal,
      o.onProblem,
      {
        down: 'barks wait in the journal and go out when it is back',
        back: 'publishing the barks that waited in the journal',
      },
      async ({conn, ready}) => {
        current = conn
        const ch = await conn.createConfirmChannel()
        const broken = lost(conn, ch)
        await Promise.race([declare(ch), broken])
        ready()
        await pump(ch, broken)
      },
    )

  // the first pass publishes what an earlier run left, without waiting for a kick
  const running = run()
  return {
    kick() {
      pending = true
      wake?.()
      wake = undefined
    },
    async close(graceMs = 5000) {
      stopping.abort()
      wake?.()
      await Promise.race([running, sleep(graceMs)])
      // past the grace the connection is let go: what was not confirmed stays behind the mark for the next start
      await current?.close().catch(() => undefined)
      await running
      return {published}
    },
  }
}
