/**
 * The audit's findings as SARIF 2.1.0: each result located at the cloud object it is about (a logical location:
 * server, flavor or image, by id), with a fingerprint of rule and object so a dashboard follows it across runs.
 */
import {createHash} from 'node:crypto'
import {AUDIT_RULES} from '../../audit/rules.js'
import {RULES} from '../../engine/rules.js'
import type {AuditReport} from '../../operations/audit.js'
import {sarifLog} from '../sarif-log.js'
import {objectLabel} from './text.js'

const LEVEL = {error: 'error', warning: 'warning', info: 'note'} as const

export function auditSarif(r: AuditReport, version: string): object {
  const table: Record<string, {summary: string; level: string}> = {...RULES, ...AUDIT_RULES}
  const used = [...new Set(r.findings.map((f) => f.rule))].sort()
  const results = r.findings.map((f) => {
    const kind = f.subject.kind
    const fqn = `${kind}s/${f.subject.id}`
    return {
      ruleId: f.rule,
      ruleIndex: used.indexOf(f.rule),
      level: LEVEL[f.severity],
      message: {text: `${objectLabel(f.subject)}: ${f.message}${f.fix ? ` Fix: ${f.fix}` : ''}`},
      locations: [
        {
          logicalLocations: [{kind, name: f.subject.name ?? f.subject.id, fullyQualifiedName: fqn}],
        },
      ],
      partialFingerprints: {
        'wdAudit/v1': createHash('sha256')
          .update(`${f.rule}|${fqn}|${f.key ?? ''}`)
          .digest('hex')
          .slice(0, 32),
      },
    }
  })
  return sarifLog(
    version,
    used.map((id) => ({
      id,
      summary: table[id]?.summary ?? id,
      level: LEVEL[(table[id]?.level ?? 'warning') as keyof typeof LEVEL],
    })),
    {executionSuccessful: true, endTimeUtc: r.generatedAt},
    results,
  )
}
