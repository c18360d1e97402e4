/** What the bark tests share: `wd events watch` as a child process, and waiting for the journal to fill. */
import {spawn, type ChildProcess} from 'node:child_process'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import type {Bark} from '../../src/events/bark.js'
import {readJournal} from '../../src/events/journal.js'
import {root} from './cli.js'

export type Watcher = ChildProcess & {said: () => string}

/** `wd events watch` writing to `journal`; `said()` is what it has warned about so far. */
export function startWatcher(args: string[], journal: string): Watcher {
  const child = spawn(process.execPath, [join(root, 'bin/run.js'), 'events', 'watch', ...args, '--journal', journal], {
    env: {...process.env, NODE_OPTIONS: ''},
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let said = ''
  child.stderr.on('data', (d: Buffer) => (said += String(d)))
  return Object.assign(child, {said: () => said})
}

/** Polls until `what()` is true, or fails after `seconds`. */
export async function until(
  what: () => boolean | Promise<boolean>,
  seconds: number,
  waitingFor: string,
): Promise<void> {
  for (const end = Date.now() + seconds * 1000; !(await what()); await new Promise((r) => setTimeout(r, 100))) {
    if (Date.now() > end) throw new Error(`no ${waitingFor} after ${seconds} s`)
  }
}

export async function stopWatcher(w: ChildProcess): Promise<void> {
  // one that has ended already (a test that failed with it) is not waited for
  if (w.exitCode !== null || w.signalCode !== null) return
  const gone = new Promise((r) => w.once('exit', r))
  w.kill('SIGTERM')
  await gone
}

/** Every record of a journal (none while it does not exist yet). */
export async function journalOf(journal: string): Promise<Bark[]> {
  const out: Bark[] = []
  if (!existsSync(journal)) return out
  for await (const b of readJournal(journal)) out.push(b)
  return out
}

/** The journal once it has a record, polled until `seconds` have passed. */
export async function firstBarks(journal: string, seconds: number): Promise<Bark[]> {
  let barks: Bark[] = []
  await until(async () => (barks = await journalOf(journal)).length > 0, seconds, `bark in ${journal}`)
  return barks
}
