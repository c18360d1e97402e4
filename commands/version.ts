import {WdCommand} from './_shared/base.js'

export default class Version extends WdCommand<typeof Version> {
  static override resultSchema = 'cli-results#/$defs/version'

  static override summary = "Print wd's version, and the Node.js it runs on."

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  public async run(): Promise<{version: string; node: string; platform: string}> {
    const out = {version: this.config.version, node: process.version, platform: `${process.platform}-${process.arch}`}
    this.log(`wd ${out.version} (node ${out.node}, ${out.platform})`)
    return out
  }
}
