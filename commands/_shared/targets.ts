/**
 * The flavor and image commands over the targets of src/operations: the positional names, the flags they share,
 * and the one loop they all run. Several targets at once (`wd flavor set a b --action reset`) work as the openstack
 * CLI's delete commands do: each target in turn, a failed one reported in its own `wd:` line and the rest still
 * done; the exit status is the worst of the failures. One target that fails is simply that command's error.
 */
import {Args, Flags} from '@oclif/core'
import {isWdError, type WdError} from '../../src/errors.js'
import {
  changeWatchdog,
  showWatchdog,
  type Target,
  type WatchdogChange,
  type WatchdogState,
} from '../../src/operations/target.js'
import {dryRunCaption, dryRunLine} from '../../src/report/watchdog.js'
import type {Row} from '../../src/report/records.js'
import {NOVA_SETTINGS} from '../../src/vocab/nova.js'
import {printRecord, printRecords} from './openstack.js'

export type CloudKind = 'flavor' | 'image'

/** The positional names (or ids) of a flavor or image command; `many` for set and unset. */
export function namesArg<K extends CloudKind>(kind: K, many: boolean) {
  const arg = Args.string({
    description: `${kind === 'flavor' ? 'Flavor' : 'Image'} ${many ? 'names or ids' : 'name or id'}.`,
    required: true,
  })
  return {[kind]: arg} as {[P in K]: typeof arg}
}

export const actionFlag = {
  action: Flags.string({description: `Watchdog action: ${NOVA_SETTINGS.join(', ')}.`, required: true}),
}

export const migrateLegacyFlag = {
  'migrate-legacy': Flags.boolean({description: "Also remove the blueprint's 'watchdog' property."}),
}

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

export interface Output {
  say: (line: string) => void
  log: (text: string) => void
  flags: {format: string; column?: string[]}
}

export interface ChangeOptions {
  dryRun: boolean
  /** the record each state after is printed as */
  record: (s: WatchdogState) => Row
  /** told of each change as it is made, for what a command says beside it */
  note?: (c: WatchdogChange) => void
}

/** Sets (or, for null, removes) the watchdog of each named target; the typed changes (one for one target). */
export async function changeEach<T, V>(
  refs: readonly string[],
  out: Output,
  target: Target<T, V>,
  value: V | null,
  o: ChangeOptions,
): Promise<WatchdogChange | WatchdogChange[]> {
  const changes = await forEachTarget(refs, out.say, async (ref) => {
    const {change} = await changeWatchdog(target, ref, value, {dryRun: o.dryRun})
    if (o.dryRun) out.say(dryRunLine(change))
    o.note?.(change)
    return change
  })
  // a table is what people read: it says when it shows what would be (machine formats keep their shape)
  if (o.dryRun && out.flags.format === 'table' && changes.length > 0) out.log(dryRunCaption(changes.length))
  await printRecords(
    out.log,
    changes.map((c) => o.record(c.after)),
    out.flags,
  )
  return changes.length === 1 ? changes[0]! : changes
}

/** `show`: one target's state, printed as a record. */
export async function showOne<T, V>(
  target: Target<T, V>,
  ref: string,
  out: Output,
  record: (s: WatchdogState) => Row,
): Promise<WatchdogState> {
  const state = await showWatchdog(target, ref)
  await printRecord(out.log, record(state), out.flags)
  return state
}
