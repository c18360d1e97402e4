/**
 * The bark journal: JSON lines, appended and fsynced one record at a time, so a crash of the watcher loses nothing
 * it has reported. It is read as a stream, never whole (it only grows): a line that is torn (a crash mid-write), too
 * long, not JSON or not a record (schemas/bark.schema.json) is skipped, with a warning for all but a torn last line.
 */
import {createReadStream} from 'node:fs'
import {open, stat, type FileHandle} from 'node:fs/promises'
import {WdError} from '../errors.js'
import {validator} from '../schema/validator.js'
import {clip} from '../text/clip.js'
import type {Bark} from './bark.js'
import {BoundedLines} from './lines.js'
import {JOURNAL_READ_CHUNK} from '../limits.js'

export type ProblemSink = (message: string) => void

/** A line of the journal as a record, or why it is none ('' for a blank line). */
function parseRecord(text: string): Bark | string {
  if (text.trim() === '') return ''
  let record: unknown
  try {
    record = JSON.parse(text)
  } catch {
    return `not JSON, skipped: ${clip(text)}`
  }
  return validator('bark')(record) ? (record as Bark) : `not a bark record, skipped: ${clip(text)}`
}

/** Every record of the journal, in order; a missing journal is WD_NOT_FOUND. */
export async function* readJournal(path: string, onProblem: ProblemSink = () => undefined): AsyncGenerator<Bark> {
  const ready: Bark[] = []
  const take = (text: string, n: number, last: boolean) => {
    const r = parseRecord(text)
    if (typeof r !== 'string') ready.push(r)
    // a torn last line is a crash mid-write: that record was never reported, so nothing is lost by skipping it
    else if (r !== '' && !(last && r.startsWith('not JSON'))) onProblem(`${path}:${n}: ${r}`)
  }
  const lines = new BoundedLines({
    line: (text, n) => take(text, n, false),
    overlong: (n, max) => onProblem(`${path}:${n}: a line longer than ${max} bytes, skipped`),
  })
  let stream
  try {
    await stat(path)
    stream = createReadStream(path, {highWaterMark: JOURNAL_READ_CHUNK})
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new WdError('WD_NOT_FOUND', `${path}: no such journal`, {
        hint: "give the --journal that 'wd events watch' writes",
      })
    }
    throw new WdError('WD_FILE_UNREADABLE', `${path}: ${(e as Error).message}`)
  }
  for await (const chunk of stream) {
    lines.push(chunk as Buffer)
    yield* ready.splice(0)
  }
  const rest = lines.end()
  if (rest !== undefined) take(rest, lines.line, true)
  yield* ready.splice(0)
}

export interface Journal {
  /** false when the bark was already recorded */
  append(bark: Bark): Promise<boolean>
  /** whether a bark with this id is recorded */
  has(id: string): boolean
  close(): Promise<void>
}

/**
 * Opens the journal for appending (creating it), after one streaming pass that learns every recorded id and hands
 * each record to `seenRecord` (the textfile's counts start from there).
 */
export async function openJournal(
  path: string,
  onProblem: ProblemSink = () => undefined,
  seenRecord: (bark: Bark) => void = () => undefined,
): Promise<Journal> {
  const seen = new Set<string>()
  let size = 0
  try {
    size = (await stat(path)).size
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new WdError('WD_FILE_UNREADABLE', `${path}: ${(e as Error).message}`)
  }
  if (size > 0) {
    for await (const b of readJournal(path, onProblem)) {
      if (seen.has(b.id)) continue
      seen.add(b.id)
      seenRecord(b)
    }
  }
  let handle: FileHandle
  try {
    handle = await open(path, 'a+', 0o640)
  } catch (e) {
    throw new WdError('WD_FILE_UNREADABLE', `${path}: ${(e as Error).message}`, {cause: e})
  }
  // a torn last line (a crash mid-write) is ended first, or the next record would be glued to it and lost
  if (size > 0) {
    const last = Buffer.alloc(1)
    await handle.read(last, 0, 1, size - 1)
    if (last[0] !== 10) await handle.write('\n')
  }
  // writes are serialized: two barks at once must not interleave their lines
  let queue = Promise.resolve(true)
  return {
    append(bark) {
      const next = queue.then(async () => {
        if (seen.has(bark.id)) return false
        await handle.write(JSON.stringify(bark) + '\n')
        await handle.sync()
        seen.add(bark.id)
        return true
      })
      // a failed write fails its own append, not every later one
      queue = next.catch(() => false)
      return next
    },
    has: (id) => seen.has(id),
    close: () => handle.close(),
  }
}

/** Records read from a byte offset on, each with the offset just past it (where the next read starts). */
export interface JournalSlice {
  records: {bark: Bark; end: number}[]
  /** past every line read: records and lines skipped (with a problem said) alike */
  end: number
}

/**
 * Up to `max` records from byte `from` on: what the outbox publishes next. Only whole lines are read (a line still
 * being written waits for its newline); a line that is no record or longer than a line may be is said and passed.
 */
export async function readJournalSlice(
  path: string,
  from: number,
  max: number,
  onProblem: ProblemSink = () => undefined,
): Promise<JournalSlice> {
  const fh = await open(path, 'r')
  try {
    const buf = Buffer.alloc(JOURNAL_READ_CHUNK)
    const records: JournalSlice['records'] = []
    let end = from
    // inside a line longer than a chunk: it is passed up to its newline
    let overlong = false
    while (records.length < max) {
      const {bytesRead} = await fh.read(buf, 0, buf.length, end)
      if (bytesRead === 0) break
      const chunk = buf.subarray(0, bytesRead)
      let start = 0
      for (let nl = chunk.indexOf(10); nl >= 0 && records.length < max; nl = chunk.indexOf(10, start)) {
        if (overlong) overlong = false
        else {
          const r = parseRecord(chunk.toString('utf8', start, nl))
          if (typeof r !== 'string') records.push({bark: r, end: end + nl + 1})
          else if (r !== '') onProblem(`${path}: byte ${end + start}: ${r}`)
        }
        start = nl + 1
      }
      if (start > 0) {
        end += start
        continue
      }
      // no newline: the last line is still being written, or one longer than a chunk is passed
      if (bytesRead < buf.length) break
      if (!overlong) onProblem(`${path}: byte ${end}: a line longer than ${buf.length} bytes, skipped`)
      overlong = true
      end += bytesRead
    }
    return {records, end}
  } finally {
    await fh.close()
  }
}
