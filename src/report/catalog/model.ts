/** What `wd catalog validate` found, per file: the one input of every report format. */
import type {CatalogFinding} from '../../catalog/check.js'

export interface FileResult {
  file: string
  findings: CatalogFinding[]
  /** the file's text, for source lines under findings */
  text?: string
  /** why the file could not be read; such a file has no findings */
  unreadable?: string
}

export interface Summary {
  files: number
  errors: number
  warnings: number
  unreadable: number
}

export function summarize(results: readonly FileResult[]): Summary {
  let errors = 0
  let warnings = 0
  for (const r of results) {
    for (const f of r.findings) {
      if (f.severity === 'error') errors++
      else warnings++
    }
  }
  const unreadable = results.filter((r) => r.unreadable).length
  return {files: results.length - unreadable, errors, warnings, unreadable}
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

export function summaryLine(s: Summary): string {
  const problems = s.errors + s.warnings
  const unreadable = s.unreadable ? `, ${plural(s.unreadable, 'file')} unreadable` : ''
  if (problems === 0) return `✓ ${plural(s.files, 'file')} checked, no problems${unreadable}`
  return `✖ ${plural(problems, 'problem')} (${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}) in ${plural(s.files, 'file')} checked${unreadable}`
}
