/**
 * `wd events list`: the recorded barks of a journal and its rotated files, oldest first, each once, filtered. The
 * journal is read as a stream: memory holds the barks that match, not the journal.
 */
import {WdError} from '../errors.js'
import type {Bark} from '../events/bark.js'
import {readRotatedJournal, type ProblemSink} from '../events/journal.js'
import {durationSeconds} from '../text/duration.js'

export interface BarkFilter {
  /** only barks from then on: a time (`2026-11-01T00:00:00Z`), or a duration back from now (`90m`, `2h`, `7d`) */
  since?: string
  /** only this VM */
  vm?: string
  /** only barks seen on this host (a fleet journal of wd events consume) */
  host?: string
  /** only barks that are part of a reset loop */
  loops?: boolean
}

/** The moment `since` names, in ms: a time, or a duration back from now. */
function sinceMs(value: string): number {
  const back = durationSeconds(value)
  if (back !== undefined) return Date.now() - back * 1000
  const t = Date.parse(value)
  if (Number.isNaN(t)) throw new WdError('WD_USAGE', `--since '${value}' is neither a time nor a duration like 2h`)
  return t
}

/** The barks that match; lines that are no bark records are said to onProblem and skipped. */
export async function listBarks(journal: string, filter: BarkFilter, onProblem: ProblemSink): Promise<Bark[]> {
  const from = filter.since === undefined ? undefined : sinceMs(filter.since)
  const {vm, host} = filter
  const barks: Bark[] = []
  // each bark once, though a copy may sit in two files around a rotation: the ids of the barks shown are kept
  const shown = new Set<string>()
  for await (const b of readRotatedJournal(journal, onProblem)) {
    if (from !== undefined && Date.parse(b.time) < from) continue
    if (vm !== undefined && b.vm !== vm) continue
    if (host !== undefined && b.host !== host) continue
    if (filter.loops && !b.loop) continue
    if (shown.has(b.id)) continue
    shown.add(b.id)
    barks.push(b)
  }
  return barks
}
