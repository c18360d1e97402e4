/** Human text: findings grouped per file, each with its source line and a caret under the place. */
import {summarize, summaryLine, type FileResult} from './model.js'

export function textReport(results: readonly FileResult[]): string {
  const out: string[] = []
  for (const r of results) {
    if (r.unreadable) {
      out.push(`${r.file}`, `  cannot read: ${r.unreadable}`, '')
      continue
    }
    if (r.findings.length === 0) continue
    out.push(r.file)
    // Line offsets are found once per file, not once per finding: a big catalog may have many.
    const lines = r.text?.split('\n')
    for (const f of r.findings) {
      const {line, col, endLine, endCol} = f.position
      out.push(`  ${line}:${col}  ${f.severity.padEnd(7)}  ${f.message}  ${f.rule}`)
      const src = lines?.[line - 1]?.replace(/\r$/, '')
      if (src !== undefined) {
        const width = endLine === line && endCol !== undefined && endCol > col ? endCol - col : 1
        const gutter = String(line).length
        out.push(`    ${line} | ${src}`, `    ${' '.repeat(gutter)} | ${' '.repeat(col - 1)}${'^'.repeat(width)}`)
      }
      if (f.fix) out.push(`    fix: ${f.fix}`)
    }
    out.push('')
  }
  out.push(summaryLine(summarize(results)))
  return out.join('\n')
}
