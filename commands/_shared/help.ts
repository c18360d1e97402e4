/** oclif's help, except that a subject wd does not have gets the nearest one, as a mistyped command does. */
import {Help} from '@oclif/core'
import {notFound} from './not-found.js'

export default class WdHelp extends Help {
  override async showHelp(argv: string[]): Promise<void> {
    const subject = argv.filter((a) => !a.startsWith('-'))
    const id = subject.join(':')
    if (subject.length > 0 && !this.config.findCommand(id) && !this.config.findTopic(id)) {
      notFound(this.config, subject, 'command or topic')
    }
    return super.showHelp(argv)
  }
}
