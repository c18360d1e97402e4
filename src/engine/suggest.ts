/** "Did you mean" for near misses: case, stray whitespace, typos, and names other systems use. */
import {closest, distance} from 'fastest-levenshtein'

/** Edits a name may be off by and still count as a typo of a candidate. */
const MAX_TYPO_EDITS = 2

/** The candidate a value was most likely meant to be, or undefined when nothing is close. */
export function didYouMean(value: string, candidates: readonly string[]): string | undefined {
  const folded = value.trim().toLowerCase()
  const exact = candidates.find((c) => c.toLowerCase() === folded)
  if (exact !== undefined) return exact
  if (folded === '' || candidates.length === 0) return undefined
  const best = closest(folded, [...candidates])
  return distance(folded, best.toLowerCase()) <= MAX_TYPO_EDITS ? best : undefined
}

/** True when `key` is probably a misspelling of `target` (`hw:watchdog_actoin`, `HW_Watchdog_Action`). */
export function looksLike(key: string, target: string): boolean {
  const edits = MAX_TYPO_EDITS + 1
  // lengths further apart than the edits allowed cannot be that close: skip the distance (every key of a catalog)
  if (Math.abs(key.length - target.length) > edits) return false
  const norm = (s: string) => s.toLowerCase().replaceAll('-', '_')
  return distance(norm(key), norm(target)) <= edits
}
