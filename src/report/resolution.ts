/** The two faces of a resolution: the JSON object (schemas/resolution.schema.json) and human text. */
import type {Resolution} from '../engine/resolve.js'
import type {Finding} from '../engine/findings.js'
import {renderLibvirtElement} from '../render/libvirt.js'

export interface ResolutionView {
  device: Resolution['device']
  decidedBy: Resolution['decidedBy']
  valid: boolean
  warnings: string[]
  errors: string[]
  findings: Finding[]
  trace?: string[]
}

const where = (f: Finding) => (f.position ? `${f.position.file}:${f.position.line}:${f.position.col}: ` : '')

export function resolutionView(r: Resolution, explain = false): ResolutionView {
  return {
    device: r.device,
    decidedBy: r.decidedBy,
    valid: r.errors.length === 0,
    warnings: r.warnings.map((f) => where(f) + f.message),
    errors: r.errors.map((f) => where(f) + f.message),
    findings: [...r.errors, ...r.warnings],
    ...(explain && {trace: r.trace}),
  }
}

const DECIDER = {
  flavor: "the flavor's hw:watchdog_action",
  image: "the image's hw_watchdog_action",
  default: "Nova's default",
}

export function resolutionText(view: ResolutionView): string {
  const lines = [
    // "none" is also a Nova action (a device that does nothing): the absence of a device says so in words
    `watchdog: ${view.device ? renderLibvirtElement(view.device) : 'no watchdog device'} (from ${DECIDER[view.decidedBy]})`,
  ]
  for (const e of view.errors) lines.push(`error: ${e}`)
  for (const w of view.warnings) lines.push(`warning: ${w}`)
  if (view.trace) view.trace.forEach((t, i) => lines.push(`  ${i + 1}. ${t}`))
  return lines.join('\n')
}
