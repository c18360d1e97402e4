/**
 * What every wd command shares: --json, --debug, and one place that turns a WdError into a one-line reason and an
 * exit status (1 invalid input, 2 usage or environment). Stacks appear only with --debug.
 */
import {Command, Errors, Flags, type Interfaces} from '@oclif/core'
import {WdError, isWdError} from '../../src/errors.js'
import {oneLine} from '../../src/text/clip.js'
import type {Completions} from './complete.js'

export type WdFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof WdCommand)['baseFlags'] & T['flags']>
export type WdArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

/**
 * An oclif parse error's text in one line: its decoration (colours, "See more help", the multiple-values note, the
 * "following errors occurred" header, the argument table) dropped, the rest joined.
 */
function usageLine(message: string): string {
  // eslint-disable-next-line no-control-regex -- ANSI colour codes
  const plain = message.replace(/\u001b\[[0-9;]*m/g, '')
  const lines = plain
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^(See more help|Note:|Alternatively,|The following errors? occurred)/.test(l))
  const missing = /^Missing (\d+) required args?:?$/.exec(lines[0] ?? '')
  if (missing)
    return `missing argument${missing[1] === '1' ? '' : 's'}: ${lines
      .slice(1)
      .map((l) => l.split(/\s{2,}/)[0]!.toUpperCase())
      .join(', ')}`
  return lines
    .join('; ')
    .replace(/^Nonexistent flags?: /, 'unknown flag: ')
    .replace(/^Unexpected arguments?: /, 'unexpected argument: ')
    .replace(/Missing required flag (\S+)/g, 'missing required flag --$1')
    .replace(/^Exactly one of the following must be provided: (--\S+), (.+)$/, 'missing required flag $1 (or $2)')
    .replace(/^(--\S+) cannot also be provided when using (--\S+); .*$/, '$2 and $1 cannot be given together')
}

export abstract class WdCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true
  static override baseFlags = {
    debug: Flags.boolean({
      description: 'Show stack traces of errors, and each HTTP exchange (credentials redacted, bodies never).',
      helpGroup: 'GLOBAL',
    }),
  }

  /** values of flags that do not list them as oclif options, for `wd __complete` */
  static completions?: Completions

  /**
   * The schema (schemas/NAME.schema.json) of what run() returns, which --json prints; a list of several targets is
   * an array of it. The command snapshot records it, and the tests check every --json output against it.
   */
  static resultSchema?: string

  protected flags!: WdFlags<T>
  protected args!: WdArgs<T>
  /** every positional argument, for commands that take any number (static strict = false) */
  protected rest!: string[]

  public override async init(): Promise<void> {
    await super.init()
    const {args, argv, flags} = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof WdCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    })
    this.flags = flags as WdFlags<T>
    this.args = args as WdArgs<T>
    this.rest = argv as string[]
  }

  /**
   * One line on stderr (oclif's warn() wraps and decorates; scripts read these), with --json too: stdout holds the
   * JSON alone, and a watcher's or consumer's problems must reach its log however its result is printed.
   */
  protected warning(message: string): void {
    process.stderr.write(`warning: ${oneLine(message)}\n`)
  }

  /** Where the flavor and image commands print: stderr lines, stdout text, and the -f/-c flags. */
  protected output(): {say: (l: string) => void; log: (t: string) => void; flags: {format: string; column?: string[]}} {
    const flags = this.flags as {format?: string; column?: string[]}
    return {
      say: (l) => this.logToStderr(l),
      log: (t) => this.log(t),
      flags: {format: flags.format ?? 'table', ...(flags.column && {column: flags.column})},
    }
  }

  /** Marks the run as "findings": output stays as printed, the exit status becomes 1. */
  /** A document that ends with its own newline (an exposition format), printed with exactly one. */
  protected document(text: string): void {
    this.log(text.replace(/\n$/, ''))
  }

  protected findings(): void {
    process.exitCode = 1
  }

  /** oclif's own errors as wd's: a usage error in one line with a pointer to the help, anything else internal. */
  private asWdError(err: Error): WdError | undefined {
    if (isWdError(err)) return err
    if (err instanceof Errors.ExitError) return undefined
    const help = `see: ${this.config.bin} ${(this.id ?? '').replaceAll(':', ' ')} --help`.replace(/ +/g, ' ')
    if ('parse' in err || (err instanceof Errors.CLIError && err.oclif.exit === 2)) {
      return new WdError('WD_USAGE', usageLine(err.message), {hint: help})
    }
    return new WdError('WD_INTERNAL', `internal error: ${err.message.split('\n')[0]}`, {
      hint: 'run it again with --debug and report what it prints',
      cause: err,
    })
  }

  protected override async catch(thrown: Error & {exitCode?: number}): Promise<unknown> {
    const debug = this.argv.includes('--debug')
    const err = this.asWdError(thrown)
    if (!err) return super.catch(thrown)
    // the arguments were parsed, and refused: oclif need not warn that parsing was forgotten
    this.parsed = true
    if (err !== thrown && debug && thrown.stack) this.logToStderr(thrown.stack)
    process.exitCode = err.exit
    if (this.jsonEnabled()) {
      this.logJson({error: err.toJSON()})
      return
    }
    // a reason quotes names and servers' words: one line each, whatever they hold
    this.logToStderr(`wd: ${oneLine(err.reason)}`)
    if (err.hint) this.logToStderr(`hint: ${oneLine(err.hint)}`)
    if (debug && err.stack) this.logToStderr(err.stack)
    return undefined
  }
}
