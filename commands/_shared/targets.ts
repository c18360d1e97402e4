/**
 * The flavor and image commands over the targets of src/operations: the positional names, the flags they share,
 * and the one loop they all run. Several targets at once (`wd flavor set a b --action reset`) work as the openstack
 * CLI's delete commands do: each target in turn, a failed one reported in its own `wd:` line and the rest still
 * done; the exit status is the worst of the failures. One target that fails is simply that command's error.
 */
import {Args, Flags} from '@oclif/core'
import {assertSetting} from '../../src/engine/nova-checks.js'
import {isWdError, WdError} from '../../src/errors.js'
import {
  changeWatchdog,
  showTarget,
  type Target,
  type WatchdogChange,
  type WatchdogState,
} from '../../src/operations/target.js'
import {dryRunCaption, dryRunLine} from '../../src/report/watchdog.js'
import type {Row} from '../../src/report/records.js'
import {FLAVOR_KEY, IMAGE_KEY, NOVA_SETTINGS} from '../../src/vocab/nova.js'
import type {Completions} from './complete.js'
import {printRecord, printRecords} from './output.js'

export type CloudKind = 'flavor' | 'image'

/** The positional names (or ids) of a flavor or image command; `many` for set and unset. */
export function namesArg<K extends CloudKind>(kind: K, many: boolean) {
  const arg = Args.string({
    description: `${kind === 'flavor' ? 'Flavor' : 'Image'} ${many ? 'names or ids' : 'name or id'}.`,
    required: true,
  })
  return {[kind]: arg} as {[P in K]: typeof arg}
}

/** Where a flavor or image is named: the cloud's names (cached), never a file name. */
export const cloudNamesOf = (kind: CloudKind): Completions => ({[kind]: {cloud: kind}})

const KEY: Record<CloudKind, string> = {flavor: FLAVOR_KEY, image: IMAGE_KEY}

/** `--action`, or the openstack CLI's `--property KEY=VALUE` for the one key wd writes (what its users type first). */
export function settingFlags(kind: CloudKind) {
  return {
    action: Flags.string({
      description: `Watchdog action: ${NOVA_SETTINGS.join(', ')}.`,
      exactlyOne: ['action', 'property'],
    }),
    property: Flags.string({
      description: `As the openstack CLI's: ${KEY[kind]}=ACTION, the one key wd sets (the same as --action ACTION).`,
      helpValue: 'KEY=VALUE',
      exactlyOne: ['action', 'property'],
    }),
  }
}

/** `unset --property KEY`, as the openstack CLI's: only the key wd removes is taken. */
export function unsetPropertyFlag(kind: CloudKind) {
  return {
    property: Flags.string({
      description: `As the openstack CLI's: ${KEY[kind]}, the one key wd removes (the same as leaving it out).`,
      helpValue: 'KEY',
    }),
  }
}

/** What a --property names that is not the key wd writes: the usage error, with where to write it instead. */
function notTheKey(kind: CloudKind, key: string, value?: string): WdError {
  const right = KEY[kind]
  const other = KEY[kind === 'flavor' ? 'image' : 'flavor']
  const meant = value === undefined ? right : `${right}=${value}`
  const hint =
    key === other
      ? `on ${kind === 'flavor' ? 'a flavor' : 'an image'} the key is ${right}: --property ${meant}${value === undefined ? '' : ` (or --action ${value})`}`
      : `use openstack ${kind} ${value === undefined ? 'unset' : 'set'} --property ${value === undefined ? key : `${key}=${value}`}`
  return new WdError(
    'WD_USAGE',
    `wd ${value === undefined ? 'removes' : 'sets'} only ${right} on ${kind === 'flavor' ? 'a flavor' : 'an image'}, not '${key}'`,
    {hint},
  )
}

/** The setting a set command was given, checked as Nova would; a refused one's hint is in the form it was given. */
export function settingOf(kind: CloudKind, flags: {action?: string; property?: string}): string {
  if (flags.property === undefined) return assertSetting(kind, flags.action!, (v) => `--action ${v}`)
  const [key = '', value] = splitPair(flags.property)
  if (value === undefined) throw new WdError('WD_USAGE', `--property '${flags.property}' is not KEY=VALUE`)
  if (key !== KEY[kind]) throw notTheKey(kind, key, value)
  return assertSetting(kind, value, (v) => `--property ${key}=${v}`)
}

/** Checks an unset command's --property names the key wd removes. */
export function checkUnsetProperty(kind: CloudKind, key: string | undefined): void {
  if (key !== undefined && key !== KEY[kind]) throw notTheKey(kind, key)
}

const splitPair = (pair: string): [string, string?] => {
  const eq = pair.indexOf('=')
  return eq < 0 ? [pair] : [pair.slice(0, eq), pair.slice(eq + 1)]
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

/** How a command changes and prints many targets (the library's own options are ChangeOptions in operations/target.ts). */
export interface PrintedChanges<T> {
  dryRun: boolean
  /** the record each target after is printed as, from its state and itself */
  record: (s: WatchdogState, after: T) => Row
  /** told of each change as it is made, for what a command says beside it */
  note?: (c: WatchdogChange) => void
}

/** Sets (or, for null, removes) the watchdog of each named target; the typed changes (one for one target). */
export async function changeEach<T, V>(
  refs: readonly string[],
  out: Output,
  target: Target<T, V>,
  value: V | null,
  o: PrintedChanges<T>,
): Promise<WatchdogChange | WatchdogChange[]> {
  const done = await forEachTarget(refs, out.say, async (ref) => {
    const {change, after} = await changeWatchdog(target, ref, value, {dryRun: o.dryRun})
    if (o.dryRun) out.say(dryRunLine(change))
    o.note?.(change)
    return {change, record: o.record(change.after, after)}
  })
  const changes = done.map((d) => d.change)
  // a table is what people read: it says when it shows what would be (machine formats keep their shape)
  if (o.dryRun && out.flags.format === 'table' && changes.length > 0) out.log(dryRunCaption(changes.length))
  await printRecords(
    out.log,
    done.map((d) => d.record),
    out.flags,
  )
  return changes.length === 1 ? changes[0]! : changes
}

/** `show`: one target's state, printed as a record. */
export async function showOne<T, V>(
  target: Target<T, V>,
  ref: string,
  out: Output,
  record: (s: WatchdogState, current: T) => Row,
): Promise<WatchdogState> {
  const {state, current} = await showTarget(target, ref)
  await printRecord(out.log, record(state, current), out.flags)
  return state
}
