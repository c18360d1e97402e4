/**
 * What every wd command shares: --json, --debug, and one place that turns a WdError into a one-line reason and an
 * exit status (1 invalid input, 2 usage or environment). Stacks appear only with --debug.
 */
import {Command, Flags, type Interfaces} from '@oclif/core'
import {isWdError} from '../../src/errors.js'

export type WdFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof WdCommand)['baseFlags'] & T['flags']>
export type WdArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

export abstract class WdCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true
  static override baseFlags = {
    debug: Flags.boolean({
      description: 'Show stack traces of errors, and each HTTP exchange (credentials redacted, bodies never).',
      helpGroup: 'GLOBAL',
    }),
  }

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

  /** One line on stderr (oclif's warn() wraps and decorates; scripts read these). Silent with --json. */
  protected warning(message: string): void {
    this.logToStderr(`warning: ${message}`)
  }

  /** Marks the run as "findings": output stays as printed, the exit status becomes 1. */
  protected findings(): void {
    process.exitCode = 1
  }

  protected override async catch(err: Error & {exitCode?: number}): Promise<unknown> {
    const debug = this.argv.includes('--debug')
    if (!isWdError(err)) {
      if (debug && err.stack) this.logToStderr(err.stack)
      return super.catch(err)
    }
    process.exitCode = err.exit
    if (this.jsonEnabled()) {
      this.logJson({error: err.toJSON()})
      return
    }
    this.logToStderr(`wd: ${err.reason}`)
    if (err.hint) this.logToStderr(`hint: ${err.hint}`)
    if (debug && err.stack) this.logToStderr(err.stack)
    return undefined
  }
}
