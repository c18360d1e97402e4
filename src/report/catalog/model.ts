/** What `wd catalog validate` found, per file: the one input of every report format. */
import type {CatalogFinding} from '../../catalog/check.js'

export interface FileResult {
  file: string
  findings: CatalogFinding[]
  /** the file's text, for source lines under findings */
  text?: string
  /** why the file could not be read; such a file has no findings */
  unreadable?: string
  /** why the file was not checked (it is no catalog); such a file has no findings */
  skipped?: string
  /** findings past the cap, counted but not listed (one catalog/more-findings finding stands for them) */
  omitted?: {errors: number; warnings: number}
}

export interface Summary {
  files: number
  errors: number
  warnings: number
  unreadable: number
  skipped: number
}

export function summarize(results: readonly FileResult[]): Summary {
  let errors = 0
  let warnings = 0
  for (const r of results) {
    for (const f of r.findings) {
      if (f.rule === 'catalog/more-findings') continue
      if (f.severity === 'error') errors++
      else warnings++
    }
    errors += r.omitted?.errors ?? 0
    warnings += r.omitted?.warnings ?? 0
  }
  const unreadable = results.filter((r) => r.unreadable).length
  const skipped = results.filter((r) => r.skipped).length
  return {files: results.length - unreadable - skipped, errors, warnings, unreadable, skipped}
}

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
