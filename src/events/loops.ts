/**
 * Reset loops: a guest that barks again and again (it hangs during every boot) is the worst case, and without this
 * looks like many unrelated barks. N barks of one VM within a window mark a loop: the bark that makes the Nth and
 * every one after it while the window still holds N carry `loop` in their record (and so in the webhook's payload),
 * and entering a loop is counted once (wd_watchdog_bark_loops_total). Times are the hypervisor's own, so a journal
 * read again after a restart gives the same verdicts; memory holds at most N times per VM seen within the window.
 */
export interface LoopRule {
  /** barks of one VM that make a loop */
  barks: number
  /** within this many seconds */
  windowSeconds: number
}

/** Three barks in ten minutes: a guest reset by its watchdog boots, hangs and barks again within minutes. */
export const DEFAULT_LOOP_RULE: LoopRule = {barks: 3, windowSeconds: 600}

export interface Loop {
  /** barks of this VM in the loop so far, this one included (the loop goes on while each window holds N) */
  barks: number
  /** the first of the N barks that this one completes */
  since: string
  windowSeconds: number
}

/** What the detector reads of a bark (bark.ts's Bark has these fields; it imports Loop from here, so not the reverse). */
interface Sighting {
  vm: string
  instance?: string
  source: string
  host?: string
  /** ISO 8601, the hypervisor's own time */
  time: string
}

/** Which VM a bark is about, across sources and hosts: the instance when the source knows it. */
const vmKey = (b: Sighting) => b.instance ?? `${b.host ?? ''}|${b.source}|${b.vm}`

export class LoopDetector {
  /** per VM: the times (ms) of its last barks, oldest first, at most `barks` of them; the barks of its loop so far */
  private readonly recent = new Map<string, {times: number[]; inLoop: number}>()
  private seen = 0

  constructor(private readonly rule: LoopRule = DEFAULT_LOOP_RULE) {}

  /** The loop this bark is part of, or undefined; `entered` when it is the bark that made the loop. */
  observe(bark: Sighting): {loop: Loop; entered: boolean} | undefined {
    const t = Date.parse(bark.time)
    const windowMs = this.rule.windowSeconds * 1000
    const key = vmKey(bark)
    const last = this.recent.get(key)
    const times = (last?.times ?? []).filter((x) => t - x < windowMs)
    const wasLoop = times.length >= this.rule.barks
    times.push(t)
    while (times.length > this.rule.barks) times.shift()
    const inLoop = times.length < this.rule.barks ? 0 : wasLoop ? last!.inLoop + 1 : this.rule.barks
    this.recent.set(key, {times, inLoop})
    if (++this.seen % 1024 === 0) this.forget(t - windowMs)
    if (inLoop === 0) return undefined
    return {
      loop: {barks: inLoop, since: new Date(times[0]!).toISOString(), windowSeconds: this.rule.windowSeconds},
      entered: !wasLoop,
    }
  }

  /** VMs whose last bark is older than the window are dropped: memory follows the VMs barking now. */
  private forget(before: number): void {
    for (const [key, v] of this.recent) if (v.times.at(-1)! <= before) this.recent.delete(key)
  }
}
