/**
 * Runs the built `wd` as a user would: a child process, its stdout, stderr and exit status. Every run with --json is
 * checked against the result schema the command declares (its `resultSchema`, read from oclif.manifest.json), or
 * against the error envelope when it failed: a --json output anywhere in the suite that breaks its published
 * schema fails the test that produced it.
 */
import {spawn, spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {validator, type SchemaName} from '../../src/schema/validator.js'

export const root = fileURLToPath(new URL('../..', import.meta.url))

export interface Run {
  status: number | null
  stdout: string
  stderr: string
}

interface ManifestCommand {
  id: string
  resultSchema?: string
}

let manifest: Map<string, ManifestCommand> | undefined
function commands(): Map<string, ManifestCommand> {
  manifest ??= new Map(
    Object.values(
      (JSON.parse(readFileSync(`${root}oclif.manifest.json`, 'utf8')) as {commands: Record<string, ManifestCommand>})
        .commands,
    ).map((c) => [c.id, c]),
  )
  return manifest
}

/** The command `args` run: the longest run of leading words that names one. */
function commandOf(args: readonly string[]): ManifestCommand | undefined {
  const words: string[] = []
  for (const a of args) {
    if (a.startsWith('-')) break
    words.push(a)
  }
  for (let n = words.length; n > 0; n--) {
    const hit = commands().get(words.slice(0, n).join(':'))
    if (hit) return hit
  }
  return undefined
}

/** Checks a --json output against the command's result schema (each item of an array), or the error envelope. */
function checkJsonOutput(args: readonly string[], r: Run): void {
  if (r.stdout.trim() === '') return
  const data = JSON.parse(r.stdout) as unknown
  const failed = r.status !== 0 && typeof data === 'object' && data !== null && 'error' in data
  const declared = commandOf(args)?.resultSchema
  if (!failed && !declared) throw new Error(`wd ${args.join(' ')}: the command declares no resultSchema`)
  const [name, fragment = ''] = failed ? ['cli-results', '/$defs/error'] : declared!.split('#')
  const validate = validator(name as SchemaName, fragment)
  for (const item of Array.isArray(data) && !failed && name !== 'cli-results' ? data : [data]) {
    if (!validate(item)) {
      throw new Error(
        `wd ${args.join(' ')} --json does not match ${name}${fragment && `#${fragment}`}: ${JSON.stringify(validate.errors?.slice(0, 3))}`,
      )
    }
  }
}

/** Runs `wd`; `env` replaces every OS_* variable of the test process (so a developer's own cloud never leaks in). */
export function wd(args: string[], input?: string, env?: Record<string, string>, cwd = root): Run {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !env || !k.startsWith('OS_')))
  const r = spawnSync(process.execPath, [`${root}bin/run.js`, ...args], {
    cwd,
    encoding: 'utf8',
    input,
    maxBuffer: 512 * 1024 * 1024,
    env: {...base, ...env, NODE_OPTIONS: ''},
  })
  const run = {status: r.status, stdout: r.stdout, stderr: r.stderr}
  if (args.includes('--json')) checkJsonOutput(args, run)
  return run
}

/**
 * Runs `wd` without blocking this process: for tests whose own servers (a fault-injecting proxy) must keep
 * answering while wd runs. --json output is checked as `wd()` checks it.
 */
export function wdAsync(args: string[], env?: Record<string, string>): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !env || !k.startsWith('OS_')))
  const child = spawn(process.execPath, [`${root}bin/run.js`, ...args], {
    cwd: root,
    env: {...base, ...env, NODE_OPTIONS: ''},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += String(d)))
  child.stderr.on('data', (d: Buffer) => (stderr += String(d)))
  return new Promise((done) =>
    child.once('close', (status) => {
      const run = {status, stdout, stderr}
      if (args.includes('--json')) checkJsonOutput(args, run)
      done(run)
    }),
  )
}

/** Runs `wd … --json`, expects `status`, and gives the parsed (and schema-checked) result. */
export function wdJson<T = Record<string, unknown>>(
  args: string[],
  options: {status?: number; input?: string; env?: Record<string, string>} = {},
): T & {stderr: string} {
  const r = wd([...args, '--json'], options.input, options.env)
  const want = options.status ?? 0
  if (r.status !== want) {
    throw new Error(
      `wd ${args.join(' ')} --json exited ${r.status}, not ${want}: ${r.stderr}${r.stdout.slice(0, 2000)}`,
    )
  }
  const data = JSON.parse(r.stdout) as T
  // stderr beside the data, for the warnings a test checks (not enumerable: toEqual on the data ignores it)
  return Object.defineProperty(data as object, 'stderr', {value: r.stderr, enumerable: false}) as T & {stderr: string}
}

export const fixture = (name: string) => `${root}test/fixtures/${name}`
