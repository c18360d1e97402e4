/**
 * The one place a finding's fix is decided, by one rule: following a fix never changes what happens on a hang.
 *
 * - A key Nova ignores (another system's spelling, the blueprint's, a near miss) changes nothing, so removing it is
 *   the fix. Writing its value where Nova reads it would change the watchdog (switch it on, off, or to another
 *   action, over a value the flavor or the image already has): that is a decision, which the finding's message
 *   offers in words, never as the fix.
 * - Only a finding about the effective value itself (`hw:watchdog_action` on a flavor, `hw_watchdog_action` on an
 *   image) corrects it: a value Nova refuses becomes what it most likely meant, and a flavor's '' (which Nova reads
 *   as 'disabled') says so.
 *
 * As text (the `fix` of a finding, in every format): `KEY=VALUE` writes the value, `remove KEY` deletes the key.
 */
import {NOVA_SETTINGS, isNovaSetting} from '../vocab/nova.js'
import {didYouMean} from './suggest.js'

export type Fix = {write: string; value: string} | {remove: string}

export const fixText = (f: Fix): string => ('remove' in f ? `remove ${f.remove}` : `${f.write}=${f.value}`)

/**
 * The fix of a finding on `key` of a flavor's extra specs or an image's properties, where `effectiveKey` is the key
 * Nova reads there: on the effective key, a refused value's likely meaning (and '' on a flavor as 'disabled'), or
 * nothing when nothing is likely; on any other key, its removal.
 */
export function fixFor(subject: 'flavor' | 'image', effectiveKey: string, key: string, value: string): Fix | undefined {
  if (key !== effectiveKey) return {remove: key}
  if (subject === 'flavor' && value === '') return {write: key, value: 'disabled'}
  if (isNovaSetting(value)) return undefined
  const meant = didYouMean(value, NOVA_SETTINGS)
  return meant === undefined ? undefined : {write: key, value: meant}
}

/** What an ignored key's value most likely meant as a Nova setting, for the message that offers it in words. */
export const meantSetting = (value: string): string | undefined =>
  isNovaSetting(value) ? value : didYouMean(value, NOVA_SETTINGS)
