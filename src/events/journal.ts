/**
 * The bark journal: JSON lines, appended and fsynced one record at a time, so a crash of the watcher loses nothing
 * it has reported. It is read as a stream, never whole (it only grows): a line that is torn (a crash mid-write), too
 * long, not JSON or not a record (schemas/bark.schema.json) is skipped, with a warning for all but a torn last line.
 *
 * It is kept for years, so it is rotated (deploy/logrotate/wd): moved to NAME.1, NAME.2.gz… (or NAME-DATE), after
 * which the writer is told to reopen NAME. Readers take the rotated files as part of the journal, oldest first: the
 * ids a watcher has recorded (so none is recorded twice after a restart) and the barks `events list` shows (each
 * once: a bark written just before the writer reopened is in one file only, but a copy is harmless).
 */
import {createReadStream} from 'node:fs'
import {open, readdir, stat, type FileHandle} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'
import {createGunzip} from 'node:zlib'
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

/** Every record of one journal file, in order (a .gz file decompressed); a missing file is WD_NOT_FOUND. */
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
  let stream: NodeJS.ReadableStream
  try {
    await stat(path)
    const file = createReadStream(path, {highWaterMark: JOURNAL_READ_CHUNK})
    stream = path.endsWith('.gz') ? file.pipe(createGunzip({chunkSize: JOURNAL_READ_CHUNK})) : file
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new WdError('WD_NOT_FOUND', `${path}: no such journal`, {
        hint: "give the --journal that 'wd events watch' writes",
      })
    }
    throw new WdError('WD_FILE_UNREADABLE', `${path}: ${(e as Error).message}`)
  }
  try {
    for await (const chunk of stream) {
      lines.push(chunk as Buffer)
      yield* ready.splice(0)
    }
  } catch (e) {
    // a damaged rotated file (a gzip cut short) costs its own rest, not the other files
    onProblem(`${path}: ${(e as Error).message}; the rest of it is skipped`)
    return
  }
  const rest = lines.end()
  if (rest !== undefined) take(rest, lines.line, true)
  yield* ready.splice(0)
}

/** logrotate's names for a rotated journal: NAME.N or NAME-DATE (dateext), either gzipped. */
const rotatedName = (name: string) =>
  new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:\\.(\\d+)|-(\\d[\\d_-]*))(?:\\.gz)?$`)

/**
 * The journal's rotated files and the journal itself, oldest first: by when each was last written, then by the
 * rotation's own order (a higher NAME.N is older, an earlier date is older). The journal may be missing while
 * rotated files are there (moved away, not yet reopened).
 */
export async function journalFiles(path: string): Promise<string[]> {
  const pattern = rotatedName(basename(path))
  let names: string[]
  try {
    names = await readdir(dirname(path))
  } catch {
    return [path]
  }
  const rotated = await Promise.all(
    names
      .map((n) => ({n, m: pattern.exec(n)}))
      .filter((x) => x.m)
      .map(async ({n, m}) => {
        const file = join(dirname(path), n)
        const mtime = await stat(file).then(
          (s) => s.mtimeMs,
          () => 0,
        )
        return {file, mtime, number: m![1] === undefined ? -1 : Number(m![1]), date: m![2] ?? ''}
      }),
  )
  rotated.sort((a, b) => a.mtime - b.mtime || b.number - a.number || a.date.localeCompare(b.date))
  const current = await stat(path).then(
    () => true,
    () => false,
  )
  const files = rotated.map((r) => r.file)
  return current || files.length === 0 ? [...files, path] : files
}

/** Every record of the journal and of its rotated files, oldest file first; no journal at all is WD_NOT_FOUND. */
export async function* readRotatedJournal(
  path: string,
  onProblem: ProblemSink = () => undefined,
): AsyncGenerator<Bark> {
  for (const file of await journalFiles(path)) yield* readJournal(file, onProblem)
}

export interface Journal {
  /** false when the bark was already recorded */
  append(bark: Bark): Promise<boolean>
  /** whether a bark with this id is recorded */
  has(id: string): boolean
  /** Opens the journal's path again (made if missing): after a rotation moved the file away, new barks go there. */
  reopen(): Promise<void>
  /** the file appended to now */
  file(): Promise<{dev: number; ino: number}>
  close(): Promise<void>
}

/** The journal opened for appending (created), a torn last line (a crash mid-write) ended first. */
async function openAppend(path: string): Promise<FileHandle> {
  let handle: FileHandle
  try {
    handle = await open(path, 'a+', 0o640)
  } catch (e) {
    throw new WdError('WD_FILE_UNREADABLE', `${path}: ${(e as Error).message}`, {cause: e})
  }
  // the next record would be glued to a torn line and lost
  const {size} = await handle.stat()
  if (size > 0) {
    const last = Buffer.alloc(1)
    await handle.read(last, 0, 1, size - 1)
    if (last[0] !== 10) await handle.write('\n')
  }
  return handle
}

/**
 * Opens the journal for appending (creating it), after one streaming pass over it and its rotated files that learns
 * every recorded id and hands each record to `seenRecord` (the textfile's counts start from there).
 */
export async function openJournal(
  path: string,
  onProblem: ProblemSink = () => undefined,
  seenRecord: (bark: Bark) => void = () => undefined,
): Promise<Journal> {
  const seen = new Set<string>()
  try {
    for await (const b of readRotatedJournal(path, onProblem)) {
      if (seen.has(b.id)) continue
      seen.add(b.id)
      seenRecord(b)
    }
  } catch (e) {
    if (!(e instanceof WdError && e.code === 'WD_NOT_FOUND')) throw e
  }
  let handle = await openAppend(path)
  // writes and reopens are serialized: two barks at once must not interleave their lines
  let queue: Promise<unknown> = Promise.resolve()
  const queued = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work)
    // a failed write fails its own append, not every later one
    queue = next.catch(() => undefined)
    return next
  }
  return {
    append: (bark) =>
      queued(async () => {
        if (seen.has(bark.id)) return false
        await handle.write(JSON.stringify(bark) + '\n')
        await handle.sync()
        seen.add(bark.id)
        return true
      }),
    has: (id) => seen.has(id),
    reopen: () =>
      queued(async () => {
        // the new file first: if it cannot be opened, barks go on into the one open
        const fresh = await openAppend(path)
        const old = handle
        handle = fresh
        await old.close()
      }),
    file: async () => {
      const {dev, ino} = await handle.stat()
      return {dev, ino}
    },
    close: () => queued(() => handle.close()),
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
