/**
 * GitHub Actions workflow commands (`::error file=…,line=…::message`), escaped as @actions/core escapes them and
 * capped as GitHub caps them (10 errors and 10 warnings per step); the full text report follows, so nothing is lost.
 */
import {textReport} from './text.js'
import type {FileResult} from '../../catalog/result.js'

/** GitHub shows at most this many annotations of each kind per step. */
export const ANNOTATIONS_PER_KIND = 10

const escData = (s: string) => s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A')
const escProp = (s: string) => escData(s).replaceAll(':', '%3A').replaceAll(',', '%2C')

export function githubReport(results: readonly FileResult[], strict: boolean): string {
  const out: string[] = []
  const shown = {error: 0, warning: 0}
  let hidden = 0
  for (const r of results) {
    for (const f of r.findings) {
      const kind = f.severity === 'warning' && strict ? 'error' : f.severity
      if (shown[kind] >= ANNOTATIONS_PER_KIND) {
        hidden++
        continue
      }
      shown[kind]++
      const {line, col, endLine, endCol} = f.position
      const props = [`file=${escProp(r.file)}`, `line=${line}`, `endLine=${endLine ?? line}`]
      // GitHub takes columns only for an annotation on a single line
      if ((endLine ?? line) === line) props.push(`col=${col}`, `endColumn=${endCol ?? col}`)
      props.push(`title=${escProp(`wd ${f.rule}`)}`)
      out.push(`::${kind} ${props.join(',')}::${escData(f.fix ? `${f.message}\nfix: ${f.fix}` : f.message)}`)
    }
    if (r.unreadable) out.push(`::error file=${escProp(r.file)}::${escData(`cannot read: ${r.unreadable}`)}`)
  }
  if (hidden > 0) {
    out.push(
      `::notice title=wd::${escData(`${hidden} more findings are not annotated (GitHub shows 10 per kind and step); see the report below`)}`,
    )
  }
  out.push(textReport(results))
  return out.join('\n')
}
