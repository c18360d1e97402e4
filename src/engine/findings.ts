/** Findings are data: a stable rule id, a severity, what is wrong, and what to write instead. */
import type {SourcePosition} from '../errors.js'
import type {RuleId} from './rules.js'

export type Severity = 'error' | 'warning'
export type Subject = 'flavor' | 'image'

export interface Finding {
  /** stable id, e.g. `nova/invalid-action`; documented in the README's rule table */
  rule: RuleId
  severity: Severity
  message: string
  /** where the finding is: a flavor extra spec or an image property */
  subject: Subject
  /** the key the finding is about; a finding about a value sits on the value */
  key: string
  on: 'key' | 'value'
  /**
   * what to do, when there is one thing: `KEY=VALUE` or `remove KEY` (src/engine/fix.ts decides it; a fix never
   * changes what happens on a hang, except the correction of a value Nova refuses)
   */
  fix?: string
  /** where in a file, when the input came from one */
  position?: SourcePosition
}

export function errorsOf(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity === 'error')
}

export function warningsOf(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity === 'warning')
}
