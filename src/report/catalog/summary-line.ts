/** The catalog check's one-line summary, in words. */
import type {Summary} from '../../catalog/result.js'

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

export function summaryLine(s: Summary): string {
  const problems = s.errors + s.warnings
  const unreadable = s.unreadable ? `, ${plural(s.unreadable, 'file')} unreadable` : ''
  const skipped = s.skipped ? `, ${plural(s.skipped, 'file')} skipped` : ''
  // a green check only when everything named was read and nothing was found
  if (problems === 0 && s.unreadable === 0) return `✓ ${plural(s.files, 'file')} checked, no problems${skipped}`
  if (problems === 0) return `✖ ${plural(s.files, 'file')} checked, no problems found${unreadable}${skipped}`
  return `✖ ${plural(problems, 'problem')} (${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}) in ${plural(s.files, 'file')} checked${unreadable}${skipped}`
}
