/** Durations as operators write them on the command line: `90s`, `10m`, `2h`, `7d`. */
import {WdError} from '../errors.js'

const UNITS: Record<string, number> = {s: 1, m: 60, h: 3600, d: 86400}

/** The seconds of a duration like `10m`; undefined for text that is no such duration. */
export function durationSeconds(value: string): number | undefined {
  const m = /^(\d{1,9})([smhd])$/.exec(value)
  return m ? Number(m[1]) * UNITS[m[2]!]! : undefined
}

/** The seconds of a duration, or WD_USAGE naming the flag. */
export function assertDuration(value: string, flag: string): number {
  const s = durationSeconds(value)
  if (s === undefined || s === 0)
    throw new WdError('WD_USAGE', `${flag} '${value}' is not a duration like 90s, 10m, 2h or 7d`)
  return s
}
