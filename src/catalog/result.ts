/** What checking catalog files found, per file, and its counts: the one input of every report format. */
import type {CatalogFinding} from './check.js'

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
