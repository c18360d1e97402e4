/** Human text: findings grouped per file, each with its source line and a caret under the place. */
import {CLIP} from '../../text/clip.js'
import {lineStarts, lineText} from '../../text/line-starts.js'
import {summarize, type FileResult} from '../../catalog/result.js'
import {summaryLine} from './summary-line.js'

/**
 * At most CLIP characters of a source line, around the place (a minified JSON catalog is one line of megabytes),
 * with the caret's column and width inside what is shown.
 */
function sourceWindow(src: string, col: number, width: number): {text: string; col: number; width: number} {
  if (src.length <= CLIP) return {text: src, col, width}
  const start = Math.max(0, Math.min(col - 1 - 20, src.length - CLIP))
  const text = (start > 0 ? '…' : '') + src.slice(start + (start > 0 ? 1 : 0), start + CLIP - 1) + '…'
  const at = col - start
  return {text, col: at, width: Math.max(1, Math.min(width, CLIP - at))}
}

export function textReport(results: readonly FileResult[]): string {
  const out: string[] = []
  for (const r of results) {
    if (r.unreadable) {
      out.push(`${r.file}`, `  cannot read: ${r.unreadable}`, '')
      continue
    }
    if (r.skipped) {
      out.push(`${r.file}`, `  skipped: ${r.skipped}`, '')
      continue
    }
    if (r.findings.length === 0) continue
    out.push(r.file)
    // Line offsets are found once per file, not once per finding: a big catalog may have many.
    const text = r.text
    const starts = text === undefined ? undefined : lineStarts(text)
    for (const f of r.findings) {
      const {line, col, endLine, endCol} = f.position
      out.push(`  ${line}:${col}  ${f.severity.padEnd(7)}  ${f.message}  ${f.rule}`)
      const src = text === undefined ? undefined : lineText(text, starts!, line)?.replace(/\r$/, '')
      if (src !== undefined) {
        const width = endLine === line && endCol !== undefined && endCol > col ? endCol - col : 1
        const gutter = String(line).length
        const shown = sourceWindow(src, col, width)
        out.push(
          `    ${line} | ${shown.text}`,
          `    ${' '.repeat(gutter)} | ${' '.repeat(shown.col - 1)}${'^'.repeat(shown.width)}`,
        )
      }
      if (f.fix) out.push(`    fix: ${f.fix}`)
    }
    out.push('')
  }
  out.push(summaryLine(summarize(results)))
  return out.join('\n')
}
