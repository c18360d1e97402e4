import {Args} from '@oclif/core'
import {complete} from './_shared/complete.js'
import {WdCommand} from './_shared/base.js'

export default class Complete extends WdCommand<typeof Complete> {
  static override hidden = true
  static override summary = 'The completions of the last word of a wd command line (what the shell scripts ask).'
  static override strict = false
  static override args = {words: Args.string({description: 'The words after wd, the last one being completed.'})}

  public async run(): Promise<string[]> {
    const out = await complete(this.config, this.rest)
    if (!this.jsonEnabled()) this.log(out.join('\n'))
    return out
  }
}
