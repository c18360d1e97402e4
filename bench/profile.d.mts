/** Own time in ms by owner, from the `.cpuprofile` files in a directory, as a mean over them. */
export interface Breakdown {
  profiles: number
  wallMs: number
  owners: {owner: string; ms: number}[]
}
export const IDLE: string
export function breakdown(dir: string): Breakdown
export function profileCommand(
  argv: string[] | ((run: number) => string[]),
  runs: number,
  options?: object,
  ok?: number[],
): Breakdown
export function printBreakdown(title: string, breakdown: Breakdown, min?: number, unit?: string): void
