/**
 * `wd help [COMMAND]`: wd's help class (commands/_shared/help.ts) for a command or topic, as @oclif/plugin-help's
 * command gives it. wd's own command rather than that plugin because oclif finds a plugin by reading its package in
 * node_modules at every start, and the CLI that ships is the bundle alone (scripts/bundle.mjs), with no node_modules.
 */
import {Args, Command, Flags, loadHelpClass} from '@oclif/core'

export default class Help extends Command {
  // as the plugin's command was: outside wd's own commands (the contract, the man page); `wd help X` works as ever
  static override hidden = true

  static override summary = 'Display help for wd: its commands, or one command or topic.'

  static override args = {
    command: Args.string({description: 'The command or topic to show help for.', required: false}),
  }

  static override flags = {
    'nested-commands': Flags.boolean({char: 'n', description: 'Include all nested commands in the output.'}),
  }

  // `wd help flavor set`: the subject is several words
  static override strict = false

  static override examples = [
    '<%= config.bin %> <%= command.id %> resolve',
    '<%= config.bin %> <%= command.id %> flavor set',
  ]

  public async run(): Promise<void> {
    const {argv, flags} = await this.parse(Help)
    const HelpClass = await loadHelpClass(this.config)
    await new HelpClass(this.config, {all: flags['nested-commands']}).showHelp(argv as string[])
  }
}
