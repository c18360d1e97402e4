/** A resolution (src/operations/resolution.ts) in words, and the QEMU arguments as one shell-quoted line. */
import type {Resolution} from '../engine/resolve.js'
import type {ResolutionResult} from '../operations/resolution.js'
import {renderLibvirtElement} from '../render/libvirt.js'
import {renderQemuArgs} from '../render/qemu.js'
import {translate} from '../vocab/translate.js'

const DECIDER = {
  flavor: "the flavor's hw:watchdog_action",
  image: "the image's hw_watchdog_action",
  default: "Nova's default",
}

export function resolutionText(r: ResolutionResult): string {
  const lines = [
    // "none" is also a Nova action (a device that does nothing): the absence of a device says so in words
    `watchdog: ${r.device ? renderLibvirtElement(r.device) : 'no watchdog device'} (from ${DECIDER[r.decidedBy]})`,
  ]
  for (const e of r.errors) lines.push(`error: ${e}`)
  for (const w of r.warnings) lines.push(`warning: ${w}`)
  if (r.trace) r.trace.forEach((t, i) => lines.push(`  ${i + 1}. ${t}`))
  return lines.join('\n')
}

const shellWord = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`)

/** The QEMU arguments for a Nova device, quoted for a shell. */
export const qemuCommandLine = (device: NonNullable<Resolution['device']>): string =>
  renderQemuArgs(translate(device, 'nova', 'qemu'))
    .map(shellWord)
    .join(' ')
