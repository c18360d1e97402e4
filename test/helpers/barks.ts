/** What the bark tests share: `wd events watch` as a child process, and waiting for the journal to fill. */
import {spawn, type ChildProcess} from 'node:child_process'
import {join} from 'node:path'
import type {Bark} from '../../src/events/bark.js'
import {readJournal} from '../../src/events/journal.js'
import {root} from './cli.js'

export function startWatcher(args: string[], journal: string): ChildProcess {
  return spawn(process.execPath, [join(root, 'bin/run.js'), 'events', 'watch', ...args, '--journal', journal], {
    env: {...process.env, NODE_OPTIONS: ''},
    stdio: 'ignore',
  })
}

export async function stopWatcher(w: ChildProcess): Promise<void> {
  const gone = new Promise((r) => w.once('exit', r))
  w.kill('SIGTERM')
  await gone
}

/** The journal once it has a record, polled until `seconds` have passed. */
export async function firstBarks(journal: string, seconds: number): Promise<Bark[]> {
  for (const end = Date.now() + seconds * 1000; Date.now() < end;) {
    const barks = readJournal(journal)
    if (barks.length) return barks
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`no bark in ${journal} after ${seconds} s`)
}
