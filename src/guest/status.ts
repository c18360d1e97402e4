/**
 * What a guest says about its watchdog, in its own words: the last `wd-guest:` line on its console (the guest half,
 * src/render/guest-half.ts, writes it at every boot and now and then). Grammar, one line:
 *
 *     wd-guest: armed|not-armed KEY=VALUE ...
 *
 * VALUE is bare (no space, no quote) or in double quotes with `\"` and `\\` escaped. Keys: model, action, device,
 * identity, driver, timeout, feeder, kernel, note (armed); model, action, reason, kernel, detail (not-armed). Unknown
 * keys are passed over, so a newer guest half stays readable. The console is the guest's to write: its words are
 * data, clipped, never trusted to be well formed (schemas/guest-report.schema.json is what comes out).
 */
import {clip, oneLine} from '../text/clip.js'

export interface GuestReport {
  state: 'armed' | 'not-armed'
  model?: string
  action?: string
  /** armed: /dev/watchdogN, its driver's identity, the module, the timeout the device has, who feeds it */
  device?: string
  identity?: string
  driver?: string
  timeout?: number
  feeder?: string
  kernel?: string
  note?: string
  /** not-armed: a reason of NOT_ARMED_REASONS (another word, from a newer guest half, is kept as it is) and the guest's words */
  reason?: string
  detail?: string
}

const KEYS = new Set([
  'model',
  'action',
  'device',
  'identity',
  'driver',
  'timeout',
  'feeder',
  'kernel',
  'note',
  'reason',
  'detail',
])
/** No value the guest half writes is longer (a kernel release, a modprobe message): longer is clipped. */
const VALUE_CHARS = 300
/** The console's lines are read from the end; a line is at most this long (a longer one is no wd-guest line). */
const LINE_CHARS = 4096

const LINE = /wd-guest: (armed|not-armed)((?: [a-z]+=(?:"(?:[^"\\]|\\.)*"|[^ "]*))*) *$/
const PAIR = /([a-z]+)=(?:"((?:[^"\\]|\\.)*)"|([^ "]*))/g

/** One console line as a report; undefined when it is no wd-guest line. */
export function parseGuestLine(line: string): GuestReport | undefined {
  if (line.length > LINE_CHARS) return undefined
  const m = LINE.exec(line.replace(/\r+$/, ''))
  if (!m) return undefined
  const report: GuestReport = {state: m[1] as GuestReport['state']}
  for (const [, key, quoted, bare] of m[2]!.matchAll(PAIR)) {
    if (!KEYS.has(key!) || key! in report) continue
    const value = oneLine(clip(quoted === undefined ? bare! : quoted.replace(/\\(.)/g, '$1'), VALUE_CHARS))
    if (key === 'timeout') {
      if (/^[0-9]{1,6}$/.test(value)) report.timeout = Number(value)
    } else {
      ;(report as unknown as Record<string, string>)[key!] = value
    }
  }
  return report
}

export interface ConsoleReading {
  /** the last wd-guest line of the boot the console shows last; undefined when there is none */
  report?: GuestReport
  /** a wd-guest line was there, but from a boot before the last (a kernel banner follows it) */
  stale: boolean
}

/** Linux's first line at each boot (init/version.c linux_banner). */
const BANNER = /(?:^|\] )Linux version \d/

/**
 * The guest's last word in a console's text: the last wd-guest line, unless the kernel booted again after it and has
 * not said anything since (then it is stale: the guest half has not run in this boot yet, or not at all).
 */
export function readConsole(text: string): ConsoleReading {
  const lines = text.split('\n')
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!
    if (BANNER.test(line)) {
      for (let j = i - 1; j >= 0; j--) if (parseGuestLine(lines[j]!)) return {stale: true}
      return {stale: false}
    }
    const report = parseGuestLine(line)
    if (report) return {report, stale: false}
  }
  return {stale: false}
}
