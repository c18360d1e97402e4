/**
 * Shell completion worked out by wd itself (`wd __complete WORDS…`), so it knows what a static script cannot:
 * flags after positional arguments, and the values of flags and arguments (actions, formats, schema names). The
 * shell scripts of `wd completion` only ask; a value that is a path is answered with `:file`, for the shell's own.
 */
import type {Command, Interfaces} from '@oclif/core'

/** The values a flag of any command takes, where the flag does not list them as oclif options. */
export type Completions = Record<string, readonly string[]>

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
    const values = flag.options ?? loaded.completions?.[name]
    return values ? values.filter((v) => v.startsWith(current)) : [':file']
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
  const values = arg?.options ?? loaded.completions?.[arg?.name ?? '']
  return values ? values.filter((v) => v.startsWith(current)) : [':file']
}
