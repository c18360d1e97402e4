/**
 * wd's help class gives oclif's help text: it only skips ejs for text that holds no template (commands/_shared/help.ts,
 * for start-up), so every page it formats is the page oclif's own Help formats.
 */
import {describe, expect, it} from '@jest/globals'
import {CommandHelp, Config, Help, type Command, type Interfaces} from '@oclif/core'
import WdHelp, {templatesOnly} from '../../commands/_shared/help.js'
import {root} from '../helpers/cli.js'

describe('help', () => {
  it("skips ejs only where ejs gives the text back unchanged (a lone '%>' is a tag ejs drops)", () => {
    const ejs = new CommandHelp({} as Command.Loadable, {} as Interfaces.Config, {} as Interfaces.HelpOptions).render
    const texts = [
      'plain text, 100% of it <b>',
      '50%> done',
      'a %%> b',
      '<%% not a tag',
      'x\n-%>\ny',
      '_%>y',
      '<%= "a" + "b" %>',
    ]
    for (const text of texts) expect(templatesOnly(ejs)(text)).toBe(ejs(text))
  })

  it("every page (the root, each topic, each command) is oclif's own", async () => {
    const config = await Config.load(root)
    // the formatting methods are protected: a subclass of each help class lists its pages
    const pages = (HelpClass: typeof Help) =>
      new (class extends HelpClass {
        all(): string[] {
          return [
            this.formatRoot(),
            this.formatTopics(config.topics),
            this.formatCommands(config.commands),
            ...config.topics.map((t) => this.formatTopic(t)),
            ...config.commands.map((c) => this.formatCommand(c)),
          ]
        }
      })(config).all()
    const ours = pages(WdHelp)
    expect(ours.length).toBeGreaterThan(30)
    expect(ours).toEqual(pages(Help))
  })
})
