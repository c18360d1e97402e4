/** Human text: findings grouped per file, each with its source line and a caret under the place. */
import {CLIP, oneLine} from '../../text/clip.js'
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

/**
 * The shown part of a source line as a terminal may print it (oneLine: a raw ESC or C1 control in the file cannot move
 * the cursor), with the caret moved and widened by the escapes before and under it.
 */
function escapedWindow(shown: {text: string; col: number; width: number}) {
  const before = shown.text.slice(0, shown.col - 1)
  const under = shown.text.slice(shown.col - 1, shown.col - 1 + shown.width)
  return {text: oneLine(shown.text), col: oneLine(before).length + 1, width: Math.max(1, oneLine(under).length)}
}

export function textReport(results: readonly FileResult[]): string {
  const out: string[] = []
  for (const r of results) {
    if (r.unreadable) {
      out.push(oneLine(r.file), `  cannot read: ${oneLine(r.unreadable)}`, '')
      continue
    }
    if (r.skipped) {
      out.push(oneLine(r.file), `  skipped: ${oneLine(r.skipped)}`, '')
      continue
    }
    if (r.findings.length === 0) continue
    out.push(oneLine(r.file))
    // Line offsets are found once per file, not once per finding: a big catalog may have many.
    const text = r.text
    const starts = text === undefined ? undefined : lineStarts(text)
    for (const f of r.findings) {
      const {line, col, endLine, endCol} = f.position
      out.push(`  ${line}:${col}  ${f.severity.padEnd(7)}  ${oneLine(f.message)}  ${f.rule}`)
      const src = text === undefined ? undefined : lineText(text, starts!, line)?.replace(/\r$/, '')
      if (src !== undefined) {
        const width = endLine === line && endCol !== undefined && endCol > col ? endCol - col : 1
        const gutter = String(line).length
        // windowed before it is escaped: a minified catalog's one line may hold megabytes and many findings
        const shown = escapedWindow(sourceWindow(src, col, width))
        out.push(
          `    ${line} | ${shown.text}`,
          `    ${' '.repeat(gutter)} | ${' '.repeat(shown.col - 1)}${'^'.repeat(shown.width)}`,
        )
      }
      if (f.fix) out.push(`    fix: ${oneLine(f.fix)}`)
    }
    out.push('')
  }
  out.push(summaryLine(summarize(results)))
  return out.join('\n')
}
