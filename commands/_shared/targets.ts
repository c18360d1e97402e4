/**
 * Commands that act on several flavors or images at once (`wd flavor set a b --action reset`), as the openstack CLI's
 * delete commands do: each target is done in turn, a failed one is reported in its own `wd:` line and the rest still
 * done; the exit status is the worst of the failures. One target that fails is simply that command's error.
 */
import {isWdError, type WdError} from '../../src/errors.js'
import {printRecords} from './openstack.js'

type Row = Record<string, unknown>

export async function forEachTarget<T>(
  targets: readonly string[],
  say: (line: string) => void,
  act: (ref: string) => Promise<T>,
): Promise<T[]> {
  const done: T[] = []
  let worst: WdError | undefined
  for (const ref of targets) {
    try {
      done.push(await act(ref))
    } catch (e) {
      if (!isWdError(e) || targets.length === 1) throw e
      say(`wd: ${ref}: ${e.reason}`)
      if (!worst || e.exit > worst.exit) worst = e
    }
  }
  if (worst) {
    if (done.length === 0) throw worst
    process.exitCode = worst.exit
  }
  return done
}

/** Each target done in turn, the records printed in the chosen -f/-c; one record for one target, else the list. */
export async function recordsFor(
  targets: readonly string[],
  out: {say: (line: string) => void; log: (text: string) => void; flags: {format: string; column?: string[]}},
  act: (ref: string) => Promise<Row>,
): Promise<Row | Row[]> {
  const records = await forEachTarget(targets, out.say, act)
  await printRecords(out.log, records, out.flags)
  return records.length === 1 ? records[0]! : records
}
