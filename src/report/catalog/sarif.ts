/**
 * SARIF 2.1.0 for code scanning: the rule table, one result per finding with its region, and a fingerprint that
 * survives lines moving (rule, file and message, plus a counter for identical ones).
 */
import {createHash} from 'node:crypto'
import {RULES, type RuleId} from '../../engine/rules.js'
import type {FileResult} from '../../catalog/result.js'
import {sarifLog} from '../sarif-log.js'

export function sarifReport(results: readonly FileResult[], version: string, strict: boolean): object {
  const ruleIds = Object.keys(RULES) as RuleId[]
  const seen = new Map<string, number>()
  const sarifResults = results.flatMap((r) =>
    r.findings.map((f) => {
      const base = `${f.rule}|${r.file}|${f.message}`
      const n = (seen.get(base) ?? 0) + 1
      seen.set(base, n)
      const {line, col, endLine, endCol} = f.position
      return {
        ruleId: f.rule,
        ruleIndex: ruleIds.indexOf(f.rule),
        level: f.severity === 'warning' && !strict ? 'warning' : 'error',
        message: {text: f.fix ? `${f.message} Fix: ${f.fix}` : f.message},
        locations: [
          {
            physicalLocation: {
              artifactLocation: {uri: r.file.split('\\').join('/')},
              region: {startLine: line, startColumn: col, endLine: endLine ?? line, endColumn: endCol ?? col},
            },
          },
        ],
        partialFingerprints: {'wdFinding/v1': createHash('sha256').update(`${base}|${n}`).digest('hex').slice(0, 32)},
      }
    }),
  )
  return sarifLog(
    version,
    ruleIds.map((id) => ({id, summary: RULES[id].summary, level: RULES[id].level})),
    // a file that could not be read is the tool failing on it: code scanning shows these notifications
    {
      executionSuccessful: !results.some((r) => r.unreadable),
      toolExecutionNotifications: results
        .filter((r) => r.unreadable)
        .map((r) => ({
          level: 'error',
          message: {text: `cannot read: ${r.unreadable}`},
          locations: [{physicalLocation: {artifactLocation: {uri: r.file.split('\\').join('/')}}}],
        })),
    },
    sarifResults,
    {columnKind: 'utf16CodeUnits'},
  )
}
