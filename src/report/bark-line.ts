import type {Bark} from '../events/bark.js'
import {oneLine} from '../text/clip.js'

/** One recorded bark as the watcher and the consumer print it. */
export function barkLine(bark: Bark): string {
  const loop = bark.loop ? `; reset loop: ${bark.loop.barks} barks since ${bark.loop.since}` : ''
  const host = bark.host ? ` on ${bark.host}` : ''
  return oneLine(`bark: ${bark.time} ${bark.vm}${host} ${bark.action} (${bark.source})${loop}`)
}
