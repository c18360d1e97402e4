/**
 * The bark journal: JSON lines, appended and fsynced one record at a time, so a crash of the watcher loses nothing
 * it has reported. Reading skips a torn last line (a crash mid-write) and knows every id, so nothing is recorded twice.
 */
import {existsSync, readFileSync} from 'node:fs'
import {open, type FileHandle} from 'node:fs/promises'
import type {Bark} from './bark.js'

export function readJournal(path: string): Bark[] {
  return parseJournal(existsSync(path) ? readFileSync(path, 'utf8') : '')
}

function parseJournal(text: string): Bark[] {
  const out: Bark[] = []
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    try {
      out.push(JSON.parse(line) as Bark)
    } catch {
      // a torn line from a crash mid-write: the record was not reported, so nothing is lost by skipping it
    }
  }
  return out
}

export interface Journal {
  /** false when the bark was already recorded */
  append(bark: Bark): Promise<boolean>
  close(): Promise<void>
}

export async function openJournal(path: string): Promise<Journal> {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : ''
  const seen = new Set(parseJournal(text).map((b) => b.id))
  const handle: FileHandle = await open(path, 'a', 0o640)
  // a torn last line (a crash mid-write) is ended first, or the next record would be glued to it and lost
  if (text !== '' && !text.endsWith('\n')) await handle.write('\n')
  // writes are serialized: two barks at once must not interleave their lines
  let queue = Promise.resolve(true)
  return {
    append(bark) {
      queue = queue.then(async () => {
        if (seen.has(bark.id)) return false
        seen.add(bark.id)
        await handle.write(JSON.stringify(bark) + '\n')
        await handle.sync()
        return true
      })
      return queue
    },
    close: () => handle.close(),
  }
}
