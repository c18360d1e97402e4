/**
 * What `wd` says to a command or help subject it does not have: the nearest one it does have, in one line and a
 * hint, exit 2 (oclif's command_not_found hook, and the help class for `wd help NAME`).
 */
import type {Hook, Interfaces} from '@oclif/core'
import {didYouMean} from '../../src/engine/suggest.js'

/** The longest leading words of `words` that are nearly a command or topic, and that command or topic. */
function nearest(config: Interfaces.Config, words: string[]): {typed: string; meant: string} | undefined {
  const known = [...config.commandIDs, ...config.topics.map((t) => t.name)].map((id) => id.replaceAll(':', ' '))
  for (let n = Math.min(words.length, 3); n > 0; n--) {
    const typed = words.slice(0, n).join(' ')
    const meant = didYouMean(typed, known)
    if (meant) return {typed, meant}
  }
  return undefined
}

export function notFound(config: Interfaces.Config, words: string[], what = 'command'): never {
  const typed = words.filter((w) => !w.startsWith('-'))
  const near = nearest(config, typed)
  const name = near?.typed ?? typed.slice(0, 2).join(' ')
  process.stderr.write(
    `wd: '${name}' is not a wd ${what}${near ? `; did you mean '${near.meant}'?` : ''}\n` +
      `hint: see: ${config.bin} --help\n`,
  )
  process.exit(2)
}

const hook: Hook<'command_not_found'> = async function (options) {
  notFound(options.config, [...options.id.split(':'), ...(options.argv ?? [])])
}

export default hook
