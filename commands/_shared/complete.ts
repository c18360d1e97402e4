/**
 * Shell completion worked out by wd itself (`wd __complete WORDS…`), so it knows what a static script cannot:
 * flags after positional arguments, and the values of flags and arguments (actions, formats, schema names). The
 * shell scripts of `wd completion` only ask; a value that is a path is answered with `:file`, for the shell's own.
 */
import type {Command, Interfaces} from '@oclif/core'
import {homedir} from 'node:os'
import {join} from 'node:path'
import type {NamedKind} from '../../src/operations/cloud-names.js'
import {connectFromFlags} from './openstack.js'

/**
 * The values a flag or argument of a command takes, where oclif does not list them as options: a list, or
 * `{cloud: kind}` for the names of the cloud's flavors or images (cached; nothing without a cloud).
 */
export type Completions = Record<string, readonly string[] | {cloud: NamedKind}>

/**
 * How long a TAB waits for the cloud's names before offering none (the next TAB finds them cached), and the most
 * each of its requests may take: a request still open would keep wd, and so the shell, waiting after the answer.
 */
const CLOUD_PATIENCE_MS = 5000
const REQUEST_SECONDS = '3'

/** The names of the cloud the words (--os-cloud) or the environment (OS_CLOUD, OS_*) name; none on any failure. */
async function namesOf(kind: NamedKind, words: readonly string[]): Promise<string[]> {
  const i = words.findIndex((w) => w === '--os-cloud' || w.startsWith('--os-cloud='))
  const cloud = i < 0 ? undefined : words[i]!.includes('=') ? words[i]!.slice(11) : words[i + 1]
  try {
    const [{loadCloudConfig}, {cloudNames}] = await Promise.all([
      import('../../src/openstack/cloud-config.js'),
      import('../../src/operations/cloud-names.js'),
    ])
    const config = loadCloudConfig({...(cloud && {cloud}), 'api-timeout': REQUEST_SECONDS})
    const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'wd')
    const connect = () => connectFromFlags({...(cloud && {'os-cloud': cloud}), 'os-api-timeout': REQUEST_SECONDS})
    const names = cloudNames(kind, config, connect, {dir})
    let timer: NodeJS.Timeout | undefined
    const patience = new Promise<string[]>((done) => (timer = setTimeout(() => done([]), CLOUD_PATIENCE_MS)))
    try {
      return await Promise.race([names, patience])
    } finally {
      clearTimeout(timer)
    }
  } catch {
    return []
  }
}

/** The candidates of a completions entry that start with what is typed. */
async function valuesOf(entry: Completions[string] | undefined, current: string, words: readonly string[]) {
  if (entry === undefined) return undefined
  const values = 'cloud' in entry ? await namesOf(entry.cloud, words) : entry
  return values.filter((v) => v.startsWith(current))
}

type Loadable = Command.Loadable & {completions?: Completions}

/** The candidates for the last word, one per line; `:file` means "complete a path". */
export async function complete(config: Interfaces.Config, given: readonly string[]): Promise<string[]> {
  // bash splits --flag=value at '=' (COMP_WORDBREAKS): the words '--flag', '=' and the value so far
  const words = given.filter((w, i) => !(w === '=' && given[i - 1]?.startsWith('-')))
  if (given.at(-1) === '=' && words.length < given.length) words.push('')
  // zsh and fish give --flag=value as one word: its value is completed, the candidates keep the flag
  const joined = /^(--[^=]+)=(.*)$/.exec(words.at(-1) ?? '')
  if (joined) {
    const values = await complete(config, [...words.slice(0, -1), joined[1]!, joined[2]!])
    return values[0] === ':file' ? values : values.map((v) => `${joined[1]}=${v}`)
  }
  const current = words.at(-1) ?? ''
  const before = words.slice(0, -1)
  // the longest run of leading words that names a command
  let id = ''
  let used = 0
  for (let n = before.length; n > 0; n--) {
    const candidate = before.slice(0, n).join(':')
    if (config.findCommand(candidate)) {
      id = candidate
      used = n
      break
    }
  }
  const prefix = before.join(':')
  if (!id) {
    // a command or topic name, one word at a time
    const depth = before.length
    const next = new Set<string>()
    for (const known of [...config.commandIDs, ...config.topics.map((t) => t.name)]) {
      const parts = known.split(':')
      if (
        parts.length > depth &&
        (depth === 0 || parts.slice(0, depth).join(':') === prefix) &&
        !parts[0]!.startsWith('_')
      ) {
        next.add(parts[depth]!)
      }
    }
    return [...next].filter((w) => w.startsWith(current)).sort()
  }
  const command = config.findCommand(id)! as Loadable
  const loaded = (await command.load()) as unknown as {completions?: Completions}
  const flags = Object.entries(command.flags)
  const rest = before.slice(used)
  const previous = rest.at(-1)
  // the value of a flag: its options, the command's own list, or a path
  const flagOf = (word: string | undefined) =>
    word?.startsWith('--')
      ? flags.find(([name]) => `--${name}` === word)
      : word?.startsWith('-') && word.length === 2
        ? flags.find(([, f]) => f.char === word[1])
        : undefined
  const pending = flagOf(previous)
  if (pending && pending[1].type === 'option') {
    const [name, flag] = pending
    if (flag.options) return flag.options.filter((v) => v.startsWith(current))
    return (await valuesOf(loaded.completions?.[name], current, given)) ?? [':file']
  }
  if (current.startsWith('-')) {
    const given = new Set(rest)
    return flags
      .filter(([name, f]) => !f.hidden && (f.type === 'option' && f.multiple ? true : !given.has(`--${name}`)))
      .map(([name]) => `--${name}`)
      .filter((n) => n.startsWith(current))
      .sort()
  }
  // a positional argument: its options, else a path
  const positionals = rest.filter((w, i) => !w.startsWith('-') && !(flagOf(rest[i - 1])?.[1].type === 'option'))
  const arg = Object.values(command.args)[positionals.length]
  if (arg?.options) return arg.options.filter((v) => v.startsWith(current))
  return (await valuesOf(loaded.completions?.[arg?.name ?? ''], current, given)) ?? [':file']
}
