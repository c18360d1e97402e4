/** JSON: every file with its findings (source text left out), and the counts. */
import {summarize, type FileResult, type Summary} from '../../catalog/result.js'

export interface JsonReport {
  files: {file: string; findings: FileResult['findings']; unreadable?: string; skipped?: string}[]
  summary: Summary
}

export function jsonReport(results: readonly FileResult[]): JsonReport {
  return {
    files: results.map((r) => ({
      file: r.file,
      findings: r.findings,
      ...(r.unreadable && {unreadable: r.unreadable}),
      ...(r.skipped && {skipped: r.skipped}),
    })),
    summary: summarize(results),
  }
}
