/**
 * oclif's help, except that a subject wd does not have gets the nearest one, as a mistyped command does; and that
 * only the text that holds a template goes through ejs.
 */
import {CommandHelp, Help, type Command, type Interfaces} from '@oclif/core'
import {notFound} from './not-found.js'

/**
 * `render` (oclif's: ejs.render of the text), given back only for text with a template tag. oclif renders every
 * string of a help page with ejs, which compiles each one into a function: `wd resolve --help` rendered ~170
 * strings, ~15 ms of its start. Text with neither `<%` nor `%>` is ejs's output unchanged (every ejs tag, escapes
 * `<%%` and `%%>` included, holds one of the two: a lone `%>` is a closing tag, which ejs drops).
 */
export function templatesOnly(render: (input: string) => string): (input: string) => string {
  return (input) => (input.includes('<%') || input.includes('%>') ? render(input) : input)
}

class WdCommandHelp extends CommandHelp {
  constructor(command: Command.Loadable, config: Interfaces.Config, opts: Interfaces.HelpOptions) {
    super(command, config, opts)
    this.render = templatesOnly(this.render)
  }
}

export default class WdHelp extends Help {
  protected override CommandHelpClass = WdCommandHelp

  constructor(config: Interfaces.Config, opts?: Partial<Interfaces.HelpOptions>) {
    super(config, opts)
    this.render = templatesOnly(this.render)
  }

  override async showHelp(argv: string[]): Promise<void> {
    const subject = argv.filter((a) => !a.startsWith('-'))
    const id = subject.join(':')
    if (subject.length > 0 && !this.config.findCommand(id) && !this.config.findTopic(id)) {
      notFound(this.config, subject, 'command or topic')
    }
    return super.showHelp(argv)
  }
}
